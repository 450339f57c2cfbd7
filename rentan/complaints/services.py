"""The only way complaints change: each service runs in one transaction and writes its own
audit event (`COMPLAINT_*`) with the change as {"before": …, "after": …}.

What an upheld complaint leads to (a correction of the person's data, a place from the waiting
list) is done by the registry's and enrollment's own services; `record_follow_up` only notes
it here, after checking that the records show it was done."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from rentan.accounts.access import Capability, can, kelurahan_scope
from rentan.complaints import lifecycle
from rentan.complaints.deadlines import DeadlineRule, days_in_force, due_on
from rentan.complaints.lifecycle import (
    Category,
    ComplaintRefused,
    ComplaintStatus,
    Decision,
    FollowUp,
    FollowUpFacts,
    Intake,
    Refusal,
    Reporter,
)
from rentan.complaints.models import Complaint, ComplaintDeadline, ReceiptCounter
from rentan.complaints.receipts import receipt_number
from rentan.core.audit import events_for, record_change
from rentan.core.models import AuditAction
from rentan.programmes.eligibility import RulesInvalid
from rentan.programmes.explanation import explain_person
from rentan.programmes.lifecycle import DRAFT
from rentan.programmes.models import Cycle, Placement, PlacementKind
from rentan.programmes.premiums import NoRateInForce
from rentan.programmes.scoring import WeightsInvalid
from rentan.regions.models import Area
from rentan.registry.models import Person

# Complaints about who is on the list: their decision rests on a re-check of the selection.
SELECTION_CATEGORIES = frozenset(
    {Category.NOT_SELECTED, Category.WRONGLY_SELECTED, Category.APPEAL}
)


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def next_receipt_number(year: int) -> str:
    """The next number of the year. The UPDATE takes the counter's row lock (PostgreSQL) or
    the write lock (SQLite, whose transactions begin IMMEDIATE here), so concurrent desks
    queue for it; the first complaint of a year creates the row, and a desk that loses that
    race adds one to the row the other made."""
    with transaction.atomic():
        if not ReceiptCounter.objects.filter(year=year).update(last=F("last") + 1):
            try:
                with transaction.atomic():
                    ReceiptCounter.objects.create(year=year, last=1)
            except IntegrityError:
                ReceiptCounter.objects.filter(year=year).update(last=F("last") + 1)
        serial = ReceiptCounter.objects.values_list("last", flat=True).get(year=year)
    return receipt_number(year, serial)


def deadline_rules() -> list[DeadlineRule]:
    return [
        DeadlineRule(category, days, effective_on)
        for category, days, effective_on in ComplaintDeadline.objects.values_list(
            "category", "days", "effective_on"
        )
    ]


@dataclass(frozen=True)
class NewComplaint:
    """What the desk recorded, as the form cleaned it."""

    channel: str  # Channel
    category: str
    reporter: str
    text: str
    received_on: date
    person: Person | None = None
    reporter_name: str = ""
    reporter_contact: str = ""
    kelurahan: Area | None = None
    cycle: Cycle | None = None
    appeals: Complaint | None = None
    lapor_reference: str = ""


def _snapshot(complaint: Complaint) -> dict[str, Any]:
    return {
        "number": complaint.number,
        "status": complaint.status,
        "category": complaint.category,
        "channel": complaint.channel,
        "reporter": complaint.reporter,
        "person": complaint.person_id,
        "kelurahan": complaint.kelurahan_id,
        "cycle": complaint.cycle_id,
        "appeals": complaint.appeals_id,
        "due_on": complaint.due_on.isoformat() if complaint.due_on else None,
    }


@transaction.atomic
def record_complaint(*, actor: Any, new: NewComplaint) -> Complaint:
    """A complaint taken at a desk, by phone, by letter or from SP4N-LAPOR!: its receipt
    number, its due date from the deadline in force for its category, and the kelurahan whose
    desk it belongs to (the person's, or the one named for a reporter not in the registry)."""
    refusal = lifecycle.intake_refusal(
        Intake(
            reporter=new.reporter,
            has_person=new.person is not None,
            reporter_name=new.reporter_name,
            has_kelurahan=new.kelurahan is not None,
            text=new.text,
            category=new.category,
            appealed_status=new.appeals.status if new.appeals is not None else None,
        )
    )
    if refusal is not None:
        raise ComplaintRefused(refusal)
    kelurahan_id = new.person.kelurahan_id if new.person is not None else new.kelurahan.pk  # type: ignore[union-attr]
    days = days_in_force(deadline_rules(), category=new.category, on=new.received_on)
    complaint = Complaint.objects.create(
        number=next_receipt_number(new.received_on.year),
        received_on=new.received_on,
        channel=new.channel,
        category=new.category,
        reporter=new.reporter,
        person=new.person,
        reporter_name=new.reporter_name.strip() if new.reporter == Reporter.OTHER else "",
        reporter_contact=new.reporter_contact.strip() if new.reporter != Reporter.ANONYMOUS else "",
        kelurahan_id=kelurahan_id,
        cycle=new.cycle,
        appeals=new.appeals,
        text=new.text.strip(),
        lapor_reference=new.lapor_reference.strip(),
        due_on=due_on(new.received_on, days) if days is not None else None,
        recorded_by=_actor(actor),
    )
    record_change(
        actor=actor,
        action=AuditAction.COMPLAINT_RECORDED,
        target=complaint,
        before={},
        after=_snapshot(complaint),
    )
    return complaint


def may_handle(user: Any, complaint: Complaint) -> bool:
    """Whether this user may be given the complaint: a Dinas role, or an operator of its
    kelurahan."""
    if not user.is_active or not can(user, Capability.HANDLE_COMPLAINTS):
        return False
    scope = kelurahan_scope(user)
    return scope is None or scope == complaint.kelurahan_id


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


@transaction.atomic
def assign_complaint(*, actor: Any, complaint: Complaint, assignee: Any) -> Complaint:
    complaint = _locked(complaint)
    if complaint.status == ComplaintStatus.CLOSED:
        raise ComplaintRefused(Refusal.CLOSED)
    if not may_handle(assignee, complaint):
        raise ComplaintRefused(Refusal.ASSIGNEE_NOT_ALLOWED)
    before = {"assigned_to": complaint.assigned_to_id}
    complaint.assigned_to = assignee
    complaint.save(update_fields=["assigned_to"])
    record_change(
        actor=actor,
        action=AuditAction.COMPLAINT_ASSIGNED,
        target=complaint,
        before=before,
        after={"assigned_to": assignee.pk},
    )
    return complaint


@transaction.atomic
def start_review(*, actor: Any, complaint: Complaint) -> Complaint:
    """Received -> in review, once someone is assigned to it."""
    complaint = _locked(complaint)
    lifecycle.check_transition(complaint.status, ComplaintStatus.IN_REVIEW)
    if complaint.assigned_to_id is None:
        raise ComplaintRefused(Refusal.NO_ASSIGNEE)
    before = {"status": complaint.status}
    complaint.status = ComplaintStatus.IN_REVIEW
    complaint.save(update_fields=["status"])
    record_change(
        actor=actor,
        action=AuditAction.COMPLAINT_MOVED,
        target=complaint,
        before=before,
        after={"status": complaint.status},
    )
    return complaint


def recheck_verdict(complaint: Complaint) -> str:
    """For a complaint about the selection, what the person's explanation for the cycle says
    now (the re-check a decision rests on); "" when there is nothing to re-check."""
    if complaint.person is None or complaint.cycle is None:
        return ""
    if complaint.category not in (
        Category.NOT_SELECTED,
        Category.WRONGLY_SELECTED,
        Category.APPEAL,
    ):
        return ""
    if complaint.cycle.status == DRAFT:
        return ""
    try:
        return str(explain_person(complaint.cycle, complaint.person)["verdict"])
    except (RulesInvalid, WeightsInvalid, NoRateInForce) as unreadable:
        return str(unreadable)


@transaction.atomic
def decide_complaint(
    *, actor: Any, complaint: Complaint, decision: Decision, reason: str, on: date
) -> Complaint:
    """In review -> decided, with the decision and its reason; a complaint about the
    selection keeps what its re-check said."""
    complaint = _locked(complaint)
    lifecycle.check_transition(complaint.status, ComplaintStatus.DECIDED)
    if not reason.strip():
        raise ComplaintRefused(Refusal.NO_REASON)
    before = {"status": complaint.status, "decision": complaint.decision}
    complaint.status = ComplaintStatus.DECIDED
    complaint.decision = decision
    complaint.decision_reason = reason.strip()
    complaint.decided_on = on
    complaint.decided_by = _actor(actor)
    complaint.recheck_verdict = recheck_verdict(complaint)
    complaint.save(
        update_fields=[
            "status",
            "decision",
            "decision_reason",
            "decided_on",
            "decided_by",
            "recheck_verdict",
        ]
    )
    record_change(
        actor=actor,
        action=AuditAction.COMPLAINT_DECIDED,
        target=complaint,
        before=before,
        after={
            "status": complaint.status,
            "decision": complaint.decision,
            "decided_on": on.isoformat(),
            "recheck": complaint.recheck_verdict,
        },
        note=complaint.decision_reason,
    )
    return complaint


@transaction.atomic
def close_complaint(*, actor: Any, complaint: Complaint, on: date) -> Complaint:
    """Decided -> closed: the answer has reached the person."""
    complaint = _locked(complaint)
    lifecycle.check_transition(complaint.status, ComplaintStatus.CLOSED)
    before = {"status": complaint.status}
    complaint.status = ComplaintStatus.CLOSED
    complaint.closed_on = on
    complaint.save(update_fields=["status", "closed_on"])
    record_change(
        actor=actor,
        action=AuditAction.COMPLAINT_CLOSED,
        target=complaint,
        before=before,
        after={"status": complaint.status, "closed_on": on.isoformat()},
    )
    return complaint


def follow_up_facts(complaint: Complaint) -> FollowUpFacts:
    received_at: datetime = complaint.recorded_at
    corrected = complaint.person is not None and (
        events_for(complaint.person)
        .filter(action=AuditAction.PERSON_UPDATED, at__gte=received_at)
        .exists()
    )
    placement = (
        Placement.objects.filter(cycle=complaint.cycle, person=complaint.person).first()
        if complaint.cycle is not None and complaint.person is not None
        else None
    )
    return FollowUpFacts(
        status=complaint.status,
        decision=complaint.decision,
        has_cycle=complaint.cycle is not None and complaint.person is not None,
        corrected_since_received=corrected,
        on_waiting_list=placement is not None
        and placement.kind == PlacementKind.WAITING
        and placement.ended_on is None,
        is_replacement=placement is not None
        and placement.kind == PlacementKind.NEW
        and placement.replaces_id is not None,
    )


@transaction.atomic
def record_follow_up(
    *, actor: Any, complaint: Complaint, follow_up: FollowUp, note: str = ""
) -> Complaint:
    """What was done for an upheld complaint, as the records show it: never a change to the
    list itself, which only the selection's and enrollment's services make."""
    complaint = _locked(complaint)
    refusal = lifecycle.follow_up_refusal(follow_up, follow_up_facts(complaint))
    if refusal is not None:
        raise ComplaintRefused(refusal)
    before = {"follow_up": complaint.follow_up}
    complaint.follow_up = follow_up
    complaint.follow_up_note = note.strip()
    complaint.save(update_fields=["follow_up", "follow_up_note"])
    record_change(
        actor=actor,
        action=AuditAction.COMPLAINT_FOLLOWED_UP,
        target=complaint,
        before=before,
        after={"follow_up": complaint.follow_up},
        note=complaint.follow_up_note,
    )
    return complaint


@transaction.atomic
def set_deadline(
    *, actor: Any, category: Category, days: int, effective_on: date, reference: str = ""
) -> ComplaintDeadline:
    """A new number of days for a category from a date on; complaints received before it
    keep the due date they were given."""
    if days < 1:
        raise ValueError("days")
    rules = deadline_rules()
    before_days = days_in_force(rules, category=category, on=effective_on)
    deadline, _created = ComplaintDeadline.objects.update_or_create(
        category=category,
        effective_on=effective_on,
        defaults={"days": days, "reference": reference.strip(), "recorded_by": _actor(actor)},
    )
    record_change(
        actor=actor,
        action=AuditAction.COMPLAINT_DEADLINE_SET,
        target=deadline,
        before={"category": category.value, "days": before_days},
        after={"category": category.value, "days": days, "effective_on": effective_on.isoformat()},
        note=reference.strip(),
    )
    return deadline
