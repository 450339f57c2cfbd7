"""`rentan db_worker`: django-tasks' database worker, which also cleans up after dead ones.

It takes the place of django_tasks_db's command of the same name (Django takes a command from
the first app in INSTALLED_APPS that has it, and rentan.imports comes before django_tasks_db).
Before running the queue it keeps a heartbeat (rentan.imports.workers) and fails the tasks
that a dead worker left RUNNING, with their batches, so each shows its reason with retry and
discard instead of a progress bar that never moves.
"""

import logging
import os
from typing import Any

from django.db.utils import OperationalError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from rentan.imports import services, workers

logger = logging.getLogger("django_tasks_db")


class Command(db_worker.Command):
    help = "Menjalankan antrean pekerjaan latar (impor besar); menandai pekerjaan yang terhenti."

    def handle(self, *args: Any, **options: Any) -> None:
        reload = options.get("reload") and not options.get("batch")
        if reload and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The reloader's parent only restarts the child, which does the work below.
            super().handle(*args, **options)
            return
        heartbeat = workers.Heartbeat(options["worker_id"])
        heartbeat.start()
        try:
            self.fail_abandoned_work()
            super().handle(*args, **options)
        finally:
            heartbeat.stop()

    def fail_abandoned_work(self) -> None:
        try:
            failed = services.fail_abandoned_work()
        except OperationalError:
            # SQLite busy past its timeout (another worker's long import): the next worker
            # to start, or the batch page, will notice the stopped work.
            logger.exception("Pekerjaan yang terhenti belum dapat ditandai")
            return
        for batch_id in failed:
            self.stderr.write(f"Impor #{batch_id} terhenti (proses latar mati); ditandai gagal.")
