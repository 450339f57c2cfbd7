"""Estimates the weights of the match model from the registry itself, without labels.

As Splink does: `u` (how often a level is seen between two different people) is counted on
pairs of records drawn at random, nearly all of them two different people; `m` (how often it
is seen when the records are one person) by expectation maximisation on the pairs that
blocking rules propose, where matches are common. Each rule fixes the fields it blocks on
(people born the same day in one kelurahan all agree on birth date and kelurahan), so those
fields' `m` is taken from the other rule. The prior (how likely two random records are one
person) is then the expected number of matching pairs among all candidate pairs over the
number of all pairs.

The NIK's serial is the exception to "u from random pairs": two people born the same day in
one kecamatan hold NIKs one digit apart in the serial, or in a date part that their own birth
dates explain; counted among random pairs such a NIK looks like a slip, counted among people
born the same day in one kelurahan it is what it is, common. Those two levels' `u` are counted
there, so the birth date's agreement is not counted twice.

The pairs are compared column-wise (`match_columns.compare_pairs`), the same levels the
matcher gives them. Comparison vectors repeat: EM runs over the distinct vectors with their
counts (a few thousand), not over the pairs. Pure: records in, a `MatchModel` out.
"""

import math
import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from rentan.core.memory import without_cyclic_gc
from rentan.registry.dedup import (
    MAX_BLOCK,
    WINDOW,
    BlockKind,
    DedupRecord,
    block_pairs,
    joint_key,
)
from rentan.registry.match_columns import Array, Columns, build_columns, compare_pairs
from rentan.registry.match_model import (
    ADDRESS,
    BIRTH,
    COMPARISONS,
    FIELDS,
    HOUSE_CONTEXT,
    KELURAHAN,
    KK,
    NAME,
    NIK,
    NULL,
    SEX,
    Level,
    MatchModel,
    at_house,
)

Vector = tuple[int, ...]

RANDOM_PAIRS = 400_000
SESSION_PAIRS = 400_000
EM_ITERATIONS = 40
EM_TOLERANCE = 1e-5
# The smallest m: a level never seen among matches still may be, one day.
M_FLOOR = 1e-4
# The levels whose u is counted among people born the same day in one kelurahan.
SAME_DAY_U = (("nik", "serial"), ("nik", "explained"))


@dataclass(frozen=True)
class Session:
    """One blocking rule of the estimation: the key that groups records (-1: none), the
    comparisons whose m it estimates, and the order that windows a large block."""

    name: str
    key: Callable[[Columns], Array]
    estimates: tuple[int, ...]
    order: Callable[[Columns], Array]


def _by_name(columns: Columns) -> Array:
    ranks: Array = columns.names.sorted_rank[columns.name_id]
    return ranks


def _by_address(columns: Columns) -> Array:
    ranks: Array = columns.addresses.text_rank[columns.address_id]
    return ranks


def _birth_date_kelurahan(columns: Columns) -> Array:
    key: Array = np.where(columns.birth != 0, joint_key(columns.birth, columns.kelurahan), -1)
    return key


def _sound_alike_name(columns: Columns) -> Array:
    key = columns.names.key[columns.name_id]
    found: Array = np.where(key != 0, key, -1)
    return found


def _house(columns: Columns) -> Array:
    addresses = columns.addresses
    house = addresses.house[columns.address_id]
    street = addresses.street[columns.address_id]
    key: Array = np.where(house != 0, joint_key(columns.kelurahan, street, house), -1)
    return key


# People born the same day in one kelurahan agree on birth date and kelurahan, and those
# who also share a house and a KK are mostly twins: inside this rule the house and the KK
# tell a household from the rest, not one person from two, so only NIK, name and sex are
# weighed. People of one sound-alike name rarely share a house unless they are one person.
SESSIONS = (
    Session("birth_date_kelurahan", _birth_date_kelurahan, (NIK, NAME, SEX), _by_name),
    Session("name", _sound_alike_name, (NIK, BIRTH, SEX, ADDRESS, KELURAHAN, KK), _by_address),
)


