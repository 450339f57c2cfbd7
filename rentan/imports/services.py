"""The only ways to change an import: upload, stage (parse and check), map columns, decide on
duplicates, commit, discard.

Staging writes only to this app's tables, in chunks, so a large file shows its progress and
memory stays flat. Commit writes to the registry in ONE transaction with set-based SQL
(INSERT ... SELECT from the staging table): a failure or a kill in the middle rolls back and
leaves the registry exactly as before.
"""

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.cache import caches
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from rentan.accounts.access import may_assign_kelurahan
from rentan.accounts.models import Role
from rentan.core import foreign_keys
from rentan.core.audit import record_event
from rentan.core.models import AuditAction
from rentan.core.safe_files import printable
from rentan.imports.cells import (
    ERROR_COLUMN,
    FIELD_LABELS,
    CellProblem,
    ChoiceLookup,
    ImportField,
    choices_from,
    find_header,
    is_blank,
    normalise_header,
)
from rentan.imports.models import BatchStatus, ImportBatch, ImportedPerson, RowStatus, StagedRow
from rentan.imports.reading import FileError, FileProblem, RowSource, checksum, open_rows
from rentan.imports.rows import Columns, ImportContext, RowChecker, RowOutcome
from rentan.regions.models import Area
from rentan.registry.dedup import DedupRecord, MatchReason, find_pairs
from rentan.registry.models import Household, Occupation, Person, PersonSource, ProcessingBasis
from rentan.registry.selectors import programme_kelurahan, registry_context

CHUNK = 5000
Progress = Callable[[str, int, int], None]


class FileAlreadyImported(Exception):
    """The same file (same checksum) was committed before; nothing new would come of it."""

    def __init__(self, batch: ImportBatch) -> None:
        super().__init__(
            f"Berkas ini sudah pernah diimpor dan disimpan (impor #{batch.pk}, "
            f"{batch.original_name}); tidak ada data baru yang ditambahkan."
        )
        self.batch = batch


class BatchNotReady(Exception):
    pass


# --------------------------------------------------------------------------- progress


def report_progress(token: object, phase: str, done: int, total: int) -> None:
    """Progress goes to a cache shared by the worker and the web server, not to the database:
    the commit runs in one long transaction whose writes nobody else can see until the end."""
    caches["imports"].set(f"import-{token}", {"phase": phase, "done": done, "total": total}, 3600)


def read_progress(token: object) -> dict[str, Any] | None:
    value = caches["imports"].get(f"import-{token}")
    return value if isinstance(value, dict) else None


# --------------------------------------------------------------------------- upload


def upload_batch(
    *,
    actor: Any,
    path: Path,
    original_name: str,
    default_kelurahan_code: str = "",
    household_rule: bool = True,
) -> ImportBatch:
    """Store the file and open a batch. A file already committed is refused with the batch
    that committed it, so importing the same file twice creates nothing new."""
    digest = checksum(path)
    done = ImportBatch.objects.filter(checksum=digest, status=BatchStatus.COMMITTED).first()
    if done is not None:
        raise FileAlreadyImported(done)
    if getattr(actor, "role", None) == Role.OPERATOR:
        # Operators import only into their own kelurahan (accounts.access scope).
        default_kelurahan_code = actor.kelurahan_id or ""
    with path.open("rb") as handle, transaction.atomic():
        batch = ImportBatch(
            original_name=original_name,
            checksum=digest,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            default_kelurahan_id=default_kelurahan_code or None,
            household_rule=household_rule,
        )
        batch.file.save(Path(original_name).name, File(handle), save=False)
        batch.save()
    return batch


# --------------------------------------------------------------------------- staging


def _import_context(batch: ImportBatch) -> ImportContext:
    kelurahan = programme_kelurahan()
    occupations = dict(Occupation.objects.values_list("code", "name"))
    actor = batch.uploaded_by
    allowed: frozenset[str] | None = None
    if actor is not None:
        # The access module decides who may put people into which kelurahan.
        allowed = frozenset(a.code for a in kelurahan if may_assign_kelurahan(actor, a.code))
    return ImportContext(
        registry=registry_context(),
        kelurahan=ChoiceLookup(
            choices_from({a.code: a.name for a in kelurahan}),
            noun="Kelurahan",
            problem=CellProblem.KELURAHAN_UNKNOWN,
        ),
        occupations=ChoiceLookup(
            choices_from(occupations),
            noun="Jenis pekerjaan",
            problem=CellProblem.OCCUPATION_UNKNOWN,
        ),
        allowed_kelurahan=allowed,
        default_kelurahan=batch.default_kelurahan_id or "",
    )


