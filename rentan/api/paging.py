"""Cursor pagination: a page is the rows after the last one of the previous page, in the
keyset order of `core/keyset.py`, so a page deep in a million rows costs what the first does
and nothing is ever counted. The cursor is opaque to the client (the row's id, signed): it
names a row of the list, never a position."""

from typing import Any, TypeVar

from django.core import signing
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from ninja import Schema

from rentan.api.errors import invalid
from rentan.core.keyset import keyset_page

SALT = "rentan.api.cursor"
DEFAULT_LIMIT = 50
MAX_LIMIT = 200

T = TypeVar("T")


class Page(Schema):
    # The cursor of the next page, or null on the last one.
    next_cursor: str | None


def _decode(cursor: str) -> int | str:
    try:
        value = signing.loads(cursor, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError) as bad:
        raise invalid(_("Kursor halaman tidak dikenal.")) from bad
    if not isinstance(value, int | str):
        raise invalid(_("Kursor halaman tidak dikenal."))
    return value


def page_of(
    rows: QuerySet[Any], *, within: QuerySet[Any], field: str, cursor: str | None, limit: int
) -> tuple[list[Any], str | None]:
    """The rows of `rows` after the cursor's row, ordered by (field, id), and the cursor of
    the page after them. `within` is where the cursor's row is looked up: the user's whole
    scope, so a cursor stays good when the row it names no longer matches the filter. In
    record-number order the number is the place itself: nothing is looked up, and a walk
    goes on when the row it stopped at has moved out of the user's sight."""
    after: Model | None = None
    if cursor:
        key = _decode(cursor)
        if field == "id" and isinstance(key, int):
            after = rows.model(pk=key)
        else:
            after = within.filter(pk=key).first()
        if after is None:
            raise invalid(_("Kursor halaman tidak dikenal."))
    page = keyset_page(rows, field=field, size=limit, after=after)
    next_cursor = signing.dumps(page.last_pk, salt=SALT) if page.has_next else None
    return page.object_list, next_cursor
