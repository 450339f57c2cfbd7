"""Complaints (pengaduan): the register as its page lists it, to the same roles and scope."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from rentan.accounts.access import Capability
from rentan.api.access import require
from rentan.api.errors import responses
from rentan.api.paging import DEFAULT_LIMIT, MAX_LIMIT, Page, page_of
from rentan.complaints import selectors
from rentan.complaints.lifecycle import ComplaintStatus

router = Router(tags=["pengaduan"])


class ComplaintFilters(Schema):
    status: ComplaintStatus | None = None
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class ComplaintOut(Schema):
    id: int
    number: str
    received_on: date
    channel: str
    category: str
    reporter: str
    person_id: int | None
    kelurahan_code: str | None
    cycle_id: int | None
    status: str
    due_on: date | None
    decision: str
    decided_on: date | None


class ComplaintPage(Page):
    items: list[ComplaintOut]


@router.get("/complaints", response=responses(ComplaintPage), operation_id="list_complaints")
def list_complaints(request: HttpRequest, filters: Query[ComplaintFilters]) -> dict[str, Any]:
    """Complaints the token's user may see (an operator, their kelurahan's), by receipt."""
    user = require(request, Capability.HANDLE_COMPLAINTS)
    visible = selectors.complaints_visible_to(user)
    complaints = visible if filters.status is None else visible.filter(status=filters.status)
    rows, next_cursor = page_of(
        complaints, within=visible, field="id", cursor=filters.cursor, limit=filters.limit
    )
    return {
        "items": [
            {
                "id": c.pk,
                "number": c.number,
                "received_on": c.received_on,
                "channel": c.channel,
                "category": c.category,
                "reporter": c.reporter,
                "person_id": c.person_id,
                "kelurahan_code": c.kelurahan_id,
                "cycle_id": c.cycle_id,
                "status": c.status,
                "due_on": c.due_on,
                "decision": c.decision,
                "decided_on": c.decided_on,
            }
            for c in rows
        ],
        "next_cursor": next_cursor,
    }
