"""Is the background worker that took a task still alive?

django-tasks' database queue marks a task RUNNING with the id of the worker that claimed it,
and nothing more: a worker killed midway (out of memory, SIGKILL, a server restart) leaves the
task RUNNING for ever. Each `rentan db_worker` therefore keeps a heartbeat (host, process id,
last beat) in the file cache it already shares with the web server for progress, never in
the database: on SQLite the import's own long write transaction would hold the heartbeat back
and make a busy worker look dead.

A worker is dead when it has no heartbeat, when its process no longer exists on this host, or
when its last beat (from another host) is older than STALE_AFTER.
"""

import os
import socket
import threading
import time
from typing import Any

from django.core.cache import caches

BEAT_EVERY = 5.0
STALE_AFTER = 60.0


def _key(worker_id: str) -> str:
    return f"worker-{worker_id}"


# The latest beat of any worker, for the health check (the cache cannot list its keys).
LAST_BEAT = "worker-last-beat"


def beat(worker_id: str) -> None:
    seen = {"host": socket.gethostname(), "pid": os.getpid(), "seen_at": time.time()}
    # Kept well past STALE_AFTER, so a stale beat is still read and judged.
    caches["imports"].set(_key(worker_id), seen, timeout=int(STALE_AFTER * 10))
    # Kept for a week: a monitor tells "stopped an hour ago" from "never started".
    caches["imports"].set(LAST_BEAT, seen, timeout=7 * 24 * 3600)


def last_beat_at() -> float | None:
    """When some worker last beat (a Unix time), or None when none has in the last week."""
    last: Any = caches["imports"].get(LAST_BEAT)
    return float(last["seen_at"]) if isinstance(last, dict) and "seen_at" in last else None


def stop(worker_id: str) -> None:
    caches["imports"].delete(_key(worker_id))


def _process_exists(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_alive(worker_id: str) -> bool:
    last: Any = caches["imports"].get(_key(worker_id))
    if not isinstance(last, dict):
        return False
    if time.time() - float(last.get("seen_at", 0)) > STALE_AFTER:
        return False
    if last.get("host") == socket.gethostname():
        return _process_exists(int(last.get("pid", 0)))
    return True


# Work done inside a web request (a small file) or a terminal command has no task: the batch
# names the process instead, which the page can look for on the same host.
_PROCESS = "proses"


def this_process() -> str:
    return f"{_PROCESS}:{socket.gethostname()}:{os.getpid()}"


def is_process_marker(value: str) -> bool:
    return value.startswith(f"{_PROCESS}:")


def process_is_gone(marker: str) -> bool:
    """True only when the process is known dead: on another host nobody can tell."""
    parts = marker.rsplit(":", 2)
    if len(parts) != 3 or parts[1] != socket.gethostname() or not parts[2].isdigit():
        return False
    return not _process_exists(int(parts[2]))


class Heartbeat:
    """Beats for one worker from a daemon thread until stopped (or the process dies)."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rentan-heartbeat", daemon=True)

    def start(self) -> None:
        beat(self.worker_id)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopped.wait(BEAT_EVERY):
            beat(self.worker_id)

    def stop(self) -> None:
        self._stopped.set()
        stop(self.worker_id)
