"""Who gets this year's places: the same inputs always give the same list.

1. Every candidate goes through the programme's eligibility rules (eligibility.py), after
   the decisions made about them by hand (left out of this cycle: never placed).
2. Eligible candidates get their vulnerability score (scoring.py).
3. The rank order is: score, highest first; then birth date, oldest first (the older worker
   has fewer years left to build protection); then NIK, ascending, which is unique, so no
   two candidates ever tie.
4. One participant per family (KK), when the programme says so: only the best ranked member
   of a KK stays in the list (continuing participants count first).
5. The places are the target, cut down to what the budget pays for:
   budget ceiling // (coverage months x monthly premium).
6. Continuing participants of the previous cycle who are still eligible come first, in rank
   order (should they outnumber the places, the others head the waiting list). New places
   go by rank. With a kelurahan quota (largest remainder over the places,
   in proportion to population or to registered workers) each kelurahan first fills its own
   quota (its continuing participants count against it); places a kelurahan cannot fill go
   to the best ranked candidates elsewhere, so no place is left empty while anyone waits.
7. Everyone else eligible forms the waiting list (cadangan), in rank order.

Pure: plain values in, plain values out.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from rentan.programmes.eligibility import Candidate, CycleContext, Reason, RuleCode, RuleSet
from rentan.programmes.eligibility import checks_for as eligibility_checks
from rentan.programmes.scoring import Facts, ScoreWeights, parts_of, score_facts

CONTINUING = "continuing"
NEW = "new"
WAITING = "waiting"


class QuotaBasis(TextChoices):
    NONE = "none", _("Tanpa kuota kelurahan")
    POPULATION = "population", _("Sebanding jumlah penduduk kelurahan")
    WORKERS = "workers", _("Sebanding jumlah pekerja informal terdaftar")


@dataclass(frozen=True)
class AllocationParams:
    target: int
    budget_ceiling: int
    coverage_months: int
    monthly_premium: int
    one_per_household: bool = False
    kelurahan_weights: Mapping[str, int] | None = None  # None: no kelurahan quota

    @property
    def places_by_budget(self) -> int:
        per_person = self.coverage_months * self.monthly_premium
        return self.budget_ceiling // per_person if per_person > 0 else self.target

    @property
    def places(self) -> int:
        return max(0, min(self.target, self.places_by_budget))


@dataclass(slots=True)
class Placed:
    person_id: int
    kind: str  # CONTINUING, NEW or WAITING
    rank: int
    score: int  # hundredths of a point
    parts: dict[str, int]
    kelurahan_code: str
    occupation_code: str


@dataclass
class AllocationResult:
    params: AllocationParams
    placements: list[Placed]
    ineligible: Counter[str] = field(default_factory=Counter)  # Reason value -> people
    household_skipped: int = 0  # eligible, but a better ranked KK member holds the place
    quotas: dict[str, int] | None = None

    @property
    def selected(self) -> list[Placed]:
        return [p for p in self.placements if p.kind != WAITING]

    @property
    def continuing_count(self) -> int:
        return sum(1 for p in self.placements if p.kind == CONTINUING)

    @property
    def new_count(self) -> int:
        return sum(1 for p in self.placements if p.kind == NEW)

    @property
    def waiting_count(self) -> int:
        return sum(1 for p in self.placements if p.kind == WAITING)

    @property
    def selected_count(self) -> int:
        return self.continuing_count + self.new_count

    @property
    def cost(self) -> int:
        return self.selected_count * self.params.coverage_months * self.params.monthly_premium

    def spread(self, attribute: str) -> dict[str, int]:
        """Selected people per kelurahan_code or occupation_code."""
        counts: Counter[str] = Counter(getattr(p, attribute) for p in self.selected)
        return dict(sorted(counts.items()))


def largest_remainder(total: int, weights: Mapping[str, int]) -> dict[str, int]:
    """Split `total` in proportion to `weights`; the parts add up to `total` exactly.

    Each part is first rounded down; the places left over go one each to the largest
    remainders (ties: the smaller code first). With no weight anywhere, all weigh the same.
    """
    codes = sorted(weights)
    if not codes:
        return {}
    values = {code: max(0, weights[code]) for code in codes}
    whole = sum(values.values())
    if whole == 0:
        values = dict.fromkeys(codes, 1)
        whole = len(codes)
    parts = {code: total * values[code] // whole for code in codes}
    remainders = sorted(codes, key=lambda code: (-(total * values[code] % whole), code))
    for code in remainders[: total - sum(parts.values())]:
        parts[code] += 1
    return parts


def allocate(
    candidates: Iterable[Candidate],
    *,
    ctx: CycleContext,
    rules: RuleSet,
    weights: ScoreWeights,
    minimum_wage: int | None,
    params: AllocationParams,
    ineligible: Mapping[str, int] | None = None,
) -> AllocationResult:
    """`ineligible`: people already refused before they became candidates, by reason."""
    checks = eligibility_checks(rules)
    refused: Counter[str] = Counter(ineligible or {})
    start = ctx.coverage_start_on
    # Rows are (rank key, candidate, parts, total). Continuing and new candidates are ranked
    # apart (continuing first); within each, the key is (-score, birth date) packed into one
    # integer (date ordinals stay below 2**22), then the NIK, which is unique: sorting
    # compares one integer for nearly every pair and never looks past the key.
    continuing_rows: list[tuple[tuple[int, str], Candidate, dict[str, int], int]] = []
    new_rows: list[tuple[tuple[int, str], Candidate, dict[str, int], int]] = []
    scored: dict[Facts, tuple[dict[str, int], int]] = {}
    for c in candidates:
        if c.excluded_by_hand is not None:
            # A person's decision, before any rule (the loader usually leaves them out).
            refused[Reason.EXCLUDED_BY_HAND] += 1
            continue
        for check in checks:
            failed = check(c, ctx, rules)
            if failed is not None:
                refused[failed] += 1  # a Reason is a str: no .value lookup per person
                break
        else:
            facts = score_facts(c, weights, minimum_wage=minimum_wage, on=start)
            known = scored.get(facts)
            if known is None:
                parts = parts_of(facts, weights)
                known = scored[facts] = (parts, sum(parts.values()))
            parts, total = known
            row = ((c.birth_date.toordinal() - (total << 22), c.nik), c, parts, total)
            (continuing_rows if c.was_participant else new_rows).append(row)
    continuing_rows.sort(key=itemgetter(0))
    new_rows.sort(key=itemgetter(0))

    household_skipped = 0
    if params.one_per_household:
        taken: set[int] = set()
        for rows in (continuing_rows, new_rows):
            kept = []
            for row in rows:
                household = row[1].household_id
                if household is not None:
                    if household in taken:
                        household_skipped += 1
                        continue
                    taken.add(household)
                kept.append(row)
            rows[:] = kept
    eligible_continuing = len(continuing_rows)
    ranked = continuing_rows + new_rows

    places = params.places
    # Continuing candidates head the order; those beyond the places head the waiting list.
    continuing = ranked[: min(eligible_continuing, places)]
    pool = ranked[len(continuing) :]
    free = places - len(continuing)
    quotas = None
    if params.kelurahan_weights is not None and free > 0:
        quotas = largest_remainder(places, params.kelurahan_weights)
        room = dict(quotas)
        for row in continuing:
            code = row[1].kelurahan_code
            room[code] = room.get(code, 0) - 1
        chosen: set[int] = set()
        for index, row in enumerate(pool):
            if len(chosen) >= free:
                break
            code = row[1].kelurahan_code
            if room.get(code, 0) > 0:
                room[code] -= 1
                chosen.add(index)
        for index in range(len(pool)):
            if len(chosen) >= free:
                break
            chosen.add(index)
        new = [row for index, row in enumerate(pool) if index in chosen]
        waiting = [row for index, row in enumerate(pool) if index not in chosen]
    else:
        if params.kelurahan_weights is not None:
            quotas = largest_remainder(places, params.kelurahan_weights)
        new, waiting = pool[:free], pool[free:]

    placements: list[Placed] = []
    rank = 0
    for kind, rows in ((CONTINUING, continuing), (NEW, new), (WAITING, waiting)):
        for _key, c, parts, total in rows:
            rank += 1
            placements.append(
                Placed(c.person_id, kind, rank, total, parts, c.kelurahan_code, c.occupation_code)
            )
    return AllocationResult(
        params=params,
        placements=placements,
        ineligible=refused,
        household_skipped=household_skipped,
        quotas=quotas,
    )


def one_per_household(rules: RuleSet) -> bool:
    return RuleCode.ONE_PER_HOUSEHOLD in rules.codes
