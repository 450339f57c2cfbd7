"""Reads over many records. Every list a user sees goes through accounts.access.

Person search (`search_persons`): a name is "contains, any case", which Django asks as
`UPPER(name) LIKE`; on PostgreSQL a pg_trgm GIN index over that expression answers it
(migration 0005, nothing on SQLite). Digits search the NIK from its start, a range on the
NIK's unique index; every list that searches people searches them so
(`matching_name_or_nik`). The list sorts by the name in lower case, then id (`SORT_KEY`),
read from the index of that expression (migration 0007). `bench/bench_load.py` times the
pages at a million persons."""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.db.models.lookups import Contains
from django.http import Http404
from django.utils import timezone

from rentan.accounts.access import get_scoped_or_404, kelurahan_scope, scope_to_user
from rentan.regions.models import Area, AreaLevel
from rentan.registry.change_requests import WHOLE_RECORD, conflicting_fields
from rentan.registry.job_names import JobNames, JobType
from rentan.registry.match_model import MatchModel, default_model
from rentan.registry.models import (
    LIST_ORDER,
    ChangeRequest,
    ChangeRequestKind,
    ChangeRequestQuerySet,
    ChangeRequestStatus,
    DesilRanking,
    DuplicatePair,
    DuplicateStatus,
    MatchWeights,
    Occupation,
    OccupationAlias,
    Person,
    PersonQuerySet,
)
from rentan.registry.validation import RegistryContext
from rentan.registry.verification import CheckOutcome, PersonFacts, check_for_verification


def programme_kelurahan() -> list[Area]:
    return list(Area.objects.villages_of(settings.RENTAN_REGION_CODE).select_related("parent"))


def registry_context(today: date | None = None) -> RegistryContext:
    district_names = dict(Area.objects.filter(level=AreaLevel.DISTRICT).values_list("code", "name"))
    return RegistryContext(
        today=today or timezone.localdate(),
        district_name=district_names.get,
        kelurahan_codes=frozenset(a.code for a in programme_kelurahan()),
        occupation_codes=frozenset(Occupation.objects.values_list("code", flat=True)),
    )


def job_names() -> JobNames:
    """Every job type with the other names it goes by: what a typed job is read against."""
    aliases: dict[int, list[str]] = {}
    for occupation_id, name in OccupationAlias.objects.order_by("name").values_list(
        "occupation_id", "name"
    ):
        aliases.setdefault(occupation_id, []).append(name)
    return JobNames(
        JobType(code, name, tuple(aliases.get(pk, ())))
        for pk, code, name in Occupation.objects.order_by("name").values_list("pk", "code", "name")
    )


Rows = TypeVar("Rows", bound=QuerySet[Any])

# The name the person list sorts and pages by (keyset), annotated on every list of persons.
SORT_KEY = "sort_name"


def persons_visible_to(user: Any) -> PersonQuerySet:
    queryset = Person.objects.select_related("kelurahan__parent", "occupation").annotate(
        **{SORT_KEY: LIST_ORDER}
    )
    return scope_to_user(user, queryset, kelurahan_field="kelurahan")  # type: ignore[return-value]


# What a table of persons shows of each row (registry/_person_rows.html, the cycle page's
# list of those not on it): a person carries some thirty columns, and making each row's
# model costs more than the database's part of the page.
LISTED_COLUMNS = (
    "name",
    "nik",
    "is_active",
    "verified_at",
    "kelurahan__name",
    "occupation__name",
)


def as_listed(persons: QuerySet[Person]) -> QuerySet[Person]:
    """The persons with the columns a table of them shows, their kelurahan and job named."""
    return (
        persons.select_related(None).select_related("kelurahan", "occupation").only(*LISTED_COLUMNS)
    )


def person_for(user: Any, pk: Any) -> Person:
    return get_scoped_or_404(
        user,
        Person.objects.select_related("kelurahan__parent", "occupation", "household"),
        kelurahan_field="kelurahan",
        pk=pk,
    )


def search_persons(
    queryset: PersonQuerySet,
    *,
    text: str = "",
    kecamatan_code: str = "",
    kelurahan_code: str = "",
    occupation_code: str = "",
    include_inactive: bool = False,
) -> PersonQuerySet:
    if not include_inactive:
        queryset = queryset.active()
    queryset = matching_name_or_nik(queryset, text)
    if kelurahan_code:
        queryset = queryset.filter(kelurahan_id=kelurahan_code)
    elif kecamatan_code:
        queryset = queryset.filter(kelurahan__parent_id=kecamatan_code)
    if occupation_code:
        queryset = queryset.filter(occupation__code=occupation_code)
    return queryset


