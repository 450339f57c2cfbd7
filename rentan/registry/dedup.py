"""Finds records that are probably the same person: within a file, across files and against
the registry. Pure: plain records in, pairs with their match probability and evidence out.

Certain: the same NIK (and, for a programme with one participant per family, the same KK: a
household pair, shown rather than silently dropped). Probable: the fields' agreements weighed
by the Fellegi-Sunter model of `match_model.py` (weights estimated from the registry without
labels, `match_estimation.py`), a pair proposed when its match probability reaches the
threshold; each pair carries what every field added (`PairMatch.evidence`).

Only records that share a blocking key are compared (the NIK with one of its parts left out,
or with the two digits at a part boundary in order, each with the opening sounds of the name;
birth date + kelurahan; sound-alike name + kelurahan; house/RT/RW numbers + street +
kelurahan), so the cost grows with the candidate pairs, not with n².
A block larger than `MAX_BLOCK` (a very common name in a big kelurahan) is sorted and each
record compared with its `WINDOW` nearest neighbours only.

The work is column-wise (`match_columns.py`): the records become arrays, the candidate pairs
two arrays of record numbers (each pair once, whichever keys propose it), and every level of
every pair is worked out over those arrays. The names, the costliest comparison, are compared
only for the pairs that could reach the threshold whatever their names say; the order never
changes a weight. Python objects are built only for the pairs found. A large input shares
the work with one forked process (the addresses read while the names are; every other chunk
of candidate pairs scored): the same pairs as one process. Quality and speed are measured on
`dedup_sample.py` (`bench/bench_dedup.py`).
"""

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import numpy as np
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from rapidfuzz.distance import Hamming

from rentan.core.memory import without_cyclic_gc
from rentan.registry.match_columns import (
    Array,
    Columns,
    build_columns,
    cheap_levels,
    in_another_process,
    name_levels,
)
from rentan.registry.match_model import (
    ADDRESS,
    ADDRESS_HOUSE,
    BIRTH,
    BIRTH_EXACT,
    KELURAHAN,
    KK,
    NAME,
    NAME_CONTAINED,
    NAME_EXACT,
    NIK,
    NIK_EXACT,
    NIK_EXPLAINED,
    NIK_ONE_DIGIT,
    NIK_SERIAL,
    NIK_SWAPPED,
    NULL,
    SAME,
    SEX,
    Contribution,
    MatchModel,
    Prepared,
    contributions,
    default_model,
    match_weight_for,
    prepare,
    probability,
)


class MatchReason(TextChoices):
    SAME_NIK = "same_nik", _("NIK sama")
    SAME_KK = "same_kk", _("Nomor KK sama (satu peserta per keluarga)")
    NIK_ONE_DIGIT = "nik_one_digit", _("NIK hanya berbeda satu digit")
    NIK_SWAPPED_DIGITS = "nik_swapped_digits", _("NIK sama tetapi dua digit bertukar tempat")
    SIMILAR_NAME = "similar_name", _("Nama mirip")
    SAME_BIRTH_DATE = "same_birth_date", _("Tanggal lahir sama")
    SAME_KELURAHAN = "same_kelurahan", _("Kelurahan sama")
    SIMILAR_ADDRESS = "similar_address", _("Alamat mirip")


@dataclass(frozen=True, slots=True)
class DedupRecord:
    key: str  # the caller's identifier: "row:12", "person:345"
    nik: str  # "" when missing or invalid
    name: str
    birth_date: date | None
    kelurahan_code: str
    address: str = ""
    kk_number: str = ""
    sex: str = ""  # "L", "P" or "" when unknown


@dataclass(frozen=True)
class PairMatch:
    left: str
    right: str
    score: float  # the match probability, 0..1 (1 for a certain pair)
    reasons: tuple[MatchReason, ...]
    # What each compared field added to the match weight (log2 of the Bayes factor).
    evidence: tuple[Contribution, ...] = ()
    match_weight: float = 0.0

    @property
    def is_exact(self) -> bool:
        return MatchReason.SAME_NIK in self.reasons


@dataclass(frozen=True)
class PairSearch:
    """The pairs found, and what it cost: how many candidate pairs were scored (each once,
    however many kinds of blocking key propose it)."""

    pairs: list[PairMatch]
    compared: int
    largest_block: int


