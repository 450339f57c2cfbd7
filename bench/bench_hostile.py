"""Hostile files (rentan.testing.hostile_files) through every reader that takes uploads: for
each file and reader, the time until the answer and the peak memory above the idle process.

Each measurement runs in a fresh process: it makes the file, imports the readers, records its
own resident memory, resets the kernel's peak (clear_refs), reads, and reports its peak above
that idle figure. Goal: under 2 s and 200 MB above idle each. For comparison, the far cell at
N1048576 is also read straight with calamine, as the readers did before the guard (the far
cell at XFD1048576 is not: calamine would ask for ~550 GB and the process would die).
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.harness import Report

# No database is read: one run is enough.
DATABASES = ("sqlite",)
GOAL_SECONDS = 2.0
GOAL_MIB = 200
READERS = ("impor", "balasan BPJS", "tagihan BPJS", "pengecualian", "dedup_file")


def _status(field: str) -> int:
    """A /proc/self/status figure in KiB (VmRSS, VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _read(reader: str, path: Path, content: bytes) -> str:
    from rentan.core import safe_files
    from rentan.enrollment.bpjs_files import FileNotReadable, parse_bill, parse_reply
    from rentan.imports.person_sheet import SpreadsheetError, read_persons
    from rentan.imports.reading import FileError, open_rows

    try:
        if reader == "impor":
            source = open_rows(path)
            rows = sum(1 for _ in source.rows())
            return f"dibaca: {rows} baris (lalu diperiksa per baris)"
        if reader in ("balasan BPJS", "tagihan BPJS"):
            parsed = (parse_reply if reader == "balasan BPJS" else parse_bill)(content)
            return f"dibaca: {parsed.total_rows if hasattr(parsed, 'total_rows') else '?'} baris"
        if reader == "pengecualian":
            text = safe_files.read_text(
                content, name=path.name, limits=safe_files.limits_for("exclusion")
            )
            return f"dibaca: {len(text.splitlines())} baris (lalu diperiksa per baris)"
        if reader == "dedup_file":
            return f"dibaca: {len(read_persons(path).records)} baris"
        if reader == "calamine":
            from python_calamine import CalamineWorkbook

            sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
            return f"dibaca tanpa pengaman: {len(sheet.to_python())} baris"
    except (FileError, FileNotReadable, SpreadsheetError, safe_files.FileRefused) as error:
        return f"ditolak: {error}"
    raise ValueError(reader)


def child(name: str, reader: str, workdir: str) -> None:
    import django

    django.setup()
    from rentan.core import safe_files  # noqa: F401  (imported before the idle figure)
    from rentan.enrollment import bpjs_files  # noqa: F401
    from rentan.imports import (
        person_sheet,  # noqa: F401
        reading,  # noqa: F401
    )
    from rentan.testing import hostile_files

    path = hostile_files.write(Path(workdir), name)
    content = path.read_bytes()
    import python_calamine  # noqa: F401

    idle = _status("VmRSS")
    # Writing 5 resets the peak resident size the kernel keeps for this process.
    Path("/proc/self/clear_refs").write_text("5")
    started = time.perf_counter()
    answer = _read(reader, path, content)
    seconds = time.perf_counter() - started
    peak = max(_status("VmHWM"), idle)
    print(json.dumps({"seconds": seconds, "mib": (peak - idle) / 1024, "answer": answer}))


def _measure(name: str, reader: str, workdir: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_hostile", name, reader, str(workdir)],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench"},
        timeout=600,
    )
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"seconds": float("nan"), "mib": float("nan"), "answer": f"PROSES MATI: {tail}"}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def run(db: str, report: Report, workdir: Path) -> None:
    from rentan.testing import hostile_files

    report.value("goal", f"< {GOAL_SECONDS:g} s and < {GOAL_MIB} MiB above idle, each")
    worst_mib = worst_seconds = 0.0
    failures = 0
    for name in sorted(hostile_files.FILES):
        for reader in READERS:
            figures = _measure(name, reader, workdir)
            seconds, mib = float(figures["seconds"]), float(figures["mib"])  # type: ignore[arg-type]
            ok = seconds <= GOAL_SECONDS and mib <= GOAL_MIB
            failures += not ok
            worst_mib, worst_seconds = max(worst_mib, mib), max(worst_seconds, seconds)
            report.value(
                f"{name[:30]} | {reader}",
                f"{seconds:6.2f} s {mib:7.1f} MiB  {'OK' if ok else 'MELEBIHI TARGET'}  "
                f"{str(figures['answer'])[:90]}",
            )
    report.value("worst time until the answer", f"{worst_seconds:6.2f} s")
    report.value("worst peak memory above idle", f"{worst_mib:6.1f} MiB")
    report.value("file x reader over the goal", str(failures))
    before = _measure("sel-jauh-N1048576.xlsx", "calamine", workdir)
    report.value(
        "sel-jauh-N1048576.xlsx | calamine, no guard",
        f"{float(before['seconds']):6.2f} s {float(before['mib']):7.1f} MiB  "  # type: ignore[arg-type]
        f"{str(before['answer'])[:60]}",
    )


if __name__ == "__main__":
    child(sys.argv[1], sys.argv[2], sys.argv[3])
