"""Persons (pekerja): the list with its filters, search by name or NIK, lookup by a whole NIK,
one person, their full NIK and their history. The same selectors, masking and audit of reads
as the pages: a list shows NIKs masked and is not recorded; a person's record, a lookup by
NIK and a full NIK are reads of personal data, each recorded."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from rentan.accounts.access import Capability, can
from rentan.api.access import require
from rentan.api.errors import not_found, responses
from rentan.api.paging import DEFAULT_LIMIT, MAX_LIMIT, Page, page_of
from rentan.core.audit import events_for, record_read
from rentan.core.models import AuditAction
from rentan.registry import selectors, services
from rentan.registry.models import Person

router = Router(tags=["pekerja"])


class PersonSummary(Schema):
    id: int
    nik_masked: str
    name: str
    kelurahan_code: str | None
    kelurahan_name: str
    occupation_code: str
    is_active: bool
    is_verified: bool


class PersonPage(Page):
    items: list[PersonSummary]


class PersonDetail(PersonSummary):
    kk_number: str | None
    birth_place: str
    birth_date: date
    sex: str
    street_address: str
    rt: str
    rw: str
    kecamatan_name: str
    phone: str
    occupation_name: str
    monthly_income: int | None
    dependents: int
    # Only for the roles that see sensitive data (the page shows it to them alone).
    has_disability: bool | None
    disability_note: str | None
    source: str
    deactivation_reason: str | None
    deactivated_on: date | None
    merged_into_id: int | None


class PersonFilters(Schema):
    q: str = Field("", max_length=150, description="Nama (kata demi kata) atau awal NIK")
    kecamatan: str = Field("", max_length=13)
    kelurahan: str = Field("", max_length=13)
    occupation: str = Field("", max_length=50)
    include_inactive: bool = False
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class NikLookup(Schema):
    nik: str = Field(..., min_length=16, max_length=16, pattern=r"^[0-9]{16}$")


class FullNik(Schema):
    id: int
    nik: str


class FieldChange(Schema):
    field: str
    before: Any = None
    after: Any = None


class HistoryEntry(Schema):
    at: datetime
    action: str
    action_label: str
    actor: str | None
    changes: list[FieldChange]
    note: str


# A person's history is short; a bound keeps one answer small whatever happens to a record.
HISTORY_LIMIT = 500


# What a summary reads: a page of them loads no other column.
_SUMMARY_FIELDS = (
    "nik",
    "name",
    "kelurahan__name",
    "occupation__code",
    "is_active",
    "verified_at",
)


def _summary(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "nik_masked": person.masked_nik,
        "name": person.name,
        "kelurahan_code": person.kelurahan_id,
        "kelurahan_name": person.kelurahan.name if person.kelurahan else "",
        "occupation_code": person.occupation.code,
        "is_active": person.is_active,
        "is_verified": person.is_verified,
    }


def _detail(user: Any, person: Person) -> dict[str, Any]:
    sensitive = can(user, Capability.SEE_SENSITIVE)
    kelurahan = person.kelurahan
    return {
        **_summary(person),
        "kk_number": person.household.kk_number if person.household else None,
        "birth_place": person.birth_place,
        "birth_date": person.birth_date,
        "sex": person.sex,
        "street_address": person.street_address,
        "rt": person.rt,
        "rw": person.rw,
        "kecamatan_name": kelurahan.parent.name if kelurahan and kelurahan.parent else "",
        "phone": person.phone,
        "occupation_name": person.occupation.name,
        "monthly_income": person.monthly_income,
        "dependents": person.dependents,
        "has_disability": person.has_disability if sensitive else None,
        "disability_note": person.disability_note if sensitive else None,
        "source": person.source,
        "deactivation_reason": person.deactivation_reason or None,
        "deactivated_on": person.deactivated_on,
        "merged_into_id": person.merged_into_id,
    }


def _person(user: Any, person_id: int) -> Person:
    try:
        return selectors.person_for(user, person_id)
    except Exception as missing:  # Http404 from the door: the person does not exist for them
        raise not_found() from missing


@router.get("/persons", response=responses(PersonPage), operation_id="list_persons")
def list_persons(request: HttpRequest, filters: Query[PersonFilters]) -> dict[str, Any]:
    """Persons the token's user may see, by record number (`id`): a walk through the pages
    meets every record once even while names are edited, as a system copying the registry
    needs. `q` searches names word by word, or the NIK from its start when it is digits.
    NIKs masked, as on the list page."""
    user = require(request, Capability.VIEW_PERSONS)
    visible = selectors.persons_visible_to(user)
    persons = selectors.search_persons(
        visible,
        text=filters.q,
        kecamatan_code=filters.kecamatan,
        kelurahan_code=filters.kelurahan,
        occupation_code=filters.occupation,
        include_inactive=filters.include_inactive,
    )
    rows, next_cursor = page_of(
        persons.select_related(None)
        .select_related("kelurahan", "occupation")
        .only(*_SUMMARY_FIELDS),
        within=visible,
        field="id",
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return {"items": [_summary(p) for p in rows], "next_cursor": next_cursor}


@router.post("/persons/lookup", response=responses(PersonDetail), operation_id="lookup_person")
def lookup_person(request: HttpRequest, lookup: NikLookup) -> dict[str, Any]:
    """The person holding a whole NIK, if the token's user may see them (sent in the body,
    so the NIK stays out of server logs). A lookup is a read of personal data, recorded."""
    user = require(request, Capability.VIEW_PERSONS)
    found = selectors.persons_visible_to(user).filter(nik=lookup.nik).values_list("pk", flat=True)
    person_id = found.first()
    if person_id is None:
        raise not_found()
    person = _person(user, person_id)
    record_read(
        actor=user,
        persons=[person.pk],
        page=request.get_full_path(),
        note="API: pekerja dicari dengan NIK",
        target=person,
    )
    return _detail(user, person)


@router.get("/persons/{person_id}", response=responses(PersonDetail), operation_id="get_person")
def get_person(request: HttpRequest, person_id: int) -> dict[str, Any]:
    """One person's record, as their page shows it (NIK masked). Recorded as a read."""
    user = require(request, Capability.VIEW_PERSONS)
    person = _person(user, person_id)
    record_read(
        actor=user,
        persons=[person.pk],
        page=request.get_full_path(),
        note="API: data pekerja",
        target=person,
    )
    return _detail(user, person)


