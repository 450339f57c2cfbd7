"""Importing kelurahan files: a 50,000-row .xlsx from upload to committed (both databases),
against django-import-export with its defaults on the same file, and a 1,000,000-row CSV into
PostgreSQL; each next to the raw floors measured in the same run.

RENTAN_BENCH_IMPORT_CSV_ROWS overrides the size of the large CSV (0 leaves it out, for a quick
try of the 50,000-row .xlsx)."""

import csv
import os
import random
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import xlsxwriter
from django.db import connection

from bench.harness import Report, timer

ROWS_XLSX = 50_000
ROWS_CSV = int(os.environ.get("RENTAN_BENCH_IMPORT_CSV_ROWS", "1000000"))

HEADER = [
    "NIK",
    "No. KK",
    "Nama Lengkap",
    "Tempat Lahir",
    "Tanggal Lahir",
    "Jenis Kelamin",
    "Alamat",
    "RT",
    "RW",
    "Kelurahan",
    "No. HP",
    "Jenis Pekerjaan",
]
_GIVEN = [
    "Ahmad",
    "Budi",
    "Siti",
    "Dewi",
    "Slamet",
    "Sri",
    "Agus",
    "Rina",
    "Joko",
    "Nur",
    "Wahyu",
    "Eko",
    "Yuli",
    "Bambang",
    "Tri",
    "Dwi",
    "Ani",
    "Rudi",
    "Fitri",
    "Hadi",
    "Lestari",
    "Wati",
    "Heru",
    "Endang",
    "Teguh",
    "Yanti",
    "Sugeng",
    "Ratna",
]
_FAMILY = [
    "Santoso",
    "Wibowo",
    "Rahayu",
    "Susanti",
    "Hidayat",
    "Saputra",
    "Lestari",
    "Kurniawan",
    "Setiawan",
    "Pratama",
    "Utami",
    "Nugroho",
    "Wulandari",
    "Purnomo",
    "Handayani",
    "Prasetyo",
    "Maulana",
    "Syahputra",
]


_STREETS = [
    "Progo",
    "Hayam Wuruk",
    "Gajah Mada",
    "Diponegoro",
    "Sultan Agung",
    "Dr. Wahidin",
    "Kurinci",
    "Slamet",
    "Merbabu",
    "Seruni",
    "Kenanga",
    "Cendrawasih",
    "Perintis Kemerdekaan",
    "Jlamprang",
    "Urip Sumoharjo",
    "Pemuda",
    "KH Mansyur",
    "Salak",
    "Sriwijaya",
    "Semarang",
    "Bandung",
    "Kartini",
    "Veteran",
    "Imam Bonjol",
    "Pattimura",
    "Bahagia",
    "Kusuma Bangsa",
    "Teratai",
    "Melati",
    "Mataram",
]


def _rows(count: int, kelurahan: list[tuple[str, str]], occupations: list[str]) -> Any:
    """Valid, distinct records as a kelurahan types them: birth dates over 45 years, two- and
    three-part names, varied streets; NIKs agree with birth date and sex."""
    rng = random.Random(7)
    start = date(1960, 1, 1)
    serials: dict[str, int] = {}
    for index in range(count):
        code, name = kelurahan[index % len(kelurahan)]
        district = code.replace(".", "")[:6]
        born = start + timedelta(days=rng.randrange(16_000))
        female = rng.random() < 0.5
        day = born.day + (40 if female else 0)
        stem = f"{district}{day:02d}{born:%m%y}"
        serials[stem] = serial = serials.get(stem, 0) + 1
        nik = f"{stem}{serial:04d}"
        kk = f"{district}{(index * 37) % 10**10:010d}"
        given = rng.choice(_GIVEN)
        if rng.random() < 0.6:
            given = f"{given} {rng.choice(_GIVEN)}"
        yield [
            nik,
            kk if index % 3 else "",
            f"{given} {rng.choice(_FAMILY)}",
            "Pekalongan",
            born.strftime("%d-%m-%Y"),
            "P" if female else "L",
            f"Jl. {rng.choice(_STREETS)} No. {rng.randint(1, 150)}",
            f"{rng.randint(1, 12):03d}",
            f"{rng.randint(1, 8):03d}",
            name,
            f"08{rng.randrange(10**9, 10**10)}",
            occupations[index % len(occupations)],
        ]


def _write_xlsx(path: Path, rows: Any) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Data")
    sheet.write_row(0, 0, HEADER)
    for index, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            sheet.write_string(index, column, value)
    workbook.close()


def _write_csv(path: Path, rows: Any) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(rows)


