"""Aggregates for the home page: numbers only, no personal data, safe for every role."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q

from rentan.regions.models import Area
from rentan.registry.models import Occupation, Person


@dataclass(frozen=True)
class AreaCount:
    code: str
    name: str
    total: int
    verified: int


def registry_totals() -> dict[str, int]:
    counts = Person.objects.aggregate(
        active=Count("id", filter=Q(is_active=True)),
        verified=Count("id", filter=Q(is_active=True, verified_at__isnull=False)),
        inactive=Count("id", filter=Q(is_active=False)),
        women=Count("id", filter=Q(is_active=True, sex="P")),
    )
    return {key: value or 0 for key, value in counts.items()}


def persons_per_kecamatan() -> list[AreaCount]:
    rows = (
        Person.objects.active()
        .values("kelurahan__parent_id")
        .annotate(total=Count("id"), verified=Count("id", filter=Q(verified_at__isnull=False)))
    )
    by_code = {row["kelurahan__parent_id"]: row for row in rows}
    districts = Area.objects.districts_of(settings.RENTAN_REGION_CODE)
    return [
        AreaCount(
            d.code,
            d.name,
            by_code.get(d.code, {}).get("total", 0),
            by_code.get(d.code, {}).get("verified", 0),
        )
        for d in districts
    ]


def persons_per_occupation() -> list[tuple[str, int]]:
    rows = Occupation.objects.annotate(
        total=Count("workers", filter=Q(workers__is_active=True))
    ).order_by("-total", "name")
    return [(row.name, row.total) for row in rows]