def matching_name_or_nik(queryset: Rows, text: str, *, person: str = "") -> Rows:
    """The rows whose person matches what was typed in a search box: digits find the NIK
    from its start, words each appear in the name in any case. `person` is the path to the
    person from the queryset's rows ("person__" for placements, "" for persons), so every
    list searches people alike."""
    text = text.strip()
    if text.isdigit():
        # Digits search the NIK from its start, so a partial NIK still finds its owner
        # without letting anyone probe the middle digits of other people's numbers.
        return queryset.filter(**{f"{person}nik__startswith": text})
    for word in text.split():
        # LOWER(name) is the key of the list's sort index: a search that walks the list in
        # its order reads it there instead of computing it for every row passed over, and
        # the trigram index (PostgreSQL) is built on the same expression.
        queryset = queryset.filter(Contains(Lower(f"{person}name"), word.lower()))
    return queryset


def listed_persons(user: Any, filters: Mapping[str, Any] | None) -> PersonQuerySet:
    """The person list as its page shows it and its download holds it: the user's scope,
    narrowed by the search form's cleaned filters (None when the form is empty or invalid,
    which lists the active persons)."""
    persons = persons_visible_to(user)
    if filters is None:
        return persons.active()
    return search_persons(
        persons,
        text=filters["q"],
        kecamatan_code=filters["kecamatan"],
        kelurahan_code=filters["kelurahan"],
        occupation_code=filters["occupation"],
        include_inactive=filters["nonaktif"],
    )


def household_members(user: Any, person: Person) -> list[Person]:
    """The other members of the person's family card that the user may see."""
    if person.household_id is None:
        return []
    members = Person.objects.filter(household_id=person.household_id).exclude(pk=person.pk)
    return list(
        scope_to_user(
            user, members.select_related("occupation"), kelurahan_field="kelurahan"
        ).order_by(LIST_ORDER, "pk")
    )


def kk_registered_elsewhere(user: Any, kk_number: str, *, excluding: Person | None = None) -> bool:
    """Whether the family card has members outside the user's area. The user learns that much
    (the one-participant-per-family rule needs it), never who they are, where, or how many."""
    confined_to = kelurahan_scope(user)
    if confined_to is None or not kk_number:
        return False
    members = Person.objects.filter(household__kk_number=kk_number)
    if excluding is not None:
        members = members.exclude(pk=excluding.pk)
    if confined_to:
        members = members.exclude(kelurahan_id=confined_to)
    return members.exists()


def open_duplicate_pairs(user: Any) -> QuerySet[DuplicatePair]:
    """Pairs awaiting a decision, both persons visible to the user, the likeliest first."""
    # The scope on each side's kelurahan, not "id IN (persons visible)": for the Dinas roles
    # that subquery would be the whole registry, read on every page.
    pairs = scope_to_user(user, DuplicatePair.objects.open(), kelurahan_field="left__kelurahan")
    pairs = scope_to_user(user, pairs, kelurahan_field="right__kelurahan")
    return pairs.select_related(
        "left__kelurahan__parent",
        "left__occupation",
        "left__household",
        "right__kelurahan__parent",
        "right__occupation",
        "right__household",
    ).order_by("-is_exact", "-score", "id")


def latest_match_weights() -> MatchWeights | None:
    return MatchWeights.objects.select_related("estimated_by").first()


def current_match_model() -> MatchModel:
    """The weights the duplicate finder uses: the latest estimated from the registry, or
    the ones shipped with Rentan for a registry that has none yet."""
    latest = MatchWeights.objects.only("parameters").first()
    return MatchModel.from_json(latest.parameters) if latest else default_model()


def match_weights_outgrown() -> bool:
    """Whether the registry has grown past the weights its duplicate finder uses
    (`MatchModel.is_outgrown_by`)."""
    return current_match_model().is_outgrown_by(Person.objects.active().count())


# What the queue shows of each side of a pair (duplicate_list.html, nik_cells).
_PAIR_SIDE_COLUMNS = (
    "nik",
    "name",
    "birth_date",
    "street_address",
    "rt",
    "rw",
    "source",
    "source_detail",
    "kelurahan__name",
    "occupation__name",
    "household__kk_number",
)


