"""Personal API tokens made and revoked, each on record (`API_TOKEN_CREATED`,
`API_TOKEN_REVOKED`): by the user for themselves, or by the admin for any user. The page
checks who may; the service keeps the record."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from rentan.api import tokens
from rentan.api.models import ApiToken
from rentan.core.audit import record_change
from rentan.core.models import AuditAction

# A token is a password that does not expire by itself: the longest it may live.
MAX_DAYS = 365


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    text: str  # shown once, never stored


def _facts(token: ApiToken) -> dict[str, Any]:
    return {
        "user": token.user.username,
        "name": token.name,
        "prefix": token.prefix,
        "expires_at": token.expires_at.isoformat(),
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


@transaction.atomic
def create_api_token(*, actor: Any, user: Any, name: str, days: int) -> CreatedToken:
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be 1..{MAX_DAYS}")
    new = tokens.new_token()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=new.prefix,
        secret_hash=new.secret_hash,
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=days),
    )
    record_change(
        actor=actor,
        action=AuditAction.API_TOKEN_CREATED,
        target=token,
        before={},
        after=_facts(token),
    )
    return CreatedToken(token=token, text=new.text)


@transaction.atomic
def revoke_api_token(*, actor: Any, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    before = _facts(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_change(
        actor=actor,
        action=AuditAction.API_TOKEN_REVOKED,
        target=token,
        before=before,
        after=_facts(token),
    )
    return token
