"""A decision a person made about one worker holds through every re-run that follows it:
left out of a cycle by hand stays out of each re-allocation (and cannot be approved in by a
list allocated before the decision), a deactivated person stays out, a job type taken off
the list keeps its people out; lifting the exclusion is itself a recorded decision.

The carry-over (enrollment), the import (imports) and duplicate detection (registry) have
their own tests beside their code: `enrollment/tests/test_manual_decisions.py`,
`imports/tests/test_manual_decisions.py`, `registry/tests/test_duplicates.py`."""

from datetime import date

import pytest
from django.utils import timezone

from rentan.core.formatting import format_date
from rentan.core.models import AuditAction, AuditEvent
from rentan.programmes import explanation, services
from rentan.programmes.candidates import Overrides
from rentan.programmes.eligibility import PersonDecision, Reason
from rentan.programmes.lifecycle import Refusal, TransitionRefused
from rentan.programmes.models import CycleStatus, DecisionAction, ManualExclusion, Placement
from rentan.programmes.tests.conftest import VERIFIED, make_cycle
from rentan.registry.models import DeactivationReason, Occupation
from rentan.registry.services import deactivate_person
from rentan.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

REASON = "Sudah menerima dari pemberi kerja lain"


def _three(programme):
    """Three eligible people, the poorest first; two places."""
    people = [
        PersonFactory(verified_at=VERIFIED, monthly_income=income, name=name)
        for name, income in (("Budi", 300_000), ("Siti", 600_000), ("Joko", 900_000))
    ]
    return make_cycle(programme, target=2), people


def _placed(cycle):
    return dict(Placement.objects.filter(cycle=cycle).values_list("person__name", "kind"))


def test_a_hand_exclusion_holds_through_every_reallocation(programme, admin_user):
    cycle, (budi, _siti, _joko) = _three(programme)
    services.allocate_cycle(actor=admin_user, cycle=cycle)
    assert _placed(cycle) == {"Budi": "new", "Siti": "new", "Joko": "waiting"}

    services.exclude_from_cycle(actor=admin_user, cycle=cycle, person=budi, reason=REASON)
    # The list allocated before the decision still holds Budi: it cannot be approved so.
    with pytest.raises(TransitionRefused) as refused:
        services.approve_cycle(actor=admin_user, cycle=cycle, decree_reference="SK 1/2023")
    assert refused.value.refusal == Refusal.EXCLUDED_ON_LIST

    for _ in range(2):
        result = services.allocate_cycle(actor=admin_user, cycle=cycle)
        assert _placed(cycle) == {"Siti": "new", "Joko": "new"}
        assert result.ineligible[Reason.EXCLUDED_BY_HAND] == 1
    services.approve_cycle(actor=admin_user, cycle=cycle, decree_reference="SK 1/2023")

    shown = explanation.explain_person(cycle, budi)
    first = shown["outcomes"][0]
    assert (first.rule, first.reason) == (PersonDecision.EXCLUDED_BY_HAND, Reason.EXCLUDED_BY_HAND)
    assert first.explanation == (
        f"Dikecualikan oleh {admin_user.display_name} pada "
        f"{format_date(timezone.localdate())}: {REASON}"
    )
    assert not shown["eligible"]
    assert explanation.first_failures(cycle, [budi.pk]) == {budi.pk: Reason.EXCLUDED_BY_HAND}


def test_the_exclusion_outranks_every_rule_and_the_what_if(programme, admin_user):
    cycle, (budi, _siti, _joko) = _three(programme)
    services.exclude_from_cycle(actor=admin_user, cycle=cycle, person=budi, reason=REASON)
    # A what-if with room for everyone still leaves him out.
    result = services.compute_allocation(cycle, Overrides(target=10, budget_ceiling=10**9))
    assert budi.pk not in {p.person_id for p in result.placements}
    assert len(result.placements) == 2


def test_lifting_the_exclusion_is_recorded_and_lets_the_next_allocation_judge_again(
    programme, admin_user
):
    cycle, (budi, _siti, _joko) = _three(programme)
    exclusion = services.exclude_from_cycle(
        actor=admin_user, cycle=cycle, person=budi, reason=REASON
    )
    services.allocate_cycle(actor=admin_user, cycle=cycle)
    assert "Budi" not in _placed(cycle)

    services.lift_exclusion(actor=admin_user, exclusion=exclusion, reason="Surat keliru orang")
    exclusion.refresh_from_db()
    assert exclusion.lifted_at is not None
    assert exclusion.lifted_by == admin_user
    assert _placed(cycle)["Siti"] == "new"  # the list waits for the next allocation
    services.allocate_cycle(actor=admin_user, cycle=cycle)
    assert _placed(cycle)["Budi"] == "new"

    excluded, lifted = (
        AuditEvent.objects.get(action=action)
        for action in (
            AuditAction.PLACEMENT_EXCLUDED_BY_HAND,
            AuditAction.PLACEMENT_EXCLUSION_LIFTED,
        )
    )
    assert excluded.actor == admin_user
    assert excluded.note == REASON
    assert excluded.changes["before"] == {"periode": cycle.pk, "pekerja": budi.pk, "tempat": None}
    assert excluded.changes["after"]["alasan"] == REASON
    assert lifted.changes["before"]["dibatalkan"] is False
    assert lifted.changes["after"]["dibatalkan"] is True
    assert lifted.changes["after"]["alasan_pembatalan"] == "Surat keliru orang"
    # A person may be left out again later: a new exclusion, the lifted one kept.
    services.exclude_from_cycle(actor=admin_user, cycle=cycle, person=budi, reason="Lagi")
    assert ManualExclusion.objects.filter(cycle=cycle, person=budi).count() == 2


