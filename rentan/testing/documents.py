"""Reading back the documents Rentan makes, as a person would see them."""

import io
import subprocess

import openpyxl


def pdf_text(content: bytes) -> str:
    """The text of a PDF laid out as printed (poppler's pdftotext, a Debian package)."""
    if not content.startswith(b"%PDF"):
        raise ValueError("not a PDF")
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode()


def pdf_pages(content: bytes) -> int:
    """How many pages a PDF has (poppler's pdfinfo)."""
    info = subprocess.run(
        ["pdfinfo", "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    (pages,) = [line.split(":", 1)[1] for line in info.splitlines() if line.startswith("Pages:")]
    return int(pages)


def workbook_text(content: bytes) -> str:
    """Every value of every sheet of an .xlsx, one a line, to search for what it must not hold."""
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
