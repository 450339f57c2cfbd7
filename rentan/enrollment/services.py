"""The only ways to change memberships, exchange files, bills, payments and claims.

Each runs in one transaction and writes its audit events in it. A membership's status moves
only through change_membership_status (one at a time) or _move (a file's batch), both
checking states.TRANSITIONS and writing a MembershipChange per membership.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rentan.core.audit import record_event, record_export
from rentan.core.models import AuditAction
from rentan.enrollment import billing, bpjs_files, selectors
from rentan.enrollment.bpjs_files import (
    Column,
    FileNotReadable,
    Problem,
    ReplyOutcome,
    RowProblem,
    columns_to_data,
)
from rentan.enrollment.claims import (
    DEATH_KINDS,
    benefit_of,
    benefit_rule_in_force,
    estimated_benefit,
    was_covered_on,
)
from rentan.enrollment.models import (
    Bill,
    BillLine,
    Claim,
    ClaimKind,
    ClaimStatus,
    ExchangeFile,
    ExchangeKind,
    Membership,
    MembershipChange,
    Payment,
    RegistrationMapping,
)
from rentan.enrollment.states import EndReason, MembershipStatus, check_transition
from rentan.programmes.models import (
    Benefit,
    Cycle,
    CycleStatus,
    Placement,
    PlacementKind,
    Programme,
)
from rentan.registry.nik import mask_nik

BATCH = 2000


class EnrollmentRefused(ValueError):
    """The request cannot be carried out; nothing was changed."""


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def create_memberships(*, actor: Any, cycle: Cycle, today: date) -> int:
    """A membership (ditetapkan) for every selected placement of an approved cycle."""
    if cycle.status not in (CycleStatus.APPROVED, CycleStatus.RUNNING):
        raise EnrollmentRefused(
            _("Periode %(cycle)s belum ditetapkan (status: %(status)s).")
            % {"cycle": cycle, "status": cycle.get_status_display()}
        )
    placements = Placement.objects.filter(
        cycle=cycle,
        kind__in=[PlacementKind.CONTINUING, PlacementKind.NEW],
        ended_on__isnull=True,
        membership__isnull=True,
    ).values_list("id", "person_id")
    start = billing.month_start(cycle.coverage_start_on)
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
                actor=_actor(actor),
            )
            for pk in created.values_list("id", flat=True)
        ],
        batch_size=BATCH,
    )
    record_event(
        actor=actor,
        action=AuditAction.CREATE,
        target=cycle,
        changes={"memberships": len(new)},
        note=_("Kepesertaan ditetapkan untuk peserta terpilih (%(ref)s).")
        % {"ref": cycle.decree_reference or "-"},
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
        actor=_actor(actor),
    )
    record_event(
        actor=actor,
        action=AuditAction.UPDATE,
        target=membership,
        changes={"status": [current.value, to.value], "on": on.isoformat(), "reason": reason},
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


def _move(
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
    actor_id = getattr(_actor(actor), "pk", None)
    with connection.cursor() as cursor:
        _insert_rows(
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


def _insert_rows(
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


def _programmes_text(programme: Programme) -> str:
    benefits = [b for b in programme.benefits if b in (Benefit.JKK, Benefit.JKM, Benefit.JHT)]
    return ", ".join(benefits or [Benefit.JKK, Benefit.JKM])


@transaction.atomic
def export_registration(
    *,
    actor: Any,
    cycle: Cycle,
    today: date,
    membership_ids: list[int] | None = None,
) -> ExchangeFile:
    """The registration file for the cycle (or the named batch): the people who may be sent,
    in NIK order, in the programme's column mapping. Those approved move to didaftarkan."""
    columns, sheet_name = selectors.columns_for(cycle)
    items = selectors.registration_rows(
        selectors.sendable_memberships(cycle, membership_ids),
        declared_income=cycle.declared_income,
        programmes=_programmes_text(cycle.programme),
    )
    if not items:
        raise EnrollmentRefused(
            _("Tidak ada peserta periode %(cycle)s yang dapat dikirim ke BPJS.") % {"cycle": cycle}
        )
    content = bpjs_files.write_registration(
        [row for _pk, _status, row in items], columns, sheet_name=sheet_name
    )
    digest = bpjs_files.checksum(content)
    exchange = ExchangeFile.objects.create(
        kind=ExchangeKind.REGISTRATION,
        cycle=cycle,
        filename=f"pendaftaran-{cycle.programme.code}-{cycle.year}-{digest[:8]}.xlsx",
        checksum=digest,
        rows=len(items),
        results=[
            {"row": n, "nik": mask_nik(row.nik), "outcome": "sent"}
            for n, (_pk, _s, row) in enumerate(items, start=2)
        ],
        summary={"columns": [c.header for c in columns]},
        content=content,
        created_by=_actor(actor),
    )
    to_send = [
        (pk, MembershipStatus(status))
        for pk, status, _row in items
        if status != MembershipStatus.REGISTERED
    ]
    _move(
        actor=actor,
        changes=to_send,
        to=MembershipStatus.REGISTERED,
        on=today,
        exchange_file=exchange,
    )
    # The same selection as the file's rows, in the same transaction: one statement.
    moved = (
        selectors.sendable_memberships(cycle, membership_ids)
        .exclude(status=MembershipStatus.REGISTERED)
        .update(
            status=MembershipStatus.REGISTERED, status_changed_on=today, registration_file=exchange
        )
    )
    ids = [pk for pk, _status in to_send]
    if moved != len(ids):  # changed by someone else meanwhile: send nothing
        raise EnrollmentRefused(_("Daftar peserta berubah saat berkas dibuat; ulangi."))
    record_event(
        actor=actor,
        action=AuditAction.CREATE,
        target=exchange,
        changes={"rows": len(items), "newly_registered": len(ids), "checksum": digest},
    )
    record_export(
        actor=actor,
        target_type="enrollment.membership",
        target_ids=[pk for pk, _s, _r in items],
        note=_("Berkas pendaftaran BPJS %(name)s") % {"name": exchange.filename},
        persons=selectors.sendable_memberships(cycle, membership_ids).values_list(
            "person_id", flat=True
        ),
    )
    return exchange


