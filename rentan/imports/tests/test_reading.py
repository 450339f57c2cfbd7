"""Reading files into rows, without a database."""

import pytest

from rentan.imports import reading
from rentan.imports.reading import FileError, FileProblem, open_rows
from rentan.imports.tests.files import HEADER, write_xlsx

ROWS = [
    HEADER,
    [1, "3375014501850001", "", "Siti Aminah", "Pekalongan", "05-01-1985", "P"],
    [2, "3375010203900002", "", "Budi Santoso", "Batang", "02-03-1990", "L"],
]


def test_a_csv_is_counted_by_its_lines_without_being_parsed(tmp_path):
    ended = tmp_path / "ended.csv"
    ended.write_bytes(b"NIK;Nama\r\n3375014501850001;Siti\r\n3375010203900002;Budi\r\n")
    unended = tmp_path / "unended.csv"
    unended.write_bytes(b"NIK;Nama\n3375014501850001;Siti\n3375010203900002;Budi")
    for path in (ended, unended):
        source = open_rows(path)
        assert source.count == 3
        assert [row.number for row in source.rows()] == [1, 2, 3]
    # A quoted cell over two lines: more lines than rows, so progress never passes its total.
    spanning = tmp_path / "spanning.csv"
    spanning.write_bytes(b'NIK;Alamat\n3375014501850001;"Jl. Progo 12\nRT 3"\n')
    source = open_rows(spanning)
    assert source.count == 3
    assert [row.cells[1] for row in source.rows()] == ["Alamat", "Jl. Progo 12\nRT 3"]


def test_a_spreadsheet_source_is_parsed_once_and_counted_by_its_rows(tmp_path, monkeypatch):
    parsed = []
    sheet_rows = reading._sheet_rows
    monkeypatch.setattr(
        reading, "_sheet_rows", lambda path, name: parsed.append(path) or sheet_rows(path, name)
    )
    source = open_rows(write_xlsx(tmp_path / "data.xlsx", ROWS))
    assert source.count == len(ROWS)
    assert list(source.rows()) == list(source.rows())
    assert [row.cells[3] for row in source.rows()][1:] == ["Siti Aminah", "Budi Santoso"]
    assert len(parsed) == 1


def test_a_file_of_another_kind_or_a_damaged_sheet_is_refused_with_its_reason(tmp_path):
    document = tmp_path / "data.docx"
    document.write_bytes(b"PK\x03\x04 not a sheet")
    with pytest.raises(FileError) as refused:
        open_rows(document)
    assert refused.value.problem is FileProblem.UNSUPPORTED
    assert str(refused.value) == "Berkas data.docx bukan .xlsx, .xls, .ods atau .csv."

    damaged = tmp_path / "data.xlsx"
    damaged.write_bytes(b"PK\x03\x04 cut off in the middle")
    with pytest.raises(FileError) as refused:
        open_rows(damaged)
    assert refused.value.problem is FileProblem.UNREADABLE
    assert str(refused.value).startswith("Berkas data.xlsx tidak dapat dibaca: ")
