"""Reads over memberships, files, bills and claims."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from rentan.accounts.access import Capability, can
from rentan.enrollment import billing
from rentan.enrollment.bpjs_files import (
    DEFAULT_COLUMNS,
    FIELD_LABELS,
    REQUIRED_FOR_REGISTRATION,
    Column,
    Field,
    RegistrationRow,
    columns_from_data,
    missing_for_registration,
)
from rentan.enrollment.claims import BenefitRule
from rentan.enrollment.models import (
    BenefitRate,
    Bill,
    Claim,
    ExchangeFile,
    Membership,
    MembershipChange,
    Payment,
    RegistrationMapping,
)
from rentan.enrollment.states import MembershipStatus
from rentan.programmes import explanation
from rentan.programmes.models import Cycle, CycleStatus, Placement, PlacementKind
from rentan.programmes.selectors import rate_rules, selected_placements
from rentan.registry.models import ROSTER_NAME_ORDER, Person, still_active
from rentan.registry.nik import mask_nik
from rentan.registry.selectors import search_persons

ENROLLING_STATUSES = (CycleStatus.APPROVED, CycleStatus.RUNNING, CycleStatus.CLOSED)


def enrollment_cycles() -> QuerySet[Cycle]:
    return Cycle.objects.filter(status__in=ENROLLING_STATUSES).select_related("programme")


def chosen_cycle(wanted: str | None) -> Cycle | None:
    """The enrolling cycle a page (and its download) was asked for by id, else the latest."""
    cycles = enrollment_cycles().order_by("-year", "-id")
    if wanted and wanted.isdigit():
        return cycles.filter(pk=int(wanted)).first()
    return cycles.first()


def memberships_with_status(
    memberships: QuerySet[Membership], status: str, text: str = ""
) -> QuerySet[Membership]:
    """The roster narrowed to one status when the page names a known one, and to the
    members its search finds (`memberships_matching`)."""
    if status in MembershipStatus.values:
        memberships = memberships.filter(status=status)
    return memberships_matching(memberships, text)


def memberships_matching(memberships: QuerySet[Membership], text: str) -> QuerySet[Membership]:
    """The memberships whose person the person list's search finds (a name, or a NIK from
    its start: the same rule, asked of the same selector), or whose KPJ number starts with
    the digits typed. Persons no longer active are searched too: a member who died is the
    one a JKM claim is recorded for."""
    text = text.strip()
    if not text:
        return memberships
    persons = search_persons(Person.objects.all(), text=text, include_inactive=True)
    found = Q(person__in=persons.values("pk"))
    if text.isdigit():
        found |= Q(kpj_number__startswith=text)
    return memberships.filter(found)


def claims_matching(claims: QuerySet[Claim], text: str) -> QuerySet[Claim]:
    """The claims of the members `memberships_matching` finds."""
    if not text.strip():
        return claims
    members = memberships_matching(Membership.objects.all(), text)
    return claims.filter(membership__in=members.values("pk"))


def claimable_memberships(user: Any) -> QuerySet[Membership]:
    """Whom a claim may be recorded for: the members the user may see whom the branch made
    members (a KPJ number); whether they were covered on the day is the claim's to judge."""
    return memberships_visible_to(user).exclude(kpj_number="").filter(start_on__isnull=False)


def find_cycle(reference: str) -> Cycle:
    """A cycle by id ("7") or by programme code and year ("jamsos-pekalongan-2023")."""
    if reference.isdigit():
        return Cycle.objects.select_related("programme").get(pk=int(reference))
    code, _, year = reference.rpartition("-")
    if not code or not year.isdigit():
        raise Cycle.DoesNotExist(reference)
    return Cycle.objects.select_related("programme").get(programme__code=code, year=int(year))


def placements_awaiting_membership(cycle: Cycle) -> QuerySet[Placement]:
    """The people on a cycle's list who have no membership yet."""
    return selected_placements(cycle).filter(membership__isnull=True)


def memberships_visible_to(user: Any) -> QuerySet[Membership]:
    """The admin sees every membership; the BPJS officer only the enrolled roster: those the
    branch made members (aktif, or berhenti after being aktif, whose claims it handles)."""
    memberships = Membership.objects.select_related("person", "cycle__programme")
    if can(user, Capability.MANAGE_ENROLLMENT):
        return memberships
    if can(user, Capability.VIEW_ENROLLED_ROSTER):
        return memberships.filter(
            status__in=[MembershipStatus.ACTIVE, MembershipStatus.ENDED], start_on__isnull=False
        )
    return memberships.none()


