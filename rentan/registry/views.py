from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rentan.accounts.access import Capability, can, kelurahan_scope, requires
from rentan.core.audit import events_for, reads_of, record_read
from rentan.core.confirm import Consequences, ask_to_confirm, is_confirmed
from rentan.core.formatting import format_date
from rentan.core.keyset import bounded_count, estimated_rows, keyset_page
from rentan.core.models import AuditAction
from rentan.registry import selectors, services
from rentan.registry.forms import DeactivateForm, PersonForm, PersonSearchForm
from rentan.registry.models import DeactivationReason, Person
from rentan.registry.nik import mask_nik
from rentan.registry.person_fields import AS_IS
from rentan.registry.verification import VerificationCheck

PAGE_SIZE = 25
# Above this many matches a list says "more than" instead of counting them all.
COUNT_CAP = 1000
# The latest reads of a person's data shown on their page; the rest are on the Audit page.
VIEWERS_SHOWN = 10


@requires(Capability.VIEW_PERSONS)
def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None, user=request.user)
    persons = selectors.listed_persons(request.user, form.cleaned_data if form.is_valid() else None)
    visible = selectors.persons_visible_to(request.user)
    page = keyset_page(
        persons,
        field="name",
        size=PAGE_SIZE,
        after=_cursor(visible, request.GET.get("sesudah")),
        before=_cursor(visible, request.GET.get("sebelum")),
    )
    searched = form.is_valid() and bool(form.cleaned_data["q"].strip())
    whole_registry = (
        not any(request.GET.get(f) for f in form.fields) and kelurahan_scope(request.user) is None
    )
    # The whole registry on PostgreSQL: its estimate, not a count of a million rows.
    estimate = None
    if not page.has_previous and not page.has_next:
        # Every match is on this page.
        total, more = len(page), False
    elif whole_registry and (estimate := estimated_rows(Person)) and estimate > COUNT_CAP:
        total, more = COUNT_CAP, True
    else:
        estimate = None
        # A search by name or NIK says only "more than a page" when it has a next page: its
        # count would read every match (a bitmap of a third of the registry for "siti"),
        # where the page itself stops after 26 of them.
        total, more = bounded_count(
            persons,
            PAGE_SIZE if searched else COUNT_CAP,
            at_least=len(page) + page.has_next,
        )
    query = request.GET.copy()
    query.pop("sesudah", None)
    query.pop("sebelum", None)
    template = (
        "registry/_person_rows.html"
        if request.headers.get("HX-Request")
        else ("registry/person_list.html")
    )
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "total": total,
            "total_is_more": more,
            "estimate": estimate,
            "may_add": can(request.user, Capability.EDIT_PERSONS),
        },
    )


def _cursor(visible: Any, pk: str | None) -> Person | None:
    """The row a page starts after or ends before, among the persons the user may see."""
    if not pk or not pk.isdigit():
        return None
    return visible.select_related(None).only("pk", "name").filter(pk=int(pk)).first()


@requires(Capability.VIEW_PERSONS)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    household = selectors.household_members(request.user, person)
    record_read(
        actor=request.user,
        persons=[person.pk, *(member.pk for member in household)],
        page=request.get_full_path(),
        note="Halaman pekerja (dengan anggota keluarga)",
        target=person,
    )
    history = events_for(person).exclude(action__in=[AuditAction.VIEW_NIK, AuditAction.VIEW])
    may_read_audit = can(request.user, Capability.READ_AUDIT)
    may_verify = can(request.user, Capability.VERIFY_PERSONS)
    verification = (
        selectors.verification_outcomes(person)
        if may_verify and person.is_active and not person.is_verified
        else []
    )
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "history": history,
            "household": household,
            "household_elsewhere": person.household is not None
            and selectors.kk_registered_elsewhere(
                request.user, person.household.kk_number, excluding=person
            ),
            "viewers": reads_of(person.pk)[:VIEWERS_SHOWN] if may_read_audit else [],
            "may_edit": can(request.user, Capability.EDIT_PERSONS),
            "may_verify": may_verify,
            "verification": verification,
            "verification_failed": any(not outcome.is_passed for outcome in verification),
            "may_deactivate": can(request.user, Capability.DEACTIVATE_PERSONS),
            "may_see_nik": can(request.user, Capability.SEE_FULL_NIK),
            "may_see_sensitive": can(request.user, Capability.SEE_SENSITIVE),
            "may_read_audit": may_read_audit,
            "deactivate_form": DeactivateForm(),
        },
    )


