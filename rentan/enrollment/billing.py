"""Premiums owed per month, the branch's bill checked against them, and lapse warnings.

Pro-rata rule: none. A member counts for a whole month when their cover (start date to end
date) includes any day of that month. BPU premiums are a fixed monthly amount paid in
advance; BPJS does not split a month, and a member who joins on the 10th or dies on the 5th
is covered, and billed, for that whole month. The premium of a month comes from the rate
rule in force on its 1st day.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from rentan.programmes.premiums import RateRule, monthly_premium, rule_in_force

DUE_DAY = 15  # premiums are due by the 15th of each month
LAPSE_AFTER_UNPAID_MONTHS = 3  # after 3 unpaid months the membership becomes non-active


def month_start(value: date) -> date:
    return value.replace(day=1)


def add_months(value: date, months: int) -> date:
    index = value.year * 12 + value.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(value: date) -> date:
    return date.fromordinal(add_months(value, 1).toordinal() - 1)


def cycle_months(coverage_start_on: date, coverage_months: int) -> list[date]:
    first = month_start(coverage_start_on)
    return [add_months(first, n) for n in range(coverage_months)]


@dataclass(frozen=True)
class Cover:
    """One member's cover as far as premiums are concerned."""

    nik: str
    start_on: date | None
    ended_on: date | None = None
    kpj_number: str = ""
    name: str = ""


def is_billable(cover: Cover, month: date) -> bool:
    """Whether the member's cover includes any day of the month (see the module's rule)."""
    if cover.start_on is None:
        return False
    first = month_start(month)
    return cover.start_on <= month_end(first) and (
        cover.ended_on is None or cover.ended_on >= first
    )


@dataclass(frozen=True)
class ExpectedBill:
    month: date
    premium: int
    lines: dict[str, int]  # NIK -> premium

    @property
    def total(self) -> int:
        return sum(self.lines.values())

    @property
    def members(self) -> int:
        return len(self.lines)


def expected_bill(
    covers: Iterable[Cover], *, month: date, rules: Sequence[RateRule], declared_income: int
) -> ExpectedBill:
    first = month_start(month)
    premium = monthly_premium(rule_in_force(rules, first), declared_income)
    lines = {c.nik: premium for c in covers if is_billable(c, first)}
    return ExpectedBill(month=first, premium=premium, lines=lines)


@dataclass(frozen=True)
class CycleCost:
    months: list[ExpectedBill]
    budget_ceiling: int

    @property
    def total(self) -> int:
        return sum(m.total for m in self.months)

    @property
    def remaining(self) -> int:
        return self.budget_ceiling - self.total

    @property
    def is_over_budget(self) -> bool:
        return self.total > self.budget_ceiling


def cycle_cost_to_date(
    covers: Sequence[Cover],
    *,
    months: Sequence[date],
    today: date,
    rules: Sequence[RateRule],
    declared_income: int,
    budget_ceiling: int,
) -> CycleCost:
    """The premiums of every month of the cycle begun by `today`, against the budget."""
    bills = [
        expected_bill(covers, month=m, rules=rules, declared_income=declared_income)
        for m in months
        if m <= today
    ]
    return CycleCost(months=bills, budget_ceiling=budget_ceiling)


class Difference(StrEnum):
    BILLED_NOT_ACTIVE = "billed_not_active"
    ACTIVE_NOT_BILLED = "active_not_billed"
    AMOUNT_DIFFERS = "amount_differs"


@dataclass(frozen=True)
class DifferenceLine:
    kind: Difference
    nik: str
    expected: int
    billed: int

    @property
    def delta(self) -> int:
        """What this line adds to the bill compared with what we expect."""
        return self.billed - self.expected


@dataclass(frozen=True)
class Reconciliation:
    month: date
    expected_total: int
    billed_total: int  # the sum of the bill's lines
    stated_total: int | None  # the total printed on the bill, if any
    matched: int
    differences: list[DifferenceLine] = field(default_factory=list)

    @property
    def explained_total(self) -> int:
        return self.expected_total + sum(d.delta for d in self.differences)

    @property
    def ties_out(self) -> bool:
        """Expected total plus every explained difference equals the billed total, and the
        bill's own stated total (if printed) equals the sum of its lines."""
        stated_ok = self.stated_total is None or self.stated_total == self.billed_total
        return stated_ok and self.explained_total == self.billed_total

    @property
    def agrees(self) -> bool:
        return not self.differences and self.ties_out

    @property
    def gap(self) -> int:
        return self.billed_total - self.expected_total


