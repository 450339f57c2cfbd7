"""Reads for selection: the programme's settings as plain values, and a cycle's results.
The candidates of an allocation are loaded by `candidates.py`; one person's explanation is
`explanation.py`.

`selected_placements` is the one definition of who is on a list (the list now);
`placements_ever_selected` the list as approved, ended places and replacements included.
"""

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.module_loading import import_string

from rentan.programmes.lifecycle import APPROVED, CLOSED, RUNNING
from rentan.programmes.models import (
    Cycle,
    MinimumWage,
    OccupationDecision,
    Placement,
    PlacementKind,
    Programme,
    RateTable,
)
from rentan.programmes.premiums import RateRule, monthly_premium, rule_in_force
from rentan.programmes.vulnerable_jobs import Decision, vulnerable_on
from rentan.regions.models import Area
from rentan.registry.models import ROSTER_NAME_ORDER, Occupation

SELECTED_KINDS = (PlacementKind.CONTINUING, PlacementKind.NEW)
# A place on the list now: not ended (an ended place stays, with its date and reason).
NOT_ENDED = Q(ended_on__isnull=True)
# A place on the list as approved: not the replacement of a place that ended during the year.
AS_APPROVED = Q(replaces__isnull=True)
_APPROVED_STATUSES = (APPROVED, RUNNING, CLOSED)


def rate_rules() -> list[RateRule]:
    return [
        RateRule(
            r.effective_on, r.jkk_rate, r.minimum_declared_income, r.jkm_amount, r.discount_percent
        )
        for r in RateTable.objects.all()
    ]


def cycle_premium(cycle: Cycle, rules: list[RateRule] | None = None) -> int:
    """The monthly premium per person in force at the start of cover (raises NoRateInForce);
    `rules`: the rate tables already read, for a page of several cycles."""
    return monthly_premium(
        rule_in_force(rate_rules() if rules is None else rules, cycle.coverage_start_on),
        cycle.declared_income,
    )


def decisions_of(programme: Programme) -> list[Decision]:
    return _by_programme(OccupationDecision.objects.filter(programme=programme)).get(
        programme.pk, []
    )


def decisions_by_programme() -> dict[int, list[Decision]]:
    """Every programme's decisions on job types (a few dozen rows), for a page that judges a
    person in several cycles."""
    return _by_programme(OccupationDecision.objects.all())


def _by_programme(decisions: QuerySet[OccupationDecision]) -> dict[int, list[Decision]]:
    by_programme: dict[int, list[Decision]] = defaultdict(list)
    for programme_id, pk, code, action, effective_on in decisions.values_list(
        "programme_id", "pk", "occupation__code", "action", "effective_on"
    ):
        by_programme[programme_id].append(Decision(code, action, effective_on, pk))
    return by_programme


def vulnerable_occupations(programme: Programme, on: date) -> frozenset[str]:
    return vulnerable_on(decisions_of(programme), on)


def decision_history(programme: Programme) -> list[dict[str, Any]]:
    """Each decision with the size of the list it left in force (for the history page)."""
    decisions = decisions_of(programme)
    rows = []
    for record in OccupationDecision.objects.filter(programme=programme).select_related(
        "occupation", "recorded_by"
    ):
        rows.append(
            {
                "decision": record,
                "in_force": len(vulnerable_on(decisions, record.effective_on)),
            }
        )
    return rows


def minimum_wage(programme: Programme, year: int) -> int | None:
    return (
        MinimumWage.objects.filter(region=programme.region, year=year)
        .values_list("amount", flat=True)
        .first()
    )


def previous_cycle(cycle: Cycle, siblings: Iterable[Cycle] | None = None) -> Cycle | None:
    """The programme's latest approved cycle of an earlier year, whose list continues into
    this one. `siblings`: the programme's cycles, when already read."""
    if siblings is None:
        # Without the model's ordering, which joins the programme to sort.
        siblings = Cycle.objects.filter(programme_id=cycle.programme_id).order_by()
    earlier = [
        other
        for other in siblings
        if other.programme_id == cycle.programme_id
        and other.year < cycle.year
        and other.status in _APPROVED_STATUSES
    ]
    return max(earlier, key=lambda other: other.year, default=None)


def selected_placements(cycle: Cycle | int) -> QuerySet[Placement]:
    """The people on a cycle's list (continuing and new), their place not ended."""
    return selected_placements_of([cycle])