@dataclass
class ReplyResult:
    exchange: ExchangeFile
    activated: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)


@transaction.atomic
def import_bpjs_reply(*, actor: Any, content: bytes, filename: str, today: date) -> ReplyResult:
    """The branch's answer. Accepted rows become aktif, rejected rows ditolak, together;
    rows matching nobody awaiting an answer, or giving a KPJ another person holds, are
    reported and change nothing. A file that is no reply raises FileNotReadable."""
    parsed = bpjs_files.parse_reply(content, today=today)
    problems = list(parsed.problems)
    awaiting: dict[str, tuple[int, int, int]] = {}
    for pk, nik, person_id, cycle_id in (
        Membership.objects.filter(status=MembershipStatus.REGISTERED)
        .values_list("id", "person__nik", "person_id", "cycle_id")
        .order_by("cycle__year", "id")
        .iterator(chunk_size=5000)
    ):
        awaiting[nik] = (pk, person_id, cycle_id)
    kpj_holder: dict[str, int] = dict(
        Membership.objects.exclude(kpj_number="").values_list("kpj_number", "person_id")
    )
    accepted: list[tuple[int, bpjs_files.ReplyRow]] = []
    rejected: list[tuple[int, bpjs_files.ReplyRow]] = []
    cycles: set[int] = set()
    for row in parsed.rows:
        match = awaiting.get(row.nik)
        if match is None:
            problems.append(
                Problem(
                    row.row,
                    mask_nik(row.nik),
                    RowProblem.UNKNOWN_NIK,
                    _(
                        "Baris %(row)d, kolom NIK: %(nik)s tidak cocok dengan peserta mana pun "
                        "yang menunggu balasan BPJS."
                    )
                    % {"row": row.row, "nik": mask_nik(row.nik)},
                )
            )
            continue
        pk, person_id, cycle_id = match
        if row.outcome == ReplyOutcome.ACCEPTED:
            holder = kpj_holder.get(row.kpj_number)
            if holder is not None and holder != person_id:
                problems.append(
                    Problem(
                        row.row,
                        mask_nik(row.nik),
                        RowProblem.KPJ_USED_BY_OTHER,
                        _("Baris %(row)d, kolom Nomor KPJ: %(kpj)s sudah dipakai peserta lain.")
                        % {"row": row.row, "kpj": row.kpj_number},
                    )
                )
                continue
            accepted.append((pk, row))
        else:
            rejected.append((pk, row))
        cycles.add(cycle_id)
    problems.sort(key=lambda p: p.row)
    results = [
        {"row": row.row, "nik": mask_nik(row.nik), "outcome": row.outcome.value}
        for _pk, row in sorted(accepted + rejected, key=lambda item: item[1].row)
    ] + [
        {
            "row": p.row,
            "nik": p.nik,
            "outcome": "problem",
            "code": p.code.value,
            "message": p.message,
        }
        for p in problems
    ]
    exchange = ExchangeFile.objects.create(
        kind=ExchangeKind.REPLY,
        cycle_id=next(iter(cycles)) if len(cycles) == 1 else None,
        filename=filename,
        checksum=bpjs_files.checksum(content),
        rows=parsed.total_rows,
        results=results,
        summary={"activated": len(accepted), "rejected": len(rejected), "problems": len(problems)},
        created_by=_actor(actor),
    )
    registered = MembershipStatus.REGISTERED
    _move(
        actor=actor,
        changes=[(pk, registered) for pk, _row in accepted],
        to=MembershipStatus.ACTIVE,
        on=today,
        exchange_file=exchange,
    )
    _move(
        actor=actor,
        changes=[(pk, registered) for pk, _row in rejected],
        to=MembershipStatus.REJECTED,
        on=today,
        exchange_file=exchange,
        reasons={pk: row.reason for pk, row in rejected},
    )
    _apply_answers(
        [
            (pk, MembershipStatus.ACTIVE.value, row.kpj_number, row.start_on, "")
            for pk, row in accepted
        ]
        + [
            (pk, MembershipStatus.REJECTED.value, "", None, row.reason[:255])
            for pk, row in rejected
        ],
        today=today,
    )
    record_event(
        actor=actor,
        action=AuditAction.IMPORT,
        target=exchange,
        changes=exchange.summary,
        note=_("Balasan BPJS %(name)s") % {"name": filename},
    )
    return ReplyResult(exchange, len(accepted), len(rejected), problems)


