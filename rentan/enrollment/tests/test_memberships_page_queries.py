"""The memberships page counts its roster once: without a search its pages come from the
counts per status it shows anyway, a search is counted from one read of its matches, a page
is cut by name from the members' ids, and its rows carry the columns of their table only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rentan.enrollment import views
from rentan.enrollment.services import memberships as membership_services
from rentan.enrollment.tests.helpers import fixed_cycle
from rentan.enrollment.tests.test_views import TODAY, _running

pytestmark = pytest.mark.django_db


def _page(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("enrollment:memberships"), params)
    return response.context["page"], [query["sql"] for query in queries.captured_queries]


def _roster_counts(queries: list[str]) -> list[str]:
    """The COUNTs of the roster itself (the page's "sendable" count asks for two states)."""
    return [
        sql
        for sql in queries
        if sql.startswith('SELECT COUNT(*) AS "__count" FROM "enrollment_membership"')
        and "'approved', 'registered'" not in sql
    ]


def test_the_roster_is_paged_from_its_counts_per_status_and_counted_once(
    client, admin_user, monkeypatch
):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    cycle, _members = _running(admin_user)
    client.force_login(admin_user)

    page, queries = _page(client, {"periode": cycle.pk})
    active, _ = _page(client, {"periode": cycle.pk, "status": "active"})
    approved, _ = _page(client, {"periode": cycle.pk, "status": "registered"})
    searched, searched_queries = _page(client, {"periode": cycle.pk, "q": "3375"})

    assert page.paginator.count == 3
    assert page.paginator.num_pages == 2
    assert active.paginator.count == 1
    assert approved.paginator.count == 2
    assert [m.person.name for m in page] == sorted(m.person.name for m in page)
    assert _roster_counts(queries) == []
    # A search counts what it found, from one read of its matches.
    assert searched.paginator.count == 3
    assert _roster_counts(searched_queries) == []
    # The counts per status read the memberships alone.
    by_status = [sql for sql in queries if "GROUP BY" in sql and "enrollment_membership" in sql]
    assert by_status
    assert all("JOIN" not in sql for sql in by_status)
    # The page is cut by name from the members' ids alone...
    (cut,) = [sql for sql in queries if sql.endswith("LIMIT 2")]
    assert cut.startswith('SELECT "enrollment_membership"."id" AS "pk" FROM')
    # ...then its rows are read with their person, not their cycle and programme, and with
    # the columns the table shows.
    (rows,) = [sql for sql in queries if '"enrollment_membership"."id" IN (' in sql]
    assert "registry_person" in rows
    assert "programmes_programme" not in rows
    assert "mother_name" not in rows
    assert "placement_id" not in rows
    assert all(m.person.masked_nik and m.get_status_display() for m in page)
    # Whether a member may still be sent is asked of the few inactive persons, not by
    # fetching every member's person.
    (sendable,) = [sql for sql in queries if "'approved', 'registered'" in sql]
    assert "NOT (EXISTS(" in sendable
    assert "JOIN" not in sendable


def test_a_cycle_without_memberships_shows_an_empty_roster(client, admin_user):
    cycle = fixed_cycle()
    client.force_login(admin_user)
    page, _ = _page(client, {"periode": cycle.pk})
    assert page.paginator.count == 0
    membership_services.create_memberships(actor=admin_user, cycle=cycle, today=TODAY)
    page, _ = _page(client, {"periode": cycle.pk})
    assert page.paginator.count == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index")
def test_the_roster_is_cut_by_name_from_an_index_beside_each_persons_id(client, admin_user):
    cycle, _members = _running(admin_user)
    client.force_login(admin_user)
    _page_shown, queries = _page(client, {"periode": cycle.pk})
    ids = 'SELECT "enrollment_membership"."id" AS "pk"'
    (cut,) = [sql for sql in queries if sql.startswith(ids)]
    with connection.cursor() as cursor:
        # The tables are tiny, so the planner would read them whole: forbid that, and the
        # fetch of a person's row, to see whether an index holds what the cut needs.
        for method in ("seqscan", "indexscan", "bitmapscan"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute(f"EXPLAIN {cut}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using registry_person_roster_idx" in plan, plan
