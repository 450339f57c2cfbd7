"""Opening a kelurahan file as rows of cells: .xlsx, .xls, .ods (calamine) and .csv.

CSV files come from Excel in many dialects: comma or semicolon separated (Indonesian Excel
uses the semicolon, since the comma is its decimal mark), UTF-8 with or without a byte-order
mark, or Windows-1252 from older Windows machines. Row numbers are those Excel shows: the
first row of the sheet is 1.
"""

import codecs
import csv
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineWorkbook

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
SUFFIXES = (*SPREADSHEET_SUFFIXES, ".csv")
# The template's data sheet; other files are read from their first sheet.
DATA_SHEET = "Data"


class FileProblem(TextChoices):
    UNSUPPORTED = "unsupported", _("Jenis berkas tidak didukung (.xlsx, .xls, .ods, .csv)")
    UNREADABLE = "unreadable", _("Berkas tidak dapat dibaca")
    NO_HEADER = "no_header", _("Baris judul kolom tidak ditemukan")
    EMPTY = "empty", _("Berkas tidak berisi data")


class FileError(ValueError):
    def __init__(self, problem: FileProblem, detail: str) -> None:
        super().__init__(problem, detail)
        self.problem = problem
        self.detail = detail

    def __str__(self) -> str:
        return self.detail


def checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(slots=True)
class SheetRow:
    number: int  # as Excel shows it, from 1
    cells: list[object]


def _suffix(path: Path, original_name: str) -> str:
    suffix = Path(original_name or path.name).suffix.lower()
    if suffix not in SUFFIXES:
        raise FileError(
            FileProblem.UNSUPPORTED,
            f"Berkas {original_name or path.name} bukan .xlsx, .xls, .ods atau .csv.",
        )
    return suffix


@dataclass(frozen=True)
class RowSource:
    """A file's rows, to be gone through more than once."""

    rows: Callable[[], Iterable[SheetRow]]
    # Rows in the file, for progress; for a CSV its lines (more than its rows when a quoted
    # cell spans lines).
    count: int


def open_rows(path: Path, *, original_name: str = "") -> RowSource:
    """A spreadsheet is read into memory once (calamine parses a whole sheet anyway); a CSV
    is streamed again each time, so a file of a million rows never sits in memory whole, and
    its rows are counted by their line breaks, without parsing it."""
    if _suffix(path, original_name) == ".csv":
        encoding = csv_encoding(path)
        return RowSource(lambda: _csv_rows(path, encoding), _count_lines(path))
    loaded = _sheet_rows(path)
    return RowSource(lambda: loaded, len(loaded))


def _sheet_rows(path: Path) -> list[SheetRow]:
    try:
        rows = _parse_sheet(path)
    except Exception as error:  # calamine raises its own errors for damaged files
        raise FileError(
            FileProblem.UNREADABLE, f"Berkas tidak dapat dibaca sebagai lembar kerja: {error}"
        ) from error
    # Lists made by calamine and only ever read: no copy needed.
    return [SheetRow(index, cells) for index, cells in enumerate(rows, start=1)]


def _parse_sheet(path: Path) -> list[list[object]]:
    workbook = CalamineWorkbook.from_path(str(path))
    name = DATA_SHEET if DATA_SHEET in workbook.sheet_names else workbook.sheet_names[0]
    sheet = workbook.get_sheet_by_name(name)
    # skip_empty_area=False keeps leading empty rows, so numbers match Excel's.
    return cast(list[list[object]], sheet.to_python(skip_empty_area=False))


def csv_encoding(path: Path) -> str:
    """utf-8-sig when the whole file is valid UTF-8 (with or without a byte-order mark), else
    Windows-1252: Excel on Windows saves "CSV" in the ANSI code page."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines()[:20] if line.strip()]
    semicolons = sum(line.count(";") for line in lines)
    commas = sum(line.count(",") for line in lines)
    tabs = sum(line.count("\t") for line in lines)
    return max((semicolons, ";"), (commas, ","), (tabs, "\t"))[1]


def _count_lines(path: Path) -> int:
    lines = 0
    last = b"\n"
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")


def _csv_rows(path: Path, encoding: str) -> Iterator[SheetRow]:
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        delimiter = _delimiter(handle.read(20000))
        handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter)
        for index, cells in enumerate(reader, start=1):
            yield SheetRow(index, cast(list[object], cells))
