"""Numbers as Indonesians type them: ``300.000.000``, ``Rp 16.800``, ``Rp16.800,-``, ``1,5``.

The one reader of a typed number: every form's number field (`core/forms.py`) and the
spreadsheet cells of an import (`imports/cells.py`) come here. It is lenient about form
(``Rp`` before, ``,-`` after, spaces, a leading minus) and strict about meaning: a dot
separates thousands in groups of three and a comma marks the decimals, so

- ``300.000.000`` is three hundred million and ``1,5`` one and a half;
- ``1.5`` or ``12.34`` are refused: the dot is not followed by a group of three digits, so
  either a digit is missing or a decimal was written the English way;
- ``1,500`` is refused too: an Indonesian reads one and a half, someone used to English
  fifteen hundred; the person is asked to write ``1,5`` or ``1.500``;
- ``1,500,000`` is read as one and a half million: commas in groups of three, more than one,
  cannot be a decimal comma (spreadsheets saved on an English-language computer write so);
- anything else mixing the two (``1,500.50``) is refused.

Babel's ``parse_decimal(locale="id", strict=True)`` was weighed: it agrees on the Indonesian
forms, but reads ``1,500`` as 1,5 without a word, refuses ``1,500,000`` and ``1 500``, and
words its refusals in English; what is left to decide fits in the expressions below.

Pure: no ORM, settings or HTTP.
"""

import re
import unicodedata
from decimal import Decimal

from django.db.models import TextChoices
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rentan.core.formatting import format_decimal, format_number


class NumberProblem(TextChoices):
    UNREADABLE = "unreadable", _("Bukan angka")
    GROUPING = "grouping", _("Pemisah ribuan atau desimal tidak tepat")
    AMBIGUOUS = "ambiguous", _("Bisa dibaca sebagai ribuan atau desimal")
    NOT_WHOLE = "not_whole", _("Harus bilangan bulat")


class NumberRefused(ValueError):
    """A typed number that cannot be read for sure; ``str(error)`` is the Indonesian sentence
    that says what to type instead."""

    def __init__(self, problem: NumberProblem, message: str) -> None:
        super().__init__(problem, message)
        self.problem = problem
        self.message = message

    def __str__(self) -> str:
        return self.message


# Longer than any amount a Dinas handles, short enough that int() never meets a huge string.
_MAX_LENGTH = 40
_PREFIX = re.compile(r"^rp\.?", re.IGNORECASE)
_SUFFIX = re.compile(r"[.,][-\u2013\u2014]$")  # "Rp 16.800,-": no cents, as on a receipt
_PLAIN = re.compile(r"([0-9]+)(?:,([0-9]+))?", re.ASCII)
_DOTTED = re.compile(r"([0-9]{1,3}(?:\.[0-9]{3})+)(?:,([0-9]+))?", re.ASCII)
_COMMAS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3}){2,}", re.ASCII)
_AMBIGUOUS = re.compile(r"([1-9][0-9]{0,2}),([0-9]{3})", re.ASCII)


def _body(raw: str) -> tuple[str, str]:
    """The sign and the digits and separators of a typed number, without Rp, ``,-`` or
    spaces."""
    text = unicodedata.normalize("NFKC", raw).strip()
    text = _PREFIX.sub("", text).strip()
    text = "".join(text.split())
    sign = ""
    if text[:1] in ("-", "\u2212"):
        sign, text = "-", text[1:]
    text = _PREFIX.sub("", text)
    return sign, _SUFFIX.sub("", text)


def parse_number(raw: str, *, noun: str) -> Decimal | None:
    """The number typed in `raw`, or None when nothing was typed. `noun` names the field in
    messages ("Pagu anggaran")."""
    if not raw or not raw.strip():
        return None
    shown = " ".join(raw.split())
    sign, body = _body(raw)
    if not body or len(body) > _MAX_LENGTH:
        raise _unreadable(noun, shown)
    if match := _AMBIGUOUS.fullmatch(body):
        head, tail = match[1], match[2]
        raise NumberRefused(
            NumberProblem.AMBIGUOUS,
            gettext(
                "%(noun)s “%(raw)s” bisa dibaca %(whole)s atau %(fraction)s. Tulis "
                "%(whole)s bila maksudnya ribuan (titik pemisah ribuan), atau %(fraction)s bila "
                "maksudnya desimal (koma desimal)."
            )
            % {
                "noun": noun,
                "raw": shown,
                "whole": format_number(int(head + tail)),
                "fraction": format_decimal(Decimal(f"{head}.{tail}")),
            },
        )
    if match := _PLAIN.fullmatch(body) or _DOTTED.fullmatch(body):
        digits = match[1].replace(".", "")
        return Decimal(f"{sign}{digits}.{match[2]}" if match[2] else f"{sign}{digits}")
    if _COMMAS.fullmatch(body):
        return Decimal(sign + body.replace(",", ""))
    if re.fullmatch(r"[0-9.,]+", body, re.ASCII):
        raise NumberRefused(
            NumberProblem.GROUPING,
            gettext(
                "%(noun)s “%(raw)s” tidak terbaca: titik hanya memisahkan ribuan per "
                "tiga angka (mis. 16.800 atau 300.000.000), koma menandai desimal (mis. 1,5)."
            )
            % {"noun": noun, "raw": shown},
        )
    raise _unreadable(noun, shown)


def parse_whole_number(raw: str, *, noun: str) -> int | None:
    """A whole number (a count, an amount in rupiah) typed in `raw`; None when empty.
    ``1.500.000,00`` is whole; ``1,5`` is refused."""
    value = parse_number(raw, noun=noun)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise NumberRefused(
            NumberProblem.NOT_WHOLE,
            gettext("%(noun)s “%(raw)s” harus bilangan bulat, tanpa desimal (mis. 16.800).")
            % {"noun": noun, "raw": " ".join(raw.split())},
        )
    return int(value)


def _unreadable(noun: str, shown: str) -> NumberRefused:
    return NumberRefused(
        NumberProblem.UNREADABLE,
        gettext(
            "%(noun)s “%(raw)s” bukan angka. Tulis angka saja, mis. 300.000.000 atau Rp 16.800."
        )
        % {"noun": noun, "raw": shown},
    )
