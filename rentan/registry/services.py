"""The only ways to change a person's record. Each runs in one transaction with its audit event.

Persons are never deleted, only deactivated with a reason (a merged duplicate too: it points
to the kept person through `merged_into`). The audit trail records NIK and KK changes masked.
An operator who meets a NIK or KK held outside their kelurahan is told only that
(`RecordProblem.NIK_ELSEWHERE`, `KK_ELSEWHERE`), never whose it is; joining a family card with
members elsewhere is for the Dinas roles. Persons come in one at a time (`register_person`,
the form) or in bulk (`register_persons_from_staging` for an import's commit,
`register_persons_in_bulk` for the demo), a bulk load written as one audit event."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from rentan.accounts.access import kelurahan_scope
from rentan.core.audit import record_change, record_event, record_event_on
from rentan.core.models import AuditAction
from rentan.registry.dedup import DEFAULT_THRESHOLD, DedupRecord, search_pairs
from rentan.registry.desil import DesilProblem, DesilRow, RowIssue, is_newer
from rentan.registry.job_names import AliasIssue, AliasProblem, name_key
from rentan.registry.match_estimation import estimate_from_records
from rentan.registry.models import (
    DeactivationReason,
    DesilImport,
    DesilRanking,
    DuplicatePair,
    DuplicateStatus,
    Household,
    MatchWeights,
    Occupation,
    OccupationAlias,
    Person,
    PersonSource,
    ProcessingBasis,
)
from rentan.registry.nik import mask_nik
from rentan.registry.person_fields import AS_IS, PERSON_FIELDS, PersonFieldSpec, Stored
from rentan.registry.selectors import (
    current_match_model,
    job_names,
    kk_registered_elsewhere,
    verification_outcomes,
)
from rentan.registry.validation import (
    CheckedPerson,
    FieldIssue,
    PersonDraft,
    PersonField,
    RecordProblem,
    RegistryContext,
    check_person,
)


class PersonRejected(Exception):
    """The draft has errors; nothing was stored."""

    def __init__(self, checked: CheckedPerson) -> None:
        super().__init__("; ".join(issue.message for issue in checked.errors))
        self.checked = checked


# Fields whose old and new values are written to the audit trail in full. NIK and KK are
# recorded masked: the trail must say that they changed without spreading the numbers.
_AUDITED_FIELDS = tuple(spec.column for spec in PERSON_FIELDS if spec.is_audited)


def _snapshot(person: Person) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(person, name) for name in _AUDITED_FIELDS}
    values["nik"] = mask_nik(person.nik)
    values["kk_number"] = mask_nik(person.household.kk_number) if person.household else ""
    if isinstance(values["birth_date"], date):
        values["birth_date"] = values["birth_date"].isoformat()
    if values["occupation_id"] is not None:
        values["occupation_id"] = person.occupation.code
    return values


def _apply(person: Person, draft: PersonDraft) -> None:
    for spec in AS_IS:
        setattr(person, spec.column, getattr(draft, spec.name))
    # A checked NIK and phone number are parsed values; the record keeps their text.
    person.nik = str(draft.nik)
    person.phone = str(draft.phone)
    person.occupation = Occupation.objects.get(code=draft.occupation_code)
    person.household = (
        Household.objects.get_or_create(kk_number=str(draft.kk_number))[0]
        if draft.kk_number
        else None
    )


def _checked_or_raise(
    draft: PersonDraft, context: RegistryContext, *, actor: Any, person: Person | None
) -> None:
    checked = check_person(draft, context)
    confined_to = kelurahan_scope(actor)
    same_nik = Person.objects.filter(nik=str(draft.nik))
    if person is not None:
        same_nik = same_nik.exclude(pk=person.pk)
    if not checked.errors and same_nik.exists():
        # Whose NIK it is stays hidden from an operator when that person lies elsewhere.
        problem = (
            RecordProblem.NIK_ELSEWHERE
            if confined_to is not None and same_nik.exclude(kelurahan_id=confined_to).exists()
            else RecordProblem.NIK_ALREADY_REGISTERED
        )
        checked.issues.append(FieldIssue(PersonField.NIK, problem, str(problem.label)))
    kk_number = str(draft.kk_number or "")
    is_new_kk = (
        person is None or person.household is None or (person.household.kk_number != kk_number)
    )
    if (
        not checked.errors
        and is_new_kk
        and kk_registered_elsewhere(actor, kk_number, excluding=person)
    ):
        # Joining a family card whose members live in another kelurahan is the Dinas's
        # call: it links records the operator may not see.
        checked.issues.append(
            FieldIssue(
                PersonField.KK_NUMBER,
                RecordProblem.KK_ELSEWHERE,
                str(RecordProblem.KK_ELSEWHERE.label),
            )
        )
    if checked.errors:
        raise PersonRejected(checked)


@transaction.atomic
def register_person(
    *,
    actor: Any,
    draft: PersonDraft,
    context: RegistryContext,
    source: PersonSource = PersonSource.MANUAL,
    source_detail: str = "",
) -> Person:
    _checked_or_raise(draft, context, actor=actor, person=None)
    person = Person(source=source, source_detail=source_detail)
    _apply(person, draft)
    person.save()
    record_change(
        actor=actor,
        action=AuditAction.PERSON_REGISTERED,
        target=person,
        before={},
        after=_snapshot(person),
    )
    return person


@transaction.atomic
def update_person(
    *,
    actor: Any,
    person: Person,
    draft: PersonDraft,
    context: RegistryContext,
    change_request: Any = None,
) -> Person:
    """Save a person's record as the draft says. A change approved from a change request
    names it in the audit payload (`usulan`), so the history leads from one to the other."""
    _checked_or_raise(draft, context, actor=actor, person=person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = _snapshot(person)
    old_nik = person.nik
    _apply(person, draft)
    after = _snapshot(person)
    # A NIK is stored masked: two NIKs with the same masked form still show as a change.
    changed = [
        name
        for name in after
        if before[name] != after[name] or (name == "nik" and person.nik != old_nik)
    ]
    if changed:
        person.save()
        changes: dict[str, Any] = {
            "before": {name: before[name] for name in changed},
            "after": {name: after[name] for name in changed},
        }
        if change_request is not None:
            changes["usulan"] = change_request.pk
        record_event(actor=actor, action=AuditAction.PERSON_UPDATED, target=person, changes=changes)
    return person


@transaction.atomic
def deactivate_person(
    *, actor: Any, person: Person, reason: DeactivationReason, on: date, note: str = ""
) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not person.is_active:
        return person
    person.is_active = False
    person.deactivation_reason = reason
    person.deactivated_on = on
    person.save(update_fields=["is_active", "deactivation_reason", "deactivated_on", "updated_at"])
    record_change(
        actor=actor,
        action=AuditAction.DEACTIVATE,
        target=person,
        before={"is_active": True},
        after={"is_active": False, "alasan": reason.value, "tanggal": on.isoformat()},
        note=note,
    )
    return person


@transaction.atomic
def reactivate_person(*, actor: Any, person: Person, note: str) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.is_active:
        return person
    previous = person.deactivation_reason
    person.is_active = True
    person.deactivation_reason = ""
    person.deactivated_on = None
    person.save(update_fields=["is_active", "deactivation_reason", "deactivated_on", "updated_at"])
    record_change(
        actor=actor,
        action=AuditAction.REACTIVATE,
        target=person,
        before={"is_active": False, "alasan": previous},
        after={"is_active": True},
        note=note,
    )
    return person


class VerificationRefused(Exception):
    """A check of `verification.py` failed; the message names which and why. Nothing changed."""


@transaction.atomic
def verify_person(*, actor: Any, person: Person) -> Person:
    """Vouch for a record after its checks (`selectors.verification_outcomes`) pass; the
    audit event names the checks, so "verified" always says what was verified."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.verified_at is None:
        outcomes = verification_outcomes(person)
        failed = [outcome for outcome in outcomes if not outcome.is_passed]
        if failed:
            raise VerificationRefused(
                "Belum dapat diverifikasi: "
                + "; ".join(f"{outcome.check.label} — {outcome.detail}" for outcome in failed)
                + "."
            )
        person.verified_at = timezone.now()
        person.verified_by = actor
        person.save(update_fields=["verified_at", "verified_by", "updated_at"])
        record_change(
            actor=actor,
            action=AuditAction.PERSON_VERIFIED,
            target=person,
            before={"verified_at": None},
            after={
                "verified_at": person.verified_at.isoformat(),
                "pemeriksaan": [outcome.check.value for outcome in outcomes],
            },
        )
    return person


