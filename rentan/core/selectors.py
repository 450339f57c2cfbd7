"""Aggregates for the home page: numbers only, no personal data, safe for every role."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from rentan.regions.models import Area
from rentan.registry.models import Occupation, Person


@dataclass(frozen=True)
class AreaCount:
    code: str
    name: str
    total: int
    verified: int


@dataclass(frozen=True)
class HomeFigures:
    totals: dict[str, int]
    per_kecamatan: list[AreaCount]
    per_occupation: list[tuple[str, int]]
    counted_at: datetime


def home_figures() -> HomeFigures:
    """The home page's figures, counted at most once per RENTAN_HOME_FIGURES_SECONDS in each
    server process: counting them reads every person (a second or more at a million rows),
    and every role opens this page first. The page says when they were counted."""
    seconds = settings.RENTAN_HOME_FIGURES_SECONDS
    if seconds <= 0:
        return count_home_figures()
    figures = cache.get(HOME_FIGURES_KEY)
    if figures is None:
        figures = count_home_figures()
        cache.set(HOME_FIGURES_KEY, figures, seconds)
    return figures


HOME_FIGURES_KEY = "rentan:home-figures"


def count_home_figures() -> HomeFigures:
    """Every figure from one pass over the person table, grouped by kelurahan and job type."""
    rows = list(
        Person.objects.order_by()
        .values("kelurahan_id", "occupation_id")
        .annotate(
            active=Count("id", filter=Q(is_active=True)),
            verified=Count("id", filter=Q(is_active=True, verified_at__isnull=False)),
            inactive=Count("id", filter=Q(is_active=False)),
            women=Count("id", filter=Q(is_active=True, sex="P")),
        )
    )
    totals = {
        key: sum(row[key] for row in rows) for key in ("active", "verified", "inactive", "women")
    }
    district_of = dict(
        Area.objects.filter(code__in={row["kelurahan_id"] for row in rows}).values_list(
            "code", "parent_id"
        )
    )
    per_district: dict[str, list[int]] = {}
    per_job: dict[int, int] = {}
    for row in rows:
        counts = per_district.setdefault(district_of.get(row["kelurahan_id"], ""), [0, 0])
        counts[0] += row["active"]
        counts[1] += row["verified"]
        per_job[row["occupation_id"]] = per_job.get(row["occupation_id"], 0) + row["active"]
    districts = Area.objects.districts_of(settings.RENTAN_REGION_CODE)
    per_kecamatan = [
        AreaCount(d.code, d.name, *per_district.get(d.code, [0, 0])) for d in districts
    ]
    per_occupation = sorted(
        ((o.name, per_job.get(o.pk, 0)) for o in Occupation.objects.all()),
        key=lambda item: (-item[1], item[0]),
    )
    return HomeFigures(totals, per_kecamatan, per_occupation, timezone.now())
