import pickle
from datetime import date
from decimal import Decimal

import pytest

from rentan.registry.nik import (
    NikError,
    NikProblem,
    ParsedKk,
    ParsedNik,
    Sex,
    check_nik_against_person,
    compose_nik,
    mask_nik,
    parse_kk,
    parse_nik,
)

TODAY = date(2026, 11, 25)

# Pekalongan Barat (33.75.01); a woman born 5 January 1985, the example in DOMAIN.md.
WOMAN_1985 = "3375014501850001"

DISTRICTS = {"33.75.01": "Pekalongan Barat", "33.75.02": "Pekalongan Timur"}


def _problem_of_nik(raw: object, *, column_has_numbers: bool = False) -> NikProblem:
    with pytest.raises(NikError) as excinfo:
        parse_nik(raw, today=TODAY, column_has_numbers=column_has_numbers)
    return excinfo.value.problem


def test_nik_is_split_into_dotted_area_codes_birth_date_sex_and_serial() -> None:
    assert parse_nik(WOMAN_1985, today=TODAY) == ParsedNik(
        nik=WOMAN_1985,
        province_code="33",
        regency_code="33.75",
        district_code="33.75.01",
        birth_date=date(1985, 1, 5),
        sex=Sex.FEMALE,
        serial="0001",
    )


@pytest.mark.parametrize(
    ("nik", "birth_date", "sex"),
    [
        ("3375010501850001", date(1985, 1, 5), Sex.MALE),
        ("3375014501850001", date(1985, 1, 5), Sex.FEMALE),
        ("3375013112900002", date(1990, 12, 31), Sex.MALE),
        ("3375017112900003", date(1990, 12, 31), Sex.FEMALE),
        ("3375014101700004", date(1970, 1, 1), Sex.FEMALE),
        ("3375022902000005", date(2000, 2, 29), Sex.MALE),
        ("3375026902960006", date(1996, 2, 29), Sex.FEMALE),
        ("6571010807880007", date(1988, 7, 8), Sex.MALE),
        ("9671014808910008", date(1991, 8, 8), Sex.FEMALE),
    ],
    ids=[
        "man",
        "woman-day-plus-40",
        "man-born-on-31st",
        "woman-born-on-31st-is-day-71",
        "woman-born-on-1st-is-day-41",
        "29-february-of-leap-year-2000",
        "woman-29-february-of-leap-year-1996",
        "kalimantan-utara-unknown-to-stdnum",
        "papua-barat-daya-created-2022",
    ],
)
def test_valid_nik_gives_birth_date_and_sex(nik: str, birth_date: date, sex: Sex) -> None:
    parsed = parse_nik(nik, today=TODAY)

    assert parsed.birth_date == birth_date
    assert parsed.sex is sex


@pytest.mark.parametrize(
    ("nik", "birth_date"),
    [
        ("3375010101000001", date(2000, 1, 1)),
        ("3375010101260001", date(2026, 1, 1)),
        ("3375012511260001", date(2026, 11, 25)),
        ("3375010101270001", date(1927, 1, 1)),
        ("3375010101990001", date(1999, 1, 1)),
    ],
    ids=["00-is-2000", "this-year", "born-today", "next-year-digits-mean-1900s", "99-is-1999"],
)
def test_two_digit_year_is_the_latest_year_not_after_today(nik: str, birth_date: date) -> None:
    assert parse_nik(nik, today=TODAY).birth_date == birth_date


@pytest.mark.parametrize(
    "nik",
    [
        "3375010012850001",
        "3375013201850001",
        "3375014001850001",
        "3375017201850001",
        "3375018101850001",
        "3375010500850001",
        "3375010513850001",
        "3375013002000001",
        "3375013104850001",
        "3375012902990001",
        "3375016902250001",
    ],
    ids=[
        "day-00",
        "day-32",
        "day-40",
        "woman-day-72",
        "day-81-that-stdnum-would-read-as-1",
        "month-00",
        "month-13",
        "30-february",
        "31-april",
        "29-february-1999",
        "woman-29-february-2025",
    ],
)
def test_impossible_birth_date_is_rejected(nik: str) -> None:
    assert _problem_of_nik(nik) is NikProblem.INVALID_BIRTH_DATE


