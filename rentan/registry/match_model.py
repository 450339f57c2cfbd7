"""How much each field's agreement says that two records are one person (Fellegi-Sunter).

Each comparison (NIK, name, birth date, sex, address, kelurahan, KK) puts a pair of records
in one of its levels, from the closest agreement to plain disagreement; level 0 means a side
has no value, and says nothing. Each level has two probabilities: `m`, that it is seen when
the records are one person, and `u`, that it is seen by chance between two people. Its
weight is log2(m/u): a NIK one digit off is rare by chance and common as a slip, so it weighs
much; "the same kelurahan" is common by chance and weighs little. The weights add up with the
prior odds of a match into the match weight, whose logistic is the match probability.

A common name or a common birth date (1 January) proves less than a rare one: the weight of
their exact level is adjusted by how often the value occurs among the records compared (term
frequency, as Splink does). The NIK is compared by its parts: a slip in the area or the date
part is rare between two people; a difference in the serial, or one that each record's own
birth date and sex explain, is what two people born the same day in one kecamatan have.

The model is data: `MatchModel` holds m and u per level, the prior, when and over how many
records it was estimated (`match_estimation.py`, without labels); the registry keeps the
estimates (`registry.models.MatchWeights`) and a new installation uses the shipped default,
`data/match_weights.json`. Pure: no ORM, settings or HTTP.

`compare` says what each level means, one pair at a time; the matcher and the estimation give
the same levels to millions of pairs at once with `match_columns.py` (tested against it).
"""

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rapidfuzz.distance import OSA, Hamming, Indel, JaroWinkler

from rentan.core.formatting import format_signed
from rentan.registry.names import comparable_name, name_key

NULL = 0  # the level of a pair where a side has no value: weight 0

# The levels of each comparison, closest agreement first; index 0 is NULL.
COMPARISONS: dict[str, tuple[str, ...]] = {
    "nik": ("", "exact", "one_digit", "swapped", "serial", "explained", "other"),
    "name": ("", "exact", "close", "sounds_alike", "similar", "contained", "family", "other"),
    "birth_date": ("", "exact", "swapped", "days", "one_part", "same_year", "other"),
    "sex": ("", "same", "other"),
    "address": ("", "same", "house", "rt_rw", "street", "other"),
    "kelurahan": ("", "same", "other"),
    "kk": ("", "same", "other"),
}
# The comparisons weighed with another u between two people at the same house: there a
# shared KK, a family name or a birth date (twins) are common between two people, and
# counting them as if drawn at random would count the household twice. (The NIK's serial
# levels already have their u from people born the same day, see match_estimation.py.)
HOUSE_CONTEXT = ("name", "birth_date", "sex", "kk")
FIELDS = tuple(COMPARISONS)
NIK, NAME, BIRTH, SEX, ADDRESS, KELURAHAN, KK = range(len(FIELDS))
# Level numbers used by the matcher's certain rules and reasons.
NIK_EXACT, NIK_ONE_DIGIT, NIK_SWAPPED, NIK_SERIAL, NIK_EXPLAINED = 1, 2, 3, 4, 5
NAME_EXACT = 1
NAME_CONTAINED = 5
BIRTH_EXACT = 1
SAME = 1  # sex, kelurahan, kk: "same"; address: the same house, street, RT and RW
ADDRESS_HOUSE = 2

