"""The candidates of an allocation, loaded for a million people: one query over persons, ids
mapped to codes in Python, no per-person query. The allocation and the explanation of one
person load through the same query (`_load`).

The rules that look only at the person's own row are judged in SQL for the allocation
(`row_rules_sql`, the translation of eligibility's check_* functions; test_prefilter holds
the two to each other for every rule and parameter).
"""

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from rentan.programmes.allocation import AllocationParams, QuotaBasis, one_per_household
from rentan.programmes.eligibility import (
    Candidate,
    CycleContext,
    HandExclusion,
    Reason,
    RuleCode,
    RuleSet,
    latest_birth_date,
    leading_row_rules,
    parse_rules,
)
from rentan.programmes.lifecycle import ALLOCATED, APPROVED, CLOSED, DRAFT, RUNNING
from rentan.programmes.models import (
    Cycle,
    ExcludedNik,
    ManualExclusion,
    Programme,
)
from rentan.programmes.scoring import ScoreWeights, parse_weights
from rentan.programmes.selectors import (
    cycle_premium,
    decisions_by_programme,
    minimum_wage,
    previous_cycle,
    selected_placements,
    selected_placements_of,
)
from rentan.programmes.vulnerable_jobs import Decision, vulnerable_on
from rentan.regions.models import Area
from rentan.registry.models import DesilImport, DesilRanking, Occupation, Person

_HOLDING_STATUSES = (ALLOCATED, APPROVED, RUNNING, CLOSED)


def _overlapping_cycle_ids(
    cycle: Cycle, previous: Cycle | None, siblings: Iterable[Cycle]
) -> list[int]:
    """The programme's other cycles holding a list whose cover overlaps this one's (the
    previous cycle aside: its list continues into this one)."""
    return [
        other.pk
        for other in siblings
        if other.programme_id == cycle.programme_id
        and other.status in _HOLDING_STATUSES
        and other.pk != cycle.pk
        and (previous is None or other.pk != previous.pk)
        and other.coverage_start_on <= cycle.coverage_end_on
        and cycle.coverage_start_on <= other.coverage_end_on
    ]


@dataclass(frozen=True)
class Overrides:
    """What a what-if changes; None keeps the cycle's own value."""

    target: int | None = None
    budget_ceiling: int | None = None
    weights: Mapping[str, Any] | None = None
    quota_basis: str | None = None


@dataclass(frozen=True)
class Registers:
    """What the loading reads the same for every cycle, small tables all: the job types
    (codes by id, names by code), the desil sources, and each programme's cycles and
    decisions on job types. An allocation reads them once (`allocation_inputs`), and so does
    a page that judges a person in several cycles (`read_registers`, handed to each)."""

    occupation_codes: dict[int, str]
    occupation_names: dict[str, str]
    desil_sources: dict[int, str]
    # By programme, those past their draft: the previous cycle, those overlapping.
    cycles: dict[int, list[Cycle]]
    decisions: dict[int, list[Decision]]  # by programme: the vulnerable job types

    def siblings(self, cycle: Cycle) -> list[Cycle]:
        return self.cycles.get(cycle.programme_id, [])


def read_registers(past_draft: Iterable[Cycle] | None = None) -> Registers:
    """`past_draft`: every cycle past its draft, when the page has read them already. The
    rules compare a cycle only with those (an approved previous one, those holding a list)."""
    codes: dict[int, str] = {}
    names: dict[str, str] = {}
    for pk, code, name in Occupation.objects.values_list("id", "code", "name").order_by():
        codes[pk], names[code] = code, name
    sources = dict(DesilImport.objects.values_list("id", "source").order_by())
    if past_draft is None:
        # Without the model's ordering, which joins the programme to sort.
        past_draft = Cycle.objects.exclude(status=DRAFT).order_by()
    cycles: dict[int, list[Cycle]] = defaultdict(list)
    for cycle in past_draft:
        cycles[cycle.programme_id].append(cycle)
    return Registers(codes, names, sources, cycles, decisions_by_programme())


@dataclass
class AllocationInputs:
    ctx: CycleContext
    rules: RuleSet
    weights: ScoreWeights
    minimum_wage: int | None
    params: AllocationParams
    previous: Cycle | None
    registers: Registers


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


def cycle_context(cycle: Cycle, registers: Registers) -> CycleContext:
    """What the rules need to know of a cycle (no premium, quota or weights)."""
    programme = cycle.programme
    return CycleContext(
        region_code=programme.region_id,
        coverage_start_on=cycle.coverage_start_on,
        verification_cutoff_on=cycle.cutoff_on,
        vulnerable_occupations=vulnerable_on(
            registers.decisions.get(programme.pk, []), cycle.coverage_start_on
        ),
        occupation_names=registers.occupation_names,
    )


