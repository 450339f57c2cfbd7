"""Field forms (KoboToolbox, ODK Collect) and what they send: the only ways to register a
form, to deactivate it and to take a submission in.

A form is registered by the Dinas with KoboToolbox's id of it (`_xform_id_string`); its
secret is made here, shown once and kept as a hash (`hash_secret`). Each submission becomes a
row of its form's batch for its kelurahan and day (`ImportBatch.field_form`, `collected_on`),
opened by the first submission of the day and open until it is committed or discarded; the
row is staged by `services.stage_records`, so it is checked, de-duplicated, reviewed and
committed as a spreadsheet's row is. KoboToolbox sends a submission again until it is
answered: one taken before (same `_uuid`) is answered again and not staged twice.
"""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from rentan.core.audit import record_change
from rentan.core.formatting import format_date
from rentan.core.models import AuditAction
from rentan.imports.cells import PERSON_HEADERS, CellError, ImportField
from rentan.imports.models import (
    BatchStatus,
    FieldForm,
    FieldSubmission,
    ImportBatch,
    StagedRow,
)
from rentan.imports.selectors import hash_secret
from rentan.imports.services import kelurahan_lookup, stage_records
from rentan.regions.models import Area

# 256 bits, written in 43 URL-safe characters.
SECRET_BYTES = 32
# KoboToolbox names every submission twice; `meta/instanceID` is ODK's own ("uuid:...").
UUID_KEYS = ("_uuid", "meta/instanceID")


class FieldFormRefused(ValueError):
    """The form cannot be registered or changed so; ``str(error)`` says why, in Indonesian."""


class SubmissionRefused(ValueError):
    """A submission that cannot be taken in; `code` is stable for the sender."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class RegisteredForm:
    field_form: FieldForm
    secret: str  # shown once, never kept


def register_field_form(
    *, actor: Any, name: str, xform_id: str, kelurahan_code: str = ""
) -> RegisteredForm:
    """A form whose submissions Rentan will take, with its new secret."""
    name, xform_id = " ".join(name.split()), xform_id.strip()
    if not name or not xform_id:
        raise FieldFormRefused("Nama dan kode formulir (xform id) wajib diisi.")
    if FieldForm.objects.filter(xform_id=xform_id, is_active=True).exists():
        raise FieldFormRefused(
            f"Formulir dengan kode {xform_id} sudah terdaftar dan aktif; untuk kode rahasia "
            "baru, nonaktifkan dulu yang lama."
        )
    secret = secrets.token_urlsafe(SECRET_BYTES)
    try:
        with transaction.atomic():
            field_form = FieldForm.objects.create(
                name=name,
                xform_id=xform_id,
                secret_hash=hash_secret(secret),
                kelurahan_id=kelurahan_code or None,
                created_by=actor,
            )
            record_change(
                actor=actor,
                action=AuditAction.FIELD_FORM_REGISTERED,
                target=field_form,
                before={},
                after={"nama": name, "kode": xform_id, "kelurahan": kelurahan_code, "aktif": True},
            )
    except IntegrityError:
        # Registered at the same moment by someone else.
        raise FieldFormRefused(f"Formulir dengan kode {xform_id} sudah terdaftar.") from None
    return RegisteredForm(field_form=field_form, secret=secret)


def deactivate_field_form(*, actor: Any, field_form: FieldForm) -> FieldForm:
    """The form's submissions are refused from now on; what it sent stays in its batches."""
    with transaction.atomic():
        field_form = FieldForm.objects.select_for_update().get(pk=field_form.pk)
        if not field_form.is_active:
            raise FieldFormRefused("Formulir ini sudah nonaktif.")
        field_form.is_active = False
        field_form.deactivated_at = timezone.now()
        field_form.save(update_fields=["is_active", "deactivated_at"])
        record_change(
            actor=actor,
            action=AuditAction.FIELD_FORM_DEACTIVATED,
            target=field_form,
            before={"aktif": True},
            after={"aktif": False},
        )
    return field_form


@dataclass(frozen=True)
class Receipt:
    batch: ImportBatch
    row_number: int | None  # None: the submission held no answer about a person
    row_status: str  # a RowStatus value, "" without a row
    is_new: bool  # False: the same submission was taken before


def submission_uuid(submission: Mapping[str, object]) -> str:
    for key in UUID_KEYS:
        value = submission.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip().removeprefix("uuid:")[:100]
    return ""


