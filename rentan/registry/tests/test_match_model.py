"""The comparison levels, the model's data and the explanation the review shows: pure."""

import json
from datetime import date

import pytest

from rentan.registry.match_model import (
    COMPARISONS,
    NULL,
    MatchModel,
    address_level,
    birth_level,
    compare,
    default_model,
    describe_evidence,
    name_forms,
    name_level,
    nik_level,
    parse_address,
    prepare,
)

BORN = date(1985, 8, 11)


def record(
    nik: str = "",
    name: str = "Slamet Riyadi",
    born: date | None = BORN,
    sex: str = "",
    kelurahan: str = "33.75.01.1002",
    address: str = "",
    kk: str = "",
):
    return prepare(
        key="x",
        nik=nik,
        name=name,
        birth_date=born,
        kelurahan=kelurahan,
        address=address,
        kk=kk,
        sex=sex,
    )


def level(comparison: str, number: int) -> str:
    return COMPARISONS[comparison][number]


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (record("3375011108850001"), record("3375011108850001"), "exact"),
        (record("3375011108850001"), record("3375061108850001"), "one_digit"),
        (record("3375011108850001"), record("3375011180850001"), "swapped"),
        # Born the same day in one kecamatan: the serials follow each other.
        (record("3375011108850001"), record("3375011108850002"), "serial"),
        # Twins, a boy and a girl: 40 added to the girl's day, as each record says.
        (record("3375011108850001", sex="L"), record("3375015108850001", sex="P"), "explained"),
        # The same digit slip without the birth dates to explain it.
        (record("3375011108850001", born=None), record("3375015108850001"), "one_digit"),
        (record("3375011108850001"), record("3375019912800045"), "other"),
        (record(""), record("3375011108850001"), ""),
    ],
)
def test_nik_levels_know_the_nik_parts(left, right, expected):
    assert level("nik", nik_level(left, right)) == expected


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("Muhammad Rizki", "M. RIZKI", "exact"),
        ("Nurul Hidayah", "Nur Hidayah", "exact"),
        ("Siti Aminah", "Aminah", "close"),
        ("Budi Santoso", "Budi Santosa", "close"),
        ("Joesoef Rachman", "Yusuf Rahman", "sounds_alike"),
        ("Slamet", "Slamet Riyadi", "contained"),
        ("Jaga Tampubolon", "Jarwi Tampubolon", "family"),
        ("Joko", "Jko", "similar"),
        ("Slamet Riyadi", "Aminah Lestari", "other"),
        ("", "Aminah Lestari", ""),
    ],
)
def test_name_levels(left, right, expected):
    assert level("name", name_level(name_forms(left), name_forms(right))) == expected


@pytest.mark.parametrize(
    ("right", "expected"),
    [
        (date(1985, 8, 11), "exact"),
        (date(1985, 11, 8), "swapped"),
        (date(1985, 8, 14), "days"),
        (date(1986, 8, 11), "one_part"),
        (date(1985, 3, 2), "same_year"),
        (date(1990, 3, 2), "other"),
        (None, ""),
    ],
)
def test_birth_date_levels(right, expected):
    assert level("birth_date", birth_level(BORN, right)) == expected


def test_an_address_is_read_into_street_house_rt_and_rw():
    for written in (
        "Jl. Merdeka No. 5 RT 003/RW 002",
        "JALAN MERDEKA 5, RT3 RW2",
        "JL MERDEKA NO 5, RT03/RW02",
    ):
        parsed = parse_address(written)
        assert (parsed.street, parsed.house, parsed.rt, parsed.rw) == ("merdeka", "5", "3", "2")


@pytest.mark.parametrize(
    ("right", "expected"),
    [
        ("Jalan Merdeka 5 RT 3 RW 2", "same"),
        ("Jl. Merdka No. 5 RT 7 RW 1", "house"),
        ("Jl. Merdeka No. 9 RT 3 RW 2", "rt_rw"),
        ("Jl. Merdeka No. 9 RT 1 RW 1", "street"),
        ("Jl. Progo No. 5 RT 3 RW 2", "other"),
    ],
)
def test_address_levels(right, expected):
    left = parse_address("Jl. Merdeka No. 5 RT 003/RW 002")
    assert level("address", address_level(left, parse_address(right))) == expected


def test_addresses_in_two_kelurahan_are_not_compared():
    address = "Jl. Merdeka No. 5 RT 003/RW 002"
    levels = compare(record(address=address), record(address=address, kelurahan="33.75.04.1010"))
    assert levels[list(COMPARISONS).index("address")] == NULL
    assert level("kelurahan", levels[list(COMPARISONS).index("kelurahan")]) == "other"


def test_the_shipped_weights_load_and_point_the_right_way():
    model = default_model()
    assert model.record_count > 1000
    assert 0 < model.prior < 1e-3
    assert set(model.levels) == set(COMPARISONS)
    weight = {
        (name, level): value.weight
        for name, levels in model.levels.items()
        for level, value in levels.items()
    }
    assert weight["nik", "exact"] > weight["nik", "one_digit"] > 0 > weight["nik", "other"]
    assert weight["name", "exact"] > 0 > weight["name", "other"]
    assert weight["birth_date", "swapped"] > 0 > weight["birth_date", "other"]
    assert weight["address", "same"] > 0 > weight["address", "other"]
    # Two people at one house often share a KK: there it proves far less than elsewhere.
    kk = model.levels["kk"]["same"]
    assert 0 <= kk.house_weight < kk.weight


def test_a_model_survives_its_json():
    model = default_model()
    assert MatchModel.from_json(json.loads(json.dumps(model.to_json()))) == model


def test_the_evidence_is_said_in_indonesian_with_a_decimal_comma():
    evidence = [["nik", "one_digit", 8.06], ["birth_date", "swapped", 4.2], ["name", "exact", 9]]
    assert describe_evidence(evidence) == [
        "NIK beda 1 digit: +8,1",
        "tanggal lahir tertukar hari/bulan: +4,2",
        "nama sama: +9,0",
    ]
    assert describe_evidence([["address", "other", -7.14]]) == ["alamat berbeda: -7,1"]


def test_weights_are_outgrown_when_the_registry_has_doubled_since_their_estimate():
    from dataclasses import replace

    shipped = default_model()
    assert shipped.record_count == 49_997
    assert not shipped.is_outgrown_by(shipped.record_count)
    assert not shipped.is_outgrown_by(99_993)
    assert shipped.is_outgrown_by(99_994)
    assert shipped.is_outgrown_by(1_000_000)
    # Weights from a few records wait for a registry of twenty thousand.
    small = replace(shipped, record_count=300)
    assert not small.is_outgrown_by(19_999)
    assert small.is_outgrown_by(20_000)