def allocation_inputs(cycle: Cycle, overrides: Overrides | None = None) -> AllocationInputs:
    """Everything but the candidates. Raises NoRateInForce, RulesInvalid or WeightsInvalid."""
    overrides = overrides or Overrides()
    programme = cycle.programme
    rules = parse_rules(programme.eligibility_rules)
    weights = parse_weights(
        overrides.weights if overrides.weights is not None else programme.score_weights
    )
    registers = read_registers()
    ctx = cycle_context(cycle, registers)
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
        previous=previous_cycle(cycle, registers.siblings(cycle)),
        registers=registers,
    )


def _local_offset() -> timedelta:
    # Indonesia's three time zones keep no daylight saving, so one offset converts every
    # stored UTC moment to its local day.
    offset = timezone.get_current_timezone().utcoffset(datetime(2000, 1, 1))  # noqa: DTZ001
    return offset or timedelta(0)


def load_candidates(
    cycle: Cycle,
    previous: Cycle | None,
    person_ids: Any = None,
    registers: Registers | None = None,
) -> list[Candidate]:
    """Every person of the registry as a Candidate for this cycle (or only `person_ids`)."""
    where, params = "", []
    if person_ids is not None:
        ids = [int(pk) for pk in person_ids]
        where = f"p.id IN ({', '.join(['%s'] * len(ids))})" if ids else "1 = 0"
        params = ids
    return _load(cycle, previous, where, params, few=person_ids is not None, registers=registers)


@dataclass
class Prefiltered:
    """The people the database could not already refuse, and the count of those it did."""

    candidates: list[Candidate]
    ineligible: Counter[str]  # Reason value -> people refused by a rule judged in SQL
    rules_left: RuleSet  # the rules still to run on the candidates, in Python


def hand_exclusions(
    cycle: Cycle, person_ids: Collection[int] | None = None
) -> dict[int, HandExclusion]:
    """The standing manual exclusions of a cycle (or of these persons), by person id."""
    standing = ManualExclusion.objects.filter(cycle_id=cycle.pk, lifted_at__isnull=True)
    if person_ids is not None:
        standing = standing.filter(person_id__in=list(person_ids))
    return {
        exclusion.person_id: HandExclusion(
            by=exclusion.excluded_by.display_name if exclusion.excluded_by else "sistem",
            on=timezone.localdate(exclusion.excluded_at),
            reason=exclusion.reason,
        )
        for exclusion in standing.select_related("excluded_by")
    }


def row_rules_sql(
    ctx: CycleContext,
    rules: RuleSet,
    codes: tuple[RuleCode, ...],
    *,
    excluded_by_hand: Collection[int] = (),
) -> tuple[str, list[Any]]:
    """A CASE giving, for a person row, the reason of the first of `codes` it fails (or NULL).

    The translation of the check_* functions of eligibility.py for the rules that only look
    at the person's own columns; test_prefilter holds it to them, person by person. Those
    left out of the cycle by hand (`excluded_by_hand`, person ids) fail before any rule, as
    `eligibility.first_failure` has it.
    """
    ops = connection.ops
    arms: list[tuple[str, Reason]] = []
    params: list[Any] = []
    if excluded_by_hand:
        ids = sorted(excluded_by_hand)
        arms.append((f"id IN ({', '.join(['%s'] * len(ids))})", Reason.EXCLUDED_BY_HAND))
        params += ids
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
    case_sql, params = row_rules_sql(
        inputs.ctx, inputs.rules, codes, excluded_by_hand=list(hand_exclusions(cycle))
    )
    ineligible: Counter[str] = Counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT reason, COUNT(*) FROM (SELECT {case_sql} AS reason "
            f"FROM {Person._meta.db_table}) judged WHERE reason IS NOT NULL GROUP BY reason",
            params,
        )
        for reason, count in cursor.fetchall():
            ineligible[Reason(reason)] = count
    candidates = _load(
        cycle,
        inputs.previous,
        f"({case_sql}) IS NULL",
        params,
        with_desil=uses_desil(inputs.rules, inputs.weights),
        registers=inputs.registers,
    )
    rules_left = replace(
        inputs.rules, codes=tuple(code for code in inputs.rules.codes if code not in codes)
    )
    return Prefiltered(candidates, ineligible, rules_left)


def uses_desil(rules: RuleSet, weights: ScoreWeights) -> bool:
    """Whether the programme looks at the desil at all: if not, a million rankings stay
    unread."""
    return RuleCode.DESIL in rules.codes or bool(weights.low_desil)


