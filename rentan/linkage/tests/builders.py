"""Small participants files with people planted in them, for the linking tests."""

from dataclasses import replace
from datetime import date
from pathlib import Path

from rentan.linkage.participants_file import Participant, write_participants
from rentan.registry.names import comparable_name
from rentan.registry.nik import Sex, compose_nik

PERIOD = (date(2026, 1, 1), date(2026, 12, 31))
# Ordinary people of a region: different names, birth dates and NIKs.
_PEOPLE = [
    ("Slamet Riyadi", date(1975, 3, 14), Sex.MALE),
    ("Nurul Hidayah", date(1982, 11, 2), Sex.FEMALE),
    ("Bambang Sutrisno", date(1968, 7, 30), Sex.MALE),
    ("Muhammad Rizki", date(1990, 5, 21), Sex.MALE),
    ("Sri Wahyuni", date(1979, 1, 9), Sex.FEMALE),
    ("Agus Salim", date(1985, 8, 17), Sex.MALE),
    ("Dewi Lestari", date(1993, 12, 25), Sex.FEMALE),
    ("Joko Susilo", date(1971, 6, 3), Sex.MALE),
    ("Endang Purwati", date(1966, 4, 28), Sex.FEMALE),
    ("Teguh Prasetyo", date(1988, 10, 11), Sex.MALE),
]


def person(
    region: str, number: int, name: str, born: date, sex: Sex, *, serial: int
) -> Participant:
    district = f"{region}.01"
    return Participant(
        record_id=f"{region}/jamsos-2026/M{number}",
        nik=compose_nik(district_code=district, birth_date=born, sex=sex, serial=serial),
        name=name,
        name_normal=comparable_name(name),
        birth_date=born,
        sex=sex.value,
        kelurahan_code=f"{district}.2001",
        region_code=region,
        programme="jamsos-2026",
        payer=f"Pemerintah {region}",
        period_start=PERIOD[0],
        period_end=PERIOD[1],
    )


def region_people(region: str, *, shift: int) -> list[Participant]:
    """The ordinary people of a region; `shift` moves their birth years so that two regions
    built with different shifts share nobody."""
    return [
        person(region, number, name, born.replace(year=born.year + shift), sex, serial=number)
        for number, (name, born, sex) in enumerate(_PEOPLE, start=1)
    ]


def nik_one_digit_off(nik: str) -> str:
    last = nik[-1]
    return nik[:-1] + ("1" if last != "1" else "2")


def planted_pair(
    directory: Path, *, key: bytes | None = None
) -> tuple[Path, Path, set[tuple[str, str]]]:
    """Two regions' files; the second holds two people of the first written with small
    errors (two at once for one of them), and a different man of the same name and birth
    date as one in the first. Returns both paths and the planted pairs of record ids."""
    first = region_people("33.75", shift=0)
    second = region_people("33.26", shift=1)
    nurul, slamet, rizki = first[1], first[0], first[3]
    # the same NIK, "Nur" for "Nurul"
    second.append(
        replace(
            nurul,
            record_id="33.26/jamsos-2026/M101",
            name="Nur Hidayah",
            name_normal=comparable_name("Nur Hidayah"),
            region_code="33.26",
            kelurahan_code="33.26.01.2001",
            payer="Pemerintah 33.26",
        )
    )
    # a NIK one digit off and a letter lost in the name
    second.append(
        replace(
            slamet,
            record_id="33.26/jamsos-2026/M102",
            nik=nik_one_digit_off(slamet.nik),
            name="Slamet Riyad",
            name_normal=comparable_name("Slamet Riyad"),
            region_code="33.26",
            kelurahan_code="33.26.01.2001",
            payer="Pemerintah 33.26",
        )
    )
    # another Muhammad Rizki born the same day, with a NIK of his own
    second.append(person("33.26", 103, rizki.name, rizki.birth_date, Sex.MALE, serial=57))
    a, b = directory / "peserta-3375.parquet", directory / "peserta-3326.parquet"
    write_participants(first, a, key=key)
    write_participants(second, b, key=key)
    # each pair in the order of its record ids, as a result is compared
    planted = {
        ("33.26/jamsos-2026/M101", nurul.record_id),
        ("33.26/jamsos-2026/M102", slamet.record_id),
    }
    return a, b, planted
