"""The row checker without a database: the quick path for clean rows gives exactly the outcome
of the full check, on clean rows and on every kind of mess."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rentan.imports.cells import (
    CellProblem,
    ChoiceLookup,
    ImportField,
    JobTypeLookup,
    choices_from,
    match_header,
)
from rentan.imports.reading import SheetRow
from rentan.imports.rows import Columns, ImportContext, RowChecker
from rentan.registry.job_names import JobNames, JobType
from rentan.registry.nik import Sex, compose_nik
from rentan.registry.validation import RegistryContext

TODAY = date(2026, 11, 25)
DISTRICTS = {"33.75.01": "Pekalongan Barat", "33.75.02": "Pekalongan Timur"}
KELURAHAN = {
    "33.75.01.1001": "Podosugih",
    "33.75.01.1002": "Medono",
    "33.75.02.1001": "Noyontaan",
}
OCCUPATIONS = {"ojol": "Pengemudi Ojek Daring", "nelayan": "Nelayan", "buruh": "Buruh Batik"}
ALIASES = {"ojol": ("ojek online",), "nelayan": ("ABK", "buruh nelayan"), "buruh": ("pembatik",)}

# The template's columns, an ignored running number and two optional ones.
SEPARATE = (
    ImportField.IGNORE,
    ImportField.NIK,
    ImportField.KK_NUMBER,
    ImportField.NAME,
    ImportField.BIRTH_PLACE,
    ImportField.BIRTH_DATE,
    ImportField.SEX,
    ImportField.STREET_ADDRESS,
    ImportField.RT,
    ImportField.RW,
    ImportField.KELURAHAN,
    ImportField.PHONE,
    ImportField.OCCUPATION,
    ImportField.MONTHLY_INCOME,
    ImportField.DEPENDENTS,
    ImportField.HAS_DISABILITY,
    ImportField.DISABILITY_NOTE,
    ImportField.MOTHER_NAME,
)
# A home-made file: RT/RW in one column, no KK, kelurahan, phone or the optional columns.
COMBINED = (
    ImportField.NIK,
    ImportField.NAME,
    ImportField.BIRTH_DATE,
    ImportField.SEX,
    ImportField.STREET_ADDRESS,
    ImportField.RT_RW,
    ImportField.OCCUPATION,
)


def _context(*, allowed=None, default=""):
    return ImportContext(
        registry=RegistryContext(
            today=TODAY,
            district_name=DISTRICTS.get,
            kelurahan_codes=frozenset(KELURAHAN),
            occupation_codes=frozenset(OCCUPATIONS),
        ),
        kelurahan=ChoiceLookup(
            choices_from(KELURAHAN), noun="Kelurahan", problem=CellProblem.KELURAHAN_UNKNOWN
        ),
        occupations=JobTypeLookup(
            JobNames(JobType(code, name, ALIASES[code]) for code, name in OCCUPATIONS.items())
        ),
        allowed_kelurahan=allowed,
        default_kelurahan=default,
    )


def _checker(layout, context, *, nik_has_numbers=False, kk_has_numbers=False):
    columns = Columns(
        fields=dict(enumerate(layout)),
        headers={i: f"Kolom {field.value}" for i, field in enumerate(layout)},
    )
    return RowChecker(
        columns=columns,
        context=context,
        nik_has_numbers=nik_has_numbers,
        kk_has_numbers=kk_has_numbers,
    )


def _clean_row(number, *, serial=1, born=date(1985, 1, 5), sex=Sex.FEMALE, district="337501"):
    nik = compose_nik(district_code=district, birth_date=born, sex=sex, serial=serial)
    return SheetRow(
        number,
        [
            str(number),
            nik,
            "3375010101850001",
            "SITI  AMINAH",
            "pekalongan",
            born.strftime("%d-%m-%Y"),
            sex.value,
            "Jl. Progo No. 7",
            "3",
            "005",
            "Podosugih",
            "081234567890",
            "Nelayan",
            "1.500.000",
            "2",
            "tidak",
            "",
            "KHOTIJAH",
        ],
    )


def test_clean_rows_take_the_quick_path_with_the_full_check_outcome():
    quick = _checker(SEPARATE, _context())
    full = _checker(SEPARATE, _context())
    for number in range(2, 12):
        row = _clean_row(number, serial=number)
        outcome = quick.check_quickly(row)
        assert outcome is not None
        assert outcome == full.check_fully(row)
        assert outcome.is_valid
        assert outcome.issues == []
        assert outcome.draft.name == "Siti Aminah"
        assert outcome.draft.phone == "+6281234567890"
        assert outcome.draft.rt == "003"
        assert outcome.draft.monthly_income == 1_500_000
        assert outcome.draft.mother_name == "Khotijah"


@pytest.mark.parametrize(
    ("column", "value"),
    [
        (1, "3375014501850000"),  # serial 0000
        (1, "3.37501450185E+15"),
        (1, 3375014501850001),
        (1, "3399014501850001"),  # kecamatan unknown: a warning only
        (2, "12345"),
        (3, "Siti 2"),
        (5, "06-01-1985"),  # another day than the NIK's
        (6, "L"),  # not the NIK's sex
        (6, "X"),
        (8, "1234"),
        (10, "Podosugi"),
        (11, "0812"),
        (12, "Penjahit"),
        (13, "banyak"),
        (14, "25"),
        (15, "mungkin"),
        (3, "A" * 151),
        (4, "B" * 101),
        (7, "C" * 201),
    ],
)
def test_a_row_with_any_problem_is_left_to_the_full_check(column, value):
    checker = _checker(SEPARATE, _context())
    row = _clean_row(2)
    row.cells[column] = value
    assert checker.check_quickly(row) is None
    outcome = checker.check(row)
    assert outcome is not None
    assert outcome.issues
    assert outcome == _checker(SEPARATE, _context()).check_fully(row)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("ABK", "nelayan"),
        ("a.b.k.", "nelayan"),
        ("Buruh  Nelayan", "nelayan"),
        ("pembatik", "buruh"),
    ],
)
def test_a_job_written_by_another_of_its_names_takes_the_quick_path_to_its_job_type(typed, code):
    checker = _checker(SEPARATE, _context())
    row = _clean_row(2)
    row.cells[12] = typed
    outcome = checker.check_quickly(row)
    assert outcome is not None
    assert outcome.draft.occupation_code == code
    assert outcome == _checker(SEPARATE, _context()).check_fully(row)


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("pembatk", "\u201cpembatik\u201d (Buruh Batik)"),
        ("Nelayn", "\u201cNelayan\u201d"),
        ("tukang becak", None),  # no job type near it: no guess
    ],
)
def test_an_unknown_job_is_an_error_of_its_cell_with_a_suggestion_only_when_likely(
    typed, suggested
):
    checker = _checker(SEPARATE, _context())
    row = _clean_row(2)
    row.cells[12] = typed
    assert checker.check_quickly(row) is None
    outcome = checker.check(row)
    assert outcome is not None
    [issue] = outcome.errors
    assert (issue.field, issue.problem, issue.value) == (
        "occupation",
        CellProblem.OCCUPATION_UNKNOWN.value,
        typed,
    )
    if suggested is None:
        assert "Mungkin" not in issue.message
    else:
        assert f"Mungkin maksudnya {suggested}?" in issue.message


@pytest.mark.parametrize(
    ("column", "field", "limit"),
    [(3, "name", 150), (4, "birth_place", 100), (7, "street_address", 200)],
)
def test_an_over_long_value_is_an_error_naming_row_field_and_limit_never_cut(column, field, limit):
    row = _clean_row(7)
    row.cells[column] = "Abc " * 500
    outcome = _checker(SEPARATE, _context()).check(row)
    assert outcome is not None
    assert not outcome.is_valid
    [issue] = [i for i in outcome.errors if i.problem == "too_long"]
    assert issue.row == 7
    assert issue.field == field
    assert issue.column == f"Kolom {field}"
    assert (
        issue.message
        == f"Isian terlalu panjang: {len(('Abc ' * 500).strip())} karakter; batas {limit}"
    )
    assert len(getattr(outcome.draft, field)) > limit  # kept whole, for the error list


def test_a_cell_with_a_control_character_is_an_error_of_its_row_and_column():
    row = _clean_row(4)
    row.cells[3] = "Siti\x00Aminah"
    row.cells[16] = "catatan\x07"
    row.control_columns = (3, 16)
    checker = _checker(SEPARATE, _context())
    assert checker.check_quickly(row) is None
    outcome = checker.check(row)
    assert outcome is not None
    assert not outcome.is_valid
    found = {(i.row, i.column, i.problem) for i in outcome.errors}
    assert (4, "Kolom name", "control_character") in found
    assert (4, "Kolom disability_note", "control_character") in found
    assert "karakter U+0000" in outcome.errors[0].message
    # Shown as U+FFFD in what is kept for the error list (PostgreSQL keeps no NUL).
    assert outcome.cells[3] == "Siti\ufffdAminah"
    assert "\x00" not in outcome.draft.name


def test_a_repeated_nik_is_reported_by_the_full_check_after_the_quick_path():
    checker = _checker(SEPARATE, _context())
    first = checker.check(_clean_row(2))
    again = checker.check(_clean_row(3))
    assert first is not None
    assert first.is_valid
    assert again is not None
    assert [i.problem for i in again.errors] == [CellProblem.NIK_REPEATED_IN_FILE.value]
    assert "baris 2" in again.errors[0].message


def test_a_nik_ending_in_zero_in_a_column_of_excel_numbers_is_left_to_the_full_check():
    checker = _checker(SEPARATE, _context(), nik_has_numbers=True)
    row = _clean_row(2, serial=10)
    assert checker.check_quickly(row) is None
    outcome = checker.check(row)
    assert outcome is not None
    assert not outcome.is_valid


# ------------------------------------------------------------------ quick path == full check

_BIRTH_DATES = [date(1985, 1, 5), date(1990, 12, 31), date(2001, 2, 28), date(1960, 7, 14)]


@st.composite
def _person_row(draw, layout):
    """A row as kelurahan staff type it: mostly clean, each cell sometimes messed up."""
    born = draw(st.sampled_from(_BIRTH_DATES))
    sex = draw(st.sampled_from([Sex.MALE, Sex.FEMALE]))
    district = draw(st.sampled_from(["337501", "337502", "337599"]))
    serial = draw(st.sampled_from([1, 2, 10, 9999]))
    nik = compose_nik(district_code=district, birth_date=born, sex=sex, serial=serial)

    # Most rows are clean but for one or two cells, so each mess meets otherwise clean rows.
    messed = draw(st.sets(st.sampled_from(layout), max_size=2))

    def mess(field, clean, *odd):
        return draw(st.sampled_from(odd)) if field in messed else clean

    other_day = born + timedelta(days=1)
    values = {
        ImportField.IGNORE: mess(ImportField.IGNORE, "1", 1, None),
        ImportField.NIK: mess(
            ImportField.NIK,
            nik,
            f"'{nik}",
            f" {nik} ",
            f"{nik[:8]} {nik[8:]}",
            nik[:15],
            f"{nik[:12]}0000",
            f"99{nik[2:]}",
            f"{nik[:6]}9913{nik[10:]}",
            f"{nik}.0",
            "3.37501450185E+15",
            int(nik),
            float(nik),
            "",
            None,
            "".join(chr(0xFF10 + int(digit)) for digit in nik),  # full-width digits
        ),
        ImportField.KK_NUMBER: mess(
            ImportField.KK_NUMBER,
            "3375010101850001",
            "",
            " ",
            None,
            "'3375010101850001",
            "3375 0101 0185 0001",
            "3375010101850000",
            "12",
            3.3e15,
        ),
        ImportField.NAME: mess(
            ImportField.NAME,
            "Siti Aminah",
            "SITI AMINAH",
            " budi   santoso ",
            "Budi 2",
            "",
            None,
            "M. Yusuf bin Ali",
        ),
        ImportField.BIRTH_PLACE: mess(
            ImportField.BIRTH_PLACE, "Pekalongan", "PEKALONGAN  kota", "", None, 1975
        ),
        ImportField.BIRTH_DATE: mess(
            ImportField.BIRTH_DATE,
            born.strftime("%d-%m-%Y"),
            born.strftime("%d/%m/%y"),
            born.isoformat(),
            born,
            datetime(born.year, born.month, born.day),
            (born - date(1899, 12, 30)).days,
            float((born - date(1899, 12, 30)).days),
            str((born - date(1899, 12, 30)).days),
            f"{born.day} Mei {born.year}",
            other_day.strftime("%d-%m-%Y"),
            "31-02-1985",
            "kemarin",
            "01-01-2030",
            "",
            None,
            True,
        ),
        ImportField.SEX: mess(
            ImportField.SEX, sex.value, "l", " Perempuan ", "laki-laki", "X", "", None, 1
        ),
        ImportField.STREET_ADDRESS: mess(
            ImportField.STREET_ADDRESS, "Jl. Progo No. 7", "  Gg.  Melati ", "", None, 12
        ),
        ImportField.RT: mess(ImportField.RT, "003", "3", "1234", "", None, 3, 3.0, "a"),
        ImportField.RW: mess(ImportField.RW, "005", "05", "", None, 5, "-1"),
        ImportField.RT_RW: mess(
            ImportField.RT_RW, "003/005", "3/5", "RT 03 RW 05", "3", "1234/1", "", None
        ),
        ImportField.KELURAHAN: mess(
            ImportField.KELURAHAN,
            "Podosugih",
            "Noyontaan",
            "33.75.01.1002",
            "kel. medono",
            "Podosugi",
            "Jakarta",
            "",
            None,
        ),
        ImportField.PHONE: mess(
            ImportField.PHONE,
            "081234567890",
            "0812345678901",
            "0812",
            "+62 812-3456-7890",
            "6281234567890",
            81234567890.0,
            81234567890,
            "+1 555 1234",
            "08123456789012345",
            "08l2345678",
            "",
            None,
        ),
        ImportField.OCCUPATION: mess(
            ImportField.OCCUPATION,
            "Nelayan",
            "nelayan",
            "OJOL",
            "Penjahit",
            "A.B.K.",
            "Ojek-Online",
            "pembatk",
            "",
            None,
        ),
        ImportField.MONTHLY_INCOME: mess(
            ImportField.MONTHLY_INCOME,
            "1.500.000",
            "Rp 1,500,000",
            1500000,
            1500000.0,
            "-5",
            "2000000000",
            "banyak",
            "",
            None,
        ),
        ImportField.DEPENDENTS: mess(
            ImportField.DEPENDENTS, "2", 2, 2.5, "0", "21", "-1", "dua", "", None
        ),
        ImportField.HAS_DISABILITY: mess(
            ImportField.HAS_DISABILITY, "tidak", "Ya", "", None, True, 1, 1.0, "mungkin"
        ),
        ImportField.DISABILITY_NOTE: mess(
            ImportField.DISABILITY_NOTE, "", "tuna daksa", None, "  "
        ),
        ImportField.MOTHER_NAME: mess(
            ImportField.MOTHER_NAME, "Khotijah", "SRI  REJEKI", "Aminah 2", "", None, "Ani " * 40
        ),
    }
    cells = [values[field] for field in layout]
    # A CSV line may end after its last filled cell.
    while draw(st.booleans()) and cells and cells[-1] in (None, ""):
        cells.pop()
    return cells


@st.composite
def _file(draw):
    layout = draw(st.sampled_from([SEPARATE, COMBINED]))
    rows = draw(st.lists(_person_row(layout), min_size=1, max_size=8))
    blank = draw(st.sampled_from([[], [None] * len(layout), [""] * 3]))
    if draw(st.booleans()):
        rows.insert(draw(st.integers(0, len(rows))), blank)
    return layout, rows


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    file=_file(),
    nik_has_numbers=st.booleans(),
    kk_has_numbers=st.booleans(),
    allowed=st.sampled_from([None, frozenset({"33.75.01.1001"}), frozenset(KELURAHAN)]),
    default=st.sampled_from(["", "33.75.02.1001"]),
)
def test_quick_and_full_checks_give_the_same_outcome_on_messy_files(
    file, nik_has_numbers, kk_has_numbers, allowed, default
):
    layout, rows = file

    def outcomes(check_row_by_row):
        checker = _checker(
            layout,
            _context(allowed=allowed, default=default),
            nik_has_numbers=nik_has_numbers,
            kk_has_numbers=kk_has_numbers,
        )
        check = getattr(checker, check_row_by_row)
        return [check(SheetRow(number, list(cells))) for number, cells in enumerate(rows, 2)]

    assert outcomes("check") == outcomes("check_fully")


def test_a_nik_typed_in_groups_or_after_an_apostrophe_still_takes_the_quick_path():
    checker = _checker(SEPARATE, _context())
    for number, typed in enumerate(["3375 0145 0185 0002", "'3375014501850003"], start=2):
        row = _clean_row(number, serial=number)
        row.cells[1] = typed
        outcome = checker.check_quickly(row)
        assert outcome is not None
        assert outcome.draft.nik == typed.replace(" ", "").lstrip("'")
        assert outcome == _checker(SEPARATE, _context()).check_fully(row)


@pytest.mark.parametrize(
    "header", ["Nama Ibu Kandung", "NAMA IBU", "Ibu Kandung", "Nama Gadis Ibu Kandung"]
)
def test_the_mother_name_column_is_recognised_by_its_usual_headers(header):
    assert match_header(header) is ImportField.MOTHER_NAME


def test_an_empty_mother_name_is_no_problem_of_the_row_and_digits_are():
    checker = _checker(SEPARATE, _context())
    empty = _clean_row(2, serial=2)
    empty.cells[-1] = ""
    outcome = checker.check(empty)
    assert outcome.is_valid
    assert outcome.issues == []
    digits = _clean_row(3, serial=3)
    digits.cells[-1] = "Aminah 2"
    outcome = checker.check(digits)
    assert [issue.field for issue in outcome.errors] == ["mother_name"]
