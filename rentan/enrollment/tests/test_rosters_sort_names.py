"""Rosters sort names in any case, as the person list does: a name typed in capitals sits
among the others ("abdul", "Budi", "ZAINAL"), not before every name typed in small letters
(the order of the characters' codes)."""

import pytest
from django.urls import reverse

from rentan.complaints.selectors import persons_to_choose
from rentan.enrollment.models import Membership
from rentan.enrollment.tests.test_views import _running
from rentan.programmes.selectors import lampiran_rows
from rentan.registry.models import Person
from rentan.testing.documents import workbook_text

pytestmark = pytest.mark.django_db

# As a kelurahan types them; in the order of the characters' codes ZAINAL comes first.
NAMES = ["abdul Rahman", "Budi Santoso", "ZAINAL Arifin"]


def _members_named(admin_user):
    """The three members of a running cycle, renamed, all in one kelurahan."""
    cycle, members = _running(admin_user)
    kelurahan = members[0].person.kelurahan_id
    for member, name in zip(members, reversed(NAMES), strict=True):
        Person.objects.filter(pk=member.person_id).update(name=name, kelurahan_id=kelurahan)
    return cycle


def _in_order_of_appearance(text: str) -> list[str]:
    return sorted(NAMES, key=text.index)


def test_the_memberships_page_and_its_export_sort_names_in_any_case(client, admin_user):
    cycle = _members_named(admin_user)
    client.force_login(admin_user)

    page = client.get(reverse("enrollment:memberships"), {"periode": cycle.pk})
    export = client.get(reverse("reporting:export_memberships"), {"periode": cycle.pk})

    assert [m.person.name for m in page.context["page"]] == NAMES
    assert _in_order_of_appearance(workbook_text(bytes(export.content))) == NAMES
    assert [m.person.name for m in Membership.objects.filter(cycle=cycle)] == NAMES


def test_the_lampiran_and_the_complaint_desk_sort_names_in_any_case(admin_user):
    cycle = _members_named(admin_user)

    assert [row["name"] for row in lampiran_rows(cycle)] == NAMES
    # The desk's search for the person complaining ("a" is in every name).
    assert [person.name for person in persons_to_choose(admin_user, "a")] == NAMES
