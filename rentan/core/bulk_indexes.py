"""Secondary indexes built in one pass after a bulk write instead of row by row during it.

Each row written into a table updates every index of it; a name index takes the names in no
order, and a trigram index (pg_trgm, for name search) writes a dozen entries per name. At a
million rows that costs more than the rows themselves, while building an index afterwards
sorts the column once. PostgreSQL's manual (Populating a Database, "Remove Indexes") advises
exactly this. Here it happens inside the caller's transaction, after
`core.foreign_keys.checked_in_bulk` has locked the table against readers: nobody else ever
sees the table without its indexes, and a failure rolls the indexes back with the rows.
SQLite needs no lock of the table's own for it: a transaction holds the whole database
against other writers, and readers keep seeing the database as it was before it (WAL),
indexes included, until it commits. There the persons of a 50,000-row import go in, their
indexes built, in about half the time.

Only indexes that back no constraint are dropped: primary and unique keys (a NIK written
twice must still fail) stay and keep answering the writer's own lookups.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

# Memory for each index build (the session's default of 64 MB spills a million names to
# disk); LOCAL: it ends with the transaction.
BUILD_MEMORY = "256MB"


def secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the indexes of `table` that back no constraint."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # A constraint's index is SQLite's own (sqlite_autoindex_..., no statement) or a
            # unique one.
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%' ORDER BY 1",
                [table],
            )
            return [(connection.ops.quote_name(name), sql) for name, sql in cursor.fetchall()]
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint WHERE conindid = indexrelid) ORDER BY 1",
            [table],
        )
        return list(cursor.fetchall())


@contextmanager
def rebuilt_after(table: str, *, is_locked: bool) -> Iterator[bool]:
    """Inside a transaction that holds `table` locked on PostgreSQL (`is_locked`, e.g. its
    foreign keys dropped by `checked_in_bulk`), or any transaction on SQLite: its secondary
    indexes are dropped for the block and built again after it, each in one pass. Yields
    whether that happened: not on other databases, nor outside a transaction, nor without
    the lock on PostgreSQL (dropping an index would then wait for every reader)."""
    vendor = connection.vendor
    is_possible = connection.in_atomic_block and (
        (vendor == "postgresql" and is_locked) or vendor == "sqlite"
    )
    if not is_possible:
        yield False
        return
    indexes = secondary_indexes(table)
    with connection.cursor() as cursor:
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        yield True
        if vendor == "postgresql":
            cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [BUILD_MEMORY])
        for _name, definition in indexes:
            cursor.execute(definition)


# Building an index reads the whole table; updating it costs each written row a few times
# what the build costs per row (more for a trigram index). A write of less than this share of
# the table's rows (before it) keeps the indexes as they are.
REBUILD_FROM_SHARE = 0.5
# A smaller write keeps the indexes whatever the table's size (and costs no count of it): as
# few rows cost little either way (on PostgreSQL, the keys are checked row by row below it
# too, `core.foreign_keys.BULK_FROM`, and the table is not locked).
REBUILD_FROM_ROWS = 10_000


def is_worth_it(table: str, rows_written: int) -> bool:
    if connection.vendor not in ("postgresql", "sqlite") or rows_written < REBUILD_FROM_ROWS:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        (rows_in_table,) = cursor.fetchone()
    return rows_written >= rows_in_table * REBUILD_FROM_SHARE
