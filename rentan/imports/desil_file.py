"""Reading a DTSEN desil list: per row a NIK (or, for a whole family, a KK number), the desil
1-10 and the date of the ranking (or the period, "Maret 2026").

The sheet is read by the one spreadsheet reader (`reading.read_spreadsheet`, with the limits
of a "desil" upload) and its headers by their spellings (`cells.DESIL_HEADERS`), so a
reordered or extra column does not matter. A file that cannot be read, has no such header or
holds a damaged cell is refused whole (`FileError`); a bad row is told with its number and
left out. Which NIKs and KKs the registry holds is for the service to say.
"""

import functools
import itertools
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from django.utils.translation import gettext as _

from rentan.imports.cells import (
    DESIL_HEADERS,
    HEADER_SCAN_ROWS,
    CellError,
    DesilColumn,
    column_has_numbers,
    find_header,
    identity_text,
    is_blank,
    parse_desil,
    parse_ranking_date,
)
from rentan.imports.reading import FileError, FileProblem, SheetRow, open_rows, read_spreadsheet
from rentan.registry.desil import DesilProblem, DesilRow, RowIssue
from rentan.registry.nik import NikError, NikProblem, mask_nik, parse_kk, parse_nik

_AS_NUMBER = {
    NikProblem.STORED_AS_NUMBER,
    NikProblem.SCIENTIFIC_NOTATION,
    NikProblem.ROUNDED_BY_EXCEL,
}


@dataclass
class DesilList:
    rows: list[DesilRow] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    total_rows: int = 0


def read_desil_list(
    content: bytes, *, name: str, today: date, ranked_on: date | None = None
) -> DesilList:
    """The rows of a desil list. `ranked_on` stands for a row without a date of its own (a
    list whose period is known from its cover letter). Raises FileError when refused."""
    if not name.lower().endswith(".csv"):
        return _read(iter(read_spreadsheet(content, name=name, kind="desil")), today, ranked_on)
    # A CSV is streamed from a file, so a list of a million rows never sits in memory whole.
    with tempfile.NamedTemporaryFile(suffix=".csv") as temporary:
        temporary.write(content)
        temporary.flush()
        return _read(
            iter(open_rows(Path(temporary.name), original_name=name).rows()), today, ranked_on
        )