def selected_placements_of(cycles: Iterable[Cycle | int]) -> QuerySet[Placement]:
    """The people on the lists of these cycles: the one definition of who is on a list."""
    return Placement.objects.filter(NOT_ENDED, cycle__in=list(cycles), kind__in=SELECTED_KINDS)


def cycle_placements(cycle: Cycle, kind: str) -> QuerySet[Placement]:
    """A cycle's list by rank, as its page shows it and its download holds it: one kind of
    place when the page names a known one."""
    placements = (
        Placement.objects.filter(cycle=cycle)
        .select_related("person", "person__occupation", "kelurahan")
        .order_by("rank")
    )
    return placements.filter(kind=kind) if kind in PlacementKind.values else placements


def persons_not_listed(cycle: Cycle, persons: QuerySet[Any]) -> QuerySet[Any]:
    """Those of `persons` (already scoped to the user) with no place on the cycle's list: an
    anti-join on the (person, cycle) key, one probe per person read."""
    return persons.filter(~Exists(Placement.objects.filter(cycle=cycle, person_id=OuterRef("pk"))))


def placement_counts(cycle: Cycle) -> Counter[str]:
    """Places not ended, per kind: the list now."""
    return placement_tallies(cycle)[0]


def placement_tallies(cycle: Cycle) -> tuple[Counter[str], Counter[str]]:
    """Per kind, in one pass over the cycle's places: the list now (places not ended) and the
    list as approved (ended places in, their replacements out, as `placements_ever_selected`
    less `replaces`). Replacements during the year change the first, never the second."""
    return placement_tallies_of([cycle])[cycle.pk]


def placement_tallies_of(
    cycles: Collection[Cycle],
) -> dict[int, tuple[Counter[str], Counter[str]]]:
    """`placement_tallies` of several cycles (a programme's years) in one query, by cycle id."""
    tallies: dict[int, tuple[Counter[str], Counter[str]]] = {
        cycle.pk: (Counter(), Counter()) for cycle in cycles
    }
    # Without the model's ordering (by cycle), which would join the cycle and its programme
    # into a count that needs neither.
    for cycle_id, kind, open_places, first_places in (
        Placement.objects.filter(cycle_id__in=list(tallies))
        .values_list("cycle_id", "kind")
        .annotate(
            open_places=Count("id", filter=NOT_ENDED),
            first_places=Count("id", filter=AS_APPROVED),
        )
        .order_by()
    ):
        now, as_approved = tallies[cycle_id]
        now[kind], as_approved[kind] = open_places, first_places
    return {pk: (+now, +as_approved) for pk, (now, as_approved) in tallies.items()}


def placements_ever_selected(cycle: Cycle) -> QuerySet[Placement]:
    """Every place on a cycle's list, as approved and since: ended places and their
    replacements included (a replacement is the waiting place that took over, `replaces`
    naming the ended one)."""
    return Placement.objects.filter(cycle=cycle, kind__in=SELECTED_KINDS)


def approved_participant_count(cycle: Cycle, counts: Counter[str] | None = None) -> int:
    """People on the approved list of a cycle (continuing + new, not ended); 0 before approval.
    `counts`: the cycle's placement_counts, when already read."""
    if cycle.status not in _APPROVED_STATUSES:
        return 0
    if counts is None:
        return selected_placements(cycle).count()
    return sum(counts.get(kind, 0) for kind in SELECTED_KINDS)


def active_participant_count(cycle: Cycle) -> int:
    """The realisation figure "aktif": members active with BPJS Ketenagakerjaan in the cycle."""
    return active_participant_counts([cycle])[cycle.pk]


def active_participant_counts(cycles: Collection[Cycle]) -> dict[int, int]:
    """`active_participant_count` of several cycles, by cycle id.

    Memberships belong to the enrollment app, which depends on this one; the counting function
    (cycles to counts by id) is named in settings.RENTAN_ACTIVE_MEMBER_COUNTS so that
    programmes never imports it. Without that setting (programmes used alone) the approved
    count stands in.
    """
    counter = getattr(settings, "RENTAN_ACTIVE_MEMBER_COUNTS", "")
    if not counter:
        return {cycle.pk: approved_participant_count(cycle) for cycle in cycles}
    counts: dict[int, int] = import_string(counter)(cycles)
    return {cycle.pk: counts.get(cycle.pk, 0) for cycle in cycles}


