"""The files exchanged with the BPJS Ketenagakerjaan branch, as plain values.

No official bulk template exists, so the registration file's columns come from a mapping held
as data (RegistrationMapping); DEFAULT_COLUMNS follows the usual fields. The same rows and
mapping always give the same bytes: every part is stamped 1 January 1980 and the document's
creation date is fixed here, so a file sent twice can be compared by its checksum.

The branch's reply and bill are read by header name (with the spellings branches use), so a
reordered or extra column does not matter; a file without the columns is not a reply.
"""

import hashlib
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from operator import attrgetter
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rentan.core import plain_xlsx, safe_files
from rentan.core.exports import xlsx_workbook
from rentan.core.formatting import format_month

# The date every file says it was created: a file's bytes depend on its rows only.
FIXED_CREATED = datetime(2000, 1, 1, 0, 0, 0)


class Field(StrEnum):
    NIK = "nik"
    NAME = "name"
    BIRTH_PLACE = "birth_place"
    BIRTH_DATE = "birth_date"
    SEX = "sex"
    MOTHER_NAME = "mother_name"
    ADDRESS = "address"
    KELURAHAN = "kelurahan"
    PHONE = "phone"
    OCCUPATION = "occupation"
    WORK_LOCATION = "work_location"
    DECLARED_INCOME = "declared_income"
    PROGRAMMES = "programmes"
    START_MONTH = "start_month"


class Format(StrEnum):
    TEXT = "text"  # as a text cell (NIK, phone: never a number)
    UPPER = "upper"  # text in capitals
    NUMBER = "number"  # a whole number
    DATE = "date"  # an Excel date shown dd-mm-yyyy
    DMY_SLASH = "dd/mm/yyyy"  # a date as text
    DMY_DASH = "dd-mm-yyyy"
    ISO = "yyyy-mm-dd"
    MONTH = "mm-yyyy"  # a month as text
    SEX_CODE = "L/P"
    SEX_WORD = "LAKI-LAKI/PEREMPUAN"


# What a person choosing the columns reads (the mapping page).
FIELD_LABELS: dict[Field, Any] = {
    Field.NIK: gettext_lazy("NIK"),
    Field.NAME: gettext_lazy("Nama lengkap"),
    Field.BIRTH_PLACE: gettext_lazy("Tempat lahir"),
    Field.BIRTH_DATE: gettext_lazy("Tanggal lahir"),
    Field.SEX: gettext_lazy("Jenis kelamin"),
    Field.MOTHER_NAME: gettext_lazy("Nama ibu kandung"),
    Field.ADDRESS: gettext_lazy("Alamat (jalan, RT/RW, kelurahan)"),
    Field.KELURAHAN: gettext_lazy("Kelurahan"),
    Field.PHONE: gettext_lazy("Nomor HP"),
    Field.OCCUPATION: gettext_lazy("Jenis pekerjaan"),
    Field.WORK_LOCATION: gettext_lazy("Lokasi kerja"),
    Field.DECLARED_INCOME: gettext_lazy("Upah dilaporkan"),
    Field.PROGRAMMES: gettext_lazy("Program (JKK, JKM)"),
    Field.START_MONTH: gettext_lazy("Bulan mulai"),
}
FORMAT_LABELS: dict[Format, Any] = {
    Format.TEXT: gettext_lazy("Teks apa adanya"),
    Format.UPPER: gettext_lazy("Teks huruf besar"),
    Format.NUMBER: gettext_lazy("Angka"),
    Format.DATE: gettext_lazy("Tanggal Excel (dd-mm-yyyy)"),
    Format.DMY_SLASH: gettext_lazy("Tanggal sebagai teks dd/mm/yyyy"),
    Format.DMY_DASH: gettext_lazy("Tanggal sebagai teks dd-mm-yyyy"),
    Format.ISO: gettext_lazy("Tanggal sebagai teks yyyy-mm-dd"),
    Format.MONTH: gettext_lazy("Bulan sebagai teks mm-yyyy"),
    Format.SEX_CODE: gettext_lazy("Kode L/P"),
    Format.SEX_WORD: gettext_lazy("LAKI-LAKI/PEREMPUAN"),
}


