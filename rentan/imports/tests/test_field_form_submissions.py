"""KoboToolbox's REST service posting submissions of a field form: each one becomes a row of
its form's batch for its kelurahan and day, checked and reviewed as a spreadsheet's row is;
a wrong secret, a malformed or oversized body is refused and leaves nothing behind.

The submissions are shaped as KoboToolbox sends them: every answer as text under its
question's path, its own keys beside them."""

import base64
import hashlib
import json
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from rentan.core.models import AuditAction, AuditEvent
from rentan.imports import services
from rentan.imports.cells import CellProblem, ImportField
from rentan.imports.field_form_services import register_field_form
from rentan.imports.models import BatchStatus, FieldForm, FieldSubmission, ImportBatch, RowStatus
from rentan.imports.tests.files import write_xlsx
from rentan.registry.models import Household, Person
from rentan.registry.nik import NikProblem
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

MEDONO = "33.75.01.1002"
SOKODUWET = "33.75.04.1010"
XFORM_ID = "aK7pQ2rT9vW3xY5zB8cD"
URL = "/impor/kobo/kiriman/"


def kobo_submission(
    uuid: str,
    *,
    nik: str = "3375014501850001",
    name: str = "Siti Aminah",
    born: str = "1985-01-05",
    sex: str = "P",
    kelurahan: str = MEDONO,
    received: str = "2026-12-02T03:15:42",
) -> dict[str, Any]:
    return {
        "_id": 412345678,
        "formhub/uuid": "5e1c6a1b7d2f4c0e9a8b3c4d5e6f7a8b",
        "start": "2026-12-02T10:02:11.512+07:00",
        "end": "2026-12-02T10:09:47.004+07:00",
        "persetujuan": "ya",
        "data_pekerja/nik": nik,
        "data_pekerja/nama_lengkap": name,
        "data_pekerja/tempat_lahir": "Pekalongan",
        "data_pekerja/tanggal_lahir": born,
        "data_pekerja/jenis_kelamin": sex,
        "data_pekerja/alamat": "Jl. Progo Gg. 3 No. 12",
        "data_pekerja/rt": "003",
        "data_pekerja/rw": "005",
        "data_pekerja/kelurahan": kelurahan,
        "data_pekerja/no_hp": "081234567890",
        "data_pekerja/jenis_pekerjaan": "buruh-batik",
        "data_pekerja/penghasilan_per_bulan": "1500000",
        "data_pekerja/jumlah_tanggungan": "2",
        "__version__": "vQ7xbS9kLmN2pR4tU6wY8z",
        "meta/instanceID": f"uuid:{uuid}",
        "_xform_id_string": XFORM_ID,
        "_uuid": uuid,
        "_attachments": [],
        "_status": "submitted_via_web",
        "_geolocation": [None, None],
        "_submission_time": received,
        "_tags": [],
        "_notes": [],
        "_validation_status": {},
        "_submitted_by": None,
    }


@pytest.fixture
def secret(admin_user) -> str:
    return register_field_form(actor=admin_user, name="Pendataan 2026", xform_id=XFORM_ID).secret


def send(client, body: Any, *, secret: str = "", **headers: str) -> Any:
    if secret:
        headers.setdefault("HTTP_AUTHORIZATION", f"Bearer {secret}")
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **headers)


