"""Opening files people upload without letting a hostile or broken one hurt the server.

Every reader of an uploaded table (kelurahan imports, the BPJS reply and bill, exclusion lists,
`rentan dedup_file`) goes through this module, so the limits live in one place:

- the size of the upload (checked by the forms, before anything is stored);
- for .xlsx/.xlsm/.ods (zip files): the number of entries and their size once unpacked, read
  from the zip's central directory, then every entry unpacked once in blocks (a zip whose
  central directory lies about its sizes fails its checksum here) while the sheet XML is
  scanned for the cells it really uses. calamine builds a grid as wide and as tall as the
  farthest cell with a value: one cell at XFD1048576 asks it for ~550 GB, so a sheet that
  reaches beyond the row or column limit, or whose grid would hold over two million cells and
  ten times more than its cells with a value, is refused before calamine sees it;
- after calamine has read a sheet (.xls and anything the scan let through), its height and
  width again, before the cells become Python objects;
- for text (.csv, .txt): the encoding (see `text_encoding` for the rule), cells longer than
  the csv module's field limit, and control characters, which the readers report per row and
  column.

Messages are Indonesian and name the limit. Limits come from settings (`limits_for`).
"""

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from django.conf import settings
from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rentan.core.formatting import format_number

Source = Path | bytes


class Refusal(TextChoices):
    TOO_LARGE = "too_large", gettext_lazy("Berkas terlalu besar")
    UNREADABLE = "unreadable", gettext_lazy("Berkas tidak dapat dibaca")
    UNPACKED_TOO_LARGE = "unpacked_too_large", gettext_lazy("Isi berkas terlalu besar")
    SHEET_TOO_LARGE = "sheet_too_large", gettext_lazy("Lembar kerja terlalu luas")
    ENCODING = "encoding", gettext_lazy("Pengodean teks tidak didukung")
    NOT_TEXT = "not_text", gettext_lazy("Bukan berkas teks")
    CELL_TOO_LONG = "cell_too_long", gettext_lazy("Isi sel terlalu panjang")


class FileRefused(ValueError):
    """The file was not read; ``str(error)`` is the Indonesian sentence naming the limit."""

    def __init__(self, refusal: Refusal, detail: str) -> None:
        super().__init__(refusal, detail)
        self.refusal = refusal
        self.detail = detail

    def __str__(self) -> str:
        return self.detail


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_columns: int
    max_unpacked_bytes: int
    max_entries: int


def limits_for(kind: str) -> Limits:
    """Limits for "import" (kelurahan files, dedup_file), "bpjs" (reply and bill),
    "exclusion" (lists of NIKs) or "desil" (DTSEN desil lists)."""
    max_bytes = {
        "import": settings.RENTAN_UPLOAD_MAX_BYTES,
        "bpjs": settings.RENTAN_BPJS_UPLOAD_MAX_BYTES,
        "exclusion": settings.RENTAN_UPLOAD_MAX_BYTES,
        "desil": settings.RENTAN_UPLOAD_MAX_BYTES,
    }[kind]
    return Limits(
        max_bytes=max_bytes,
        max_rows=settings.RENTAN_SHEET_MAX_ROWS,
        max_columns=settings.RENTAN_SHEET_MAX_COLUMNS,
        max_unpacked_bytes=settings.RENTAN_SHEET_MAX_UNPACKED_BYTES,
        max_entries=settings.RENTAN_SHEET_MAX_ENTRIES,
    )


def format_size(size: int) -> str:
    """60,2 MB; 512 KB; 20 MB (decimal units, the way file browsers show them)."""
    if size >= 1_000_000_000:
        value, unit = size / 1_000_000_000, "GB"
    elif size >= 1_000_000:
        value, unit = size / 1_000_000, "MB"
    elif size >= 1_000:
        value, unit = size / 1_000, "KB"
    else:
        return f"{size} byte"
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')} {unit}"


