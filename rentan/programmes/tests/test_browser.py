"""End to end in Debian's Chromium: what-if, allocation, explanation, approval, lampiran."""

from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rentan.programmes.models import CycleStatus, Placement
from rentan.programmes.tests.conftest import make_cycle
from rentan.testing.browser import horizontal_overflow, keep_screenshot, sign_in
from rentan.testing.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_simulates_allocates_explains_approves_and_downloads(page, programme, admin_user):
    verified = timezone.make_aware(datetime(2022, 6, 1, 10))
    for i in range(5):
        PersonFactory(verified_at=verified, monthly_income=500_000 * (i + 1), name=f"Warga {i}")
    cycle = make_cycle(programme, target=3)

    sign_in(page, admin_user.username)
    page.get_by_role("link", name="Seleksi").click()
    page.get_by_role("link", name="2023").click()

    page.get_by_label("Target peserta").fill("2")
    page.get_by_test_id("whatif").click()
    page.get_by_test_id("whatif-result").wait_for()
    assert page.get_by_test_id("whatif-selected").inner_text() == "2"
    assert page.get_by_test_id("whatif-cost").inner_text() == "Rp 403.200"
    assert not Placement.objects.exists()

    page.get_by_test_id("allocate").click()
    page.get_by_text("Alokasi selesai").wait_for()
    assert page.get_by_test_id("selected").inner_text() == "3"

    page.get_by_role("link", name="Warga 0").click()
    page.get_by_test_id("verdict").wait_for()
    assert page.get_by_test_id("rank").inner_text() == "1"
    assert "Penghasilan di bawah UMK" in page.get_by_test_id("score-parts").inner_text()
    page.go_back()

    page.get_by_label("Nomor SK penetapan").fill("SK Wali Kota 560/12/2023")
    page.get_by_test_id("approve").click()
    page.get_by_test_id("decree").wait_for()
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.APPROVED

    assert not page.get_by_test_id("lampiran-pdf-busy").is_visible()
    with page.expect_download() as download_info:
        page.get_by_test_id("lampiran-pdf").click()
    download = download_info.value
    # The admin is told the PDF is being laid out instead of waiting on a silent page.
    busy = page.get_by_test_id("lampiran-pdf-busy")
    assert busy.is_visible()
    assert "Sedang menyusun PDF" in busy.inner_text()
    assert download.suggested_filename == "lampiran-uji-2023.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"


def _rules_and_what_if_screens(page: Any) -> None:
    """Screenshots of the programme's rules and of a what-if, at the page's width."""
    page.goto(page.base_url + "/program/uji/#aturan")
    assert horizontal_overflow(page) == 0
    keep_screenshot(page, "admin-programme-rules")
    page.goto(page.base_url + "/program/uji/aturan/")
    keep_screenshot(page, "admin-programme-rules-form")
    page.goto(page.base_url + "/program/uji/2023/")
    page.get_by_label("Pagu anggaran (Rp)").fill("300.000.000")
    page.get_by_test_id("whatif").click()
    result = page.get_by_test_id("whatif-result")
    expect(result).to_be_in_viewport()
    assert horizontal_overflow(page) == 0
    keep_screenshot(page, "admin-what-if")


def test_admin_reads_and_changes_the_rules_then_simulates_a_budget_in_rupiah(
    page, browser, programme, admin_user
):
    verified = timezone.make_aware(datetime(2022, 6, 1, 10))
    for i in range(4):
        PersonFactory(verified_at=verified, name=f"Warga {i}")
    make_cycle(programme, target=2000, quota_basis="population")

    sign_in(page, admin_user.username)
    page.get_by_role("link", name="Program", exact=True).click()
    rules = page.get_by_test_id("rules")
    expect(rules).to_contain_text("Satu peserta per KK")
    expect(rules).to_contain_text("Usia pada awal masa perlindungan antara 18 dan 65 tahun.")
    expect(page.get_by_test_id("weights")).to_contain_text("Perempuan kepala keluarga")
    assert "woman_head" not in page.get_by_test_id("weights").inner_text()

    page.get_by_test_id("edit-rules").click()
    page.get_by_label("Perempuan kepala keluarga").fill("17,5")
    page.get_by_label("Dasar perubahan (SK/notulen)").fill("Notulen Tim Koordinasi 3/2026")
    page.get_by_test_id("save-rules").click()
    page.get_by_text("Aturan kelayakan dan bobot skor disimpan.").wait_for()
    expect(page.get_by_test_id("weight-woman_head")).to_have_text("17,5")
    expect(page.get_by_test_id("rules-dated")).to_contain_text("Notulen Tim Koordinasi 3/2026")
    programme.refresh_from_db()
    assert programme.score_weights["woman_head"] == "17.5"

    page.get_by_role("main").get_by_role("link", name="Seleksi").click()
    page.get_by_role("link", name="2023").click()
    budget = page.get_by_label("Pagu anggaran (Rp)")
    expect(budget).to_have_value("604.800")  # the cycle's own pagu, grouped
    expect(page.get_by_label("Kuota per kelurahan")).to_have_value("population")
    budget.fill("300.000.000")
    page.get_by_test_id("whatif").click()
    result = page.get_by_test_id("whatif-result")
    # The result is where the person is looking, under the form, not at the top of the page.
    expect(result).to_be_in_viewport()
    expect(page.get_by_test_id("whatif-places-by-budget")).to_have_text("1.488")
    expect(page.get_by_test_id("whatif-budget-warning")).to_contain_text(
        "Pagu Rp 300.000.000 hanya cukup untuk 1.488 orang, kurang dari target 2.000."
    )
    expect(page.get_by_test_id("whatif-selected")).to_have_text("4")
    expect(budget).to_have_value("300.000.000")
    assert not Placement.objects.exists()
    _rules_and_what_if_screens(page)

    desktop = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    wide = desktop.new_page()
    wide.base_url = page.base_url
    sign_in(wide, admin_user.username)
    _rules_and_what_if_screens(wide)
    desktop.close()
