"""End to end in Chromium: export (at once, and by the worker for a large file), the branch's
reply with one rejection, a bill explained."""

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from rentan.enrollment.models import Membership
from rentan.enrollment.services import memberships as membership_services
from rentan.enrollment.states import MembershipStatus
from rentan.enrollment.tests.helpers import accepted, bill_file, fixed_cycle, rejected, reply_file
from rentan.testing.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_exports_imports_reply_and_sees_bill_difference_explained(page, admin_user, tmp_path):
    cycle = fixed_cycle()
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=date(2023, 1, 2))

    sign_in(page, admin_user.username)
    page.get_by_role("link", name="Kepesertaan").click()
    assert page.get_by_test_id("count-approved").inner_text() == "3"

    page.get_by_role("button", name="Buat berkas pendaftaran").click()
    with page.expect_download() as download_info:
        page.get_by_test_id("download").click()
    exported = Path(tmp_path / "pendaftaran.xlsx")
    download_info.value.save_as(exported)
    assert exported.read_bytes()[:2] == b"PK"

    page.get_by_role("link", name="Kembali ke kepesertaan").click()
    assert page.get_by_test_id("count-registered").inner_text() == "3"
    first, second, third = Membership.objects.order_by("person__nik").select_related("person")
    reply = tmp_path / "balasan.xlsx"
    reply.write_bytes(
        reply_file(
            accepted(first.person.nik, "23000000001"),
            accepted(second.person.nik, "23000000002"),
            rejected(third.person.nik, "NIK tidak padan dengan Dukcapil"),
        )
    )
    page.get_by_label("Balasan BPJS (.xlsx)").set_input_files(str(reply))
    page.get_by_role("button", name="Impor balasan").click()
    assert (
        "2 aktif, 1 ditolak, 0 baris bermasalah"
        in page.get_by_test_id("reply-summary").inner_text()
    )
    page.get_by_role("link", name="Kembali ke kepesertaan").click()
    assert page.get_by_test_id("count-active").inner_text() == "2"
    assert page.get_by_test_id("count-rejected").inner_text() == "1"
    row = page.locator(f"tr[data-nik='{third.person.masked_nik}']")
    assert "Ditolak" in row.inner_text()
    assert "NIK tidak padan dengan Dukcapil" in row.inner_text()
    assert Membership.objects.filter(status=MembershipStatus.ACTIVE).count() == 2

    bill = tmp_path / "tagihan.xlsx"
    lines = {first.person.nik: 16_800, second.person.nik: 16_800, third.person.nik: 16_800}
    bill.write_bytes(bill_file(lines, month=date(2023, 3, 1), stated_total=3 * 16_800))
    page.get_by_role("link", name="Iuran & Tagihan").click()
    page.get_by_label("Bulan tagihan").fill("2023-03")
    page.get_by_label("Surat tagihan (.xlsx)").set_input_files(str(bill))
    page.get_by_role("button", name="Impor tagihan").click()
    assert "Ada selisih; seluruhnya dijelaskan" in page.get_by_test_id("verdict").inner_text()
    differences = page.get_by_test_id("differences").inner_text()
    assert third.person.name in differences
    assert "Ditagih padahal tidak aktif di sini (status: Ditolak)" in differences


def test_a_large_file_appears_for_download_once_the_worker_has_made_it(
    page, admin_user, tmp_path, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.RENTAN_BACKGROUND_EXPORT_ROWS = 2
    cycle = fixed_cycle()
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=date(2023, 1, 2))

    sign_in(page, admin_user.username)
    page.get_by_role("link", name="Kepesertaan").click()
    page.get_by_role("button", name="Buat berkas pendaftaran").click()
    assert "Menunggu giliran dibuat" in page.get_by_test_id("export-progress").inner_text()

    call_command(
        "db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO()
    )
    # The page asks again every second and offers the file once it is made.
    with page.expect_download() as download_info:
        page.get_by_test_id("export-ready").click()
    exported = tmp_path / "pendaftaran.xlsx"
    download_info.value.save_as(exported)
    assert exported.read_bytes()[:2] == b"PK"
    assert Membership.objects.filter(status=MembershipStatus.REGISTERED).count() == 3
