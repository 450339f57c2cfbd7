"""The mayor's page laid out by the worker (django-tasks), never inside a request."""

import hashlib
import json
import logging
from dataclasses import asdict
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from rentan.core import background, pdf
from rentan.core.formatting import format_month
from rentan.core.signature import Signature, signature_for
from rentan.programmes.models import Cycle
from rentan.reporting import mayor_figures, mayor_pdf

logger = logging.getLogger(__name__)


def heading(cycle: Cycle) -> dict[str, str]:
    programme = cycle.programme
    return {
        "region": programme.region.name,
        "programme": programme.name,
        "sponsor": programme.sponsor,
        "legal_basis": programme.legal_basis,
        "insurer_branch": programme.insurer_branch,
        "decree": cycle.decree_reference,
        "year": str(cycle.year),
    }


def signature(cycle: Cycle, today: date | None = None) -> Signature:
    return signature_for(
        region_name=cycle.programme.region.name, signed_on=today or timezone.localdate()
    )


def pdf_key(figures: mayor_pdf.MonthFigures, head: dict[str, str], sign: Signature) -> str:
    """A digest of everything the page prints, and of its layout."""
    printed = [
        pdf.templates_digest("reporting/mayor_pdf.html", "core/_signature.html"),
        asdict(figures),
        head,
        asdict(sign),
    ]
    return hashlib.sha256(json.dumps(printed, default=str).encode()).hexdigest()


def load_cycle(cycle_id: int) -> Cycle:
    return Cycle.objects.select_related("programme__region").get(pk=cycle_id)


def render_html(
    figures: mayor_pdf.MonthFigures, head: dict[str, str], sign: Signature, first_page: int = 1
) -> str:
    points = [(format_month(m)[:3], n) for m, n in figures.active_by_month]
    return render_to_string(
        "reporting/mayor_pdf.html",
        {
            "figures": figures,
            "heading": head,
            "signature": sign,
            "bars": mayor_pdf.bars(points),
            "chart_width": mayor_pdf.CHART_WIDTH,
            "month_label": format_month(figures.month),
        },
    )


@task()
def make_mayor_pdf(cycle_id: int, month_iso: str, wanted_key: str = "") -> None:
    cycle = load_cycle(cycle_id)
    month = date.fromisoformat(month_iso)
    figures = mayor_figures.month_figures_of(cycle, month)
    head, sign = heading(cycle), signature(cycle)
    key = pdf_key(figures, head, sign)
    if wanted_key and wanted_key != key:
        background.note_failed(wanted_key, background.CHANGED)
    if pdf.cached(key) is not None:
        return
    try:
        pdf.lay_out(key, [lambda first_page: render_html(figures, head, sign, first_page)])
    except Exception as error:
        logger.exception("Laporan wali kota %s %s gagal disusun", cycle, month_iso)
        background.note_failed(key, str(error) or error.__class__.__name__)
        raise


def ask_for_pdf(cycle: Cycle, month: date, key: str) -> None:
    if background.claim(key):
        make_mayor_pdf.enqueue(cycle.pk, month.isoformat(), key)