def test_birth_date_later_this_year_is_in_the_future() -> None:
    assert _problem_of_nik("3375010112260001") is NikProblem.BIRTH_DATE_IN_FUTURE


def test_serial_0000_is_never_issued() -> None:
    assert _problem_of_nik("3375010501850000") is NikProblem.ZERO_SERIAL


@pytest.mark.parametrize(
    "nik", ["0075010501850001", "2075010501850001", "9975010501850001", "9775010501850001"]
)
def test_unknown_province_is_rejected(nik: str) -> None:
    assert _problem_of_nik(nik) is NikProblem.UNKNOWN_PROVINCE


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (None, NikProblem.EMPTY),
        ("", NikProblem.EMPTY),
        ("   ", NikProblem.EMPTY),
        (float("nan"), NikProblem.EMPTY),
        ("337501450185001", NikProblem.WRONG_LENGTH),
        ("33750145018500011", NikProblem.WRONG_LENGTH),
        ("33750A4501850001", NikProblem.NOT_DIGITS),
        ("3375-0145-0185-0001", NikProblem.NOT_DIGITS),
        ("3375.0145.0185.0001", NikProblem.NOT_DIGITS),
        ("'3375014501850001", NikProblem.NOT_DIGITS),
        ("".join(chr(ord("\uff10") + int(d)) for d in WOMAN_1985), NikProblem.NOT_DIGITS),
        (True, NikProblem.NOT_DIGITS),
        (date(1985, 1, 5), NikProblem.NOT_DIGITS),
    ],
    ids=[
        "none",
        "empty",
        "blank",
        "nan-from-pandas",
        "15-digits",
        "17-digits",
        "letter",
        "dashes",
        "dots",
        "leading-apostrophe",
        "full-width-digits",
        "boolean",
        "date",
    ],
)
def test_malformed_nik_is_rejected(raw: object, problem: NikProblem) -> None:
    assert _problem_of_nik(raw) is problem


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (3375014501850001, NikProblem.STORED_AS_NUMBER),
        (3375014501850000, NikProblem.STORED_AS_NUMBER),
        (3.375014501850001e15, NikProblem.STORED_AS_NUMBER),
        (Decimal("3375014501850001"), NikProblem.STORED_AS_NUMBER),
        ("3375014501850001.0", NikProblem.STORED_AS_NUMBER),
        ("3375014501850000,00", NikProblem.STORED_AS_NUMBER),
        ("3.375.014.501.850.000", NikProblem.STORED_AS_NUMBER),
        ("3,375,014,501,850,000", NikProblem.STORED_AS_NUMBER),
        ("3.37501450185E+15", NikProblem.SCIENTIFIC_NOTATION),
        ("3,37501E+15", NikProblem.SCIENTIFIC_NOTATION),
        ("3.37501450185e15", NikProblem.SCIENTIFIC_NOTATION),
    ],
    ids=[
        "int",
        "int-rounded",
        "float",
        "decimal",
        "float-written-as-text",
        "float-with-decimal-comma",
        "thousands-dots",
        "thousands-commas",
        "scientific",
        "scientific-indonesian-locale",
        "scientific-lower-case",
    ],
)
def test_nik_that_went_through_an_excel_number_is_rejected(
    raw: object, problem: NikProblem
) -> None:
    assert _problem_of_nik(raw) is problem


def test_nik_ending_in_0_is_rounded_by_excel_when_its_column_has_numbers() -> None:
    assert (
        _problem_of_nik("3375014501850010", column_has_numbers=True) is NikProblem.ROUNDED_BY_EXCEL
    )


def test_nik_ending_in_0_is_accepted_when_its_column_has_only_text() -> None:
    assert parse_nik("3375014501850010", today=TODAY).serial == "0010"


