"""Pengaduan pages: thin shells over `selectors` (scoped reads) and `services` (audited
changes). A page showing a complaint about a person records that it showed their data."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rentan.accounts.access import Capability, can, kelurahan_scope, requires
from rentan.complaints import selectors, services
from rentan.complaints.deadlines import days_left, is_overdue
from rentan.complaints.forms import (
    AssignForm,
    ComplaintFilterForm,
    ComplaintForm,
    DeadlineForm,
    DecideForm,
    FollowUpForm,
)
from rentan.complaints.lifecycle import (
    Category,
    ComplaintRefused,
    ComplaintStatus,
    Decision,
    FollowUp,
    Reporter,
)
from rentan.complaints.models import Complaint
from rentan.core.audit import events_for, record_read
from rentan.core.formatting import format_date
from rentan.programmes.lifecycle import ALLOCATED, APPROVED, RUNNING
from rentan.programmes.models import Placement, PlacementKind

LIST_SIZE = 100


def _shown(request: HttpRequest, complaint: Complaint, note: str) -> None:
    if complaint.person_id is not None:
        record_read(
            actor=request.user,
            persons=[complaint.person_id],
            page=request.get_full_path(),
            note=f"{note} {complaint.number}",
            target=complaint,
        )


@requires(Capability.HANDLE_COMPLAINTS)
def complaint_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    is_dinas = kelurahan_scope(request.user) is None
    form = ComplaintFilterForm(
        request.GET or None,
        kelurahan=selectors.kelurahan_choices(request.user) if is_dinas else None,
    )
    filters = form.cleaned_data if form.is_valid() else None
    complaints = selectors.listed_complaints(request.user, filters, today=today)
    rows = [
        {
            "complaint": c,
            "overdue": is_overdue(c.due_on, is_open=c.is_open, today=today),
            "days_left": days_left(c.due_on, today) if c.is_open else None,
        }
        for c in complaints[:LIST_SIZE]
    ]
    return render(
        request,
        "complaints/complaint_list.html",
        {
            "form": form,
            "rows": rows,
            "total": complaints.count(),
            "list_size": LIST_SIZE,
            "load": selectors.load_per_kelurahan(request.user, today=today),
            "overdue_total": selectors.overdue(
                selectors.complaints_visible_to(request.user), today
            ).count(),
            "may_manage_deadlines": can(request.user, Capability.MANAGE_PROGRAMME),
        },
    )


@requires(Capability.HANDLE_COMPLAINTS)
def complaint_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    source = request.POST if request.method == "POST" else request.GET
    person = selectors.person_to_choose(user, source.get("pekerja"))
    search = (request.GET.get("q") or "").strip()
    found = selectors.persons_to_choose(user, search) if search and person is None else []
    form = ComplaintForm(
        request.POST if request.method == "POST" else None,
        initial={
            "received_on": timezone.localdate(),
            "reporter": Reporter.PERSON if person else Reporter.OTHER,
            "category": source.get("kategori") or Category.NOT_SELECTED,
            "appeals_number": source.get("banding", ""),
        },
        kelurahan=selectors.kelurahan_choices(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        appeals = None
        if data["appeals_number"].strip():
            appeals = (
                selectors.complaints_visible_to(user)
                .filter(number__iexact=data["appeals_number"].strip())
                .first()
            )
            if appeals is None:
                form.add_error(
                    "appeals_number",
                    _("Pengaduan nomor %(number)s tidak ditemukan.")
                    % {"number": data["appeals_number"].strip()},
                )
        kelurahan = next(
            (a for a in selectors.kelurahan_choices(user) if a.code == data["kelurahan"]), None
        )
        if not form.errors:
            try:
                complaint = services.record_complaint(
                    actor=user,
                    new=services.NewComplaint(
                        channel=data["channel"],
                        category=data["category"],
                        reporter=data["reporter"],
                        text=data["text"],
                        received_on=data["received_on"],
                        person=person,
                        reporter_name=data["reporter_name"],
                        reporter_contact=data["reporter_contact"],
                        kelurahan=kelurahan,
                        cycle=data["cycle"],
                        appeals=appeals,
                        lapor_reference=data["lapor_reference"],
                    ),
                )
            except ComplaintRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(
                    request,
                    _("Pengaduan dicatat dengan nomor %(number)s.") % {"number": complaint.number},
                )
                return redirect("complaints:complaint_detail", pk=complaint.pk)
    return render(
        request,
        "complaints/complaint_form.html",
        {"form": form, "person": person, "search": search, "found": found},
    )


def _standing_links(request: HttpRequest, complaint: Complaint) -> dict[str, Any]:
    """What the decision page offers for a complaint about a person in a cycle: the
    explanation, the person's data to correct, and where the rules allow a place, the page
    that gives it; each is the existing page and service, never an edit of the list."""
    cycle, person = complaint.cycle, complaint.person
    links: dict[str, Any] = {
        "may_explain": bool(cycle and person and can(request.user, Capability.READ_SELECTION)),
        "may_correct": bool(person and can(request.user, Capability.EDIT_PERSONS)),
        "may_reallocate": bool(
            cycle and cycle.status == ALLOCATED and can(request.user, Capability.MANAGE_PROGRAMME)
        ),
        "may_replace": False,
        "placement": None,
    }
    if cycle is not None and person is not None:
        placement = Placement.objects.filter(cycle=cycle, person=person).first()
        links["placement"] = placement
        links["may_replace"] = bool(
            placement is not None
            and placement.kind == PlacementKind.WAITING
            and cycle.status in (APPROVED, RUNNING)
            and can(request.user, Capability.MANAGE_ENROLLMENT)
        )
    return links


def _detail_context(request: HttpRequest, complaint: Complaint) -> dict[str, Any]:
    today = timezone.localdate()
    may_decide = can(request.user, Capability.DECIDE_COMPLAINTS)
    return {
        "complaint": complaint,
        "overdue": is_overdue(complaint.due_on, is_open=complaint.is_open, today=today),
        "days_left": days_left(complaint.due_on, today) if complaint.is_open else None,
        "history": events_for(complaint).exclude(action="view"),
        "appealed_by": list(
            selectors.complaints_visible_to(request.user).filter(appeals=complaint)
        ),
        "may_decide": may_decide,
        "assign_form": AssignForm(
            initial={"assignee": complaint.assigned_to_id},
            users=selectors.assignable_users(complaint),
        )
        if may_decide
        else None,
        "follow_up_form": FollowUpForm() if may_decide else None,
        "may_appeal": complaint.status in (ComplaintStatus.DECIDED, ComplaintStatus.CLOSED),
        "appeal_category": Category.APPEAL,
        "links": _standing_links(request, complaint),
    }


@requires(Capability.HANDLE_COMPLAINTS)
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_for(request.user, pk)
    _shown(request, complaint, "Pengaduan")
    return render(request, "complaints/complaint_detail.html", _detail_context(request, complaint))


@requires(Capability.HANDLE_COMPLAINTS)
def complaint_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The reporter's copy, to print: the number, the date, what was recorded, the due date."""
    complaint = selectors.complaint_for(request.user, pk)
    _shown(request, complaint, "Tanda terima pengaduan")
    return render(
        request,
        "complaints/receipt.html",
        {
            "complaint": complaint,
            "agency": settings.RENTAN_AGENCY_NAME
            or (complaint.cycle.programme.sponsor if complaint.cycle else ""),
            "printed_on": timezone.localdate(),
        },
    )


