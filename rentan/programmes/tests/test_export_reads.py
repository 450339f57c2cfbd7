"""The lampiran names every person it carries, and the explanation page the person it
explains, so a person's page can list who saw or exported their data."""

import pytest

from rentan.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_lampiran_export_names_its_persons(client, allocated, admin_user, fmt):
    _cycle, (budi, agus) = allocated
    client.force_login(admin_user)
    assert client.get(f"/program/uji/2023/lampiran.{fmt}").status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == admin_user
    assert sorted(event.subjects.values_list("person_id", flat=True)) == sorted([budi.pk, agus.pk])


def test_explanation_page_records_its_person(client, allocated, verifier_user):
    _cycle, (budi, _agus) = allocated
    client.force_login(verifier_user)
    assert client.get(f"/program/uji/2023/pekerja/{budi.pk}/").status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert (event.actor, event.target_id) == (verifier_user, str(budi.pk))
    assert list(event.subjects.values_list("person_id", flat=True)) == [budi.pk]
