"""Changes to accounts and the record of every login, failed login, lockout and logout.

An attempt is recorded against the username tried (target `accounts.login_attempt`), so an
unknown name is recorded too; the login signals (`signals.py`) call these services, and the
password page (`kata-sandi/`) calls `change_password`."""

from typing import Any

from django.db import transaction

from rentan.accounts.models import User
from rentan.accounts.sessions import SessionEnd
from rentan.core.audit import record_event, record_event_on
from rentan.core.models import AuditAction, AuditEvent

# A login tried with a username that belongs to nobody has no user to point at: the event
# names the attempt, by the username tried (cut to the column's length; whole in `changes`).
LOGIN_ATTEMPT = "accounts.login_attempt"


def _record_attempt(
    *, action: AuditAction, username: str, ip: str | None, changes: dict[str, Any] | None = None
) -> AuditEvent:
    payload = {"username": username, "ip": ip, **(changes or {})}
    user = User.objects.filter(username=username).first() if username else None
    if user is not None:
        return record_event(actor=None, action=action, target=user, changes=payload)
    return record_event_on(
        actor=None,
        action=action,
        target_type=LOGIN_ATTEMPT,
        target_id=username[:50],
        changes=payload,
    )


@transaction.atomic
def record_login(*, user: User, ip: str | None) -> AuditEvent:
    return record_event(actor=user, action=AuditAction.LOGIN, target=user, changes={"ip": ip})


@transaction.atomic
def record_failed_login(*, username: str, ip: str | None) -> AuditEvent:
    """A wrong password, an unknown username, or any try while locked out; never the
    password itself."""
    return _record_attempt(action=AuditAction.LOGIN_FAILED, username=username, ip=ip)


@transaction.atomic
def record_lockout(*, username: str, ip: str | None, failures: int) -> AuditEvent:
    return _record_attempt(
        action=AuditAction.LOCKOUT, username=username, ip=ip, changes={"failures": failures}
    )


@transaction.atomic
def record_logout(*, user: User, ip: str | None, reason: SessionEnd) -> AuditEvent:
    return record_event(
        actor=user,
        action=AuditAction.LOGOUT,
        target=user,
        changes={"ip": ip, "reason": reason.value},
    )


@transaction.atomic
def change_password(*, user: User, new_password: str, ip: str | None) -> AuditEvent:
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return record_event(
        actor=user, action=AuditAction.PASSWORD_CHANGE, target=user, changes={"ip": ip}
    )