# What the review shows for each level (the NULL level is never shown).
LEVEL_LABELS: dict[tuple[str, str], Promise] = {
    ("nik", "exact"): _("NIK sama"),
    ("nik", "one_digit"): _("NIK beda 1 digit"),
    ("nik", "swapped"): _("NIK dua digit bertukar"),
    ("nik", "serial"): _("NIK beda di nomor urut"),
    ("nik", "explained"): _("NIK beda sesuai tanggal lahir dan jenis kelamin masing-masing"),
    ("nik", "other"): _("NIK berbeda"),
    ("name", "exact"): _("nama sama"),
    ("name", "close"): _("nama hampir sama"),
    ("name", "sounds_alike"): _("nama berbunyi sama"),
    ("name", "similar"): _("nama mirip"),
    ("name", "contained"): _("nama yang satu memuat yang lain"),
    ("name", "family"): _("nama keluarga sama, nama diri berbeda"),
    ("name", "other"): _("nama berbeda"),
    ("birth_date", "exact"): _("tanggal lahir sama"),
    ("birth_date", "swapped"): _("tanggal lahir tertukar hari/bulan"),
    ("birth_date", "days"): _("tanggal lahir selisih beberapa hari"),
    ("birth_date", "one_part"): _("tanggal lahir beda di hari, bulan atau tahun saja"),
    ("birth_date", "same_year"): _("tahun lahir sama"),
    ("birth_date", "other"): _("tanggal lahir berbeda"),
    ("sex", "same"): _("jenis kelamin sama"),
    ("sex", "other"): _("jenis kelamin berbeda"),
    ("address", "same"): _("alamat sama"),
    ("address", "house"): _("jalan dan nomor rumah sama"),
    ("address", "rt_rw"): _("jalan dan RT/RW sama"),
    ("address", "street"): _("jalan sama"),
    ("address", "other"): _("alamat berbeda"),
    ("kelurahan", "same"): _("kelurahan sama"),
    ("kelurahan", "other"): _("kelurahan berbeda"),
    ("kk", "same"): _("nomor KK sama"),
    ("kk", "other"): _("nomor KK berbeda"),
}

# Similarity of the names (Jaro-Winkler, 0..1) at each level.
NAME_CLOSE = 0.94
NAME_SIMILAR = 0.86
GIVEN_NAME_SIMILAR = 0.85
STREET_SIMILAR = 0.9
# Two birth dates at most this many days apart are "a few days off".
BIRTH_DAYS = 10
SERIAL_START = 12  # NIK digits 13-16: the serial
DATE_PART = range(6, 12)  # NIK digits 7-12: DDMMYY, 40 added to the day for women
_FEMALE_DAY_OFFSET = 40
# Words that are too common to tell two names apart on their own (after normalisation).
COMMON_NAME_WORDS = frozenset({"muhammad", "siti", "ahmad", "abdul", "nur", "sri", "dewi"})


# --- The records as the comparisons see them ---------------------------------------------------


class NameForms(NamedTuple):
    name: str
    sorted_name: str
    distinctive: str  # without the common words (Muhammad, Siti, Nur, ...)
    distinctive_sorted: str
    words: frozenset[str]
    key: str  # sound-alike key
    opening: str  # the first sounds of the distinctive words
    distinctive_key: str


@lru_cache(maxsize=500_000)
def name_forms(raw: str) -> NameForms:
    return _forms(comparable_name(raw))


# Many ways of writing a name come to one comparable form: its other forms are made once.
@lru_cache(maxsize=500_000)
def _forms(name: str) -> NameForms:
    words = [w for w in name.split() if w not in COMMON_NAME_WORDS]
    distinctive = " ".join(words) if words else name
    key = name_key(name)
    distinctive_key = key if distinctive == name else name_key(distinctive)
    return NameForms(
        name=name,
        sorted_name=" ".join(sorted(name.split())),
        distinctive=distinctive,
        distinctive_sorted=" ".join(sorted(distinctive.split())),
        words=frozenset(name.split()),
        key=key,
        opening=distinctive_key[:4],
        distinctive_key=distinctive_key,
    )


class Address(NamedTuple):
    text: str  # the comparable form: lower case, Jl./Gg./No. in one spelling
    numbers: tuple[str, ...]  # house, RT and RW numbers in order
    street: str  # the street's own name, without Jl./Gg.
    house: str
    rt: str
    rw: str


NO_ADDRESS = Address("", (), "", "", "", "")

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
_STREET_MARKERS = frozenset({"jl", "gg", "no", "kp", "blok", "perum"})


