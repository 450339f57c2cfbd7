"""Reads for selection: the programme's settings as plain values, and a cycle's results.
The candidates of an allocation are loaded by `candidates.py`; one person's explanation is
`explanation.py`.

`selected_placements` is the one definition of who is on a list (the list now);
`placements_ever_selected` the list as approved, ended places and replacements included.
"""

from collections import Counter
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, QuerySet
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

SELECTED_KINDS = (PlacementKind.CONTINUING, PlacementKind.NEW)
_APPROVED_STATUSES = (APPROVED, RUNNING, CLOSED)


def rate_rules() -> list[RateRule]:
    return [
        RateRule(
            r.effective_on, r.jkk_rate, r.minimum_declared_income, r.jkm_amount, r.discount_percent
        )
        for r in RateTable.objects.all()
    ]


def cycle_premium(cycle: Cycle) -> int:
    """The monthly premium per person in force at the start of cover (raises NoRateInForce)."""
    return monthly_premium(
        rule_in_force(rate_rules(), cycle.coverage_start_on), cycle.declared_income
    )


def decisions_of(programme: Programme) -> list[Decision]:
    return [
        Decision(code, action, effective_on, pk)
        for pk, code, action, effective_on in OccupationDecision.objects.filter(
            programme=programme
        ).values_list("pk", "occupation__code", "action", "effective_on")
    ]


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


def previous_cycle(cycle: Cycle) -> Cycle | None:
    return (
        Cycle.objects.filter(
            programme_id=cycle.programme_id, year__lt=cycle.year, status__in=_APPROVED_STATUSES
        )
        .order_by("-year")
        .first()
    )


def selected_placements(cycle: Cycle | int) -> QuerySet[Placement]:
    """The people on a cycle's list (continuing and new), their place not ended."""
    return Placement.objects.filter(cycle=cycle, kind__in=SELECTED_KINDS, ended_on__isnull=True)


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
    # Without the model's ordering (by cycle), which would join the cycle and its programme
    # into a count that needs neither.
    return Counter(
        dict(
            Placement.objects.filter(cycle=cycle, ended_on__isnull=True)
            .values_list("kind")
            .annotate(n=Count("id"))
            .order_by()
        )
    )


def placements_ever_selected(cycle: Cycle) -> QuerySet[Placement]:
    """Every place on a cycle's list, as approved and since: ended places and their
    replacements included (a replacement is the waiting place that took over, `replaces`
    naming the ended one)."""
    return Placement.objects.filter(cycle=cycle, kind__in=SELECTED_KINDS)


def approved_participant_count(cycle: Cycle) -> int:
    """People on the approved list of a cycle (continuing + new, not ended); 0 before approval."""
    if cycle.status not in _APPROVED_STATUSES:
        return 0
    return selected_placements(cycle).count()


def active_participant_count(cycle: Cycle) -> int:
    """The realisation figure "aktif": members active with BPJS Ketenagakerjaan in the cycle.

    Memberships belong to the enrollment app, which depends on this one; the counting function
    is named in settings.RENTAN_ACTIVE_MEMBER_COUNT so that programmes never imports it.
    Without that setting (programmes used alone) the approved count stands in.
    """
    counter = getattr(settings, "RENTAN_ACTIVE_MEMBER_COUNT", "")
    if not counter:
        return approved_participant_count(cycle)
    return int(import_string(counter)(cycle))


def programme_cycles_overview(programme: Programme) -> list[dict[str, Any]]:
    """Per cycle: target, allocated, approved, active; budget used against the ceiling."""
    rows = []
    for cycle in programme.cycles.order_by("year"):
        counts = placement_counts(cycle)
        selected = counts.get(PlacementKind.CONTINUING, 0) + counts.get(PlacementKind.NEW, 0)
        try:
            premium = cycle_premium(cycle)
        except LookupError:
            premium = 0
        approved = approved_participant_count(cycle)
        # The list as approved (ended places in, their replacements out) beside the list now:
        # replacements during the year change the second, never the first.
        as_approved = Counter(
            dict(
                placements_ever_selected(cycle)
                .filter(replaces__isnull=True)
                .values_list("kind")
                .annotate(n=Count("id"))
                .order_by()
            )
        )
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
                "active": active_participant_count(cycle),
                "premium": premium,
                "budget_used": selected * premium * cycle.coverage_months,
            }
        )
    return rows


def selected_spread(cycle: Cycle) -> dict[str, list[tuple[str, str, int]]]:
    """Selected people by job type and by kecamatan/kelurahan (names, counts)."""
    selected = selected_placements(cycle)
    by_job = [
        ("", name, n)
        for name, n in selected.values_list("person__occupation__name")
        .annotate(n=Count("id"))
        .order_by("-n", "person__occupation__name")
    ]
    by_area = [
        (kecamatan, kelurahan, n)
        for kecamatan, kelurahan, n in selected.values_list(
            "kelurahan__parent__name", "kelurahan__name"
        )
        .annotate(n=Count("id"))
        .order_by("kelurahan__parent__name", "kelurahan__name")
    ]
    return {"job": by_job, "area": by_area}


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
            .order_by("kelurahan__parent__name", "kelurahan__name", "person__name", "person__nik")
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
