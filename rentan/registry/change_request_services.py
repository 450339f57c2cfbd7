"""The ways to make and decide change requests (usulan perubahan) on verified persons.

An edit of a verified record (`save_person_changes`) saves at once what needs no request
and turns the rest into a pending request; a deactivation ("died or moved") is a request of
its own (`request_deactivation`). The verifikator approves (`approve_change_request`: the
change goes through `services.update_person` or `services.deactivate_person` in the same
transaction, and every other pending request on the fields it changed becomes stale) or
rejects with a reason; the one who asked may withdraw. Each move writes its audit event on
the person, naming the request, so the person's history holds both.

Who may decide is the capability `VERIFY_PERSONS` (the verifikator, and the Dinas admin who
holds every capability), never the one who asked: a change needs a second pair of eyes.
"""

from dataclasses import replace
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rentan.accounts.access import Capability, can
from rentan.core.audit import record_event
from rentan.core.models import AuditAction
from rentan.registry import services
from rentan.registry.change_requests import (
    changed_since,
    overlapping_fields,
    plain_values,
    split_change,
)
from rentan.registry.models import (
    ChangeRequest,
    ChangeRequestKind,
    ChangeRequestStatus,
    DeactivationReason,
    Person,
)
from rentan.registry.nik import mask_nik
from rentan.registry.person_fields import BY_NAME, DRAFT_NAMES, PERSON_FIELDS
from rentan.registry.selectors import persons_visible_to
from rentan.registry.validation import PersonDraft, RegistryContext, check_person

# A duplicate is found by the Duplikat queue and settled by a merge, not by a request.
REQUESTABLE_REASONS = [
    reason for reason in DeactivationReason if reason != DeactivationReason.DUPLICATE
]


class ChangeRefused(Exception):
    """The request cannot be made or decided as asked; the message says why, in Indonesian.
    Nothing was changed. `problem` names the reason for callers and tests."""

    def __init__(self, problem: str, message: str) -> None:
        super().__init__(message)
        self.problem = problem


def draft_of(person: Person) -> PersonDraft:
    """The person's record as a draft, the shape an edit and a request compare against."""
    values: dict[str, Any] = {}
    for spec in PERSON_FIELDS:
        if spec.name == "kk_number":
            values[spec.name] = person.household.kk_number if person.household else ""
        elif spec.name == "occupation_code":
            values[spec.name] = person.occupation.code
        else:
            values[spec.name] = getattr(person, spec.column)
    return PersonDraft(**values)


def _values(draft: PersonDraft) -> dict[str, Any]:
    return plain_values({name: getattr(draft, name) for name in DRAFT_NAMES})


def _with_values(draft: PersonDraft, values: dict[str, Any]) -> PersonDraft:
    typed = dict(values)
    if typed.get("birth_date"):
        typed["birth_date"] = date.fromisoformat(str(typed["birth_date"]))
    return replace(draft, **typed)


def _duplicate_nik(actor: Any, nik: str, person: Person) -> ChangeRefused | None:
    """A NIK held by another record: named to a user who may see that record, else only said."""
    other = Person.objects.filter(nik=nik).exclude(pk=person.pk).first()
    if other is None:
        return None
    if persons_visible_to(actor).filter(pk=other.pk).exists():
        return ChangeRefused(
            "nik_taken",
            _("NIK %(nik)s sudah dipakai %(name)s (data #%(pk)s); usulan tidak dapat dibuat.")
            % {"nik": other.masked_nik, "name": other.name, "pk": other.pk},
        )
    return ChangeRefused(
        "nik_taken",
        _("NIK ini sudah terdaftar untuk orang lain; usulan tidak dapat dibuat. Hubungi Dinas."),
    )


def _check_draft(actor: Any, person: Person, draft: PersonDraft, context: RegistryContext) -> None:
    """The checks of a direct edit (`services.update_person`), for a change that waits."""
    refused = _duplicate_nik(actor, str(draft.nik), person)
    if refused is not None:
        raise refused
    try:
        services._checked_or_raise(draft, context, actor=actor, person=person)
    except services.PersonRejected as rejected:
        raise ChangeRefused(
            "invalid", "; ".join(issue.message for issue in rejected.checked.errors)
        ) from rejected