def test_submissions_become_rows_of_their_kelurahan_and_days_batch_once_each(client, secret):
    assert reverse("imports:kobo_submission") == URL
    first = send(client, kobo_submission("a1"), secret=secret)
    assert first.status_code == 201
    assert first.json()["kode"] == "diterima"
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.rows_kelurahan_id, str(batch.collected_on)) == (
        BatchStatus.REVIEW,
        MEDONO,
        "2026-12-02",
    )
    row = batch.rows.get()
    assert (row.status, row.nik, row.occupation_code) == (
        RowStatus.READY,
        "3375014501850001",
        "buruh-batik",
    )

    # HTTP basic, the secret as the password: the same day's batch, the next row.
    basic = base64.b64encode(f"kobo:{secret}".encode()).decode()
    second = send(
        client,
        kobo_submission(
            "a2", nik="3375011208800003", name="Budi Santoso", born="1980-08-12", sex="L"
        ),
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert second.status_code == 201
    assert second.json()["impor"] == batch.pk
    assert second.json()["baris"] == 2
    # Another kelurahan, or the next day: a batch of its own.
    send(client, kobo_submission("a3", nik="3375044507900002", kelurahan=SOKODUWET), secret=secret)
    send(
        client,
        kobo_submission("a4", nik="3375014507900001", received="2026-12-03T01:00:00"),
        secret=secret,
    )
    assert sorted(ImportBatch.objects.values_list("rows_kelurahan_id", "collected_on__day")) == [
        (MEDONO, 2),
        (MEDONO, 3),
        (SOKODUWET, 2),
    ]

    # KoboToolbox sends a submission again until it is answered: taken once.
    again = send(client, kobo_submission("a1"), secret=secret)
    assert again.status_code == 200
    assert again.json() == {
        "kode": "sudah_diterima",
        "impor": batch.pk,
        "baris": 1,
        "status_baris": RowStatus.READY,
    }
    assert batch.rows.count() == 2
    assert FieldSubmission.objects.count() == 4
    event = AuditEvent.objects.filter(action=AuditAction.FIELD_SUBMISSION_STAGED).first()
    assert event is not None
    assert event.changes["after"]["kiriman"] == "a4"

    # The same person sent twice is a probable duplicate, as in a file.
    send(client, kobo_submission("a5", name="Siti Aminah"), secret=secret)
    assert batch.rows.get(row_number=3).status == RowStatus.DUPLICATE


def test_submissions_are_matched_with_the_registry_as_the_same_rows_of_a_file_are(
    client, secret, admin_user, import_media
):
    PersonFactory(nik="3375014501850001", name="Siti Aminah", sex="P")
    # Another kelurahan: found through the family card alone (one participant per family).
    family = Household.objects.create(kk_number="3375040101230007")
    PersonFactory(name="Warsini", kelurahan_id=SOKODUWET, household=family)
    PersonFactory(nik="3375010303790012", name="Joko Susilo", birth_date=date(1979, 3, 3))
    PersonFactory.create_batch(3, kelurahan_id=SOKODUWET)
    people = [
        ("3375014501850001", "", "Siti Aminah", "1985-01-05", "P"),
        ("3375011208800003", family.kk_number, "Budi Santoso", "1980-08-12", "L"),
        ("3375010303790011", "", "Joko Susilo", "1979-03-03", "L"),
    ]

    def outcomes(batch: ImportBatch) -> dict[str, tuple[str, list[tuple[str, list[str]]]]]:
        return {
            row.name: (row.status, [(m["other"], sorted(m["reasons"])) for m in row.matches])
            for row in batch.rows.all()
        }

    path = write_xlsx(
        import_media / "medono.xlsx",
        [
            ["NIK", "No KK", "Nama", "Tgl Lahir", "L/P", "Kelurahan", "Pekerjaan"],
            *[[*person, "Medono", "Buruh batik"] for person in people],
        ],
    )
    from_file = services.upload_batch(actor=admin_user, path=path, original_name=path.name)
    expected = outcomes(services.stage_batch(batch_id=from_file.pk))
    assert [status for status, _matches in expected.values()] == [
        RowStatus.ALREADY_REGISTERED,
        RowStatus.DUPLICATE,
        RowStatus.DUPLICATE,
    ]

    for number, (nik, kk, name, born, sex) in enumerate(people):
        submission = kobo_submission(f"r{number}", nik=nik, name=name, born=born, sex=sex)
        send(client, submission | {"data_pekerja/no_kk": kk}, secret=secret)
    assert outcomes(ImportBatch.objects.get(field_form__isnull=False)) == expected


def test_a_question_the_import_does_not_know_is_mapped_and_the_rows_checked_again(
    client, secret, admin_user
):
    send(
        client,
        kobo_submission("m1") | {"data_pekerja/catatan_petugas": "rumah di gang"},
        secret=secret,
    )
    send(
        client,
        kobo_submission(
            "m2", nik="3375011208800003", name="Budi Santoso", born="1980-08-12", sex="L"
        ),
        secret=secret,
    )
    batch = ImportBatch.objects.get()
    # KoboToolbox's own keys are left out; only the unknown question is offered for mapping.
    ((index, header),) = services.unmapped_headers(batch)
    assert header == "data_pekerja/catatan_petugas"

    services.map_columns(actor=admin_user, batch=batch, mapping={index: ImportField.IGNORE})
    batch = services.stage_batch(batch_id=batch.pk)
    assert batch.status == BatchStatus.REVIEW
    assert list(batch.rows.values_list("row_number", "status")) == [
        (1, RowStatus.READY),
        (2, RowStatus.READY),
    ]


def test_a_submission_with_a_bad_nik_is_a_row_error_and_never_reaches_the_registry(
    client, secret, admin_user
):
    send(client, kobo_submission("b1"), secret=secret)
    bad = send(client, kobo_submission("b2", nik="3375013201850001"), secret=secret)
    assert bad.status_code == 201
    assert bad.json()["status_baris"] == RowStatus.ERROR
    batch = ImportBatch.objects.get()
    row = batch.rows.get(row_number=2)
    assert [(i["column"], i["problem"]) for i in row.issues] == [
        ("data_pekerja/nik", NikProblem.INVALID_BIRTH_DATE)
    ]

    result = services.commit_batch(batch_id=batch.pk, actor=admin_user)
    assert result.created == 1
    assert list(Person.objects.values_list("nik", flat=True)) == ["3375014501850001"]


def test_a_form_of_one_kelurahan_refuses_a_person_of_another_row_by_row(client, admin_user):
    secret = register_field_form(
        actor=admin_user, name="Medono", xform_id=XFORM_ID, kelurahan_code=MEDONO
    ).secret
    send(client, kobo_submission("c1", kelurahan=SOKODUWET), secret=secret)
    batch = ImportBatch.objects.get()
    assert batch.rows_kelurahan_id == MEDONO
    assert [i["problem"] for i in batch.rows.get().issues] == [CellProblem.KELURAHAN_NOT_YOURS]


def _nothing_stored() -> bool:
    return not ImportBatch.objects.exists() and not FieldSubmission.objects.exists()


def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_stored(client, secret, admin_user):
    wrong_basic = base64.b64encode(b"kobo:tebakan").decode()
    for headers in (
        {},
        {"HTTP_AUTHORIZATION": "Bearer tebakan"},
        {"HTTP_AUTHORIZATION": f"Bearer {secret[:-1]}"},
        {"HTTP_AUTHORIZATION": f"Basic {wrong_basic}"},
        {"HTTP_AUTHORIZATION": "Basic %%%"},
        {"HTTP_AUTHORIZATION": secret},
    ):
        response = send(client, kobo_submission("d1"), **headers)
        assert response.status_code == 401, headers
        assert response.json() == {
            "kode": "tidak_berwenang",
            "pesan": "Kode rahasia formulir tidak dikenal.",
        }
    # A signed-in session is no key either.
    client.force_login(admin_user)
    assert send(client, kobo_submission("d1")).status_code == 401
    # The right secret for another form's submissions.
    other = kobo_submission("d1") | {"_xform_id_string": "aLainLagi"}
    assert send(client, other, secret=secret).status_code == 403
    # A deactivated form.
    form = FieldForm.objects.get()
    form.is_active = False
    form.save()
    response = send(client, kobo_submission("d1"), secret=secret)
    assert (response.status_code, response.json()["kode"]) == (403, "formulir_nonaktif")
    assert _nothing_stored()


def test_malformed_or_oversized_submissions_are_refused(client, secret, settings):
    settings.RENTAN_SUBMISSION_MAX_BYTES = 4000
    settings.RENTAN_SHEET_MAX_COLUMNS = 60
    padded = kobo_submission("e1") | {"catatan": "x" * 4000}
    many = kobo_submission("e2") | {f"tambahan_{i}": "1" for i in range(40)}
    for body, status in (
        (b"{bukan json", 400),
        (b"\xff\xfe", 400),
        ([kobo_submission("e3")], 400),
        ('{"_uuid": "e4", "data_pekerja/penghasilan_per_bulan": NaN}', 400),
        ('{"_uuid": "e5", "x": 1e999}', 400),
        ("[" * 3900, 400),  # nested past the parser's depth, under the size
        (padded, 413),
        (many, 413),
        ({"data_pekerja/nik": "3375014501850001"}, 400),  # no _uuid
    ):
        assert send(client, body, secret=secret).status_code == status, str(body)[:40]
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 405
    assert _nothing_stored()


def test_the_admin_registers_a_form_sees_its_secret_once_and_deactivates_it(admin_user, client):
    client.force_login(admin_user)
    page = client.post(
        reverse("imports:field_forms"),
        {"name": "Pendataan Medono", "xform_id": XFORM_ID, "kelurahan": MEDONO},
    )
    assert page.status_code == 200
    secret = page.context["registered"].secret
    form = FieldForm.objects.get()
    assert form.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert f"Bearer {secret}" in page.content.decode()
    assert secret not in client.get(reverse("imports:field_forms")).content.decode()

    assert send(client, kobo_submission("f1"), secret=secret).status_code == 201

    # A secret given away: the form is deactivated, then registered again with a new one.
    url = reverse("imports:field_form_deactivate", args=[form.pk])
    assert client.post(url).status_code == 200  # asks first
    assert FieldForm.objects.get().is_active
    client.post(url, {"konfirmasi": "ya"})
    assert not FieldForm.objects.get().is_active
    assert send(client, kobo_submission("f2"), secret=secret).status_code == 403
    page = client.post(reverse("imports:field_forms"), {"name": "Medono", "xform_id": XFORM_ID})
    renewed = page.context["registered"].secret
    # What the old registration took is not taken again.
    assert send(client, kobo_submission("f1"), secret=renewed).status_code == 200
    assert send(client, kobo_submission("f2"), secret=renewed).status_code == 201
