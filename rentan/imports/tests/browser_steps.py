"""The import page's steps, as the operator takes them in the browser tests."""

from pathlib import Path
from typing import Any


def upload_for_review(page: Any, path: Path) -> None:
    """Open Impor Data from the menu, upload the file and ask for its review."""
    page.get_by_role("link", name="Impor Data", exact=True).click()
    page.get_by_label("Berkas (.xlsx, .xls, .ods, .csv)").set_input_files(str(path))
    page.get_by_role("button", name="Unggah dan periksa").click()


def download_error_file(page: Any, to: Path) -> Path:
    """Save the review's error file where the test reads it."""
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh berkas kesalahan").click()
    download.value.save_as(to)
    return to
