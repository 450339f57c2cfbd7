"""End to end in Debian's Chromium: an operator adds a worker and finds them again."""

import re

import pytest

from rentan.registry.models import Person
from rentan.testing.browser import sign_in

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
    page.get_by_label("Jenis pekerjaan").select_option("buruh-batik")
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

    page.get_by_role("link", name="Pekerja").click()
    page.get_by_label("Cari nama atau NIK").fill("dewi")
    page.get_by_role("button", name="Cari").click()
    row = page.get_by_test_id("person-table").locator("tbody tr").first
    row.wait_for()
    assert "Dewi Lestari" in row.inner_text()
    assert re.search(r"3375\*{8}0002", row.inner_text())
    assert "3375014503900002" not in page.content()
