"""What an operator of one kelurahan sees around the person list, and the deactivation that
asks first."""

import pytest
from django.urls import reverse

from rentan.core.models import AuditEvent
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_operator_header_names_their_kelurahan_and_dinas_header_names_none(
    client, operator_user, admin_user
):
    client.force_login(operator_user)
    page = client.get(reverse("registry:person_list")).content.decode()
    assert '<b data-testid="work-area">Kel. Medono</b>' in page
    client.force_login(admin_user)
    assert 'data-testid="work-area"' not in client.get(reverse("home")).content.decode()


def test_area_filters_and_column_are_hidden_from_an_operator(client, operator_user, admin_user):
    PersonFactory(name="Darimin")
    client.force_login(operator_user)
    page = client.get(reverse("registry:person_list")).content.decode()
    assert "Darimin" in page
    assert 'name="kecamatan"' not in page
    assert 'name="kelurahan"' not in page
    assert ">Kelurahan</th>" not in page
    client.force_login(admin_user)
    page = client.get(reverse("registry:person_list")).content.decode()
    assert 'name="kecamatan"' in page
    assert 'name="kelurahan"' in page
    assert ">Kelurahan</th>" in page


def test_deactivation_asks_first_then_deactivates(client, admin_user):
    person = PersonFactory(name="Darimin")
    client.force_login(admin_user)
    url = reverse("registry:person_deactivate", args=[person.pk])
    form = {"reason": "moved_away", "on": "2026-11-30", "note": "pindah ke Batang"}
    events = AuditEvent.objects.count()

    page = client.post(url, form).content.decode()
    assert "Nonaktifkan pekerja?" in page
    assert f"Darimin (data #{person.pk}, NIK {person.masked_nik}, Medono)" in page
    assert "30 November 2026" in page
    assert "Dapat diurungkan" in page
    person.refresh_from_db()
    assert person.is_active
    assert AuditEvent.objects.count() == events

    client.post(url, {**form, "konfirmasi": "ya"})
    person.refresh_from_db()
    assert not person.is_active