@dataclass(frozen=True)
class Column:
    header: str
    field: Field
    format: Format = Format.TEXT


DEFAULT_COLUMNS: tuple[Column, ...] = (
    Column("NIK", Field.NIK),
    Column("NAMA LENGKAP", Field.NAME, Format.UPPER),
    Column("TEMPAT LAHIR", Field.BIRTH_PLACE, Format.UPPER),
    Column("TANGGAL LAHIR", Field.BIRTH_DATE, Format.DMY_DASH),
    Column("JENIS KELAMIN", Field.SEX, Format.SEX_CODE),
    Column("NAMA IBU KANDUNG", Field.MOTHER_NAME, Format.UPPER),
    Column("ALAMAT", Field.ADDRESS, Format.UPPER),
    Column("NO HP", Field.PHONE),
    Column("JENIS PEKERJAAN", Field.OCCUPATION, Format.UPPER),
    Column("LOKASI KERJA", Field.WORK_LOCATION, Format.UPPER),
    Column("UPAH DILAPORKAN", Field.DECLARED_INCOME, Format.NUMBER),
    Column("PROGRAM", Field.PROGRAMMES),
    Column("BULAN MULAI", Field.START_MONTH, Format.MONTH),
)


class MappingError(ValueError):
    pass


def columns_from_data(data: Sequence[Mapping[str, Any]]) -> tuple[Column, ...]:
    """A stored mapping (list of {"header", "field", "format"}) as columns, checked."""
    columns = []
    for number, item in enumerate(data, start=1):
        try:
            columns.append(
                Column(
                    header=str(item["header"]).strip(),
                    field=Field(item["field"]),
                    format=Format(item.get("format", Format.TEXT)),
                )
            )
        except (KeyError, ValueError) as problem:
            raise MappingError(
                _("Kolom ke-%(n)d pada susunan kolom tidak dikenal: %(item)s")
                % {"n": number, "item": item}
            ) from problem
        if not columns[-1].header:
            raise MappingError(_("Kolom ke-%(n)d tidak punya judul.") % {"n": number})
    return check_columns(columns)


def check_columns(columns: Sequence[Column]) -> tuple[Column, ...]:
    """A mapping the branch can read: at least one column, no heading twice."""
    if not columns:
        raise MappingError(_("Susunan kolom kosong."))
    headings = [column.header.casefold() for column in columns]
    repeated = sorted({h for h in headings if headings.count(h) > 1})
    if repeated:
        raise MappingError(
            _("Judul kolom dipakai lebih dari sekali: %(h)s") % {"h": ", ".join(repeated)}
        )
    return tuple(columns)


def columns_to_data(columns: Iterable[Column]) -> list[dict[str, str]]:
    return [{"header": c.header, "field": c.field.value, "format": c.format.value} for c in columns]


@dataclass(frozen=True)
class RegistrationRow:
    nik: str
    name: str
    birth_place: str
    birth_date: date
    sex: str  # "L" or "P"
    mother_name: str
    address: str
    kelurahan: str
    phone: str
    occupation: str
    work_location: str
    declared_income: int
    programmes: str  # "JKK, JKM"
    start_month: date


def _text_date(value: date, fmt: Format) -> str:
    pattern = {
        Format.DMY_SLASH: "%d/%m/%Y",
        Format.DMY_DASH: "%d-%m-%Y",
        Format.ISO: "%Y-%m-%d",
        Format.MONTH: "%m-%Y",
    }[fmt]
    return value.strftime(pattern)