@transaction.atomic
def reveal_nik(*, actor: Any, person: Person) -> str:
    """Show a full NIK to someone allowed to see it, and remember that they did."""
    record_event(actor=actor, action=AuditAction.VIEW_NIK, target=person, persons=[person.pk])
    return person.nik


# --- Job types ------------------------------------------------------------------------------


class AliasesRejected(Exception):
    """Some of the other names cannot be given to the job type; nothing was changed."""

    def __init__(self, issues: Sequence[AliasIssue]) -> None:
        super().__init__("; ".join(issue.message for issue in issues))
        self.issues = list(issues)


def set_occupation_aliases(
    *, actor: Any, occupation: Occupation, aliases: Sequence[str]
) -> list[str]:
    """Give a job type exactly these other names (as the admin typed them, tidied). A name
    may belong to one job type only: a name of another job type refuses the whole change.
    Returns the names kept."""
    with transaction.atomic():
        # Changes of one job type's names wait for each other; a name another job type
        # takes in the meantime is caught by the unique key below.
        occupation = Occupation.objects.select_for_update().get(pk=occupation.pk)
        kept, issues = job_names().check_aliases(occupation.code, aliases)
        if issues:
            raise AliasesRejected(issues)
        current = {alias.key: alias for alias in occupation.aliases.all()}
        before = sorted(alias.name for alias in current.values())
        wanted = {name_key(name): name for name in kept}
        for key, alias in current.items():
            if key not in wanted:
                alias.delete()
            elif alias.name != wanted[key]:
                alias.name = wanted[key]
                alias.save(update_fields=["name"])
        try:
            with transaction.atomic():
                OccupationAlias.objects.bulk_create(
                    OccupationAlias(occupation=occupation, name=name, key=key)
                    for key, name in wanted.items()
                    if key not in current
                )
        except IntegrityError as clash:
            # Another job type took one of these names since the check (the unique key).
            raise AliasesRejected(
                [
                    AliasIssue(
                        name,
                        AliasProblem.TAKEN,
                        gettext("“%(alias)s” baru saja dipakai jenis pekerjaan lain.")
                        % {"alias": name},
                    )
                    for key, name in wanted.items()
                    if key not in current and OccupationAlias.objects.filter(key=key).exists()
                ]
            ) from clash
        after = sorted(wanted.values())
        if after != before:
            record_change(
                actor=actor,
                action=AuditAction.OCCUPATION_ALIASES_CHANGED,
                target=occupation,
                before={"pekerjaan": occupation.code, "nama_lain": before},
                after={"pekerjaan": occupation.code, "nama_lain": after},
            )
    return after


