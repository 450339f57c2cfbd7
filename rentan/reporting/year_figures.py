"""The figures of a programme year (periode), for the Beranda, the Laporan and the public page.

Everything is counted through the selectors of the apps that own the records: the list
(programmes), memberships, bills, payments and claims (enrollment). Only counts and sums
leave this module, never a person.

Three figures are easily confused, so each is kept and labelled apart:
- "ditetapkan" is the list as approved (continuing + new), ended places included;
- "saat ini" is the list now: ended places out, their replacements in;
- "aktif" is the memberships the BPJS branch has made active and that have not ended.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Case, Count, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from rentan.enrollment import billing
from rentan.enrollment import selectors as enrollment
from rentan.enrollment.models import ClaimKind, ClaimStatus
from rentan.enrollment.states import MembershipStatus
from rentan.programmes import selectors as programmes
from rentan.programmes.models import Cycle, CycleStatus, PlacementKind, Programme
from rentan.programmes.premiums import NoRateInForce, monthly_premium, rule_in_force
from rentan.regions.models import Area
from rentan.registry.nik import Sex
from rentan.reporting.figures import band_birth_dates

APPROVED_STATUSES = (CycleStatus.APPROVED, CycleStatus.RUNNING, CycleStatus.CLOSED)


def in_area(field_name: str, area: str) -> Q:
    """Records whose kelurahan (named by `field_name`) lies in the area: a kelurahan code,
    a kecamatan code, or "" for the whole region."""
    if not area:
        return Q()
    if area.count(".") >= 3:
        return Q(**{f"{field_name}_id": area})
    # The kelurahan's code is the key itself: no join to the area table.
    return Q(**{f"{field_name}__code__startswith": f"{area}."})


@dataclass(frozen=True)
class ListCounts:
    """The cycle's list: as approved, now, and what happened in between."""

    approved_continuing: int = 0
    approved_new: int = 0
    now_continuing: int = 0
    now_new: int = 0
    ended: int = 0
    replacements: int = 0

    @property
    def approved(self) -> int:
        return self.approved_continuing + self.approved_new

    @property
    def now(self) -> int:
        return self.now_continuing + self.now_new


def list_counts(cycle: Cycle, area: str = "") -> ListCounts:
    """One GROUP BY over the cycle's selected places (the waiting list is not read)."""
    rows = (
        programmes.placements_ever_selected(cycle)
        .filter(in_area("kelurahan", area))
        .values_list("kind")
        .annotate(
            approved=Count("id", filter=programmes.AS_APPROVED),
            now=Count("id", filter=programmes.NOT_ENDED),
            ended=Count("id", filter=~programmes.NOT_ENDED),
            replacements=Count("id", filter=~programmes.AS_APPROVED),
        )
        .order_by()
    )
    by_kind = {kind: (a, n, e, r) for kind, a, n, e, r in rows}
    cont = by_kind.get(PlacementKind.CONTINUING, (0, 0, 0, 0))
    new = by_kind.get(PlacementKind.NEW, (0, 0, 0, 0))
    return ListCounts(
        approved_continuing=cont[0],
        approved_new=new[0],
        now_continuing=cont[1],
        now_new=new[1],
        ended=cont[2] + new[2],
        replacements=cont[3] + new[3],
    )


@dataclass(frozen=True)
class YearRow:
    """One programme year in the table of years: target against realisation."""

    cycle_id: int
    year: int
    status: str
    status_label: str
    target: int
    is_approved: bool
    lists: ListCounts
    active_now: int
    memberships: int  # every membership recorded, whatever its status
    budget_ceiling: int
    premium: int
    months: int
    paid: int | None  # None when an area is chosen: the city pays a whole bill, not an area

    @property
    def committed(self) -> int:
        """The year's premiums for the list now (places x monthly premium x months), as the
        programme page counts them."""
        return self.lists.now * self.premium * self.months


def _premium(cycle: Cycle) -> int:
    try:
        return programmes.cycle_premium(cycle)
    except NoRateInForce:
        return 0


