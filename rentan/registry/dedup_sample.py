"""A labelled population of Indonesian records with known duplicates, to measure the matcher.

Each person is written once; some are written again the way a second operator in another
office would: the name with a title, another spelling of Muhammad, Siti or Nur, in capitals,
with a typing slip; the NIK missing, one digit mistyped or two digits swapped; the birth date
slipped; the address abbreviated. About a quarter of the second records carry two errors at
once: a near NIK and a birth date a few days off or with day and month swapped, a missing NIK
and a birth date off by days, "Nur" written "Nurul" and two NIK digits swapped.

The population is crowded the way a kelurahan is: households share a KK and an address, a
kelurahan has a dozen streets, many people carry one of a few very common names, many were
registered as born on 1 January or 31 December, so people born the same day in one kecamatan
hold NIKs one digit apart (serials 0001, 0002, ...), and twins share a household, a birth date
and consecutive serials. Pure and deterministic for a given seed.
"""

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations

from faker.providers.address.id_ID import Provider as AddressProvider
from faker.providers.person.id_ID import Provider as PersonProvider

from rentan.registry.dedup import DedupRecord, PairMatch

_MALE = list(PersonProvider.first_names_male)
_FEMALE = list(PersonProvider.first_names_female)
_LAST = list(PersonProvider.last_names_male) + list(PersonProvider.last_names_female)
_STREETS = list(AddressProvider.streets)
_MUHAMMAD = ["Muhammad", "Mohammad", "Mochammad", "Moh.", "Muh.", "M."]
_SITI = ["Siti", "St."]
_MALE_TITLES = ["H.", "Drs.", "Ir.", "H"]
_FEMALE_TITLES = ["Hj.", "Dra.", "Hj"]
_DEGREES = [", S.Pd.", ", S.E.", " S.Pd.I", ", A.Md."]
_NUR = ["Nur", "Nurul"]
# Very common names, written alone: in a kelurahan of thousands many people share one.
_COMMON_MALE = [
    "Slamet",
    "Agus Setiawan",
    "Budi Santoso",
    "Joko",
    "Bambang",
    "Eko Prasetyo",
    "Rudi",
    "Ahmad",
    "Rizki",
    "Supriyadi",
    "Sugeng",
    "Wahyudi",
]
_COMMON_FEMALE = [
    "Sri Wahyuni",
    "Siti Aminah",
    "Nur Hidayah",
    "Dewi",
    "Sri Rahayu",
    "Siti Fatimah",
    "Nur Aini",
    "Sumiati",
    "Suparmi",
    "Tri Wahyuni",
    "Sulastri",
    "Nur Khasanah",
]
COMMON_NAME_SHARE = 0.3
# Registered as born on 1 January or 31 December: the day was not known.
PLACEHOLDER_BIRTH_SHARE = 0.1
# Of the households of two or more.
TWIN_SHARE = 0.03
STREETS_PER_KELURAHAN = 12


def default_kelurahan() -> list[str]:
    """27 kelurahan codes in 4 kecamatan, shaped like Kota Pekalongan's (33.75.0k.10vv)."""
    sizes = (7, 7, 7, 6)
    return [f"33.75.0{k + 1}.10{v + 1:02d}" for k, size in enumerate(sizes) for v in range(size)]


@dataclass(frozen=True)
class LabelledSet:
    records: list[DedupRecord]
    identity: dict[str, int]  # record key -> the person it really is

    def true_pairs(self) -> set[tuple[str, str]]:
        by_person: dict[int, list[str]] = defaultdict(list)
        for key, person in self.identity.items():
            by_person[person].append(key)
        return {
            _ordered(a, b)
            for keys in by_person.values()
            if len(keys) > 1
            for a, b in combinations(keys, 2)
        }


