"""End to end in Debian's Chromium, on a phone: an operator imports a file with mistakes,
keeps the good rows, fixes the others in the error file Rentan gives back, uploads it and
finds the people in the list."""

from datetime import datetime

import openpyxl
import pytest

from rentan.imports.tests.browser_steps import download_error_file, upload_for_review
from rentan.imports.tests.files import write_xlsx
from rentan.registry.models import Person
from rentan.testing.browser import keep_screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_fixes_an_import_through_the_error_file(
    page, browser, live_server, operator_user, import_media
):
    path = write_xlsx(
        import_media / "medono.xlsx",
        [
            ["NIK", "Nama", "Tgl Lahir", "L/P", "Nama Ibu Kandung", "Kelurahan", "Pekerjaan"],
            [
                "3375014501850001",
                "SITI AMINAH",
                "05-01-1985",
                "P",
                "Khotijah",
                "Medono",
                "Buruh batik",
            ],
            [
                3375011205750002,
                "Budi Santoso",
                "12 Mei 1975",
                "L",
                "Tumini",
                "Medono",
                "Buruh batik",
            ],
            [
                "3375011205750003",
                "Joko Susilo",
                "12/05/75",
                "L",
                "Painem",
                "Medonno",
                "Buruh batik",
            ],
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
    keep_screenshot(page, "operator-impor-hasil")
    review_url = page.url

    error_file = download_error_file(page, import_media / "kesalahan.xlsx")
    workbook = openpyxl.load_workbook(error_file)
    sheet = workbook.active
    assert sheet["H1"].value == "Keterangan Kesalahan"
    assert [sheet.cell(row, 2).value for row in (2, 3)] == ["Budi Santoso", "Joko Susilo"]
    assert sheet.max_row == 3  # Siti's row is ready: not in the file
    assert "NIK" in sheet["H2"].value
    assert sheet["A2"].comment is not None
    assert sheet["F3"].comment is not None
    assert sheet["C2"].value == datetime(1975, 5, 12)
    assert any("DaftarKelurahan" in str(v.formula1) for v in sheet.data_validations.dataValidation)
    sheet["A2"] = "3375011205750002"
    sheet["F3"] = "Medono"
    fixed = import_media / "medono-perbaikan.xlsx"
    workbook.save(fixed)

    page.get_by_role("button", name="Simpan baris yang siap").click()
    assert page.get_by_test_id("created").inner_text() == "1"

    upload_for_review(page, fixed)
    assert page.get_by_test_id("ready").inner_text() == "2"
    assert page.get_by_test_id("errors").inner_text() == "0"
    page.get_by_role("button", name="Simpan baris yang siap").click()
    assert page.get_by_test_id("created").inner_text() == "2"
    keep_screenshot(page, "operator-impor-disimpan")

    page.get_by_role("link", name="Pekerja").first.click()
    table = page.get_by_test_id("person-table")
    table.wait_for()
    listed = table.inner_text()
    for name in ("Siti Aminah", "Budi Santoso", "Joko Susilo"):
        assert name in listed
    assert "3375011205750002" not in page.content()
    assert Person.objects.get(name="Budi Santoso").mother_name == "Tumini"

    # The same review on a desktop screen.
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    desktop = context.new_page()
    desktop.base_url = live_server.url
    sign_in(desktop, operator_user.username)
    desktop.goto(review_url)
    desktop.get_by_test_id("error-table").wait_for()
    keep_screenshot(desktop, "operator-impor-hasil")
    context.close()
