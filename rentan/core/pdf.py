"""PDFs laid out in the background (WeasyPrint), kept in a cache the worker and the web
server share, with their progress (`core.background`).

A PDF is named by a digest of everything printed on it, so a changed list or another
masking is another PDF and never a stale one. WeasyPrint gives no progress of its own: a
long document is laid out as several parts (a few kelurahan each), each numbering its pages
on from the last, and the pages are joined into one file at the end, so the page can say how
many parts are done.
"""

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from django.core.cache import caches

from rentan.core import background
from rentan.core.background import CACHE, KEEP_SECONDS

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


def lay_out(key: str, parts: Sequence[Part]) -> bytes:
    """Lay out the parts one after the other, noting progress after each, join their pages
    into one PDF and keep it under `key`."""
    from weasyprint import HTML

    steps = len(parts) + 1  # the last step writes the file
    background.note_running(key, 0, steps)
    pages: list[Any] = []
    first: Any = None
    for done, part in enumerate(parts, start=1):
        document = HTML(string=part(len(pages) + 1)).render()
        first = first or document
        pages.extend(document.pages)
        background.note_running(key, done, steps)
    pdf: bytes = first.copy(pages).write_pdf()
    caches[CACHE].set(f"pdf:{key}", pdf, KEEP_SECONDS)
    background.note_done(key, total=steps)
    return pdf
