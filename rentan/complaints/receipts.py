"""The receipt number a complaint is given (pure): ADU-<year>-<serial of six digits>, the
serial counted per year from 1, so the person can quote it and the desk find it."""

import re

PREFIX = "ADU"
_PATTERN = re.compile(rf"^{PREFIX}-(\d{{4}})-(\d{{6,}})$")


def receipt_number(year: int, serial: int) -> str:
    return f"{PREFIX}-{year}-{serial:06d}"


def parse_receipt_number(text: str) -> tuple[int, int] | None:
    """(year, serial) of a number typed back, in any case and with spaces around, or None."""
    match = _PATTERN.match(text.strip().upper())
    return (int(match[1]), int(match[2])) if match else None
