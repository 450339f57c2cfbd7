"""Every answer of the API that is not the data asked for: `{"code": …, "message": …}`, the
code stable for programs, the message in Indonesian for people. Ninja's own refusals (a
missing token, a malformed parameter, a route that does not exist) answer the same way."""

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from ninja import Schema


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    INVALID_INPUT = "invalid_input"
    CONFLICT = "conflict"
    RATE_LIMITED = "rate_limited"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    SERVER_ERROR = "server_error"


class Error(Schema):
    code: str
    message: str
    # What was wrong where, for `invalid_input`: one entry per field (the field's path and
    # the reason).
    errors: list[dict[str, Any]] | None = None


class ApiError(Exception):
    """Raised by an operation to answer with an error; the API turns it into its JSON."""

    def __init__(self, status: int, code: ErrorCode, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


def forbidden() -> ApiError:
    return ApiError(403, ErrorCode.FORBIDDEN, _("Peran Anda tidak diizinkan melakukan ini."))


def not_found() -> ApiError:
    return ApiError(404, ErrorCode.NOT_FOUND, _("Data tidak ditemukan."))


def invalid(message: str, **extra: Any) -> ApiError:
    return ApiError(422, ErrorCode.INVALID_INPUT, message, **extra)


# The refusals every operation may answer, documented in the schema so that a client (and
# schemathesis) knows their shape.
COMMON: dict[int, Any] = {401: Error, 403: Error, 404: Error, 422: Error, 429: Error}


def responses(ok: Any, status: int = 200, **more: Any) -> dict[int, Any]:
    extra = {int(code.removeprefix("s")): schema for code, schema in more.items()}
    return {status: ok, **COMMON, **extra}
