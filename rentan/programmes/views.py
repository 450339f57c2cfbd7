from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rentan.accounts.access import Capability, can, get_scoped_or_404, requires, scope_to_user
from rentan.core import background, pdf, safe_files
from rentan.core.confirm import Consequences, ask_to_confirm, is_confirmed
from rentan.core.exports import attachment_disposition
from rentan.core.formatting import format_number
from rentan.core.keyset import KeysetPage, keyset_page
from rentan.core.pages import page_by_ids
from rentan.core.signature import signature_for
from rentan.programmes import candidates, explanation, lampiran, selectors, services, tasks
from rentan.programmes.allocation import QuotaBasis
from rentan.programmes.eligibility import Reason, RulesInvalid, describe_rules, parse_rules
from rentan.programmes.forms import (
    CycleForm,
    DecisionForm,
    DecreeForm,
    ExclusionForm,
    HandDecisionForm,
    ProgrammeRulesForm,
    WhatIfForm,
)
from rentan.programmes.lifecycle import TransitionRefused
from rentan.programmes.models import (
    Cycle,
    DecisionAction,
    ExclusionList,
    ManualExclusion,
    PlacementKind,
    Programme,
)
from rentan.programmes.scoring import (
    DEFAULT_WEIGHTS,
    JOB_RISK_LEVELS_EXPLANATION,
    JOB_RISK_LEVELS_LABEL,
    Factor,
    WeightsInvalid,
    describe_weights,
    parse_weights,
)
from rentan.registry import selectors as registry_selectors
from rentan.registry.models import DesilImport, Occupation, Person

PAGE_SIZE = 50
# The cycle page's list of those without a place ("jenis" beside the kinds of place).
NOT_LISTED = "tidak"


def _cycle(code: str, year: int) -> Cycle:
    return get_object_or_404(
        Cycle.objects.select_related("programme__region", "approved_by"),
        programme__code=code,
        year=year,
    )


@requires(Capability.MANAGE_PROGRAMME)
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = list(Programme.objects.all())
    if len(programmes) == 1:
        return redirect("programmes:programme_detail", code=programmes[0].code)
    return render(request, "programmes/programme_list.html", {"programmes": programmes})


@requires(Capability.MANAGE_PROGRAMME)
def programme_detail(request: HttpRequest, code: str) -> HttpResponse:
    programme = get_object_or_404(Programme, code=code)
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if programme.cycles.filter(year=data["year"]).exists():
            form.add_error("year", _("Periode tahun ini sudah ada."))
        else:
            services.create_cycle(actor=request.user, programme=programme, **data)
            messages.success(request, _("Periode %(year)s dibuat.") % {"year": data["year"]})
            return redirect("programmes:programme_detail", code=code)
    overview = selectors.programme_cycles_overview(programme)
    latest = overview[-1]["cycle"] if overview else None
    chart = {
        "labels": [str(row["cycle"].year) for row in overview],
        "target": [row["cycle"].target for row in overview],
        "allocated": [row["allocated"] for row in overview],
        "approved": [row["approved"] for row in overview],
        "active": [row["active"] for row in overview],
    }
    by_cycle = selectors.selected_spreads([row["cycle"] for row in overview])
    spreads = {row["cycle"].year: by_cycle[row["cycle"].pk] for row in overview}
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "overview": overview,
            "latest": latest,
            "chart": chart,
            "spreads": spreads,
            "form": form,
            **_rules_in_words(programme),
            "exclusion_form": ExclusionForm(),
            "latest_desil_import": DesilImport.objects.first(),
            "exclusion_counts": {
                ExclusionList(kind).label: n
                for kind, n in programme.exclusions.values_list("list_kind")
                .annotate(n=Count("id"))
                .order_by("list_kind")
            },
        },
    )


