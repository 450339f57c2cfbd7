"""The address a request came from, for login throttling and the audit trail."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the header named by RENTAN_CLIENT_IP_HEADER behind a reverse proxy.

    A proxy appends the address it saw to X-Forwarded-For, after whatever the client sent
    itself, so the last value is the only one the proxy vouches for.
    """
    header = settings.RENTAN_CLIENT_IP_HEADER
    if header:
        meta_key = "HTTP_" + header.upper().replace("-", "_")
        values = [v.strip() for v in request.META.get(meta_key, "").split(",") if v.strip()]
        if values:
            return values[-1]
    return request.META.get("REMOTE_ADDR") or None
