import pytest

from rentan.api.tests.helpers import api_client
from rentan.core.models import AuditAction, AuditEvent
from rentan.testing.factories import PersonFactory, make_user

pytestmark = pytest.mark.django_db

MEDONO = "33.75.01.1002"
SOKODUWET = "33.75.04.1010"


def test_person_list_pages_by_cursor_with_masked_niks():
    for n in range(5):
        PersonFactory(name=f"Budi {n}")
    client = api_client(make_user("admin"))
    first = client.get("/api/v1/persons", {"limit": 3}).json()
    assert [p["name"] for p in first["items"]] == ["Budi 0", "Budi 1", "Budi 2"]
    assert all("*" in p["nik_masked"] for p in first["items"])
    second = client.get("/api/v1/persons", {"limit": 3, "cursor": first["next_cursor"]}).json()
    assert [p["name"] for p in second["items"]] == ["Budi 3", "Budi 4"]
    assert second["next_cursor"] is None


def test_a_walk_through_the_pages_meets_every_person_once_while_names_change():
    people = [PersonFactory(name=name) for name in ("Wati", "Budi", "Siti", "Agus", "Rini")]
    client = api_client(make_user("admin"))
    first = client.get("/api/v1/persons", {"limit": 2}).json()
    assert [p["id"] for p in first["items"]] == [people[0].pk, people[1].pk]  # by record
    # Renamed between two pages, to a name the walk would have passed by name.
    people[3].name = "Aan"
    people[3].save()
    people[0].name = "Zainal"
    people[0].save()
    rest = client.get("/api/v1/persons", {"limit": 10, "cursor": first["next_cursor"]}).json()

    seen = [p["id"] for p in first["items"] + rest["items"]]
    assert seen == [person.pk for person in people]


def test_a_walk_goes_on_when_the_person_it_stopped_at_moves_out_of_sight():
    from rentan.registry.models import Person

    people = [PersonFactory(name=name, kelurahan_id=MEDONO) for name in ("A", "B", "C", "D")]
    client = api_client(make_user("operator", kelurahan_code=MEDONO))
    first = client.get("/api/v1/persons", {"limit": 2}).json()
    assert [p["id"] for p in first["items"]] == [people[0].pk, people[1].pk]
    Person.objects.filter(pk=people[1].pk).update(kelurahan_id=SOKODUWET)
    rest = client.get("/api/v1/persons", {"limit": 2, "cursor": first["next_cursor"]})
    assert rest.status_code == 200
    assert [p["id"] for p in rest.json()["items"]] == [people[2].pk, people[3].pk]


def test_a_cursor_not_made_by_the_server_is_refused_in_indonesian():
    from django.core import signing

    from rentan.api.paging import SALT

    PersonFactory()
    client = api_client(make_user("admin"))
    for cursor in ("bukan-kursor", signing.dumps(7, salt="lain"), signing.dumps([1], salt=SALT)):
        answer = client.get("/api/v1/persons", {"cursor": cursor})
        assert answer.status_code == 422
        assert answer.json()["code"] == "invalid_input"
        assert answer.json()["message"] == "Kursor halaman tidak dikenal."


def test_operator_sees_only_their_kelurahan_and_others_are_not_found():
    own = PersonFactory(name="Slamet", kelurahan_id=MEDONO)
    other = PersonFactory(name="Warsini", kelurahan_id=SOKODUWET)
    client = api_client(make_user("operator", kelurahan_code=MEDONO))
    listed = client.get("/api/v1/persons").json()["items"]
    assert [p["id"] for p in listed] == [own.pk]
    answer = client.get(f"/api/v1/persons/{other.pk}")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"
    lookup = client.post(
        "/api/v1/persons/lookup", {"nik": other.nik}, content_type="application/json"
    )
    assert lookup.status_code == 404


def test_lookup_by_nik_and_detail_are_recorded_reads():
    person = PersonFactory(name="Slamet")
    user = make_user("verifikator")
    client = api_client(user)
    found = client.post(
        "/api/v1/persons/lookup", {"nik": person.nik}, content_type="application/json"
    )
    assert found.status_code == 200
    assert found.json()["name"] == "Slamet"
    assert person.nik not in found.content.decode()
    client.get(f"/api/v1/persons/{person.pk}")
    reads = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=user)
    assert reads.count() == 2
    assert {tuple(e.subjects.values_list("person_id", flat=True)) for e in reads} == {(person.pk,)}


def test_full_nik_is_recorded_and_refused_to_pimpinan():
    person = PersonFactory()
    admin = make_user("admin")
    answer = api_client(admin).get(f"/api/v1/persons/{person.pk}/nik")
    assert answer.json() == {"id": person.pk, "nik": person.nik}
    assert AuditEvent.objects.filter(action=AuditAction.VIEW_NIK, actor=admin).exists()
    refused = api_client(make_user("pimpinan")).get(f"/api/v1/persons/{person.pk}/nik")
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"


def test_text_holding_a_nul_is_refused_before_any_query():
    # PostgreSQL refuses NUL in any text: the filter must not reach the database.
    PersonFactory(name="Slamet")
    client = api_client(make_user("admin"))
    for answer in (
        client.get("/api/v1/persons", {"kelurahan": "33.75\x00"}),
        client.post(
            "/api/v1/persons/lookup",
            '{"nik": "3375\\u0000"}',
            content_type="application/json",
        ),
    ):
        assert answer.status_code == 422
        assert answer.json()["code"] == "invalid_input"
        assert "NUL" in answer.json()["message"]
