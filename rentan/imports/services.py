"""The only ways to change an import: upload, stage (parse and check), map columns, decide on
duplicates, commit, discard.

Staging writes only to this app's tables, in chunks, so a large file shows its progress and
memory stays flat. Commit writes to the registry in ONE transaction with set-based SQL
(INSERT ... SELECT from the staging table): a failure or a kill in the middle rolls back and
leaves the registry exactly as before.

The path of a file:
- `upload_batch` refuses a file already committed (same SHA-256);
- `stage_batch` writes every row to `StagedRow` (COPY on PostgreSQL), each checked by the
  registry's own rules (`rows.py`), and marks probable duplicates through
  `registry.dedup.find_pairs`; a NIK already in the registry is "already registered", so the
  same rows never come in twice;
- a field form's submissions come as records, not a file: `stage_records` appends them to
  their batch with the same row checks and duplicate search (`field_form_services`);
- `commit_batch` hands the accepted rows to `registry.services.register_persons_from_staging`
  (one audit event for the batch) and links each new person to its file and row
  (`ImportedPerson`). A commit large next to the registry has the person table's foreign
  keys checked in one pass (`core.foreign_keys`). A second commit of the same batch waits
  for the first (the batch row is locked; on SQLite every transaction begins IMMEDIATE with a
  busy timeout, SQLITE_BUSY_SECONDS) and is told who has it (`BatchAlreadyCommitted`).

Large files are staged and committed by the worker (`tasks.py`), their progress in the
`imports` file cache (`report_progress`). Nothing stays stuck: an error ends in a FAILED
batch with its reason (`fail_batch`), a dead worker's batches are failed when a worker starts
(`fail_abandoned_work`), and the page offers `retry_batch` and `discard_batch`.
`imports/tests/test_killed_worker.py` kills a real worker while staging and committing.
"""

import hashlib
import itertools
import json
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.core.cache import caches
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext

from rentan.accounts.access import kelurahan_scope, may_assign_kelurahan
from rentan.core import bulk_indexes, foreign_keys
from rentan.core.audit import record_change
from rentan.core.memory import without_cyclic_gc
from rentan.core.models import AuditAction
from rentan.core.safe_files import control_columns, printable
from rentan.imports import workers
from rentan.imports.cells import (
    ERROR_COLUMN,
    FIELD_LABELS,
    PERSON_HEADERS,
    CellProblem,
    ChoiceLookup,
    ImportField,
    JobTypeLookup,
    choices_from,
    find_header,
    is_blank,
    normalise_header,
)
from rentan.imports.desil_file import read_desil_list
from rentan.imports.models import (
    BatchStatus,
    BatchStep,
    ImportBatch,
    ImportedPerson,
    RowStatus,
    StagedRow,
)
from rentan.imports.reading import (
    FileError,
    FileProblem,
    RowSource,
    SheetRow,
    checksum,
    open_rows,
)
from rentan.imports.rows import Columns, ImportContext, RowChecker, RowOutcome
from rentan.registry.dedup import DedupRecord, MatchReason, find_pairs
from rentan.registry.models import Person
from rentan.registry.person_fields import DRAFT_NAMES
from rentan.registry.selectors import (
    current_match_model,
    job_names,
    programme_kelurahan,
    registry_context,
)
from rentan.registry.services import (
    DesilOutcome,
    StagedPersons,
    import_desil_list,
    register_persons_from_staging,
)
from rentan.registry.tasks import estimate_weights_when_outgrown
from rentan.registry.validation import RecordProblem

logger = logging.getLogger(__name__)

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


class BatchAlreadyCommitted(BatchNotReady):
    """A second commit of the same batch: the first one holds it or has finished it."""

    def __init__(self, batch: ImportBatch) -> None:
        who = batch.committed_by.display_name if batch.committed_by else "pengguna lain"
        super().__init__(f"Impor ini sedang atau sudah disimpan oleh {who}.")


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
    confined_to = kelurahan_scope(actor)
    if confined_to is not None:
        default_kelurahan_code = confined_to
    with path.open("rb") as handle, transaction.atomic():
        batch = ImportBatch(
            original_name=original_name,
            checksum=digest,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            default_kelurahan_id=default_kelurahan_code or None,
            rows_kelurahan_id=default_kelurahan_code or None,
            household_rule=household_rule,
        )
        batch.file.save(Path(original_name).name, File(handle), save=False)
        batch.save()
        record_change(
            actor=actor,
            action=AuditAction.BATCH_UPLOADED,
            target=batch,
            before={},
            after={
                "berkas": batch.original_name,
                "sidik": digest,
                "kelurahan": default_kelurahan_code,
                "satu_per_kk": household_rule,
            },
        )
    return batch