# --- Duplicates -------------------------------------------------------------------------------


class MergeRefused(Exception):
    """The merge cannot be done; the message says why, in Indonesian. Nothing was changed."""


@dataclass(frozen=True)
class DuplicateDetection:
    compared: int  # candidate pairs scored
    found: int  # pairs at or above the threshold
    created: int  # pairs new to the queue (the rest were already there or decided)


def _dedup_record(values: Mapping[str, Any]) -> DedupRecord:
    address = " ".join(
        part
        for part in (
            values["street_address"],
            f"RT {values['rt']}" if values["rt"] else "",
            f"RW {values['rw']}" if values["rw"] else "",
        )
        if part
    )
    return DedupRecord(
        key=str(values["pk"]),
        nik=values["nik"],
        name=values["name"],
        birth_date=values["birth_date"],
        kelurahan_code=values["kelurahan_id"],
        address=address,
        kk_number=values["household__kk_number"] or "",
        sex=values["sex"] or "",
    )


def registry_dedup_records() -> list[DedupRecord]:
    """Every active person as the matcher sees them."""
    rows = Person.objects.active().values(
        "pk",
        "nik",
        "name",
        "birth_date",
        "sex",
        "kelurahan_id",
        "street_address",
        "rt",
        "rw",
        "household__kk_number",
    )
    return [_dedup_record(values) for values in rows.iterator(chunk_size=5000)]


