"""The files exchanged with the BPJS Ketenagakerjaan branch: the registration file sent, the
reply read back, the registration file's column mapping."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from rentan.core.audit import record_change, record_export
from rentan.core.formatting import format_number
from rentan.core.models import AuditAction
from rentan.enrollment import bpjs_files, selectors
from rentan.enrollment.bpjs_files import (
    Column,
    Problem,
    ReplyOutcome,
    RowProblem,
    columns_to_data,
)
from rentan.enrollment.models import (
    ExchangeFile,
    ExchangeKind,
    Membership,
    RegistrationMapping,
)
from rentan.enrollment.services import EnrollmentRefused, actor_or_none, insert_rows
from rentan.enrollment.services.memberships import move_memberships
from rentan.enrollment.states import MembershipStatus
from rentan.programmes.models import (
    Benefit,
    Cycle,
    Programme,
)
from rentan.registry.nik import mask_nik


def _programmes_text(programme: Programme) -> str:
    benefits = [b for b in programme.benefits if b in (Benefit.JKK, Benefit.JKM, Benefit.JHT)]
    return ", ".join(benefits or [Benefit.JKK, Benefit.JKM])


# Told (phase, done, total) as a registration file is made: "read" the rows, "write" the
# file (rows written of all), "save" it and move the memberships.
ExportProgress = Callable[[str, int, int], None]


def _ignore(phase: str, done: int, total: int) -> None:
    pass


@transaction.atomic
def export_registration(
    *,
    actor: Any,
    cycle: Cycle,
    today: date,
    membership_ids: list[int] | None = None,
    progress: ExportProgress = _ignore,
    complete_only: bool = False,
) -> ExchangeFile:
    """The registration file for the cycle (or the named batch): the people who may be sent,
    in NIK order, in the programme's column mapping. Those approved move to didaftarkan.
    `complete_only` leaves out the members lacking a field the branch requires
    (`selectors.incomplete_registrations`): they stay as they are, for a later file."""
    progress("read", 0, 0)
    columns, sheet_name = selectors.columns_for(cycle)
    chosen = selectors.sendable_memberships(cycle, membership_ids)
    lacking = selectors.lacking_registration_fields(columns) if complete_only else None
    if lacking is not None:
        chosen = chosen.exclude(lacking)
    items = selectors.registration_rows(
        chosen,
        declared_income=cycle.declared_income,
        programmes=_programmes_text(cycle.programme),
    )
    if not items:
        raise EnrollmentRefused(
            _("Tidak ada peserta periode %(cycle)s yang dapat dikirim ke BPJS.") % {"cycle": cycle}
        )
    content = bpjs_files.write_registration(
        [row for _pk, _status, row in items],
        columns,
        sheet_name=sheet_name,
        progress=lambda done, total: progress("write", done, total),
    )
    progress("save", len(items), len(items))
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
        created_by=actor_or_none(actor),
    )
    to_send = [
        (pk, MembershipStatus(status))
        for pk, status, _row in items
        if status != MembershipStatus.REGISTERED
    ]
    move_memberships(
        actor=actor,
        changes=to_send,
        to=MembershipStatus.REGISTERED,
        on=today,
        exchange_file=exchange,
    )
    # The same selection as the file's rows, in the same transaction: one statement.
    moved = chosen.exclude(status=MembershipStatus.REGISTERED).update(
        status=MembershipStatus.REGISTERED, status_changed_on=today, registration_file=exchange
    )
    ids = [pk for pk, _status in to_send]
    if moved != len(ids):  # changed by someone else meanwhile: send nothing
        raise EnrollmentRefused(_("Daftar peserta berubah saat berkas dibuat; ulangi."))
    record_change(
        actor=actor,
        action=AuditAction.REGISTRATION_SENT,
        target=exchange,
        before={},
        after={"rows": len(items), "newly_registered": len(ids), "checksum": digest},
    )
    record_export(
        actor=actor,
        target_type="enrollment.membership",
        target_ids=[pk for pk, _s, _r in items],
        note=_("Berkas pendaftaran BPJS %(name)s") % {"name": exchange.filename},
        persons=chosen.values_list("person_id", flat=True),
    )
    return exchange


@transaction.atomic
def download_registration_file(*, actor: Any, exchange: ExchangeFile) -> bytes:
    """A registration file already made, handed out again: an export of its persons' data."""
    record_export(
        actor=actor,
        target_type="enrollment.exchangefile",
        target_ids=[exchange.pk],
        note=_("Unduh berkas pendaftaran %(name)s (%(n)s peserta)")
        % {"name": exchange.filename, "n": format_number(exchange.rows)},
        persons=selectors.persons_in_registration_file(exchange),
    )
    return bytes(exchange.content)


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
        | ({"reason": row.reason} if row.reason else {})
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
        created_by=actor_or_none(actor),
    )
    registered = MembershipStatus.REGISTERED
    move_memberships(
        actor=actor,
        changes=[(pk, registered) for pk, _row in accepted],
        to=MembershipStatus.ACTIVE,
        on=today,
        exchange_file=exchange,
    )
    move_memberships(
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
    record_change(
        actor=actor,
        action=AuditAction.BPJS_REPLY_IMPORTED,
        target=exchange,
        before={},
        after={**exchange.summary, "checksum": exchange.checksum},
        note=filename,
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
        insert_rows(
            cursor, "enrollment_answer_stage", ("id", "status", "kpj", "start_on", "reason"), rows
        )
        cursor.execute(
            "UPDATE enrollment_membership SET status = s.status, kpj_number = s.kpj, "
            "start_on = s.start_on, rejection_reason = s.reason, status_changed_on = %s "
            "FROM enrollment_answer_stage AS s WHERE enrollment_membership.id = s.id",
            [today],
        )
        cursor.execute("DROP TABLE enrollment_answer_stage")


@transaction.atomic
def save_registration_mapping(
    *, actor: Any, programme: Programme, columns: Sequence[Column], sheet_name: str = "Pendaftaran"
) -> RegistrationMapping:
    """The programme's registration columns and sheet name (SheetNameError if Excel would
    refuse the name, MappingError for no column or a heading twice)."""
    sheet_name = bpjs_files.check_sheet_name(sheet_name)
    columns = bpjs_files.check_columns(columns)
    before = dict(
        RegistrationMapping.objects.filter(programme=programme)
        .values("columns", "sheet_name")
        .first()
        or {}
    )
    mapping, _created = RegistrationMapping.objects.update_or_create(
        programme=programme,
        defaults={"columns": columns_to_data(columns), "sheet_name": sheet_name},
    )
    record_change(
        actor=actor,
        action=AuditAction.MAPPING_SAVED,
        target=mapping,
        before=before,
        after={"columns": mapping.columns, "sheet_name": mapping.sheet_name},
    )
    return mapping
