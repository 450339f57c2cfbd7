"""JKK and JKM claims of covered persons."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from rentan.core.audit import record_change
from rentan.core.models import AuditAction
from rentan.enrollment import selectors
from rentan.enrollment.claims import (
    DEATH_KINDS,
    benefit_of,
    benefit_rule_in_force,
    estimated_benefit,
    was_covered_on,
)
from rentan.enrollment.models import (
    Claim,
    ClaimKind,
    ClaimStatus,
    Membership,
)
from rentan.enrollment.services import EnrollmentRefused, actor_or_none
from rentan.enrollment.services.memberships import end_membership
from rentan.enrollment.states import EndReason, MembershipStatus


@transaction.atomic
def record_claim(
    *, actor: Any, membership: Membership, kind: ClaimKind, event_on: date, note: str = ""
) -> Claim:
    """A JKK or JKM event. Whether the person was covered that day is checked and kept; a
    death ends an active membership (reason: died)."""
    covered = was_covered_on(
        start_on=membership.start_on, ended_on=membership.ended_on, event_on=event_on
    )
    rule = benefit_rule_in_force(selectors.benefit_rules(), claim_kind=kind.value, on=event_on)
    claim = Claim.objects.create(
        membership=membership,
        benefit=benefit_of(kind.value),
        kind=kind,
        event_on=event_on,
        was_active_on_event=covered,
        estimated_benefit=estimated_benefit(rule, declared_income=membership.cycle.declared_income)
        if covered
        else None,
        status=ClaimStatus.REPORTED if covered else ClaimStatus.REFUSED,
        note=note,
        recorded_by=actor_or_none(actor),
    )
    record_change(
        actor=actor,
        action=AuditAction.CLAIM_RECORDED,
        target=claim,
        before={},
        after={
            "kind": kind.value,
            "event_on": event_on.isoformat(),
            "covered": covered,
            "status": claim.status,
        },
    )
    if kind.value in DEATH_KINDS and membership.status == MembershipStatus.ACTIVE:
        end_membership(actor=actor, membership=membership, reason=EndReason.DIED, on=event_on)
    return claim


@transaction.atomic
def update_claim(
    *, actor: Any, claim: Claim, status: ClaimStatus, benefit_paid: int | None = None
) -> Claim:
    if status == ClaimStatus.PAID and benefit_paid is None:
        raise EnrollmentRefused(_("Klaim yang dibayar memerlukan jumlah manfaat."))
    before = {"status": claim.status, "benefit_paid": claim.benefit_paid}
    claim.status = status
    if benefit_paid is not None:
        claim.benefit_paid = benefit_paid
    claim.save(update_fields=["status", "benefit_paid"])
    record_change(
        actor=actor,
        action=AuditAction.CLAIM_UPDATED,
        target=claim,
        before=before,
        after={"status": status.value, "benefit_paid": claim.benefit_paid},
    )
    return claim