def latest_desils(
    on: date, person_ids: list[int] | None, sources: dict[int, str]
) -> dict[int, tuple[int, str]]:
    """Per person, the desil of the latest ranking dated up to `on`, with its source (named
    by `sources`, the desil imports' by id): one pass over the rankings in the database (a
    window per person), whatever their number."""
    table = DesilRanking._meta.db_table
    where = "ranked_on <= %s"
    params: list[Any] = [connection.ops.adapt_datefield_value(on)]
    if person_ids is not None:
        if not person_ids:
            return {}
        where += f" AND person_id IN ({', '.join(['%s'] * len(person_ids))})"
        params += person_ids
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT person_id, desil, source_id FROM (SELECT person_id, desil, source_id, "
            "ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY ranked_on DESC) AS n "
            f"FROM {table} WHERE {where}) ranked WHERE n = 1",
            params,
        )
        return {pk: (desil, sources[source]) for pk, desil, source in cursor.fetchall()}


def _load(
    cycle: Cycle,
    previous: Cycle | None,
    where: str,
    params: list[Any],
    *,
    few: bool = False,
    with_desil: bool = True,
    registers: Registers | None = None,
) -> list[Candidate]:
    programme_id = cycle.programme_id
    registers = registers or read_registers()
    desils: dict[int, tuple[int, str]] = {}
    if with_desil:
        desils = latest_desils(
            cycle.cutoff_on,
            [int(pk) for pk in params] if few else None,
            registers.desil_sources,
        )
    no_desil: tuple[int | None, str] = (None, "")
    occupations = registers.occupation_codes
    lists: dict[str, set[str]] = defaultdict(set)
    excluded = ExcludedNik.objects.filter(programme_id=programme_id)
    if few:
        # A few people (an explanation, a page of a list): their NIKs only, not whole lists
        # of a hundred thousand social-assistance recipients.
        excluded = excluded.filter(nik__in=Person.objects.filter(pk__in=list(params)).values("nik"))
    for nik, kind in excluded.values_list("nik", "list_kind"):
        lists[nik].add(kind)
    frozen_lists = {nik: frozenset(kinds) for nik, kinds in lists.items()}
    previous_places = selected_placements(previous) if previous is not None else None
    covered = selected_placements_of(
        _overlapping_cycle_ids(cycle, previous, registers.siblings(cycle))
    )
    if few:
        # A few people: their own places, and those of their families, not whole lists.
        if previous_places is not None:
            previous_places = previous_places.filter(person_id__in=params)
        households = Person.objects.filter(pk__in=params, household__isnull=False)
        covered = covered.filter(
            Q(person_id__in=params) | Q(person__household_id__in=households.values("household_id"))
        )
    previous_ids: set[int] = set()
    if previous_places is not None:
        previous_ids = set(previous_places.values_list("person_id", flat=True))
    covered_ids: set[int] = set()
    covered_households: set[int] = set()
    for person_id, household_id in covered.values_list("person_id", "person__household_id"):
        covered_ids.add(person_id)
        if household_id is not None:
            covered_households.add(household_id)
    by_hand = hand_exclusions(cycle, params if few else None)
    no_hand = by_hand.get
    offset = _local_offset()
    # PostgreSQL gives the local day of verification itself: reading a million timestamps
    # with time zone through Django's loader costs more than all the rules together.
    verified, select_params = "verified_at", []
    if connection.vendor == "postgresql":
        verified, select_params = "((verified_at AT TIME ZONE 'UTC') + %s)::date", [offset]
    table = Person._meta.db_table
    # Whether an active man is registered on the person's KK, asked of the database in one
    # hash join with the households that have one. Loading a few people (the explanation of
    # one person) asks the same query with those households only, so the explanation reads a
    # person exactly as the allocation does.
    men = f"SELECT DISTINCT household_id FROM {table} WHERE sex = 'L' AND is_active"
    men_params: list[Any] = []
    if few:
        men += f" AND household_id IN (SELECT p.household_id FROM {table} p WHERE {where})"
        men_params = list(params)
    sql = (
        "SELECT p.id, nik, name, birth_date, sex, kelurahan_id, occupation_id, p.household_id, "
        f"{verified}, is_active, monthly_income, dependents, has_disability, "
        f"men.household_id IS NOT NULL FROM {table} p "
        f"LEFT JOIN ({men} AND household_id IS NOT NULL) men "
        "ON men.household_id = p.household_id"
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
        ) in _rows(cursor, sql, select_params + men_params + params):
            if isinstance(verified_at, str):
                verified_at = datetime.fromisoformat(verified_at)
            if isinstance(verified_at, datetime):
                verified_on = (verified_at + offset).date()
            else:
                verified_on = verified_at  # a date already, or None
            desil, desil_source = desils.get(pk, no_desil)
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
                    desil,
                    desil_source,
                    no_hand(pk),
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
