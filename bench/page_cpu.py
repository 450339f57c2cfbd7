"""What each page of bench_load costs the machine, apart from how busy it is (bench_load
measures it after the load, on the same registry): the production server with ONE worker
and one thread, and one client asking one page at a time. Per page: the CPU time the server
process and the PostgreSQL backends spent per request, read from /proc (Linux), next to the
floor of a static file.

On a shared machine the latencies of bench_load follow the other processes; these figures
do not. With 20 clients always waiting, a page's mean latency is about 20 / its requests
per second (Little's law), and the requests per second at most the cores / its CPU per
request: on two cores shared with PostgreSQL and the clients, a p95 of 150 ms needs about
10 ms of CPU per request.

RENTAN_BENCH_CPU_REQUESTS sets the requests timed per page (default 40).
"""

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connection

from bench.harness import Report
from rentan.testing.processes import free_port, production_env

REQUESTS = int(os.environ.get("RENTAN_BENCH_CPU_REQUESTS", "40"))
WARM_UP = 5
_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User and system time of a process so far (fields 14 and 15 of /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _backends(database: str) -> dict[int, float]:
    """CPU so far of each PostgreSQL backend serving `database` (named in its title)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if f" {database} ".encode() in (entry / "cmdline").read_bytes():
                found[int(entry.name)] = _cpu_seconds(int(entry.name))
        except OSError:
            continue  # ended meanwhile
    return found


def _children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in children.read_text().split()]


def report_cpu_per_request(
    *,
    username: str,
    pages: list[tuple[str, Callable[[int], str]]],
    workdir: Path,
    report: Report,
    client: Callable[[int], Any],
    serving: Callable[..., Any],
) -> None:
    """Each page's CPU per request (`pages` as bench_load times them, the floor first), on a
    server of one worker and one thread started by `serving(env, port, log)`; `client(port)`
    is bench_load's signed-in browser."""
    database = str(connection.settings_dict["NAME"])
    port = free_port()
    env = production_env(var_dir=workdir / "var", port=port, workers=1, threads=1)
    # The one connection is kept for the whole run: a new backend mid-page would hide the
    # CPU of the one it replaced.
    env["RENTAN_CONN_MAX_AGE"] = "3600"
    with serving(env, port, workdir / "gunicorn-cpu.log") as server:
        (worker,) = _children(server.pid)
        browser = client(port)
        browser.log_in(username)
        report.value(
            "CPU per request",
            f"gunicorn 1 worker x 1 thread, 1 client, {REQUESTS} requests a page",
        )
        floor = 0.0
        for label, path in pages:
            for n in range(WARM_UP):
                assert browser.request("GET", path(n))[0] == 200, label
            python, backends = _cpu_seconds(worker), _backends(database)
            started = time.perf_counter()
            for n in range(REQUESTS):
                assert browser.request("GET", path(n))[0] == 200, label
            wall = time.perf_counter() - started
            server_ms = (_cpu_seconds(worker) - python) / REQUESTS * 1000
            database_ms = (
                sum(cpu - backends.get(pid, 0.0) for pid, cpu in _backends(database).items())
                / REQUESTS
                * 1000
            )
            total = server_ms + database_ms
            floor = floor or max(total, 0.1)
            report.value(
                f"CPU {label}",
                f" server {server_ms:6.1f} ms  PostgreSQL {database_ms:6.1f} ms"
                f"  total {total:6.1f} ms  {total / floor:5.1f}x floor"
                f"  (alone: {wall / REQUESTS * 1000:6.1f} ms)",
            )
