"""Who calls: a personal API token in `Authorization: Bearer rtn_…`, acting as its user, and
how often they may (`RENTAN_API_RATE` per token)."""

import threading
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.throttling import AuthRateThrottle

from rentan.api import tokens
from rentan.api.models import ApiToken

# `last_used_at` is written at most this often per token: a busy client would otherwise
# write its token's row on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        parts = tokens.split_token(token)
        if parts is None:
            return None
        prefix, secret = parts
        found = ApiToken.objects.usable().select_related("user").filter(prefix=prefix)
        row = found.first()
        if row is None or not tokens.secret_matches(secret, row.secret_hash):
            return None
        if not row.user.is_active:
            return None
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        # The token acts as its user: every selector and service reads `request.user`.
        request.user = row.user
        return row


class TokenRateThrottle(AuthRateThrottle):
    """Requests per token (ninja's throttle; the count kept in the `api` cache, which every
    worker process of a server shares)."""

    scope = "token"

    def __init__(self) -> None:
        super().__init__(settings.RENTAN_API_RATE)
        # Ninja's throttle keeps the request it judges on the instance, which every thread
        # of a worker shares: one judgement at a time.
        self._lock = threading.Lock()

    def allow_request(self, request: HttpRequest) -> bool:
        with self._lock:
            # Read when asked, so a changed setting (a test, a reload) takes effect.
            self.cache = caches[settings.RENTAN_API_CACHE]
            self.num_requests, self.duration = self.parse_rate(settings.RENTAN_API_RATE)
            return super().allow_request(request)

    def wait(self) -> float | None:
        with self._lock:
            return super().wait()

    def get_cache_key(self, request: HttpRequest) -> str:
        auth: Any = getattr(request, "auth", None)
        ident = f"t{auth.prefix}" if isinstance(auth, ApiToken) else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
