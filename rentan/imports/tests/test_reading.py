"""Reading files into rows, without a database."""

import itertools

from rentan.imports import reading
from rentan.imports.reading import open_rows, read_rows
from rentan.imports.tests.files import HEADER, write_xlsx

ROWS = [
    HEADER,
    [1, "3375014501850001", "", "Siti Aminah", "Pekalongan", "05-01-1985", "P"],
    [2, "3375010203900002", "", "Budi Santoso", "Batang", "02-03-1990", "L"],
]


def test_a_sheet_looked_at_for_its_header_is_not_parsed_again_for_the_full_read(tmp_path):
    path = write_xlsx(tmp_path / "data.xlsx", ROWS)
    head = list(itertools.islice(read_rows(path), 1))
    full = list(read_rows(path))
    assert full[0].cells is head[0].cells
    assert [row.cells[3] for row in full] == ["NAMA LENGKAP", "Siti Aminah", "Budi Santoso"]
    # Handed out once: the next read parses the file again, to the same rows.
    again = list(read_rows(path))
    assert again[0].cells is not full[0].cells
    assert again == full


def test_a_file_changed_after_the_first_look_is_read_afresh(tmp_path):
    path = write_xlsx(tmp_path / "data.xlsx", ROWS)
    list(itertools.islice(read_rows(path), 1))
    write_xlsx(path, [*ROWS[:2], [3, "3375016512000003", "", "Rina Utami"]])
    full = list(read_rows(path))
    assert [row.cells[3] for row in full] == ["NAMA LENGKAP", "Siti Aminah", "Rina Utami"]


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
    parse_sheet = reading._parse_sheet
    monkeypatch.setattr(
        reading, "_parse_sheet", lambda path: parsed.append(path) or parse_sheet(path)
    )
    source = open_rows(write_xlsx(tmp_path / "data.xlsx", ROWS))
    assert source.count == len(ROWS)
    assert list(source.rows()) == list(source.rows())
    assert [row.cells[3] for row in source.rows()][1:] == ["Siti Aminah", "Budi Santoso"]
    assert len(parsed) == 1
