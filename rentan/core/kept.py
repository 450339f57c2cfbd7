"""What many requests read alike, kept a few seconds in each server process.

Every page draws the menu with its counts of waiting work, and every person search offers
the same kelurahan and job types: read from the database on each request, they cost more
than the page's own rows at a busy office's pace. `kept` reads them at most once per
RENTAN_KEPT_SECONDS for each key (0 reads them every time, as tests do). Only for values that
are the same for every user under the key and hold no personal data; a change shows within
those seconds."""

import time
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any, TypeVar

from django.conf import settings

T = TypeVar("T")

_kept: dict[Hashable, tuple[float, Any]] = {}
_lock = Lock()


def kept(key: Hashable, read: Callable[[], T]) -> T:
    seconds = settings.RENTAN_KEPT_SECONDS
    if seconds <= 0:
        return read()
    now = time.monotonic()
    entry = _kept.get(key)
    if entry is not None and now - entry[0] < seconds:
        return entry[1]
    value = read()
    with _lock:
        _kept[key] = (now, value)
    return value


def forget_kept() -> None:
    """Read everything again on its next use."""
    with _lock:
        _kept.clear()