# --------------------------------------------------------------------------- staging


def kelurahan_of_batch(*, confined_to: str | None, default: str, row_codes: set[str]) -> str:
    """The kelurahan a batch belongs to, or "" when it belongs to none (Dinas roles only).

    An uploader confined to one kelurahan (an operator) can bring rows into no other: every
    row of theirs is either in it or refused, and holds only what their office typed, so
    the batch is theirs. A Dinas upload belongs to a kelurahan only when every row and the
    default lie in it; a row whose kelurahan is unknown ("") could be anyone's.
    """
    if confined_to is not None:
        return confined_to
    codes = row_codes | ({default} if default else set())
    if len(codes) != 1 or "" in codes:
        return ""
    return codes.pop()


def kelurahan_lookup(kelurahan: Iterable[Any] | None = None) -> ChoiceLookup:
    """How a cell's kelurahan is read: by code or name, among the programme's."""
    areas = programme_kelurahan() if kelurahan is None else kelurahan
    return ChoiceLookup(
        choices_from({a.code: a.name for a in areas}),
        noun="Kelurahan",
        problem=CellProblem.KELURAHAN_UNKNOWN,
    )


def _import_context(batch: ImportBatch) -> ImportContext:
    kelurahan = programme_kelurahan()
    actor = batch.uploaded_by
    allowed: frozenset[str] | None = None
    if actor is not None:
        # The access module decides who may put people into which kelurahan.
        allowed = frozenset(a.code for a in kelurahan if may_assign_kelurahan(actor, a.code))
    elif batch.field_form is not None and batch.field_form.kelurahan_id:
        # A field form of one kelurahan brings people into that kelurahan only.
        allowed = frozenset({batch.field_form.kelurahan_id})
    return ImportContext(
        registry=registry_context(),
        kelurahan=kelurahan_lookup(kelurahan),
        occupations=JobTypeLookup(job_names()),
        allowed_kelurahan=allowed,
        default_kelurahan=batch.default_kelurahan_id or "",
    )


def _open_rows(batch: ImportBatch) -> RowSource:
    if not batch.file:
        return _rows_as_staged(batch)
    return open_rows(Path(batch.file.path), original_name=batch.original_name)


def _rows_as_staged(batch: ImportBatch) -> RowSource:
    """A batch without a file (a field form's submissions) checked again, after its columns
    were mapped: its rows as they came, which staging keeps. A cell that held a control
    character was kept with U+FFFD in its place, and is refused again."""
    loaded = [
        SheetRow(number, cells, tuple(i for i, c in enumerate(cells) if _REPLACED in str(c)))
        for number, cells in batch.rows.order_by("row_number").values_list("row_number", "cells")
    ]
    return RowSource(lambda: loaded, len(loaded))


_REPLACED = "\ufffd"


def _columns(batch: ImportBatch) -> Columns:
    fields = {int(index): ImportField(value) for index, value in batch.column_map.items()}
    headers = {index: str(header) for index, header in enumerate(batch.headers)}
    return Columns(fields=fields, headers=headers)


def _read_header(batch: ImportBatch, source: RowSource) -> None:
    head = list(itertools.islice(source.rows(), 20))
    guess = find_header([row.cells for row in head], PERSON_HEADERS)
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
        before = {"kolom": batch.column_map, "status": batch.status}
        batch.column_map = column_map
        batch.status = BatchStatus.UPLOADED
        batch.save(update_fields=["column_map", "status"])
        record_change(
            actor=actor,
            action=AuditAction.BATCH_COLUMNS_MAPPED,
            target=batch,
            before=before,
            after={"kolom": column_map, "status": batch.status},
        )
    return batch


