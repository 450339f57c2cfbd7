"""Foreign keys checked in bulk: they come back as they were, and they still hold."""

import pytest
from django.db import IntegrityError, connection, transaction

from rentan.core import foreign_keys
from rentan.registry.models import Person
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

TABLE = Person._meta.db_table


def _keys() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [TABLE],
        )
        return cursor.fetchall()


def _lock_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        return cursor.fetchone()[0]


def _needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite checks its keys row by row at COMMIT; there is nothing to drop")


def test_keys_are_away_only_inside_the_block_and_come_back_the_same():
    _needs_postgresql()
    before = _keys()
    assert {definition.split(" REFERENCES ")[1].split("(")[0] for _, definition in before} >= {
        "regions_area",
        "registry_household",
        "registry_occupation",
    }
    lock_timeout = _lock_timeout()
    with transaction.atomic(), foreign_keys.checked_in_bulk(TABLE) as in_bulk:
        assert in_bulk
        assert _keys() == []
        assert _lock_timeout() == lock_timeout
        PersonFactory()
    assert _keys() == before
    assert all("DEFERRABLE INITIALLY DEFERRED" in definition for _, definition in before)


def test_a_row_that_breaks_a_key_fails_the_transaction_and_nothing_is_lost():
    _needs_postgresql()
    before = _keys()
    person = PersonFactory()
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        foreign_keys.checked_in_bulk(TABLE),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"UPDATE {TABLE} SET kelurahan_id = %s WHERE id = %s", ["99.99.99.9999", person.pk]
        )
    person.refresh_from_db()
    assert person.kelurahan_id != "99.99.99.9999"
    assert _keys() == before


def test_a_user_who_may_not_alter_the_table_gets_the_row_by_row_checks():
    _needs_postgresql()
    before = _keys()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE ROLE rentan_clerk")
        cursor.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO rentan_clerk")
        cursor.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO rentan_clerk")
        cursor.execute("SET LOCAL ROLE rentan_clerk")
        with foreign_keys.checked_in_bulk(TABLE) as in_bulk:
            assert not in_bulk
            assert _keys() == before
            PersonFactory()
        cursor.execute("RESET ROLE")
        cursor.execute("DROP OWNED BY rentan_clerk")
        cursor.execute("DROP ROLE rentan_clerk")
    assert _keys() == before


def test_only_a_write_large_next_to_the_table_is_worth_it(monkeypatch):
    PersonFactory.create_batch(25)
    assert not foreign_keys.is_worth_it(TABLE, foreign_keys.BULK_FROM - 1)
    if connection.vendor != "postgresql":
        assert not foreign_keys.is_worth_it(TABLE, foreign_keys.BULK_FROM)
        return
    assert foreign_keys.is_worth_it(TABLE, foreign_keys.BULK_FROM)
    monkeypatch.setattr(foreign_keys, "BULK_FROM", 1)
    assert not foreign_keys.is_worth_it(TABLE, 2)  # less than a tenth of the table's rows
    assert foreign_keys.is_worth_it(TABLE, 3)


def test_a_reader_holding_the_table_too_long_leaves_the_keys_checked_row_by_row(monkeypatch):
    _needs_postgresql()
    import psycopg

    before = _keys()
    lock_timeout = _lock_timeout()
    monkeypatch.setattr(foreign_keys, "LOCK_WAIT", "100ms")
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    ) as reader:
        reader.execute(f"LOCK TABLE {TABLE} IN ACCESS SHARE MODE")  # a long report, say
        with transaction.atomic(), foreign_keys.checked_in_bulk(TABLE) as in_bulk:
            assert not in_bulk
            assert _keys() == before
            assert _lock_timeout() == lock_timeout
            PersonFactory()
    assert _keys() == before