@router.get(
    "/persons/{person_id}/nik", response=responses(FullNik), operation_id="reveal_person_nik"
)
def reveal_person_nik(request: HttpRequest, person_id: int) -> dict[str, Any]:
    """The whole NIK, for the roles that may see it; recorded as the page's button is."""
    user = require(request, Capability.SEE_FULL_NIK)
    if not can(user, Capability.VIEW_PERSONS):
        raise not_found()
    person = _person(user, person_id)
    return {"id": person.pk, "nik": services.reveal_nik(actor=user, person=person)}


@router.get(
    "/persons/{person_id}/history",
    response=responses(list[HistoryEntry]),
    operation_id="person_history",
)
def person_history(request: HttpRequest, person_id: int) -> list[dict[str, Any]]:
    """What was done to the person's record (not who read it), newest first, as on the page."""
    user = require(request, Capability.VIEW_PERSONS)
    person = _person(user, person_id)
    events = events_for(person).exclude(action__in=[AuditAction.VIEW_NIK, AuditAction.VIEW])
    return [
        {
            "at": event.at,
            "action": event.action,
            "action_label": str(event.get_action_display()),
            "actor": event.actor.username if event.actor else None,
            "changes": [
                {"field": name, "before": before, "after": after}
                for name, before, after in event.changed_fields
            ],
            "note": event.note,
        }
        for event in events[:HISTORY_LIMIT]
    ]
