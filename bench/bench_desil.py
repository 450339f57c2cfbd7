"""A DTSEN desil list of a million rows (a city's whole population, most of it not in the
registry) read and stored against a registry of 200,000 workers, next to its floors: the
same file's rows read bare by the one reader, and a bulk_create of the same rankings.
RENTAN_BENCH_DESIL_ROWS and RENTAN_BENCH_DESIL_PERSONS override the counts."""

import os
from datetime import date, timedelta
from pathlib import Path

from bench.harness import Report, timer
from bench.population import bench_person, bench_programme

ROWS = int(os.environ.get("RENTAN_BENCH_DESIL_ROWS", "1000000"))
PERSONS = int(os.environ.get("RENTAN_BENCH_DESIL_PERSONS", "200000"))


def run(db: str, report: Report, workdir: Path) -> None:
    from rentan.imports.desil_file import read_desil_list
    from rentan.imports.reading import open_rows
    from rentan.registry.models import DesilImport, DesilRanking, Occupation, Person
    from rentan.registry.nik import Sex, compose_nik
    from rentan.registry.services import import_desil_list

    with timer() as setup:
        bench_programme(name="Bench", sponsor="-", legal_basis="-", insurer_branch="-")
        occupation = Occupation.objects.order_by("id").first()
        Person.objects.bulk_create(
            (
                bench_person(
                    i, name=f"Pekerja {i}", kelurahan_id="33.75.01.1002", occupation=occupation
                )
                for i in range(PERSONS)
            ),
            batch_size=5000,
        )
        niks = list(Person.objects.values_list("nik", flat=True))
        # The rest of the population: NIKs of another kecamatan, not in the registry.
        others = (
            compose_nik(
                district_code="33.75.02",
                birth_date=date(1950, 1, 1) + timedelta(days=i % 20000),
                sex=Sex.MALE if i % 2 else Sex.FEMALE,
                serial=i // 20000 + 1,
            )
            for i in range(ROWS - len(niks))
        )
        path = workdir / "desil.csv"
        with path.open("w", encoding="utf-8") as handle:
            handle.write("NIK;Desil;Periode\n")
            for n, nik in enumerate([*niks, *others]):
                handle.write(f"{nik};{n % 10 + 1};Maret 2026\n")
        content = path.read_bytes()
    report.value("setup (persons, file)", f"{setup[0]:8.2f} s")

    with timer() as floor:
        count = sum(1 for _row in open_rows(path).rows())
    assert count == ROWS + 1
    report.floor("read the file's rows (imports.reading)", floor[0])

    with timer() as took:
        parsed = read_desil_list(content, name="desil.csv", today=date(2026, 12, 2))
    assert len(parsed.rows) == ROWS, parsed.issues[:3]
    report.figure(
        f"read_desil_list ({ROWS:,} baris)", took[0], floor="read the file's rows (imports.reading)"
    )

    source = DesilImport.objects.create(source="floor", filename="-", checksum="-")
    ids = list(Person.objects.values_list("id", flat=True))
    with timer() as floor:
        DesilRanking.objects.bulk_create(
            (
                DesilRanking(person_id=pk, desil=1, ranked_on=date(2025, 1, 1), source=source)
                for pk in ids
            ),
            batch_size=5000,
        )
    report.floor("bulk_create of the same rankings", floor[0])
    DesilRanking.objects.all().delete()

    with timer() as took:
        outcome = import_desil_list(
            actor=None,
            rows=parsed.rows,
            issues=parsed.issues,
            total_rows=parsed.total_rows,
            source="DTSEN Maret 2026",
            filename="desil.csv",
            checksum="-",
        )
    assert outcome.desil_import.summary["baru"] == PERSONS
    report.figure(
        f"import_desil_list ({PERSONS:,} cocok, {ROWS - PERSONS:,} tidak dikenal)",
        took[0],
        floor="bulk_create of the same rankings",
    )
