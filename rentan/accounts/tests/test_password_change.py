"""The page to change one's own password."""

import pytest
from django.urls import reverse

from rentan.core.models import AuditAction, AuditEvent
from rentan.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEW = "batik-pesisir-2026"


def change(client, old, new1, new2=None):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new1, "new_password2": new2 or new1},
    )


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_page_is_in_indonesian_and_linked_from_the_header(client, leader_user):
    client.force_login(leader_user)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("password_change")}"' in home

    page = client.get(reverse("password_change")).content.decode()
    assert "Ganti kata sandi" in page
    assert "Kata sandi lama" in page


def test_change_keeps_the_session_records_the_event_and_the_new_password_works(
    client, operator_user
):
    client.force_login(operator_user)
    response = change(client, TEST_PASSWORD, NEW)

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.PASSWORD_CHANGE)
    assert event.actor == operator_user
    assert (event.target_type, event.target_id) == ("accounts.user", str(operator_user.pk))
    assert NEW not in str(event.changes)
    client.logout()
    login = reverse("login")
    assert (
        client.post(login, {"username": "operator", "password": TEST_PASSWORD}).status_code == 200
    )
    assert client.post(login, {"username": "operator", "password": NEW}).status_code == 302


def test_wrong_old_password_changes_nothing(client, operator_user):
    client.force_login(operator_user)
    response = change(client, "salah", NEW)

    assert response.status_code == 200
    operator_user.refresh_from_db()
    assert operator_user.check_password(TEST_PASSWORD)
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE).exists()


def test_weak_new_password_is_refused_in_indonesian(client, operator_user):
    client.force_login(operator_user)
    response = change(client, TEST_PASSWORD, "12345678")

    assert response.status_code == 200
    assert "terlalu umum" in response.content.decode()


def test_other_sessions_of_the_account_end(client, operator_user, django_user_model):
    from django.test import Client

    elsewhere = Client()
    elsewhere.force_login(operator_user)
    client.force_login(operator_user)
    change(client, TEST_PASSWORD, NEW)

    assert elsewhere.get(reverse("home")).status_code == 302
