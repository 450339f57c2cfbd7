from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from rentan.core.models import AuditAction, AuditEvent
from rentan.programmes import services
from rentan.programmes.candidates import Overrides
from rentan.programmes.explanation import explain_person
from rentan.programmes.lifecycle import Refusal, TransitionRefused
from rentan.programmes.models import (
    CycleStatus,
    DecisionAction,
    ExcludedNik,
    ExclusionList,
    MinimumWage,
    Placement,
    PlacementKind,
    RateTable,
)
from rentan.programmes.selectors import active_participant_count, vulnerable_occupations
from rentan.programmes.tests.conftest import make_cycle
from rentan.registry.models import Household, Occupation
from rentan.testing.factories import PersonFactory

VERIFIED = timezone.make_aware(datetime(2022, 6, 1, 10))


def worker(**fields):
    fields.setdefault("verified_at", VERIFIED)
    fields.setdefault("monthly_income", 3_000_000)
    return PersonFactory(**fields)


def test_migration_seeds_the_bpu_rate_and_pekalongan_umk(db):
    rate = RateTable.objects.get(effective_on=date(2015, 7, 1))
    assert (rate.jkk_rate, rate.minimum_declared_income, rate.jkm_amount) == (
        rate.jkk_rate.__class__("0.0100"),
        1_000_000,
        6_800,
    )
    umk = dict(MinimumWage.objects.filter(region_id="33.75").values_list("year", "amount"))
    assert umk == {
        2022: 2_156_000,
        2023: 2_305_823,
        2024: 2_389_801,
        2025: 2_545_138,
        2026: 2_700_926,
    }
    assert all(MinimumWage.objects.values_list("source", flat=True))


def test_allocation_stores_the_list_and_its_audit_event(programme, admin_user):
    poor = worker(monthly_income=1_000_000)
    middle = worker(dependents=2)
    rich = worker()
    worker(occupation=Occupation.objects.get(code="nelayan"))  # not a vulnerable job
    cycle = make_cycle(programme, target=2)

    result = services.allocate_cycle(actor=admin_user, cycle=cycle)

    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.ALLOCATED
    rows = list(Placement.objects.filter(cycle=cycle).values_list("person_id", "kind", "rank"))
    assert rows == [
        (poor.pk, PlacementKind.NEW, 1),
        (middle.pk, PlacementKind.NEW, 2),
        (rich.pk, PlacementKind.WAITING, 3),
    ]
    assert Placement.objects.get(person=poor).score_parts == {
        "low_income": 30.0,
        "no_other_protection": 10.0,
    }
    assert Placement.objects.get(person=poor).score == Decimal("40.00")
    assert Placement.objects.get(person=middle).score == Decimal("20.00")
    event = AuditEvent.objects.get(target_type="programmes.cycle", target_id=str(cycle.pk))
    assert (event.actor, event.action) == (admin_user, AuditAction.CYCLE_ALLOCATED)
    assert event.changes["after"]["alokasi"]["baru"] == 2
    assert result.cost == 2 * 16_800 * 12


def test_a_placed_person_cannot_be_deleted_and_a_deleted_cycle_takes_its_list(
    programme, admin_user
):
    from django.db.models import ProtectedError

    placed = worker()
    cycle = make_cycle(programme, target=1)
    services.allocate_cycle(actor=admin_user, cycle=cycle)
    with pytest.raises(ProtectedError):
        placed.delete()
    assert Placement.objects.filter(person=placed).count() == 1
    cycle.delete()
    assert not Placement.objects.exists()


def test_allocating_again_replaces_the_list_until_approval(programme, admin_user):
    first = worker()
    cycle = make_cycle(programme, target=1)
    services.allocate_cycle(actor=admin_user, cycle=cycle)
    second = worker(monthly_income=500_000)
    services.allocate_cycle(actor=admin_user, cycle=cycle)
    assert list(Placement.objects.filter(cycle=cycle).values_list("person_id", "kind")) == [
        (second.pk, PlacementKind.NEW),
        (first.pk, PlacementKind.WAITING),
    ]


def test_approval_needs_a_decree_and_freezes_the_list(programme, admin_user, settings):
    worker()
    cycle = make_cycle(programme)
    with pytest.raises(TransitionRefused) as refused:
        services.approve_cycle(actor=admin_user, cycle=cycle, decree_reference="SK 1")
    assert refused.value.refusal == Refusal.NOT_ALLOCATED
    services.allocate_cycle(actor=admin_user, cycle=cycle)
    with pytest.raises(TransitionRefused) as refused:
        services.approve_cycle(actor=admin_user, cycle=cycle, decree_reference="  ")
    assert refused.value.refusal == Refusal.NO_DECREE

    services.approve_cycle(actor=admin_user, cycle=cycle, decree_reference="SK 560/1/2023")
    cycle.refresh_from_db()
    assert (cycle.status, cycle.decree_reference, cycle.approved_by) == (
        CycleStatus.APPROVED,
        "SK 560/1/2023",
        admin_user,
    )
    before = list(Placement.objects.filter(cycle=cycle).values_list("person_id", "kind", "rank"))
    worker(monthly_income=100_000)
    with pytest.raises(TransitionRefused) as refused:
        services.allocate_cycle(actor=admin_user, cycle=cycle)
    assert refused.value.refusal == Refusal.FROZEN
    after = list(Placement.objects.filter(cycle=cycle).values_list("person_id", "kind", "rank"))
    assert after == before
    settings.RENTAN_ACTIVE_MEMBER_COUNTS = ""
    assert active_participant_count(cycle) == 1


