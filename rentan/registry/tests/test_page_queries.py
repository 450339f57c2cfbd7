"""What the registry's busiest pages ask the database: as many queries for a full page as
for a short one (no query per row), and the menu's count of waiting work kept a few seconds
per role and kelurahan instead of counted on every page."""

from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rentan.core.kept import forget_kept
from rentan.registry.models import ChangeRequest, DuplicatePair, Person
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

MEDONO = "33.75.01.1002"
SOKODUWET = "33.75.04.1010"


def _queries(client: Any, url: str, params: dict[str, str] | None = None) -> tuple[list[str], str]:
    """The SQL a page asked (read before the next request clears Django's log) and the page."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries], response.content.decode()


def _pairs(first: int, last: int) -> None:
    for n in range(first, last + 1):
        left: Any = PersonFactory(name=f"Siti Rahayu {n}", household=None)
        right: Any = PersonFactory(name=f"Siti Rahayu {n}", kelurahan_id=SOKODUWET)
        DuplicatePair.objects.create(left=left, right=right, score=0.9, reasons=["similar_name"])


def test_the_person_list_asks_as_many_queries_for_a_full_page_and_reads_only_its_columns(
    client, admin_user
):
    for n in range(3):
        PersonFactory(name=f"Budi {n:02d}")
    client.force_login(admin_user)
    short, _ = _queries(client, reverse("registry:person_list"))
    for n in range(3, 30):
        PersonFactory(name=f"Budi {n:02d}", kelurahan_id=SOKODUWET if n % 2 else MEDONO)
    full, page = _queries(client, reverse("registry:person_list"))
    searched, _ = _queries(client, reverse("registry:person_list"), {"q": "budi"})

    assert "Budi 24" in page
    assert "Budi 25" not in page  # the second page
    # Session, user, kelurahan and job types of the search, the page's rows (their ids
    # chosen from the index in a subquery of the same query) and the menu's count of change
    # requests; past one page a count up to the cap, on PostgreSQL after its estimate of the
    # registry (too small here to stand in).
    assert len(short) == 6
    assert len(full) == 7 + (connection.vendor == "postgresql")
    # A search past one page says "more than a page" without counting on PostgreSQL.
    assert len(searched) == 7 - (connection.vendor == "postgresql")
    # The rows are read with the columns the table shows, not the person's thirty.
    assert not [sql for sql in full if "street_address" in sql]


def test_the_duplicate_queue_reads_both_sides_of_every_pair_in_one_query(client, admin_user):
    _pairs(1, 2)
    client.force_login(admin_user)
    few, _ = _queries(client, reverse("registry:duplicate_list"))
    _pairs(3, 8)
    many, page = _queries(client, reverse("registry:duplicate_list"))

    assert page.count('data-testid="duplicate-pair"') == 8
    assert "Siti Rahayu 8" in page
    # Session, user, the count, the pairs, both sides' persons, the read recorded (the event
    # and its subjects), the menu's count and the match weights in use.
    assert len(few) == len(many) == 9
    # The sides are read with what the queue shows of them, not the person's thirty columns.
    sides = [sql for sql in many if sql.startswith('SELECT "registry_person"."id"')]
    assert len(sides) == 1
    assert not [sql for sql in sides if "mother_name" in sql or "monthly_income" in sql]


@override_settings(RENTAN_KEPT_SECONDS=60)
def test_the_menu_count_is_kept_for_each_role_and_kelurahan(
    client, operator_user, other_operator_user, verifier_user
):
    forget_kept()
    inside = PersonFactory(name="Darimin", kelurahan_id=MEDONO)
    outside = PersonFactory(name="Sumiyati", kelurahan_id=SOKODUWET)

    def request(person: Person, by: Any) -> None:
        ChangeRequest.objects.create(
            person=person,
            kind="edit",
            before={"dependents": 0},
            proposed={"dependents": 2},
            requested_by=by,
        )

    def menu_count(user: Any) -> str:
        client.force_login(user)
        page = client.get(reverse("registry:person_list")).content.decode()
        return page.split('data-testid="menu-count">', 1)[1].split("<", 1)[0]

    request(inside, operator_user)
    request(outside, other_operator_user)
    try:
        assert menu_count(operator_user) == "1"
        assert menu_count(verifier_user) == "2"
        request(inside, operator_user)
        # Within its seconds each scope keeps what it counted...
        assert menu_count(operator_user) == "1"
        assert menu_count(verifier_user) == "2"
        # ...and a scope not counted yet counts its own.
        assert menu_count(other_operator_user) == "1"
        forget_kept()
        assert menu_count(operator_user) == "2"
        assert menu_count(verifier_user) == "3"
    finally:
        forget_kept()


def test_a_person_page_without_change_requests_reads_no_names_for_them(client, admin_user):
    person = PersonFactory(name="Darimin")
    client.force_login(admin_user)
    queries, page = _queries(client, reverse("registry:person_detail", args=[person.pk]))
    assert "Darimin" in page
    assert not [sql for sql in queries if 'FROM "registry_occupation"' in sql]
