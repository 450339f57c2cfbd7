"""Runs one benchmark module against one database, in a process of its own.

The PostgreSQL cluster is the throwaway one started by `rentan.testing.postgres` (its
DATABASE_URL is in the environment); each module gets a fresh database in it. SQLite gets a
fresh file. Figures are printed next to the raw floor measured in the same run.
"""

import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Report:
    module: str
    db: str
    floors: dict[str, float] = field(default_factory=dict)

    def floor(self, label: str, seconds: float) -> None:
        self.floors[label] = seconds
        self._print(f"floor  {label}", f"{seconds:8.2f} s")

    def figure(
        self,
        label: str,
        seconds: float,
        *,
        floor: str | tuple[str, ...] | None = None,
        goal_seconds: float | None = None,
    ) -> None:
        parts = [f"{seconds:8.2f} s"]
        for name in (floor,) if isinstance(floor, str) else floor or ():
            if self.floors.get(name):
                parts.append(f"{seconds / self.floors[name]:6.1f}x {name}")
        if goal_seconds is not None:
            verdict = "OK" if seconds <= goal_seconds else "MELEBIHI TARGET"
            parts.append(f"target <= {goal_seconds:g} s: {verdict}")
        self._print(label, "  ".join(parts))

    def value(self, label: str, text: str) -> None:
        self._print(label, text)

    def peak_memory(self) -> None:
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self._print("peak memory (this process)", f"{peak_kib / 1024:8.0f} MiB")
        # A forked helper (the duplicate check shares large inputs with one) shares most of
        # its pages with this process; its own peak is shown apart, not added.
        child_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if child_kib:
            self._print("peak memory (largest forked helper)", f"{child_kib / 1024:8.0f} MiB")

    def _print(self, label: str, text: str) -> None:
        print(f"[{self.module} | {self.db:10}] {label:<52} {text}", flush=True)


@contextmanager
def timer() -> Iterator[list[float]]:
    """with timer() as took: ...; took[0] is the seconds spent."""
    took: list[float] = []
    started = time.perf_counter()
    try:
        yield took
    finally:
        took.append(time.perf_counter() - started)


def _database_url(db: str, module: str, workdir: Path) -> str:
    if db == "sqlite":
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    return postgres_database(f"bench_{module}")


def postgres_database(name: str) -> str:
    """A fresh, empty database `name` in the throwaway PostgreSQL cluster, also for a module
    that runs on SQLite and needs PostgreSQL beside it."""
    base = os.environ.get(CLUSTER_URL) or os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        sys.exit("PostgreSQL benchmarks need `python -m rentan.testing.postgres -- ...`")
    import dj_database_url
    import psycopg
    from django.db.backends.postgresql.base import DatabaseWrapper  # noqa: F401

    config = dj_database_url.parse(base)
    with psycopg.connect(
        dbname="postgres", user=config["USER"], host=config["HOST"], autocommit=True
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + f"/{name}"


# The cluster's URL, kept when DATABASE_URL is pointed at the module's own database.
CLUSTER_URL = "RENTAN_BENCH_CLUSTER_URL"


def main(module_name: str, db: str) -> None:
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        os.environ.setdefault(CLUSTER_URL, os.environ["DATABASE_URL"])
    with tempfile.TemporaryDirectory(prefix="rentan-bench-") as workdir:
        os.environ["DATABASE_URL"] = _database_url(db, module_name, Path(workdir))
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
        os.environ["RENTAN_VAR_DIR"] = workdir
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        import importlib

        module = importlib.import_module(f"bench.{module_name}")
        report = Report(module_name.removeprefix("bench_"), db)
        module.run(db, report, Path(workdir))
        report.peak_memory()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
