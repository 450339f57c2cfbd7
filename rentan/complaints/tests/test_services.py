"""Each move of a complaint through its service: the state it leaves, the audit event it
writes, and each move refused (nothing changes, nothing is written)."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from rentan.complaints import services
from rentan.complaints.lifecycle import (
    Category,
    ComplaintRefused,
    ComplaintStatus,
    Decision,
    FollowUp,
    Refusal,
    Reporter,
)
from rentan.complaints.models import Complaint, ComplaintDeadline
from rentan.complaints.tests.helpers import RECEIVED_ON, record
from rentan.core.models import AuditAction, AuditEvent
from rentan.programmes.models import Placement, PlacementKind
from rentan.programmes.tests.conftest import VERIFIED, make_cycle
from rentan.regions.models import Area
from rentan.registry import services as registry_services
from rentan.registry.selectors import registry_context
from rentan.registry.validation import PersonDraft
from rentan.testing.factories import PersonFactory, PlacementFactory, make_user

pytestmark = pytest.mark.django_db
SOKODUWET = "33.75.04.1010"


def _events(complaint, action):
    return AuditEvent.objects.filter(
        action=action, target_type="complaints.complaint", target_id=str(complaint.pk)
    )


def test_recording_gives_a_number_a_due_date_and_the_persons_kelurahan(admin_user):
    person = PersonFactory(kelurahan_id=SOKODUWET)
    complaint = record(admin_user, person)
    assert complaint.number == "ADU-2026-000001"
    assert complaint.status == ComplaintStatus.RECEIVED
    # The starting deadline seeded by the migration: 14 days.
    assert complaint.due_on == date(2026, 12, 4)
    assert complaint.kelurahan_id == SOKODUWET
    event = _events(complaint, AuditAction.COMPLAINT_RECORDED).get()
    assert event.changes["before"] == {}
    assert event.changes["after"]["number"] == "ADU-2026-000001"
    assert event.changes["after"]["person"] == person.pk


def test_receipt_numbers_run_per_year_and_never_repeat(admin_user):
    numbers = [record(admin_user, PersonFactory()).number for _ in range(3)]
    numbers.append(record(admin_user, PersonFactory(), received_on=date(2027, 1, 2)).number)
    assert numbers == [
        "ADU-2026-000001",
        "ADU-2026-000002",
        "ADU-2026-000003",
        "ADU-2027-000001",
    ]


def test_a_reporter_not_in_the_registry_is_filed_under_the_kelurahan_named(admin_user):
    medono = Area.objects.get(code="33.75.01.1002")
    complaint = record(
        admin_user, None, reporter_name="Bu Tini", reporter_contact="0812", kelurahan=medono
    )
    assert complaint.person is None
    assert complaint.kelurahan_id == medono.code
    assert complaint.complainant == "Bu Tini"


def test_an_anonymous_report_about_someone_keeps_no_contact(admin_user):
    person = PersonFactory()
    complaint = record(
        admin_user,
        person,
        reporter=Reporter.ANONYMOUS,
        category=Category.WRONGLY_SELECTED,
        reporter_contact="should not stay",
    )
    assert complaint.reporter_contact == ""
    assert complaint.complainant == "Anonim"


def test_a_record_without_a_person_or_kelurahan_is_refused_and_nothing_is_written(admin_user):
    with pytest.raises(ComplaintRefused) as refused:
        record(admin_user, None)
    assert refused.value.refusal == Refusal.NO_KELURAHAN
    assert not Complaint.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.COMPLAINT_RECORDED).exists()


def test_the_deadline_in_force_on_the_day_received_is_used(admin_user):
    services.set_deadline(
        actor=admin_user, category=Category.CLAIM, days=5, effective_on=date(2026, 11, 1)
    )
    claim = record(admin_user, PersonFactory(), category=Category.CLAIM)
    before = record(
        admin_user, PersonFactory(), category=Category.CLAIM, received_on=date(2026, 10, 31)
    )
    assert claim.due_on == date(2026, 11, 25)
    assert before.due_on == date(2026, 11, 14)


def test_set_deadline_is_dated_and_audited(admin_user):
    deadline = services.set_deadline(
        actor=admin_user,
        category=Category.CONDUCT,
        days=7,
        effective_on=date(2026, 12, 1),
        reference="Keputusan Kepala Dinas",
    )
    assert ComplaintDeadline.objects.filter(category=Category.CONDUCT).count() == 2
    event = AuditEvent.objects.get(action=AuditAction.COMPLAINT_DEADLINE_SET)
    assert event.target_id == str(deadline.pk)
    assert event.changes == {
        "before": {"category": "perilaku", "days": 14},
        "after": {"category": "perilaku", "days": 7, "effective_on": "2026-12-01"},
    }


def test_assign_then_review_then_decide_then_close(admin_user, verifier_user):
    complaint = record(admin_user, PersonFactory())
    services.assign_complaint(actor=admin_user, complaint=complaint, assignee=verifier_user)
    assert _events(complaint, AuditAction.COMPLAINT_ASSIGNED).get().changes == {
        "before": {"assigned_to": None},
        "after": {"assigned_to": verifier_user.pk},
    }
    services.start_review(actor=admin_user, complaint=complaint)
    assert _events(complaint, AuditAction.COMPLAINT_MOVED).get().changes == {
        "before": {"status": "diterima"},
        "after": {"status": "ditinjau"},
    }
    complaint = services.decide_complaint(
        actor=verifier_user,
        complaint=complaint,
        decision=Decision.REJECTED,
        reason="Peringkat di bawah batas kuota.",
        on=date(2026, 11, 27),
    )
    assert complaint.status == ComplaintStatus.DECIDED
    assert complaint.decided_by == verifier_user
    decided = _events(complaint, AuditAction.COMPLAINT_DECIDED).get()
    assert decided.changes["before"] == {"status": "ditinjau", "decision": ""}
    assert decided.changes["after"]["decision"] == "ditolak"
    assert decided.note == "Peringkat di bawah batas kuota."
    complaint = services.close_complaint(
        actor=admin_user, complaint=complaint, on=date(2026, 11, 30)
    )
    assert complaint.status == ComplaintStatus.CLOSED
    assert _events(complaint, AuditAction.COMPLAINT_CLOSED).get().changes == {
        "before": {"status": "diputus"},
        "after": {"status": "selesai", "closed_on": "2026-11-30"},
    }


def _refused(call, refusal):
    before = AuditEvent.objects.count()
    with pytest.raises(ComplaintRefused) as refused:
        call()
    assert refused.value.refusal == refusal
    assert AuditEvent.objects.count() == before


def test_review_without_an_assignee_is_refused(admin_user):
    complaint = record(admin_user, PersonFactory())
    _refused(
        lambda: services.start_review(actor=admin_user, complaint=complaint), Refusal.NO_ASSIGNEE
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RECEIVED


def test_deciding_before_review_or_without_reason_is_refused(admin_user):
    complaint = record(admin_user, PersonFactory())

    def decide(reason="Alasan"):
        return services.decide_complaint(
            actor=admin_user,
            complaint=complaint,
            decision=Decision.UPHELD,
            reason=reason,
            on=date(2026, 11, 27),
        )

    _refused(decide, Refusal.NOT_IN_REVIEW)
    services.assign_complaint(actor=admin_user, complaint=complaint, assignee=admin_user)
    services.start_review(actor=admin_user, complaint=complaint)
    _refused(lambda: decide("  "), Refusal.NO_REASON)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.IN_REVIEW
    assert complaint.decision == ""


def test_closing_before_decision_and_moving_a_closed_one_are_refused(admin_user):
    complaint = record(admin_user, PersonFactory())
    _refused(
        lambda: services.close_complaint(actor=admin_user, complaint=complaint, on=RECEIVED_ON),
        Refusal.NOT_DECIDED,
    )
    services.assign_complaint(actor=admin_user, complaint=complaint, assignee=admin_user)
    services.start_review(actor=admin_user, complaint=complaint)
    services.decide_complaint(
        actor=admin_user,
        complaint=complaint,
        decision=Decision.WITHDRAWN,
        reason="Dicabut oleh pelapor.",
        on=RECEIVED_ON,
    )
    services.close_complaint(actor=admin_user, complaint=complaint, on=RECEIVED_ON)
    _refused(lambda: services.start_review(actor=admin_user, complaint=complaint), Refusal.CLOSED)
    _refused(
        lambda: services.assign_complaint(
            actor=admin_user, complaint=complaint, assignee=admin_user
        ),
        Refusal.CLOSED,
    )


def test_an_operator_of_another_kelurahan_cannot_be_assigned(admin_user, operator_user):
    elsewhere = record(admin_user, PersonFactory(kelurahan_id=SOKODUWET))
    _refused(
        lambda: services.assign_complaint(
            actor=admin_user, complaint=elsewhere, assignee=operator_user
        ),
        Refusal.ASSIGNEE_NOT_ALLOWED,
    )
    own = record(admin_user, PersonFactory())
    services.assign_complaint(actor=admin_user, complaint=own, assignee=operator_user)
    assert Complaint.objects.get(pk=own.pk).assigned_to == operator_user


def _decided(actor, person, decision=Decision.UPHELD, **fields):
    complaint = record(actor, person, **fields)
    services.assign_complaint(actor=actor, complaint=complaint, assignee=actor)
    services.start_review(actor=actor, complaint=complaint)
    return services.decide_complaint(
        actor=actor, complaint=complaint, decision=decision, reason="Alasan.", on=RECEIVED_ON
    )


def test_an_appeal_links_to_a_decided_complaint_only(admin_user):
    person = PersonFactory()
    open_one = record(admin_user, person)
    with pytest.raises(ComplaintRefused) as refused:
        record(admin_user, person, category=Category.APPEAL, appeals=open_one)
    assert refused.value.refusal == Refusal.APPEAL_UNDECIDED
    decided = _decided(admin_user, person, Decision.REJECTED)
    appeal = record(admin_user, person, category=Category.APPEAL, appeals=decided)
    assert appeal.appeals == decided
    assert list(decided.appealed_by.all()) == [appeal]


def test_deciding_a_not_selected_complaint_keeps_the_recheck(admin_user, programme):
    from rentan.programmes import services as programme_services

    left_out = PersonFactory(verified_at=None, name="Citra Lestari")
    PersonFactory(verified_at=VERIFIED)
    cycle = make_cycle(programme, target=1)
    programme_services.allocate_cycle(actor=admin_user, cycle=cycle)
    complaint = _decided(admin_user, left_out, Decision.REJECTED, cycle=cycle)
    assert "tidak memenuhi syarat" in complaint.recheck_verdict
    event = _events(complaint, AuditAction.COMPLAINT_DECIDED).get()
    assert event.changes["after"]["recheck"] == complaint.recheck_verdict


def test_follow_up_waiting_list_needs_a_waiting_place(admin_user, programme):
    person = PersonFactory(verified_at=VERIFIED)
    cycle = make_cycle(programme)
    complaint = _decided(admin_user, person, cycle=cycle)
    _refused(
        lambda: services.record_follow_up(
            actor=admin_user, complaint=complaint, follow_up=FollowUp.WAITING_LIST
        ),
        Refusal.NOT_WAITING,
    )
    PlacementFactory(cycle=cycle, person=person, rank=5, kind=PlacementKind.WAITING)
    complaint = services.record_follow_up(
        actor=admin_user, complaint=complaint, follow_up=FollowUp.WAITING_LIST, note="Rank 5"
    )
    assert complaint.follow_up == FollowUp.WAITING_LIST
    assert _events(complaint, AuditAction.COMPLAINT_FOLLOWED_UP).get().changes == {
        "before": {"follow_up": ""},
        "after": {"follow_up": "cadangan"},
    }
    assert Placement.objects.get(person=person).kind == PlacementKind.WAITING


def test_follow_up_correction_needs_a_change_through_the_registry(admin_user):
    person = PersonFactory(name="Siti Aminah")
    complaint = _decided(admin_user, person, category=Category.DATA_WRONG)
    _refused(
        lambda: services.record_follow_up(
            actor=admin_user, complaint=complaint, follow_up=FollowUp.DATA_CORRECTED
        ),
        Refusal.NO_CORRECTION,
    )
    context = registry_context(date(2026, 11, 25))
    draft = PersonDraft(
        nik=person.nik,
        kk_number="",
        name="Siti Rahayu",
        birth_date=person.birth_date,
        sex=person.sex,
        kelurahan_code=person.kelurahan_id,
        occupation_code=person.occupation.code,
    )
    registry_services.update_person(actor=admin_user, person=person, draft=draft, context=context)
    services.record_follow_up(
        actor=admin_user, complaint=complaint, follow_up=FollowUp.DATA_CORRECTED
    )
    assert Complaint.objects.get(pk=complaint.pk).follow_up == FollowUp.DATA_CORRECTED


def test_follow_up_on_a_rejected_complaint_is_refused(admin_user):
    complaint = _decided(admin_user, PersonFactory(), Decision.REJECTED)
    _refused(
        lambda: services.record_follow_up(
            actor=admin_user, complaint=complaint, follow_up=FollowUp.RECHECKED
        ),
        Refusal.NOT_UPHELD,
    )


@pytest.mark.django_db(transaction=True)
def test_desks_recording_at_once_get_different_numbers():
    """Eight desks record at the same moment, each in its own connection and transaction."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"] in (
        ":memory:",
        "file:memorydb_default?mode=memory&cache=shared",
    ):
        pytest.skip("SQLite in memory: one connection; its IMMEDIATE transactions serialise")
    admin = make_user("admin")
    persons = [PersonFactory() for _ in range(8)]
    numbers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(persons))

    def desk(person):
        try:
            start.wait()
            numbers.append(record(admin, person).number)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=desk, args=(p,)) for p in persons]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(numbers) == [f"ADU-2026-{n:06d}" for n in range(1, 9)]
