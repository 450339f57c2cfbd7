from datetime import date

import pytest
from django.urls import reverse

from rentan.core.models import AuditAction, AuditEvent
from rentan.registry import services
from rentan.registry.models import DeactivationReason, Person
from rentan.testing.factories import TEST_PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "nik": "3375010501850001",
        "kk_number": "",
        "name": "Budi Santoso",
        "birth_place": "Pekalongan",
        "birth_date": "1985-01-05",
        "sex": "L",
        "street_address": "Jl. Hayam Wuruk 5",
        "rt": "1",
        "rw": "2",
        "kelurahan": "33.75.01.1002",
        "phone": "081234567890",
        "occupation": "pengayuh-becak",
        "monthly_income": "1500000",
        "dependents": "2",
    }
    data.update(overrides)
    return data


def test_form_shows_indonesian_error_next_to_birth_date(client, operator_user):
    client.login(username=operator_user.username, password=TEST_PASSWORD)
    response = client.post(reverse("registry:person_create"), form_data(birth_date="1985-01-06"))
    assert response.status_code == 200
    errors = response.context["form"].errors["birth_date"]
    assert any("Tanggal lahir tidak sesuai dengan NIK" in e for e in errors)
    assert 'id="error-birth_date"' in response.content.decode()
    assert not Person.objects.exists()


def test_form_rejects_nik_mangled_by_excel(client, operator_user):
    client.login(username=operator_user.username, password=TEST_PASSWORD)
    response = client.post(reverse("registry:person_create"), form_data(nik="3.37501050185E+15"))
    assert "nik" in response.context["form"].errors
    assert not Person.objects.exists()


def test_operator_adds_a_person_in_own_kelurahan(client, operator_user):
    client.login(username=operator_user.username, password=TEST_PASSWORD)
    response = client.post(reverse("registry:person_create"), form_data())
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:person_detail", args=[person.pk])
    assert person.phone == "+6281234567890"


def test_operator_cannot_post_a_person_into_another_kelurahan(client, operator_user):
    client.login(username=operator_user.username, password=TEST_PASSWORD)
    response = client.post(reverse("registry:person_create"), form_data(kelurahan="33.75.04.1010"))
    assert "kelurahan" in response.context["form"].errors
    assert not Person.objects.exists()


def test_edit_page_shows_full_nik_and_records_that(client, operator_user):
    person = PersonFactory()
    client.login(username=operator_user.username, password=TEST_PASSWORD)
    response = client.get(reverse("registry:person_edit", args=[person.pk]))
    assert person.nik in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.VIEW_NIK, actor=operator_user).exists()


def test_reveal_nik_returns_number_and_records_view(client, verifier_user):
    person = PersonFactory()
    client.login(username=verifier_user.username, password=TEST_PASSWORD)
    response = client.post(
        reverse("registry:person_reveal_nik", args=[person.pk]), HTTP_HX_REQUEST="true"
    )
    assert person.nik in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.VIEW_NIK).count() == 1


def test_detail_page_masks_nik(client, verifier_user):
    person = PersonFactory()
    client.login(username=verifier_user.username, password=TEST_PASSWORD)
    body = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert person.masked_nik in body
    assert person.nik not in body


def test_search_by_name_and_filter_by_occupation(client, admin_user):
    PersonFactory(name="Slamet Riyadi")
    PersonFactory(name="Slamet Widodo")
    client.login(username=admin_user.username, password=TEST_PASSWORD)
    page = client.get(reverse("registry:person_list"), {"q": "slamet riy"}).context["page"]
    assert [p.name for p in page] == ["Slamet Riyadi"]
    page = client.get(reverse("registry:person_list"), {"occupation": "kuli-bangunan"}).context[
        "page"
    ]
    assert list(page) == []


def test_list_pages_on_by_the_last_name_shown(client, admin_user):
    for _ in range(30):
        PersonFactory()
    client.login(username=admin_user.username, password=TEST_PASSWORD)
    first = client.get(reverse("registry:person_list")).context["page"]
    response = client.get(reverse("registry:person_list"), {"sesudah": first.last_pk})
    assert len(response.context["page"].object_list) == 5
    assert f"sebelum={response.context['page'].first_pk}" in response.content.decode()


def test_admin_reads_audit_trail_operator_does_not(client, admin_user, operator_user):
    person = PersonFactory()
    client.login(username=operator_user.username, password=TEST_PASSWORD)
    assert client.get(reverse("registry:person_audit", args=[person.pk])).status_code == 403
    client.login(username=admin_user.username, password=TEST_PASSWORD)
    assert client.get(reverse("registry:person_audit", args=[person.pk])).status_code == 200


def test_verifier_verifies_and_cannot_edit(client, verifier_user):
    person = PersonFactory()
    client.login(username=verifier_user.username, password=TEST_PASSWORD)
    client.post(reverse("registry:person_verify", args=[person.pk]))
    person.refresh_from_db()
    assert person.is_verified
    assert client.get(reverse("registry:person_edit", args=[person.pk])).status_code == 403


def test_english_switch_translates_the_interface(client, admin_user):
    client.login(username=admin_user.username, password=TEST_PASSWORD)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("registry:person_list")).content.decode()
    assert "Workers" in body


def test_interface_is_indonesian_even_for_an_english_browser(client, admin_user):
    client.login(username=admin_user.username, password=TEST_PASSWORD)
    body = client.get(reverse("registry:person_list"), HTTP_ACCEPT_LANGUAGE="en-US,en").content
    assert "Tambah pekerja" in body.decode()


def test_person_history_shows_each_change_before_and_after(client, admin_user):
    client.force_login(admin_user)
    client.post(reverse("registry:person_create"), form_data())
    person = Person.objects.get()
    client.post(reverse("registry:person_edit", args=[person.pk]), form_data(name="Budi Utomo"))
    services.deactivate_person(
        actor=admin_user, person=person, reason=DeactivationReason.MOVED_AWAY, on=date(2026, 10, 1)
    )
    page = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert "<b>name</b>: Budi Santoso → Budi Utomo" in page
    assert "<b>is_active</b>: True → False" in page