# The match probability at or above which a pair is proposed.
DEFAULT_THRESHOLD = 0.9
MAX_BLOCK = 40
WINDOW = 12


def prepare_record(record: DedupRecord) -> Prepared:
    """One record as `match_model.compare` reads it (a pair at a time: tests, the reference
    of what each level means)."""
    return prepare(
        key=record.key,
        nik=record.nik,
        name=record.name,
        birth_date=record.birth_date,
        kelurahan=record.kelurahan_code,
        address=record.address,
        kk=record.kk_number,
        sex=record.sex,
    )


def _padded(table: Sequence[Sequence[float]]) -> Array:
    """A weight table as one array: comparison by level (levels past a comparison's last
    weigh 0 and never occur)."""
    width = max(len(row) for row in table)
    return np.array([[*row, *([0.0] * (width - len(row)))] for row in table], dtype=np.float64)


class Scorer:
    """The model as one search applies it: the weights by level, the prior for this many
    records, each record's term-frequency adjustments of its name and birth date, and the
    match weight of the threshold."""

    def __init__(
        self,
        model: MatchModel,
        columns: Columns,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        household_rule: bool = False,
    ) -> None:
        self.model = model
        self.table = _padded(model.table)
        self.house_table = _padded(model.house_table)
        self.base = model.prior_weight(len(columns))
        self.threshold = threshold
        # The weight of the threshold, a hair low: the last word is the probability's.
        self.cutoff = match_weight_for(threshold) - 1e-9
        self.household_rule = household_rule
        self._evidences: dict[tuple[float | None, ...], tuple[Contribution, ...]] = {}
        total = max(len(columns), 1)
        # A common name or birth date proves less (Splink's term frequency adjustment): the
        # share of the records holding each record's own value.
        names = columns.comparable_name
        name_share = np.bincount(names)[names] / total
        self.name_adjustment = np.log2(model.u("name", "exact") / name_share)
        _births, back, counts = np.unique(columns.birth, return_inverse=True, return_counts=True)
        self.birth_adjustment = np.log2(model.u("birth_date", "exact") / (counts[back] / total))
        # The most a name other than the same one can add, in either table.
        self.other_name_ceiling = max(
            max(model.table[NAME][NAME_EXACT + 1 :]), max(model.house_table[NAME][NAME_EXACT + 1 :])
        )

    def _weights(self, field: int, levels: Array, house: Array) -> Array:
        weights: Array = np.where(house, self.house_table[field][levels], self.table[field][levels])
        return weights

    def score(self, columns: Columns, left: Array, right: Array) -> "_Scored":
        """The pairs that are certain or reach the threshold's weight, with their levels and
        weights. The names, the costliest comparison, are compared only for the pairs that
        could reach it whatever their names say; the order never changes a weight."""
        levels = cheap_levels(columns, left, right)
        house = levels[:, ADDRESS] == SAME
        weight = np.full(len(left), self.base)
        for field in (NIK, BIRTH, SEX, ADDRESS, KELURAHAN, KK):
            weight += self._weights(field, levels[:, field], house)
        # Term frequencies speak of people drawn at random, not of one household.
        weight += np.where(
            (levels[:, BIRTH] == BIRTH_EXACT) & ~house, self.birth_adjustment[left], 0.0
        )
        certain = levels[:, NIK] == NIK_EXACT
        if self.household_rule:
            certain |= levels[:, KK] == SAME
        names = columns.comparable_name
        same_name = (names[left] == names[right]) & (names[left] != 0)
        hopeful = np.flatnonzero(
            certain | same_name | (weight + self.other_name_ceiling >= self.cutoff)
        )
        levels, weight, house, certain = (
            levels[hopeful],
            weight[hopeful],
            house[hopeful],
            certain[hopeful],
        )
        left, right = left[hopeful], right[hopeful]
        name = name_levels(columns, left, right)
        levels[:, NAME] = name
        weight += self._weights(NAME, name, house)
        weight += np.where((name == NAME_EXACT) & ~house, self.name_adjustment[left], 0.0)
        kept = np.flatnonzero(certain | (weight >= self.cutoff))
        return _Scored(left[kept], right[kept], levels[kept], weight[kept], certain[kept])

    def pairs(self, columns: Columns, scored: "_Scored") -> list["PairMatch"]:
        found = []
        for i, j, row, weight, certain in zip(
            scored.left.tolist(),
            scored.right.tolist(),
            scored.levels.tolist(),
            scored.weight.tolist(),
            scored.certain.tolist(),
            strict=True,
        ):
            if certain or probability(weight) >= self.threshold:
                found.append(self._pair(columns, i, j, row, weight, certain))
        return found

    def _pair(
        self, columns: Columns, i: int, j: int, levels: list[int], weight: float, certain: bool
    ) -> "PairMatch":
        adjustments: dict[int, float] = {}
        house = levels[ADDRESS] == SAME
        if levels[NAME] == NAME_EXACT and not house:
            adjustments[NAME] = float(self.name_adjustment[i])
        if levels[BIRTH] == BIRTH_EXACT and not house:
            adjustments[BIRTH] = float(self.birth_adjustment[i])
        return PairMatch(
            columns.keys[i],
            columns.keys[j],
            1.0 if certain else probability(weight),
            _certain_reasons(levels, self.household_rule)
            if certain
            else _reasons(columns.niks[i], columns.niks[j], levels, self.household_rule),
            evidence=self._evidence(levels, adjustments),
            match_weight=round(weight, 2),
        )

    def _evidence(
        self, levels: list[int], adjustments: dict[int, float]
    ) -> tuple[Contribution, ...]:
        # Few pairs differ in their levels and term-frequency adjustments (which follow how
        # many records share a name or birth date): each evidence is made once per search.
        key = (*levels, adjustments.get(NAME), adjustments.get(BIRTH))
        evidence = self._evidences.get(key)
        if evidence is None:
            evidence = self._evidences[key] = contributions(levels, self.model, adjustments)
        return evidence


