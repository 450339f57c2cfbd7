"""The registration workbook: what Excel readers see in it, and the same bytes every time."""

import io
import zipfile
from datetime import date, datetime
from types import SimpleNamespace
from xml.etree import ElementTree

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from rentan.enrollment.bpjs_files import (
    Column,
    Field,
    Format,
    SheetNameError,
    check_sheet_name,
    write_registration,
)

CREATED = datetime(2000, 1, 1)
COLUMNS = (
    Column("NIK", Field.NIK),
    Column("NAMA", Field.NAME),
    Column("TANGGAL", Field.BIRTH_DATE, Format.DATE),
)


def _table(
    rows: list[list[object]], columns: tuple[Column, ...] = COLUMNS, sheet_name: str = "Pendaftaran"
) -> bytes:
    people = [
        SimpleNamespace(
            **{column.field.value: value for column, value in zip(columns, row, strict=True)}
        )
        for row in rows
    ]
    return write_registration(people, columns, sheet_name=sheet_name)  # type: ignore[arg-type]


def test_values_come_back_with_their_types_in_openpyxl_and_calamine():
    content = _table(
        [
            ["3375011403750001", "SLAMET RIYADI", date(1975, 3, 14)],
            ["3375014211820002", "SITI AMINAH", 1_000_000],
            ["3375010101900003", None, 2.5],
        ]
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert list(sheet.iter_rows(values_only=True)) == [
        ("NIK", "NAMA", "TANGGAL"),
        ("3375011403750001", "SLAMET RIYADI", datetime(1975, 3, 14)),
        ("3375014211820002", "SITI AMINAH", 1_000_000),
        ("3375010101900003", None, 2.5),
    ]
    assert sheet["C2"].number_format == "dd\\-mm\\-yyyy"
    assert sheet["C2"].is_date
    read = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert read[1] == ["3375011403750001", "SLAMET RIYADI", date(1975, 3, 14)]
    assert read[2][2] == 1_000_000


def test_header_is_bold_frozen_and_filtered_with_sheet_name_and_title():
    content = _table([["1", "A", None], ["2", "B", None]], sheet_name="Cabang")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    assert workbook.sheetnames == ["Cabang"]
    assert sheet["A1"].font.b
    assert not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C3"
    assert workbook.properties.title == "Pendaftaran peserta BPU"
    assert workbook.properties.created == CREATED


@pytest.mark.parametrize(
    "text",
    [
        "Jl. Merdeka No. 5 & 6 <belakang pasar>",
        "  spasi di depan dan belakang  ",
        "tanda \"petik\" dan 'apostrof'",
        "baris\nbaru\tdan tab",
        "kontrol\x01\x1f di tengah",
        "Ñoño Ümlaut — ☺",
        "kode _x0041_ tertulis",
    ],
)
def test_text_that_needs_care_is_read_back_exactly(text):
    content = _table([[text, "x", None]])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                # Every part is well-formed XML (the file was written just above).
                ElementTree.fromstring(archive.read(name))  # noqa: S314
    # Calamine reads Excel's _xHHHH_ escapes back, as Excel does (openpyxl leaves them).
    read = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert read[1][0] == text
    if "_x" not in text and "\x01" not in text:
        assert openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]["A2"].value == text


def test_text_that_looks_like_a_formula_is_a_text_cell_not_a_formula():
    texts = ['=HYPERLINK("http://evil.example/","Klik")', "+6281234567890", "-5", "@SUM(A1)"]
    content = _table([[text, "x", None] for text in texts])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f" not in archive.read("xl/worksheets/sheet1.xml")
    cells = [row[0] for row in openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]["A2:A5"]]
    assert [(cell.value, cell.data_type) for cell in cells] == [(text, "s") for text in texts]


def test_the_same_table_gives_the_same_bytes_and_another_table_other_bytes():
    rows: list[list[object]] = [
        [f"33750114037500{n:02d}", f"NAMA {n}", date(1980, 1, n + 1)] for n in range(20)
    ]
    first = _table(rows)
    assert _table([list(row) for row in rows]) == first
    assert _table(rows[:-1]) != first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 31, 0, 0, 0)}


def test_a_long_file_reports_the_rows_written_and_is_the_same_file(monkeypatch):
    from rentan.enrollment.bpjs_files import registration

    rows: list[list[object]] = [
        [f"33750114037500{n:02d}", f"NAMA {n}", date(1980, 1, n + 1)] for n in range(5)
    ]
    people = [SimpleNamespace(nik=nik, name=name, birth_date=born) for nik, name, born in rows]
    heard: list[tuple[int, int]] = []
    monkeypatch.setattr(registration, "PROGRESS_EVERY", 2)
    content = write_registration(
        people,
        COLUMNS,
        progress=lambda written, total: heard.append((written, total)),
    )
    assert heard == [(2, 5), (4, 5), (5, 5)]
    assert content == _table(rows)


def test_columns_fit_header_and_values():
    columns = (COLUMNS[0], Column("NAMA LENGKAP", Field.NAME), COLUMNS[2])
    content = _table(
        [["3375011403750001", "SRI", date(1975, 3, 14)], ["1", "X" * 100, None]], columns, "P"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    # Excel stores a width in characters plus the cell's padding (0.71 of a character).
    widths = [sheet.column_dimensions[letter].width for letter in "ABC"]
    assert [int(width) for width in widths] == [18, 60, 12]


def test_a_table_without_rows_still_opens():
    sheet = openpyxl.load_workbook(io.BytesIO(_table([]))).worksheets[0]
    assert list(sheet.iter_rows(values_only=True)) == [("NIK", "NAMA", "TANGGAL")]


@pytest.mark.parametrize("name", ["", " ", "A" * 32, "Lembar/1", "Data[2023]", "Apa?", "'Kutip'"])
def test_sheet_names_excel_refuses_are_refused(name):
    with pytest.raises(SheetNameError):
        check_sheet_name(name)
    with pytest.raises(SheetNameError):
        _table([], sheet_name=name)


def test_sheet_names_excel_accepts_are_kept():
    assert check_sheet_name(" Template Cabang (2023) ") == "Template Cabang (2023)"
    assert check_sheet_name("A" * 31) == "A" * 31