def year_row(cycle: Cycle, area: str = "") -> YearRow:
    memberships = enrollment.cycle_memberships(cycle).filter(in_area("person__kelurahan", area))
    paid = None
    if not area:
        paid = enrollment.payments_of(cycle).aggregate(total=Sum("amount"))["total"] or 0
    return YearRow(
        cycle_id=cycle.pk,
        year=cycle.year,
        status=cycle.status,
        status_label=str(CycleStatus(cycle.status).label),
        target=cycle.target,
        is_approved=cycle.status in APPROVED_STATUSES,
        lists=list_counts(cycle, area),
        active_now=memberships.filter(status=MembershipStatus.ACTIVE).count(),
        memberships=memberships.count(),
        budget_ceiling=cycle.budget_ceiling,
        premium=_premium(cycle),
        months=cycle.coverage_months,
        paid=paid,
    )


@dataclass(frozen=True)
class Share:
    """A count under a label (a kecamatan, a job type, an age band)."""

    label: str
    count: int
    group: str = ""  # the kecamatan of a kelurahan


@dataclass(frozen=True)
class MonthRow:
    month: date
    members: int  # memberships whose cover touches the month
    premiums: int  # what those members cost that month
    paid: int | None
    claims: int  # claims whose event falls in the month


@dataclass(frozen=True)
class ClaimFigures:
    count: int = 0
    estimated: int = 0
    paid: int = 0
    waiting: int = 0
    by_kind: list[Share] = field(default_factory=list)
    by_status: list[Share] = field(default_factory=list)


@dataclass(frozen=True)
class YearFigures:
    """Everything the report shows about one programme year in one area."""

    programme_name: str
    legal_basis: str
    row: YearRow
    area: str
    area_name: str
    coverage_start_on: date
    coverage_end_on: date
    membership_statuses: list[Share]
    premiums_year: int  # the premiums of every month for the memberships recorded
    premiums_to_date: int  # the same, for the months begun by `on`
    claims: ClaimFigures
    by_kecamatan: list[Share]
    by_kelurahan: list[Share]
    by_job: list[Share]
    by_sex: list[Share]
    by_age: list[Share]
    trend: list[MonthRow]
    counted_at: datetime

    @property
    def has_memberships(self) -> bool:
        return self.row.memberships > 0

    @property
    def is_over(self) -> bool:
        """The year's cover has ended: "aktif" then means active until its last day."""
        return self.coverage_end_on < self.counted_at.date()