def test_approving_an_empty_list_is_refused(programme, admin_user):
    cycle = make_cycle(programme)
    services.allocate_cycle(actor=admin_user, cycle=cycle)
    with pytest.raises(TransitionRefused) as refused:
        services.approve_cycle(actor=admin_user, cycle=cycle, decree_reference="SK 1")
    assert refused.value.refusal == Refusal.EMPTY_LIST


def test_cycle_runs_and_closes_in_order(programme, admin_user):
    worker()
    cycle = make_cycle(programme)
    with pytest.raises(TransitionRefused):
        services.start_cycle(actor=admin_user, cycle=cycle)
    services.allocate_cycle(actor=admin_user, cycle=cycle)
    services.approve_cycle(actor=admin_user, cycle=cycle, decree_reference="SK 1")
    with pytest.raises(TransitionRefused) as refused:
        services.close_cycle(actor=admin_user, cycle=cycle)
    assert refused.value.refusal == Refusal.NOT_RUNNING
    services.start_cycle(actor=admin_user, cycle=cycle)
    services.close_cycle(actor=admin_user, cycle=cycle)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.CLOSED


def test_previous_participants_still_eligible_continue_first(programme, admin_user):
    old = worker()
    newcomer = worker(monthly_income=500_000)
    newcomer.verified_at = VERIFIED + timedelta(days=300)  # after the 2022 cut-off
    newcomer.save()
    cycle_2022 = make_cycle(
        programme,
        year=2022,
        target=5,
        coverage_start_on=date(2022, 11, 1),
        coverage_months=2,
        budget_ceiling=5 * 16_800 * 2,
    )
    services.allocate_cycle(actor=admin_user, cycle=cycle_2022)
    services.approve_cycle(actor=admin_user, cycle=cycle_2022, decree_reference="SK 2022")
    cycle_2023 = make_cycle(programme, year=2023, target=1, verification_cutoff_on=date(2023, 6, 1))
    services.allocate_cycle(actor=admin_user, cycle=cycle_2023)
    assert list(Placement.objects.filter(cycle=cycle_2023).values_list("person_id", "kind")) == [
        (old.pk, PlacementKind.CONTINUING),
        (newcomer.pk, PlacementKind.WAITING),
    ]


def test_what_if_saves_nothing(programme, admin_user):
    for _ in range(3):
        worker()
    cycle = make_cycle(programme, target=1)
    result = services.compute_allocation(cycle, Overrides(target=3))
    assert result.selected_count == 3
    assert not Placement.objects.exists()
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.DRAFT


def test_cycle_without_a_rate_in_force_is_refused(programme, admin_user):
    worker()
    cycle = make_cycle(programme, year=2014, coverage_start_on=date(2014, 1, 1))
    with pytest.raises(TransitionRefused) as refused:
        services.allocate_cycle(actor=admin_user, cycle=cycle)
    assert refused.value.refusal == Refusal.NO_RATE
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.DRAFT


def test_decisions_change_the_list_in_force_from_their_date(programme, admin_user):
    services.record_occupation_decision(
        actor=admin_user,
        programme=programme,
        occupation=Occupation.objects.get(code="pengayuh-becak"),
        action=DecisionAction.REMOVE,
        effective_on=date(2024, 1, 1),
        reference="Notulen 3/2023",
    )
    assert "pengayuh-becak" in vulnerable_occupations(programme, date(2023, 12, 31))
    assert "pengayuh-becak" not in vulnerable_occupations(programme, date(2024, 1, 1))
    assert AuditEvent.objects.filter(target_type="programmes.occupationdecision").exists()


def test_exclusion_list_import_is_all_or_nothing(programme, admin_user):
    with pytest.raises(services.ExclusionRejected) as rejected:
        services.import_excluded_niks(
            actor=admin_user,
            programme=programme,
            list_kind=ExclusionList.PKH,
            lines=["nik", "3375010501850001", "3.37501050185E+15"],
            source="PKH 2023",
        )
    assert "Baris 3" in rejected.value.errors[0]
    assert not ExcludedNik.objects.exists()
    added = services.import_excluded_niks(
        actor=admin_user,
        programme=programme,
        list_kind=ExclusionList.PKH,
        lines=["nik", "3375010501850001", "3375010501850002", "3375010501850001"],
        source="PKH 2023",
    )
    assert added == 2
    assert ExcludedNik.objects.filter(list_kind=ExclusionList.PKH).count() == 2


def test_excluded_and_second_family_members_are_explained(programme, admin_user):
    family = Household.objects.create(kk_number="3375010101200001")
    first = worker(household=family, monthly_income=500_000)
    second = worker(household=family)
    on_pkh = worker()
    ExcludedNik.objects.create(programme=programme, list_kind="PKH", nik=on_pkh.nik)
    cycle = make_cycle(programme, target=5)
    services.allocate_cycle(actor=admin_user, cycle=cycle)
    cycle.refresh_from_db()

    assert "Masuk kuota" in explain_person(cycle, first)["verdict"]
    sibling = explain_person(cycle, second)
    assert sibling["eligible"]
    assert "satu KK satu peserta" in sibling["verdict"]
    excluded = explain_person(cycle, on_pkh)
    assert not excluded["eligible"]
    assert [o.reason for o in excluded["outcomes"] if not o.passed] == ["social_assistance"]
