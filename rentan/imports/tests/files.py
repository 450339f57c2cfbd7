"""Real files for the import tests, written the way kelurahan staff's tools write them."""

from collections.abc import Sequence
from pathlib import Path

import openpyxl

HEADER = [
    "No.",
    "No. KTP",
    "No KK",
    "NAMA LENGKAP",
    "Tempat Lahir",
    "Tgl Lahir",
    "L/P",
    "Alamat",
    "RT/RW",
    "Kelurahan",
    "No. HP",
    "Pekerjaan",
]


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], *, preamble: int = 0) -> Path:
    """An .xlsx written by openpyxl: Python ints and floats become Excel numbers, as when a
    NIK is typed into a General-formatted cell."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for index in range(preamble):
        sheet.append(["DATA PEKERJA INFORMAL RENTAN"] if index == 0 else [])
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def write_csv(
    path: Path,
    rows: Sequence[Sequence[object]],
    *,
    delimiter: str = ";",
    encoding: str = "cp1252",
    bom: bool = False,
) -> Path:
    lines = [delimiter.join("" if c is None else str(c) for c in row) for row in rows]
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path


def write_ods(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """A minimal OpenDocument spreadsheet (what LibreOffice Calc saves), strings only."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(value: object) -> str:
        if value in (None, ""):
            return "<table:table-cell/>"
        text = escape(str(value))
        return (
            f'<table:table-cell office:value-type="string"><text:p>{text}</text:p>'
            "</table:table-cell>"
        )

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        "<office:document-content "
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Data">{body}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path
