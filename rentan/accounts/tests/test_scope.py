"""An operator sees only their own kelurahan; pimpinan never sees personal data."""

import pytest
from django.test import Client
from django.urls import reverse

from rentan.testing.factories import TEST_PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db


def login(client: Client, user: object) -> Client:
    assert client.login(username=user.username, password=TEST_PASSWORD)  # type: ignore[attr-defined]
    return client


@pytest.fixture
def own_and_other() -> tuple[object, object]:
    own = PersonFactory(name="Slamet Riyadi", kelurahan_id="33.75.01.1002")
    other = PersonFactory(name="Warsini Rahayu", kelurahan_id="33.75.04.1010")
    return own, other


def test_operator_lists_only_own_kelurahan(client, operator_user, own_and_other):
    own, other = own_and_other
    body = login(client, operator_user).get(reverse("registry:person_list")).content.decode()
    assert own.name in body
    assert other.name not in body


def test_operator_search_does_not_reach_other_kelurahan(client, operator_user, own_and_other):
    _, other = own_and_other
    login(client, operator_user)
    body = client.get(reverse("registry:person_list"), {"q": other.nik}).content.decode()
    assert other.name not in body
    body = client.get(reverse("registry:person_list"), {"kelurahan": other.kelurahan_id}).content
    assert other.name not in body.decode()


@pytest.mark.parametrize(
    ("url_name", "method"),
    [
        ("registry:person_detail", "get"),
        ("registry:person_edit", "get"),
        ("registry:person_edit", "post"),
        ("registry:person_reveal_nik", "post"),
        ("registry:person_deactivate", "post"),
    ],
)
def test_operator_cannot_open_or_guess_other_kelurahan_person(
    client, operator_user, own_and_other, url_name, method
):
    _, other = own_and_other
    login(client, operator_user)
    response = getattr(client, method)(reverse(url_name, args=[other.pk]))
    assert response.status_code in (403, 404)
    assert other.nik.encode() not in response.content
    assert other.name.encode() not in response.content


def test_operator_opens_own_person(client, operator_user, own_and_other):
    own, _ = own_and_other
    response = login(client, operator_user).get(reverse("registry:person_detail", args=[own.pk]))
    assert response.status_code == 200
    assert own.name in response.content.decode()


def test_operator_cannot_put_a_person_into_another_kelurahan(client, operator_user):
    login(client, operator_user)
    response = client.get(reverse("registry:person_create"))
    choices = dict(response.context["form"].fields["kelurahan"].choices)
    assert set(choices) == {"", "33.75.01.1002"}


@pytest.mark.parametrize("url_name", ["registry:person_list", "registry:person_create"])
def test_leader_cannot_reach_personal_pages(client, leader_user, url_name):
    response = login(client, leader_user).get(reverse(url_name))
    assert response.status_code == 403


def test_leader_home_shows_aggregates_without_nik(client, leader_user, own_and_other):
    own, other = own_and_other
    response = login(client, leader_user).get(reverse("home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert own.nik not in body
    assert other.nik not in body
    assert own.masked_nik not in body
    assert own.name not in body
    assert response.context["figures"].totals["active"] == 2


def test_leader_cannot_open_a_person(client, leader_user, own_and_other):
    own, _ = own_and_other
    login(client, leader_user)
    assert client.get(reverse("registry:person_detail", args=[own.pk])).status_code == 403
    assert client.post(reverse("registry:person_reveal_nik", args=[own.pk])).status_code == 403


def test_bpjs_officer_has_no_registry_access(client, bpjs_user, own_and_other):
    own, _ = own_and_other
    login(client, bpjs_user)
    assert client.get(reverse("registry:person_list")).status_code == 403
    assert client.get(reverse("registry:person_detail", args=[own.pk])).status_code == 403


def test_verifier_sees_every_kelurahan(client, verifier_user, own_and_other):
    own, other = own_and_other
    body = login(client, verifier_user).get(reverse("registry:person_list")).content.decode()
    assert own.name in body
    assert other.name in body


def test_anonymous_is_sent_to_login(client, own_and_other):
    own, _ = own_and_other
    response = client.get(reverse("registry:person_detail", args=[own.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_list_masks_nik_even_for_admin(client, admin_user, own_and_other):
    own, _ = own_and_other
    body = login(client, admin_user).get(reverse("registry:person_list")).content.decode()
    assert own.nik not in body
    assert own.masked_nik in body