@transaction.atomic
def detect_registry_duplicates(
    *, actor: Any = None, threshold: float = DEFAULT_THRESHOLD
) -> DuplicateDetection:
    """Look for duplicates over the whole registry and queue the pairs not seen before.

    A pair already in the queue, merged or marked as different people, is left as it is."""
    search = search_pairs(
        registry_dedup_records(), threshold=threshold, model=current_match_model()
    )
    known = set(DuplicatePair.objects.values_list("left_id", "right_id"))
    new_pairs = []
    for match in search.pairs:
        left, right = sorted((int(match.left), int(match.right)))
        if (left, right) in known:
            continue
        known.add((left, right))
        new_pairs.append(
            DuplicatePair(
                left_id=left,
                right_id=right,
                score=match.score,
                reasons=[reason.value for reason in match.reasons],
                evidence=[[c.comparison, c.level, c.weight] for c in match.evidence],
                is_exact=match.is_exact,
            )
        )
    DuplicatePair.objects.bulk_create(new_pairs, batch_size=2000)
    record_event_on(
        actor=actor,
        action=AuditAction.DUPLICATES_DETECTED,
        target_type=DuplicatePair._meta.label_lower,
        target_id=f"{len(new_pairs)} data",
        changes={
            "before": {"pasangan": len(known) - len(new_pairs)},
            "after": {"pasangan": len(known), "dibandingkan": search.compared},
        },
    )
    return DuplicateDetection(
        compared=search.compared, found=len(search.pairs), created=len(new_pairs)
    )


@transaction.atomic
def estimate_match_weights(*, actor: Any = None, today: date | None = None) -> MatchWeights:
    """Estimate the duplicate finder's weights from the active persons of the registry
    (without labels: `match_estimation.py`) and keep them; later searches use them."""
    previous = MatchWeights.objects.first()
    before = current_match_model()
    on = today or timezone.localdate()
    estimate = estimate_from_records(registry_dedup_records(), start=before, on=on)
    weights = MatchWeights.objects.create(
        parameters=estimate.model.to_json(),
        record_count=estimate.model.record_count,
        prior=estimate.model.prior,
        estimated_by=actor,
    )
    record_change(
        actor=actor,
        action=AuditAction.MATCH_WEIGHTS_ESTIMATED,
        target=weights,
        before=_weights_summary(before, previous),
        after=_weights_summary(estimate.model, weights),
    )
    return weights


def _weights_summary(model: Any, weights: MatchWeights | None) -> dict[str, Any]:
    return {
        "bobot": weights.pk if weights else "bawaan",
        "jumlah_data": model.record_count,
        "peluang_awal": model.prior,
        "tanggal": model.estimated_on.isoformat() if model.estimated_on else None,
    }


# Fields a merge may fill on the kept record when it has no value of its own (the household
# as the related record, so the audit trail can mask its KK number).
_FILLABLE_FIELDS = tuple(
    spec.column.removesuffix("_id") for spec in PERSON_FIELDS if spec.is_fillable
)


def _is_empty(value: Any) -> bool:
    return value is None or value == ""


def fields_filled_by_merge(*, keep: Person, remove: Person) -> list[str]:
    """The fields `keep` lacks that a merge fills from `remove` (said before it is done)."""
    return [
        field
        for field in _FILLABLE_FIELDS
        if _is_empty(getattr(keep, field)) and not _is_empty(getattr(remove, field))
    ]


def _decide_pairs(
    *, actor: Any, first: Person, second: Person, status: DuplicateStatus, note: str
) -> None:
    low, high = sorted((first.pk, second.pk))
    DuplicatePair.objects.filter(left_id=low, right_id=high).update(
        status=status, decided_by=actor, decided_at=timezone.now(), note=note
    )