def _pending_conflicts(request: ChangeRequest) -> list[int]:
    others = (
        ChangeRequest.objects.pending().filter(person_id=request.person_id).exclude(pk=request.pk)
    )
    return [other.pk for other in others if overlapping_fields(request.fields, other.fields)]


def _recorded(
    request: ChangeRequest,
    action: AuditAction,
    before: dict[str, Any],
    after: dict[str, Any],
    note: str = "",
) -> None:
    # The request beside the change, as `services.update_person` names it: the history
    # links every event of a request to it.
    record_event(
        actor=request.decided_by or request.requested_by,
        action=action,
        target=request.person,
        changes={"before": before, "after": after, "usulan": request.pk},
        note=note,
    )


@transaction.atomic
def save_person_changes(
    *,
    actor: Any,
    person: Person,
    draft: PersonDraft,
    context: RegistryContext,
    note: str = "",
) -> tuple[Person, ChangeRequest | None]:
    """An edit from the person form. An unverified record is saved as it is; on a verified
    one the fields of `person_fields.NEEDS_REQUEST` become a pending request (a change of
    the KK number alone is a "pisah/gabung KK" request) and the rest is saved at once."""
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("household", "occupation")
        .get(pk=person.pk)
    )
    # Tidied first (names, phone, RT/RW), so a value typed differently but meaning the
    # same is no change; its errors are raised by the checks below.
    check_person(draft, context)
    current = draft_of(person)
    split = split_change(_values(current), _values(draft), is_verified=person.is_verified)
    if not split.needs_request:
        return services.update_person(
            actor=actor, person=person, draft=draft, context=context
        ), None
    _check_draft(actor, person, draft, context)
    if split.direct:
        person = services.update_person(
            actor=actor, person=person, draft=_with_values(current, split.direct), context=context
        )
    kind = (
        ChangeRequestKind.HOUSEHOLD
        if set(split.requested) == {"kk_number"}
        else ChangeRequestKind.EDIT
    )
    request = ChangeRequest.objects.create(
        person=person,
        kind=kind,
        before=split.before,
        proposed=split.requested,
        note=note,
        requested_by=actor,
    )
    _recorded_request(request)
    return person, request


def _recorded_request(request: ChangeRequest) -> None:
    masked = {
        name: (value if name not in ("nik", "kk_number") else _mask(value))
        for name, value in request.proposed.items()
    }
    before = {
        name: (value if name not in ("nik", "kk_number") else _mask(value))
        for name, value in request.before.items()
    }
    if request.kind == ChangeRequestKind.DEACTIVATION:
        before = {"is_active": True}
        masked = {
            "is_active": False,
            "alasan": request.deactivation_reason,
            "tanggal": request.deactivated_on.isoformat() if request.deactivated_on else None,
        }
    record_event(
        actor=request.requested_by,
        action=AuditAction.CHANGE_REQUESTED,
        target=request.person,
        changes={
            "before": before,
            "after": masked,
            "usulan": request.pk,
            "jenis": request.kind.value
            if isinstance(request.kind, ChangeRequestKind)
            else request.kind,
        },
        note=request.note,
    )


def _mask(value: Any) -> Any:
    return mask_nik(str(value)) if value else value