@dataclass(frozen=True)
class PairQuality:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        real = self.true_positives + self.false_negatives
        return self.true_positives / real if real else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def pair_quality(found: Iterable[PairMatch], truth: set[tuple[str, str]]) -> PairQuality:
    found_pairs = {_ordered(p.left, p.right) for p in found}
    hits = len(found_pairs & truth)
    return PairQuality(hits, len(found_pairs) - hits, len(truth) - hits)


@dataclass
class _Person:
    nik: str
    kk: str
    given_prefix: str  # "Muhammad", "Siti", "Nur" or ""
    given: str
    last: str
    birth_date: date
    is_female: bool
    kelurahan: str
    street: str
    number: int
    rt: int
    rw: int

    def name(self) -> str:
        return " ".join(part for part in (self.given_prefix, self.given, self.last) if part)

    def address(self) -> str:
        return f"Jl. {self.street} No. {self.number} RT {self.rt:03d}/RW {self.rw:03d}"


def _birth_date(rng: random.Random, today: date) -> date:
    born = today - timedelta(days=rng.randint(18 * 365, 75 * 365))
    if rng.random() < PLACEHOLDER_BIRTH_SHARE:
        return (
            born.replace(month=1, day=1) if rng.random() < 0.8 else born.replace(month=12, day=31)
        )
    return born


def _nik(
    rng: random.Random, serials: dict[str, int], district: str, born: date, is_female: bool
) -> str:
    nik_district = district if rng.random() < 0.85 else f"3326{rng.randint(1, 19):02d}"
    day = born.day + (40 if is_female else 0)
    stem = f"{nik_district}{day:02d}{born:%m%y}"
    serials[stem] += 1
    return f"{stem}{serials[stem]:04d}"


def _given_name(rng: random.Random, is_female: bool) -> tuple[str, str, bool]:
    """The prefix, the given name, and whether it is one of the common names said alone."""
    if rng.random() < COMMON_NAME_SHARE:
        common = rng.choice(_COMMON_FEMALE if is_female else _COMMON_MALE)
        prefix, _space, rest = common.partition(" ")
        if prefix in ("Siti", "Nur") and rest:
            return prefix, rest, True
        return "", common, True
    prefix = ""
    roll = rng.random()
    if roll < 0.25:
        prefix = "Siti" if is_female else rng.choice(["Muhammad", "Muhammad", "Ahmad"])
    elif roll < 0.33:
        prefix = "Nur"
    return prefix, rng.choice(_FEMALE if is_female else _MALE), False


def _people(rng: random.Random, total: int, kelurahan: Sequence[str], today: date) -> list[_Person]:
    serials: dict[str, int] = defaultdict(int)
    streets = {
        village: rng.sample(_STREETS, STREETS_PER_KELURAHAN) for village in sorted(kelurahan)
    }
    people: list[_Person] = []
    while len(people) < total:
        village = rng.choice(kelurahan)
        district = village.replace(".", "")[:6]
        kk_issued = today - timedelta(days=rng.randint(200, 9000))
        kk_stem = f"{district}{kk_issued:%d%m%y}"
        serials[kk_stem] += 1
        kk = f"{kk_stem}{serials[kk_stem]:04d}"
        street, number = rng.choice(streets[village]), rng.randint(1, 150)
        rt, rw = rng.randint(1, 12), rng.randint(1, 8)
        family_name = rng.choice(_LAST) if rng.random() < 0.3 else ""
        members = rng.choices([1, 2, 3, 4], [55, 25, 15, 5])[0]
        twins = members >= 2 and rng.random() < TWIN_SHARE
        twin_born = _birth_date(rng, today)
        names: set[str] = set()
        for member in range(members):
            is_female = rng.random() < 0.45
            # Twins: the last two members, born the same day, numbered one after the other.
            birth_date = twin_born if twins and member >= members - 2 else _birth_date(rng, today)
            prefix, given, is_common = _given_name(rng, is_female)
            while given in names:  # nobody gives two of their children one name
                prefix, given, is_common = _given_name(rng, is_female)
            names.add(given)
            last = (
                ""
                if is_common
                else family_name or (rng.choice(_LAST) if rng.random() < 0.7 else "")
            )
            people.append(
                _Person(
                    nik=_nik(rng, serials, district, birth_date, is_female),
                    kk=kk,
                    given_prefix=prefix,
                    given=given,
                    last=last,
                    birth_date=birth_date,
                    is_female=is_female,
                    kelurahan=village,
                    street=street,
                    number=number,
                    rt=rt,
                    rw=rw,
                )
            )
    return people[:total]


