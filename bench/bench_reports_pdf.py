"""The PDFs: the 2,000-row lampiran (as one document, the way it was laid out inside the
request before, and in parts, the way the worker lays it out now) and the mayor's page.
The floor is WeasyPrint on one plain table of the same rows. RENTAN_BENCH_LAMPIRAN_ROWS
overrides the count."""

import os
from datetime import date
from pathlib import Path
from typing import Any

from bench.harness import Report, timer
from bench.population import bench_person, bench_programme

ROWS = int(os.environ.get("RENTAN_BENCH_LAMPIRAN_ROWS", "2000"))
# PDF layout does not depend on the database; SQLite keeps the setup short.
DATABASES = ("sqlite",)


def _approved_cycle(count: int) -> Any:
    from django.utils import timezone

    from rentan.programmes.models import Cycle, Placement
    from rentan.regions.models import Area
    from rentan.registry.models import Occupation, Person

    programme = bench_programme(
        name="Jaminan Sosial Pekerja Rentan",
        sponsor="Pemerintah Kota Pekalongan",
        legal_basis="Perwal 19 B/2022",
        insurer_branch="BPJS Ketenagakerjaan Cabang Pekalongan",
    )
    occupations = list(Occupation.objects.order_by("id")[:11])
    villages = list(Area.objects.villages_of("33.75").values_list("code", flat=True))
    cycle = Cycle.objects.create(
        programme=programme,
        year=2023,
        target=count,
        budget_ceiling=count * 16_800 * 12,
        coverage_start_on=date(2023, 1, 1),
        status="approved",
        decree_reference="SK Wali Kota 560/12/2023",
        approved_at=timezone.now(),
    )
    people = [
        bench_person(
            i,
            name=f"Pekerja Rentan Nomor {i}",
            kelurahan_id=villages[i % len(villages)],
            occupation=occupations[i % len(occupations)],
        )
        for i in range(count)
    ]
    Person.objects.bulk_create(people, batch_size=2000)
    Placement.objects.bulk_create(
        [
            Placement(cycle=cycle, person_id=pk, kind="new", rank=n + 1, score=0, kelurahan_id=kel)
            for n, (pk, kel) in enumerate(
                Person.objects.order_by("id").values_list("id", "kelurahan_id")
            )
        ],
        batch_size=2000,
    )
    return cycle


def run(db: str, report: Report, workdir: Path) -> None:
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from rentan.core import pdf
    from rentan.programmes import lampiran, tasks
    from rentan.reporting import mayor_figures as report_selectors
    from rentan.reporting import tasks as report_tasks

    with timer() as setup:
        cycle = tasks.load_cycle(_approved_cycle(ROWS).pk)
    report.value("setup (persons, placements)", f"{setup[0]:8.2f} s")
    rows = tasks.lampiran_rows(cycle, masked=False)
    signature = tasks.lampiran_signature(cycle)

    plain = "".join(
        f"<tr><td>{n}</td><td>{r['nik_shown']}</td><td>{r['name']}</td><td>{r['kelurahan']}</td></tr>"
        for n, r in enumerate(rows, start=1)
    )
    with timer() as floor:
        HTML(string=f"<table>{plain}</table>").write_pdf()
    report.floor(f"WeasyPrint, one plain table of {len(rows)} rows", floor[0])

    with timer() as before:
        html = render_to_string(
            "programmes/lampiran.html",
            {
                "heading": lampiran._heading(cycle),
                "people": len(rows),
                "masked": False,
                "totals": lampiran.totals(rows),
                "signature": signature,
                "groups": lampiran.group_by_kelurahan(rows),
                "is_first": True,
                "is_last": True,
                "first_page": 1,
            },
        )
        HTML(string=html).write_pdf()
    report.figure(
        f"lampiran PDF {len(rows)} rows, one document (before: in the request)",
        before[0],
        floor=f"WeasyPrint, one plain table of {len(rows)} rows",
    )

    with timer() as after:
        lampiran.lay_out_pdf(cycle, rows, signature, masked=False)
    report.figure(
        f"lampiran PDF {len(rows)} rows, in parts by the worker (now)",
        after[0],
        floor=f"WeasyPrint, one plain table of {len(rows)} rows",
    )
    with timer() as request:
        key = lampiran.pdf_key(cycle, rows, tasks.lampiran_signature(cycle), masked=False)
        assert pdf.cached(key) is not None
    report.figure("lampiran: the request's own work once laid out (rows, key, cache)", request[0])

    month = date(2023, 6, 1)
    with timer() as figures_took:
        figures = report_selectors.month_figures_of(cycle, month)
    report.figure("mayor's page: the month's figures", figures_took[0])
    head, sign = report_tasks.heading(cycle), report_tasks.signature(cycle)
    with timer() as mayor:
        pdf.lay_out(
            report_tasks.pdf_key(figures, head, sign),
            [lambda first: report_tasks.render_html(figures, head, sign, first)],
        )
    report.figure("mayor's page PDF (by the worker)", mayor[0])
