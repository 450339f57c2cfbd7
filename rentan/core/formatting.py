"""Indonesian formats for money, numbers and dates, as civil servants write them.

Rupiah uses a dot for thousands and no decimals ("Rp 16.800"), other numbers a decimal
comma ("1,5"); dates spell the month ("25 November 2026"). These do not depend on the
active language: money and dates in official documents keep the Indonesian form.
"""

from datetime import date, datetime
from decimal import Decimal

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def format_rupiah(amount: int | Decimal | float | None) -> str:
    if amount is None:
        return "-"
    rounded = int(Decimal(str(amount)).quantize(Decimal(1)))
    sign = "-" if rounded < 0 else ""
    return f"{sign}Rp {abs(rounded):,}".replace(",", ".")


def format_number(value: int | None) -> str:
    if value is None:
        return "-"
    return f"{value:,}".replace(",", ".")


def format_decimal(value: int | Decimal | None) -> str:
    """``Decimal("1234.5")`` -> ``1.234,5``: dots between thousands, a decimal comma, no
    trailing zeros."""
    if value is None:
        return "-"
    number = Decimal(value)
    if number == number.to_integral_value():
        return format_number(int(number))
    sign = "-" if number < 0 else ""
    whole, fraction = f"{abs(number).normalize():f}".split(".")
    return f"{sign}{format_number(int(whole))},{fraction}"


def format_signed(value: float, places: int = 1) -> str:
    """``8.06`` -> ``+8,1``, ``-3.24`` -> ``-3,2``: a weight of evidence, with its sign and a
    fixed number of decimals (``+9,0``)."""
    text = f"{abs(value):,.{places}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{'-' if round(value, places) < 0 else '+'}{text}"


def format_percent(share: float, places: int = 1) -> str:
    """``0.9987`` -> ``99,9%``."""
    return f"{share * 100:.{places}f}".replace(".", ",") + "%"


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return "-"
    return f"{value.day} {MONTHS_ID[value.month - 1]} {value.year}"


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return "-"
    return f"{format_date(value)} {value:%H.%M}"


def format_month(value: date) -> str:
    return f"{MONTHS_ID[value.month - 1]} {value.year}"
