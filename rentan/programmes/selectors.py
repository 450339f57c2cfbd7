"""Reads for selection: the inputs of an allocation as plain values, and its results.

Loading is built for a million people: one values_list over persons, ids mapped to codes in
Python, no per-person query.
"""

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count
from django.utils import timezone

from rentan.programmes.allocation import AllocationParams, QuotaBasis, one_per_household
from rentan.programmes.eligibility import Candidate, CycleContext, RuleSet, parse_rules
from rentan.programmes.lifecycle import ALLOCATED, APPROVED, CLOSED, RUNNING
from rentan.programmes.models import (
    Cycle,
    ExcludedNik,
    MinimumWage,
    OccupationDecision,
    Placement,
    PlacementKind,
    Programme,
    RateTable,
)
from rentan.programmes.premiums import RateRule, monthly_premium, rule_in_force
from rentan.programmes.scoring import ScoreWeights, parse_weights
from rentan.programmes.vulnerable_jobs import Decision, vulnerable_on
from rentan.regions.models import Area
from rentan.registry.models import Occupation, Person

SELECTED_KINDS = (PlacementKind.CONTINUING, PlacementKind.NEW)
_HOLDING_STATUSES = (ALLOCATED, APPROVED, RUNNING, CLOSED)
_APPROVED_STATUSES = (APPROVED, RUNNING, CLOSED)


def rate_rules() -> list[RateRule]:
    return [
        RateRule(r.effective_on, r.jkk_rate, r.minimum_declared_income, r.jkm_amount,
                 r.discount_percent)
        for r in RateTable.objects.all()
    ]


def cycle_premium(cycle: Cycle) -> int:
    """The monthly premium per person in force at the start of cover (raises NoRateInForce)."""
    return monthly_premium(rule_in_force(rate_rules(), cycle.coverage_start_on),
                           cycle.declared_income)


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


def _overlapping_cycle_ids(cycle: Cycle, previous: Cycle | None) -> list[int]:
    ids = []
    for other in Cycle.objects.filter(
        programme_id=cycle.programme_id, status__in=_HOLDING_STATUSES
    ).exclude(pk=cycle.pk):
        if previous is not None and other.pk == previous.pk:
            continue
        if other.coverage_start_on <= cycle.coverage_end_on and (
            cycle.coverage_start_on <= other.coverage_end_on
        ):
            ids.append(other.pk)
    return ids


@dataclass(frozen=True)
class Overrides:
    """What a what-if changes; None keeps the cycle's own value."""

    target: int | None = None
    budget_ceiling: int | None = None
    weights: Mapping[str, Any] | None = None
    quota_basis: str | None = None


@dataclass
class AllocationInputs:
    ctx: CycleContext
    rules: RuleSet
    weights: ScoreWeights
    minimum_wage: int | None
    params: AllocationParams
    previous: Cycle | None


def kelurahan_weights(programme: Programme, basis: str) -> dict[str, int] | None:
    if basis == QuotaBasis.POPULATION:
        return {
            code: population or 0
            for code, population in Area.objects.villages_of(programme.region_id).values_list(
                "code", "population"
            )
        }
    if basis == QuotaBasis.WORKERS:
        weights = dict.fromkeys(
            Area.objects.villages_of(programme.region_id).values_list("code", flat=True), 0
        )
        for code, count in (
            Person.objects.filter(is_active=True, kelurahan_id__in=list(weights))
            .values_list("kelurahan_id")
            .annotate(n=Count("id"))
        ):
            weights[code] = count
        return weights
    return None


def allocation_inputs(cycle: Cycle, overrides: Overrides | None = None) -> AllocationInputs:
    """Everything but the candidates. Raises NoRateInForce, RulesInvalid or WeightsInvalid."""
    overrides = overrides or Overrides()
    programme = cycle.programme
    rules = parse_rules(programme.eligibility_rules)
    weights = parse_weights(
        overrides.weights if overrides.weights is not None else programme.score_weights
    )
    ctx = CycleContext(
        region_code=programme.region_id,
        coverage_start_on=cycle.coverage_start_on,
        verification_cutoff_on=cycle.cutoff_on,
        vulnerable_occupations=vulnerable_occupations(programme, cycle.coverage_start_on),
        occupation_names=dict(Occupation.objects.values_list("code", "name")),
    )
    basis = overrides.quota_basis or cycle.quota_basis
    params = AllocationParams(
        target=overrides.target if overrides.target is not None else cycle.target,
        budget_ceiling=(
            overrides.budget_ceiling
            if overrides.budget_ceiling is not None
            else cycle.budget_ceiling
        ),
        coverage_months=cycle.coverage_months,
        monthly_premium=cycle_premium(cycle),
        one_per_household=one_per_household(rules),
        kelurahan_weights=kelurahan_weights(programme, basis),
    )
    return AllocationInputs(
        ctx=ctx,
        rules=rules,
        weights=weights,
        minimum_wage=minimum_wage(programme, cycle.coverage_start_on.year),
        params=params,
        previous=previous_cycle(cycle),
    )