# Two records at the same house (kelurahan, street, number): where u is counted again.
HOUSE_SESSION = Session(
    "house", _house, tuple(FIELDS.index(name) for name in HOUSE_CONTEXT), _by_name
)


@dataclass(frozen=True)
class Estimate:
    model: MatchModel
    iterations: dict[str, int]  # EM iterations per session
    random_pairs: int
    session_pairs: dict[str, int]


def _pairs_of(size: Array) -> Array:
    pairs: Array = np.where(size <= MAX_BLOCK, size * (size - 1) // 2, size * (WINDOW - 1))
    return pairs


def session_pairs(
    columns: Columns, session: Session, limit: int, rng: random.Random
) -> tuple[Array, Array]:
    """The pairs a rule proposes; where there are more than `limit`, whole blocks drawn at
    random up to about `limit` pairs (one draw per block, in the order of each block's first
    record: the same seed draws the same blocks)."""
    keys = session.key(columns)
    valid = np.flatnonzero(keys >= 0)
    _blocks, first, block, sizes = np.unique(
        keys[valid], return_index=True, return_inverse=True, return_counts=True
    )
    total = int(_pairs_of(sizes[sizes > 1]).sum())
    share = min(1.0, limit / total) if total else 1.0
    if share < 1.0:
        drawn = np.ones(len(sizes), dtype=bool)
        for number in np.argsort(first, kind="stable"):
            if sizes[number] > 1:
                drawn[number] = rng.random() < share
        keys = keys.copy()
        keys[valid[~drawn[block]]] = -1
    found = block_pairs(BlockKind(keys, session.order(columns)), len(columns))
    return found.left, found.right


def random_pairs(count: int, limit: int, rng: random.Random) -> tuple[Array, Array]:
    """Every pair of `count` records, or `limit` pairs drawn at random when there are more."""
    if count * (count - 1) // 2 <= limit:
        left, right = np.triu_indices(count, k=1)
        return left.astype(np.int64), right.astype(np.int64)
    draws = np.array(
        [(rng.randrange(count), rng.randrange(count - 1)) for _draw in range(limit)],
        dtype=np.int64,
    ).reshape(-1, 2)
    i, j = draws[:, 0], draws[:, 1]
    j = np.where(j >= i, j + 1, j)
    return np.minimum(i, j), np.maximum(i, j)


def _shares(counts: list[float], floor: float) -> list[float] | None:
    """Each level's share of the count (NULL left out; a level never seen counts as
    `floor` of it), or None when no level was seen."""
    seen = sum(counts[1:])
    if not seen:
        return None
    raw = [max(value, floor * seen) for value in counts[1:]]
    return [0.0] + [value / sum(raw) for value in raw]


def _level_shares(vectors: Counter[Vector], comparison: int) -> list[float]:
    """How often each level of a comparison is seen among these pairs; a level never seen
    counts as half a pair."""
    counts = [0.0] * len(COMPARISONS[FIELDS[comparison]])
    for vector, count in vectors.items():
        counts[vector[comparison]] += count
    seen = sum(counts[1:])
    shares = _shares(counts, 0.5 / seen if seen else 0.0)
    if shares is None:
        return [0.0] + [1.0 / (len(counts) - 1)] * (len(counts) - 1)
    return shares


def estimate_u(vectors: Counter[Vector]) -> list[list[float]]:
    return [_level_shares(vectors, number) for number in range(len(FIELDS))]


def _bayes_factor(
    vector: Vector, m: list[list[float]], u: list[list[float]], free: Iterable[int]
) -> float:
    factor = 1.0
    for number in free:
        level = vector[number]
        if level != NULL:
            factor *= m[number][level] / u[number][level]
    return factor


def expectation_maximisation(
    vectors: Counter[Vector],
    m: list[list[float]],
    u: list[list[float]],
    free: Sequence[int],
    *,
    share: float = 0.3,
    fixed_m: bool = False,
    fixed_u: bool = False,
) -> tuple[list[list[float]], list[list[float]], float, int]:
    """m and u of the `free` comparisons among these pairs (either may be held fixed), and
    the share of matches.

    The pairs a rule proposes are not random pairs: people born the same day in one
    kelurahan include twins, who share a house and a KK. So u is estimated here too, starting
    from the random pairs' (only m is kept): with u held at the random pairs' values, a
    household would pass for a match and teach m that a match may have another name."""
    m = [list(levels) for levels in m]
    u = [list(levels) for levels in u]
    items = list(vectors.items())
    total = sum(count for _vector, count in items)
    iteration = 0
    while iteration < EM_ITERATIONS:
        iteration += 1
        # Expectation: the probability that each distinct vector is a match.
        in_match = [[0.0] * len(m[number]) for number in range(len(m))]
        in_other = [[0.0] * len(m[number]) for number in range(len(m))]
        matches = 0.0
        for vector, count in items:
            odds = share / (1 - share) * _bayes_factor(vector, m, u, free)
            chance = odds / (1 + odds) if math.isfinite(odds) else 1.0
            matches += count * chance
            for number in free:
                in_match[number][vector[number]] += count * chance
                in_other[number][vector[number]] += count * (1 - chance)
        # Maximisation: m (u) of each level is its share among the expected matches
        # (non-matches).
        change = abs(matches / total - share)
        share = min(max(matches / total, 1e-9), 1 - 1e-9)
        for number in free:
            tables = [] if fixed_m else [(m, in_match)]
            tables += [] if fixed_u else [(u, in_other)]
            for table, expected in tables:
                levels = _shares(expected[number], M_FLOOR)
                if levels is None:
                    continue
                change = max(
                    change, *(abs(a - b) for a, b in zip(levels, table[number], strict=True))
                )
                table[number] = levels
        if change < EM_TOLERANCE:
            break
    return m, u, share, iteration


def _vectors(columns: Columns, pairs: tuple[Array, Array]) -> Counter[Vector]:
    """How many pairs have each comparison vector."""
    left, right = pairs
    if not len(left):
        return Counter()
    levels = compare_pairs(columns, left, right).astype(np.int64)
    # One number per vector (8 levels at most per comparison), counted, then read back.
    codes = (levels << (3 * np.arange(levels.shape[1]))).sum(axis=1)
    distinct, counts = np.unique(codes, return_counts=True)
    return Counter(
        {
            tuple(int(code) >> (3 * number) & 7 for number in range(levels.shape[1])): int(n)
            for code, n in zip(distinct, counts, strict=True)
        }
    )


def _prior(
    vectors: Counter[Vector],
    m: list[list[float]],
    u: list[list[float]],
    u_house: list[list[float]],
    record_count: int,
    start: float,
) -> float:
    """The prior at which the expected number of matches among the candidate pairs, over
    all pairs of the records, gives the prior back (a fixed point, found in a few steps)."""
    all_pairs = max(record_count * (record_count - 1) // 2, 1)
    everything = range(len(FIELDS))
    factors = [
        (count, _bayes_factor(vector, m, u_house if at_house(vector) else u, everything))
        for vector, count in vectors.items()
    ]
    prior = start
    for _step in range(30):
        odds = prior / (1 - prior)
        expected = sum(count * (odds * f) / (1 + odds * f) for count, f in factors)
        updated = min(max(expected / all_pairs, 1e-12), 0.5)
        if abs(updated - prior) < prior * 1e-4:
            return updated
        prior = updated
    return prior


def estimate_from_records(
    records: Iterable[DedupRecord], *, start: MatchModel, on: date | None = None
) -> Estimate:
    """estimate_model over records as the matcher receives them."""
    with without_cyclic_gc():
        return estimate_model(build_columns(records), start=start, on=on)


def estimate_model(
    records: Columns,
    *,
    start: MatchModel,
    on: date | None = None,
    seed: int = 2026,
    random_limit: int = RANDOM_PAIRS,
    session_limit: int = SESSION_PAIRS,
) -> Estimate:
    """The weights of `records`, EM starting from `start`'s m."""
    rng = random.Random(seed)  # noqa: S311 - a sample of pairs, not a secret
    count = len(records)
    random_vectors = _vectors(records, random_pairs(count, random_limit, rng))
    u = estimate_u(random_vectors)
    start_m = [
        [0.0, *(start.levels[name][level].m for level in levels[1:])]
        for name, levels in COMPARISONS.items()
    ]

    session_vectors: dict[str, Counter[Vector]] = {}
    for session in SESSIONS:
        session_vectors[session.name] = _vectors(
            records, session_pairs(records, session, session_limit, rng)
        )
    _count_same_day_u(u, session_vectors[SESSIONS[0].name])

    estimates: dict[int, list[list[float]]] = {}
    iterations: dict[str, int] = {}
    shares: list[float] = []
    for session in SESSIONS:
        free = session.estimates
        vectors = session_vectors[session.name]
        if not vectors:
            continue
        m, _u, share, iterations[session.name] = expectation_maximisation(vectors, start_m, u, free)
        shares.append(share)
        for number in free:
            estimates.setdefault(number, []).append(m[number])
    m = [
        _mean(estimates[number]) if number in estimates else start_m[number]
        for number in range(len(FIELDS))
    ]
    # At the same house: m as estimated, u among the household members the rule proposes.
    house_vectors = Counter(
        {
            vector: n
            for vector, n in _vectors(
                records, session_pairs(records, HOUSE_SESSION, session_limit, rng)
            ).items()
            if at_house(vector)
        }
    )
    u_house = u
    if house_vectors:
        # Started from the shares among all of them, as if none were one person: started
        # from random pairs' u, twins would look like one person and stay so.
        start_u = [
            _level_shares(house_vectors, number) if number in HOUSE_SESSION.estimates else u[number]
            for number in range(len(FIELDS))
        ]
        _m, u_house, _share, iterations[HOUSE_SESSION.name] = expectation_maximisation(
            house_vectors, m, start_u, HOUSE_SESSION.estimates, fixed_m=True
        )
    session_vectors[HOUSE_SESSION.name] = house_vectors
    candidates: Counter[Vector] = Counter()
    for vectors in session_vectors.values():
        candidates.update(vectors)
    prior = _prior(candidates, m, u, u_house, count, start.prior)
    in_house = set(HOUSE_SESSION.estimates)
    levels = {
        name: {
            level: Level(
                m[number][index],
                u[number][index],
                _house_u(u[number][index], u_house[number][index], index == len(names) - 1)
                if number in in_house
                else None,
            )
            for index, level in enumerate(names)
            if index
        }
        for number, (name, names) in enumerate(COMPARISONS.items())
    }
    model = MatchModel(
        levels=levels,
        prior=prior,
        record_count=count,
        estimated_on=on,
        pairs_used=sum(random_vectors.values()) + sum(candidates.values()),
        source="estimated",
    )
    return Estimate(
        model=model,
        iterations=iterations,
        random_pairs=sum(random_vectors.values()),
        session_pairs={name: sum(v.values()) for name, v in session_vectors.items()},
    )


def _house_u(u: float, u_house: float, is_disagreement: bool) -> float:
    """Sharing a house makes two people agree by chance more often, never less: an agreement
    the household pairs never showed (a father and son of one name) is taken to be at least
    as common as among random pairs."""
    return u_house if is_disagreement else max(u, u_house)


def _count_same_day_u(u: list[list[float]], same_day: Counter[Vector]) -> None:
    """u of the serial-like NIK levels, among people born the same day in one kelurahan
    (nearly all of them two people: a pair that is one person has the same NIK)."""
    levels = COMPARISONS["nik"]
    with_nik = sum(count for vector, count in same_day.items() if vector[NIK] != NULL)
    if not with_nik:
        return
    for name, level in SAME_DAY_U:
        index = levels.index(level)
        seen = sum(count for vector, count in same_day.items() if vector[NIK] == index)
        u[FIELDS.index(name)][index] = max(u[NIK][index], max(seen, 0.5) / with_nik)


def _mean(rows: list[list[float]]) -> list[float]:
    return [sum(values) / len(values) for values in zip(*rows, strict=True)]
