from datetime import date

import pytest

from rentan.programmes.lifecycle import (
    ALLOCATED,
    APPROVED,
    CLOSED,
    DRAFT,
    RUNNING,
    Refusal,
    TransitionRefused,
    check_transition,
)
from rentan.programmes.vulnerable_jobs import Decision, vulnerable_on


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (DRAFT, ALLOCATED),
        (ALLOCATED, ALLOCATED),
        (ALLOCATED, APPROVED),
        (ALLOCATED, DRAFT),
        (APPROVED, RUNNING),
        (RUNNING, CLOSED),
    ],
)
def test_allowed_transitions(current, target):
    check_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target", "refusal"),
    [
        (DRAFT, APPROVED, Refusal.NOT_ALLOCATED),
        (APPROVED, ALLOCATED, Refusal.FROZEN),
        (RUNNING, ALLOCATED, Refusal.FROZEN),
        (ALLOCATED, RUNNING, Refusal.NOT_APPROVED),
        (APPROVED, CLOSED, Refusal.NOT_RUNNING),
        (CLOSED, ALLOCATED, Refusal.CLOSED),
    ],
)
def test_refused_transitions_name_the_reason(current, target, refusal):
    with pytest.raises(TransitionRefused) as refused:
        check_transition(current, target)
    assert refused.value.refusal == refusal


DECISIONS = [
    *(Decision(code, "add", date(2022, 3, 1)) for code in "abcdef"),
    *(Decision(code, "add", date(2022, 8, 1)) for code in "ghijk"),
    Decision("a", "remove", date(2023, 6, 1), order=1),
    Decision("a", "add", date(2023, 6, 1), order=2),  # same day: the later record wins
    Decision("l", "add", date(2023, 10, 1)),
    Decision("m", "add", date(2023, 10, 1)),
    Decision("b", "remove", date(2024, 1, 1)),
]


@pytest.mark.parametrize(
    ("on", "count"),
    [
        (date(2022, 2, 28), 0),
        (date(2022, 3, 1), 6),
        (date(2022, 7, 31), 6),
        (date(2022, 8, 1), 11),
        (date(2023, 6, 1), 11),
        (date(2023, 10, 1), 13),
        (date(2024, 1, 1), 12),
    ],
)
def test_list_in_force_is_derived_from_decisions(on, count):
    assert len(vulnerable_on(DECISIONS, on)) == count


def test_a_removed_job_type_is_no_longer_in_force():
    assert "b" not in vulnerable_on(DECISIONS, date(2024, 1, 1))
    assert "a" in vulnerable_on(DECISIONS, date(2023, 6, 1))
