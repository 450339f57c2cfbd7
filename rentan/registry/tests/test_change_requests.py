"""What a change to a verified record asks for, and which pending requests disagree: pure."""

from datetime import date

import pytest

from rentan.registry.change_requests import (
    WHOLE_RECORD,
    Shown,
    changed_since,
    conflicting_fields,
    diff_rows,
    overlapping_fields,
    split_change,
)
from rentan.registry.person_fields import NEEDS_REQUEST, PERSON_FIELDS

CURRENT = {
    "nik": "3375010501850001",
    "kk_number": "3375010101100001",
    "name": "Darimin",
    "birth_place": "Pekalongan",
    "birth_date": date(1985, 1, 5),
    "sex": "L",
    "street_address": "Jl. Seruni 3",
    "rt": "001",
    "rw": "002",
    "kelurahan_code": "33.75.01.1002",
    "phone": "081234567890",
    "occupation_code": "pengayuh-becak",
    "monthly_income": 900_000,
    "dependents": 2,
    "has_disability": False,
    "disability_note": "",
    "mother_name": "Sumirah",
}


def test_the_fields_that_need_a_request_are_declared_once_with_their_labels():
    assert {
        "nik",
        "kk_number",
        "name",
        "birth_date",
        "sex",
        "street_address",
        "rt",
        "rw",
        "kelurahan_code",
        "occupation_code",
        "monthly_income",
        "dependents",
        "has_disability",
        "disability_note",
        "mother_name",
    } == NEEDS_REQUEST
    assert all(spec.label for spec in PERSON_FIELDS)


@pytest.mark.parametrize(
    ("changed", "requested", "direct"),
    [
        ({}, {}, {}),
        ({"phone": "081299990000"}, {}, {"phone": "081299990000"}),
        ({"birth_place": "Batang"}, {}, {"birth_place": "Batang"}),
        ({"monthly_income": 1_200_000}, {"monthly_income": 1_200_000}, {}),
        (
            {"street_address": "Jl. Melati 9", "phone": "081299990000"},
            {"street_address": "Jl. Melati 9"},
            {"phone": "081299990000"},
        ),
        ({"birth_date": date(1985, 1, 6)}, {"birth_date": "1985-01-06"}, {}),
        ({"has_disability": True}, {"has_disability": True}, {}),
    ],
)
def test_a_verified_record_parts_an_edit_into_a_request_and_a_direct_change(
    changed, requested, direct
):
    split = split_change(CURRENT, {**CURRENT, **changed}, is_verified=True)
    assert split.requested == requested
    assert split.direct == direct
    assert split.before == {
        name: (CURRENT[name].isoformat() if name == "birth_date" else CURRENT[name])
        for name in requested
    }
    assert split.needs_request == bool(requested)


def test_an_unverified_record_is_edited_directly_whatever_the_field():
    split = split_change(
        CURRENT, {**CURRENT, "nik": "3375010501850002", "name": "Darmin"}, is_verified=False
    )
    assert not split.needs_request
    assert split.direct == {"nik": "3375010501850002", "name": "Darmin"}


@pytest.mark.parametrize(
    ("first", "second", "conflict"),
    [
        ({"monthly_income": 1}, {"monthly_income": 2}, ["monthly_income"]),
        ({"monthly_income": 1}, {"monthly_income": 1}, []),
        ({"monthly_income": 1}, {"name": "X"}, []),
        (
            {"name": "A", "rt": "001", "rw": "003"},
            {"rt": "002", "rw": "003", "name": "B"},
            ["name", "rt"],
        ),
        ({WHOLE_RECORD: False}, {"name": "X"}, [WHOLE_RECORD]),
        ({"name": "X"}, {WHOLE_RECORD: False}, [WHOLE_RECORD]),
    ],
)
def test_two_pending_requests_conflict_on_a_field_they_set_differently(first, second, conflict):
    assert conflicting_fields(first, second) == conflict
    assert conflicting_fields(second, first) == conflict


def test_requests_on_the_same_field_overlap_even_with_the_same_value():
    assert overlapping_fields(["monthly_income"], ["monthly_income", "name"]) == ["monthly_income"]
    assert overlapping_fields(["phone"], ["name"]) == []
    assert overlapping_fields([WHOLE_RECORD], ["name"]) == [WHOLE_RECORD]


def test_a_request_is_stale_when_its_field_changed_since_it_was_made():
    assert changed_since({"monthly_income": 900_000}, CURRENT) == []
    assert changed_since({"monthly_income": 800_000, "name": "Darimin"}, CURRENT) == [
        "monthly_income"
    ]


def _shown(*, may_see_nik: bool = True, may_see_sensitive: bool = True) -> Shown:
    return Shown(
        may_see_nik=may_see_nik,
        may_see_sensitive=may_see_sensitive,
        occupation_name={"pengayuh-becak": "Pengayuh becak", "kuli-panggul": "Kuli panggul"}.get,  # type: ignore[arg-type]
        kelurahan_name={"33.75.01.1002": "Medono"}.get,  # type: ignore[arg-type]
        sex_label={"L": "Laki-laki", "P": "Perempuan"}.get,  # type: ignore[arg-type]
    )


def test_the_diff_shows_labels_and_values_as_people_read_them():
    before = {
        "nik": "3375010501850001",
        "birth_date": "1985-01-05",
        "monthly_income": 900_000,
        "occupation_code": "pengayuh-becak",
        "street_address": "",
        "has_disability": False,
    }
    proposed = {
        "nik": "3375010501850002",
        "birth_date": "1985-11-25",
        "monthly_income": 1_250_000,
        "occupation_code": "kuli-panggul",
        "street_address": "Jl. Melati 9",
        "has_disability": True,
    }
    rows = [(r.label, r.before, r.after) for r in diff_rows(before, proposed, _shown())]
    assert rows == [
        ("NIK", "3375010501850001", "3375010501850002"),
        ("Tanggal lahir", "5 Januari 1985", "25 November 1985"),
        ("Alamat", "-", "Jl. Melati 9"),
        ("Jenis pekerjaan", "Pengayuh becak", "Kuli panggul"),
        ("Penghasilan per bulan", "Rp 900.000", "Rp 1.250.000"),
        ("Penyandang disabilitas", "Tidak", "Ya"),
    ]


def test_the_diff_masks_the_nik_and_hides_disability_from_those_who_may_not_see_them():
    rows = diff_rows(
        {"nik": "3375010501850001", "has_disability": False},
        {"nik": "3375010501850002", "has_disability": True},
        _shown(may_see_nik=False, may_see_sensitive=False),
    )
    assert [(r.before, r.after) for r in rows] == [
        ("3375********0001", "3375********0002"),
        ("(tidak ditampilkan)", "(tidak ditampilkan)"),
    ]