def _open_rows(batch: ImportBatch) -> RowSource:
    return open_rows(Path(batch.file.path), original_name=batch.original_name)


def _columns(batch: ImportBatch) -> Columns:
    fields = {int(index): ImportField(value) for index, value in batch.column_map.items()}
    headers = {index: str(header) for index, header in enumerate(batch.headers)}
    return Columns(fields=fields, headers=headers)


def _read_header(batch: ImportBatch, source: RowSource) -> None:
    head = list(itertools.islice(source.rows(), 20))
    guess = find_header([row.cells for row in head])
    if guess is None:
        raise FileError(
            FileProblem.NO_HEADER,
            "Baris judul kolom (NIK, Nama, Tanggal Lahir, ...) tidak ditemukan di 20 baris "
            "pertama. Pakai templat Rentan atau tulis judul kolom di satu baris.",
        )
    header_cells = head[guess.row_index].cells
    last = max(i for i, cell in enumerate(header_cells) if not is_blank(cell))
    batch.header_row = head[guess.row_index].number
    # A control character is shown as U+FFFD: a header is stored and shown, never imported.
    batch.headers = [
        printable(" ".join(str(c).split())) if not is_blank(c) else "" for c in header_cells
    ]
    batch.headers = batch.headers[: last + 1]
    batch.column_map = {str(index): field.value for index, field in guess.columns.items()}


def missing_columns(batch: ImportBatch) -> list[str]:
    """The names of required columns the file does not have (nor the user mapped)."""
    if not batch.headers:
        return []
    return [FIELD_LABELS[field] for field in _columns(batch).missing_required()]


def unmapped_headers(batch: ImportBatch) -> list[tuple[int, str]]:
    """Columns with a header the import did not recognise and the user has not mapped."""
    mapped = {int(i) for i in batch.column_map}
    return [
        (index, header)
        for index, header in enumerate(batch.headers)
        if header
        and index not in mapped
        and normalise_header(header) != normalise_header(ERROR_COLUMN)
    ]


