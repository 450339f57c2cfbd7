"""Nothing stuck: failed or stopped work on a batch says why and can be retried or discarded.

The killed-process tests are in test_killed_worker.py (PostgreSQL); these run on both
databases, with the dead worker's task written into django-tasks' queue as it would be left.
"""

import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command, get_commands
from django.urls import reverse
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from config.settings.base import database_from_env
from rentan.core.models import AuditAction, AuditEvent
from rentan.imports import services, tasks, workers
from rentan.imports.models import BatchStatus, BatchStep, ImportBatch
from rentan.imports.reading import FileError, FileProblem, RowSource
from rentan.imports.tests.files import write_xlsx
from rentan.registry.models import Person

pytestmark = pytest.mark.django_db

HEAD = ["NIK", "Nama", "Tgl Lahir", "JK", "Kelurahan", "Pekerjaan"]
ROWS = [
    ["3375014501850001", "Siti Aminah", "05-01-1985", "P", "Medono", "Buruh batik"],
    ["3375011205750002", "Budi Santoso", "12-05-1975", "L", "Medono", "Buruh batik"],
]

CONFIRMED = {"konfirmasi": "ya"}


@pytest.fixture
def batch(tmp_path, import_media, operator_user):
    path = write_xlsx(tmp_path / "medono.xlsx", [HEAD, *ROWS])
    return services.upload_batch(actor=operator_user, path=path, original_name=path.name)


def _events(batch, action):
    return AuditEvent.objects.filter(action=action, target_id=str(batch.pk))


def _running_task(batch, *, worker_id, task="stage_batch_task"):
    """The queue's row for a task a worker claimed (as django-tasks' worker leaves it)."""
    result = DBTaskResult.objects.create(
        args_kwargs={"args": [batch.pk], "kwargs": {}},
        task_path=f"rentan.imports.tasks.{task}",
        backend_name="default",
        run_after=get_date_max(),
        status=TaskResultStatus.RUNNING,
        worker_ids=[worker_id],
    )
    services.note_task(batch_id=batch.pk, task_id=str(result.pk))
    return result


def _half_staged(batch, *, worker_id):
    """A batch whose staging stopped midway: VALIDATING, some rows staged, task RUNNING."""
    services.stage_batch(batch_id=batch.pk)
    batch.rows.filter(row_number=3).delete()
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.VALIDATING)
    result = _running_task(batch, worker_id=worker_id)
    batch.refresh_from_db()
    return result


# --------------------------------------------------------------------------- heartbeats


def test_worker_without_heartbeat_is_dead_and_a_beating_one_alive():
    assert not workers.is_alive("never-started")
    workers.beat("beating")
    assert workers.is_alive("beating")
    workers.stop("beating")
    assert not workers.is_alive("beating")


def test_worker_whose_process_is_gone_is_dead_at_once():
    # A worker's heartbeat, written by a process that has ended.
    code = "from rentan.imports import workers; workers.beat('gone')"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"], env=env, check=True
    )
    assert not workers.is_alive("gone")


def test_worker_whose_heartbeat_is_stale_is_dead(monkeypatch):
    workers.beat("stale")
    real_time = workers.time.time
    monkeypatch.setattr(workers.time, "time", lambda: real_time() + workers.STALE_AFTER + 1)
    assert not workers.is_alive("stale")


# --------------------------------------------------------------------------- failures


def test_staging_error_ends_in_failed_batch_with_reason(batch, monkeypatch):
    def broken(batch):
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(services, "_open_rows", broken)
    tasks.stage_batch_task.enqueue(batch.pk)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    assert batch.failed_step == BatchStep.STAGE
    assert "RuntimeError" in batch.problem
    assert "disk penuh" not in batch.problem  # the error's own text stays in the log
    assert _events(batch, AuditAction.BATCH_FAILED).get().changes["after"]["langkah"] == "stage"


def test_file_error_while_reading_rows_names_the_problem(batch, monkeypatch):
    real = services._open_rows

    def refusing_midway(batch):
        source = real(batch)
        passes = []

        def rows_then_refuse():
            # The first pass (a look at the NIK columns) reads well; the checking pass,
            # writing staged rows, meets the bad cell after the first row.
            passes.append(1)
            rows = list(source.rows())
            if len(passes) < 3:
                yield from rows
                return
            yield from rows[:2]
            raise FileError(FileProblem.UNREADABLE, "Sel di baris 3 terlalu panjang.")

        return RowSource(rows=rows_then_refuse, count=source.count)

    monkeypatch.setattr(services, "_open_rows", refusing_midway)
    services.stage_batch(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.problem) == (BatchStatus.FAILED, "Sel di baris 3 terlalu panjang.")
    assert not batch.rows.exists()  # the staged rows went with the rolled-back write


