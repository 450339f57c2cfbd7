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

The fields that cost no text distance are weighed first; a pair that cannot reach the
threshold whatever its names say is turned down before the names are compared. The order of
these steps never changes a weight. From `PARALLEL_FROM` records on, the kinds of key are
shared with one forked process (same pairs as one process). Quality and speed are measured on
`dedup_sample.py` (`bench/bench_dedup.py`).
"""

import gc
import multiprocessing
import os
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from rapidfuzz.distance import Hamming

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
    address_level,
    birth_level,
    contributions,
    default_model,
    frequencies,
    match_weight_for,
    name_level,
    nik_level,
    prepare,
    probability,
    same_or_other,
    tf_adjustment,
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
    """The pairs found, and what it cost: how many candidate pairs were scored (a pair below
    the threshold that two kinds of blocking key propose is scored, and counted, twice)."""

    pairs: list[PairMatch]
    compared: int
    largest_block: int


# The match probability at or above which a pair is proposed.
DEFAULT_THRESHOLD = 0.9
MAX_BLOCK = 40
# From this many records on (file and registry), two processes share the scoring.
PARALLEL_FROM = 20_000
WINDOW = 12


def prepare_record(record: DedupRecord) -> Prepared:
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


class Scorer:
    """The model as one search applies it: the weights by level, the prior for this many
    records, the term frequencies of names and birth dates among them, and the match weight
    of the threshold."""

    def __init__(
        self,
        model: MatchModel,
        records: Sequence[Prepared],
        *,
        threshold: float = DEFAULT_THRESHOLD,
        household_rule: bool = False,
    ) -> None:
        self.model = model
        self.table = model.table
        self.house_table = model.house_table
        self.base = model.prior_weight(len(records))
        self.threshold = threshold
        # The weight of the threshold, a hair low: the last word is the probability's.
        self.cutoff = match_weight_for(threshold) - 1e-9
        self.household_rule = household_rule
        self.frequencies = frequencies(records)
        self.name_u = model.u("name", "exact")
        self.birth_u = model.u("birth_date", "exact")
        # The most each level can weigh, in either table.
        self.top = tuple(
            tuple(max(pair) for pair in zip(plain, house, strict=True))
            for plain, house in zip(self.table, self.house_table, strict=True)
        )
        # The most a name other than the same one can add, and any name: the same name seen
        # only once.
        self.other_name_ceiling = max(self.top[NAME][NAME_EXACT + 1 :])
        name_ceiling = max(
            self.other_name_ceiling,
            self.top[NAME][NAME_EXACT] + tf_adjustment(self.name_u, self.frequencies.smallest),
        )
        # The most the fields weighed after the first check can add.
        self.rest_ceiling = max(self.top[ADDRESS]) + max(self.top[SEX]) + name_ceiling

    def name_adjustment(self, name: str) -> float:
        share = self.frequencies.names.get(name, self.frequencies.smallest)
        return tf_adjustment(self.name_u, share)

    def birth_adjustment(self, born: date) -> float:
        share = self.frequencies.birth_dates.get(born, self.frequencies.smallest)
        return tf_adjustment(self.birth_u, share)

    def judge(self, a: Prepared, b: Prepared) -> "PairMatch | None":
        """The pair, if certain or at least as probable as the threshold.

        The cheapest fields come first, each with the most it can weigh in either table; a
        pair that cannot reach the threshold whatever the other fields say is turned down
        there, most of them before any text is compared. The order of these steps never
        changes a weight."""
        nik = nik_level(a, b)
        birth = birth_level(a.birth_date, b.birth_date)
        kk = same_or_other(a.kk, b.kk)
        kelurahan = same_or_other(a.kelurahan, b.kelurahan)
        certain = nik == NIK_EXACT or (self.household_rule and kk == SAME)
        birth_tf = 0.0
        if birth == BIRTH_EXACT:
            birth_tf = self.birth_adjustment(a.birth_date)  # type: ignore[arg-type]
        if not certain:
            top = self.top
            bound = (
                self.base
                + top[NIK][nik]
                + top[BIRTH][birth]
                + top[KK][kk]
                + top[KELURAHAN][kelurahan]
                + max(birth_tf, 0.0)
                + self.rest_ceiling
            )
            if bound < self.cutoff:
                return None
        address = address_level(a.address, b.address) if kelurahan == SAME else NULL
        levels = [nik, NULL, birth, same_or_other(a.sex, b.sex), address, kelurahan, kk]
        house = address == SAME
        table = self.house_table if house else self.table
        weight = (
            self.base
            + table[NIK][nik]
            + table[BIRTH][birth]
            + table[SEX][levels[SEX]]
            + table[ADDRESS][address]
            + table[KELURAHAN][kelurahan]
            + table[KK][kk]
        )
        # Term frequencies speak of people drawn at random, not of one household.
        if not house:
            weight += birth_tf
        same_name = bool(a.forms.name) and a.forms.name == b.forms.name
        if not certain and not same_name and weight + self.other_name_ceiling < self.cutoff:
            return None
        name = NAME_EXACT if same_name else name_level(a.forms, b.forms)
        levels[NAME] = name
        weight += table[NAME][name]
        if name == NAME_EXACT and not house:
            weight += self.name_adjustment(a.forms.name)
        if not certain and (weight < self.cutoff or probability(weight) < self.threshold):
            return None
        return self._pair(a, b, levels, weight, certain)

    def _pair(
        self, a: Prepared, b: Prepared, levels: list[int], weight: float, certain: bool
    ) -> "PairMatch":
        adjustments: dict[int, float] = {}
        house = levels[ADDRESS] == SAME
        if levels[NAME] == NAME_EXACT and not house:
            adjustments[NAME] = self.name_adjustment(a.forms.name)
        if levels[BIRTH] == BIRTH_EXACT and not house:
            adjustments[BIRTH] = self.birth_adjustment(a.birth_date)  # type: ignore[arg-type]
        return PairMatch(
            a.key,
            b.key,
            1.0 if certain else probability(weight),
            _certain_reasons(levels, self.household_rule)
            if certain
            else _reasons(a, b, levels, self.household_rule),
            evidence=contributions(levels, self.model, adjustments),
            match_weight=round(weight, 2),
        )


def _certain_reasons(levels: Sequence[int], household_rule: bool) -> tuple[MatchReason, ...]:
    """A certain pair is named by its rule alone; the other fields are in its evidence."""
    reasons = [MatchReason.SAME_NIK] if levels[NIK] == NIK_EXACT else []
    if household_rule and levels[KK] == SAME:
        reasons.append(MatchReason.SAME_KK)
    return tuple(sorted(reasons))


def _reasons(
    a: Prepared, b: Prepared, levels: Sequence[int], household_rule: bool
) -> tuple[MatchReason, ...]:
    reasons: list[MatchReason] = []
    nik = levels[NIK]
    if nik == NIK_EXACT:
        reasons.append(MatchReason.SAME_NIK)
    elif nik in (NIK_ONE_DIGIT, NIK_SWAPPED, NIK_SERIAL, NIK_EXPLAINED):
        reasons.append(
            MatchReason.NIK_ONE_DIGIT
            if Hamming.distance(a.nik, b.nik) == 1
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


def _group(keys: Iterable[Hashable | None]) -> dict[Hashable, int | list[int]]:
    """Record indexes by key (None: no key), without a list for the many keys that only one
    record has."""
    table: dict[Hashable, int | list[int]] = {}
    get = table.get
    for index, key in enumerate(keys):
        if key is None:
            continue
        found = get(key)
        if found is None:
            table[key] = index
        elif type(found) is int:
            table[key] = [found, index]
        else:
            found.append(index)  # type: ignore[union-attr]
    return table


def _ordered_pair(text: str, at: int) -> str:
    return text[at : at + 2] if text[at] <= text[at + 1] else text[at + 1] + text[at]


class _Kind(NamedTuple):
    """One kind of blocking key: every record's key (or None), and the order used to window
    a large block of it."""

    keys: Iterator[Hashable | None]
    order: Callable[[int], str]


# Two NIKs one digit apart, or with two adjacent digits swapped, agree on all but one of their
# parts: area and day of birth (8 digits), month and year (4), serial (4); a swap across two
# parts is caught by writing those two digits in order. Each key also holds the opening sounds
# of the distinctive name, because a NIK's date and serial leave few digits free. The key for a
# slip in the month or year holds the whole sound-alike name: without it, it would hold
# everyone of a kecamatan born on the same day of any month, and such a slip leaves the birth
# date column intact for the birth date block.
def _block_keys(prepared: Sequence[Prepared], household_rule: bool) -> Iterator[_Kind]:
    """Every kind of blocking key, one at a time: the groups of a kind are dropped before the
    next is built, so memory holds one key per record, not ten. The kinds with the largest
    blocks (address, name, birth date) come first, so that two processes sharing the kinds
    finish at about the same time; the pairs found do not depend on the order."""

    def by_name_order(i: int) -> str:
        return prepared[i].forms.sorted_name

    def by_address_order(i: int) -> str:
        return prepared[i].address.text

    # The numbers (house, RT, RW) survive the many ways of writing a street, and a slip in
    # its first letters.
    yield _Kind(
        (
            (r.address.numbers or r.address.text, r.kelurahan) if r.address.text else None
            for r in prepared
        ),
        by_name_order,
    )
    yield _Kind(
        ((r.forms.key, r.kelurahan) if r.forms.name else None for r in prepared),
        by_address_order,
    )
    yield _Kind(
        ((r.birth_date, r.kelurahan) if r.birth_date is not None else None for r in prepared),
        by_name_order,
    )
    # Only records with a whole NIK; None for the others, so indexes stay aligned.
    near = [r if len(r.nik) == 16 else None for r in prepared]
    yield _Kind((f"{r.forms.opening}>{r.nik[8:]}" if r else None for r in near), by_name_order)
    yield _Kind((f"{r.forms.opening}<{r.nik[:12]}" if r else None for r in near), by_name_order)
    yield _Kind(
        (f"{r.forms.distinctive_key}={r.nik[:8]}{r.nik[12:]}" if r else None for r in near),
        by_name_order,
    )
    yield _Kind(
        (
            f"{r.forms.opening}|{r.nik[:7]}{_ordered_pair(r.nik, 7)}{r.nik[9:]}" if r else None
            for r in near
        ),
        by_name_order,
    )
    yield _Kind(
        (
            f"{r.forms.opening}/{r.nik[:11]}{_ordered_pair(r.nik, 11)}{r.nik[13:]}" if r else None
            for r in near
        ),
        by_name_order,
    )
    del near
    yield _Kind((r.nik or None for r in prepared), by_name_order)
    if household_rule:
        yield _Kind((r.kk or None for r in prepared), by_name_order)


class _Blocks(NamedTuple):
    """The blocks of one kind of key: groups of record indexes sharing a key."""

    groups: list[list[int]]
    order: Callable[[int], str]


def _kinds(
    prepared: Sequence[Prepared], household_rule: bool, claim: Callable[[], int] | None = None
) -> Iterator[_Blocks]:
    """For each kind of blocking key (with `claim`, only the kinds this process claims: it
    returns the number of the next kind nobody has taken), its blocks. A kind's groups are
    dropped before the next is built."""
    wanted = claim() if claim else 0
    for number, kind in enumerate(_block_keys(prepared, household_rule)):
        if number != wanted:
            continue  # taken by the other process: its keys are never even computed here
        groups = _group(kind.keys)
        yield _Blocks([members for members in groups.values() if type(members) is list], kind.order)
        del groups
        wanted = claim() if claim else number + 1


def candidate_pairs(members: list[int], order: Callable[[int], str]) -> Iterator[tuple[int, int]]:
    if len(members) <= MAX_BLOCK:
        for position, i in enumerate(members):
            for j in members[position + 1 :]:
                yield i, j
        return
    ranked = sorted(members, key=order)
    for position, i in enumerate(ranked):
        for j in ranked[position + 1 : position + WINDOW]:
            yield (i, j) if i < j else (j, i)


def blocked_pairs(
    prepared: Sequence[Prepared], household_rule: bool = False
) -> Iterator[tuple[int, Iterator[tuple[int, int]]]]:
    """Each kind of blocking key's number and its candidate pairs (a pair may come again
    under another kind)."""
    for number, blocks in enumerate(_kinds(prepared, household_rule)):
        yield (
            number,
            (pair for members in blocks.groups for pair in candidate_pairs(members, blocks.order)),
        )


def search_pairs(
    records: Iterable[DedupRecord],
    *,
    against: Iterable[DedupRecord] = (),
    threshold: float = DEFAULT_THRESHOLD,
    household_rule: bool = False,
    model: MatchModel | None = None,
    parallel_from: int = PARALLEL_FROM,
) -> PairSearch:
    """find_pairs, with the number of candidate pairs it scored. From `parallel_from` records
    on, where the machine can, the blocks of each kind of key are shared with a second
    process (see _search_shared)."""
    collecting = gc.isenabled()
    # Millions of small acyclic objects: the cycle collector would only rescan them.
    gc.disable()
    try:
        return _search(
            records,
            against,
            threshold,
            household_rule,
            model or default_model(),
            parallel_from,
        )
    finally:
        if collecting:
            gc.enable()


class _Found(NamedTuple):
    pairs: dict[tuple[int, int], PairMatch]
    compared: int
    largest: int


def _search_blocks(
    blocks: _Blocks,
    prepared: Sequence[Prepared],
    new_count: int,
    known: dict[tuple[int, int], PairMatch],
    scorer: Scorer,
) -> _Found:
    """Score the candidate pairs of `blocks`; pairs in `known` (found by an earlier kind of
    key) are skipped. A pair is proposed at most once by each kind of key; a matching pair
    often by several kinds, another pair rarely: scoring that again costs less than
    remembering every pair compared."""
    found: dict[tuple[int, int], PairMatch] = {}
    compared = 0
    largest = 0
    order = blocks.order
    judge = scorer.judge
    for members in blocks.groups:
        if members[0] >= new_count:
            continue  # indexes ascend: the block holds only `against` records
        largest = max(largest, len(members))
        for i, j in candidate_pairs(members, order):
            if i >= new_count or (i, j) in known:
                continue
            compared += 1
            pair = judge(prepared[i], prepared[j])
            if pair is not None:
                found[i, j] = pair
    return _Found(found, compared, largest)


def _search_kinds(
    prepared: Sequence[Prepared],
    new_count: int,
    scorer: Scorer,
    claim: Callable[[], int] | None = None,
) -> _Found:
    found: dict[tuple[int, int], PairMatch] = {}
    compared = 0
    largest = 0
    for blocks in _kinds(prepared, scorer.household_rule, claim):
        kind = _search_blocks(blocks, prepared, new_count, found, scorer)
        found |= kind.pairs
        compared += kind.compared
        largest = max(largest, kind.largest)
    return _Found(found, compared, largest)


def _can_share(count: int, parallel_from: int) -> bool:
    return (
        count >= parallel_from
        and (os.cpu_count() or 1) > 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


def _search_shared(prepared: Sequence[Prepared], new_count: int, scorer: Scorer) -> _Found:
    """The kinds of key shared between this process and a forked one: each takes the next
    kind nobody has taken, builds its blocks and scores them (the child inherits the
    records, nothing is copied to it) and the child sends back only what it found, a few
    pairs. Two cores do a large file in about two thirds of the time; the pairs are the
    same as in one process."""
    context = multiprocessing.get_context("fork")
    taken = context.Value("i", 0)

    def claim() -> int:
        with taken.get_lock():
            number: int = taken.value
            taken.value = number + 1
        return number

    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(
        target=_search_and_send, args=(sending, prepared, new_count, scorer, claim)
    )
    child.start()
    sending.close()
    mine = _search_kinds(prepared, new_count, scorer, claim)
    try:
        other: _Found = receiving.recv()
    except EOFError:  # the child died before it finished: everything is done here
        other = _search_kinds(prepared, new_count, scorer)
    finally:
        receiving.close()
        child.join()
    return _Found(
        other.pairs | mine.pairs, mine.compared + other.compared, max(mine.largest, other.largest)
    )


def _search_and_send(
    connection: Any,
    prepared: Sequence[Prepared],
    new_count: int,
    scorer: Scorer,
    claim: Callable[[], int],
) -> None:
    connection.send(_search_kinds(prepared, new_count, scorer, claim))
    connection.close()


def _search(
    records: Iterable[DedupRecord],
    against: Iterable[DedupRecord],
    threshold: float,
    household_rule: bool,
    model: MatchModel,
    parallel_from: int,
) -> PairSearch:
    # Records are taken one at a time: a caller that hands over a draining iterator holds
    # each record or its comparable form, never both for the whole file.
    prepared = [prepare_record(r) for r in records]
    new_count = len(prepared)
    prepared.extend(prepare_record(r) for r in against)
    scorer = Scorer(model, prepared, threshold=threshold, household_rule=household_rule)
    if _can_share(len(prepared), parallel_from):
        found = _search_shared(prepared, new_count, scorer)
    else:
        found = _search_kinds(prepared, new_count, scorer)
    pairs = sorted(found.pairs.values(), key=lambda pair: (-pair.score, pair.left, pair.right))
    return PairSearch(pairs=pairs, compared=found.compared, largest_block=found.largest)


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