def _rules_in_words(programme: Programme) -> dict[str, Any]:
    """The programme's rules and weights as the page shows them: in words, never as data."""
    try:
        rules = describe_rules(parse_rules(programme.eligibility_rules))
        parsed = parse_weights(programme.score_weights or DEFAULT_WEIGHTS)
    except (RulesInvalid, WeightsInvalid) as bad:
        return {"rules_problem": str(bad)}
    names = dict(Occupation.objects.values_list("code", "name"))
    return {
        "rules": rules,
        "weights": describe_weights(parsed),
        "risk_levels_label": JOB_RISK_LEVELS_LABEL,
        "risk_levels_explanation": JOB_RISK_LEVELS_EXPLANATION,
        "risk_levels": sorted(
            ((names.get(code, code), level) for code, level in parsed.job_risk_levels.items()),
            key=lambda row: (-row[1], row[0]),
        ),
    }


def _risk_occupations(programme: Programme) -> dict[str, str]:
    """The job types a risk level can be given: those the programme has decided on."""
    return dict(
        Occupation.objects.filter(decisions__programme=programme)
        .distinct()
        .values_list("code", "name")
    )


@requires(Capability.MANAGE_PROGRAMME)
def programme_rules(request: HttpRequest, code: str) -> HttpResponse:
    programme = get_object_or_404(Programme, code=code)
    form = ProgrammeRulesForm(
        request.POST or None, programme=programme, occupations=_risk_occupations(programme)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_programme_rules(
                actor=request.user,
                programme=programme,
                eligibility_rules=form.eligibility_rules(),
                score_weights=form.score_weights(),
                effective_on=form.cleaned_data["effective_on"],
                reference=form.cleaned_data["reference"],
                today=timezone.localdate(),
            )
        except services.RulesRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Aturan kelayakan dan bobot skor disimpan."))
            return redirect(f"{reverse('programmes:programme_detail', args=[code])}#aturan")
    return render(
        request,
        "programmes/programme_rules.html",
        {"programme": programme, "form": form, **_rules_in_words(programme)},
    )


@require_POST
@requires(Capability.MANAGE_PROGRAMME)
def exclusion_import(request: HttpRequest, code: str) -> HttpResponse:
    programme = get_object_or_404(Programme, code=code)
    form = ExclusionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(str(e) for e in form.errors.get("file", []))
            or _("Daftar, berkas dan sumber wajib diisi."),
        )
        return redirect("programmes:programme_detail", code=code)
    upload = form.cleaned_data["file"]
    try:
        text = safe_files.read_text(
            upload.read(), name=upload.name, limits=safe_files.limits_for("exclusion")
        )
    except safe_files.FileRefused as refused:
        messages.error(request, str(refused))
        messages.error(request, _("Tidak ada NIK yang disimpan."))
        return redirect("programmes:programme_detail", code=code)
    try:
        added = services.import_excluded_niks(
            actor=request.user,
            programme=programme,
            list_kind=ExclusionList(form.cleaned_data["list_kind"]),
            lines=text.splitlines(),
            source=form.cleaned_data["source"],
        )
    except services.ExclusionRejected as rejected:
        for error in rejected.errors[:20]:
            messages.error(request, error)
        messages.error(request, _("Tidak ada NIK yang disimpan."))
    else:
        messages.success(
            request, _("%(n)s NIK ditambahkan ke daftar.") % {"n": format_number(added)}
        )
    return redirect("programmes:programme_detail", code=code)


@requires(Capability.MANAGE_PROGRAMME)
def decisions(request: HttpRequest, code: str) -> HttpResponse:
    programme = get_object_or_404(Programme, code=code)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.record_occupation_decision(
            actor=request.user,
            programme=programme,
            occupation=data["occupation"],
            action=DecisionAction(data["action"]),
            effective_on=data["effective_on"],
            reference=data["reference"],
            note=data["note"],
        )
        messages.success(request, _("Keputusan dicatat."))
        return redirect("programmes:decisions", code=code)
    history = selectors.decision_history(programme)
    dates = sorted({row["decision"].effective_on for row in history})
    names = dict(Occupation.objects.values_list("code", "name"))
    lists = [
        (day, sorted(names[c] for c in selectors.vulnerable_occupations(programme, day)))
        for day in dates
    ]
    return render(
        request,
        "programmes/decisions.html",
        {"programme": programme, "history": history, "lists": lists, "form": form},
    )


