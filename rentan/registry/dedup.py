"""Finds records that are probably the same person: within a file, across files and against
the registry. Pure: plain records in, scored pairs with their reasons out.

Exact: the same NIK (and, for a programme with one participant per family, the same KK: a
household pair, shown rather than silently dropped). Probable, scored 0..1 with rapidfuzz:
a NIK one digit off or with two adjacent digits swapped and a similar name; the same birth date
and a similar name in the same kelurahan; a similar name and address in the same kelurahan.

Only records that share a blocking key are compared (the NIK with one of its parts left out,
or with the two digits at a part boundary in order, each with the opening sounds of the name;
birth date + kelurahan; sound-alike name + kelurahan; house/RT/RW numbers + street +
kelurahan), so the cost grows with the candidate pairs, not with n².
A block larger than `MAX_BLOCK` (a very common name in a big kelurahan) is sorted and each
record compared with its `WINDOW` nearest neighbours only.

A pair with no evidence besides the name is set aside before any text is compared (a test
skipped for the kinds of key whose pairs all have such evidence: birth date, address); the
score then compares the names first, cut short below `NAME_GATE`. The order of these tests
never changes a score. From `PARALLEL_FROM` records on, the kinds of key are shared with one
forked process (same pairs as one process). Names are compared in the form `names.py` gives
them; quality is measured on `dedup_sample.py` (`bench/bench_dedup.py`).
"""

import gc
import multiprocessing
import os
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import lru_cache
from typing import Any, NamedTuple

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from rapidfuzz.distance import Hamming, Indel

from rentan.registry.names import comparable_name, name_key


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
    score: float  # 0..1
    reasons: tuple[MatchReason, ...]

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


DEFAULT_THRESHOLD = 0.85
MAX_BLOCK = 40
# From this many records on (file and registry), two processes share the scoring.
PARALLEL_FROM = 20_000
WINDOW = 12
# A name at least this similar counts as "similar" in the reasons shown to the reviewer.
SIMILAR_NAME = 0.8
SIMILAR_ADDRESS = 0.8
# The weights of the evidence (measured on the labelled sample of dedup_sample).
NAME_GATE = 0.75
NAME_WEIGHT = 0.65
NEAR_NIK_WEIGHT = 0.3
SAME_BIRTH_WEIGHT = 0.2
BIRTH_IN_NIK_WEIGHT = 0.05
SAME_KELURAHAN_WEIGHT = 0.05
ADDRESS_WEIGHT = 0.3
DIFFERENT_NIK_PENALTY = 0.2
CLOSE_BIRTH_PENALTY = 0.05
DIFFERENT_BIRTH_PENALTY = 0.25


class _NikRelation(Enum):
    MISSING = 0
    SAME = 1
    ONE_DIGIT = 2
    SWAPPED = 3
    DIFFERENT = 4


class _NameForms(NamedTuple):
    name: str
    sorted_name: str
    distinctive: str
    distinctive_sorted: str
    words: frozenset[str]
    key: str
    opening: str  # the first sounds of the distinctive words
    distinctive_key: str


class _Prepared(NamedTuple):
    key: str
    nik: str
    forms: _NameForms
    birth_date: date | None
    kelurahan: str
    address: str
    address_numbers: tuple[str, ...]
    kk: str


_ADDRESS_WORDS = {
    "jalan": "jl",
    "jln": "jl",
    "jl": "jl",
    "gang": "gg",
    "gg": "gg",
    "nomor": "no",
    "no": "no",
    "nmr": "no",
    "kampung": "kp",
    "kp": "kp",
    "kel": "",
    "kelurahan": "",
    "kec": "",
    "kecamatan": "",
}
_ADDRESS_WORD = re.compile(r"[a-z]+|\d+")
# Words that are too common to tell two names apart: compared only when nothing else is left.
_COMMON_NAME_WORDS = frozenset({"muhammad", "siti", "ahmad", "abdul", "nur", "sri", "dewi"})


@lru_cache(maxsize=200_000)
def normalize_address(raw: str) -> tuple[str, tuple[str, ...]]:
    """The comparable form of an address, and its numbers (house, RT, RW) in order."""
    words = [_ADDRESS_WORDS.get(w, w) for w in _ADDRESS_WORD.findall(raw.lower())]
    words = [(w.lstrip("0") or "0") if w.isdigit() else w for w in words if w]
    return " ".join(words), tuple(w for w in words if w.isdigit())


