"""End to end in Chromium: export (at once, and by the worker for a large file), the branch's
reply with one rejection, a bill explained."""

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from rentan.enrollment.models import Claim, ClaimKind, ExchangeFile, ExchangeKind, Membership
from rentan.enrollment.services import exchange_files as file_services
from rentan.enrollment.services import memberships as membership_services
from rentan.enrollment.states import MembershipStatus
from rentan.enrollment.tests.helpers import accepted, bill_file, fixed_cycle, rejected, reply_file
from rentan.testing.browser import horizontal_overflow, keep_screenshot, sign_in
from rentan.testing.documents import workbook_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_exports_imports_reply_and_sees_bill_difference_explained(
    browser, page, admin_user, tmp_path
):
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

    # The billing page as the Dinas reads it, on a phone and on a desk.
    page.get_by_role("link", name="Kembali ke Iuran & Tagihan").click()
    assert horizontal_overflow(page) == 0
    keep_screenshot(page, "admin-iuran")
    desktop = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    try:
        wide = desktop.new_page()
        wide.base_url = page.base_url
        sign_in(wide, admin_user.username)
        wide.goto(wide.base_url + reverse("enrollment:billing"))
        keep_screenshot(wide, "admin-iuran")
    finally:
        desktop.close()


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


def _officer_pages(page, tag):
    """Screenshots of the officer's main pages as they stand, at the page's width."""
    for name, url in (
        ("berkas", reverse("enrollment:exchange_files")),
        ("kepesertaan", reverse("enrollment:memberships")),
        ("klaim", reverse("enrollment:claims")),
    ):
        page.goto(page.base_url + url)
        assert horizontal_overflow(page) == 0, name
        keep_screenshot(page, f"{tag}-{name}")


def test_the_bpjs_officer_downloads_the_file_answers_it_and_records_a_claim(
    browser, page, admin_user, bpjs_user, tmp_path
):
    cycle = fixed_cycle(waiting=2)
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=date(2023, 1, 2))
    file_services.export_registration(actor=admin_user, cycle=cycle, today=date(2023, 1, 2))
    first, second, third = Membership.objects.order_by("person__nik").select_related("person")

    sign_in(page, bpjs_user.username)
    menu = page.get_by_role("navigation", name="Menu utama")
    menu.get_by_role("link", name="Berkas BPJS").click()
    keep_screenshot(page, "bpjs-berkas")
    with page.expect_download() as download_info:
        page.get_by_test_id("download").first.click()
    exported = tmp_path / "pendaftaran.xlsx"
    download_info.value.save_as(exported)
    text = workbook_text(exported.read_bytes())
    for member in (first, second, third):
        assert member.person.nik in text
        assert member.person.name.upper() in text

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
    results = page.get_by_test_id("row-results").inner_text()
    assert results.count("Aktif") == 2
    assert "Ditolak" in results
    assert "NIK tidak padan dengan Dukcapil" in results
    assert "accepted" not in results
    assert "rejected" not in results
    assert (
        "Jaminan Sosial Pekerja Rentan Kota Pekalongan 2023"
        in page.get_by_test_id("cycle").inner_text()
    )
    keep_screenshot(page, "bpjs-hasil-balasan")

    menu.get_by_role("link", name="Klaim").click()
    page.get_by_label("Cari peserta: nama, NIK atau nomor KPJ").fill("slamet")
    page.get_by_role("button", name="Cari peserta").click()
    found = page.get_by_test_id("member-results")
    assert "Slamet Riyadi" in found.inner_text()
    keep_screenshot(page, "bpjs-klaim-cari")
    found.get_by_role("link", name="Pilih").click()
    assert "Slamet Riyadi" in page.get_by_test_id("chosen-member").inner_text()
    page.get_by_label("Jenis klaim").select_option(ClaimKind.JKK_MEDICAL.value)
    page.get_by_label("Tanggal kejadian").fill("2023-02-03")
    page.get_by_role("button", name="Simpan klaim").click()
    claim = Claim.objects.get()
    assert claim.membership.person.name == "Slamet Riyadi"
    assert claim.was_active_on_event
    keep_screenshot(page, "bpjs-klaim-dicatat")

    # A part of a page asking (htmx) for what the role may not see shows why, in place.
    page.evaluate(
        "url => htmx.ajax('GET', url, {target: 'main', swap: 'beforeend'})",
        reverse("registry:person_list"),
    )
    in_place = page.get_by_test_id("error-403")
    assert "bukan bagian dari pekerjaan peran Anda" in in_place.inner_text()

    page.goto(page.base_url + reverse("registry:person_list"))
    assert page.get_by_role("heading", name="Akses ditolak").is_visible()
    assert (
        page.get_by_role("navigation", name="Menu utama")
        .get_by_role("link", name="Berkas BPJS")
        .is_visible()
    )
    keep_screenshot(page, "bpjs-403")
    _officer_pages(page, "bpjs")

    desktop = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    try:
        wide = desktop.new_page()
        wide.base_url = page.base_url
        sign_in(wide, bpjs_user.username)
        _officer_pages(wide, "bpjs")
        answer = ExchangeFile.objects.get(kind=ExchangeKind.REPLY)
        wide.goto(wide.base_url + reverse("enrollment:exchange_detail", args=[answer.pk]))
        keep_screenshot(wide, "bpjs-hasil-balasan")
        wide.goto(wide.base_url + reverse("registry:person_list"))
        keep_screenshot(wide, "bpjs-403")
    finally:
        desktop.close()
