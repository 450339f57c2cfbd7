"""A programme year's figures tie out to the allocation, the memberships, the bills and the
claims, as the services wrote them; and an area's figures add up to the whole."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.db.models import Sum

from rentan.enrollment import selectors as enrollment_selectors
from rentan.enrollment import services as enrollment
from rentan.enrollment.models import Claim, ClaimKind, ClaimStatus, Membership, Payment
from rentan.enrollment.states import EndReason, MembershipStatus
from rentan.enrollment.tests.helpers import accepted, bill_file, reply_file
from rentan.programmes.models import Placement, PlacementKind
from rentan.registry.nik import Sex
from rentan.reporting.year_figures import programme_years, year_figures
from rentan.testing.factories import (
    CycleFactory,
    PersonFactory,
    PlacementFactory,
    RateTableFactory,
    make_user,
)

pytestmark = pytest.mark.django_db

MEDONO = "33.75.01.1002"  # kecamatan Pekalongan Barat
SOKODUWET = "33.75.04.1010"  # kecamatan Pekalongan Selatan
TODAY = date(2023, 5, 20)


@dataclass
class Year:
    cycle: Any
    admin: Any


@pytest.fixture
def running_year() -> Year:
    """2023: 2 continuing + 4 new approved, one waiting; all six made active from January;
    the continuing Medono member ends in March and the waiting one replaces them from May;
    January to April billed and paid; two claims, one paid."""
    admin = make_user("admin")
    RateTableFactory()
    cycle: Any = CycleFactory(target=10, budget_ceiling=10 * 16_800 * 12)
    people = [
        # kelurahan, kind, sex, birth date (age on 1 January 2023)
        (MEDONO, PlacementKind.CONTINUING, Sex.MALE, date(1970, 6, 1)),  # 52
        (SOKODUWET, PlacementKind.CONTINUING, Sex.FEMALE, date(1990, 1, 1)),  # 33
        (MEDONO, PlacementKind.NEW, Sex.FEMALE, date(2000, 1, 2)),  # 22
        (MEDONO, PlacementKind.NEW, Sex.MALE, date(1958, 1, 1)),  # 65
        (SOKODUWET, PlacementKind.NEW, Sex.MALE, date(1980, 12, 31)),  # 42
        (SOKODUWET, PlacementKind.NEW, Sex.FEMALE, date(1985, 5, 5)),  # 37
        (MEDONO, PlacementKind.WAITING, Sex.MALE, date(1988, 8, 8)),  # 34
    ]
    for rank, (kelurahan, kind, sex, born) in enumerate(people, start=1):
        person = PersonFactory(kelurahan_id=kelurahan, sex=sex, birth_date=born)
        PlacementFactory(cycle=cycle, person=person, kind=kind, rank=rank)
    enrollment.create_memberships(actor=admin, cycle=cycle, today=date(2022, 12, 15))
    enrollment.export_registration(actor=admin, cycle=cycle, today=date(2022, 12, 20))
    niks = Membership.objects.filter(cycle=cycle).values_list("person__nik", flat=True)
    enrollment.import_bpjs_reply(
        actor=admin,
        content=reply_file(*(accepted(nik, f"230000000{n:02d}") for n, nik in enumerate(niks))),
        filename="balasan.xlsx",
        today=date(2022, 12, 28),
    )
    leaving = Membership.objects.get(cycle=cycle, placement__rank=1)
    enrollment.end_membership(
        actor=admin, membership=leaving, reason=EndReason.MOVED_AWAY, on=date(2023, 3, 20)
    )
    leaving.refresh_from_db()
    waiting = Placement.objects.get(cycle=cycle, kind=PlacementKind.WAITING)
    replacement = enrollment.approve_replacement(
        actor=admin, ended=leaving, waiting=waiting, reason="Pengganti", today=date(2023, 4, 3)
    )
    enrollment.export_registration(
        actor=admin, cycle=cycle, today=date(2023, 4, 4), membership_ids=[replacement.pk]
    )
    enrollment.import_bpjs_reply(
        actor=admin,
        content=reply_file(accepted(waiting.person.nik, "23000000099", date(2023, 5, 1))),
        filename="balasan-pengganti.xlsx",
        today=date(2023, 4, 20),
    )
    for expected in enrollment_selectors.expected_bills(cycle):
        if expected.month > date(2023, 4, 1):
            break
        enrollment.import_bpjs_bill(
            actor=admin,
            cycle=cycle,
            month=expected.month,
            content=bill_file(dict(expected.lines), month=expected.month),
            filename=f"tagihan-{expected.month:%m}.xlsx",
        )
        enrollment.record_payment(
            actor=admin,
            cycle=cycle,
            month=expected.month,
            amount=expected.total,
            paid_on=expected.month.replace(day=10),
        )
    members = list(
        Membership.objects.filter(cycle=cycle, status=MembershipStatus.ACTIVE).order_by("pk")
    )
    paid = enrollment.record_claim(
        actor=admin, membership=members[0], kind=ClaimKind.JKK_MEDICAL, event_on=date(2023, 2, 7)
    )
    enrollment.update_claim(
        actor=admin, claim=paid, status=ClaimStatus.PAID, benefit_paid=3_250_000
    )
    enrollment.record_claim(
        actor=admin, membership=members[-1], kind=ClaimKind.JKK_MEDICAL, event_on=date(2023, 5, 2)
    )
    return Year(cycle, admin)


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
    assert figures.premiums_to_date == sum(b.total for b in expected if b.month <= TODAY)
    assert row.paid == Payment.objects.aggregate(total=Sum("amount"))["total"] == 6 * 16_800 * 3 + 5 * 16_800
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
        "18–24": 1,
        "25–34": 2,
        "35–44": 2,
        "45–54": 0,
        "55–64": 0,
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
