"""Reading files into rows, without a database."""

import itertools

from rentan.imports.reading import read_rows
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
