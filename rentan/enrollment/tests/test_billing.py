"""Premiums per month, reconciliation and lapse warnings: pure, no database."""

from datetime import date
from decimal import Decimal

import pytest

from rentan.enrollment.billing import (
    Cover,
    Difference,
    WarningKind,
    cycle_cost_to_date,
    cycle_months,
    expected_bill,
    is_billable,
    payment_warnings,
    reconcile,
)
from rentan.programmes.premiums import RateRule

RULES = [
    RateRule(date(2015, 7, 1), Decimal("0.01"), 1_000_000, 6_800),
    RateRule(date(2026, 1, 1), Decimal("0.01"), 1_000_000, 6_800, Decimal(50)),
]


@pytest.mark.parametrize(
    ("start_on", "ended_on", "month", "billable"),
    [
        (date(2023, 1, 1), None, date(2023, 1, 1), True),
        (date(2023, 1, 10), None, date(2023, 1, 1), True),  # joined mid-month: whole month
        (date(2023, 2, 1), None, date(2023, 1, 1), False),
        (date(2023, 1, 1), date(2023, 3, 5), date(2023, 3, 1), True),  # ended mid-month
        (date(2023, 1, 1), date(2023, 3, 5), date(2023, 4, 1), False),
        (date(2023, 1, 1), date(2023, 2, 28), date(2023, 3, 1), False),
        (None, None, date(2023, 1, 1), False),  # never made active by the branch
    ],
)
def test_a_member_counts_for_every_month_their_cover_touches(start_on, ended_on, month, billable):
    assert is_billable(Cover("n", start_on, ended_on), month) is billable


def test_expected_bill_uses_the_rate_in_force_on_the_first_of_the_month():
    covers = [Cover(str(n), date(2023, 1, 1)) for n in range(3)]
    before = expected_bill(covers, month=date(2025, 12, 1), rules=RULES, declared_income=1_000_000)
    after = expected_bill(covers, month=date(2026, 1, 15), rules=RULES, declared_income=1_000_000)
    assert (before.premium, before.total) == (16_800, 50_400)
    assert (after.premium, after.total, after.month) == (8_400, 25_200, date(2026, 1, 1))


def test_cycle_cost_to_date_against_budget():
    covers = [Cover("a", date(2023, 1, 1)), Cover("b", date(2023, 3, 1), date(2023, 3, 31))]
    cost = cycle_cost_to_date(
        covers,
        months=cycle_months(date(2023, 1, 1), 12),
        today=date(2023, 4, 20),
        rules=RULES,
        declared_income=1_000_000,
        budget_ceiling=60_000,
    )
    assert [m.members for m in cost.months] == [1, 1, 2, 1]
    assert cost.total == 5 * 16_800
    assert cost.remaining == 60_000 - 84_000
    assert cost.is_over_budget


def test_reconciliation_names_each_difference_and_ties_out():
    expected = expected_bill(
        [Cover("a", date(2023, 1, 1)), Cover("b", date(2023, 1, 1)), Cover("c", date(2023, 1, 1))],
        month=date(2023, 3, 1),
        rules=RULES,
        declared_income=1_000_000,
    )
    billed = {"a": 16_800, "b": 20_000, "x": 16_800}
    result = reconcile(expected, billed, stated_total=53_600)
    assert [(d.kind, d.nik, d.delta) for d in result.differences] == [
        (Difference.AMOUNT_DIFFERS, "b", 3_200),
        (Difference.BILLED_NOT_ACTIVE, "x", 16_800),
        (Difference.ACTIVE_NOT_BILLED, "c", -16_800),
    ]
    assert result.matched == 1
    assert result.expected_total == 50_400
    assert result.billed_total == 53_600
    assert result.explained_total == result.billed_total
    assert result.ties_out
    assert not result.agrees


def test_bill_whose_printed_total_differs_from_its_lines_does_not_tie_out():
    expected = expected_bill(
        [Cover("a", date(2023, 1, 1))], month=date(2023, 3, 1), rules=RULES, declared_income=0
    )
    assert reconcile(expected, {"a": 16_800}).agrees
    assert not reconcile(expected, {"a": 16_800}, stated_total=20_000).ties_out


def test_unpaid_months_warn_before_the_15th_and_before_cover_stops():
    covers = [Cover("a", date(2023, 1, 1)), Cover("b", date(2023, 3, 1))]
    bills = [
        expected_bill(covers, month=m, rules=RULES, declared_income=1_000_000)
        for m in cycle_months(date(2023, 1, 1), 12)
    ]
    on_time = payment_warnings(bills, paid_months={date(2023, 1, 1)}, today=date(2023, 2, 10))
    assert [(w.kind, w.due_on) for w in on_time] == [(WarningKind.DUE_SOON, date(2023, 2, 15))]

    late = payment_warnings(bills, paid_months={date(2023, 1, 1)}, today=date(2023, 4, 3))
    kinds = [(w.kind, w.month.month, w.members) for w in late]
    assert (WarningKind.OVERDUE, 2, 1) in kinds
    assert (WarningKind.OVERDUE, 3, 2) in kinds
    assert (WarningKind.HEADING_FOR_LAPSE, 3, 1) in kinds  # "a": February and March unpaid
    assert (WarningKind.HEADING_FOR_LAPSE, 4, 1) in kinds  # April's 15th would be the third
    lapsed = payment_warnings(bills, paid_months={date(2023, 1, 1)}, today=date(2023, 4, 20))
    assert (WarningKind.LAPSED, 4, 1) in [(w.kind, w.month.month, w.members) for w in lapsed]


def test_a_month_nobody_was_covered_owes_nothing_and_warns_of_nothing():
    """A year approved but whose memberships were never recorded (the demo's 2022) has
    months of Rp 0 with no member: no premium is due and no one can lapse."""
    bills = [
        expected_bill([], month=m, rules=RULES, declared_income=1_000_000)
        for m in cycle_months(date(2022, 11, 1), 2)
    ]
    assert payment_warnings(bills, paid_months=set(), today=date(2026, 12, 2)) == []
    covered = [
        expected_bill([Cover("a", date(2022, 12, 1))], month=m, rules=RULES, declared_income=0)
        for m in cycle_months(date(2022, 11, 1), 2)
    ]
    warnings = payment_warnings(covered, paid_months=set(), today=date(2022, 12, 20))
    assert [(w.kind, w.month, w.members) for w in warnings] == [
        (WarningKind.OVERDUE, date(2022, 12, 1), 1)
    ]


def test_a_month_that_owes_rp_0_is_not_overdue():
    """Members covered in months whose rate owes nothing (a full discount) owe nothing: no
    warning of an unpaid Rp 0 and no lapse."""
    free = [RateRule(date(2015, 7, 1), Decimal("0.01"), 1_000_000, 6_800, Decimal(100))]
    bills = [
        expected_bill([Cover("a", date(2022, 11, 1))], month=m, rules=free, declared_income=0)
        for m in cycle_months(date(2022, 11, 1), 4)
    ]
    assert [b.members for b in bills] == [1, 1, 1, 1]
    assert not any(b.total for b in bills)
    assert payment_warnings(bills, paid_months=set(), today=date(2023, 3, 20)) == []