def stage_batch(
    *, batch_id: int, progress: Progress | None = None, task_id: str = ""
) -> ImportBatch:
    """Read, parse and check every row into the staging table, then look for duplicates.

    Whatever goes wrong ends in a FAILED batch with its reason, never in a batch left
    "being checked": a file the readers refuse gives their message, anything else a short
    reason (the traceback goes to the log). The batch first notes who does the work (the
    background task, or else this process), so its page can tell when that one died."""
    batch = ImportBatch.objects.select_related("uploaded_by").get(pk=batch_id)
    if batch.status in (BatchStatus.COMMITTED, BatchStatus.COMMITTING, BatchStatus.DISCARDED):
        raise BatchNotReady("Impor ini tidak dapat diperiksa ulang.")
    batch.task_id = task_id or workers.this_process()
    note_task(batch_id=batch_id, task_id=batch.task_id)
    try:
        # A file's rows, their checked drafts and staged tuples are a few objects each per
        # row, none in a cycle (rentan.core.memory).
        with without_cyclic_gc():
            return _stage(batch, progress)
    except Exception as error:
        if not isinstance(error, FileError):
            logger.exception("Pemeriksaan impor #%s gagal", batch_id)
        fail_batch(batch_id=batch_id, step=BatchStep.STAGE, reason=describe_failure(error))
    return ImportBatch.objects.select_related("uploaded_by").get(pk=batch_id)


def _stage(batch: ImportBatch, progress: Progress | None) -> ImportBatch:
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
        fail_batch(batch_id=batch.pk, step=BatchStep.STAGE, reason=str(error))
        batch.refresh_from_db()
        return batch

    confined_to = kelurahan_scope(batch.uploaded_by)
    # While rows are being written nobody knows yet whose they are: a Dinas upload is for
    # the Dinas roles only until the last row is in.
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.VALIDATING,
        progress_done=0,
        progress_total=total,
        rows_kelurahan_id=confined_to or None,
    )
    row_codes: set[str] = set()
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
            records.extend(_dedup_record(row) for row in staged if row[3])
            row_codes.update(row[13] for row in staged)
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
    if confined_to is not None:
        _refuse_households_elsewhere(batch, confined_to)
    tell("dedup", 1, 1)
    tell("validate", total, total)
    _count(batch)
    batch.rows_kelurahan_id = (
        kelurahan_of_batch(
            confined_to=confined_to,
            default=batch.default_kelurahan_id or "",
            row_codes=row_codes,
        )
        or None
    )
    batch.status = BatchStatus.REVIEW
    batch.problem = ""
    batch.failed_step = ""
    batch.progress_done = batch.progress_total = total
    with transaction.atomic():
        batch.save()
        record_change(
            actor=batch.uploaded_by,
            action=AuditAction.BATCH_STAGED,
            target=batch,
            before={"status": BatchStatus.VALIDATING.value},
            after={
                "status": batch.status,
                "baris": batch.rows_total,
                "siap": batch.rows_ready,
                "salah": batch.rows_error,
                "mungkin_ganda": batch.rows_duplicate,
                "sudah_terdaftar": batch.rows_registered,
            },
        )
    return batch