def _coverage(cycle: Cycle, area: str) -> dict[str, list[Share]]:
    """Who is on the list now, by area, job type, sex and age band at the start of cover."""
    now = programmes.selected_placements(cycle).filter(in_area("kelurahan", area))
    names = dict(
        Area.objects.filter(code__startswith=f"{cycle.programme.region_id}.").values_list(
            "code", "name"
        )
    )
    per_kelurahan = Counter(
        dict(now.values_list("kelurahan_id").annotate(n=Count("id")).order_by())
    )
    per_kecamatan: Counter[str] = Counter()
    for code, n in per_kelurahan.items():
        per_kecamatan[code.rsplit(".", 1)[0]] += n
    by_kelurahan = sorted(
        (
            Share(names.get(code, code), n, names.get(code.rsplit(".", 1)[0], ""))
            for code, n in per_kelurahan.items()
        ),
        key=lambda share: (share.group, share.label),
    )
    by_kecamatan = [Share(names.get(code, code), n) for code, n in sorted(per_kecamatan.items())]
    by_job = [
        Share(name or "-", n)
        for name, n in now.values_list("person__occupation__name")
        .annotate(n=Count("id"))
        .order_by("-n", "person__occupation__name")
    ]
    sexes = Counter(dict(now.values_list("person__sex").annotate(n=Count("id")).order_by()))
    by_sex = [Share(str(sex.label), sexes.get(sex.value, 0)) for sex in Sex]
    bands = band_birth_dates(cycle.coverage_start_on)
    whens = []
    for label, born_after, born_by in bands:
        condition = Q()
        if born_after is not None:
            condition &= Q(person__birth_date__gt=born_after)
        if born_by is not None:
            condition &= Q(person__birth_date__lte=born_by)
        whens.append(When(condition, then=Value(label)))
    ages = Counter(
        dict(
            now.annotate(band=Case(*whens, default=Value("")))
            .values_list("band")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    by_age = [Share(label, ages.get(label, 0)) for label, _, _ in bands]
    return {
        "by_kecamatan": by_kecamatan,
        "by_kelurahan": by_kelurahan,
        "by_job": by_job,
        "by_sex": by_sex,
        "by_age": [share for share in by_age if share.count or share.label != bands[0][0]],
    }


def _claims(cycle: Cycle, area: str) -> tuple[ClaimFigures, Counter[date]]:
    claims = enrollment.cycle_claims(cycle).filter(in_area("membership__person__kelurahan", area))
    rows = list(
        claims.values_list("kind", "status", "event_on")
        .annotate(n=Count("id"), estimated=Sum("estimated_benefit"), paid=Sum("benefit_paid"))
        .order_by()
    )
    kinds: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    per_month: Counter[date] = Counter()
    estimated = paid = 0
    for kind, status, event_on, n, est, pay in rows:
        kinds[kind] += n
        statuses[status] += n
        per_month[event_on.replace(day=1)] += n
        estimated += est or 0
        paid += pay or 0
    waiting = statuses[ClaimStatus.REPORTED] + statuses[ClaimStatus.DOCUMENTS_COMPLETE]
    return (
        ClaimFigures(
            count=sum(kinds.values()),
            estimated=estimated,
            paid=paid,
            waiting=waiting,
            by_kind=[Share(str(k.label), kinds[k.value]) for k in ClaimKind if kinds[k.value]],
            by_status=[Share(str(s.label), statuses[s.value]) for s in ClaimStatus],
        ),
        per_month,
    )


def year_figures(cycle: Cycle, *, area: str = "", on: date | None = None) -> YearFigures:
    on = on or timezone.localdate()
    row = year_row(cycle, area)
    memberships = enrollment.cycle_memberships(cycle).filter(in_area("person__kelurahan", area))
    statuses = enrollment.status_counts(memberships)
    # Members share a few (start, end) pairs: count each pair once and apply billing's own
    # rule (a whole month for any day covered, the rate in force on the 1st) to the pairs.
    spans = list(
        memberships.filter(start_on__isnull=False)
        .values_list("start_on", "ended_on")
        .annotate(n=Count("id"))
        .order_by()
    )
    rules = enrollment.rate_rules()
    bills = []
    for month in billing.cycle_months(cycle.coverage_start_on, cycle.coverage_months):
        members = sum(
            n
            for start, ended, n in spans
            if billing.is_billable(billing.Cover("", start, ended), month)
        )
        try:
            premium = monthly_premium(rule_in_force(rules, month), cycle.declared_income)
        except NoRateInForce:
            premium = 0
        bills.append((month, members, members * premium))
    paid_per_month: dict[date, int] = {}
    if not area:
        paid_per_month = dict(enrollment.payments_of(cycle).values_list("month", "amount"))
    claims, claims_per_month = _claims(cycle, area)
    trend = [
        MonthRow(
            month=month,
            members=members,
            premiums=premiums,
            paid=None if area else paid_per_month.get(month, 0),
            claims=claims_per_month.get(month, 0),
        )
        for month, members, premiums in bills
    ]
    area_name = ""
    if area:
        area_name = Area.objects.filter(code=area).values_list("name", flat=True).first() or area
    return YearFigures(
        programme_name=cycle.programme.name,
        legal_basis=cycle.programme.legal_basis,
        row=row,
        area=area,
        area_name=area_name,
        coverage_start_on=cycle.coverage_start_on,
        coverage_end_on=cycle.coverage_end_on,
        membership_statuses=[Share(str(s.label), statuses[s.value]) for s in MembershipStatus],
        premiums_year=sum(m.premiums for m in trend),
        premiums_to_date=sum(m.premiums for m in trend if m.month <= on),
        claims=claims,
        trend=trend,
        counted_at=timezone.now(),
        **_coverage(cycle, area),
    )


def programme_years(programme: Programme, area: str = "") -> list[YearRow]:
    """Every year of the programme, oldest first: target against realisation."""
    return [year_row(cycle, area) for cycle in programme.cycles.order_by("year")]


def current_cycle(programme: Programme, on: date) -> Cycle | None:
    """The year to show first: the latest approved year whose cover has begun by `on`,
    else the latest approved year, else the latest year."""
    # Each cycle read through the programme's manager already points at this programme:
    # joining its row (rules and weights as JSON) again would cost more than the lookup.
    cycles = programme.cycles.order_by("-year")
    approved = cycles.filter(status__in=APPROVED_STATUSES)
    return approved.filter(coverage_start_on__lte=on).first() or approved.first() or cycles.first()


def programmes_reported() -> QuerySet[Programme]:
    return Programme.objects.order_by("name")
