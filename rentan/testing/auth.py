"""Test-only authentication backend (config.settings.test)."""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class RequestlessLoginBackend(AxesStandaloneBackend):
    """django-axes, except for `Client.login()`, which calls authenticate() without a request.

    Every login over HTTP still carries a request and meets the lockout.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
