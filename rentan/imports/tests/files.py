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
