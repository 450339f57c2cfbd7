"""The rules judged in SQL before candidates are built agree with the Python rules.

The check_* functions of eligibility.py define eligibility; the SQL translation of the rules on
the person's own row (candidates.row_rules_sql) must give, for every person, the same first
failing reason, so that it never drops anyone the Python rules would pass and the counts by
reason stay exact. The persons below sit on every edge of those rules: the local midnight of
the verification cut-off, the birthdays that make someone 18 or 66, 29 February, a kelurahan
outside the region, a job type off the list, an inactive record.
"""

from collections import Counter
from datetime import date, datetime, time, timedelta
from itertools import product

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from rentan.programmes import services
from rentan.programmes.allocation import allocate
from rentan.programmes.candidates import (
    allocation_inputs,
    load_candidates,
    load_eligible_candidates,
    row_rules_sql,
)
from rentan.programmes.eligibility import (
    ROW_RULES,
    RuleCode,
    age_on,
    first_failure,
    latest_birth_date,
    leading_row_rules,
    parse_rules,
)
from rentan.programmes.models import ExcludedNik, ExclusionList
from rentan.programmes.tests.conftest import make_cycle
from rentan.registry.models import Household, Occupation, Person
from rentan.testing.factories import PersonFactory


@given(
    on=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    born=st.dates(min_value=date(1800, 1, 1), max_value=date(2100, 12, 31)),
    years=st.integers(0, 120),
)
def test_latest_birth_date_is_the_last_day_to_be_old_enough(on, born, years):
    latest = latest_birth_date(on, years)
    assert latest is not None
    assert (born <= latest) == (age_on(born, on) >= years)


def test_nobody_is_old_enough_before_year_one():
    assert latest_birth_date(date(2024, 1, 1), 2024) is None
    assert latest_birth_date(date(2024, 1, 1), 2023) == date(1, 1, 1)


def test_only_the_row_rules_that_open_the_order_are_judged_in_sql():
    rules = parse_rules({"verified": {}, "not_covered": {}, "age": {}, "active": {}})
    assert leading_row_rules(rules) == (RuleCode.ACTIVE, RuleCode.VERIFIED, RuleCode.AGE)
    assert leading_row_rules(parse_rules({"not_covered": {}})) == ()