_ADDRESS_MARKERS = frozenset({"jl", "gg", "no", "rt", "rw", "kp", "blok", "raya", "perum"})


def _street_opening(address: str) -> str:
    """The first letters of the street's own name, to tell apart houses of one number."""
    for word in address.split():
        if word.isalpha() and word not in _ADDRESS_MARKERS:
            return word[:2]
    return ""


def _distinctive(name: str) -> str:
    words = [w for w in name.split() if w not in _COMMON_NAME_WORDS]
    return " ".join(words) if words else name


_indel = Indel.normalized_similarity


def _name_similarity(a: _NameForms, b: _NameForms, at_least: float = 0.0) -> float:
    """With `at_least`, a similarity below it may come back as 0 (rapidfuzz stops early)."""
    if a.name == b.name:
        return 1.0 if a.name else 0.0
    if a.distinctive == b.distinctive:
        return 0.97
    score = _indel(a.distinctive, b.distinctive, score_cutoff=at_least)
    if a.distinctive_sorted != a.distinctive or b.distinctive_sorted != b.distinctive:
        score = max(
            score, _indel(a.distinctive_sorted, b.distinctive_sorted, score_cutoff=at_least)
        )
    if score < 0.9:
        short, long_ = (a.words, b.words) if len(a.words) <= len(b.words) else (b.words, a.words)
        if len(short) >= 2 and short <= long_:
            score = 0.9
    return score


def address_similarity(
    left: tuple[str, tuple[str, ...]], right: tuple[str, tuple[str, ...]]
) -> float:
    """0..1; two addresses with different house or RT/RW numbers are at most 0.5."""
    if not left[0] or not right[0]:
        return 0.0
    score = Indel.normalized_similarity(left[0], right[0])
    short, long_ = sorted((left[1], right[1]), key=len)
    if short and long_[: len(short)] != short:
        score = min(score, 0.5)
    return score


def nik_relation(left: str, right: str) -> _NikRelation:
    if not left or not right:
        return _NikRelation.MISSING
    if left == right:
        return _NikRelation.SAME
    if len(left) != len(right):
        return _NikRelation.DIFFERENT
    distance = Hamming.distance(left, right)
    if distance == 1:
        return _NikRelation.ONE_DIGIT
    if distance != 2:
        return _NikRelation.DIFFERENT
    differing = [i for i, (a, b) in enumerate(zip(left, right, strict=True)) if a != b]
    if len(differing) == 1:
        return _NikRelation.ONE_DIGIT
    if (
        len(differing) == 2
        and differing[1] == differing[0] + 1
        and left[differing[0]] == right[differing[1]]
        and left[differing[1]] == right[differing[0]]
    ):
        return _NikRelation.SWAPPED
    return _NikRelation.DIFFERENT


SERIAL_START = 12  # NIK digits 13-16: the serial


def _first_difference(left: str, right: str) -> int:
    return next(i for i, (x, y) in enumerate(zip(left, right, strict=True)) if x != y)


