"""Who calls: a personal API token in `Authorization: Bearer rtn_…`, acting as its user, and
how often they may (`RENTAN_API_RATE` per token)."""

import threading
import time
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
        try:
            # The prefix is unique: `get` asks without an order to sort by.
            row = ApiToken.objects.usable().select_related("user").get(prefix=prefix)
        except ApiToken.DoesNotExist:
            return None
        if not tokens.secret_matches(secret, row.secret_hash):
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
    """Requests per token in fixed windows (`RENTAN_API_RATE`, "600/min": at most 600 in each
    clock minute), counted in the `api` cache, which every worker process of a server shares.
    The count is one number a window: ninja's own throttle keeps every request's time and
    writes the whole list, compressed, to the file cache on each request."""

    scope = "token"
    clock = staticmethod(time.time)

    def __init__(self) -> None:
        super().__init__(settings.RENTAN_API_RATE)
        # One instance serves every thread of a worker: one judgement at a time.
        self._lock = threading.Lock()
        self._window_ends_at = 0.0

    def allow_request(self, request: HttpRequest) -> bool:
        with self._lock:
            # Read when asked, so a changed setting (a test, a reload) takes effect.
            cache = caches[settings.RENTAN_API_CACHE]
            limit, seconds = self.parse_rate(settings.RENTAN_API_RATE)
            if limit is None or seconds is None:
                return True
            now = self.clock()
            window = int(now // seconds)
            key = f"{self.get_cache_key(request)}:{window}"
            count = cache.get(key, 0)
            if count >= limit:
                self._window_ends_at = (window + 1) * seconds
                return False
            cache.set(key, count + 1, seconds)
            return True

    def wait(self) -> float | None:
        with self._lock:
            return max(self._window_ends_at - self.clock(), 0.0)

    def get_cache_key(self, request: HttpRequest) -> str:
        auth: Any = getattr(request, "auth", None)
        ident = f"t{auth.prefix}" if isinstance(auth, ApiToken) else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
