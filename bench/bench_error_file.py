"""The import's error file for a file that was wrong throughout: its time, and the memory
the writer holds, for ten times as many rows: it writes one row at a time and comments the
first MAX_COMMENTS bad cells only, so the second figure stays near the first.

No database: the writer takes the staged rows as plain values.
"""

import io
import tracemalloc
from datetime import date
from pathlib import Path

from bench.harness import Report, timer
from rentan.core.exports import xlsx_workbook
from rentan.imports.cells import ImportField
from rentan.imports.workbooks import ChoiceLists, RowToFix, build_error_file

DATABASES = ("sqlite",)
# Against the floor, XlsxWriter writing the same cells as plain text: what the colours, the
# dates, the comments and the drop-downs cost on top.
GOAL_TIMES_FLOOR = 2.0
GOAL_MIB = 150

HEADERS = ["NIK", "Nama", "Tgl Lahir", "JK", "Nama Ibu Kandung", "Kelurahan", "Pekerjaan"]
FIELDS = {
    0: ImportField.NIK,
    1: ImportField.NAME,
    2: ImportField.BIRTH_DATE,
    3: ImportField.SEX,
    4: ImportField.MOTHER_NAME,
    5: ImportField.KELURAHAN,
    6: ImportField.OCCUPATION,
}
LISTS = ChoiceLists(
    kelurahan=[f"Kelurahan {n}" for n in range(27)],
    occupations=[f"Pekerjaan {n}" for n in range(40)],
)


def _rows(count: int):
    for n in range(count):
        yield RowToFix(
            cells=[
                f"33750112057{n:05d}",
                f"Pekerja {n}",
                "1975-05-12 00:00:00",
                "L",
                "Tumini",
                "Medonno",
                "Buruh batik",
            ],
            reasons="Kelurahan: Kelurahan \u201cMedonno\u201d tidak dikenal.",
            bad_cells={5: "Kelurahan \u201cMedonno\u201d tidak dikenal."},
        )


def _write(count: int) -> bytes:
    return build_error_file(
        headers=HEADERS, fields=FIELDS, rows=_rows(count), lists=LISTS, today=date(2026, 12, 2)
    )


def _floor(count: int) -> float:
    output = io.BytesIO()
    workbook = xlsx_workbook(output, {"in_memory": False, "constant_memory": True})
    sheet = workbook.add_worksheet("Data")
    with timer() as took:
        for number, row in enumerate(_rows(count), start=1):
            for column, cell in enumerate(row.cells):
                sheet.write_string(number, column, str(cell))
            sheet.write_string(number, len(row.cells), row.reasons)
        workbook.close()
    return took[0]


def _measure(count: int) -> tuple[float, float, int]:
    """Seconds (timed alone: tracing memory slows Python down) and the writer's peak."""
    with timer() as took:
        content = _write(count)
    tracemalloc.start()
    _write(count)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return took[0], peak / 2**20, len(content)


def run(db: str, report: Report, workdir: Path) -> None:
    report.value("goal", f"< {GOAL_MIB} MiB held by the writer; {GOAL_TIMES_FLOOR:g}x the floor")
    for count in (5_000, 50_000):
        floor = f"plain cells, {count:,} rows"
        report.floor(floor, _floor(count))
        seconds, mib, size = _measure(count)
        report.figure(
            f"error file of {count:,} rows",
            seconds,
            floor=floor,
            goal_seconds=GOAL_TIMES_FLOOR * report.floors[floor],
        )
        verdict = "OK" if mib <= GOAL_MIB else "MELEBIHI TARGET"
        report.value(f"  memory held by the writer ({count:,} rows)", f"{mib:8.1f} MiB {verdict}")
        report.value(f"  file size ({count:,} rows)", f"{size / 2**20:8.1f} MiB")
