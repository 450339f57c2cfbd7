from dataclasses import replace
from datetime import date

import pytest

from rentan.programmes.scoring import (
    DEFAULT_WEIGHTS,
    Factor,
    WeightsInvalid,
    explain_score,
    parse_weights,
    score_parts,
)
from rentan.programmes.tests.candidates import BUDI

WEIGHTS = parse_weights({**DEFAULT_WEIGHTS, "job_risk_levels": {"kuli-bangunan": 3}})
ON = date(2023, 1, 1)
UMK = 2_305_823
BASE = replace(
    BUDI,
    monthly_income=3_000_000,
    dependents=0,
    household_has_man=True,
    lists=frozenset({"PKH"}),
)


@pytest.mark.parametrize(
    ("change", "parts"),
    [
        ({}, {}),
        ({"monthly_income": 2_305_822}, {"low_income": 3000}),
        ({"monthly_income": UMK}, {}),  # at the UMK is not below it
        ({"monthly_income": None}, {}),  # unknown income earns nothing
        ({"dependents": 2}, {"dependents": 1000}),
        ({"dependents": 7}, {"dependents": 2000}),  # capped at 4
        ({"has_disability": True}, {"disability": 2000}),
        ({"birth_date": date(1963, 1, 1)}, {"elderly": 1000}),  # 60 on the first day
        ({"birth_date": date(1963, 1, 2)}, {}),  # 59
        ({"sex": "P", "household_has_man": False}, {"woman_head": 1500}),
        ({"sex": "P", "household_has_man": True}, {}),
        ({"sex": "P", "household_has_man": False, "household_id": None}, {}),
        ({"sex": "L", "household_has_man": False}, {}),
        ({"occupation_code": "kuli-bangunan"}, {"job_risk": 1500}),
        ({"lists": frozenset()}, {"no_other_protection": 1000}),
    ],
)
def test_each_factor_adds_its_weight(change, parts):
    assert score_parts(replace(BASE, **change), WEIGHTS, minimum_wage=UMK, on=ON) == parts


def test_without_a_recorded_umk_low_income_earns_nothing():
    poor = replace(BASE, monthly_income=500_000)
    assert score_parts(poor, WEIGHTS, minimum_wage=None, on=ON) == {}


def test_score_is_explained_factor_by_factor():
    person = replace(BASE, monthly_income=1_000_000, dependents=3, lists=frozenset())
    lines = explain_score(person, WEIGHTS, minimum_wage=UMK, on=ON)
    assert [line.factor for line in lines] == list(Factor)
    points = {line.factor: line.points for line in lines}
    assert points[Factor.LOW_INCOME] == 30
    assert points[Factor.DEPENDENTS] == 15
    assert points[Factor.NO_OTHER_PROTECTION] == 10
    assert sum(points.values()) == 55
    assert all(line.explanation for line in lines)


def test_weights_may_be_fractions():
    weights = parse_weights({"disability": "12.5"})
    assert score_parts(replace(BASE, has_disability=True), weights, minimum_wage=UMK, on=ON) == {
        "disability": 1250
    }


@pytest.mark.parametrize(
    "data",
    [
        {"penghasilan": 10},
        {"disability": -1},
        {"disability": "banyak"},
        {"job_risk_levels": {"kuli-bangunan": 9}},
        {"dependents_cap": -2},
    ],
)
def test_bad_weights_are_refused(data):
    with pytest.raises(WeightsInvalid):
        parse_weights(data)
