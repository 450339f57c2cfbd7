"""Background work for large files (django-tasks; `rentan db_worker` runs the queue).

Every task tells its batch which task it is, so the batch page can follow it, and turns any
error into a FAILED batch with a reason and a retry: a batch is never left "being checked"
or "being saved" by a task that has stopped.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django_tasks import TaskContext, task

from rentan.core import background
from rentan.imports import services
from rentan.imports.models import BatchStep, ImportBatch
from rentan.imports.reading import FileError
from rentan.registry.services import DesilOutcome

logger = logging.getLogger(__name__)


@task(takes_context=True)
def stage_batch_task(context: TaskContext, batch_id: int) -> None:
    # stage_batch notes the task and turns its own errors into a FAILED batch.
    services.stage_batch(batch_id=batch_id, task_id=str(context.task_result.id))


@task(takes_context=True)
def commit_batch_task(context: TaskContext, batch_id: int, actor_id: int | None) -> None:
    from rentan.accounts.models import User

    services.note_task(batch_id=batch_id, task_id=str(context.task_result.id))
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        services.commit_batch(batch_id=batch_id, actor=actor)
    except services.BatchAlreadyCommitted:
        # Another commit of the same batch got there first: nothing is wrong with it.
        logger.info("Impor #%s sudah disimpan oleh penyimpanan lain", batch_id)
    except Exception as error:
        # Nothing reached the registry (one transaction): the batch says why and may be
        # committed again.
        logger.exception("Penyimpanan impor #%s gagal", batch_id)
        services.fail_batch(
            batch_id=batch_id, step=BatchStep.COMMIT, reason=services.describe_failure(error)
        )
        raise


def stage_now_or_later(batch: ImportBatch, *, size: int) -> None:
    """A small file is checked at once; a large one in the background with a progress bar
    (the import page and the API alike)."""
    from rentan.imports.forms import INLINE_MAX_BYTES

    if size <= INLINE_MAX_BYTES:
        services.stage_batch(batch_id=batch.pk)
    else:
        services.report_progress(batch.token, "validate", 0, 0)
        stage_batch_task.enqueue(batch.pk)


# One desil list at a time: two lists of one date would each correct the other's rankings.
DESIL_KEY = "desil-list"


@dataclass(frozen=True)
class DesilQueued:
    """A large desil list handed to the worker (`is_queued`), or turned away, nothing kept,
    while another one is waiting or being imported."""

    is_queued: bool


def import_desil_now_or_later(
    *, upload: Any, source: str, ranked_on: date | None, actor: Any, today: date
) -> DesilOutcome | DesilQueued:
    """A small desil list read and stored at once (raises FileError for a file that is no
    desil list); a large one kept for the worker, which the page follows on the desil
    progress page."""
    from rentan.imports.forms import INLINE_MAX_BYTES

    if upload.size <= INLINE_MAX_BYTES:
        return services.import_desil_upload(
            actor=actor,
            content=upload.read(),
            name=upload.name,
            source=source,
            ranked_on=ranked_on,
            today=today,
        )
    return DesilQueued(
        _queue_desil_list(
            upload=upload, source=source, ranked_on=ranked_on, actor=actor, today=today
        )
    )


def _queue_desil_list(
    *, upload: Any, source: str, ranked_on: date | None, actor: Any, today: date
) -> bool:
    if not background.claim(DESIL_KEY, again_if_done=True):
        return False
    stored = default_storage.save(
        f"desil/{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}", upload
    )
    import_desil_file.enqueue(
        stored,
        upload.name,
        source,
        ranked_on.isoformat() if ranked_on else "",
        getattr(actor, "pk", None),
        today.isoformat(),
    )
    return True


@task()
def import_desil_file(
    stored: str, name: str, source: str, ranked_on_iso: str, actor_id: int | None, today_iso: str
) -> None:
    """The desil list kept by `import_desil_now_or_later`, read and stored as a small one is
    while the page loads; the kept file is removed whatever happened."""
    from rentan.accounts.models import User

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    background.note_running(DESIL_KEY, 0, 0, phase="read")
    try:
        with default_storage.open(stored, "rb") as handle:
            content = handle.read()
        outcome = services.import_desil_upload(
            actor=actor,
            content=content,
            name=name,
            source=source,
            ranked_on=date.fromisoformat(ranked_on_iso) if ranked_on_iso else None,
            today=date.fromisoformat(today_iso),
            progress=lambda phase: background.note_running(DESIL_KEY, 0, 0, phase=phase),
        )
    except FileError as refused:
        background.note_failed(DESIL_KEY, services.describe_desil_failure(refused))
        return
    except Exception as error:
        logger.exception("Impor daftar desil %s gagal", name)
        background.note_failed(DESIL_KEY, services.describe_desil_failure(error))
        raise
    finally:
        default_storage.delete(stored)
    background.note_done(
        DESIL_KEY, total=outcome.desil_import.rows, desil_import=outcome.desil_import.pk
    )