def _apply_answers(rows: list[tuple[int, str, str, date | None, str]], *, today: date) -> None:
    """Write the branch's answers in one statement: stage (id, status, KPJ, start, reason)
    in a temporary table and UPDATE ... FROM it (SQLite 3.33+, PostgreSQL). A bulk_update
    of 100,000 rows builds CASE expressions per batch and is several times slower."""
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS enrollment_answer_stage")
        cursor.execute(
            "CREATE TEMPORARY TABLE enrollment_answer_stage (id bigint PRIMARY KEY, "
            "status varchar(12), kpj varchar(11), start_on date, reason varchar(255))"
        )
        _insert_rows(
            cursor, "enrollment_answer_stage", ("id", "status", "kpj", "start_on", "reason"), rows
        )
        cursor.execute(
            "UPDATE enrollment_membership SET status = s.status, kpj_number = s.kpj, "
            "start_on = s.start_on, rejection_reason = s.reason, status_changed_on = %s "
            "FROM enrollment_answer_stage AS s WHERE enrollment_membership.id = s.id",
            [today],
        )
        cursor.execute("DROP TABLE enrollment_answer_stage")


class BillRejected(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems[:5]))
        self.problems = problems


@transaction.atomic
def import_bpjs_bill(
    *, actor: Any, cycle: Cycle, month: date, content: bytes, filename: str
) -> Bill:
    """Store the branch's bill for a month (replacing an earlier import of the same month).
    A row that cannot be read rejects the whole file; nothing is stored."""
    month = billing.month_start(month)
    months = billing.cycle_months(cycle.coverage_start_on, cycle.coverage_months)
    if month not in months:
        raise EnrollmentRefused(
            _("Bulan %(month)s di luar masa perlindungan periode %(cycle)s.")
            % {"month": f"{month:%m-%Y}", "cycle": cycle}
        )
    parsed = bpjs_files.parse_bill(content)
    if parsed.problems:
        raise BillRejected(parsed.problems)
    exchange = ExchangeFile.objects.create(
        kind=ExchangeKind.BILL,
        cycle=cycle,
        filename=filename,
        checksum=bpjs_files.checksum(content),
        rows=len(parsed.rows),
        results=[{"row": r.row, "nik": mask_nik(r.nik), "amount": r.amount} for r in parsed.rows],
        summary={"month": month.isoformat(), "stated_total": parsed.stated_total},
        created_by=_actor(actor),
    )
    Bill.objects.filter(cycle=cycle, month=month).delete()
    bill = Bill.objects.create(
        cycle=cycle, month=month, stated_total=parsed.stated_total, file=exchange
    )
    BillLine.objects.bulk_create(
        [
            BillLine(
                bill=bill,
                nik=r.nik,
                kpj_number=r.kpj_number[:11],
                name=r.name[:150],
                amount=r.amount,
            )
            for r in parsed.rows
        ],
        batch_size=BATCH,
    )
    reconciliation = selectors.bill_reconciliation(bill)
    exchange.summary |= {
        "billed_total": reconciliation.billed_total,
        "expected_total": reconciliation.expected_total,
        "differences": len(reconciliation.differences),
        "ties_out": reconciliation.ties_out,
    }
    exchange.save(update_fields=["summary"])
    record_event(actor=actor, action=AuditAction.IMPORT, target=bill, changes=exchange.summary)
    return bill


