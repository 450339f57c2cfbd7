"""The pages of change requests: the edit form that sends one, the queue and its count in the
menu, scoped to the user, and the decision asked for confirmation."""

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from rentan.core.models import AuditAction, AuditEvent
from rentan.registry.models import ChangeRequest, ChangeRequestStatus, Person
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

MEDONO = "33.75.01.1002"
SOKODUWET = "33.75.04.1010"


def verified(name: str, kelurahan: str = MEDONO) -> Person:
    born = date(1985, 1, 5)
    person: Any = PersonFactory(
        name=name,
        kelurahan_id=kelurahan,
        birth_date=born,
        verified_at=timezone.now(),
        monthly_income=900_000,
    )
    return person


def form_data(person: Person, **changes: Any) -> dict[str, Any]:
    data = {
        "nik": person.nik,
        "kk_number": "",
        "name": person.name,
        "birth_place": person.birth_place,
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "mother_name": person.mother_name,
        "street_address": person.street_address,
        "rt": person.rt,
        "rw": person.rw,
        "kelurahan": person.kelurahan_id,
        "phone": person.phone,
        "occupation": person.occupation.name,
        "monthly_income": str(person.monthly_income or ""),
        "dependents": str(person.dependents),
    }
    return {**data, **changes}


def pending_request(person: Person, by: Any, **proposed: Any) -> ChangeRequest:
    return ChangeRequest.objects.create(
        person=person,
        kind="edit",
        before={name: getattr(person, name) for name in proposed},
        proposed=proposed,
        requested_by=by,
    )


def test_the_edit_form_of_a_verified_person_says_a_change_goes_to_the_verifikator(
    client, operator_user
):
    person = verified("Darimin")
    client.force_login(operator_user)
    page = client.get(reverse("registry:person_edit", args=[person.pk])).content.decode()
    assert 'data-testid="request-notice"' in page
    assert "dikirim ke verifikator" in page
    unverified = PersonFactory(name="Kasmuri", verified_at=None)
    page = client.get(reverse("registry:person_edit", args=[unverified.pk])).content.decode()
    assert 'data-testid="request-notice"' not in page


def test_an_operators_edit_becomes_a_request_and_the_person_page_lists_it(client, operator_user):
    person = verified("Darimin")
    client.force_login(operator_user)
    response = client.post(
        reverse("registry:person_edit", args=[person.pk]),
        form_data(
            person,
            monthly_income="1.250.000",
            street_address="Jl. Melati 9",
            change_note="Sudah pindah rumah",
        ),
        follow=True,
    )
    page = response.content.decode()
    request = ChangeRequest.objects.get()
    assert request.note == "Sudah pindah rumah"
    assert f"Usulan #{request.pk} dikirim ke verifikator" in page
    assert 'data-testid="change-requests"' in page
    assert "Rp 900.000" in page
    assert "Rp 1.250.000" in page
    person.refresh_from_db()
    assert person.monthly_income == 900_000


def test_the_queue_and_its_count_show_an_operator_their_kelurahan_only(
    client, operator_user, verifier_user, other_operator_user
):
    inside = verified("Darimin", MEDONO)
    outside = verified("Sumiyati", SOKODUWET)
    pending_request(inside, operator_user, monthly_income=1_250_000)
    pending_request(outside, other_operator_user, monthly_income=1_100_000)
    pending_request(outside, other_operator_user, dependents=3)
    client.force_login(operator_user)
    page = client.get(reverse("registry:change_request_list")).content.decode()
    assert "Darimin" in page
    assert "Sumiyati" not in page
    assert '<span class="badge count" data-testid="menu-count">1</span>' in page
    assert "1 usulan menunggu" in page
    client.force_login(verifier_user)
    page = client.get(reverse("registry:change_request_list")).content.decode()
    assert "Darimin" in page
    assert "Sumiyati" in page
    assert '<span class="badge count" data-testid="menu-count">3</span>' in page


def test_an_operator_never_opens_another_kelurahans_request(
    client, operator_user, other_operator_user
):
    outside = pending_request(
        verified("Sumiyati", SOKODUWET), other_operator_user, monthly_income=1_100_000
    )
    client.force_login(operator_user)
    assert (
        client.get(reverse("registry:change_request_detail", args=[outside.pk])).status_code == 404
    )
    response = client.post(reverse("registry:change_request_withdraw", args=[outside.pk]))
    assert response.status_code == 404
    outside.refresh_from_db()
    assert outside.status == ChangeRequestStatus.PENDING