def _typo(rng: random.Random, text: str) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 4:
        return text
    at = rng.choice(letters[1:-1])
    kind = rng.randrange(4)
    if kind == 0:  # a wrong letter
        return text[:at] + rng.choice("aiueonrskt") + text[at + 1 :]
    if kind == 1:  # a letter left out
        return text[:at] + text[at + 1 :]
    if kind == 2:  # a letter doubled
        return text[:at] + text[at] + text[at:]
    return text[: at - 1] + text[at] + text[at - 1] + text[at + 1 :]  # two letters swapped


def _variant_name(rng: random.Random, person: _Person, *, nurul: bool = False) -> str:
    prefix = person.given_prefix
    if prefix == "Muhammad":
        prefix = rng.choice(_MUHAMMAD)
    elif prefix == "Siti":
        prefix = rng.choice(_SITI)
    elif prefix == "Nur":
        prefix = "Nurul" if nurul else rng.choice(_NUR)
    name = " ".join(part for part in (prefix, person.given, person.last) if part)
    roll = rng.random()
    if roll < 0.25:
        name = f"{rng.choice(_FEMALE_TITLES if person.is_female else _MALE_TITLES)} {name}"
    elif roll < 0.4:
        name += rng.choice(_DEGREES)
    if rng.random() < 0.4:
        name = name.upper()
    if rng.random() < 0.2:
        name = "  " + name.replace(" ", "   ") + " "
    if rng.random() < 0.3:
        name = _typo(rng, name)
    return name


def _variant_nik(rng: random.Random, nik: str, taken: set[str], roll: float | None = None) -> str:
    """A mistyped NIK that is another person's real NIK cannot be told from a duplicate by
    any matcher; such slips are left out so the figures measure the matcher."""
    for _attempt in range(5):
        variant = _mistyped_nik(rng, nik, rng.random() if roll is None else roll)
        if variant == nik or not variant:
            return variant
        if variant not in taken:
            taken.add(variant)  # nor may two people's slips meet
            return variant
    return nik


# The rolls of _mistyped_nik that give each kind of slip.
_NIK_ONE_DIGIT, _NIK_SWAPPED = 0.3, 0.45


def _mistyped_nik(rng: random.Random, nik: str, roll: float) -> str:
    if roll < 0.2:
        return ""
    if roll < 0.35:
        at = rng.randrange(16)
        return nik[:at] + rng.choice([d for d in "0123456789" if d != nik[at]]) + nik[at + 1 :]
    if roll < 0.5:
        candidates = [i for i in range(15) if nik[i] != nik[i + 1]]
        at = rng.choice(candidates)
        return nik[:at] + nik[at + 1] + nik[at] + nik[at + 2 :]
    return nik


def _days_off(rng: random.Random, born: date) -> date:
    return born + timedelta(days=rng.choice([-5, -3, -2, -1, 1, 2, 3, 4, 7]))


def _slipped_birth_date(rng: random.Random, born: date) -> date:
    """A few days off, or day and month swapped where that makes another date."""
    if born.day <= 12 and born.day != born.month and rng.random() < 0.4:
        return born.replace(day=born.month, month=born.day)
    return _days_off(rng, born)


def _variant_birth_date(rng: random.Random, born: date) -> date | None:
    roll = rng.random()
    if roll < 0.05:
        return None
    if roll < 0.12:
        return born + timedelta(days=rng.choice([-1, 1]))
    if roll < 0.15 and born.day <= 12 and born.day != born.month:
        return born.replace(day=born.month, month=born.day)
    return born


