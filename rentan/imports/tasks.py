"""Background work for large files (django-tasks; `rentan db_worker` runs the queue)."""

from django_tasks import task

from rentan.imports import services


@task()
def stage_batch_task(batch_id: int) -> None:
    services.stage_batch(batch_id=batch_id)


@task()
def commit_batch_task(batch_id: int, actor_id: int | None) -> None:
    from rentan.accounts.models import User

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        services.commit_batch(batch_id=batch_id, actor=actor)
    except Exception:
        # Nothing reached the registry (one transaction); let the user try again.
        services.reopen_batch(batch_id=batch_id)
        raise
