"""The only ways to change a person's record. Each runs in one transaction with its audit event."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from rentan.core.audit import record_event
from rentan.core.models import AuditAction
from rentan.registry.models import DeactivationReason, Household, Occupation, Person, PersonSource
from rentan.registry.nik import mask_nik
from rentan.registry.validation import (
    CheckedPerson,
    FieldIssue,
    PersonDraft,
    PersonField,
    RecordProblem,
    RegistryContext,
    check_person,
)


class PersonRejected(Exception):
    """The draft has errors; nothing was stored."""

    def __init__(self, checked: CheckedPerson) -> None:
        super().__init__("; ".join(issue.message for issue in checked.errors))
        self.checked = checked


# Fields whose old and new values are written to the audit trail in full. NIK and KK are
# recorded masked: the trail must say that they changed without spreading the numbers.
_AUDITED_FIELDS = (
    "name",
    "birth_place",
    "birth_date",
    "sex",
    "street_address",
    "rt",
    "rw",
    "kelurahan_id",
    "phone",
    "occupation_id",
    "monthly_income",
    "dependents",
    "has_disability",
    "disability_note",
)


def _snapshot(person: Person) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(person, name) for name in _AUDITED_FIELDS}
    values["nik"] = mask_nik(person.nik)
    values["kk_number"] = mask_nik(person.household.kk_number) if person.household else ""
    if isinstance(values["birth_date"], date):
        values["birth_date"] = values["birth_date"].isoformat()
    if values["occupation_id"] is not None:
        values["occupation_id"] = person.occupation.code
    return values


def _apply(person: Person, draft: PersonDraft) -> None:
    person.nik = str(draft.nik)
    person.name = draft.name
    person.birth_place = draft.birth_place
    person.birth_date = draft.birth_date  # type: ignore[assignment]
    person.sex = draft.sex
    person.street_address = draft.street_address
    person.rt = draft.rt
    person.rw = draft.rw
    person.kelurahan_id = draft.kelurahan_code
    person.phone = str(draft.phone)
    person.occupation = Occupation.objects.get(code=draft.occupation_code)
    person.monthly_income = draft.monthly_income
    person.dependents = draft.dependents
    person.has_disability = draft.has_disability
    person.disability_note = draft.disability_note
    person.household = (
        Household.objects.get_or_create(kk_number=str(draft.kk_number))[0]
        if draft.kk_number
        else None
    )


def _checked_or_raise(draft: PersonDraft, context: RegistryContext, exclude_pk: int | None) -> None:
    checked = check_person(draft, context)
    same_nik = Person.objects.filter(nik=str(draft.nik))
    if exclude_pk is not None:
        same_nik = same_nik.exclude(pk=exclude_pk)
    if not checked.errors and same_nik.exists():
        checked.issues.append(
            FieldIssue(
                PersonField.NIK,
                RecordProblem.NIK_ALREADY_REGISTERED,
                str(RecordProblem.NIK_ALREADY_REGISTERED.label),
            )
        )
    if checked.errors:
        raise PersonRejected(checked)


@transaction.atomic
def register_person(
    *,
    actor: Any,
    draft: PersonDraft,
    context: RegistryContext,
    source: PersonSource = PersonSource.MANUAL,
    source_detail: str = "",
) -> Person:
    _checked_or_raise(draft, context, exclude_pk=None)
    person = Person(source=source, source_detail=source_detail)
    _apply(person, draft)
    person.save()
    record_event(actor=actor, action=AuditAction.CREATE, target=person, changes=_snapshot(person))
    return person


@transaction.atomic
def update_person(
    *, actor: Any, person: Person, draft: PersonDraft, context: RegistryContext
) -> Person:
    _checked_or_raise(draft, context, exclude_pk=person.pk)
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = _snapshot(person)
    old_nik = person.nik
    _apply(person, draft)
    after = _snapshot(person)
    changed = {
        name: {"lama": before[name], "baru": after[name]}
        for name in after
        if before[name] != after[name]
    }
    if person.nik != old_nik:
        changed["nik"] = {"lama": before["nik"], "baru": after["nik"], "berubah": True}
    if changed:
        person.save()
        record_event(actor=actor, action=AuditAction.UPDATE, target=person, changes=changed)
    return person


@transaction.atomic
def deactivate_person(
    *, actor: Any, person: Person, reason: DeactivationReason, on: date, note: str = ""
) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not person.is_active:
        return person
    person.is_active = False
    person.deactivation_reason = reason
    person.deactivated_on = on
    person.save(update_fields=["is_active", "deactivation_reason", "deactivated_on", "updated_at"])
    record_event(
        actor=actor,
        action=AuditAction.DEACTIVATE,
        target=person,
        changes={"alasan": reason.value, "tanggal": on.isoformat()},
        note=note,
    )
    return person


@transaction.atomic
def reactivate_person(*, actor: Any, person: Person, note: str) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.is_active:
        return person
    previous = person.deactivation_reason
    person.is_active = True
    person.deactivation_reason = ""
    person.deactivated_on = None
    person.save(update_fields=["is_active", "deactivation_reason", "deactivated_on", "updated_at"])
    record_event(
        actor=actor,
        action=AuditAction.REACTIVATE,
        target=person,
        changes={"alasan_sebelumnya": previous},
        note=note,
    )
    return person


@transaction.atomic
def verify_person(*, actor: Any, person: Person) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.verified_at is None:
        person.verified_at = timezone.now()
        person.verified_by = actor
        person.save(update_fields=["verified_at", "verified_by", "updated_at"])
        record_event(
            actor=actor, action=AuditAction.UPDATE, target=person, changes={"verifikasi": True}
        )
    return person


@transaction.atomic
def reveal_nik(*, actor: Any, person: Person) -> str:
    """Show a full NIK to someone allowed to see it, and remember that they did."""
    record_event(actor=actor, action=AuditAction.VIEW_NIK, target=person)
    return person.nik