def map_columns(*, actor: Any, batch: ImportBatch, mapping: dict[int, ImportField]) -> ImportBatch:
    """The user's own reading of the columns the import did not recognise."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status in (BatchStatus.COMMITTED, BatchStatus.COMMITTING):
            raise BatchNotReady("Impor ini sudah disimpan.")
        column_map = dict(batch.column_map)
        for index, field in mapping.items():
            if field in (f for i, f in column_map.items() if int(i) != index) and (
                field is not ImportField.IGNORE
            ):
                # The user moves a field to another column: the old guess gives way.
                column_map = {i: f for i, f in column_map.items() if f != field.value}
            column_map[str(index)] = field.value
        batch.column_map = column_map
        batch.status = BatchStatus.UPLOADED
        batch.save(update_fields=["column_map", "status"])
    return batch


def stage_batch(*, batch_id: int, progress: Progress | None = None) -> ImportBatch:
    """Read, parse and check every row into the staging table, then look for duplicates."""
    batch = ImportBatch.objects.select_related("uploaded_by").get(pk=batch_id)
    if batch.status in (BatchStatus.COMMITTED, BatchStatus.COMMITTING, BatchStatus.DISCARDED):
        raise BatchNotReady("Impor ini tidak dapat diperiksa ulang.")

    def tell(phase: str, done: int, total: int) -> None:
        report_progress(batch.token, phase, done, total)
        if progress is not None:
            progress(phase, done, total)

    try:
        # A spreadsheet is read once, for the header as for the rows.
        source = _open_rows(batch)
        if not batch.column_map:
            _read_header(batch, source)
        columns = _columns(batch)
        if columns.missing_required():
            batch.status = BatchStatus.NEEDS_MAPPING
            batch.save()
            return batch
        header_row = batch.header_row or 0
        checker = RowChecker.for_rows(
            (row for row in source.rows() if row.number > header_row),
            columns=columns,
            context=_import_context(batch),
        )
        total = max(source.count - header_row, 0)
    except FileError as error:
        batch.status = BatchStatus.FAILED
        batch.problem = str(error)
        batch.save()
        return batch

    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.VALIDATING, progress_done=0, progress_total=total
    )
    StagedRow.objects.filter(batch=batch).delete()
    tell("validate", 0, total)
    records: list[DedupRecord] = []
    data_rows = (row for row in source.rows() if row.number > header_row)
    done = 0
    with _staged_writer() as write_staged:
        for chunk in _chunks(checker.check_all(data_rows), CHUNK):
            staged = [_staged_row(batch.pk, outcome) for outcome in chunk]
            done = max(outcome.number for outcome in chunk) - header_row
            del chunk
            records.extend(
                DedupRecord(
                    key=f"row:{row[1]}",
                    nik=row[4],
                    name=row[6],
                    birth_date=row[8],
                    kelurahan_code=row[13],
                    address=row[10],
                    kk_number=row[5],
                )
                for row in staged
                if row[3]
            )
            write_staged(staged)
            del staged
            tell("validate", done, total)
    # What the checker remembers of every row (NIKs seen, dates read) and a spreadsheet's
    # rows are done with: let them go before the duplicate search needs the room.
    del checker, source, data_rows

    if connection.vendor == "postgresql":
        # Fresh statistics after a large COPY, so the commit's joins get sensible plans: of
        # the columns the commit filters and joins on only (sampling the cells' JSON of
        # every row would cost more than the rest of the statistics together).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {StagedRow._meta.db_table} ({', '.join(_COMMIT_COLUMNS)})")
    tell("dedup", 0, 1)
    _mark_duplicates(batch, records)
    tell("dedup", 1, 1)
    tell("validate", total, total)
    _count(batch)
    batch.status = BatchStatus.REVIEW
    batch.problem = ""
    batch.progress_done = batch.progress_total = total
    batch.save()
    return batch


def _chunks(items: Iterable[RowOutcome], size: int) -> Iterator[list[RowOutcome]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _staged_row(batch_id: int, outcome: RowOutcome) -> tuple[Any, ...]:
    """One staging row as a tuple in _STAGED_COLUMNS order (bulk paths skip model objects)."""
    draft = outcome.draft
    is_valid = not outcome.errors
    dependents = draft.dependents
    return (
        batch_id,
        outcome.number,
        RowStatus.READY.value if is_valid else RowStatus.ERROR.value,
        is_valid,
        str(draft.nik)[:32] if is_valid else "",
        str(draft.kk_number or "")[:32] if is_valid else "",
        draft.name[:150],
        draft.birth_place[:100],
        draft.birth_date,
        draft.sex[:1],
        draft.street_address[:200],
        str(draft.rt)[:3],
        str(draft.rw)[:3],
        draft.kelurahan_code,
        str(draft.phone or "")[:16] if is_valid else "",
        draft.occupation_code,
        draft.monthly_income,
        dependents if 0 <= dependents <= 20 else 0,
        draft.has_disability,
        draft.disability_note[:200],
        _to_json(outcome.cells),
        _to_json([issue.as_dict() for issue in outcome.issues]) if outcome.issues else "[]",
        "[]",
    )


# One encoder for every row (json.dumps would build one per call), same text as json.dumps.
_to_json = json.JSONEncoder(ensure_ascii=False).encode


# What commit_batch filters and joins the staged rows on.
_COMMIT_COLUMNS = (
    "batch_id",
    "row_number",
    "status",
    "is_accepted",
    "nik",
    "kk_number",
    "occupation_code",
)

_STAGED_COLUMNS = (
    "batch_id",
    "row_number",
    "status",
    "is_accepted",
    "nik",
    "kk_number",
    "name",
    "birth_place",
    "birth_date",
    "sex",
    "street_address",
    "rt",
    "rw",
    "kelurahan_code",
    "phone",
    "occupation_code",
    "monthly_income",
    "dependents",
    "has_disability",
    "disability_note",
    "cells",
    "issues",
    "matches",
)


@contextmanager
def _staged_writer() -> Iterator[Callable[[list[tuple[Any, ...]]], None]]:
    """Bulk writes without model objects, in one transaction: on PostgreSQL one COPY for the
    whole file (the server stores a chunk while the next is being checked), executemany
    elsewhere. Nothing else may use the connection until the writer is closed."""
    table = StagedRow._meta.db_table
    names = ", ".join(_STAGED_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:

                def copy_rows(rows: list[tuple[Any, ...]]) -> None:
                    for row in rows:
                        copy.write_row(row)

                yield copy_rows
            return
        marks = ", ".join(["%s"] * len(_STAGED_COLUMNS))

        def insert_rows(rows: list[tuple[Any, ...]]) -> None:
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",
                [(*row[:8], row[8].isoformat() if row[8] else None, *row[9:]) for row in rows],
            )

        yield insert_rows


def _registry_records() -> Iterator[DedupRecord]:
    return (
        DedupRecord(
            key=f"person:{pk}",
            nik=nik,
            name=name,
            birth_date=birth_date,
            kelurahan_code=kelurahan,
            address=address,
            kk_number=kk or "",
        )
        for pk, nik, name, birth_date, kelurahan, address, kk in Person.objects.values_list(
            "pk",
            "nik",
            "name",
            "birth_date",
            "kelurahan_id",
            "street_address",
            "household__kk_number",
        ).iterator(chunk_size=20000)
    )


def _drain(records: list[DedupRecord]) -> Iterator[DedupRecord]:
    """The records in order, each let go of as it is taken: the duplicate search keeps its
    own comparable form of each, and a million of both would not fit side by side."""
    records.reverse()
    while records:
        yield records.pop()


def _mark_duplicates(batch: ImportBatch, records: list[DedupRecord]) -> None:
    """Rows whose NIK is already in the registry are 'already registered' (per-row identity:
    a second import of the same rows creates nothing); other probable pairs wait for the user."""
    if not records:
        return
    pairs = find_pairs(
        _drain(records), against=_registry_records(), household_rule=batch.household_rule
    )
    registered: set[int] = set()
    matches: dict[int, list[dict[str, Any]]] = {}
    for pair in pairs:
        left, right = pair.left, pair.right
        if not right.startswith("row:") and not left.startswith("row:"):
            continue
        # The row to flag: the one that is in this file; of two rows, the later one.
        row_key, other = (right, left) if right.startswith("row:") else (left, right)
        if left.startswith("row:") and right.startswith("row:"):
            row_key, other = sorted((left, right), key=lambda key: int(key[4:]), reverse=True)
        number = int(row_key[4:])
        if other.startswith("person:") and MatchReason.SAME_NIK in pair.reasons:
            registered.add(number)
        matches.setdefault(number, []).append(
            {
                "other": other,
                "score": round(pair.score, 3),
                "reasons": [str(reason) for reason in pair.reasons],
            }
        )
    # One UPDATE per flagged row, sent together (psycopg pipelines executemany): bulk_update's
    # CASE over thousands of rows costs more than the rows themselves.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {StagedRow._meta.db_table} SET matches = %s, is_accepted = %s, status = %s "
            "WHERE batch_id = %s AND row_number = %s",
            [
                (
                    _to_json(found),
                    False,
                    RowStatus.ALREADY_REGISTERED.value
                    if number in registered
                    else RowStatus.DUPLICATE.value,
                    batch.pk,
                    number,
                )
                for number, found in sorted(matches.items())
            ],
        )


def _count(batch: ImportBatch) -> None:
    counts = dict(
        StagedRow.objects.filter(batch=batch)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    batch.rows_ready = counts.get(RowStatus.READY, 0)
    batch.rows_error = counts.get(RowStatus.ERROR, 0)
    batch.rows_duplicate = counts.get(RowStatus.DUPLICATE, 0)
    batch.rows_registered = counts.get(RowStatus.ALREADY_REGISTERED, 0)
    batch.rows_total = sum(counts.values())


def decide_duplicate(*, actor: Any, batch: ImportBatch, row_number: int, accept: bool) -> None:
    """Take a probable duplicate in anyway (the user knows they are different people), or
    leave it out."""
    with transaction.atomic():
        updated = StagedRow.objects.filter(
            batch=batch, row_number=row_number, status=RowStatus.DUPLICATE
        ).update(is_accepted=accept)
        if not updated:
            raise BatchNotReady("Baris ini bukan baris yang mungkin ganda.")


def discard_batch(*, actor: Any, batch: ImportBatch) -> None:
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == BatchStatus.COMMITTED:
            raise BatchNotReady("Impor yang sudah disimpan tidak dapat dibatalkan.")
        batch.status = BatchStatus.DISCARDED
        batch.save(update_fields=["status"])
        StagedRow.objects.filter(batch=batch).delete()


# --------------------------------------------------------------------------- commit


@dataclass(frozen=True)
class CommitResult:
    created: int
    already_registered: int
    left_out: int


def _step_hook(step: str) -> None:
    """Called between the steps of a commit; tests raise here to prove the rollback."""


def commit_batch(*, batch_id: int, actor: Any, progress: Progress | None = None) -> CommitResult:
    """Put every accepted row into the registry in one transaction, or none of them."""

    token = ImportBatch.objects.values_list("token", flat=True).get(pk=batch_id)

    def tell(done: int) -> None:
        report_progress(token, "commit", done, 5)
        if progress is not None:
            progress("commit", done, 5)

    tell(0)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status not in (BatchStatus.REVIEW, BatchStatus.COMMITTING):
            raise BatchNotReady("Impor ini belum siap atau sudah disimpan.")
        table = StagedRow._meta.db_table
        person = Person._meta.db_table
        household = Household._meta.db_table
        occupation = Occupation._meta.db_table
        accepted = (
            f"s.batch_id = %s AND s.is_accepted AND s.status IN "
            f"('{RowStatus.READY.value}', '{RowStatus.DUPLICATE.value}')"
        )
        now = timezone.now()
        # A large batch has its foreign keys checked once over the table, not row by row.
        keys_in_bulk = (
            foreign_keys.checked_in_bulk(person)
            if foreign_keys.is_worth_it(person, batch.rows_ready)
            else nullcontext()
        )
        with keys_in_bulk, connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The rows are sorted into file order and joined in memory, not on disk.
                cursor.execute("SET LOCAL work_mem = '256MB'")
            # Per-row identity: a NIK that reached the registry since staging is left out.
            cursor.execute(
                f"UPDATE {table} SET status = %s, is_accepted = %s WHERE batch_id = %s AND "
                f"is_accepted AND EXISTS (SELECT 1 FROM {person} p WHERE p.nik = {table}.nik)",
                [RowStatus.ALREADY_REGISTERED.value, False, batch_id],
            )
            tell(1)
            _step_hook("households")
            cursor.execute(
                f"INSERT INTO {household} (kk_number) SELECT DISTINCT s.kk_number FROM {table} s "
                f"WHERE {accepted} AND s.kk_number <> '' AND NOT EXISTS "
                f"(SELECT 1 FROM {household} h WHERE h.kk_number = s.kk_number)",
                [batch_id],
            )
            tell(2)
            _step_hook("persons")
            source_detail = f"Impor #{batch_id} {batch.original_name}"[:200]
            cursor.execute(
                f"""
                INSERT INTO {person} (
                    nik, household_id, name, birth_place, birth_date, sex, street_address, rt,
                    rw, kelurahan_id, phone, occupation_id, monthly_income, dependents,
                    has_disability, disability_note, processing_basis, source, source_detail,
                    is_active, deactivation_reason, created_at, updated_at
                )
                SELECT
                    s.nik, h.id, s.name, s.birth_place, s.birth_date, s.sex, s.street_address,
                    s.rt, s.rw, s.kelurahan_code, s.phone, o.id, s.monthly_income, s.dependents,
                    s.has_disability, s.disability_note, %s, %s,
                    %s || ' baris ' || CAST(s.row_number AS VARCHAR(10)),
                    %s, '', %s, %s
                FROM {table} s
                JOIN {occupation} o ON o.code = s.occupation_code
                LEFT JOIN {household} h ON h.kk_number = s.kk_number AND s.kk_number <> ''
                WHERE {accepted}
                ORDER BY s.row_number
                """,
                [
                    ProcessingBasis.PUBLIC_TASK.value,
                    PersonSource.IMPORT.value,
                    source_detail,
                    True,
                    now,
                    now,
                    batch_id,
                ],
            )
            created = cursor.rowcount
            tell(3)
            _step_hook("links")
            cursor.execute(
                f"INSERT INTO {ImportedPerson._meta.db_table} (person_id, batch_id, row_number) "
                f"SELECT p.id, s.batch_id, s.row_number FROM {table} s "
                f"JOIN {person} p ON p.nik = s.nik WHERE {accepted}",
                [batch_id],
            )
            # The staged rows keep their status: in a committed batch the accepted ones are
            # the imported ones. Rewriting a million staged rows would cost more than the
            # insert itself.
            tell(4)
        _step_hook("audit")
        _count(batch)
        left_out = batch.rows_total - created - batch.rows_registered
        batch.status = BatchStatus.COMMITTED
        batch.rows_created = created
        batch.committed_at = now
        batch.committed_by = actor if getattr(actor, "is_authenticated", False) else None
        batch.save()
        # One event for the whole batch: an event per person would turn the bulk insert back
        # into per-row writes. Every person stays traceable through ImportedPerson.
        record_event(
            actor=actor,
            action=AuditAction.IMPORT,
            target=batch,
            changes={
                "berkas": batch.original_name,
                "sidik": batch.checksum,
                "pekerja_ditambahkan": created,
                "sudah_terdaftar": batch.rows_registered,
                "tidak_disimpan": left_out,
            },
        )
    tell(5)
    return CommitResult(
        created=created, already_registered=batch.rows_registered, left_out=left_out
    )


def reopen_batch(*, batch_id: int) -> None:
    """A commit that failed left the registry as it was: the batch is back in review."""
    ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.COMMITTING).update(
        status=BatchStatus.REVIEW
    )


def mark_committing(*, batch: ImportBatch) -> None:
    ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.REVIEW).update(
        status=BatchStatus.COMMITTING
    )


def kelurahan_for_default(code: str) -> Area | None:
    return Area.objects.filter(code=code).first() if code else None
