"""The template and the error file, opened as a user's spreadsheet program would (openpyxl):
the error file holds only the rows it is given, marks their bad cells, keeps the template's
drop-downs and gives birth dates as dates."""

import io
from datetime import date, datetime

import openpyxl

from rentan.imports import workbooks
from rentan.imports.cells import ERROR_COLUMN, FIELD_LABELS, ImportField
from rentan.imports.workbooks import (
    DATE_FORMAT,
    ChoiceLists,
    RowToFix,
    build_error_file,
    build_template,
    error_file_columns,
)

TODAY = date(2026, 12, 2)
LISTS = ChoiceLists(
    kelurahan=["Medono", "Podosugih"], occupations=["Buruh batik", "Pengayuh becak"]
)
HEADERS = ["NIK", "Nama", "Tgl Lahir", "JK", "Kelurahan", "Profesi utama"]
FIELDS = {
    0: ImportField.NIK,
    1: ImportField.NAME,
    2: ImportField.BIRTH_DATE,
    3: ImportField.SEX,
    4: ImportField.KELURAHAN,
    5: ImportField.OCCUPATION,  # mapped by the user: "Profesi utama" is no known spelling
}


def _error_file(rows: list[RowToFix]) -> openpyxl.Workbook:
    content = build_error_file(
        headers=HEADERS, fields=FIELDS, rows=iter(rows), lists=LISTS, today=TODAY
    )
    return openpyxl.load_workbook(io.BytesIO(content))


def _row(cells: list[object], reasons: str, bad: dict[int, str]) -> RowToFix:
    return RowToFix(cells=cells, reasons=reasons, bad_cells=bad)


def _lists(sheet) -> dict[str, str]:
    """Column letter -> the source of its drop-down."""
    return {
        str(validation.sqref).split(":")[0].rstrip("0123456789"): validation.formula1
        for validation in sheet.data_validations.dataValidation
    }


def test_error_file_holds_the_given_rows_with_their_reasons_beside_them():
    sheet = _error_file(
        [
            _row(
                ["3375011205750003", "Joko", "12/05/75", "L", "Medonno", "Buruh batik"],
                "Kelurahan: Kelurahan \u201cMedonno\u201d tidak dikenal.",
                {4: "Kelurahan \u201cMedonno\u201d tidak dikenal."},
            )
        ]
    )["Data"]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[0][-1] == ERROR_COLUMN
    assert rows[1][1] == "Joko"
    assert rows[1][-1].startswith("Kelurahan: ")


def test_the_bad_cell_is_coloured_and_carries_its_reason_as_a_comment():
    sheet = _error_file(
        [
            _row(
                ["3375011205750003", "Joko", "12/05/75", "L", "Medonno", "Buruh batik"],
                "Kelurahan: tidak dikenal",
                {4: "Kelurahan \u201cMedonno\u201d tidak dikenal."},
            )
        ]
    )["Data"]
    bad, good = sheet["E2"], sheet["B2"]
    assert bad.fill.fgColor.rgb.endswith("FFC7CE")
    assert bad.comment is not None
    assert "Medonno" in bad.comment.text
    assert good.comment is None
    assert good.fill.fgColor.rgb in ("00000000", None)


def test_the_template_drop_downs_are_on_the_columns_of_their_fields():
    workbook = _error_file([_row(["3375011205750003", "Joko", "", "X", "", ""], "x", {3: "x"})])
    sheet = workbook["Data"]
    assert _lists(sheet) == {"D": '"L,P"', "E": "DaftarKelurahan", "F": "DaftarPekerjaan"}
    lists = workbook["Daftar"]
    assert lists.sheet_state == "hidden"
    assert [cell.value for cell in lists["A"]] == ["Medono", "Podosugih"]
    assert [cell.value for cell in lists["B"]] == ["Buruh batik", "Pengayuh becak"]