def _variant_address(rng: random.Random, person: _Person) -> str:
    roll = rng.random()
    if roll < 0.3:
        return f"Jalan {person.street} {person.number} RT {person.rt} RW {person.rw}"
    if roll < 0.45:
        return f"JL {person.street.upper()} NO {person.number}, RT{person.rt:02d}/RW{person.rw:02d}"
    if roll < 0.6:
        return _typo(rng, person.address())
    return person.address()


DOUBLE_ERROR_SHARE = 0.25


def _second_record(rng: random.Random, person: _Person, taken: set[str]) -> DedupRecord:
    """The person written again by another operator: independent slips, or (for a quarter of
    them) two errors at once that each alone would leave the pair easy to see."""
    nik = _variant_nik(rng, person.nik, taken)
    name = _variant_name(rng, person)
    birth_date = _variant_birth_date(rng, person.birth_date)
    roll = rng.random()
    if roll < DOUBLE_ERROR_SHARE * 0.5:
        # A near NIK and a birth date a few days off or with day and month swapped.
        near = _NIK_ONE_DIGIT if rng.random() < 0.5 else _NIK_SWAPPED
        nik = _variant_nik(rng, person.nik, taken, roll=near)
        birth_date = _slipped_birth_date(rng, person.birth_date)
    elif roll < DOUBLE_ERROR_SHARE * 0.8:
        # No NIK, and a birth date off by days.
        nik = ""
        birth_date = _days_off(rng, person.birth_date)
    elif roll < DOUBLE_ERROR_SHARE:
        # Two NIK digits swapped, and "Nur" written "Nurul" (or another slip of the name).
        nik = _variant_nik(rng, person.nik, taken, roll=_NIK_SWAPPED)
        name = _variant_name(rng, person, nurul=True)
    return DedupRecord(
        key="",
        nik=nik,
        name=name,
        birth_date=birth_date,
        kelurahan_code=person.kelurahan,
        address=_variant_address(rng, person),
        kk_number=person.kk if rng.random() < 0.7 else "",
        sex=_sex(person) if rng.random() < 0.9 else "",
    )


def _sex(person: _Person) -> str:
    return "P" if person.is_female else "L"


def labelled_sample(
    *,
    total: int,
    duplicate_share: float = 0.135,
    seed: int = 7,
    today: date = date(2026, 11, 25),
    kelurahan: Sequence[str] | None = None,
) -> LabelledSet:
    """About `total` records: persons, plus a second (now and then a third) record for
    `duplicate_share` of them, in shuffled order."""
    rng = random.Random(seed)
    people = _people(
        rng, round(total / (1 + duplicate_share * 1.1)), kelurahan or default_kelurahan(), today
    )
    taken = {person.nik for person in people}
    rows: list[tuple[int, DedupRecord]] = []
    for number, person in enumerate(people):
        rows.append(
            (
                number,
                DedupRecord(
                    key="",
                    nik=person.nik,
                    name=person.name(),
                    birth_date=person.birth_date,
                    kelurahan_code=person.kelurahan,
                    address=person.address(),
                    kk_number=person.kk,
                    sex=_sex(person),
                ),
            )
        )
        if rng.random() < duplicate_share:
            for _copy in range(rng.choices([1, 2], [90, 10])[0]):
                rows.append((number, _second_record(rng, person, taken)))
    rng.shuffle(rows)
    records: list[DedupRecord] = []
    identity: dict[str, int] = {}
    for row, (person_number, record) in enumerate(rows, start=1):
        key = f"row:{row}"
        records.append(
            DedupRecord(
                key=key,
                nik=record.nik,
                name=record.name,
                birth_date=record.birth_date,
                kelurahan_code=record.kelurahan_code,
                address=record.address,
                kk_number=record.kk_number,
                sex=record.sex,
            )
        )
        identity[key] = person_number
    return LabelledSet(records=records, identity=identity)
