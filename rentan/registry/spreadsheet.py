"""Reads the person columns of a kelurahan's spreadsheet (.xlsx, .xls, .ods, .csv) for a
duplicate check of the file on its own. Lenient on headers (case, spaces, common synonyms, a
header below a title) and on dates; keeps each row's number as the spreadsheet shows it.
No ORM or HTTP; the limits of rentan.core.safe_files come from settings.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from rentan.core import safe_files
from rentan.registry.dedup import DedupRecord


class SpreadsheetError(ValueError):
    """The file cannot be read as a list of persons; the message is Indonesian."""


FIELDS = ("nik", "name", "birth_date", "kelurahan", "address", "rt", "rw", "kk_number")

# Headers as people write them, compared without case, spaces or punctuation.
_SYNONYMS: dict[str, str] = {
    "nik": "nik",
    "noktp": "nik",
    "nomorktp": "nik",
    "ktp": "nik",
    "nonik": "nik",
    "nomornik": "nik",
    "nomorindukkependudukan": "nik",
    "nama": "name",
    "namalengkap": "name",
    "namapekerja": "name",
    "namasesuaiktp": "name",
    "tanggallahir": "birth_date",
    "tgllahir": "birth_date",
    "tgllhr": "birth_date",
    "tanggallhr": "birth_date",
    "kelurahan": "kelurahan",
    "kel": "kelurahan",
    "desa": "kelurahan",
    "kelurahandesa": "kelurahan",
    "desakelurahan": "kelurahan",
    "alamat": "address",
    "alamatlengkap": "address",
    "alamatrumah": "address",
    "jalan": "address",
    "rt": "rt",
    "rw": "rw",
    "nokk": "kk_number",
    "nomorkk": "kk_number",
    "kk": "kk_number",
    "nomorkartukeluarga": "kk_number",
    "nokartukeluarga": "kk_number",
}
_HEADER_SEARCH_ROWS = 15
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
_MONTHS = {
    "jan": 1,
    "januari": 1,
    "feb": 2,
    "februari": 2,
    "peb": 2,
    "mar": 3,
    "maret": 3,
    "apr": 4,
    "april": 4,
    "mei": 5,
    "may": 5,
    "jun": 6,
    "juni": 6,
    "jul": 7,
    "juli": 7,
    "agu": 8,
    "agt": 8,
    "agustus": 8,
    "aug": 8,
    "sep": 9,
    "september": 9,
    "okt": 10,
    "oktober": 10,
    "oct": 10,
    "nov": 11,
    "november": 11,
    "nop": 11,
    "des": 12,
    "desember": 12,
    "dec": 12,
}
_NUMERIC_DATE = re.compile(r"(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})")
_WORD_DATE = re.compile(r"(\d{1,2})\s+([a-z]+)\.?\s+(\d{2,4})")
_EXCEL_EPOCH = date(1899, 12, 30)


def header_key(text: str) -> str:
    return _NOT_ALNUM.sub("", text.lower())


@dataclass(frozen=True)
class SheetRows:
    columns: dict[str, int]  # field -> column index
    records: list[DedupRecord]  # key "row:N", N the row number in the spreadsheet


def _full_year(year: int) -> int:
    if year >= 100:
        return year
    # Two-digit years: workers are adults, so 26 means 1926 only when 2026 is in the future.
    return 2000 + year if 2000 + year <= date.today().year else 1900 + year


def parse_date(value: object) -> date | None:
    """A birth date from a cell: a date, an Excel serial, 12-05-1975, 12/05/75, 1975-05-12,
    12 Mei 1975. None when it cannot be read."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _EXCEL_EPOCH + timedelta(days=int(value)) if 1 < value < 80_000 else None
    text = str(value or "").strip().lower()
    if not text:
        return None
    try:
        if matched := _NUMERIC_DATE.fullmatch(text):
            first, month, last = (int(part) for part in matched.groups())
            if len(matched.group(1)) == 4:
                return date(first, month, last)
            return date(_full_year(last), month, first)
        if matched := _WORD_DATE.fullmatch(text):
            month_number = _MONTHS.get(matched.group(2))
            if month_number is None:
                return None
            return date(_full_year(int(matched.group(3))), month_number, int(matched.group(1)))
        if text.replace(".", "", 1).isdigit():
            return parse_date(float(text))
    except ValueError:
        return None
    return None


