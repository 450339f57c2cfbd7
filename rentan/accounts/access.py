"""The one door to records: what each role may do, and which records it may see.

Every view and selector asks here; templates only display what they are handed. A user who
may not see a record gets a 404 (the record does not exist for them), never the data.
"""

from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import wraps
from typing import Any, Protocol, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from rentan.accounts.models import Role


class Capability(StrEnum):
    VIEW_PERSONS = "view_persons"
    EDIT_PERSONS = "edit_persons"
    VERIFY_PERSONS = "verify_persons"
    DEACTIVATE_PERSONS = "deactivate_persons"
    SEE_FULL_NIK = "see_full_nik"
    SEE_SENSITIVE = "see_sensitive"
    READ_AUDIT = "read_audit"
    VIEW_AGGREGATES = "view_aggregates"
    IMPORT_DATA = "import_data"
    REVIEW_DUPLICATES = "review_duplicates"
    MANAGE_PROGRAMME = "manage_programme"
    READ_SELECTION = "read_selection"
    MANAGE_ENROLLMENT = "manage_enrollment"
    VIEW_ENROLLED_ROSTER = "view_enrolled_roster"
    # The files exchanged with the BPJS branch: download a registration file made by the
    # Dinas, upload the branch's reply and its monthly bill, and read what each row did.
    EXCHANGE_BPJS_FILES = "exchange_bpjs_files"
    # Record a JKK/JKM event for a member and follow its claim to payment.
    HANDLE_CLAIMS = "handle_claims"
    # The city-wide reports (Laporan): figures only, for the Dinas and the leadership.
    READ_REPORTS = "read_reports"
    # Record complaints (pengaduan) at a desk and follow them; an operator, those of their
    # own kelurahan.
    HANDLE_COMPLAINTS = "handle_complaints"
    # Assign a complaint, review and decide it, note its follow-up: the Dinas's work.
    DECIDE_COMPLAINTS = "decide_complaints"
    # Make and revoke the API tokens of any user (everyone manages their own).
    MANAGE_API_TOKENS = "manage_api_tokens"
    # Register the field forms (KoboToolbox/ODK Collect) whose submissions Rentan takes, and
    # deactivate them: the Dinas's admin, who holds their secrets.
    MANAGE_FIELD_FORMS = "manage_field_forms"


_ALL = frozenset(Capability)

CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMIN: _ALL,
    Role.OPERATOR: frozenset(
        {
            Capability.VIEW_PERSONS,
            Capability.EDIT_PERSONS,
            Capability.SEE_FULL_NIK,
            Capability.SEE_SENSITIVE,
            Capability.IMPORT_DATA,
            Capability.VIEW_AGGREGATES,
            Capability.HANDLE_COMPLAINTS,
        }
    ),
    Role.VERIFIER: frozenset(
        {
            Capability.VIEW_PERSONS,
            Capability.VERIFY_PERSONS,
            Capability.SEE_FULL_NIK,
            Capability.SEE_SENSITIVE,
            Capability.REVIEW_DUPLICATES,
            Capability.READ_SELECTION,
            Capability.VIEW_AGGREGATES,
            Capability.HANDLE_COMPLAINTS,
            Capability.DECIDE_COMPLAINTS,
        }
    ),
    # The branch officer's workspace: the enrolled roster, the files both ways, the claims;
    # not the selection, the payments or the budget, which are the Dinas's.
    Role.BPJS_OFFICER: frozenset(
        {
            Capability.VIEW_ENROLLED_ROSTER,
            Capability.EXCHANGE_BPJS_FILES,
            Capability.HANDLE_CLAIMS,
            Capability.SEE_FULL_NIK,
            Capability.VIEW_AGGREGATES,
        }
    ),
    Role.LEADER: frozenset({Capability.VIEW_AGGREGATES, Capability.READ_REPORTS}),
}


def can(user: Any, capability: Capability) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return capability in CAPABILITIES.get(user.role, frozenset())


M = TypeVar("M", bound=Model)


class _Area(Protocol):
    code: str


A = TypeVar("A", bound=_Area)


def kelurahan_scope(user: Any) -> str | None:
    """The one kelurahan a user's work is confined to, or None for the Dinas roles, whose work
    spans the whole region. An operator with no kelurahan is confined to none ("")."""
    if getattr(user, "role", None) == Role.OPERATOR:
        return user.kelurahan_id or ""
    return None


def kelurahan_open_to(user: Any, villages: Iterable[A]) -> list[A]:
    """The kelurahan among `villages` a user may choose (an operator, only their own)."""
    scope = kelurahan_scope(user)
    return [v for v in villages if scope is None or v.code == scope]


def scope_to_user(user: Any, queryset: QuerySet[M], *, kelurahan_field: str) -> QuerySet[M]:
    """Only the records this user may see: an operator, those of their own kelurahan. A record
    whose kelurahan field is empty (an import spanning several) is for the Dinas roles only."""
    if not can(user, Capability.VIEW_PERSONS):
        return queryset.none()
    kelurahan = kelurahan_scope(user)
    if kelurahan is None:
        return queryset
    if not kelurahan:
        return queryset.none()
    return queryset.filter(**{kelurahan_field: kelurahan})


def get_scoped_or_404(user: Any, queryset: QuerySet[M], *, kelurahan_field: str, pk: Any) -> M:
    try:
        return scope_to_user(user, queryset, kelurahan_field=kelurahan_field).get(pk=pk)
    except (ObjectDoesNotExist, ValueError) as missing:
        raise Http404 from missing


def may_assign_kelurahan(user: Any, kelurahan_code: str) -> bool:
    """An operator may only put people into their own kelurahan."""
    if user.role == Role.OPERATOR:
        return bool(user.kelurahan_id == kelurahan_code)
    return can(user, Capability.EDIT_PERSONS)


View = TypeVar("View", bound=Callable[..., HttpResponse])


def requires(capability: Capability) -> Callable[[View], View]:
    """View decorator: logged in (else to the login page) and holding the capability (else 403)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