class _Scored(NamedTuple):
    left: Array
    right: Array
    levels: Array
    weight: Array
    certain: Array


def _certain_reasons(levels: Sequence[int], household_rule: bool) -> tuple[MatchReason, ...]:
    """A certain pair is named by its rule alone; the other fields are in its evidence."""
    reasons = [MatchReason.SAME_NIK] if levels[NIK] == NIK_EXACT else []
    if household_rule and levels[KK] == SAME:
        reasons.append(MatchReason.SAME_KK)
    return tuple(sorted(reasons))


def _reasons(
    left_nik: str, right_nik: str, levels: Sequence[int], household_rule: bool
) -> tuple[MatchReason, ...]:
    reasons: list[MatchReason] = []
    nik = levels[NIK]
    if nik == NIK_EXACT:
        reasons.append(MatchReason.SAME_NIK)
    elif nik in (NIK_ONE_DIGIT, NIK_SWAPPED, NIK_SERIAL, NIK_EXPLAINED):
        reasons.append(
            MatchReason.NIK_ONE_DIGIT
            if Hamming.distance(left_nik, right_nik) == 1
            else MatchReason.NIK_SWAPPED_DIGITS
        )
    if household_rule and levels[KK] == SAME:
        reasons.append(MatchReason.SAME_KK)
    if NULL < levels[NAME] <= NAME_CONTAINED:
        reasons.append(MatchReason.SIMILAR_NAME)
    if levels[BIRTH] == BIRTH_EXACT:
        reasons.append(MatchReason.SAME_BIRTH_DATE)
    if levels[KELURAHAN] == SAME:
        reasons.append(MatchReason.SAME_KELURAHAN)
    if levels[ADDRESS] in (SAME, ADDRESS_HOUSE):
        reasons.append(MatchReason.SIMILAR_ADDRESS)
    return tuple(sorted(reasons))


# --- Blocking -----------------------------------------------------------------------------------


def joint_key(*parts: Array) -> Array:
    """One number per record for a key of several parts (each a number >= 0)."""
    key = np.zeros(len(parts[0]), dtype=np.int64)
    for part in parts:
        width = int(part.max(initial=0)) + 1
        if width > 2**31:
            _values, part = np.unique(part, return_inverse=True)
            width = int(part.max(initial=0)) + 1
        if int(key.max(initial=0)) * width + width >= 2**62:
            _values, key = np.unique(key, return_inverse=True)
        key = key * width + part
    return key