@requires(Capability.READ_SELECTION)
def selection_index(request: HttpRequest) -> HttpResponse:
    cycles = Cycle.objects.select_related("programme").order_by("programme__name", "-year")
    return render(request, "programmes/selection_index.html", {"cycles": cycles})


def _what_if(request: HttpRequest, cycle: Cycle) -> tuple[WhatIfForm, dict[str, Any] | None]:
    weights = cycle.programme.score_weights or DEFAULT_WEIGHTS
    form = WhatIfForm(
        request.GET if "whatif" in request.GET else None, weights=weights, cycle=cycle
    )
    if not form.is_bound or not form.is_valid():
        return form, None
    data = form.cleaned_data
    overrides = candidates.Overrides(
        target=data["target"],
        budget_ceiling=data["budget_ceiling"],
        weights=form.weights(),
        quota_basis=data["quota_basis"] or None,
    )
    try:
        result = services.compute_allocation(cycle, overrides)
    except TransitionRefused as refused:
        form.add_error(None, str(refused))
        return form, None
    areas = selectors.area_names(cycle.programme)
    occupations = dict(Occupation.objects.values_list("code", "name"))
    by_area = [
        (*areas.get(code, ("", code)), n) for code, n in result.spread("kelurahan_code").items()
    ]
    by_job = sorted(
        ((occupations.get(code, code), n) for code, n in result.spread("occupation_code").items()),
        key=lambda row: (-row[1], row[0]),
    )
    return form, {
        "result": result,
        "by_area": sorted(by_area),
        "by_job": by_job,
        "ineligible": [(Reason(code).label, n) for code, n in result.ineligible.most_common()],
        "quota_basis": QuotaBasis(data["quota_basis"] or cycle.quota_basis).label,
    }


@requires(Capability.READ_SELECTION)
def cycle_selection(request: HttpRequest, code: str, year: int) -> HttpResponse:
    cycle = _cycle(code, year)
    form, preview = _what_if(request, cycle)
    kind = request.GET.get("jenis", "")
    text = request.GET.get("q", "").strip()[:100]
    page: Any
    if kind == NOT_LISTED:
        page = _not_listed_page(request, cycle, text)
    else:
        placements = registry_selectors.matching_name_or_nik(
            scope_to_user(
                request.user, selectors.cycle_placements(cycle, kind), kelurahan_field="kelurahan"
            ),
            text,
            person="person__",
        )
        # By rank from the placements alone; a search reads the persons' names from an index.
        page = page_by_ids(
            placements,
            request.GET.get("page"),
            size=PAGE_SIZE,
            columns=_PLACEMENT_COLUMNS,
            searched=bool(text),
        )
    counts = selectors.placement_counts(cycle)
    try:
        premium = selectors.cycle_premium(cycle)
    except LookupError:
        premium = 0
    return render(
        request,
        "programmes/cycle_selection.html",
        {
            "cycle": cycle,
            "form": form,
            "preview": preview,
            "page": page,
            "kind": kind,
            "kinds": [*PlacementKind.choices, (NOT_LISTED, _("Tidak masuk daftar"))],
            "q": text,
            "counts": counts,
            "selected": counts.get(PlacementKind.CONTINUING, 0) + counts.get(PlacementKind.NEW, 0),
            "premium": premium,
            "cost": premium
            * cycle.coverage_months
            * (counts.get(PlacementKind.CONTINUING, 0) + counts.get(PlacementKind.NEW, 0)),
            "decree_form": DecreeForm(),
            "may_manage": can(request.user, Capability.MANAGE_PROGRAMME),
            "factors": Factor,
        },
    )


