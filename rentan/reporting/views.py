"""Beranda, Laporan and the public page: thin pages over the reporting selectors."""

from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from rentan.accounts.access import Capability, can, kelurahan_scope, requires
from rentan.core.audit import record_export
from rentan.core.exports import attachment_disposition
from rentan.programmes.models import Cycle, Programme
from rentan.regions.models import Area
from rentan.reporting import selectors, tables
from rentan.reporting.figures import Cell, published_total, suppress_small
from rentan.reporting.year_figures import (
    YearFigures,
    YearRow,
    current_cycle,
    programme_years,
    programmes_reported,
    year_figures,
    year_row,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _kept_years(programme: Programme, area: str) -> list[YearRow]:
    return selectors.kept(f"years:{programme.pk}:{area}", lambda: programme_years(programme, area))


def _kept_figures(cycle: Cycle, area: str) -> YearFigures:
    today = timezone.localdate()
    return selectors.kept(
        f"year:{cycle.pk}:{area}:{today}", lambda: year_figures(cycle, area=area, on=today)
    )


def _chart(years: list[YearRow], figures: YearFigures | None) -> dict[str, Any]:
    """The numbers the page's charts draw (Chart.js reads them from a json_script)."""
    chart: dict[str, Any] = {
        "years": [str(row.year) for row in years],
        "target": [row.target for row in years],
        "approved": [row.lists.approved for row in years],
        "now": [row.lists.now for row in years],
        "active": [row.active_now for row in years],
        "labels": {
            "target": _("Target"),
            "approved": _("Ditetapkan"),
            "now": _("Daftar saat ini"),
            "active": _("Aktif di BPJS"),
            "members": _("Peserta tercakup"),
            "claims": _("Klaim"),
        },
    }
    if figures is not None:
        chart["months"] = [f"{m.month:%m/%Y}" for m in figures.trend]
        chart["members"] = [m.members for m in figures.trend]
        chart["claims"] = [m.claims for m in figures.trend]
    return chart


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Beranda: an operator sees their own kelurahan; every other role the programme year at
    a glance; those who do the work (admin, verifikator, operator) what waits for them."""
    user = request.user
    region = Area.objects.filter(code=settings.RENTAN_REGION_CODE).first()
    kelurahan = kelurahan_scope(user)
    today = timezone.localdate()
    context: dict[str, Any] = {"region": region, "figures": selectors.home_figures(kelurahan)}
    programmes = []
    for programme in programmes_reported():
        cycle = current_cycle(programme, today)
        if cycle is None:
            continue
        if kelurahan is not None:
            row = selectors.kept(f"row:{cycle.pk}:{kelurahan}", partial(year_row, cycle, kelurahan))
            programmes.append({"programme": programme, "cycle": cycle, "row": row})
            continue
        years = _kept_years(programme, "")
        figures = _kept_figures(cycle, "")
        programmes.append(
            {
                "programme": programme,
                "cycle": cycle,
                "years": years,
                "figures": figures,
                "chart": _chart(years, figures),
                "chart_id": f"chart-{programme.pk}",
            }
        )
    context["programmes"] = programmes
    if kelurahan is not None:
        context["kelurahan"] = Area.objects.filter(code=kelurahan).select_related("parent").first()
    if can(user, Capability.VIEW_PERSONS):
        context["work"] = selectors.work_waiting(user)
        context["work_open"] = any(item["task"].count for item in context["work"])
    context["may_report"] = can(user, Capability.VIEW_AGGREGATES)
    return render(request, "reporting/home.html", context)


@dataclass(frozen=True)
class Choice:
    programme: Programme | None
    cycle: Cycle | None
    area: str
    area_name: str


def _choice(request: HttpRequest) -> Choice:
    """The programme, year and area asked for; an operator's area is always their own
    kelurahan, whatever the address says."""
    programmes = list(programmes_reported())
    code = request.GET.get("program", "")
    programme = next(
        (p for p in programmes if p.code == code), programmes[0] if programmes else None
    )
    cycle = None
    if programme is not None:
        year = request.GET.get("tahun", "")
        if year.isdigit():
            cycle = programme.cycles.select_related("programme").filter(year=int(year)).first()
        if cycle is None:
            cycle = current_cycle(programme, timezone.localdate())
    area = request.GET.get("wilayah", "")
    confined = kelurahan_scope(request.user)
    if confined is not None:
        area = confined
    region = programme.region_id if programme is not None else settings.RENTAN_REGION_CODE
    area_name = ""
    if area:
        found = Area.objects.filter(code=area, code__startswith=f"{region}.").first()
        if found is None:
            raise Http404
        area_name = found.name
    return Choice(programme, cycle, area, area_name)


@requires(Capability.VIEW_AGGREGATES)
def report(request: HttpRequest) -> HttpResponse:
    """Laporan: the figures of any programme, year and area, as tables and charts."""
    choice = _choice(request)
    years: list[YearRow] = []
    figures = None
    if choice.programme is not None:
        years = _kept_years(choice.programme, choice.area)
    if choice.cycle is not None:
        figures = _kept_figures(choice.cycle, choice.area)
    report_tables = tables.tables(years, figures)
    query = request.GET.copy()
    query["wilayah"] = choice.area
    if choice.programme is not None:
        query["program"] = choice.programme.code
    if choice.cycle is not None:
        query["tahun"] = str(choice.cycle.year)
    return render(
        request,
        "reporting/report.html",
        {
            "choice": choice,
            "programmes": programmes_reported(),
            "cycles": choice.programme.cycles.order_by("-year") if choice.programme else [],
            "areas": selectors.area_choices(
                choice.programme.region_id if choice.programme else settings.RENTAN_REGION_CODE
            )
            if kelurahan_scope(request.user) is None
            else [],
            "years": years,
            "figures": figures,
            "tables": report_tables,
            "query": query.urlencode(),
            "chart": _chart(years, figures),
            "may_read_reports": can(request.user, Capability.READ_REPORTS),
        },
    )


@requires(Capability.VIEW_AGGREGATES)
def report_xlsx(request: HttpRequest, table: str) -> HttpResponse:
    """One table of the Laporan as .xlsx, recorded as an export (it holds no person)."""
    choice = _choice(request)
    # The figures the page showed (kept), so the file says what the page said.
    years = _kept_years(choice.programme, choice.area) if choice.programme else []
    figures = _kept_figures(choice.cycle, choice.area) if choice.cycle else None
    wanted = tables.tables(years, figures).get(table)
    if wanted is None:
        raise Http404
    parts = [choice.programme.name if choice.programme else "Rentan"]
    if choice.cycle is not None and table != "tahun":
        parts.append(str(choice.cycle.year))
    parts.append(choice.area_name or _("seluruh wilayah"))
    heading = f"{wanted.title} — {' — '.join(parts)}"
    content = tables.workbook(wanted, heading=heading)
    record_export(
        actor=request.user,
        target_type="reporting.laporan",
        target_ids=[table],
        note=_("Laporan diunduh: %(heading)s") % {"heading": heading},
    )
    response = HttpResponse(content, content_type=XLSX)
    year = f"-{choice.cycle.year}" if choice.cycle is not None and table != "tahun" else ""
    area = f"-{choice.area}" if choice.area else ""
    response["Content-Disposition"] = attachment_disposition(f"laporan-{table}{year}{area}.xlsx")
    return response


def public(request: HttpRequest) -> HttpResponse:
    """The programme's figures per year and kecamatan for anyone, without signing in: cells
    under 5 people are shown as "<5". Off unless RENTAN_PUBLIC_REPORT is set."""
    if not settings.RENTAN_PUBLIC_REPORT:
        raise Http404
    sections = []
    for programme in programmes_reported():
        districts = list(Area.objects.districts_of(programme.region_id))
        years = [row for row in _kept_years(programme, "") if row.is_approved]
        per_year = []
        for row in years:
            cycle = programme.cycles.get(pk=row.cycle_id)
            per_district = {s.label: s.count for s in _kept_figures(cycle, "").by_kecamatan}
            per_year.append(suppress_small([per_district.get(d.name, 0) for d in districts]))
        # One column per year, one line per figure: narrow enough for a phone.
        lines = [
            (_("Target"), [Cell(row.target, is_suppressed=False) for row in years]),
            (_("Ditetapkan"), [published_total(row.lists.approved) for row in years]),
            (_("Peserta saat ini"), [published_total(row.lists.now) for row in years]),
            *(
                (f"Kec. {district.name}", [cells[i] for cells in per_year])
                for i, district in enumerate(districts)
            ),
            # A year whose memberships were never recorded has no "active" figure, not a small one.
            (
                _("Aktif di BPJS"),
                [published_total(row.active_now) if row.memberships else "\u2013" for row in years],
            ),
        ]
        sections.append(
            {"programme": programme, "years": [row.year for row in years], "lines": lines}
        )
    return render(request, "reporting/public.html", {"sections": sections})
