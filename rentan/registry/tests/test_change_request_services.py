"""Change requests on verified persons: each move, and each move refused."""

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from rentan.core.models import AuditAction, AuditEvent
from rentan.registry.change_request_services import (
    ChangeRefused,
    approve_change_request,
    draft_of,
    reject_change_request,
    request_deactivation,
    save_person_changes,
    withdraw_change_request,
)
from rentan.registry.models import (
    ChangeRequest,
    ChangeRequestKind,
    ChangeRequestStatus,
    DeactivationReason,
    Household,
    Person,
)
from rentan.registry.selectors import conflicts_among, registry_context
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

MEDONO = "33.75.01.1002"
SOKODUWET = "33.75.04.1010"


@pytest.fixture
def context() -> Any:
    return registry_context(date(2026, 12, 2))


_NAMES = iter(["Darimin", "Kasmuri", "Tarsono", "Sukirno", "Parmin", "Wagiman", "Rasidi"] * 9)


def verified(**fields: Any) -> Person:
    fields.setdefault("name", next(_NAMES))
    person: Any = PersonFactory(
        verified_at=timezone.now(), monthly_income=900_000, phone="", **fields
    )
    return Person.objects.select_related("household", "occupation").get(pk=person.pk)


def edit(actor: Any, person: Person, context: Any, **changes: Any) -> ChangeRequest | None:
    draft = replace(draft_of(person), **changes)
    return save_person_changes(actor=actor, person=person, draft=draft, context=context)[1]


def _events(action: AuditAction, person: Person) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=action, target_type="registry.person", target_id=str(person.pk)
        ).order_by("pk")
    )


def test_an_edit_of_a_verified_person_waits_for_the_verifikator_but_a_phone_is_saved(
    operator_user, context
):
    person = verified()
    request = edit(
        operator_user,
        person,
        context,
        monthly_income=1_250_000,
        street_address="Jl. Melati 9",
        phone="081234567890",
    )
    assert request is not None
    assert request.status == ChangeRequestStatus.PENDING
    assert request.kind == ChangeRequestKind.EDIT
    assert request.before == {"street_address": "", "monthly_income": 900_000}
    assert request.proposed == {"street_address": "Jl. Melati 9", "monthly_income": 1_250_000}
    person.refresh_from_db()
    assert (person.monthly_income, person.street_address) == (900_000, "")
    assert person.phone == "+6281234567890"
    [asked] = _events(AuditAction.CHANGE_REQUESTED, person)
    assert asked.actor == operator_user
    assert asked.changes["usulan"] == request.pk
    assert asked.changes["after"]["monthly_income"] == 1_250_000


def test_an_unverified_person_is_edited_directly(operator_user, context):
    person = PersonFactory(verified_at=None, monthly_income=900_000, name="Darimin")
    person = Person.objects.select_related("household", "occupation").get(pk=person.pk)
    assert edit(operator_user, person, context, monthly_income=1_250_000) is None
    person.refresh_from_db()
    assert person.monthly_income == 1_250_000
    assert not ChangeRequest.objects.exists()


def test_approval_applies_the_change_through_the_update_service_naming_the_request(
    operator_user, verifier_user, context
):
    person = verified()
    request = edit(operator_user, person, context, monthly_income=1_250_000)
    assert request is not None
    approve_change_request(actor=verifier_user, request=request, context=context)
    person.refresh_from_db()
    request.refresh_from_db()
    assert person.monthly_income == 1_250_000
    assert (request.status, request.decided_by) == (ChangeRequestStatus.APPROVED, verifier_user)
    [updated] = _events(AuditAction.PERSON_UPDATED, person)
    assert updated.actor == verifier_user
    assert updated.changes == {
        "before": {"monthly_income": 900_000},
        "after": {"monthly_income": 1_250_000},
        "usulan": request.pk,
    }
    [approved] = _events(AuditAction.CHANGE_APPROVED, person)
    assert approved.changes == {
        "before": {"status": "pending"},
        "after": {"status": "approved"},
        "usulan": request.pk,
    }


def test_a_request_is_decided_once(operator_user, verifier_user, context):
    person = verified()
    request = edit(operator_user, person, context, monthly_income=1_250_000)
    assert request is not None
    approve_change_request(actor=verifier_user, request=request, context=context)
    with pytest.raises(ChangeRefused) as again:
        approve_change_request(actor=verifier_user, request=request, context=context)
    assert again.value.problem == "decided"
    with pytest.raises(ChangeRefused) as rejected:
        reject_change_request(actor=verifier_user, request=request, reason="Salah")
    assert rejected.value.problem == "decided"
    assert len(_events(AuditAction.PERSON_UPDATED, person)) == 1


