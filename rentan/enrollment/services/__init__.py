"""The only ways to change memberships, exchange files, bills, payments and claims, one
module each. Each service runs in one transaction and writes its audit event in it."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection

# Rows per INSERT when Django's bulk_create writes many.
BATCH = 2000


class EnrollmentRefused(ValueError):
    """The request cannot be carried out; nothing was changed."""


def actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def insert_rows(
    cursor: Any, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Many rows into one table: COPY on PostgreSQL (one stream instead of a round trip per
    row), executemany elsewhere."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    ops = connection.ops
    adapted = [
        tuple(
            ops.adapt_datetimefield_value(v)
            if isinstance(v, datetime)
            else ops.adapt_datefield_value(v)
            if isinstance(v, date)
            else v
            for v in row
        )
        for row in rows
    ]
    placeholders = ", ".join(["%s"] * len(columns))
    cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders})", adapted)
