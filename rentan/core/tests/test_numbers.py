from decimal import Decimal

import pytest

from rentan.core.numbers import NumberProblem, NumberRefused, parse_number, parse_whole_number


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("300.000.000", 300_000_000),
        ("Rp 300.000.000", 300_000_000),
        ("Rp300.000.000", 300_000_000),
        ("rp. 300.000.000", 300_000_000),
        ("Rp 16.800,-", 16_800),
        ("16.800", 16_800),
        ("300000000", 300_000_000),
        ("  2 ", 2),
        ("0", 0),
        ("1.500.000,00", 1_500_000),
        ("1,500,000", 1_500_000),
        ("300 000 000", 300_000_000),
        ("-5", -5),
        ("Rp\u00a016.800", 16_800),
        ("", None),
        ("   ", None),
    ],
)
def test_whole_numbers_are_read_the_indonesian_way(typed, expected):
    assert parse_whole_number(typed, noun="Pagu") == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1,5", Decimal("1.5")),
        ("0,25", Decimal("0.25")),
        ("12.500,75", Decimal("12500.75")),
        ("30", Decimal("30")),
        ("0,500", Decimal("0.5")),
        ("1234,567", Decimal("1234.567")),
        ("1.000", Decimal("1000")),
    ],
)
def test_decimals_take_a_comma(typed, expected):
    assert parse_number(typed, noun="Bobot") == expected


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("1.5", NumberProblem.GROUPING),
        ("12.34", NumberProblem.GROUPING),
        ("1.50.000", NumberProblem.GROUPING),
        ("300.000.0", NumberProblem.GROUPING),
        ("1,500.50", NumberProblem.GROUPING),
        ("1.500.000.50", NumberProblem.GROUPING),
        ("1,5,0", NumberProblem.GROUPING),
        ("1,500", NumberProblem.AMBIGUOUS),
        ("12,000", NumberProblem.AMBIGUOUS),
        ("Rp 1,500", NumberProblem.AMBIGUOUS),
        ("banyak", NumberProblem.UNREADABLE),
        ("Rp", NumberProblem.UNREADABLE),
        ("3 juta", NumberProblem.UNREADABLE),
        ("1e9", NumberProblem.UNREADABLE),
        ("9" * 60, NumberProblem.UNREADABLE),
    ],
)
def test_a_number_that_cannot_be_read_for_sure_is_refused(typed, problem):
    with pytest.raises(NumberRefused) as refused:
        parse_number(typed, noun="Pagu")
    assert refused.value.problem is problem
    assert "Pagu" in str(refused.value)


def test_the_ambiguous_refusal_offers_both_readings():
    with pytest.raises(NumberRefused) as refused:
        parse_number("1,500", noun="Bobot")
    assert "1.500" in str(refused.value)
    assert "1,5" in str(refused.value)


@pytest.mark.parametrize("typed", ["1,5", "16.800,5"])
def test_a_whole_number_refuses_decimals(typed):
    with pytest.raises(NumberRefused) as refused:
        parse_whole_number(typed, noun="Jumlah tanggungan")
    assert refused.value.problem is NumberProblem.NOT_WHOLE
