"""Signed-in sessions end after a while unused and, in any case, some hours after login.

A middleware rather than SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST: that pair would
write the session on every request, would count the progress bar's polling as activity, could
not bound a session's whole length, and would end it silently. Here the next request goes to
the login page with the reason, the logout is recorded, and the stamp is written at most once a
minute.
"""

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from rentan.accounts.sessions import SessionEnd, session_end

STARTED_AT = "rentan_started_at"
LAST_ACTIVE_AT = "rentan_last_active_at"
# Activity is stamped with this precision: a session is written once a minute, not per click.
STAMP_EVERY_SECONDS = 60


def start_session_clock(session: SessionBase, now: float | None = None) -> None:
    now = time.time() if now is None else now
    session[STARTED_AT] = now
    session[LAST_ACTIVE_AT] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        session = request.session
        now = time.time()
        ended = session_end(
            now=now,
            started_at=session.get(STARTED_AT),
            last_active_at=session.get(LAST_ACTIVE_AT),
            idle_seconds=settings.RENTAN_IDLE_TIMEOUT_MINUTES * 60,
            max_age_seconds=settings.RENTAN_SESSION_MAX_HOURS * 3600,
        )
        if ended is not None:
            return self._end(request, ended)
        if session.get(STARTED_AT) is None:
            start_session_clock(session, now)
        match = request.resolver_match
        is_polling = (
            match is not None
            and match.view_name in settings.RENTAN_POLLING_URL_NAMES
            and request.headers.get("HX-Request") == "true"
        )
        last_active_at = session.get(LAST_ACTIVE_AT) or 0
        if not is_polling and now - last_active_at >= STAMP_EVERY_SECONDS:
            session[LAST_ACTIVE_AT] = now
        return None

    def _end(self, request: HttpRequest, ended: SessionEnd) -> HttpResponse:
        # Read by the logout receiver, which records why the session ended.
        request.session_end = ended  # type: ignore[attr-defined]
        logout(request)
        if ended is SessionEnd.IDLE:
            message = _(
                "Sesi berakhir karena tidak aktif selama %(minutes)d menit. Silakan masuk lagi."
            ) % {"minutes": settings.RENTAN_IDLE_TIMEOUT_MINUTES}
        else:
            message = _(
                "Sesi berakhir karena sudah berlangsung %(hours)d jam. Silakan masuk lagi."
            ) % {"hours": settings.RENTAN_SESSION_MAX_HOURS}
        messages.warning(request, message)
        if request.headers.get("HX-Request"):
            # htmx would swap the login page into a fragment (the progress bar): have the
            # browser load it instead, coming back to the page the person was on.
            page = urlsplit(request.headers.get("HX-Current-URL", ""))
            back = page.path + (f"?{page.query}" if page.query else "")
            response = HttpResponse(status=204)
            response["HX-Redirect"] = redirect_to_login(back or "/")["Location"]
            return response
        return redirect_to_login(request.get_full_path() if request.method == "GET" else "/")
