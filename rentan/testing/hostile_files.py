"""Hostile and broken files, made on demand, for the tests and `bench/bench_hostile.py`.

Each is what a careless or hostile user could upload: a sheet with one far-away cell (calamine
would build a grid of billions of cells), a million formatted empty rows, 20,000 columns, a
huge cell, a zip that unpacks to gigabytes, text in UTF-16 or Shift-JIS, NUL bytes, a cut-off
file, a picture renamed to .xlsx. They are small on disk and quick to make: the sheets are
written as SpreadsheetML straight into a zip (test data, not a writer Rentan uses).
"""

import codecs
import functools
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

HEADER = ["NIK", "Nama", "Tanggal Lahir", "Jenis Kelamin", "Kelurahan", "Jenis Pekerjaan"]
ROW = ["3375014501850001", "Siti Aminah", "05-01-1985", "P", "Medono", "Pedagang"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PARTS = {
    "[Content_Types].xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_PACKAGE}/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE}/relationships">'
        f'<Relationship Id="rId1" Type="{_OFFICE}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_OFFICE}">'
        '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE}/relationships">'
        f'<Relationship Id="rId1" Type="{_OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
}


def _letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(column: int, row: int, value: str) -> str:
    return f'<c r="{_letters(column)}{row}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def _row(row: int, values: Iterable[str]) -> str:
    cells = "".join(_cell(column, row, value) for column, value in enumerate(values, start=1))
    return f'<row r="{row}">{cells}</row>'


def _xlsx(sheet_data: Iterable[str], *, dimension: str = "", level: int = 6) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">'.encode()
            )
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            for piece in sheet_data:
                sheet.write(piece.encode())
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def _table(*extra: str) -> list[str]:
    return [_row(1, HEADER), _row(2, ROW), *extra]


def far_cell_xfd() -> bytes:
    """One value at XFD1048576, the last cell Excel has: calamine asks for ~550 GB."""
    return _xlsx(_table(f'<row r="1048576">{_cell(16384, 1048576, "x")}</row>'))


def far_cell_n() -> bytes:
    """One value at N1048576: within Excel's columns, a grid of 14.7 million cells."""
    return _xlsx(_table(f'<row r="1048576">{_cell(14, 1048576, "x")}</row>'))


def far_cell_z() -> bytes:
    """One value at Z999999: six digits and one letter, under every limit but the grid's."""
    return _xlsx(_table(f'<row r="999999">{_cell(26, 999999, "x")}</row>'))


def declared_far() -> bytes:
    """A sheet that says it spans A1:XFD1048576."""
    return _xlsx(_table(), dimension="A1:XFD1048576")


def million_empty_rows() -> bytes:
    """A million formatted empty rows under the table, the way Excel stores formatting."""
    chunks = (
        "".join(f'<row r="{n}"><c r="A{n}" s="1"/></row>' for n in range(start, start + 100_000))
        for start in range(3, 1_000_003, 100_000)
    )
    return _xlsx([*_table(), *chunks], level=1)


def columns_20000() -> bytes:
    return _xlsx([_row(1, [*HEADER, *(f"k{n}" for n in range(20_000))]), _row(2, ROW)])


def huge_cell_xlsx() -> bytes:
    """A name of five million characters."""
    return _xlsx(_table(_row(3, [ROW[0][:-1] + "2", "A" * 5_000_000, *ROW[2:]])))


# Blocks of b"0" deflated one after another with a full flush: each the same bytes, so a zip
# that unpacks to gigabytes is made without compressing gigabytes.
_BOMB_BLOCK = 1 << 20


@functools.cache
def _zero_blocks() -> tuple[bytes, bytes, bytes]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(b"<sst><si><t>") + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(b"0" * _BOMB_BLOCK) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(b"</t></si></sst>") + compressor.flush(zlib.Z_FINISH)
    return head, block, end


def zip_bomb(gigabytes: int = 2) -> bytes:
    """An .xlsx whose shared strings unpack to `gigabytes` GB of zeros in one cell (a few MB
    on disk). The entry's checksum is left 0: computing it would mean reading the gigabytes,
    and every reader must stop at the size long before it reaches the checksum."""
    head, block, end = _zero_blocks()
    blocks = gigabytes * 1000 * 1000 * 1000 // _BOMB_BLOCK
    body = head + block * blocks + end
    size = len(b"<sst><si><t>") + blocks * _BOMB_BLOCK + len(b"</t></si></sst>")
    parts = [(name, text.encode()) for name, text in _PARTS.items()]
    sheet = _xlsx(_table())
    with zipfile.ZipFile(BytesIO(sheet)) as valid:
        parts.append(("xl/worksheets/sheet1.xml", valid.read("xl/worksheets/sheet1.xml")))
    output = BytesIO()
    central = BytesIO()
    entries = [
        (name.encode(), zlib.crc32(data), zlib.compress(data)[2:-4], len(data))
        for name, data in parts
    ]
    entries.append((b"xl/sharedStrings.xml", 0, body, size))
    for name, crc, compressed, unpacked in entries:
        offset = output.tell()
        fields = (20, 0, 8, 0, 0, crc, len(compressed), unpacked, len(name))
        output.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields, 0) + name + compressed)
        central.write(
            struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0, offset) + name
        )
    directory = central.getvalue()
    output.write(directory)
    count = len(entries)
    start = output.tell() - len(directory)
    output.write(
        struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), start, 0)
    )
    return output.getvalue()


