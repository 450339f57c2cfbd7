"""The person list at any size: pages by the sort key (name, then id) instead of numbered
pages, a count that stops at a cap, and the searches by name and by NIK on both databases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rentan.core.keyset import bounded_count
from rentan.registry import views
from rentan.registry.models import Person
from rentan.registry.selectors import matching_name_or_nik
from rentan.testing.factories import TEST_PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db


def _names(page: object) -> list[str]:
    return [person.name for person in page]  # type: ignore[attr-defined]


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 3)


def _walk(client, params: dict[str, str]) -> list[list[str]]:
    """Every page from the first, following "Berikutnya"."""
    pages = []
    response = client.get(reverse("registry:person_list"), params)
    while True:
        page = response.context["page"]
        pages.append(_names(page))
        if not page.has_next:
            return pages
        response = client.get(reverse("registry:person_list"), {**params, "sesudah": page.last_pk})


def test_next_and_previous_walk_the_list_in_name_order_with_ties_by_id(
    client, admin_user, small_pages
):
    # Equal names straddle the page boundaries: the id keeps them apart and in order.
    for name in ["Budi", "Ani", "Budi", "Budi", "Citra", "Budi", "Ani", "Dewi"]:
        PersonFactory(name=name)
    client.login(username=admin_user.username, password=TEST_PASSWORD)

    pages = _walk(client, {})

    expected = [p.name for p in Person.objects.order_by("name", "id")]
    assert [name for page in pages for name in page] == expected
    assert [len(page) for page in pages] == [3, 3, 2]
    ids = list(Person.objects.order_by("name", "id").values_list("id", flat=True))
    # "Sebelumnya" from the third page gives the second again, then the first.
    second = client.get(reverse("registry:person_list"), {"sebelum": ids[6]}).context["page"]
    assert [p.pk for p in second] == ids[3:6]
    assert second.has_previous
    assert second.has_next
    first = client.get(reverse("registry:person_list"), {"sebelum": ids[3]}).context["page"]
    assert [p.pk for p in first] == ids[:3]
    assert not first.has_previous


def test_pages_keep_the_search_and_an_operator_pages_only_through_their_kelurahan(
    client, operator_user, small_pages
):
    for n in range(5):
        PersonFactory(name=f"Siti Own {n}", kelurahan_id="33.75.01.1002")
        PersonFactory(name=f"Siti Other {n}", kelurahan_id="33.75.04.1010")
    PersonFactory(name="Budi Own", kelurahan_id="33.75.01.1002")
    client.login(username=operator_user.username, password=TEST_PASSWORD)

    pages = _walk(client, {"q": "siti"})

    assert [name for page in pages for name in page] == [f"Siti Own {n}" for n in range(5)]
    # A person elsewhere named as the place to start reveals nothing: the first page.
    elsewhere = Person.objects.filter(kelurahan_id="33.75.04.1010").order_by("name").first()
    response = client.get(reverse("registry:person_list"), {"q": "siti", "sesudah": elsewhere.pk})
    assert _names(response.context["page"]) == ["Siti Own 0", "Siti Own 1", "Siti Own 2"]
    body = response.content.decode()
    assert "Other" not in body
    assert "q=siti&amp;sesudah=" in body


def test_name_search_finds_part_of_a_name_in_any_case_and_nik_by_its_start(client, admin_user):
    siti = PersonFactory(name="Siti Aminah", nik="3375014101900001")
    PersonFactory(name="Budi Santoso", nik="3375020101900002")
    client.login(username=admin_user.username, password=TEST_PASSWORD)

    def found(q: str) -> list[str]:
        return _names(client.get(reverse("registry:person_list"), {"q": q}).context["page"])

    assert found("SITI") == found("iti ami") == found("aminah") == ["Siti Aminah"]
    assert found(siti.nik) == found("33750141") == ["Siti Aminah"]
    assert found("3375") == ["Budi Santoso", "Siti Aminah"]
    # Digits from the middle of a NIK find nothing.
    assert found("0141") == []


def test_the_count_stops_at_its_cap_on_postgresql_and_is_exact_on_sqlite(
    client, admin_user, monkeypatch
):
    people = [PersonFactory(name="Siti") for _ in range(6)]
    monkeypatch.setattr(views, "COUNT_CAP", 4)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client.login(username=admin_user.username, password=TEST_PASSWORD)
    # A filter that is not a search by name or NIK is counted up to the cap.
    kelurahan = {"kelurahan": people[0].kelurahan_id}
    assert Person.objects.filter(kelurahan_id=people[0].kelurahan_id).count() == 6

    body = client.get(reverse("registry:person_list"), kelurahan).content.decode()

    if connection.vendor == "postgresql":
        assert bounded_count(Person.objects.all(), 4) == (4, True)
        assert "lebih dari 4 pekerja" in body
    else:
        assert bounded_count(Person.objects.all(), 4) == (6, False)
        assert "6 pekerja" in body


def _counts_persons(sql: str) -> bool:
    return "COUNT(" in sql and 'FROM "registry_person"' in sql


def test_a_search_with_more_than_a_page_is_not_counted_on_postgresql(
    client, admin_user, monkeypatch
):
    for _ in range(6):
        PersonFactory(name="Siti")
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client.login(username=admin_user.username, password=TEST_PASSWORD)

    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("registry:person_list"), {"q": "siti"}).content.decode()

    # Counts of persons (the menu counts the change requests waiting, a table of a few).
    counted = [q["sql"] for q in queries.captured_queries if _counts_persons(q["sql"])]
    if connection.vendor == "postgresql":
        assert "lebih dari 2 pekerja" in body
        assert counted == []
    else:
        assert "6 pekerja" in body
    # A search whose matches fit on one page is counted from the page itself.
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("registry:person_list"), {"q": "nobody"}).content.decode()
    assert "0 pekerja" in body
    assert not [q for q in queries.captured_queries if _counts_persons(q["sql"])]

    assert bounded_count(Person.objects.all(), 10) == (6, False)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index")
def test_name_search_can_use_the_trigram_index():
    PersonFactory(name="Siti Aminah")
    searched = matching_name_or_nik(Person.objects.all(), "siti").values("id")
    sql, params = searched.query.sql_with_params()
    with connection.cursor() as cursor:
        # The table is tiny, so the planner would read it whole, or walk another index and
        # filter: forbid both to see whether the index matches the expression the search writes.
        for method in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "registry_person_name_lower_trgm" in plan, plan


def test_the_whole_registry_is_estimated_on_postgresql_without_counting(
    client, admin_user, monkeypatch
):
    for _ in range(5):
        PersonFactory(name="Siti")
    monkeypatch.setattr(views, "COUNT_CAP", 3)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE registry_person")
    client.login(username=admin_user.username, password=TEST_PASSWORD)

    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("registry:person_list")).content.decode()

    # Counts of persons (the menu counts the change requests waiting, a table of a few).
    counted = [q["sql"] for q in queries.captured_queries if _counts_persons(q["sql"])]
    if connection.vendor == "postgresql":
        assert "sekitar 5 pekerja terdaftar" in body
        assert counted == []
    else:
        assert "5 pekerja" in body


def test_names_sort_whatever_their_case(client, admin_user, small_pages):
    for name in ["ZAINAL", "abdul", "Budi", "AGUS", "citra"]:
        PersonFactory(name=name)
    client.login(username=admin_user.username, password=TEST_PASSWORD)

    pages = _walk(client, {})

    assert [name for page in pages for name in page] == ["abdul", "AGUS", "Budi", "citra", "ZAINAL"]
    # "Sebelumnya" pages back through the same order.
    last_first = Person.objects.get(name="citra").pk
    back = client.get(reverse("registry:person_list"), {"sebelum": last_first}).context["page"]
    assert _names(back) == ["abdul", "AGUS", "Budi"]


def _numbered(client, **params: str):
    response = client.get(reverse("registry:person_list"), params)
    return response, response.context["page"], response.context["pages"]


def test_a_page_is_opened_by_its_number_with_the_search_kept(client, admin_user, small_pages):
    for n in range(14):
        PersonFactory(name=f"Siti {n:02d}")
    PersonFactory(name="Budi")
    client.login(username=admin_user.username, password=TEST_PASSWORD)

    response, page, pages = _numbered(client, q="siti", halaman="3")

    assert _names(page) == ["Siti 06", "Siti 07", "Siti 08"]
    assert pages["number"] == 3
    body = response.content.decode()
    # Nearby pages, first and last, and the jump form that keeps the search.
    assert 'aria-current="page">3<' in body
    assert "halaman=1" in body
    assert "halaman=4" in body
    # Two pages ahead only where the matches were counted (PostgreSQL says "more than a
    # page" for a name search).
    assert ("halaman=5" in body) == (connection.vendor == "sqlite")
    assert '<input type="hidden" name="q" value="siti">' in body
    # "Berikutnya" from page 3 is page 4 by key, labelled as such.
    _, following, labels = _numbered(client, q="siti", sesudah=str(page.last_pk), halaman="4")
    assert _names(following) == ["Siti 09", "Siti 10", "Siti 11"]
    assert labels["number"] == 4


def test_the_last_page_and_a_jump_past_the_end(client, admin_user, small_pages):
    for n in range(7):
        PersonFactory(name=f"Warga {n}")
    client.login(username=admin_user.username, password=TEST_PASSWORD)

    _, _first, pages = _numbered(client)
    assert pages["last"] == 3
    assert pages["last_is_exact"]
    assert pages["nearby"] == [1, 2, 3]

    _, last, labels = _numbered(client, halaman="3")
    assert _names(last) == ["Warga 6"]
    assert not last.has_next
    assert labels["number"] == 3

    _, beyond, labels = _numbered(client, halaman="99")
    assert _names(beyond) == ["Warga 6"]
    assert labels["number"] == 3

    # Read backwards from the end where the count is not exact (an estimate, a capped count).
    _, from_end, labels = _numbered(client, terakhir="1")
    assert _names(from_end) == ["Warga 4", "Warga 5", "Warga 6"]
    assert from_end.has_previous
    assert not from_end.has_next


def test_a_bad_page_number_opens_the_first_page(client, admin_user, small_pages):
    for n in range(5):
        PersonFactory(name=f"Warga {n}")
    client.login(username=admin_user.username, password=TEST_PASSWORD)

    for value in ["abc", "-2", "0", ""]:
        _, page, pages = _numbered(client, halaman=value)
        assert _names(page) == ["Warga 0", "Warga 1", "Warga 2"], value
        assert pages["number"] == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan")
def test_a_page_in_name_order_reads_ids_from_the_sort_index_alone(admin_user):
    from rentan.registry import selectors

    PersonFactory(name="ZAINAL")
    listed = selectors.listed_persons(admin_user, None)
    ids = listed.order_by(selectors.SORT_KEY, "pk").values_list("pk", flat=True)[100:126]
    sql, params = ids.query.sql_with_params()
    with connection.cursor() as cursor:
        for method in ("seqscan", "bitmapscan", "sort"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using registry_person_sort_idx" in plan, plan


def test_the_order_uses_its_expression_index_on_sqlite_too(admin_user):
    from rentan.registry import selectors

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's plan")
    listed = selectors.listed_persons(admin_user, None)
    ids = listed.order_by(selectors.SORT_KEY, "pk").values_list("pk", flat=True)[:26]
    sql, params = ids.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = "\n".join(str(row) for row in cursor.fetchall())
    assert "registry_person_sort_idx" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's estimate")
def test_the_whole_registry_pages_up_to_its_estimate_and_ends_read_from_the_end(
    client, admin_user, monkeypatch
):
    for n in range(9):
        PersonFactory(name=f"Warga {n}")
    monkeypatch.setattr(views, "COUNT_CAP", 3)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_person")
    client.login(username=admin_user.username, password=TEST_PASSWORD)

    response, _page, pages = _numbered(client)

    assert pages["last"] == 5
    assert not pages["last_is_exact"]
    assert pages["jump_limit"] == 5
    body = response.content.decode()
    assert "Halaman 1 dari sekitar 5" in body
    assert "terakhir=1" in body
    _, page4, labels = _numbered(client, halaman="4")
    assert _names(page4) == ["Warga 6", "Warga 7"]
    assert labels["number"] == 4
