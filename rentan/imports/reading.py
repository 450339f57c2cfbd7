"""Opening a kelurahan file as rows of cells: .xlsx, .xls, .ods (calamine) and .csv.

CSV files come from Excel in many dialects: comma or semicolon separated (Indonesian Excel
uses the semicolon, since the comma is its decimal mark), UTF-8 with or without a byte-order
mark, or Windows-1252 from older Windows machines. Row numbers are those Excel shows: the
first row of the sheet is 1. Files are opened through rentan.core.safe_files, which refuses a
hostile or broken file before its cells are read.
"""

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from rentan.core import safe_files

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
    # Cells holding a control character (NUL and the like), each refused with its row.
    control_columns: tuple[int, ...] = ()


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
    name = original_name or path.name
    try:
        if _suffix(path, original_name) == ".csv":
            encoding = safe_files.text_encoding(path, name=name)
            return RowSource(lambda: _csv_rows(path, name, encoding), _count_lines(path))
        loaded = _sheet_rows(path, name)
    except safe_files.FileRefused as refused:
        raise FileError(FileProblem.UNREADABLE, str(refused)) from refused
    return RowSource(lambda: loaded, len(loaded))


def read_spreadsheet(content: bytes, *, name: str, kind: str) -> list[SheetRow]:
    """A spreadsheet received whole (a file the BPJS branch sends), with the limits of `kind`
    (see safe_files.limits_for); FileError when it is refused."""
    try:
        return _sheet_rows(content, name, kind=kind)
    except safe_files.FileRefused as refused:
        raise FileError(FileProblem.UNREADABLE, str(refused)) from refused


def _sheet_rows(source: Path | bytes, name: str, *, kind: str = "import") -> list[SheetRow]:
    rows, may_have_control = safe_files.read_sheet(
        source, name=name, limits=safe_files.limits_for(kind), sheet=DATA_SHEET
    )
    # Lists made by calamine and only ever read: no copy needed.
    if not may_have_control:
        return [SheetRow(index, cells) for index, cells in enumerate(rows, start=1)]
    return [
        SheetRow(index, cells, safe_files.control_columns(cells))
        for index, cells in enumerate(rows, start=1)
    ]


def _count_lines(path: Path) -> int:
    lines = 0
    last = b"\n"
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")


def _csv_rows(path: Path, name: str, encoding: safe_files.TextEncoding) -> Iterator[SheetRow]:
    # The whole file was decoded once already (text_encoding): no byte is replaced here.
    with path.open(encoding=encoding.codec, newline="") as handle:
        try:
            for index, cells in safe_files.csv_records(handle, name=name):
                if encoding.has_control:
                    yield SheetRow(
                        index, cast(list[object], cells), safe_files.control_columns(cells)
                    )
                else:
                    yield SheetRow(index, cast(list[object], cells))
        except safe_files.FileRefused as refused:
            raise FileError(FileProblem.UNREADABLE, str(refused)) from refused