def test_a_rejection_needs_a_reason_and_leaves_the_record(operator_user, verifier_user, context):
    person = verified()
    request = edit(operator_user, person, context, monthly_income=1_250_000)
    assert request is not None
    with pytest.raises(ChangeRefused) as refused:
        reject_change_request(actor=verifier_user, request=request, reason="  ")
    assert refused.value.problem == "reason_missing"
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.PENDING
    reject_change_request(
        actor=verifier_user, request=request, reason="Slip gaji tidak dilampirkan"
    )
    request.refresh_from_db()
    person.refresh_from_db()
    assert request.status == ChangeRequestStatus.REJECTED
    assert request.decision_reason == "Slip gaji tidak dilampirkan"
    assert person.monthly_income == 900_000
    [event] = _events(AuditAction.CHANGE_REJECTED, person)
    assert event.changes == {
        "before": {"status": "pending"},
        "after": {"status": "rejected", "alasan": "Slip gaji tidak dilampirkan"},
        "usulan": request.pk,
    }


def test_only_a_verifikator_decides_and_never_on_their_own_request(
    operator_user, admin_user, verifier_user, context
):
    person = verified()
    asked_by_operator = edit(operator_user, person, context, monthly_income=1_250_000)
    assert asked_by_operator is not None
    with pytest.raises(ChangeRefused) as operator_refused:
        approve_change_request(actor=operator_user, request=asked_by_operator, context=context)
    assert operator_refused.value.problem == "not_allowed"
    asked_by_admin = edit(admin_user, verified(), context, dependents=3)
    assert asked_by_admin is not None
    with pytest.raises(ChangeRefused) as own:
        approve_change_request(actor=admin_user, request=asked_by_admin, context=context)
    assert own.value.problem == "own_request"
    # The Dinas admin holds VERIFY_PERSONS: another's request is theirs to decide.
    approve_change_request(actor=admin_user, request=asked_by_operator, context=context)
    approve_change_request(actor=verifier_user, request=asked_by_admin, context=context)


def test_conflicting_requests_are_shown_and_approving_one_makes_the_other_stale(
    operator_user, admin_user, verifier_user, context
):
    person = verified()
    first = edit(operator_user, person, context, monthly_income=1_250_000)
    second = edit(admin_user, person, context, monthly_income=1_500_000, dependents=4)
    agreeing = edit(admin_user, person, context, mother_name="Sumirah")
    assert first
    assert second
    assert agreeing
    conflicts = conflicts_among([first, second, agreeing])
    assert conflicts == {
        first.pk: [(second.pk, ["monthly_income"])],
        second.pk: [(first.pk, ["monthly_income"])],
    }
    approve_change_request(actor=verifier_user, request=first, context=context)
    second.refresh_from_db()
    agreeing.refresh_from_db()
    assert second.status == ChangeRequestStatus.STALE
    assert agreeing.status == ChangeRequestStatus.PENDING
    [approved] = _events(AuditAction.CHANGE_APPROVED, person)
    assert approved.changes["after"]["usang"] == [second.pk]
    with pytest.raises(ChangeRefused) as stale:
        approve_change_request(actor=verifier_user, request=second, context=context)
    assert stale.value.problem == "decided"
    person.refresh_from_db()
    assert (person.monthly_income, person.dependents) == (1_250_000, 0)


def test_a_request_made_against_values_changed_since_is_refused_as_stale(
    operator_user, verifier_user, context
):
    person = verified()
    request = edit(operator_user, person, context, monthly_income=1_250_000)
    assert request is not None
    Person.objects.filter(pk=person.pk).update(monthly_income=1_000_000)  # e.g. a merge filled it
    with pytest.raises(ChangeRefused) as refused:
        approve_change_request(actor=verifier_user, request=request, context=context)
    assert refused.value.problem == "stale"
    assert "Penghasilan per bulan" in str(refused.value)
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.PENDING


