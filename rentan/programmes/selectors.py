"""Reads for selection: the inputs of an allocation as plain values, and its results.

Loading is built for a million people: one values_list over persons, ids mapped to codes in
Python, no per-person query.
"""

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from rentan.programmes.allocation import AllocationParams, QuotaBasis, one_per_household
from rentan.programmes.eligibility import (
    Candidate,
    CycleContext,
    Reason,
    RuleCode,
    RuleSet,
    evaluate,
    latest_birth_date,
    leading_row_rules,
    parse_rules,
)
from rentan.programmes.lifecycle import ALLOCATED, APPROVED, CLOSED, DRAFT, RUNNING
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
from rentan.programmes.scoring import ScoreWeights, explain_score, parse_weights
from rentan.programmes.vulnerable_jobs import Decision, vulnerable_on
from rentan.regions.models import Area
from rentan.registry.models import Occupation, Person

SELECTED_KINDS = (PlacementKind.CONTINUING, PlacementKind.NEW)
_HOLDING_STATUSES = (ALLOCATED, APPROVED, RUNNING, CLOSED)
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


def load_candidates(
    cycle: Cycle, previous: Cycle | None, person_ids: Any = None
) -> list[Candidate]:
    """Every person of the registry as a Candidate for this cycle (or only `person_ids`)."""
    where, params = "", []
    if person_ids is not None:
        ids = [int(pk) for pk in person_ids]
        where = f"p.id IN ({', '.join(['%s'] * len(ids))})" if ids else "1 = 0"
        params = ids
    return _load(cycle, previous, where, params, few=person_ids is not None)


@dataclass
class Prefiltered:
    """The people the database could not already refuse, and the count of those it did."""

    candidates: list[Candidate]
    ineligible: Counter[str]  # Reason value -> people refused by a rule judged in SQL
    rules_left: RuleSet  # the rules still to run on the candidates, in Python


def row_rules_sql(
    ctx: CycleContext, rules: RuleSet, codes: tuple[RuleCode, ...]
) -> tuple[str, list[Any]]:
    """A CASE giving, for a person row, the reason of the first of `codes` it fails (or NULL).

    The translation of the check_* functions of eligibility.py for the rules that only look
    at the person's own columns; test_prefilter holds it to them, person by person.
    """
    ops = connection.ops
    arms: list[tuple[str, Reason]] = []
    params: list[Any] = []
    for code in codes:
        if code == RuleCode.ACTIVE:
            arms.append(("NOT is_active", Reason.INACTIVE))
        elif code == RuleCode.VERIFIED:
            # Verified on a local day up to the cut-off: before the next local midnight.
            bound = (
                datetime.combine(
                    ctx.verification_cutoff_on + timedelta(days=1), time.min, tzinfo=UTC
                )
                - _local_offset()
            )
            arms.append(("verified_at IS NULL OR verified_at >= %s", Reason.NOT_VERIFIED))
            params.append(ops.adapt_datetimefield_value(bound))
        elif code == RuleCode.REGION:
            prefix = ctx.region_code + "."
            arms.append(("substr(kelurahan_id, 1, %s) <> %s", Reason.OUTSIDE_REGION))
            params += [len(prefix), prefix]
        elif code == RuleCode.AGE:
            youngest = latest_birth_date(ctx.coverage_start_on, rules.age.minimum)
            if youngest is None:
                arms.append(("1 = 1", Reason.TOO_YOUNG))
            else:
                arms.append(("birth_date > %s", Reason.TOO_YOUNG))
                params.append(ops.adapt_datefield_value(youngest))
            too_old = latest_birth_date(ctx.coverage_start_on, rules.age.maximum + 1)
            if too_old is not None:
                arms.append(("birth_date <= %s", Reason.TOO_OLD))
                params.append(ops.adapt_datefield_value(too_old))
        elif code == RuleCode.VULNERABLE_JOB:
            ids = sorted(
                Occupation.objects.filter(code__in=ctx.vulnerable_occupations).values_list(
                    "id", flat=True
                )
            )
            if ids:
                arms.append(
                    (
                        f"occupation_id NOT IN ({', '.join(['%s'] * len(ids))})",
                        Reason.JOB_NOT_VULNERABLE,
                    )
                )
                params += ids
            else:
                arms.append(("1 = 1", Reason.JOB_NOT_VULNERABLE))
        else:
            raise ValueError(f"{code} is not judged from the person row")
    if not arms:
        return "NULL", []
    sql = "CASE " + " ".join(
        f"WHEN {condition} THEN '{reason.value}'" for condition, reason in arms
    )
    return sql + " END", params