def check_size(size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise FileRefused(
            Refusal.TOO_LARGE,
            _("Berkas terlalu besar: %(size)s; batas %(limit)s.")
            % {"size": format_size(size), "limit": format_size(limits.max_bytes)},
        )


def checked_upload(upload: Any, kind: str) -> Any:
    """For a form's clean_file: the upload, or its size refused with the limit named."""
    from django import forms

    try:
        check_size(upload.size, limits_for(kind))
    except FileRefused as refused:
        raise forms.ValidationError(str(refused)) from refused
    return upload


# --------------------------------------------------------------------------- spreadsheets


def column_letters(number: int) -> str:
    """1 -> A, 200 -> GR, 16384 -> XFD."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: bytes | str) -> int:
    number = 0
    for char in letters if isinstance(letters, str) else letters.decode("ascii"):
        number = number * 26 + ord(char) - 64
    return number


@dataclass
class _Extent:
    rows: int = 0
    columns: int = 0
    # Cells written, to tell a table from a sheet
    # whose only far cell stretches calamine's grid over millions of empty ones.
    values: int = 0
    # An `_x0001_`-style escape: a control character inside a cell of a zip spreadsheet.
    has_control: bool = False

    def take(self, row: int, column: int) -> None:
        self.rows = max(self.rows, row)
        self.columns = max(self.columns, column)


_BLOCK = 1 << 20
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*\d*:?([A-Z]*)(\d*)"')
# Tab, line feed and carriage return (_x0009_, _x000A_, _x000D_) are ordinary in cells.
_ESCAPED_CONTROL = re.compile(rb"_x00(?:0[0-8BCEFbcef]|1[0-9A-Fa-f]|7[Ff])_")


# Every letter as A and every digit as 9: a cell reference of many letters or digits becomes
# one fixed string that bytes.find finds at memory speed.
_SHAPES = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", b"A" * 26 + b"9" * 10)
# Elements starting with "<c" or "<row" that are not cells or rows (cols, cfRule, customPr,
# cellWatches, rowBreaks...).
_OTHER_C = (b"<co", b"<cf", b"<cu", b"<ce")


class _FastScan:
    """Finds how far the cells of one XML part reach, fast for the usual file: Excel,
    LibreOffice, openpyxl and XlsxWriter write every row and cell with `r` as their first
    attribute and without a namespace prefix. A part written any other way is walked element
    by element (`_Walk`).

    With every letter as A and every digit as 9 (`_SHAPES`), bytes.find tells at memory speed
    how many digits the longest row number of a cell reference has, and whether a column of
    two letters or more appears; only the blocks holding such a reference are read with
    regular expressions. Columns come out exact; rows exact from the row limit's number of
    digits on, else bounded (99,999 for five digits): `_exact` settles a bound that alone
    would refuse the sheet."""

    def __init__(self, limits: Limits) -> None:
        self.extent = _Extent()  # exact: the far references and the cells with a value
        self.digits = 0  # of the longest row number in a cell reference
        self.cells = 0  # cell elements written, empty ones too
        self.letter = 0  # the farthest column of one letter
        letters = len(column_letters(limits.max_columns))
        self.tall_digits = len(str(limits.max_rows))
        self.wide_shape = b' r="' + b"A" * letters
        self.wide = re.compile(rb'<c r="([A-Z]{%d,})(\d+)"' % letters)
        self.tall_cell = re.compile(rb'<c r="([A-Z]+)(\d{%d,})"' % self.tall_digits)

    def feed(self, block: bytes) -> bool:
        """False when the block holds an element this scan cannot place."""
        count = block.count
        cells = count(b'<c r="')
        if count(b"<c") != cells and count(b"<c") != cells + sum(map(count, _OTHER_C)):
            return False
        rows = count(b'<row r="')
        if count(b"<row") != rows and count(b"<row") != rows + count(b"<rowBreaks"):
            return False
        if _PREFIXED.search(block):
            return False
        self.cells += cells
        self.extent.values += count(b"</c>")
        shapes = block.translate(_SHAPES)
        take = self.extent.take
        if self.wide_shape in shapes:
            for letters, row in self.wide.findall(block):
                take(int(row), column_number(letters))
        # The last single-letter column: looked for from the letter after the last found.
        while self.letter < 26:
            later = re.search(rb'<c r="[%c-Z]' % (65 + self.letter), block)
            if later is None:
                break
            self.letter = column_number(block[later.end() - 1 : later.end()])
        # A letter then k digits or more: a reference to row 10**(k-1) or beyond (or text
        # that looks like one, which only loosens the bound).
        while self.digits < self.tall_digits and b"A" + b"9" * (self.digits + 1) in shapes:
            self.digits += 1
        if self.digits == self.tall_digits and b"A" + b"9" * self.digits in shapes:
            for letters, row in self.tall_cell.findall(block):
                take(int(row), column_number(letters))
        return True

    def bound(self) -> _Extent:
        rows = self.extent.rows
        if self.digits < self.tall_digits:
            rows = max(rows, 10**self.digits - 1)
        return _Extent(rows, max(self.extent.columns, self.letter), self.extent.values)

    def is_exact(self) -> bool:
        return self.bound() == _Extent(self.extent.rows, self.extent.columns, self.extent.values)


def _blocks(handle: IO[bytes]) -> Iterator[bytes]:
    """The part in blocks of about _BLOCK bytes, each ending before a "<": no element is cut
    in two."""
    carry = b""
    for block in iter(lambda: handle.read(_BLOCK), b""):
        data = carry + block
        cut = data.rfind(b"<")
        cut = len(data) if cut <= 0 else cut
        if len(data) - cut > _BLOCK:
            raise ValueError("element too long")
        yield data[:cut]
        carry = data[cut:]
    if carry:
        yield carry


def _exact(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, fast: _FastScan) -> _Extent:
    """The exact reach of a part whose rows the fast scan only bounded: the farthest among
    the references with the longest row numbers."""
    rows = fast.extent.rows
    rows_of = re.compile(rb'<c r="[A-Z]+(\d{%d})"' % max(fast.digits, 1))
    with archive.open(entry) as handle:
        for data in _blocks(handle):
            rows = max(rows, max(map(int, rows_of.findall(data)), default=0))
    return _Extent(rows, max(fast.extent.columns, fast.letter), fast.extent.values)


# A prefixed row or cell (calamine matches elements by their local name).
_PREFIXED = re.compile(rb":(?:c|row|table-row|table-cell)[\s>/]")
_TOKEN = re.compile(
    rb"<(?:\w+:)?(row|c|table-row|table-cell|covered-table-cell)(?=[\s>/])"
    rb'(?:\s+r="([A-Z]*)(\d*)")?([^>]*)>'
)
_REF = re.compile(rb'\br="([A-Z]*)(\d*)"')
_REPEAT = re.compile(rb'number-(?:rows|columns)-repeated="(\d{1,12})"')


class _Walk:
    """Places every row and cell as calamine does: a row without `r` follows the previous
    one, a cell without `r` the previous cell; OpenDocument rows and cells count their
    `number-*-repeated`. An empty OpenDocument cell (self-closing, the way LibreOffice pads
    a sheet) takes no room; an empty .xlsx cell (formatted, no value) counts for the reach as
    in the fast scan, not as a value. Fed whole elements, block by block (`_blocks`)."""

    def __init__(self) -> None:
        self.extent = _Extent()
        self.row = 0  # the current row, from 1
        self.row_repeat = 1
        self.column = 0

    def feed(self, data: bytes) -> None:
        extent = self.extent
        for name, letters, digits, attributes in _TOKEN.findall(data):
            if not letters and not digits:
                found = _REF.search(attributes)
                letters, digits = found.groups() if found else (b"", b"")
            repeat = 1
            if b"repeated" in attributes:
                found = _REPEAT.search(attributes)
                repeat = max(int(found.group(1)), 1) if found else 1
            if name == b"row" or name == b"table-row":
                self.row = int(digits) if digits else self.row + self.row_repeat
                self.row_repeat = repeat
                self.column = 0
                continue
            if letters:
                self.column = column_number(letters)
                if digits:
                    self.row = int(digits)
            else:
                self.column += 1
            self.column += repeat - 1
            is_empty = attributes.endswith(b"/")
            if not is_empty:
                extent.values += 1
            if not is_empty or name == b"c":
                extent.take(max(self.row, 1) + self.row_repeat - 1, self.column)


# calamine's grid for this many cells takes ~64 MB: a sheet up to it is never "too sparse".
_SPARSE_FROM_CELLS = 2_000_000
_REPEATED_FROM_CELLS = 100_000
# A grid this many times larger than its cells with a value is a few stray far cells.
_SPARSE_RATIO = 10


def _too_wide_or_tall(
    extent: _Extent,
    limits: Limits,
    what: str,
    *,
    count_values: bool = True,
    sparse_from: int = _SPARSE_FROM_CELLS,
) -> None:
    if extent.rows > limits.max_rows or extent.columns > limits.max_columns:
        raise FileRefused(
            Refusal.SHEET_TOO_LARGE,
            _(
                "Lembar kerja terlalu luas: %(what)s sampai baris %(rows)s dan kolom %(col)s "
                "(%(columns)s kolom); batas %(max_rows)s baris dan %(max_columns)s kolom. "
                "Hapus baris dan kolom kosong di luar tabel data, simpan, lalu unggah lagi."
            )
            % {
                "what": what,
                "rows": format_number(extent.rows),
                "col": column_letters(extent.columns) or "A",
                "columns": format_number(extent.columns),
                "max_rows": format_number(limits.max_rows),
                "max_columns": format_number(limits.max_columns),
            },
        )
    grid = extent.rows * extent.columns
    if count_values and grid > sparse_from and extent.values * _SPARSE_RATIO < grid:
        raise FileRefused(
            Refusal.SHEET_TOO_LARGE,
            _(
                "Lembar kerja hampir kosong tetapi sangat luas: terpakai sampai baris %(rows)s "
                "kolom %(col)s (sel kosong yang diformat ikut terhitung), padahal hanya "
                "%(values)s sel yang berisi. Hapus baris dan kolom di luar tabel data (Ctrl+End "
                "menunjukkan sel terjauh), simpan, lalu unggah lagi."
            )
            % {
                "rows": format_number(extent.rows),
                "col": column_letters(extent.columns) or "A",
                "values": format_number(extent.values),
            },
        )


def _unreadable(name: str, why: object = "") -> FileRefused:
    detail = _(
        "Berkas %(name)s tidak dapat dibaca: bukan lembar kerja yang utuh (rusak, terpotong "
        "saat diunduh, atau berkas lain yang diberi akhiran lembar kerja)."
    ) % {"name": name}
    if why:
        detail = f"{detail} ({why})"
    return FileRefused(Refusal.UNREADABLE, detail)


def _scan_part(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, declared: _Extent, limits: Limits
) -> _Extent:
    """How far the cells of one part reach, reading it in blocks."""
    fast = _FastScan(limits)
    has_control = is_fast = False
    with archive.open(entry) as handle:
        for index, data in enumerate(_blocks(handle)):
            if index == 0:
                dimension = _DIMENSION.search(data[:4096])
                if dimension and dimension.group(1):
                    row = int(dimension.group(2) or 0)
                    declared.take(row, column_number(dimension.group(1)))
            has_control = has_control or bool(_ESCAPED_CONTROL.search(data))
            if not fast.feed(data):
                break
        else:
            is_fast = True
    if is_fast:
        extent = fast.bound()
        if not fast.is_exact() and _is_refused(extent, limits):
            extent = _exact(archive, entry, fast)
        extent.has_control = has_control
        return extent
    # Written another way (OpenDocument, prefixed elements, cells without `r`): walk the
    # whole part again from its start.
    walk = _Walk()
    with archive.open(entry) as handle:
        for data in _blocks(handle):
            has_control = has_control or bool(_ESCAPED_CONTROL.search(data))
            walk.feed(data)
            if walk.extent.rows > limits.max_rows or walk.extent.columns > limits.max_columns:
                break
    walk.extent.has_control = has_control
    # A repeated cell or row (OpenDocument) is one element for many cells: a few hundred
    # bytes can ask calamine for a million rows. Such a grid counts as sparse sooner.
    _too_wide_or_tall(walk.extent, limits, _("sel terisi"), sparse_from=_REPEATED_FROM_CELLS)
    return walk.extent


def _is_refused(extent: _Extent, limits: Limits) -> bool:
    try:
        _too_wide_or_tall(extent, limits, "")
    except FileRefused:
        return True
    return False


# What a damaged zip raises on the way (an encrypted part: RuntimeError; a broken deflate
# stream: zlib.error; an unknown compression: NotImplementedError).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    OSError,
    ValueError,
    EOFError,
    NotImplementedError,
    RuntimeError,
)


def check_workbook(source: Source, *, name: str, limits: Limits) -> bool:
    """Refuse a zip spreadsheet (.xlsx, .xlsm, .ods) that is damaged, unpacks to more than the
    limit, or has a sheet reaching beyond the row or column limit; nothing is kept in memory
    beyond one block. Returns whether some cell holds an escaped control character."""
    try:
        archive = zipfile.ZipFile(source if isinstance(source, Path) else io.BytesIO(source))
    except _ZIP_ERRORS as error:
        raise _unreadable(name) from error
    with archive:
        entries = archive.infolist()
        if len(entries) > limits.max_entries:
            raise FileRefused(
                Refusal.UNPACKED_TOO_LARGE,
                _("Berkas %(name)s berisi %(n)s bagian; batas %(limit)s.")
                % {
                    "name": name,
                    "n": format_number(len(entries)),
                    "limit": format_number(limits.max_entries),
                },
            )
        unpacked = sum(entry.file_size for entry in entries)
        if unpacked > limits.max_unpacked_bytes:
            raise FileRefused(
                Refusal.UNPACKED_TOO_LARGE,
                _("Isi berkas %(name)s terlalu besar setelah dibuka: %(size)s; batas %(limit)s.")
                % {
                    "name": name,
                    "size": format_size(unpacked),
                    "limit": format_size(limits.max_unpacked_bytes),
                },
            )
        has_control = False
        declared = _Extent()
        try:
            for entry in entries:
                if entry.is_dir():
                    continue
                # Every part is unpacked (a part calamine reads whole, such as the shared
                # strings, is bounded only if its stated size is true) and scanned: the
                # workbook's relationships may point a sheet at any name.
                extent = _scan_part(archive, entry, declared, limits)
                _too_wide_or_tall(extent, limits, _("sel terisi"))
                has_control = has_control or extent.has_control
        except FileRefused:
            raise
        except _ZIP_ERRORS as error:
            raise _unreadable(name, error) from error
        _too_wide_or_tall(
            declared, limits, _("ukuran yang tercatat di lembar kerja"), count_values=False
        )
    return has_control


def read_sheet(
    source: Source, *, name: str, limits: Limits, sheet: str | None = None
) -> tuple[list[list[Any]], bool]:
    """The cells of one sheet (`sheet`, else the first) as calamine gives them, leading
    empty rows kept so numbers match Excel's, and whether a cell may hold a control character
    (then the caller looks at each cell; otherwise no cell needs looking at)."""
    from python_calamine import CalamineWorkbook

    with _open_binary(source) as handle:
        is_zip = handle.read(4) == b"PK\x03\x04"
    # Judged by content, not by name: calamine too opens any zip as .xlsx or .ods. An .xls
    # (BIFF) holds at most 65,536 x 256 cells by its format, which calamine can hold; its
    # height and width are checked below, before any Python object is made.
    may_have_control = check_workbook(source, name=name, limits=limits) if is_zip else True
    try:
        if isinstance(source, Path):
            workbook = CalamineWorkbook.from_path(str(source))
        else:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(source))
        names = workbook.sheet_names
        if not names:
            raise _unreadable(name)
        chosen = sheet if sheet in names else names[0]
        loaded = workbook.get_sheet_by_name(chosen)
        extent = _Extent(rows=loaded.height, columns=loaded.width)
        _too_wide_or_tall(extent, limits, _("sel terisi"), count_values=False)
        rows = loaded.to_python(skip_empty_area=False)
    except FileRefused:
        raise
    except Exception as error:  # calamine raises its own error types for each format
        raise _unreadable(name, error) from error
    return cast(list[list[Any]], rows), may_have_control


# --------------------------------------------------------------------------- text

# C0 controls but tab, line feed and carriage return; DEL; C1 controls. Excel and LibreOffice
# never write them into a cell's text, so one in a cell is damage, not data.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_C0 = re.compile(b"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# The escape OOXML uses for the same characters inside a cell.
_ESCAPE = re.compile("_x00(?:0[0-8BCEFbcef]|1[0-9A-Fa-f]|7[Ff])_")
_SAMPLE = 64 * 1024
_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)

# Two non-ASCII characters in a row: what a multi-byte encoding (Shift-JIS, GBK, Big5,
# EUC-KR) looks like when decoded as Windows-1252; Indonesian text in Windows-1252 has at
# most an accented letter or a typographic quote between plain letters.
_NON_ASCII_RUN = re.compile("[^\x00-\x7f]{2}")
_SIGNATURES = (
    (b"PK\x03\x04", gettext_lazy("lembar kerja atau arsip zip")),
    (b"\xd0\xcf\x11\xe0", gettext_lazy("lembar kerja Excel lama (.xls)")),
    (b"\x89PNG", gettext_lazy("gambar PNG")),
    (b"\xff\xd8\xff", gettext_lazy("gambar JPEG")),
    (b"%PDF", "PDF"),
)


@dataclass(frozen=True)
class TextEncoding:
    codec: str
    # Whether a control character appears anywhere; when not, no cell needs looking at.
    has_control: bool


def _open_binary(source: Source) -> IO[bytes]:
    return source.open("rb") if isinstance(source, Path) else io.BytesIO(source)


def _refuse_encoding(name: str, encoding: str) -> FileRefused:
    return FileRefused(
        Refusal.ENCODING,
        _(
            "Berkas %(name)s berkode %(encoding)s; simpan ulang sebagai CSV UTF-8 (di Excel: "
            "Simpan Sebagai > CSV UTF-8) lalu unggah lagi."
        )
        % {"name": name, "encoding": encoding},
    )


def text_encoding(source: Source, *, name: str) -> TextEncoding:
    """The codec to read a text file with, or a refusal naming what the file is.

    The rule: UTF-8 (with or without a byte-order mark) when the whole file decodes as UTF-8;
    else Windows-1252 (Excel on Windows saves "CSV" in the ANSI code page) when every byte is
    defined in it and no two non-ASCII characters stand together; else refused, naming the
    encoding guessed. UTF-16 and UTF-32 (byte-order mark, or NUL bytes between the letters),
    a known binary signature and other binary data (many control bytes) are refused too.
    """
    with _open_binary(source) as handle:
        head = handle.read(_SAMPLE)
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            raise _refuse_encoding(name, encoding)
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            raise FileRefused(
                Refusal.NOT_TEXT,
                _("Berkas %(name)s adalah %(what)s, bukan berkas teks CSV.")
                % {"name": name, "what": what},
            )
    if head:
        nuls = head.count(0)
        if nuls * 4 >= len(head):
            # Every other byte NUL: UTF-16 without a byte-order mark (every fourth: UTF-32).
            raise _refuse_encoding(name, "UTF-32" if nuls * 4 >= len(head) * 3 else "UTF-16")
        controls = len(_C0.findall(head))
        if controls * 20 > len(head):
            raise FileRefused(
                Refusal.NOT_TEXT,
                _("Berkas %(name)s bukan berkas teks CSV (isinya data biner).") % {"name": name},
            )
    decoder = codecs.getincrementaldecoder("utf-8")()
    has_control = False
    try:
        with _open_binary(source) as handle:
            for block in iter(lambda: handle.read(_BLOCK), b""):
                has_control = has_control or bool(CONTROL.search(decoder.decode(block)))
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        pass
    else:
        return TextEncoding("utf-8-sig", has_control)
    has_control = False
    windows = codecs.getincrementaldecoder("cp1252")()
    last = ""
    try:
        with _open_binary(source) as handle:
            for block in iter(lambda: handle.read(_BLOCK), b""):
                text = last + windows.decode(block)
                if _NON_ASCII_RUN.search(text):
                    raise UnicodeDecodeError("cp1252", b"", 0, 1, "multi-byte text")
                has_control = has_control or bool(CONTROL.search(text))
                last = text[-1:]
    except UnicodeDecodeError:
        raise _refuse_encoding(name, _guess(source)) from None
    return TextEncoding("cp1252", has_control)


def read_text(content: bytes, *, name: str, limits: Limits) -> str:
    """A small uploaded text file (a list of NIKs) decoded by the rule of `text_encoding`,
    its control characters shown as U+FFFD so that each line holding one is refused by the
    caller's own row check, naming its row."""
    check_size(len(content), limits)
    encoding = text_encoding(content, name=name)
    text = content.decode(encoding.codec)
    return printable(text) if encoding.has_control else text


def _guess(source: Source) -> str:
    with _open_binary(source) as handle:
        head = handle.read(_SAMPLE)
    for codec, label in (("shift_jis", "Shift-JIS"), ("gbk", "GBK"), ("big5", "Big5")):
        try:
            head.decode(codec)
        except UnicodeDecodeError:
            continue
        return _("%(label)s (dugaan)") % {"label": label}
    return _("selain UTF-8 dan Windows-1252")


def control_columns(cells: list[Any]) -> tuple[int, ...]:
    """The indexes of cells holding a control character."""
    return tuple(
        index
        for index, cell in enumerate(cells)
        if type(cell) is str and (CONTROL.search(cell) or _ESCAPE.search(cell))
    )


def printable(value: str) -> str:
    """A cell with its control characters shown as U+FFFD, for an error list or file (the row
    itself is refused): PostgreSQL stores no NUL in text, and a control character cannot be
    written into an .xlsx."""
    return CONTROL.sub("\ufffd", value)


def csv_delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines()[:20] if line.strip()]
    semicolons = sum(line.count(";") for line in lines)
    commas = sum(line.count(",") for line in lines)
    tabs = sum(line.count("\t") for line in lines)
    return max((semicolons, ";"), (commas, ","), (tabs, "\t"))[1]


def csv_records(
    handle: IO[str], *, name: str, delimiter: str | None = None
) -> Iterator[tuple[int, list[str]]]:
    """(row number from 1, cells) of a CSV opened as text with newline="". A cell longer
    than the csv module's field limit (128 KB unless the process set another; it is one
    setting for the whole process, so it is left alone) ends the reading with the row named."""
    if delimiter is None:
        delimiter = csv_delimiter(handle.read(20000))
        handle.seek(0)
    reader = csv.reader(handle, delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells
    except csv.Error as error:
        raise FileRefused(
            Refusal.CELL_TOO_LONG if "field larger" in str(error) else Refusal.UNREADABLE,
            _(
                "Berkas %(name)s, baris %(row)s: isi satu sel lebih dari %(limit)s karakter "
                "(atau tanda kutip tidak ditutup); berkas tidak dibaca."
            )
            % {
                "name": name,
                "row": format_number(number + 1),
                "limit": format_number(csv.field_size_limit()),
            },
        ) from error
