"""The complaint's states, the desk's record, the follow-up, the deadline and the receipt
number, judged without a database."""

from datetime import date

import pytest

from rentan.complaints.deadlines import DeadlineRule, days_in_force, due_on, is_overdue
from rentan.complaints.lifecycle import (
    CLOSED,
    DECIDED,
    IN_REVIEW,
    RECEIVED,
    Category,
    ComplaintRefused,
    Decision,
    FollowUp,
    FollowUpFacts,
    Intake,
    Refusal,
    Reporter,
    check_transition,
    follow_up_refusal,
    intake_refusal,
)
from rentan.complaints.receipts import parse_receipt_number, receipt_number


@pytest.mark.parametrize(
    ("current", "target"),
    [(RECEIVED, IN_REVIEW), (IN_REVIEW, DECIDED), (DECIDED, CLOSED)],
)
def test_each_step_forward_is_allowed(current, target):
    check_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target", "refusal"),
    [
        (RECEIVED, DECIDED, Refusal.NOT_IN_REVIEW),
        (RECEIVED, CLOSED, Refusal.NOT_DECIDED),
        (IN_REVIEW, IN_REVIEW, Refusal.NOT_RECEIVED),
        (IN_REVIEW, CLOSED, Refusal.NOT_DECIDED),
        (DECIDED, DECIDED, Refusal.NOT_IN_REVIEW),
        (DECIDED, IN_REVIEW, Refusal.NOT_RECEIVED),
        (CLOSED, IN_REVIEW, Refusal.CLOSED),
        (CLOSED, DECIDED, Refusal.CLOSED),
        (CLOSED, CLOSED, Refusal.CLOSED),
    ],
)
def test_a_step_out_of_order_is_refused_with_its_reason(current, target, refusal):
    with pytest.raises(ComplaintRefused) as refused:
        check_transition(current, target)
    assert refused.value.refusal == refusal


def _intake(**overrides):
    values = {
        "reporter": Reporter.PERSON,
        "has_person": True,
        "reporter_name": "",
        "has_kelurahan": False,
        "text": "Tidak terpilih",
        "category": Category.NOT_SELECTED,
        "appealed_status": None,
    }
    return Intake(**(values | overrides))


@pytest.mark.parametrize(
    ("overrides", "refusal"),
    [
        ({}, None),
        ({"text": "  "}, Refusal.NO_TEXT),
        ({"has_person": False}, Refusal.NO_PERSON),
        ({"reporter": Reporter.OTHER, "has_person": False}, Refusal.NO_REPORTER_NAME),
        (
            {"reporter": Reporter.OTHER, "has_person": False, "reporter_name": "Bu Tini"},
            Refusal.NO_KELURAHAN,
        ),
        (
            {
                "reporter": Reporter.OTHER,
                "has_person": False,
                "reporter_name": "Bu Tini",
                "has_kelurahan": True,
            },
            None,
        ),
        ({"reporter": Reporter.ANONYMOUS}, None),
        ({"reporter": Reporter.ANONYMOUS, "has_person": False}, Refusal.NO_KELURAHAN),
        ({"appealed_status": DECIDED}, Refusal.APPEAL_NOT_APPEAL),
        ({"category": Category.APPEAL, "appealed_status": IN_REVIEW}, Refusal.APPEAL_UNDECIDED),
        ({"category": Category.APPEAL, "appealed_status": CLOSED}, None),
    ],
)
def test_what_the_desk_must_write_down(overrides, refusal):
    assert intake_refusal(_intake(**overrides)) == refusal


def _facts(**overrides):
    values = {
        "status": DECIDED,
        "decision": Decision.UPHELD,
        "has_cycle": True,
        "corrected_since_received": False,
        "on_waiting_list": False,
        "is_replacement": False,
    }
    return FollowUpFacts(**(values | overrides))


@pytest.mark.parametrize(
    ("kind", "overrides", "refusal"),
    [
        (FollowUp.RECHECKED, {}, None),
        (FollowUp.RECHECKED, {"status": IN_REVIEW}, Refusal.NOT_DECIDED),
        (FollowUp.RECHECKED, {"status": CLOSED}, Refusal.CLOSED),
        (FollowUp.RECHECKED, {"decision": Decision.REJECTED}, Refusal.NOT_UPHELD),
        (FollowUp.RECHECKED, {"decision": Decision.PARTLY_UPHELD}, None),
        (FollowUp.DATA_CORRECTED, {}, Refusal.NO_CORRECTION),
        (FollowUp.DATA_CORRECTED, {"corrected_since_received": True}, None),
        (FollowUp.WAITING_LIST, {"has_cycle": False}, Refusal.NO_CYCLE),
        (FollowUp.WAITING_LIST, {}, Refusal.NOT_WAITING),
        (FollowUp.WAITING_LIST, {"on_waiting_list": True}, None),
        (FollowUp.REPLACEMENT, {"on_waiting_list": True}, Refusal.NOT_REPLACEMENT),
        (FollowUp.REPLACEMENT, {"is_replacement": True}, None),
    ],
)
def test_a_follow_up_is_recorded_only_as_the_records_show_it(kind, overrides, refusal):
    assert follow_up_refusal(kind, _facts(**overrides)) == refusal


RULES = [
    DeadlineRule(Category.NOT_SELECTED, 14, date(2022, 1, 1)),
    DeadlineRule(Category.NOT_SELECTED, 10, date(2026, 7, 1)),
    DeadlineRule(Category.CLAIM, 5, date(2026, 7, 1)),
]


@pytest.mark.parametrize(
    ("category", "on", "days"),
    [
        (Category.NOT_SELECTED, date(2026, 6, 30), 14),
        (Category.NOT_SELECTED, date(2026, 7, 1), 10),
        (Category.CLAIM, date(2026, 6, 30), None),
        (Category.CLAIM, date(2026, 12, 1), 5),
        (Category.CONDUCT, date(2026, 12, 1), None),
    ],
)
def test_the_deadline_in_force_on_the_day_received(category, on, days):
    assert days_in_force(RULES, category=category, on=on) == days


def test_due_and_overdue():
    due = due_on(date(2026, 11, 20), 14)
    assert due == date(2026, 12, 4)
    assert not is_overdue(due, is_open=True, today=date(2026, 12, 4))
    assert is_overdue(due, is_open=True, today=date(2026, 12, 5))
    assert not is_overdue(due, is_open=False, today=date(2026, 12, 5))
    assert not is_overdue(None, is_open=True, today=date(2026, 12, 5))


def test_receipt_numbers_read_back():
    assert receipt_number(2026, 123) == "ADU-2026-000123"
    assert parse_receipt_number(" adu-2026-000123 ") == (2026, 123)
    assert parse_receipt_number("ADU-26-1") is None
