"""End to end in Debian's Chromium: a verifikator resolves a probable duplicate."""

import pytest

from rentan.registry.models import DeactivationReason, DuplicatePair, DuplicateStatus
from rentan.registry.services import detect_registry_duplicates
from rentan.testing.browser import sign_in
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

    card.get_by_role("button", name="Gabung, pertahankan Siti Aminah").click()
    page.get_by_text("St. Aminah digabung ke Siti Aminah.").wait_for()
    assert page.get_by_test_id("duplicate-pair").count() == 0

    removed.refresh_from_db()
    kept.refresh_from_db()
    assert removed.merged_into_id == kept.pk
    assert removed.deactivation_reason == DeactivationReason.DUPLICATE
    assert kept.phone == "+6281234567890"
    assert DuplicatePair.objects.get().status == DuplicateStatus.MERGED
