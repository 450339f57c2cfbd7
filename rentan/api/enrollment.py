"""Memberships with their KPJ numbers, BPJS bills with their reconciliation, and claims:
the Kepesertaan, Iuran & Tagihan and Klaim pages, to the same roles (the branch officer, the
enrolled roster only)."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from rentan.accounts.access import Capability
from rentan.api.access import require
from rentan.api.errors import not_found, responses
from rentan.api.paging import DEFAULT_LIMIT, MAX_LIMIT, Page, page_of
from rentan.enrollment import selectors
from rentan.enrollment.models import Bill, ClaimStatus, MembershipStatus
from rentan.registry.nik import mask_nik

router = Router(tags=["kepesertaan"])


class ListFilters(Schema):
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class MembershipFilters(ListFilters):
    cycle: int | None = None
    status: MembershipStatus | None = None
    q: str = Field("", max_length=100, description="Nama, awal NIK atau awal nomor KPJ")


class MembershipOut(Schema):
    id: int
    cycle_id: int
    person_id: int
    name: str
    nik_masked: str
    status: str
    kpj_number: str
    requested_start_on: date
    start_on: date | None
    ended_on: date | None
    end_reason: str
    rejection_reason: str


class MembershipPage(Page):
    items: list[MembershipOut]


class BillOut(Schema):
    id: int
    cycle_id: int
    month: date
    stated_total: int | None


class BillPage(Page):
    items: list[BillOut]


class DifferenceOut(Schema):
    kind: str
    nik_masked: str
    membership_id: int | None
    expected: int
    billed: int
    delta: int


class ReconciliationOut(Schema):
    bill: BillOut
    expected_total: int
    billed_total: int
    stated_total: int | None
    matched: int
    ties_out: bool
    differences: list[DifferenceOut]


class ClaimFilters(ListFilters):
    status: ClaimStatus | None = None


class ClaimOut(Schema):
    id: int
    membership_id: int
    person_id: int
    name: str
    kpj_number: str
    benefit: str
    kind: str
    event_on: date
    status: str
    was_active_on_event: bool
    estimated_benefit: int | None
    benefit_paid: int | None


class ClaimPage(Page):
    items: list[ClaimOut]


def _bill_out(bill: Bill) -> dict[str, Any]:
    return {
        "id": bill.pk,
        "cycle_id": bill.cycle_id,
        "month": bill.month,
        "stated_total": bill.stated_total,
    }


@router.get("/memberships", response=responses(MembershipPage), operation_id="list_memberships")
def list_memberships(request: HttpRequest, filters: Query[MembershipFilters]) -> dict[str, Any]:
    """Memberships with their KPJ numbers; `q` finds a member by name, NIK or KPJ number."""
    user = require(request, Capability.VIEW_ENROLLED_ROSTER)
    visible = selectors.memberships_visible_to(user)
    memberships = selectors.memberships_with_status(visible, filters.status or "", filters.q)
    if filters.cycle is not None:
        memberships = memberships.filter(cycle_id=filters.cycle)
    rows, next_cursor = page_of(
        memberships, within=visible, field="id", cursor=filters.cursor, limit=filters.limit
    )
    return {
        "items": [
            {
                "id": m.pk,
                "cycle_id": m.cycle_id,
                "person_id": m.person_id,
                "name": m.person.name,
                "nik_masked": m.person.masked_nik,
                "status": m.status,
                "kpj_number": m.kpj_number,
                "requested_start_on": m.requested_start_on,
                "start_on": m.start_on,
                "ended_on": m.ended_on,
                "end_reason": m.end_reason,
                "rejection_reason": m.rejection_reason,
            }
            for m in rows
        ],
        "next_cursor": next_cursor,
    }


@router.get("/bills", response=responses(BillPage), operation_id="list_bills")
def list_bills(request: HttpRequest, filters: Query[ListFilters]) -> dict[str, Any]:
    """The monthly bills imported from the BPJS branch."""
    require(request, Capability.EXCHANGE_BPJS_FILES)
    bills = Bill.objects.all()
    rows, next_cursor = page_of(
        bills, within=bills, field="id", cursor=filters.cursor, limit=filters.limit
    )
    return {"items": [_bill_out(b) for b in rows], "next_cursor": next_cursor}


@router.get(
    "/bills/{bill_id}/reconciliation",
    response=responses(ReconciliationOut),
    operation_id="get_bill_reconciliation",
)
def get_bill_reconciliation(request: HttpRequest, bill_id: int) -> dict[str, Any]:
    """The bill against what the memberships should cost that month, line by line (NIKs
    masked, as on the bill's page)."""
    require(request, Capability.EXCHANGE_BPJS_FILES)
    bill = Bill.objects.select_related("cycle").filter(pk=bill_id).first()
    if bill is None:
        raise not_found()
    result = selectors.bill_reconciliation(bill)
    niks = [d.nik for d in result.differences]
    members = dict(
        selectors.cycle_memberships(bill.cycle)
        .filter(person__nik__in=niks)
        .values_list("person__nik", "pk")
    )
    return {
        "bill": _bill_out(bill),
        "expected_total": result.expected_total,
        "billed_total": result.billed_total,
        "stated_total": result.stated_total,
        "matched": result.matched,
        "ties_out": result.ties_out,
        "differences": [
            {
                "kind": str(d.kind),
                "nik_masked": mask_nik(d.nik),
                "membership_id": members.get(d.nik),
                "expected": d.expected,
                "billed": d.billed,
                "delta": d.delta,
            }
            for d in result.differences
        ],
    }


@router.get("/claims", response=responses(ClaimPage), operation_id="list_claims")
def list_claims(request: HttpRequest, filters: Query[ClaimFilters]) -> dict[str, Any]:
    """JKK and JKM claims of the members the token's user may see."""
    user = require(request, Capability.VIEW_ENROLLED_ROSTER)
    visible = selectors.claims_visible_to(user)
    claims = visible if filters.status is None else visible.filter(status=filters.status)
    rows, next_cursor = page_of(
        claims, within=visible, field="id", cursor=filters.cursor, limit=filters.limit
    )
    return {
        "items": [
            {
                "id": c.pk,
                "membership_id": c.membership_id,
                "person_id": c.membership.person_id,
                "name": c.membership.person.name,
                "kpj_number": c.membership.kpj_number,
                "benefit": c.benefit,
                "kind": c.kind,
                "event_on": c.event_on,
                "status": c.status,
                "was_active_on_event": c.was_active_on_event,
                "estimated_benefit": c.estimated_benefit,
                "benefit_paid": c.benefit_paid,
            }
            for c in rows
        ],
        "next_cursor": next_cursor,
    }
