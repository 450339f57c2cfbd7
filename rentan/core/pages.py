"""A numbered page of a list whose order or search lies in a table it joins (a programme
year's list, its memberships): the page's ids first, then the page's rows.

Asked for a page at once, PostgreSQL fetches every joined row of the whole list (thousands
of persons, each row as wide as it is selected) before it sorts and keeps a page. Asked for
ids, it reads what the order and the search need from the indexes (the persons' name beside
their id: registry_person_roster_idx); only the page's own rows are fetched whole."""

from collections.abc import Sequence
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)

# A search's matches, up to this many, are read once as ids and counted from that list.
MATCHES_READ_AT_ONCE = 5_000


def page_by_ids(
    rows: QuerySet[M],
    number: str | None,
    *,
    size: int,
    columns: Sequence[str],
    count: int | None = None,
    searched: bool = False,
) -> Page[M]:
    """Page `number` (as the address gives it) of `rows`, in their order, each row with
    `columns` only. `count`: the list's length where the caller knows it already (no COUNT).
    A search (`searched`) reads its matching ids in one pass and counts them from there, up to
    MATCHES_READ_AT_ONCE; past that the database counts and cuts them like the list."""
    ids: Any = rows.values_list("pk", flat=True)
    if searched and count is None:
        found = list(ids[: MATCHES_READ_AT_ONCE + 1])
        if len(found) <= MATCHES_READ_AT_ONCE:
            ids = found
    paginator: Paginator[Any] = Paginator(ids, size)
    if count is not None:
        paginator.count = count
    by_id = paginator.get_page(number)
    wanted = list(by_id.object_list)
    fetched = rows.order_by().only(*columns).in_bulk(wanted)
    return Page([fetched[pk] for pk in wanted if pk in fetched], by_id.number, by_id.paginator)
