"""Aggregates for the Beranda: numbers only, no personal data, counted for the user's scope.

The registry's figures and the work waiting are counted here; a programme year's figures in
`year_figures`. Every count is kept a short while per server process (`kept`).
"""

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from rentan.accounts.access import Capability, can, kelurahan_scope
from rentan.core.formatting import format_date, format_month
from rentan.enrollment import billing
from rentan.enrollment import selectors as enrollment
from rentan.enrollment.models import ClaimStatus
from rentan.imports import selectors as imports
from rentan.imports.models import BatchStatus
from rentan.programmes.models import CycleStatus
from rentan.regions.models import Area
from rentan.registry import selectors as registry
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


T = TypeVar("T")


def kept(key: str, count: Callable[[], T]) -> T:
    """The figures under `key`. Counting them may read every person (seconds at a million
    rows) and every role opens the Beranda first, so each server process keeps the last
    count and serves it; once it is older than RENTAN_HOME_FIGURES_SECONDS one thread counts
    again in the background while the others still serve the last count. Only the first
    visit after a start waits for a count. The page says when the figures were counted."""
    seconds = settings.RENTAN_HOME_FIGURES_SECONDS
    if seconds <= 0:
        return count()
    key = f"{HOME_FIGURES_KEY}:{key}"
    entry: tuple[datetime, T] | None = cache.get(key)
    if entry is None:
        with _first_count:  # one thread counts; the others wait for its figures
            entry = cache.get(key)
            if entry is None:
                entry = (timezone.now(), count())
                cache.set(key, entry, None)
        return entry[1]
    stale = entry[0] < timezone.now() - timedelta(seconds=seconds)
    if stale:
        with _recount_guard:
            starting = key not in _recounting
            _recounting.add(key)
        if starting:
            threading.Thread(target=_count_again, args=(key, count), daemon=True).start()
    return entry[1]


def _count_again(key: str, count: Callable[[], Any]) -> None:
    try:
        cache.set(key, (timezone.now(), count()), None)
    finally:
        connection.close()  # the thread's own connection, which no request will close
        with _recount_guard:
            _recounting.discard(key)


_first_count = threading.Lock()
_recount_guard = threading.Lock()
_recounting: set[str] = set()
HOME_FIGURES_KEY = "rentan:home-figures"


def home_figures(kelurahan: str | None = None) -> "HomeFigures":
    """The registry's figures for the whole region, or for one kelurahan."""
    return kept(f"registry:{kelurahan or ''}", lambda: count_home_figures(kelurahan))


