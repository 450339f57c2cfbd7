"""The demo's pending change requests: a few per operator's kelurahan, one pair in conflict."""

import io
from datetime import date

import pytest
from django.utils import timezone

from rentan.registry import demo_change_requests
from rentan.registry.models import ChangeRequest, ChangeRequestKind, ChangeRequestStatus, Household
from rentan.registry.selectors import conflicts_among
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_demo_leaves_a_few_pending_requests_of_each_kind_once(operator_user):
    for number, name in enumerate(["Darimin", "Kasmuri", "Tarsono", "Sukirno"]):
        PersonFactory(
            name=name,
            kelurahan_id=operator_user.kelurahan_id,
            verified_at=timezone.now(),
            monthly_income=1_000_000,
            household=Household.objects.create(kk_number=f"337501010110000{number}"),
        )
    out = io.StringIO()
    demo_change_requests.load(out=out, today=date(2026, 12, 2))
    requests = list(ChangeRequest.objects.all())
    assert {r.status for r in requests} == {ChangeRequestStatus.PENDING}
    assert sorted(r.kind for r in requests) == sorted(
        [
            ChangeRequestKind.EDIT,
            ChangeRequestKind.EDIT,
            ChangeRequestKind.EDIT,
            ChangeRequestKind.HOUSEHOLD,
            ChangeRequestKind.DEACTIVATION,
        ]
    )
    assert len(conflicts_among(requests)) == 2  # the two incomes for one worker, each way
    assert "5 usulan perubahan demo" in out.getvalue()
    demo_change_requests.load(out=out, today=date(2026, 12, 2))
    assert ChangeRequest.objects.count() == 5
