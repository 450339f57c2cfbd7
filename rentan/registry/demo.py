"""A deterministic synthetic population of informal workers for a kabupaten/kota.

Pure generation: the areas and job types come in as plain values, records go out as
dataclasses; the `demo_data` command stores them. The same seed always gives the same people.
"""

import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker

from rentan.registry.nik import Sex


@dataclass(frozen=True)
class Village:
    code: str  # "33.75.01.1002"
    weight: int  # relative population


@dataclass(frozen=True)
class JobShare:
    code: str
    share: float
    disability: str = ""  # every worker of this job has this disability
    men_only: bool = False


@dataclass
class DemoPerson:
    nik: str
    kk_number: str
    name: str
    birth_place: str
    birth_date: date
    sex: str
    street_address: str
    rt: str
    rw: str
    kelurahan_code: str
    phone: str
    occupation_code: str
    monthly_income: int
    dependents: int
    has_disability: bool
    disability_note: str
    is_verified: bool
    mother_name: str = ""


@dataclass
class _Serials:
    used: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def next(self, stem: str) -> str:
        self.used[stem] += 1
        return f"{self.used[stem]:04d}"


# Islamic given-name forms common on Java; the same name appears written several ways,
# as it does in real registers.
_MALE_PREFIXES = ["Muhammad", "Mohammad", "Moh.", "M.", "Ahmad", "Achmad", "Abdul"]
_FEMALE_PREFIXES = ["Siti", "St.", "Nur", "Sri", "Dewi"]
_BIRTH_PLACES = ["Pekalongan"] * 14 + ["Batang", "Pemalang", "Tegal", "Semarang", "Brebes"]
# Women's names of the generation of the workers' mothers in Pekalongan: Javanese names
# ending in -ah, -iyah, -ni, -ti and Arabic ones, often a single word, as on a KK.
_MOTHER_NAMES = [
    "Aminah", "Khotijah", "Masruroh", "Maesaroh", "Juwariyah", "Rokhayah", "Munawaroh",
    "Sumiyati", "Suwarni", "Sukarni", "Tumini", "Painem", "Sarinah", "Rasminah", "Kasmirah",
    "Darsih", "Tarsini", "Wasiah", "Sutinah", "Karsinah", "Nurhayati", "Fatimah", "Zulaikha",
    "Mardiyah", "Umi Kulsum", "Siti Aisyah", "Siti Rohmah", "Sri Rejeki", "Sri Wahyuni",
    "Sri Mulyani", "Kustiyah", "Rusminah", "Turiyah", "Satinah", "Waryati", "Chasanah",
    "Mukaromah", "Solikhah", "Nafisah", "Rukoyah", "Jamilah", "Halimah", "Musyarofah",
]  # fmt: skip
# Neighbouring kabupaten whose NIKs are common among the city's workers (issued elsewhere).
_OUTSIDE_DISTRICTS = ["332601", "332602", "332607", "332501", "332503", "332701", "337401"]


def _scaled_sizes(total: int, weights: Sequence[int]) -> list[int]:
    whole = sum(weights)
    sizes = [total * w // whole for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % len(sizes)] += 1
    return sizes


def generate_people(
    *,
    villages: Sequence[Village],
    jobs: Sequence[JobShare],
    total: int,
    today: date,
    seed: int = 2023,
) -> Iterator[DemoPerson]:
    rng = random.Random(seed)
    # Mothers' names draw from their own generator, so the rest of a seed's people is the
    # same as before the registry held them.
    mothers = random.Random(f"{seed}-ibu-kandung")
    faker = Faker("id_ID")
    faker.seed_instance(seed)
    nik_serials = _Serials()
    kk_serials = _Serials()
    job_codes = [j.code for j in jobs]
    job_weights = [j.share for j in jobs]
    job_by_code = {j.code: j for j in jobs}

    for village, size in zip(
        villages, _scaled_sizes(total, [v.weight for v in villages]), strict=True
    ):
        district = village.code.replace(".", "")[:6]
        made = 0
        while made < size:
            household_size = min(size - made, rng.choices([1, 2, 3], [70, 25, 5])[0])
            issued = today - timedelta(days=rng.randint(200, 9000))
            kk_stem = f"{district}{issued:%d%m%y}"
            kk_number = kk_stem + kk_serials.next(kk_stem)
            street = faker.street_name()
            address = f"{street} No. {rng.randint(1, 120)}"
            if rng.random() < 0.3:
                address = f"Gg. {faker.last_name()} {rng.randint(1, 9)}, {address}"
            rt, rw = f"{rng.randint(1, 12):03d}", f"{rng.randint(1, 8):03d}"
            for _member in range(household_size):
                job = job_by_code[rng.choices(job_codes, job_weights)[0]]
                sex = Sex.MALE if job.men_only or rng.random() < 0.58 else Sex.FEMALE
                age = rng.choices(
                    [rng.randint(18, 40), rng.randint(41, 59), rng.randint(60, 75)], [45, 40, 15]
                )[0]
                birth_date = today - timedelta(days=age * 365 + rng.randint(0, 364))
                nik_district = district if rng.random() < 0.85 else rng.choice(_OUTSIDE_DISTRICTS)
                day = birth_date.day + (40 if sex == Sex.FEMALE else 0)
                nik_stem = f"{nik_district}{day:02d}{birth_date:%m%y}"
                if sex == Sex.MALE:
                    given = faker.first_name_male()
                    if rng.random() < 0.25:
                        given = f"{rng.choice(_MALE_PREFIXES)} {given}"
                else:
                    given = faker.first_name_female()
                    if rng.random() < 0.25:
                        given = f"{rng.choice(_FEMALE_PREFIXES)} {given}"
                name = given if rng.random() < 0.3 else f"{given} {faker.last_name()}"
                income = max(300_000, int(rng.lognormvariate(14.3, 0.45)) // 50_000 * 50_000)
                disability = job.disability or ("Daksa" if rng.random() < 0.02 else "")
                yield DemoPerson(
                    nik=nik_stem + nik_serials.next(nik_stem),
                    kk_number=kk_number,
                    name=name,
                    birth_place=rng.choice(_BIRTH_PLACES),
                    birth_date=birth_date,
                    sex=sex.value,
                    street_address=address,
                    rt=rt,
                    rw=rw,
                    kelurahan_code=village.code,
                    phone=f"+628{rng.choice('1235789')}{rng.randint(10**8, 10**9 - 1)}"
                    if rng.random() < 0.85
                    else "",
                    occupation_code=job.code,
                    monthly_income=min(income, 6_000_000),
                    dependents=rng.choices(range(6), [20, 20, 25, 20, 10, 5])[0],
                    has_disability=bool(disability),
                    disability_note=disability,
                    is_verified=rng.random() < 0.8,
                    mother_name=mothers.choice(_MOTHER_NAMES),
                )
                made += 1


def plausible_weights(codes: Sequence[str], seed: int) -> list[int]:
    """Relative populations for villages that have no published figure of their own."""
    rng = random.Random(seed)
    return [rng.randint(6_000, 18_000) for _ in codes]
