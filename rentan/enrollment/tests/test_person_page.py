"""A person's page shows their memberships: KPJ number, status and its changes, to those who
may see memberships."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rentan.enrollment.models import Membership
from rentan.enrollment.services import exchange_files as file_services
from rentan.enrollment.services import memberships as membership_services
from rentan.enrollment.tests.helpers import accepted, fixed_cycle, reply_file

pytestmark = pytest.mark.django_db
TODAY = date(2023, 1, 5)


def test_the_persons_page_shows_the_kpj_number_and_the_membership_history(
    client, admin_user, verifier_user
):
    cycle = fixed_cycle()
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY)
    file_services.export_registration(actor=admin_user, cycle=cycle, today=TODAY)
    member = Membership.objects.select_related("person").order_by("person__nik").first()
    assert member is not None
    file_services.import_bpjs_reply(
        actor=admin_user,
        content=reply_file(accepted(member.person.nik, "23000000001")),
        filename="balasan.xlsx",
        today=TODAY,
    )
    client.force_login(admin_user)

    with CaptureQueriesContext(connection) as queries:
        body = client.get(f"/pekerja/{member.person_id}/").content.decode()
    read = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('SELECT "enrollment_membership"."id"')
    ]
    changes = [
        query["sql"]
        for query in queries.captured_queries
        if 'FROM "enrollment_membershipchange"' in query["sql"]
    ]

    assert 'data-testid="kpj">KPJ 23000000001<' in body
    # The memberships are read alone: the person and the cycles are the page's already.
    assert len(read) == 1
    assert "registry_person" not in read[0]
    assert "programmes_programme" not in read[0]
    # ...and their changes by date within each, without joining them all again to sort.
    assert len(changes) == 1
    assert "programmes_programme" not in changes[0]
    assert "Riwayat kepesertaan" in body
    assert "Didaftarkan → Aktif" in body
    assert f"/program/{cycle.programme.code}/{cycle.year}/pekerja/{member.person_id}/" in body

    # The verifikator sees the standing, not the membership (memberships_visible_to).
    client.force_login(verifier_user)
    body = client.get(f"/pekerja/{member.person_id}/").content.decode()
    assert "Terpilih" in body
    assert "23000000001" not in body
