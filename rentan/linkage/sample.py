"""Labelled participants files for measuring the linking: many regions, a share of the people
covered twice, the second entry written with the small errors real registers carry.

The population is made hard on purpose: names drawn with a steep popularity curve (many
different people share a common name, and some their birth date too), NIKs built the way
Dukcapil builds them (kecamatan, birth date with 40 added for women, a low serial), so a wrong
NIK one digit off is often someone else's. The second entry of a person covered twice lives in
another kabupaten/kota (mostly of the same province) or, for some, is paid by the province in
the same region; it carries independent errors, so some have two at once: a NIK digit
substituted or two swapped, the name written another way (Nur/Nurul, a letter lost, the family
name left out), the birth date a few days off or with day and month swapped.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
from faker.providers.person.id_ID import Provider as NameProvider

from rentan.linkage.participants_file import (
    COLUMN_NAMES,
    NIK_HASHED,
    NIK_PLAIN,
    SCHEMA,
    FileForm,
    hash_nik,
    key_id,
    write_table,
)
from rentan.registry.dedup_sample import PairQuality
from rentan.registry.names import comparable_name
from rentan.registry.nik import PROVINCE_CODES

_PERIOD = (date(2026, 1, 1), date(2026, 12, 31))
_FIRST_BIRTH = date(1961, 1, 1)
_BIRTH_DAYS = (date(2006, 12, 31) - _FIRST_BIRTH).days
# Written forms of the same given name, both ways round.
_VARIANTS = {
    "nur": "nurul",
    "nurul": "nur",
    "sri": "sry",
    "dwi": "dwy",
    "eko": "echo",
    "siti": "st.",
    "muhammad": "moh.",
    "ahmad": "achmad",
    "abdul": "abd.",
}
_GIVEN_EXTRA = ("Nur", "Nurul", "Siti", "Sri", "Dwi", "Eko", "Muhammad", "Ahmad", "Abdul")


@dataclass(frozen=True)
class LabelledFiles:
    paths: list[Path]
    records: int
    true_pairs: frozenset[tuple[str, str]]  # record ids, the smaller first


def pair_quality(
    found: set[tuple[str, str]] | frozenset[tuple[str, str]],
    truth: frozenset[tuple[str, str]],
) -> PairQuality:
    ordered = {_ordered(*pair) for pair in found}
    hits = len(ordered & truth)
    return PairQuality(hits, len(ordered) - hits, len(truth) - hits)


def _ordered(first: str, second: str) -> tuple[str, str]:
    return (first, second) if first <= second else (second, first)


def region_codes(count: int) -> list[str]:
    """`count` kabupaten/kota codes spread over the 38 provinces, as "33.75"."""
    provinces = sorted(PROVINCE_CODES)
    return [f"{provinces[i % len(provinces)]}.{i // len(provinces) + 1:02d}" for i in range(count)]


def generate(
    directory: Path,
    *,
    records: int,
    regions: int = 514,
    double_share: float = 0.01,
    seed: int = 2026,
    key: bytes | None = None,
) -> LabelledFiles:
    """Write one participants file per region (and one per province paying for some of the
    same people) holding `records` rows in all, `double_share` of them second entries."""
    rng = random.Random(seed)
    codes = region_codes(regions)
    by_province: dict[str, list[str]] = {}
    for code in codes:
        by_province.setdefault(code[:2], []).append(code)
    names = _NameDrawer(rng)
    doubles = int(records * double_share)
    people = records - doubles
    rows: dict[str, list[list[object]]] = {}
    used_niks: set[str] = set()
    firsts: list[list[object]] = []
    for number in range(people):
        region = codes[number % regions]
        row = _person(rng, names, region, f"{region}/jamsos-2026/M{number + 1}", used_niks)
        rows.setdefault(region, []).append(row)
        firsts.append(row)
    truth: set[tuple[str, str]] = set()
    for number, first in enumerate(rng.sample(firsts, doubles)):
        region = str(first[7])
        if rng.random() < 0.15:
            # the same region, and the province pays too
            payer_file = f"{region[:2]}-provinsi"
            record_id = f"{region[:2]}/jamsos-provinsi/M{number + 1}"
            other_region, payer, programme = region, f"Pemprov {region[:2]}", "jamsos-provinsi"
        else:
            neighbours = [c for c in by_province[region[:2]] if c != region]
            if neighbours and rng.random() < 0.7:
                other_region = rng.choice(neighbours)
            else:
                other_region = rng.choice([c for c in codes if c != region])
            payer_file = other_region
            record_id = f"{other_region}/jamsos-2026/D{number + 1}"
            payer, programme = f"Pemkab/Pemkot {other_region}", "jamsos-2026"
        second = _second_entry(rng, first, record_id, other_region, payer, programme)
        rows.setdefault(payer_file, []).append(second)
        truth.add(_ordered(str(first[0]), record_id))
    paths = []
    form = FileForm(NIK_HASHED, key_id(key)) if key else FileForm(NIK_PLAIN)
    for name, file_rows in sorted(rows.items()):
        columns = list(zip(*file_rows, strict=True))
        data = {column: list(values) for column, values in zip(COLUMN_NAMES, columns, strict=True)}
        if key:
            data["nik"] = [hash_nik(str(nik), key) for nik in data["nik"]]
        path = directory / f"peserta-{name.replace('.', '')}.parquet"
        write_table(pa.Table.from_pydict(data, schema=SCHEMA), path, form=form)
        paths.append(path)
    return LabelledFiles(paths, records, frozenset(truth))


class _NameDrawer:
    """Given and family names with a steep popularity curve (rank r drawn ~ 1/r)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.male = [*_GIVEN_EXTRA[-3:], *NameProvider.first_names_male]
        self.female = [*_GIVEN_EXTRA[:5], *NameProvider.first_names_female]
        self.family = list(NameProvider.last_names)

    def _pick(self, words: list[str]) -> str:
        # 1/r popularity: the index of a log-uniform draw.
        index = int(len(words) ** self.rng.random()) - 1
        return words[index]

    def draw(self, sex: str) -> str:
        given = self._pick(self.male if sex == "L" else self.female)
        if self.rng.random() < 0.3:
            return given
        return f"{given} {self._pick(self.family)}"


