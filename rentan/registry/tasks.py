"""Background work of the registry (django-tasks; `rentan db_worker`): estimating the
duplicate finder's weights and searching a large registry for duplicates, each of which reads
every active person and takes tens of seconds at a million, so they never run inside a
request."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from rentan.core import background
from rentan.registry import services
from rentan.registry.models import Person
from rentan.registry.selectors import match_weights_outgrown

# The estimation of the weights asked for on the duplicate queue, one at a time, followed
# there; what the queue says when the worker failed on it or stopped doing it.
WEIGHTS_KEY = "match-weights"
WEIGHTS_FAILED = _(
    "Penghitungan ulang bobot berhenti sebelum selesai; bobot yang dipakai tidak berubah. "
    "Hitung ulang lagi."
)


@task()
def estimate_match_weights(
    actor_id: int | None = None, only_if_outgrown: bool = False
) -> int | None:
    """Estimate the weights again from the registry; the id of the weights kept, noted under
    WEIGHTS_KEY. Asked for by a grown registry (`only_if_outgrown`), nothing is done when an
    earlier run has already caught up with it."""
    if only_if_outgrown and not match_weights_outgrown():
        return None
    with background.noted(WEIGHTS_KEY, failed=str(WEIGHTS_FAILED), phase="estimate"):
        weights = services.estimate_match_weights(actor=_user(actor_id))
    background.note_done(WEIGHTS_KEY, total=weights.record_count, weights=weights.pk)
    return weights.pk


def estimate_weights_on_request(*, actor: Any) -> bool:
    """The weights estimated again in the worker, as asked on the duplicate queue; False
    when an estimation asked for earlier is still waiting or running."""
    if not background.claim(WEIGHTS_KEY, again_if_done=True):
        return False
    estimate_match_weights.enqueue(actor.pk if actor is not None else None)
    return True


def estimate_weights_when_outgrown() -> None:
    """After the registry has grown (an import saved): when it has outgrown the weights of
    its duplicate finder, have them estimated again by the background worker, once the
    saving transaction has ended."""
    if match_weights_outgrown():
        transaction.on_commit(lambda: estimate_match_weights.enqueue(only_if_outgrown=True))


# The registry-wide search in the worker, one at a time: followed on the duplicate queue,
# which says this of a search the worker failed on or stopped doing (nothing was lost).
SEARCH_KEY = "duplicate-search"
SEARCH_FAILED = _(
    "Pencarian duplikat di latar berhenti sebelum selesai; antrean tidak berubah. Cari lagi."
)


@task()
def detect_registry_duplicates(actor_id: int | None = None) -> dict[str, int]:
    """Search the whole registry for duplicates and queue the new pairs; what was found,
    noted under SEARCH_KEY for the duplicate queue."""
    with background.noted(SEARCH_KEY, failed=str(SEARCH_FAILED), phase="search"):
        result = services.detect_registry_duplicates(actor=_user(actor_id))
    background.note_done(
        SEARCH_KEY, total=result.compared, found=result.found, created=result.created
    )
    return {"compared": result.compared, "found": result.found, "created": result.created}


# A search over more active persons than this runs in the background worker: 50,000 take
# about 2 s (bench_dedup), a million 20 to 30 s, too long to hold a server process.
INLINE_MAX_SEARCH_PERSONS = 50_000


@dataclass(frozen=True)
class SearchQueued:
    """A search handed to the worker (`is_queued`), or not asked twice: one asked for
    earlier is still waiting or running."""

    persons: int  # the active persons the search will read
    is_queued: bool = True


def detect_duplicates_now_or_later(*, actor: Any) -> services.DuplicateDetection | SearchQueued:
    """The registry-wide duplicate search at once in a small registry, handed to the
    background worker in a large one (the duplicate page and the worker alike), once."""
    persons = Person.objects.active().count()
    if persons > INLINE_MAX_SEARCH_PERSONS:
        if not background.claim(SEARCH_KEY, again_if_done=True):
            return SearchQueued(persons, is_queued=False)
        detect_registry_duplicates.enqueue(actor.pk if actor is not None else None)
        return SearchQueued(persons)
    return services.detect_registry_duplicates(actor=actor)


def search_followed() -> dict[str, Any]:
    """What the duplicate queue says of the latest search in the worker (empty: none)."""
    return background.followed(SEARCH_KEY, lost=str(SEARCH_FAILED))


def weights_followed() -> dict[str, Any]:
    """What the duplicate queue says of the latest estimation of the weights it asked for."""
    return background.followed(WEIGHTS_KEY, lost=str(WEIGHTS_FAILED))


def _user(actor_id: int | None) -> object:
    """Who asked for the work (None: Rentan itself, as after an import)."""
    return get_user_model().objects.get(pk=actor_id) if actor_id is not None else None
