"""End to end in Debian's Chromium on a phone: a verifikator merges a probable duplicate
with a note, through the confirmation that names the kept and the removed record."""

import pytest

from rentan.registry.models import DeactivationReason, DuplicatePair, DuplicateStatus
from rentan.registry.services import detect_registry_duplicates
from rentan.testing.browser import horizontal_overflow, keep_screenshot, sign_in
from rentan.testing.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_verifier_merges_probable_duplicate_from_the_queue(page, verifier_user):
    kept = PersonFactory(name="Siti Aminah", street_address="Gg. Melati 2")
    removed = PersonFactory(
        nik=kept.nik[:3] + "6" + kept.nik[4:],
        name="St. Aminah",
        phone="+6281234567890",
    )
    PersonFactory(name="Slamet Riyadi")
    detect_registry_duplicates()

    sign_in(page, verifier_user.username)
    # Verifikasi waits for the pair's decision, and says so.
    page.goto(f"{page.base_url}/pekerja/{kept.pk}/")
    checks = page.get_by_test_id("verification")
    checks.wait_for()
    assert "✗ Tidak ada kemungkinan data ganda" in checks.inner_text()
    assert checks.get_by_role("button", name="Verifikasi").count() == 0
    page.get_by_role("link", name="Duplikat", exact=True).click()

    card = page.get_by_test_id("duplicate-pair")
    card.wait_for()
    assert card.count() == 1
    text = card.inner_text()
    assert "Siti Aminah" in text
    assert "St. Aminah" in text
    assert "Tanggal lahir sama" in text
    assert kept.nik not in page.content()
    assert removed.nik not in page.content()

    keep_screenshot(page, "verifikator-duplikat")
    assert horizontal_overflow(page) == 0

    card.get_by_label("Catatan keputusan").fill("Satu orang: KK dan tanggal lahir sama")
    card.get_by_role("button", name="Gabung, pertahankan Siti Aminah").click()
    effects = page.get_by_test_id("confirm-effects")
    effects.wait_for()
    said = effects.inner_text()
    assert f"Dipertahankan: Siti Aminah (data #{kept.pk}, NIK {kept.masked_nik}, Medono)" in said
    assert f"St. Aminah (data #{removed.pk}, NIK {removed.masked_nik}, Medono)" in said
    assert "Catatan: Satu orang: KK dan tanggal lahir sama" in said
    keep_screenshot(page, "verifikator-gabung-konfirmasi")
    assert horizontal_overflow(page) == 0
    removed.refresh_from_db()
    assert removed.is_active  # nothing happens before the confirmation

    page.get_by_test_id("confirm-yes").click()
    message = page.locator(".messages li").first
    message.wait_for()
    assert message.inner_text() == (
        f"Digabung. Dipertahankan: Siti Aminah (data #{kept.pk}, NIK {kept.masked_nik}, "
        f"Medono). Dinonaktifkan sebagai data ganda: St. Aminah (data #{removed.pk}, "
        f"NIK {removed.masked_nik}, Medono)."
    )
    assert page.get_by_test_id("duplicate-pair").count() == 0
    keep_screenshot(page, "verifikator-gabung-hasil")

    removed.refresh_from_db()
    kept.refresh_from_db()
    assert removed.merged_into_id == kept.pk
    assert removed.deactivation_reason == DeactivationReason.DUPLICATE
    assert kept.phone == "+6281234567890"
    assert DuplicatePair.objects.get().status == DuplicateStatus.MERGED
    assert DuplicatePair.objects.get().note == "Satu orang: KK dan tanggal lahir sama"

    # With the pair decided, every check passes and the verifikator verifies.
    page.goto(f"{page.base_url}/pekerja/{kept.pk}/")
    checks = page.get_by_test_id("verification")
    assert checks.inner_text().count("✓") == 3
    keep_screenshot(page, "verifikator-verifikasi")
    assert horizontal_overflow(page) == 0
    checks.get_by_role("button", name="Verifikasi").click()
    page.get_by_text("Data pekerja telah diverifikasi. Yang diperiksa: NIK sah").wait_for()
    kept.refresh_from_db()
    assert kept.is_verified


def test_a_search_of_a_large_registry_is_followed_on_the_queue(page, verifier_user, monkeypatch):
    from rentan.registry import tasks

    kept = PersonFactory(name="Siti Aminah", street_address="Gg. Melati 2")
    PersonFactory(nik=kept.nik[:3] + "6" + kept.nik[4:], name="St. Aminah")
    PersonFactory(name="Slamet Riyadi")
    # Every registry counts as large: the search goes to the worker (run at once by the
    # test settings, as `rentan db_worker` would).
    monkeypatch.setattr(tasks, "INLINE_MAX_SEARCH_PERSONS", 0)

    sign_in(page, verifier_user.username)
    page.goto(f"{page.base_url}/pekerja/duplikat/")
    page.get_by_role("button", name="Cari duplikat di registri").click()

    done = page.get_by_test_id("duplicate-search-done")
    done.wait_for()
    assert "berjalan di latar" in page.locator(".messages li").first.inner_text()
    assert "1 pasangan ditemukan, 1 baru masuk antrean" in done.inner_text()
    assert page.get_by_test_id("duplicate-pair").count() == 1
    keep_screenshot(page, "verifikator-duplikat-latar")
    assert horizontal_overflow(page) == 0
    page.set_viewport_size({"width": 1280, "height": 900})
    keep_screenshot(page, "verifikator-duplikat-latar")
    assert horizontal_overflow(page) == 0
