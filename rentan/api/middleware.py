"""Answers under /api/v1/ that Django or ninja give before any operation runs (no such
route, a method the route does not take, a server error) in the API's JSON error shape
rather than an HTML page; and text holding a NUL character, which no field of Rentan may hold
(PostgreSQL refuses it in any text), refused before any operation reads it."""

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from rentan.api.errors import ErrorCode

PREFIX = "/api/v1/"


def _messages() -> dict[int, tuple[str, str]]:
    return {
        404: (ErrorCode.NOT_FOUND, _("Alamat API tidak ada.")),
        405: (ErrorCode.METHOD_NOT_ALLOWED, _("Metode HTTP ini tidak diterima di alamat ini.")),
        500: (ErrorCode.SERVER_ERROR, _("Terjadi kesalahan di server; sudah dicatat.")),
    }


class ApiErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        if _holds_nul(request):
            return _json(
                422,
                ErrorCode.INVALID_INPUT,
                _("Teks berisi karakter NUL (\\0), yang tidak diterima di isian mana pun."),
            )
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        known = _messages().get(response.status_code)
        if known is None:
            return response
        answer = _json(response.status_code, *known)
        if response.has_header("Allow"):
            answer["Allow"] = response["Allow"]
        return answer


def _holds_nul(request: HttpRequest) -> bool:
    """A NUL in the query string or a JSON body (raw or as the \\u0000 escape). A file's
    bytes (a multipart upload) may hold NULs and are read by the import's own checks."""
    if any("\x00" in value for values in request.GET.lists() for value in values[1]):
        return True
    if request.content_type == "application/json":
        return b"\x00" in request.body or b"\\u0000" in request.body
    return False


def _json(status: int, code: str, message: str) -> HttpResponse:
    return HttpResponse(
        json.dumps({"code": code, "message": message}),
        status=status,
        content_type="application/json; charset=utf-8",
    )
