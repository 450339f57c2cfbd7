"""The other names of job types: the admin's page, its service and audit event, and the person
form that recognises them."""

import pytest
from django.urls import reverse

from rentan.core.models import AuditAction, AuditEvent
from rentan.registry import services
from rentan.registry.job_names import AliasProblem
from rentan.registry.models import Occupation, OccupationAlias, Person
from rentan.registry.selectors import job_names
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _aliases(code: str) -> list[str]:
    return sorted(
        OccupationAlias.objects.filter(occupation__code=code).values_list("name", flat=True)
    )


def test_the_demo_job_types_start_with_the_names_used_in_pekalongan():
    names = job_names()
    assert names.code_for("tukang becak") == "pengayuh-becak"
    assert names.code_for("tukang colet") == "buruh-batik"
    assert names.code_for("PKL") == "pedagang-kaki-lima"
    assert names.code_for("ojol") == "ojek-daring"
    assert names.code_for("kuli panggul") == "kuli-panggul"
    assert {"ABK", "buruh nelayan"} <= set(_aliases("nelayan"))


# --- the service ------------------------------------------------------------------------------


def test_setting_other_names_replaces_them_and_records_before_and_after(admin_user):
    becak = Occupation.objects.get(code="pengayuh-becak")
    before = _aliases("pengayuh-becak")
    kept = services.set_occupation_aliases(
        actor=admin_user,
        occupation=becak,
        aliases=["tukang becak", "  Becak   Motor ", "TUKANG BECAK", "Pengayuh becak"],
    )
    assert kept == ["Becak Motor", "tukang becak"]
    assert _aliases("pengayuh-becak") == ["Becak Motor", "tukang becak"]
    event = AuditEvent.objects.get(action=AuditAction.OCCUPATION_ALIASES_CHANGED)
    assert (event.actor, event.target_type, event.target_id) == (
        admin_user,
        "registry.occupation",
        str(becak.pk),
    )
    assert event.changes == {
        "before": {"pekerjaan": "pengayuh-becak", "nama_lain": before},
        "after": {"pekerjaan": "pengayuh-becak", "nama_lain": ["Becak Motor", "tukang becak"]},
    }
    assert job_names().code_for("becak motor") == "pengayuh-becak"
    assert job_names().code_for("penarik becak") is None


def test_a_name_of_another_job_type_refuses_the_whole_change(admin_user):
    becak = Occupation.objects.get(code="pengayuh-becak")
    before = _aliases("pengayuh-becak")
    with pytest.raises(services.AliasesRejected) as rejected:
        services.set_occupation_aliases(
            actor=admin_user, occupation=becak, aliases=["becak motor", "ojol", "Nelayan"]
        )
    assert [(i.alias, i.problem) for i in rejected.value.issues] == [
        ("ojol", AliasProblem.TAKEN),
        ("Nelayan", AliasProblem.TAKEN),
    ]
    assert _aliases("pengayuh-becak") == before
    assert not AuditEvent.objects.filter(action=AuditAction.OCCUPATION_ALIASES_CHANGED).exists()


def test_saving_the_same_names_again_writes_no_event(admin_user):
    becak = Occupation.objects.get(code="pengayuh-becak")
    services.set_occupation_aliases(
        actor=admin_user, occupation=becak, aliases=_aliases("pengayuh-becak")
    )
    assert not AuditEvent.objects.filter(action=AuditAction.OCCUPATION_ALIASES_CHANGED).exists()


# --- the admin's page -------------------------------------------------------------------------


def test_the_admin_sees_every_job_type_with_its_other_names(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("registry:occupation_list")).content.decode()
    assert "Pengayuh becak" in page
    assert "tukang becak" in page
    assert reverse("registry:occupation_aliases", args=["pengayuh-becak"]) in page
    programmes = client.get(reverse("programmes:programme_list")).content.decode()
    assert reverse("registry:occupation_list") in programmes


@pytest.mark.parametrize("role", ["operator_user", "verifier_user", "bpjs_user", "leader_user"])
def test_only_the_admin_dinas_may_open_or_change_the_names(client, request, role):
    client.force_login(request.getfixturevalue(role))
    url = reverse("registry:occupation_aliases", args=["pengayuh-becak"])
    assert client.get(reverse("registry:occupation_list")).status_code == 403
    assert client.get(url).status_code == 403
    before = _aliases("pengayuh-becak")
    assert client.post(url, {"aliases": "becak motor"}).status_code == 403
    assert _aliases("pengayuh-becak") == before