def cell_value(value: object, fmt: Format) -> str | int | date:
    """What one field becomes in a cell of the given format."""
    if fmt in (Format.SEX_CODE, Format.SEX_WORD):
        if fmt == Format.SEX_CODE:
            return str(value)
        return "LAKI-LAKI" if value == "L" else "PEREMPUAN"
    if isinstance(value, date):
        if fmt == Format.DATE:
            return value
        if fmt in (Format.TEXT, Format.UPPER, Format.NUMBER):
            return _text_date(value, Format.DMY_DASH)
        return _text_date(value, fmt)
    if fmt == Format.NUMBER:
        if isinstance(value, int):
            return value
        return int(str(value)) if str(value).isdigit() else str(value)
    text = "" if value is None else str(value)
    return text.upper() if fmt == Format.UPPER else text


def _converter(fmt: Format) -> Any:
    """A column's cell content from a field's value (chosen once: it runs for every cell).
    Dates repeat (birth dates, the start month), so each one is formatted once."""
    if fmt == Format.DATE:
        return lambda value: value
    if fmt == Format.NUMBER:
        return lambda value: value if type(value) is int else cell_value(value, fmt)
    if fmt in (Format.TEXT, Format.UPPER):
        upper = fmt == Format.UPPER

        def text(value: object) -> str:
            if type(value) is str:
                return value.upper() if upper else value
            return str(cell_value(value, fmt))

        return text
    cache: dict[object, str] = {}

    def formatted(value: object) -> str:
        found = cache.get(value)
        if found is None:
            found = cache[value] = str(cell_value(value, fmt))
        return found

    return formatted


def write_registration(
    rows: Iterable[RegistrationRow],
    columns: Sequence[Column] = DEFAULT_COLUMNS,
    *,
    sheet_name: str = "Pendaftaran",
) -> bytes:
    """The registration file: one header row, then one row per person, in the given order.
    A whole cycle goes in one file, so it is written as a plain table (core.plain_xlsx)."""
    plan = [(attrgetter(column.field.value), _converter(column.format)) for column in columns]
    return plain_xlsx.write_table(
        [column.header for column in columns],
        [[convert(get(row)) for get, convert in plan] for row in rows],
        sheet_name=sheet_name[:31],
        title="Pendaftaran peserta BPU",
        created=FIXED_CREATED,
    )


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --- reading what the branch sends back ---------------------------------------------------


class FileNotReadable(ValueError):
    """The file is not the kind of file expected; nothing in it was used."""