def _reference() -> tuple[list[tuple[str, str]], list[str], dict[str, int]]:
    from django.conf import settings

    from rentan.regions.models import Area
    from rentan.registry.models import Occupation

    kelurahan = [(a.code, a.name) for a in Area.objects.villages_of(settings.RENTAN_REGION_CODE)]
    occupations = dict(Occupation.objects.values_list("name", "id"))
    return kelurahan, sorted(occupations), occupations


def _people(rows: list[list[str]], kelurahan: dict[str, str], occupations: dict[str, int]) -> Any:
    """Person objects from parsed rows, for the bulk_create floor (no checks, no households)."""
    from rentan.registry.models import Person

    for row in rows:
        day, month, year = row[4].split("-")
        yield Person(
            nik=row[0],
            name=row[2],
            birth_place=row[3],
            birth_date=date(int(year), int(month), int(day)),
            sex=row[5],
            street_address=row[6],
            rt=row[7],
            rw=row[8],
            kelurahan_id=kelurahan[row[9]],
            phone=row[10],
            occupation_id=occupations[row[11]],
        )


def _floor_bulk_create(report: Report, label: str, rows: list[list[str]], refs: Any) -> None:
    from rentan.registry.models import Person

    kelurahan = {name: code for code, name in refs[0]}
    before = Person.objects.count()
    with timer() as took:
        batch: list[Any] = []
        for person in _people(rows, kelurahan, refs[2]):
            batch.append(person)
            if len(batch) == 50_000:
                Person.objects.bulk_create(batch, batch_size=2000)
                batch = []
        Person.objects.bulk_create(batch, batch_size=2000)
    report.floor(label, took[0])
    assert before == 0
    _clear_registry()


def _floor_copy(report: Report, label: str, rows: list[list[str]], refs: Any) -> None:
    kelurahan = {name: code for code, name in refs[0]}
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS floor_person")
        cursor.execute("CREATE TABLE floor_person (LIKE registry_person INCLUDING DEFAULTS)")
        columns = (
            "id, nik, name, birth_place, birth_date, sex, street_address, rt, rw, kelurahan_id, "
            "phone, occupation_id, dependents, has_disability, disability_note, "
            "processing_basis, source, source_detail, is_active, deactivation_reason, "
            "created_at, updated_at, mother_name"
        )
        copy_sql = f"COPY floor_person ({columns}) FROM STDIN"
        with timer() as took, cursor.cursor.copy(copy_sql) as copy:
            for index, row in enumerate(rows, start=1):
                day, month, year = row[4].split("-")
                copy.write_row(
                    (
                        index,
                        row[0],
                        row[2],
                        row[3],
                        f"{year}-{month}-{day}",
                        row[5],
                        row[6],
                        row[7],
                        row[8],
                        kelurahan[row[9]],
                        row[10],
                        refs[2][row[11]],
                        0,
                        False,
                        "",
                        "public_task",
                        "import",
                        "",
                        True,
                        "",
                        "2026-01-01T00:00:00Z",
                        "2026-01-01T00:00:00Z",
                        "",
                    )
                )
        report.floor(label, took[0])
        cursor.execute("DROP TABLE floor_person")


def _rentan_import(
    report: Report, path: Path, label: str, *, goal: float, floors: list[str]
) -> float:
    from rentan.imports import services
    from rentan.registry.models import Person

    before = Person.objects.count()
    phases: dict[str, float] = {}

    def progress(phase: str, done: int, total: int) -> None:
        # The duplicate check runs between its two progress calls ("dedup" 0 of 1, 1 of 1).
        if phase == "dedup":
            phases[f"dedup {done}"] = time.perf_counter()

    with timer() as staged:
        batch = services.upload_batch(actor=None, path=path, original_name=path.name)
        batch = services.stage_batch(batch_id=batch.pk, progress=progress)
    with timer() as committed:
        result = services.commit_batch(batch_id=batch.pk, actor=None)
    total = staged[0] + committed[0]
    created = Person.objects.count() - before
    assert result.created == created == batch.rows_ready, (result, created, batch.rows_ready)
    report.figure(f"{label}: read, check, dedup, stage", staged[0])
    report.figure(f"{label}:   of which duplicate check", phases["dedup 1"] - phases["dedup 0"])
    report.figure(f"{label}: commit (one transaction)", committed[0])
    for floor in floors:
        report.figure(f"{label}: upload to committed", total, floor=floor)
    report.figure(f"{label}: upload to committed", total, goal_seconds=goal)
    report.value(f"{label}: rows created", f"{created} (errors {batch.rows_error})")
    return total


