"""`/sehat/`: is this Rentan well? For a monitor, without login and without personal data.

Reports whether the database answers, whether every migration is applied, how long ago a
background worker last beat, and how many background tasks wait or failed. The status is 503
when the database does not answer, a migration is missing (the code is newer than the
database: an upgrade stopped halfway), or tasks wait while no worker has beaten within
RENTAN_HEALTH_WORKER_SILENT_SECONDS; 200 otherwise. Failed tasks are counted, not judged:
each failed import shows its reason on its own page.
"""

import time
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rentan.imports import workers


def _database() -> dict[str, Any]:
    connection.ensure_connection()
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    body: dict[str, Any] = {
        "database": True,
        "migrations": not plan,
        "unapplied_migrations": [
            f"{migration.app_label}.{migration.name}" for migration, _ in plan
        ],
    }
    try:
        body["tasks_queued"] = DBTaskResult.objects.ready().count()
        body["tasks_failed"] = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count()
    except DatabaseError:
        # The queue's table is missing: the unapplied migrations say why.
        body["tasks_queued"] = body["tasks_failed"] = None
    return body


def report() -> tuple[bool, dict[str, Any]]:
    try:
        body = _database()
    except DatabaseError:
        # Only that it failed: an error text may name the server, the user or the query.
        body = {"database": False}
    beat_at = workers.last_beat_at()
    age = None if beat_at is None else max(0.0, round(time.time() - beat_at, 1))
    body["worker_last_beat_seconds"] = age
    silent_after = settings.RENTAN_HEALTH_WORKER_SILENT_SECONDS
    body["worker_silent_after_seconds"] = silent_after
    problems = []
    if not body["database"]:
        problems.append("database")
    elif not body["migrations"]:
        problems.append("migrations")
    if body.get("tasks_queued") and (age is None or age > silent_after):
        problems.append("worker")
    body["problems"] = problems
    body["status"] = "ok" if not problems else "error"
    return not problems, body


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    is_well, body = report()
    return JsonResponse(body, status=200 if is_well else 503)
