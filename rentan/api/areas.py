"""Areas (wilayah): the Kemendagri hierarchy the persons' kelurahan refer to."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from rentan.api.errors import responses
from rentan.api.paging import DEFAULT_LIMIT, MAX_LIMIT, Page, page_of
from rentan.regions.models import Area, AreaLevel

router = Router(tags=["wilayah"])


class AreaOut(Schema):
    code: str
    name: str
    level: int
    parent_code: str | None


class AreaPage(Page):
    items: list[AreaOut]


class AreaFilters(Schema):
    level: AreaLevel | None = None
    parent: str | None = None
    cursor: str | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


@router.get("/areas", response=responses(AreaPage), operation_id="list_areas")
def list_areas(request: HttpRequest, filters: Query[AreaFilters]) -> dict[str, object]:
    """Areas by code; `parent` lists the children of one area, `level` one level. Any
    token may read them: they are public reference data."""
    areas = Area.objects.all()
    if filters.level is not None:
        areas = areas.filter(level=filters.level)
    if filters.parent:
        areas = areas.filter(parent_id=filters.parent)
    rows, next_cursor = page_of(
        areas, within=Area.objects.all(), field="code", cursor=filters.cursor, limit=filters.limit
    )
    return {
        "items": [
            {"code": a.code, "name": a.name, "level": a.level, "parent_code": a.parent_id}
            for a in rows
        ],
        "next_cursor": next_cursor,
    }