# What the cycle page's table shows of a place on the list (cycle_selection.html).
_PLACEMENT_COLUMNS = (
    "rank",
    "kind",
    "score",
    "person__nik",
    "person__name",
    "person__occupation__name",
    "kelurahan__name",
)


def _reallocation_consequences(cycle: Cycle) -> Consequences:
    """A new allocation replaces the stored one: said before it is thrown away."""
    counts = selectors.placement_counts(cycle)
    return Consequences(
        title=_("Alokasikan ulang?"),
        effects=[
            _(
                "Alokasi yang tersimpan (%(c)s lanjutan, %(n)s baru, %(w)s cadangan) dibuang "
                "dan diganti dengan hasil hitungan baru dari data pekerja dan aturan saat ini."
            )
            % {
                "c": format_number(counts.get(PlacementKind.CONTINUING, 0)),
                "n": format_number(counts.get(PlacementKind.NEW, 0)),
                "w": format_number(counts.get(PlacementKind.WAITING, 0)),
            },
            _("Orang yang terpilih dan urutan cadangan dapat berubah."),
        ],
        undo=_(
            "Alokasi lama tidak dapat dikembalikan, tetapi jumlahnya tercatat di jejak audit; "
            "selama belum ditetapkan, alokasi dapat diulang kapan saja."
        ),
        confirm_label=_("Ya, alokasikan ulang"),
        back_url=reverse("programmes:cycle_selection", args=[cycle.programme.code, cycle.year]),
    )


def _not_listed_page(request: HttpRequest, cycle: Cycle, text: str) -> KeysetPage:
    """The active persons the user may see who have no place on the cycle's list, by name,
    paged by key like the person list (it may hold most of the registry), with why each is
    out (the first rule failed), judged for the rows shown only."""
    persons = registry_selectors.matching_name_or_nik(
        selectors.persons_not_listed(
            cycle, registry_selectors.persons_visible_to(request.user).active()
        ),
        text,
    )
    visible = registry_selectors.persons_visible_to(request.user)
    page = keyset_page(
        registry_selectors.as_listed(persons),
        field=registry_selectors.SORT_KEY,
        size=PAGE_SIZE,
        after=_person_cursor(visible, request.GET.get("sesudah")),
        before=_person_cursor(visible, request.GET.get("sebelum")),
    )
    if not cycle.is_draft:
        reasons = explanation.first_failures(cycle, [person.pk for person in page])
        for person in page:
            person.why_not_listed = explanation.not_listed_label(reasons.get(person.pk))
    return page


def _person_cursor(visible: Any, pk: str | None) -> Person | None:
    if not pk or not pk.isdigit():
        return None
    return visible.filter(pk=int(pk)).first()


@require_POST
@requires(Capability.MANAGE_PROGRAMME)
def cycle_allocate(request: HttpRequest, code: str, year: int) -> HttpResponse:
    cycle = _cycle(code, year)
    if not cycle.is_draft and not is_confirmed(request):
        return ask_to_confirm(request, _reallocation_consequences(cycle))
    try:
        result = services.allocate_cycle(actor=request.user, cycle=cycle)
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("Alokasi selesai: %(c)s lanjutan, %(n)s baru, %(w)s cadangan.")
            % {
                "c": format_number(result.continuing_count),
                "n": format_number(result.new_count),
                "w": format_number(result.waiting_count),
            },
        )
    return redirect("programmes:cycle_selection", code=code, year=year)


@require_POST
@requires(Capability.MANAGE_PROGRAMME)
def cycle_approve(request: HttpRequest, code: str, year: int) -> HttpResponse:
    cycle = _cycle(code, year)
    form = DecreeForm(request.POST)
    try:
        services.approve_cycle(
            actor=request.user,
            cycle=cycle,
            decree_reference=form.data.get("decree_reference", ""),
        )
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        tasks.schedule_at_approval(cycle)
        messages.success(request, _("Daftar peserta ditetapkan."))
    return redirect("programmes:cycle_selection", code=code, year=year)


