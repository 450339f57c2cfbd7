"""NIK (Nomor Induk Kependudukan) and KK (Kartu Keluarga) numbers.

A NIK is ``PPKKCC DDMMYY SSSS``: the kecamatan where it was issued, the birth date with 40
added to the day for women, and a serial from 0001. There is no check digit. The area is where
the NIK was issued, not where the person lives now, so it is no proof of domicile.

Most bad NIKs reach us through Excel, which stores a typed-in NIK as a number and keeps only 15
significant digits: ``3375014501850001`` becomes ``3.37501450185E+15`` and, written back,
``3375014501850000``. Such a value has lost its last digit and must never be stored, so every
way Excel shows a number is recognised and named.

Pure: no ORM, settings or HTTP. Details in errors and findings are plain Indonesian text.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from stdnum.util import isdigits

from rentan.core.formatting import format_date

NIK_LENGTH = 16

# Kepmendagri No 300.2.2-2138 Tahun 2025 (kode wilayah): the 38 provinces, including Kalimantan
# Utara (65, since 2012) and the Papua provinces of 2022 (93-96). stdnum's place table predates
# both and gives 91 to Papua Barat and 94 to Papua, so it cannot judge the place.
# fmt: off
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",  # Sumatera
    "31", "32", "33", "34", "35", "36",  # Jawa
    "51", "52", "53",  # Bali, Nusa Tenggara
    "61", "62", "63", "64", "65",  # Kalimantan
    "71", "72", "73", "74", "75", "76",  # Sulawesi
    "81", "82",  # Maluku
    "91", "92", "93", "94", "95", "96",  # Papua
})
# fmt: on

# Dukcapil adds 40 to the day of birth of women, so valid days are 1-31 and 41-71.
FEMALE_DAY_OFFSET = 40


# How a number cell looks once Excel has turned it into text: 3.37501450185E+15, or 3,37501E+15
# with the Indonesian decimal comma.
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+")
# 3375014501850000.0 (a float written out) and 3.375.014.501.850.000 (thousands separators).
_FLOAT_TEXT = re.compile(r"(?P<integer>\d+)[.,]0+")
_GROUPED_TEXT = re.compile(r"\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+")
# Excel keeps 15 significant digits: only numbers at least that long have lost anything.
_EXCEL_DIGITS = 15


class Sex(TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


# Plain words for details, so building a message never needs the translation machinery.
_SEX_WORDS = {Sex.MALE.value: "laki-laki", Sex.FEMALE.value: "perempuan"}


class NikProblem(TextChoices):
    """Why a NIK or KK number was rejected or questioned.

    The first seven members apply to KK numbers too, hence the "NIK/No. KK" labels.
    """

    EMPTY = "empty", _("NIK/No. KK kosong")
    NOT_DIGITS = "not_digits", _("NIK/No. KK hanya boleh berisi angka")
    WRONG_LENGTH = "wrong_length", _("NIK/No. KK harus 16 digit")
    STORED_AS_NUMBER = (
        "stored_as_number",
        _(
            "NIK/No. KK tersimpan sebagai angka di Excel: Excel hanya menyimpan 15 angka penting, "
            "jadi digit terakhir hilang; ketik ulang sebagai teks (format kolom Teks)"
        ),
    )
    SCIENTIFIC_NOTATION = (
        "scientific_notation",
        _(
            "NIK/No. KK tertulis dalam notasi ilmiah Excel (mis. 3,37501E+15): digit terakhir "
            "hilang; ketik ulang sebagai teks (format kolom Teks)"
        ),
    )
    ROUNDED_BY_EXCEL = (
        "rounded_by_excel",
        _("NIK/No. KK berakhiran 0 di kolom berisi angka Excel: digit terakhir mungkin hilang"),
    )
    UNKNOWN_PROVINCE = "unknown_province", _("Kode provinsi tidak dikenal")
    INVALID_BIRTH_DATE = "invalid_birth_date", _("Tanggal lahir dalam NIK tidak valid")
    BIRTH_DATE_IN_FUTURE = "birth_date_in_future", _("Tanggal lahir dalam NIK belum terjadi")
    ZERO_SERIAL = "zero_serial", _("Nomor urut NIK tidak boleh 0000")
    BIRTH_DATE_MISMATCH = "birth_date_mismatch", _("Tanggal lahir tidak sesuai dengan NIK")
    SEX_MISMATCH = "sex_mismatch", _("Jenis kelamin tidak sesuai dengan NIK")
    UNKNOWN_DISTRICT = "unknown_district", _("Kode kecamatan dalam NIK tidak dikenal")


class NikError(ValueError):
    """A NIK or KK number that cannot be stored; ``str(error)`` is the Indonesian sentence."""

    def __init__(self, problem: NikProblem, detail: str) -> None:
        # Both in args, so the error survives pickling (background tasks) intact.
        super().__init__(problem, detail)
        self.problem = problem
        self.detail = detail

    def __str__(self) -> str:
        return self.detail


@dataclass(frozen=True)
class ParsedNik:
    nik: str
    province_code: str
    regency_code: str
    district_code: str
    birth_date: date
    sex: Sex
    serial: str


@dataclass(frozen=True)
class ParsedKk:
    number: str
    province_code: str
    regency_code: str
    district_code: str


@dataclass(frozen=True)
class NikFinding:
    """A disagreement between a valid NIK and the rest of the record.

    ``detail`` completes the label ("Tanggal lahir tidak sesuai dengan NIK: ...").
    """

    problem: NikProblem
    is_warning: bool
    detail: str


def parse_nik(raw: object, *, today: date, column_has_numbers: bool = False) -> ParsedNik:
    """Read a NIK as typed in a form or found in a spreadsheet cell.

    Surrounding and inner whitespace is dropped; any other character is an error. A number
    (int, float, Decimal) is always rejected: a 16-digit number in Excel has lost its last
    digit. Set ``column_has_numbers`` when other cells of the same column arrived as numbers;
    a NIK ending in 0 is then taken for one that Excel rounded.
    """
    digits = _cell_digits(raw, noun="NIK")
    # stdnum.id.nik's format rule (ASCII digits, via stdnum.util.isdigits, and 16 of them).
    # Its validate() would also look the place up in its own table and read the date; both
    # are superseded by the Kepmendagri 2025 checks below, and at 50,000 rows that lookup
    # alone cost more than the rest of a row's checks.
    if len(digits) != NIK_LENGTH:
        raise _wrong_length("NIK", digits)
    _check_excel_rounding_and_province(digits, noun="NIK", column_has_numbers=column_has_numbers)

    birth_date, sex = birth_date_and_sex(digits, today=today)
    serial = digits[12:]
    if serial == "0000":
        raise NikError(
            NikProblem.ZERO_SERIAL,
            "Nomor urut NIK (4 digit terakhir) 0000 tidak pernah diterbitkan; "
            "nomor urut dimulai dari 0001.",
        )
    province, regency, district = _area_codes(digits)
    return ParsedNik(
        nik=digits,
        province_code=province,
        regency_code=regency,
        district_code=district,
        birth_date=birth_date,
        sex=sex,
        serial=serial,
    )


def check_nik_against_person(
    parsed: ParsedNik,
    *,
    birth_date: date | None,
    sex: str | None,
    district_name: Callable[[str], str | None],
) -> list[NikFinding]:
    """Compare a valid NIK with the birth date and sex entered for the person.

    Disagreements are errors. An unknown kecamatan is only a warning: a NIK keeps the code of
    the kecamatan that issued it, and codes are retired or split over the years.
    """
    findings: list[NikFinding] = []
    if birth_date is not None and birth_date != parsed.birth_date:
        findings.append(
            NikFinding(
                NikProblem.BIRTH_DATE_MISMATCH,
                is_warning=False,
                detail=(
                    f"tertulis {format_date(birth_date)}, "
                    f"menurut NIK {format_date(parsed.birth_date)}"
                ),
            )
        )
    if sex and sex != parsed.sex:
        findings.append(
            NikFinding(
                NikProblem.SEX_MISMATCH,
                is_warning=False,
                detail=(
                    f"tertulis {_SEX_WORDS.get(sex, sex)}, "
                    f"menurut NIK {_SEX_WORDS[parsed.sex.value]}"
                ),
            )
        )
    if district_name(parsed.district_code) is None:
        findings.append(
            NikFinding(
                NikProblem.UNKNOWN_DISTRICT,
                is_warning=True,
                detail=(
                    f"kode {parsed.district_code} tidak ada dalam daftar wilayah Kemendagri; "
                    "NIK lama bisa memakai kode kecamatan yang sudah berubah, periksa KTP"
                ),
            )
        )
    return findings


def parse_kk(raw: object, *, column_has_numbers: bool = False) -> ParsedKk:
    """Read a Kartu Keluarga number, with the same spreadsheet rules as :func:`parse_nik`.

    Digits 7-12 are the issue date (DDMMYY, no +40 for anyone); they are not checked, since
    old cards carry dates that were never validated.
    """
    digits = _cell_digits(raw, noun="Nomor KK")
    if len(digits) != NIK_LENGTH:
        raise _wrong_length("Nomor KK", digits)
    _check_excel_rounding_and_province(
        digits, noun="Nomor KK", column_has_numbers=column_has_numbers
    )
    province, regency, district = _area_codes(digits)
    return ParsedKk(
        number=digits,
        province_code=province,
        regency_code=regency,
        district_code=district,
    )


def nik_pattern() -> str:
    """A NIK's structure as one regular expression, for a form that checks as it is typed
    (the field form's XPath ``regex()``): a province code, four more area digits, a day of
    birth 01-31 (41-71 for women), a month 01-12, a year and a serial from 0001. What a
    pattern cannot say (a 31st of a short month, a date still to come, a kecamatan unknown)
    :func:`parse_nik` still refuses."""
    provinces = "|".join(sorted(PROVINCE_CODES))
    day = "0[1-9]|[12][0-9]|3[01]|4[1-9]|[56][0-9]|7[01]"
    month = "0[1-9]|1[0-2]"
    serial = "[0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000"
    return f"^({provinces})[0-9]{{4}}({day})({month})[0-9]{{2}}({serial})$"


def kk_pattern() -> str:
    """A KK number's structure as :func:`parse_kk` reads it: a province code and 14 digits."""
    return f"^({'|'.join(sorted(PROVINCE_CODES))})[0-9]{{{NIK_LENGTH - 2}}}$"


def mask_nik(nik: str) -> str:
    """Hide the birth date and most of the area: ``3375********0001``."""
    if len(nik) != NIK_LENGTH:
        return "*" * len(nik)
    return f"{nik[:4]}{'*' * 8}{nik[-4:]}"


def compose_nik(*, district_code: str, birth_date: date, sex: Sex, serial: int) -> str:
    """The NIK that :func:`parse_nik` reads back as these parts (test and demo data).

    ``district_code`` is the kecamatan, dotted ("33.75.01") or not ("337501").
    """
    district = district_code.replace(".", "")
    if len(district) != 6 or not isdigits(district):
        raise ValueError(f"Kode kecamatan harus 6 digit, tertulis {district_code!r}.")
    if not 1 <= serial <= 9999:
        raise ValueError(f"Nomor urut NIK harus 1 sampai 9999, tertulis {serial}.")
    day = birth_date.day + (FEMALE_DAY_OFFSET if sex == Sex.FEMALE else 0)
    return f"{district}{day:02d}{birth_date:%m%y}{serial:04d}"


def _cell_digits(raw: object, *, noun: str) -> str:
    """The ASCII digits of a form field or spreadsheet cell, or the Excel mishap behind them."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        # pandas reads an empty cell as NaN.
        raise NikError(NikProblem.EMPTY, f"{noun} kosong.")
    if isinstance(raw, bool):
        raise NikError(NikProblem.NOT_DIGITS, f"{noun} harus berupa angka, bukan ya/tidak.")
    if isinstance(raw, int | float | Decimal):
        raise NikError(NikProblem.STORED_AS_NUMBER, _stored_as_number(noun))
    if not isinstance(raw, str):
        raise NikError(NikProblem.NOT_DIGITS, f"{noun} harus berupa teks berisi angka.")

    text = "".join(raw.split())
    if not text:
        raise NikError(NikProblem.EMPTY, f"{noun} kosong.")
    if _SCIENTIFIC.fullmatch(text):
        raise NikError(
            NikProblem.SCIENTIFIC_NOTATION,
            f"{noun} tertulis {text} (notasi ilmiah) karena Excel menyimpannya sebagai angka; "
            f"digit terakhirnya sudah hilang. Ketik ulang {noun} sebagai teks (format kolom "
            f"Teks) sesuai dokumen aslinya.",
        )
    if _is_number_as_text(text):
        raise NikError(NikProblem.STORED_AS_NUMBER, _stored_as_number(noun))
    # stdnum.util.isdigits, unlike str.isdigit, refuses non-ASCII (e.g. full-width) digits.
    if not isdigits(text):
        others = "".join(dict.fromkeys(ch for ch in text if ch not in "0123456789"))
        raise NikError(
            NikProblem.NOT_DIGITS,
            f"{noun} hanya boleh berisi angka, tetapi berisi: {' '.join(others)}.",
        )
    return text


def _is_number_as_text(text: str) -> bool:
    if match := _FLOAT_TEXT.fullmatch(text):
        return len(match["integer"]) >= _EXCEL_DIGITS
    if _GROUPED_TEXT.fullmatch(text):
        return sum(ch.isdigit() for ch in text) >= _EXCEL_DIGITS
    return False


def _wrong_length(noun: str, digits: str) -> NikError:
    return NikError(
        NikProblem.WRONG_LENGTH, f"{noun} harus {NIK_LENGTH} digit, tertulis {len(digits)} digit."
    )


def _check_excel_rounding_and_province(digits: str, *, noun: str, column_has_numbers: bool) -> None:
    # A real serial may end in 0 (0010, 0020, ...), so a final 0 is suspect only where the same
    # column shows that Excel has been treating the values as numbers.
    if column_has_numbers and digits.endswith("0"):
        raise NikError(
            NikProblem.ROUNDED_BY_EXCEL,
            f"{noun} berakhiran 0 di kolom yang berisi angka Excel, jadi digit terakhirnya "
            f"mungkin dibulatkan. Periksa dengan dokumen aslinya dan ketik ulang {noun} sebagai "
            f"teks (format kolom Teks).",
        )
    if digits[:2] not in PROVINCE_CODES:
        raise NikError(
            NikProblem.UNKNOWN_PROVINCE,
            f"Dua digit pertama {noun} ({digits[:2]}) bukan kode provinsi di Indonesia.",
        )


def _stored_as_number(noun: str) -> str:
    return (
        f"{noun} terbaca sebagai angka, bukan teks. Excel hanya menyimpan 15 angka penting, "
        f"sehingga digit terakhir {noun} hilang. Ketik ulang {noun} sebagai teks (format kolom "
        f"Teks) sesuai dokumen aslinya."
    )


def birth_date_and_sex(digits: str, *, today: date) -> tuple[date, Sex]:
    """The birth date and sex written in a NIK's digits 7-12 (the rest is not looked at)."""
    day, month, short_year = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    sex = Sex.MALE
    if day > FEMALE_DAY_OFFSET:
        day -= FEMALE_DAY_OFFSET
        sex = Sex.FEMALE
    # The NIK has no century: read the two digits as the latest year not after this year
    # (yy <= today's yy gives 20yy, else 19yy). That is right for anyone under 100; a date later
    # in the current year is then a typing error rather than a 99-year-old registrant.
    century = 2000 if short_year <= today.year % 100 else 1900
    try:
        birth_date = date(century + short_year, month, day)
    except ValueError:
        raise NikError(
            NikProblem.INVALID_BIRTH_DATE,
            f"Bagian tanggal lahir NIK ({digits[6:8]}-{digits[8:10]}-{digits[10:12]}) bukan "
            f"tanggal yang ada. Hari lahir 01-31, atau 41-71 untuk perempuan; bulan 01-12.",
        ) from None
    if birth_date > today:
        raise NikError(
            NikProblem.BIRTH_DATE_IN_FUTURE,
            f"Tanggal lahir menurut NIK, {format_date(birth_date)}, "
            f"jatuh setelah hari ini ({format_date(today)}).",
        )
    return birth_date, sex


def _area_codes(digits: str) -> tuple[str, str, str]:
    """Province, regency and district codes, dotted like Kemendagri's: 33, 33.75, 33.75.01."""
    return digits[:2], f"{digits[:2]}.{digits[2:4]}", f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}"