def count_home_figures(kelurahan: str | None = None) -> HomeFigures:
    """Every figure from one pass over the person table (or a kelurahan's part of it),
    grouped by kelurahan and job type."""
    persons = Person.objects.order_by()
    if kelurahan is not None:
        persons = persons.filter(kelurahan_id=kelurahan)
    rows = list(
        persons.values("kelurahan_id", "occupation_id").annotate(
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


@dataclass(frozen=True)
class Task:
    """One kind of work waiting: how many, and the page where it is done (for those who may
    open it)."""

    # The Indonesian source text (marked for translation) and what fills it: a task is kept
    # across requests in either language and translated when shown (`label`).
    text: str
    count: int
    url_name: str = ""
    is_urgent: bool = False
    amount: int | None = None  # rupiah, for a premium to pay
    year: int | None = None
    month: date | None = None
    due_on: date | None = None

    @property
    def label(self) -> str:
        text = gettext(self.text).format(
            month=format_month(self.month) if self.month else "",
            due=format_date(self.due_on),
        )
        return f"{self.year}: {text}" if self.year else text


_PAYMENT_LABELS = {
    billing.WarningKind.DUE_SOON: gettext_noop("Iuran {month} jatuh tempo {due}"),
    billing.WarningKind.OVERDUE: gettext_noop("Iuran {month} belum dibayar"),
    billing.WarningKind.HEADING_FOR_LAPSE: gettext_noop("Peserta menuju nonaktif (iuran {month})"),
    billing.WarningKind.LAPSED: gettext_noop("Peserta nonaktif: 3 bulan iuran tidak dibayar"),
}


def _payment_tasks(today: date) -> list[Task]:
    """Premiums due by the 15th, months unpaid and members heading for a lapse or lapsed, in
    every approved year still open."""
    tasks = []
    for cycle in enrollment.enrollment_cycles().exclude(status=CycleStatus.CLOSED):
        for warning in enrollment.payment_warnings(cycle, today=today):
            is_bill = warning.kind in (billing.WarningKind.DUE_SOON, billing.WarningKind.OVERDUE)
            tasks.append(
                Task(
                    _PAYMENT_LABELS[warning.kind],
                    warning.members,
                    "enrollment:billing",
                    is_urgent=warning.kind != billing.WarningKind.DUE_SOON,
                    amount=warning.amount if is_bill else None,
                    year=cycle.year,
                    month=warning.month,
                    due_on=warning.due_on,
                )
            )
    return tasks


def count_work_waiting(user: Any, today: date) -> list[Task]:
    """What needs doing today, within the user's scope: imports to review or repair, people
    to verify, open duplicates, premiums due and lapses, claims waiting, replacements."""
    kelurahan = kelurahan_scope(user)
    batches = Counter(
        dict(
            imports.batches_visible_to(user)
            .filter(status__in=[BatchStatus.REVIEW, BatchStatus.NEEDS_MAPPING, BatchStatus.FAILED])
            .values_list("status")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    unverified = Person.objects.filter(is_active=True, verified_at__isnull=True)
    if kelurahan is not None:
        unverified = unverified.filter(kelurahan_id=kelurahan)
    tasks = [
        Task(
            gettext_noop("Impor siap ditinjau"), batches[BatchStatus.REVIEW], "imports:batch_list"
        ),
        Task(
            gettext_noop("Impor perlu pemetaan kolom"),
            batches[BatchStatus.NEEDS_MAPPING],
            "imports:batch_list",
        ),
        Task(
            gettext_noop("Impor gagal"),
            batches[BatchStatus.FAILED],
            "imports:batch_list",
            is_urgent=True,
        ),
        Task(
            gettext_noop("Pekerja belum diverifikasi"), unverified.count(), "registry:person_list"
        ),
    ]
    if kelurahan is None:
        tasks.append(
            Task(
                gettext_noop("Pasangan duplikat terbuka"),
                registry.open_duplicate_pairs(user).count(),
                "registry:duplicate_list",
            )
        )
        claims_waiting = 0
        replacements = 0
        for cycle in enrollment.enrollment_cycles().exclude(status=CycleStatus.CLOSED):
            claims_waiting += (
                enrollment.cycle_claims(cycle)
                .filter(status__in=[ClaimStatus.REPORTED, ClaimStatus.DOCUMENTS_COMPLETE])
                .count()
            )
            replacements += sum(
                1 for _, waiting in enrollment.replacement_proposals(cycle) if waiting
            )
        tasks += [
            Task(gettext_noop("Klaim menunggu"), claims_waiting, "enrollment:claims"),
            Task(
                gettext_noop("Pengganti peserta berhenti"), replacements, "enrollment:memberships"
            ),
            *_payment_tasks(today),
        ]
    return tasks


def work_waiting(user: Any) -> list[dict[str, Any]]:
    """The user's work waiting (kept as the other figures are), each with its link when the
    user may open the page."""
    today = timezone.localdate()
    kelurahan = kelurahan_scope(user)
    tasks: list[Task] = kept(
        f"work:{user.role}:{kelurahan or ''}:{today}",
        lambda: count_work_waiting(user, today),
    )
    links = {
        name: reverse(name) for name, capability in _WORK_PAGES.items() if can(user, capability)
    }
    return [{"task": task, "url": links.get(task.url_name, "")} for task in tasks]


_WORK_PAGES = {
    "imports:batch_list": Capability.IMPORT_DATA,
    "registry:person_list": Capability.VIEW_PERSONS,
    "registry:duplicate_list": Capability.REVIEW_DUPLICATES,
    "enrollment:claims": Capability.VIEW_ENROLLED_ROSTER,
    "enrollment:memberships": Capability.VIEW_ENROLLED_ROSTER,
    "enrollment:billing": Capability.MANAGE_ENROLLMENT,
}


def area_choices(region_code: str) -> list[tuple[str, str]]:
    """(code, name) of the region's kecamatan, each followed by its kelurahan."""
    choices = []
    for district in Area.objects.districts_of(region_code):
        choices.append((district.code, district.name))
        choices += [
            (code, f"— {name}")
            for code, name in Area.objects.villages_of(region_code)
            .filter(parent=district)
            .values_list("code", "name")
        ]
    return choices
