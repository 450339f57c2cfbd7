"""End to end in Debian's Chromium: what-if, allocation, explanation, approval, lampiran."""

from datetime import datetime

import pytest
from django.utils import timezone

from rentan.programmes.models import CycleStatus, Placement
from rentan.programmes.tests.conftest import make_cycle
from rentan.testing.browser import sign_in
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
