"""The coverage map: members per kelurahan drawn over the Dinas's own boundaries (inline
SVG, nothing fetched from outside), or the table alone while no boundaries are loaded."""

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rentan.accounts.access import Capability, can, requires
from rentan.core.formatting import format_month, format_number
from rentan.core.safe_files import format_size
from rentan.regions.models import Area
from rentan.reporting import coverage_map, mayor_figures, services
from rentan.reporting.models import KelurahanBoundary


class BoundaryForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Berkas batas kelurahan (GeoJSON)"))


def _read_upload(upload: object) -> object:
    """The upload's JSON, its size checked before a byte is read."""
    limit = settings.RENTAN_BOUNDARY_UPLOAD_MAX_BYTES
    size = getattr(upload, "size", 0) or 0
    if size > limit:
        raise coverage_map.BoundariesRefused(
            _("Berkas %(size)s, lebih besar dari batas %(limit)s.")
            % {"size": format_size(size), "limit": format_size(limit)}
        )
    raw = upload.read()  # type: ignore[attr-defined]
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise coverage_map.BoundariesRefused(_("Berkas bukan teks UTF-8.")) from None
    except json.JSONDecodeError as error:
        raise coverage_map.BoundariesRefused(
            _("Berkas bukan JSON yang sah: baris %(line)s kolom %(col)s (%(msg)s).")
            % {"line": error.lineno, "col": error.colno, "msg": error.msg}
        ) from None
    except RecursionError:
        raise coverage_map.BoundariesRefused(_("JSON terlalu dalam bersarang.")) from None


@requires(Capability.READ_REPORTS)
def coverage_map_view(request: HttpRequest) -> HttpResponse:
    cycles = mayor_figures.reported_cycles()
    cycle = next((c for c in cycles if str(c.pk) == request.GET.get("periode")), None)
    cycle = cycle or (cycles[0] if cycles else None)
    region = settings.RENTAN_REGION_CODE
    villages = list(
        Area.objects.villages_of(region)
        .select_related("parent")
        .order_by("parent__name", "name")
        .values_list("code", "name", "parent__name")
    )
    month = timezone.localdate().replace(day=1)
    if cycle is not None:
        months = mayor_figures.cycle_months(cycle)
        month = max((m for m in months if m <= month), default=months[0])
    counts = mayor_figures.active_by_kelurahan(cycle, month) if cycle else {}
    highest = max(counts.values(), default=0)
    rows = [
        {
            "code": code,
            "name": name,
            "kecamatan": kecamatan,
            "members": counts.get(code, 0),
            "shade": coverage_map.shade(counts.get(code, 0), highest),
        }
        for code, name, kecamatan in villages
    ]
    by_code = {row["code"]: row for row in rows}
    outlines = dict(KelurahanBoundary.objects.values_list("area_id", "polygons"))
    shapes, width, height = coverage_map.svg_paths(outlines)
    return render(
        request,
        "reporting/coverage_map.html",
        {
            "cycles": cycles,
            "cycle": cycle,
            "month_label": format_month(month) if cycle else "",
            "rows": rows,
            "shapes": [(shape, by_code.get(shape.code)) for shape in shapes],
            "width": width,
            "height": height,
            "missing": [row for row in rows if row["code"] not in outlines] if outlines else [],
            "may_upload": can(request.user, Capability.MANAGE_PROGRAMME),
            "form": BoundaryForm(),
            "limit": format_size(settings.RENTAN_BOUNDARY_UPLOAD_MAX_BYTES),
        },
    )


@require_POST
@requires(Capability.MANAGE_PROGRAMME)
def upload_boundaries(request: HttpRequest) -> HttpResponse:
    form = BoundaryForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Pilih berkas GeoJSON batas kelurahan."))
        return redirect("reporting:coverage_map")
    upload = form.cleaned_data["file"]
    known = Area.objects.villages_of(settings.RENTAN_REGION_CODE).values_list("code", flat=True)
    try:
        boundaries = coverage_map.read_boundaries(_read_upload(upload), list(known))
    except coverage_map.BoundariesRefused as refused:
        messages.error(request, _("Batas kelurahan ditolak: %(why)s") % {"why": refused})
        return redirect("reporting:coverage_map")
    loaded = services.load_boundaries(
        actor=request.user, boundaries=boundaries, filename=upload.name
    )
    text = _("Batas %(n)s kelurahan dimuat.") % {"n": format_number(loaded)}
    if boundaries.unknown_codes:
        text += " " + _("Kode bukan kelurahan wilayah ini, dilewati: %(codes)s.") % {
            "codes": ", ".join(boundaries.unknown_codes[:10])
        }
    messages.success(request, text)
    return redirect("reporting:coverage_map")
