"""Memberships through their life: the reply, the bill, endings, replacements, claims."""

from datetime import date

import pytest

from rentan.core.models import AuditAction, AuditEvent
from rentan.enrollment import selectors, services
from rentan.enrollment.billing import Difference
from rentan.enrollment.bpjs_files import FileNotReadable, RowProblem
from rentan.enrollment.models import (
    Bill,
    ClaimKind,
    ClaimStatus,
    ExchangeFile,
    Membership,
    MembershipChange,
)
from rentan.enrollment.services import bills as bill_services
from rentan.enrollment.services import claims as claim_services
from rentan.enrollment.services import exchange_files as file_services
from rentan.enrollment.services import memberships as membership_services
from rentan.enrollment.states import EndReason, MembershipStatus, TransitionRefused
from rentan.enrollment.tests.helpers import accepted, bill_file, fixed_cycle, rejected, reply_file
from rentan.programmes.models import CycleStatus, Placement, PlacementKind
from rentan.registry.models import Person
from rentan.testing.factories import CycleFactory, PlacementFactory

pytestmark = pytest.mark.django_db
TODAY = date(2023, 1, 5)


def _sent(admin_user, *, waiting: int = 0):
    cycle = fixed_cycle(waiting=waiting)
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY)
    file_services.export_registration(actor=admin_user, cycle=cycle, today=TODAY)
    return cycle, list(Membership.objects.order_by("person__nik").select_related("person"))


def _snapshot():
    return list(
        Membership.objects.order_by("id").values_list(
            "status", "kpj_number", "start_on", "rejection_reason"
        )
    )


def _active(admin_user, *, waiting: int = 0):
    cycle, members = _sent(admin_user, waiting=waiting)
    content = reply_file(
        *[accepted(m.person.nik, f"2300000000{n}") for n, m in enumerate(members, start=1)]
    )
    file_services.import_bpjs_reply(
        actor=admin_user, content=content, filename="r.xlsx", today=TODAY
    )
    return cycle, list(Membership.objects.order_by("person__nik").select_related("person"))


def test_memberships_are_created_for_selected_placements_only(admin_user):
    cycle = fixed_cycle(waiting=2)
    assert membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY) == 3
    assert set(Membership.objects.values_list("status", flat=True)) == {MembershipStatus.APPROVED}
    assert MembershipChange.objects.filter(to_status=MembershipStatus.APPROVED).count() == 3


def test_memberships_are_refused_for_a_cycle_not_yet_approved(admin_user):
    cycle = CycleFactory(status=CycleStatus.ALLOCATED)
    PlacementFactory(cycle=cycle)
    with pytest.raises(services.EnrollmentRefused):
        membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY)
    assert not Membership.objects.exists()


def test_reply_activates_accepted_and_rejects_with_the_branch_reason(admin_user):
    _cycle, (first, second, third) = _sent(admin_user)
    content = reply_file(
        accepted(first.person.nik, "23000000001", date(2023, 1, 1)),
        rejected(second.person.nik, "Nama ibu kandung wajib diisi"),
    )
    result = file_services.import_bpjs_reply(
        actor=admin_user, content=content, filename="balasan.xlsx", today=TODAY
    )
    assert (result.activated, result.rejected, result.problems) == (1, 1, [])
    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert first.status == MembershipStatus.ACTIVE
    assert first.kpj_number == "23000000001"
    assert first.start_on == date(2023, 1, 1)
    assert second.status == MembershipStatus.REJECTED
    assert second.rejection_reason == "Nama ibu kandung wajib diisi"
    assert third.status == MembershipStatus.REGISTERED
    change = MembershipChange.objects.get(membership=second, to_status=MembershipStatus.REJECTED)
    assert change.actor == admin_user
    assert change.reason == "Nama ibu kandung wajib diisi"
    exchange = ExchangeFile.objects.get(kind="reply")
    assert [r["outcome"] for r in exchange.results] == ["accepted", "rejected"]
    assert AuditEvent.objects.filter(
        action=AuditAction.BPJS_REPLY_IMPORTED, target_id=str(exchange.pk)
    ).exists()


def test_reply_row_for_unknown_nik_is_reported_and_changes_nothing(admin_user):
    _cycle, (_first, _second, _third) = _sent(admin_user)
    before = _snapshot()
    result = file_services.import_bpjs_reply(
        actor=admin_user,
        content=reply_file(accepted("3375010101900009", "23000000009")),
        filename="b.xlsx",
        today=TODAY,
    )
    assert [p.code for p in result.problems] == [RowProblem.UNKNOWN_NIK]
    assert "Baris 2, kolom NIK" in result.problems[0].message
    assert _snapshot() == before


