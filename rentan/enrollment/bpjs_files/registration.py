"""The registration file sent to the BPJS Ketenagakerjaan branch, as plain values.

No official bulk template exists, so the registration file's columns come from a mapping held
as data (RegistrationMapping); DEFAULT_COLUMNS follows the usual fields. The same rows and
mapping always give the same bytes: every part is stamped 1 January 1980 and the document's
creation date is fixed here, so a file sent twice can be compared by its checksum.

The mapping is edited on the page "Susunan kolom berkas" or with `rentan bpjs_mapping`. The
file is written by XlsxWriter in `constant_memory` mode (`write_registration`), so a file of a
hundred thousand rows keeps one row in memory.
"""

import hashlib
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from operator import attrgetter
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rentan.core.exports import xlsx_workbook

# The date every file says it was created: a file's bytes depend on its rows only.
FIXED_CREATED = datetime(2000, 1, 1, 0, 0, 0)  # noqa: DTZ001 (xlsx dates have no zone)


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


_ILLEGAL_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")


class SheetNameError(ValueError):
    pass


def check_sheet_name(name: str) -> str:
    """The name Excel accepts for a sheet, or SheetNameError saying why not."""
    name = name.strip()
    if not name or len(name) > 31:
        raise SheetNameError(_("Nama lembar harus 1 sampai 31 karakter."))
    if _ILLEGAL_SHEET_CHARACTERS.search(name) or name.startswith("'") or name.endswith("'"):
        raise SheetNameError(
            _(
                "Nama lembar tidak boleh memuat [ ] : * ? / \\ dan tidak boleh diawali atau "
                "diakhiri tanda petik '."
            )
        )
    return name


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


# What the branch refuses a registration without, beyond what the registry always holds (NIK,
# name, birth date, sex): the mother's maiden name (with the NIK, how BPJS Ketenagakerjaan
# tells one person from another against Dukcapil), the birth place and an address. A row
# without one comes back refused a month later; the export warns and leaves it out instead.
REQUIRED_FOR_REGISTRATION: tuple[Field, ...] = (Field.MOTHER_NAME, Field.BIRTH_PLACE, Field.ADDRESS)


def missing_for_registration(
    columns: Sequence[Column], *, mother_name: str, birth_place: str, street_address: str
) -> list[Field]:
    """The required fields a member lacks, among those the file's columns write (a mapping
    without a birth-place column asks for no birth place)."""
    written = {column.field for column in columns}
    values = {
        Field.MOTHER_NAME: mother_name,
        Field.BIRTH_PLACE: birth_place,
        Field.ADDRESS: street_address,
    }
    return [
        wanted
        for wanted in REQUIRED_FOR_REGISTRATION
        if wanted in written and not str(values[wanted] or "").strip()
    ]


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


# How often a long file reports how many rows it has written.
PROGRESS_EVERY = 5000


def write_registration(
    rows: Iterable[RegistrationRow],
    columns: Sequence[Column] = DEFAULT_COLUMNS,
    *,
    sheet_name: str = "Pendaftaran",
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The registration file: one bold header row that stays in view with a filter on it, then
    one row per person, in the given order. A whole cycle goes in one file, so XlsxWriter
    writes it row by row (``constant_memory``: one row in memory, text as inline strings).
    `progress(written, total)` hears every PROGRESS_EVERY rows and at the end."""
    plan = [(attrgetter(column.field.value), _converter(column.format)) for column in columns]
    table = [[convert(get(row)) for get, convert in plan] for row in rows]
    headers = [column.header for column in columns]
    output = io.BytesIO()
    workbook = xlsx_workbook(output, {"in_memory": False, "constant_memory": True})
    workbook.set_properties(
        {"title": "Pendaftaran peserta BPU", "author": "Rentan", "created": FIXED_CREATED}
    )
    sheet = workbook.add_worksheet(check_sheet_name(sheet_name))
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "dd\\-mm\\-yyyy"})
    for number, width in enumerate(fitting_widths(headers, table)):
        sheet.set_column(number, number, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(table), len(headers) - 1)
    sheet.write_row(0, 0, headers, bold)
    write, write_string = sheet.write, sheet.write_string
    total = len(table)
    for r, values in enumerate(table, start=1):
        if progress is not None and r % PROGRESS_EVERY == 0:
            progress(r, total)
        for c, value in enumerate(values):
            kind = type(value)
            if kind is str:
                if value:
                    write_string(r, c, value)
            elif kind is date:
                # Excel has no date without a time: a date is the midnight it begins.
                day = datetime(value.year, value.month, value.day)  # noqa: DTZ001
                sheet.write_datetime(r, c, day, date_format)
            elif value is not None:
                write(r, c, value)
    workbook.close()
    if progress is not None:
        progress(total, total)
    return output.getvalue()


def fitting_widths(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, sample: int = 1000
) -> list[float]:
    """Column widths (in characters) that fit the header and the first `sample` rows."""
    widths = [len(header) + 2 for header in headers]
    for row in rows[:sample]:
        for n, value in enumerate(row[: len(widths)]):
            shown = 10 if isinstance(value, date) else len(str(value)) if value is not None else 0
            widths[n] = max(widths[n], shown + 2)
    return [min(max(width, 8), 60) for width in widths]


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
