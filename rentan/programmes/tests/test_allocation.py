from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rentan.programmes.allocation import (
    CONTINUING,
    NEW,
    WAITING,
    AllocationParams,
    allocate,
    largest_remainder,
)
from rentan.programmes.eligibility import Candidate, CycleContext, Reason, parse_rules
from rentan.programmes.scoring import parse_weights

RULES = parse_rules({"active": {}, "vulnerable_job": {}, "one_per_household": {}})
CTX = CycleContext(
    region_code="33.75",
    coverage_start_on=date(2023, 1, 1),
    verification_cutoff_on=date(2023, 1, 1),
    vulnerable_occupations=frozenset({"becak", "kuli"}),
)
WEIGHTS = parse_weights({"low_income": 30, "dependents": 5, "disability": 20})
KELURAHAN = ["33.75.01.1001", "33.75.01.1002", "33.75.02.1001", "33.75.03.1001"]


def person(i: int, **fields) -> Candidate:
    values: dict[str, Any] = {
        "person_id": i,
        "nik": f"33750101018{i:05d}",
        "name": f"P{i}",
        "birth_date": date(1980, 1, 1),
        "sex": "L",
        "kelurahan_code": KELURAHAN[0],
        "occupation_code": "becak",
        "household_id": i,
        "verified_on": date(2022, 1, 1),
        "is_active": True,
        "monthly_income": 3_000_000,
        "dependents": 0,
        "has_disability": False,
    }
    values.update(fields)
    return Candidate(**values)


def run(candidates, *, target, budget=10**12, months=12, premium=16_800, weights=None, hh=True):
    params = AllocationParams(
        target=target,
        budget_ceiling=budget,
        coverage_months=months,
        monthly_premium=premium,
        one_per_household=hh,
        kelurahan_weights=weights,
    )
    return allocate(
        candidates, ctx=CTX, rules=RULES, weights=WEIGHTS, minimum_wage=2_000_000, params=params
    )


def test_new_places_go_by_score_then_older_then_nik():
    people = [
        person(1, dependents=1),  # 5
        person(2, monthly_income=1_000_000),  # 30
        person(3, dependents=1, birth_date=date(1970, 1, 1)),  # 5, older than 1
        person(4, has_disability=True),  # 20
        person(5),  # 0
    ]
    result = run(people, target=3)
    assert [(p.person_id, p.kind) for p in result.placements] == [
        (2, NEW),
        (4, NEW),
        (3, NEW),
        (1, WAITING),
        (5, WAITING),
    ]
    assert [p.rank for p in result.placements] == [1, 2, 3, 4, 5]


def test_continuing_participants_come_first_even_with_a_lower_score():
    people = [person(1, monthly_income=500_000), person(2, was_participant=True)]
    result = run(people, target=1)
    assert [(p.person_id, p.kind) for p in result.placements] == [(2, CONTINUING), (1, WAITING)]


def test_budget_cuts_the_places_below_the_target():
    people = [person(i) for i in range(1, 11)]
    result = run(people, target=10, budget=4 * 12 * 16_800 + 16_799)
    assert result.params.places == 4
    assert result.selected_count == 4
    assert result.cost == 4 * 12 * 16_800


def test_only_the_best_ranked_member_of_a_family_is_listed():
    people = [
        person(1, household_id=7),
        person(2, household_id=7, monthly_income=1_000_000),
        person(3, household_id=None),
        person(4, household_id=None),
    ]
    result = run(people, target=5)
    assert sorted(p.person_id for p in result.placements) == [2, 3, 4]
    assert result.household_skipped == 1


def test_ineligible_people_are_counted_by_reason_and_not_placed():
    people = [person(1), person(2, occupation_code="nelayan"), person(3, is_active=False)]
    result = run(people, target=5)
    assert [p.person_id for p in result.placements] == [1]
    assert result.ineligible == {
        Reason.JOB_NOT_VULNERABLE.value: 1,
        Reason.INACTIVE.value: 1,
    }


