"""The records as columns, and the comparison levels of many pairs at once.

`match_model.compare` says what each level means, one pair at a time; this module gives the
same levels to millions of pairs held as two arrays of record numbers, with numpy over the
columns and rapidfuzz's C++ (`process.cpdist`) for the text distances. A name, an address or
a NIK is worked out once per distinct value, not once per record: a registry of a million
holds far fewer names. Tested against `compare` on the labelled sample, level by level.

Pure: plain records in, arrays out; no ORM, settings or HTTP.
"""

import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, Protocol, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel, JaroWinkler

from rentan.registry.match_model import (
    _FEMALE_DAY_OFFSET,
    ADDRESS,
    BIRTH,
    BIRTH_DAYS,
    COMMON_NAME_WORDS,
    DATE_PART,
    FIELDS,
    KELURAHAN,
    KK,
    NAME,
    NAME_CLOSE,
    NAME_SIMILAR,
    NIK,
    NIK_EXACT,
    NIK_EXPLAINED,
    NIK_ONE_DIGIT,
    NIK_SERIAL,
    NIK_SWAPPED,
    NO_ADDRESS,
    NULL,
    SAME,
    SERIAL_START,
    SEX,
    Address,
    NameForms,
    Prepared,
    _family_only,
    _same_street,
    name_forms,
    nik_level,
    parse_address,
    prepare,
)

Array = np.ndarray[Any, Any]
T = TypeVar("T")

_NIK_OTHER = 6
_BIRTH_OTHER = 6
_ADDRESS_OTHER = 5
_NAME_OTHER = 7
_NIK_DIGITS = 16