def test_a_nik_held_by_a_visible_record_is_refused_naming_it(operator_user, context):
    person = verified(kelurahan_id=MEDONO)
    neighbour = PersonFactory(kelurahan_id=MEDONO, name="Warsono Hadi")
    with pytest.raises(ChangeRefused) as refused:
        edit(operator_user, person, context, nik=neighbour.nik)
    assert refused.value.problem == "nik_taken"
    assert "Warsono Hadi" in str(refused.value)
    assert f"#{neighbour.pk}" in str(refused.value)
    assert not ChangeRequest.objects.exists()


def test_a_nik_held_in_another_kelurahan_is_refused_without_naming_it(operator_user, context):
    person = verified(kelurahan_id=MEDONO)
    elsewhere = PersonFactory(kelurahan_id=SOKODUWET, name="Sumiyati Rahayu")
    with pytest.raises(ChangeRefused) as refused:
        edit(operator_user, person, context, nik=elsewhere.nik)
    message = str(refused.value)
    assert refused.value.problem == "nik_taken"
    assert "Sumiyati" not in message
    assert str(elsewhere.pk) not in message
    assert elsewhere.nik not in message
    assert elsewhere.masked_nik not in message
    assert not ChangeRequest.objects.exists()


def test_a_nik_taken_after_the_request_is_refused_at_approval_naming_the_record(
    operator_user, verifier_user, context
):
    person = verified(kelurahan_id=MEDONO)
    new_nik = "3375010501850077"
    request = edit(operator_user, person, context, nik=new_nik)
    assert request is not None
    taken = PersonFactory(kelurahan_id=SOKODUWET, nik=new_nik, name="Sumiyati Rahayu")
    with pytest.raises(ChangeRefused) as refused:
        approve_change_request(actor=verifier_user, request=request, context=context)
    assert refused.value.problem == "nik_taken"
    assert "Sumiyati Rahayu" in str(refused.value)
    assert f"#{taken.pk}" in str(refused.value)
    person.refresh_from_db()
    assert person.nik != new_nik


def test_a_change_of_kk_alone_is_a_household_request(operator_user, verifier_user, context):
    Household.objects.create(kk_number="3375010101100009")
    person = verified()
    request = edit(operator_user, person, context, kk_number="3375010101100009")
    assert request is not None
    assert request.kind == ChangeRequestKind.HOUSEHOLD
    approve_change_request(actor=verifier_user, request=request, context=context)
    person.refresh_from_db()
    assert person.household is not None
    assert person.household.kk_number == "3375010101100009"


def test_died_or_moved_is_a_request_deactivated_on_approval_with_its_reason(
    operator_user, verifier_user, context
):
    person = verified()
    pending_edit = edit(operator_user, person, context, monthly_income=1_250_000)
    request = request_deactivation(
        actor=operator_user,
        person=person,
        reason=DeactivationReason.DIED,
        on=date(2026, 11, 20),
        note="Akta kematian 3375-KM-2026-001",
    )
    person.refresh_from_db()
    assert person.is_active
    assert pending_edit is not None
    assert conflicts_among([request])[request.pk] == [(pending_edit.pk, ["is_active"])]
    approve_change_request(actor=verifier_user, request=request, context=context)
    person.refresh_from_db()
    pending_edit.refresh_from_db()
    assert not person.is_active
    assert (person.deactivation_reason, person.deactivated_on) == ("died", date(2026, 11, 20))
    assert pending_edit.status == ChangeRequestStatus.STALE
    [deactivated] = _events(AuditAction.DEACTIVATE, person)
    assert deactivated.actor == verifier_user
    assert f"#{request.pk}" in deactivated.note


def test_a_duplicate_is_not_a_reason_for_a_request(operator_user):
    with pytest.raises(ChangeRefused) as refused:
        request_deactivation(
            actor=operator_user,
            person=verified(),
            reason=DeactivationReason.DUPLICATE,
            on=date(2026, 11, 20),
        )
    assert refused.value.problem == "reason"


def test_only_the_one_who_asked_withdraws(operator_user, admin_user, context):
    person = verified()
    request = edit(operator_user, person, context, monthly_income=1_250_000)
    assert request is not None
    with pytest.raises(ChangeRefused) as refused:
        withdraw_change_request(actor=admin_user, request=request)
    assert refused.value.problem == "not_requester"
    withdraw_change_request(actor=operator_user, request=request)
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.WITHDRAWN
    [event] = _events(AuditAction.CHANGE_WITHDRAWN, person)
    assert event.changes == {
        "before": {"status": "pending"},
        "after": {"status": "withdrawn"},
        "usulan": request.pk,
    }
