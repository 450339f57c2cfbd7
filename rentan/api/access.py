"""The API's side of the access door: the token's user, and the capability an operation
needs. Records are then read through the same selectors as the pages, which scope them."""

from typing import Any

from django.http import HttpRequest

from rentan.accounts.access import Capability, can
from rentan.api.errors import forbidden


def user_of(request: HttpRequest) -> Any:
    return request.auth.user  # type: ignore[attr-defined]


def require(request: HttpRequest, capability: Capability) -> Any:
    """The caller's user, when their role holds the capability; else 403 `forbidden`."""
    user = user_of(request)
    if not can(user, capability):
        raise forbidden()
    return user