def _local(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _edge_persons(start: date, cutoff: date) -> list[Person]:
    becak = Occupation.objects.get(code="pengayuh-becak")
    nelayan = Occupation.objects.get(code="nelayan")
    verified = [
        None,
        _local(cutoff, time(23, 59, 59)),
        _local(cutoff + timedelta(days=1), time(0, 0)),
        _local(cutoff - timedelta(days=200), time(10, 0)),
    ]
    births = {date(1956, 2, 29), date(1960, 2, 29), date(2004, 2, 29), date(2008, 2, 29)}
    for years in (18, 66):
        latest = latest_birth_date(start, years)
        assert latest is not None
        births |= {latest, latest + timedelta(days=1), latest - timedelta(days=1)}
    families = [Household.objects.create(kk_number=f"33750101012000{n:02d}") for n in range(3)]
    persons = []
    for n, (active, verified_at, kelurahan, born, job) in enumerate(
        product(
            (True, False),
            verified,
            ("33.75.01.1002", "33.26.01.2001"),
            sorted(births),
            (becak, nelayan),
        )
    ):
        persons.append(
            PersonFactory.build(
                is_active=active,
                verified_at=verified_at,
                kelurahan_id=kelurahan,
                birth_date=born,
                occupation=job,
                monthly_income=500_000 + 100_000 * (n % 30),
                dependents=n % 5,
                # KKs: with active men, of women only, and with inactive men only.
                sex="P" if n % 3 or (n % 7 == 1) or (n % 7 == 2 and active) else "L",
                household=families[n % 7] if n % 7 < 3 else None,
            )
        )
    Person.objects.bulk_create(persons)
    return list(Person.objects.order_by("id"))


@pytest.mark.parametrize(
    ("start", "cutoff"),
    [(date(2023, 1, 1), date(2022, 12, 31)), (date(2024, 2, 29), date(2024, 2, 29))],
)
def test_sql_judges_every_row_rule_as_the_python_rules_do(programme, start, cutoff):
    persons = _edge_persons(start, cutoff)
    ExcludedNik.objects.create(programme=programme, list_kind=ExclusionList.PKH, nik=persons[5].nik)
    cycle = make_cycle(
        programme,
        year=start.year,
        coverage_start_on=start,
        verification_cutoff_on=cutoff,
        target=4,
        budget_ceiling=4 * 16_800 * 12,
    )
    inputs = allocation_inputs(cycle)
    codes = leading_row_rules(inputs.rules)
    assert codes == (
        RuleCode.ACTIVE,
        RuleCode.VERIFIED,
        RuleCode.REGION,
        RuleCode.AGE,
        RuleCode.VULNERABLE_JOB,
    )
    everyone = load_candidates(cycle, inputs.previous)
    # Loading a few people (the explanation page) reads them as loading everyone does.
    ids = {p.pk for p in persons[::5]}
    few = load_candidates(cycle, inputs.previous, person_ids=ids)
    by_id = lambda c: c.person_id  # noqa: E731
    assert sorted(few, key=by_id) == sorted((c for c in everyone if c.person_id in ids), key=by_id)
    assert {c.household_has_man for c in everyone if c.household_id is not None} == {True, False}
    row_rules = type(inputs.rules)(codes=codes, age=inputs.rules.age)
    expected = {c.person_id: first_failure(c, inputs.ctx, row_rules) for c in everyone}
    # Every outcome occurs among these persons, so each SQL arm is put to the test.
    assert {r for r in expected.values() if r is not None} == {
        "inactive",
        "not_verified",
        "outside_region",
        "too_young",
        "too_old",
        "job_not_vulnerable",
    }
    assert None in expected.values()

    case_sql, params = row_rules_sql(inputs.ctx, inputs.rules, codes)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {case_sql} FROM {Person._meta.db_table}", params)
        judged = dict(cursor.fetchall())
    assert judged == expected

    loaded = load_eligible_candidates(cycle, inputs)
    assert sorted(c.person_id for c in loaded.candidates) == sorted(
        pk for pk, reason in expected.items() if reason is None
    )
    assert loaded.ineligible == Counter(r for r in expected.values() if r is not None)
    assert not set(codes) & set(loaded.rules_left.codes)

    # And the allocation computed from the prefiltered candidates is the one computed by
    # running every rule in Python over everyone.
    full = allocate(
        everyone,
        ctx=inputs.ctx,
        rules=inputs.rules,
        weights=inputs.weights,
        minimum_wage=inputs.minimum_wage,
        params=inputs.params,
    )
    fast = services.compute_allocation(cycle)
    assert fast.placements == full.placements
    assert fast.ineligible == full.ineligible
    assert fast.household_skipped == full.household_skipped
    assert fast.selected_count > 0
    assert fast.waiting_count > 0


def test_without_row_rules_everyone_becomes_a_candidate(programme):
    programme.eligibility_rules = {"not_covered": {}}
    programme.save()
    inside = PersonFactory(verified_at=None)
    outside = PersonFactory(kelurahan_id="33.26.01.2001", is_active=False)
    cycle = make_cycle(programme)
    loaded = load_eligible_candidates(cycle, allocation_inputs(cycle))
    assert sorted(c.person_id for c in loaded.candidates) == [inside.pk, outside.pk]
    assert loaded.ineligible == Counter()
    assert loaded.rules_left.codes == (RuleCode.NOT_COVERED,)


# Each row rule with each of its parameters, beyond the programme's own rules above: ages
# that leave nobody too young or too old and one nobody alive is old enough for, another
# region, an empty list of vulnerable job types, the verification rule on its own.
RULE_PARAMETERS = [
    pytest.param({"age": {"min": 0, "max": 200}}, "33.75", True, id="age-open"),
    pytest.param({"age": {"min": 2100, "max": 2200}}, "33.75", True, id="age-nobody"),
    pytest.param({"age": {"min": 30, "max": 40}, "active": {}}, "33.75", True, id="age-narrow"),
    pytest.param({"region": {}, "vulnerable_job": {}}, "33.26", False, id="other-region-no-jobs"),
    pytest.param({"region": {}, "vulnerable_job": {}}, "33.75", True, id="region-and-jobs"),
    pytest.param({"verified": {}, "active": {}}, "33.75", True, id="verified"),
]


def test_the_rule_parameters_cover_every_row_rule():
    covered = {
        code for case in RULE_PARAMETERS for code in leading_row_rules(parse_rules(case.values[0]))
    }
    assert covered == set(ROW_RULES)


@pytest.mark.parametrize(("rules", "region", "has_vulnerable_jobs"), RULE_PARAMETERS)
def test_sql_and_python_agree_for_every_rule_parameter(
    programme, rules, region, has_vulnerable_jobs
):
    programme.eligibility_rules = rules
    programme.region_id = region
    programme.save()
    if not has_vulnerable_jobs:
        programme.occupation_decisions.all().delete()
    start, cutoff = date(2023, 1, 1), date(2022, 12, 31)
    _edge_persons(start, cutoff)
    cycle = make_cycle(programme, coverage_start_on=start, verification_cutoff_on=cutoff)
    inputs = allocation_inputs(cycle)
    codes = leading_row_rules(inputs.rules)
    assert codes == inputs.rules.codes
    everyone = load_candidates(cycle, inputs.previous)
    expected = {c.person_id: first_failure(c, inputs.ctx, inputs.rules) for c in everyone}
    case_sql, params = row_rules_sql(inputs.ctx, inputs.rules, codes)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {case_sql} FROM {Person._meta.db_table}", params)
        assert dict(cursor.fetchall()) == expected
    loaded = load_eligible_candidates(cycle, inputs)
    assert sorted(c.person_id for c in loaded.candidates) == sorted(
        pk for pk, reason in expected.items() if reason is None
    )
    assert loaded.ineligible == Counter(r for r in expected.values() if r is not None)