def load_eligible_candidates(cycle: Cycle, inputs: AllocationInputs) -> Prefiltered:
    """The allocation's candidates: the rules on the person's own row are judged in SQL.

    For a million people most are refused by those cheap rules (inactive, not verified in
    time, outside the region, age, job type); the database counts them by reason and only
    the others become Candidates for the remaining rules.
    """
    codes = leading_row_rules(inputs.rules)
    case_sql, params = row_rules_sql(inputs.ctx, inputs.rules, codes)
    ineligible: Counter[str] = Counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT reason, COUNT(*) FROM (SELECT {case_sql} AS reason "
            f"FROM {Person._meta.db_table}) judged WHERE reason IS NOT NULL GROUP BY reason",
            params,
        )
        for reason, count in cursor.fetchall():
            ineligible[Reason(reason)] = count
    candidates = _load(cycle, inputs.previous, f"({case_sql}) IS NULL", params)
    rules_left = replace(
        inputs.rules, codes=tuple(code for code in inputs.rules.codes if code not in codes)
    )
    return Prefiltered(candidates, ineligible, rules_left)


def _load(
    cycle: Cycle,
    previous: Cycle | None,
    where: str,
    params: list[Any],
    *,
    few: bool = False,
) -> list[Candidate]:
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
    covered_households = (
        set(
            Person.objects.filter(pk__in=covered_ids, household__isnull=False).values_list(
                "household_id", flat=True
            )
        )
        if covered_ids
        else set()
    )
    offset = _local_offset()
    # PostgreSQL gives the local day of verification itself: reading a million timestamps
    # with time zone through Django's loader costs more than all the rules together.
    verified, select_params = "verified_at", []
    if connection.vendor == "postgresql":
        verified, select_params = "((verified_at AT TIME ZONE 'UTC') + %s)::date", [offset]
    table = Person._meta.db_table
    # Whether an active man is registered on the person's KK, asked of the database: for
    # everyone, one hash join with the households that have one; for a few, a lookup each.
    men = (
        f"SELECT 1 FROM {table} m "
        "WHERE m.household_id = p.household_id AND m.sex = 'L' AND m.is_active"
    )
    has_man, join = f"EXISTS ({men})", ""
    if not few:
        has_man = "men.household_id IS NOT NULL"
        join = (
            f" LEFT JOIN (SELECT DISTINCT household_id FROM {table} WHERE sex = 'L' AND is_active "
            "AND household_id IS NOT NULL) men ON men.household_id = p.household_id"
        )
    sql = (
        "SELECT p.id, nik, name, birth_date, sex, kelurahan_id, occupation_id, p.household_id, "
        f"{verified}, is_active, monthly_income, dependents, has_disability, {has_man} "
        f"FROM {table} p{join}"
    )
    if where:
        sql += f" WHERE {where}"
    empty: frozenset[str] = frozenset()
    candidates: list[Candidate] = []
    append = candidates.append
    no_lists = frozen_lists.get
    with connection.cursor() as cursor:
        if not few and connection.vendor == "postgresql":
            # Statistics of a person table just filled in bulk (an import, the demo) may still
            # describe it nearly empty, and with them the planner re-reads the households of
            # every man once per person (minutes at 45,000). PostgreSQL's advice after bulk
            # loads: ANALYZE (a sample; well under a second at a million rows).
            cursor.execute(f"ANALYZE {table}")
        for (
            pk,
            nik,
            name,
            born,
            sex,
            kel,
            occ,
            hh,
            verified_at,
            active,
            income,
            deps,
            dis,
            man,
        ) in _rows(cursor, sql, select_params + params):
            if isinstance(verified_at, str):
                verified_at = datetime.fromisoformat(verified_at)
            if isinstance(verified_at, datetime):
                verified_on = (verified_at + offset).date()
            else:
                verified_on = verified_at  # a date already, or None
            append(
                Candidate(
                    pk,
                    nik,
                    name,
                    date.fromisoformat(born) if isinstance(born, str) else born,
                    sex,
                    kel,
                    occupations[occ],
                    hh,
                    verified_on,
                    bool(active),
                    income,
                    deps,
                    bool(dis),
                    bool(man),
                    no_lists(nik, empty),
                    pk in covered_ids,
                    hh is not None and hh in covered_households and pk not in covered_ids,
                    pk in previous_ids,
                )
            )
    return candidates


