"""Refused and missing pages: Rentan's layout, in Indonesian, with the signed-in user's menu
(production settings: DEBUG off); an htmx request gets the message alone."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import bad_request, server_error

from rentan.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_errors(settings):
    settings.DEBUG = False


def _login(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)
    return client


def test_a_page_outside_the_role_is_refused_on_a_rentan_page_with_the_menu(client, bpjs_user):
    response = _login(client, bpjs_user).get(reverse("registry:person_list"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Akses ditolak</h1>" in page
    assert "bukan bagian dari pekerjaan peran Anda" in page
    assert 'aria-label="Menu utama"' in page
    assert reverse("enrollment:exchange_files") in page  # the officer's own menu
    assert "Forbidden" not in page


def test_a_refused_post_from_a_view_answers_the_same_page(client, leader_user):
    response = _login(client, leader_user).post(reverse("enrollment:claims"), {})
    assert response.status_code == 403
    assert 'aria-label="Menu utama"' in response.content.decode()


def test_an_unknown_address_and_a_missing_record_are_rentan_pages(client, bpjs_user):
    _login(client, bpjs_user)
    for url in ("/tidak-ada/", reverse("enrollment:exchange_detail", args=[999_999])):
        response = client.get(url)
        assert response.status_code == 404, url
        page = response.content.decode()
        assert "<h1>Halaman tidak ditemukan</h1>" in page
        assert 'aria-label="Menu utama"' in page
        assert "Not Found" not in page


def test_a_visitor_not_signed_in_gets_the_missing_page_without_a_menu(client):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Halaman tidak ditemukan" in page
    assert 'aria-label="Menu utama"' not in page


def test_an_htmx_request_is_answered_with_the_message_alone(client, bpjs_user):
    _login(client, bpjs_user)
    refused = client.get(reverse("registry:person_list"), HTTP_HX_REQUEST="true")
    assert refused.status_code == 403
    text = refused.content.decode()
    assert "Akses ditolak" in text
    assert 'role="alert"' in text
    assert "<html" not in text
    assert "Menu utama" not in text
    missing = client.get("/tidak-ada/", HTTP_HX_REQUEST="true")
    assert missing.status_code == 404
    assert "<html" not in missing.content.decode()


def test_htmx_is_told_to_show_a_refused_or_missing_answer_in_place(client, admin_user):
    page = _login(client, admin_user).get(reverse("home")).content.decode()
    assert 'name="htmx-config"' in page
    assert '{"code":"40[34]","swap":true,"error":true}' in page


@pytest.mark.parametrize(
    ("handler", "status", "title"),
    [(server_error, 500, "Terjadi kesalahan di server"), (bad_request, 400, "tidak dapat dibaca")],
)
def test_a_server_error_and_a_bad_request_speak_indonesian(handler, status, title):
    request = RequestFactory().get("/")
    response = handler(request) if status == 500 else handler(request, Exception())
    assert response.status_code == status
    page = response.content.decode()
    assert title in page
    assert "Server Error" not in page
    assert "Bad Request" not in page


def test_a_form_sent_without_its_token_is_refused_on_a_rentan_page(bpjs_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bpjs_user)
    response = client.post(reverse("enrollment:claims"), {})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Formulir kedaluwarsa" in page
    assert 'aria-label="Menu utama"' in page
    assert "CSRF verification failed" not in page
