"""End to end in Debian's Chromium, as the admin Dinas: a worker left out of the list is found
by name on the cycle page, their explanation names the kelurahan and prints as a letter, and
their own page shows the programme year with the link back to the explanation."""

from typing import Any

import pytest

from rentan.programmes import services
from rentan.programmes.tests.conftest import VERIFIED, make_cycle
from rentan.registry import views as registry_views
from rentan.testing.browser import horizontal_overflow, keep_screenshot, sign_in
from rentan.testing.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_finds_an_excluded_worker_reads_why_and_prints_the_letter(
    page, browser, programme, admin_user, settings, monkeypatch
):
    settings.RENTAN_AGENCY_NAME = "Dinas Perindustrian dan Tenaga Kerja"
    PersonFactory(verified_at=VERIFIED, monthly_income=500_000, name="Budi Santoso")
    PersonFactory(verified_at=VERIFIED, monthly_income=3_000_000, name="Agus Salim")
    citra = PersonFactory(verified_at=None, name="Citra Lestari")
    for n in range(3):
        PersonFactory(verified_at=None, name=f"Warga {n}")
    cycle = make_cycle(programme, target=1)
    services.allocate_cycle(actor=admin_user, cycle=cycle)

    sign_in(page, admin_user.username)
    page.get_by_role("link", name="Seleksi").click()
    page.get_by_role("link", name="2023").click()
    page.get_by_label("Jenis").select_option(label="Tidak masuk daftar")
    page.get_by_test_id("not-listed").wait_for()
    page.get_by_test_id("list-q").fill("citra")
    page.get_by_test_id("list-search").get_by_role("button", name="Cari").click()
    rows = page.get_by_test_id("not-listed").locator("tbody tr")
    assert rows.count() == 1
    assert "Data belum diverifikasi" in rows.first.inner_text()
    keep_screenshot(page, "admin-cycle-not-listed")
    assert horizontal_overflow(page) == 0

    page.get_by_role("link", name="Citra Lestari").click()
    page.get_by_test_id("verdict").wait_for()
    assert "Medono" in page.get_by_test_id("kelurahan").inner_text()
    assert "Kelurahan Medono" in page.get_by_test_id("rules").inner_text()
    keep_screenshot(page, "admin-explanation")

    page.get_by_test_id("letter-link").click()
    letter = page.get_by_test_id("letter")
    letter.wait_for()
    assert page.get_by_test_id("agency").inner_text() == "DINAS PERINDUSTRIAN DAN TENAGA KERJA"
    assert page.get_by_test_id("letter-kelurahan").inner_text() == "Medono"
    assert "tidak terpenuhi" in page.get_by_test_id("letter-rules").inner_text()
    page.emulate_media(media="print")
    assert not page.get_by_test_id("letter-toolbar").is_visible()
    assert letter.is_visible()
    keep_screenshot(page, "admin-explanation-letter-print")
    page.emulate_media(media="screen")
    assert page.get_by_test_id("letter-toolbar").is_visible()

    page.get_by_role("link", name="Kembali ke penjelasan").click()
    page.get_by_role("link", name="Halaman pekerja").click()
    history = page.get_by_test_id("programme-history")
    history.wait_for()
    assert "Tidak memenuhi syarat" in history.inner_text()
    assert horizontal_overflow(page) == 0
    keep_screenshot(page, "admin-person-programme")
    history.get_by_test_id("explain-link").click()
    page.get_by_test_id("verdict").wait_for()
    assert f"/pekerja/{citra.pk}/" in page.url

    # The person list in pages of two: jump to a page by its number, then to the last.
    monkeypatch.setattr(registry_views, "PAGE_SIZE", 2)
    page.get_by_role("link", name="Pekerja", exact=True).click()
    page.get_by_label("Ke halaman").fill("2")
    page.get_by_role("button", name="Buka").click()
    assert page.get_by_test_id("page-number").inner_text() == "Halaman 2 dari 3"
    assert "Citra Lestari" in page.get_by_test_id("person-table").inner_text()
    assert horizontal_overflow(page) == 0
    keep_screenshot(page, "admin-person-list-pages")
    page.get_by_test_id("page-last").click()
    assert page.get_by_test_id("page-number").inner_text() == "Halaman 3 dari 3"

    desktop = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    try:
        wide: Any = desktop.new_page()
        wide.base_url = page.base_url
        sign_in(wide, admin_user.username)
        for path, name in [
            ("/program/uji/2023/?jenis=tidak&q=citra", "admin-cycle-not-listed"),
            (f"/program/uji/2023/pekerja/{citra.pk}/", "admin-explanation"),
            (f"/pekerja/{citra.pk}/", "admin-person-programme"),
            ("/pekerja/?halaman=2", "admin-person-list-pages"),
        ]:
            wide.goto(wide.base_url + path)
            keep_screenshot(wide, name)
        wide.goto(wide.base_url + f"/program/uji/2023/pekerja/{citra.pk}/surat/")
        wide.emulate_media(media="print")
        keep_screenshot(wide, "admin-explanation-letter-print")
    finally:
        desktop.close()
