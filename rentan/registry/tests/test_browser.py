"""End to end in Debian's Chromium: an operator adds a worker and finds them again."""

import re

import pytest

from rentan.registry.models import OccupationAlias, Person
from rentan.testing.browser import horizontal_overflow, keep_screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_adds_worker_after_fixing_birth_date(page, operator_user):
    sign_in(page, operator_user.username)
    page.get_by_role("link", name="Pekerja").click()
    page.get_by_role("link", name="Tambah pekerja").click()

    page.get_by_label("NIK").fill("3375014503900002")  # a woman born 5 March 1990
    page.get_by_label("Nama lengkap").fill("  DEWI   LESTARI ")
    page.get_by_label("Tanggal lahir").fill("1990-03-15")
    page.get_by_label("Jenis kelamin").select_option("P")
    page.get_by_label("Kelurahan").select_option("33.75.01.1002")
    page.get_by_label("Jenis pekerjaan").fill("pembatik")  # as the city calls a buruh batik
    page.get_by_label("Nomor HP").fill("0812 3456 7890")
    page.get_by_role("button", name="Simpan").click()

    error = page.locator("#error-birth_date")
    error.wait_for()
    assert "Tanggal lahir tidak sesuai dengan NIK" in error.inner_text()
    assert "5 Maret 1990" in error.inner_text()
    assert not Person.objects.exists()

    page.get_by_label("Tanggal lahir").fill("1990-03-05")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_role("heading", name="Dewi Lestari").wait_for()
    assert Person.objects.get().occupation.code == "buruh-batik"

    page.get_by_role("link", name="Pekerja").click()
    page.get_by_label("Cari nama atau NIK").fill("dewi")
    page.get_by_role("button", name="Cari").click()
    row = page.get_by_test_id("person-table").locator("tbody tr").first
    row.wait_for()
    assert "Dewi Lestari" in row.inner_text()
    assert re.search(r"3375\*{8}0002", row.inner_text())
    assert "3375014503900002" not in page.content()


def test_admin_gives_a_job_type_another_name_on_a_phone_and_a_desktop(
    page, browser, live_server, admin_user
):
    sign_in(page, admin_user.username)
    page.get_by_role("link", name="Program").click()
    page.get_by_role("link", name="Jenis pekerjaan dan nama lainnya").click()
    table = page.get_by_test_id("occupations")
    assert "tukang becak" in table.inner_text()
    assert horizontal_overflow(page) == 0
    keep_screenshot(page, "admin-jenis-pekerjaan")

    page.get_by_role("link", name="Ubah nama lain Pengayuh becak").click()
    box = page.get_by_label("Nama lain")
    box.fill(box.input_value() + "\nPKL")  # already a name of Pedagang kaki lima
    page.get_by_role("button", name="Simpan").click()
    page.locator("#error-aliases").wait_for()
    assert "Pedagang kaki lima" in page.locator("#error-aliases").inner_text()
    assert horizontal_overflow(page) == 0
    keep_screenshot(page, "admin-nama-lain-ditolak")

    box = page.get_by_label("Nama lain")
    box.fill(box.input_value().replace("PKL", "becak motor"))
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Nama lain Pengayuh becak disimpan").wait_for()
    assert OccupationAlias.objects.filter(name="becak motor").exists()

    desktop = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    wide = desktop.new_page()
    wide.base_url = live_server.url
    sign_in(wide, admin_user.username)
    wide.goto(live_server.url + "/pekerja/jenis-pekerjaan/")
    assert "becak motor" in wide.get_by_test_id("occupations").inner_text()
    keep_screenshot(wide, "admin-jenis-pekerjaan")
    wide.goto(live_server.url + "/pekerja/jenis-pekerjaan/pengayuh-becak/")
    keep_screenshot(wide, "admin-nama-lain")
    desktop.close()
