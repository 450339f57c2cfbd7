"""Ending a membership, replacing a member and leaving someone out of next year by hand are
decisions people make; the re-runs that follow (making memberships for the list again, a
BPJS reply that names the person again, the carry-over into next year) leave them standing.
The allocation's side is in `programmes/tests/test_manual_decisions_survive.py`."""

from datetime import date

import pytest

from rentan.enrollment.models import Membership
from rentan.enrollment.services import exchange_files as file_services
from rentan.enrollment.services import memberships as membership_services
from rentan.enrollment.states import EndReason, MembershipStatus
from rentan.enrollment.tests.helpers import accepted, fixed_cycle, reply_file
from rentan.programmes import services as programme_services
from rentan.programmes.models import CycleStatus, Placement, PlacementKind
from rentan.testing.factories import CycleFactory

pytestmark = pytest.mark.django_db
TODAY = date(2023, 1, 5)


def _active_with_a_replacement(admin_user):
    """Three members active; the first ended (moved away) and replaced from the waiting list."""
    cycle = fixed_cycle(waiting=1)
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY)
    file_services.export_registration(actor=admin_user, cycle=cycle, today=TODAY)
    members = list(Membership.objects.order_by("person__nik").select_related("person"))
    file_services.import_bpjs_reply(
        actor=admin_user,
        content=reply_file(
            *[accepted(m.person.nik, f"2300000000{n}") for n, m in enumerate(members, start=1)]
        ),
        filename="balasan.xlsx",
        today=TODAY,
    )
    ended = membership_services.end_membership(
        actor=admin_user, membership=members[0], reason=EndReason.MOVED_AWAY, on=date(2023, 4, 1)
    )
    replacement = membership_services.approve_replacement(
        actor=admin_user,
        ended=ended,
        waiting=Placement.objects.get(cycle=cycle, kind=PlacementKind.WAITING),
        reason="Cadangan nomor 1",
        today=date(2023, 4, 10),
    )
    return cycle, members, replacement


def test_an_ended_and_replaced_member_is_not_made_a_member_again_nor_carried_over(admin_user):
    cycle, members, replacement = _active_with_a_replacement(admin_user)
    ended = members[0]

    # Making the list's memberships again adds nobody: the ended place stays ended.
    assert membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY) == 0
    # The branch's reply named again (an old file uploaded twice) does not revive him.
    file_services.import_bpjs_reply(
        actor=admin_user,
        content=reply_file(accepted(ended.person.nik, "23000000001")),
        filename="balasan-lagi.xlsx",
        today=date(2023, 5, 1),
    )
    ended.refresh_from_db()
    assert ended.status == MembershipStatus.ENDED
    assert ended.end_reason == EndReason.MOVED_AWAY
    assert Membership.objects.filter(person=ended.person).count() == 1

    nxt = CycleFactory(programme=cycle.programme, year=2024, status=CycleStatus.DRAFT)
    membership_services.carry_over_members(actor=admin_user, from_cycle=cycle, to_cycle=nxt)
    carried = set(Placement.objects.filter(cycle=nxt).values_list("person_id", flat=True))
    assert carried == {members[1].person_id, members[2].person_id}
    # The replacement is not active yet (ditetapkan): not carried either.
    assert replacement.person_id not in carried


def test_someone_left_out_of_next_year_by_hand_is_not_carried_over(admin_user):
    cycle, members, _replacement = _active_with_a_replacement(admin_user)
    nxt = CycleFactory(programme=cycle.programme, year=2024, status=CycleStatus.DRAFT)
    programme_services.exclude_from_cycle(
        actor=admin_user,
        cycle=nxt,
        person=members[1].person,
        reason="Sudah didaftarkan pemberi kerja sejak Januari 2024",
    )
    assert (
        membership_services.carry_over_members(actor=admin_user, from_cycle=cycle, to_cycle=nxt)
        == 1
    )
    assert set(Placement.objects.filter(cycle=nxt).values_list("person_id", flat=True)) == {
        members[2].person_id
    }