@transaction.atomic
def merge_persons(*, actor: Any, keep: Person, remove: Person, note: str = "") -> Person:
    """Merge `remove` into `keep`. Nothing is deleted: `remove` is deactivated as a duplicate,
    points to `keep` and keeps its own history; the fields `keep` lacked are filled from it
    and written to the audit trail of both."""
    if keep.pk == remove.pk:
        raise MergeRefused("Pekerja tidak dapat digabung dengan dirinya sendiri.")
    locked = {
        p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[keep.pk, remove.pk])
    }
    keep, remove = locked[keep.pk], locked[remove.pk]
    for person in (keep, remove):
        if not person.is_active:
            raise MergeRefused(
                f"{person.name} sudah nonaktif; hanya pekerja aktif yang dapat digabung."
            )
    filled: dict[str, Any] = {}
    for field in fields_filled_by_merge(keep=keep, remove=remove):
        value = getattr(remove, field)
        setattr(keep, field, value)
        filled[field] = mask_nik(value.kk_number) if field == "household" else value
    if filled:
        keep.save(update_fields=[*filled, "updated_at"])
    today = timezone.localdate()
    remove.is_active = False
    remove.deactivation_reason = DeactivationReason.DUPLICATE
    remove.deactivated_on = today
    remove.merged_into = keep
    remove.save(
        update_fields=[
            "is_active",
            "deactivation_reason",
            "deactivated_on",
            "merged_into",
            "updated_at",
        ]
    )
    record_change(
        actor=actor,
        action=AuditAction.MERGE,
        target=keep,
        before={name: None for name in filled},
        after={**filled, "digabung_dari": remove.pk, "nik_digabung": mask_nik(remove.nik)},
        note=note,
    )
    record_change(
        actor=actor,
        action=AuditAction.MERGE,
        target=remove,
        before={"is_active": True, "merged_into": None},
        after={
            "is_active": False,
            "merged_into": keep.pk,
            "alasan": DeactivationReason.DUPLICATE.value,
            "tanggal": today.isoformat(),
        },
        note=note,
    )
    _decide_pairs(actor=actor, first=keep, second=remove, status=DuplicateStatus.MERGED, note=note)
    return keep


@transaction.atomic
def mark_distinct(*, actor: Any, pair: DuplicatePair, note: str = "") -> DuplicatePair:
    """Two different people after all: the pair leaves the queue and never comes back."""
    pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    if pair.status != DuplicateStatus.OPEN:
        raise MergeRefused("Pasangan ini sudah diputuskan.")
    pair.status = DuplicateStatus.DISTINCT
    pair.decided_by = actor
    pair.decided_at = timezone.now()
    pair.note = note
    pair.save(update_fields=["status", "decided_by", "decided_at", "note"])
    record_change(
        actor=actor,
        action=AuditAction.PAIR_DISTINCT,
        target=pair,
        before={"status": DuplicateStatus.OPEN.value},
        after={"status": DuplicateStatus.DISTINCT.value, "pekerja": [pair.left_id, pair.right_id]},
        note=note,
    )
    return pair


# --------------------------------------------------------------------------- in bulk


@dataclass(frozen=True)
class StagedPersons:
    """Persons waiting in a staging table (an import's checked rows): its columns are named
    after `person_fields.PERSON_FIELDS` (plus `row_number`), and `where` (with `params`)
    chooses the rows, the table being aliased `s`."""

    table: str
    where: str
    params: Sequence[Any]


def _staged_select(spec: PersonFieldSpec) -> str:
    if spec.stored == Stored.HOUSEHOLD:
        return "h.id"
    if spec.stored == Stored.OCCUPATION:
        return "o.id"
    return f"s.{spec.name}"


