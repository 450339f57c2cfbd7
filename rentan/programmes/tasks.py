"""Background work of the selection: the lampiran's PDF (django-tasks; `rentan db_worker`).

Laying out a list of thousands of rows takes WeasyPrint many seconds, so it never happens
inside a request: approval asks for both versions (full and masked NIKs), and a download
that finds no PDF for the list as it is now asks for one and shows its progress.
"""

import logging
from datetime import date

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from rentan.core import background, pdf
from rentan.core.signature import Signature, signature_for
from rentan.programmes import lampiran, selectors
from rentan.programmes.models import Cycle

logger = logging.getLogger(__name__)


def lampiran_signature(cycle: Cycle, today: date | None = None) -> Signature:
    return signature_for(
        region_name=cycle.programme.region.name,
        signed_on=lampiran.signed_on(cycle, today or timezone.localdate()),
    )


def lampiran_rows(cycle: Cycle, *, masked: bool) -> list[dict[str, object]]:
    return lampiran.with_nik_shown(selectors.lampiran_rows(cycle), masked=masked)


def load_cycle(cycle_id: int) -> Cycle:
    return Cycle.objects.select_related("programme__region", "approved_by").get(pk=cycle_id)


@task()
def make_lampiran_pdf(cycle_id: int, masked: bool, wanted_key: str = "") -> None:
    cycle = load_cycle(cycle_id)
    rows = lampiran_rows(cycle, masked=masked)
    signature = lampiran_signature(cycle)
    key = lampiran.pdf_key(cycle, rows, signature, masked=masked)
    if wanted_key and wanted_key != key:
        background.note_failed(wanted_key, background.CHANGED)
    if pdf.cached(key) is not None:
        return
    try:
        lampiran.lay_out_pdf(cycle, rows, signature, masked=masked)
    except Exception as error:
        logger.exception("Lampiran PDF %s gagal disusun", cycle)
        background.note_failed(key, str(error) or error.__class__.__name__)
        raise


def ask_for_pdf(cycle: Cycle, key: str, *, masked: bool) -> None:
    """Queue the PDF under `key` unless it is already waiting or being laid out."""
    if background.claim(key):
        make_lampiran_pdf.enqueue(cycle.pk, masked, key)


def schedule_at_approval(cycle: Cycle) -> None:
    """Both versions, once the approval is committed."""

    def enqueue() -> None:
        approved = load_cycle(cycle.pk)
        signature = lampiran_signature(approved)
        for masked in (False, True):
            rows = lampiran_rows(approved, masked=masked)
            key = lampiran.pdf_key(approved, rows, signature, masked=masked)
            ask_for_pdf(approved, key, masked=masked)

    transaction.on_commit(enqueue)