def _rows(cursor: Any, sql: str, params: list[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of a large query. PostgreSQL streams them in chunks while the query still
    runs, so that candidates are built from the first rows while the server finds the rest."""
    if connection.vendor == "postgresql":
        yield from cursor.cursor.stream(sql, params, size=10_000)
        return
    cursor.execute(sql, params)
    while rows := cursor.fetchmany(20_000):
        yield from rows


def placement_counts(cycle: Cycle) -> Counter[str]:
    return Counter(
        dict(
            Placement.objects.filter(cycle=cycle, ended_on__isnull=True)
            .values_list("kind")
            .annotate(n=Count("id"))
        )
    )


def selected_placements(cycle: Cycle) -> QuerySet[Placement]:
    """Every place on a cycle's list, as approved and since: ended places and their
    replacements included (a replacement is the waiting place that took over, `replaces`
    naming the ended one)."""
    return Placement.objects.filter(cycle=cycle, kind__in=SELECTED_KINDS)


def approved_participant_count(cycle: Cycle) -> int:
    """People on the approved list of a cycle (continuing + new, not ended); 0 before approval."""
    if cycle.status not in _APPROVED_STATUSES:
        return 0
    return Placement.objects.filter(
        cycle=cycle, kind__in=SELECTED_KINDS, ended_on__isnull=True
    ).count()


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
                selected_placements(cycle)
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
    selected = Placement.objects.filter(cycle=cycle, kind__in=SELECTED_KINDS, ended_on__isnull=True)
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
            Placement.objects.filter(cycle=cycle, kind__in=SELECTED_KINDS, ended_on__isnull=True)
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


def explain_person(cycle: Cycle, person: Person) -> dict[str, Any]:
    """Every rule's outcome, the score and its parts, the rank, and why in or out."""
    inputs = allocation_inputs(cycle)
    candidate = load_candidates(cycle, inputs.previous, person_ids=[person.pk])[0]
    outcomes = evaluate(candidate, inputs.ctx, inputs.rules)
    eligible = all(o.passed for o in outcomes)
    score_lines = explain_score(
        candidate, inputs.weights, minimum_wage=inputs.minimum_wage, on=cycle.coverage_start_on
    )
    placement = Placement.objects.filter(cycle=cycle, person=person).first()
    counts = placement_counts(cycle)
    selected = counts.get(PlacementKind.CONTINUING, 0) + counts.get(PlacementKind.NEW, 0)
    peer = None
    if placement is None and person.household_id is not None:
        peer = (
            Placement.objects.filter(cycle=cycle, person__household_id=person.household_id)
            .exclude(person=person)
            .select_related("person")
            .first()
        )
    if placement is not None and placement.kind == PlacementKind.CONTINUING:
        verdict = (
            f"Masuk daftar sebagai peserta lanjutan dari periode sebelumnya "
            f"(peringkat {placement.rank} dari {selected} terpilih)."
        )
    elif placement is not None and placement.kind == PlacementKind.NEW:
        verdict = (
            f"Masuk kuota sebagai peserta baru: peringkat {placement.rank} dari {selected} "
            f"tempat (target dan pagu)."
        )
    elif placement is not None:
        verdict = (
            f"Memenuhi syarat tetapi di luar kuota: peringkat {placement.rank}, sedangkan "
            f"tempat terisi sampai peringkat {selected}. Masuk daftar cadangan untuk penggantian."
        )
    elif cycle.status == DRAFT:
        verdict = "Periode ini belum dialokasikan."
    elif not eligible:
        verdict = "Tidak masuk daftar karena tidak memenuhi syarat (lihat aturan yang gagal)."
    elif peer is not None:
        verdict = (
            f"Memenuhi syarat, tetapi anggota KK yang sama ({peer.person.masked_nik}) "
            f"berperingkat lebih tinggi ({peer.rank}); satu KK satu peserta."
        )
    else:
        verdict = (
            "Memenuhi syarat menurut data saat ini, tetapi tidak ada dalam daftar: data berubah "
            "setelah alokasi."
        )
    return {
        "candidate": candidate,
        "outcomes": outcomes,
        "eligible": eligible,
        "score_lines": score_lines,
        "score_total": sum(line.points for line in score_lines),
        "placement": placement,
        "selected": selected,
        "verdict": verdict,
        "inputs": inputs,
    }
