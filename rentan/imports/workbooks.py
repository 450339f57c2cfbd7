"""The .xlsx files Rentan hands out: the empty template and the error file of a batch.

Both are written by XlsxWriter and share their lists: the hidden sheet "Daftar" with the
kelurahan and job types, the drop-downs (data validation) of the kelurahan, job-type and
sex columns, the date format and the text columns (`_add_lists`, `_drop_down`,
`_column_format`). The error file holds only the rows to fix, each bad cell coloured with
its reason in a comment and all the reasons in a last column, so it can be fixed and
uploaded again (the import ignores that column). It is written in `constant_memory` mode:
one row in memory however many rows a file had wrong.
"""

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rentan.core.exports import xlsx_workbook
from rentan.imports.cells import (
    ERROR_COLUMN,
    FIELD_LABELS,
    CellError,
    Choice,
    ImportField,
    match_header,
    parse_date,
)
from rentan.imports.reading import DATA_SHEET

TEMPLATE_COLUMNS: tuple[tuple[ImportField, int, str], ...] = (
    (ImportField.NIK, 20, "16 digit, sesuai KTP. Kolom ini berformat Teks: jangan diubah."),
    (ImportField.KK_NUMBER, 20, "16 digit nomor Kartu Keluarga (boleh kosong)."),
    (ImportField.NAME, 28, "Nama sesuai KTP."),
    (ImportField.BIRTH_PLACE, 16, "Kota/kabupaten tempat lahir."),
    (ImportField.BIRTH_DATE, 14, "Tanggal lahir, mis. 12-05-1975 atau 12 Mei 1975."),
    (ImportField.SEX, 8, "L atau P (pilih dari daftar)."),
    (
        ImportField.MOTHER_NAME,
        24,
        "Nama gadis ibu kandung, sesuai KK. Boleh kosong saat impor, tetapi wajib untuk "
        "pendaftaran BPJS Ketenagakerjaan.",
    ),
    (ImportField.STREET_ADDRESS, 30, "Nama jalan/gang dan nomor rumah."),
    (ImportField.RT, 6, "Nomor RT, mis. 003."),
    (ImportField.RW, 6, "Nomor RW, mis. 005."),
    (ImportField.KELURAHAN, 20, "Pilih dari daftar kelurahan wilayah program."),
    (ImportField.PHONE, 16, "Nomor HP, mis. 0812-3456-7890 (boleh kosong)."),
    (ImportField.OCCUPATION, 28, "Pilih dari daftar jenis pekerjaan."),
    (ImportField.MONTHLY_INCOME, 14, "Perkiraan penghasilan per bulan dalam rupiah, angka saja."),
    (ImportField.DEPENDENTS, 10, "Jumlah orang yang ditanggung (0-20)."),
)

_TEMPLATE_ROWS = 2000
# How a date is shown in the template and the error file (day first, as written in Indonesia).
DATE_FORMAT = "dd-mm-yyyy"
# Columns whose cells stay text, so Excel keeps all 16 digits and the leading zeros.
_TEXT_FIELDS = (
    ImportField.NIK,
    ImportField.KK_NUMBER,
    ImportField.PHONE,
    ImportField.RT,
    ImportField.RW,
)
_LISTS_SHEET = "Daftar"


@dataclass(frozen=True)
class ChoiceLists:
    """What the drop-downs offer: the programme's kelurahan and job types, by name."""

    kelurahan: Sequence[str]
    occupations: Sequence[str]


@dataclass(frozen=True)
class ProgrammeChoices:
    """The programme's kelurahan and job types by code and name: one reading for the
    template's drop-downs (by name, `lists`) and the field form's choice lists (rentan.imports
    .xlsform: a code to store, a name to show)."""

    kelurahan: Sequence[Choice]
    occupations: Sequence[Choice]

    def lists(self) -> ChoiceLists:
        return ChoiceLists(
            kelurahan=[choice.name for choice in self.kelurahan],
            occupations=[choice.name for choice in self.occupations],
        )


