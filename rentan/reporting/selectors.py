"""Aggregates for the home page: numbers only, no personal data, safe for every role."""

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
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
    """The home page's figures. Counting them reads every person (seconds at a million rows)
    and every role opens this page first, so each server process keeps the last count and
    serves it; once it is older than RENTAN_HOME_FIGURES_SECONDS one thread counts again in
    the background while the others still serve the last count. Only the first visit after
    a start waits for a count. The page says when the figures were counted."""
    seconds = settings.RENTAN_HOME_FIGURES_SECONDS
    if seconds <= 0:
        return count_home_figures()
    figures: HomeFigures | None = cache.get(HOME_FIGURES_KEY)
    if figures is None:
        with _first_count:  # one thread counts; the others wait for its figures
            figures = cache.get(HOME_FIGURES_KEY)
            if figures is None:
                figures = count_home_figures()
                cache.set(HOME_FIGURES_KEY, figures, None)
        return figures
    stale = figures.counted_at < timezone.now() - timedelta(seconds=seconds)
    if stale and _recount.acquire(blocking=False):
        threading.Thread(target=_count_again, daemon=True).start()
    return figures


def _count_again() -> None:
    try:
        cache.set(HOME_FIGURES_KEY, count_home_figures(), None)
    finally:
        connection.close()  # the thread's own connection, which no request will close
        _recount.release()


_first_count = threading.Lock()
_recount = threading.Lock()
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
