"""End to end in Debian's Chromium: a worker left out in 2023 comes to the kelurahan desk;
the operator records the complaint and prints the receipt; the admin Dinas opens the
selection explanation from it, decides with a reason, and the worker's page shows the
outcome. On a phone (390 px) and on a desktop."""

from typing import Any

import pytest

from rentan.complaints.models import Complaint
from rentan.programmes import services
from rentan.programmes.tests.conftest import VERIFIED, make_cycle
from rentan.testing.browser import horizontal_overflow, keep_screenshot, sign_in
from rentan.testing.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_worker_left_out_complains_at_the_desk_and_the_dinas_decides(
    page, browser, programme, admin_user, operator_user, settings
):
    settings.RENTAN_AGENCY_NAME = "Dinas Perindustrian dan Tenaga Kerja"
    PersonFactory(verified_at=VERIFIED, monthly_income=500_000, name="Budi Santoso")
    citra = PersonFactory(verified_at=None, name="Citra Lestari")
    cycle = make_cycle(programme, target=1)
    services.allocate_cycle(actor=admin_user, cycle=cycle)
    services.approve_cycle(actor=admin_user, cycle=cycle, decree_reference="SK 560/001/2023")

    # The operator at the Medono desk.
    sign_in(page, operator_user.username)
    page.get_by_role("link", name="Pengaduan").click()
    page.get_by_test_id("new-complaint").click()
    page.get_by_test_id("person-search").fill("citra")
    page.get_by_test_id("choose-person").get_by_role("button", name="Cari").click()
    page.get_by_test_id("person-results").get_by_role("link", name="Pilih").click()
    assert "Citra Lestari" in page.get_by_test_id("chosen-person").inner_text()
    page.get_by_label("Kategori").select_option(label="Tidak terpilih")
    page.get_by_label("Periode yang dipersoalkan").select_option(label=str(cycle))
    page.get_by_label("Isi pengaduan").fill(
        "Sudah didata kelurahan tahun 2023 tetapi tidak masuk daftar peserta."
    )
    assert horizontal_overflow(page) == 0
    keep_screenshot(page, "operator-complaint-form")
    page.get_by_role("button", name="Simpan dan beri nomor").click()
    number = page.get_by_test_id("complaint-number").inner_text()
    complaint = Complaint.objects.get()
    assert number == complaint.number == "ADU-" + str(complaint.received_on.year) + "-000001"
    assert page.get_by_test_id("complaint-status").inner_text() == "Diterima"
    assert horizontal_overflow(page) == 0
    keep_screenshot(page, "operator-complaint")

    page.get_by_test_id("receipt-link").click()
    receipt = page.get_by_test_id("receipt")
    receipt.wait_for()
    assert page.get_by_test_id("receipt-number").inner_text() == number
    assert page.get_by_test_id("receipt-reporter").inner_text() == "Citra Lestari"
    page.emulate_media(media="print")
    assert not page.get_by_test_id("receipt-toolbar").is_visible()
    assert receipt.is_visible()
    keep_screenshot(page, "operator-complaint-receipt-print")
    page.emulate_media(media="screen")

    # The admin Dinas, on a desktop.
    desktop = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    try:
        wide: Any = desktop.new_page()
        wide.set_default_timeout(15_000)
        wide.base_url = page.base_url
        sign_in(wide, admin_user.username)
        wide.get_by_role("link", name="Pengaduan").click()
        keep_screenshot(wide, "admin-complaint-list")
        wide.get_by_role("link", name=number).click()
        wide.get_by_label("Tugaskan kepada").select_option(label="Admin (Admin Dinas)")
        wide.get_by_role("button", name="Tugaskan").click()
        assert wide.get_by_test_id("assignee").inner_text() == "Admin"
        wide.get_by_test_id("review").click()
        assert wide.get_by_test_id("complaint-status").inner_text() == "Ditinjau"
        wide.get_by_test_id("decide-link").click()
        assert "tidak memenuhi syarat" in wide.get_by_test_id("recheck-now").inner_text()
        keep_screenshot(wide, "admin-complaint-decide")

        # One click to the explanation of the year in question, and back.
        wide.get_by_test_id("explain-link").click()
        verdict = wide.get_by_test_id("verdict").inner_text()
        assert "tidak memenuhi syarat" in verdict
        assert f"/pekerja/{citra.pk}/" in wide.url
        wide.go_back()

        wide.get_by_label("Putusan", exact=True).select_option(label="Ditolak")
        wide.get_by_label("Alasan putusan").fill(
            "Diperiksa ulang: data belum diverifikasi sebelum batas verifikasi 2023."
        )
        wide.get_by_role("button", name="Simpan putusan").click()
        decision = wide.get_by_test_id("decision").inner_text()
        assert "Ditolak" in decision
        assert "belum diverifikasi" in decision
        assert verdict in wide.get_by_test_id("recheck").inner_text()
        keep_screenshot(wide, "admin-complaint-decided")

        wide.get_by_test_id("person-link").click()
        outcome = wide.get_by_test_id("person-complaints").inner_text()
        assert number in outcome
        assert "Ditolak" in outcome
        keep_screenshot(wide, "admin-person-complaints")
        for path, name in [
            ("/pengaduan/baru/?q=citra", "operator-complaint-form"),
            (f"/pengaduan/{complaint.pk}/", "operator-complaint"),
        ]:
            wide.goto(wide.base_url + path)
            keep_screenshot(wide, name)
        wide.goto(wide.base_url + f"/pengaduan/{complaint.pk}/tanda-terima/")
        wide.emulate_media(media="print")
        keep_screenshot(wide, "operator-complaint-receipt-print")
    finally:
        desktop.close()

    # The operator sees the outcome on the worker's page, on the phone.
    page.goto(page.base_url + f"/pekerja/{citra.pk}/")
    outcome = page.get_by_test_id("person-complaints").inner_text()
    assert "Ditolak" in outcome
    assert horizontal_overflow(page) == 0
    keep_screenshot(page, "operator-person-complaints")
    page.goto(page.base_url + "/pengaduan/")
    assert horizontal_overflow(page) == 0
    keep_screenshot(page, "operator-complaint-list")
