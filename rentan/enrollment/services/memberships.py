"""Memberships: made for an approved list, moved one at a time through the states table,
moved in bulk by a BPJS file, replaced from the waiting list, carried into the next year.

Every move checks `states.TRANSITIONS` and writes a MembershipChange per membership.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rentan.core.audit import record_change
from rentan.core.models import AuditAction
from rentan.enrollment import billing, selectors
from rentan.enrollment.models import (
    ExchangeFile,
    Membership,
    MembershipChange,
)
from rentan.enrollment.services import BATCH, EnrollmentRefused, actor_or_none, insert_rows
from rentan.enrollment.states import EndReason, MembershipStatus, check_transition
from rentan.programmes.models import (
    Cycle,
    CycleStatus,
    ManualExclusion,
    Placement,
    PlacementKind,
)


@transaction.atomic
def create_memberships(*, actor: Any, cycle: Cycle, today: date) -> int:
    """A membership (ditetapkan) for every selected placement of an approved cycle."""
    if cycle.status not in (CycleStatus.APPROVED, CycleStatus.RUNNING):
        raise EnrollmentRefused(
            _("Periode %(cycle)s belum ditetapkan (status: %(status)s).")
            % {"cycle": cycle, "status": cycle.get_status_display()}
        )
    placements = selectors.placements_awaiting_membership(cycle).values_list("id", "person_id")
    start = billing.month_start(cycle.coverage_start_on)
    existing = Membership.objects.filter(cycle=cycle).count()
    new = [
        Membership(
            cycle=cycle,
            person_id=person_id,
            placement_id=placement_id,
            status=MembershipStatus.APPROVED,
            requested_start_on=start,
            status_changed_on=today,
        )
        for placement_id, person_id in placements
    ]
    Membership.objects.bulk_create(new, batch_size=BATCH)
    created = Membership.objects.filter(cycle=cycle, changes__isnull=True)
    MembershipChange.objects.bulk_create(
        [
            MembershipChange(
                membership_id=pk,
                to_status=MembershipStatus.APPROVED,
                on=today,
                reason=cycle.decree_reference,
                actor=actor_or_none(actor),
            )
            for pk in created.values_list("id", flat=True)
        ],
        batch_size=BATCH,
    )
    record_change(
        actor=actor,
        action=AuditAction.MEMBERSHIPS_CREATED,
        target=cycle,
        before={"memberships": existing},
        after={"memberships": existing + len(new), "sk": cycle.decree_reference},
    )
    return len(new)


@transaction.atomic
def change_membership_status(
    *,
    actor: Any,
    membership: Membership,
    to: MembershipStatus,
    on: date,
    reason: str = "",
    kpj_number: str = "",
    start_on: date | None = None,
    end_reason: EndReason | None = None,
) -> Membership:
    """Move one membership to another state, if the table allows it; record date, reason
    and who in its history and the audit trail. Ending also ends the placement."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    current = MembershipStatus(membership.status)
    check_transition(current, to)
    if to == MembershipStatus.ACTIVE:
        if not (len(kpj_number) == 11 and kpj_number.isdigit()) or start_on is None:
            raise EnrollmentRefused(
                _("Peserta aktif memerlukan nomor KPJ 11 angka dan tanggal mulai.")
            )
        taken = (
            Membership.objects.filter(kpj_number=kpj_number)
            .exclude(person_id=membership.person_id)
            .exists()
        )
        if taken:
            raise EnrollmentRefused(
                _("Nomor KPJ %(kpj)s sudah dipakai peserta lain.") % {"kpj": kpj_number}
            )
        membership.kpj_number, membership.start_on = kpj_number, start_on
    if to == MembershipStatus.REJECTED:
        if not reason:
            raise EnrollmentRefused(_("Penolakan memerlukan alasan dari kantor cabang."))
        membership.rejection_reason = reason
    if to == MembershipStatus.ENDED:
        if end_reason is None:
            raise EnrollmentRefused(_("Kepesertaan hanya dapat dihentikan dengan alasan."))
        membership.ended_on, membership.end_reason = on, end_reason
        placement = membership.placement
        placement.ended_on = on
        placement.end_reason = str(EndReason(end_reason).label)
        placement.save(update_fields=["ended_on", "end_reason"])
        reason = reason or str(EndReason(end_reason).label)
    membership.status = to
    membership.status_changed_on = on
    membership.save()
    MembershipChange.objects.create(
        membership=membership,
        from_status=current,
        to_status=to,
        on=on,
        reason=reason,
        actor=actor_or_none(actor),
    )
    after: dict[str, Any] = {"status": to.value, "on": on.isoformat(), "reason": reason}
    if to == MembershipStatus.ACTIVE:
        after |= {"kpj_number": kpj_number, "start_on": str(start_on)}
    if to == MembershipStatus.ENDED:
        after["end_reason"] = membership.end_reason
    record_change(
        actor=actor,
        action=(
            AuditAction.MEMBERSHIP_ENDED
            if to == MembershipStatus.ENDED
            else AuditAction.MEMBERSHIP_CHANGED
        ),
        target=membership,
        before={"status": current.value},
        after=after,
    )
    return membership


def end_membership(
    *, actor: Any, membership: Membership, reason: EndReason, on: date, note: str = ""
) -> Membership:
    return change_membership_status(
        actor=actor,
        membership=membership,
        to=MembershipStatus.ENDED,
        on=on,
        reason=note or str(reason.label),
        end_reason=reason,
    )