def _person(
    rng: random.Random, names: _NameDrawer, region: str, record_id: str, used: set[str]
) -> list[object]:
    sex = "L" if rng.random() < 0.5 else "P"
    born = _FIRST_BIRTH + timedelta(days=rng.randrange(_BIRTH_DAYS))
    kecamatan = rng.randint(1, 12)
    kelurahan = f"{region}.{kecamatan:02d}.{2000 + rng.randint(1, 15)}"
    area = f"{region.replace('.', '')}{kecamatan:02d}"
    day = born.day + (40 if sex == "P" else 0)
    while True:
        serial = int(30 ** rng.random() * 10)  # low serials are the common ones
        nik = f"{area}{day:02d}{born:%m%y}{serial:04d}"
        if nik not in used:
            used.add(nik)
            break
    name = names.draw(sex)
    return [
        record_id,
        nik,
        name,
        comparable_name(name),
        born,
        sex,
        kelurahan,
        region,
        "jamsos-2026",
        f"Pemkab/Pemkot {region}",
        *_PERIOD,
    ]


def _second_entry(
    rng: random.Random,
    first: list[object],
    record_id: str,
    region: str,
    payer: str,
    programme: str,
) -> list[object]:
    nik, name = str(first[1]), str(first[2])
    born = first[4]
    if not isinstance(born, date):
        raise TypeError(born)
    draw = rng.random()
    if draw < 0.08:
        nik = _substitute_digit(rng, nik)
    elif draw < 0.13:
        nik = _swap_digits(rng, nik)
    draw = rng.random()
    if draw < 0.15:
        name = _name_variant(rng, name)
    draw = rng.random()
    if draw < 0.04 and born.day <= 12 and born.day != born.month:
        born = date(born.year, born.day, born.month)
    elif draw < 0.10:
        born = born + timedelta(days=rng.choice((-3, -2, -1, 1, 2, 3, 7, 10)))
    kelurahan = first[6] if region == first[7] else f"{region}.{rng.randint(1, 12):02d}.2001"
    return [
        record_id,
        nik,
        name,
        comparable_name(name),
        born,
        first[5],
        kelurahan,
        region,
        programme,
        payer,
        *_PERIOD,
    ]


def _substitute_digit(rng: random.Random, nik: str) -> str:
    position = rng.randrange(len(nik))
    digit = rng.choice([d for d in "0123456789" if d != nik[position]])
    return nik[:position] + digit + nik[position + 1 :]


def _swap_digits(rng: random.Random, nik: str) -> str:
    for _ in range(16):
        position = rng.randrange(len(nik) - 1)
        if nik[position] != nik[position + 1]:
            return nik[:position] + nik[position + 1] + nik[position] + nik[position + 2 :]
    return _substitute_digit(rng, nik)


def _name_variant(rng: random.Random, name: str) -> str:
    words = name.split()
    lowered = [w.lower() for w in words]
    for index, word in enumerate(lowered):
        if word in _VARIANTS:
            words[index] = _VARIANTS[word].capitalize()
            return " ".join(words)
    if len(words) > 1 and rng.random() < 0.3:
        return words[0]  # the family name left out
    word = words[-1]
    if len(word) > 3:
        position = rng.randrange(1, len(word))
        if rng.random() < 0.5:
            word = word[:position] + word[position + 1 :]  # a letter lost
        else:
            word = word[:position] + word[position - 1] + word[position:]  # one doubled
    words[-1] = word
    return " ".join(words)


def iter_pairs(table: pa.Table) -> Iterator[tuple[str, str]]:
    """The (record, record) pairs of a linking result."""
    left = table.column("record_id_l").to_pylist()
    right = table.column("record_id_r").to_pylist()
    yield from zip(left, right, strict=True)
