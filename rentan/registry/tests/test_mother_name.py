"""The mother's maiden name: asked by the person form, shown on the person page, optional
for the registry (BPJS needs it only to register the worker)."""

from datetime import date

import pytest
from django.urls import reverse

from rentan.registry.models import Person
from rentan.registry.selectors import registry_context
from rentan.registry.tests.test_views import form_data
from rentan.registry.validation import PersonDraft, PersonField, RecordProblem, check_person

pytestmark = pytest.mark.django_db


def test_form_stores_the_mother_name_and_the_person_page_shows_it(client, operator_user):
    client.force_login(operator_user)
    response = client.post(
        reverse("registry:person_create"), form_data(mother_name="  SITI   KHOTIJAH ")
    )
    person = Person.objects.get()
    assert response.status_code == 302
    assert person.mother_name == "Siti Khotijah"
    page = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert "Siti Khotijah" in page


def test_a_person_without_the_mother_name_is_registered_and_the_page_says_bpjs_needs_it(
    client, operator_user
):
    client.force_login(operator_user)
    client.post(reverse("registry:person_create"), form_data())
    person = Person.objects.get()
    assert person.mother_name == ""
    page = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert "wajib untuk pendaftaran BPJS Ketenagakerjaan" in page


def test_the_edit_form_fills_in_a_missing_mother_name(client, operator_user):
    client.force_login(operator_user)
    client.post(reverse("registry:person_create"), form_data())
    person = Person.objects.get()
    form = client.get(reverse("registry:person_edit", args=[person.pk])).content.decode()
    assert 'name="mother_name"' in form
    client.post(reverse("registry:person_edit", args=[person.pk]), form_data(mother_name="Tumini"))
    person.refresh_from_db()
    assert person.mother_name == "Tumini"


def test_a_mother_name_with_digits_is_refused(client, operator_user):
    client.force_login(operator_user)
    response = client.post(reverse("registry:person_create"), form_data(mother_name="Tumini 2"))
    assert response.status_code == 200
    assert "Nama ibu kandung tidak boleh berisi angka" in response.content.decode()
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("typed", "stored", "problem"),
    [
        ("", "", None),
        ("sri rejeki", "Sri Rejeki", None),
        ("Aminah 2", "Aminah 2", RecordProblem.MOTHER_NAME_HAS_DIGITS),
        ("Ani " * 38, ("Ani " * 38).strip(), RecordProblem.TOO_LONG),
    ],
)
def test_check_person_judges_the_mother_name(typed, stored, problem):
    draft = PersonDraft(
        nik="3375010501850001",
        name="Budi",
        birth_date=date(1985, 1, 5),
        sex="L",
        kelurahan_code="33.75.01.1002",
        occupation_code="pengayuh-becak",
        mother_name=typed,
    )
    checked = check_person(draft, registry_context())
    found = [i.problem for i in checked.issues if i.field is PersonField.MOTHER_NAME]
    assert found == ([problem] if problem else [])
    assert draft.mother_name == stored