def claims_visible_to(user: Any) -> QuerySet[Claim]:
    """Every claim for the admin; otherwise those of the memberships the user may see."""
    claims = Claim.objects.select_related("membership__person", "membership__cycle")
    if can(user, Capability.MANAGE_ENROLLMENT):
        return claims
    return claims.filter(membership__in=memberships_visible_to(user).values("pk"))


def status_counts(memberships: QuerySet[Membership]) -> dict[str, int]:
    # Without the model's ordering, which would join each membership's cycle, programme and
    # person into a count that needs none of them.
    counts = {
        row["status"]: row["n"]
        for row in memberships.order_by().values("status").annotate(n=Count("id"))
    }
    return {status.value: counts.get(status.value, 0) for status in MembershipStatus}


def columns_for(cycle: Cycle) -> tuple[tuple[Column, ...], str]:
    return programme_columns(cycle.programme_id)


def programme_columns(programme_id: int) -> tuple[tuple[Column, ...], str]:
    """The registration file's columns and sheet name for a programme (the default if unset)."""
    mapping = RegistrationMapping.objects.filter(programme_id=programme_id).first()
    if mapping is None:
        return DEFAULT_COLUMNS, "Pendaftaran"
    return columns_from_data(mapping.columns), mapping.sheet_name


def sendable_memberships(
    cycle: Cycle, membership_ids: list[int] | None = None
) -> QuerySet[Membership]:
    """Who may go into a registration file: approved or awaiting the branch's answer, still
    an active person in the registry; a rejected one only when named in the batch (after
    correction)."""
    statuses = [MembershipStatus.APPROVED, MembershipStatus.REGISTERED]
    if membership_ids is not None:
        statuses.append(MembershipStatus.REJECTED)
    memberships = Membership.objects.filter(
        still_active("person_id"), cycle=cycle, status__in=statuses
    )
    if membership_ids is not None:
        memberships = memberships.filter(pk__in=membership_ids)
    return memberships


# The person's column holding each field a registration requires (bpjs_files).
_REQUIRED_COLUMNS = {
    Field.MOTHER_NAME: "person__mother_name",
    Field.BIRTH_PLACE: "person__birth_place",
    Field.ADDRESS: "person__street_address",
}


def lacking_registration_fields(columns: Sequence[Column]) -> Q | None:
    """Members whose person lacks a field the registration file requires (None: the
    mapping writes none of them). The database's shortlist; `incomplete_registrations`
    says what each lacks by the rule itself."""
    lacking = Q()
    for wanted in REQUIRED_FOR_REGISTRATION:
        if wanted in {column.field for column in columns}:
            lacking |= Q(**{_REQUIRED_COLUMNS[wanted]: ""})
    return lacking if lacking.children else None


@dataclass(frozen=True)
class IncompleteMember:
    membership_id: int
    person_id: int
    nik: str
    name: str
    kelurahan: str
    missing: list[Field]

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)

    @property
    def missing_labels(self) -> list[str]:
        return [str(FIELD_LABELS[field]) for field in self.missing]


def incomplete_registrations(
    memberships: QuerySet[Membership], columns: Sequence[Column]
) -> list[IncompleteMember]:
    """The members the registration file would leave out for a missing required field, by
    name."""
    lacking = lacking_registration_fields(columns)
    if lacking is None:
        return []
    found = []
    for pk, person, nik, name, kelurahan, mother, place, street in (
        memberships.filter(lacking)
        .order_by(ROSTER_NAME_ORDER, "id")
        .values_list(
            "id",
            "person_id",
            "person__nik",
            "person__name",
            "person__kelurahan__name",
            "person__mother_name",
            "person__birth_place",
            "person__street_address",
        )
        .iterator(chunk_size=2000)
    ):
        missing = missing_for_registration(
            columns, mother_name=mother, birth_place=place, street_address=street
        )
        if missing:
            found.append(IncompleteMember(pk, person, nik, name, kelurahan, missing))
    return found


_ROW_FIELDS = (
    "id",
    "status",
    "person__mother_name",
    "requested_start_on",
    "person__nik",
    "person__name",
    "person__birth_place",
    "person__birth_date",
    "person__sex",
    "person__street_address",
    "person__rt",
    "person__rw",
    "person__phone",
    "person__kelurahan__name",
    "person__occupation__name",
)


