"""The report figures of a programme year (Laporan): the same counts the page and the
mayor's report read (`reporting.year_figures`), figures only, never a person. An operator's
figures are their own kelurahan's, whatever area they ask for."""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from rentan.accounts.access import Capability, kelurahan_scope
from rentan.api.access import require
from rentan.api.errors import not_found, responses
from rentan.programmes.models import Cycle
from rentan.regions.models import Area
from rentan.reporting.year_figures import YearFigures, year_figures

router = Router(tags=["laporan"])


class FigureFilters(Schema):
    area: str = Field("", max_length=13, description="Kode kecamatan atau kelurahan; kosong: kota")


@router.get(
    "/reports/cycles/{cycle_id}/figures",
    response=responses(YearFigures),
    operation_id="get_year_figures",
)
def get_year_figures(
    request: HttpRequest, cycle_id: int, filters: Query[FigureFilters]
) -> YearFigures:
    """Target against realisation, the list by area, job type, sex and age, memberships,
    premiums, claims and the monthly trend of one programme year."""
    user = require(request, Capability.VIEW_AGGREGATES)
    cycle = Cycle.objects.select_related("programme").filter(pk=cycle_id).first()
    if cycle is None:
        raise not_found()
    area = filters.area
    confined = kelurahan_scope(user)
    if confined is not None:
        area = confined
    if (
        area
        and not Area.objects.filter(
            code=area, code__startswith=f"{cycle.programme.region_id}."
        ).exists()
    ):
        raise not_found()
    return year_figures(cycle, area=area, on=timezone.localdate())
