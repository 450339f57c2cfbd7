"""When a complaint is due, from the deadline per category in force on the day it was
received (pure). The days are data (`ComplaintDeadline`): no regulation fixing them per
category was found, so the Dinas sets and dates them."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class DeadlineRule:
    category: str
    days: int
    effective_on: date


def days_in_force(rules: Iterable[DeadlineRule], *, category: str, on: date) -> int | None:
    """The days allowed for a complaint of this category received on `on`: the latest rule
    in force that day, or None when none is."""
    in_force = [r for r in rules if r.category == category and r.effective_on <= on]
    if not in_force:
        return None
    return max(in_force, key=lambda r: r.effective_on).days


def due_on(received_on: date, days: int) -> date:
    """Calendar days, counted from the day after the complaint was received."""
    return received_on + timedelta(days=days)


def is_overdue(due: date | None, *, is_open: bool, today: date) -> bool:
    return is_open and due is not None and due < today


def days_left(due: date | None, today: date) -> int | None:
    return None if due is None else (due - today).days
