"""The list of vulnerable job types in force on a date, derived from the team's decisions.

A decision adds a job type to the list or removes it, from its effective date. Nothing is
edited in place: the list on any day is the result of replaying the decisions up to that day.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

ADD = "add"
REMOVE = "remove"


@dataclass(frozen=True)
class Decision:
    occupation_code: str
    action: str  # "add" or "remove" (models.DecisionAction)
    effective_on: date
    order: int = 0  # tie-break for decisions on the same day: the later record wins


def vulnerable_on(decisions: Iterable[Decision], on: date) -> frozenset[str]:
    in_force: set[str] = set()
    for decision in sorted(decisions, key=lambda d: (d.effective_on, d.order)):
        if decision.effective_on > on:
            break
        if decision.action == ADD:
            in_force.add(decision.occupation_code)
        elif decision.action == REMOVE:
            in_force.discard(decision.occupation_code)
    return frozenset(in_force)
