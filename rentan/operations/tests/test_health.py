"""`/sehat/` answers a monitor without login: 200 when all is well, 503 with the problem named
when the database lacks a migration or tasks wait with no worker alive; never personal data."""

import json
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse

from rentan.imports import tasks, workers
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def worker_cache(settings: Any, tmp_path: Path) -> None:
    """A heartbeat store of this test's own, and the database queue the worker runs."""
    settings.CACHES = {
        **django_settings.CACHES,
        "imports": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "imports-cache"),
        },
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _health(client: Any) -> tuple[int, dict[str, Any]]:
    response = client.get(reverse("health"))
    assert response["Content-Type"] == "application/json"
    return response.status_code, json.loads(response.content)


def _last_beat(seconds_ago: float) -> None:
    caches["imports"].set(
        workers.LAST_BEAT, {"host": "server", "pid": 1, "seen_at": time.time() - seconds_ago}
    )


def test_health_is_well_without_login(client):
    status, body = _health(client)

    assert status == 200
    assert body["status"] == "ok"
    assert body["database"] is True
    assert body["migrations"] is True
    assert body["unapplied_migrations"] == []
    assert (body["tasks_queued"], body["tasks_failed"]) == (0, 0)
    assert body["worker_last_beat_seconds"] is None  # no worker ever, and nothing waits


def test_a_missing_migration_is_a_problem(client):
    executor = MigrationExecutor(connection)
    app_label, name = next(
        node for node in executor.loader.graph.leaf_nodes() if node[0] == "registry"
    )
    # As after an upgrade whose `migrate` did not run: the code knows a migration the
    # database has not applied (undone with the test's transaction).
    MigrationRecorder.Migration.objects.filter(app=app_label, name=name).delete()

    status, body = _health(client)

    assert status == 503
    assert body["migrations"] is False
    assert body["unapplied_migrations"] == [f"registry.{name}"]
    assert body["problems"] == ["migrations"]


def test_queued_tasks_without_a_live_worker_are_a_problem(client):
    tasks.stage_batch_task.enqueue(1)

    status, body = _health(client)
    assert (status, body["tasks_queued"], body["problems"]) == (503, 1, ["worker"])

    silent = django_settings.RENTAN_HEALTH_WORKER_SILENT_SECONDS
    _last_beat(silent + 30)
    status, body = _health(client)
    assert (status, body["problems"]) == (503, ["worker"])
    assert body["worker_last_beat_seconds"] >= silent + 30

    workers.beat("worker-uji")
    status, body = _health(client)
    assert (status, body["problems"]) == (200, [])
    assert body["worker_last_beat_seconds"] < 5


def test_a_silent_worker_with_nothing_queued_is_well(client):
    _last_beat(django_settings.RENTAN_HEALTH_WORKER_SILENT_SECONDS + 30)

    status, body = _health(client)

    assert status == 200
    assert body["worker_last_beat_seconds"] > django_settings.RENTAN_HEALTH_WORKER_SILENT_SECONDS


def test_health_shows_no_personal_data(client, admin_user):
    person = PersonFactory(name="Siti Rahayu Lestari")
    tasks.stage_batch_task.enqueue(1)
    workers.beat("worker-uji")

    response = client.get(reverse("health"))

    text = response.content.decode()
    for secret in (person.name, person.nik, person.nik[:6], admin_user.username):
        assert secret not in text
    assert set(json.loads(text)) == {
        "status",
        "problems",
        "database",
        "migrations",
        "unapplied_migrations",
        "tasks_queued",
        "tasks_failed",
        "worker_last_beat_seconds",
        "worker_silent_after_seconds",
    }
    assert not response.cookies  # no session, no CSRF cookie for a monitor
