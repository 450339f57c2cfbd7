from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rentan.accounts.access import Capability, can, kelurahan_scope, requires
from rentan.core.audit import events_for, reads_of, record_read
from rentan.core.confirm import Consequences, ask_to_confirm, is_confirmed
from rentan.core.formatting import format_date
from rentan.core.keyset import (
    KeysetPage,
    bounded_count,
    estimated_rows,
    keyset_page,
    numbered_page,
)
from rentan.core.models import AuditAction
from rentan.registry import change_request_services as change_requests
from rentan.registry import change_request_views, selectors, services
from rentan.registry.forms import DeactivateForm, PersonForm, PersonSearchForm
from rentan.registry.models import DeactivationReason, Person
from rentan.registry.nik import mask_nik
from rentan.registry.person_fields import AS_IS, PERSON_FIELDS
from rentan.registry.verification import VerificationCheck

PAGE_SIZE = 25
# Above this many matches a list says "more than" instead of counting them all.
COUNT_CAP = 1000
# Page links either side of the page shown.
NEARBY_PAGES = 2
# The deepest page a jump by number reads: its OFFSET skips ids in the sort index (see
# bench/bench_load.py, which times a jump to the middle of a million persons).
MAX_JUMP_PAGE = 50_000
# The latest reads of a person's data shown on their page; the rest are on the Audit page.
VIEWERS_SHOWN = 10


@requires(Capability.VIEW_PERSONS)
def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None, user=request.user)
    persons = selectors.listed_persons(
        request.user, form.cleaned_data if form.is_valid() else None
    ).select_related(None)
    rows = selectors.as_listed(persons)
    visible = selectors.persons_visible_to(request.user)
    after = _cursor(visible, request.GET.get("sesudah"))
    before = _cursor(visible, request.GET.get("sebelum"))
    # The page's number rides along in its links; a link that names only a number (a jump, a
    # nearby page) finds its page by that number.
    number = _page_number(request.GET.get("halaman"))
    wants_last = request.GET.get("terakhir") == "1" and after is None and before is None
    searched = form.is_valid() and bool(form.cleaned_data["q"].strip())
    whole_registry = (
        not any(request.GET.get(f) for f in form.fields) and kelurahan_scope(request.user) is None
    )
    page = None
    if number is not None and number > 1 and after is None and before is None and not wants_last:
        page = numbered_page(
            rows, field=selectors.SORT_KEY, size=PAGE_SIZE, number=min(number, MAX_JUMP_PAGE)
        )
        number = min(number, MAX_JUMP_PAGE)
        if not page.object_list:
            # Past the end (a number typed too high, an estimate above the rows): the last
            # page, by its number where the rows can be counted, else read from the end.
            counted, more = bounded_count(persons, COUNT_CAP)
            if more:
                page, number, wants_last = None, None, True
            else:
                number = max(-(-counted // PAGE_SIZE), 1)
                page = numbered_page(rows, field=selectors.SORT_KEY, size=PAGE_SIZE, number=number)
    if page is None or wants_last:
        page = keyset_page(
            rows,
            field=selectors.SORT_KEY,
            size=PAGE_SIZE,
            after=after,
            before=before,
            last=wants_last,
        )
    if after is None and before is None and not wants_last and number is None:
        number = 1
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
    for key in ("sesudah", "sebelum", "halaman", "terakhir"):
        query.pop(key, None)
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
            "pages": _page_links(page, number, total=total, more=more, estimate=estimate),
            "query_fields": [(key, value) for key, values in query.lists() for value in values],
            "may_add": can(request.user, Capability.EDIT_PERSONS),
        },
    )


def _page_number(value: str | None) -> int | None:
    if not value or not value.strip().isdigit():
        return None
    return max(int(value.strip()), 1)


def _page_links(
    page: KeysetPage, number: int | None, *, total: int, more: bool, estimate: int | None
) -> dict[str, Any]:
    """What the pager offers: the page's number when known, the last page's (exact, or
    about from the estimate), the numbers of a few pages either side, and the highest page
    a jump may ask for."""
    if estimate is not None:
        last, last_is_exact = -(-estimate // PAGE_SIZE), False
        jump_limit = last
    elif more:
        # Only "more than" is known: a jump goes as deep as a count would have gone (a page
        # past the matches shows the last one).
        last, last_is_exact = None, False
        jump_limit = -(-COUNT_CAP // PAGE_SIZE)
    else:
        last, last_is_exact = max(-(-total // PAGE_SIZE), 1), True
        jump_limit = last
    jump_limit = min(jump_limit, MAX_JUMP_PAGE)
    if not page.has_previous:
        number = 1
    elif not page.has_next and last_is_exact:
        number = last
    if number is not None and last_is_exact and last is not None:
        number = min(number, last)
    nearby: list[int] = []
    if number is not None:
        highest = number + (1 if page.has_next else 0)
        if page.has_next and last is not None:
            highest = max(highest, min(number + NEARBY_PAGES, last))
        nearby = list(range(max(number - NEARBY_PAGES, 1), highest + 1))
    return {
        "number": number,
        "last": last,
        "last_is_exact": last_is_exact,
        "nearby": nearby,
        "jump_limit": max(jump_limit, 1),
        # The last page by its number where the count is exact (its rows as the numbered
        # pages cut them), else read backwards from the end.
        "last_by_number": last_is_exact,
    }


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
    # Placements and memberships belong to apps that depend on this one: a setting names
    # the function that reads them.
    history_of = getattr(settings, "RENTAN_PERSON_PROGRAMME_HISTORY", "")
    programme_history = import_string(history_of)(request.user, person) if history_of else []
    complaints_of = getattr(settings, "RENTAN_PERSON_COMPLAINTS", "")
    complaints = import_string(complaints_of)(request.user, person) if complaints_of else []
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "history": history,
            "programme_history": programme_history,
            "complaints": complaints,
            "household": household,
            "desil": selectors.latest_desil(person),
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
            "change_requests": change_request_views.listed(
                request.user, list(person.change_requests.select_related("requested_by"))
            ),
            "may_request_deactivation": person.is_active
            and can(request.user, Capability.EDIT_PERSONS)
            and not can(request.user, Capability.DEACTIVATE_PERSONS),
            "deactivation_request_form": change_request_views.DeactivationRequestForm(),
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
    asks_request = person is not None and person.is_verified
    form = PersonForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        user=request.user,
        context=context,
        asks_request=asks_request,
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
                person, change = change_requests.save_person_changes(
                    actor=request.user,
                    person=person,
                    draft=form.draft,
                    context=context,
                    note=form.cleaned_data.get("change_note", ""),
                )
                if change is None:
                    messages.success(request, _("Perubahan disimpan."))
                else:
                    messages.success(
                        request,
                        _(
                            "Usulan #%(pk)s dikirim ke verifikator: %(fields)s berubah setelah "
                            "disetujui."
                        )
                        % {"pk": change.pk, "fields": change_request_views.summary(change)},
                    )
        except services.PersonRejected as rejected:
            for issue in rejected.checked.errors:
                form.add_error(
                    issue.field.value if issue.field.value in form.fields else None, issue.message
                )
        except change_requests.ChangeRefused as refused:
            form.add_error(None, str(refused))
        else:
            for warning in form.warnings:
                messages.warning(request, warning)
            return redirect("registry:person_detail", pk=person.pk)
    return render(
        request,
        "registry/person_form.html",
        {
            "form": form,
            "person": person,
            "asks_request": asks_request,
            "request_fields": [str(spec.label) for spec in PERSON_FIELDS if spec.needs_request],
            "pending_requests": person.change_requests.pending().count() if person else 0,
        },
    )


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