def _save_person(request: HttpRequest, person: Person | None) -> HttpResponse:
    context = selectors.registry_context()
    initial: dict[str, Any] = {}
    if person is not None:
        initial = {spec.form_field: getattr(person, spec.column) for spec in AS_IS}
        initial["nik"] = (
            services.reveal_nik(actor=request.user, person=person)
            if request.method == "GET"
            else person.nik
        )
        initial["kk_number"] = person.household.kk_number if person.household else ""
        initial["occupation"] = person.occupation.code
    form = PersonForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        user=request.user,
        context=context,
    )
    if request.method == "POST" and form.is_valid() and form.draft is not None:
        try:
            if person is None:
                person = services.register_person(
                    actor=request.user, draft=form.draft, context=context
                )
                messages.success(
                    request, _("Pekerja %(name)s ditambahkan.") % {"name": person.name}
                )
            else:
                person = services.update_person(
                    actor=request.user, person=person, draft=form.draft, context=context
                )
                messages.success(request, _("Perubahan disimpan."))
        except services.PersonRejected as rejected:
            for issue in rejected.checked.errors:
                form.add_error(
                    issue.field.value if issue.field.value in form.fields else None, issue.message
                )
        else:
            for warning in form.warnings:
                messages.warning(request, warning)
            return redirect("registry:person_detail", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "person": person})


@requires(Capability.EDIT_PERSONS)
def person_create(request: HttpRequest) -> HttpResponse:
    return _save_person(request, None)


@requires(Capability.EDIT_PERSONS)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _save_person(request, selectors.person_for(request.user, pk))


def _deactivate_consequences(person: Person, cleaned: dict[str, Any]) -> Consequences:
    effects = [
        _(
            "%(name)s (data #%(pk)s, NIK %(nik)s, %(kelurahan)s) dinonaktifkan per %(on)s: "
            "%(reason)s."
        )
        % {
            "name": person.name,
            "pk": person.pk,
            "nik": mask_nik(person.nik),
            "kelurahan": person.kelurahan.name,
            "on": format_date(cleaned["on"]),
            "reason": DeactivationReason(cleaned["reason"]).label,
        },
        _(
            "Ia tidak lagi ikut seleksi dan tidak tampil di daftar pekerja kecuali dengan "
            "pilihan “Termasuk nonaktif”; datanya dan riwayatnya tetap tersimpan."
        ),
    ]
    if cleaned["note"]:
        effects.append(_("Catatan: %(note)s") % {"note": cleaned["note"]})
    return Consequences(
        title=_("Nonaktifkan pekerja?"),
        effects=effects,
        undo=_("Dapat diurungkan: admin dapat mengaktifkannya kembali dari halaman ini."),
        confirm_label=_("Ya, nonaktifkan"),
        back_url=reverse("registry:person_detail", args=[person.pk]),
    )


@require_POST
@requires(Capability.DEACTIVATE_PERSONS)
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    form = DeactivateForm(request.POST)
    if form.is_valid() and not is_confirmed(request):
        return ask_to_confirm(request, _deactivate_consequences(person, form.cleaned_data))
    if form.is_valid():
        services.deactivate_person(
            actor=request.user,
            person=person,
            reason=DeactivationReason(form.cleaned_data["reason"]),
            on=form.cleaned_data["on"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Pekerja dinonaktifkan."))
    else:
        messages.error(request, _("Alasan dan tanggal nonaktif wajib diisi."))
    return redirect("registry:person_detail", pk=person.pk)


@require_POST
@requires(Capability.DEACTIVATE_PERSONS)
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    services.reactivate_person(actor=request.user, person=person, note=request.POST.get("note", ""))
    messages.success(request, _("Pekerja diaktifkan kembali."))
    return redirect("registry:person_detail", pk=person.pk)


@require_POST
@requires(Capability.VERIFY_PERSONS)
def person_verify(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    try:
        services.verify_person(actor=request.user, person=person)
    except services.VerificationRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("Data pekerja telah diverifikasi. Yang diperiksa: %(checks)s.")
            % {"checks": "; ".join(str(check.label) for check in VerificationCheck)},
        )
    return redirect("registry:person_detail", pk=person.pk)


@require_POST
@requires(Capability.SEE_FULL_NIK)
def person_reveal_nik(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    nik = services.reveal_nik(actor=request.user, person=person)
    if request.headers.get("HX-Request"):
        return HttpResponse(f'<span class="nik" data-testid="nik-full">{nik}</span>')
    return render(request, "registry/person_nik.html", {"person": person, "nik": nik})


@requires(Capability.READ_AUDIT)
def person_audit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    record_read(
        actor=request.user,
        persons=[person.pk],
        page=request.get_full_path(),
        note="Jejak audit pekerja",
        target=person,
    )
    return render(
        request,
        "registry/person_audit.html",
        {
            "person": person,
            "events": events_for(person).exclude(action=AuditAction.VIEW),
            "reads": reads_of(person.pk)[:PAGE_SIZE],
            "masked": mask_nik(person.nik),
        },
    )