@transaction.atomic
def register_persons_from_staging(
    *,
    actor: Any,
    staged: StagedPersons,
    source_detail: str,
    action: AuditAction,
    target: Any,
    before: dict[str, Any],
    describe: Callable[[int], dict[str, Any]],
    step: Callable[[str], None] = lambda reached: None,
) -> int:
    """Put the staged persons into the registry, in row order, with their new households:
    two INSERT ... SELECT statements, so a million rows never become Python objects. Each
    person's source names `source_detail` and their row. One audit event `action` on `target`
    (the batch), from `before` to `describe(created)`: an event per person would turn the bulk
    insert back into per-row writes. `step` is told before each step ("households", "persons",
    "audit"). Returns how many persons were created.

    The caller has checked the rows and holds what they come from; a NIK already in the
    registry breaks the unique index and rolls everything back."""
    person = Person._meta.db_table
    household = Household._meta.db_table
    occupation = Occupation._meta.db_table
    where, params = staged.where, list(staged.params)
    now = timezone.now()
    with connection.cursor() as cursor:
        step("households")
        cursor.execute(
            f"INSERT INTO {household} (kk_number) SELECT DISTINCT s.kk_number "
            f"FROM {staged.table} s "
            f"WHERE {where} AND s.kk_number <> '' AND NOT EXISTS "
            f"(SELECT 1 FROM {household} h WHERE h.kk_number = s.kk_number)",
            params,
        )
        step("persons")
        columns = ", ".join(spec.column for spec in PERSON_FIELDS)
        values = ", ".join(_staged_select(spec) for spec in PERSON_FIELDS)
        cursor.execute(
            f"""
            INSERT INTO {person} (
                {columns}, processing_basis, source, source_detail,
                is_active, deactivation_reason, created_at, updated_at
            )
            SELECT
                {values}, %s, %s,
                %s || ' baris ' || CAST(s.row_number AS VARCHAR(10)),
                %s, '', %s, %s
            FROM {staged.table} s
            JOIN {occupation} o ON o.code = s.occupation_code
            LEFT JOIN {household} h ON h.kk_number = s.kk_number AND s.kk_number <> ''
            WHERE {where}
            ORDER BY s.row_number
            """,
            [
                ProcessingBasis.PUBLIC_TASK.value,
                PersonSource.IMPORT.value,
                source_detail[:200],
                True,
                now,
                now,
                *params,
            ],
        )
        created = cursor.rowcount
    step("audit")
    record_change(actor=actor, action=action, target=target, before=before, after=describe(created))
    return created


@transaction.atomic
def register_persons_in_bulk(
    *,
    actor: Any,
    people: Sequence[Any],
    source: PersonSource,
    source_detail: str,
    target: Any,
    changes: dict[str, Any],
    note: str = "",
    verified_at: Callable[[Any], datetime | None] = lambda person: None,
) -> int:
    """Persons made by the program (the demo), each with the attributes named in
    `person_fields.PERSON_FIELDS`, stored with their households in a few bulk INSERTs,
    and one audit event on `target`. Their NIKs are new: a NIK already registered rolls
    everything back."""
    Household.objects.bulk_create(
        [Household(kk_number=kk) for kk in sorted({p.kk_number for p in people if p.kk_number})],
        batch_size=5000,
        ignore_conflicts=True,  # a family card already registered keeps its household
    )
    households = dict(Household.objects.values_list("kk_number", "id"))
    occupations = dict(Occupation.objects.values_list("code", "id"))
    Person.objects.bulk_create(
        [
            Person(
                **{spec.column: getattr(p, spec.name) for spec in AS_IS},
                household_id=households.get(p.kk_number),
                occupation_id=occupations[p.occupation_code],
                source=source,
                source_detail=source_detail,
                verified_at=verified_at(p),
            )
            for p in people
        ],
        batch_size=2000,
    )
    record_change(
        actor=actor,
        action=AuditAction.PERSONS_LOADED,
        target=target,
        before={},
        after=changes,
        note=note,
    )
    return len(people)


@dataclass
class DesilOutcome:
    """What a desil list did: the import recorded, and the rows it could not use."""

    desil_import: DesilImport
    issues: list[RowIssue]


# Problems kept on the import for its page (the whole list is said once, at upload).
_KEPT_ISSUES = 1000


