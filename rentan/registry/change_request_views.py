"""The change requests (usulan perubahan): the queue, one request with its diff and the
verifikator's decision, and the typed requests made from a person's page."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rentan.accounts.access import Capability, can, requires
from rentan.core.audit import record_read
from rentan.core.confirm import Consequences, ask_to_confirm, is_confirmed
from rentan.core.formatting import format_date
from rentan.regions.models import Area
from rentan.registry import change_request_services as requests_service
from rentan.registry import selectors
from rentan.registry.change_requests import DiffRow, Shown, diff_rows, overlapping_fields
from rentan.registry.forms import DATE_INPUTS
from rentan.registry.models import (
    ChangeRequest,
    ChangeRequestKind,
    ChangeRequestStatus,
    DeactivationReason,
    Occupation,
)
from rentan.registry.nik import Sex
from rentan.registry.person_fields import BY_NAME

# Decided requests shown under the pending ones: the latest; the rest are in each person's page.
DECIDED_SHOWN = 50


class DeactivationRequestForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Alasan"),
        choices=[(r.value, r.label) for r in requests_service.REQUESTABLE_REASONS],
    )
    on = forms.DateField(
        label=gettext_lazy("Tanggal"),
        input_formats=DATE_INPUTS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=gettext_lazy("Keterangan (mis. nomor akta kematian, surat pindah)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea({"rows": 2}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Alasan penolakan"),
        max_length=1000,
        widget=forms.Textarea({"rows": 2}),
    )


def shown_for(user: Any, values: list[dict[str, Any]]) -> Shown:
    """How values are shown to this user, with the names of the codes the values hold."""
    kelurahan = {str(value["kelurahan_code"]) for value in values if value.get("kelurahan_code")}
    kelurahan_names = dict(Area.objects.filter(code__in=kelurahan).values_list("code", "name"))
    occupation_names = dict(Occupation.objects.values_list("code", "name"))
    return Shown(
        may_see_nik=can(user, Capability.SEE_FULL_NIK),
        may_see_sensitive=can(user, Capability.SEE_SENSITIVE),
        occupation_name=lambda code: occupation_names.get(code, code),
        kelurahan_name=lambda code: kelurahan_names.get(code, code),
        sex_label=lambda code: str(Sex(code).label) if code in Sex.values else code,
        hidden=_("(tidak ditampilkan)"),
        yes=_("Ya"),
        no=_("Tidak"),
    )


def request_diff(user: Any, request: ChangeRequest, shown: Shown | None = None) -> list[DiffRow]:
    if request.kind == ChangeRequestKind.DEACTIVATION:
        return [
            DiffRow(
                name="is_active",
                label=_("Status"),
                before=_("Aktif"),
                after=_("Nonaktif: %(reason)s, per %(on)s")
                % {
                    "reason": request.get_deactivation_reason_display(),
                    "on": format_date(request.deactivated_on),
                },
            )
        ]
    shown = shown or shown_for(user, [request.before, request.proposed])
    return diff_rows(request.before, request.proposed, shown)


def summary(request: ChangeRequest) -> str:
    """The fields a request touches, by their Indonesian names, for lists."""
    if request.kind == ChangeRequestKind.DEACTIVATION:
        return str(request.get_deactivation_reason_display())
    return ", ".join(str(BY_NAME[name].label) for name in request.proposed if name in BY_NAME)


def listed(user: Any, requests: list[ChangeRequest]) -> list[dict[str, Any]]:
    if not requests:
        return []  # most person pages: no names of job types or kelurahan to read
    conflicts = selectors.conflicts_among(requests)
    shown = shown_for(user, [values for r in requests for values in (r.before, r.proposed)])
    return [
        {
            "request": request,
            "summary": summary(request),
            "diff": request_diff(user, request, shown),
            "conflicts": conflicts.get(request.pk, []),
        }
        for request in requests
    ]


@requires(Capability.VIEW_PERSONS)
def change_request_list(request: HttpRequest) -> HttpResponse:
    visible = selectors.change_requests_visible_to(request.user)
    pending = list(visible.pending().order_by("requested_at", "pk"))
    decided = list(
        visible.exclude(status=ChangeRequestStatus.PENDING).order_by("-decided_at", "-pk")[
            :DECIDED_SHOWN
        ]
    )
    return render(
        request,
        "registry/change_request_list.html",
        {
            "pending": listed(request.user, pending),
            "decided": listed(request.user, decided),
            "may_decide": can(request.user, Capability.VERIFY_PERSONS),
        },
    )


@requires(Capability.VIEW_PERSONS)
def change_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.change_request_for(request.user, pk)
    person = change.person
    household: list[Any] = []
    joining: list[Any] = []
    if "kk_number" in change.proposed:
        household = selectors.household_members(request.user, person)
        joining = list(
            selectors.persons_visible_to(request.user)
            .filter(household__kk_number=change.proposed["kk_number"] or "-")
            .exclude(pk=person.pk)
        )
    record_read(
        actor=request.user,
        persons=[person.pk, *(m.pk for m in household), *(m.pk for m in joining)],
        page=request.get_full_path(),
        note="Usulan perubahan data pekerja",
        target=person,
    )
    conflicts = selectors.conflicts_among([change]).get(change.pk, [])
    is_pending = change.status == ChangeRequestStatus.PENDING
    is_own = change.requested_by_id == request.user.pk
    return render(
        request,
        "registry/change_request_detail.html",
        {
            "change": change,
            "person": person,
            "diff": request_diff(request.user, change),
            "conflicts": conflicts,
            "household": household,
            "joining": joining,
            "joining_elsewhere": "kk_number" in change.proposed
            and selectors.kk_registered_elsewhere(
                request.user, str(change.proposed["kk_number"] or ""), excluding=person
            ),
            "may_decide": is_pending
            and not is_own
            and can(request.user, Capability.VERIFY_PERSONS),
            "may_withdraw": is_pending and is_own,
            "reject_form": RejectForm(),
        },
    )


def _approve_consequences(user: Any, change: ChangeRequest) -> Consequences:
    person = change.person
    effects = [
        _("%(kind)s untuk %(name)s (data #%(pk)s) diterapkan:")
        % {"kind": change.get_kind_display(), "name": person.name, "pk": person.pk},
        *(f"{row.label}: {row.before} → {row.after}" for row in request_diff(user, change)),
    ]
    conflicts = selectors.conflicts_among([change]).get(change.pk, [])
    stale = [
        other
        for other in ChangeRequest.objects.pending()
        .filter(person_id=person.pk)
        .exclude(pk=change.pk)
        if overlapping_fields(change.fields, other.fields)
    ]
    if stale:
        effects.append(
            _(
                "Usulan lain yang menunggu untuk data yang sama menjadi usang dan harus "
                "diajukan ulang bila masih perlu: %(requests)s."
            )
            % {"requests": ", ".join(f"#{other.pk}" for other in stale)}
        )
    elif conflicts:
        effects.append(_("Usulan yang bertentangan menjadi usang."))
    return Consequences(
        title=_("Setujui usulan perubahan?"),
        effects=effects,
        undo=_(
            "Perubahan tercatat di riwayat pekerja; membatalkannya perlu usulan baru yang "
            "diverifikasi lagi."
        ),
        confirm_label=_("Ya, setujui"),
        back_url=reverse("registry:change_request_detail", args=[change.pk]),
    )


@require_POST
@requires(Capability.VERIFY_PERSONS)
def change_request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.change_request_for(request.user, pk)
    if change.status == ChangeRequestStatus.PENDING and not is_confirmed(request):
        return ask_to_confirm(request, _approve_consequences(request.user, change))
    try:
        requests_service.approve_change_request(
            actor=request.user, request=change, context=selectors.registry_context()
        )
    except requests_service.ChangeRefused as refused:
        messages.error(request, str(refused))
        return redirect("registry:change_request_detail", pk=change.pk)
    messages.success(request, _("Usulan #%(pk)s disetujui dan diterapkan.") % {"pk": change.pk})
    return redirect("registry:change_request_list")


@require_POST
@requires(Capability.VERIFY_PERSONS)
def change_request_reject(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.change_request_for(request.user, pk)
    try:
        requests_service.reject_change_request(
            actor=request.user, request=change, reason=request.POST.get("reason", "")
        )
    except requests_service.ChangeRefused as refused:
        messages.error(request, str(refused))
        return redirect("registry:change_request_detail", pk=change.pk)
    messages.success(request, _("Usulan #%(pk)s ditolak.") % {"pk": change.pk})
    return redirect("registry:change_request_list")


@require_POST
@requires(Capability.EDIT_PERSONS)
def change_request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.change_request_for(request.user, pk)
    try:
        requests_service.withdraw_change_request(actor=request.user, request=change)
    except requests_service.ChangeRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Usulan #%(pk)s ditarik.") % {"pk": change.pk})
    return redirect("registry:change_request_detail", pk=change.pk)


@require_POST
@requires(Capability.EDIT_PERSONS)
def person_request_deactivation(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Died or moved", asked from the person's page by whoever may not deactivate directly."""
    person = selectors.person_for(request.user, pk)
    form = DeactivationRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Alasan dan tanggal wajib diisi."))
        return redirect("registry:person_detail", pk=person.pk)
    try:
        change = requests_service.request_deactivation(
            actor=request.user,
            person=person,
            reason=DeactivationReason(form.cleaned_data["reason"]),
            on=form.cleaned_data["on"],
            note=form.cleaned_data["note"],
        )
    except requests_service.ChangeRefused as refused:
        messages.error(request, str(refused))
        return redirect("registry:person_detail", pk=person.pk)
    messages.success(
        request,
        _("Usulan #%(pk)s dikirim ke verifikator; data berubah setelah disetujui.")
        % {"pk": change.pk},
    )
    return redirect("registry:change_request_detail", pk=change.pk)
