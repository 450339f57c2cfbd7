"""Reading back the documents Rentan makes, as a person would see them."""

import subprocess


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