@lru_cache(maxsize=200_000)
def parse_address(raw: str) -> Address:
    """Street, house number, RT and RW of an address as written by hand:
    `Jl. Merdeka No. 5 RT 003/RW 002`, `JALAN MERDEKA 5, RT3 RW2`. One pass over its words:
    the street is the words before the first number, the house the first number not after
    RT or RW."""
    words: list[str] = []
    numbers: list[str] = []
    street: list[str] = []
    house = rt = rw = ""
    after = ""
    for token in _ADDRESS_WORD.findall(raw.lower()):
        if token.isdigit():
            number = token.lstrip("0") or "0"
            words.append(number)
            numbers.append(number)
            if after == "rt" and not rt:
                rt = number
            elif after == "rw" and not rw:
                rw = number
            elif not house and not rt and not rw:
                house = number
            after = ""
            continue
        word = _ADDRESS_WORDS.get(token, token)
        after = word
        if not word:
            continue
        words.append(word)
        if not numbers and word not in _STREET_MARKERS and word not in ("rt", "rw"):
            street.append(word)
    return Address(" ".join(words), tuple(numbers), " ".join(street), house, rt, rw)


class Prepared(NamedTuple):
    """One record in the form every comparison reads, computed once per record."""

    key: str
    nik: str  # 16 digits or ""
    forms: NameForms
    birth_date: date | None
    kelurahan: str
    address: Address
    kk: str
    sex: str  # "L", "P" or ""
    nik_birth: tuple[int, int, int, str] | None  # day, month, two-digit year, sex in the NIK


def nik_birth_part(nik: str) -> tuple[int, int, int, str] | None:
    """The birth date and sex a NIK holds (day, month, two-digit year, "L"/"P")."""
    if len(nik) != 16 or not nik.isdigit():
        return None
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "P" if day > _FEMALE_DAY_OFFSET else "L"
    return day % _FEMALE_DAY_OFFSET, month, year, sex


def prepare(
    *,
    key: str,
    nik: str,
    name: str,
    birth_date: date | None,
    kelurahan: str,
    address: str,
    kk: str,
    sex: str,
) -> Prepared:
    nik = nik.strip()
    nik_birth = nik_birth_part(nik)
    if not sex and nik_birth is not None:
        sex = nik_birth[3]  # the NIK says it where the record does not
    return Prepared(
        key,
        nik,
        name_forms(name),
        birth_date,
        kelurahan,
        parse_address(address) if address else NO_ADDRESS,
        kk.strip(),
        sex,
        nik_birth,
    )


# --- Comparison levels -------------------------------------------------------------------------


def _differing(left: str, right: str) -> list[int]:
    return [i for i, (x, y) in enumerate(zip(left, right, strict=True)) if x != y]


def _explains(nik_birth: tuple[int, int, int, str] | None, born: date | None, sex: str) -> bool:
    """The NIK's date part agrees with the record's own birth date (and sex, if known)."""
    if nik_birth is None or born is None:
        return False
    day, month, year, nik_sex = nik_birth
    return (day, month, year) == (born.day, born.month, born.year % 100) and (
        not sex or sex == nik_sex
    )


def nik_level(a: Prepared, b: Prepared) -> int:
    left, right = a.nik, b.nik
    if not left or not right:
        return NULL
    if left == right:
        return NIK_EXACT
    if len(left) != len(right) or Hamming.distance(left, right) > 2:
        return len(COMPARISONS["nik"]) - 1
    differing = _differing(left, right)
    if len(differing) == 1:
        near = NIK_ONE_DIGIT
    elif (
        differing[1] == differing[0] + 1
        and left[differing[0]] == right[differing[1]]
        and left[differing[1]] == right[differing[0]]
    ):
        near = NIK_SWAPPED
    else:
        return len(COMPARISONS["nik"]) - 1
    if differing[0] >= SERIAL_START:
        return NIK_SERIAL
    if (
        differing[0] in DATE_PART
        and _explains(a.nik_birth, a.birth_date, a.sex)
        and _explains(b.nik_birth, b.birth_date, b.sex)
    ):
        return NIK_EXPLAINED
    return near


