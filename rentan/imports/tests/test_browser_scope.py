"""End to end in Debian's Chromium: the Medono operator imports a file that holds a Sokoduwet
person's NIK and a Sokoduwet family card, and reads no Sokoduwet name anywhere: not in the
review, not in the error file, not on the person pages."""

from datetime import date

import openpyxl
import pytest

from rentan.imports.tests.browser_steps import download_error_file, upload_for_review
from rentan.imports.tests.files import write_xlsx
from rentan.registry.models import Household
from rentan.registry.nik import Sex, compose_nik
from rentan.testing.browser import sign_in
from rentan.testing.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SOKODUWET = "33.75.04.1010"
SOKODUWET_WORDS = ("Warsini", "Darmo", "Sokoduwet", "Pekalongan Selatan")


def _sokoduwet_family():
    card = Household.objects.create(kk_number="3375040101230007")
    born = date(1980, 2, 1)
    warsini = PersonFactory(
        name="Warsini Rahayu",
        kelurahan_id=SOKODUWET,
        birth_date=born,
        sex=Sex.FEMALE,
        nik=compose_nik(district_code="33.75.04", birth_date=born, sex=Sex.FEMALE, serial=7),
        household=card,
        phone="081299990001",
    )
    PersonFactory(name="Darmo Suwito", kelurahan_id=SOKODUWET, household=card)
    # A Medono man a Dinas put on the same card years ago.
    slamet = PersonFactory(name="Slamet Riyadi", household=card)
    return warsini, card, slamet


def _assert_no_sokoduwet(text: str, where: str) -> None:
    seen = [word for word in SOKODUWET_WORDS if word in text]
    assert not seen, f"{where}: {seen}"


def test_medono_operator_reads_no_sokoduwet_name_in_an_import(page, operator_user, import_media):
    warsini, card, slamet = _sokoduwet_family()
    path = write_xlsx(
        import_media / "medono.xlsx",
        [
            ["NIK", "No KK", "Nama", "Tgl Lahir", "L/P", "Kelurahan", "Pekerjaan"],
            # Someone typed Warsini's NIK on a Medono woman's row.
            [warsini.nik, "", "Tini Prasetyo", "01-02-1980", "P", "Medono", "Buruh batik"],
            # A Medono woman given the Sokoduwet family's card.
            [
                "3375014507900001",
                card.kk_number,
                "Rina Marlina",
                "05-07-1990",
                "P",
                "Medono",
                "Buruh batik",
            ],
            ["3375011205750002", "", "Joko Susilo", "12-05-1975", "L", "Medono", "Buruh batik"],
        ],
    )
    sign_in(page, operator_user.username)
    upload_for_review(page, path)

    elsewhere = page.get_by_test_id("elsewhere")
    elsewhere.wait_for()
    assert elsewhere.inner_text() == "Terdaftar di kelurahan lain — hubungi Dinas"
    errors = page.get_by_test_id("error-table").inner_text()
    assert "KK terdaftar di kelurahan lain — hubungi Dinas" in errors
    assert page.get_by_test_id("ready").inner_text() == "1"
    _assert_no_sokoduwet(page.content(), "halaman tinjauan")
    page.screenshot(path=str(import_media / "tinjauan-390.png"), full_page=True)

    error_file = download_error_file(page, import_media / "kesalahan.xlsx")
    sheet = openpyxl.load_workbook(error_file).active
    cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    _assert_no_sokoduwet(" ".join(cells), "berkas kesalahan")
    # The row whose NIK is registered elsewhere has nothing to fix in the file (the review
    # page says whom to ask); the row whose KK is held elsewhere does.
    reasons = [row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(reasons) == 1
    assert "KK terdaftar di kelurahan lain — hubungi Dinas" in reasons[0]

    page.get_by_role("button", name="Simpan baris yang siap").click()
    assert page.get_by_test_id("created").inner_text() == "1"

    page.get_by_role("link", name="Pekerja").click()
    table = page.get_by_test_id("person-table")
    table.wait_for()
    listed = table.inner_text()
    assert "Joko Susilo" in listed
    assert "Slamet Riyadi" in listed
    _assert_no_sokoduwet(page.content(), "daftar pekerja")
    for name in ("Joko Susilo", "Slamet Riyadi"):
        page.get_by_role("link", name=name).click()
        page.get_by_role("heading", name=name).wait_for()
        _assert_no_sokoduwet(page.content(), f"halaman {name}")
        page.go_back()
    page.goto(page.base_url + f"/pekerja/{slamet.pk}/")
    household = page.get_by_test_id("household-elsewhere").inner_text()
    assert household == "KK ini juga terdaftar di kelurahan lain — hubungi Dinas."
    assert page.goto(page.base_url + f"/pekerja/{warsini.pk}/").status == 404