def _score(
    a: _Prepared, b: _Prepared, household_rule: bool
) -> tuple[float, tuple[MatchReason, ...]]:
    exact: list[MatchReason] = []
    if a.nik and a.nik == b.nik:
        exact.append(MatchReason.SAME_NIK)
    if household_rule and a.kk and a.kk == b.kk:
        exact.append(MatchReason.SAME_KK)
    if exact:
        return 1.0, tuple(exact)

    # Every probable match needs a similar name: most candidate pairs that reach this point
    # (neighbours of one house number, people born on one day) fail here.
    name = _name_similarity(a.forms, b.forms, NAME_GATE)
    if name < NAME_GATE:
        return 0.0, ()
    # A name alone is never enough: without a near NIK, the same birth date or a similar
    # address there is no match, whatever the name.
    relation = nik_relation(a.nik, b.nik)
    near = relation in (_NikRelation.ONE_DIGIT, _NikRelation.SWAPPED)
    birth = _birth_agreement(a.birth_date, b.birth_date)
    same_kelurahan = bool(a.kelurahan) and a.kelurahan == b.kelurahan
    address = (
        address_similarity((a.address, a.address_numbers), (b.address, b.address_numbers))
        if same_kelurahan
        else 0.0
    )
    if not near and birth is not _Birth.SAME and address < SIMILAR_ADDRESS:
        return 0.0, ()
    reasons: set[MatchReason] = set()
    # Evidence adds up: the name carries most of it, each other agreement adds to it, and a
    # plain disagreement (another birth date, another NIK) takes away.
    score = NAME_WEIGHT * name
    # A NIK one digit off speaks for a slip only where two people rarely differ by one digit:
    # not in the serial (people born the same day in one kecamatan get 0001, 0002, ...), and
    # not when each record's own birth date explains the difference.
    is_slip = (
        near
        and _first_difference(a.nik, b.nik) < SERIAL_START
        and birth in (_Birth.SAME, _Birth.MISSING)
    )
    if near:
        reasons.add(
            MatchReason.NIK_ONE_DIGIT
            if relation is _NikRelation.ONE_DIGIT
            else MatchReason.NIK_SWAPPED_DIGITS
        )
    if is_slip:
        score += NEAR_NIK_WEIGHT
    elif relation is _NikRelation.DIFFERENT:
        score -= DIFFERENT_NIK_PENALTY
    if same_kelurahan:
        score += SAME_KELURAHAN_WEIGHT
    else:
        score -= SAME_KELURAHAN_WEIGHT
    if birth is _Birth.SAME:
        # A slipped NIK already carries the birth date: count it once.
        score += BIRTH_IN_NIK_WEIGHT if is_slip else SAME_BIRTH_WEIGHT
        reasons.add(MatchReason.SAME_BIRTH_DATE)
        if same_kelurahan:
            score += SAME_KELURAHAN_WEIGHT
            reasons.add(MatchReason.SAME_KELURAHAN)
    elif birth is _Birth.CLOSE:
        score -= CLOSE_BIRTH_PENALTY
    elif birth is _Birth.DIFFERENT:
        score -= DIFFERENT_BIRTH_PENALTY
    if address >= SIMILAR_ADDRESS:
        score += ADDRESS_WEIGHT * address
        reasons.update((MatchReason.SIMILAR_ADDRESS, MatchReason.SAME_KELURAHAN))
    if name >= SIMILAR_NAME:
        reasons.add(MatchReason.SIMILAR_NAME)
    return round(min(max(score, 0.0), 1.0), 4), tuple(sorted(reasons))


class _Birth(Enum):
    MISSING = 0
    SAME = 1
    CLOSE = 2
    DIFFERENT = 3


def _birth_agreement(left: date | None, right: date | None) -> _Birth:
    """CLOSE: one of day, month and year differs, or day and month are swapped (a slip)."""
    if left is None or right is None:
        return _Birth.MISSING
    if left == right:
        return _Birth.SAME
    parts = sum((left.day != right.day, left.month != right.month, left.year != right.year))
    swapped = left.year == right.year and (left.day, left.month) == (right.month, right.day)
    return _Birth.CLOSE if parts == 1 or swapped else _Birth.DIFFERENT


def _name_forms(raw: str) -> _NameForms:
    return _forms_of(comparable_name(raw))


@lru_cache(maxsize=500_000)
def _forms_of(name: str) -> _NameForms:
    distinctive = _distinctive(name)
    key = name_key(name)
    distinctive_key = key if distinctive == name else name_key(distinctive)
    return _NameForms(
        name=name,
        sorted_name=" ".join(sorted(name.split())),
        distinctive=distinctive,
        distinctive_sorted=" ".join(sorted(distinctive.split())),
        words=frozenset(name.split()),
        key=key,
        opening=distinctive_key[:4],
        distinctive_key=distinctive_key,
    )


_NO_ADDRESS: tuple[str, tuple[str, ...]] = ("", ())


def _prepare(record: DedupRecord) -> _Prepared:
    address, numbers = normalize_address(record.address) if record.address else _NO_ADDRESS
    return _Prepared(
        record.key,
        record.nik.strip(),
        _name_forms(record.name),
        record.birth_date,
        record.kelurahan_code,
        address,
        numbers,
        record.kk_number.strip(),
    )


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
    """One kind of blocking key: every record's key (or None), the order used to window a
    large block of it, and whether its pairs (nearly) always have evidence besides the name:
    the same birth date, or the same house numbers. The cheap test for evidence (which only
    ever saves time: _score judges every pair in full) is then skipped."""

    keys: Iterator[Hashable | None]
    order: Callable[[int], str]
    has_evidence: bool = False