def _nik_text(value: object) -> str:
    """A NIK that reached the cell as a number has lost its last digit: it does not count."""
    if not isinstance(value, str):
        return ""
    digits = "".join(value.split())
    return digits if digits.isdigit() and len(digits) == 16 else ""


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _check_control(number: int, cells: list[Any]) -> None:
    if found := safe_files.control_columns(cells):
        raise SpreadsheetError(
            f"Baris {number}, kolom {found[0] + 1}: sel berisi karakter kendali (mis. NUL); "
            "ketik ulang isinya lalu periksa lagi."
        )


def _read_csv(path: Path) -> list[list[object]]:
    encoding = safe_files.text_encoding(path, name=path.name)
    table: list[list[object]] = []
    with path.open(encoding=encoding.codec, newline="") as handle:
        for number, cells in safe_files.csv_records(handle, name=path.name):
            if encoding.has_control:
                _check_control(number, cells)
            table.append(list(cells))
    return table


def read_table(path: Path) -> list[list[object]]:
    """The rows of the file's first sheet (or of a CSV), through the safe opening of
    rentan.core.safe_files (the same limits as an import)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return _read_csv(path)
        if suffix in {".xlsx", ".xlsm", ".xls", ".ods"}:
            rows, may_have_control = safe_files.read_sheet(
                path, name=path.name, limits=safe_files.limits_for("import")
            )
            if may_have_control:
                for number, cells in enumerate(rows, start=1):
                    _check_control(number, cells)
            return [list(row) for row in rows]
    except safe_files.FileRefused as refused:
        raise SpreadsheetError(str(refused)) from refused
    raise SpreadsheetError(
        f"Jenis berkas {suffix or '(tanpa akhiran)'} tidak didukung: gunakan .xlsx, .xls, "
        ".ods atau .csv."
    )


def _find_header(
    table: Sequence[Sequence[object]], mapping: Mapping[str, str]
) -> tuple[int, dict[str, int]]:
    for row_index, row in enumerate(table[:_HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for column, cell in enumerate(row):
            key = header_key(_cell_text(cell))
            field = mapping.get(key) or _SYNONYMS.get(key)
            if field and field not in columns:
                columns[field] = column
        if "name" in columns and len(columns) >= 2:
            return row_index, columns
    raise SpreadsheetError(
        "Baris judul kolom tidak ditemukan: perlu kolom Nama dan setidaknya satu dari NIK, "
        "Tanggal Lahir, Kelurahan atau Alamat (atau petakan dengan --map judul=kolom)."
    )


def read_persons(path: Path, *, mapping: Mapping[str, str] | None = None) -> SheetRows:
    """The rows of the file's first sheet as records to compare. `mapping` maps a header as
    written in the file to one of FIELDS."""
    user_mapping = {header_key(header): field for header, field in (mapping or {}).items()}
    unknown = sorted(set(user_mapping.values()) - set(FIELDS))
    if unknown:
        raise SpreadsheetError(
            f"Kolom tujuan tidak dikenal: {', '.join(unknown)}; pilih dari {', '.join(FIELDS)}."
        )
    table = read_table(path)
    header_index, columns = _find_header(table, user_mapping)

    def cell(row: Sequence[object], field: str) -> object:
        column = columns.get(field)
        return row[column] if column is not None and column < len(row) else None

    # A file without a kelurahan column comes from one kelurahan: its rows share it.
    whole_file = "kelurahan" not in columns
    records: list[DedupRecord] = []
    for offset, row in enumerate(table[header_index + 1 :], start=header_index + 2):
        name = _cell_text(cell(row, "name"))
        if not name:
            continue  # empty rows and trailing lines
        address = " ".join(
            part
            for part in (
                _cell_text(cell(row, "address")),
                f"RT {_cell_text(cell(row, 'rt'))}" if _cell_text(cell(row, "rt")) else "",
                f"RW {_cell_text(cell(row, 'rw'))}" if _cell_text(cell(row, "rw")) else "",
            )
            if part
        )
        records.append(
            DedupRecord(
                key=f"row:{offset}",
                nik=_nik_text(cell(row, "nik")),
                name=name,
                birth_date=parse_date(cell(row, "birth_date")),
                kelurahan_code="berkas"
                if whole_file
                else header_key(_cell_text(cell(row, "kelurahan"))),
                address=address,
                kk_number=_nik_text(cell(row, "kk_number")),
            )
        )
    return SheetRows(columns=columns, records=records)