def name_level(a: NameForms, b: NameForms) -> int:
    """Exact; close (the same apart from Muhammad/Siti/Nur or the order, or a slip);
    sounding alike; similar; one name's words within the other's; the same family name
    with another given name (brothers and sisters); other."""
    if not a.name or not b.name:
        return NULL
    if a.name == b.name:
        return 1
    if a.distinctive == b.distinctive or a.sorted_name == b.sorted_name:
        return 2
    # Jaro-Winkler weighs the opening letters, the Indel ratio a slip anywhere in a long
    # name; a shared Muhammad or Siti is left out, or it would make any two such names alike.
    # Below NAME_SIMILAR a similarity decides nothing: rapidfuzz may stop early there.
    similarity = max(
        JaroWinkler.normalized_similarity(a.distinctive, b.distinctive, score_cutoff=NAME_SIMILAR),
        Indel.normalized_similarity(
            a.distinctive_sorted, b.distinctive_sorted, score_cutoff=NAME_SIMILAR
        ),
    )
    if a.distinctive_sorted != a.distinctive or b.distinctive_sorted != b.distinctive:
        similarity = max(
            similarity,
            JaroWinkler.normalized_similarity(
                a.distinctive_sorted, b.distinctive_sorted, score_cutoff=NAME_SIMILAR
            ),
        )
    if similarity >= NAME_CLOSE:
        return 2
    if a.key == b.key or a.distinctive_key == b.distinctive_key:
        return 3
    short, long_ = (a.words, b.words) if len(a.words) <= len(b.words) else (b.words, a.words)
    if short <= long_ and not short <= COMMON_NAME_WORDS:
        return 5
    if _family_only(a.distinctive, b.distinctive):
        return 6
    # One slip in a short name (Jko, Joko) leaves it below the similarity of a long one.
    if (
        similarity >= NAME_SIMILAR
        or OSA.distance(a.distinctive, b.distinctive, score_cutoff=1) <= 1
    ):
        return 4
    return 7


def _family_only(left: str, right: str) -> bool:
    """As many words, the same last one, and given names that are not one slip apart:
    `Jaga Tampubolon` and `Jarwi Tampubolon`."""
    a, b = left.split(), right.split()
    if len(a) < 2 or len(a) != len(b) or a[-1] != b[-1]:
        return False
    return JaroWinkler.normalized_similarity(a[0], b[0]) < GIVEN_NAME_SIMILAR


def birth_level(left: date | None, right: date | None) -> int:
    if left is None or right is None:
        return NULL
    if left == right:
        return 1
    if left.year == right.year and (left.day, left.month) == (right.month, right.day):
        return 2
    if abs((left - right).days) <= BIRTH_DAYS:
        return 3
    if (left.day != right.day) + (left.month != right.month) + (left.year != right.year) == 1:
        return 4
    if left.year == right.year:
        return 5
    return 6


@lru_cache(maxsize=100_000)
def _same_street(a: str, b: str) -> bool:
    return bool(a and b) and (a == b or JaroWinkler.normalized_similarity(a, b) >= STREET_SIMILAR)


def address_level(a: Address, b: Address) -> int:
    """Same house (street, number, RT and RW); same street and number; same street and
    RT/RW (neighbours); same street; other."""
    if not a.text or not b.text:
        return NULL
    if not (_same_street(a.street, b.street) or (not a.street and not b.street)):
        return 5
    neighbourhood = bool(a.rt and a.rw) and (a.rt, a.rw) == (b.rt, b.rw)
    if a.house and a.house == b.house:
        return 1 if neighbourhood else 2
    return 3 if neighbourhood else 4


def same_or_other(left: str, right: str) -> int:
    if not left or not right:
        return NULL
    return 1 if left == right else 2


