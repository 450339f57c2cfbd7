import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.utils import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rentan.accounts.access import Capability, can, requires
from rentan.core import background
from rentan.core.audit import record_export, record_read
from rentan.core.confirm import Consequences, ask_to_confirm, is_confirmed
from rentan.core.exports import attachment_disposition
from rentan.core.formatting import format_number
from rentan.imports import selectors, services, tasks
from rentan.imports.cells import ERROR_COLUMN, ImportField, normalise_header
from rentan.imports.forms import DesilListForm, MappingForm, UploadForm
from rentan.imports.models import BatchStatus, BatchStep, ImportBatch, RowStatus
from rentan.imports.reading import FileError
from rentan.imports.workbooks import (
    ChoiceLists,
    RowToFix,
    build_error_file,
    build_template,
    error_file_columns,
)
from rentan.regions.models import Area
from rentan.registry import services as registry_services
from rentan.registry.desil import DesilProblem
from rentan.registry.models import DesilImport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows above this are committed in the background with a progress bar.
INLINE_MAX_COMMIT_ROWS = 5000


@requires(Capability.IMPORT_DATA)
def batch_list(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        with tempfile.NamedTemporaryFile(suffix=suffix) as temporary:
            for chunk in upload.chunks():
                temporary.write(chunk)
            temporary.flush()
            try:
                batch = services.upload_batch(
                    actor=request.user,
                    path=Path(temporary.name),
                    original_name=upload.name,
                    default_kelurahan_code=form.cleaned_data.get("kelurahan") or "",
                    household_rule=form.cleaned_data["household_rule"],
                )
            except services.FileAlreadyImported as already:
                messages.warning(request, str(already))
                return redirect("imports:batch_detail", pk=already.batch.pk)
        _stage(batch, size=upload.size)
        return redirect("imports:batch_detail", pk=batch.pk)
    return render(
        request,
        "imports/batch_list.html",
        {
            "form": form,
            "batches": selectors.batches_visible_to(request.user)[:50],
            "can_import_desil": can(request.user, Capability.MANAGE_PROGRAMME),
            "can_manage_field_forms": can(request.user, Capability.MANAGE_FIELD_FORMS),
        },
    )


def _stage(batch: ImportBatch, *, size: int) -> None:
    tasks.stage_now_or_later(batch, size=size)


def _commit(request: HttpRequest, batch: ImportBatch) -> None:
    """A large batch is committed in the background with a progress bar; a small one at once.
    The batch is COMMITTING already when it goes to the background."""
    if batch.status == BatchStatus.COMMITTING:
        services.report_progress(batch.token, "commit", 0, 5)
        tasks.commit_batch_task.enqueue(batch.pk, request.user.pk)
        return
    try:
        result = services.commit_batch(batch_id=batch.pk, actor=request.user)
    except services.BatchNotReady as error:
        messages.error(request, str(error))
    except OperationalError as error:
        if "locked" not in str(error):
            raise
        # SQLite waited its whole busy timeout behind another long write.
        messages.error(
            request,
            _("Basis data sedang sibuk menyimpan data lain; coba simpan lagi sebentar lagi."),
        )
    else:
        messages.success(
            request,
            _("%(created)s pekerja ditambahkan; %(registered)s sudah terdaftar sebelumnya.")
            % {
                "created": format_number(result.created),
                "registered": format_number(result.already_registered),
            },
        )


def _choice_lists() -> ChoiceLists:
    """The drop-downs of the template and of every error file: the programme's kelurahan
    and job types."""
    return selectors.programme_choices().lists()


@requires(Capability.IMPORT_DATA)
def template_download(request: HttpRequest) -> HttpResponse:
    lists = _choice_lists()
    region = Area.objects.filter(code=settings.RENTAN_REGION_CODE).first()
    content = build_template(
        lists=lists,
        example_kelurahan=lists.kelurahan[0] if lists.kelurahan else "",
        example_occupation=lists.occupations[0] if lists.occupations else "",
        region_name=region.name if region else settings.RENTAN_REGION_CODE,
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = attachment_disposition("templat-data-pekerja.xlsx")
    return response


def _detail_context(request: HttpRequest, batch: ImportBatch) -> dict[str, Any]:
    columns = services.unmapped_headers(batch) if batch.headers else []
    return {
        "batch": batch,
        "progress": services.read_progress(batch.token),
        "error_rows": selectors.rows_with_errors(batch, limit=500),
        "to_decide": selectors.rows_to_decide(request.user, batch),
        "mapping_form": MappingForm(columns=columns) if columns else None,
        "missing": services.missing_columns(batch),
        "statuses": BatchStatus,
        "work_problem": services.work_problem(batch),
    }


@requires(Capability.IMPORT_DATA)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_for(request.user, pk)
    context = _detail_context(request, batch)
    _record_review_read(request, batch, context)
    return render(request, "imports/batch_detail.html", context)


def _record_review_read(request: HttpRequest, batch: ImportBatch, context: dict[str, Any]) -> None:
    """The review shows the file's rows (names, NIKs) and the registered persons they
    resemble: the rows are named by number under the batch, the persons as subjects."""
    context["error_rows"] = list(context["error_rows"])  # shown below: read once
    rows = sorted(
        {row.row_number for row in context["error_rows"]}
        | {item["row"].row_number for item in context["to_decide"]}
    )
    persons = [
        other["person"].pk
        for item in context["to_decide"]
        for other in item["others"]
        if other["person"] is not None
    ]
    if rows or persons:
        record_read(
            actor=request.user,
            persons=persons,
            page=request.get_full_path(),
            note=f"Tinjauan impor #{batch.pk} ({batch.original_name})",
            target=batch,
            changes={"baris": rows},
        )


@requires(Capability.IMPORT_DATA)
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by htmx while the batch is busy; once done the whole page reloads."""
    batch = selectors.batch_for(request.user, pk)
    response = render(
        request,
        "imports/_progress.html",
        {"batch": batch, "progress": services.read_progress(batch.token)},
    )
    stopped = services.work_problem(batch) is not None
    if stopped or (not batch.is_busy and batch.status != BatchStatus.UPLOADED):
        response["HX-Refresh"] = "true"
    return response


@require_POST
@requires(Capability.IMPORT_DATA)
def batch_map_columns(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_for(request.user, pk)
    form = MappingForm(request.POST, columns=services.unmapped_headers(batch))
    if form.is_valid():
        try:
            services.map_columns(actor=request.user, batch=batch, mapping=form.mapping())
        except services.BatchNotReady as error:
            messages.error(request, str(error))
        else:
            services.stage_batch(batch_id=batch.pk)
            messages.success(request, _("Pemetaan kolom disimpan dan berkas diperiksa ulang."))
    return redirect("imports:batch_detail", pk=batch.pk)


@require_POST
@requires(Capability.IMPORT_DATA)
def batch_decide_row(request: HttpRequest, pk: int, row: int) -> HttpResponse:
    batch = selectors.batch_for(request.user, pk)
    try:
        services.decide_duplicate(
            actor=request.user,
            batch=batch,
            row_number=row,
            accept=request.POST.get("terima") == "1",
        )
    except services.BatchNotReady as error:
        messages.error(request, str(error))
    return redirect("imports:batch_detail", pk=batch.pk)


@require_POST
@requires(Capability.IMPORT_DATA)
def batch_commit(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_for(request.user, pk)
    # A commit that stopped midway is run again through "Coba lagi" (batch_retry).
    if batch.status in (BatchStatus.COMMITTING, BatchStatus.COMMITTED):
        messages.error(request, str(services.BatchAlreadyCommitted(batch)))
        return redirect("imports:batch_detail", pk=batch.pk)
    if batch.status != BatchStatus.REVIEW:
        messages.error(request, _("Impor ini belum siap atau sudah disimpan."))
        return redirect("imports:batch_detail", pk=batch.pk)
    if batch.rows.filter(is_accepted=True).count() > INLINE_MAX_COMMIT_ROWS:
        try:
            services.mark_committing(actor=request.user, batch=batch)
        except services.BatchNotReady as error:
            messages.error(request, str(error))
            return redirect("imports:batch_detail", pk=batch.pk)
        batch.refresh_from_db()
    _commit(request, batch)
    return redirect("imports:batch_detail", pk=batch.pk)


@require_POST
@requires(Capability.IMPORT_DATA)
def batch_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Run the failed or stopped work again from a clean state."""
    batch = selectors.batch_for(request.user, pk)
    try:
        step = services.retry_batch(actor=request.user, batch=batch)
    except services.BatchNotReady as error:
        messages.error(request, str(error))
        return redirect("imports:batch_detail", pk=batch.pk)
    batch.refresh_from_db()
    if step == BatchStep.STAGE:
        # A field form's batch has no file: its rows, checked again, are a small read.
        _stage(batch, size=batch.file.size if batch.file else 0)
    else:
        _commit(request, batch)
    messages.success(request, _("Impor dicoba lagi."))
    return redirect("imports:batch_detail", pk=batch.pk)


@requires(Capability.IMPORT_DATA)
def batch_discard(request: HttpRequest, pk: int) -> HttpResponse:
    """GET, or a POST without the confirmation, asks first; the confirmed POST throws the
    batch away."""
    batch = selectors.batch_for(request.user, pk)
    if not is_confirmed(request):
        return ask_to_confirm(request, _discard_consequences(batch))
    try:
        services.discard_batch(actor=request.user, batch=batch)
    except services.BatchNotReady as error:
        messages.error(request, str(error))
        return redirect("imports:batch_detail", pk=batch.pk)
    messages.success(request, _("Impor dibatalkan; tidak ada data yang disimpan."))
    return redirect("imports:batch_list")


def _discard_consequences(batch: ImportBatch) -> Consequences:
    rows = batch.rows.count()
    return Consequences(
        title=_("Batalkan impor?"),
        effects=[
            _("Impor #%(pk)s “%(name)s” dibatalkan; %(rows)s baris yang sudah dibaca dibuang.")
            % {"pk": batch.pk, "name": batch.original_name, "rows": format_number(rows)},
            _("Daftar pekerja tidak berubah: tidak ada pekerja yang ditambahkan atau dihapus."),
        ],
        undo=_(
            "Tindakan ini tidak dapat diurungkan; untuk mengimpor berkas ini lagi, unggah ulang."
        ),
        confirm_label=_("Ya, batalkan impor"),
        back_url=reverse("imports:batch_detail", args=[batch.pk]),
    )


@requires(Capability.IMPORT_DATA)
def batch_error_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows refused for a mistake, each with its reasons and its bad cells marked, to fix
    and upload again. Rows that are ready, already registered or waiting for a decision are
    not in it: they need no fixing in the file."""
    batch = selectors.batch_for(request.user, pk)
    rows = batch.rows.filter(status=RowStatus.ERROR).order_by("row_number")
    fields = {int(index): ImportField(value) for index, value in batch.column_map.items()}
    headers = list(batch.headers)
    if headers and normalise_header(headers[-1]) == normalise_header(ERROR_COLUMN):
        # An error file uploaded again: its reasons column gives way to the new one.
        headers.pop()
    column_of = error_file_columns(headers, fields)
    exported: list[int] = []

    def lines() -> Any:
        for row in rows.iterator(chunk_size=2000):
            exported.append(row.pk)
            errors = [issue for issue in row.issues if not issue.get("is_warning")]
            bad_cells: dict[int, list[str]] = {}
            for issue in errors:
                column = column_of(issue)
                if column is not None:
                    bad_cells.setdefault(column, []).append(issue["message"])
            yield RowToFix(
                cells=row.cells,
                reasons="; ".join(f"{issue['column']}: {issue['message']}" for issue in errors),
                bad_cells={column: "\n".join(texts) for column, texts in bad_cells.items()},
            )

    content = build_error_file(
        headers=headers,
        fields=fields,
        rows=lines(),
        lists=_choice_lists(),
        today=timezone.localdate(),
    )
    # The error file holds the rows' personal data: record that it left the system.
    record_export(
        actor=request.user,
        target_type="imports.stagedrow",
        target_ids=exported,
        note=f"Berkas kesalahan impor #{batch.pk} ({batch.original_name})",
        persons=[],
    )
    response = HttpResponse(content, content_type=XLSX)
    name = Path(batch.original_name).stem
    response["Content-Disposition"] = attachment_disposition(f"{name}-kesalahan.xlsx")
    return response


# Rows the page lists after an upload; the import keeps the first thousand.
SHOWN_DESIL_ISSUES = 200


@requires(Capability.MANAGE_PROGRAMME)
def desil_lists(request: HttpRequest) -> HttpResponse:
    """The DTSEN desil lists: upload one, and see what the last ones did. The desil is the
    whole region's ranking, received by the Dinas: not a kelurahan's work."""
    form = DesilListForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        try:
            # A city's whole list (a million rows take a minute and a gigabyte) is imported by
            # the worker: the page follows it instead of holding a server process.
            done = tasks.import_desil_now_or_later(
                upload=form.cleaned_data["file"],
                source=form.cleaned_data["source"],
                ranked_on=form.cleaned_data["ranked_on"],
                actor=request.user,
                today=timezone.localdate(),
            )
        except FileError as refused:
            form.add_error("file", services.describe_desil_failure(refused))
        else:
            if not isinstance(done, tasks.DesilQueued):
                outcome = done
                _say_desil_imported(request, outcome)
            elif done.is_queued:
                return redirect("imports:desil_progress")
            else:
                form.add_error(
                    "file",
                    _(
                        "Daftar desil lain sedang diimpor di latar belakang. Tunggu sampai "
                        "selesai (lihat kemajuannya di halaman ini), lalu unggah lagi."
                    ),
                )
    return render(
        request,
        "imports/desil_lists.html",
        {
            "form": form,
            "result": _desil_result(
                outcome.desil_import,
                [(found.row, str(found.problem.label), found.message) for found in outcome.issues],
            )
            if outcome
            else None,
            "imports": DesilImport.objects.select_related("imported_by")[:20],
            "in_background": background.is_under_way(background.followed(tasks.DESIL_KEY, lost="")),
        },
    )


def _say_desil_imported(request: HttpRequest, outcome: registry_services.DesilOutcome) -> None:
    summary = outcome.desil_import.summary
    messages.success(
        request,
        _(
            "Daftar desil %(source)s diimpor: %(new)s peringkat baru, %(fixed)s "
            "diperbaiki, %(problems)s baris tidak dipakai."
        )
        % {
            "source": outcome.desil_import.source,
            "new": format_number(summary["baru"]),
            "fixed": format_number(summary["diperbaiki"]),
            "problems": format_number(summary["bermasalah"]),
        },
    )


@requires(Capability.MANAGE_PROGRAMME)
def desil_progress(request: HttpRequest) -> HttpResponse:
    """A large desil list being imported by the worker: its phase (htmx asks again every
    second), then what it did, or why it was refused."""
    state = background.followed(
        tasks.DESIL_KEY,
        lost=_(
            "Pemroses latar belakang berhenti sebelum daftar selesai diimpor. Tidak ada desil "
            "yang berubah; unggah lagi."
        ),
    )
    desil_import = None
    if state.get("state") == "done":
        desil_import = (
            DesilImport.objects.select_related("imported_by")
            .filter(pk=int(state.get("desil_import") or 0))
            .first()
        )
    return render(
        request,
        "imports/_desil_progress.html"
        if request.headers.get("HX-Request")
        else "imports/desil_progress.html",
        {
            "state": state,
            "result": _desil_result(
                desil_import,
                [
                    (kept["row"], str(DesilProblem(kept["code"]).label), kept["message"])
                    for kept in desil_import.problems
                ],
            )
            if desil_import
            else None,
        },
    )


def _desil_result(desil_import: DesilImport, issues: list[tuple[int, str, str]]) -> dict[str, Any]:
    """What a desil list did, as its result card shows it: the counts, and the first unusable
    rows (row, problem, why) of all of them."""
    return {
        "desil_import": desil_import,
        "shown_issues": issues[:SHOWN_DESIL_ISSUES],
        "issue_count": desil_import.summary.get("bermasalah", len(issues)),
    }
