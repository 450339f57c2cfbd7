"""A kelurahan's spreadsheet read as records for a duplicate check of the file on its own
(`rentan dedup_file`), through the import's reader: the same file kinds, hostile-file limits,
header spellings (a header below a title) and dates as an import. Each record keeps its row
number as the spreadsheet shows it. No ORM or HTTP.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.utils import timezone

from rentan.imports.cells import (
    PERSON_HEADERS,
    CellError,
    HeaderSpec,
    ImportField,
    find_header,
    header_key,
    parse_birth_date,
    text,
)
from rentan.imports.reading import FileError, open_rows
from rentan.registry.dedup import DedupRecord


class SpreadsheetError(ValueError):
    """The file cannot be read as a list of persons; the message is Indonesian."""


# The columns a duplicate check compares, by the names a user maps a header to.
FIELDS: dict[str, ImportField] = {
    "nik": ImportField.NIK,
    "name": ImportField.NAME,
    "birth_date": ImportField.BIRTH_DATE,
    "kelurahan": ImportField.KELURAHAN,
    "address": ImportField.STREET_ADDRESS,
    "rt": ImportField.RT,
    "rw": ImportField.RW,
    "kk_number": ImportField.KK_NUMBER,
}
# An import's spellings; a name and one more column to compare it by make a header here.
_HEADERS = HeaderSpec(
    PERSON_HEADERS.synonyms,
    is_header=lambda found: (
        ImportField.NAME in found and len(set(found) & set(FIELDS.values())) >= 2
    ),
    ignored=ImportField.IGNORE,
)


@dataclass(frozen=True)
class SheetRows:
    columns: dict[ImportField, int]  # field -> column index
    records: list[DedupRecord]  # key "row:N", N the row number in the spreadsheet


def parse_date(value: object, *, today: date | None = None) -> date | None:
    """A birth date as an import reads it; None when it cannot be read (the check goes on)."""
    try:
        return parse_birth_date(value, today=today or timezone.localdate())
    except CellError:
        return None


def _nik_text(value: object) -> str:
    """A NIK that reached the cell as a number has lost its last digit: it does not count."""
    if not isinstance(value, str):
        return ""
    digits = "".join(value.split())
    return digits if digits.isdigit() and len(digits) == 16 else ""


def read_persons(path: Path, *, mapping: Mapping[str, str] | None = None) -> SheetRows:
    """The rows of the file's data sheet (or of a CSV) as records to compare. `mapping` maps a
    header as written in the file to one of FIELDS."""
    unknown = sorted({field for field in (mapping or {}).values() if field not in FIELDS})
    if unknown:
        raise SpreadsheetError(
            f"Kolom tujuan tidak dikenal: {', '.join(unknown)}; pilih dari {', '.join(FIELDS)}."
        )
    user_mapping = {header: FIELDS[field] for header, field in (mapping or {}).items()}
    try:
        table = list(open_rows(path).rows())
    except FileError as refused:
        raise SpreadsheetError(str(refused)) from refused
    for checked in table:
        if checked.control_columns:
            raise SpreadsheetError(
                f"Baris {checked.number}, kolom {checked.control_columns[0] + 1}: sel berisi "
                "karakter kendali (mis. NUL); ketik ulang isinya lalu periksa lagi."
            )
    guess = find_header([row.cells for row in table], _HEADERS, extra=user_mapping)
    if guess is None:
        raise SpreadsheetError(
            "Baris judul kolom tidak ditemukan: perlu kolom Nama dan setidaknya satu dari NIK, "
            "Tanggal Lahir, Kelurahan atau Alamat (atau petakan dengan --map judul=kolom)."
        )
    columns = {field: column for column, field in guess.columns.items() if field in FIELDS.values()}

    def cell(row: Sequence[object], field: ImportField) -> object:
        column = columns.get(field)
        return row[column] if column is not None and column < len(row) else None

    # A file without a kelurahan column comes from one kelurahan: its rows share it.
    whole_file = ImportField.KELURAHAN not in columns
    today = timezone.localdate()
    records: list[DedupRecord] = []
    for sheet_row in table[guess.row_index + 1 :]:
        row = sheet_row.cells
        name = text(cell(row, ImportField.NAME))
        if not name:
            continue  # empty rows and trailing lines
        rt, rw = text(cell(row, ImportField.RT)), text(cell(row, ImportField.RW))
        address = " ".join(
            part
            for part in (
                text(cell(row, ImportField.STREET_ADDRESS)),
                f"RT {rt}" if rt else "",
                f"RW {rw}" if rw else "",
            )
            if part
        )
        records.append(
            DedupRecord(
                key=f"row:{sheet_row.number}",
                nik=_nik_text(cell(row, ImportField.NIK)),
                name=name,
                birth_date=parse_date(cell(row, ImportField.BIRTH_DATE), today=today),
                kelurahan_code="berkas"
                if whole_file
                else header_key(text(cell(row, ImportField.KELURAHAN))),
                address=address,
                kk_number=_nik_text(cell(row, ImportField.KK_NUMBER)),
            )
        )
    return SheetRows(columns=columns, records=records)