@pytest.mark.parametrize(
    ("reason", "twice", "status", "message"),
    [
        ("  ", False, CycleStatus.DRAFT, "Tulis alasan"),
        (REASON, True, CycleStatus.DRAFT, "sudah dikecualikan"),
        (REASON, False, CycleStatus.APPROVED, "menghentikan kepesertaannya"),
    ],
)
def test_an_exclusion_without_reason_twice_or_after_approval_is_refused(
    programme, admin_user, reason, twice, status, message
):
    cycle, (budi, *_others) = _three(programme)
    if twice:
        services.exclude_from_cycle(actor=admin_user, cycle=cycle, person=budi, reason=REASON)
    cycle.status = status
    cycle.save()
    before = ManualExclusion.objects.count()
    with pytest.raises(services.ExclusionRefused, match=message):
        services.exclude_from_cycle(actor=admin_user, cycle=cycle, person=budi, reason=reason)
    assert ManualExclusion.objects.count() == before


def test_a_deactivated_person_stays_out_of_every_reallocation(programme, admin_user):
    cycle, (budi, _siti, _joko) = _three(programme)
    services.allocate_cycle(actor=admin_user, cycle=cycle)
    deactivate_person(
        actor=admin_user, person=budi, reason=DeactivationReason.DIED, on=date(2022, 12, 1)
    )
    for _ in range(2):
        result = services.allocate_cycle(actor=admin_user, cycle=cycle)
        assert "Budi" not in _placed(cycle)
        assert result.ineligible[Reason.INACTIVE] == 1


def test_a_job_type_taken_off_the_list_keeps_its_people_out_of_reallocation(programme, admin_user):
    cycle, _people = _three(programme)
    becak = PersonFactory(
        verified_at=VERIFIED,
        monthly_income=100_000,
        name="Slamet",
        occupation=Occupation.objects.get(code="kuli-bangunan"),
    )
    services.allocate_cycle(actor=admin_user, cycle=cycle)
    assert _placed(cycle)["Slamet"] == "new"
    services.record_occupation_decision(
        actor=admin_user,
        programme=programme,
        occupation=becak.occupation,
        action=DecisionAction.REMOVE,
        effective_on=date(2022, 12, 1),
        reference="Notulen tim koordinasi 2/2022",
    )
    for _ in range(2):
        services.allocate_cycle(actor=admin_user, cycle=cycle)
        assert "Slamet" not in _placed(cycle)


def test_the_explanation_page_asks_before_excluding_and_offers_to_lift(
    client, programme, admin_user
):
    cycle, (budi, _siti, _joko) = _three(programme)
    services.allocate_cycle(actor=admin_user, cycle=cycle)
    client.force_login(admin_user)
    page = f"/program/uji/2023/pekerja/{budi.pk}/"
    assert 'data-testid="exclude-form"' in client.get(page).content.decode()

    asked = client.post(f"{page}kecualikan/", {"reason": REASON}).content.decode()
    assert "Kecualikan Budi dari Program Uji 2023?" in asked
    assert "peringkat 1" in asked
    assert not ManualExclusion.objects.exists()

    client.post(f"{page}kecualikan/", {"reason": REASON, "konfirmasi": "ya"})
    assert ManualExclusion.objects.get().reason == REASON
    shown = client.get(page).content.decode()
    assert f"Dikecualikan oleh {admin_user.display_name}" in shown
    assert 'data-testid="lift-form"' in shown
    letter = client.get(f"{page}surat/").content.decode()
    assert f"Dikecualikan oleh {admin_user.display_name}" in letter

    client.post(f"{page}batal-kecualikan/", {"reason": "Keliru orang"})
    assert ManualExclusion.objects.get().lift_reason == "Keliru orang"


def test_the_verifikator_reads_the_decision_but_may_not_make_it(
    client, programme, admin_user, verifier_user
):
    cycle, (budi, _siti, _joko) = _three(programme)
    services.exclude_from_cycle(actor=admin_user, cycle=cycle, person=budi, reason=REASON)
    client.force_login(verifier_user)
    page = f"/program/uji/2023/pekerja/{budi.pk}/"
    shown = client.get(page).content.decode()
    assert REASON in shown
    assert 'data-testid="lift-form"' not in shown
    assert client.post(f"{page}batal-kecualikan/", {"reason": "x"}).status_code == 403
    assert ManualExclusion.objects.get().lifted_at is None