def registration_rows(
    memberships: QuerySet[Membership], *, declared_income: int, programmes: str
) -> list[tuple[int, str, RegistrationRow]]:
    """(membership id, status, row) sorted by NIK, so the same batch gives the same file."""
    result = []
    for values in memberships.values_list(*_ROW_FIELDS).iterator(chunk_size=5000):
        (
            pk,
            status,
            mother,
            start,
            nik,
            name,
            place,
            born,
            sex,
            street,
            rt,
            rw,
            phone,
            kel,
            job,
        ) = values
        address = street
        if rt or rw:
            address = f"{street} RT {rt or '-'}/RW {rw or '-'}".strip()
        row = RegistrationRow(
            nik=nik,
            name=name,
            birth_place=place,
            birth_date=born,
            sex=sex,
            mother_name=mother,
            address=f"{address}, {kel}" if address else kel,
            kelurahan=kel,
            phone=phone,
            occupation=job,
            work_location=kel,
            declared_income=declared_income,
            programmes=programmes,
            start_month=start,
        )
        result.append((pk, status, row))
    result.sort(key=lambda item: item[2].nik)
    return result


def benefit_rules() -> list[BenefitRule]:
    return [
        BenefitRule(r.claim_kind, r.effective_on, r.fixed_amount, r.income_multiple, r.is_ceiling)
        for r in BenefitRate.objects.all()
    ]


def cycle_covers(cycle: Cycle) -> list[billing.Cover]:
    """Every membership of the cycle that the branch made active (ended ones included)."""
    rows = (
        Membership.objects.filter(cycle=cycle, start_on__isnull=False)
        .values_list("person__nik", "start_on", "ended_on", "kpj_number", "person__name")
        .order_by("person__nik")
    )
    return [billing.Cover(nik, start, ended, kpj, name) for nik, start, ended, kpj, name in rows]


def expected_bills(
    cycle: Cycle, covers: list[billing.Cover] | None = None
) -> list[billing.ExpectedBill]:
    covers = cycle_covers(cycle) if covers is None else covers
    rules = rate_rules()
    return [
        billing.expected_bill(
            covers, month=month, rules=rules, declared_income=cycle.declared_income
        )
        for month in billing.cycle_months(cycle.coverage_start_on, cycle.coverage_months)
    ]


def bill_reconciliation(bill: Bill) -> billing.Reconciliation:
    covers = cycle_covers(bill.cycle)
    expected = billing.expected_bill(
        covers, month=bill.month, rules=rate_rules(), declared_income=bill.cycle.declared_income
    )
    billed = dict(bill.lines.values_list("nik", "amount"))
    return billing.reconcile(expected, billed, stated_total=bill.stated_total)


def payments_of(cycle: Cycle) -> QuerySet[Payment]:
    return Payment.objects.filter(cycle=cycle).order_by("month")


def paid_months(cycle: Cycle) -> set[date]:
    return set(Payment.objects.filter(cycle=cycle).values_list("month", flat=True))


def payment_warnings(cycle: Cycle, *, today: date) -> list[billing.PaymentWarning]:
    return billing.payment_warnings(
        expected_bills(cycle), paid_months=paid_months(cycle), today=today
    )


def waiting_list(cycle: Cycle) -> QuerySet[Placement]:
    """Unused places on the waiting list, best rank first, of people still active."""
    return (
        Placement.objects.filter(
            still_active("person_id"),
            cycle=cycle,
            kind=PlacementKind.WAITING,
            ended_on__isnull=True,
            membership__isnull=True,
        )
        .select_related("person")
        .order_by("rank", "id")
    )


def replacement_proposals(cycle: Cycle) -> list[tuple[Membership, Placement | None]]:
    """Each membership ended before the cycle's last month with no replacement yet, paired
    with the next person on the waiting list (None when the list is used up)."""
    last_month = billing.cycle_months(cycle.coverage_start_on, cycle.coverage_months)[-1]
    ended = (
        Membership.objects.filter(
            cycle=cycle,
            status=MembershipStatus.ENDED,
            ended_on__lt=last_month,
            placement__replaced_by__isnull=True,
        )
        .select_related("person", "placement")
        .order_by("ended_on", "id")
    )
    if not ended:
        return []
    waiting = list(waiting_list(cycle)[: len(ended)])
    return [(m, waiting[i] if i < len(waiting) else None) for i, m in enumerate(ended)]


def continuing_candidates(cycle: Cycle) -> QuerySet[Person]:
    """People to carry into the next cycle as continuing participants: those whose
    membership in `cycle` is active and who are still active in the registry."""
    return Person.objects.filter(
        is_active=True,
        memberships__cycle=cycle,
        memberships__status=MembershipStatus.ACTIVE,
    ).order_by("id")


def cycle_memberships(cycle: Cycle) -> QuerySet[Membership]:
    return Membership.objects.filter(cycle=cycle)


def cycle_claims(cycle: Cycle) -> QuerySet[Claim]:
    return Claim.objects.filter(membership__cycle=cycle)