def stage_records(
    *, batch: ImportBatch, records: Sequence[Mapping[str, object]]
) -> list[int | None]:
    """Rows that come as records rather than in a file (a field form's submissions, each a
    mapping of question names to answers), appended to `batch` after its last row and
    checked as a file's rows are: the names are read as a file's headers (`PERSON_HEADERS`:
    `data_pekerja/nik` is the NIK, KoboToolbox's `_id` is left out), each row by the same
    `RowChecker`, duplicates looked for in the registry and among the batch's earlier rows.
    The batch is then ready for review again.

    Gives the row number of each record, None for a record with no answer about a person.
    Runs in the caller's transaction, which holds the batch locked and records the event."""
    headers = list(batch.headers)
    column_map = dict(batch.column_map)
    mapped = {ImportField(value) for value in column_map.values()}
    position = {header: index for index, header in enumerate(headers)}
    for record in records:
        for name in record:
            if name in position:
                continue
            position[name] = len(headers)
            headers.append(name)
            found = PERSON_HEADERS.match(name)
            if found is not None and (found is ImportField.IGNORE or found not in mapped):
                column_map[str(position[name])] = found.value
                mapped.add(found)
    batch.headers, batch.column_map = headers, column_map
    last = batch.rows.aggregate(last=Max("row_number"))["last"] or 0
    rows = []
    for number, record in enumerate(records, start=last + 1):
        cells: list[object] = [record.get(header) for header in headers]
        rows.append(SheetRow(number, cells, control_columns(cells)))
    checker = RowChecker.for_rows(rows, columns=_columns(batch), context=_import_context(batch))
    staged = [_staged_row(batch.pk, outcome) for outcome in checker.check_all(rows)]
    with _staged_writer() as write_staged:
        write_staged(staged)
    earlier = batch.rows.filter(row_number__lte=last).exclude(nik="")
    new_records = [_dedup_record(row) for row in staged if row[3]]
    _mark_duplicates(
        batch,
        new_records,
        registry=_registry_candidates(new_records),
        against=(
            DedupRecord(
                key=f"row:{number}",
                nik=nik,
                name=name,
                birth_date=birth_date,
                kelurahan_code=kelurahan,
                address=address,
                kk_number=kk,
            )
            for number, nik, name, birth_date, kelurahan, address, kk in earlier.values_list(
                "row_number",
                "nik",
                "name",
                "birth_date",
                "kelurahan_code",
                "street_address",
                "kk_number",
            )
        ),
    )
    confined_to = kelurahan_scope(batch.uploaded_by)
    if confined_to is None and batch.field_form is not None:
        confined_to = batch.field_form.kelurahan_id
    if confined_to:
        _refuse_households_elsewhere(batch, confined_to)
    _count(batch)
    batch.status = BatchStatus.REVIEW
    batch.progress_done = batch.progress_total = batch.rows_total
    batch.save()
    numbers = {row[1] for row in staged}
    return [row.number if row.number in numbers else None for row in rows]


def _dedup_record(row: tuple[Any, ...]) -> DedupRecord:
    """A staged row (in _STAGED_COLUMNS order) as the duplicate search compares it."""
    return DedupRecord(
        key=f"row:{row[1]}",
        nik=row[4],
        name=row[6],
        birth_date=row[8],
        kelurahan_code=row[13],
        address=row[10],
        kk_number=row[5],
    )


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
        draft.mother_name[:150],
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

