from datetime import date
from decimal import Decimal

import pytest

from rentan.programmes.premiums import NoRateInForce, RateRule, monthly_premium, rule_in_force

PP_44_2015 = RateRule(date(2015, 7, 1), Decimal("0.01"), 1_000_000, 6_800)
HALVED = RateRule(date(2026, 1, 1), Decimal("0.01"), 1_000_000, 6_800, Decimal(50))


@pytest.mark.parametrize(
    ("rule", "declared_income", "expected"),
    [
        (PP_44_2015, 1_000_000, 16_800),
        (PP_44_2015, 500_000, 16_800),  # below the minimum, the minimum counts
        (PP_44_2015, 2_305_823, 29_858),
        (HALVED, 1_000_000, 8_400),
    ],
)
def test_monthly_premium(rule, declared_income, expected):
    assert monthly_premium(rule, declared_income) == expected


def test_rule_in_force_is_the_latest_started():
    rules = [PP_44_2015, HALVED]
    assert rule_in_force(rules, date(2023, 3, 1)) is PP_44_2015
    assert rule_in_force(rules, date(2026, 1, 1)) is HALVED
    with pytest.raises(NoRateInForce):
        rule_in_force(rules, date(2015, 6, 30))
