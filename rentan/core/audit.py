"""The one way to write an audit event. Callers are services already inside a transaction,
or views recording what they have just shown (`record_read`).

An event that showed or exported personal data names its persons as `AuditSubject` rows,
written with the event in one transaction and in one INSERT, however many rows the page held.
"""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, models, transaction

from rentan.core.models import AuditAction, AuditEvent, AuditSubject


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _person_ids(persons: Iterable[int]) -> list[int]:
    return sorted({int(pk) for pk in persons if pk is not None})


def _add_subjects(event: AuditEvent, ids: list[int]) -> None:
    """All of an event's persons in one INSERT, the ids passed as one array parameter: a page
    of 500 rows costs one statement, not 500 (nor SQLite's 999-parameter batches)."""
    if not ids:
        return
    table = connection.ops.quote_name(AuditSubject._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} (event_id, person_id) SELECT %s, unnest(%s::bigint[])",
                [event.pk, ids],
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                f"INSERT INTO {table} (event_id, person_id) SELECT %s, value FROM json_each(%s)",
                [event.pk, json.dumps(ids)],
            )
        else:
            AuditSubject.objects.bulk_create(
                [AuditSubject(event=event, person_id=pk) for pk in ids]
            )


def record_event(
    *,
    actor: Any,
    action: AuditAction,
    target: models.Model,
    changes: Mapping[str, Any] | None = None,
    note: str = "",
    persons: Iterable[int] = (),
) -> AuditEvent:
    return record_event_on(
        actor=actor,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        changes=changes,
        note=note,
        persons=persons,
    )


def record_change(
    *,
    actor: Any,
    action: AuditAction,
    target: models.Model,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    note: str = "",
    persons: Iterable[int] = (),
) -> AuditEvent:
    """A change of state, in the one payload every kind of change shares: the values it
    changed as they were and as they became (`before` is empty for a record just made, and
    for a batch of records it holds their counts)."""
    return record_event(
        actor=actor,
        action=action,
        target=target,
        changes={"before": dict(before), "after": dict(after)},
        note=note,
        persons=persons,
    )


@transaction.atomic(savepoint=False)
def record_event_on(
    *,
    actor: Any,
    action: AuditAction,
    target_type: str,
    target_id: str,
    changes: Mapping[str, Any] | None = None,
    note: str = "",
    persons: Iterable[int] = (),
) -> AuditEvent:
    """An event whose target is named rather than loaded, such as a login tried with a
    username that belongs to nobody."""
    ids = _person_ids(persons)
    event = AuditEvent.objects.create(
        actor=_actor(actor),
        action=action,
        target_type=target_type,
        target_id=target_id,
        changes=dict(changes or {}),
        note=note,
    )
    _add_subjects(event, ids)
    return event


def record_read(
    *,
    actor: Any,
    persons: Iterable[int],
    page: str,
    note: str,
    target: models.Model | None = None,
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """A page or file showed these persons' data to this user (UU 27/2022: a breach report
    must say whose data was exposed). `page` is the path asked for; `note` says in words what
    was shown; `target` is the record the page is about, if any."""
    return record_event_on(
        actor=actor,
        action=AuditAction.VIEW,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        changes={"halaman": page, **(changes or {})},
        note=note,
        persons=persons,
    )


def record_export(
    *,
    actor: Any,
    target_type: str,
    target_ids: Iterable[object],
    note: str,
    persons: Iterable[int] = (),
) -> AuditEvent:
    """An export of personal data: one event naming every record that left the system, and
    the persons whose data it held."""
    ids = [str(i) for i in target_ids]
    return record_event_on(
        actor=actor,
        action=AuditAction.EXPORT,
        target_type=target_type,
        target_id=f"{len(ids)} data",
        changes={"ids": ids},
        note=note,
        persons=persons,
    )


def events_for(target: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    ).select_related("actor")


def reads_of(person_id: int) -> models.QuerySet[AuditEvent]:
    """Events that showed or exported this person's data, newest first."""
    return (
        AuditEvent.objects.filter(
            pk__in=AuditSubject.objects.filter(person_id=person_id).values("event_id")
        )
        .select_related("actor")
        .order_by("-id")
    )
