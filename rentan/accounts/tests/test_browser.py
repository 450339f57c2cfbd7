"""End to end in Debian's Chromium on a phone-sized screen: sign in, change the password from
the header, sign in again with it; a locked account is told why."""

import pytest

from rentan.testing.browser import sign_in
from rentan.testing.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_changes_password_on_a_phone(page, operator_user, tmp_path):
    sign_in(page, operator_user.username, TEST_PASSWORD)
    page.get_by_role("link", name="Ganti kata sandi").click()

    page.get_by_label("Kata sandi lama").fill(TEST_PASSWORD)
    page.get_by_label("Kata sandi baru", exact=True).fill("batik-pesisir-2026")
    page.get_by_label("Ulangi kata sandi baru").fill("batik-pesisir-2026")
    # Nothing wider than the phone: no sideways scrolling on the form.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "ganti-kata-sandi-390.png"), full_page=True)
    page.get_by_role("button", name="Simpan kata sandi baru").click()

    assert page.get_by_text("Kata sandi sudah diganti.").is_visible()
    page.get_by_role("button", name="Keluar").click()
    sign_in(page, operator_user.username, "batik-pesisir-2026")
    assert page.get_by_role("link", name="Ganti kata sandi").is_visible()


def test_locked_account_is_told_why(page, operator_user):
    for _ in range(5):
        sign_in(page, operator_user.username, "salah")

    sign_in(page, operator_user.username, TEST_PASSWORD)

    alert = page.get_by_role("alert")
    assert "Terlalu banyak percobaan masuk yang gagal" in alert.inner_text()
    assert "15 menit" in alert.inner_text()
