from datetime import date, datetime
from typing import Any

import pytest
from django.utils import timezone

from rentan.programmes import demo, services
from rentan.programmes.models import Cycle, DecisionAction, OccupationDecision, Programme
from rentan.programmes.scoring import DEFAULT_WEIGHTS
from rentan.registry.models import Occupation
from rentan.testing.factories import PersonFactory

# When the people of these tests were verified (before every cycle's cut-off).
VERIFIED = timezone.make_aware(datetime(2022, 6, 1, 10))

# The demo's own rules; weights as the defaults with one risky job.
RULES = demo.RULES
WEIGHTS = {**DEFAULT_WEIGHTS, "job_risk_levels": {"kuli-bangunan": 3}}


@pytest.fixture
def programme(db: None) -> Programme:
    programme = Programme.objects.create(
        code="uji",
        name="Program Uji",
        sponsor="Pemkot",
        legal_basis="Perwal 19 B/2022",
        insurer_branch="BPJS Ketenagakerjaan Cabang Pekalongan",
        benefits=["JKK", "JKM"],
        region_id="33.75",
        eligibility_rules=RULES,
        score_weights=WEIGHTS,
    )
    for code in ("pengayuh-becak", "kuli-bangunan"):
        OccupationDecision.objects.create(
            programme=programme,
            occupation=Occupation.objects.get(code=code),
            action=DecisionAction.ADD,
            effective_on=date(2022, 3, 1),
            reference="Perwal 19 B/2022",
        )
    return programme


def make_cycle(programme: Programme, **fields: Any) -> Cycle:
    values: dict[str, Any] = {
        "year": 2023,
        "target": 3,
        "budget_ceiling": 3 * 16_800 * 12,
        "coverage_start_on": date(2023, 1, 1),
        "coverage_months": 12,
    }
    values.update(fields)
    return Cycle.objects.create(programme=programme, **values)


@pytest.fixture
def allocated(programme: Programme, admin_user: Any) -> tuple[Cycle, list[Any]]:
    """Budi in Pekalongan Barat, Agus in Pekalongan Selatan, both selected."""
    people = [
        PersonFactory(verified_at=VERIFIED, monthly_income=500_000, name="Budi"),
        PersonFactory(
            verified_at=VERIFIED,
            monthly_income=3_000_000,
            name="Agus",
            kelurahan_id="33.75.04.1010",
        ),
    ]
    cycle = make_cycle(programme, target=2)
    services.allocate_cycle(actor=admin_user, cycle=cycle)
    cycle.refresh_from_db()
    return cycle, people
