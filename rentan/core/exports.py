"""Files that leave Rentan (spreadsheets, CSV, downloads): what people typed stays text.

A cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some programs skip before reading on) is taken by Excel, LibreOffice and Google Sheets as a
formula: a name typed as ``=HYPERLINK("http://…","Klik")`` would become a live link in the
list the city hands out, and a ``=cmd|…`` DDE formula can start a program on an old Excel
("CSV injection", OWASP). So:

- in .xlsx, text is written as a text cell, never as a formula or a link, and comes back
  exactly as typed: build XlsxWriter workbooks with `xlsx_workbook` (its ``write()`` then
  gives a text cell for any ``str``);
- a CSV has no cell types: `csv_writer` puts an apostrophe before a text cell that begins
  with one of those characters (`csv_text`; spreadsheet programs read the apostrophe as
  "this is text"). Numbers the program writes as numbers (``int``, ``float``,
  ``Decimal``) are not text and stay as they are, negative ones included; a phone number
  kept as text (``+62812…``) does get the apostrophe, in a CSV only;
- a download's file name may hold anything an upload was called (``a"b;c.xlsx``):
  `attachment_disposition` gives a valid ``Content-Disposition`` for it (RFC 6266).
"""

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from django.utils.http import content_disposition_header

# What a spreadsheet program reads as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# XlsxWriter's write() turns "=…" into a formula, "http://…" into a link and, if asked,
# "12" into a number; these options keep every str a text cell.
TEXT_STAYS_TEXT = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}

_UNSAFE_IN_FILE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


def csv_text(value: object) -> object:
    """The cell as a CSV should hold it: text that a spreadsheet program would run as a
    formula gets a leading apostrophe; numbers and empty cells are left alone."""
    if value is None or isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _TextSafeWriter:
    """csv.writer's writerow/writerows, each cell through `csv_text`."""

    def __init__(self, stream: IO[str], **fmtparams: Any) -> None:
        self._writer = csv.writer(stream, **fmtparams)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([csv_text(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: IO[str], **fmtparams: Any) -> _TextSafeWriter:
    """A csv.writer (same arguments) whose text cells are never read as formulas."""
    return _TextSafeWriter(stream, **fmtparams)


def xlsx_workbook(output: Any, options: Mapping[str, object] | None = None) -> xlsxwriter.Workbook:
    """An XlsxWriter workbook (in memory unless `options` say otherwise) on which every
    ``str`` written is a text cell, whatever it begins with. `options` are XlsxWriter's;
    they cannot turn formulas or links from text back on."""
    return xlsxwriter.Workbook(output, {"in_memory": True, **(options or {}), **TEXT_STAYS_TEXT})


def attachment_disposition(filename: str) -> str:
    """The ``Content-Disposition`` value of a download named `filename`: quoted and escaped
    when it is plain ASCII, ``filename*=utf-8''…`` otherwise. Control characters and path
    separators, which no saved file name may hold, become ``_``."""
    return content_disposition_header(True, _UNSAFE_IN_FILE_NAME.sub("_", filename)) or ""


# The kinds of column a list's workbook holds: each written as its own cell type, so a sum,
# a filter or a sort in the spreadsheet works on numbers and dates, not on text.
TEXT, NUMBER, DATE, RUPIAH = "text", "number", "date", "rupiah"


def table_workbook(
    sheet_name: str,
    columns: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[object]],
) -> bytes:
    """One sheet: a bold header row, frozen, with filters on, then the rows; `columns` are
    (header, kind) with kind one of TEXT, NUMBER, DATE, RUPIAH. Empty cells stay empty."""
    buffer = io.BytesIO()
    book = xlsx_workbook(buffer)
    sheet = book.add_worksheet(sheet_name[:31])
    bold = book.add_format({"bold": True})
    formats = {
        DATE: book.add_format({"num_format": "d mmmm yyyy"}),
        RUPIAH: book.add_format({"num_format": '"Rp" #,##0'}),
        NUMBER: None,
        TEXT: None,
    }
    sheet.write_row(0, 0, [header for header, _kind in columns], bold)
    last = 0
    for last, row in enumerate(rows, start=1):
        for col, ((_header, kind), value) in enumerate(zip(columns, row, strict=True)):
            if value is None or value == "":
                continue
            if kind == DATE:
                sheet.write_datetime(last, col, value, formats[DATE])
            elif kind in (NUMBER, RUPIAH):
                sheet.write_number(last, col, value, formats[kind])
            else:
                sheet.write_string(last, col, str(value))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(last, 1), len(columns) - 1)
    sheet.set_column(0, len(columns) - 1, 18)
    book.close()
    return buffer.getvalue()
