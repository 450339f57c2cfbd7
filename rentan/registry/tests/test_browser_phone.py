"""End to end in Debian's Chromium on a 390 x 844 phone: the Medono operator walks the
person list, a person's page and an import with a mistake, and no page is wider than the
screen. Screenshots of each page are kept in var/screenshots."""

import pytest

from rentan.imports.tests.browser_steps import upload_for_review
from rentan.imports.tests.files import write_xlsx
from rentan.testing.browser import horizontal_overflow, keep_screenshot, sign_in
from rentan.testing.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page, name: str) -> None:
    keep_screenshot(page, name)
    assert horizontal_overflow(page) == 0, f"{name}: halaman lebih lebar dari layar"


def test_operator_on_a_phone_sees_whole_pages_of_their_kelurahan(page, operator_user, import_media):
    darimin = PersonFactory(
        name="Darimin Wijayakusuma Mangunkusumo", street_address="Jl. Jlamprang Gg. 7 No. 12"
    )
    for n in range(30):
        PersonFactory(name=f"Warga Medono {n:02d}")

    sign_in(page, operator_user.username)
    assert page.get_by_test_id("work-area").inner_text() == "Kel. Medono"
    _fits(page, "operator-beranda")

    page.get_by_role("link", name="Pekerja", exact=True).click()
    page.get_by_test_id("person-table").wait_for()
    assert page.get_by_label("Kecamatan").count() == 0
    assert page.get_by_label("Kelurahan").count() == 0
    # Every column is on the page: the table scrolls inside its box, not the page.
    assert page.get_by_test_id("person-table").get_by_role("columnheader").count() == 4
    _fits(page, "operator-pekerja")

    page.get_by_role("link", name=darimin.name).click()
    page.get_by_test_id("nik-masked").wait_for()
    _fits(page, "operator-pekerja-detail")

    path = write_xlsx(
        import_media / "medono.xlsx",
        [
            ["NIK", "Nama", "Tgl Lahir", "L/P", "Kelurahan", "Pekerjaan", "No HP"],
            ["3375014501850001", "Siti Aminah", "05-01-1985", "P", "Medono", "Buruh batik", ""],
            [3375011205750002, "Budi Santoso", "12-05-1975", "L", "Medono", "Buruh batik", ""],
            ["3375011205750003", "Joko Susilo", "12/05/75", "L", "Medonno", "Tukang", ""],
        ],
    )
    page.get_by_role("link", name="Impor Data", exact=True).click()
    _fits(page, "operator-impor")
    upload_for_review(page, path)
    page.get_by_test_id("error-table").wait_for()
    _fits(page, "operator-impor-hasil")

    page.get_by_role("link", name="Batalkan impor").click()
    page.get_by_test_id("confirm").wait_for()
    assert "tidak dapat diurungkan" in page.get_by_test_id("confirm-undo").inner_text()
    _fits(page, "operator-impor-batal")
    page.get_by_test_id("confirm-yes").click()
    page.get_by_text("Impor dibatalkan").wait_for()