@transaction.atomic
def request_deactivation(
    *, actor: Any, person: Person, reason: DeactivationReason, on: date, note: str = ""
) -> ChangeRequest:
    """ "The person died or moved": the verifikator deactivates them on approval, through
    `services.deactivate_person` with this reason and date."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not person.is_active:
        raise ChangeRefused("inactive", _("Pekerja ini sudah nonaktif."))
    if reason == DeactivationReason.DUPLICATE:
        raise ChangeRefused(
            "reason", _("Data ganda diselesaikan di antrean Duplikat, bukan lewat usulan.")
        )
    request = ChangeRequest.objects.create(
        person=person,
        kind=ChangeRequestKind.DEACTIVATION,
        deactivation_reason=reason,
        deactivated_on=on,
        note=note,
        requested_by=actor,
    )
    _recorded_request(request)
    return request


def _locked_pending(request: ChangeRequest) -> ChangeRequest:
    request = (
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=request.pk)
    )
    if request.status != ChangeRequestStatus.PENDING:
        raise ChangeRefused(
            "decided",
            _("Usulan ini sudah %(status)s; tidak dapat diputuskan lagi.")
            % {"status": request.get_status_display().lower()},
        )
    return request


@transaction.atomic
def approve_change_request(
    *, actor: Any, request: ChangeRequest, context: RegistryContext
) -> ChangeRequest:
    """Apply the change in this transaction, through the person services. Every other
    pending request on a field it changes was made against the old values: it becomes
    stale (named in the approval's audit event) and must be asked again if still wanted."""
    if not can(actor, Capability.VERIFY_PERSONS):
        raise ChangeRefused("not_allowed", _("Hanya verifikator yang dapat menyetujui usulan."))
    request = _locked_pending(request)
    if request.requested_by_id == actor.pk:
        raise ChangeRefused(
            "own_request", _("Usulan Anda sendiri diputuskan oleh verifikator lain.")
        )
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("household", "occupation")
        .get(pk=request.person_id)
    )
    if not person.is_active:
        raise ChangeRefused("stale", _("Pekerja ini sudah nonaktif; usulan sudah usang."))
    if request.kind == ChangeRequestKind.DEACTIVATION:
        services.deactivate_person(
            actor=actor,
            person=person,
            reason=DeactivationReason(request.deactivation_reason),
            on=request.deactivated_on or timezone.localdate(),
            note=_("Usulan #%(pk)s: %(note)s") % {"pk": request.pk, "note": request.note},
        )
    else:
        current = draft_of(person)
        moved = changed_since(request.before, _values(current))
        if moved:
            raise ChangeRefused(
                "stale",
                _("Data sudah berubah sejak usulan dibuat (%(fields)s); usulan sudah usang.")
                % {"fields": ", ".join(str(BY_NAME[name].label) for name in moved)},
            )
        draft = _with_values(current, request.proposed)
        refused = _duplicate_nik(actor, str(draft.nik), person)
        if refused is not None:
            raise refused
        try:
            services.update_person(
                actor=actor, person=person, draft=draft, context=context, change_request=request
            )
        except services.PersonRejected as rejected:
            raise ChangeRefused(
                "invalid", "; ".join(issue.message for issue in rejected.checked.errors)
            ) from rejected
    stale = _pending_conflicts(request)
    ChangeRequest.objects.filter(pk__in=stale).update(
        status=ChangeRequestStatus.STALE, decided_by=actor, decided_at=timezone.now()
    )
    request.status = ChangeRequestStatus.APPROVED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    _recorded(
        request,
        AuditAction.CHANGE_APPROVED,
        {"status": ChangeRequestStatus.PENDING.value},
        # The requests it made stale, when there are any.
        {"status": ChangeRequestStatus.APPROVED.value, **({"usang": stale} if stale else {})},
    )
    return request


@transaction.atomic
def reject_change_request(*, actor: Any, request: ChangeRequest, reason: str) -> ChangeRequest:
    """Refuse the change, saying why: the person who asked reads the reason."""
    if not can(actor, Capability.VERIFY_PERSONS):
        raise ChangeRefused("not_allowed", _("Hanya verifikator yang dapat menolak usulan."))
    reason = " ".join(reason.split())
    if not reason:
        raise ChangeRefused("reason_missing", _("Alasan penolakan wajib diisi."))
    request = _locked_pending(request)
    request.status = ChangeRequestStatus.REJECTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_reason = reason
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    _recorded(
        request,
        AuditAction.CHANGE_REJECTED,
        {"status": ChangeRequestStatus.PENDING.value},
        {"status": ChangeRequestStatus.REJECTED.value, "alasan": reason},
    )
    return request


@transaction.atomic
def withdraw_change_request(*, actor: Any, request: ChangeRequest) -> ChangeRequest:
    """The one who asked takes the request back before it is decided."""
    request = _locked_pending(request)
    if request.requested_by_id != actor.pk:
        raise ChangeRefused("not_requester", _("Hanya pengusul yang dapat menarik usulan ini."))
    request.status = ChangeRequestStatus.WITHDRAWN
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    _recorded(
        request,
        AuditAction.CHANGE_WITHDRAWN,
        {"status": ChangeRequestStatus.PENDING.value},
        {"status": ChangeRequestStatus.WITHDRAWN.value},
    )
    return request