def move_memberships(
    *,
    actor: Any,
    changes: Sequence[tuple[int, MembershipStatus]],
    to: MembershipStatus,
    on: date,
    exchange_file: ExchangeFile,
    reasons: dict[int, str] | None = None,
) -> None:
    """History rows for a batch moved by a file (the caller has bulk-updated the rows)."""
    for _pk, current in changes:
        check_transition(current, to)
    # Straight to the table: a file moves up to 100,000 memberships at once, and building
    # that many model instances costs more than writing the rows.
    columns = (
        *("membership_id", "from_status", "to_status", "on"),
        *("reason", "exchange_file_id", "actor_id", "at"),
    )
    at = timezone.now()
    actor_id = getattr(actor_or_none(actor), "pk", None)
    with connection.cursor() as cursor:
        insert_rows(
            cursor,
            MembershipChange._meta.db_table,
            columns,
            [
                (
                    pk,
                    current.value,
                    to.value,
                    on,
                    (reasons or {}).get(pk, exchange_file.filename)[:255],
                    exchange_file.pk,
                    actor_id,
                    at,
                )
                for pk, current in changes
            ],
        )


@transaction.atomic
def approve_replacement(
    *, actor: Any, ended: Membership, waiting: Placement, reason: str, today: date
) -> Membership:
    """The waiting-list person takes the ended member's place: their placement becomes a new
    participant's (replacing the ended one) and they get a membership, ditetapkan."""
    if not reason.strip():
        raise EnrollmentRefused(_("Penggantian peserta memerlukan alasan."))
    if ended.status != MembershipStatus.ENDED:
        raise EnrollmentRefused(_("Hanya peserta yang sudah berhenti yang dapat diganti."))
    if Placement.objects.filter(replaces_id=ended.placement_id).exists():
        raise EnrollmentRefused(_("Peserta ini sudah punya pengganti."))
    waiting = Placement.objects.select_for_update().get(pk=waiting.pk)
    if (
        waiting.cycle_id != ended.cycle_id
        or waiting.kind != PlacementKind.WAITING
        or waiting.ended_on is not None
        or not waiting.person.is_active
        or Membership.objects.filter(placement=waiting).exists()
    ):
        raise EnrollmentRefused(_("Calon pengganti tidak lagi tersedia di daftar cadangan."))
    # A person has one placement per cycle, so the waiting place itself becomes the new one.
    waiting.kind = PlacementKind.NEW
    waiting.replaces_id = ended.placement_id
    waiting.save(update_fields=["kind", "replaces"])
    start = max(billing.add_months(today, 1), billing.month_start(ended.cycle.coverage_start_on))
    membership = Membership.objects.create(
        cycle=ended.cycle,
        person=waiting.person,
        placement=waiting,
        status=MembershipStatus.APPROVED,
        requested_start_on=start,
        status_changed_on=today,
    )
    MembershipChange.objects.create(
        membership=membership,
        to_status=MembershipStatus.APPROVED,
        on=today,
        reason=reason,
        actor=actor_or_none(actor),
    )
    record_change(
        actor=actor,
        action=AuditAction.MEMBER_REPLACED,
        target=membership,
        before={"placement": waiting.pk, "kind": PlacementKind.WAITING.value},
        after={
            "placement": waiting.pk,
            "kind": waiting.kind,
            "replaces_membership": ended.pk,
            "status": membership.status,
        },
        note=reason,
    )
    return membership


@transaction.atomic
def carry_over_members(*, actor: Any, from_cycle: Cycle, to_cycle: Cycle) -> int:
    """At year end: the active members of `from_cycle` become continuing candidates
    (placements of kind CONTINUING) in the next cycle, while it is still a draft. Members
    ended, rejected or replaced are not active, and those left out of the next cycle by hand
    are not carried."""
    if to_cycle.programme_id != from_cycle.programme_id or to_cycle.year <= from_cycle.year:
        raise EnrollmentRefused(
            _("Periode tujuan harus periode berikutnya dari program yang sama.")
        )
    if to_cycle.status != CycleStatus.DRAFT:
        raise EnrollmentRefused(
            _("Periode tujuan sudah dialokasikan; peserta lanjutan tidak dapat ditambah.")
        )
    already = set(Placement.objects.filter(cycle=to_cycle).values_list("person_id", flat=True))
    # Someone left out of the next cycle by hand stays out: carrying them over would undo it.
    left_out = set(
        ManualExclusion.objects.filter(cycle=to_cycle, lifted_at__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    candidates = [
        (pk, kel)
        for pk, kel in selectors.continuing_candidates(from_cycle).values_list("id", "kelurahan_id")
        if pk not in already and pk not in left_out
    ]
    start_rank = len(already) + 1
    Placement.objects.bulk_create(
        [
            Placement(
                cycle=to_cycle,
                person_id=pk,
                kind=PlacementKind.CONTINUING,
                rank=start_rank + n,
                score=0,
                kelurahan_id=kel,
            )
            for n, (pk, kel) in enumerate(candidates)
        ],
        batch_size=BATCH,
    )
    record_change(
        actor=actor,
        action=AuditAction.MEMBERS_CARRIED_OVER,
        target=to_cycle,
        before={"placements": len(already)},
        after={"placements": len(already) + len(candidates), "continuing_from": from_cycle.pk},
    )
    return len(candidates)