def reconcile(
    expected: ExpectedBill, billed: Mapping[str, int], *, stated_total: int | None = None
) -> Reconciliation:
    differences: list[DifferenceLine] = []
    matched = 0
    for nik, amount in sorted(billed.items()):
        if nik not in expected.lines:
            differences.append(DifferenceLine(Difference.BILLED_NOT_ACTIVE, nik, 0, amount))
        elif expected.lines[nik] != amount:
            differences.append(
                DifferenceLine(Difference.AMOUNT_DIFFERS, nik, expected.lines[nik], amount)
            )
        else:
            matched += 1
    for nik, amount in sorted(expected.lines.items()):
        if nik not in billed:
            differences.append(DifferenceLine(Difference.ACTIVE_NOT_BILLED, nik, amount, 0))
    return Reconciliation(
        month=expected.month,
        expected_total=expected.total,
        billed_total=sum(billed.values()),
        stated_total=stated_total,
        matched=matched,
        differences=differences,
    )


class WarningKind(StrEnum):
    DUE_SOON = "due_soon"  # this month's premium is not paid and the 15th is near or today
    OVERDUE = "overdue"  # a past month is unpaid
    HEADING_FOR_LAPSE = "heading_for_lapse"  # members with 2 unpaid months in a row
    LAPSED = "lapsed"  # members with 3 unpaid months in a row: cover has stopped


@dataclass(frozen=True)
class PaymentWarning:
    kind: WarningKind
    month: date
    amount: int
    due_on: date
    members: int
    unpaid_months: int


def payment_warnings(
    bills: Sequence[ExpectedBill], *, paid_months: set[date], today: date
) -> list[PaymentWarning]:
    """What must be paid and who is heading for a lapse, as of `today`.

    A month's premium is due on its 15th. Counting unpaid due months in a row, a member who
    appears in 2 of them is warned about (the third would stop the cover) and one in 3 has
    lapsed.
    """
    warnings: list[PaymentWarning] = []
    unpaid_run: dict[str, int] = {}
    for bill in sorted(bills, key=lambda b: b.month):
        if bill.month > today:
            break
        if not bill.lines or not bill.total:
            # Nobody was covered that month, or no premium was owed for it (no rate in
            # force): nothing is due, nothing can lapse.
            continue
        due_on = bill.month.replace(day=DUE_DAY)
        paid = bill.month in paid_months
        if paid:
            unpaid_run = {}
            continue
        if today <= due_on:
            warnings.append(
                PaymentWarning(
                    WarningKind.DUE_SOON, bill.month, bill.total, due_on, bill.members, 0
                )
            )
            # Members whose third unpaid month this would be lose their cover on the 15th.
            last_chance = LAPSE_AFTER_UNPAID_MONTHS - 1
            count = sum(1 for nik in bill.lines if unpaid_run.get(nik, 0) >= last_chance)
            if count:
                warnings.append(
                    PaymentWarning(
                        WarningKind.HEADING_FOR_LAPSE,
                        bill.month,
                        bill.total,
                        due_on,
                        count,
                        last_chance,
                    )
                )
            continue
        warnings.append(
            PaymentWarning(WarningKind.OVERDUE, bill.month, bill.total, due_on, bill.members, 1)
        )
        unpaid_run = {nik: unpaid_run.get(nik, 0) + 1 for nik in bill.lines}
        lapsed = sum(1 for run in unpaid_run.values() if run >= LAPSE_AFTER_UNPAID_MONTHS)
        heading = sum(1 for run in unpaid_run.values() if run == LAPSE_AFTER_UNPAID_MONTHS - 1)
        for kind, count, runs in (
            (WarningKind.LAPSED, lapsed, LAPSE_AFTER_UNPAID_MONTHS),
            (WarningKind.HEADING_FOR_LAPSE, heading, LAPSE_AFTER_UNPAID_MONTHS - 1),
        ):
            if count:
                warnings.append(PaymentWarning(kind, bill.month, bill.total, due_on, count, runs))
    return warnings
