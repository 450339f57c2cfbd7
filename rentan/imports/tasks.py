"""Background work for large files (django-tasks; `rentan db_worker` runs the queue).

Every task tells its batch which task it is, so the batch page can follow it, and turns any
error into a FAILED batch with a reason and a retry: a batch is never left "being checked"
or "being saved" by a task that has stopped.
"""

import logging

from django_tasks import TaskContext, task

from rentan.imports import services
from rentan.imports.models import BatchStep, ImportBatch

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