# A staged row holds a person's fields under their draft names (registry.person_fields), the
# order _staged_row writes them in.
_STAGED_COLUMNS = (
    "batch_id",
    "row_number",
    "status",
    "is_accepted",
    *DRAFT_NAMES,
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


def _registry_records(persons: Any = None) -> Iterator[DedupRecord]:
    persons = Person.objects.all() if persons is None else persons
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
        for pk, nik, name, birth_date, kelurahan, address, kk in persons.values_list(
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


def _registry_candidates(records: Sequence[DedupRecord]) -> Any:
    """The registered persons that can share a blocking key of the duplicate search with one
    of a few rows (registry.dedup._block_keys): the same kelurahan (the address, name and
    birth date keys all hold it), a NIK agreeing with one of theirs in its first seven or
    last eight digits (every key of a NIK with one part left out or two digits swapped), the
    same KK. The search finds the same pairs in them as in the whole registry, which a field
    form's submission, one row at a time, would otherwise read every time."""
    wanted = Q(kelurahan_id__in={r.kelurahan_code for r in records if r.kelurahan_code})
    for record in records:
        if len(record.nik) == 16:
            wanted |= Q(nik__startswith=record.nik[:7]) | Q(nik__endswith=record.nik[8:])
    kks = {r.kk_number for r in records if r.kk_number}
    if kks:
        wanted |= Q(household__kk_number__in=kks)
    return Person.objects.filter(wanted)


def _mark_duplicates(
    batch: ImportBatch,
    records: list[DedupRecord],
    against: Iterable[DedupRecord] = (),
    *,
    registry: Any = None,
) -> None:
    """Rows whose NIK is already in the registry are 'already registered' (per-row identity:
    a second import of the same rows creates nothing); other probable pairs wait for the user.
    `against` adds the batch's rows staged before these (a field form's earlier submissions);
    `registry` narrows the registered persons read (by default all of them)."""
    if not records:
        return
    pairs = find_pairs(
        _drain(records),
        against=itertools.chain(_registry_records(registry), against),
        household_rule=batch.household_rule,
        model=current_match_model(),
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


def _refuse_households_elsewhere(batch: ImportBatch, kelurahan_code: str) -> None:
    """Rows of a user confined to one kelurahan whose KK already lists people of another
    become row errors: joining that family links records the user may not see, which is
    the Dinas's call. The row says so and whom to ask, not who is on the card."""
    elsewhere = Person.objects.filter(household__kk_number=OuterRef("kk_number")).exclude(
        kelurahan_id=kelurahan_code
    )
    refused = (
        StagedRow.objects.filter(batch=batch, status__in=[RowStatus.READY, RowStatus.DUPLICATE])
        .exclude(kk_number="")
        .filter(Exists(elsewhere))
        .values_list("pk", "kk_number", "issues")
    )
    column = next(
        (
            str(batch.headers[int(index)])
            for index, field in batch.column_map.items()
            if field == ImportField.KK_NUMBER.value and int(index) < len(batch.headers)
        ),
        FIELD_LABELS[ImportField.KK_NUMBER],
    )
    for pk, kk_number, issues in list(refused):
        issue = {
            "column": column,
            "field": ImportField.KK_NUMBER.value,
            "problem": RecordProblem.KK_ELSEWHERE.value,
            "message": str(RecordProblem.KK_ELSEWHERE.label),
            "value": kk_number,
            "is_warning": False,
        }
        StagedRow.objects.filter(pk=pk).update(
            status=RowStatus.ERROR, is_accepted=False, issues=[*issues, issue]
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
        row = (
            StagedRow.objects.select_for_update()
            .filter(batch=batch, row_number=row_number, status=RowStatus.DUPLICATE)
            .only("pk", "is_accepted")
            .first()
        )
        if row is None:
            raise BatchNotReady("Baris ini bukan baris yang mungkin ganda.")
        StagedRow.objects.filter(pk=row.pk).update(is_accepted=accept)
        record_change(
            actor=actor,
            action=AuditAction.BATCH_ROW_DECIDED,
            target=batch,
            before={"baris": row_number, "diterima": row.is_accepted},
            after={"baris": row_number, "diterima": accept},
        )


def discard_batch(
    *, actor: Any, batch: ImportBatch, is_alive: Callable[[str], bool] = workers.is_alive
) -> None:
    """Throw the batch away (its staged rows with it); the registry never saw it. Work still
    under way is not interrupted: only a batch at rest, failed or stopped may go."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == BatchStatus.COMMITTED:
            raise BatchNotReady("Impor yang sudah disimpan tidak dapat dibatalkan.")
        if batch.status == BatchStatus.DISCARDED:
            raise BatchNotReady("Impor ini sudah dibatalkan.")
        if batch.is_busy or (batch.status == BatchStatus.UPLOADED and batch.task_id):
            try:
                _stopped_step(batch, is_alive)
            except BatchNotReady:
                raise BatchNotReady(
                    "Impor ini sedang diproses; tunggu sampai selesai atau sampai gagal."
                ) from None
        before = batch.status
        batch.status = BatchStatus.DISCARDED
        batch.save(update_fields=["status"])
        StagedRow.objects.filter(batch=batch).delete()
        record_change(
            actor=actor,
            action=AuditAction.BATCH_DISCARDED,
            target=batch,
            before={"status": before},
            after={"status": batch.status},
            note=batch.original_name,
        )


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
        # The batch row is held until the end: a second commit waits here (on SQLite its
        # transaction waits to begin) and then finds the batch committed.
        locked = ImportBatch.objects.select_for_update(of=("self",)).select_related("committed_by")
        batch = locked.get(pk=batch_id)
        if batch.status == BatchStatus.COMMITTED:
            raise BatchAlreadyCommitted(batch)
        if batch.status not in (BatchStatus.REVIEW, BatchStatus.COMMITTING):
            raise BatchNotReady("Impor ini belum siap atau sudah disimpan.")
        status_before = batch.status
        table = StagedRow._meta.db_table
        person = Person._meta.db_table
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
        with keys_in_bulk as keys_are_in_bulk, connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The rows are sorted into file order and joined in memory, not on disk.
                cursor.execute("SET LOCAL work_mem = '256MB'")
            confined_to = kelurahan_scope(actor)
            if confined_to is not None:
                # A family card may have gained members elsewhere since staging.
                _refuse_households_elsewhere(batch, confined_to)
            # Per-row identity: a NIK that reached the registry since staging is left out.
            cursor.execute(
                f"UPDATE {table} SET status = %s, is_accepted = %s WHERE batch_id = %s AND "
                f"is_accepted AND EXISTS (SELECT 1 FROM {person} p WHERE p.nik = {table}.nik)",
                [RowStatus.ALREADY_REGISTERED.value, False, batch_id],
            )
            tell(1)
            # Counted before the persons are written: the insert does not change a staged row.
            _count(batch)
            steps = {"households": 1, "persons": 2, "audit": 3}

            def step(reached: str) -> None:
                if steps[reached] > 1:
                    tell(steps[reached])
                _step_hook(reached)

            # With the table locked for its keys (on SQLite, by the transaction), its indexes
            # (a trigram one for name search among them) are built after the rows, when the
            # batch is large next to it.
            indexes_after = (
                bulk_indexes.rebuilt_after(person, is_locked=bool(keys_are_in_bulk))
                if bulk_indexes.is_worth_it(person, batch.rows_ready)
                else nullcontext(False)
            )
            with indexes_after:
                created = register_persons_from_staging(
                    actor=actor,
                    staged=StagedPersons(table=table, where=accepted, params=[batch_id]),
                    source_detail=f"Impor #{batch_id} {batch.original_name}",
                    action=AuditAction.BATCH_COMMITTED,
                    target=batch,
                    before={"status": status_before},
                    describe=lambda created: {
                        "status": BatchStatus.COMMITTED,
                        "berkas": batch.original_name,
                        "sidik": batch.checksum,
                        "pekerja_ditambahkan": created,
                        "sudah_terdaftar": batch.rows_registered,
                        "tidak_disimpan": batch.rows_total - created - batch.rows_registered,
                    },
                    step=step,
                )
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
        left_out = batch.rows_total - created - batch.rows_registered
        batch.status = BatchStatus.COMMITTED
        batch.rows_created = created
        batch.committed_at = now
        batch.committed_by = actor if getattr(actor, "is_authenticated", False) else None
        batch.save()
    estimate_weights_when_outgrown()
    tell(5)
    return CommitResult(
        created=created, already_registered=batch.rows_registered, left_out=left_out
    )


def mark_committing(*, actor: Any, batch: ImportBatch) -> None:
    """The batch goes to the background commit; a second request for it is told who has it."""
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update(of=("self",)).select_related("committed_by")
        locked_batch = locked.get(pk=batch.pk)
        if locked_batch.status in (BatchStatus.COMMITTING, BatchStatus.COMMITTED):
            raise BatchAlreadyCommitted(locked_batch)
        if locked_batch.status != BatchStatus.REVIEW:
            raise BatchNotReady("Impor ini belum siap atau sudah disimpan.")
        locked_batch.status = BatchStatus.COMMITTING
        locked_batch.committed_by = actor if getattr(actor, "is_authenticated", False) else None
        # The staging's worker is done with it; the commit's task notes itself when it starts.
        locked_batch.task_id = ""
        locked_batch.save(update_fields=["status", "committed_by", "task_id"])


# --------------------------------------------------------------------------- failure

# The background work on a batch, by django-tasks' path of the task (rentan.imports.tasks).
TASK_STEPS = {
    "rentan.imports.tasks.stage_batch_task": BatchStep.STAGE,
    "rentan.imports.tasks.commit_batch_task": BatchStep.COMMIT,
}
# The statuses a batch has while each step may still be under way (or queued).
_BUSY = {
    BatchStep.STAGE: (BatchStatus.UPLOADED, BatchStatus.VALIDATING, BatchStatus.FAILED),
    BatchStep.COMMIT: (BatchStatus.COMMITTING,),
}
WORKER_DIED = "Pemrosesan terhenti karena proses latar mati; coba lagi atau batalkan."
SERVER_DIED = "Pemeriksaan terhenti karena proses server mati; coba lagi atau batalkan."


def describe_failure(error: BaseException) -> str:
    """A reason the user can read: a file problem says itself; anything else is named by its
    kind only (its text may hold a row's personal data, and belongs in the log)."""
    if isinstance(error, FileError):
        return str(error)
    return (
        f"Pemrosesan berhenti karena kesalahan tak terduga ({type(error).__name__}). "
        "Daftar pekerja tidak berubah; coba lagi atau batalkan. Jika terulang, hubungi admin."
    )


def fail_batch(*, batch_id: int, step: BatchStep, reason: str, actor: Any = None) -> bool:
    """The step's work on the batch failed: the page shows the reason with retry and discard.
    A batch that has moved on (reviewed, committed, discarded) is left as it is."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status not in _BUSY[step]:
            return False
        before = batch.status
        batch.status = BatchStatus.FAILED
        batch.failed_step = step
        batch.problem = reason
        batch.save(update_fields=["status", "failed_step", "problem"])
        record_change(
            actor=actor,
            action=AuditAction.BATCH_FAILED,
            target=batch,
            before={"status": before},
            after={"status": batch.status, "langkah": step.value, "alasan": reason},
        )
    return True


def note_task(*, batch_id: int, task_id: str) -> None:
    """The background task now doing the batch's work, so its page can follow the task."""
    ImportBatch.objects.filter(pk=batch_id).update(task_id=task_id)


def _task_result(task_id: str) -> Any:
    from django_tasks_db.models import DBTaskResult

    try:
        uuid.UUID(task_id)
    except ValueError:
        # Not a database task (the immediate backend's ids): nothing to follow.
        return None
    return DBTaskResult.objects.filter(pk=task_id).first()


def work_problem(
    batch: ImportBatch, *, is_alive: Callable[[str], bool] = workers.is_alive
) -> str | None:
    """Why a batch that looks busy is not moving: its task failed, or the worker running it
    died. None while the work goes on (or waits in the queue)."""
    from django_tasks_db.compat import TaskResultStatus

    if not (batch.is_busy or batch.status == BatchStatus.UPLOADED) or not batch.task_id:
        return None
    if workers.is_process_marker(batch.task_id):
        # Checked in the web server's (or a command's) own process, without a task.
        return SERVER_DIED if workers.process_is_gone(batch.task_id) else None
    result = _task_result(batch.task_id)
    if result is None:
        return None
    if result.status == TaskResultStatus.FAILED:
        if result.exception_class_path == _DIED:
            return WORKER_DIED
        return (
            f"Pemrosesan berhenti karena kesalahan ({result.exception_class_path.rsplit('.')[-1]})"
            ". Daftar pekerja tidak berubah; coba lagi atau batalkan."
        )
    if result.status == TaskResultStatus.RUNNING:
        worker = result.worker_ids[-1] if result.worker_ids else ""
        if not is_alive(worker):
            return WORKER_DIED
    return None


# Recorded as the "exception" of a task whose worker died, so the page tells it apart.
_DIED = "rentan.imports.workers.WorkerDied"


def _fail_task(result: Any, reason: str) -> bool:
    """A RUNNING task of a dead worker becomes FAILED (once: another worker may be at it)."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return bool(
        DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path=_DIED,
            traceback=reason,
        )
    )


def _task_batch_id(result: Any) -> int | None:
    args = result.args_kwargs.get("args") or []
    value = args[0] if args else result.args_kwargs.get("kwargs", {}).get("batch_id")
    return int(value) if value is not None else None


def fail_abandoned_work(*, is_alive: Callable[[str], bool] = workers.is_alive) -> list[int]:
    """Run when a worker starts: every task left RUNNING by a dead worker becomes FAILED, and
    its batch FAILED with the reason (a killed commit rolled back, a killed staging is
    started again by a retry). Gives the ids of the batches failed."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    failed: list[int] = []
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        worker = result.worker_ids[-1] if result.worker_ids else ""
        if is_alive(worker):
            continue
        with transaction.atomic():
            if not _fail_task(result, WORKER_DIED) or result.task_path not in TASK_STEPS:
                continue
            batch_id = _task_batch_id(result)
            if batch_id is not None and fail_batch(
                batch_id=batch_id, step=TASK_STEPS[result.task_path], reason=WORKER_DIED
            ):
                failed.append(batch_id)
    # A task that failed without its batch being told (the worker was stopped by force).
    for batch in ImportBatch.objects.filter(
        status__in=[BatchStatus.VALIDATING, BatchStatus.COMMITTING]
    ).exclude(task_id=""):
        reason = work_problem(batch, is_alive=is_alive)
        step = BatchStep.COMMIT if batch.status == BatchStatus.COMMITTING else BatchStep.STAGE
        if reason and fail_batch(batch_id=batch.pk, step=step, reason=reason):
            failed.append(batch.pk)
    return failed


def _stopped_step(batch: ImportBatch, is_alive: Callable[[str], bool]) -> tuple[BatchStep, str]:
    """The step to run again or throw away, and why it stopped: of a FAILED batch, or of a
    busy one whose work stopped (its worker died and no worker has restarted since)."""
    if batch.status == BatchStatus.FAILED:
        return BatchStep(batch.failed_step or BatchStep.STAGE), batch.problem
    if batch.status in (BatchStatus.UPLOADED, BatchStatus.VALIDATING, BatchStatus.COMMITTING):
        reason = work_problem(batch, is_alive=is_alive)
        if reason is not None:
            # Its task is settled too, so nothing shows it running any more.
            result = _task_result(batch.task_id)
            if result is not None:
                _fail_task(result, reason)
            if batch.status == BatchStatus.COMMITTING:
                return BatchStep.COMMIT, reason
            return BatchStep.STAGE, reason
    raise BatchNotReady("Impor ini tidak sedang gagal atau terhenti.")


def retry_batch(
    *, actor: Any, batch: ImportBatch, is_alive: Callable[[str], bool] = workers.is_alive
) -> BatchStep:
    """Run a failed step again from a clean state: a staging starts over (the rows of a
    half-staged batch are removed), a commit (which rolled back whole) runs again. The caller
    queues the step returned."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        step, reason = _stopped_step(batch, is_alive)
        status_before = batch.status
        if step == BatchStep.STAGE:
            StagedRow.objects.filter(batch=batch).delete()
            batch.status = BatchStatus.UPLOADED
            batch.progress_done = batch.progress_total = 0
        else:
            batch.status = BatchStatus.COMMITTING
            batch.committed_by = actor if getattr(actor, "is_authenticated", False) else None
        batch.problem = ""
        batch.failed_step = ""
        batch.task_id = ""
        batch.save()
        record_change(
            actor=actor,
            action=AuditAction.BATCH_RETRIED,
            target=batch,
            before={"status": status_before, "alasan": reason},
            after={"status": batch.status, "langkah": step.value},
        )
    return step


def import_desil_upload(
    *,
    actor: Any,
    content: bytes,
    name: str,
    source: str,
    ranked_on: date | None,
    today: date,
    progress: Callable[[str], None] | None = None,
) -> DesilOutcome:
    """A DTSEN desil list as uploaded, read and its rankings stored (raises FileError for a
    file that is no desil list: nothing is stored then). `progress` hears the phase: "read",
    then "save"."""
    if progress is not None:
        progress("read")
    parsed = read_desil_list(content, name=name, today=today, ranked_on=ranked_on)
    if progress is not None:
        progress("save")
    return import_desil_list(
        actor=actor,
        rows=parsed.rows,
        issues=parsed.issues,
        total_rows=parsed.total_rows,
        source=source,
        filename=name,
        checksum=hashlib.sha256(content).hexdigest(),
    )


def describe_desil_failure(error: BaseException) -> str:
    """Why a desil list was not imported, as its page says it: a file that is no desil list
    says itself; anything else is named by its kind only (its text may hold a row's data, and
    belongs in the log). Either way nothing was stored (one transaction)."""
    if isinstance(error, FileError):
        return f"{error} {gettext('Tidak ada data yang diubah.')}"
    return gettext(
        "Kesalahan tak terduga (%(kind)s). Tidak ada desil yang berubah; unggah lagi. Jika "
        "terulang, hubungi admin."
    ) % {"kind": type(error).__name__}