def compare_cheap(a: Prepared, b: Prepared) -> list[int]:
    """Every level but the name's (left NULL): the comparisons that cost no text distance.
    Addresses are compared within one kelurahan only, so that "the same kelurahan" is not
    counted again in "the same house"."""
    kelurahan = same_or_other(a.kelurahan, b.kelurahan)
    return [
        nik_level(a, b),
        NULL,
        birth_level(a.birth_date, b.birth_date),
        same_or_other(a.sex, b.sex),
        address_level(a.address, b.address) if kelurahan == SAME else NULL,
        kelurahan,
        same_or_other(a.kk, b.kk),
    ]


def at_house(levels: Sequence[int]) -> bool:
    """The same house, street, number, RT and RW: mostly one household."""
    return levels[ADDRESS] == SAME


def compare(a: Prepared, b: Prepared) -> tuple[int, ...]:
    levels = compare_cheap(a, b)
    levels[NAME] = name_level(a.forms, b.forms)
    return tuple(levels)


# --- The model ---------------------------------------------------------------------------------


# Weight by comparison number and level number.
Table = tuple[tuple[float, ...], ...]

# A registry that has grown to twice the records its weights were estimated on (and to at
# least twice this many) has them estimated again, in the background after an import. The
# shipped weights (50,000 records of one city) missed 2.4% of the pairs at 1,000,000 records
# where the registry's own weights missed 0.8% (bench_dedup).
OUTGROWN_FACTOR = 2
OUTGROWN_FLOOR = 10_000


@dataclass(frozen=True)
class Level:
    m: float
    u: float
    u_house: float | None = None  # u between two people at the same house

    @property
    def weight(self) -> float:
        return math.log2(self.m / self.u)

    @property
    def house_weight(self) -> float:
        return math.log2(self.m / (self.u_house or self.u))