@transaction.atomic
def import_desil_list(
    *,
    actor: Any,
    rows: Sequence[DesilRow],
    issues: Sequence[RowIssue],
    total_rows: int,
    source: str,
    filename: str,
    checksum: str,
) -> DesilOutcome:
    """Store the rankings of a DTSEN desil list read by `imports.desil_file`.

    A row by NIK ranks that person; a row by KK ranks every member registered on the card (a
    person's own row wins over their family's for the same date). Rows naming nobody in the
    registry are told back and change nothing. Every ranking is kept with its date, so an
    older list received late is stored as history and never replaces the latest; a second
    list for the same date corrects the first."""
    issues = list(issues)
    niks = {row.nik for row in rows if row.nik}
    kks = {row.kk_number for row in rows if row.kk_number}
    by_nik: dict[str, int] = {}
    for chunk in _chunks(sorted(niks), 5000):
        by_nik.update(Person.objects.filter(nik__in=chunk).values_list("nik", "id"))
    by_kk: dict[str, list[int]] = {}
    for chunk in _chunks(sorted(kks), 5000):
        for kk, pk in Person.objects.filter(household__kk_number__in=chunk).values_list(
            "household__kk_number", "id"
        ):
            by_kk.setdefault(kk, []).append(pk)
    # Translated once, not once per row: most rows of a city's list name nobody registered.
    sentence = gettext("Baris %(row)d, kolom %(column)s: %(reason)s")
    unknown_nik = gettext("NIK %(nik)s tidak ada di registri.")
    unknown_kk = gettext("No. KK %(kk)s tidak ada di registri.")
    # (person, date) -> (desil, by KK); a person's own row first, then their family's.
    wanted: dict[tuple[int, date], tuple[int, bool]] = {}
    for row in sorted(rows, key=lambda r: (not r.nik, r.row)):
        if row.nik:
            found = by_nik.get(row.nik)
            if found is None:
                issues.append(
                    RowIssue(
                        row.row,
                        DesilProblem.UNKNOWN_NIK,
                        sentence
                        % {
                            "row": row.row,
                            "column": "NIK",
                            "reason": unknown_nik % {"nik": mask_nik(row.nik)},
                        },
                    )
                )
                continue
            wanted[(found, row.ranked_on)] = (row.desil, False)
            continue
        members = by_kk.get(row.kk_number)
        if not members:
            issues.append(
                RowIssue(
                    row.row,
                    DesilProblem.UNKNOWN_KK,
                    sentence
                    % {
                        "row": row.row,
                        "column": "No. KK",
                        "reason": unknown_kk % {"kk": mask_nik(row.kk_number)},
                    },
                )
            )
            continue
        for pk in members:
            wanted.setdefault((pk, row.ranked_on), (row.desil, True))
    dates = {on for _pk, on in wanted}
    persons = sorted({pk for pk, _on in wanted})
    stored: dict[tuple[int, date], tuple[int, int]] = {}
    latest_before: dict[int, date] = {}
    for chunk in _chunks(persons, 5000):
        for ranking_pk, pk, on, desil in DesilRanking.objects.filter(
            person_id__in=chunk
        ).values_list("id", "person_id", "ranked_on", "desil"):
            if on in dates:
                stored[(pk, on)] = (ranking_pk, desil)
            if is_newer(on, latest_before.get(pk)):
                latest_before[pk] = on
    counts_before = DesilRanking.objects.count()
    desil_import = DesilImport.objects.create(
        source=source.strip(),
        filename=filename,
        checksum=checksum,
        rows=total_rows,
        imported_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    fresh: list[DesilRanking] = []
    corrected: list[DesilRanking] = []
    unchanged = older = 0
    for (pk, on), (desil, by_kk_row) in wanted.items():
        latest = latest_before.get(pk)
        if latest is not None and on < latest:
            older += 1
        known = stored.get((pk, on))
        if known is None:
            fresh.append(
                DesilRanking(
                    person_id=pk,
                    desil=desil,
                    ranked_on=on,
                    source=desil_import,
                    is_by_kk=by_kk_row,
                )
            )
        elif known[1] != desil:
            corrected.append(
                DesilRanking(pk=known[0], desil=desil, source=desil_import, is_by_kk=by_kk_row)
            )
        else:
            unchanged += 1
    DesilRanking.objects.bulk_create(fresh, batch_size=5000)
    DesilRanking.objects.bulk_update(corrected, ["desil", "source", "is_by_kk"], batch_size=5000)
    issues.sort(key=lambda found: found.row)
    summary = {
        "baris": total_rows,
        "pekerja": len(persons),
        "baru": len(fresh),
        "diperbaiki": len(corrected),
        "sama": unchanged,
        "lebih_lama": older,
        "bermasalah": len(issues),
    }
    desil_import.summary = summary
    desil_import.problems = [
        {"row": found.row, "code": found.problem.value, "message": found.message}
        for found in issues[:_KEPT_ISSUES]
    ]
    desil_import.save(update_fields=["summary", "problems"])
    record_change(
        actor=actor,
        action=AuditAction.DESIL_IMPORTED,
        target=desil_import,
        before={"peringkat": counts_before},
        after={"peringkat": counts_before + len(fresh), "sumber": desil_import.source, **summary},
        note=filename,
    )
    return DesilOutcome(desil_import, issues)


def _chunks(values: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [values[start : start + size] for start in range(0, len(values), size)]
