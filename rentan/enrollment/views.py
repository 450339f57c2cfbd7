"""Kepesertaan, Iuran & Tagihan, Klaim: thin pages over the selectors and services."""

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rentan.accounts.access import Capability, can, requires
from rentan.core import background
from rentan.core.audit import record_read
from rentan.core.confirm import Consequences, ask_to_confirm, is_confirmed
from rentan.core.exports import attachment_disposition
from rentan.core.formatting import format_date, format_month, format_number, format_rupiah
from rentan.core.pages import page_by_ids
from rentan.enrollment import billing, selectors, services, tasks
from rentan.enrollment.bpjs_files import DEFAULT_COLUMNS, FileNotReadable, columns_to_data
from rentan.enrollment.claims import documents_for
from rentan.enrollment.forms import (
    BillUploadForm,
    ClaimForm,
    ClaimUpdateForm,
    EndForm,
    MappingFormSet,
    PaymentForm,
    ReplacementForm,
    SheetForm,
    UploadForm,
)
from rentan.enrollment.models import (
    Bill,
    Claim,
    ClaimKind,
    ClaimStatus,
    ExchangeFile,
    ExchangeKind,
    Membership,
)
from rentan.enrollment.services import bills as bill_services
from rentan.enrollment.services import claims as claim_services
from rentan.enrollment.services import exchange_files as file_services
from rentan.enrollment.services import memberships as membership_services
from rentan.enrollment.states import EndReason, MembershipStatus, TransitionRefused
from rentan.programmes.models import Cycle, Placement, Programme
from rentan.registry.models import ROSTER_NAME_ORDER
from rentan.registry.nik import mask_nik

PAGE_SIZE = 50
_STATE_WARNINGS = (billing.WarningKind.LAPSED, billing.WarningKind.HEADING_FOR_LAPSE)
# What the roster's table shows of a membership and its person (memberships.html).
_ROSTER_COLUMNS = (
    "status",
    "kpj_number",
    "start_on",
    "rejection_reason",
    "ended_on",
    "end_reason",
    "person",
    "person__name",
    "person__nik",
)


def _cycle(request: HttpRequest) -> Cycle | None:
    return selectors.chosen_cycle(request.GET.get("periode") or request.POST.get("periode"))


def _back(cycle: Cycle | None, name: str = "enrollment:memberships") -> HttpResponse:
    url = reverse(name)
    return redirect(f"{url}?periode={cycle.pk}" if cycle else url)


def _back_from_upload(request: HttpRequest, cycle: Cycle | None, name: str) -> HttpResponse:
    """Back to the page the upload came from: the BPJS files page, or the Dinas's own
    page (which the branch officer may not open)."""
    if request.POST.get("asal") == "berkas" or not can(request.user, Capability.MANAGE_ENROLLMENT):
        return _back(cycle, "enrollment:exchange_files")
    return _back(cycle, name)


