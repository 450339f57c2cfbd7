"""The HTTP API, version 1 (`/api/v1/`), thin over the selectors and services the pages use.
Ninja builds the OpenAPI schema from the typed operations (`/api/v1/openapi.json`) and serves
its documentation page from the package's own files (`/api/v1/docs`), nothing from the web.

Every operation: a personal API token (`auth.py`), a rate per token, the capability it needs
(`access.require`), the records through the door (`accounts/access.py`), errors as
`{"code", "message"}` (`errors.py`), lists by cursor (`paging.py`)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from rentan.api import areas, complaints, enrollment, imports, persons, reports, selection
from rentan.api.auth import TokenAuth, TokenRateThrottle
from rentan.api.errors import ApiError, ErrorCode

api = NinjaAPI(
    title="Rentan API",
    version="1",
    description=_(
        "API Rentan: data pekerja, impor, seleksi, kepesertaan, tagihan, klaim, pengaduan dan "
        "laporan, dengan peran dan wilayah pengguna pemilik token."
    ),
    urls_namespace="api",
    auth=TokenAuth(),
    throttle=[TokenRateThrottle()],
    docs_url="/docs",
)

for module in (areas, persons, imports, selection, enrollment, complaints, reports):
    api.add_router("", module.router)


def _error(
    request: HttpRequest, status: int, code: ErrorCode, message: str, **extra: Any
) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, **exc.extra)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request,
        401,
        ErrorCode.UNAUTHENTICATED,
        _("Token API tidak ada, salah, kedaluwarsa atau sudah dicabut."),
    )


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return _error(
        request, 429, ErrorCode.RATE_LIMITED, _("Terlalu banyak permintaan; coba lagi nanti.")
    )


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: list[dict[str, str]] = [
        {
            "field": ".".join(str(part) for part in error.get("loc", ())),
            "reason": str(error.get("msg", "")),
        }
        for error in exc.errors
    ]
    return _error(
        request,
        422,
        ErrorCode.INVALID_INPUT,
        _("Isian tidak valid: %(fields)s.") % {"fields": ", ".join(e["field"] for e in errors)},
        errors=errors,
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, ErrorCode.NOT_FOUND, _("Data tidak ditemukan."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, ErrorCode.FORBIDDEN, _("Peran Anda tidak diizinkan melakukan ini."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {
        401: ErrorCode.UNAUTHENTICATED,
        403: ErrorCode.FORBIDDEN,
        404: ErrorCode.NOT_FOUND,
        429: ErrorCode.RATE_LIMITED,
    }
    code = codes.get(exc.status_code, ErrorCode.INVALID_INPUT)
    return _error(request, exc.status_code, code, _("Permintaan tidak dapat dilayani."))