def test_the_template_and_the_error_file_share_their_drop_downs():
    template = openpyxl.load_workbook(
        io.BytesIO(
            build_template(
                lists=LISTS, example_kelurahan="Medono", example_occupation="", region_name="Kota"
            )
        )
    )
    headers = [cell.value for cell in template["Data"][1]]
    letters = {
        field: openpyxl.utils.get_column_letter(headers.index(FIELD_LABELS[field]) + 1)
        for field in (ImportField.SEX, ImportField.KELURAHAN, ImportField.OCCUPATION)
    }
    assert _lists(template["Data"]) == {
        letters[ImportField.SEX]: '"L,P"',
        letters[ImportField.KELURAHAN]: "DaftarKelurahan",
        letters[ImportField.OCCUPATION]: "DaftarPekerjaan",
    }
    assert FIELD_LABELS[ImportField.MOTHER_NAME] == "Nama Ibu Kandung"
    assert "Nama Ibu Kandung" in headers


def test_birth_dates_are_excel_dates_in_the_template_format_and_unreadable_ones_stay_text():
    sheet = _error_file(
        [
            _row(["1", "Ani", "1985-01-05 00:00:00", "P", "Medono", ""], "r", {0: "NIK"}),
            _row(["2", "Budi", "12 Mei 1975", "L", "Medono", ""], "r", {0: "NIK"}),
            _row(["3", "Cici", "31-02-1980", "P", "Medono", ""], "r", {2: "tidak ada"}),
            _row(["4", "Dedi", 27526, "L", "Medono", ""], "r", {0: "NIK"}),
        ]
    )["Data"]
    assert sheet["C2"].value == datetime(1985, 1, 5)
    assert sheet["C2"].number_format == DATE_FORMAT
    assert sheet["C3"].value == datetime(1975, 5, 12)
    assert sheet["C5"].value == datetime(1975, 5, 12)
    assert sheet["C4"].value == "31-02-1980"
    assert sheet["C4"].comment is not None


def test_a_column_the_user_mapped_gets_the_template_name_so_the_next_upload_maps_it():
    sheet = _error_file([_row(["1", "Ani", "", "P", "Medono", "x"], "r", {5: "x"})])["Data"]
    headers = [cell.value for cell in sheet[1]]
    assert headers == [
        "NIK",
        "Nama",
        "Tgl Lahir",
        "JK",
        "Kelurahan",
        FIELD_LABELS[ImportField.OCCUPATION],
        ERROR_COLUMN,
    ]


def test_a_nik_that_arrived_as_a_number_stays_a_number_to_be_retyped():
    sheet = _error_file([_row([3375011205750002.0, "Ani", "", "P", "", ""], "r", {0: "NIK"})])[
        "Data"
    ]
    assert isinstance(sheet["A2"].value, int | float)
    assert sheet["A2"].number_format == "@"  # what is typed over it stays text


def test_an_issue_finds_its_cell_by_field_else_by_header():
    column_of = error_file_columns([*HEADERS, "Catatan"], FIELDS)
    assert column_of({"field": "kelurahan", "column": "Kelurahan"}) == 4
    assert column_of({"field": "ignore", "column": "Catatan"}) == 6
    assert column_of({"field": "rt", "column": "RT"}) is None


def test_past_the_comment_cap_a_bad_cell_is_still_coloured(monkeypatch):
    monkeypatch.setattr(workbooks, "MAX_COMMENTS", 1)
    sheet = _error_file(
        [_row(["1", "Ani", "", "P", "Medonno", ""], "r", {4: "x"}) for _ in range(2)]
    )["Data"]
    assert sheet["E2"].comment is not None
    assert sheet["E3"].comment is None
    assert sheet["E3"].fill.fgColor.rgb.endswith("FFC7CE")


def test_a_job_typed_by_another_name_is_only_warned_of_while_other_lists_are_strict():
    sheet = _error_file([])["Data"]
    styles = {
        str(validation.sqref).split(":")[0].rstrip("0123456789"): validation.errorStyle
        for validation in sheet.data_validations.dataValidation
    }
    job_column = _lists(sheet)
    job_letter = next(letter for letter, source in job_column.items() if "Pekerjaan" in source)
    kelurahan_letter = next(
        letter for letter, source in job_column.items() if "Kelurahan" in source
    )
    assert styles[job_letter] == "warning"
    assert styles[kelurahan_letter] in (None, "stop")