class ReplyOutcome(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


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


def _key(header: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(header or "").lower())


_NIK_KEYS = {"nik", "noktp", "nomorktp", "nomorindukkependudukan", "niktk", "noidentitas"}
_KPJ_KEYS = {"kpj", "nokpj", "nomorkpj", "nokartu", "nopeserta", "nomorpeserta", "nomorkartu"}
_START_KEYS = {
    "tanggalmulai",
    "tglmulai",
    "tmt",
    "tmtkepesertaan",
    "tanggalkepesertaan",
    "tglkepesertaan",
    "mulaikepesertaan",
    "tanggalaktif",
}
_STATUS_KEYS = {"status", "hasil", "statuspendaftaran", "statusverifikasi"}
_REASON_KEYS = {"alasan", "keterangan", "alasanpenolakan", "alasanditolak", "catatan"}
_AMOUNT_KEYS = {"iuran", "jumlah", "nominal", "jumlahiuran", "tagihan", "totaliuran", "amount"}
_NAME_KEYS = {"nama", "namapeserta", "namalengkap", "namatenagakerja"}
_ACCEPTED_WORDS = {"diterima", "terima", "aktif", "berhasil", "sukses", "ok", "sesuai"}
_REJECTED_WORDS = {"ditolak", "tolak", "gagal", "tidaksesuai", "reject", "rejected"}
_TOTAL_WORDS = {"total", "jumlah", "jumlahtotal", "grandtotal"}

_HEADER_SEARCH_ROWS = 10


def _read_sheet(content: bytes) -> list[list[Any]]:
    try:
        rows, may_have_control = safe_files.read_sheet(
            content, name="ini", limits=safe_files.limits_for("bpjs")
        )
    except safe_files.FileRefused as refused:
        raise FileNotReadable(f"{refused} {_('Tidak ada data yang diubah.')}") from refused
    if may_have_control:
        for number, cells in enumerate(rows, start=1):
            if found := safe_files.control_columns(cells):
                # A reply or bill is taken whole or not at all: one damaged cell stops it.
                raise FileNotReadable(
                    _(
                        "Baris %(row)d, kolom %(column)d berisi karakter kendali (mis. NUL); "
                        "minta BPJS mengirim ulang berkasnya. Tidak ada data yang diubah."
                    )
                    % {"row": number, "column": found[0] + 1}
                )
    return rows


def _find_header(
    sheet: list[list[Any]], required: Sequence[set[str]]
) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(sheet[:_HEADER_SEARCH_ROWS]):
        keys = {_key(cell): col for col, cell in enumerate(row) if _key(cell)}
        if all(any(k in keys for k in group) for group in required):
            return index, keys
    return None


def _column(keys: Mapping[str, int], group: set[str]) -> int | None:
    for key, col in keys.items():
        if key in group:
            return col
    return None


def _cell(row: Sequence[Any], col: int | None) -> Any:
    if col is None or col >= len(row):
        return None
    return row[col]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _nik(value: Any) -> tuple[str, RowProblem | None]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # Excel keeps 15 significant digits: a NIK stored as a number may have lost its last.
        return _text(value), RowProblem.NIK_AS_NUMBER
    text = re.sub(r"[\s.'-]", "", _text(value))
    if not (len(text) == 16 and text.isdigit()):
        return text, RowProblem.BAD_NIK
    return text, None


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if len(text) == 10 and text[2] in "-/." and text[5] == text[2]:
        # dd-mm-yyyy, the branch's usual form; strptime is slow over 100,000 rows
        try:
            return date(int(text[6:]), int(text[3:5]), int(text[:2]))
        except ValueError:
            return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _masked(nik: str) -> str:
    return nik[:4] + "*" * 8 + nik[12:] if len(nik) == 16 else nik


def _problem_message(row: int, column: str, reason: str) -> str:
    return _("Baris %(row)d, kolom %(column)s: %(reason)s") % {
        "row": row,
        "column": column,
        "reason": reason,
    }


def parse_reply(content: bytes) -> ParsedReply:
    """The branch's answer: per NIK a KPJ number and start date, or a reason for rejection.

    Raises FileNotReadable when the file is no reply at all (no NIK and KPJ columns).
    """
    sheet = _read_sheet(content)
    found = _find_header(sheet, [_NIK_KEYS, _KPJ_KEYS, _START_KEYS | _STATUS_KEYS | _REASON_KEYS])
    if found is None:
        raise FileNotReadable(
            _(
                "Berkas ini bukan balasan pendaftaran BPJS: tidak ada kolom NIK, Nomor KPJ dan "
                "Tanggal mulai/Status/Keterangan pada %(n)d baris pertama. Tidak ada data yang "
                "diubah."
            )
            % {"n": _HEADER_SEARCH_ROWS}
        )
    header_index, keys = found
    nik_col, kpj_col = _column(keys, _NIK_KEYS), _column(keys, _KPJ_KEYS)
    start_col, status_col = _column(keys, _START_KEYS), _column(keys, _STATUS_KEYS)
    reason_col = _column(keys, _REASON_KEYS)
    parsed = ParsedReply()
    seen_nik: set[str] = set()
    seen_kpj: set[str] = set()
    for offset, row in enumerate(sheet[header_index + 1 :]):
        number = header_index + offset + 2  # as Excel numbers the rows
        if not any(_text(cell) for cell in row):
            continue
        parsed.total_rows += 1

        def fail(
            nik: str, code: RowProblem, column: str, reason: str, number: int = number
        ) -> None:
            parsed.problems.append(
                Problem(number, _masked(nik), code, _problem_message(number, column, reason))
            )

        nik, nik_problem = _nik(_cell(row, nik_col))
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
        kpj = re.sub(r"[\s.-]", "", _text(_cell(row, kpj_col)))
        reason = _text(_cell(row, reason_col))
        word = _key(_cell(row, status_col))
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
                % {"v": _text(_cell(row, status_col))},
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
        start_on = _date(_cell(row, start_col))
        if start_on is None:
            fail(
                nik,
                RowProblem.BAD_START_DATE,
                "Tanggal mulai",
                _("tanggal mulai kepesertaan kosong atau tidak terbaca (“%(v)s”).")
                % {"v": _text(_cell(row, start_col))},
            )
            continue
        seen_kpj.add(kpj)
        parsed.rows.append(ReplyRow(number, nik, outcome, kpj_number=kpj, start_on=start_on))
    return parsed


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
    problems: list[Problem] = field(default_factory=list)
    stated_total: int | None = None


def _amount(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return round(value) if value >= 0 else None
    text = re.sub(r"[^\d]", "", _text(value).split(",")[0])
    return int(text) if text else None


def parse_bill(content: bytes) -> ParsedBill:
    """The branch's monthly bill (surat tagihan): one premium per member, maybe a total row."""
    sheet = _read_sheet(content)
    found = _find_header(sheet, [_NIK_KEYS, _AMOUNT_KEYS])
    if found is None:
        raise FileNotReadable(
            _(
                "Berkas ini bukan surat tagihan BPJS: tidak ada kolom NIK dan kolom Iuran pada "
                "%(n)d baris pertama. Tidak ada data yang diubah."
            )
            % {"n": _HEADER_SEARCH_ROWS}
        )
    header_index, keys = found
    nik_col, amount_col = _column(keys, _NIK_KEYS), _column(keys, _AMOUNT_KEYS)
    kpj_col, name_col = _column(keys, _KPJ_KEYS), _column(keys, _NAME_KEYS)
    parsed = ParsedBill()
    seen: set[str] = set()
    for offset, row in enumerate(sheet[header_index + 1 :]):
        number = header_index + offset + 2
        if not any(_text(cell) for cell in row):
            continue
        if any(_key(cell) in _TOTAL_WORDS for cell in row[: max(nik_col or 0, 1) + 2]):
            parsed.stated_total = _amount(_cell(row, amount_col))
            continue
        nik, nik_problem = _nik(_cell(row, nik_col))
        amount = _amount(_cell(row, amount_col))
        if nik_problem is not None:
            parsed.problems.append(
                Problem(
                    number,
                    _masked(nik),
                    nik_problem,
                    _problem_message(
                        number,
                        "NIK",
                        _("NIK harus 16 angka sebagai teks, tertulis “%(v)s”.") % {"v": nik},
                    ),
                )
            )
            continue
        if nik in seen:
            parsed.problems.append(
                Problem(
                    number,
                    _masked(nik),
                    RowProblem.DUPLICATE_NIK,
                    _problem_message(number, "NIK", _("NIK ini ditagih lebih dari sekali.")),
                )
            )
            continue
        if amount is None:
            parsed.problems.append(
                Problem(
                    number,
                    _masked(nik),
                    RowProblem.BAD_AMOUNT,
                    _problem_message(
                        number,
                        "Iuran",
                        _("jumlah iuran tidak terbaca (“%(v)s”).")
                        % {"v": _text(_cell(row, amount_col))},
                    ),
                )
            )
            continue
        seen.add(nik)
        parsed.rows.append(
            BillRow(number, nik, _text(_cell(row, kpj_col)), _text(_cell(row, name_col)), amount)
        )
    return parsed


# --- what the branch sends, written the way a branch writes it (demo, tests, benchmarks) ----


def write_reply(rows: Iterable[ReplyRow]) -> bytes:
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


def write_bill(rows: Iterable[BillRow], *, month: date, stated_total: int | None) -> bytes:
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
