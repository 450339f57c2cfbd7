"""The DTSEN desil of a person: the welfare decile (1 = the poorest tenth) BPS ranks every
family into (Inpres 4/2025), received as a list by NIK or KK with the date of the ranking.

Pure: what a list's row says (`DesilRow`), what went wrong with a row (`DesilProblem`), and
which of two rankings is in force (`is_newer`). The file is read by `imports.desil_file`,
stored by `registry.services.import_desil_list`.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

LOWEST_DESIL = 1
HIGHEST_DESIL = 10


class DesilProblem(TextChoices):
    BAD_NIK = "bad_nik", _("NIK tidak sah")
    BAD_KK = "bad_kk", _("Nomor KK tidak sah")
    NIK_AS_NUMBER = "nik_as_number", _("NIK/KK tersimpan sebagai angka")
    NO_IDENTITY = "no_identity", _("NIK dan nomor KK kosong")
    BAD_DESIL = "bad_desil", _("Desil bukan 1 sampai 10")
    BAD_DATE = "bad_date", _("Tanggal pemeringkatan tidak terbaca")
    REPEATED = "repeated", _("NIK/KK sudah ada di baris lain berkas ini")
    UNKNOWN_NIK = "unknown_nik", _("NIK tidak ada di registri")
    UNKNOWN_KK = "unknown_kk", _("Nomor KK tidak ada di registri")
    CONTROL_CHARACTER = "control_character", _("Sel berisi karakter kendali")


@dataclass(frozen=True, slots=True)
class DesilRow:
    """One row of a desil list, read: a NIK or (when no NIK) a KK, its desil, its date."""

    row: int  # as Excel shows it
    nik: str  # "" when the row names a family
    kk_number: str  # "" when the row names a person
    desil: int
    ranked_on: date


@dataclass(frozen=True, slots=True)
class RowIssue:
    row: int
    problem: DesilProblem
    message: str  # "Baris 7, kolom Desil: …", in Indonesian


def is_newer(ranked_on: date, than: date | None) -> bool:
    """Whether a ranking of `ranked_on` takes the place of one of `than` as the latest: an
    older list received late never replaces a newer one."""
    return than is None or ranked_on > than


def describe(desil: int, source: str) -> str:
    """``desil 2 per DTSEN Maret 2026``, as explanations say it."""
    return f"desil {desil} per {source}" if source else f"desil {desil}"
