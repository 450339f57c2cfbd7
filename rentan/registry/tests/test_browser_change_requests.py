"""End to end in Debian's Chromium: an operator on a phone corrects a verified worker's income
and address; the change waits as a request; the verifikator at a desk reads the diff in the
queue and approves it; the person's history holds the change and the request."""

import pytest

from rentan.registry.models import ChangeRequest, ChangeRequestStatus, Person
from rentan.testing.browser import horizontal_overflow, keep_screenshot, sign_in
from rentan.testing.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_edits_a_verified_person_and_the_verifikator_approves_the_diff(
    page, browser, live_server, operator_user, verifier_user
):
    person: Person = PersonFactory(
        name="Darimin",
        street_address="Jl. Seruni 3",
        monthly_income=900_000,
        verified_at="2026-11-02T08:00:00+07:00",
    )

    # The operator, on a phone.
    sign_in(page, operator_user.username)
    page.goto(f"{page.base_url}/pekerja/{person.pk}/ubah/")
    notice = page.get_by_test_id("request-notice")
    notice.wait_for()
    assert "dikirim ke verifikator" in notice.inner_text()
    page.get_by_label("Alamat (jalan, gang)").fill("Jl. Melati 9")
    page.get_by_label("Perkiraan penghasilan per bulan (Rp)").fill("1.250.000")
    page.get_by_label("Alasan perubahan (dibaca verifikator)").fill("Pindah rumah, kerja baru")
    keep_screenshot(page, "operator-usulan-perubahan-form")
    assert horizontal_overflow(page) == 0
    page.get_by_role("button", name="Simpan / kirim usulan").click()
    message = page.locator(".messages li").first
    message.wait_for()
    request = ChangeRequest.objects.get()
    assert message.inner_text() == (
        f"Usulan #{request.pk} dikirim ke verifikator: Alamat, Penghasilan per bulan berubah "
        "setelah disetujui."
    )
    listed = page.get_by_test_id("change-requests")
    assert "Menunggu verifikator" in listed.inner_text()
    keep_screenshot(page, "operator-usulan-perubahan-terkirim")
    assert horizontal_overflow(page) == 0
    person.refresh_from_db()
    assert (person.street_address, person.monthly_income) == ("Jl. Seruni 3", 900_000)

    # The verifikator, at a desk.
    desk = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    desk.set_default_timeout(15_000)
    tab = desk.new_page()
    tab.base_url = live_server.url
    try:
        sign_in(tab, verifier_user.username)
        menu = tab.get_by_role("link", name="Usulan perubahan")
        assert menu.get_by_test_id("menu-count").inner_text() == "1"
        menu.click()
        diff = tab.get_by_test_id("diff").first
        diff.wait_for()
        rows = diff.inner_text()
        assert "Alamat\tJl. Seruni 3\tJl. Melati 9" in rows
        assert "Penghasilan per bulan\tRp 900.000\tRp 1.250.000" in rows
        keep_screenshot(tab, "verifikator-usulan-antrean")
        tab.set_viewport_size({"width": 390, "height": 844})
        keep_screenshot(tab, "verifikator-usulan-antrean")
        assert horizontal_overflow(tab) == 0
        tab.set_viewport_size({"width": 1280, "height": 900})

        tab.get_by_role("link", name=f"Usulan #{request.pk}").click()
        assert "Pindah rumah, kerja baru" in tab.content()
        keep_screenshot(tab, "verifikator-usulan-detail")
        tab.get_by_test_id("approve").click()
        effects = tab.get_by_test_id("confirm-effects")
        effects.wait_for()
        assert "Penghasilan per bulan: Rp 900.000 → Rp 1.250.000" in effects.inner_text()
        person.refresh_from_db()
        assert person.monthly_income == 900_000  # nothing before the confirmation
        tab.get_by_test_id("confirm-yes").click()
        done = tab.locator(".messages li").first
        done.wait_for()
        assert done.inner_text() == f"Usulan #{request.pk} disetujui dan diterapkan."
        assert (
            tab.get_by_role("link", name="Usulan perubahan").get_by_test_id("menu-count").count()
            == 0
        )

        tab.goto(f"{tab.base_url}/pekerja/{person.pk}/")
        history = tab.locator("table").last.inner_text()
        assert "Data pekerja diubah" in history
        assert "monthly_income: 900000 → 1250000" in history
        assert "Usulan perubahan disetujui" in history
        assert "Usulan perubahan diajukan" in history
        assert tab.get_by_test_id("history-request").first.inner_text() == f"Usulan #{request.pk}"
        keep_screenshot(tab, "verifikator-usulan-riwayat")
    finally:
        desk.close()
    person.refresh_from_db()
    request.refresh_from_db()
    assert (person.street_address, person.monthly_income) == ("Jl. Melati 9", 1_250_000)
    assert request.status == ChangeRequestStatus.APPROVED