@transaction.atomic
def record_payment(
    *, actor: Any, cycle: Cycle, month: date, amount: int, paid_on: date, reference: str = ""
) -> Payment:
    month = billing.month_start(month)
    if Payment.objects.filter(cycle=cycle, month=month).exists():
        raise EnrollmentRefused(
            _("Iuran bulan %(month)s sudah tercatat dibayar.") % {"month": f"{month:%m-%Y}"}
        )
    payment = Payment.objects.create(
        cycle=cycle,
        month=month,
        amount=amount,
        paid_on=paid_on,
        reference=reference,
        marked_by=_actor(actor),
    )
    record_event(
        actor=actor,
        action=AuditAction.CREATE,
        target=payment,
        changes={"month": month.isoformat(), "amount": amount, "paid_on": paid_on.isoformat()},
    )
    return payment


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
        actor=_actor(actor),
    )
    record_event(
        actor=actor,
        action=AuditAction.CREATE,
        target=membership,
        changes={"replaces_membership": ended.pk, "placement": waiting.pk},
        note=reason,
    )
    return membership


@transaction.atomic
def carry_over_members(*, actor: Any, from_cycle: Cycle, to_cycle: Cycle) -> int:
    """At year end: the active members of `from_cycle` become continuing candidates
    (placements of kind CONTINUING) in the next cycle, while it is still a draft."""
    if to_cycle.programme_id != from_cycle.programme_id or to_cycle.year <= from_cycle.year:
        raise EnrollmentRefused(
            _("Periode tujuan harus periode berikutnya dari program yang sama.")
        )
    if to_cycle.status != CycleStatus.DRAFT:
        raise EnrollmentRefused(
            _("Periode tujuan sudah dialokasikan; peserta lanjutan tidak dapat ditambah.")
        )
    already = set(Placement.objects.filter(cycle=to_cycle).values_list("person_id", flat=True))
    candidates = [
        (pk, kel)
        for pk, kel in selectors.continuing_candidates(from_cycle).values_list("id", "kelurahan_id")
        if pk not in already
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
    record_event(
        actor=actor,
        action=AuditAction.CREATE,
        target=to_cycle,
        changes={"continuing_from": from_cycle.pk, "placements": len(candidates)},
    )
    return len(candidates)


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
        recorded_by=_actor(actor),
    )
    record_event(
        actor=actor,
        action=AuditAction.CREATE,
        target=claim,
        changes={"kind": kind.value, "event_on": event_on.isoformat(), "covered": covered},
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
    record_event(
        actor=actor,
        action=AuditAction.UPDATE,
        target=claim,
        changes={"before": before, "after": {"status": status.value, "benefit_paid": benefit_paid}},
    )
    return claim


@transaction.atomic
def save_registration_mapping(
    *, actor: Any, programme: Programme, columns: Sequence[Column], sheet_name: str = "Pendaftaran"
) -> RegistrationMapping:
    """The programme's registration columns and sheet name (SheetNameError if Excel would
    refuse the name, MappingError for no column or a heading twice)."""
    sheet_name = bpjs_files.check_sheet_name(sheet_name)
    columns = bpjs_files.check_columns(columns)
    mapping, _created = RegistrationMapping.objects.update_or_create(
        programme=programme,
        defaults={"columns": columns_to_data(columns), "sheet_name": sheet_name},
    )
    record_event(
        actor=actor, action=AuditAction.UPDATE, target=mapping, changes={"columns": mapping.columns}
    )
    return mapping


__all__ = ["FileNotReadable"]