def test_new_worker_fails_the_tasks_of_a_dead_worker(batch, tmp_path):
    dead = _half_staged(batch, worker_id="dead-worker")
    workers.beat("live-worker")
    path = write_xlsx(tmp_path / "lain.xlsx", [HEAD, ROWS[0]])
    other = services.upload_batch(actor=None, path=path, original_name=path.name)
    ImportBatch.objects.filter(pk=other.pk).update(status=BatchStatus.VALIDATING)
    live = _running_task(other, worker_id="live-worker")

    assert services.fail_abandoned_work() == [batch.pk]

    dead.refresh_from_db()
    live.refresh_from_db()
    batch.refresh_from_db()
    assert dead.status == TaskResultStatus.FAILED
    assert live.status == TaskResultStatus.RUNNING
    assert (batch.status, batch.failed_step, batch.problem) == (
        BatchStatus.FAILED,
        BatchStep.STAGE,
        services.WORKER_DIED,
    )
    assert ImportBatch.objects.get(pk=other.pk).status == BatchStatus.VALIDATING
    assert _events(batch, AuditAction.BATCH_FAILED).exists()
    workers.stop("live-worker")


def test_task_failed_without_telling_its_batch_is_settled_too(batch):
    result = _half_staged(batch, worker_id="stopped-worker")
    DBTaskResult.objects.filter(pk=result.pk).update(
        status=TaskResultStatus.FAILED, exception_class_path="builtins.SystemExit"
    )
    assert services.fail_abandoned_work() == [batch.pk]
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    assert "SystemExit" in batch.problem


def test_dead_worker_with_a_batch_that_moved_on_leaves_the_batch(batch):
    services.stage_batch(batch_id=batch.pk)
    result = _running_task(batch, worker_id="late-worker")  # died after staging finished
    assert services.fail_abandoned_work() == []
    result.refresh_from_db()
    batch.refresh_from_db()
    assert result.status == TaskResultStatus.FAILED
    assert batch.status == BatchStatus.REVIEW


def test_db_worker_is_rentans_own():
    assert get_commands()["db_worker"] == "rentan.imports"


# The worker closes connections between tasks, as a request would: outside a test transaction.
@pytest.mark.django_db(transaction=True)
def test_db_worker_fails_dead_work_before_running_the_queue(batch, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _half_staged(batch, worker_id="dead-worker")
    err = io.StringIO()
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=err)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    assert f"Impor #{batch.pk} terhenti" in err.getvalue()


# --------------------------------------------------------------------------- the page


def test_page_of_a_batch_whose_worker_died_shows_reason_and_ways_out(client, batch, operator_user):
    _half_staged(batch, worker_id="dead-worker")
    client.force_login(operator_user)
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert services.WORKER_DIED in page
    assert reverse("imports:batch_retry", args=[batch.pk]) in page
    assert reverse("imports:batch_discard", args=[batch.pk]) in page
    assert "hx-trigger" not in page  # no progress bar polling for ever
    progress = client.get(reverse("imports:batch_progress", args=[batch.pk]))
    assert progress["HX-Refresh"] == "true"


def test_page_of_a_batch_whose_task_failed_shows_the_error(client, batch, operator_user):
    result = _half_staged(batch, worker_id="stopped-worker")
    DBTaskResult.objects.filter(pk=result.pk).update(
        status=TaskResultStatus.FAILED, exception_class_path="builtins.MemoryError"
    )
    client.force_login(operator_user)
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert "Pemrosesan berhenti karena kesalahan (MemoryError)" in page
    assert reverse("imports:batch_retry", args=[batch.pk]) in page
    assert "hx-trigger" not in page


def test_page_of_a_batch_at_work_offers_no_retry(client, batch, operator_user):
    _half_staged(batch, worker_id="busy-worker")
    workers.beat("busy-worker")
    client.force_login(operator_user)
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert reverse("imports:batch_retry", args=[batch.pk]) not in page
    assert "hx-trigger" in page
    response = client.post(reverse("imports:batch_discard", args=[batch.pk]), CONFIRMED)
    assert response.status_code == 302
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.VALIDATING
    workers.stop("busy-worker")