def _explained(request: HttpRequest, code: str, year: int, person_pk: int) -> dict[str, Any]:
    cycle = _cycle(code, year)
    person = get_scoped_or_404(
        request.user,
        Person.objects.select_related("kelurahan__parent", "occupation"),
        kelurahan_field="kelurahan",
        pk=person_pk,
    )
    shown = services.explain_selection(
        actor=request.user, cycle=cycle, person=person, page=request.get_full_path()
    )
    return {"cycle": cycle, "person": person, "x": shown}


@requires(Capability.READ_SELECTION)
def explain(request: HttpRequest, code: str, year: int, person_pk: int) -> HttpResponse:
    context = _explained(request, code, year, person_pk)
    cycle = context["cycle"]
    context["may_decide"] = can(request.user, Capability.MANAGE_PROGRAMME) and (
        cycle.is_draft or cycle.may_approve
    )
    context["decision_form"] = HandDecisionForm()
    return render(request, "programmes/explain.html", context)


def _hand_decision(
    request: HttpRequest, code: str, year: int, person_pk: int
) -> tuple[Cycle, Person, str, HandDecisionForm]:
    cycle = _cycle(code, year)
    person = get_scoped_or_404(
        request.user, Person.objects.all(), kelurahan_field="kelurahan", pk=person_pk
    )
    back = reverse("programmes:explain", args=[code, year, person_pk])
    return cycle, person, back, HandDecisionForm(request.POST)


@require_POST
@requires(Capability.MANAGE_PROGRAMME)
def exclude_person(request: HttpRequest, code: str, year: int, person_pk: int) -> HttpResponse:
    """Leave one person out of a cycle by hand, with the reason; every later allocation of
    the cycle follows it until it is lifted."""
    cycle, person, back, form = _hand_decision(request, code, year, person_pk)
    if not form.is_valid():
        messages.error(request, _("Tulis alasan pengecualian."))
        return redirect(back)
    reason = form.cleaned_data["reason"]
    if not is_confirmed(request):
        effects = [
            _(
                "%(name)s tidak ditempatkan pada setiap alokasi %(cycle)s selama pengecualian "
                "ini berlaku, apa pun hasil aturan dan skornya. Alasan: %(reason)s"
            )
            % {"name": person.name, "cycle": cycle, "reason": reason}
        ]
        placement = selectors.cycle_placements(cycle, "").filter(person=person).first()
        if placement is not None:
            effects.append(
                _(
                    "Ia kini ada di daftar (%(kind)s, peringkat %(rank)s): daftar berubah pada "
                    "alokasi ulang berikutnya, dan periode ini tidak dapat ditetapkan sebelum itu."
                )
                % {"kind": placement.get_kind_display(), "rank": format_number(placement.rank)}
            )
        return ask_to_confirm(
            request,
            Consequences(
                title=_("Kecualikan %(name)s dari %(cycle)s?")
                % {"name": person.name, "cycle": cycle},
                effects=effects,
                undo=_(
                    "Dapat dibatalkan dengan alasan dari halaman penjelasan ini; pengecualian "
                    "dan pembatalannya tetap tercatat."
                ),
                confirm_label=_("Kecualikan"),
                back_url=back,
            ),
        )
    try:
        services.exclude_from_cycle(actor=request.user, cycle=cycle, person=person, reason=reason)
    except services.ExclusionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("%(name)s dikecualikan dari %(cycle)s.") % {"name": person.name, "cycle": cycle},
        )
    return redirect(back)


@require_POST
@requires(Capability.MANAGE_PROGRAMME)
def lift_exclusion(request: HttpRequest, code: str, year: int, person_pk: int) -> HttpResponse:
    cycle, person, back, form = _hand_decision(request, code, year, person_pk)
    exclusion = ManualExclusion.objects.filter(
        cycle=cycle, person=person, lifted_at__isnull=True
    ).first()
    if exclusion is None:
        messages.error(request, _("Tidak ada pengecualian yang berlaku untuk dibatalkan."))
    elif not form.is_valid():
        messages.error(request, _("Tulis alasan pembatalan pengecualian."))
    else:
        try:
            services.lift_exclusion(
                actor=request.user, exclusion=exclusion, reason=form.cleaned_data["reason"]
            )
        except services.ExclusionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                _("Pengecualian dibatalkan: alokasi berikutnya menilai %(name)s lagi.")
                % {"name": person.name},
            )
    return redirect(back)