def with_sides_read_apart(pairs: Iterable[DuplicatePair]) -> list[DuplicatePair]:
    """A page of pairs (read without their persons) with both sides' persons, and what the
    queue shows of them, read by one query of their own: one join of the pair with both
    persons and their five related rows each is eleven tables, whose plan alone cost
    PostgreSQL more than the rest of the queue's page."""
    pairs = list(pairs)
    persons = (
        Person.objects.select_related("kelurahan", "occupation", "household")
        .only(*_PAIR_SIDE_COLUMNS)
        .in_bulk({pk for pair in pairs for pk in (pair.left_id, pair.right_id)})
    )
    for pair in pairs:
        pair.left = persons[pair.left_id]
        pair.right = persons[pair.right_id]
    return pairs


def duplicate_pair_for(user: Any, pk: Any) -> DuplicatePair:
    try:
        return open_duplicate_pairs(user).get(pk=pk)
    except (DuplicatePair.DoesNotExist, ValueError) as missing:
        raise Http404 from missing


def verification_outcomes(person: Person, today: date | None = None) -> list[CheckOutcome]:
    """What "Verifikasi" checks on this person's record, each passed or not."""
    open_pairs = (
        DuplicatePair.objects.filter(status=DuplicateStatus.OPEN)
        .filter(Q(left_id=person.pk) | Q(right_id=person.pk))
        .count()
    )
    facts = PersonFacts(
        nik=person.nik,
        name=person.name,
        birth_date=person.birth_date,
        sex=person.sex,
        kelurahan_code=person.kelurahan_id or "",
        occupation_code=str(person.occupation_id or ""),
        open_duplicate_pairs=open_pairs,
    )
    return check_for_verification(facts, today=today or timezone.localdate())


def latest_desil(person: Person, *, on: date | None = None) -> DesilRanking | None:
    """The person's desil in force: the ranking of the latest date (up to `on`, when given),
    with its import (the source). The caller has found the person through the access door."""
    rankings = DesilRanking.objects.filter(person=person).select_related("source")
    if on is not None:
        rankings = rankings.filter(ranked_on__lte=on)
    return rankings.order_by("-ranked_on", "-id").first()


# --- change requests (usulan perubahan) ------------------------------------------------------


def change_requests_visible_to(user: Any) -> ChangeRequestQuerySet:
    """Requests on persons the user may see: an operator, those of their own kelurahan."""
    return scope_to_user(  # type: ignore[return-value]
        user,
        ChangeRequest.objects.select_related("person__kelurahan", "requested_by", "decided_by"),
        kelurahan_field="person__kelurahan",
    )


def change_request_for(user: Any, pk: Any) -> ChangeRequest:
    return get_scoped_or_404(
        user,
        ChangeRequest.objects.select_related(
            "person__kelurahan__parent",
            "person__household",
            "person__occupation",
            "requested_by",
            "decided_by",
        ),
        kelurahan_field="person__kelurahan",
        pk=pk,
    )


def pending_change_request_count(user: Any) -> int:
    """For the menu: the pending requests the user may see, and no others."""
    return change_requests_visible_to(user).pending().count()


def conflicts_among(requests: Iterable[ChangeRequest]) -> dict[int, list[tuple[int, list[str]]]]:
    """For each pending request, the other pending requests on its person that disagree
    with it (request id, the fields), read with one query for all of them."""
    wanted = [r for r in requests if r.status == ChangeRequestStatus.PENDING]
    if not wanted:
        return {}
    pending = ChangeRequest.objects.pending().filter(person_id__in={r.person_id for r in wanted})
    by_person: dict[int, list[ChangeRequest]] = {}
    for other in pending:
        by_person.setdefault(other.person_id, []).append(other)
    found: dict[int, list[tuple[int, list[str]]]] = {}
    for request in wanted:
        mine = _touched(request)
        for other in by_person.get(request.person_id, []):
            if other.pk == request.pk:
                continue
            fields = conflicting_fields(mine, _touched(other))
            if fields:
                found.setdefault(request.pk, []).append((other.pk, fields))
    return found


def _touched(request: ChangeRequest) -> dict[str, Any]:
    if request.kind == ChangeRequestKind.DEACTIVATION:
        return {WHOLE_RECORD: False}
    return dict(request.proposed)