def _read(sheet: Iterator[SheetRow], today: date, ranked_on: date | None) -> DesilList:
    top = list(itertools.islice(sheet, HEADER_SCAN_ROWS))
    found = find_header([row.cells for row in top], DESIL_HEADERS)
    if found is None:
        raise FileError(
            FileProblem.NO_HEADER,
            _(
                "Berkas ini bukan daftar desil: tidak ada kolom Desil dan NIK atau No. KK pada "
                "%(n)d baris pertama."
            )
            % {"n": HEADER_SCAN_ROWS},
        )
    nik_col = found.column_of(DesilColumn.NIK)
    kk_col = found.column_of(DesilColumn.KK_NUMBER)
    desil_col = found.column_of(DesilColumn.DESIL)
    date_col = found.column_of(DesilColumn.RANKED_ON)
    if date_col is None and ranked_on is None:
        raise FileError(
            FileProblem.NO_HEADER,
            _(
                "Berkas tidak punya kolom Tanggal pemeringkatan/Periode; isi tanggal "
                "pemeringkatan pada formulir bila seluruh daftar berasal dari satu periode."
            ),
        )
    # The first thousand rows tell whether Excel kept the NIKs as numbers.
    sample = top[found.row_index + 1 :] + list(itertools.islice(sheet, 1000))
    body = itertools.chain(sample, sheet)

    def cell(cells: list[object], column: int | None) -> object:
        return cells[column] if column is not None and column < len(cells) else None

    nik_numbers = column_has_numbers(cell(r.cells, nik_col) for r in sample)
    kk_numbers = column_has_numbers(cell(r.cells, kk_col) for r in sample)
    parsed = DesilList()
    seen: dict[str, int] = {}
    # Words translated once per file, not once per row: a list may have a million rows.
    sentence = _("Baris %(row)d, kolom %(column)s: %(reason)s")
    date_column = _("Tanggal pemeringkatan")
    no_identity = _("NIK dan No. KK kosong.")
    no_date = _("tanggal pemeringkatan kosong.")
    repeated = _("%(id)s sudah ada di baris %(first)d berkas ini.")
    # A list holds few distinct desils and periods: each is read once.
    desils: dict[tuple[type, object], int | CellError] = {}
    dates: dict[tuple[type, object], date | CellError | None] = {}
    read_date = functools.partial(parse_ranking_date, today=today)

    def issue(row: int, column: str, problem: DesilProblem, reason: str) -> RowIssue:
        return RowIssue(row, problem, sentence % {"row": row, "column": column, "reason": reason})

    for sheet_row in body:
        cells, number = sheet_row.cells, sheet_row.number
        if all(is_blank(value) for value in cells):
            continue
        parsed.total_rows += 1
        if sheet_row.control_columns:
            raise FileError(
                FileProblem.UNREADABLE,
                _(
                    "Baris %(row)d, kolom %(column)d berisi karakter kendali (mis. NUL); "
                    "minta pengirim mengirim ulang berkasnya."
                )
                % {"row": number, "column": sheet_row.control_columns[0] + 1},
            )
        nik_cell, kk_cell = cell(cells, nik_col), cell(cells, kk_col)
        nik = kk = ""
        try:
            if not is_blank(nik_cell):
                nik = parse_nik(
                    identity_text(nik_cell), today=today, column_has_numbers=nik_numbers
                ).nik
            elif not is_blank(kk_cell):
                kk = parse_kk(identity_text(kk_cell), column_has_numbers=kk_numbers).number
            else:
                parsed.issues.append(issue(number, "NIK", DesilProblem.NO_IDENTITY, no_identity))
                continue
        except NikError as bad:
            column = "NIK" if nik_cell is not None and not is_blank(nik_cell) else "No. KK"
            if bad.problem in _AS_NUMBER:
                problem = DesilProblem.NIK_AS_NUMBER
            else:
                problem = DesilProblem.BAD_NIK if column == "NIK" else DesilProblem.BAD_KK
            parsed.issues.append(issue(number, column, problem, str(bad)))
            continue
        desil_cell = cell(cells, desil_col)
        # Keyed by type too: True and 1 are equal keys, and only one is a desil.
        desil_key = (type(desil_cell), desil_cell)
        desil = desils.get(desil_key)
        if desil is None:
            desil = desils[desil_key] = _read_or_error(parse_desil, desil_cell)
        if isinstance(desil, CellError):
            parsed.issues.append(issue(number, "Desil", DesilProblem.BAD_DESIL, str(desil)))
            continue
        date_cell = cell(cells, date_col)
        date_key = (type(date_cell), date_cell)
        if date_key in dates:
            on = dates[date_key]
        else:
            on = dates[date_key] = _read_or_error(read_date, date_cell)
        if isinstance(on, CellError):
            parsed.issues.append(issue(number, date_column, DesilProblem.BAD_DATE, str(on)))
            continue
        on = on or ranked_on
        if on is None:
            parsed.issues.append(issue(number, date_column, DesilProblem.BAD_DATE, no_date))
            continue
        # One ranking per person and date; a list may hold several periods.
        key = f"{nik or 'kk' + kk}@{on.isoformat()}"
        if key in seen:
            parsed.issues.append(
                issue(
                    number,
                    "NIK" if nik else "No. KK",
                    DesilProblem.REPEATED,
                    repeated % {"id": mask_nik(nik or kk), "first": seen[key]},
                )
            )
            continue
        seen[key] = number
        parsed.rows.append(DesilRow(number, nik, kk, desil, on))
    return parsed


T = TypeVar("T")


def _read_or_error(read: Callable[[object], T], value: object) -> T | CellError:
    try:
        return read(value)
    except CellError as bad:
        return bad
