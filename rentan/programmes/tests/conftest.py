from datetime import date
from typing import Any

import pytest

from rentan.programmes.models import Cycle, DecisionAction, OccupationDecision, Programme
from rentan.registry.models import Occupation

RULES = {
    "active": {},
    "verified": {},
    "region": {},
    "age": {"min": 18, "max": 65},
    "vulnerable_job": {},
    "not_covered": {},
    "one_per_household": {},
    "no_social_assistance": {"schemes": ["PKH", "BPNT"]},
}
WEIGHTS = {
    "low_income": 30,
    "dependents": 5,
    "dependents_cap": 4,
    "disability": 20,
    "elderly": 10,
    "woman_head": 15,
    "job_risk": 5,
    "no_other_protection": 10,
    "job_risk_levels": {"kuli-bangunan": 3},
}


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
