"""The one way to write an audit event. Callers are services already inside a transaction."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from rentan.core.models import AuditAction, AuditEvent


def record_event(
    *,
    actor: Any,
    action: AuditAction,
    target: models.Model,
    changes: Mapping[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    return record_event_on(
        actor=actor,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        changes=changes,
        note=note,
    )


def record_event_on(
    *,
    actor: Any,
    action: AuditAction,
    target_type: str,
    target_id: str,
    changes: Mapping[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """An event whose target is named rather than loaded, such as a login tried with a
    username that belongs to nobody."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        changes=dict(changes or {}),
        note=note,
    )


def record_export(*, actor: Any, target_type: str, target_ids: Iterable[object], note: str) -> None:
    """An export of personal data: one event naming every record that left the system."""
    ids = [str(i) for i in target_ids]
    AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=AuditAction.EXPORT,
        target_type=target_type,
        target_id=f"{len(ids)} data",
        changes={"ids": ids},
        note=note,
    )


def events_for(target: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    ).select_related("actor")
