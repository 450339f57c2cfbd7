"""Work a page hands to the worker (`rentan db_worker`), and how far it has got, noted under a
key in the file cache the worker and the web server share (never in the database: the work's
own transaction would hold its progress back until the end).

A key names one piece of work (a PDF by a digest of what it prints, a cycle's registration
file by the cycle). Its note says what a page polling it shows: queued, running (done of
total, and the phase), done (with what the page links to), or failed (with the reason).
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache import caches

logger = logging.getLogger(__name__)

CACHE = "reports"
KEEP_SECONDS = 7 * 24 * 3600
# Work noted as waiting or running longer than this is taken as lost (its worker died): it
# may be asked for again, and a page says it stopped instead of showing it running.
STALE_SECONDS = 15 * 60

# The reason noted under a key when what it names changed before the worker got to it: the
# page asks again for the work as it is now.
CHANGED = "changed"


def _key(key: str) -> str:
    return f"progress:{key}"


def state(key: str) -> dict[str, Any] | None:
    value = caches[CACHE].get(_key(key))
    return value if isinstance(value, dict) else None


def is_lost(noted: dict[str, Any]) -> bool:
    """Running, but not heard of for longer than any step takes: the worker stopped."""
    return noted.get("state") == "running" and time.time() - noted.get("since", 0) > STALE_SECONDS


def followed(key: str, *, lost: str) -> dict[str, Any]:
    """The note a progress page shows (empty: nothing asked for): work the worker stopped
    doing is shown as failed, with `lost` (what did not change, what to do) as the reason."""
    noted = state(key) or {}
    if is_lost(noted):
        return {"state": "failed", "reason": lost}
    return noted


def is_under_way(noted: dict[str, Any]) -> bool:
    """Whether a note (as `followed` gives it) says the work waits for the worker or runs."""
    return noted.get("state") in ("queued", "running")


def claim(key: str, *, again_if_done: bool = False) -> bool:
    """Note that this work is wanted; False when it is already waiting or being done (or done,
    unless `again_if_done`: a document once made stays made, a job may be run again)."""
    now = time.time()
    noted = {"state": "queued", "done": 0, "total": 0, "since": now}
    if caches[CACHE].add(_key(key), noted, STALE_SECONDS):
        return True
    current = state(key) or {}
    if (
        current.get("state") == "failed"
        or (again_if_done and current.get("state") == "done")
        or now - current.get("since", 0) > STALE_SECONDS
    ):
        caches[CACHE].set(_key(key), noted, STALE_SECONDS)
        return True
    return False


def note_running(key: str, done: int, total: int, *, phase: str = "") -> None:
    caches[CACHE].set(
        _key(key),
        {"state": "running", "phase": phase, "done": done, "total": total, "since": time.time()},
        STALE_SECONDS,
    )


def note_done(key: str, *, total: int, **found: Any) -> None:
    """Finished; `found` is what the page shows or links to (kept as long as the result)."""
    caches[CACHE].set(
        _key(key),
        {"state": "done", "done": total, "total": total, "since": time.time(), **found},
        KEEP_SECONDS,
    )


def note_failed(key: str, reason: str) -> None:
    caches[CACHE].set(
        _key(key), {"state": "failed", "reason": reason, "since": time.time()}, STALE_SECONDS
    )


@contextmanager
def noted(key: str, *, failed: str, phase: str = "") -> Iterator[None]:
    """Work of the worker followed under `key`: noted running when it starts, and failed
    with `failed` (what did not change, what to do) when it raises, the error logged and
    raised again. The caller notes it done with what it found."""
    note_running(key, 0, 0, phase=phase)
    try:
        yield
    except Exception:
        logger.exception("Pekerjaan latar %s gagal", key)
        note_failed(key, failed)
        raise
