"""The demo data set: 45,000 workers generated and stored, against plain bulk inserts."""

import io
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from bench.harness import Report, timer


def run(db: str, report: Report, workdir: Path) -> None:
    from rentan.registry.models import Person

    with timer() as took:
        call_command("demo_data", verbosity=0, stdout=io.StringIO())
    count = Person.objects.count()
    with connection.cursor() as cursor, timer() as floor:
        cursor.execute("CREATE TABLE floor_copy AS SELECT * FROM registry_person WHERE 1=0")
        cursor.execute("INSERT INTO floor_copy SELECT * FROM registry_person")
    report.floor("INSERT ... SELECT of the same rows", floor[0])
    report.figure(
        f"demo_data ({count} pekerja)",
        took[0],
        floor="INSERT ... SELECT of the same rows",
        goal_seconds=60,
    )
