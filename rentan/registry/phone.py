"""Indonesian phone numbers: stored in E.164 (``+6281234567890``), shown the local way.

Numbers arrive as typed (``0812-3456-7890``, ``+62 812 3456 789``, ``(0285) 421234``) or from a
spreadsheet, where Excel has stored them as numbers and dropped the leading 0
(``81234567890.0``). Unlike a NIK, a phone number loses nothing as a number: it is far shorter
than Excel's 15 significant digits.

Pure: no ORM, settings or HTTP.
"""

import math
import re

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

COUNTRY_CODE = "62"

# National significant number (without the trunk 0): 8-12 digits, so 9-13 with the 0. Mobile
# numbers start with 8 and have at least 9 (10 with the 0).
_NSN_MIN = 8
_NSN_MAX = 12
_MOBILE_NSN_MIN = 9

# The area codes of two digits after the 0 (Jakarta, Bandung, Semarang, Surabaya, Medan); every
# other area code has three.
_TWO_DIGIT_AREA_CODES = frozenset({"21", "22", "24", "31", "61"})

_SEPARATORS = re.compile(r"[\s\-.()]")
_FLOAT_TEXT = re.compile(r"(\d+)\.0+")


class PhoneProblem(TextChoices):
    EMPTY = "empty", _("Nomor telepon kosong")
    NOT_DIGITS = "not_digits", _("Nomor telepon hanya boleh berisi angka")
    TOO_SHORT = "too_short", _("Nomor telepon terlalu pendek")
    TOO_LONG = "too_long", _("Nomor telepon terlalu panjang")
    NOT_INDONESIAN = "not_indonesian", _("Bukan nomor telepon Indonesia (+62)")


class PhoneError(ValueError):
    """A phone number that cannot be stored; ``str(error)`` is the Indonesian sentence."""

    def __init__(self, problem: PhoneProblem, detail: str) -> None:
        # Both in args, so the error survives pickling (background tasks) intact.
        super().__init__(problem, detail)
        self.problem = problem
        self.detail = detail

    def __str__(self) -> str:
        return self.detail


def normalise_phone(raw: object) -> str:
    """The E.164 form of an Indonesian phone number, e.g. ``+6281234567890``.

    Spaces, dashes, dots and brackets are ignored, and so is a 0 after the country code
    (``+62 (0)812...``). Digits with neither 0 nor 62 in front are taken as a number whose
    leading 0 Excel dropped.
    """
    digits, has_plus = _digits(raw)
    if has_plus or digits.startswith("00"):
        international = digits if has_plus else digits[2:]
        if not international.startswith(COUNTRY_CODE):
            raise PhoneError(
                PhoneProblem.NOT_INDONESIAN,
                "Nomor telepon memakai kode negara selain +62. Hanya nomor Indonesia yang "
                "bisa dicatat.",
            )
        national = international[len(COUNTRY_CODE) :]
    elif digits.startswith(COUNTRY_CODE):
        # Read as the country code: 62812... is common, while a 062x area code (northern
        # Sumatera) that lost its 0 is rare here, and is the one case this misreads.
        national = digits[len(COUNTRY_CODE) :]
    else:
        national = digits
    if national.startswith("0"):
        national = national[1:]

    if national[:1] in ("0", "1"):
        raise PhoneError(
            PhoneProblem.NOT_INDONESIAN,
            "Nomor telepon tidak berbentuk nomor Indonesia: setelah 0 atau +62 harus ada kode "
            "wilayah atau awalan nomor HP (8).",
        )
    is_mobile = national.startswith("8")
    minimum = _MOBILE_NSN_MIN if is_mobile else _NSN_MIN
    if len(national) < minimum:
        raise PhoneError(
            PhoneProblem.TOO_SHORT,
            f"Nomor telepon hanya {len(national) + 1} digit (dengan awalan 0); nomor "
            f"{'HP' if is_mobile else 'telepon rumah'} paling sedikit {minimum + 1} digit.",
        )
    if len(national) > _NSN_MAX:
        raise PhoneError(
            PhoneProblem.TOO_LONG,
            f"Nomor telepon {len(national) + 1} digit (dengan awalan 0); paling banyak "
            f"{_NSN_MAX + 1} digit. Periksa apakah dua nomor tertulis dalam satu kolom.",
        )
    return f"+{COUNTRY_CODE}{national}"


def normalise_optional_phone(raw: object) -> str:
    """Like :func:`normalise_phone`, but an empty value is "" rather than an error."""
    try:
        return normalise_phone(raw)
    except PhoneError as error:
        if error.problem is PhoneProblem.EMPTY:
            return ""
        raise


def format_phone_display(e164: str) -> str:
    """``+6281234567890`` as ``0812-3456-7890``; a landline as ``(0285) 421234``.

    Anything that is not an Indonesian E.164 number is returned unchanged: display must not
    fail on an odd stored value.
    """
    prefix = f"+{COUNTRY_CODE}"
    national = e164[len(prefix) :]
    if not e164.startswith(prefix) or not national.isascii() or not national.isdigit():
        return e164
    if national.startswith("8"):
        rest = national[3:]
        middle = 4 if len(rest) >= 7 else len(rest) // 2
        return f"0{national[:3]}-{rest[:middle]}-{rest[middle:]}"
    area_length = 2 if national[:2] in _TWO_DIGIT_AREA_CODES else 3
    return f"(0{national[:area_length]}) {national[area_length:]}"


def _digits(raw: object) -> tuple[str, bool]:
    """The digits of the value and whether it began with +."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        # pandas reads an empty cell as NaN.
        raise PhoneError(PhoneProblem.EMPTY, "Nomor telepon kosong.")
    if isinstance(raw, bool):
        raise PhoneError(PhoneProblem.NOT_DIGITS, "Nomor telepon harus berupa angka.")
    if isinstance(raw, float):
        if not raw.is_integer() or raw < 0:
            raise PhoneError(PhoneProblem.NOT_DIGITS, "Nomor telepon harus bilangan bulat.")
        raw = int(raw)
    if isinstance(raw, int):
        if raw < 0:
            raise PhoneError(PhoneProblem.NOT_DIGITS, "Nomor telepon harus bilangan bulat.")
        return str(raw), False
    if not isinstance(raw, str):
        raise PhoneError(PhoneProblem.NOT_DIGITS, "Nomor telepon harus berupa teks atau angka.")

    text = raw.strip()
    if not text:
        raise PhoneError(PhoneProblem.EMPTY, "Nomor telepon kosong.")
    # A number cell exported to CSV: 81234567890.0.
    if match := _FLOAT_TEXT.fullmatch(text):
        return match[1], False
    has_plus = text.startswith("+")
    digits = _SEPARATORS.sub("", text.removeprefix("+"))
    if not digits:
        raise PhoneError(PhoneProblem.EMPTY, "Nomor telepon kosong.")
    if not digits.isascii() or not digits.isdigit():
        others = "".join(dict.fromkeys(ch for ch in digits if ch not in "0123456789"))
        raise PhoneError(
            PhoneProblem.NOT_DIGITS,
            f"Nomor telepon hanya boleh berisi angka, tetapi berisi: {' '.join(others)}.",
        )
    return digits, has_plus
