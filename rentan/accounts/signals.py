"""Django's and django-axes' login signals, handed to the services that record them."""

from typing import Any

from axes.helpers import get_failure_limit
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from rentan.accounts import services
from rentan.accounts.client_ip import client_ip
from rentan.accounts.middleware import start_session_clock
from rentan.accounts.sessions import SessionEnd


def _ip(request: HttpRequest | None) -> str | None:
    return client_ip(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="rentan.accounts.logged_in")
def logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    services.record_login(user=user, ip=_ip(request))
    if request is not None and hasattr(request, "session"):
        start_session_clock(request.session)


@receiver(user_login_failed, dispatch_uid="rentan.accounts.login_failed")
def login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    services.record_failed_login(username=str(credentials.get("username") or ""), ip=_ip(request))


@receiver(user_locked_out, dispatch_uid="rentan.accounts.locked_out")
def locked_out(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    # django-axes signals on every try while locked; the audit keeps the moment the lock began.
    failures = getattr(request, "axes_failures_since_start", None)
    credentials = getattr(request, "axes_credentials", None)
    if failures is not None and failures != get_failure_limit(request, credentials):
        return
    services.record_lockout(username=username or "", ip=ip_address, failures=failures or 0)


@receiver(user_logged_out, dispatch_uid="rentan.accounts.logged_out")
def logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    reason = getattr(request, "session_end", SessionEnd.SIGNED_OUT)
    services.record_logout(user=user, ip=_ip(request), reason=reason)
