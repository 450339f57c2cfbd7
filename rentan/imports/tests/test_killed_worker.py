"""A real worker process killed (SIGKILL) in the middle of an import: the registry stays as it
was, and the batch can be recovered from its page (retry or discard).

Each test starts `rentan db_worker` as a process of its own on the test database, so the
data it needs is committed (transactional tests). SQLite's test database lives in the test
process's memory, which no other process can open: these tests run on PostgreSQL.
"""

import hashlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from bench.bench_import import _reference, _rows, _write_csv
from rentan.core.models import AuditAction, AuditEvent
from rentan.imports import services
from rentan.imports.models import BatchStatus, ImportBatch
from rentan.registry.models import Person
from rentan.testing.processes import subprocess_database_url, worker_command

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="another process cannot open the in-memory SQLite test database",
    ),
]

ROWS = 20_000
WORKER_DB_BACKEND = "django_tasks_db.DatabaseBackend"


@pytest.fixture
def worker_env(tmp_path: Path, settings: Any) -> dict[str, str]:
    """Settings shared with the worker process: the test database, the task queue, and a var
    folder of its own for uploaded files and the progress cache (heartbeats too)."""
    var = tmp_path / "var"
    settings.MEDIA_ROOT = var / "media"
    settings.CACHES = {
        **django_settings.CACHES,
        "imports": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(var / "cache" / "imports"),
        },
    }
    settings.TASKS = {"default": {"BACKEND": WORKER_DB_BACKEND}}
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": subprocess_database_url(),
        "RENTAN_VAR_DIR": str(var),
        "RENTAN_TASKS_BACKEND": WORKER_DB_BACKEND,
    }


@pytest.fixture
def start_worker(worker_env: dict[str, str]) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            worker_command(), env=worker_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def _run_queue(worker_env: dict[str, str]) -> str:
    """A worker that takes every queued task, then stops (as one started after a crash)."""
    finished = subprocess.run(
        worker_command("--batch"), env=worker_env, capture_output=True, text=True, timeout=120
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stderr


def _kill_when(process: subprocess.Popen[bytes], batch: ImportBatch, phase: str, at: int) -> None:
    """SIGKILL the worker once the batch's progress shows `phase` at `at` or further."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        progress = services.read_progress(batch.token) or {}
        if progress.get("phase") == phase and progress.get("done", 0) >= at:
            process.send_signal(signal.SIGKILL)
            process.wait()
            return
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        time.sleep(0.02)
    pytest.fail(f"the worker never reached {phase} {at}: {services.read_progress(batch.token)}")


def _registry_fingerprint() -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    for row in Person.objects.order_by("pk").values_list():
        digest.update(repr(row).encode())
        count += 1
    return count, digest.hexdigest()


def _big_file(tmp_path: Path) -> Path:
    kelurahan, occupation_names, _ = _reference()
    path = tmp_path / "pendataan-besar.csv"
    _write_csv(path, _rows(ROWS, kelurahan, occupation_names))
    return path


def _upload(client: Any, path: Path) -> ImportBatch:
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    client.post(reverse("imports:batch_list"), {"file": upload})
    return ImportBatch.objects.get(original_name=path.name)


@pytest.fixture
def registered(tmp_path: Path, worker_env: dict[str, str], admin_user: Any) -> tuple[int, str]:
    """A registry that is not empty, so "unchanged" compares real rows."""
    small = tmp_path / "terdaftar.csv"
    kelurahan, occupation_names, _ = _reference()
    rows = list(_rows(ROWS + 3, kelurahan, occupation_names))[ROWS:]
    _write_csv(small, rows)
    batch = services.upload_batch(actor=admin_user, path=small, original_name=small.name)
    services.stage_batch(batch_id=batch.pk)
    services.commit_batch(batch_id=batch.pk, actor=admin_user)
    fingerprint = _registry_fingerprint()
    assert fingerprint[0] == 3
    return fingerprint


def _page(client: Any, batch: ImportBatch) -> str:
    response = client.get(reverse("imports:batch_detail", args=[batch.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_worker_killed_while_staging(
    client, tmp_path, admin_user, worker_env, start_worker, registered
):
    client.force_login(admin_user)
    batch = _upload(client, _big_file(tmp_path))
    assert batch.status == BatchStatus.UPLOADED  # queued: the file is too large to check inline

    _kill_when(start_worker(), batch, "validate", 1)

    batch.refresh_from_db()
    assert batch.status in (BatchStatus.UPLOADED, BatchStatus.VALIDATING)
    assert _registry_fingerprint() == registered
    # The page sees at once that the worker is gone, before any other worker starts.
    page = _page(client, batch)
    assert services.WORKER_DIED in page
    assert reverse("imports:batch_retry", args=[batch.pk]) in page

    log = _run_queue(worker_env)  # a new worker: fails what the dead one left running

    assert f"Impor #{batch.pk} terhenti" in log
    batch.refresh_from_db()
    assert (batch.status, batch.failed_step, batch.problem) == (
        BatchStatus.FAILED,
        "stage",
        services.WORKER_DIED,
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.BATCH_FAILED, target_id=str(batch.pk)
    ).exists()
    page = _page(client, batch)
    assert services.WORKER_DIED in page
    assert reverse("imports:batch_retry", args=[batch.pk]) in page
    assert reverse("imports:batch_discard", args=[batch.pk]) in page

    client.post(reverse("imports:batch_retry", args=[batch.pk]))
    _run_queue(worker_env)

    batch.refresh_from_db()
    assert batch.status == BatchStatus.REVIEW
    assert (batch.rows_total, batch.rows_error) == (ROWS, 0)
    assert batch.rows.count() == ROWS
    assert _registry_fingerprint() == registered


def test_worker_killed_while_committing(
    client, tmp_path, admin_user, worker_env, start_worker, registered
):
    client.force_login(admin_user)
    path = _big_file(tmp_path)
    batch = services.upload_batch(actor=admin_user, path=path, original_name=path.name)
    services.stage_batch(batch_id=batch.pk)
    batch.refresh_from_db()
    accepted = batch.rows.filter(is_accepted=True).count()
    assert accepted > 5000

    client.post(reverse("imports:batch_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTING  # queued: too many rows to commit inline
    # Killed inside the commit's transaction, once its first step has run.
    _kill_when(start_worker(), batch, "commit", 1)

    assert _registry_fingerprint() == registered
    _run_queue(worker_env)
    batch.refresh_from_db()
    assert (batch.status, batch.failed_step) == (BatchStatus.FAILED, "commit")
    page = _page(client, batch)
    assert services.WORKER_DIED in page
    assert reverse("imports:batch_retry", args=[batch.pk]) in page
    # A second commit while it is not in review is refused with a message, not a 500.
    response = client.post(reverse("imports:batch_commit", args=[batch.pk]), follow=True)
    assert response.status_code == 200

    client.post(reverse("imports:batch_retry", args=[batch.pk]))
    _run_queue(worker_env)

    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    assert batch.rows_created == accepted
    assert Person.objects.count() == registered[0] + accepted
    assert AuditEvent.objects.filter(
        action=AuditAction.BATCH_RETRIED, target_id=str(batch.pk)
    ).exists()
