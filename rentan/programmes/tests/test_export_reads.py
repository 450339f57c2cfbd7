"""The lampiran names every person it carries, so a person's page can list who exported it."""

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
