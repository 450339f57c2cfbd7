"""Import batches (impor): a kelurahan's file uploaded through the same form, limits and
service as the page, its progress, its rows with their errors, and its commit."""

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from rentan.accounts.access import Capability
from rentan.api.access import require
from rentan.api.errors import ApiError, Error, ErrorCode, invalid, not_found, responses
from rentan.api.paging import DEFAULT_LIMIT, MAX_LIMIT, Page, page_of
from rentan.core.audit import record_read
from rentan.imports import selectors, services, tasks
from rentan.imports.forms import UploadForm
from rentan.imports.models import BatchStatus, ImportBatch, RowStatus
from rentan.imports.views import INLINE_MAX_COMMIT_ROWS

router = Router(tags=["impor"])


class Progress(Schema):
    phase: str | None
    done: int
    total: int


class BatchOut(Schema):
    id: int
    original_name: str
    status: str
    status_label: str
    uploaded_at: datetime
    kelurahan_code: str | None
    problem: str
    rows_total: int
    rows_ready: int
    rows_error: int
    rows_duplicate: int
    rows_registered: int
    rows_created: int
    committed_at: datetime | None
    progress: Progress | None


class BatchPage(Page):
    items: list[BatchOut]


class RowIssueOut(Schema):
    column: str
    field: str
    problem: str
    message: str
    value: str
    is_warning: bool


class RowOut(Schema):
    row_number: int
    status: str
    is_accepted: bool
    name: str
    nik_masked: str
    kelurahan_code: str
    issues: list[RowIssueOut]


class RowPage(Page):
    items: list[RowOut]


class ListFilters(Schema):
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class RowFilters(ListFilters):
    status: RowStatus | None = None


class CommitOut(Schema):
    batch: BatchOut
    # Persons added and rows already registered; null while a large batch is saved in the
    # background (follow `batch.progress`).
    created: int | None
    already_registered: int | None


def _batch_out(batch: ImportBatch) -> dict[str, Any]:
    progress = services.read_progress(batch.token) if batch.is_busy else None
    return {
        "id": batch.pk,
        "original_name": batch.original_name,
        "status": batch.status,
        "status_label": str(batch.get_status_display()),
        "uploaded_at": batch.uploaded_at,
        "kelurahan_code": batch.rows_kelurahan_id,
        "problem": batch.problem,
        "rows_total": batch.rows_total,
        "rows_ready": batch.rows_ready,
        "rows_error": batch.rows_error,
        "rows_duplicate": batch.rows_duplicate,
        "rows_registered": batch.rows_registered,
        "rows_created": batch.rows_created,
        "committed_at": batch.committed_at,
        "progress": (
            {
                "phase": progress.get("phase"),
                "done": int(progress.get("done") or 0),
                "total": int(progress.get("total") or 0),
            }
            if progress
            else None
        ),
    }


def _batch(user: Any, batch_id: int) -> ImportBatch:
    try:
        return selectors.batch_for(user, batch_id)
    except Exception as missing:
        raise not_found() from missing


def _conflict(message: str) -> ApiError:
    return ApiError(409, ErrorCode.CONFLICT, message)


@router.get("/imports", response=responses(BatchPage), operation_id="list_import_batches")
def list_import_batches(request: HttpRequest, filters: Query[ListFilters]) -> dict[str, Any]:
    """The imports the token's user may see (an operator, their kelurahan's), in the order
    they were uploaded."""
    user = require(request, Capability.IMPORT_DATA)
    visible = selectors.batches_visible_to(user)
    rows, next_cursor = page_of(
        visible, within=visible, field="id", cursor=filters.cursor, limit=filters.limit
    )
    return {"items": [_batch_out(b) for b in rows], "next_cursor": next_cursor}


