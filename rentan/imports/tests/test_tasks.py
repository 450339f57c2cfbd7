"""Large files go through django-tasks' database queue, run by `rentan db_worker`."""

import io

import pytest
from django.core.management import call_command

from rentan.imports import services, tasks
from rentan.imports.models import BatchStatus, ImportBatch
from rentan.imports.tests.files import write_xlsx

pytestmark = pytest.mark.django_db(transaction=True)


def test_db_worker_checks_a_queued_import(tmp_path, import_media, admin_user, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    path = write_xlsx(
        tmp_path / "antre.xlsx",
        [
            ["NIK", "Nama", "Tgl Lahir", "JK", "Kelurahan", "Pekerjaan"],
            ["3375014501850001", "Siti Aminah", "05-01-1985", "P", "Medono", "Buruh batik"],
        ],
    )
    batch = services.upload_batch(actor=admin_user, path=path, original_name=path.name)
    tasks.stage_batch_task.enqueue(batch.pk)
    assert ImportBatch.objects.get().status == BatchStatus.UPLOADED  # only queued

    call_command(
        "db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO()
    )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REVIEW
    assert batch.rows_ready == 1
