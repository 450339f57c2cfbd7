"""What reading any file the BPJS branch sends back shares: the sheet through the one
spreadsheet reader (rentan.imports.reading, with the limits of a BPJS upload), the NIK and KPJ
column spellings, and how a row's problem is told.

A reply or bill is taken whole or not at all: a file refused, or one damaged cell, stops it
with nothing changed.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from rentan.imports.cells import text
from rentan.imports.reading import FileError, SheetRow, read_spreadsheet


class FileNotReadable(ValueError):
    """The file is not the kind of file expected; nothing in it was used."""


class RowProblem(StrEnum):
    BAD_NIK = "bad_nik"
    NIK_AS_NUMBER = "nik_as_number"
    DUPLICATE_NIK = "duplicate_nik"
    BAD_KPJ = "bad_kpj"
    DUPLICATE_KPJ_IN_FILE = "duplicate_kpj_in_file"
    BAD_START_DATE = "bad_start_date"
    NO_REASON = "no_reason"
    UNKNOWN_OUTCOME = "unknown_outcome"
    BAD_AMOUNT = "bad_amount"
    # Found when matching against the stored memberships (services):
    UNKNOWN_NIK = "unknown_nik"
    KPJ_USED_BY_OTHER = "kpj_used_by_other"


@dataclass(frozen=True)
class Problem:
    row: int
    nik: str
    code: RowProblem
    message: str


# Header spellings branches use, for the columns every file of theirs has.
NIK_SPELLINGS = (
    "nik",
    "no ktp",
    "nomor ktp",
    "nomor induk kependudukan",
    "nik tk",
    "no identitas",
)
KPJ_SPELLINGS = (
    "kpj",
    "no kpj",
    "nomor kpj",
    "no kartu",
    "no peserta",
    "nomor peserta",
    "nomor kartu",
)


def read_rows(content: bytes) -> list[SheetRow]:
    """The rows of the file's sheet; FileNotReadable when it is refused or a cell is damaged."""
    try:
        rows = read_spreadsheet(content, name="ini", kind="bpjs")
    except FileError as refused:
        raise FileNotReadable(f"{refused} {_('Tidak ada data yang diubah.')}") from refused
    for row in rows:
        if row.control_columns:
            raise FileNotReadable(
                _(
                    "Baris %(row)d, kolom %(column)d berisi karakter kendali (mis. NUL); "
                    "minta BPJS mengirim ulang berkasnya. Tidak ada data yang diubah."
                )
                % {"row": row.number, "column": row.control_columns[0] + 1}
            )
    return rows


def cell(row: Sequence[Any], column: int | None) -> Any:
    if column is None or column >= len(row):
        return None
    return row[column]


def read_nik(value: Any) -> tuple[str, RowProblem | None]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # Excel keeps 15 significant digits: a NIK stored as a number may have lost its last.
        return text(value), RowProblem.NIK_AS_NUMBER
    found = re.sub(r"[\s.'-]", "", text(value))
    if not (len(found) == 16 and found.isdigit()):
        return found, RowProblem.BAD_NIK
    return found, None


def problem_message(row: int, column: str, reason: str) -> str:
    return _("Baris %(row)d, kolom %(column)s: %(reason)s") % {
        "row": row,
        "column": column,
        "reason": reason,
    }
