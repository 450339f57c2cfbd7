"""The world the reporting tests share: a programme year running through the real services."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from rentan.enrollment import selectors as enrollment_selectors
from rentan.enrollment.models import ClaimKind, ClaimStatus, Membership
from rentan.enrollment.services import bills, claims, exchange_files, memberships
from rentan.enrollment.states import EndReason, MembershipStatus
from rentan.enrollment.tests.helpers import accepted, bill_file, reply_file
from rentan.programmes.models import Placement, PlacementKind
from rentan.registry.nik import Sex
from rentan.testing.factories import (
    CycleFactory,
    PersonFactory,
    PlacementFactory,
    RateTableFactory,
    make_user,
)

MEDONO = "33.75.01.1002"  # kecamatan Pekalongan Barat
SOKODUWET = "33.75.04.1010"  # kecamatan Pekalongan Selatan


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
    memberships.create_memberships(actor=admin, cycle=cycle, today=date(2022, 12, 15))
    exchange_files.export_registration(actor=admin, cycle=cycle, today=date(2022, 12, 20))
    niks = Membership.objects.filter(cycle=cycle).values_list("person__nik", flat=True)
    exchange_files.import_bpjs_reply(
        actor=admin,
        content=reply_file(*(accepted(nik, f"230000000{n:02d}") for n, nik in enumerate(niks))),
        filename="balasan.xlsx",
        today=date(2022, 12, 28),
    )
    leaving = Membership.objects.get(cycle=cycle, placement__rank=1)
    memberships.end_membership(
        actor=admin, membership=leaving, reason=EndReason.MOVED_AWAY, on=date(2023, 3, 20)
    )
    leaving.refresh_from_db()
    waiting = Placement.objects.get(cycle=cycle, kind=PlacementKind.WAITING)
    replacement = memberships.approve_replacement(
        actor=admin, ended=leaving, waiting=waiting, reason="Pengganti", today=date(2023, 4, 3)
    )
    exchange_files.export_registration(
        actor=admin, cycle=cycle, today=date(2023, 4, 4), membership_ids=[replacement.pk]
    )
    exchange_files.import_bpjs_reply(
        actor=admin,
        content=reply_file(accepted(waiting.person.nik, "23000000099", date(2023, 5, 1))),
        filename="balasan-pengganti.xlsx",
        today=date(2023, 4, 20),
    )
    for expected in enrollment_selectors.expected_bills(cycle):
        if expected.month > date(2023, 4, 1):
            break
        bills.import_bpjs_bill(
            actor=admin,
            cycle=cycle,
            month=expected.month,
            content=bill_file(dict(expected.lines), month=expected.month),
            filename=f"tagihan-{expected.month:%m}.xlsx",
        )
        bills.record_payment(
            actor=admin,
            cycle=cycle,
            month=expected.month,
            amount=expected.total,
            paid_on=expected.month.replace(day=10),
        )
    members = list(
        Membership.objects.filter(cycle=cycle, status=MembershipStatus.ACTIVE).order_by("pk")
    )
    paid = claims.record_claim(
        actor=admin, membership=members[0], kind=ClaimKind.JKK_MEDICAL, event_on=date(2023, 2, 7)
    )
    claims.update_claim(actor=admin, claim=paid, status=ClaimStatus.PAID, benefit_paid=3_250_000)
    claims.record_claim(
        actor=admin, membership=members[-1], kind=ClaimKind.JKK_MEDICAL, event_on=date(2023, 5, 2)
    )
    return Year(cycle, admin)
