"""Keyset pagination: a page is the rows after (or before) the last one shown, in the order
of a unique sort key, so the database reads one page from its index whatever the page's
depth, and never counts the rows before it (OFFSET and COUNT(*) read them all).

A list of a size without bound pages by its sort key ("Berikutnya"/"Sebelumnya" after or
before the id of a row shown), and its total stops at a cap (`bounded_count`, exact on
SQLite); for the whole registry PostgreSQL's own estimate stands in (`estimated_rows`).
The last page is read backwards from the end of the index (`keyset_page(last=True)`); only
a jump to a page by its number counts the rows before it (`numbered_page`), ids alone from
the index, up to a page the caller bounds."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet


@dataclass(frozen=True)
class KeysetPage:
    object_list: list[Any]
    has_previous: bool
    has_next: bool

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def first_pk(self) -> Any:
        return self.object_list[0].pk if self.object_list else None

    @property
    def last_pk(self) -> Any:
        return self.object_list[-1].pk if self.object_list else None


def keyset_page(
    queryset: QuerySet[Any],
    *,
    field: str,
    size: int,
    after: Model | None = None,
    before: Model | None = None,
    last: bool = False,
) -> KeysetPage:
    """The page of `queryset` ordered by (field, pk) that starts after `after` or ends before
    `before` (neither: the first page, or with `last` the last one). The two bounds are rows
    the caller found by their key; they need not match the queryset's filter any more."""
    ordered = queryset.order_by(field, "pk")
    rows: list[Any]
    if last and before is None and after is None:
        rows = _rows(queryset, queryset.order_by(f"-{field}", "-pk")[: size + 1])
        return KeysetPage(rows[:size][::-1], has_previous=len(rows) > size, has_next=False)
    if before is not None:
        value = getattr(before, field)
        # field <= value, then leave out the equal values at or after the row: the first
        # half is a range on the index, the second only trims its edge.
        rows = _rows(
            queryset,
            queryset.filter(Q(**{f"{field}__lte": value}))
            .exclude(Q(**{field: value, "pk__gte": before.pk}))
            .order_by(f"-{field}", "-pk")[: size + 1],
        )
        if rows:
            return KeysetPage(rows[:size][::-1], has_previous=len(rows) > size, has_next=True)
        after = None  # nothing before it any more: the first page
    if after is not None:
        value = getattr(after, field)
        rows = _rows(
            queryset,
            ordered.filter(Q(**{f"{field}__gte": value})).exclude(
                Q(**{field: value, "pk__lte": after.pk})
            )[: size + 1],
        )
        return KeysetPage(rows[:size], has_previous=True, has_next=len(rows) > size)
    rows = _rows(queryset, ordered[: size + 1])
    return KeysetPage(rows[:size], has_previous=False, has_next=len(rows) > size)


def numbered_page(queryset: QuerySet[Any], *, field: str, size: int, number: int) -> KeysetPage:
    """Page `number` (from 1) of `queryset` ordered by (field, pk): the ids of the rows before
    it are skipped in the index (OFFSET), so the caller bounds `number`. Its neighbours then
    page by key from its first and last rows. Past the end: an empty page."""
    start = (max(number, 1) - 1) * size
    rows = _rows(queryset, queryset.order_by(field, "pk")[start : start + size + 1])
    return KeysetPage(rows[:size], has_previous=start > 0, has_next=len(rows) > size)


def _rows(queryset: QuerySet[Any], page: QuerySet[Any]) -> list[Any]:
    """The page's ids first, then their rows, in one query: the ids can come from an index
    holding the sort key and the filtered columns alone, where the rows skipped over by a
    search are never fetched from the table; only the page's own rows are. Ordered by the
    record number itself, the page is read straight from the primary key's index."""
    sort_key = str(page.query.order_by[0]).lstrip("-")
    if sort_key in ("pk", queryset.model._meta.pk.name):
        return list(page)
    return list(queryset.filter(pk__in=page.values("pk")).order_by(*page.query.order_by))


def bounded_count(queryset: QuerySet[Any], cap: int, *, at_least: int = 0) -> tuple[int, bool]:
    """(count, more): the exact count up to `cap` rows, else (cap, True). SQLite counts the
    rows of an embedded registry in a moment, so it is always exact there. `at_least`: rows
    the caller has already seen (a page and whether another follows); past the cap they
    answer without asking the database."""
    if _vendor(queryset) == "sqlite":
        return queryset.count(), False
    if at_least > cap:
        return cap, True
    # Ids only: the related rows a page shows (select_related) do not change the count.
    counted = queryset.order_by().values("pk")[: cap + 1].count()
    return (cap, True) if counted > cap else (counted, False)


def estimated_rows(model: type[Model]) -> int | None:
    """PostgreSQL's own estimate of a table's rows (kept by ANALYZE and autovacuum), read in
    a moment where COUNT(*) reads every row; None elsewhere or before the first ANALYZE."""
    from django.db import connections

    connection = connections["default"]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [model._meta.db_table],
        )
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] >= 0 else None


def _vendor(queryset: QuerySet[Any]) -> str:
    from django.db import connections

    return str(connections[queryset.db].vendor)