def _import_export(report: Report, path: Path, goal_ratio_of: float) -> None:
    """django-import-export with its defaults: tablib reads the .xlsx, one save per row."""
    import tablib
    from django.db import models
    from import_export import fields, resources

    class _PlainPerson(models.Model):
        nik = models.CharField(max_length=16)
        kk_number = models.CharField(max_length=16, blank=True)
        name = models.CharField(max_length=150)
        birth_place = models.CharField(max_length=100, blank=True)
        birth_date = models.CharField(max_length=20)
        sex = models.CharField(max_length=1)
        street_address = models.CharField(max_length=200, blank=True)
        rt = models.CharField(max_length=3, blank=True)
        rw = models.CharField(max_length=3, blank=True)
        kelurahan = models.CharField(max_length=100)
        phone = models.CharField(max_length=20, blank=True)
        occupation = models.CharField(max_length=100)

        class Meta:
            app_label = "imports"
            db_table = "bench_plain_person"

        def __str__(self) -> str:
            return self.name

    attributes = [f.name for f in _PlainPerson._meta.fields if f.name != "id"]

    class PlainPersonResource(resources.ModelResource):
        class Meta:
            model = _PlainPerson

    for attribute, header in zip(attributes, HEADER, strict=True):
        PlainPersonResource.fields[attribute] = fields.Field(
            attribute=attribute, column_name=header
        )

    with connection.schema_editor() as editor:
        editor.create_model(_PlainPerson)
    with timer() as took:
        dataset = tablib.Dataset().load(path.read_bytes(), format="xlsx")
        result = PlainPersonResource().import_data(dataset, dry_run=False, raise_errors=True)
    assert not result.has_errors()
    count = _PlainPerson._default_manager.count()
    report.figure(f"django-import-export, defaults ({count} rows)", took[0])
    report.value(
        "Rentan faster than django-import-export by",
        f"{took[0] / goal_ratio_of:6.1f}x (target >= 4x: "
        f"{'OK' if took[0] / goal_ratio_of >= 4 else 'MELEBIHI TARGET'})",
    )
    with connection.schema_editor() as editor:
        editor.delete_model(_PlainPerson)


def run(db: str, report: Report, workdir: Path) -> None:
    from python_calamine import CalamineWorkbook

    refs = _reference()
    kelurahan, occupation_names, _ = refs

    xlsx = workdir / "kelurahan-50000.xlsx"
    _write_xlsx(xlsx, _rows(ROWS_XLSX, kelurahan, occupation_names))
    with timer() as read:
        rows = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_name("Data").to_python()
    report.floor("read .xlsx (calamine)", read[0])
    parsed = [[str(c) for c in row] for row in rows[1:]]
    del rows
    _floor_bulk_create(report, "bulk_create of the parsed rows", parsed, refs)
    if db == "postgresql":
        _floor_copy(report, "COPY into an empty table", parsed, refs)
    del parsed

    took = _rentan_import(
        report, xlsx, f".xlsx {ROWS_XLSX}", goal=5, floors=_floor_names(report, "")
    )
    _import_export(report, xlsx, took)

    if db != "postgresql" or not ROWS_CSV:
        return
    # The 50,000 rows imported above share NIKs with the 1M file: start from an empty registry.
    _clear_registry()
    big = workdir / "kota-1000000.csv"
    _write_csv(big, _rows(ROWS_CSV, kelurahan, occupation_names))
    label = f".csv {ROWS_CSV}"
    # Rentan's import first, so the peak memory below is its own and not the floors' (which
    # hold the whole parsed file in memory).
    took_big = _rentan_import(report, big, label, goal=120, floors=[])
    report.peak_memory()
    report.value("peak memory target", "< 2048 MiB (line above, includes the 50,000 run)")
    _clear_registry()
    with timer() as read_csv, big.open(encoding="utf-8", newline="") as handle:
        big_rows = list(csv.reader(handle, delimiter=";"))
    report.floor("1M: read .csv (csv module)", read_csv[0])
    big_parsed = big_rows[1:]
    del big_rows
    _floor_copy(report, "1M: COPY into an empty table", big_parsed, refs)
    _floor_bulk_create(report, "1M: bulk_create of the parsed rows", big_parsed, refs)
    del big_parsed
    for floor in _floor_names(report, "1M: "):
        report.figure(f"{label}: upload to committed", took_big, floor=floor)


def _floor_names(report: Report, prefix: str) -> list[str]:
    return [
        name
        for name in report.floors
        if name.startswith(prefix) and (prefix or not name.startswith("1M: "))
    ]


def _clear_registry() -> None:
    """Back to an empty registry, without the dead rows of what was deleted (a floor's
    garbage would slow the next measured import's index writes and joins)."""
    from rentan.imports.models import ImportedPerson, StagedRow
    from rentan.registry.models import Household, Person

    tables = [model._meta.db_table for model in (ImportedPerson, StagedRow, Person, Household)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