def lying_zip() -> bytes:
    """A sheet of ten million characters whose zip entry says it holds a thousand bytes: a
    reader trusting the stated size would unpack far more than it planned for."""
    real = _xlsx([*_table(), _row(3, ["B" * 10_000_000])])
    with zipfile.ZipFile(BytesIO(real)) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        size, offset = info.file_size, info.header_offset
    data = bytearray(real)
    stated = struct.pack("<L", 1000)
    # The uncompressed size in the local header (offset 22) and in the central directory.
    data[offset + 22 : offset + 26] = stated
    central = data.find(b"PK\x01\x02")
    while central != -1:
        if struct.unpack_from("<L", data, central + 42)[0] == offset:
            data[central + 24 : central + 28] = stated
        central = data.find(b"PK\x01\x02", central + 4)
    if size <= 1000:
        raise ValueError("a zip bomb states more than it holds")
    return bytes(data)


def truncated_xlsx() -> bytes:
    whole = _xlsx([*_table(), *(_row(n, ROW) for n in range(3, 200))])
    return whole[: len(whole) // 2]


def png_as_xlsx() -> bytes:
    """The start of a PNG picture: signature, header chunk, some data."""
    header = struct.pack(">2L5B", 64, 64, 8, 6, 0, 0, 0)
    chunk = b"IHDR" + header
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">L", len(header))
        + chunk
        + struct.pack(">L", zlib.crc32(chunk))
        + bytes(range(256)) * 8
    )


_ODS_NAMESPACES = " ".join(
    f'xmlns:{prefix}="urn:oasis:names:tc:opendocument:xmlns:{name}:1.0"'
    for prefix, name in (("office", "office"), ("table", "table"), ("text", "text"))
)


ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
    'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
    'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
    'manifest:media-type="text/xml"/></manifest:manifest>'
)


def repeated_ods() -> bytes:
    """An OpenDocument sheet of a few hundred bytes whose one cell is repeated over 16,384
    columns and 1,048,576 rows."""
    cell = (
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="string">'
        "<text:p>x</text:p></table:table-cell>"
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NAMESPACES}>'
        '<office:body><office:spreadsheet><table:table table:name="Data">'
        f'<table:table-row table:number-rows-repeated="1048576">{cell}</table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def _csv(rows: Iterable[Iterable[str]]) -> str:
    return "".join(";".join(row) + "\r\n" for row in rows)


def utf16_csv() -> bytes:
    """What Excel's "Unicode Text" gives: UTF-16 with a byte-order mark."""
    return codecs.BOM_UTF16_LE + _csv([HEADER, ROW]).encode("utf-16-le")


def utf16_no_bom_csv() -> bytes:
    return _csv([HEADER, ROW]).encode("utf-16-le")


def shift_jis_csv() -> bytes:
    return _csv([HEADER, [ROW[0], "山田太郎", *ROW[2:]]]).encode("shift_jis")


def nul_csv() -> bytes:
    """A NUL byte inside a name, and one in the header of an extra column."""
    return _csv([[*HEADER, "Catatan\x00"], [ROW[0], "Siti\x00Aminah", *ROW[2:], "-"]]).encode()


def huge_cell_csv() -> bytes:
    """A cell of 200,000 characters: over the csv module's field limit."""
    return _csv([HEADER, ROW, [ROW[0], "A" * 200_000, *ROW[2:]]]).encode()


# name -> maker; the name's suffix is the one the file is uploaded with.
FILES: dict[str, Callable[[], bytes]] = {
    "sel-jauh-XFD1048576.xlsx": far_cell_xfd,
    "sel-jauh-N1048576.xlsx": far_cell_n,
    "sel-jauh-Z999999.xlsx": far_cell_z,
    "ukuran-tercatat-XFD1048576.xlsx": declared_far,
    "sejuta-baris-kosong.xlsx": million_empty_rows,
    "20000-kolom.xlsx": columns_20000,
    "sel-raksasa.xlsx": huge_cell_xlsx,
    "bom-zip-2GB.xlsx": zip_bomb,
    "ukuran-zip-palsu.xlsx": lying_zip,
    "terpotong.xlsx": truncated_xlsx,
    "gambar.png.xlsx": png_as_xlsx,
    "sel-berulang.ods": repeated_ods,
    "utf16.csv": utf16_csv,
    "utf16-tanpa-bom.csv": utf16_no_bom_csv,
    "shift-jis.csv": shift_jis_csv,
    "nul.csv": nul_csv,
    "sel-raksasa.csv": huge_cell_csv,
}


@functools.cache
def build(name: str) -> bytes:
    return FILES[name]()


def write(directory: Path, name: str) -> Path:
    path = directory / name
    path.write_bytes(build(name))
    return path
