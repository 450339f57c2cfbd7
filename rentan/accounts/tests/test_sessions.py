"""Sessions end after a while unused and some hours after login, with the reason shown."""

import time

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from rentan.accounts.access_table import ACCESS
from rentan.accounts.middleware import LAST_ACTIVE_AT, STARTED_AT
from rentan.accounts.sessions import SessionEnd, session_end
from rentan.core.models import AuditAction, AuditEvent

HOUR = 3600
IDLE_TEXT = "Sesi berakhir karena tidak aktif selama 30 menit. Silakan masuk lagi."


@pytest.mark.parametrize(
    ("started_ago", "active_ago", "ended"),
    [
        (60, 60, None),
        (HOUR, 29 * 60, None),
        (HOUR, 30 * 60, SessionEnd.IDLE),
        (12 * HOUR, 0, SessionEnd.MAX_AGE),
        (11 * HOUR, 10, None),
        (13 * HOUR, 31 * 60, SessionEnd.MAX_AGE),
        (None, None, None),
    ],
)
def test_session_end(started_ago, active_ago, ended):
    now = 1_800_000_000.0
    assert (
        session_end(
            now=now,
            started_at=None if started_ago is None else now - started_ago,
            last_active_at=None if active_ago is None else now - active_ago,
            idle_seconds=30 * 60,
            max_age_seconds=12 * HOUR,
        )
        is ended
    )


def shift(client, key, seconds_ago):
    session = client.session
    session[key] = time.time() - seconds_ago
    session.save()


@pytest.fixture
def signed_in(client, operator_user):
    client.force_login(operator_user)
    return client


def test_session_unused_for_30_minutes_ends_with_the_reason(signed_in, operator_user):
    shift(signed_in, LAST_ACTIVE_AT, 31 * 60)

    response = signed_in.get(reverse("registry:person_list"))

    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=" + reverse("registry:person_list")
    page = signed_in.get(response.url)
    assert IDLE_TEXT in page.content.decode()
    assert signed_in.get(reverse("home")).status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.LOGOUT)
    assert event.actor == operator_user
    assert event.changes["reason"] == "idle"


def test_activity_keeps_the_session(signed_in):
    shift(signed_in, LAST_ACTIVE_AT, 29 * 60)

    assert signed_in.get(reverse("home")).status_code == 200
    assert time.time() - signed_in.session[LAST_ACTIVE_AT] < 60


def test_idle_limit_is_a_setting(signed_in, settings):
    settings.RENTAN_IDLE_TIMEOUT_MINUTES = 10
    shift(signed_in, LAST_ACTIVE_AT, 11 * 60)

    response = signed_in.get(reverse("home"), follow=True)

    assert "tidak aktif selama 10 menit" in response.content.decode()


def test_polling_does_not_count_as_activity(signed_in, settings):
    # Every name in the setting is a URL of Rentan's (the access table lists them all).
    assert set(settings.RENTAN_POLLING_URL_NAMES) <= set(ACCESS)
    settings.RENTAN_POLLING_URL_NAMES = ["home"]
    shift(signed_in, LAST_ACTIVE_AT, 25 * 60)
    before = signed_in.session[LAST_ACTIVE_AT]

    assert signed_in.get(reverse("home"), HTTP_HX_REQUEST="true").status_code == 200

    assert signed_in.session[LAST_ACTIVE_AT] == before


def test_the_person_opening_a_polled_url_is_activity(signed_in, settings):
    settings.RENTAN_POLLING_URL_NAMES = ["home"]
    shift(signed_in, LAST_ACTIVE_AT, 25 * 60)
    before = signed_in.session[LAST_ACTIVE_AT]

    assert signed_in.get(reverse("home")).status_code == 200  # no htmx: a click or a download

    assert signed_in.session[LAST_ACTIVE_AT] > before


def test_session_ends_12_hours_after_login_however_active(signed_in):
    shift(signed_in, STARTED_AT, 12 * HOUR + 60)

    response = signed_in.get(reverse("home"))

    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Sesi berakhir karena sudah berlangsung 12 jam. Silakan masuk lagi."]
    assert AuditEvent.objects.get(action=AuditAction.LOGOUT).changes["reason"] == "max_age"


def test_htmx_request_after_the_timeout_sends_the_whole_page_to_login(signed_in):
    shift(signed_in, LAST_ACTIVE_AT, 31 * 60)

    response = signed_in.get(
        reverse("imports:batch_progress", args=[1]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/impor/1/",
    )

    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("login") + "?next=/impor/1/"


def test_login_starts_the_clock(client, operator_user):
    client.force_login(operator_user)

    assert time.time() - client.session[STARTED_AT] < 60
    assert client.session[STARTED_AT] == client.session[LAST_ACTIVE_AT]
