"""The branch's reply to a registration file: per NIK a KPJ number and start date, or the
reason it was refused. Read by header name (with the spellings branches use), so a reordered
or extra column does not matter; a file without the columns is not a reply.
"""

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext as _

from rentan.core.exports import xlsx_workbook
from rentan.enrollment.bpjs_files.incoming import (
    KPJ_SPELLINGS,
    NIK_SPELLINGS,
    FileNotReadable,
    Problem,
    RowProblem,
    cell,
    problem_message,
    read_nik,
    read_rows,
)
from rentan.enrollment.bpjs_files.registration import FIXED_CREATED
from rentan.imports.cells import (
    HEADER_SCAN_ROWS,
    CellError,
    HeaderSpec,
    find_header,
    header_key,
    is_blank,
    parse_date,
    text,
)
from rentan.registry.nik import mask_nik


class ReplyOutcome(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True)
class ReplyRow:
    row: int
    nik: str
    outcome: ReplyOutcome
    kpj_number: str = ""
    start_on: date | None = None
    reason: str = ""


@dataclass
class ParsedReply:
    rows: list[ReplyRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    total_rows: int = 0


class ReplyColumn(StrEnum):
    NIK = "nik"
    KPJ = "kpj"
    START = "start"
    STATUS = "status"
    REASON = "reason"


REPLY_HEADERS = HeaderSpec(
    {
        ReplyColumn.NIK: NIK_SPELLINGS,
        ReplyColumn.KPJ: KPJ_SPELLINGS,
        ReplyColumn.START: (
            "tanggal mulai",
            "tgl mulai",
            "tmt",
            "tmt kepesertaan",
            "tanggal kepesertaan",
            "tgl kepesertaan",
            "mulai kepesertaan",
            "tanggal aktif",
        ),
        ReplyColumn.STATUS: ("status", "hasil", "status pendaftaran", "status verifikasi"),
        ReplyColumn.REASON: (
            "alasan",
            "keterangan",
            "alasan penolakan",
            "alasan ditolak",
            "catatan",
        ),
    },
    # A reply names the person, their card, and what became of them.
    is_header=lambda found: (
        {ReplyColumn.NIK, ReplyColumn.KPJ} <= set(found)
        and bool({ReplyColumn.START, ReplyColumn.STATUS, ReplyColumn.REASON} & set(found))
    ),
)
_ACCEPTED_WORDS = {"diterima", "terima", "aktif", "berhasil", "sukses", "ok", "sesuai"}
_REJECTED_WORDS = {"ditolak", "tolak", "gagal", "tidaksesuai", "reject", "rejected"}


def read_start_date(value: object, *, today: date) -> date | None:
    """A start of cover in any form a date is read in (a branch writes 01-03-2023, 01/03/2023,
    2023-03-01 …); None when it is empty or unreadable."""
    try:
        return parse_date(value, today=today, noun="Tanggal mulai", may_be_future=True)
    except CellError:
        return None


def parse_reply(content: bytes, *, today: date | None = None) -> ParsedReply:
    """The branch's answer: per NIK a KPJ number and start date, or a reason for rejection.
    `today` places a two-digit year (the latest such year not after it).

    Raises FileNotReadable when the file is no reply at all (no NIK and KPJ columns).
    """
    today = today or timezone.localdate()
    sheet = read_rows(content)
    found = find_header([row.cells for row in sheet], REPLY_HEADERS)
    if found is None:
        raise FileNotReadable(
            _(
                "Berkas ini bukan balasan pendaftaran BPJS: tidak ada kolom NIK, Nomor KPJ dan "
                "Tanggal mulai/Status/Keterangan pada %(n)d baris pertama. Tidak ada data yang "
                "diubah."
            )
            % {"n": HEADER_SCAN_ROWS}
        )
    nik_col, kpj_col = found.column_of(ReplyColumn.NIK), found.column_of(ReplyColumn.KPJ)
    start_col = found.column_of(ReplyColumn.START)
    status_col = found.column_of(ReplyColumn.STATUS)
    reason_col = found.column_of(ReplyColumn.REASON)
    parsed = ParsedReply()
    seen_nik: set[str] = set()
    seen_kpj: set[str] = set()
    for sheet_row in sheet[found.row_index + 1 :]:
        row, number = sheet_row.cells, sheet_row.number
        if all(is_blank(value) for value in row):
            continue
        parsed.total_rows += 1

        def fail(
            nik: str, code: RowProblem, column: str, reason: str, number: int = number
        ) -> None:
            parsed.problems.append(
                Problem(number, mask_nik(nik), code, problem_message(number, column, reason))
            )

        nik, nik_problem = read_nik(cell(row, nik_col))
        if nik_problem == RowProblem.NIK_AS_NUMBER:
            fail(
                nik,
                nik_problem,
                "NIK",
                _(
                    "NIK tersimpan sebagai angka, digit terakhir bisa hilang; "
                    "simpan kolom NIK sebagai teks."
                ),
            )
            continue
        if nik_problem is not None:
            fail(nik, nik_problem, "NIK", _("NIK harus 16 angka, tertulis “%(v)s”.") % {"v": nik})
            continue
        if nik in seen_nik:
            fail(
                nik,
                RowProblem.DUPLICATE_NIK,
                "NIK",
                _("NIK ini muncul lebih dari sekali dalam berkas."),
            )
            continue
        seen_nik.add(nik)
        kpj = re.sub(r"[\s.-]", "", text(cell(row, kpj_col)))
        reason = text(cell(row, reason_col))
        word = header_key(cell(row, status_col))
        if word in _ACCEPTED_WORDS or (not word and kpj):
            outcome = ReplyOutcome.ACCEPTED
        elif word in _REJECTED_WORDS or (not word and reason):
            outcome = ReplyOutcome.REJECTED
        else:
            fail(
                nik,
                RowProblem.UNKNOWN_OUTCOME,
                "Status",
                _("tidak jelas diterima atau ditolak (status “%(v)s”, tanpa nomor KPJ).")
                % {"v": text(cell(row, status_col))},
            )
            continue
        if outcome == ReplyOutcome.REJECTED:
            if not reason:
                fail(nik, RowProblem.NO_REASON, "Keterangan", _("ditolak tanpa alasan."))
                continue
            parsed.rows.append(ReplyRow(number, nik, outcome, reason=reason))
            continue
        if not (len(kpj) == 11 and kpj.isdigit()):
            fail(
                nik,
                RowProblem.BAD_KPJ,
                "Nomor KPJ",
                _("nomor KPJ harus 11 angka, tertulis “%(v)s”.") % {"v": kpj},
            )
            continue
        if kpj in seen_kpj:
            fail(
                nik,
                RowProblem.DUPLICATE_KPJ_IN_FILE,
                "Nomor KPJ",
                _("nomor KPJ %(kpj)s dipakai lebih dari satu baris.") % {"kpj": kpj},
            )
            continue
        start_on = read_start_date(cell(row, start_col), today=today)
        if start_on is None:
            fail(
                nik,
                RowProblem.BAD_START_DATE,
                "Tanggal mulai",
                _("tanggal mulai kepesertaan kosong atau tidak terbaca (“%(v)s”).")
                % {"v": text(cell(row, start_col))},
            )
            continue
        seen_kpj.add(kpj)
        parsed.rows.append(ReplyRow(number, nik, outcome, kpj_number=kpj, start_on=start_on))
    return parsed


def write_reply(rows: Iterable[ReplyRow]) -> bytes:
    """A reply written the way a branch writes it (demo, tests, benchmarks)."""
    output = io.BytesIO()
    workbook = xlsx_workbook(output)
    workbook.set_properties({"created": FIXED_CREATED})
    sheet = workbook.add_worksheet("Hasil")
    for col, header in enumerate(("NIK", "NO KPJ", "TGL KEPESERTAAN", "STATUS", "KETERANGAN")):
        sheet.write_string(0, col, header)
    for r, row in enumerate(rows, start=1):
        sheet.write_string(r, 0, row.nik)
        sheet.write_string(r, 1, row.kpj_number)
        sheet.write_string(r, 2, row.start_on.strftime("%d-%m-%Y") if row.start_on else "")
        sheet.write_string(r, 3, "DITERIMA" if row.outcome == ReplyOutcome.ACCEPTED else "DITOLAK")
        sheet.write_string(r, 4, row.reason)
    workbook.close()
    return output.getvalue()