@dataclass(frozen=True)
class MatchModel:
    """m and u of every level, and the prior: the probability that two records drawn at
    random are one person, among `record_count` records. A search over another number of
    records scales the prior (the share of records that are a second entry is what stays)."""

    levels: Mapping[str, Mapping[str, Level]]
    prior: float
    record_count: int
    estimated_on: date | None = None
    pairs_used: int = 0
    source: str = ""
    _tables: tuple[Table, Table] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table = tuple(
            (0.0, *(self.levels[name][level].weight for level in levels[1:]))
            for name, levels in COMPARISONS.items()
        )
        house = tuple(
            (0.0, *(self.levels[name][level].house_weight for level in levels[1:]))
            for name, levels in COMPARISONS.items()
        )
        object.__setattr__(self, "_tables", (table, house))

    @property
    def table(self) -> Table:
        """Weight by comparison number and level number (NULL weighs 0)."""
        return self._tables[0]

    @property
    def house_table(self) -> Table:
        """The same, for two records at the same house."""
        return self._tables[1]

    def weights_for(self, levels: Sequence[int]) -> Table:
        return self.house_table if at_house(levels) else self.table

    def prior_weight(self, record_count: int) -> float:
        """log2 of the prior odds for a search over `record_count` records."""
        scale = max(self.record_count - 1, 1) / max(record_count - 1, 1)
        prior = min(self.prior * scale, 0.5)
        return math.log2(prior / (1 - prior))

    def is_outgrown_by(self, record_count: int) -> bool:
        """Whether a registry of `record_count` records should have its weights estimated
        again: how often different people share a name, a street or a birth date changes
        as the registry grows, and the scaled prior (`prior_weight`) only follows the number
        of pairs. Weights estimated on few records are replaced sooner."""
        return record_count >= OUTGROWN_FACTOR * max(self.record_count, OUTGROWN_FLOOR)

    def u(self, comparison: str, level: str) -> float:
        return self.levels[comparison][level].u

    def to_json(self) -> dict[str, Any]:
        return {
            "prior": self.prior,
            "record_count": self.record_count,
            "estimated_on": self.estimated_on.isoformat() if self.estimated_on else None,
            "pairs_used": self.pairs_used,
            "source": self.source,
            "levels": {
                name: {
                    level: {"m": v.m, "u": v.u}
                    | ({"u_house": v.u_house} if v.u_house is not None else {})
                    for level, v in levels.items()
                }
                for name, levels in self.levels.items()
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "MatchModel":
        levels = {
            name: {level: _level(data["levels"][name][level]) for level in names[1:]}
            for name, names in COMPARISONS.items()
        }
        estimated = data.get("estimated_on")
        return cls(
            levels=levels,
            prior=float(data["prior"]),
            record_count=int(data["record_count"]),
            estimated_on=date.fromisoformat(estimated) if estimated else None,
            pairs_used=int(data.get("pairs_used", 0)),
            source=str(data.get("source", "")),
        )


def _level(data: Mapping[str, Any]) -> Level:
    house = data.get("u_house")
    return Level(float(data["m"]), float(data["u"]), float(house) if house is not None else None)


DEFAULT_MODEL_FILE = "match_weights.json"


@lru_cache(maxsize=1)
def default_model() -> MatchModel:
    """The weights shipped with Rentan, used until the registry's own are estimated."""
    text = resources.files("rentan.registry").joinpath("data", DEFAULT_MODEL_FILE).read_text()
    return MatchModel.from_json(json.loads(text))


# --- Term frequencies --------------------------------------------------------------------------


class Frequencies(NamedTuple):
    """How often each comparable name and each birth date occurs among the records compared,
    as shares of the records; a value's exact agreement weighs log2(m / share) instead of
    log2(m / u)."""

    names: Mapping[str, float]
    birth_dates: Mapping[date, float]
    smallest: float  # the share of a value seen once


def frequencies(records: Sequence[Prepared]) -> Frequencies:
    names: dict[str, int] = {}
    births: dict[date, int] = {}
    for record in records:
        if record.forms.name:
            names[record.forms.name] = names.get(record.forms.name, 0) + 1
        if record.birth_date is not None:
            births[record.birth_date] = births.get(record.birth_date, 0) + 1
    total = max(len(records), 1)
    return Frequencies(
        {name: count / total for name, count in names.items() if count > 1},
        {born: count / total for born, count in births.items() if count > 1},
        1 / total,
    )


def tf_adjustment(u: float, share: float) -> float:
    """The change to an exact level's weight for a value of this share (Splink's term
    frequency adjustment: log2(u / share), positive for a rare value)."""
    return math.log2(u / share)


# --- The explanation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    comparison: str
    level: str
    weight: float

    @property
    def label(self) -> Promise:
        return LEVEL_LABELS[self.comparison, self.level]


def contributions(
    levels: Sequence[int], model: MatchModel, adjustments: Mapping[int, float] | None = None
) -> tuple[Contribution, ...]:
    """What each compared field added to the match weight, in the order of the fields; the
    fields a side lacks are left out."""
    adjustments = adjustments or {}
    table = model.weights_for(levels)
    return tuple(
        Contribution(
            name,
            COMPARISONS[name][level],
            round(table[number][level] + adjustments.get(number, 0.0), 2),
        )
        for number, (name, level) in enumerate(zip(COMPARISONS, levels, strict=True))
        if level != NULL
    )


def describe_evidence(evidence: Iterable[Sequence[Any]]) -> list[str]:
    """What each field added, as the review says it: ``NIK beda 1 digit: +8,1``. From the
    [comparison, level, weight] kept with a pair; a level this version no longer knows is
    named by its code rather than dropped."""
    lines = []
    for comparison, level, weight in evidence:
        label = LEVEL_LABELS.get((comparison, level), f"{comparison} {level}")
        lines.append(f"{label}: {format_signed(float(weight))}")
    return lines


def probability(match_weight: float) -> float:
    return 1 / (1 + 2 ** (-match_weight)) if match_weight > -1000 else 0.0


def match_weight_for(value: float) -> float:
    """The match weight of a probability (the threshold's weight)."""
    value = min(max(value, 1e-12), 1 - 1e-12)
    return math.log2(value / (1 - value))
