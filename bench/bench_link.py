"""Linking regions: `rentan link_regions` over 2,000,000 participants in 514 regions' files, 1%
of them covered twice (the second entry with small errors, some two at once), on DuckDB and on
Spark in local mode: pair F1, time and peak memory (the command's whole process tree, a JVM
included), next to DuckDB merely reading the files and joining them on the NIK.

No database: it runs on SQLite only. RENTAN_BENCH_LINK_RECORDS, RENTAN_BENCH_LINK_REGIONS and
RENTAN_BENCH_LINK_ENGINES (duckdb,spark) set a smaller trial; RENTAN_BENCH_LINK_SPARK_MEMORY
the Spark driver's memory.
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.harness import Report, timer

DATABASES = ("sqlite",)
RECORDS = int(os.environ.get("RENTAN_BENCH_LINK_RECORDS", "2000000"))
REGIONS = int(os.environ.get("RENTAN_BENCH_LINK_REGIONS", "514"))
ENGINES = os.environ.get("RENTAN_BENCH_LINK_ENGINES", "duckdb,spark").split(",")
SPARK_MEMORY = os.environ.get("RENTAN_BENCH_LINK_SPARK_MEMORY", "3g")
F1_GOAL = 0.995


class TreeMemory:
    """The peak of the summed resident memory of a process and all its descendants, read
    from /proc every fifth of a second (a JVM started by the command is a descendant)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak_kib

    def _watch(self) -> None:
        while not self._stop.wait(0.2):
            self.peak_kib = max(self.peak_kib, _tree_rss_kib(self.pid))


def _tree_rss_kib(root: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid = int(entry.name)
        children.setdefault(int(fields.get("PPid", "0").strip()), []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def _floors(report: Report, paths: list[Path]) -> None:
    import duckdb

    files = [str(p) for p in paths]
    connection = duckdb.connect()
    with timer() as read:
        connection.read_parquet(files).aggregate("count(*)").fetchall()
    report.floor("DuckDB: read every file (count)", read[0])
    with timer() as joined:
        relation = connection.read_parquet(files)
        relation.query(
            "p",
            "SELECT count(*) FROM p l JOIN p r ON l.nik = r.nik AND l.record_id < r.record_id",
        ).fetchall()  # type: ignore[union-attr]
    report.floor("DuckDB: self-join on exact NIK", joined[0])
    connection.close()


def _link(engine: str, paths: list[Path], out: Path, workdir: Path) -> tuple[float, int]:
    command = [
        str(Path(sys.executable).with_name("rentan")),
        "link_regions",
        *[str(p) for p in paths],
        "--engine",
        engine,
        "--out",
        str(out),
        "--workdir",
        str(workdir),
    ]
    if engine == "spark":
        command += ["--spark-master", "local[*]", "--spark-driver-memory", SPARK_MEMORY]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = TreeMemory(process.pid)
    stdout, stderr = process.communicate()
    took = time.perf_counter() - started
    peak = memory.stop()
    if process.returncode:
        raise RuntimeError(f"link_regions --engine {engine} failed:\n{stdout}\n{stderr[-3000:]}")
    return took, peak


def run(db: str, report: Report, workdir: Path) -> None:
    import pyarrow.parquet as pq

    from rentan.linkage.linking import DEFAULT_THRESHOLD
    from rentan.linkage.sample import generate, iter_pairs, pair_quality

    data = workdir / "peserta"
    data.mkdir()
    with timer() as generated:
        files = generate(data, records=RECORDS, regions=REGIONS)
    report.value(
        f"generate {RECORDS} participants, {len(files.paths)} files (not counted)",
        f"{generated[0]:8.2f} s, {len(files.true_pairs)} covered twice",
    )
    _floors(report, files.paths)

    for engine in ENGINES:
        out = workdir / f"ganda-{engine}.parquet"
        took, peak_kib = _link(engine, files.paths, out, workdir)
        quality = pair_quality(set(iter_pairs(pq.read_table(out))), files.true_pairs)
        report.figure(
            f"link_regions --engine {engine} ({RECORDS} rec, {len(files.paths)} files)",
            took,
            floor=("DuckDB: read every file (count)", "DuckDB: self-join on exact NIK"),
        )
        verdict = "OK" if quality.f1 >= F1_GOAL and quality.precision >= F1_GOAL else "DI BAWAH"
        report.value(
            f"{engine}: quality at threshold {DEFAULT_THRESHOLD}",
            f"precision {quality.precision:.4f}  recall {quality.recall:.4f}  "
            f"F1 {quality.f1:.4f}  (TP {quality.true_positives}, FP {quality.false_positives}, "
            f"FN {quality.false_negatives})  target >= {F1_GOAL}: {verdict}",
        )
        report.value(f"{engine}: peak memory (command and its JVM)", f"{peak_kib / 1024:8.0f} MiB")