@requires(Capability.VIEW_ENROLLED_ROSTER)
def memberships(request: HttpRequest) -> HttpResponse:
    cycle = _cycle(request)
    manage = can(request.user, Capability.MANAGE_ENROLLMENT)
    visible = selectors.memberships_visible_to(request.user)
    context: dict[str, Any] = {
        "cycle": cycle,
        "cycles": selectors.enrollment_cycles(),
        "manage": manage,
    }
    if cycle is not None:
        in_cycle = visible.filter(cycle=cycle)
        status = request.GET.get("status", "")
        text = request.GET.get("q", "").strip()
        shown = selectors.memberships_with_status(in_cycle, status, text)
        counts = selectors.status_counts(in_cycle)
        # By name, read from an index beside each member's id; the page's rows carry the
        # columns the table shows and nothing else: the cycle and its programme (rules and
        # weights as JSON) are the page's own. Without a search the status counts already
        # hold the rows' number: no second COUNT over the roster.
        page = page_by_ids(
            shown.select_related(None).select_related("person").order_by(ROSTER_NAME_ORDER, "id"),
            request.GET.get("page"),
            size=PAGE_SIZE,
            columns=_ROSTER_COLUMNS,
            count=None
            if text
            else (counts[status] if status in MembershipStatus.values else sum(counts.values())),
            searched=bool(text),
        )
        context |= {
            "page": page,
            "status": status,
            "text": text,
            # The branch officer's roster holds only members the branch made: their states.
            "states": [
                (s.value, s.label, counts[s.value])
                for s in MembershipStatus
                if manage or s in (MembershipStatus.ACTIVE, MembershipStatus.ENDED)
            ],
            "total": sum(counts.values()),
            "query": urlencode({"periode": cycle.pk, "status": status, "q": text}),
        }
        if manage:
            context |= {
                "export_state": background.state(tasks.registration_key(cycle.pk)),
                "unenrolled": selectors.placements_awaiting_membership(cycle).count(),
                "sendable": selectors.sendable_memberships(cycle).count(),
                "files": ExchangeFile.objects.filter(cycle=cycle)
                .exclude(kind=ExchangeKind.BILL)
                .defer("content", "results")[:20],
                "other_replies": ExchangeFile.objects.filter(
                    kind=ExchangeKind.REPLY, cycle__isnull=True
                ).defer("content", "results")[:10],
                "proposals": selectors.replacement_proposals(cycle),
                "reply_form": UploadForm(),
                "replacement_form": ReplacementForm(),
            }
    return render(request, "enrollment/memberships.html", context)