def test_retry_of_a_half_staged_batch_starts_staging_again(client, batch, operator_user):
    _half_staged(batch, worker_id="dead-worker")
    assert batch.rows.count() == 1
    client.force_login(operator_user)
    client.post(reverse("imports:batch_retry", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REVIEW
    assert sorted(batch.rows.values_list("row_number", flat=True)) == [2, 3]
    assert batch.rows_ready == 2
    retry = _events(batch, AuditAction.BATCH_RETRIED).get()
    assert retry.actor == operator_user
    assert retry.changes["before"]["alasan"] == services.WORKER_DIED
    assert retry.changes["after"] == {"status": BatchStatus.UPLOADED, "langkah": "stage"}


def test_retry_of_a_batch_that_did_not_fail_is_refused(client, batch, operator_user):
    services.stage_batch(batch_id=batch.pk)
    client.force_login(operator_user)
    response = client.post(reverse("imports:batch_retry", args=[batch.pk]), follow=True)
    assert "tidak sedang gagal" in response.content.decode()
    assert not _events(batch, AuditAction.BATCH_RETRIED).exists()


def test_retry_of_a_killed_commit_commits(client, batch, operator_user):
    services.stage_batch(batch_id=batch.pk)
    services.mark_committing(actor=operator_user, batch=batch)
    _running_task(batch, worker_id="dead-worker", task="commit_batch_task")
    client.force_login(operator_user)
    client.post(reverse("imports:batch_retry", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    assert Person.objects.count() == 2


def test_discard_asks_first_then_discards_with_an_audit_event(client, batch, operator_user):
    services.stage_batch(batch_id=batch.pk)
    client.force_login(operator_user)
    url = reverse("imports:batch_discard", args=[batch.pk])
    confirm = client.get(url).content.decode()
    assert "Ya, batalkan impor" in confirm
    assert "2 baris yang sudah dibaca dibuang" in confirm
    assert "tidak dapat diurungkan" in confirm
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.REVIEW
    # A POST that skipped the confirmation (a stale form, a script) only asks again.
    assert "Ya, batalkan impor" in client.post(url).content.decode()
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.REVIEW
    assert batch.rows.count() == 2

    client.post(url, CONFIRMED)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DISCARDED
    assert not batch.rows.exists()
    assert _events(batch, AuditAction.BATCH_DISCARDED).get().actor == operator_user


def test_discard_of_a_failed_batch(client, batch, operator_user):
    _half_staged(batch, worker_id="dead-worker")
    services.fail_abandoned_work()
    client.force_login(operator_user)
    client.post(reverse("imports:batch_discard", args=[batch.pk]), CONFIRMED)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DISCARDED
    assert not batch.rows.exists()


# --------------------------------------------------------------------------- second commits


def test_second_commit_is_told_who_saved_it(client, batch, operator_user):
    services.stage_batch(batch_id=batch.pk)
    services.commit_batch(batch_id=batch.pk, actor=operator_user)
    with pytest.raises(services.BatchAlreadyCommitted, match="sedang atau sudah disimpan oleh"):
        services.commit_batch(batch_id=batch.pk, actor=operator_user)
    client.force_login(operator_user)
    response = client.post(reverse("imports:batch_commit", args=[batch.pk]), follow=True)
    assert response.status_code == 200
    assert "sedang atau sudah disimpan oleh" in response.content.decode()
    assert Person.objects.count() == 2


def test_sqlite_writers_wait_for_each_other(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    options = database_from_env("sqlite:///rentan.sqlite3")["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 10


def _ended_process():
    """The marker a process that has ended left on a batch it was checking."""
    ended = subprocess.run(
        [sys.executable, "-c", "import os, socket; print(socket.gethostname(), os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    host, pid = ended.stdout.split()
    return f"proses:{host}:{pid}"


def test_page_of_a_batch_whose_web_process_died_while_checking(client, batch, operator_user):
    # A small file is checked inside the request: the web process itself was killed.
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.VALIDATING, task_id=_ended_process()
    )
    client.force_login(operator_user)
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert services.SERVER_DIED in page
    client.post(reverse("imports:batch_retry", args=[batch.pk]))
    batch.refresh_from_db()
    assert (batch.status, batch.rows_ready) == (BatchStatus.REVIEW, 2)


def test_page_of_a_batch_being_checked_by_a_live_process_keeps_its_progress_bar(
    client, batch, operator_user
):
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.VALIDATING, task_id=workers.this_process()
    )
    client.force_login(operator_user)
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert services.SERVER_DIED not in page
    assert "hx-trigger" in page


def test_queued_commit_is_not_taken_for_the_ended_process_that_checked_it(batch, operator_user):
    services.stage_batch(batch_id=batch.pk)
    ImportBatch.objects.filter(pk=batch.pk).update(task_id=_ended_process())
    services.mark_committing(actor=operator_user, batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTING
    assert services.work_problem(batch) is None


def test_commit_while_another_user_commits_names_them(client, batch, operator_user, admin_user):
    services.stage_batch(batch_id=batch.pk)
    services.mark_committing(actor=operator_user, batch=batch)
    client.force_login(admin_user)
    response = client.post(reverse("imports:batch_commit", args=[batch.pk]), follow=True)
    assert f"sedang atau sudah disimpan oleh {operator_user.display_name}" in (
        response.content.decode()
    )
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.COMMITTING
