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