def collected_on(submission: Mapping[str, object], *, today: date) -> date:
    """The local day KoboToolbox received the submission (`_submission_time`, in UTC
    without a zone); the day it arrives here when it does not say."""
    raw = submission.get("_submission_time")
    if isinstance(raw, str):
        try:
            moment = datetime.fromisoformat(raw.strip())
        except ValueError:
            return today
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=UTC)
        return timezone.localtime(moment).date()
    return today


def _kelurahan_named(answers: Mapping[str, object]) -> str:
    """The programme kelurahan a submission names, "" when it names none the lookup knows
    (its row says why)."""
    for name, value in answers.items():
        if PERSON_HEADERS.match(name) is ImportField.KELURAHAN:
            try:
                return kelurahan_lookup().code_for(value)
            except CellError:
                return ""
    return ""


def _answers(submission: Mapping[str, object]) -> dict[str, object]:
    """The answers as cells: plain values kept, KoboToolbox's lists and objects (attachments,
    tags, notes, validation status) left out, and a nested answer (a repeat, which the
    registration form has none of) kept as its text, for the row to be refused with it."""
    answers: dict[str, object] = {}
    for name, value in submission.items():
        if value is None or isinstance(value, str | int | float | bool):
            answers[name] = value
        elif not name.startswith("_"):
            answers[name] = str(value)
    return answers


def receive_submission(
    *, field_form: FieldForm, submission: Mapping[str, object], today: date | None = None
) -> Receipt:
    """Take one submission of `field_form` into its batch of the day and kelurahan."""
    uuid = submission_uuid(submission)
    if not uuid:
        raise SubmissionRefused("tanpa_uuid", "Kiriman tidak menyebut _uuid atau meta/instanceID.")
    answers = _answers(submission)
    day = collected_on(submission, today=today or timezone.localdate())
    with transaction.atomic():
        # One submission of a form at a time: a day's batch is opened once, rows get their
        # numbers in turn, and a submission sent twice at once is taken once.
        form = FieldForm.objects.select_for_update().get(pk=field_form.pk)
        if not form.is_active:
            raise SubmissionRefused("formulir_nonaktif", "Formulir ini sudah dinonaktifkan.")
        # Under this registration of the form or an earlier one (its secret renewed).
        taken = (
            FieldSubmission.objects.filter(field_form__xform_id=form.xform_id, uuid=uuid)
            .select_related("batch")
            .first()
        )
        if taken is not None:
            return Receipt(taken.batch, taken.row_number, _row_status(taken), is_new=False)
        kelurahan = form.kelurahan_id or _kelurahan_named(answers)
        batch = (
            ImportBatch.objects.select_for_update()
            .filter(
                field_form=form,
                collected_on=day,
                rows_kelurahan_id=kelurahan or None,
                status=BatchStatus.REVIEW,
            )
            .order_by("-pk")
            .first()
        )
        is_new_batch = batch is None
        if batch is None:
            batch = ImportBatch.objects.create(
                original_name=_batch_name(form, kelurahan, day),
                checksum="",
                default_kelurahan_id=form.kelurahan_id,
                rows_kelurahan_id=kelurahan or None,
                field_form=form,
                collected_on=day,
                status=BatchStatus.REVIEW,
            )
        batch.field_form = form
        rows_before = batch.rows_total
        (number,) = stage_records(batch=batch, records=[answers])
        submission_row = FieldSubmission.objects.create(
            field_form=form, uuid=uuid, batch=batch, row_number=number
        )
        status = _row_status(submission_row)
        record_change(
            actor=None,
            action=AuditAction.FIELD_SUBMISSION_STAGED,
            target=batch,
            before={"baris": rows_before},
            after={
                "baris": batch.rows_total,
                "formulir": form.xform_id,
                "kiriman": uuid,
                "nomor_baris": number,
                "status_baris": status,
                "impor_baru": is_new_batch,
            },
        )
    return Receipt(batch, number, status, is_new=True)


def _row_status(submission: FieldSubmission) -> str:
    if submission.row_number is None:
        return ""
    status = (
        StagedRow.objects.filter(batch_id=submission.batch_id, row_number=submission.row_number)
        .values_list("status", flat=True)
        .first()
    )
    return status or ""


def _batch_name(form: FieldForm, kelurahan: str, day: date) -> str:
    area = Area.objects.filter(code=kelurahan).values_list("name", flat=True).first()
    where = area or "kelurahan belum dikenal"
    return f"{form.name} · {where} · {format_date(day)}"[:255]