def programme_cycles_overview(programme: Programme) -> list[dict[str, Any]]:
    """Per cycle: target, allocated, approved, active; budget used against the ceiling. The
    figures of all the programme's years are read together: the page costs the same queries
    in its tenth year as in its first."""
    rows = []
    rates = rate_rules()
    cycles = list(programme.cycles.order_by("year"))
    tallies = placement_tallies_of(cycles)
    active = active_participant_counts(cycles)
    for cycle in cycles:
        counts, as_approved = tallies[cycle.pk]
        selected = counts.get(PlacementKind.CONTINUING, 0) + counts.get(PlacementKind.NEW, 0)
        try:
            premium = cycle_premium(cycle, rates)
        except LookupError:
            premium = 0
        approved = approved_participant_count(cycle, counts)
        rows.append(
            {
                "cycle": cycle,
                "approved_continuing": as_approved.get(PlacementKind.CONTINUING, 0),
                "approved_new": as_approved.get(PlacementKind.NEW, 0),
                "allocated": selected,
                "continuing": counts.get(PlacementKind.CONTINUING, 0),
                "new": counts.get(PlacementKind.NEW, 0),
                "waiting": counts.get(PlacementKind.WAITING, 0),
                "approved": approved,
                "active": active[cycle.pk],
                "premium": premium,
                "budget_used": selected * premium * cycle.coverage_months,
            }
        )
    return rows


Spread = dict[str, list[tuple[str, str, int]]]


def selected_spreads(cycles: Collection[Cycle]) -> dict[int, Spread]:
    """Per cycle, its selected people by job type and by kecamatan/kelurahan (names, counts),
    the years of a programme counted together."""
    # Counted by id, named afterwards: a join per place to the names (and the kelurahan's to
    # its kecamatan) costs more than the counting.
    selected = selected_placements_of(cycles).order_by()
    jobs: dict[int, dict[int, int]] = defaultdict(dict)
    for cycle_id, job, n in (
        selected.values_list("cycle_id", "person__occupation_id").annotate(n=Count("id")).order_by()
    ):
        jobs[cycle_id][job] = n
    areas: dict[int, dict[str, int]] = defaultdict(dict)
    for cycle_id, code, n in (
        selected.values_list("cycle_id", "kelurahan_id").annotate(n=Count("id")).order_by()
    ):
        areas[cycle_id][code] = n
    job_names = dict(
        Occupation.objects.filter(
            pk__in={job for counts in jobs.values() for job in counts}
        ).values_list("pk", "name")
    )
    area_names = {
        code: (kecamatan or "", kelurahan)
        for code, kelurahan, kecamatan in Area.objects.filter(
            code__in={code for counts in areas.values() for code in counts}
        ).values_list("code", "name", "parent__name")
    }
    return {
        cycle.pk: {
            "job": sorted(
                (("", job_names[pk], n) for pk, n in jobs[cycle.pk].items()),
                key=lambda row: (-row[2], row[1]),
            ),
            "area": sorted((*area_names[code], n) for code, n in areas[cycle.pk].items()),
        }
        for cycle in cycles
    }


def lampiran_rows(cycle: Cycle) -> list[dict[str, Any]]:
    """The approved list as attached to the decree: by kecamatan, kelurahan and name."""
    return [
        {
            "person_id": person_id,
            "nik": nik,
            "name": name,
            "birth_date": born,
            "sex": sex,
            "kecamatan": kecamatan,
            "kelurahan": kelurahan,
            "occupation": occupation,
            "kind": PlacementKind(kind).label,
        }
        for person_id, nik, name, born, sex, kecamatan, kelurahan, occupation, kind in (
            selected_placements(cycle)
            .order_by(
                "kelurahan__parent__name", "kelurahan__name", ROSTER_NAME_ORDER, "person__nik"
            )
            .values_list(
                "person_id",
                "person__nik",
                "person__name",
                "person__birth_date",
                "person__sex",
                "kelurahan__parent__name",
                "kelurahan__name",
                "person__occupation__name",
                "kind",
            )
        )
    ]


def area_names(programme: Programme) -> dict[str, tuple[str, str]]:
    """kelurahan code -> (kecamatan name, kelurahan name)."""
    return {
        code: (kecamatan or "", name)
        for code, name, kecamatan in Area.objects.villages_of(programme.region_id).values_list(
            "code", "name", "parent__name"
        )
    }
