"""The mayor's one page: a programme year's figures for one month, one chart, signed.

Pure: the figures are worked out from plain values the selectors hand over (the members'
covers, the expected bills, payments and claims); the page is laid out by the worker
(`reporting.tasks.make_mayor_pdf`) and kept under a digest of what it prints.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

CHART_WIDTH = 480
CHART_HEIGHT = 150


@dataclass(frozen=True)
class ClaimLine:
    event_on: date
    benefit_paid: int


@dataclass(frozen=True)
class MonthFigures:
    month: date
    target: int
    approved: int  # on the approved list now (continuing + new, replacements included)
    active: int  # members whose cover touches the month
    ended_to_date: int  # memberships ended by the end of the month
    budget_ceiling: int
    premium_of_month: int
    committed_to_date: int  # expected premiums of the cycle's months up to this one
    paid_to_date: int
    claims_of_month: int
    claims_to_date: int
    claims_paid_to_date: int
    active_by_month: list[tuple[date, int]]  # the chart: members per month up to this one
    active_by_kecamatan: list[tuple[str, int]]

    @property
    def realisation_percent(self) -> int:
        return round(100 * self.active / self.target) if self.target else 0


def month_figures(
    *,
    month: date,
    target: int,
    approved: int,
    ended_on: Iterable[date | None],
    budget_ceiling: int,
    bills: Sequence[tuple[date, int, int]],  # month, members, total premium
    payments: Iterable[tuple[date, int]],  # month, amount
    claims: Iterable[ClaimLine],
    active_by_kecamatan: list[tuple[str, int]],
) -> MonthFigures:
    """`month` is the first day of the month reported on."""
    upto = [bill for bill in bills if bill[0] <= month]
    this = next((bill for bill in bills if bill[0] == month), (month, 0, 0))
    claims = list(claims)
    end_of_month = _next_month(month)
    return MonthFigures(
        month=month,
        target=target,
        approved=approved,
        active=this[1],
        ended_to_date=sum(1 for day in ended_on if day is not None and day < end_of_month),
        budget_ceiling=budget_ceiling,
        premium_of_month=this[2],
        committed_to_date=sum(total for _m, _n, total in upto),
        paid_to_date=sum(amount for paid_month, amount in payments if paid_month <= month),
        claims_of_month=sum(1 for c in claims if month <= c.event_on < end_of_month),
        claims_to_date=sum(1 for c in claims if c.event_on < end_of_month),
        claims_paid_to_date=sum(c.benefit_paid for c in claims if c.event_on < end_of_month),
        active_by_month=[(m, members) for m, members, _total in upto],
        active_by_kecamatan=active_by_kecamatan,
    )


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


def bars(
    points: Sequence[tuple[str, int]], *, width: int = CHART_WIDTH, height: int = 100
) -> list[Bar]:
    """Bars of a column chart `width` x `height` (SVG units, origin top left), the tallest
    filling the height; an all-zero series draws no bar above the axis."""
    if not points:
        return []
    highest = max(value for _label, value in points) or 1
    slot = width / len(points)
    return [
        Bar(
            x=round(i * slot + slot * 0.15, 1),
            y=round(height - height * value / highest, 1),
            width=round(slot * 0.7, 1),
            height=round(height * value / highest, 1),
            label=label,
            value=value,
        )
        for i, (label, value) in enumerate(points)
    ]
