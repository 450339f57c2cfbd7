"""Foreign keys checked in bulk: they come back as they were, and they still hold."""

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from rentan.core import foreign_keys
from rentan.registry.models import Person
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

TABLE = Person._meta.db_table


def _keys() -> list[tuple[str, str]]:
    """The table's foreign keys: name and definition (referenced table and column)."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            constraints = connection.introspection.get_constraints(cursor, TABLE)
            return sorted(
                (name, f"{c['columns']} REFERENCES {c['foreign_key']}")
                for name, c in constraints.items()
                if c["foreign_key"]
            )
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


# Database users, table locks and lock_timeout are PostgreSQL's; SQLite has none of them (its
# keys are always checked row by row, which the first two tests cover on both databases).
# These tests run in the PostgreSQL half of `make test`, as CI does.
postgresql_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="database users, table locks and lock_timeout exist only on PostgreSQL",
)


def test_keys_are_away_only_inside_the_block_and_come_back_the_same():
    is_postgresql = connection.vendor == "postgresql"
    before = _keys()
    referenced = " ".join(definition for _, definition in before)
    for table in ("regions_area", "registry_household", "registry_occupation"):
        assert table in referenced
    lock_timeout = _lock_timeout() if is_postgresql else ""
    with transaction.atomic(), foreign_keys.checked_in_bulk(TABLE) as in_bulk:
        # Elsewhere than on PostgreSQL the block runs with its keys in place.
        assert in_bulk is is_postgresql
        assert _keys() == ([] if is_postgresql else before)
        assert (_lock_timeout() if is_postgresql else "") == lock_timeout
        PersonFactory()
    assert _keys() == before
    if is_postgresql:
        assert all("DEFERRABLE INITIALLY DEFERRED" in definition for _, definition in before)


def test_a_row_that_breaks_a_key_fails_the_transaction_and_nothing_is_lost():
    before = _keys()
    person = PersonFactory()
    # PostgreSQL refuses at the end of the bulk block, SQLite only at the check: both in here.
    with pytest.raises(IntegrityError), transaction.atomic():  # noqa: PT012
        with foreign_keys.checked_in_bulk(TABLE) as in_bulk, connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET kelurahan_id = %s WHERE id = %s", ["99.99.99.9999", person.pk]
            )
        if not in_bulk:
            # What SQLite does at the COMMIT that a test's transaction never reaches.
            connection.check_constraints(table_names=[TABLE])
    person.refresh_from_db()
    assert person.kelurahan_id != "99.99.99.9999"
    assert _keys() == before


@postgresql_only
def test_a_user_who_may_not_alter_the_table_gets_the_row_by_row_checks():
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


@postgresql_only
def test_a_reader_holding_the_table_too_long_leaves_the_keys_checked_row_by_row(monkeypatch):
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