def test_kelurahan_quota_takes_the_best_of_each_kelurahan_then_fills_leftovers():
    people = [person(i, kelurahan_code=KELURAHAN[0], monthly_income=1_000_000) for i in range(6)]
    people += [person(10 + i, kelurahan_code=KELURAHAN[1]) for i in range(2)]
    # KELURAHAN[2] has a quota but no candidates: its places go to the best ranked elsewhere.
    weights = {KELURAHAN[0]: 1, KELURAHAN[1]: 1, KELURAHAN[2]: 2}
    result = run(people, target=4, weights=weights)
    assert result.quotas == {KELURAHAN[0]: 1, KELURAHAN[1]: 1, KELURAHAN[2]: 2}
    chosen = {p.person_id for p in result.selected}
    assert chosen == {0, 1, 2, 10}


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (10, {"a": 1, "b": 1, "c": 1}, {"a": 4, "b": 3, "c": 3}),
        (7, {"a": 50, "b": 30, "c": 20}, {"a": 4, "b": 2, "c": 1}),
        (5, {"a": 0, "b": 0}, {"a": 3, "b": 2}),
        (0, {"a": 5}, {"a": 0}),
    ],
)
def test_largest_remainder(total, weights, parts):
    assert largest_remainder(total, weights) == parts


candidates_strategy = st.lists(
    st.builds(
        lambda i, income, deps, kel, hh, cont, year, job: person(
            i,
            monthly_income=income,
            dependents=deps,
            kelurahan_code=KELURAHAN[kel],
            household_id=hh,
            was_participant=cont,
            birth_date=date(year, 1, 1),
            occupation_code=job,
        ),
        st.just(0),
        st.sampled_from([500_000, 1_500_000, 2_500_000]),
        st.integers(0, 6),
        st.integers(0, 3),
        st.one_of(st.none(), st.integers(1, 15)),
        st.booleans(),
        st.integers(1960, 2000),
        st.sampled_from(["becak", "kuli", "nelayan"]),
    ),
    max_size=60,
).map(
    lambda people: [
        replace(p, person_id=i, nik=f"3375010101800{i:03d}") for i, p in enumerate(people)
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    people=candidates_strategy,
    target=st.integers(0, 40),
    budget=st.integers(0, 40 * 12 * 16_800),
    quota=st.one_of(st.none(), st.lists(st.integers(0, 1000), min_size=4, max_size=4)),
)
def test_allocation_properties(people, target, budget, quota):
    weights = None if quota is None else dict(zip(KELURAHAN, quota, strict=True))
    result = run(people, target=target, budget=budget, weights=weights)
    selected = result.selected
    # Never over the target nor over the budget.
    assert len(selected) <= target
    assert result.cost <= budget
    # Continuing participants come before new ones, and new ones before the waiting list.
    kinds = [p.kind for p in result.placements]
    assert kinds == sorted(kinds, key=[CONTINUING, NEW, WAITING].index)
    # A continuing participant waits only when the places are all taken by continuing ones.
    if any(
        p.kind == WAITING and p.person_id in {c.person_id for c in people if c.was_participant}
        for p in result.placements
    ):
        assert result.new_count == 0
    # No place stays empty while someone eligible waits.
    if result.waiting_count:
        assert len(selected) == result.params.places
    # Ranks are 1..n; one person, one place; one per family.
    assert [p.rank for p in result.placements] == list(range(1, len(result.placements) + 1))
    assert len({p.person_id for p in result.placements}) == len(result.placements)
    households = [people[p.person_id].household_id for p in result.placements]
    present = [h for h in households if h is not None]
    assert len(present) == len(set(present))
    # Kelurahan quotas add up exactly to the places.
    if weights is not None:
        assert sum(result.quotas.values()) == result.params.places
    # The same inputs, in any order, give the same list.
    again = run(list(reversed(people)), target=target, budget=budget, weights=weights)
    assert again.placements == result.placements


@given(
    total=st.integers(0, 5000),
    weights=st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 10**6), min_size=1),
)
def test_largest_remainder_parts_sum_to_the_total_and_stay_near_proportion(total, weights):
    parts = largest_remainder(total, weights)
    assert sum(parts.values()) == total
    whole = sum(weights.values())
    if whole:
        for code, part in parts.items():
            assert abs(part - total * weights[code] / whole) < 1