_SEXES = ["L", "P"]


def _add_lists(workbook: Any, lists: ChoiceLists) -> None:
    """The hidden sheet the drop-downs read, written row by row (as constant_memory needs)."""
    sheet = workbook.add_worksheet(_LISTS_SHEET)
    columns = [list(lists.kelurahan), list(lists.occupations), _SEXES]
    for row in range(max(len(column) for column in columns)):
        for number, column in enumerate(columns):
            if row < len(column):
                sheet.write_string(row, number, column[row])
    sheet.hide()
    workbook.define_name(
        "DaftarKelurahan", f"={_LISTS_SHEET}!$A$1:$A${max(1, len(lists.kelurahan))}"
    )
    workbook.define_name(
        "DaftarPekerjaan", f"={_LISTS_SHEET}!$B$1:$B${max(1, len(lists.occupations))}"
    )


def _drop_down(sheet: Any, column: int, wanted: ImportField | None, last_row: int) -> None:
    """The column's drop-down list, if its field has one."""
    validation: dict[str, object]
    if wanted is ImportField.KELURAHAN:
        validation = {"validate": "list", "source": "=DaftarKelurahan"}
    elif wanted is ImportField.OCCUPATION:
        # A job may be typed by one of the other names people use for it ("tukang becak"):
        # Excel warns and lets it stand, and the import reads it.
        validation = {
            "validate": "list",
            "source": "=DaftarPekerjaan",
            "error_type": "warning",
            "error_message": "Bukan nama dari daftar. Nama lain yang dikenal (mis. tukang "
            "becak) tetap diterima saat impor; pilih Ya untuk memakainya.",
        }
    elif wanted is ImportField.SEX:
        validation = {"validate": "list", "source": _SEXES}
    else:
        return
    validation.setdefault("error_message", "Pilih salah satu isian dari daftar.")
    sheet.data_validation(1, column, last_row, column, validation)


def _column_format(wanted: ImportField | None) -> str | None:
    """The number format of a field's column: text, a date, or none."""
    if wanted in _TEXT_FIELDS:
        return "@"
    if wanted is ImportField.BIRTH_DATE:
        return DATE_FORMAT
    return None


