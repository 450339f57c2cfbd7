"""A programme year's figures tie out to the allocation, the memberships, the bills and the
claims, as the services wrote them; and an area's figures add up to the whole."""

from datetime import date

import pytest
from django.db.models import Sum

from rentan.enrollment import selectors as enrollment_selectors
from rentan.enrollment.models import Bill, Claim, Membership, Payment
from rentan.enrollment.states import MembershipStatus
from rentan.programmes import selectors as programmes_selectors
from rentan.programmes.models import Placement
from rentan.reporting.tests.conftest import MEDONO, SOKODUWET
from rentan.reporting.year_figures import programme_years, year_figures
from rentan.testing.factories import CycleFactory

pytestmark = pytest.mark.django_db

TODAY = date(2023, 5, 20)


def test_the_year_ties_out_to_the_allocation_memberships_bills_and_claims(running_year):
    cycle = running_year.cycle
    figures = year_figures(cycle, on=TODAY)
    row = figures.row

    # The allocation: the list as approved, and as it is after the replacement.
    assert (row.lists.approved_continuing, row.lists.approved_new) == (2, 4)
    assert (row.lists.now_continuing, row.lists.now_new) == (1, 5)
    assert (row.lists.ended, row.lists.replacements) == (1, 1)
    selected = Placement.objects.filter(cycle=cycle, kind__in=["continuing", "new"])
    assert row.lists.approved == selected.filter(replaces__isnull=True).count()
    assert row.lists.now == selected.filter(ended_on__isnull=True).count()

    # The memberships.
    assert row.active_now == Membership.objects.filter(status=MembershipStatus.ACTIVE).count() == 6
    statuses = {share.label: share.count for share in figures.membership_statuses}
    assert statuses == {"Ditetapkan": 0, "Didaftarkan": 0, "Aktif": 6, "Ditolak": 0, "Berhenti": 1}

    # The bills: every month's members and premiums as billing computes them.
    expected = enrollment_selectors.expected_bills(cycle)
    assert [(m.month, m.members, m.premiums) for m in figures.trend] == [
        (bill.month, bill.members, bill.total) for bill in expected
    ]
    assert [m.members for m in figures.trend][:6] == [6, 6, 6, 5, 6, 6]
    assert figures.premiums_year == sum(bill.total for bill in expected)
    # ... and as the branch billed them, line by line, for the months imported.
    billed = dict(
        Bill.objects.filter(cycle=cycle)
        .values_list("month")
        .annotate(total=Sum("lines__amount"))
        .order_by()
    )
    assert len(billed) == 4
    assert all(billed[m.month] == m.premiums for m in figures.trend if m.month in billed)
    assert figures.premiums_to_date == sum(b.total for b in expected if b.month <= TODAY)
    assert (
        row.paid
        == Payment.objects.aggregate(total=Sum("amount"))["total"]
        == 6 * 16_800 * 3 + 5 * 16_800
    )
    assert [m.paid for m in figures.trend][:5] == [100_800, 100_800, 100_800, 84_000, 0]
    assert row.committed == 6 * 16_800 * 12
    assert row.budget_ceiling == cycle.budget_ceiling

    # The claims.
    assert figures.claims.count == Claim.objects.count() == 2
    assert figures.claims.paid == 3_250_000
    assert figures.claims.waiting == 1
    assert [m.claims for m in figures.trend][:5] == [0, 1, 0, 0, 1]

    # Coverage: each breakdown of the list now adds up to it.
    for shares in (
        figures.by_kecamatan,
        figures.by_kelurahan,
        figures.by_job,
        figures.by_sex,
        figures.by_age,
    ):
        assert sum(share.count for share in shares) == row.lists.now == 6
    assert {s.label: s.count for s in figures.by_kecamatan} == {
        "Pekalongan Barat": 3,
        "Pekalongan Selatan": 3,
    }
    assert {s.label: s.count for s in figures.by_sex} == {"Laki-laki": 3, "Perempuan": 3}
    assert {s.label: s.count for s in figures.by_age} == {
        "18\u201324": 1,
        "25\u201334": 2,
        "35\u201344": 2,
        "45\u201354": 0,
        "55\u201364": 0,
        "65+": 1,
    }


def test_the_areas_add_up_to_the_whole(running_year):
    cycle = running_year.cycle
    whole = year_figures(cycle, on=TODAY)
    parts = [
        year_figures(cycle, area=area, on=TODAY) for area in ("33.75.01", SOKODUWET, "33.75.02")
    ]
    assert sum(p.row.lists.now for p in parts) == whole.row.lists.now
    assert sum(p.row.lists.approved for p in parts) == whole.row.lists.approved
    assert sum(p.row.active_now for p in parts) == whole.row.active_now
    assert sum(p.premiums_year for p in parts) == whole.premiums_year
    assert sum(p.claims.count for p in parts) == whole.claims.count
    assert parts[2].row.lists.now == 0
    assert all(p.row.paid is None for p in parts)  # the city pays whole bills, not areas
    medono = year_figures(cycle, area=MEDONO, on=TODAY)
    assert (medono.row.lists.approved, medono.row.lists.now, medono.row.lists.ended) == (3, 3, 1)


def test_years_table_shows_each_year_of_the_programme(running_year):
    cycle = running_year.cycle
    CycleFactory(programme=cycle.programme, year=2024, status="draft", target=4_000)
    rows = programme_years(cycle.programme)
    assert [(r.year, r.target, r.is_approved, r.lists.approved) for r in rows] == [
        (2023, 10, True, 6),
        (2024, 4_000, False, 0),
    ]


def test_the_programme_page_and_the_report_agree_on_approved_and_now(running_year):
    cycle = running_year.cycle
    (page,) = programmes_selectors.programme_cycles_overview(cycle.programme)
    report = year_figures(cycle, on=TODAY).row
    assert (page["approved_continuing"], page["approved_new"]) == (
        report.lists.approved_continuing,
        report.lists.approved_new,
    )
    assert (page["continuing"], page["new"], page["approved"]) == (
        report.lists.now_continuing,
        report.lists.now_new,
        report.lists.now,
    )
    assert page["budget_used"] == report.committed