@requires(Capability.READ_SELECTION)
def explain_letter(request: HttpRequest, code: str, year: int, person_pk: int) -> HttpResponse:
    """The explanation as a letter to the person who asked, to print and sign: the Dinas's
    heading, the date, the addressee, each rule in plain words, the signature block."""
    context = _explained(request, code, year, person_pk)
    cycle = context["cycle"]
    region = cycle.programme.region.name
    context.update(
        {
            "region_name": region,
            "agency": settings.RENTAN_AGENCY_NAME or cycle.programme.sponsor,
            "signature": signature_for(region_name=region, signed_on=timezone.localdate()),
        }
    )
    return render(request, "programmes/explain_letter.html", context)


def _masked(request: HttpRequest) -> bool:
    """Masked NIKs for a role without SEE_FULL_NIK, and for anyone who asks for them."""
    return request.GET.get("nik") == "tersamar" or not can(request.user, Capability.SEE_FULL_NIK)


def _record_lampiran(request: HttpRequest, cycle: Cycle, rows: list[Any], fmt: str) -> None:
    services.record_lampiran_export(
        actor=request.user,
        cycle=cycle,
        person_ids=[row["person_id"] for row in rows],
        file_format=fmt,
        full_nik=not _masked(request),
    )


def _lampiran_name(code: str, year: int, masked: bool, ext: str) -> str:
    return f"lampiran-{code}-{year}{'-nik-tersamar' if masked else ''}.{ext}"


@requires(Capability.READ_SELECTION)
def lampiran_xlsx(request: HttpRequest, code: str, year: int) -> HttpResponse:
    cycle = _cycle(code, year)
    masked = _masked(request)
    rows = tasks.lampiran_rows(cycle, masked=masked)
    content = lampiran.workbook(cycle, rows, tasks.lampiran_signature(cycle))
    _record_lampiran(request, cycle, rows, "xlsx")
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = attachment_disposition(
        _lampiran_name(code, year, masked, "xlsx")
    )
    return response


@requires(Capability.READ_SELECTION)
def lampiran_pdf(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The PDF when the worker has laid out the list as it is now; otherwise the worker is
    asked for it and the page shows its progress (htmx asks this URL again every second)."""
    cycle = _cycle(code, year)
    masked = _masked(request)
    rows = tasks.lampiran_rows(cycle, masked=masked)
    key = lampiran.pdf_key(cycle, rows, tasks.lampiran_signature(cycle), masked=masked)
    content = pdf.cached(key)
    is_polling = bool(request.headers.get("HX-Request"))
    if content is None:
        state = background.state(key) or {}
        # Asked again when nobody has, when the list changed under the worker, or when the
        # person reloads the page after a failure (never by the poll, which would loop).
        failed = state.get("state") == "failed"
        if not state or state.get("reason") == background.CHANGED or (failed and not is_polling):
            tasks.ask_for_pdf(cycle, key, masked=masked)
            content = pdf.cached(key)  # a worker running tasks at once is done already
    if content is None or is_polling:
        return render(
            request,
            "programmes/_lampiran_progress.html"
            if is_polling
            else "programmes/lampiran_progress.html",
            {
                "cycle": cycle,
                "people": len(rows),
                "state": background.state(key) or {"state": "queued"},
                "is_ready": content is not None,
                "query": request.GET.urlencode(),
            },
        )
    _record_lampiran(request, cycle, rows, "pdf")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = attachment_disposition(
        _lampiran_name(code, year, masked, "pdf")
    )
    return response
