"""End to end in Debian's Chromium, as the admin Dinas: a DTSEN desil list is uploaded from
the programme page, its unusable rows are listed, and the worker's explanation and page show
the desil with its source; a large list is followed on its page while the worker imports it."""

import io
from typing import Any

import pytest
from django.core.management import call_command

from rentan.imports import forms as import_forms
from rentan.imports.tests.test_desil_file import xlsx
from rentan.programmes.tests.conftest import RULES, VERIFIED, make_cycle
from rentan.testing.browser import horizontal_overflow, keep_screenshot, sign_in
from rentan.testing.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_uploads_a_desil_list_and_the_explanation_names_the_desil(
    page, browser, programme, admin_user
):
    programme.eligibility_rules = {**RULES, "desil": {"max": 5}}
    programme.save()
    budi = PersonFactory(verified_at=VERIFIED, name="Budi Santoso")
    cycle = make_cycle(programme)
    content = xlsx(
        [
            ["Daftar desil DTSEN (kiriman Dinsos)"],
            ["NIK", "Desil", "Periode"],
            [budi.nik, 2, "September 2022"],
            ["3375014501850999", 3, "September 2022"],
            [budi.nik, "lima", "Oktober 2022"],
        ]
    )

    sign_in(page, admin_user.username)
    page.get_by_role("link", name="Program").click()
    page.get_by_test_id("desil-card").get_by_role("link", name="Impor daftar desil").click()
    page.get_by_label("Daftar desil").set_input_files(
        {
            "name": "desil-september-2022.xlsx",
            "mimeType": "application/octet-stream",
            "buffer": content,
        }
    )
    page.get_by_label("Sumber").fill("DTSEN September 2022")
    page.get_by_role("button", name="Unggah dan simpan").click()
    issues = page.get_by_test_id("desil-issues")
    issues.wait_for()
    assert "Baris 4, kolom NIK: NIK 3375********0999 tidak ada di registri." in issues.inner_text()
    assert "Baris 5, kolom Desil" in issues.inner_text()
    assert "DTSEN September 2022" in page.get_by_test_id("desil-imports").inner_text()
    assert horizontal_overflow(page) == 0
    keep_screenshot(page, "admin-desil-upload")

    page.goto(page.base_url + f"/program/uji/{cycle.year}/pekerja/{budi.pk}/")
    rules = page.get_by_test_id("rules")
    rules.wait_for()
    assert "Desil 2 per DTSEN September 2022, dalam batas desil 5." in rules.inner_text()
    assert horizontal_overflow(page) == 0
    keep_screenshot(page, "admin-explanation-desil")

    page.goto(page.base_url + f"/pekerja/{budi.pk}/")
    assert "Desil 2 per DTSEN September 2022" in page.get_by_test_id("desil").inner_text()

    desktop = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    try:
        wide: Any = desktop.new_page()
        wide.base_url = page.base_url
        sign_in(wide, admin_user.username)
        for path, name in [
            ("/impor/desil/", "admin-desil-upload"),
            (f"/program/uji/{cycle.year}/pekerja/{budi.pk}/", "admin-explanation-desil"),
        ]:
            wide.goto(wide.base_url + path)
            keep_screenshot(wide, name)
    finally:
        desktop.close()


def test_a_large_desil_list_is_followed_while_the_worker_imports_it(
    page, browser, admin_user, tmp_path, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(import_forms, "INLINE_MAX_BYTES", 0)
    siti = PersonFactory(verified_at=VERIFIED, name="Siti Aminah")
    content = xlsx(
        [
            ["NIK", "Desil", "Periode"],
            [siti.nik, 1, "Maret 2026"],
            ["3375014501850999", 3, "Maret 2026"],
        ]
    )

    sign_in(page, admin_user.username)
    page.goto(page.base_url + "/impor/desil/")
    page.get_by_label("Daftar desil").set_input_files(
        {"name": "dtsen-maret-2026.xlsx", "mimeType": "application/octet-stream", "buffer": content}
    )
    page.get_by_label("Sumber").fill("DTSEN Maret 2026")
    page.get_by_role("button", name="Unggah dan simpan").click()
    progress = page.get_by_test_id("desil-progress")
    assert "Menunggu giliran diimpor" in progress.inner_text()
    assert horizontal_overflow(page) == 0
    keep_screenshot(page, "admin-desil-waiting")

    call_command(
        "db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO()
    )
    # The page asks again every second and shows what the list did once it is stored.
    issues = page.get_by_test_id("desil-issues")
    issues.wait_for()
    assert "NIK 3375********0999 tidak ada di registri." in issues.inner_text()
    assert "DTSEN Maret 2026" in page.get_by_test_id("desil-result").inner_text()
    assert horizontal_overflow(page) == 0
    keep_screenshot(page, "admin-desil-background")

    desktop = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    try:
        wide: Any = desktop.new_page()
        wide.base_url = page.base_url
        sign_in(wide, admin_user.username)
        wide.goto(wide.base_url + "/impor/desil/kemajuan/")
        keep_screenshot(wide, "admin-desil-background")
    finally:
        desktop.close()