# Two NIKs one digit apart, or with two adjacent digits swapped, agree on all but one of their
# parts: area and day of birth (8 digits), month and year (4), serial (4); a swap across two
# parts is caught by writing those two digits in order. Each key also holds the opening sounds
# of the distinctive name, because a NIK's date and serial leave few digits free. The key for a
# slip in the month or year holds the whole sound-alike name: without it, it would hold
# everyone of a kecamatan born on the same day of any month, and such a slip leaves the birth
# date column intact for the birth date block.
def _block_keys(prepared: Sequence[_Prepared], household_rule: bool) -> Iterator[_Kind]:
    """Every kind of blocking key, one at a time: the groups of a kind are dropped before the
    next is built, so memory holds one key per record, not ten. The kinds with the largest
    blocks (address, name, birth date) come first, so that two processes sharing the kinds
    finish at about the same time; the pairs found do not depend on the order."""

    def by_name_order(i: int) -> str:
        return prepared[i].forms.sorted_name

    def by_address_order(i: int) -> str:
        return prepared[i].address

    # The numbers (house, RT, RW) survive the many ways of writing a street.
    yield _Kind(
        (
            (r.address_numbers or r.address, _street_opening(r.address), r.kelurahan)
            if r.address
            else None
            for r in prepared
        ),
        by_name_order,
        has_evidence=True,
    )
    yield _Kind(
        ((r.forms.key, r.kelurahan) if r.forms.name else None for r in prepared),
        by_address_order,
    )
    yield _Kind(
        ((r.birth_date, r.kelurahan) if r.birth_date is not None else None for r in prepared),
        by_name_order,
        has_evidence=True,
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
    has_evidence: bool


def _kinds(
    prepared: Sequence[_Prepared], household_rule: bool, claim: Callable[[], int] | None = None
) -> Iterator[_Blocks]:
    """For each kind of blocking key (with `claim`, only the kinds this process claims: it
    returns the number of the next kind nobody has taken), its blocks. A kind's groups are
    dropped before the next is built."""
    wanted = claim() if claim else 0
    for number, kind in enumerate(_block_keys(prepared, household_rule)):
        if number != wanted:
            continue  # taken by the other process: its keys are never even computed here
        groups = _group(kind.keys)
        yield _Blocks(
            [members for members in groups.values() if type(members) is list],
            kind.order,
            kind.has_evidence,
        )
        del groups
        wanted = claim() if claim else number + 1


def _candidate_pairs(members: list[int], order: Callable[[int], str]) -> Iterator[tuple[int, int]]:
    if len(members) <= MAX_BLOCK:
        for position, i in enumerate(members):
            for j in members[position + 1 :]:
                yield i, j
        return
    ranked = sorted(members, key=order)
    for position, i in enumerate(ranked):
        for j in ranked[position + 1 : position + WINDOW]:
            yield (i, j) if i < j else (j, i)


def search_pairs(
    records: Iterable[DedupRecord],
    *,
    against: Iterable[DedupRecord] = (),
    threshold: float = DEFAULT_THRESHOLD,
    household_rule: bool = False,
    parallel_from: int = PARALLEL_FROM,
) -> PairSearch:
    """find_pairs, with the number of candidate pairs it scored. From `parallel_from` records
    on, where the machine can, the blocks of each kind of key are shared with a second
    process (see _Share)."""
    collecting = gc.isenabled()
    # Millions of small acyclic objects: the cycle collector would only rescan them.
    gc.disable()
    try:
        return _search(records, against, threshold, household_rule, parallel_from)
    finally:
        if collecting:
            gc.enable()


def _no_evidence(a: _Prepared, b: _Prepared, household_rule: bool) -> bool:
    """True for a pair that _score turns down whatever the names: not the same birth date,
    no address that could be similar (another kelurahan, or other house or RT/RW numbers),
    no NIK equal or near, no shared KK. Most candidate pairs of a large kelurahan (people
    of one common name, neighbours of one house number) are such pairs, told apart here
    without comparing any text."""
    if a.birth_date is not None and a.birth_date == b.birth_date:
        return False
    if a.address and b.address and a.kelurahan and a.kelurahan == b.kelurahan:
        short, long_ = a.address_numbers, b.address_numbers
        if len(short) > len(long_):
            short, long_ = long_, short
        if not short or long_[: len(short)] == short:
            return False
    if household_rule and a.kk and a.kk == b.kk:
        return False
    left, right = a.nik, b.nik
    return not (left and right and len(left) == len(right) and Hamming.distance(left, right) <= 2)


class _Found(NamedTuple):
    pairs: dict[tuple[int, int], PairMatch]
    compared: int
    largest: int


def _search_blocks(
    blocks: _Blocks,
    prepared: Sequence[_Prepared],
    new_count: int,
    known: dict[tuple[int, int], PairMatch],
    threshold: float,
    household_rule: bool,
) -> _Found:
    """Score the candidate pairs of `blocks`; pairs in `known` (found by an earlier kind of
    key) are skipped. A pair is proposed at most once by each kind of key; a matching pair
    often by several kinds, another pair rarely: scoring that again costs less than
    remembering every pair compared."""
    found: dict[tuple[int, int], PairMatch] = {}
    compared = 0
    largest = 0
    order = blocks.order
    # Where every pair has evidence, the cheap test for it would only cost time.
    may_lack_evidence = not blocks.has_evidence
    for members in blocks.groups:
        if members[0] >= new_count:
            continue  # indexes ascend: the block holds only `against` records
        largest = max(largest, len(members))
        for i, j in _candidate_pairs(members, order):
            if i >= new_count or (i, j) in known:
                continue
            compared += 1
            left, right = prepared[i], prepared[j]
            if may_lack_evidence and _no_evidence(left, right, household_rule):
                continue
            score, reasons = _score(left, right, household_rule)
            if reasons and score >= threshold:
                found[i, j] = PairMatch(left.key, right.key, score, reasons)
    return _Found(found, compared, largest)


def _search_kinds(
    prepared: Sequence[_Prepared],
    new_count: int,
    threshold: float,
    household_rule: bool,
    claim: Callable[[], int] | None = None,
) -> _Found:
    found: dict[tuple[int, int], PairMatch] = {}
    compared = 0
    largest = 0
    for blocks in _kinds(prepared, household_rule, claim):
        kind = _search_blocks(blocks, prepared, new_count, found, threshold, household_rule)
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


def _search_shared(
    prepared: Sequence[_Prepared], new_count: int, threshold: float, household_rule: bool
) -> _Found:
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
    args = (prepared, new_count, threshold, household_rule, claim)
    child = context.Process(target=_search_and_send, args=(sending, *args))
    child.start()
    sending.close()
    mine = _search_kinds(*args)
    try:
        other: _Found = receiving.recv()
    except EOFError:  # the child died before it finished: everything is done here
        other = _search_kinds(prepared, new_count, threshold, household_rule)
    finally:
        receiving.close()
        child.join()
    return _Found(
        other.pairs | mine.pairs, mine.compared + other.compared, max(mine.largest, other.largest)
    )


def _search_and_send(
    connection: Any,
    prepared: Sequence[_Prepared],
    new_count: int,
    threshold: float,
    household_rule: bool,
    claim: Callable[[], int],
) -> None:
    connection.send(_search_kinds(prepared, new_count, threshold, household_rule, claim))
    connection.close()


def _search(
    records: Iterable[DedupRecord],
    against: Iterable[DedupRecord],
    threshold: float,
    household_rule: bool,
    parallel_from: int,
) -> PairSearch:
    # Records are taken one at a time: a caller that hands over a draining iterator holds
    # each record or its comparable form, never both for the whole file.
    prepared = [_prepare(r) for r in records]
    new_count = len(prepared)
    prepared.extend(_prepare(r) for r in against)
    if _can_share(len(prepared), parallel_from):
        found = _search_shared(prepared, new_count, threshold, household_rule)
    else:
        found = _search_kinds(prepared, new_count, threshold, household_rule)
    pairs = sorted(found.pairs.values(), key=lambda pair: (-pair.score, pair.left, pair.right))
    return PairSearch(pairs=pairs, compared=found.compared, largest_block=found.largest)


def find_pairs(
    records: Iterable[DedupRecord],
    *,
    against: Iterable[DedupRecord] = (),
    threshold: float = DEFAULT_THRESHOLD,
    household_rule: bool = False,
) -> list[PairMatch]:
    """Pairs among `records`, and between `records` and `against` (never within `against`).

    In each pair `left` is the record of `records` (the earlier one when both are)."""
    return search_pairs(
        records, against=against, threshold=threshold, household_rule=household_rule
    ).pairs