def test_nik_not_ending_in_0_is_accepted_when_its_column_has_numbers() -> None:
    assert parse_nik(WOMAN_1985, today=TODAY, column_has_numbers=True).nik == WOMAN_1985


@pytest.mark.parametrize(
    "raw",
    [" 3375014501850001 ", "3375 0145 0185 0001", "3375014501850001\t", "3375\u00a0014501850001"],
    ids=["surrounding", "inner", "tab", "non-breaking-space"],
)
def test_spaces_in_nik_are_tolerated(raw: str) -> None:
    assert parse_nik(raw, today=TODAY).nik == WOMAN_1985


def test_error_reads_as_a_sentence_and_survives_pickling() -> None:
    with pytest.raises(NikError) as excinfo:
        parse_nik("337501450185001", today=TODAY)
    error = excinfo.value

    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (its own exception, just pickled)

    assert str(error) == error.detail
    assert copy.problem is NikProblem.WRONG_LENGTH
    assert copy.detail == error.detail


@pytest.mark.parametrize(
    ("birth_date", "sex", "problems"),
    [
        (date(1985, 1, 5), "P", []),
        (None, None, []),
        (date(1985, 5, 1), "P", [NikProblem.BIRTH_DATE_MISMATCH]),
        (date(2085, 1, 5), "P", [NikProblem.BIRTH_DATE_MISMATCH]),
        (date(1985, 1, 5), "L", [NikProblem.SEX_MISMATCH]),
        (date(1985, 1, 6), "L", [NikProblem.BIRTH_DATE_MISMATCH, NikProblem.SEX_MISMATCH]),
    ],
    ids=["agrees", "nothing-entered", "day-and-month-swapped", "other-century", "sex", "both"],
)
def test_entered_birth_date_and_sex_must_agree_with_nik(
    birth_date: date | None, sex: str | None, problems: list[NikProblem]
) -> None:
    parsed = parse_nik(WOMAN_1985, today=TODAY)

    findings = check_nik_against_person(
        parsed, birth_date=birth_date, sex=sex, district_name=DISTRICTS.get
    )

    assert [finding.problem for finding in findings] == problems
    assert not any(finding.is_warning for finding in findings)


def test_birth_date_mismatch_names_both_dates_in_indonesian() -> None:
    parsed = parse_nik(WOMAN_1985, today=TODAY)

    [finding] = check_nik_against_person(
        parsed, birth_date=date(1975, 5, 12), sex="P", district_name=DISTRICTS.get
    )

    assert "12 Mei 1975" in finding.detail
    assert "5 Januari 1985" in finding.detail


def test_unknown_district_is_only_a_warning() -> None:
    parsed = parse_nik("3375090501850001", today=TODAY)

    findings = check_nik_against_person(
        parsed, birth_date=date(1985, 1, 5), sex="L", district_name=DISTRICTS.get
    )

    assert [(finding.problem, finding.is_warning) for finding in findings] == [
        (NikProblem.UNKNOWN_DISTRICT, True)
    ]


@pytest.mark.parametrize(
    ("nik", "masked"),
    [
        ("3375014501850001", "3375********0001"),
        ("337501450185001", "***************"),
        ("", ""),
    ],
    ids=["16-digits", "wrong-length", "empty"],
)
def test_mask_nik_keeps_only_first_and_last_four_digits(nik: str, masked: str) -> None:
    assert mask_nik(nik) == masked


@pytest.mark.parametrize(
    "raw",
    ["3375012003150004", " 3375 0120 0315 0004 ", "3375019999990004"],
    ids=["plain", "spaces", "issue-date-digits-unchecked"],
)
def test_kk_number_gives_its_area_codes(raw: str) -> None:
    parsed = parse_kk(raw)

    assert parsed == ParsedKk(
        number="".join(raw.split()),
        province_code="33",
        regency_code="33.75",
        district_code="33.75.01",
    )