def _local_offset() -> timedelta:
    # Indonesia's three time zones keep no daylight saving, so one offset converts every
    # stored UTC moment to its local day.
    offset = timezone.get_current_timezone().utcoffset(datetime(2000, 1, 1))
    return offset or timedelta(0)


def load_candidates(cycle: Cycle, previous: Cycle | None, person_ids: Any = None) -> list[Candidate]:
    """Every person of the registry as a Candidate for this cycle (or only `person_ids`)."""
    programme_id = cycle.programme_id
    occupations = dict(Occupation.objects.values_list("id", "code"))
    lists: dict[str, set[str]] = defaultdict(set)
    for nik, kind in ExcludedNik.objects.filter(programme_id=programme_id).values_list(
        "nik", "list_kind"
    ):
        lists[nik].add(kind)
    frozen_lists = {nik: frozenset(kinds) for nik, kinds in lists.items()}
    previous_ids: set[int] = set()
    if previous is not None:
        previous_ids = set(
            Placement.objects.filter(
                cycle=previous, kind__in=SELECTED_KINDS, ended_on__isnull=True
            ).values_list("person_id", flat=True)
        )
    covered_ids = set(
        Placement.objects.filter(
            cycle_id__in=_overlapping_cycle_ids(cycle, previous),
            kind__in=SELECTED_KINDS,
            ended_on__isnull=True,
        ).values_list("person_id", flat=True)
    )
    covered_households = set(
        Person.objects.filter(pk__in=covered_ids, household__isnull=False).values_list(
            "household_id", flat=True
        )
    ) if covered_ids else set()
    persons = Person.objects.all()
    if person_ids is not None:
        persons = persons.filter(pk__in=person_ids)
    rows = persons.values_list(
        "id",
        "nik",
        "name",
        "birth_date",
        "sex",
        "kelurahan_id",
        "occupation_id",
        "household_id",
        "verified_at",
        "is_active",
        "monthly_income",
        "dependents",
        "has_disability",
    ).order_by()
    rows = list(rows)
    households_with_man = {
        row[7] for row in rows if row[4] == "L" and row[7] is not None and row[9]
    }
    if person_ids is not None:
        households = {row[7] for row in rows if row[7] is not None}
        households_with_man = set(
            Person.objects.filter(household_id__in=households, sex="L", is_active=True)
            .values_list("household_id", flat=True)
        )
    offset = _local_offset()
    empty: frozenset[str] = frozenset()
    candidates = []
    for pk, nik, name, born, sex, kel, occ, hh, verified_at, active, income, deps, dis in rows:
        candidates.append(
            Candidate(
                pk,
                nik,
                name,
                born,
                sex,
                kel,
                occupations[occ],
                hh,
                (verified_at + offset).date() if verified_at is not None else None,
                active,
                income,
                deps,
                dis,
                hh in households_with_man,
                frozen_lists.get(nik, empty),
                pk in covered_ids,
                hh is not None and hh in covered_households and pk not in covered_ids,
                pk in previous_ids,
            )
        )
    return candidates


def placement_counts(cycle: Cycle) -> Counter[str]:
    return Counter(
        dict(
            Placement.objects.filter(cycle=cycle, ended_on__isnull=True)
            .values_list("kind")
            .annotate(n=Count("id"))
        )
    )


def approved_participant_count(cycle: Cycle) -> int:
    """People on the approved list of a cycle (continuing + new, not ended); 0 before approval."""
    if cycle.status not in _APPROVED_STATUSES:
        return 0
    return Placement.objects.filter(
        cycle=cycle, kind__in=SELECTED_KINDS, ended_on__isnull=True
    ).count()
