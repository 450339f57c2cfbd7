"""The only ways to change programmes, cycles, decisions, exclusion lists and placements.

A cycle moves as `lifecycle.py` allows: `create_cycle`, `allocate_cycle` (again and again
until approved), `approve_cycle` (the list is frozen; the approval page then queues the
lampiran's PDFs, `tasks.schedule_at_approval`), `start_cycle`, `close_cycle`.
`allocate_cycle` writes the whole list, waiting list included, in person order with COPY on
PostgreSQL and one `executemany` on SQLite (why the placement table has so few indexes and
unchecked keys: see `models.Placement`)."""

import json
from collections.abc import Iterable
from datetime import date
from operator import attrgetter
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg.copy import QueuedLibpqWriter

from rentan.core.audit import record_change, record_export, record_read
from rentan.core.formatting import format_date
from rentan.core.memory import without_cyclic_gc
from rentan.core.models import AuditAction
from rentan.programmes import candidates, explanation, lifecycle, selectors
from rentan.programmes.allocation import AllocationResult, allocate
from rentan.programmes.eligibility import RulesInvalid, parse_rules
from rentan.programmes.lifecycle import Refusal, TransitionRefused, check_transition
from rentan.programmes.models import (
    Cycle,
    CycleStatus,
    DecisionAction,
    ExcludedNik,
    ExclusionList,
    ManualExclusion,
    OccupationDecision,
    Placement,
    Programme,
)
from rentan.programmes.premiums import NoRateInForce
from rentan.programmes.scoring import WeightsInvalid, as_points, parse_weights
from rentan.registry.models import Occupation, Person


def compute_allocation(
    cycle: Cycle, overrides: candidates.Overrides | None = None
) -> AllocationResult:
    """Run the allocation in memory; nothing is saved (the what-if, and the dry run)."""
    try:
        inputs = candidates.allocation_inputs(cycle, overrides)
    except NoRateInForce as missing:
        raise TransitionRefused(Refusal.NO_RATE, str(missing)) from missing
    except (RulesInvalid, WeightsInvalid) as bad:
        raise TransitionRefused(Refusal.RULES_INVALID, str(bad)) from bad
    with without_cyclic_gc():
        loaded = candidates.load_eligible_candidates(cycle, inputs)
        return allocate(
            loaded.candidates,
            ctx=inputs.ctx,
            rules=loaded.rules_left,
            weights=inputs.weights,
            minimum_wage=inputs.minimum_wage,
            params=inputs.params,
            ineligible=loaded.ineligible,
        )


_PLACEMENT_COLUMNS = (
    "cycle_id",
    "person_id",
    "kind",
    "rank",
    "score",
    "score_parts",
    "kelurahan_id",
    "end_reason",
)


