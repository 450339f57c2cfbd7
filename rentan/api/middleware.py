"""Answers under /api/v1/ that Django or ninja give before any operation runs (no such
route, a method the route does not take, a server error) in the API's JSON error shape
rather than an HTML page."""

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
        response = self.get_response(request)
        if not request.path.startswith(PREFIX):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        known = _messages().get(response.status_code)
        if known is None:
            return response
        code, message = known
        answer = HttpResponse(
            json.dumps({"code": code, "message": message}),
            status=response.status_code,
            content_type="application/json; charset=utf-8",
        )
        if response.has_header("Allow"):
            answer["Allow"] = response["Allow"]
        return answer
