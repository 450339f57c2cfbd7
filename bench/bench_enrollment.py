"""Registration export and reply import of 100,000 members, next to their raw floors:
the same rows written with the bare writer, and a bulk_update of the same memberships.
RENTAN_BENCH_MEMBERS overrides the count (for profiling a smaller run)."""

import io
import os
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter

from bench.harness import Report, timer
from bench.population import approve_memberships, bench_person, bench_programme

MEMBERS = int(os.environ.get("RENTAN_BENCH_MEMBERS", "100000"))


def _population(count: int) -> Any:
    from rentan.programmes.models import Cycle, Placement, RateTable
    from rentan.registry.models import Occupation, Person

    programme = bench_programme(
        name="Bench",
        sponsor="-",
        legal_basis="-",
        insurer_branch="-",
    )
    occupation = Occupation.objects.order_by("id").first()
    # The BPU rate of PP 44/2015 is seeded by the programmes migrations.
    assert RateTable.objects.filter(effective_on=date(2015, 7, 1)).exists()
    cycle = Cycle.objects.create(
        programme=programme,
        year=2023,
        target=count,
        budget_ceiling=count * 16_800 * 12,
        coverage_start_on=date(2023, 1, 1),
        status="approved",
    )
    people = [
        bench_person(
            i,
            name=f"Pekerja Bench {i}",
            kelurahan_id="33.75.01.1002",
            occupation=occupation,
            rt="001",
            rw="002",
            phone=f"0812{i:08d}",
        )
        for i in range(count)
    ]
    Person.objects.bulk_create(people, batch_size=5000)
    ids = list(Person.objects.values_list("id", flat=True).order_by("id"))
    Placement.objects.bulk_create(
        [
            Placement(
                cycle=cycle,
                person_id=pk,
                kind="new",
                rank=n + 1,
                score=0,
                kelurahan_id="33.75.01.1002",
            )
            for n, pk in enumerate(ids)
        ],
        batch_size=5000,
    )
    approve_memberships(cycle, batch_size=5000)
    return cycle


def run(db: str, report: Report, workdir: Path) -> None:
    from rentan.enrollment import selectors
    from rentan.enrollment.bpjs_files import DEFAULT_COLUMNS, ReplyOutcome, ReplyRow, write_reply
    from rentan.enrollment.models import Membership
    from rentan.enrollment.services import exchange_files as file_services
    from rentan.enrollment.states import MembershipStatus

    with timer() as setup:
        cycle = _population(MEMBERS)
    report.value("setup (persons, placements, memberships)", f"{setup[0]:8.2f} s")

    with timer() as floor:
        items = selectors.registration_rows(
            selectors.sendable_memberships(cycle),
            declared_income=1_000_000,
            programmes="JKK, JKM",
        )
    report.floor("read the rows' columns", floor[0])
    with timer() as floor:
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, [c.header for c in DEFAULT_COLUMNS])
        for r, (_pk, _status, row) in enumerate(items, start=1):
            sheet.write_row(r, 0, [getattr(row, c.field.value) for c in DEFAULT_COLUMNS])
        workbook.close()
    report.floor("bare XlsxWriter, same rows", floor[0])
    with timer() as took:
        exchange = file_services.export_registration(
            actor=None, cycle=cycle, today=date(2022, 12, 20)
        )
    report.figure(
        f"export_registration ({exchange.rows} peserta)",
        took[0],
        floor=("read the rows' columns", "bare XlsxWriter, same rows"),
        goal_seconds=10,
    )

    reply = write_reply(
        ReplyRow(
            0, row.nik, ReplyOutcome.ACCEPTED, kpj_number=f"23{n:09d}", start_on=date(2023, 1, 1)
        )
        for n, (_pk, _status, row) in enumerate(items)
    )
    memberships = list(Membership.objects.only("id", "status"))
    with timer() as floor:
        Membership.objects.bulk_update(memberships, ["status"], batch_size=2000)
    report.floor("bulk_update of the same memberships", floor[0])
    with timer() as took:
        result = file_services.import_bpjs_reply(
            actor=None, content=reply, filename="reply.xlsx", today=date(2022, 12, 28)
        )
    assert result.activated == MEMBERS, result.problems[:3]
    assert Membership.objects.filter(status=MembershipStatus.ACTIVE).count() == MEMBERS
    report.figure(
        f"import_bpjs_reply ({result.activated} aktif)",
        took[0],
        floor="bulk_update of the same memberships",
        goal_seconds=10,
    )
