"""The demo step leaves a few complaints in every state, moved through the services."""

import io
from datetime import date

import pytest

from rentan.complaints import demo
from rentan.complaints.lifecycle import ComplaintStatus
from rentan.complaints.models import Complaint
from rentan.programmes import services as programme_services
from rentan.programmes.tests.conftest import VERIFIED, make_cycle
from rentan.testing.factories import PersonFactory, make_user

pytestmark = pytest.mark.django_db


def test_the_demo_holds_complaints_in_every_state_and_an_appeal(admin_user, programme):
    make_user("verifikator")
    operator = make_user("operator", kelurahan_code="33.75.01.1002")
    for n in range(4):
        PersonFactory(verified_at=VERIFIED, monthly_income=500_000 + n)
    for _ in range(4):
        PersonFactory(verified_at=None)
    cycle = make_cycle(programme, target=1, budget_ceiling=10 * 16_800 * 12)
    programme_services.allocate_cycle(actor=admin_user, cycle=cycle)
    programme_services.approve_cycle(actor=admin_user, cycle=cycle, decree_reference="SK 1")

    demo.load(out=io.StringIO(), today=date(2026, 12, 2))

    states = set(Complaint.objects.values_list("status", flat=True))
    assert states == set(ComplaintStatus)
    appeal = Complaint.objects.get(appeals__isnull=False)
    assert appeal.appeals.decision == "ditolak"
    assert Complaint.objects.filter(kelurahan_id=operator.kelurahan_id).exists()
    assert Complaint.objects.filter(due_on__lt=date(2026, 12, 2), status="diterima").exists()
    out = io.StringIO()
    demo.load(out=out, today=date(2026, 12, 2))
    assert "sudah ada" in out.getvalue()