@router.post(
    "/imports",
    response=responses(BatchOut, 201, s409=Error),
    operation_id="upload_import_batch",
)
def upload_import_batch(
    request: HttpRequest,
    file: File[UploadedFile],
    kelurahan: Form[str] = "",
    household_rule: Form[bool] = True,
) -> Status[dict[str, Any]]:
    """Upload a file (.xlsx, .xls, .ods, .csv) as the import page does: the same checks and
    limits; a small file is checked at once, a large one in the background (follow
    `progress`). The same file already committed answers 409 `conflict`."""
    user = require(request, Capability.IMPORT_DATA)
    form = UploadForm(
        {"kelurahan": kelurahan, "household_rule": "on" if household_rule else ""},
        {"file": file},
        user=user,
    )
    if not form.is_valid():
        errors = [
            {"field": name, "reason": str(message)}
            for name, messages in form.errors.items()
            for message in messages
        ]
        raise invalid(
            _("Berkas tidak dapat diimpor: %(reasons)s")
            % {"reasons": "; ".join(e["reason"] for e in errors)},
            errors=errors,
        )
    upload = form.cleaned_data["file"]
    with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix.lower()) as temporary:
        for chunk in upload.chunks():
            temporary.write(chunk)
        temporary.flush()
        try:
            batch = services.upload_batch(
                actor=user,
                path=Path(temporary.name),
                original_name=upload.name,
                default_kelurahan_code=form.cleaned_data.get("kelurahan") or "",
                household_rule=form.cleaned_data["household_rule"],
            )
        except services.FileAlreadyImported as already:
            raise _conflict(str(already)) from already
    tasks.stage_now_or_later(batch, size=upload.size)
    batch.refresh_from_db()
    return Status(201, _batch_out(batch))


@router.get("/imports/{batch_id}", response=responses(BatchOut), operation_id="get_import_batch")
def get_import_batch(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    """One import: its status, its counts of rows and, while busy, its progress."""
    user = require(request, Capability.IMPORT_DATA)
    return _batch_out(_batch(user, batch_id))


@router.get(
    "/imports/{batch_id}/rows", response=responses(RowPage), operation_id="list_import_rows"
)
def list_import_rows(
    request: HttpRequest, batch_id: int, filters: Query[RowFilters]
) -> dict[str, Any]:
    """The file's rows in order, each with its status and what is wrong with it (`status`
    picks one kind, e.g. `error`). The rows shown are recorded as read, by number."""
    user = require(request, Capability.IMPORT_DATA)
    batch = _batch(user, batch_id)
    rows = batch.rows.all()
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    page, next_cursor = page_of(
        rows,
        within=batch.rows.all(),
        field="row_number",
        cursor=filters.cursor,
        limit=filters.limit,
    )
    if page:
        record_read(
            actor=user,
            persons=[],
            page=request.get_full_path(),
            note=f"API: baris impor #{batch.pk} ({batch.original_name})",
            target=batch,
            changes={"baris": [row.row_number for row in page]},
        )
    return {
        "items": [
            {
                "row_number": row.row_number,
                "status": row.status,
                "is_accepted": row.is_accepted,
                "name": row.name,
                "nik_masked": row.masked_nik,
                "kelurahan_code": row.kelurahan_code,
                "issues": row.issues,
            }
            for row in page
        ],
        "next_cursor": next_cursor,
    }


@router.post(
    "/imports/{batch_id}/commit",
    response=responses(CommitOut, s202=CommitOut, s409=Error),
    operation_id="commit_import_batch",
)
def commit_import_batch(request: HttpRequest, batch_id: int) -> Status[dict[str, Any]]:
    """Save the batch's accepted rows into the registry, as "Simpan" on the page: a batch not
    in review answers 409; a large one is saved in the background (202, follow
    `batch.progress`)."""
    user = require(request, Capability.IMPORT_DATA)
    batch = _batch(user, batch_id)
    if batch.status in (BatchStatus.COMMITTING, BatchStatus.COMMITTED):
        raise _conflict(str(services.BatchAlreadyCommitted(batch)))
    if batch.status != BatchStatus.REVIEW:
        raise _conflict(_("Impor ini belum siap atau sudah disimpan."))
    try:
        if batch.rows.filter(is_accepted=True).count() > INLINE_MAX_COMMIT_ROWS:
            services.mark_committing(actor=user, batch=batch)
            services.report_progress(batch.token, "commit", 0, 5)
            tasks.commit_batch_task.enqueue(batch.pk, user.pk)
            batch.refresh_from_db()
            return Status(
                202, {"batch": _batch_out(batch), "created": None, "already_registered": None}
            )
        result = services.commit_batch(batch_id=batch.pk, actor=user)
    except services.BatchNotReady as refused:
        raise _conflict(str(refused)) from refused
    batch.refresh_from_db()
    return Status(
        200,
        {
            "batch": _batch_out(batch),
            "created": result.created,
            "already_registered": result.already_registered,
        },
    )