def test_reply_giving_a_kpj_held_by_someone_else_changes_nothing_for_that_row(admin_user):
    _cycle, (first, second, _third) = _sent(admin_user)
    file_services.import_bpjs_reply(
        actor=admin_user,
        content=reply_file(accepted(first.person.nik, "23000000001")),
        filename="a.xlsx",
        today=TODAY,
    )
    before = _snapshot()
    result = file_services.import_bpjs_reply(
        actor=admin_user,
        content=reply_file(accepted(second.person.nik, "23000000001")),
        filename="b.xlsx",
        today=TODAY,
    )
    assert [p.code for p in result.problems] == [RowProblem.KPJ_USED_BY_OTHER]
    assert "23000000001" in result.problems[0].message
    assert _snapshot() == before


def test_valid_rows_are_applied_together_and_bad_rows_reported(admin_user):
    _cycle, (first, second, third) = _sent(admin_user)
    content = reply_file(
        accepted(first.person.nik, "23000000001"),
        accepted(second.person.nik, "23000000001"),  # the same KPJ twice in one file
        accepted(third.person.nik, "12"),
    )
    result = file_services.import_bpjs_reply(
        actor=admin_user, content=content, filename="c", today=TODAY
    )
    assert result.activated == 1
    assert [p.code for p in result.problems] == [
        RowProblem.DUPLICATE_KPJ_IN_FILE,
        RowProblem.BAD_KPJ,
    ]
    assert Membership.objects.filter(status=MembershipStatus.ACTIVE).count() == 1


def test_a_file_that_is_no_reply_changes_nothing_and_records_nothing(admin_user):
    _sent(admin_user)
    before = _snapshot()
    with pytest.raises(FileNotReadable) as refused:
        file_services.import_bpjs_reply(
            actor=admin_user,
            content=bill_file({"3375011403750001": 16800}, month=date(2023, 1, 1)),
            filename="tagihan.xlsx",
            today=TODAY,
        )
    assert "bukan balasan pendaftaran" in str(refused.value)
    assert _snapshot() == before
    assert not ExchangeFile.objects.filter(kind="reply").exists()


def test_refused_transition_through_the_service_changes_nothing(admin_user):
    _cycle, (first, _second, _third) = _sent(admin_user)
    with pytest.raises(TransitionRefused):
        membership_services.change_membership_status(
            actor=admin_user, membership=first, to=MembershipStatus.APPROVED, on=TODAY
        )
    first.refresh_from_db()
    assert first.status == MembershipStatus.REGISTERED


def test_ending_a_membership_ends_its_placement_and_is_audited(admin_user):
    _cycle, (first, _s, _t) = _active(admin_user)
    membership_services.end_membership(
        actor=admin_user, membership=first, reason=EndReason.FORMAL_WORK, on=date(2023, 5, 20)
    )
    first.refresh_from_db()
    assert first.status == MembershipStatus.ENDED
    assert first.end_reason == EndReason.FORMAL_WORK
    placement = Placement.objects.get(pk=first.placement_id)
    assert placement.ended_on == date(2023, 5, 20)
    assert placement.end_reason
    event = AuditEvent.objects.filter(target_type="enrollment.membership", target_id=str(first.pk))
    assert event.get().action == AuditAction.MEMBERSHIP_ENDED
    assert event.get().changes["before"] == {"status": "active"}
    assert event.get().changes["after"]["status"] == "ended"


def test_ended_member_is_replaced_by_the_best_ranked_unused_waiting_person(admin_user):
    cycle, (first, _s, _t) = _active(admin_user, waiting=2)
    membership_services.end_membership(
        actor=admin_user, membership=first, reason=EndReason.MOVED_AWAY, on=date(2023, 4, 3)
    )
    ((ended, proposed),) = selectors.replacement_proposals(cycle)
    best = Placement.objects.filter(kind=PlacementKind.WAITING).order_by("rank").first()
    assert ended.pk == first.pk
    assert proposed == best
    replacement = membership_services.approve_replacement(
        actor=admin_user,
        ended=ended,
        waiting=proposed,
        reason="Cadangan nomor 1",
        today=date(2023, 4, 10),
    )
    placement = Placement.objects.get(pk=proposed.pk)
    assert placement.kind == PlacementKind.NEW
    assert placement.replaces_id == first.placement_id
    assert replacement.status == MembershipStatus.APPROVED
    assert replacement.requested_start_on == date(2023, 5, 1)
    assert selectors.replacement_proposals(cycle) == []


def test_a_waiting_person_no_longer_active_is_passed_over(admin_user):
    cycle, (first, _s, _t) = _active(admin_user, waiting=2)
    membership_services.end_membership(
        actor=admin_user, membership=first, reason=EndReason.MOVED_AWAY, on=date(2023, 4, 3)
    )
    best, second = Placement.objects.filter(kind=PlacementKind.WAITING).order_by("rank")
    Person.objects.filter(pk=best.person_id).update(is_active=False)
    ((_ended, proposed),) = selectors.replacement_proposals(cycle)
    assert proposed == second