class RecordLike(Protocol):
    """What the columns read of a record (registry.dedup.DedupRecord)."""

    @property
    def key(self) -> str: ...
    @property
    def nik(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def birth_date(self) -> date | None: ...
    @property
    def kelurahan_code(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def kk_number(self) -> str: ...
    @property
    def sex(self) -> str: ...


def encode(values: Sequence[Any] | pa.Array) -> tuple[Array, list[str]]:
    """A number for each distinct string, from 1, and the strings by number (number 0 and ""
    for no value: "" or None). Arrow's dictionary encoding, in C++."""
    strings = pc.fill_null(pa.array(values, type=pa.string()), "")
    encoded = pc.dictionary_encode(strings)
    dictionary = encoded.dictionary.to_pylist()
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64) + 1
    if "" in dictionary:
        codes[codes == dictionary.index("") + 1] = 0
    return codes, ["", *dictionary]


def _ranks(values: Sequence[str]) -> Array:
    """Each value's place in the sorted order of the values (equal values, equal places; by
    code point, as Python sorts strings)."""
    ranks = pc.rank(pa.array(values, type=pa.string()), tiebreaker="dense")
    return ranks.to_numpy(zero_copy_only=False).astype(np.int64)


@dataclass
class NameColumns:
    """Per distinct raw name (number 0: no name): the forms the name level reads."""

    name: Array  # code of the comparable name
    distinctive: Array
    sorted_name: Array
    key: Array
    distinctive_key: Array
    opening: Array
    sorted_rank: Array  # place of the sorted name in their sorted order
    forms: list[NameForms]


@dataclass
class AddressColumns:
    """Per distinct raw address (number 0: none)."""

    text: Array  # code of the comparable text (0: empty)
    numbers_or_text: Array
    street: Array
    house: Array
    rt: Array
    rw: Array
    text_rank: Array
    streets: list[str]  # street by its code


@dataclass
class Columns:
    """Every record's fields as arrays, aligned with `keys`."""

    keys: list[str]
    niks: list[str]
    nik: Array  # code of the whole NIK (0: none)
    nik_value: Array  # the 16 digits as a number, -1 when not 16 digits
    digits: Array  # n x 16 digits (0 where nik_value is -1)
    explains: Array  # the NIK's date part agrees with the record's birth date and sex
    birth: Array  # ordinal day, 0 when unknown
    year: Array
    month: Array
    day: Array
    sex: Array
    kelurahan: Array
    kk: Array
    name_id: Array  # number of the raw name, into `names`
    address_id: Array  # number of the raw address, into `addresses`
    names: NameColumns
    addresses: AddressColumns

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def comparable_name(self) -> Array:
        return self.names.name[self.name_id]


_ORDINAL_OF_1970 = date(1970, 1, 1).toordinal()
_MALE, _FEMALE = 1, 2


def _numbers(array: pa.Array, missing: int = 0) -> Array:
    return pc.fill_null(array, missing).to_numpy(zero_copy_only=False).astype(np.int64)


def build_columns(records: Iterable[RecordLike]) -> Columns:
    """The columns of `records`, taken one at a time (a draining iterator is never held
    whole)."""
    keys: list[str] = []
    raw_niks: list[str] = []
    births: list[date | None] = []
    sexes: list[str] = []
    kelurahan: list[str] = []
    kks: list[str] = []
    names: list[str] = []
    addresses: list[str] = []
    for record in records:
        keys.append(record.key)
        raw_niks.append(record.nik)
        births.append(record.birth_date)
        sexes.append(record.sex)
        kelurahan.append(record.kelurahan_code)
        kks.append(record.kk_number)
        names.append(record.name)
        addresses.append(record.address)
    nik_strings = pc.utf8_trim_whitespace(pa.array(raw_niks, type=pa.string()))
    del raw_niks
    whole = pc.and_(
        pc.equal(pc.utf8_length(nik_strings), _NIK_DIGITS), pc.ascii_is_decimal(nik_strings)
    )
    nik_value = _numbers(pc.cast(pc.if_else(whole, nik_strings, "-1"), pa.int64()), -1)
    digits = _digits(nik_value)
    born = pa.array(births, type=pa.date32())
    del births
    birth = _numbers(pc.cast(born, pa.int32()), -_ORDINAL_OF_1970) + _ORDINAL_OF_1970
    year, month, day = (_numbers(part(born)) for part in (pc.year, pc.month, pc.day))
    # The birth date and sex a NIK holds: DDMMYY, 40 added to the day for women.
    nik_day = digits[:, 6].astype(np.int64) * 10 + digits[:, 7]
    nik_month = digits[:, 8].astype(np.int64) * 10 + digits[:, 9]
    nik_year = digits[:, 10].astype(np.int64) * 10 + digits[:, 11]
    nik_sex = np.where(nik_day > _FEMALE_DAY_OFFSET, _FEMALE, _MALE)
    is_whole = nik_value >= 0
    sex_codes, sex_values = encode(sexes)
    del sexes
    fixed = {"L": _MALE, "P": _FEMALE}
    renumber = np.array(
        [0, *(fixed.get(value, 3 + number) for number, value in enumerate(sex_values[1:]))]
    )
    sex = renumber[sex_codes]
    sex = np.where((sex == 0) & is_whole, nik_sex, sex)  # the NIK says it where the record does not
    explains = (
        is_whole
        & (birth != 0)
        & (nik_day % _FEMALE_DAY_OFFSET == day)
        & (nik_month == month)
        & (nik_year == year % 100)
        & ((sex == 0) | (sex == nik_sex))
    )
    nik_codes, _nik_values = encode(nik_strings)
    name_id, raw_names = encode(names)
    address_id, raw_addresses = encode(addresses)
    del names, addresses
    # Reading the addresses and the names are the two costliest steps of a large input, and
    # need nothing of each other: a forked process reads the addresses meanwhile.
    address_columns = in_another_process(
        _address_columns, raw_addresses, worth_it=len(raw_addresses) >= PARALLEL_FROM
    )
    name_columns = _name_columns(raw_names)
    return Columns(
        keys=keys,
        niks=nik_strings.to_pylist(),
        nik=nik_codes,
        nik_value=nik_value,
        digits=digits,
        explains=explains,
        birth=birth,
        year=year,
        month=month,
        day=day,
        sex=sex.astype(np.int8),
        kelurahan=encode(kelurahan)[0],
        kk=encode(pc.utf8_trim_whitespace(pa.array(kks, type=pa.string())))[0],
        name_id=name_id,
        address_id=address_id,
        names=name_columns,
        addresses=address_columns.result(),
    )


# From this many distinct values on, a second process shares the work.
PARALLEL_FROM = 20_000


class _Pending(Generic[T]):
    """`work(argument)`, running in a forked process (`child`, answering on `connection`), or
    done here when there is none."""

    def __init__(
        self, work: Callable[[Any], T], argument: Any, connection: Any = None, child: Any = None
    ) -> None:
        self._work, self._argument = work, argument
        self._connection, self._child = connection, child

    def result(self) -> T:
        if self._connection is None:
            return self._work(self._argument)
        try:
            received: T = self._connection.recv()
        except EOFError:  # the child died before it finished: the work is done here
            received = self._work(self._argument)
        finally:
            self._connection.close()
            self._child.join()
        return received


def in_another_process(work: Callable[[Any], T], argument: Any, *, worth_it: bool) -> _Pending[T]:
    """`work(argument)` started in a forked process when it is worth it (a large input) and
    the machine has a second core (the child inherits the argument, nothing is copied to it,
    and sends back only the result), else left to be done here."""
    if (
        not worth_it
        or (os.cpu_count() or 1) < 2
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return _Pending(work, argument)
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_work_and_send, args=(sending, work, argument))
    child.start()
    sending.close()
    return _Pending(work, argument, receiving, child)


def _work_and_send(connection: Any, work: Callable[[Any], Any], argument: Any) -> None:
    connection.send(work(argument))
    connection.close()


def _digits(nik_value: Array) -> Array:
    digits = np.zeros((len(nik_value), _NIK_DIGITS), dtype=np.int8)
    value = np.where(nik_value >= 0, nik_value, 0)
    for position in range(_NIK_DIGITS - 1, -1, -1):
        digits[:, position] = value % 10
        value = value // 10
    return digits


def _name_columns(raw_names: list[str]) -> NameColumns:
    forms = [name_forms(raw) for raw in raw_names]

    def column(form: str) -> Array:
        return encode([getattr(f, form) for f in forms])[0]

    return NameColumns(
        name=column("name"),
        distinctive=column("distinctive"),
        sorted_name=column("sorted_name"),
        key=column("key"),
        distinctive_key=column("distinctive_key"),
        opening=column("opening"),
        sorted_rank=_ranks([f.sorted_name for f in forms]),
        forms=forms,
    )


def _address_columns(raw_addresses: list[str]) -> AddressColumns:
    parsed: list[Address] = [parse_address(raw) if raw else NO_ADDRESS for raw in raw_addresses]
    street, streets = encode([a.street for a in parsed])
    return AddressColumns(
        text=encode([a.text for a in parsed])[0],
        numbers_or_text=encode([" ".join(a.numbers) or a.text for a in parsed])[0],
        street=street,
        house=encode([a.house for a in parsed])[0],
        rt=encode([a.rt for a in parsed])[0],
        rw=encode([a.rw for a in parsed])[0],
        text_rank=_ranks([a.text for a in parsed]),
        streets=streets,
    )


# --- Levels of many pairs -----------------------------------------------------------------------


def nik_levels(columns: Columns, left: Array, right: Array) -> Array:
    levels = np.full(len(left), _NIK_OTHER, dtype=np.int8)
    a, b = columns.nik[left], columns.nik[right]
    levels[(a == 0) | (b == 0)] = NULL
    levels[(a == b) & (a != 0)] = NIK_EXACT
    whole = (columns.nik_value[left] >= 0) & (columns.nik_value[right] >= 0) & (a != b)
    # A NIK that is not 16 digits is rare: the level of one pair at a time.
    odd = np.flatnonzero((a != 0) & (b != 0) & (a != b) & ~whole)
    for pair in odd:
        levels[pair] = nik_level(
            _nik_only(columns.niks[left[pair]]), _nik_only(columns.niks[right[pair]])
        )
    at = np.flatnonzero(whole)
    # Most pairs differ in more than two of the four groups of four digits, so in more than
    # two digits: "other", known without looking at each digit.
    value_a, value_b = columns.nik_value[left[at]], columns.nik_value[right[at]]
    groups_differing = np.zeros(len(at), dtype=np.int8)
    for power in (0, 4, 8, 12):
        groups_differing += (value_a // 10**power) % 10**4 != (value_b // 10**power) % 10**4
    at = at[groups_differing <= 2]
    if not len(at):
        return levels
    da, db = columns.digits[left[at]], columns.digits[right[at]]
    differ = da != db
    count = differ.sum(axis=1)
    first = differ.argmax(axis=1)
    last = _NIK_DIGITS - 1 - differ[:, ::-1].argmax(axis=1)
    rows = np.arange(len(at))
    swapped = (
        (count == 2)
        & (last == first + 1)
        & (da[rows, first] == db[rows, last])
        & (da[rows, last] == db[rows, first])
    )
    near = np.where(count == 1, NIK_ONE_DIGIT, np.where(swapped, NIK_SWAPPED, 0))
    in_date = (first >= DATE_PART.start) & (first < DATE_PART.stop)
    explained = in_date & columns.explains[left[at]] & columns.explains[right[at]]
    found = np.where(
        near == 0,
        _NIK_OTHER,
        np.where(first >= SERIAL_START, NIK_SERIAL, np.where(explained, NIK_EXPLAINED, near)),
    )
    levels[at] = found
    return levels


def _nik_only(nik: str) -> Prepared:
    return prepare(
        key="", nik=nik, name="", birth_date=None, kelurahan="", address="", kk="", sex=""
    )


def birth_levels(columns: Columns, left: Array, right: Array) -> Array:
    a, b = columns.birth[left], columns.birth[right]
    ya, yb = columns.year[left], columns.year[right]
    ma, mb = columns.month[left], columns.month[right]
    da, db = columns.day[left], columns.day[right]
    differing = (da != db).astype(np.int8) + (ma != mb) + (ya != yb)
    levels = np.select(
        [
            (a == 0) | (b == 0),
            a == b,
            (ya == yb) & (da == mb) & (ma == db),
            np.abs(a - b) <= BIRTH_DAYS,
            differing == 1,
            ya == yb,
        ],
        [NULL, 1, 2, 3, 4, 5],
        _BIRTH_OTHER,
    )
    return levels.astype(np.int8)


def same_or_other_levels(a: Array, b: Array) -> Array:
    return np.where((a == 0) | (b == 0), NULL, np.where(a == b, 1, 2)).astype(np.int8)


def address_levels(columns: Columns, left: Array, right: Array, same_kelurahan: Array) -> Array:
    """The address level of pairs in one kelurahan (NULL for the others, as `compare`)."""
    addresses = columns.addresses
    a, b = columns.address_id[left], columns.address_id[right]
    text_a, text_b = addresses.text[a], addresses.text[b]
    street_a, street_b = addresses.street[a], addresses.street[b]
    same_street = _same_streets(addresses, street_a, street_b) | ((street_a == 0) & (street_b == 0))
    rt_a, rw_a = addresses.rt[a], addresses.rw[a]
    neighbourhood = (
        (rt_a != 0) & (rw_a != 0) & (rt_a == addresses.rt[b]) & (rw_a == addresses.rw[b])
    )
    house_a = addresses.house[a]
    same_house = (house_a != 0) & (house_a == addresses.house[b])
    levels = np.select(
        [
            ~same_kelurahan | (text_a == 0) | (text_b == 0),
            ~same_street,
            same_house & neighbourhood,
            same_house,
            neighbourhood,
        ],
        [NULL, _ADDRESS_OTHER, 1, 2, 3],
        4,
    )
    return levels.astype(np.int8)


def _same_streets(addresses: AddressColumns, a: Array, b: Array) -> Array:
    same = (a == b) & (a != 0)
    other = np.flatnonzero((a != b) & (a != 0) & (b != 0))
    if len(other):
        width = len(addresses.streets)
        distinct, back = np.unique(a[other] * width + b[other], return_inverse=True)
        streets = addresses.streets
        alike = np.fromiter(
            (_same_street(streets[int(c) // width], streets[int(c) % width]) for c in distinct),
            dtype=bool,
            count=len(distinct),
        )
        same[other] = alike[back]
    return same


def name_levels(columns: Columns, left: Array, right: Array) -> Array:
    """The name level (`match_model.name_level`) of each pair, worked out once per distinct
    pair of names."""
    a, b = columns.name_id[left], columns.name_id[right]
    width = len(columns.names.forms)
    distinct, back = np.unique(np.minimum(a, b) * width + np.maximum(a, b), return_inverse=True)
    return distinct_name_levels(columns.names, distinct // width, distinct % width)[back]


def distinct_name_levels(names: NameColumns, a: Array, b: Array) -> Array:
    levels = np.full(len(a), _NAME_OTHER, dtype=np.int8)
    code = names.name
    empty = (code[a] == 0) | (code[b] == 0)
    levels[empty] = NULL
    exact = ~empty & (code[a] == code[b])
    levels[exact] = 1
    close = (
        ~empty
        & ~exact
        & (
            (names.distinctive[a] == names.distinctive[b])
            | (names.sorted_name[a] == names.sorted_name[b])
        )
    )
    levels[close] = 2
    rest = np.flatnonzero(~empty & ~exact & ~close)
    if not len(rest):
        return levels
    forms = names.forms
    ra, rb = a[rest], b[rest]
    left_forms = [forms[i] for i in ra]
    right_forms = [forms[i] for i in rb]
    similarity = np.maximum(
        _similarity(JaroWinkler, left_forms, right_forms, "distinctive"),
        _similarity(Indel, left_forms, right_forms, "distinctive_sorted"),
    )
    reordered = np.fromiter(
        (
            x.distinctive_sorted != x.distinctive or y.distinctive_sorted != y.distinctive
            for x, y in zip(left_forms, right_forms, strict=True)
        ),
        dtype=bool,
        count=len(rest),
    )
    if reordered.any():
        which = np.flatnonzero(reordered)
        similarity[which] = np.maximum(
            similarity[which],
            _similarity(
                JaroWinkler,
                [left_forms[i] for i in which],
                [right_forms[i] for i in which],
                "distinctive_sorted",
            ),
        )
    sounds = (names.key[ra] == names.key[rb]) | (
        names.distinctive_key[ra] == names.distinctive_key[rb]
    )
    found = np.where(similarity >= NAME_CLOSE, 2, np.where(sounds, 3, 0)).astype(np.int8)
    undecided = np.flatnonzero(found == 0)
    if len(undecided):
        one_slip = (
            process.cpdist(
                [left_forms[i].distinctive for i in undecided],
                [right_forms[i].distinctive for i in undecided],
                scorer=OSA.distance,
                score_cutoff=1,
                workers=-1,
            )
            <= 1
        )
        found[undecided] = [
            _contained_or_family(left_forms[i], right_forms[i], bool(similar or slip))
            for i, similar, slip in zip(
                undecided, similarity[undecided] >= NAME_SIMILAR, one_slip, strict=True
            )
        ]
    levels[rest] = found
    return levels


def _similarity(scorer: Any, left: list[NameForms], right: list[NameForms], form: str) -> Array:
    # Below NAME_SIMILAR a similarity decides nothing (as in name_level).
    return np.asarray(
        process.cpdist(
            [getattr(f, form) for f in left],
            [getattr(f, form) for f in right],
            scorer=scorer.normalized_similarity,
            score_cutoff=NAME_SIMILAR,
            # In double precision, as the one-pair functions: 0.94 in float32 is below 0.94.
            dtype=np.float64,
            workers=-1,
        ),
        dtype=np.float64,
    )


def _contained_or_family(a: NameForms, b: NameForms, similar: bool) -> int:
    short, long_ = (a.words, b.words) if len(a.words) <= len(b.words) else (b.words, a.words)
    if short <= long_ and not short <= COMMON_NAME_WORDS:
        return 5
    if _family_only(a.distinctive, b.distinctive):
        return 6
    return 4 if similar else _NAME_OTHER


def cheap_levels(columns: Columns, left: Array, right: Array) -> Array:
    """Every level but the name's (left NULL), one row per pair (as `compare_cheap`)."""
    levels = np.zeros((len(left), len(FIELDS)), dtype=np.int8)
    levels[:, NIK] = nik_levels(columns, left, right)
    levels[:, BIRTH] = birth_levels(columns, left, right)
    levels[:, SEX] = same_or_other_levels(columns.sex[left], columns.sex[right])
    kelurahan = same_or_other_levels(columns.kelurahan[left], columns.kelurahan[right])
    levels[:, ADDRESS] = address_levels(columns, left, right, kelurahan == SAME)
    levels[:, KELURAHAN] = kelurahan
    levels[:, KK] = same_or_other_levels(columns.kk[left], columns.kk[right])
    return levels


def compare_pairs(columns: Columns, left: Array, right: Array) -> Array:
    """Every level of every pair, one row per pair (as `match_model.compare`)."""
    levels = cheap_levels(columns, left, right)
    levels[:, NAME] = name_levels(columns, left, right)
    return levels