def test_the_admin_changes_the_names_in_a_form(client, admin_user):
    client.force_login(admin_user)
    url = reverse("registry:occupation_aliases", args=["pengayuh-becak"])
    form = client.get(url).content.decode()
    assert "\n".join(_aliases("pengayuh-becak")) in form  # one per line, ready to edit
    response = client.post(url, {"aliases": "tukang becak\r\nbecak motor, penarik becak\r\n"})
    assert response.status_code == 302
    assert _aliases("pengayuh-becak") == ["becak motor", "penarik becak", "tukang becak"]
    page = client.get(response["Location"]).content.decode()
    assert "Nama lain Pengayuh becak disimpan: 3 nama." in page
    event = AuditEvent.objects.get(action=AuditAction.OCCUPATION_ALIASES_CHANGED)
    assert event.changes["after"]["nama_lain"] == ["becak motor", "penarik becak", "tukang becak"]


def test_a_name_already_given_to_another_job_type_is_refused_on_the_page(client, admin_user):
    client.force_login(admin_user)
    url = reverse("registry:occupation_aliases", args=["pengayuh-becak"])
    before = _aliases("pengayuh-becak")
    response = client.post(url, {"aliases": "tukang becak\nPKL"})
    assert response.status_code == 200
    [error] = response.context["form"].errors["aliases"]
    assert error == (
        "\u201cPKL\u201d sudah menjadi nama jenis pekerjaan Pedagang kaki lima; "
        "satu nama hanya untuk satu jenis pekerjaan."
    )
    assert (
        "Tidak ada yang disimpan; perbaiki nama yang ditandai merah." in response.content.decode()
    )
    assert _aliases("pengayuh-becak") == before
    assert not AuditEvent.objects.filter(action=AuditAction.OCCUPATION_ALIASES_CHANGED).exists()


def test_an_unknown_job_type_is_a_404(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("registry:occupation_aliases", args=["dukun"])).status_code == 404


# --- the person form --------------------------------------------------------------------------


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "nik": "3375010501850001",
        "name": "Budi Santoso",
        "birth_date": "1985-01-05",
        "sex": "L",
        "kelurahan": "33.75.01.1002",
        "occupation": "tukang becak",
        "dependents": "0",
    }
    data.update(overrides)
    return data


def test_the_person_form_offers_names_and_other_names_as_one_types(client, operator_user):
    client.force_login(operator_user)
    page = client.get(reverse("registry:person_create")).content.decode()
    assert 'list="id_occupation-pilihan"' in page
    assert '<datalist id="id_occupation-pilihan">' in page
    assert '<option value="Pengayuh becak"></option>' in page
    assert '<option value="tukang becak" label="Pengayuh becak"></option>' in page


def test_the_person_form_takes_a_job_by_another_of_its_names(client, operator_user):
    client.force_login(operator_user)
    response = client.post(reverse("registry:person_create"), _form(occupation="Tukang Becak"))
    assert response.status_code == 302
    assert Person.objects.get().occupation.code == "pengayuh-becak"


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("tukang becek", "Mungkin maksudnya \u201ctukang becak\u201d (Pengayuh becak)?"),
        ("tukang parkir", "minta admin Dinas menambahkan nama ini"),
    ],
)
def test_the_person_form_refuses_an_unknown_job_suggesting_only_a_likely_one(
    client, operator_user, typed, said
):
    client.force_login(operator_user)
    response = client.post(reverse("registry:person_create"), _form(occupation=typed))
    assert response.status_code == 200
    [error] = response.context["form"].errors["occupation"]
    assert error.startswith(f"Jenis pekerjaan \u201c{typed}\u201d tidak dikenal.")
    assert said in error
    if "Mungkin" not in said:
        assert "Mungkin" not in error
    assert f'value="{typed}"' in response.content.decode()
    assert not Person.objects.exists()


def test_the_edit_form_shows_the_job_by_its_name(client, operator_user):
    person = PersonFactory(
        kelurahan_id="33.75.01.1002", occupation=Occupation.objects.get(code="nelayan")
    )
    client.force_login(operator_user)
    page = client.get(reverse("registry:person_edit", args=[person.pk])).content.decode()
    assert 'name="occupation" value="Nelayan"' in page
