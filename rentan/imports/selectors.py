"""Reads of imports, always through the access module."""

import hashlib
from typing import Any

from django.db.models import QuerySet

from rentan.accounts.access import get_scoped_or_404, kelurahan_scope, scope_to_user
from rentan.imports.cells import Choice
from rentan.imports.models import FieldForm, ImportBatch, RowStatus, StagedRow
from rentan.imports.workbooks import ProgrammeChoices
from rentan.registry.dedup import MatchReason
from rentan.registry.models import Occupation, Person
from rentan.registry.selectors import programme_kelurahan


def programme_choices() -> ProgrammeChoices:
    """The kelurahan and job types a person may be put in: the template's drop-downs, every
    error file's and the field form's choice lists."""
    return ProgrammeChoices(
        kelurahan=[Choice(area.code, area.name) for area in programme_kelurahan()],
        occupations=[
            Choice(code, name)
            for code, name in Occupation.objects.order_by("name").values_list("code", "name")
        ],
    )


def hash_secret(secret: str) -> str:
    """How a field form's secret is kept: 256 random bits need no slow hash to stay out of
    reach, and a submission is found by this hash alone."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def field_form_for_secret(secret: str) -> FieldForm | None:
    """The field form a submission's secret opens, active or not; None for any other."""
    if not secret:
        return None
    return FieldForm.objects.filter(secret_hash=hash_secret(secret)).first()


def batches_visible_to(user: Any) -> QuerySet[ImportBatch]:
    """An operator sees the imports whose rows all lie in their own kelurahan (an import
    spanning several is for the Dinas roles only); an admin sees every import."""
    queryset = ImportBatch.objects.select_related("uploaded_by", "default_kelurahan")
    return scope_to_user(user, queryset, kelurahan_field="rows_kelurahan")


def batch_for(user: Any, pk: Any) -> ImportBatch:
    return get_scoped_or_404(
        user,
        ImportBatch.objects.select_related("uploaded_by", "default_kelurahan"),
        kelurahan_field="rows_kelurahan",
        pk=pk,
    )


def rows_with_errors(batch: ImportBatch, limit: int | None = None) -> QuerySet[StagedRow]:
    rows = batch.rows.filter(status=RowStatus.ERROR).order_by("row_number")
    return rows[:limit] if limit else rows


def niks_registered_elsewhere(user: Any, batch: ImportBatch) -> set[str]:
    """The NIKs of the batch's already-registered rows held by people outside the user's
    area: for those the user is told only where to ask."""
    confined_to = kelurahan_scope(user)
    if confined_to is None:
        return set()
    registered = batch.rows.filter(status=RowStatus.ALREADY_REGISTERED).values("nik")
    return set(
        Person.objects.filter(nik__in=registered)
        .exclude(kelurahan_id=confined_to)
        .values_list("nik", flat=True)
    )


def _reason_label(value: str) -> str:
    try:
        return str(MatchReason(value).label)
    except ValueError:
        return value


def rows_to_decide(user: Any, batch: ImportBatch) -> list[dict[str, Any]]:
    """Probable duplicates and rows already registered, each with whom it resembles.

    A registered person the user may not see stays unnamed: the user learns only that the
    row matches someone registered outside their area ("is_elsewhere"), never who or where.
    """
    rows = list(
        batch.rows.filter(status__in=[RowStatus.DUPLICATE, RowStatus.ALREADY_REGISTERED]).order_by(
            "row_number"
        )[:500]
    )
    person_ids = {
        int(match["other"][7:])
        for row in rows
        for match in row.matches
        if match["other"].startswith("person:")
    }
    persons = scope_to_user(
        user, Person.objects.select_related("kelurahan"), kelurahan_field="kelurahan"
    ).in_bulk(person_ids)
    decided = []
    for row in rows:
        others = []
        for match in row.matches:
            kind, _, ident = match["other"].partition(":")
            person = persons.get(int(ident)) if kind == "person" else None
            others.append(
                {
                    "row": int(ident) if kind == "row" else None,
                    "person": person,
                    "is_elsewhere": kind == "person" and person is None,
                    "score": match["score"],
                    "reasons": [_reason_label(reason) for reason in match["reasons"]],
                }
            )
        decided.append({"row": row, "others": others})
    return decided