def _write_placements(cycle: Cycle, result: AllocationResult) -> None:
    # A raw delete: Django's delete() would first fetch every row to follow the
    # replaced_by relation; before approval no replacement exists.
    Placement.objects.filter(cycle=cycle)._raw_delete(connection.alias)
    # The allocation shares one parts dict between everyone with the same score facts, so
    # each is turned into JSON once (the result holds them alive: ids are not reused).
    parts_json: dict[int, str] = {}

    def parts_text(parts: dict[str, int]) -> str:
        text = parts_json.get(id(parts))
        if text is None:
            text = parts_json[id(parts)] = json.dumps(as_points(parts))
        return text

    table = Placement._meta.db_table
    pk = cycle.pk
    # Rows go in in the order of their person (each carries its rank): the check of each
    # row's person key and the (cycle, person) and person indexes then walk the person table
    # and the indexes in order instead of jumping about; it halves the foreign-key checks.
    placements = sorted(result.placements, key=attrgetter("person_id"))
    if connection.vendor == "postgresql":
        # COPY in text format, written in large chunks: the JSON of the parts has no tab,
        # newline or backslash to escape (ASCII keys and numbers only). A queued writer sends
        # the chunks from a thread of its own, so the server stores one chunk while the next
        # is being formatted.
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY {table} ({', '.join(_PLACEMENT_COLUMNS)}) FROM STDIN",
                writer=QueuedLibpqWriter(cursor.cursor),
            ) as copy,
        ):
            lines: list[str] = []
            for p in placements:
                lines.append(
                    f"{pk}\t{p.person_id}\t{p.kind}\t{p.rank}\t"
                    f"{p.score // 100}.{p.score % 100:02d}\t{parts_text(p.parts)}\t"
                    f"{p.kelurahan_code}\t\n"
                )
                if len(lines) == 20_000:
                    copy.write("".join(lines))
                    lines = []
            copy.write("".join(lines))
        return
    # SQLite: one prepared INSERT run over every row (no model instances, no per-batch SQL).
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(_PLACEMENT_COLUMNS)}) "
            f"VALUES ({', '.join(['%s'] * len(_PLACEMENT_COLUMNS))})",
            [
                (
                    pk,
                    p.person_id,
                    p.kind,
                    p.rank,
                    f"{p.score // 100}.{p.score % 100:02d}",
                    parts_text(p.parts),
                    p.kelurahan_code,
                    "",
                )
                for p in placements
            ],
        )


def summary_of(result: AllocationResult) -> dict[str, Any]:
    return {
        "target": result.params.target,
        "pagu": result.params.budget_ceiling,
        "kuota_efektif": result.params.places,
        "lanjutan": result.continuing_count,
        "baru": result.new_count,
        "cadangan": result.waiting_count,
        "biaya": result.cost,
        "iuran_per_bulan": result.params.monthly_premium,
        "tidak_memenuhi_syarat": dict(result.ineligible),
        "satu_kk_dilewati": result.household_skipped,
    }


@transaction.atomic
def allocate_cycle(*, actor: Any, cycle: Cycle) -> AllocationResult:
    """Compute and store a cycle's list; allowed again and again until it is approved."""
    cycle = Cycle.objects.select_for_update().select_related("programme").get(pk=cycle.pk)
    check_transition(cycle.status, lifecycle.ALLOCATED)
    before = cycle.status
    result = compute_allocation(cycle)
    with without_cyclic_gc():
        _write_placements(cycle, result)
    cycle.status = CycleStatus.ALLOCATED
    cycle.save(update_fields=["status"])
    record_change(
        actor=actor,
        action=AuditAction.CYCLE_ALLOCATED,
        target=cycle,
        before={"status": before},
        after={"status": cycle.status, "alokasi": summary_of(result)},
    )
    return result


@transaction.atomic
def approve_cycle(*, actor: Any, cycle: Cycle, decree_reference: str) -> Cycle:
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    check_transition(cycle.status, lifecycle.APPROVED)
    before = cycle.status
    decree_reference = decree_reference.strip()
    if not decree_reference:
        raise TransitionRefused(Refusal.NO_DECREE)
    if not Placement.objects.filter(cycle=cycle, kind__in=selectors.SELECTED_KINDS).exists():
        raise TransitionRefused(Refusal.EMPTY_LIST)
    # A list allocated before someone on it was left out by hand would freeze that person in.
    if Placement.objects.filter(
        cycle=cycle,
        person__manual_exclusions__cycle=cycle,
        person__manual_exclusions__lifted_at__isnull=True,
    ).exists():
        raise TransitionRefused(Refusal.EXCLUDED_ON_LIST)
    cycle.status = CycleStatus.APPROVED
    cycle.decree_reference = decree_reference
    cycle.approved_at = timezone.now()
    cycle.approved_by = actor if getattr(actor, "is_authenticated", False) else None
    cycle.save(update_fields=["status", "decree_reference", "approved_at", "approved_by"])
    record_change(
        actor=actor,
        action=AuditAction.CYCLE_APPROVED,
        target=cycle,
        before={"status": before},
        after={"status": cycle.status, "sk": decree_reference},
    )
    return cycle


