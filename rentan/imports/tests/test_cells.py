"""Cell readers, table-driven, without a database."""

from datetime import date, datetime

import pytest

from rentan.imports.cells import (
    PERSON_HEADERS,
    CellError,
    CellProblem,
    Choice,
    ChoiceLookup,
    ImportField,
    column_has_numbers,
    find_header,
    match_header,
    parse_birth_date,
    parse_rt_rw,
    parse_sex,
    parse_whole_number,
)

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("NIK", ImportField.NIK),
        ("No. KTP", ImportField.NIK),
        ("  nomor  KTP ", ImportField.NIK),
        ("No KK", ImportField.KK_NUMBER),
        ("NAMA LENGKAP", ImportField.NAME),
        ("Tgl Lahir", ImportField.BIRTH_DATE),
        ("Tgl. Lahir", ImportField.BIRTH_DATE),
        ("L/P", ImportField.SEX),
        ("RT/RW", ImportField.RT_RW),
        ("Desa/Kelurahan", ImportField.KELURAHAN),
        ("No. HP/WA", ImportField.PHONE),
        ("Penghasilan (Rp)", ImportField.MONTHLY_INCOME),
        ("Jenis Pekerjaan", ImportField.OCCUPATION),
        ("No.", ImportField.IGNORE),
        ("Keterangan Kesalahan", ImportField.IGNORE),
        ("Catatan petugas", None),
    ],
)
def test_headers_are_matched_leniently_with_synonyms(header, field):
    assert match_header(header) is field


def test_header_row_is_found_below_a_title_and_blank_rows():
    rows = [
        ["DATA PEKERJA RENTAN KELURAHAN MEDONO"],
        [],
        ["No", "No. KTP", "Nama", "Tgl Lahir", "Catatan", None],
        [1, "3375014501850001", "Siti", "05-01-1985", "", None],
    ]
    guess = find_header(rows, PERSON_HEADERS)
    assert guess is not None
    assert guess.row_index == 2
    assert guess.columns == {
        0: ImportField.IGNORE,
        1: ImportField.NIK,
        2: ImportField.NAME,
        3: ImportField.BIRTH_DATE,
    }
    assert guess.unknown == {4: "Catatan"}


def test_no_header_is_found_in_a_sheet_of_data_only():
    assert find_header([["a", "b"], [1, 2]], PERSON_HEADERS) is None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (27526, date(1975, 5, 12)),  # Excel serial in a General cell
        (27526.0, date(1975, 5, 12)),
        ("27526", date(1975, 5, 12)),  # the same serial exported to CSV
        (datetime(1975, 5, 12, 0, 0), date(1975, 5, 12)),
        (date(1975, 5, 12), date(1975, 5, 12)),
        ("12-05-1975", date(1975, 5, 12)),
        ("12/05/1975", date(1975, 5, 12)),
        ("12.05.1975", date(1975, 5, 12)),
        ("12/05/75", date(1975, 5, 12)),
        ("5/1/85", date(1985, 1, 5)),
        ("01-02-03", date(2003, 2, 1)),
        ("1975-05-12", date(1975, 5, 12)),
        ("12 Mei 1975", date(1975, 5, 12)),
        ("12 mei 75", date(1975, 5, 12)),
        ("12-Mei-1975", date(1975, 5, 12)),
        ("17 Agustus 1980", date(1980, 8, 17)),
        ("17 Agt 1980", date(1980, 8, 17)),
        ("3 Okt. 1990", date(1990, 10, 3)),
        ("1 Nopember 1970", date(1970, 11, 1)),
        ("12-May-1975", date(1975, 5, 12)),
        ("", None),
        (None, None),
    ],
)
def test_birth_dates_are_read_in_every_form_excel_and_people_write(cell, expected):
    assert parse_birth_date(cell, today=TODAY) == expected


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("31-02-1975", CellProblem.DATE_IMPOSSIBLE),
        ("12 Mai 1975", CellProblem.DATE_UNREADABLE),
        ("kemarin", CellProblem.DATE_UNREADABLE),
        ("12-05-2030", CellProblem.DATE_IN_FUTURE),
        (1.5, CellProblem.DATE_UNREADABLE),
    ],
)
def test_unreadable_birth_dates_name_their_problem(cell, problem):
    with pytest.raises(CellError) as raised:
        parse_birth_date(cell, today=TODAY)
    assert raised.value.problem is problem


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("L", "L"), ("p", "P"), ("Laki-laki", "L"), ("PEREMPUAN", "P"), ("Wanita", "P"), ("", "")],
)
def test_sex_is_read_from_usual_spellings(cell, expected):
    assert parse_sex(cell) == expected


def test_unknown_sex_is_refused():
    with pytest.raises(CellError) as raised:
        parse_sex("X")
    assert raised.value.problem is CellProblem.SEX_UNREADABLE


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1.500.000", 1500000),
        ("Rp 1.500.000", 1500000),
        ("1,500,000", 1500000),
        (2, 2),
        (1500000.0, 1500000),
        ("2", 2),
        ("", None),
    ],
)
def test_whole_numbers_accept_thousands_separators(cell, expected):
    assert parse_whole_number(cell, noun="Penghasilan") == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("1500000.0", 1500000), ("2.0", 2), ("1.000", 1000), ("Rp 16.800,-", 16800)],
)
def test_a_number_a_csv_wrote_as_text_is_read_and_a_dot_group_stays_thousands(cell, expected):
    assert parse_whole_number(cell, noun="Penghasilan") == expected


@pytest.mark.parametrize("cell", ["1,500", "1.5", "2,5"])
def test_an_ambiguous_or_fractional_number_in_a_cell_is_refused(cell):
    with pytest.raises(CellError) as raised:
        parse_whole_number(cell, noun="Penghasilan")
    assert raised.value.problem is CellProblem.NUMBER_UNREADABLE
    assert "Penghasilan" in str(raised.value)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("003/005", ("003", "005")),
        ("3/5", ("3", "5")),
        ("RT 03 RW 05", ("03", "05")),
        ("", ("", "")),
    ],
)
def test_rt_rw_in_one_column_is_split(cell, expected):
    assert parse_rt_rw(cell) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["3375014501850001", "3375014501850002"], False),
        (["3375014501850001", 3375014501850000.0], True),
        (["3.37501E+15"], True),
        (["3375014501850000.0"], True),
        ([None, ""], False),
    ],
)
def test_a_column_that_excel_treated_as_numbers_is_recognised(values, expected):
    assert column_has_numbers(values) is expected


def _kelurahan() -> ChoiceLookup:
    return ChoiceLookup(
        [Choice("33.75.01.1002", "Medono"), Choice("33.75.04.1010", "Sokoduwet")],
        noun="Kelurahan",
        problem=CellProblem.KELURAHAN_UNKNOWN,
    )


@pytest.mark.parametrize(
    "cell", ["Medono", "MEDONO", " medono ", "Kel. Medono", "Kelurahan Medono", "33.75.01.1002"]
)
def test_kelurahan_is_found_by_name_or_code(cell):
    assert _kelurahan().code_for(cell) == "33.75.01.1002"


def test_misspelled_kelurahan_suggests_the_closest_programme_kelurahan():
    with pytest.raises(CellError) as raised:
        _kelurahan().code_for("Sokodwet")
    assert raised.value.problem is CellProblem.KELURAHAN_UNKNOWN
    assert "Sokoduwet" in str(raised.value)


def test_kelurahan_unlike_any_gets_no_suggestion():
    with pytest.raises(CellError) as raised:
        _kelurahan().code_for("Jakarta Pusat")
    assert "Mungkin" not in str(raised.value)
