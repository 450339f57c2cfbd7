"""Ending a membership asks first and says what will happen; only the confirmed POST ends it."""

from datetime import date

import pytest
from django.urls import reverse

from rentan.core.models import AuditAction, AuditEvent
from rentan.enrollment.models import Membership
from rentan.enrollment.services import memberships as membership_services
from rentan.enrollment.states import MembershipStatus
from rentan.enrollment.tests.helpers import fixed_cycle

pytestmark = pytest.mark.django_db

TODAY = date(2023, 1, 10)


def test_ending_a_membership_asks_first_then_ends_it(client, admin_user):
    cycle = fixed_cycle()
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY)
    membership = Membership.objects.select_related("person").order_by("pk").first()
    client.force_login(admin_user)
    url = reverse("enrollment:end_membership", args=[membership.pk])
    form = {"reason": "moved_away", "on": "2023-03-31", "note": "pindah ke Batang"}
    events = AuditEvent.objects.count()

    page = client.post(url, form).content.decode()
    assert "Hentikan kepesertaan?" in page
    assert membership.person.name in page
    assert "31 Maret 2023" in page
    assert "Pindah domisili ke luar daerah" in page
    assert "Tidak dapat diurungkan" in page
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.APPROVED
    assert AuditEvent.objects.count() == events

    client.post(url, {**form, "konfirmasi": "ya"})
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ENDED
    assert membership.ended_on == date(2023, 3, 31)
    assert AuditEvent.objects.filter(action=AuditAction.MEMBERSHIP_ENDED).exists()
