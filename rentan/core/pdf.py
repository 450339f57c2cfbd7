"""PDFs laid out in the background (WeasyPrint), kept in a cache the worker and the web
server share, with their progress.

A PDF is named by a digest of everything printed on it, so a changed list or another
masking is another PDF and never a stale one. WeasyPrint gives no progress of its own: a
long document is laid out as several parts (a few kelurahan each), each numbering its pages
on from the last, and the pages are joined into one file at the end, so the page can say how
many parts are done.
"""

import hashlib
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.core.cache import caches

CACHE = "reports"
KEEP_SECONDS = 7 * 24 * 3600
# A job noted as waiting or running longer than this is taken as lost (its worker died) and
# may be asked for again.
STALE_SECONDS = 15 * 60

# The reason noted under a key when what it names changed before the worker got to it: the
# page asks again for the document as it is now.
CHANGED = "changed"

Part = Callable[[int], str]  # the first page's number -> the part's HTML


def templates_digest(*names: str) -> str:
    """A digest of the templates' source, part of every key: a new layout after an upgrade
    is never served from a PDF laid out by the old one."""
    from django.template.loader import get_template

    digest = hashlib.sha256()
    for name in names:
        digest.update(get_template(name).template.source.encode())  # type: ignore[attr-defined]
    return digest.hexdigest()


def cached(key: str) -> bytes | None:
    value = caches[CACHE].get(f"pdf:{key}")
    return value if isinstance(value, bytes) else None


def progress(key: str) -> dict[str, Any] | None:
    value = caches[CACHE].get(f"progress:{key}")
    return value if isinstance(value, dict) else None


def claim(key: str) -> bool:
    """Note that this PDF is wanted; False when it is already waiting or being laid out."""
    now = time.time()
    noted = {"state": "queued", "done": 0, "total": 0, "since": now}
    if caches[CACHE].add(f"progress:{key}", noted, STALE_SECONDS):
        return True
    current = progress(key) or {}
    if current.get("state") == "failed" or now - current.get("since", 0) > STALE_SECONDS:
        caches[CACHE].set(f"progress:{key}", noted, STALE_SECONDS)
        return True
    return False


def note_failed(key: str, reason: str) -> None:
    caches[CACHE].set(
        f"progress:{key}",
        {"state": "failed", "reason": reason, "since": time.time()},
        STALE_SECONDS,
    )


def _note(key: str, done: int, total: int) -> None:
    caches[CACHE].set(
        f"progress:{key}",
        {"state": "running", "done": done, "total": total, "since": time.time()},
        STALE_SECONDS,
    )


def lay_out(key: str, parts: Sequence[Part]) -> bytes:
    """Lay out the parts one after the other, noting progress after each, join their pages
    into one PDF and keep it under `key`."""
    from weasyprint import HTML

    steps = len(parts) + 1  # the last step writes the file
    _note(key, 0, steps)
    pages: list[Any] = []
    first: Any = None
    for done, part in enumerate(parts, start=1):
        document = HTML(string=part(len(pages) + 1)).render()
        first = first or document
        pages.extend(document.pages)
        _note(key, done, steps)
    pdf: bytes = first.copy(pages).write_pdf()
    caches[CACHE].set(f"pdf:{key}", pdf, KEEP_SECONDS)
    caches[CACHE].set(
        f"progress:{key}",
        {"state": "done", "done": steps, "total": steps, "since": time.time()},
        KEEP_SECONDS,
    )
    return pdf
