"""The branch's monthly bill (surat tagihan): one premium per member, maybe a total row. Read
by header name, as the reply is.
"""

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from rentan.core.exports import xlsx_workbook
from rentan.core.formatting import format_month
from rentan.enrollment.bpjs_files import incoming
from rentan.enrollment.bpjs_files.registration import FIXED_CREATED
from rentan.imports.cells import (
    HEADER_SCAN_ROWS,
    HeaderSpec,
    find_header,
    header_key,
    is_blank,
    text,
)
from rentan.registry.nik import mask_nik


@dataclass(frozen=True)
class BillRow:
    row: int
    nik: str
    kpj_number: str
    name: str
    amount: int


@dataclass
class ParsedBill:
    rows: list[BillRow] = field(default_factory=list)
    problems: list[incoming.Problem] = field(default_factory=list)
    stated_total: int | None = None


class BillColumn(StrEnum):
    NIK = "nik"
    KPJ = "kpj"
    NAME = "name"
    AMOUNT = "amount"


BILL_HEADERS = HeaderSpec(
    {
        BillColumn.NIK: incoming.NIK_SPELLINGS,
        BillColumn.KPJ: incoming.KPJ_SPELLINGS,
        BillColumn.NAME: ("nama", "nama peserta", "nama lengkap", "nama tenaga kerja"),
        BillColumn.AMOUNT: (
            "iuran",
            "jumlah",
            "nominal",
            "jumlah iuran",
            "tagihan",
            "total iuran",
            "amount",
        ),
    },
    is_header=lambda found: {BillColumn.NIK, BillColumn.AMOUNT} <= set(found),
)
_TOTAL_WORDS = {"total", "jumlah", "jumlahtotal", "grandtotal"}


def _amount(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return round(value) if value >= 0 else None
    digits = re.sub(r"[^\d]", "", text(value).split(",")[0])
    return int(digits) if digits else None


def parse_bill(content: bytes) -> ParsedBill:
    """The branch's monthly bill; FileNotReadable when it has no NIK and premium columns."""
    sheet = incoming.read_rows(content)
    found = find_header([row.cells for row in sheet], BILL_HEADERS)
    if found is None:
        raise incoming.FileNotReadable(
            _(
                "Berkas ini bukan surat tagihan BPJS: tidak ada kolom NIK dan kolom Iuran pada "
                "%(n)d baris pertama. Tidak ada data yang diubah."
            )
            % {"n": HEADER_SCAN_ROWS}
        )
    nik_col, amount_col = found.column_of(BillColumn.NIK), found.column_of(BillColumn.AMOUNT)
    kpj_col, name_col = found.column_of(BillColumn.KPJ), found.column_of(BillColumn.NAME)
    parsed = ParsedBill()
    seen: set[str] = set()
    for sheet_row in sheet[found.row_index + 1 :]:
        row, number = sheet_row.cells, sheet_row.number
        if all(is_blank(value) for value in row):
            continue
        if any(header_key(value) in _TOTAL_WORDS for value in row[: max(nik_col or 0, 1) + 2]):
            parsed.stated_total = _amount(incoming.cell(row, amount_col))
            continue
        nik, nik_problem = incoming.read_nik(incoming.cell(row, nik_col))
        amount = _amount(incoming.cell(row, amount_col))
        if nik_problem is not None:
            parsed.problems.append(
                incoming.Problem(
                    number,
                    mask_nik(nik),
                    nik_problem,
                    incoming.problem_message(
                        number,
                        "NIK",
                        _("NIK harus 16 angka sebagai teks, tertulis “%(v)s”.") % {"v": nik},
                    ),
                )
            )
            continue
        if nik in seen:
            parsed.problems.append(
                incoming.Problem(
                    number,
                    mask_nik(nik),
                    incoming.RowProblem.DUPLICATE_NIK,
                    incoming.problem_message(
                        number, "NIK", _("NIK ini ditagih lebih dari sekali.")
                    ),
                )
            )
            continue
        if amount is None:
            parsed.problems.append(
                incoming.Problem(
                    number,
                    mask_nik(nik),
                    incoming.RowProblem.BAD_AMOUNT,
                    incoming.problem_message(
                        number,
                        "Iuran",
                        _("jumlah iuran tidak terbaca (“%(v)s”).")
                        % {"v": text(incoming.cell(row, amount_col))},
                    ),
                )
            )
            continue
        seen.add(nik)
        parsed.rows.append(
            BillRow(
                number,
                nik,
                text(incoming.cell(row, kpj_col)),
                text(incoming.cell(row, name_col)),
                amount,
            )
        )
    return parsed


def write_bill(rows: Iterable[BillRow], *, month: date, stated_total: int | None) -> bytes:
    """A bill written the way a branch writes it (demo, tests, benchmarks)."""
    output = io.BytesIO()
    workbook = xlsx_workbook(output)
    workbook.set_properties({"created": FIXED_CREATED})
    sheet = workbook.add_worksheet("Tagihan")
    sheet.write_string(0, 0, _("Surat tagihan iuran BPU bulan %(m)s") % {"m": format_month(month)})
    for col, header in enumerate(("NO", "NIK", "NO KPJ", "NAMA", "IURAN")):
        sheet.write_string(2, col, header)
    r = 2
    for r, row in enumerate(rows, start=3):
        sheet.write_number(r, 0, r - 2)
        sheet.write_string(r, 1, row.nik)
        sheet.write_string(r, 2, row.kpj_number)
        sheet.write_string(r, 3, row.name)
        sheet.write_number(r, 4, row.amount)
    if stated_total is not None:
        sheet.write_string(r + 1, 1, "TOTAL")
        sheet.write_number(r + 1, 4, stated_total)
    workbook.close()
    return output.getvalue()