def test_conflicting_requests_are_marked_on_both_and_in_the_queue(
    client, operator_user, admin_user, verifier_user
):
    person = verified("Darimin")
    first = pending_request(person, operator_user, monthly_income=1_250_000)
    second = pending_request(person, admin_user, monthly_income=1_500_000)
    client.force_login(verifier_user)
    queue = client.get(reverse("registry:change_request_list")).content.decode()
    assert queue.count('data-testid="conflict"') == 2
    for request, other in ((first, second), (second, first)):
        page = client.get(
            reverse("registry:change_request_detail", args=[request.pk])
        ).content.decode()
        assert f"Bertentangan dengan usulan #{other.pk}" in page


def test_approval_asks_first_then_applies_and_the_history_links_the_request(
    client, operator_user, verifier_user
):
    person = verified("Darimin")
    request = pending_request(person, operator_user, monthly_income=1_250_000)
    other = pending_request(person, operator_user, monthly_income=1_300_000)
    client.force_login(verifier_user)
    url = reverse("registry:change_request_approve", args=[request.pk])
    asked = client.post(url).content.decode()
    assert 'data-testid="confirm"' in asked
    assert "Rp 900.000 → Rp 1.250.000" in asked
    assert f"#{other.pk}" in asked  # the other one becomes stale
    person.refresh_from_db()
    assert person.monthly_income == 900_000
    client.post(url, {"konfirmasi": "ya"})
    person.refresh_from_db()
    assert person.monthly_income == 1_250_000
    page = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert f'href="/pekerja/usulan/{request.pk}/" data-testid="history-request"' in page
    assert str(AuditAction.CHANGE_APPROVED.label) in page


def test_a_rejection_without_a_reason_is_refused_in_words(client, operator_user, verifier_user):
    request = pending_request(verified("Darimin"), operator_user, monthly_income=1_250_000)
    client.force_login(verifier_user)
    url = reverse("registry:change_request_reject", args=[request.pk])
    page = client.post(url, {"reason": ""}, follow=True).content.decode()
    assert "Alasan penolakan wajib diisi." in page
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.PENDING
    assert not AuditEvent.objects.filter(action=AuditAction.CHANGE_REJECTED).exists()


def test_an_operator_asks_to_deactivate_a_person_who_died(client, operator_user):
    person = verified("Darimin")
    client.force_login(operator_user)
    page = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert 'data-testid="request-deactivation"' in page
    client.post(
        reverse("registry:person_request_deactivation", args=[person.pk]),
        {"reason": "died", "on": "2026-11-20", "note": "Akta kematian"},
    )
    request = ChangeRequest.objects.get()
    assert (request.kind, request.deactivation_reason) == ("deactivation", "died")
    person.refresh_from_db()
    assert person.is_active


def test_a_kk_request_shows_both_households_as_far_as_the_user_may_see(
    client, operator_user, verifier_user
):
    from rentan.registry.models import Household

    old_card = Household.objects.create(kk_number="3375010101100001")
    new_card = Household.objects.create(kk_number="3375010101100002")
    person = verified("Darimin")
    Person.objects.filter(pk=person.pk).update(household=old_card)
    PersonFactory(name="Sutinah", household=old_card)
    PersonFactory(name="Warsiti", household=new_card)
    PersonFactory(name="Rukmini", household=new_card, kelurahan_id=SOKODUWET)
    request = ChangeRequest.objects.create(
        person=person,
        kind="household",
        before={"kk_number": old_card.kk_number},
        proposed={"kk_number": new_card.kk_number},
        requested_by=operator_user,
    )
    url = reverse("registry:change_request_detail", args=[request.pk])
    client.force_login(operator_user)
    page = client.get(url).content.decode()
    assert "Sutinah" in page
    assert "Warsiti" in page
    assert "Rukmini" not in page
    assert "KK tujuan juga terdaftar di kelurahan lain" in page
    client.force_login(verifier_user)
    page = client.get(url).content.decode()
    assert "Rukmini" in page
