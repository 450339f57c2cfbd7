"""What "Verifikasi" checks before the Dinas vouches for a person's record.

Pure: the record's values in, one outcome per check out. The page shows every check (passed
or not) before the verifikator decides, the service refuses while one fails, and the audit
event keeps the list of checks that passed.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from rentan.registry.nik import NikError, check_nik_against_person, parse_nik


class VerificationCheck(TextChoices):
    NIK_VALID = "nik_valid", _("NIK sah: 16 digit, cocok dengan tanggal lahir dan jenis kelamin")
    REQUIRED_FIELDS = (
        "required_fields",
        _("Data wajib lengkap: nama, tanggal lahir, jenis kelamin, kelurahan, jenis pekerjaan"),
    )
    NO_OPEN_DUPLICATE = (
        "no_open_duplicate",
        _("Tidak ada kemungkinan data ganda yang menunggu keputusan di Duplikat"),
    )


@dataclass(frozen=True)
class PersonFacts:
    nik: str
    name: str
    birth_date: date | None
    sex: str
    kelurahan_code: str
    occupation_code: str
    open_duplicate_pairs: int


@dataclass(frozen=True)
class CheckOutcome:
    check: VerificationCheck
    is_passed: bool
    detail: str = ""  # why it failed, in Indonesian


def check_for_verification(facts: PersonFacts, *, today: date) -> list[CheckOutcome]:
    """Every check, in the order the page lists them."""
    return [
        _nik_outcome(facts, today=today),
        _required_outcome(facts),
        CheckOutcome(
            VerificationCheck.NO_OPEN_DUPLICATE,
            facts.open_duplicate_pairs == 0,
            f"{facts.open_duplicate_pairs} pasangan menunggu keputusan"
            if facts.open_duplicate_pairs
            else "",
        ),
    ]


def _nik_outcome(facts: PersonFacts, *, today: date) -> CheckOutcome:
    try:
        parsed = parse_nik(facts.nik, today=today)
    except NikError as error:
        return CheckOutcome(VerificationCheck.NIK_VALID, False, str(error))
    # The kecamatan code is only ever a warning (codes are retired), so it is not asked.
    errors = [
        f"{finding.problem.label}: {finding.detail}"
        for finding in check_nik_against_person(
            parsed, birth_date=facts.birth_date, sex=facts.sex or None, district_name=_any_name
        )
        if not finding.is_warning
    ]
    return CheckOutcome(VerificationCheck.NIK_VALID, not errors, "; ".join(errors))


def _any_name(code: str) -> str:
    return code


def _required_outcome(facts: PersonFacts) -> CheckOutcome:
    missing = [
        label
        for label, value in (
            ("nama", facts.name.strip()),
            ("tanggal lahir", facts.birth_date),
            ("jenis kelamin", facts.sex),
            ("kelurahan", facts.kelurahan_code),
            ("jenis pekerjaan", facts.occupation_code),
        )
        if not value
    ]
    return CheckOutcome(
        VerificationCheck.REQUIRED_FIELDS,
        not missing,
        "belum diisi: " + ", ".join(missing) if missing else "",
    )