def _move(actor: Any, cycle: Cycle, target: CycleStatus, action: AuditAction) -> Cycle:
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    check_transition(cycle.status, target.value)
    before = cycle.status
    cycle.status = target
    cycle.save(update_fields=["status"])
    record_change(
        actor=actor,
        action=action,
        target=cycle,
        before={"status": before},
        after={"status": target.value},
    )
    return cycle


@transaction.atomic
def start_cycle(*, actor: Any, cycle: Cycle) -> Cycle:
    return _move(actor, cycle, CycleStatus.RUNNING, AuditAction.CYCLE_STARTED)


@transaction.atomic
def close_cycle(*, actor: Any, cycle: Cycle) -> Cycle:
    return _move(actor, cycle, CycleStatus.CLOSED, AuditAction.CYCLE_CLOSED)


@transaction.atomic
def create_cycle(
    *,
    actor: Any,
    programme: Programme,
    year: int,
    target: int,
    budget_ceiling: int,
    coverage_start_on: date,
    coverage_months: int = 12,
    declared_income: int = 1_000_000,
    verification_cutoff_on: date | None = None,
    quota_basis: str = "none",
) -> Cycle:
    cycle = Cycle.objects.create(
        programme=programme,
        year=year,
        target=target,
        budget_ceiling=budget_ceiling,
        coverage_start_on=coverage_start_on,
        coverage_months=coverage_months,
        declared_income=declared_income,
        verification_cutoff_on=verification_cutoff_on,
        quota_basis=quota_basis,
    )
    record_change(
        actor=actor,
        action=AuditAction.CYCLE_CREATED,
        target=cycle,
        before={},
        after={"tahun": year, "target": target, "pagu": budget_ceiling, "status": cycle.status},
    )
    return cycle