@pytest.mark.parametrize(
    ("raw", "column_has_numbers", "problem"),
    [
        (None, False, NikProblem.EMPTY),
        ("  ", False, NikProblem.EMPTY),
        (3375012003150004, False, NikProblem.STORED_AS_NUMBER),
        (3.37501200315e15, False, NikProblem.STORED_AS_NUMBER),
        ("3375012003150004.0", False, NikProblem.STORED_AS_NUMBER),
        ("3.37501200315E+15", False, NikProblem.SCIENTIFIC_NOTATION),
        ("3375012003150000", True, NikProblem.ROUNDED_BY_EXCEL),
        ("337501200315000", False, NikProblem.WRONG_LENGTH),
        ("33750120031500041", False, NikProblem.WRONG_LENGTH),
        ("33750120O3150004", False, NikProblem.NOT_DIGITS),
        ("0075012003150004", False, NikProblem.UNKNOWN_PROVINCE),
    ],
    ids=[
        "none",
        "blank",
        "int",
        "float",
        "float-written-as-text",
        "scientific",
        "rounded",
        "15-digits",
        "17-digits",
        "letter-o-for-zero",
        "province-00",
    ],
)
def test_kk_number_with_excel_damage_or_bad_format_is_rejected(
    raw: object, column_has_numbers: bool, problem: NikProblem
) -> None:
    with pytest.raises(NikError) as excinfo:
        parse_kk(raw, column_has_numbers=column_has_numbers)

    assert excinfo.value.problem is problem


def test_kk_number_ending_in_0_is_accepted_when_its_column_has_only_text() -> None:
    assert parse_kk("3375012003150000").number == "3375012003150000"


@pytest.mark.parametrize(
    ("district_code", "birth_date", "sex", "serial", "nik"),
    [
        ("33.75.01", date(1985, 1, 5), Sex.FEMALE, 1, "3375014501850001"),
        ("337502", date(2000, 2, 29), Sex.MALE, 123, "3375022902000123"),
        ("33.75.04", date(1990, 12, 31), Sex.FEMALE, 9999, "3375047112909999"),
    ],
    ids=["woman-dotted-district", "man-plain-district", "woman-day-71-last-serial"],
)
def test_composed_nik_parses_back_to_its_parts(
    district_code: str, birth_date: date, sex: Sex, serial: int, nik: str
) -> None:
    composed = compose_nik(
        district_code=district_code, birth_date=birth_date, sex=sex, serial=serial
    )
    parsed = parse_nik(composed, today=TODAY)

    assert composed == nik
    assert (parsed.birth_date, parsed.sex, int(parsed.serial)) == (birth_date, sex, serial)


@pytest.mark.parametrize(
    ("district_code", "serial"),
    [("33.75", 1), ("33.75.0A", 1), ("33.75.01", 0), ("33.75.01", 10000)],
    ids=["regency-only", "letter", "serial-0", "serial-10000"],
)
def test_compose_nik_refuses_parts_that_cannot_make_a_nik(district_code: str, serial: int) -> None:
    with pytest.raises(ValueError, match="harus"):
        compose_nik(
            district_code=district_code, birth_date=date(1985, 1, 5), sex=Sex.MALE, serial=serial
        )


@pytest.mark.parametrize(
    "digits",
    ["337501450185000", "3375014501850001", "33750145018500012", "3375010101800001"],
)
def test_length_rule_agrees_with_stdnum(digits):
    from stdnum.exceptions import InvalidLength, ValidationError
    from stdnum.id import nik as stdnum_nik

    try:
        stdnum_nik.validate(digits)
        stdnum_wrong_length = False
    except InvalidLength:
        stdnum_wrong_length = True
    except ValidationError:
        stdnum_wrong_length = False
    try:
        parse_nik(digits, today=date(2026, 11, 25))
        ours_wrong_length = False
    except NikError as error:
        ours_wrong_length = error.problem is NikProblem.WRONG_LENGTH
    assert ours_wrong_length is stdnum_wrong_length
