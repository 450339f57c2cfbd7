"""Monthly premiums of BPU (non-wage) participants from the dated rate rules.

JKK is a percentage of the declared income, which may not be below a minimum (Rp 1,000,000
under PP 44/2015); JKM is a flat amount. A later regulation may discount both, so a rule
carries a discount and every rule carries the date it takes effect.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class RateRule:
    effective_on: date
    jkk_rate: Decimal
    minimum_declared_income: int
    jkm_amount: int
    discount_percent: Decimal = Decimal(0)


class NoRateInForce(LookupError):
    def __init__(self, on: date) -> None:
        super().__init__(f"Tidak ada tarif iuran yang berlaku pada {on:%d-%m-%Y}.")
        self.on = on


def rule_in_force(rules: Sequence[RateRule], on: date) -> RateRule:
    """The rule with the latest effective date on or before `on`."""
    in_force = [rule for rule in rules if rule.effective_on <= on]
    if not in_force:
        raise NoRateInForce(on)
    return max(in_force, key=lambda rule: rule.effective_on)


def _rupiah(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def monthly_premium(rule: RateRule, declared_income: int) -> int:
    """JKK + JKM for one person for one month, in whole rupiah."""
    income = max(declared_income, rule.minimum_declared_income)
    jkk = _rupiah(Decimal(income) * rule.jkk_rate)
    gross = jkk + rule.jkm_amount
    if not rule.discount_percent:
        return gross
    return _rupiah(Decimal(gross) * (Decimal(100) - rule.discount_percent) / Decimal(100))
