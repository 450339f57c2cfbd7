from datetime import date, datetime
from decimal import Decimal

import pytest

from rentan.core.formatting import (
    format_date,
    format_datetime,
    format_decimal,
    format_number,
    format_percent,
    format_rupiah,
    format_signed,
)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (16_800, "Rp 16.800"),
        (403_200_000, "Rp 403.200.000"),
        (0, "Rp 0"),
        (Decimal("16800.4"), "Rp 16.800"),
        (-5000, "-Rp 5.000"),
        (None, "-"),
    ],
)
def test_rupiah_uses_dots_for_thousands(amount, expected):
    assert format_rupiah(amount) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 11, 25), "25 November 2026"),
        (date(2024, 2, 29), "29 Februari 2024"),
        (date(2023, 5, 1), "1 Mei 2023"),
        (None, "-"),
    ],
)
def test_dates_spell_the_month_in_indonesian(value, expected):
    assert format_date(value) == expected


def test_datetime_and_number():
    assert format_datetime(datetime(2026, 8, 17, 9, 5)) == "17 Agustus 2026 09.05"
    assert format_number(45_000) == "45.000"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1.5"), "1,5"),
        (Decimal("1234.50"), "1.234,5"),
        (Decimal("30.00"), "30"),
        (300_000_000, "300.000.000"),
        (Decimal("-0.25"), "-0,25"),
        (None, "-"),
    ],
)
def test_decimals_use_a_comma_and_dots_for_thousands(value, expected):
    assert format_decimal(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(8.06, "+8,1"), (9, "+9,0"), (-3.24, "-3,2"), (-0.01, "+0,0"), (1234.56, "+1.234,6")],
)
def test_a_weight_of_evidence_keeps_its_sign_and_one_decimal(value, expected):
    assert format_signed(value) == expected


def test_a_share_is_a_percentage_with_a_decimal_comma():
    assert format_percent(0.99871) == "99,9%"
