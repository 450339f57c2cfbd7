"""Every list a role can see, as .xlsx: the page's own scope and filters, NIKs masked as
the page shows them, numbers as numbers and dates as dates (`core.exports.table_workbook`),
and each download recorded as an export naming the persons it held.

One view per list, reading through the same selectors as the page; a list longer than
`MAX_ROWS` is refused with a request to narrow the filter instead of tying up the server.
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from rentan.accounts.access import Capability, requires
from rentan.core.audit import record_export
from rentan.core.exports import DATE, NUMBER, RUPIAH, TEXT, attachment_disposition, table_workbook
from rentan.core.formatting import format_number
from rentan.enrollment import selectors as enrollment_selectors
from rentan.enrollment.models import Bill, Claim, Membership
from rentan.enrollment.states import MembershipStatus
from rentan.programmes import selectors as programme_selectors
from rentan.programmes.models import Cycle, PlacementKind
from rentan.registry import selectors as registry_selectors
from rentan.registry.dedup import MatchReason
from rentan.registry.forms import PersonSearchForm
from rentan.registry.match_model import describe_evidence
from rentan.registry.models import ROSTER_NAME_ORDER
from rentan.registry.nik import mask_nik

MAX_ROWS = 100_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_DIFFERENCES = {
    "billed_not_active": "Ditagih padahal tidak aktif",
    "active_not_billed": "Aktif tetapi tidak ditagih",
    "amount_differs": "Jumlah berbeda",
}


def _day(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return timezone.localdate(value)
    return value


def _download(
    request: HttpRequest,
    *,
    name: str,
    note: str,
    columns: Sequence[tuple[str, str]],
    rows: list[Sequence[object]],
    persons: Iterable[int],
    target_type: str,
    target_ids: Iterable[object],
) -> HttpResponse:
    content = table_workbook(name, columns, rows)
    record_export(
        actor=request.user,
        target_type=target_type,
        target_ids=target_ids,
        note=f"{note} (xlsx, {len(rows)} baris, NIK tersamar)",
        persons=persons,
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = attachment_disposition(f"{name}.xlsx")
    return response


def _too_many(request: HttpRequest, back: str) -> HttpResponse:
    messages.error(
        request,
        _("Lebih dari %(n)s baris: persempit saringan sebelum mengunduh.")
        % {"n": format_number(MAX_ROWS)},
    )
    return redirect(back)


def _capped(rows: Iterable[Any]) -> list[Any] | None:
    taken: list[Any] = []
    for row in rows:
        if len(taken) == MAX_ROWS:
            return None
        taken.append(row)
    return taken


@requires(Capability.VIEW_PERSONS)
def persons_xlsx(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None, user=request.user)
    persons = registry_selectors.listed_persons(
        request.user, form.cleaned_data if form.is_valid() else None
    )
    found = _capped(
        persons.order_by(registry_selectors.SORT_KEY, "id").values_list(
            "id",
            "name",
            "nik",
            "sex",
            "birth_date",
            "kelurahan__parent__name",
            "kelurahan__name",
            "occupation__name",
            "verified_at",
            "is_active",
        )
    )
    if found is None:
        return _too_many(request, "registry:person_list")
    return _download(
        request,
        name="pekerja",
        note="Daftar pekerja",
        columns=[
            ("Nama", TEXT),
            ("NIK", TEXT),
            ("L/P", TEXT),
            ("Tanggal lahir", DATE),
            ("Kecamatan", TEXT),
            ("Kelurahan", TEXT),
            ("Jenis pekerjaan", TEXT),
            ("Diverifikasi", DATE),
            ("Status", TEXT),
        ],
        rows=[
            (name, mask_nik(nik), sex, born, kec, kel, job, _day(verified), _status(active))
            for _pk, name, nik, sex, born, kec, kel, job, verified, active in found
        ],
        persons=[row[0] for row in found],
        target_type="registry.person",
        target_ids=[row[0] for row in found],
    )


def _status(is_active: bool) -> str:
    return "aktif" if is_active else "nonaktif"


def _enrollment_cycle(request: HttpRequest) -> Cycle | None:
    return enrollment_selectors.chosen_cycle(request.GET.get("periode"))


@requires(Capability.VIEW_ENROLLED_ROSTER)
def memberships_xlsx(request: HttpRequest) -> HttpResponse:
    cycle = _enrollment_cycle(request)
    shown = enrollment_selectors.memberships_with_status(
        enrollment_selectors.memberships_visible_to(request.user).filter(cycle=cycle),
        request.GET.get("status", ""),
        request.GET.get("q", ""),
    )
    found = _capped(
        shown.order_by(ROSTER_NAME_ORDER, "id").values_list(
            "id",
            "person_id",
            "person__name",
            "person__nik",
            "person__kelurahan__name",
            "status",
            "kpj_number",
            "start_on",
            "ended_on",
            "end_reason",
        )
    )
    if found is None:
        return _too_many(request, "enrollment:memberships")
    labels = dict(MembershipStatus.choices)
    reasons = dict(Membership._meta.get_field("end_reason").choices or [])
    return _download(
        request,
        name=f"kepesertaan-{cycle.year if cycle else 'kosong'}",
        note=f"Daftar kepesertaan {cycle or '-'}",
        columns=[
            ("Nama", TEXT),
            ("NIK", TEXT),
            ("Kelurahan", TEXT),
            ("Status", TEXT),
            ("Nomor KPJ", TEXT),
            ("Mulai", DATE),
            ("Berhenti", DATE),
            ("Alasan berhenti", TEXT),
        ],
        rows=[
            (
                name,
                mask_nik(nik),
                kel,
                str(labels.get(st, st)),
                kpj,
                start,
                end,
                reasons.get(why, ""),
            )
            for _pk, _person, name, nik, kel, st, kpj, start, end, why in found
        ],
        persons=[row[1] for row in found],
        target_type="enrollment.membership",
        target_ids=[row[0] for row in found],
    )


@requires(Capability.MANAGE_ENROLLMENT)
def bills_xlsx(request: HttpRequest) -> HttpResponse:
    cycle = _enrollment_cycle(request)
    rows: list[Sequence[object]] = []
    if cycle is not None:
        imported = {b.month: b for b in Bill.objects.filter(cycle=cycle)}
        payments = {p.month: p for p in enrollment_selectors.payments_of(cycle)}
        for expected in enrollment_selectors.expected_bills(cycle):
            bill = imported.get(expected.month)
            payment = payments.get(expected.month)
            rows.append(
                (
                    expected.month,
                    expected.members,
                    expected.premium,
                    expected.total,
                    bill.stated_total if bill else None,
                    payment.amount if payment else None,
                    payment.paid_on if payment else None,
                    payment.reference if payment else "",
                )
            )
    return _download(
        request,
        name=f"iuran-{cycle.year if cycle else 'kosong'}",
        note=f"Iuran dan tagihan {cycle or '-'}",
        columns=[
            ("Bulan", DATE),
            ("Peserta", NUMBER),
            ("Iuran per orang", RUPIAH),
            ("Seharusnya", RUPIAH),
            ("Ditagih", RUPIAH),
            ("Dibayar", RUPIAH),
            ("Tanggal bayar", DATE),
            ("Nomor bukti bayar", TEXT),
        ],
        rows=rows,
        persons=[],
        target_type="programmes.cycle",
        target_ids=[cycle.pk] if cycle else [],
    )


@requires(Capability.MANAGE_ENROLLMENT)
def reconciliation_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    bill = get_object_or_404(Bill.objects.select_related("cycle", "file"), pk=pk)
    result = enrollment_selectors.bill_reconciliation(bill)
    niks = [d.nik for d in result.differences]
    people = dict(
        Membership.objects.filter(cycle=bill.cycle, person__nik__in=niks).values_list(
            "person__nik", "person_id"
        )
    )
    names = dict(
        Membership.objects.filter(cycle=bill.cycle, person__nik__in=niks).values_list(
            "person__nik", "person__name"
        )
    )
    return _download(
        request,
        name=f"pencocokan-tagihan-{bill.month:%Y-%m}",
        note=f"Pencocokan tagihan {bill.month:%m-%Y} {bill.cycle}",
        columns=[
            ("NIK", TEXT),
            ("Nama", TEXT),
            ("Penjelasan", TEXT),
            ("Seharusnya", RUPIAH),
            ("Ditagih", RUPIAH),
            ("Selisih", RUPIAH),
        ],
        rows=[
            (
                mask_nik(d.nik),
                names.get(d.nik, ""),
                _DIFFERENCES.get(str(d.kind), str(d.kind)),
                d.expected,
                d.billed,
                d.delta,
            )
            for d in result.differences
        ],
        persons=people.values(),
        target_type="enrollment.bill",
        target_ids=[bill.pk],
    )


@requires(Capability.VIEW_ENROLLED_ROSTER)
def claims_xlsx(request: HttpRequest) -> HttpResponse:
    claims = enrollment_selectors.claims_matching(
        enrollment_selectors.claims_visible_to(request.user), request.GET.get("q", "")
    )
    found = _capped(
        claims.order_by("-event_on", "-id").values_list(
            "id",
            "membership__person_id",
            "event_on",
            "membership__person__name",
            "membership__person__nik",
            "membership__kpj_number",
            "kind",
            "was_active_on_event",
            "status",
            "estimated_benefit",
            "benefit_paid",
        )
    )
    if found is None:
        return _too_many(request, "enrollment:claims")
    kinds = dict(Claim._meta.get_field("kind").choices or [])
    states = dict(Claim._meta.get_field("status").choices or [])
    return _download(
        request,
        name="klaim",
        note="Daftar klaim",
        columns=[
            ("Tanggal kejadian", DATE),
            ("Nama", TEXT),
            ("NIK", TEXT),
            ("Nomor KPJ", TEXT),
            ("Jenis", TEXT),
            ("Aktif saat kejadian", TEXT),
            ("Status", TEXT),
            ("Perkiraan manfaat", RUPIAH),
            ("Manfaat dibayar", RUPIAH),
        ],
        rows=[
            (
                on,
                name,
                mask_nik(nik),
                kpj,
                str(kinds.get(kind, kind)),
                "ya" if active else "tidak",
                str(states.get(status, status)),
                estimated,
                paid,
            )
            for _pk, _p, on, name, nik, kpj, kind, active, status, estimated, paid in found
        ],
        persons=[row[1] for row in found],
        target_type="enrollment.claim",
        target_ids=[row[0] for row in found],
    )


@requires(Capability.READ_SELECTION)
def placements_xlsx(request: HttpRequest, code: str, year: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle, programme__code=code, year=year)
    placements = programme_selectors.cycle_placements(cycle, request.GET.get("jenis", ""))
    found = _capped(
        placements.values_list(
            "id",
            "person_id",
            "rank",
            "person__nik",
            "person__name",
            "kelurahan__name",
            "person__occupation__name",
            "kind",
            "score",
            "ended_on",
        )
    )
    if found is None:
        return _too_many(request, "programmes:selection_index")
    labels = dict(PlacementKind.choices)
    return _download(
        request,
        name=f"alokasi-{code}-{year}",
        note=f"Alokasi dan daftar cadangan {cycle}",
        columns=[
            ("Peringkat", NUMBER),
            ("NIK", TEXT),
            ("Nama", TEXT),
            ("Kelurahan", TEXT),
            ("Jenis pekerjaan", TEXT),
            ("Jenis", TEXT),
            ("Skor", NUMBER),
            ("Berakhir", DATE),
        ],
        rows=[
            (rank, mask_nik(nik), name, kel, job, str(labels.get(k, k)), score, ended)
            for _pk, _person, rank, nik, name, kel, job, k, score, ended in found
        ],
        persons=[row[1] for row in found],
        target_type="programmes.placement",
        target_ids=[row[0] for row in found],
    )


@requires(Capability.REVIEW_DUPLICATES)
def duplicates_xlsx(request: HttpRequest) -> HttpResponse:
    pairs = _capped(registry_selectors.open_duplicate_pairs(request.user))
    if pairs is None:
        return _too_many(request, "registry:duplicate_list")
    reason: Callable[[str], str] = lambda value: str(MatchReason(value).label)  # noqa: E731
    return _download(
        request,
        name="duplikat",
        note="Antrean duplikat",
        columns=[
            ("Skor", NUMBER),
            ("Pasti sama", TEXT),
            ("Yang cocok", TEXT),
            # As the queue says it: what each field added to the match weight.
            ("Bobot bukti per isian", TEXT),
            ("NIK pertama", TEXT),
            ("Nama pertama", TEXT),
            ("Kelurahan pertama", TEXT),
            ("NIK kedua", TEXT),
            ("Nama kedua", TEXT),
            ("Kelurahan kedua", TEXT),
        ],
        rows=[
            (
                round(pair.score, 3),
                "ya" if pair.is_exact else "tidak",
                ", ".join(reason(value) for value in pair.reasons),
                "; ".join(describe_evidence(pair.evidence)),
                mask_nik(pair.left.nik),
                pair.left.name,
                pair.left.kelurahan.name if pair.left.kelurahan else "",
                mask_nik(pair.right.nik),
                pair.right.name,
                pair.right.kelurahan.name if pair.right.kelurahan else "",
            )
            for pair in pairs
        ],
        persons=[pk for pair in pairs for pk in (pair.left_id, pair.right_id)],
        target_type="registry.duplicatepair",
        target_ids=[pair.pk for pair in pairs],
    )
