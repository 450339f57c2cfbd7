"""The demo database (`rentan demo_data`, 45,000 workers, on SQLite) moved to PostgreSQL with
`move_to_postgres`, next to its floor: the same rows, already in memory, copied with a plain
COPY into tables of the same columns without keys or indexes."""

import io
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from bench.harness import Report, postgres_database, timer

# The move reads SQLite and writes PostgreSQL: it runs once, from the SQLite side.
DATABASES = ("sqlite",)


def run(db: str, report: Report, workdir: Path) -> None:
    import psycopg

    from rentan.core import backup

    call_command("demo_data", verbosity=0, stdout=io.StringIO())
    target = postgres_database("bench_move_target")
    phases: list[tuple[float, str]] = []
    with timer() as took:
        result = backup.move_to_postgres(
            target_url=target, progress=lambda line: phases.append((time.perf_counter(), line))
        )
    rows = sum(result.rows.values())
    ended = time.perf_counter()
    # Where the time went, from the moments the move announced each step.
    marks = [at for at, line in phases if not line.startswith(tuple(result.rows))]
    migrate_seconds = phases[1][0] - phases[0][0]
    steps = {
        "COPY of the tables": marks[1] - phases[1][0],
        "indexes, keys, sequences": marks[2] - marks[1],
        "person checksum (both sides)": ended - marks[2],
    }

    # The floor: every moved row read into memory first (not timed), then COPY alone.
    path = str(connection.settings_dict["NAME"])
    with closing(sqlite3.connect(path)) as source:
        data = {t: source.execute(f'SELECT * FROM "{t}"').fetchall() for t in result.rows}
        # SELECT * gives SQLite's column order; the floor tables take the columns by name.
        columns = {t: [c[1] for c in source.execute(f'PRAGMA table_info("{t}")')] for t in data}
    with psycopg.connect(target, autocommit=True) as pg:
        for table in data:
            pg.execute(f'CREATE TABLE "floor_{table}" (LIKE "{table}")')
        with timer() as floor, pg.transaction(), pg.cursor() as cursor:
            for table, table_rows in data.items():
                listed = ", ".join(f'"{c}"' for c in columns[table])
                with cursor.copy(f'COPY "floor_{table}" ({listed}) FROM STDIN') as copy:
                    for row in table_rows:
                        copy.write_row(row)
    report.floor("COPY of the same rows from memory", floor[0])
    report.value("moved", f"{len(result.rows)} tables, {rows} rows")
    report.value("of which migrate of the empty target", f"{migrate_seconds:8.2f} s")
    for label, seconds in steps.items():
        report.value(f"of which {label}", f"{seconds:8.2f} s")
    report.figure(
        "move_to_postgres (migrate, COPY, keys, sequences, checks)",
        took[0],
        floor="COPY of the same rows from memory",
        goal_seconds=60,
    )
    report.figure(
        "move_to_postgres without the migrate",
        took[0] - migrate_seconds,
        floor="COPY of the same rows from memory",
    )