def test_active_members_are_the_continuing_candidates_of_the_next_cycle(admin_user):
    cycle, (first, second, third) = _active(admin_user)
    membership_services.end_membership(
        actor=admin_user, membership=third, reason=EndReason.DIED, on=date(2023, 9, 1)
    )
    nxt = CycleFactory(programme=cycle.programme, year=2024, status=CycleStatus.DRAFT)
    assert set(selectors.continuing_candidates(cycle)) == {first.person, second.person}
    assert (
        membership_services.carry_over_members(actor=admin_user, from_cycle=cycle, to_cycle=nxt)
        == 2
    )
    assert set(
        Placement.objects.filter(cycle=nxt, kind=PlacementKind.CONTINUING).values_list(
            "person", flat=True
        )
    ) == {first.person_id, second.person_id}


def test_death_claim_checks_cover_ends_membership_and_estimates_jkm(admin_user):
    _cycle, (first, second, _t) = _active(admin_user)
    claim = claim_services.record_claim(
        actor=admin_user, membership=first, kind=ClaimKind.JKM_DEATH, event_on=date(2023, 6, 2)
    )
    first.refresh_from_db()
    assert claim.was_active_on_event
    assert claim.estimated_benefit == 42_000_000
    assert first.status == MembershipStatus.ENDED
    assert first.end_reason == EndReason.DIED
    late = claim_services.record_claim(
        actor=admin_user, membership=first, kind=ClaimKind.JKK_MEDICAL, event_on=date(2023, 7, 1)
    )
    assert not late.was_active_on_event
    assert late.status == ClaimStatus.REFUSED
    jkk = claim_services.record_claim(
        actor=admin_user, membership=second, kind=ClaimKind.JKK_DEATH, event_on=date(2023, 3, 1)
    )
    assert jkk.estimated_benefit == 10_000_000 + 48 * 1_000_000
    claim_services.update_claim(
        actor=admin_user, claim=claim, status=ClaimStatus.PAID, benefit_paid=42_000_000
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    assert claim.benefit_paid == 42_000_000


def test_bill_reconciliation_explains_every_kind_of_difference_and_ties_out(admin_user):
    cycle, (first, second, third) = _active(admin_user)
    membership_services.end_membership(
        actor=admin_user, membership=third, reason=EndReason.BY_REQUEST, on=date(2023, 2, 10)
    )
    stranger = "3375010101900009"
    lines = {first.person.nik: 16_800, third.person.nik: 16_800, stranger: 16_800}
    lines[first.person.nik] = 26_800
    bill_services.import_bpjs_bill(
        actor=admin_user,
        cycle=cycle,
        month=date(2023, 3, 1),
        content=bill_file(lines, month=date(2023, 3, 1), stated_total=sum(lines.values())),
        filename="tagihan-2023-03.xlsx",
    )
    result = selectors.bill_reconciliation(Bill.objects.get())
    assert result.expected_total == 2 * 16_800  # first and second; third ended in February
    kinds = {(d.kind, d.nik) for d in result.differences}
    assert kinds == {
        (Difference.AMOUNT_DIFFERS, first.person.nik),
        (Difference.ACTIVE_NOT_BILLED, second.person.nik),
        (Difference.BILLED_NOT_ACTIVE, third.person.nik),
        (Difference.BILLED_NOT_ACTIVE, stranger),
    }
    assert result.billed_total == 26_800 + 2 * 16_800
    assert result.ties_out
    assert not result.agrees


def test_bill_with_an_unreadable_row_is_refused_whole(admin_user):
    cycle, (first, _s, _t) = _active(admin_user)
    with pytest.raises(bill_services.BillRejected):
        bill_services.import_bpjs_bill(
            actor=admin_user,
            cycle=cycle,
            month=date(2023, 3, 1),
            content=bill_file({first.person.nik: 16_800, "12345": 16_800}, month=date(2023, 3, 1)),
            filename="t.xlsx",
        )
    assert not Bill.objects.exists()


def test_payment_warnings_before_the_15th_and_heading_for_lapse(admin_user):
    cycle, _members = _active(admin_user)
    bill_services.record_payment(
        actor=admin_user,
        cycle=cycle,
        month=date(2023, 1, 1),
        amount=50_400,
        paid_on=date(2023, 1, 10),
    )
    warnings = selectors.payment_warnings(cycle, today=date(2023, 4, 12))
    kinds = [(w.kind.value, w.month.month) for w in warnings]
    assert ("overdue", 2) in kinds
    assert ("overdue", 3) in kinds
    assert ("heading_for_lapse", 4) in kinds
    assert ("due_soon", 4) in kinds
    due = next(w for w in warnings if w.kind.value == "due_soon")
    assert due.amount == 3 * 16_800
    assert due.due_on == date(2023, 4, 15)


def test_programme_page_counts_members_active_with_bpjs(admin_user):
    from rentan.programmes.selectors import active_participant_count

    cycle, members = _sent(admin_user)
    assert active_participant_count(cycle) == 0
    content = reply_file(accepted(members[0].person.nik, "23000000001"))
    file_services.import_bpjs_reply(
        actor=admin_user, content=content, filename="r.xlsx", today=TODAY
    )
    assert active_participant_count(cycle) == 1