@require_POST
@requires(Capability.MANAGE_ENROLLMENT)
def create_memberships(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_object_or_404(selectors.enrollment_cycles(), pk=cycle_id)
    try:
        created = membership_services.create_memberships(
            actor=request.user, cycle=cycle, today=timezone.localdate()
        )
        messages.success(
            request, _("%(n)s kepesertaan ditetapkan.") % {"n": format_number(created)}
        )
    except services.EnrollmentRefused as refused:
        messages.error(request, str(refused))
    return _back(cycle)


@require_POST
@requires(Capability.MANAGE_ENROLLMENT)
def export_registration(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """A file of up to RENTAN_BACKGROUND_EXPORT_ROWS people is made at once; a larger one by
    the worker, while the progress page shows how far it has got."""
    cycle = get_object_or_404(selectors.enrollment_cycles(), pk=cycle_id)
    sendable = selectors.sendable_memberships(cycle)
    # The branch refuses a row without a required field a month later: warn before writing,
    # and on confirmation make the file of the complete members only (the others stay
    # ditetapkan and go in a later file once their data is fixed).
    complete_only = request.POST.get("lengkap_saja") == "1"
    if not complete_only:
        incomplete = selectors.incomplete_registrations(sendable, selectors.columns_for(cycle)[0])
        if incomplete:
            return _incomplete_warning(request, cycle, sendable.count(), incomplete)
    if sendable.count() > settings.RENTAN_BACKGROUND_EXPORT_ROWS:
        if not tasks.ask_for_registration_file(
            cycle=cycle, actor=request.user, today=timezone.localdate(), complete_only=complete_only
        ):
            messages.info(request, _("Berkas pendaftaran periode ini sudah sedang dibuat."))
        return redirect("enrollment:export_progress", cycle_id=cycle.pk)
    try:
        exchange = file_services.export_registration(
            actor=request.user, cycle=cycle, today=timezone.localdate(), complete_only=complete_only
        )
    except services.EnrollmentRefused as refused:
        messages.error(request, str(refused))
        return _back(cycle)
    messages.success(
        request,
        _("Berkas pendaftaran berisi %(n)s peserta siap diunduh dan dikirim ke BPJS.")
        % {"n": format_number(exchange.rows)},
    )
    return redirect("enrollment:exchange_detail", pk=exchange.pk)


# Members named on the warning page; the count says how many more there are.
INCOMPLETE_SHOWN = 200


def _incomplete_warning(
    request: HttpRequest,
    cycle: Cycle,
    sendable: int,
    incomplete: list[selectors.IncompleteMember],
) -> HttpResponse:
    """Before writing: who would be refused by the branch for a missing field, each with a
    link to complete their data, and the choice of a file of the complete members only."""
    shown = incomplete[:INCOMPLETE_SHOWN]
    # The page names the persons (masked NIK, name): a read of their data.
    record_read(
        actor=request.user,
        persons=[member.person_id for member in shown],
        page=request.get_full_path(),
        note=_("Peserta belum lengkap untuk berkas pendaftaran %(cycle)s") % {"cycle": cycle},
        target=cycle,
    )
    return render(
        request,
        "enrollment/registration_incomplete.html",
        {
            "cycle": cycle,
            "incomplete": shown,
            "incomplete_count": len(incomplete),
            "complete_count": sendable - len(incomplete),
            "may_edit_persons": can(request.user, Capability.EDIT_PERSONS),
        },
    )


@requires(Capability.MANAGE_ENROLLMENT)
def export_progress(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The registration file being made in the background: its progress (htmx asks again
    every second), then the file to download, or why it failed with a button to try again."""
    cycle = get_object_or_404(selectors.enrollment_cycles(), pk=cycle_id)
    state = background.followed(
        tasks.registration_key(cycle.pk),
        lost=_(
            "Pemroses latar belakang berhenti sebelum berkas selesai. Tidak ada kepesertaan "
            "yang berubah; coba lagi."
        ),
    )
    exchange = None
    if state.get("state") == "done":
        exchange = (
            ExchangeFile.objects.defer("content", "results")
            .filter(pk=state["exchange"], kind=ExchangeKind.REGISTRATION)
            .first()
        )
    return render(
        request,
        "enrollment/_export_progress.html"
        if request.headers.get("HX-Request")
        else "enrollment/export_progress.html",
        {"cycle": cycle, "state": state, "exchange": exchange},
    )


@requires(Capability.EXCHANGE_BPJS_FILES)
def exchange_files(request: HttpRequest) -> HttpResponse:
    """The files both ways with the BPJS branch in one place: the registration files the
    Dinas made, to download; the branch's replies and bills, to upload; what each row did."""
    cycle = _cycle(request)
    files = ExchangeFile.objects.select_related("cycle__programme", "created_by").defer(
        "content", "results"
    )
    if cycle is not None:
        files = files.filter(Q(cycle=cycle) | Q(cycle__isnull=True))
    bills = (
        {bill.file_id: bill.pk for bill in Bill.objects.filter(cycle=cycle).only("pk", "file_id")}
        if cycle is not None
        else {}
    )
    today = timezone.localdate()
    return render(
        request,
        "enrollment/exchange_files.html",
        {
            "cycle": cycle,
            "cycles": selectors.enrollment_cycles(),
            "files": [(f, bills.get(f.pk)) for f in files[:100]],
            "reply_form": UploadForm(),
            "bill_form": BillUploadForm(initial={"month": f"{today:%Y-%m}"}),
        },
    )


@require_POST
@requires(Capability.EXCHANGE_BPJS_FILES)
def import_reply(request: HttpRequest) -> HttpResponse:
    cycle = _cycle(request)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(str(e) for e in form.errors.get("file", []))
            or _("Pilih berkas balasan BPJS (.xlsx)."),
        )
        return _back_from_upload(request, cycle, "enrollment:memberships")
    upload = form.cleaned_data["file"]
    try:
        result = file_services.import_bpjs_reply(
            actor=request.user,
            content=upload.read(),
            filename=upload.name,
            today=timezone.localdate(),
        )
    except FileNotReadable as refused:
        messages.error(request, str(refused))
        return _back_from_upload(request, cycle, "enrollment:memberships")
    messages.success(
        request,
        _("Balasan BPJS diimpor: %(a)s aktif, %(r)s ditolak, %(p)s baris bermasalah.")
        % {
            "a": format_number(result.activated),
            "r": format_number(result.rejected),
            "p": format_number(len(result.problems)),
        },
    )
    return redirect("enrollment:exchange_detail", pk=result.exchange.pk)


@requires(Capability.EXCHANGE_BPJS_FILES)
def exchange_detail(request: HttpRequest, pk: int) -> HttpResponse:
    exchange = get_object_or_404(
        ExchangeFile.objects.defer("content").select_related("cycle__programme"), pk=pk
    )
    problems = [r for r in exchange.results if r.get("outcome") == "problem"]
    bill = Bill.objects.filter(file=exchange).only("pk").first()
    return render(
        request,
        "enrollment/exchange_detail.html",
        {
            "exchange": exchange,
            "problems": problems,
            "rows_shown": exchange.row_results()[:200],
            "bill": bill,
            "manage": can(request.user, Capability.MANAGE_ENROLLMENT),
        },
    )


@requires(Capability.EXCHANGE_BPJS_FILES)
def exchange_download(request: HttpRequest, pk: int) -> HttpResponse:
    exchange = get_object_or_404(ExchangeFile, pk=pk, kind=ExchangeKind.REGISTRATION)
    response = HttpResponse(
        file_services.download_registration_file(actor=request.user, exchange=exchange),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = attachment_disposition(exchange.filename)
    return response


@requires(Capability.MANAGE_ENROLLMENT)
def registration_mapping(request: HttpRequest, programme_id: int) -> HttpResponse:
    """The registration file's columns, matched to the branch's own template on a page."""
    programme = get_object_or_404(Programme, pk=programme_id)
    back = request.GET.get("periode", "")
    back = back if back.isdigit() else ""
    here = reverse("enrollment:mapping", args=[programme.pk]) + (f"?periode={back}" if back else "")
    if request.method == "POST" and "reset" in request.POST:
        file_services.save_registration_mapping(
            actor=request.user, programme=programme, columns=DEFAULT_COLUMNS
        )
        messages.success(request, _("Susunan kolom dikembalikan ke bawaan."))
        return redirect(here)
    columns, sheet_name = selectors.programme_columns(programme.pk)
    data = request.POST if request.method == "POST" else None
    sheet_form = SheetForm(data, initial={"sheet_name": sheet_name})
    formset = MappingFormSet(
        data,
        initial=[
            {**column, "order": n} for n, column in enumerate(columns_to_data(columns), start=1)
        ],
    )
    if data is not None and sheet_form.is_valid() and formset.is_valid():
        file_services.save_registration_mapping(
            actor=request.user,
            programme=programme,
            columns=formset.columns(),
            sheet_name=sheet_form.cleaned_data["sheet_name"],
        )
        messages.success(request, _("Susunan kolom berkas pendaftaran disimpan."))
        return redirect(here)
    return render(
        request,
        "enrollment/mapping.html",
        {
            "programme": programme,
            "columns": columns,
            "sheet_form": sheet_form,
            "formset": formset,
            "back": back,
        },
    )


@requires(Capability.VIEW_ENROLLED_ROSTER)
def membership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(selectors.memberships_visible_to(request.user), pk=pk)
    manage = can(request.user, Capability.MANAGE_ENROLLMENT)
    return render(
        request,
        "enrollment/membership_detail.html",
        {
            "membership": membership,
            "changes": membership.changes.select_related("actor").order_by("at", "id"),
            "claims": membership.claims.all(),
            "manage": manage,
            "end_form": EndForm(initial={"on": timezone.localdate()}),
        },
    )


def _end_consequences(
    membership: Membership, reason: EndReason, cleaned: dict[str, Any]
) -> Consequences:
    effects = [
        _(
            "Kepesertaan %(name)s (NIK %(nik)s, KPJ %(kpj)s, %(cycle)s) berhenti per "
            "%(on)s dengan alasan: %(reason)s."
        )
        % {
            "name": membership.person.name,
            "nik": membership.person.masked_nik,
            "kpj": membership.kpj_number or "-",
            "cycle": membership.cycle,
            "on": format_date(cleaned["on"]),
            "reason": reason.label,
        },
        _(
            "Iuran tidak dihitung lagi mulai bulan sesudah tanggal berhenti; riwayat status, "
            "klaim dan data pekerjanya tetap tersimpan."
        ),
        _("Tempatnya dapat diisi pengganti dari daftar cadangan di halaman Kepesertaan."),
    ]
    if cleaned["note"]:
        effects.append(_("Keterangan: %(note)s") % {"note": cleaned["note"]})
    return Consequences(
        title=_("Hentikan kepesertaan?"),
        effects=effects,
        undo=_(
            "Tidak dapat diurungkan: kepesertaan yang berhenti tidak dapat diaktifkan lagi; "
            "untuk melindunginya kembali ia harus didaftarkan lagi."
        ),
        confirm_label=_("Ya, hentikan kepesertaan"),
        back_url=reverse("enrollment:membership_detail", args=[membership.pk]),
    )


@require_POST
@requires(Capability.MANAGE_ENROLLMENT)
def end_membership(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership, pk=pk)
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Isi alasan dan tanggal berhenti."))
        return redirect("enrollment:membership_detail", pk=pk)
    reason = EndReason(form.cleaned_data["reason"])
    if not is_confirmed(request):
        return ask_to_confirm(request, _end_consequences(membership, reason, form.cleaned_data))
    try:
        membership_services.end_membership(
            actor=request.user,
            membership=membership,
            reason=reason,
            on=form.cleaned_data["on"],
            note=form.cleaned_data["note"],
        )
    except (TransitionRefused, services.EnrollmentRefused) as refused:
        messages.error(request, str(refused))
        return redirect("enrollment:membership_detail", pk=pk)
    if reason == EndReason.DIED:
        messages.warning(
            request,
            _("Peserta meninggal dunia: ajukan klaim JKM untuk ahli waris (nomor KPJ %(kpj)s).")
            % {"kpj": membership.kpj_number or "-"},
        )
        wanted = urlencode({"peserta": membership.pk, "jenis": ClaimKind.JKM_DEATH.value})
        return redirect(f"{reverse('enrollment:claims')}?{wanted}")
    messages.success(request, _("Kepesertaan dihentikan."))
    return redirect("enrollment:membership_detail", pk=pk)


@require_POST
@requires(Capability.MANAGE_ENROLLMENT)
def approve_replacement(request: HttpRequest, pk: int) -> HttpResponse:
    ended = get_object_or_404(Membership, pk=pk)
    form = ReplacementForm(request.POST)
    waiting = Placement.objects.filter(pk=request.POST.get("placement") or 0).first()
    if not form.is_valid() or waiting is None:
        messages.error(request, _("Penggantian memerlukan calon pengganti dan alasan."))
        return _back(ended.cycle)
    try:
        membership_services.approve_replacement(
            actor=request.user,
            ended=ended,
            waiting=waiting,
            reason=form.cleaned_data["reason"],
            today=timezone.localdate(),
        )
        messages.success(
            request, _("%(name)s ditetapkan sebagai pengganti.") % {"name": waiting.person.name}
        )
    except services.EnrollmentRefused as refused:
        messages.error(request, str(refused))
    return _back(ended.cycle)


@requires(Capability.MANAGE_ENROLLMENT)
def billing_overview(request: HttpRequest) -> HttpResponse:
    cycle = _cycle(request)
    context: dict[str, Any] = {"cycle": cycle, "cycles": selectors.enrollment_cycles()}
    if cycle is not None:
        today = timezone.localdate()
        covers = selectors.cycle_covers(cycle)
        bills = selectors.expected_bills(cycle, covers)
        imported = {b.month: b for b in Bill.objects.filter(cycle=cycle)}
        payments = {p.month: p for p in selectors.payments_of(cycle)}
        rows = []
        for expected in bills:
            bill = imported.get(expected.month)
            rows.append(
                {
                    "expected": expected,
                    "bill": bill,
                    "summary": bill.file.summary if bill else None,
                    "payment": payments.get(expected.month),
                    "key": f"{expected.month:%Y-%m}",
                }
            )
        cost = billing.CycleCost(
            months=[b for b in bills if b.month <= today], budget_ceiling=cycle.budget_ceiling
        )
        warnings = billing.payment_warnings(bills, paid_months=set(payments), today=today)
        # Members lapsed or heading for a lapse are a state, not news each month: only the
        # latest count of each is shown, and a "heading for" older than the latest lapse is
        # past (every unpaid month keeps its own line).
        latest = {w.kind: w for w in warnings if w.kind in _STATE_WARNINGS}
        lapsed = latest.get(billing.WarningKind.LAPSED)
        heading = latest.get(billing.WarningKind.HEADING_FOR_LAPSE)
        if lapsed and heading and heading.month < lapsed.month:
            del latest[billing.WarningKind.HEADING_FOR_LAPSE]
        warnings = [w for w in warnings if w.kind not in _STATE_WARNINGS or latest.get(w.kind) is w]
        context |= {
            "rows": rows,
            "cost": cost,
            "full_year": sum(b.total for b in bills),
            "warnings": warnings,
            "has_members": bool(covers),
            "bill_form": BillUploadForm(initial={"month": f"{today:%Y-%m}"}),
            "payment_form": PaymentForm(initial={"paid_on": today}),
        }
    return render(request, "enrollment/billing.html", context)


@require_POST
@requires(Capability.EXCHANGE_BPJS_FILES)
def import_bill(request: HttpRequest) -> HttpResponse:
    cycle = _cycle(request)
    form = BillUploadForm(request.POST, request.FILES)
    if cycle is None or not form.is_valid():
        messages.error(
            request,
            " ".join(str(e) for e in form.errors.get("file", []))
            or _("Pilih bulan dan berkas surat tagihan (.xlsx)."),
        )
        return _back_from_upload(request, cycle, "enrollment:billing")
    upload = form.cleaned_data["file"]
    try:
        bill = bill_services.import_bpjs_bill(
            actor=request.user,
            cycle=cycle,
            month=form.cleaned_data["month"],
            content=upload.read(),
            filename=upload.name,
        )
    except (FileNotReadable, bill_services.BillRejected, services.EnrollmentRefused) as refused:
        messages.error(request, str(refused))
        return _back_from_upload(request, cycle, "enrollment:billing")
    messages.success(request, _("Surat tagihan %(m)s diimpor.") % {"m": format_month(bill.month)})
    return redirect("enrollment:bill_detail", pk=bill.pk)


@requires(Capability.EXCHANGE_BPJS_FILES)
def bill_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bill = get_object_or_404(Bill.objects.select_related("cycle", "file"), pk=pk)
    result = selectors.bill_reconciliation(bill)
    niks = [d.nik for d in result.differences]
    people = {
        m.person.nik: m
        for m in Membership.objects.filter(cycle=bill.cycle, person__nik__in=niks).select_related(
            "person"
        )
    }
    lines = [
        {
            "difference": d,
            "membership": people.get(d.nik),
            "masked": mask_nik(d.nik),
        }
        for d in result.differences
    ]
    return render(
        request,
        "enrollment/bill_detail.html",
        {
            "bill": bill,
            "result": result,
            "lines": lines,
            "manage": can(request.user, Capability.MANAGE_ENROLLMENT),
        },
    )


@require_POST
@requires(Capability.MANAGE_ENROLLMENT)
def record_payment(request: HttpRequest, cycle_id: int, month: str) -> HttpResponse:
    cycle = get_object_or_404(selectors.enrollment_cycles(), pk=cycle_id)
    try:
        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
    except ValueError as bad:
        raise Http404 from bad
    form = PaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Isi jumlah dan tanggal pembayaran."))
        return _back(cycle, "enrollment:billing")
    try:
        bill_services.record_payment(
            actor=request.user, cycle=cycle, month=first, **form.cleaned_data
        )
        messages.success(
            request,
            _("Pembayaran iuran %(m)s sebesar %(a)s dicatat.")
            % {"m": format_month(first), "a": format_rupiah(form.cleaned_data["amount"])},
        )
    except services.EnrollmentRefused as refused:
        messages.error(request, str(refused))
    return _back(cycle, "enrollment:billing")


@requires(Capability.VIEW_ENROLLED_ROSTER)
def claims(request: HttpRequest) -> HttpResponse:
    """The claims, searchable by the member's name or NIK; and, for those who handle claims,
    a new one recorded for a member found by name, NIK or KPJ number and picked."""
    handle = can(request.user, Capability.HANDLE_CLAIMS)
    if request.method == "POST" and not handle:
        raise PermissionDenied
    members = selectors.claimable_memberships(request.user)
    chosen_pk = request.POST.get("membership") or request.GET.get("peserta", "")
    chosen = members.filter(pk=chosen_pk).first() if chosen_pk.isdigit() else None
    kind = request.GET.get("jenis", "")
    form = ClaimForm(
        request.POST or None,
        members=members,
        initial={
            "membership": chosen.pk if chosen else None,
            "kind": kind if kind in ClaimKind.values else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        claim = claim_services.record_claim(
            actor=request.user,
            membership=form.cleaned_data["membership"],
            kind=ClaimKind(form.cleaned_data["kind"]),
            event_on=form.cleaned_data["event_on"],
            note=form.cleaned_data["note"],
        )
        if not claim.was_active_on_event:
            messages.warning(
                request,
                _("Peserta tidak aktif pada tanggal kejadian: klaim tidak dapat dibayar."),
            )
        return redirect("enrollment:claim_detail", pk=claim.pk)
    member_text = request.GET.get("anggota", "").strip()
    found = (
        selectors.memberships_matching(members, member_text).order_by(
            ROSTER_NAME_ORDER, "-cycle__year", "id"
        )[:20]
        if handle and member_text
        else []
    )
    text = request.GET.get("q", "").strip()
    shown = selectors.claims_matching(selectors.claims_visible_to(request.user), text)
    deaths_without_claim = (
        selectors.memberships_visible_to(request.user)
        .filter(end_reason=EndReason.DIED)
        .annotate(
            has_jkm=Exists(
                Claim.objects.filter(membership=OuterRef("pk"), kind=ClaimKind.JKM_DEATH)
            )
        )
        .filter(has_jkm=False)
        if handle
        else []
    )
    return render(
        request,
        "enrollment/claims.html",
        {
            "claims": shown[:200],
            "text": text,
            "form": form,
            "handle": handle,
            "member_text": member_text,
            "found": found,
            "chosen": chosen,
            "deaths_without_claim": deaths_without_claim,
        },
    )


@requires(Capability.VIEW_ENROLLED_ROSTER)
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    handle = can(request.user, Capability.HANDLE_CLAIMS)
    claim = get_object_or_404(selectors.claims_visible_to(request.user), pk=pk)
    form = ClaimUpdateForm(
        request.POST or None,
        initial={"status": claim.status, "benefit_paid": claim.benefit_paid},
    )
    if request.method == "POST":
        if not handle:
            raise PermissionDenied
        if form.is_valid():
            try:
                claim_services.update_claim(
                    actor=request.user,
                    claim=claim,
                    status=ClaimStatus(form.cleaned_data["status"]),
                    benefit_paid=form.cleaned_data["benefit_paid"],
                )
                messages.success(request, _("Klaim diperbarui."))
                return redirect("enrollment:claim_detail", pk=pk)
            except services.EnrollmentRefused as refused:
                form.add_error("benefit_paid", str(refused))
    return render(
        request,
        "enrollment/claim_detail.html",
        {
            "claim": claim,
            "documents": documents_for(claim.kind),
            "form": form,
            "handle": handle,
        },
    )
