"""Logins through the real login page: throttling and lockout (django-axes), and the audit
trail of every login, failed login, lockout and logout."""

import json
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from rentan.accounts.services import LOGIN_ATTEMPT
from rentan.core.models import AuditAction, AuditEvent
from rentan.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "bukan-kata-sandinya"
LOCKOUT_TEXT = "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 15 menit"


def post_login(client, username, password, **extra):
    extra.setdefault("REMOTE_ADDR", "10.1.2.3")
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def is_signed_in(client):
    return "_auth_user_id" in client.session


def test_fifth_wrong_password_locks_and_the_right_one_is_refused_until_the_window_passes(
    client, operator_user
):
    for _ in range(4):
        response = post_login(client, operator_user.username, WRONG)
        assert response.status_code == 200
        assert "Nama pengguna atau kata sandi salah." in response.content.decode()

    locked = post_login(client, operator_user.username, WRONG)
    assert locked.status_code == 429
    assert LOCKOUT_TEXT in locked.content.decode()
    assert "hubungi admin Dinas" in locked.content.decode()

    refused = post_login(client, operator_user.username, TEST_PASSWORD)
    assert refused.status_code == 429
    assert not is_signed_in(client)

    # Fifteen minutes pass without a try: the attempts fall out of the window.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    response = post_login(client, operator_user.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert is_signed_in(client)


def test_lock_holds_for_the_username_from_that_address_only(client, operator_user, admin_user):
    for _ in range(5):
        post_login(client, operator_user.username, WRONG)

    assert post_login(client, admin_user.username, TEST_PASSWORD).status_code == 302
    client.logout()
    other_address = post_login(
        client, operator_user.username, TEST_PASSWORD, REMOTE_ADDR="10.9.9.9"
    )
    assert other_address.status_code == 302


def test_admin_unlocks_a_username_with_the_reset_command(client, operator_user):
    for _ in range(5):
        post_login(client, operator_user.username, WRONG)
    assert post_login(client, operator_user.username, TEST_PASSWORD).status_code == 429

    call_command("axes_reset_username", operator_user.username)

    assert post_login(client, operator_user.username, TEST_PASSWORD).status_code == 302


def test_success_clears_earlier_failures(client, operator_user):
    for _ in range(4):
        post_login(client, operator_user.username, WRONG)
    assert post_login(client, operator_user.username, TEST_PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        assert post_login(client, operator_user.username, WRONG).status_code == 200


def test_behind_a_proxy_the_configured_header_names_the_address(client, operator_user, settings):
    settings.RENTAN_CLIENT_IP_HEADER = "X-Forwarded-For"
    proxy = {"REMOTE_ADDR": "192.168.0.1"}
    for _ in range(5):
        post_login(client, operator_user.username, WRONG, HTTP_X_FORWARDED_FOR="36.1.1.1", **proxy)

    # Another client behind the same proxy is not locked; the locked one still is, whatever
    # it writes itself before the address the proxy appended.
    other = post_login(
        client, operator_user.username, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="36.2.2.2", **proxy
    )
    assert other.status_code == 302
    client.logout()
    spoofed = post_login(
        client,
        operator_user.username,
        TEST_PASSWORD,
        HTTP_X_FORWARDED_FOR="36.3.3.3, 36.1.1.1",
        **proxy,
    )
    assert spoofed.status_code == 429
    event = AuditEvent.objects.filter(action=AuditAction.LOCKOUT).get()
    assert event.changes["ip"] == "36.1.1.1"


def test_without_the_setting_a_forwarded_header_is_ignored(client, operator_user):
    for forwarded in ["36.1.1.1", "36.2.2.2", "36.3.3.3", "36.4.4.4", "36.5.5.5"]:
        post_login(client, operator_user.username, WRONG, HTTP_X_FORWARDED_FOR=forwarded)

    response = post_login(
        client, operator_user.username, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="1.1.1.1"
    )
    assert response.status_code == 429


def test_login_is_recorded_with_the_address(client, operator_user):
    post_login(client, operator_user.username, TEST_PASSWORD)

    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert event.actor == operator_user
    assert (event.target_type, event.target_id) == ("accounts.user", str(operator_user.pk))
    assert event.changes == {"ip": "10.1.2.3"}


def test_failed_login_records_the_username_tried_never_the_password(client, operator_user):
    post_login(client, operator_user.username, WRONG)

    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.actor is None
    assert (event.target_type, event.target_id) == ("accounts.user", str(operator_user.pk))
    assert event.changes == {"username": operator_user.username, "ip": "10.1.2.3"}
    everything = json.dumps(
        [list(AuditEvent.objects.values()), list(AccessAttempt.objects.values())], default=str
    )
    assert WRONG not in everything


def test_failed_login_with_an_unknown_username_names_the_attempt(client, db):
    post_login(client, "tidak-ada-orangnya", WRONG)

    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (event.target_type, event.target_id) == (LOGIN_ATTEMPT, "tidak-ada-orangnya")
    assert event.changes["username"] == "tidak-ada-orangnya"


def test_lockout_is_recorded_once_when_it_begins(client, operator_user):
    for _ in range(7):
        post_login(client, operator_user.username, WRONG)
    post_login(client, operator_user.username, TEST_PASSWORD)

    lockout = AuditEvent.objects.get(action=AuditAction.LOCKOUT)
    assert (lockout.target_type, lockout.target_id) == ("accounts.user", str(operator_user.pk))
    assert lockout.changes == {"username": operator_user.username, "ip": "10.1.2.3", "failures": 5}
    # Every try counts as a failed login, the right password refused while locked included.
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 8
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_logout_is_recorded(client, operator_user):
    post_login(client, operator_user.username, TEST_PASSWORD)
    response = client.post(reverse("logout"), REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.LOGOUT)
    assert event.actor == operator_user
    assert event.changes == {"ip": "10.1.2.3", "reason": "signed_out"}


def test_test_client_logins_still_work_with_lockout_on(client, operator_user, settings):
    """The suite's own shortcuts: `login()` without a request and `force_login()`."""
    assert settings.AXES_ENABLED is not False
    assert client.login(username=operator_user.username, password=TEST_PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    client.logout()
    client.force_login(operator_user)
    assert client.get(reverse("home")).status_code == 200
