"""Asking before an action that removes or ends something.

A view that discards, merges, ends or replaces answers a POST that lacks the confirmation
field with a page saying what will happen (how many records, what is kept, whether it can be
undone) and does nothing else; that page posts the same fields again with the confirmation
added. Plain HTML, so it works without JavaScript, and a request that skipped the page (a
stale form, a script, a double click) never changes anything.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "konfirmasi"
CONFIRM_VALUE = "ya"
# Fields the page adds itself; the rest of the first POST is carried through unchanged.
_NOT_CARRIED = {CONFIRM_FIELD, "csrfmiddlewaretoken"}


@dataclass(frozen=True)
class Consequences:
    title: str  # the question, e.g. "Batalkan impor?"
    effects: Sequence[str]  # what will happen, one sentence each, with the figures
    undo: str  # whether and how it can be undone
    confirm_label: str  # the button that does it
    back_url: str  # where "no" leads


def is_confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


def ask_to_confirm(request: HttpRequest, consequences: Consequences) -> HttpResponse:
    """The confirmation page for this request: it posts back to the same URL."""
    carried = [
        (name, value)
        for name in request.POST
        if name not in _NOT_CARRIED
        for value in request.POST.getlist(name)
    ]
    return render(
        request,
        "core/confirm.html",
        {
            "consequences": consequences,
            "action": request.path,
            "carried": carried,
            "confirm_field": CONFIRM_FIELD,
            "confirm_value": CONFIRM_VALUE,
        },
    )
