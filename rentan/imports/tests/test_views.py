"""The import pages: who may use them, upload to commit, the error file, the template."""

import io
from datetime import date, datetime

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rentan.core.models import AuditAction, AuditEvent
from rentan.imports import forms
from rentan.imports.cells import ERROR_COLUMN
from rentan.imports.models import BatchStatus, ImportBatch
from rentan.imports.tests.files import write_xlsx
from rentan.registry.models import Person
from rentan.registry.nik import NikProblem

pytestmark = pytest.mark.django_db

HEAD = ["NIK", "Nama", "Tgl Lahir", "JK", "Kelurahan", "Pekerjaan"]
ROWS = [
    ["3375014501850001", "Siti Aminah", "05-01-1985", "P", "Medono", "Buruh batik"],
    [3375011205750002, "Budi", "12-05-1975", "L", "Medono", "Buruh batik"],
]


def _upload(client, path, **data):
    with path.open("rb") as handle:
        upload = SimpleUploadedFile(path.name, handle.read())
    return client.post(reverse("imports:batch_list"), {"file": upload, **data})


def test_operator_uploads_reviews_and_commits(client, tmp_path, import_media, operator_user):
    client.force_login(operator_user)
    response = _upload(
        client, write_xlsx(tmp_path / "medono.xlsx", [HEAD, *ROWS]), household_rule="on"
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("imports:batch_detail", args=[batch.pk])

    page = client.get(response.url)
    content = page.content.decode()
    assert page.status_code == 200
    assert "3375011205750002" in content  # the refused value is shown to fix it
    assert "terbaca sebagai angka" in content
    assert batch.rows_error == 0 or ImportBatch.objects.get().rows_error == 1

    client.post(reverse("imports:batch_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    assert list(Person.objects.values_list("name", flat=True)) == ["Siti Aminah"]


def test_menu_shows_impor_data_to_operators_only(client, operator_user, verifier_user):
    client.force_login(operator_user)
    assert "Impor Data" in client.get(reverse("home")).content.decode()
    client.force_login(verifier_user)
    assert "Impor Data" not in client.get(reverse("home")).content.decode()


def test_verifier_may_not_import(client, verifier_user):
    client.force_login(verifier_user)
    assert client.get(reverse("imports:batch_list")).status_code == 403
    assert client.get(reverse("imports:template")).status_code == 403


def test_operator_cannot_see_another_kelurahans_import(
    client, tmp_path, import_media, operator_user, other_operator_user
):
    client.force_login(operator_user)
    _upload(client, write_xlsx(tmp_path / "medono.xlsx", [HEAD, *ROWS]))
    batch = ImportBatch.objects.get()
    client.force_login(other_operator_user)
    assert client.get(reverse("imports:batch_detail", args=[batch.pk])).status_code == 404
    assert client.get(reverse("imports:batch_error_file", args=[batch.pk])).status_code == 404
    assert client.post(reverse("imports:batch_commit", args=[batch.pk])).status_code == 404
    assert not Person.objects.exists()


def test_error_file_has_only_the_rows_to_fix_with_their_reason_and_is_audited(
    client, tmp_path, import_media, admin_user
):
    client.force_login(admin_user)
    _upload(client, write_xlsx(tmp_path / "medono.xlsx", [HEAD, *ROWS]))
    batch = ImportBatch.objects.get()
    response = client.get(reverse("imports:batch_error_file", args=[batch.pk]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [*HEAD, ERROR_COLUMN]
    assert len(rows) == 2  # Siti's row is ready: not in the file
    assert rows[1][1] == "Budi"
    assert rows[1][6].startswith("NIK: NIK terbaca sebagai angka")
    assert sheet["A2"].comment is not None
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.target_id == "1 data"


def _fix_and_upload(client, tmp_path, content, fixes, name):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    for cell, value in fixes.items():
        workbook.active[cell] = value
    fixed = tmp_path / name
    workbook.save(fixed)
    _upload(client, fixed)
    return ImportBatch.objects.order_by("-pk").first()


def test_fixed_error_file_uploads_cleanly(client, tmp_path, import_media, admin_user):
    client.force_login(admin_user)
    _upload(client, write_xlsx(tmp_path / "medono.xlsx", [HEAD, *ROWS]))
    first = ImportBatch.objects.get()
    client.post(reverse("imports:batch_commit", args=[first.pk]))
    content = client.get(reverse("imports:batch_error_file", args=[first.pk])).content

    second = _fix_and_upload(
        client, tmp_path, content, {"A2": "3375011205750002"}, "medono-perbaikan.xlsx"
    )
    assert (second.rows_ready, second.rows_error) == (1, 0)
    client.post(reverse("imports:batch_commit", args=[second.pk]))
    assert sorted(Person.objects.values_list("name", flat=True)) == ["Budi", "Siti Aminah"]


def test_round_trip_of_many_mistakes_through_the_error_file(
    client, tmp_path, import_media, operator_user
):
    """An operator's file with a mistake in each kind of cell; the error file marks each,
    and once they are fixed in the file every row comes in with its values."""
    head = ["NIK", "Nama", "Tgl Lahir", "JK", "Nama Ibu Kandung", "Kelurahan", "Pekerjaan"]
    rows = [
        ["3375014501850001", "Siti Aminah", "05-01-1985", "P", "Khotijah", "Medono", "Buruh batik"],
        ["3375011205750002", "Budi", "31-02-1975", "L", "Sumiyati", "Medono", "Buruh batik"],
        ["3375011205750003", "Joko", "12-05-1975", "L", "Tumini", "Medonno", "Buruh batik"],
        ["3375011205750004", "Slamet", "12-05-1975", "X", "Painem", "Medono", "Buruh batik"],
        ["3375011205750005", "Darto", "12-05-1975", "L", "Aminah 2", "Medono", "Tukang sulap"],
    ]
    client.force_login(operator_user)
    _upload(client, write_xlsx(tmp_path / "medono.xlsx", [head, *rows]))
    first = ImportBatch.objects.get()
    assert (first.rows_ready, first.rows_error) == (1, 4)
    content = client.get(reverse("imports:batch_error_file", args=[first.pk])).content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [sheet.cell(row, 2).value for row in range(2, 6)] == ["Budi", "Joko", "Slamet", "Darto"]
    marked = {cell.coordinate for row in sheet.iter_rows(min_row=2) for cell in row if cell.comment}
    assert marked == {"C2", "F3", "D4", "E5", "G5"}
    assert sheet["C3"].value == datetime(1975, 5, 12)  # a date the import read is a date
    assert "Nama ibu kandung" in sheet["H5"].value

    client.post(reverse("imports:batch_commit", args=[first.pk]))
    second = _fix_and_upload(
        client,
        tmp_path,
        content,
        {"C2": "12-05-1975", "F3": "Medono", "D4": "L", "E5": "Aminah", "G5": "Buruh batik"},
        "medono-perbaikan.xlsx",
    )
    assert (second.rows_ready, second.rows_error) == (4, 0)
    client.post(reverse("imports:batch_commit", args=[second.pk]))
    assert Person.objects.count() == 5
    budi = Person.objects.get(name="Budi")
    assert budi.birth_date == date(1975, 5, 12)
    assert budi.mother_name == "Sumiyati"
    assert Person.objects.get(name="Darto").mother_name == "Aminah"


def test_same_file_uploaded_twice_is_refused_with_a_message(
    client, tmp_path, import_media, admin_user
):
    client.force_login(admin_user)
    path = write_xlsx(tmp_path / "medono.xlsx", [HEAD, ROWS[0]])
    _upload(client, path)
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:batch_commit", args=[batch.pk]))
    response = _upload(client, path)
    assert response.url == reverse("imports:batch_detail", args=[batch.pk])
    page = client.get(response.url).content.decode()
    assert "sudah pernah diimpor" in page
    assert ImportBatch.objects.count() == 1
    assert Person.objects.count() == 1


def test_large_file_is_checked_by_a_background_task_with_progress(
    client, tmp_path, import_media, admin_user, monkeypatch
):
    monkeypatch.setattr(forms, "INLINE_MAX_BYTES", 0)
    from rentan.imports import views

    monkeypatch.setattr(views, "INLINE_MAX_COMMIT_ROWS", 0)
    client.force_login(admin_user)
    _upload(client, write_xlsx(tmp_path / "besar.xlsx", [HEAD, *ROWS]))
    batch = ImportBatch.objects.get()
    # The immediate backend of the tests has already run the task.
    assert batch.status == BatchStatus.REVIEW
    progress = client.get(reverse("imports:batch_progress", args=[batch.pk]))
    assert "2 / 2" in progress.content.decode()
    assert progress["HX-Refresh"] == "true"

    client.post(reverse("imports:batch_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    assert Person.objects.count() == 1


def test_user_maps_an_unknown_column_in_the_page(client, tmp_path, import_media, admin_user):
    client.force_login(admin_user)
    path = write_xlsx(
        tmp_path / "peta.xlsx",
        [["Identitas", *HEAD[1:]], ["3375014501850001", *ROWS[0][1:]]],
    )
    _upload(client, path)
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.NEEDS_MAPPING
    assert (
        "Identitas" in client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    )
    client.post(reverse("imports:batch_map_columns", args=[batch.pk]), {"col_0": "nik"})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.REVIEW
    assert batch.rows_ready == 1


def test_template_has_text_identity_columns_lists_and_instructions(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("imports:template"))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Data", "Petunjuk", "Daftar"]
    data = workbook["Data"]
    headers = [cell.value for cell in data[1]]
    assert headers[:3] == ["NIK", "No. KK", "Nama Lengkap"]
    assert data["A2"].number_format == "@"
    assert data["B500"].number_format == "@"
    assert data["C2"].number_format == "General"
    sources = {str(v.formula1) for v in data.data_validations.dataValidation}
    assert {"DaftarKelurahan", "DaftarPekerjaan"} <= sources
    kelurahan = [row[0] for row in workbook["Daftar"].iter_rows(values_only=True) if row[0]]
    assert len(kelurahan) == 27
    assert "Medono" in kelurahan
    guide = [v for row in workbook["Petunjuk"].iter_rows(values_only=True) for v in row if v]
    assert "3375014501850001" in guide  # the example row


def test_template_fills_in_and_imports_as_is(tmp_path, import_media, admin_user, client):
    client.force_login(admin_user)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("imports:template")).content))
    sheet = workbook["Data"]
    guide_rows = list(workbook["Petunjuk"].iter_rows(values_only=True))
    example = next(row for row in guide_rows if row[0] == "3375014501850001")
    for column, value in enumerate(example[:14], start=1):
        sheet.cell(row=2, column=column, value=value)
    path = tmp_path / "templat-terisi.xlsx"
    workbook.save(path)
    _upload(client, path)
    batch = ImportBatch.objects.get()
    assert (batch.rows_ready, batch.rows_error) == (1, 0)


def test_stored_as_number_reason_is_a_member(tmp_path, import_media, admin_user, client):
    client.force_login(admin_user)
    _upload(client, write_xlsx(tmp_path / "medono.xlsx", [HEAD, *ROWS]))
    row = ImportBatch.objects.get().rows.get(row_number=3)
    assert row.issues[0]["problem"] == NikProblem.STORED_AS_NUMBER.value
    assert row.issues[0]["column"] == "NIK"


def test_background_commit_that_fails_leaves_registry_and_offers_retry(
    client, tmp_path, import_media, admin_user, monkeypatch
):
    from rentan.imports import services, views

    monkeypatch.setattr(views, "INLINE_MAX_COMMIT_ROWS", 0)
    client.force_login(admin_user)
    _upload(client, write_xlsx(tmp_path / "medono.xlsx", [HEAD, ROWS[0]]))
    batch = ImportBatch.objects.get()

    def fail(step: str) -> None:
        if step == "links":
            raise RuntimeError("proses dihentikan")

    monkeypatch.setattr(services, "_step_hook", fail)
    client.post(reverse("imports:batch_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    assert batch.failed_step == "commit"
    assert not Person.objects.exists()
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert "kesalahan tak terduga (RuntimeError)" in page
    assert reverse("imports:batch_retry", args=[batch.pk]) in page
    assert AuditEvent.objects.filter(
        action=AuditAction.BATCH_FAILED, target_id=str(batch.pk)
    ).exists()

    monkeypatch.undo()
    client.force_login(admin_user)
    client.post(reverse("imports:batch_retry", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMMITTED
    assert Person.objects.count() == 1
    assert AuditEvent.objects.filter(
        action=AuditAction.BATCH_RETRIED, target_id=str(batch.pk)
    ).exists()


def test_upload_form_names_the_size_limit(client, operator_user, settings):
    settings.RENTAN_UPLOAD_MAX_BYTES = 20_000_000
    client.force_login(operator_user)
    assert "Paling besar 20 MB." in client.get(reverse("imports:batch_list")).content.decode()
