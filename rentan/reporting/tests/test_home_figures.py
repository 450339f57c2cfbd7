"""The home page's figures: counted in one pass, kept for a short while, dated on the page."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from rentan.reporting import selectors
from rentan.reporting.selectors import count_home_figures
from rentan.testing.factories import TEST_PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db


def test_figures_per_kecamatan_and_job_type_from_one_pass():
    PersonFactory(kelurahan_id="33.75.01.1002", sex="P")
    PersonFactory(kelurahan_id="33.75.01.1002", verified_at="2026-01-05T10:00:00+07:00")
    PersonFactory(kelurahan_id="33.75.04.1010", is_active=False)

    figures = count_home_figures()

    assert figures.totals == {"active": 2, "verified": 1, "inactive": 1, "women": 1}
    per_kecamatan = {row.code: (row.total, row.verified) for row in figures.per_kecamatan}
    assert per_kecamatan["33.75.01"] == (2, 1)
    assert per_kecamatan["33.75.04"] == (0, 0)
    assert figures.per_occupation[0] == ("Pengayuh becak", 2)
    assert all(total == 0 for _, total in figures.per_occupation[1:])


def test_home_keeps_its_figures_for_the_setting_s_seconds(client, admin_user, settings):
    settings.RENTAN_HOME_FIGURES_SECONDS = 60
    cache.clear()
    PersonFactory()
    client.login(username=admin_user.username, password=TEST_PASSWORD)
    assert client.get(reverse("home")).context["figures"].totals["active"] == 1

    PersonFactory()
    kept = client.get(reverse("home"))
    assert kept.context["figures"].totals["active"] == 1  # counted less than a minute ago
    assert "Angka per pukul" in kept.content.decode()

    cache.clear()  # as when the minute is over
    assert client.get(reverse("home")).context["figures"].totals["active"] == 2
    settings.RENTAN_HOME_FIGURES_SECONDS = 0
    PersonFactory()
    assert client.get(reverse("home")).context["figures"].totals["active"] == 3


def test_old_figures_are_served_while_one_thread_counts_again(settings, monkeypatch):
    settings.RENTAN_HOME_FIGURES_SECONDS = 60
    old = count_home_figures()
    key = f"{selectors.HOME_FIGURES_KEY}:registry:"
    cache.set(key, (timezone.now() - timedelta(minutes=5), old), None)
    started: list[object] = []

    class NotStarted:
        def __init__(self, target: object, args: tuple[object, ...], daemon: bool) -> None:
            self.target = target
            self.args = args

        def start(self) -> None:
            started.append(self.args[0])

    monkeypatch.setattr(selectors.threading, "Thread", NotStarted)
    try:
        assert selectors.home_figures() == old
        assert selectors.home_figures() == old
        assert started == [key]  # one recount, not one per visit
    finally:
        selectors._recounting.clear()
        cache.clear()
