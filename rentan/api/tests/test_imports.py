import pytest
from django.test import Client

from rentan.api.tests.helpers import api_client
from rentan.imports.tests.files import write_xlsx
from rentan.registry.models import Person
from rentan.testing.factories import make_user

pytestmark = pytest.mark.django_db

HEADER = ["NIK", "Nama", "Tgl Lahir", "L/P", "Kelurahan", "Pekerjaan"]


def test_upload_rows_and_commit_through_the_api(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_xlsx(
        tmp_path / "medono.xlsx",
        [
            HEADER,
            ["3375015807950004", "Dewi Lestari", "18-07-1995", "P", "Medono", "Buruh batik"],
            ["12345", "Tanpa NIK", "18-07-1995", "P", "Medono", "Buruh batik"],
        ],
    )
    client = api_client(make_user("operator", kelurahan_code="33.75.01.1002"))
    with path.open("rb") as handle:
        uploaded = client.post("/api/v1/imports", {"file": handle})
    assert uploaded.status_code == 201
    batch = uploaded.json()
    assert (batch["status"], batch["rows_ready"], batch["rows_error"]) == ("review", 1, 1)
    errors = client.get(f"/api/v1/imports/{batch['id']}/rows", {"status": "error"}).json()
    assert [row["row_number"] for row in errors["items"]] == [3]
    assert errors["items"][0]["issues"][0]["field"] == "nik"
    committed = client.post(f"/api/v1/imports/{batch['id']}/commit")
    assert committed.status_code == 200
    assert committed.json()["created"] == 1
    assert Person.objects.filter(nik="3375015807950004").exists()
    again = client.post(f"/api/v1/imports/{batch['id']}/commit")
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"


def test_a_file_of_the_wrong_kind_is_invalid_input_naming_the_reason(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = api_client(make_user("admin"))
    (tmp_path / "catatan.txt").write_text("bukan tabel")
    with (tmp_path / "catatan.txt").open("rb") as handle:
        answer = client.post("/api/v1/imports", {"file": handle})
    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_input"
    assert answer.json()["errors"][0]["field"] == "file"


def test_refusals_before_any_operation_are_json_too():
    client = api_client(make_user("admin"))
    missing = client.get("/api/v1/tidak-ada")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    wrong = client.delete("/api/v1/areas")
    assert (wrong.status_code, wrong.json()["code"]) == (405, "method_not_allowed")
    bad = client.get("/api/v1/persons", {"limit": 0})
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_input")
    assert bad.json()["errors"][0]["field"].endswith("limit")
    cursor = client.get("/api/v1/persons", {"cursor": "bukan-kursor"})
    assert (cursor.status_code, cursor.json()["code"]) == (422, "invalid_input")
    # The documentation page needs nothing from the internet.
    docs = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn." not in docs
