"""The import review and its error file are reads of personal data: both are on record."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rentan.core.models import AuditAction, AuditEvent
from rentan.imports.models import ImportBatch, RowStatus
from rentan.imports.tests.files import write_xlsx
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

HEAD = ["NIK", "Nama", "Tgl Lahir", "JK", "Kelurahan", "Pekerjaan"]


def _upload(client, tmp_path, rows):
    path = write_xlsx(tmp_path / "medono.xlsx", [HEAD, *rows])
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    client.post(reverse("imports:batch_list"), {"file": upload, "household_rule": "on"})
    return ImportBatch.objects.get()


def test_review_records_rows_shown_and_the_registered_person_they_match(
    client, tmp_path, import_media, operator_user
):
    # Not ending in 0: beside a NIK typed as a number, such a NIK may have been rounded.
    known = PersonFactory(name="Siti Aminah", nik="3375010501850007")
    client.force_login(operator_user)
    batch = _upload(
        client,
        tmp_path,
        [
            [known.nik, "Siti Aminah", "05-01-1985", "L", "Medono", "Buruh batik"],
            [3375011205750002, "Budi", "12-05-1975", "L", "Medono", "Buruh batik"],
        ],
    )
    row = batch.rows.get(row_number=2)
    assert row.status == RowStatus.ALREADY_REGISTERED, row.issues
    assert client.get(reverse("imports:batch_detail", args=[batch.pk])).status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.VIEW, actor=operator_user)
    assert (event.target_type, event.target_id) == ("imports.importbatch", str(batch.pk))
    assert event.changes["baris"] == [2, 3]
    assert list(event.subjects.values_list("person_id", flat=True)) == [known.pk]


def test_error_file_leaves_out_rows_already_registered_and_names_no_person(
    client, tmp_path, import_media, operator_user
):
    known = PersonFactory(name="Siti Aminah")
    client.force_login(operator_user)
    batch = _upload(
        client,
        tmp_path,
        [[known.nik, "Siti Aminah", "05-01-1985", "L", "Medono", "Buruh batik"]],
    )
    response = client.get(reverse("imports:batch_error_file", args=[batch.pk]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1  # the header only: nothing in the file to fix
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == operator_user
    assert not event.subjects.exists()