class BlockKind(NamedTuple):
    """One kind of blocking key: every record's key (-1: none), and the order that windows a
    large block of it."""

    keys: Array
    order: Array


def _digit(value: Array, position: int) -> Array:
    digit: Array = (value // 10 ** (15 - position)) % 10
    return digit


def _ordered_pair(value: Array, at: int) -> Array:
    """The NIK with its digits at `at` and `at + 1` in order (a swap of the two is undone)."""
    first, second = _digit(value, at), _digit(value, at + 1)
    low, high = np.minimum(first, second), np.maximum(first, second)
    ordered: Array = value + (low - first) * 10 ** (15 - at) + (high - second) * 10 ** (14 - at)
    return ordered


def _where(valid: Array, key: Array) -> Array:
    return np.where(valid, key, -1)


# Two NIKs one digit apart, or with two adjacent digits swapped, agree on all but one of their
# parts: area and day of birth (8 digits), month and year (4), serial (4); a swap across two
# parts is caught by writing those two digits in order. Each key also holds the opening sounds
# of the distinctive name, because a NIK's date and serial leave few digits free. The key for a
# slip in the month or year holds the whole sound-alike name: without it, it would hold
# everyone of a kecamatan born on the same day of any month, and such a slip leaves the birth
# date column intact for the birth date block.
def block_kinds(columns: Columns, household_rule: bool) -> Iterator[BlockKind]:
    """Every kind of blocking key, one at a time."""
    names, addresses = columns.names, columns.addresses
    by_name = names.sorted_rank[columns.name_id]
    by_address = addresses.text_rank[columns.address_id]
    kelurahan = columns.kelurahan
    # The numbers (house, RT, RW) survive the many ways of writing a street, and a slip in
    # its first letters.
    has_address = addresses.text[columns.address_id] != 0
    yield BlockKind(
        _where(has_address, joint_key(addresses.numbers_or_text[columns.address_id], kelurahan)),
        by_name,
    )
    name = names.name[columns.name_id]
    yield BlockKind(_where(name != 0, joint_key(names.key[columns.name_id], kelurahan)), by_address)
    yield BlockKind(_where(columns.birth != 0, joint_key(columns.birth, kelurahan)), by_name)
    # Only records with a whole NIK.
    nik = columns.nik_value
    whole = nik >= 0
    digits = np.where(whole, nik, 0)
    opening = names.opening[columns.name_id]
    distinctive_key = names.distinctive_key[columns.name_id]
    yield BlockKind(_where(whole, joint_key(opening, digits % 10**8)), by_name)
    yield BlockKind(_where(whole, joint_key(opening, digits // 10**4)), by_name)
    yield BlockKind(
        _where(whole, joint_key(distinctive_key, (digits // 10**8) * 10**4 + digits % 10**4)),
        by_name,
    )
    yield BlockKind(_where(whole, joint_key(opening, _ordered_pair(digits, 7))), by_name)
    yield BlockKind(_where(whole, joint_key(opening, _ordered_pair(digits, 11))), by_name)
    yield BlockKind(_where(columns.nik != 0, columns.nik), by_name)
    if household_rule:
        yield BlockKind(_where(columns.kk != 0, columns.kk), by_name)


class BlockPairs(NamedTuple):
    left: Array
    right: Array
    largest: int


def block_pairs(kind: BlockKind, new_count: int) -> BlockPairs:
    """The candidate pairs of one kind of key: every pair of a block of at most `MAX_BLOCK`
    records; in a larger block (a very common name in a big kelurahan), sorted by the kind's
    order, each record with its `WINDOW` - 1 next. Only pairs with a record among the first
    `new_count`; the smaller record number first."""
    valid = np.flatnonzero(kind.keys >= 0)
    keys = kind.keys[valid]
    ranked = np.lexsort((valid, kind.order[valid], keys))
    members, keys = valid[ranked], keys[ranked]
    if not len(keys):
        empty = np.zeros(0, dtype=np.int64)
        return BlockPairs(empty, empty, 0)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, len(keys)])
    wanted = (sizes > 1) & (np.minimum.reduceat(members, starts) < new_count)
    largest = int(sizes[wanted].max(initial=0))
    block = np.repeat(np.arange(len(starts)), sizes)
    size = sizes[block]
    partners = size - 1 - (np.arange(len(keys)) - starts[block])
    partners = np.where(size > MAX_BLOCK, np.minimum(partners, WINDOW - 1), partners)
    partners[~wanted[block]] = 0
    first = np.repeat(np.arange(len(keys)), partners)
    step = np.arange(len(first)) - np.repeat(np.cumsum(partners) - partners, partners)
    i, j = members[first], members[first + 1 + step]
    left, right = np.minimum(i, j), np.maximum(i, j)
    new = left < new_count
    return BlockPairs(left[new], right[new], largest)


def candidate_pairs(
    columns: Columns, new_count: int, household_rule: bool = False
) -> tuple[Array, Array, int]:
    """Every candidate pair once (a pair that several kinds of key propose is one pair), as
    two arrays of record numbers, and the size of the largest block."""
    found = []
    largest = 0
    count = len(columns)
    for kind in block_kinds(columns, household_rule):
        pairs = block_pairs(kind, new_count)
        # Within one kind a pair is proposed once: each record is in one block of it.
        found.append(pairs.left * count + pairs.right)
        largest = max(largest, pairs.largest)
    codes = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    # Sorted, then each code once (a sort is several times faster than np.unique's hashing
    # for tens of millions of codes).
    codes.sort()
    codes = codes[np.r_[True, codes[1:] != codes[:-1]]] if len(codes) else codes
    return codes // max(count, 1), codes % max(count, 1), largest


# --- The search ---------------------------------------------------------------------------------


def search_pairs(
    records: Iterable[DedupRecord],
    *,
    against: Iterable[DedupRecord] = (),
    threshold: float = DEFAULT_THRESHOLD,
    household_rule: bool = False,
    model: MatchModel | None = None,
) -> PairSearch:
    """find_pairs, with the number of candidate pairs it scored."""
    with without_cyclic_gc():
        return _search(records, against, threshold, household_rule, model or default_model())


# Pairs scored at once: the arrays of a chunk stay within a hundred megabytes.
CHUNK = 1_000_000


def _search(
    records: Iterable[DedupRecord],
    against: Iterable[DedupRecord],
    threshold: float,
    household_rule: bool,
    model: MatchModel,
) -> PairSearch:
    counted: list[int] = []

    def counting(items: Iterable[DedupRecord]) -> Iterator[DedupRecord]:
        count = 0
        for item in items:
            count += 1
            yield item
        counted.append(count)

    # Records are taken one at a time: a caller that hands over a draining iterator holds
    # each record or its columns, never both for the whole file.
    columns = build_columns(itertools.chain(counting(records), against))
    new_count = counted[0]
    scorer = Scorer(model, columns, threshold=threshold, household_rule=household_rule)
    left, right, largest = candidate_pairs(columns, new_count, household_rule)

    def score(chunks: list[tuple[int, int]]) -> list[PairMatch]:
        found: list[PairMatch] = []
        for start, stop in chunks:
            found.extend(
                scorer.pairs(columns, scorer.score(columns, left[start:stop], right[start:stop]))
            )
        return found

    chunks = [(start, start + CHUNK) for start in range(0, len(left), CHUNK)]
    # Every other chunk is scored by a forked process meanwhile (it sends back only the
    # pairs found): two cores score a large input in about half the time.
    theirs = in_another_process(score, chunks[1::2], worth_it=len(chunks) > 1)
    found = score(chunks[0::2]) + theirs.result()
    found.sort(key=lambda pair: (-pair.score, pair.left, pair.right))
    return PairSearch(pairs=found, compared=len(left), largest_block=largest)


def find_pairs(
    records: Iterable[DedupRecord],
    *,
    against: Iterable[DedupRecord] = (),
    threshold: float = DEFAULT_THRESHOLD,
    household_rule: bool = False,
    model: MatchModel | None = None,
) -> list[PairMatch]:
    """Pairs among `records`, and between `records` and `against` (never within `against`).

    In each pair `left` is the record of `records` (the earlier one when both are)."""
    return search_pairs(
        records,
        against=against,
        threshold=threshold,
        household_rule=household_rule,
        model=model,
    ).pairs
