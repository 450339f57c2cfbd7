"""The desil as a programme's rule (desil at most N; none known allowed or not) and as a
score factor (points per desil below a threshold), said in words with its source."""

from dataclasses import replace
from datetime import date

import pytest

from rentan.programmes.eligibility import (
    CycleContext,
    Reason,
    RuleCode,
    describe_rules,
    evaluate,
    first_failure,
    parse_rules,
)
from rentan.programmes.scoring import Factor, explain_score, parse_weights, score_parts
from rentan.programmes.tests.candidates import BUDI

CTX = CycleContext(
    region_code="33.75",
    coverage_start_on=date(2027, 1, 1),
    verification_cutoff_on=date(2026, 12, 31),
    vulnerable_occupations=frozenset({"pengayuh-becak"}),
)
SOURCE = "DTSEN Maret 2026"
AT_MOST_5 = parse_rules({"desil": {"max": 5}})
UNKNOWN_ALLOWED = parse_rules({"desil": {"max": 5, "unknown_allowed": True}})


@pytest.mark.parametrize(
    ("desil", "rules", "reason"),
    [
        (1, AT_MOST_5, None),
        (5, AT_MOST_5, None),
        (6, AT_MOST_5, Reason.DESIL_TOO_HIGH),
        (10, AT_MOST_5, Reason.DESIL_TOO_HIGH),
        (None, AT_MOST_5, Reason.DESIL_UNKNOWN),
        (None, UNKNOWN_ALLOWED, None),
        (6, UNKNOWN_ALLOWED, Reason.DESIL_TOO_HIGH),
    ],
)
def test_the_desil_rule_passes_or_fails(desil, rules, reason):
    candidate = replace(BUDI, desil=desil, desil_source=SOURCE if desil else "")
    assert first_failure(candidate, CTX, rules) == reason


def test_the_rule_names_the_desil_and_its_source():
    [ok] = evaluate(replace(BUDI, desil=2, desil_source=SOURCE), CTX, AT_MOST_5)
    assert ok.explanation == "Desil 2 per DTSEN Maret 2026, dalam batas desil 5."
    [high] = evaluate(replace(BUDI, desil=7, desil_source=SOURCE), CTX, AT_MOST_5)
    assert high.explanation == "Desil 7 per DTSEN Maret 2026; program ini paling tinggi desil 5."
    [unknown] = evaluate(BUDI, CTX, AT_MOST_5)
    assert unknown.explanation == (
        "Desil DTSEN belum diketahui pada 31 Desember 2026; program ini: tidak dapat ikut."
    )


def test_the_rule_is_said_in_words_with_its_parameters():
    line = next(r for r in describe_rules(UNKNOWN_ALLOWED) if r.code == RuleCode.DESIL)
    assert line.is_applied
    assert "paling tinggi 5" in line.explanation
    assert "belum diketahui tetap boleh ikut" in line.explanation


WEIGHTS = parse_weights({"low_desil": 5, "desil_threshold": 6})


@pytest.mark.parametrize(
    ("desil", "parts"),
    [
        (1, {"low_desil": 2500}),  # five steps below 6
        (5, {"low_desil": 500}),
        (6, {}),
        (10, {}),
        (None, {}),  # a desil not known earns nothing
    ],
)
def test_each_desil_below_the_threshold_adds_the_weight(desil, parts):
    candidate = replace(BUDI, desil=desil, lists=frozenset({"PKH"}))
    assert score_parts(candidate, WEIGHTS, minimum_wage=None, on=CTX.coverage_start_on) == parts


def test_a_desil_factor_worth_nothing_is_left_out():
    candidate = replace(BUDI, desil=1, lists=frozenset({"PKH"}))
    no_weight = parse_weights({"desil_threshold": 6})
    assert score_parts(candidate, no_weight, minimum_wage=None, on=CTX.coverage_start_on) == {}


def test_the_score_line_names_the_desil_and_its_source():
    candidate = replace(BUDI, desil=2, desil_source=SOURCE)
    lines = explain_score(candidate, WEIGHTS, minimum_wage=None, on=CTX.coverage_start_on)
    line = next(line for line in lines if line.factor == Factor.LOW_DESIL)
    assert line.points == 20
    assert line.explanation == "Desil 2 per DTSEN Maret 2026: 4 tingkat di bawah desil 6 x 5."
