from dataclasses import replace
from datetime import date

import pytest

from rentan.programmes.demo import RULES
from rentan.programmes.eligibility import (
    CycleContext,
    Reason,
    RuleCode,
    RulesInvalid,
    age_on,
    evaluate,
    first_failure,
    parse_rules,
)
from rentan.programmes.tests.candidates import BUDI

ALL_RULES = parse_rules(RULES)
CTX = CycleContext(
    region_code="33.75",
    coverage_start_on=date(2023, 1, 1),
    verification_cutoff_on=date(2022, 12, 31),
    vulnerable_occupations=frozenset({"pengayuh-becak", "kuli-bangunan"}),
    occupation_names={"pengayuh-becak": "Pengayuh becak", "nelayan": "Nelayan"},
)
BASE = BUDI


@pytest.mark.parametrize(
    ("change", "rule", "reason"),
    [
        ({}, None, None),
        ({"is_active": False}, RuleCode.ACTIVE, Reason.INACTIVE),
        ({"verified_on": None}, RuleCode.VERIFIED, Reason.NOT_VERIFIED),
        ({"verified_on": date(2023, 1, 1)}, RuleCode.VERIFIED, Reason.NOT_VERIFIED),
        ({"verified_on": date(2022, 12, 31)}, None, None),  # on the cut-off day still counts
        ({"kelurahan_code": "33.26.01.2001"}, RuleCode.REGION, Reason.OUTSIDE_REGION),
        # A NIK issued in Kabupaten Pekalongan (3326) is no reason to refuse a city resident.
        ({"nik": "3326010501850001"}, None, None),
        ({"birth_date": date(2005, 1, 2)}, RuleCode.AGE, Reason.TOO_YOUNG),
        ({"birth_date": date(2005, 1, 1)}, None, None),  # 18 on the first day of cover
        ({"birth_date": date(1957, 1, 1)}, RuleCode.AGE, Reason.TOO_OLD),  # 66
        ({"birth_date": date(1957, 1, 2)}, None, None),  # still 65
        ({"occupation_code": "nelayan"}, RuleCode.VULNERABLE_JOB, Reason.JOB_NOT_VULNERABLE),
        ({"is_covered_elsewhere": True}, RuleCode.NOT_COVERED, Reason.ALREADY_COVERED),
        ({"lists": frozenset({"BPJS_OTHER"})}, RuleCode.NOT_COVERED, Reason.OTHER_PAYER),
        ({"was_participant": True}, None, None),  # continuing is not "already covered"
        (
            {"is_household_covered": True},
            RuleCode.ONE_PER_HOUSEHOLD,
            Reason.HOUSEHOLD_COVERED,
        ),
        ({"lists": frozenset({"PKH"})}, RuleCode.NO_SOCIAL_ASSISTANCE, Reason.SOCIAL_ASSISTANCE),
        ({"lists": frozenset({"BPNT"})}, RuleCode.NO_SOCIAL_ASSISTANCE, Reason.SOCIAL_ASSISTANCE),
    ],
)
def test_each_rule_passes_or_fails_with_its_reason(change, rule, reason):
    candidate = replace(BASE, **change)
    outcomes = evaluate(candidate, CTX, ALL_RULES)
    failed = [o for o in outcomes if not o.passed]
    if rule is None:
        assert failed == []
        assert first_failure(candidate, CTX, ALL_RULES) is None
    else:
        assert [(o.rule, o.reason) for o in failed] == [(rule, reason)]
        assert first_failure(candidate, CTX, ALL_RULES) == failed[0].reason
        assert failed[0].explanation


def test_every_outcome_has_an_indonesian_explanation():
    every_rule = parse_rules({**RULES, "desil": {"max": 10, "unknown_allowed": True}})
    outcomes = evaluate(BASE, CTX, every_rule)
    assert [o.rule for o in outcomes] == list(RuleCode)
    assert all(o.passed and o.explanation for o in outcomes)


def test_rule_not_configured_is_not_applied():
    rules = parse_rules({"active": {}, "no_social_assistance": {"schemes": ["BPNT"]}})
    pkh = replace(BASE, lists=frozenset({"PKH"}), occupation_code="nelayan", verified_on=None)
    assert first_failure(pkh, CTX, rules) is None
    bpnt = replace(BASE, lists=frozenset({"BPNT"}))
    assert first_failure(bpnt, CTX, rules) == Reason.SOCIAL_ASSISTANCE


def test_age_range_is_a_programme_setting():
    rules = parse_rules({"age": {"min": 18, "max": 56}})
    assert first_failure(replace(BASE, birth_date=date(1965, 6, 1)), CTX, rules) == (Reason.TOO_OLD)


def test_region_passes_with_a_note_when_the_nik_was_issued_elsewhere():
    outcome = evaluate(replace(BASE, nik="3326010501850001"), CTX, parse_rules({"region": {}}))[0]
    assert outcome.passed
    assert "bukan alasan menolak" in outcome.explanation


@pytest.mark.parametrize(
    "data",
    [
        {"umur": {}},
        {"age": {"min": "delapan belas"}},
        {"age": {"min": 60, "max": 18}},
        {"no_social_assistance": {"schemes": ["KIS"]}},
    ],
)
def test_bad_rule_data_is_refused(data):
    with pytest.raises(RulesInvalid):
        parse_rules(data)


@pytest.mark.parametrize(
    ("born", "on", "years"),
    [
        (date(1985, 1, 5), date(2023, 1, 4), 37),
        (date(1985, 1, 5), date(2023, 1, 5), 38),
        (date(2000, 2, 29), date(2023, 2, 28), 22),
        (date(2000, 2, 29), date(2023, 3, 1), 23),
    ],
)
def test_age_counts_completed_years(born, on, years):
    assert age_on(born, on) == years