def build_template(
    *,
    lists: ChoiceLists,
    example_kelurahan: str,
    example_occupation: str,
    region_name: str,
) -> bytes:
    """The downloadable template: a Data sheet with text NIK/KK columns and drop-down lists,
    an instructions sheet with an example row, and a hidden sheet holding the lists."""
    output = io.BytesIO()
    workbook = xlsx_workbook(output)
    bold = workbook.add_format({"bold": True, "bg_color": "#E6F0EA", "border": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    title = workbook.add_format({"bold": True, "font_size": 14})

    data = workbook.add_worksheet(DATA_SHEET)
    guide = workbook.add_worksheet("Petunjuk")
    _add_lists(workbook, lists)

    for column, (wanted, width, _hint) in enumerate(TEMPLATE_COLUMNS):
        data.write_string(0, column, FIELD_LABELS[wanted], bold)
        number_format = _column_format(wanted)
        cell_format = workbook.add_format({"num_format": number_format}) if number_format else None
        data.set_column(column, column, width, cell_format)
        if number_format == "@":
            # Formatted blank cells as well: some spreadsheet programs ignore column formats.
            for row in range(1, _TEMPLATE_ROWS + 1):
                data.write_blank(row, column, None, cell_format)
        _drop_down(data, column, wanted, _TEMPLATE_ROWS)
    data.freeze_panes(1, 0)

    guide.set_column(0, 0, 24)
    guide.set_column(1, 1, 70)
    guide.write(0, 0, f"Templat data pekerja informal rentan — {region_name}", title)
    lines = [
        "Isi satu baris untuk satu orang di lembar Data, mulai baris 2. Jangan ubah judul kolom.",
        "NIK dan No. KK ditulis sebagai teks 16 digit. Jika Excel mengubahnya menjadi "
        "3,37501E+15, digit terakhir sudah hilang: ketik ulang.",
        "Kelurahan, jenis kelamin dan jenis pekerjaan dipilih dari daftar.",
        "Baris yang salah tidak ikut disimpan; Rentan memberikan berkas kesalahan yang dapat "
        "diperbaiki lalu diunggah lagi.",
    ]
    for index, line in enumerate(lines, start=2):
        guide.write(index, 0, f"{index - 1}.")
        guide.write(index, 1, line, wrap)
    row = len(lines) + 3
    guide.write(row, 0, "Kolom", bold)
    guide.write(row, 1, "Cara mengisi", bold)
    for offset, (field, _width, hint) in enumerate(TEMPLATE_COLUMNS, start=1):
        guide.write(row + offset, 0, FIELD_LABELS[field])
        guide.write(row + offset, 1, hint, wrap)
    row += len(TEMPLATE_COLUMNS) + 2
    guide.write(row, 0, "Contoh baris (jangan disalin ke lembar Data)", bold)
    example = {
        ImportField.NIK: "3375014501850001",
        ImportField.KK_NUMBER: "3375010101100001",
        ImportField.NAME: "Siti Aminah",
        ImportField.BIRTH_PLACE: "Pekalongan",
        ImportField.BIRTH_DATE: "05-01-1985",
        ImportField.SEX: "P",
        ImportField.MOTHER_NAME: "Khotijah",
        ImportField.STREET_ADDRESS: "Jl. Progo Gg. 3 No. 12",
        ImportField.RT: "003",
        ImportField.RW: "005",
        ImportField.KELURAHAN: example_kelurahan,
        ImportField.PHONE: "0812-3456-7890",
        ImportField.OCCUPATION: example_occupation,
        ImportField.MONTHLY_INCOME: "1500000",
        ImportField.DEPENDENTS: "2",
    }
    for column, (field, _width, _hint) in enumerate(TEMPLATE_COLUMNS):
        guide.write_string(row + 1, column, FIELD_LABELS[field], bold)
        guide.write_string(row + 2, column, example[field])
    workbook.close()
    return output.getvalue()


@dataclass(frozen=True)
class RowToFix:
    """One refused row of a file: its cells as staged, each bad cell's column with the
    reasons it is wrong, and all the reasons of the row in words."""

    cells: Sequence[object]
    reasons: str
    bad_cells: Mapping[int, str]


def error_file_columns(
    headers: Sequence[str], fields: Mapping[int, ImportField]
) -> Callable[[Mapping[str, Any]], int | None]:
    """Which column of the file a staged issue is about: the column of its field, else the
    column whose header it names (a cell of a column the import does not read); None for a
    field the file has no column for (a required column left out)."""
    by_field: dict[str, int] = {
        wanted.value: column
        for column, wanted in sorted(fields.items(), reverse=True)
        if wanted is not ImportField.IGNORE
    }
    by_header = {str(header): column for column, header in reversed(list(enumerate(headers)))}

    def column_of(issue: Mapping[str, Any]) -> int | None:
        found = by_field.get(str(issue.get("field", "")))
        return found if found is not None else by_header.get(str(issue.get("column", "")))

    return column_of


# Comments are held in memory until the file is closed, and XlsxWriter places each one by
# adding up the heights of the rows above it: past this many, a bad cell is only coloured
# (its reason stays in the last column). A person fixes a file a screen at a time.
MAX_COMMENTS = 1_000
_BAD_FILL = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}


def build_error_file(
    *,
    headers: Sequence[str],
    fields: Mapping[int, ImportField],
    rows: Iterable[RowToFix],
    lists: ChoiceLists,
    today: date,
) -> bytes:
    """The rows to fix under the file's own header (a column the user had to map gets the
    template's name, so the next upload maps it alone), each with its reasons in a last
    column; bad cells coloured with a comment, the template's drop-downs, birth dates as
    dates. Written one row at a time."""
    output = io.BytesIO()
    workbook = xlsx_workbook(output, {"in_memory": False, "constant_memory": True})
    sheet = workbook.add_worksheet(DATA_SHEET)
    _add_lists(workbook, lists)
    bold = workbook.add_format({"bold": True, "bg_color": "#FDE8E8", "border": 1})
    reason_format = workbook.add_format({"font_color": "#B42318", "text_wrap": True})
    formats: dict[tuple[str | None, bool], Any] = {}
    for number_format in ("@", DATE_FORMAT, None):
        for is_bad in (False, True):
            options: dict[str, object] = dict(_BAD_FILL) if is_bad else {}
            if number_format:
                options["num_format"] = number_format
            formats[number_format, is_bad] = workbook.add_format(options) if options else None

    width = len(headers)
    kinds: list[str | None] = []
    for column, header in enumerate(headers):
        wanted = fields.get(column)
        if wanted is None or wanted is ImportField.IGNORE:
            kinds.append("@")  # a column the import does not read keeps what was typed
        else:
            kinds.append(_column_format(wanted))
            if match_header(header) != wanted:
                header = FIELD_LABELS[wanted]
        sheet.set_column(column, column, 18, formats[kinds[-1], False])
        sheet.write_string(0, column, str(header), bold)
    sheet.set_column(width, width, 60)
    sheet.write_string(0, width, ERROR_COLUMN, bold)
    sheet.freeze_panes(1, 0)

    comments = 0
    written = 0
    for written, row in enumerate(rows, start=1):
        cells = list(row.cells)[:width]
        for column, cell in enumerate(cells):
            is_bad = column in row.bad_cells
            kind = kinds[column]
            if kind == DATE_FORMAT:
                _write_date(sheet, written, column, cell, today, formats, is_bad)
            else:
                _write_cell(sheet, written, column, cell, formats[kind, is_bad])
        for column in row.bad_cells:
            if column >= len(cells) and column < width:
                sheet.write_blank(written, column, None, formats[kinds[column], True])
        sheet.write_string(written, width, row.reasons, reason_format)
        for column, reason in sorted(row.bad_cells.items()):
            if column < width and comments < MAX_COMMENTS:
                sheet.write_comment(written, column, reason, {"author": "Rentan", "x_scale": 2})
                comments += 1
    for column in range(width):
        _drop_down(sheet, column, fields.get(column), max(written, 1) + 200)
    workbook.close()
    return output.getvalue()


def _write_cell(sheet: Any, row: int, column: int, cell: object, cell_format: Any) -> None:
    if cell in ("", None) or isinstance(cell, bool):
        if cell in ("", None):
            sheet.write_blank(row, column, None, cell_format)
        else:
            sheet.write_boolean(row, column, cell, cell_format)
    elif isinstance(cell, int | float):
        # A NIK that arrived as a number stays one: written back as text it would look
        # right with its last digits already lost.
        sheet.write_number(row, column, cell, cell_format)
    else:
        sheet.write_string(row, column, str(cell), cell_format)


def _write_date(
    sheet: Any,
    row: int,
    column: int,
    cell: object,
    today: date,
    formats: Mapping[tuple[str | None, bool], Any],
    is_bad: bool,
) -> None:
    """A birth date the import can read is written as an Excel date (a date in the future
    too, coloured as wrong); one it cannot read stays as typed, to be retyped."""
    try:
        value = parse_date(cell, today=today, may_be_future=True)
    except CellError:
        value = None
    if value is None:
        _write_cell(sheet, row, column, cell, formats["@", is_bad])
        return
    # Excel has no date without a time: a date is the midnight it begins.
    moment = datetime(value.year, value.month, value.day)  # noqa: DTZ001
    sheet.write_datetime(row, column, moment, formats[DATE_FORMAT, is_bad])
