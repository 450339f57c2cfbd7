"""Reads for the mayor's page and the coverage map: figures only, no personal data."""

from datetime import date

from django.db.models import Count, Q, QuerySet

from rentan.enrollment import billing
from rentan.enrollment import selectors as enrollment_selectors
from rentan.enrollment.models import Claim, Membership
from rentan.programmes import selectors as programme_selectors
from rentan.programmes.models import Cycle
from rentan.reporting.mayor_pdf import ClaimLine, MonthFigures, month_figures


def reported_cycles() -> list[Cycle]:
    return list(
        Cycle.objects.select_related("programme__region")
        .filter(status__in=("approved", "running", "closed"))
        .order_by("-year", "programme__name")
    )


def cycle_months(cycle: Cycle) -> list[date]:
    return billing.cycle_months(cycle.coverage_start_on, cycle.coverage_months)


def active_by_kelurahan(cycle: Cycle, month: date) -> dict[str, int]:
    """Members whose cover touches `month`, per kelurahan code of the person."""
    rows = (
        _active_in(cycle, month)
        .values_list("person__kelurahan_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {code: n for code, n in rows}


def _active_in(cycle: Cycle, month: date) -> QuerySet[Membership]:
    first = billing.month_start(month)
    return Membership.objects.filter(
        cycle=cycle, start_on__isnull=False, start_on__lte=billing.month_end(first)
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))


def month_figures_of(cycle: Cycle, month: date) -> MonthFigures:
    bills = enrollment_selectors.expected_bills(cycle)
    by_kecamatan = (
        _active_in(cycle, month)
        .values_list("person__kelurahan__parent__name")
        .annotate(n=Count("id"))
        .order_by("person__kelurahan__parent__name")
    )
    return month_figures(
        month=billing.month_start(month),
        target=cycle.target,
        approved=programme_selectors.approved_participant_count(cycle),
        ended_on=Membership.objects.filter(cycle=cycle).values_list("ended_on", flat=True),
        budget_ceiling=cycle.budget_ceiling,
        bills=[(b.month, b.members, b.total) for b in bills],
        payments=enrollment_selectors.payments_of(cycle).values_list("month", "amount"),
        claims=[
            ClaimLine(event_on, paid or 0)
            for event_on, paid in Claim.objects.filter(membership__cycle=cycle).values_list(
                "event_on", "benefit_paid"
            )
        ],
        active_by_kecamatan=[(name or "-", n) for name, n in by_kecamatan],
    )
