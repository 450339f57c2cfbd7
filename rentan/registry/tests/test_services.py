from datetime import date

import pytest

from rentan.core.models import AuditAction, AuditEvent
from rentan.registry import services
from rentan.registry.models import DeactivationReason, Person
from rentan.registry.nik import NikProblem
from rentan.registry.selectors import registry_context
from rentan.registry.validation import PersonDraft, PersonField, RecordProblem
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def draft(**overrides: object) -> PersonDraft:
    values: dict[str, object] = {
        "nik": "3375014501850001",
        "kk_number": "3375011203100005",
        "name": "  SITI   AMINAH ",
        "birth_date": date(1985, 1, 5),
        "sex": "P",
        "kelurahan_code": "33.75.01.1002",
        "occupation_code": "pedagang-keliling",
        "phone": "0812-3456-7890",
        "rt": "3",
        "rw": "12",
    }
    values.update(overrides)
    return PersonDraft(**values)  # type: ignore[arg-type]


def test_register_person_stores_clean_values_and_audit_event(admin_user):
    person = services.register_person(
        actor=admin_user, draft=draft(), context=registry_context(date(2026, 11, 25))
    )
    person.refresh_from_db()
    assert person.name == "Siti Aminah"
    assert person.phone == "+6281234567890"
    assert (person.rt, person.rw) == ("003", "012")
    assert person.household is not None
    assert person.household.kk_number == "3375011203100005"
    event = AuditEvent.objects.get(target_type="registry.person", target_id=str(person.pk))
    assert event.action == AuditAction.PERSON_REGISTERED
    assert event.actor == admin_user
    assert event.changes["before"] == {}
    assert event.changes["after"]["nik"] == "3375********0001"


def test_register_person_rejects_birth_date_disagreeing_with_nik(admin_user):
    with pytest.raises(services.PersonRejected) as rejected:
        services.register_person(
            actor=admin_user,
            draft=draft(birth_date=date(1985, 1, 6)),
            context=registry_context(date(2026, 11, 25)),
        )
    problems = {(i.field, i.problem) for i in rejected.value.checked.errors}
    assert (PersonField.BIRTH_DATE, NikProblem.BIRTH_DATE_MISMATCH) in problems
    assert not Person.objects.exists()
    assert not AuditEvent.objects.exists()


def test_register_person_refuses_a_nik_already_registered(admin_user):
    existing = PersonFactory()
    with pytest.raises(services.PersonRejected) as rejected:
        services.register_person(
            actor=admin_user,
            draft=draft(nik=existing.nik, birth_date=existing.birth_date, sex=existing.sex),
            context=registry_context(date(2026, 11, 25)),
        )
    assert rejected.value.checked.errors[0].problem is RecordProblem.NIK_ALREADY_REGISTERED
    assert Person.objects.count() == 1


def test_update_person_records_old_and_new_values(admin_user):
    person = services.register_person(
        actor=admin_user, draft=draft(), context=registry_context(date(2026, 11, 25))
    )
    services.update_person(
        actor=admin_user,
        person=person,
        draft=draft(name="Siti Aminah Rahayu", occupation_code="buruh-batik"),
        context=registry_context(date(2026, 11, 25)),
    )
    event = AuditEvent.objects.get(action=AuditAction.PERSON_UPDATED)
    assert event.changes["before"]["name"] == "Siti Aminah"
    assert event.changes["after"]["name"] == "Siti Aminah Rahayu"
    assert event.changes["before"]["occupation_id"] == "pedagang-keliling"
    assert event.changes["after"]["occupation_id"] == "buruh-batik"
    assert "phone" not in event.changes["after"]


def test_update_without_changes_writes_no_event(admin_user):
    person = services.register_person(
        actor=admin_user, draft=draft(), context=registry_context(date(2026, 11, 25))
    )
    services.update_person(
        actor=admin_user,
        person=person,
        draft=draft(),
        context=registry_context(date(2026, 11, 25)),
    )
    assert not AuditEvent.objects.filter(action=AuditAction.PERSON_UPDATED).exists()


def test_deactivation_keeps_the_record_with_its_reason(admin_user):
    person = PersonFactory()
    services.deactivate_person(
        actor=admin_user,
        person=person,
        reason=DeactivationReason.DIED,
        on=date(2026, 10, 1),
        note="Laporan kelurahan",
    )
    person.refresh_from_db()
    assert person.is_active is False
    assert person.deactivation_reason == DeactivationReason.DIED
    assert person.deactivated_on == date(2026, 10, 1)
    event = AuditEvent.objects.get(action=AuditAction.DEACTIVATE)
    assert event.changes["after"]["alasan"] == "died"
    assert event.note == "Laporan kelurahan"
    assert Person.objects.filter(pk=person.pk).exists()


def test_reactivation_is_recorded(admin_user):
    person = PersonFactory(is_active=False, deactivation_reason=DeactivationReason.INCORRECT)
    services.reactivate_person(actor=admin_user, person=person, note="Salah input")
    person.refresh_from_db()
    assert person.is_active
    assert person.deactivation_reason == ""
    assert AuditEvent.objects.filter(action=AuditAction.REACTIVATE).count() == 1


def test_revealing_a_nik_is_recorded(verifier_user):
    person = PersonFactory()
    assert services.reveal_nik(actor=verifier_user, person=person) == person.nik
    event = AuditEvent.objects.get(action=AuditAction.VIEW_NIK)
    assert event.actor == verifier_user
    assert event.target_id == str(person.pk)


def test_verification_is_recorded_once(verifier_user):
    person = PersonFactory()
    services.verify_person(actor=verifier_user, person=person)
    services.verify_person(actor=verifier_user, person=person)
    person.refresh_from_db()
    assert person.is_verified
    assert person.verified_by == verifier_user
    assert AuditEvent.objects.filter(target_id=str(person.pk)).count() == 1