@transaction.atomic
def record_occupation_decision(
    *,
    actor: Any,
    programme: Programme,
    occupation: Occupation,
    action: DecisionAction,
    effective_on: date,
    reference: str,
    note: str = "",
) -> OccupationDecision:
    decision = OccupationDecision.objects.create(
        programme=programme,
        occupation=occupation,
        action=action,
        effective_on=effective_on,
        reference=reference,
        note=note,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_change(
        actor=actor,
        action=AuditAction.OCCUPATION_DECIDED,
        target=decision,
        before={},
        after={
            "pekerjaan": occupation.code,
            "keputusan": action.value,
            "berlaku": effective_on.isoformat(),
            "dasar": reference,
        },
        note=note,
    )
    return decision


class RulesRefused(ValueError):
    """A change of a programme's rules or weights that cannot be saved; the message says why."""


@transaction.atomic
def change_programme_rules(
    *,
    actor: Any,
    programme: Programme,
    eligibility_rules: dict[str, Any],
    score_weights: dict[str, Any],
    effective_on: date,
    reference: str,
    today: date,
) -> Programme:
    """Save a programme's eligibility rules and score weights, as decided on `effective_on`
    (not after `today`: the next allocation and what-if use them at once; a cycle already
    approved keeps its list)."""
    try:
        parse_rules(eligibility_rules)
        parse_weights(score_weights)
    except (RulesInvalid, WeightsInvalid) as bad:
        raise RulesRefused(str(bad)) from bad
    reference = reference.strip()
    if not reference:
        raise RulesRefused(_("Tulis dasar perubahan (nomor SK atau notulen rapat)."))
    if effective_on > today:
        raise RulesRefused(
            _(
                "Tanggal berlaku %(on)s belum tiba: aturan yang disimpan langsung dipakai pada "
                "alokasi dan simulasi berikutnya. Simpan pada hari aturan itu berlaku."
            )
            % {"on": format_date(effective_on)}
        )
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if (programme.eligibility_rules, programme.score_weights) == (
        eligibility_rules,
        score_weights,
    ):
        raise RulesRefused(_("Aturan dan bobot sama dengan yang berlaku; tidak ada yang diubah."))
    before = {
        "aturan_kelayakan": programme.eligibility_rules,
        "bobot_skor": programme.score_weights,
        "berlaku_sejak": programme.rules_effective_on.isoformat()
        if programme.rules_effective_on
        else None,
        "dasar": programme.rules_reference,
    }
    programme.eligibility_rules = eligibility_rules
    programme.score_weights = score_weights
    programme.rules_effective_on = effective_on
    programme.rules_reference = reference
    programme.rules_changed_at = timezone.now()
    programme.rules_changed_by = actor if getattr(actor, "is_authenticated", False) else None
    programme.save(
        update_fields=[
            "eligibility_rules",
            "score_weights",
            "rules_effective_on",
            "rules_reference",
            "rules_changed_at",
            "rules_changed_by",
        ]
    )
    record_change(
        actor=actor,
        action=AuditAction.PROGRAMME_RULES_CHANGED,
        target=programme,
        before=before,
        after={
            "aturan_kelayakan": eligibility_rules,
            "bobot_skor": score_weights,
            "berlaku_sejak": effective_on.isoformat(),
            "dasar": reference,
        },
    )
    return programme


@transaction.atomic
def explain_selection(*, actor: Any, cycle: Cycle, person: Person, page: str) -> dict[str, Any]:
    """Why this person is, or is not, on the cycle's list, recorded as a read of their data."""
    shown = explanation.explain_person(cycle, person)
    record_read(
        actor=actor,
        persons=[person.pk],
        page=page,
        note=f"Penjelasan seleksi {cycle}",
        target=person,
    )
    return shown


@transaction.atomic
def record_lampiran_export(
    *, actor: Any, cycle: Cycle, person_ids: list[int], file_format: str, full_nik: bool
) -> None:
    """The decree's lampiran left the system with these persons' data."""
    record_export(
        actor=actor,
        target_type="registry.person",
        target_ids=person_ids,
        note=f"Lampiran SK {cycle} ({file_format}, NIK {'utuh' if full_nik else 'tersamar'})",
        persons=person_ids,
    )


class ExclusionRejected(Exception):
    """Rows of an exclusion list are bad; nothing was stored."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def parse_nik_lines(lines: Iterable[str]) -> tuple[list[str], list[str]]:
    """NIKs from a file (one per line; a header line 'nik' is allowed) and the row errors."""
    niks: list[str] = []
    errors: list[str] = []
    for number, raw in enumerate(lines, start=1):
        value = raw.strip().strip('"').split(",")[0].strip().strip('"')
        if not value or (number == 1 and value.lower() == "nik"):
            continue
        if len(value) != 16 or not value.isdigit():
            errors.append(f"Baris {number}, kolom NIK: '{value}' bukan 16 angka.")
            continue
        niks.append(value)
    return niks, errors


@transaction.atomic
def import_excluded_niks(
    *,
    actor: Any,
    programme: Programme,
    list_kind: ExclusionList,
    lines: Iterable[str],
    source: str,
) -> int:
    """Add the NIKs of a list (PKH, BPNT, BPJS through another payer); all or nothing."""
    niks, errors = parse_nik_lines(lines)
    if errors:
        raise ExclusionRejected(errors)
    existing = set(
        ExcludedNik.objects.filter(programme=programme, list_kind=list_kind).values_list(
            "nik", flat=True
        )
    )
    fresh = sorted(set(niks) - existing)
    ExcludedNik.objects.bulk_create(
        [
            ExcludedNik(programme=programme, list_kind=list_kind, nik=nik, source=source)
            for nik in fresh
        ],
        batch_size=5000,
    )
    record_change(
        actor=actor,
        action=AuditAction.EXCLUSIONS_IMPORTED,
        target=programme,
        before={"daftar": list_kind.value, "nik": len(existing)},
        after={
            "daftar": list_kind.value,
            "nik": len(existing) + len(fresh),
            "nik_baru": len(fresh),
            "sudah_ada": len(niks) - len(fresh),
        },
        note=source,
    )
    return len(fresh)


class ExclusionRefused(ValueError):
    """A manual exclusion, or its lifting, that cannot be done; the message says why."""


def _open_for_exclusion(cycle: Cycle) -> Cycle:
    cycle = Cycle.objects.select_for_update().select_related("programme").get(pk=cycle.pk)
    if cycle.status not in (CycleStatus.DRAFT, CycleStatus.ALLOCATED):
        # After approval the list changes only through its memberships: ending one with a
        # reason, or a replacement from the waiting list.
        raise ExclusionRefused(
            _(
                "Daftar %(cycle)s sudah ditetapkan: keluarkan peserta dengan menghentikan "
                "kepesertaannya di Kepesertaan, dengan alasan."
            )
            % {"cycle": cycle}
        )
    return cycle


def _exclusion_state(exclusion: ManualExclusion) -> dict[str, Any]:
    return {
        "periode": exclusion.cycle_id,
        "pekerja": exclusion.person_id,
        "alasan": exclusion.reason,
        "dibatalkan": exclusion.lifted_at is not None,
    }


@transaction.atomic
def exclude_from_cycle(*, actor: Any, cycle: Cycle, person: Person, reason: str) -> ManualExclusion:
    """Leave one person out of a cycle not yet approved, for a reason a person decided (paid
    for by another employer, found ineligible at verification). Every later allocation reads
    it; an allocation already made keeps its list until re-run, and cannot be approved with
    the person on it."""
    cycle = _open_for_exclusion(cycle)
    reason = reason.strip()
    if not reason:
        raise ExclusionRefused(_("Tulis alasan pengecualian."))
    if ManualExclusion.objects.filter(cycle=cycle, person=person, lifted_at__isnull=True).exists():
        raise ExclusionRefused(
            _("%(name)s sudah dikecualikan dari %(cycle)s.") % {"name": person.name, "cycle": cycle}
        )
    exclusion = ManualExclusion.objects.create(
        cycle=cycle,
        person=person,
        reason=reason,
        excluded_by=actor if getattr(actor, "is_authenticated", False) else None,
        excluded_at=timezone.now(),
    )
    placement = Placement.objects.filter(cycle=cycle, person=person).first()
    record_change(
        actor=actor,
        action=AuditAction.PLACEMENT_EXCLUDED_BY_HAND,
        target=exclusion,
        before={
            "periode": cycle.pk,
            "pekerja": person.pk,
            "tempat": placement.kind if placement is not None else None,
        },
        after=_exclusion_state(exclusion),
        note=reason,
    )
    return exclusion


@transaction.atomic
def lift_exclusion(*, actor: Any, exclusion: ManualExclusion, reason: str) -> ManualExclusion:
    """Undo a manual exclusion, with a reason: the next allocation judges the person again by
    the rules. The exclusion stays on record, lifted."""
    _open_for_exclusion(exclusion.cycle)
    exclusion = ManualExclusion.objects.select_for_update().get(pk=exclusion.pk)
    reason = reason.strip()
    if not reason:
        raise ExclusionRefused(_("Tulis alasan pembatalan pengecualian."))
    if exclusion.lifted_at is not None:
        raise ExclusionRefused(_("Pengecualian ini sudah dibatalkan."))
    before = _exclusion_state(exclusion)
    exclusion.lifted_at = timezone.now()
    exclusion.lifted_by = actor if getattr(actor, "is_authenticated", False) else None
    exclusion.lift_reason = reason
    exclusion.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    record_change(
        actor=actor,
        action=AuditAction.PLACEMENT_EXCLUSION_LIFTED,
        target=exclusion,
        before=before,
        after=_exclusion_state(exclusion) | {"alasan_pembatalan": reason},
        note=reason,
    )
    return exclusion
