"""Allocating again throws the stored list away: it asks first and says how many places go."""

import pytest

from rentan.core.models import AuditAction, AuditEvent
from rentan.programmes.models import CycleStatus, Placement
from rentan.programmes.tests.conftest import VERIFIED, make_cycle
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_first_allocation_needs_no_confirmation_but_reallocation_does(
    client, programme, admin_user
):
    for _ in range(3):
        PersonFactory(verified_at=VERIFIED)
    cycle = make_cycle(programme, target=2)
    client.force_login(admin_user)

    assert client.post("/program/uji/2023/alokasi/").status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.ALLOCATED
    placements = sorted(Placement.objects.values_list("pk", flat=True))
    events = AuditEvent.objects.filter(action=AuditAction.CYCLE_ALLOCATED).count()

    page = client.post("/program/uji/2023/alokasi/").content.decode()
    assert "Alokasikan ulang?" in page
    assert "(0 lanjutan, 2 baru, 1 cadangan) dibuang" in page
    assert sorted(Placement.objects.values_list("pk", flat=True)) == placements
    assert AuditEvent.objects.filter(action=AuditAction.CYCLE_ALLOCATED).count() == events

    client.post("/program/uji/2023/alokasi/", {"konfirmasi": "ya"})
    assert AuditEvent.objects.filter(action=AuditAction.CYCLE_ALLOCATED).count() == events + 1
    assert sorted(Placement.objects.values_list("pk", flat=True)) != placements
