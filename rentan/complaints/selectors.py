"""Reads of complaints, every one scoped through the access door: an operator sees the
complaints of their own kelurahan only, in lists, counts and drop-downs alike."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, Q, QuerySet, Value, When

from rentan.accounts.access import (
    Capability,
    can,
    get_scoped_or_404,
    kelurahan_scope,
    scope_to_user,
)
from rentan.accounts.models import Role, User
from rentan.complaints.lifecycle import OPEN_STATUSES, ComplaintStatus
from rentan.complaints.models import Complaint, ComplaintDeadline
from rentan.regions.models import Area
from rentan.registry.models import LIST_ORDER, Person
from rentan.registry.selectors import matching_name_or_nik, persons_visible_to

# People a search at the desk offers at most.
SEARCH_LIMIT = 10


def complaints_visible_to(user: Any) -> QuerySet[Complaint]:
    if not can(user, Capability.HANDLE_COMPLAINTS):
        return Complaint.objects.none()
    queryset = Complaint.objects.select_related(
        "person", "kelurahan__parent", "cycle__programme", "assigned_to", "appeals"
    )
    return scope_to_user(user, queryset, kelurahan_field="kelurahan")


def complaint_for(user: Any, pk: Any) -> Complaint:
    return get_scoped_or_404(
        user,
        complaints_visible_to(user).select_related("decided_by", "recorded_by"),
        kelurahan_field="kelurahan",
        pk=pk,
    )


def overdue(complaints: QuerySet[Complaint], today: date) -> QuerySet[Complaint]:
    return complaints.filter(status__in=OPEN_STATUSES, due_on__lt=today)


def listed_complaints(
    user: Any, filters: Mapping[str, Any] | None, *, today: date
) -> QuerySet[Complaint]:
    """The list as its page shows it: the user's scope narrowed by the filter form's cleaned
    values; the soonest due first among the open ones, then the latest."""
    complaints = complaints_visible_to(user)
    if filters:
        if filters.get("status"):
            complaints = complaints.filter(status=filters["status"])
        if filters.get("category"):
            complaints = complaints.filter(category=filters["category"])
        if filters.get("kelurahan"):
            complaints = complaints.filter(kelurahan_id=filters["kelurahan"])
        if filters.get("overdue"):
            complaints = overdue(complaints, today)
        text = (filters.get("q") or "").strip()
        if text.upper().startswith("ADU-"):
            complaints = complaints.filter(number__iexact=text)
        elif text:
            complaints = matching_name_or_nik(complaints, text, person="person__")
    waiting_first = Case(
        When(status__in=OPEN_STATUSES, then=Value(0)),
        When(status=ComplaintStatus.DECIDED, then=Value(1)),
        default=Value(2),
    )
    return complaints.order_by(waiting_first, "due_on", "-received_on", "-id")


@dataclass(frozen=True)
class AreaLoad:
    kelurahan: str
    open: int
    due_soon: int
    overdue: int


def load_per_kelurahan(user: Any, *, today: date, soon_days: int = 3) -> list[AreaLoad]:
    """Per kelurahan the user may see: open complaints, those due within `soon_days`, and
    those overdue. An operator's table has their own kelurahan only."""
    rows = (
        complaints_visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .values("kelurahan__name")
        .annotate(
            open=Count("id"),
            due_soon=Count(
                "id", filter=Q(due_on__gte=today, due_on__lte=today + timedelta(days=soon_days))
            ),
            overdue=Count("id", filter=Q(due_on__lt=today)),
        )
        .order_by("-overdue", "kelurahan__name")
    )
    return [
        AreaLoad(row["kelurahan__name"], row["open"], row["due_soon"], row["overdue"])
        for row in rows
    ]


def kelurahan_choices(user: Any) -> list[Area]:
    """The kelurahan a user may file a complaint under or filter by: an operator, their own."""
    villages = Area.objects.villages_of(settings.RENTAN_REGION_CODE).order_by("name")
    scope = kelurahan_scope(user)
    if scope is not None:
        villages = villages.filter(code=scope)
    return list(villages)


def persons_to_choose(user: Any, text: str) -> list[Person]:
    """Who the desk may pick as the person complaining: active persons the user may see whose
    name or NIK matches what was typed."""
    if not text.strip():
        return []
    persons = matching_name_or_nik(persons_visible_to(user), text).order_by(LIST_ORDER, "pk")
    return list(persons[:SEARCH_LIMIT])


def person_to_choose(user: Any, pk: Any) -> Person | None:
    if not pk or not str(pk).isdigit():
        return None
    return persons_visible_to(user).filter(pk=int(pk)).first()


def appealable(user: Any, pk: Any) -> Complaint | None:
    if not pk or not str(pk).isdigit():
        return None
    return complaints_visible_to(user).filter(pk=int(pk)).first()


def assignable_users(complaint: Complaint) -> QuerySet[User]:
    """Who may be given the complaint: the Dinas roles that decide, and the operators of its
    own kelurahan (never another kelurahan's)."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(role__in=[Role.ADMIN, Role.VERIFIER])
            | Q(role=Role.OPERATOR, kelurahan_id=complaint.kelurahan_id)
        )
        .order_by("first_name", "username")
    )


def deadline_table() -> QuerySet[ComplaintDeadline]:
    return ComplaintDeadline.objects.select_related("recorded_by").order_by(
        "category", "-effective_on"
    )


def person_complaints(user: Any, person: Person) -> list[Complaint]:
    """The person's complaints the user may see, the latest first, for their page. The
    registry names this function in settings.RENTAN_PERSON_COMPLAINTS (it never imports this
    app); the caller found the person through the access door."""
    # The page shows each complaint's own fields and its cycle's year: the five related rows
    # the complaint list joins would cost more to plan and build than the rest of the query.
    complaints = complaints_visible_to(user).filter(person=person).select_related(None)
    return list(complaints.select_related("cycle").order_by("-received_on", "-id"))