def active_member_counts(cycles: Collection[Cycle]) -> dict[int, int]:
    """Per cycle id, its members active with BPJS Ketenagakerjaan (the programme page's
    "aktif"), the years of a programme counted in one query."""
    return dict(
        Membership.objects.filter(cycle__in=list(cycles), status=MembershipStatus.ACTIVE)
        .values_list("cycle_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def persons_in_registration_file(exchange: ExchangeFile) -> QuerySet[Membership, int]:
    """Whose data a registration file holds: the memberships it registered or moved. (One
    sent again while already registered keeps its first file and is not counted here.)"""
    return (
        Membership.objects.filter(
            Q(registration_file=exchange) | Q(changes__exchange_file=exchange)
        )
        .values_list("person_id", flat=True)
        .distinct()
    )


def person_programme_history(user: Any, person: Person) -> list[dict[str, Any]]:
    """The person's page, section Program: per allocated cycle their standing (selected,
    waiting list, not eligible and why, ...) with place, rank and kelurahan, and the
    membership with its KPJ number and changes where the user may see memberships. The
    registry names this function in settings.RENTAN_PERSON_PROGRAMME_HISTORY (it never
    imports a higher app); the caller found the person through the access door."""
    # The person and the cycles are the page's own already: the memberships alone, without
    # the model's ordering (by programme, year and name), which joins all three again; so
    # their changes, in order within each membership.
    changes = MembershipChange.objects.select_related("actor").order_by("at", "id")
    memberships = {
        m.cycle_id: m
        for m in memberships_visible_to(user)
        .filter(person=person)
        .select_related(None)
        .order_by()
        .prefetch_related(Prefetch("changes", queryset=changes))
    }
    return [
        {
            "standing": standing,
            "membership": memberships.get(standing.cycle.pk),
            "may_explain": can(user, Capability.READ_SELECTION),
        }
        for standing in explanation.person_standings(person)
    ]


# Who is covered, for linking across regions: every membership but a refused one (an ended
# membership covered its person until it ended), and the people on an approved list whose
# membership is not made yet (their cover is decided and paid for).
_COVERING_STATUSES = (
    MembershipStatus.APPROVED,
    MembershipStatus.REGISTERED,
    MembershipStatus.ACTIVE,
    MembershipStatus.ENDED,
)
_PARTICIPANT_FIELDS = (
    "person__nik",
    "person__name",
    "person__birth_date",
    "person__sex",
    "person__kelurahan_id",
)


def linkage_cycles(*, programmes: Sequence[str] = (), year: int | None = None) -> QuerySet[Cycle]:
    """The cycles whose participants a region hands over for linking: those with an approved
    list, of the programmes (codes) and the year asked for, else every one not closed."""
    cycles = enrollment_cycles()
    if programmes:
        cycles = cycles.filter(programme__code__in=programmes)
    if year is not None:
        return cycles.filter(year=year)
    return cycles.exclude(status=CycleStatus.CLOSED)


def covered_participants(cycle: Cycle) -> list[dict[str, Any]]:
    """One row per person covered by the cycle (a membership, or a place awaiting one): the
    person's identity, the record (M = membership, P = place), the person's id and the
    period of cover; read through `cycle_memberships` and `placements_awaiting_membership`."""
    start, end = cycle.coverage_start_on, cycle.coverage_end_on
    rows = []
    memberships = (
        cycle_memberships(cycle)
        .filter(status__in=_COVERING_STATUSES)
        .exclude(status=MembershipStatus.ENDED, start_on__isnull=True)
        .values_list("pk", "person_id", "start_on", "ended_on", *_PARTICIPANT_FIELDS)
        .order_by("pk")
    )
    for pk, person_id, started, ended, nik, name, born, sex, kelurahan in memberships:
        rows.append(
            {
                "record": f"M{pk}",
                "person_id": person_id,
                "nik": nik,
                "name": name,
                "birth_date": born,
                "sex": sex,
                "kelurahan_code": kelurahan,
                "period_start": started or start,
                "period_end": ended or end,
            }
        )
    placements = (
        placements_awaiting_membership(cycle)
        .values_list("pk", "person_id", *_PARTICIPANT_FIELDS)
        .order_by("pk")
    )
    for pk, person_id, nik, name, born, sex, kelurahan in placements:
        rows.append(
            {
                "record": f"P{pk}",
                "person_id": person_id,
                "nik": nik,
                "name": name,
                "birth_date": born,
                "sex": sex,
                "kelurahan_code": kelurahan,
                "period_start": start,
                "period_end": end,
            }
        )
    return rows
