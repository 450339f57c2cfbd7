"""The duplicate review queue (Duplikat): probable pairs side by side, merge or keep apart."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rentan.accounts.access import Capability, can, requires
from rentan.core import background
from rentan.core.audit import record_read
from rentan.core.confirm import Consequences, ask_to_confirm, is_confirmed
from rentan.core.formatting import format_number, format_percent
from rentan.registry import selectors, services, tasks
from rentan.registry.dedup import MatchReason
from rentan.registry.match_model import describe_evidence
from rentan.registry.models import DuplicatePair, Person
from rentan.registry.nik import mask_nik

PAGE_SIZE = 20
# The note box's limit on the Duplikat page.
NOTE_MAX_LENGTH = 500


@dataclass(frozen=True)
class NikCell:
    char: str  # a digit only where the masked NIK shows one
    differs: bool


def nik_cells(nik: str, other: str) -> list[NikCell]:
    """The masked NIK with the positions where the two NIKs differ marked, never the
    hidden digits themselves."""
    masked = mask_nik(nik)
    return [
        NikCell(char, index >= len(other) or nik[index] != other[index])
        for index, char in enumerate(masked)
    ]


def nik_markup(cells: list[NikCell]) -> SafeString:
    """The cells as the page shows them, differing ones marked: built here rather than by a
    template loop, which cost more than the rest of the page (16 cells, 40 NIKs a page).
    Each cell's character is escaped; the mark around it is the page's own markup."""
    opening = format_html('<mark class="nik-diff" title="{}">', _("berbeda"))
    return mark_safe(  # noqa: S308 - every character escaped just above
        "".join(
            f"{opening}{escape(cell.char)}</mark>" if cell.differs else escape(cell.char)
            for cell in cells
        )
    )


def _shown(pair: DuplicatePair) -> dict[str, object]:
    return {
        "pair": pair,
        "probability": format_percent(pair.score),
        # Kept with the pair as it was found: weights estimated later do not rewrite why a
        # pair was proposed, and the persons may have been edited since.
        "evidence": describe_evidence(pair.evidence),
        "reasons": [MatchReason(value).label for value in pair.reasons],
        "sides": [
            (pair.left, nik_markup(nik_cells(pair.left.nik, pair.right.nik))),
            (pair.right, nik_markup(nik_cells(pair.right.nik, pair.left.nik))),
        ],
    }


@requires(Capability.REVIEW_DUPLICATES)
def duplicate_list(request: HttpRequest) -> HttpResponse:
    pairs = selectors.open_duplicate_pairs(request.user).select_related(None)
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = selectors.with_sides_read_apart(page)
    record_read(
        actor=request.user,
        persons=[pk for pair in shown for pk in (pair.left_id, pair.right_id)],
        page=request.get_full_path(),
        note=f"Antrean duplikat, halaman {page.number}",
        changes={"pasangan": [pair.pk for pair in shown]},
    )
    return render(
        request,
        "registry/duplicate_list.html",
        {
            "page": page,
            "items": [_shown(pair) for pair in shown],
            "total": page.paginator.count,
            "may_see_nik": can(request.user, Capability.SEE_FULL_NIK),
            "weights": selectors.latest_match_weights(),
            **_background_notes(),
        },
    )


def _background_notes() -> dict[str, object]:
    """The latest registry-wide search and estimation of the weights in the worker, as the
    queue says them: waiting or running (the notes ask again every few seconds), done (the
    search with what it found and when), or stopped."""
    search = dict(tasks.search_followed())
    if search.get("state") == "done":
        search["finished_at"] = datetime.fromtimestamp(search["since"], tz=UTC)
    weights_job = tasks.weights_followed()
    return {
        "search": search,
        "weights_job": weights_job,
        "search_busy": background.is_under_way(search),
        "weights_busy": background.is_under_way(weights_job),
    }


@requires(Capability.REVIEW_DUPLICATES)
def duplicate_background(request: HttpRequest) -> HttpResponse:
    """The notes on the queue about its work in the worker (htmx asks for them again while
    a search or an estimation waits or runs)."""
    return render(
        request,
        "registry/_duplicate_background.html",
        {**_background_notes(), "weights": selectors.latest_match_weights()},
    )


@require_POST
@requires(Capability.REVIEW_DUPLICATES)
def duplicate_search(request: HttpRequest) -> HttpResponse:
    """Search the registry for duplicates: at once in a small registry, in the background
    worker in a large one (the new pairs join the queue when it is done)."""
    search = tasks.detect_duplicates_now_or_later(actor=request.user)
    if isinstance(search, tasks.SearchQueued) and not search.is_queued:
        messages.info(
            request,
            _(
                "Pencarian duplikat yang diminta sebelumnya masih berjalan di latar; pasangan "
                "barunya masuk antrean ini setelah selesai."
            ),
        )
    elif isinstance(search, tasks.SearchQueued):
        messages.success(
            request,
            _(
                "Pencarian duplikat di %(persons)s data pekerja berjalan di latar; pasangan "
                "baru masuk antrean ini dalam satu atau dua menit."
            )
            % {"persons": format_number(search.persons)},
        )
    else:
        messages.success(
            request,
            _("%(found)s pasangan ditemukan, %(created)s baru masuk antrean.")
            % {"found": format_number(search.found), "created": format_number(search.created)},
        )
    return redirect("registry:duplicate_list")


@require_POST
@requires(Capability.REVIEW_DUPLICATES)
def duplicate_weights(request: HttpRequest) -> HttpResponse:
    """Estimate the weights again from the registry, in the background worker: on a large
    registry it reads every person."""
    if tasks.estimate_weights_on_request(actor=request.user):
        messages.success(
            request,
            _("Bobot sedang dihitung ulang dari data pekerja; pencarian berikutnya memakainya."),
        )
    else:
        messages.info(
            request,
            _(
                "Bobot yang diminta sebelumnya masih dihitung ulang di latar; pencarian "
                "berikutnya memakainya setelah selesai."
            ),
        )
    return redirect("registry:duplicate_list")


def described(person: Person) -> str:
    """A person as a merge names them: two records of one person often share the name, so
    the record number, masked NIK and kelurahan tell them apart."""
    return _("%(name)s (data #%(pk)s, NIK %(nik)s, %(kelurahan)s)") % {
        "name": person.name,
        "pk": person.pk,
        "nik": mask_nik(person.nik),
        "kelurahan": person.kelurahan.name,
    }


def _field_label(name: str) -> str:
    field = Person._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _merge_consequences(*, keep: Person, remove: Person, note: str) -> Consequences:
    effects = [
        _("Dipertahankan: %(keep)s.") % {"keep": described(keep)},
        _("Dinonaktifkan sebagai data ganda dan digabung ke data yang dipertahankan: %(remove)s.")
        % {"remove": described(remove)},
    ]
    filled = services.fields_filled_by_merge(keep=keep, remove=remove)
    if filled:
        effects.append(
            _("Isian yang kosong pada data #%(pk)s diambil dari data #%(other)s: %(fields)s.")
            % {
                "pk": keep.pk,
                "other": remove.pk,
                "fields": ", ".join(_field_label(name) for name in filled),
            }
        )
    effects.append(_("Catatan: %(note)s") % {"note": note} if note else _("Tanpa catatan."))
    return Consequences(
        title=_("Gabungkan dua data ini?"),
        effects=effects,
        undo=_(
            "Tidak ada data yang dihapus: data #%(pk)s tetap tersimpan dengan riwayatnya dan "
            "dapat diaktifkan kembali oleh admin, tetapi isian yang sudah diambil tidak "
            "dikembalikan otomatis."
        )
        % {"pk": remove.pk},
        confirm_label=_("Ya, gabungkan"),
        back_url=reverse("registry:duplicate_list"),
    )


@require_POST
@requires(Capability.REVIEW_DUPLICATES)
def duplicate_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """A POST without the confirmation shows what the merge will do; the confirmed one
    merges."""
    pair = selectors.duplicate_pair_for(request.user, pk)
    keep, remove = (
        (pair.right, pair.left) if request.POST.get("keep") == "right" else (pair.left, pair.right)
    )
    note = request.POST.get("note", "").strip()[:NOTE_MAX_LENGTH]
    if not is_confirmed(request):
        return ask_to_confirm(request, _merge_consequences(keep=keep, remove=remove, note=note))
    try:
        services.merge_persons(actor=request.user, keep=keep, remove=remove, note=note)
    except services.MergeRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("Digabung. Dipertahankan: %(keep)s. Dinonaktifkan sebagai data ganda: %(remove)s.")
            % {"keep": described(keep), "remove": described(remove)},
        )
    return redirect("registry:duplicate_list")


@require_POST
@requires(Capability.REVIEW_DUPLICATES)
def duplicate_distinct(request: HttpRequest, pk: int) -> HttpResponse:
    pair = selectors.duplicate_pair_for(request.user, pk)
    try:
        services.mark_distinct(actor=request.user, pair=pair, note=request.POST.get("note", ""))
    except services.MergeRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("%(left)s dan %(right)s dicatat sebagai orang yang berbeda.")
            % {"left": pair.left.name, "right": pair.right.name},
        )
    return redirect("registry:duplicate_list")
