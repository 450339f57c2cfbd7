"""Allocating a cycle: 1,000,000 persons on PostgreSQL, the demo's 45,000 on SQLite.

Each figure sits next to its raw floor measured in the same run: reading the candidate
columns of every person (nothing computed), and writing as many placement rows as the
allocation writes (nothing decided), committed, so with the checks of their foreign keys.
On SQLite also the decree's attachment (lampiran) of the demo's approved 2023 list as PDF,
next to the same attachment rendered as HTML only.
"""

import io
import random
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.management import call_command
from django.db import connection, transaction

from bench.harness import Report, timer
from bench.registry_copy import copy_registry

if TYPE_CHECKING:
    from rentan.programmes.models import Cycle

DATABASES = ("sqlite", "postgresql")
MILLION = 1_000_000
READ_FLOOR = "read candidate columns"
WRITE_FLOOR = "write as many placement rows"

_COLUMNS = (
    "id, nik, name, birth_date, sex, kelurahan_id, occupation_id, household_id, verified_at, "
    "is_active, monthly_income, dependents, has_disability"
)


def _copy_million_persons() -> None:
    """Persons straight into PostgreSQL with COPY: 1.35 people per KK, 20 job types."""
    from rentan.regions.models import Area
    from rentan.registry.models import Occupation

    rng = random.Random(1)
    kelurahan = list(Area.objects.villages_of("33.75").values_list("code", flat=True))
    occupations = list(Occupation.objects.values_list("id", flat=True))
    now = datetime(2022, 6, 1, 3, 0, tzinfo=datetime.now().astimezone().tzinfo)
    stamp = now.isoformat()
    first_day = date(1950, 1, 1).toordinal()

    def person_line(i: int, households: int) -> str:
        bits = rng.getrandbits(64)
        born = date.fromordinal(first_day + bits % 20_000)
        bits //= 20_000
        return (
            f"{i}\t33750{i:011d}\t{1 + bits % households}\tPekerja {i}\tPekalongan\t"
            f"{born}\t{'L' if bits % 100 < 58 else 'P'}\t\t\t\t"
            f"{kelurahan[bits % 27 % len(kelurahan)]}\t\t"
            f"{occupations[(bits >> 8) % len(occupations)]}\t"
            f"{300_000 + (bits >> 13) % 70 * 50_000}\t{(bits >> 20) % 6}\t"
            f"{'t' if (bits >> 23) % 100 < 3 else 'f'}\t\tpublic_task\tdemo\tbench\t"
            f"{stamp if (bits >> 30) % 10 < 8 else chr(92) + 'N'}\t"
            f"{'t' if (bits >> 34) % 100 < 98 else 'f'}\t\t{stamp}\t{stamp}\n"
        )

    copy_registry(MILLION, person_line)
    with connection.cursor() as cursor:
        # A registry of a million people is not loaded seconds before an allocation: settle
        # the fresh rows (visibility and hint bits) as autovacuum would, outside the timings,
        # so that the first timed scan is not also the one that rewrites every page.
        cursor.execute("VACUUM ANALYZE")


def _programme_and_cycle(year: int, target: int) -> "Cycle":
    from rentan.programmes.demo import JOB_RISK_LEVELS, RULES
    from rentan.programmes.models import (
        Benefit,
        Cycle,
        DecisionAction,
        OccupationDecision,
        Programme,
    )
    from rentan.programmes.scoring import DEFAULT_WEIGHTS
    from rentan.registry.models import Occupation

    programme = Programme.objects.create(
        code="bench",
        name="Bench",
        sponsor="Pemkot",
        legal_basis="Perwal",
        insurer_branch="Cabang",
        benefits=[Benefit.JKK.value, Benefit.JKM.value],
        region_id="33.75",
        eligibility_rules=RULES,
        score_weights={**DEFAULT_WEIGHTS, "job_risk_levels": JOB_RISK_LEVELS},
    )
    for occupation in Occupation.objects.order_by("code")[:13]:
        OccupationDecision.objects.create(
            programme=programme,
            occupation=occupation,
            action=DecisionAction.ADD,
            effective_on=date(2022, 3, 1),
            reference="Perwal",
        )
    return Cycle.objects.create(
        programme=programme,
        year=year,
        target=target,
        budget_ceiling=target * 16_800 * 12,
        coverage_start_on=date(year, 1, 1),
        coverage_months=12,
        quota_basis="population",
    )


