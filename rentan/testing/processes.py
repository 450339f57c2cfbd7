"""Real processes on the test database, started by a test: the worker, the production server.

The test's data must be committed for another process to see it (transactional tests), and
SQLite's in-memory test database cannot be opened by another process: PostgreSQL only.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection


def subprocess_database_url() -> str:
    """DATABASE_URL of the database this test runs on (its test name, not the configured one)."""
    database = connection.settings_dict
    user = quote(database["USER"] or "")
    if database["PASSWORD"]:
        user += ":" + quote(database["PASSWORD"], safe="")
    port = f":{database['PORT']}" if database["PORT"] else ""
    return f"postgres://{user}@{quote(database['HOST'] or '', safe='')}{port}/{database['NAME']}"


def manage_command(*args: str) -> list[str]:
    return [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args]


def worker_command(*extra: str) -> list[str]:
    """`rentan db_worker` polling often and starting at once, as a test wants."""
    return manage_command(
        "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1", *extra
    )


def production_env(*, var_dir: Path, port: int, workers: int, threads: int) -> dict[str, str]:
    """The environment of the production server (config.settings.prod behind its proxy) on
    this test database, bound to the loopback port, its files under var_dir."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": "produksi-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": subprocess_database_url(),
        "RENTAN_VAR_DIR": str(var_dir),
        "RENTAN_TRUST_X_FORWARDED_PROTO": "on",
        "RENTAN_BIND": f"127.0.0.1:{port}",
        "RENTAN_WEB_WORKERS": str(workers),
        "RENTAN_WEB_THREADS": str(threads),
    }


def gunicorn_command() -> list[str]:
    """gunicorn with the project's own configuration, as deploy/ starts it."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(Path(settings.BASE_DIR) / "config" / "gunicorn.conf.py"),
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running(
    command: list[str], *, env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """The process, its output in `log`; stopped (else killed, with its children) when the
    block ends, whatever happened in it."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    # The whole group: gunicorn's workers, should the master not stop them.
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


def wait_for(
    condition: Callable[[], object], *, seconds: float, process: subprocess.Popen[bytes], log: Path
) -> None:
    """Waits until condition() is true, failing with the process's output if it dies."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            raise AssertionError(f"{process.args!r} ended:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)
    raise AssertionError(f"still waiting after {seconds} s:\n{log.read_text(errors='replace')}")
