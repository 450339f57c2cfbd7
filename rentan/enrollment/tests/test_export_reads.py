"""The BPJS registration file, made and downloaded, names the persons it carries."""

from datetime import date

import pytest
from django.urls import reverse

from rentan.core.models import AuditAction, AuditEvent
from rentan.enrollment.models import Membership
from rentan.enrollment.services import memberships as membership_services
from rentan.enrollment.tests.helpers import fixed_cycle

pytestmark = pytest.mark.django_db


def test_registration_file_made_and_downloaded_names_its_persons(client, admin_user):
    cycle = fixed_cycle()
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=date(2023, 1, 5))
    persons = sorted(Membership.objects.values_list("person_id", flat=True))
    client.force_login(admin_user)
    response = client.post(reverse("enrollment:export", args=[cycle.pk]), follow=True)
    client.get(reverse("enrollment:exchange_download", args=[response.context["exchange"].pk]))
    made, downloaded = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("id")
    assert made.target_type == "enrollment.membership"
    assert downloaded.target_type == "enrollment.exchangefile"
    for event in (made, downloaded):
        assert event.actor == admin_user
        assert sorted(event.subjects.values_list("person_id", flat=True)) == persons
