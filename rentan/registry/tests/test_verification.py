"""What "Verifikasi" checks, shown before the decision and recorded with it."""

from datetime import date

import pytest
from django.urls import reverse

from rentan.core.models import AuditAction, AuditEvent
from rentan.registry.nik import Sex, compose_nik
from rentan.registry.services import VerificationRefused, detect_registry_duplicates, verify_person
from rentan.registry.verification import PersonFacts, VerificationCheck, check_for_verification
from rentan.testing.factories import PersonFactory

TODAY = date(2026, 12, 2)
BORN = date(1985, 1, 5)
NIK = compose_nik(district_code="33.75.01", birth_date=BORN, sex=Sex.MALE, serial=1)


def facts(**changed: object) -> PersonFacts:
    values: dict[str, object] = {
        "nik": NIK,
        "name": "Darimin",
        "birth_date": BORN,
        "sex": "L",
        "kelurahan_code": "33.75.01.1002",
        "occupation_code": "pengayuh-becak",
        "open_duplicate_pairs": 0,
    }
    return PersonFacts(**{**values, **changed})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changed", "failing"),
    [
        ({}, set()),
        ({"sex": "P"}, {VerificationCheck.NIK_VALID}),
        ({"birth_date": date(1985, 1, 6)}, {VerificationCheck.NIK_VALID}),
        ({"nik": "123"}, {VerificationCheck.NIK_VALID}),
        ({"occupation_code": ""}, {VerificationCheck.REQUIRED_FIELDS}),
        ({"name": " "}, {VerificationCheck.REQUIRED_FIELDS}),
        ({"open_duplicate_pairs": 1}, {VerificationCheck.NO_OPEN_DUPLICATE}),
    ],
)
def test_each_check_fails_on_its_own_problem(changed, failing):
    outcomes = check_for_verification(facts(**changed), today=TODAY)
    assert [o.check for o in outcomes] == list(VerificationCheck)
    assert {o.check for o in outcomes if not o.is_passed} == failing
    assert all(o.detail for o in outcomes if not o.is_passed)


@pytest.mark.django_db
def test_page_shows_the_checks_and_verifying_says_what_was_checked(client, verifier_user):
    person = PersonFactory(verified_at=None)
    client.force_login(verifier_user)
    page = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    for check in VerificationCheck:
        assert f'data-check="{check.value}"' in page
        assert str(check.label) in page
    assert reverse("registry:person_verify", args=[person.pk]) in page

    response = client.post(reverse("registry:person_verify", args=[person.pk]), follow=True)
    message = str(next(iter(response.context["messages"])))
    assert message.startswith("Data pekerja telah diverifikasi. Yang diperiksa: NIK sah")
    person.refresh_from_db()
    assert person.is_verified
    event = AuditEvent.objects.get(action=AuditAction.PERSON_VERIFIED)
    assert event.changes["after"]["pemeriksaan"] == [c.value for c in VerificationCheck]


@pytest.mark.django_db
def test_a_pending_duplicate_blocks_verification_until_decided(client, verifier_user):
    person = PersonFactory(name="Muhammad Rizki", verified_at=None)
    PersonFactory(name="M. Rizky", nik=person.nik[:3] + "6" + person.nik[4:])
    detect_registry_duplicates()
    client.force_login(verifier_user)
    page = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert 'data-testid="verification-blocked"' in page
    assert "1 pasangan menunggu keputusan" in page

    with pytest.raises(VerificationRefused, match="menunggu keputusan"):
        verify_person(actor=verifier_user, person=person)
    person.refresh_from_db()
    assert not person.is_verified
