"""The cycle page's list by rank: its page read by ids from the placements alone, then those
rows, so a long list costs the page no more queries and its rows stay in rank order."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rentan.core import pages
from rentan.programmes import views
from rentan.testing.factories import PersonFactory, PlacementFactory, make_approved_cycle

pytestmark = pytest.mark.django_db


def test_the_list_by_rank_pages_in_rank_order_with_as_many_queries_for_any_length(
    client, admin_user, monkeypatch
):
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    cycle = make_approved_cycle(selected=0)
    # Ranks written out of order, names against the ranks: only the rank orders the list.
    for rank in (3, 1, 2):
        PlacementFactory(cycle=cycle, rank=rank, person=PersonFactory(name=f"Nama {9 - rank}"))
    url = reverse("programmes:cycle_selection", args=[cycle.programme.code, cycle.year])
    client.force_login(admin_user)

    with CaptureQueriesContext(connection) as queries:
        first = client.get(url)
    short = len(queries)
    for rank in (9, 5, 7, 4, 8, 6):
        PlacementFactory(cycle=cycle, rank=rank, person=PersonFactory(name=f"Nama {9 - rank}"))
    with CaptureQueriesContext(connection) as queries:
        page_one = client.get(url)
    long = [query["sql"] for query in queries.captured_queries]
    page_three = client.get(url, {"page": 3})

    assert [p.rank for p in first.context["page"]] == [1, 2, 3]
    assert [p.rank for p in page_one.context["page"]] == [1, 2, 3, 4]
    assert [p.person.name for p in page_one.context["page"]][:2] == ["Nama 8", "Nama 7"]
    assert [p.rank for p in page_three.context["page"]] == [9]
    assert page_three.context["page"].paginator.num_pages == 3
    assert short == len(long)
    # The page is cut by rank from the placements alone; the persons are read for its rows.
    by_rank = [sql for sql in long if "LIMIT" in sql and "rank" in sql]
    assert by_rank
    assert all("registry_person" not in sql for sql in by_rank)
    # The counts per kind read the placements alone.
    by_kind = [sql for sql in long if "GROUP BY" in sql and "programmes_placement" in sql]
    assert by_kind
    assert all("JOIN" not in sql for sql in by_kind)


@pytest.mark.parametrize("read_at_once", [5_000, 2])
def test_a_search_of_the_list_is_counted_from_one_read_of_its_matches(
    client, admin_user, monkeypatch, read_at_once
):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    monkeypatch.setattr(pages, "MATCHES_READ_AT_ONCE", read_at_once)
    cycle = make_approved_cycle(selected=0)
    for rank in (5, 1, 4, 2, 3):
        PlacementFactory(cycle=cycle, rank=rank, person=PersonFactory(name=f"Siti Aminah {rank}"))
    PlacementFactory(cycle=cycle, rank=6, person=PersonFactory(name="Budi Santoso"))
    url = reverse("programmes:cycle_selection", args=[cycle.programme.code, cycle.year])
    client.force_login(admin_user)

    with CaptureQueriesContext(connection) as queries:
        first = client.get(url, {"q": "siti"})
    # Read before the next request clears Django's log.
    counts = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "programmes_placement"')
    ]
    last = client.get(url, {"q": "siti", "page": 3})

    assert first.context["page"].paginator.count == 5
    assert [p.rank for p in first.context["page"]] == [1, 2]
    assert [p.rank for p in last.context["page"]] == [5]
    assert last.context["page"].paginator.num_pages == 3
    # Five matches are read once and counted from there; past the limit the database
    # counts them.
    assert len(counts) == (read_at_once < 5)


def test_the_list_of_those_not_on_it_reads_the_columns_its_table_shows(client, admin_user):
    cycle = make_approved_cycle(selected=0)
    PlacementFactory(cycle=cycle, rank=1, person=PersonFactory(name="Ada Di Daftar"))
    PersonFactory(name="Tidak Di Daftar", street_address="Jl. Sampangan 7")
    url = reverse("programmes:cycle_selection", args=[cycle.programme.code, cycle.year])
    client.force_login(admin_user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"jenis": views.NOT_LISTED})
    rows = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('SELECT "registry_person"."id"') and "sort_name" in query["sql"]
    ]

    assert [person.name for person in response.context["page"]] == ["Tidak Di Daftar"]
    assert "Tidak Di Daftar" in response.content.decode()
    assert len(rows) == 1
    assert "street_address" not in rows[0]
