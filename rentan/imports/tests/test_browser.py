"""End to end in Debian's Chromium: an operator imports a file with mistakes, fixes them in
the error file Rentan gives back, and finds the people in the list."""

import openpyxl
import pytest

from rentan.imports.tests.browser_steps import download_error_file, upload_for_review
from rentan.imports.tests.files import write_xlsx
from rentan.registry.models import Person
from rentan.testing.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_fixes_an_import_through_the_error_file(page, operator_user, import_media):
    path = write_xlsx(
        import_media / "medono.xlsx",
        [
            ["NIK", "Nama", "Tgl Lahir", "L/P", "Kelurahan", "Pekerjaan", "No HP"],
            [
                "3375014501850001",
                "SITI AMINAH",
                "05-01-1985",
                "P",
                "Medono",
                "Buruh batik",
                "0812 3456 7890",
            ],
            [3375011205750002, "Budi Santoso", "12 Mei 1975", "L", "Medono", "Buruh batik", ""],
            ["3375011205750003", "Joko Susilo", "12/05/75", "L", "Medonno", "Buruh batik", ""],
        ],
    )
    sign_in(page, operator_user.username)
    upload_for_review(page, path)

    errors = page.get_by_test_id("error-table")
    errors.wait_for()
    text = errors.inner_text()
    assert "NIK terbaca sebagai angka" in text
    assert "Mungkin maksudnya \u201cMedono\u201d" in text
    assert page.get_by_test_id("ready").inner_text() == "1"

    error_file = download_error_file(page, import_media / "kesalahan.xlsx")
    workbook = openpyxl.load_workbook(error_file)
    sheet = workbook.active
    assert sheet["H1"].value == "Keterangan Kesalahan"
    assert sheet["H2"].value is None
    assert "NIK" in sheet["H3"].value
    sheet["A3"] = "3375011205750002"
    sheet["E4"] = "Medono"
    fixed = import_media / "medono-perbaikan.xlsx"
    workbook.save(fixed)
    assert not Person.objects.exists()

    upload_for_review(page, fixed)
    assert page.get_by_test_id("ready").inner_text() == "3"
    assert page.get_by_test_id("errors").inner_text() == "0"
    page.get_by_role("button", name="Simpan baris yang siap").click()
    assert page.get_by_test_id("created").inner_text() == "3"

    page.get_by_role("link", name="Pekerja").click()
    table = page.get_by_test_id("person-table")
    table.wait_for()
    listed = table.inner_text()
    for name in ("Siti Aminah", "Budi Santoso", "Joko Susilo"):
        assert name in listed
    assert "3375011205750002" not in page.content()
