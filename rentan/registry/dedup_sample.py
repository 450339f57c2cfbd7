"""A labelled population of Indonesian records with known duplicates, to measure the matcher.

Each person is written once; some are written again the way a second operator in another
office would: the name with a title, another spelling of Muhammad or Siti, in capitals, with a
typing slip; the NIK missing, one digit mistyped or two digits swapped; the birth date slipped;
the address abbreviated. Households share a KK and an address, and names repeat, so there are
plenty of look-alikes that are not duplicates. Pure and deterministic for a given seed.
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
    given_prefix: str  # "Muhammad", "Siti" or ""
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


def _people(rng: random.Random, total: int, kelurahan: Sequence[str], today: date) -> list[_Person]:
    serials: dict[str, int] = defaultdict(int)
    people: list[_Person] = []
    while len(people) < total:
        village = rng.choice(kelurahan)
        district = village.replace(".", "")[:6]
        kk_issued = today - timedelta(days=rng.randint(200, 9000))
        kk_stem = f"{district}{kk_issued:%d%m%y}"
        serials[kk_stem] += 1
        kk = f"{kk_stem}{serials[kk_stem]:04d}"
        street, number = rng.choice(_STREETS), rng.randint(1, 150)
        rt, rw = rng.randint(1, 12), rng.randint(1, 8)
        family_name = rng.choice(_LAST) if rng.random() < 0.3 else ""
        for _member in range(rng.choices([1, 2, 3, 4], [55, 25, 15, 5])[0]):
            is_female = rng.random() < 0.45
            birth_date = today - timedelta(days=rng.randint(18 * 365, 75 * 365))
            nik_district = district if rng.random() < 0.85 else f"3326{rng.randint(1, 19):02d}"
            day = birth_date.day + (40 if is_female else 0)
            stem = f"{nik_district}{day:02d}{birth_date:%m%y}"
            serials[stem] += 1
            prefix = ""
            if rng.random() < 0.25:
                prefix = "Siti" if is_female else rng.choice(["Muhammad", "Muhammad", "Ahmad"])
            last = family_name or (rng.choice(_LAST) if rng.random() < 0.7 else "")
            people.append(
                _Person(
                    nik=f"{stem}{serials[stem]:04d}",
                    kk=kk,
                    given_prefix=prefix,
                    given=rng.choice(_FEMALE if is_female else _MALE),
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


def _variant_name(rng: random.Random, person: _Person) -> str:
    prefix = person.given_prefix
    if prefix == "Muhammad":
        prefix = rng.choice(_MUHAMMAD)
    elif prefix == "Siti":
        prefix = rng.choice(_SITI)
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


def _variant_nik(rng: random.Random, nik: str, taken: set[str]) -> str:
    """A mistyped NIK that is another person's real NIK cannot be told from a duplicate by
    any matcher; such slips are left out so the figures measure the matcher."""
    for _attempt in range(5):
        variant = _mistyped_nik(rng, nik)
        if variant == nik or variant not in taken:
            return variant
    return nik


def _mistyped_nik(rng: random.Random, nik: str) -> str:
    roll = rng.random()
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


def labelled_sample(
    *,
    total: int,
    duplicate_share: float = 0.1,
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
                ),
            )
        )
        if rng.random() < duplicate_share:
            for _copy in range(rng.choices([1, 2], [90, 10])[0]):
                rows.append(
                    (
                        number,
                        DedupRecord(
                            key="",
                            nik=_variant_nik(rng, person.nik, taken),
                            name=_variant_name(rng, person),
                            birth_date=_variant_birth_date(rng, person.birth_date),
                            kelurahan_code=person.kelurahan,
                            address=_variant_address(rng, person),
                            kk_number=person.kk if rng.random() < 0.7 else "",
                        ),
                    )
                )
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
            )
        )
        identity[key] = person_number
    return LabelledSet(records=records, identity=identity)
