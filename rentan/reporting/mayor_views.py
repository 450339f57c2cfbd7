"""The mayor's one-page PDF: choose the programme year and month, then download it once the
worker has laid it out (the page shows its progress meanwhile)."""

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from rentan.accounts.access import Capability, requires
from rentan.core import background, pdf
from rentan.core.exports import attachment_disposition
from rentan.core.formatting import format_month
from rentan.programmes.models import Cycle
from rentan.reporting import mayor_figures, tasks


def _month(cycle: Cycle, text: str) -> date:
    try:
        year, month = (int(part) for part in text.split("-"))
        wanted = date(year, month, 1)
    except ValueError:
        raise Http404 from None
    if wanted not in mayor_figures.cycle_months(cycle):
        raise Http404
    return wanted


def _default_month(cycle: Cycle) -> date:
    months = mayor_figures.cycle_months(cycle)
    today = timezone.localdate().replace(day=1)
    return max((m for m in months if m <= today), default=months[0])


@requires(Capability.READ_REPORTS)
def mayor_report(request: HttpRequest) -> HttpResponse:
    cycles = mayor_figures.reported_cycles()
    chosen = next((c for c in cycles if str(c.pk) == request.GET.get("periode")), None)
    chosen = chosen or (cycles[0] if cycles else None)
    months = [(m, format_month(m)) for m in mayor_figures.cycle_months(chosen)] if chosen else []
    return render(
        request,
        "reporting/mayor_report.html",
        {
            "cycles": cycles,
            "cycle": chosen,
            "months": months,
            "default_month": _default_month(chosen) if chosen else None,
        },
    )


@requires(Capability.READ_REPORTS)
def mayor_pdf_view(request: HttpRequest, code: str, year: int, month: str) -> HttpResponse:
    cycle = get_object_or_404(
        Cycle.objects.select_related("programme__region"), programme__code=code, year=year
    )
    first = _month(cycle, month)
    figures = mayor_figures.month_figures_of(cycle, first)
    key = tasks.pdf_key(figures, tasks.heading(cycle), tasks.signature(cycle))
    content = pdf.cached(key)
    is_polling = bool(request.headers.get("HX-Request"))
    if content is None:
        state = background.state(key) or {}
        # Asked again when nobody has, when the figures changed under the worker, or when
        # the person reloads the page after a failure (never by the poll, which would loop).
        failed = state.get("state") == "failed"
        if not state or state.get("reason") == background.CHANGED or (failed and not is_polling):
            tasks.ask_for_pdf(cycle, first, key)
            content = pdf.cached(key)  # a worker running tasks at once is done already
    if content is None or is_polling:
        return render(
            request,
            "reporting/_pdf_progress.html" if is_polling else "reporting/mayor_progress.html",
            {
                "cycle": cycle,
                "month_label": format_month(first),
                "url": request.path,
                "state": background.state(key) or {"state": "queued"},
                "is_ready": content is not None,
            },
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = attachment_disposition(
        f"laporan-wali-kota-{code}-{first:%Y-%m}.pdf"
    )
    return response