def _floors(report: Report, placements: int) -> None:
    from rentan.programmes.models import Cycle, Placement

    with connection.cursor() as cursor, timer() as took:
        cursor.execute(f"SELECT {_COLUMNS} FROM registry_person")
        cursor.fetchall()
    report.floor(READ_FLOOR, took[0])
    scratch = Cycle.objects.create(
        programme_id=Cycle.objects.values_list("programme_id", flat=True)[0],
        year=1999,
        target=1,
        budget_ceiling=0,
        coverage_start_on=date(1999, 1, 1),
    )
    rows = list(
        Placement.objects.values_list("person_id", "kind", "rank", "score", "kelurahan_id")[
            :placements
        ]
    )
    # The commit is inside the timer: the deferred foreign-key checks of the rows run there,
    # and no writer of placement rows can skip them.
    with timer() as took, transaction.atomic():
        if connection.vendor == "postgresql":
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(
                    "COPY programmes_placement (cycle_id, person_id, kind, rank, score, "
                    "score_parts, kelurahan_id, end_reason) FROM STDIN"
                ) as copy,
            ):
                for person_id, kind, rank, score, kelurahan in rows:
                    copy.write_row((scratch.pk, person_id, kind, rank, score, "{}", kelurahan, ""))
        else:
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO programmes_placement (cycle_id, person_id, kind, rank, score, "
                    "score_parts, kelurahan_id, end_reason) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    [
                        (scratch.pk, person_id, kind, rank, score, "{}", kelurahan, "")
                        for person_id, kind, rank, score, kelurahan in rows
                    ],
                )
    report.floor(WRITE_FLOOR, took[0])


def run(db: str, report: Report, workdir: Path) -> None:
    from rentan.programmes import services
    from rentan.programmes.models import Cycle, Placement
    from rentan.registry.models import Person

    if db == "postgresql":
        with timer() as took:
            _copy_million_persons()
        report.value("setup: 1,000,000 persons by COPY", f"{took[0]:8.2f} s")
        cycle = _programme_and_cycle(2024, 20_000)
    else:
        call_command("demo_data", verbosity=0, stdout=io.StringIO())
        cycle = Cycle.objects.get(programme__code="pekalongan-bpu", year=2024)
    persons = Person.objects.count()

    with timer() as computed:
        result = services.compute_allocation(cycle)
    with timer() as stored:
        services.allocate_cycle(actor=None, cycle=cycle)
    scratch = Cycle.objects.create(
        programme=cycle.programme,
        year=cycle.year + 50,
        target=cycle.target,
        budget_ceiling=cycle.budget_ceiling,
        coverage_start_on=cycle.coverage_start_on,
    )
    with timer() as written, transaction.atomic():
        services._write_placements(scratch, result)
    placements = Placement.objects.filter(cycle=cycle).count()
    Placement.objects.filter(cycle=scratch)._raw_delete(connection.alias)
    report.value(
        "result",
        f"{persons:,} persons: {result.selected_count:,} selected, "
        f"{result.waiting_count:,} waiting, {placements:,} rows",
    )
    _floors(report, placements)
    report.figure(
        f"what-if (load + rules + score + rank), {persons:,} persons",
        computed[0],
        floor=READ_FLOOR,
    )
    report.figure(
        f"allocate and store, {persons:,} persons",
        stored[0],
        floor=READ_FLOOR,
        goal_seconds=10 if db == "postgresql" else None,
    )
    report.figure(
        f"  writing {placements:,} placements (COPY / executemany)",
        written[0],
        floor=WRITE_FLOOR,
    )
    if db == "sqlite":
        _lampiran(report)


def _lampiran(report: Report) -> None:
    """The decree's attachment of the demo's approved 2023 list as PDF, as the worker lays it
    out (bench_reports_pdf compares it with one document)."""
    from rentan.programmes import lampiran, tasks
    from rentan.programmes.models import Cycle

    cycle = tasks.load_cycle(Cycle.objects.get(programme__code="pekalongan-bpu", year=2023).pk)
    floor = "lampiran rows with masked NIKs (no PDF)"
    with timer() as took:
        rows = tasks.lampiran_rows(cycle, masked=True)
    report.floor(floor, took[0])
    with timer() as took:
        pdf = lampiran.lay_out_pdf(cycle, rows, tasks.lampiran_signature(cycle), masked=True)
    report.value("lampiran 2023", f"{len(rows):,} persons, {len(pdf) / 1024:,.0f} KiB of PDF")
    report.figure(
        f"lampiran PDF (WeasyPrint, in parts), {len(rows):,} persons", took[0], floor=floor
    )
