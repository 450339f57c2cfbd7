"""A family card across kelurahan: an operator sees only the members of their own, and may not
join a person to a card whose members live elsewhere; a NIK taken elsewhere is not named."""

from datetime import date

import pytest
from django.urls import reverse

from rentan.registry.models import Household, Person
from rentan.registry.tests.test_views import form_data
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

MEDONO = "33.75.01.1002"
SOKODUWET = "33.75.04.1010"
KK = "3375040101230007"
ELSEWHERE_KK = "KK terdaftar di kelurahan lain — hubungi Dinas"


@pytest.fixture
def family():
    """Slamet (Medono) and Sri (Medono) on a card that also lists Warsini (Sokoduwet)."""
    card = Household.objects.create(kk_number=KK)
    slamet = PersonFactory(name="Slamet Riyadi", household=card)
    sri = PersonFactory(name="Sri Lestari", household=card)
    warsini = PersonFactory(
        name="Warsini Rahayu", kelurahan_id=SOKODUWET, household=card, birth_date=date(1980, 2, 1)
    )
    return slamet, sri, warsini


def test_operator_sees_only_family_members_of_their_own_kelurahan(
    client, operator_user, admin_user, family
):
    slamet, sri, warsini = family
    client.force_login(operator_user)
    page = client.get(reverse("registry:person_detail", args=[slamet.pk])).content.decode()
    assert sri.name in page
    assert warsini.name not in page
    assert "KK ini juga terdaftar di kelurahan lain — hubungi Dinas." in page

    client.force_login(admin_user)
    page = client.get(reverse("registry:person_detail", args=[slamet.pk])).content.decode()
    assert sri.name in page
    assert warsini.name in page
    assert "kelurahan lain" not in page


def test_operator_may_not_put_a_person_on_a_card_of_another_kelurahan(
    client, operator_user, family
):
    _slamet, _sri, warsini = family
    own = PersonFactory(name="Budi Santoso")
    client.force_login(operator_user)
    response = client.post(
        reverse("registry:person_edit", args=[own.pk]),
        form_data(nik=own.nik, name=own.name, kk_number=KK, birth_date="1985-01-05"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["kk_number"] == [ELSEWHERE_KK]
    assert warsini.name not in response.content.decode()
    own.refresh_from_db()
    assert own.household is None

    response = client.post(reverse("registry:person_create"), form_data(kk_number=KK))
    assert response.context["form"].errors["kk_number"] == [ELSEWHERE_KK]
    assert not Person.objects.filter(nik=form_data()["nik"]).exists()


def test_operator_keeps_editing_a_person_already_on_such_a_card(client, operator_user, family):
    slamet, _sri, _warsini = family
    client.force_login(operator_user)
    response = client.post(
        reverse("registry:person_edit", args=[slamet.pk]),
        form_data(nik=slamet.nik, name="Slamet Riyadi", kk_number=KK, phone="081200000001"),
    )
    assert response.status_code == 302
    slamet.refresh_from_db()
    assert slamet.phone == "+6281200000001"
    assert slamet.household.kk_number == KK


def test_the_dinas_may_join_a_person_to_a_card_across_kelurahan(client, admin_user, family):
    client.force_login(admin_user)
    response = client.post(reverse("registry:person_create"), form_data(kk_number=KK))
    assert response.status_code == 302
    assert Household.objects.get(kk_number=KK).members.count() == 4


def test_a_nik_registered_elsewhere_is_not_named_to_an_operator(
    client, operator_user, admin_user, family
):
    _slamet, _sri, warsini = family
    client.force_login(operator_user)
    response = client.post(
        reverse("registry:person_create"),
        form_data(nik=warsini.nik, birth_date="1980-02-01", name="Tini Prasetyo"),
    )
    assert response.context["form"].errors["nik"] == [
        "NIK ini terdaftar di kelurahan lain — hubungi Dinas"
    ]
    assert warsini.name not in response.content.decode()

    client.force_login(admin_user)
    response = client.post(
        reverse("registry:person_create"),
        form_data(nik=warsini.nik, birth_date="1980-02-01", name="Tini Prasetyo"),
    )
    assert response.context["form"].errors["nik"] == [
        "NIK ini sudah terdaftar atas nama orang lain"
    ]