def _refused(request: HttpRequest, refused: ComplaintRefused) -> None:
    messages.error(request, str(refused))


@require_POST
@requires(Capability.DECIDE_COMPLAINTS)
def complaint_assign(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_for(request.user, pk)
    form = AssignForm(request.POST, users=selectors.assignable_users(complaint))
    if not form.is_valid():
        messages.error(request, _("Pilih petugas yang ditugaskan."))
    else:
        try:
            services.assign_complaint(
                actor=request.user, complaint=complaint, assignee=form.cleaned_data["assignee"]
            )
        except ComplaintRefused as refused:
            _refused(request, refused)
        else:
            messages.success(
                request,
                _("Pengaduan ditugaskan kepada %(name)s.")
                % {"name": form.cleaned_data["assignee"].display_name},
            )
    return redirect("complaints:complaint_detail", pk=complaint.pk)


@require_POST
@requires(Capability.DECIDE_COMPLAINTS)
def complaint_review(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_for(request.user, pk)
    try:
        services.start_review(actor=request.user, complaint=complaint)
    except ComplaintRefused as refused:
        _refused(request, refused)
    else:
        messages.success(request, _("Pengaduan mulai ditinjau."))
    return redirect("complaints:complaint_detail", pk=complaint.pk)


@requires(Capability.DECIDE_COMPLAINTS)
def complaint_decide(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_for(request.user, pk)
    form = DecideForm(
        request.POST if request.method == "POST" else None,
        initial={"on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_complaint(
                actor=request.user,
                complaint=complaint,
                decision=Decision(form.cleaned_data["decision"]),
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["on"],
            )
        except ComplaintRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                _("Pengaduan %(number)s diputus: %(decision)s, %(on)s.")
                % {
                    "number": complaint.number,
                    "decision": Decision(form.cleaned_data["decision"]).label,
                    "on": format_date(form.cleaned_data["on"]),
                },
            )
            return redirect("complaints:complaint_detail", pk=complaint.pk)
    _shown(request, complaint, "Putusan pengaduan")
    context = _detail_context(request, complaint)
    context["form"] = form
    context["recheck"] = services.recheck_verdict(complaint)
    return render(request, "complaints/complaint_decide.html", context)


@require_POST
@requires(Capability.DECIDE_COMPLAINTS)
def complaint_close(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_for(request.user, pk)
    try:
        services.close_complaint(actor=request.user, complaint=complaint, on=timezone.localdate())
    except ComplaintRefused as refused:
        _refused(request, refused)
    else:
        messages.success(request, _("Pengaduan selesai."))
    return redirect("complaints:complaint_detail", pk=complaint.pk)


@require_POST
@requires(Capability.DECIDE_COMPLAINTS)
def complaint_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.complaint_for(request.user, pk)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih tindak lanjut yang sudah dilakukan."))
    else:
        try:
            services.record_follow_up(
                actor=request.user,
                complaint=complaint,
                follow_up=FollowUp(form.cleaned_data["follow_up"]),
                note=form.cleaned_data["note"],
            )
        except ComplaintRefused as refused:
            _refused(request, refused)
        else:
            messages.success(request, _("Tindak lanjut dicatat."))
    return redirect("complaints:complaint_detail", pk=complaint.pk)


@requires(Capability.MANAGE_PROGRAMME)
def deadlines(request: HttpRequest) -> HttpResponse:
    form = DeadlineForm(
        request.POST if request.method == "POST" else None,
        initial={"effective_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.set_deadline(
            actor=request.user,
            category=Category(data["category"]),
            days=data["days"],
            effective_on=data["effective_on"],
            reference=data["reference"],
        )
        messages.success(
            request,
            _("Batas waktu %(category)s: %(days)s hari sejak %(on)s.")
            % {
                "category": Category(data["category"]).label,
                "days": data["days"],
                "on": format_date(data["effective_on"]),
            },
        )
        return redirect("complaints:deadlines")
    return render(
        request,
        "complaints/deadlines.html",
        {"form": form, "deadlines": selectors.deadline_table()},
    )
