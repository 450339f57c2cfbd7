"""Checks a person's record before it is stored, the same way for the form and the import.

Pure: values in, cleaned values and field problems out. Every problem names the field and
carries an enum member, so callers and tests do not depend on the wording. A value longer
than its column is an error of its record (`TOO_LONG`), never cut to fit.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from rentan.registry.nik import (
    NikError,
    NikProblem,
    Sex,
    check_nik_against_person,
    parse_kk,
    parse_nik,
)
from rentan.registry.phone import PhoneError, normalise_optional_phone


class PersonField(StrEnum):
    NIK = "nik"
    KK_NUMBER = "kk_number"
    NAME = "name"
    BIRTH_PLACE = "birth_place"
    BIRTH_DATE = "birth_date"
    SEX = "sex"
    STREET_ADDRESS = "street_address"
    RT = "rt"
    RW = "rw"
    KELURAHAN = "kelurahan"
    PHONE = "phone"
    OCCUPATION = "occupation"
    MONTHLY_INCOME = "monthly_income"
    DEPENDENTS = "dependents"
    DISABILITY_NOTE = "disability_note"
    MOTHER_NAME = "mother_name"


class RecordProblem(TextChoices):
    NAME_MISSING = "name_missing", _("Nama wajib diisi")
    NAME_HAS_DIGITS = "name_has_digits", _("Nama tidak boleh berisi angka")
    BIRTH_DATE_MISSING = "birth_date_missing", _("Tanggal lahir wajib diisi")
    SEX_MISSING = "sex_missing", _("Jenis kelamin wajib diisi (L atau P)")
    KELURAHAN_MISSING = "kelurahan_missing", _("Kelurahan wajib diisi")
    KELURAHAN_OUTSIDE_REGION = "kelurahan_outside", _("Kelurahan tidak ada di wilayah program")
    OCCUPATION_MISSING = "occupation_missing", _("Jenis pekerjaan wajib diisi")
    OCCUPATION_UNKNOWN = "occupation_unknown", _("Jenis pekerjaan tidak dikenal")
    RT_RW_INVALID = "rt_rw_invalid", _("RT/RW harus angka 1 sampai 3 digit")
    INCOME_NEGATIVE = "income_negative", _("Penghasilan tidak boleh negatif")
    DEPENDENTS_INVALID = "dependents_invalid", _("Jumlah tanggungan harus 0 sampai 20")
    NIK_ALREADY_REGISTERED = "nik_taken", _("NIK ini sudah terdaftar atas nama orang lain")
    # What an operator learns of a NIK or KK held outside their kelurahan: that much, and
    # whom to ask; never the name or the place.
    NIK_ELSEWHERE = "nik_elsewhere", _("NIK ini terdaftar di kelurahan lain — hubungi Dinas")
    KK_ELSEWHERE = "kk_elsewhere", _("KK terdaftar di kelurahan lain — hubungi Dinas")
    TOO_LONG = "too_long", _("Isian terlalu panjang")
    MOTHER_NAME_HAS_DIGITS = "mother_name_digits", _("Nama ibu kandung tidak boleh berisi angka")


# The registry's column sizes (registry.models.Person): a longer value is refused, never cut.
MAX_LENGTHS = {
    "name": 150,
    "birth_place": 100,
    "street_address": 200,
    "disability_note": 200,
    "mother_name": 150,
}
_LENGTH_FIELDS = (
    (PersonField.NAME, "name"),
    (PersonField.MOTHER_NAME, "mother_name"),
    (PersonField.BIRTH_PLACE, "birth_place"),
    (PersonField.STREET_ADDRESS, "street_address"),
    (PersonField.DISABILITY_NOTE, "disability_note"),
)


@dataclass(frozen=True)
class FieldIssue:
    field: PersonField
    problem: TextChoices
    message: str
    is_warning: bool = False


@dataclass
class PersonDraft:
    """What someone typed or a spreadsheet row said, before checking (its fields are
    those of registry.person_fields; a value not given is empty)."""

    nik: object = ""
    name: str = ""
    birth_date: date | None = None
    sex: str = ""
    kelurahan_code: str = ""
    occupation_code: str = ""
    kk_number: object = ""
    birth_place: str = ""
    street_address: str = ""
    rt: str = ""
    rw: str = ""
    phone: object = ""
    monthly_income: int | None = None
    dependents: int = 0
    has_disability: bool = False
    disability_note: str = ""
    mother_name: str = ""


@dataclass(frozen=True)
class RegistryContext:
    """What the checks need to know about the world, passed in so they stay pure."""

    today: date
    district_name: Callable[[str], str | None]
    kelurahan_codes: frozenset[str]
    occupation_codes: frozenset[str]


@dataclass
class CheckedPerson:
    draft: PersonDraft
    issues: list[FieldIssue] = field(default_factory=list)

    @property
    def errors(self) -> list[FieldIssue]:
        return [issue for issue in self.issues if not issue.is_warning]

    @property
    def warnings(self) -> list[FieldIssue]:
        return [issue for issue in self.issues if issue.is_warning]

    @property
    def is_valid(self) -> bool:
        return not self.errors


SEXES = frozenset(Sex.values)
_TITLES = re.compile(r"^(?:(?:h|hj|dr|drs|ir|prof)\.?\s+)+", re.IGNORECASE)
_PARTICLES = {"bin", "binti", "bt", "bn"}


def tidy_name(raw: str) -> str:
    """Collapse spaces; a name typed all in capitals or small letters gets capitalised words."""
    name = " ".join(str(raw or "").split())
    if name.isupper() or name.islower():
        words = [w.lower() if w.lower() in _PARTICLES else w.capitalize() for w in name.split()]
        name = " ".join(words)
    return name


def _issue(
    field_name: PersonField, problem: TextChoices, detail: str = "", *, warning: bool = False
) -> FieldIssue:
    message = str(problem.label)
    if detail:
        message = f"{message}: {detail}"
    return FieldIssue(field_name, problem, message, warning)


def check_person(
    draft: PersonDraft,
    context: RegistryContext,
    *,
    nik_column_has_numbers: bool = False,
    kk_column_has_numbers: bool | None = None,
) -> CheckedPerson:
    """Clean the draft in place (NIK, KK, name, phone) and list every problem found.

    ``kk_column_has_numbers`` defaults to ``nik_column_has_numbers`` (a form has no columns);
    an import passes what it saw in the KK column itself.
    """
    if kk_column_has_numbers is None:
        kk_column_has_numbers = nik_column_has_numbers
    issues: list[FieldIssue] = []

    draft.name = tidy_name(draft.name)
    if not draft.name:
        issues.append(_issue(PersonField.NAME, RecordProblem.NAME_MISSING))
    elif any(ch.isdigit() for ch in draft.name):
        issues.append(_issue(PersonField.NAME, RecordProblem.NAME_HAS_DIGITS, draft.name))
    # The mother's maiden name is required by BPJS Ketenagakerjaan to register a worker, not
    # by the registry to hold one: a worker is taken without it (kelurahan files often lack
    # it), and the registration export warns about members still without it and leaves
    # them out of the file (enrollment.bpjs_files.registration.missing_for_registration).
    draft.mother_name = tidy_name(draft.mother_name)
    if any(ch.isdigit() for ch in draft.mother_name):
        issues.append(
            _issue(PersonField.MOTHER_NAME, RecordProblem.MOTHER_NAME_HAS_DIGITS, draft.mother_name)
        )
    draft.birth_place = " ".join(str(draft.birth_place or "").split()).title()
    draft.street_address = " ".join(str(draft.street_address or "").split())

    if draft.birth_date is None:
        issues.append(_issue(PersonField.BIRTH_DATE, RecordProblem.BIRTH_DATE_MISSING))
    draft.sex = str(draft.sex or "").strip().upper()[:1]
    if draft.sex not in SEXES:
        issues.append(_issue(PersonField.SEX, RecordProblem.SEX_MISSING))

    try:
        parsed = parse_nik(
            draft.nik, today=context.today, column_has_numbers=nik_column_has_numbers
        )
    except NikError as error:
        issues.append(FieldIssue(PersonField.NIK, error.problem, str(error)))
    else:
        draft.nik = parsed.nik
        for finding in check_nik_against_person(
            parsed,
            birth_date=draft.birth_date,
            sex=draft.sex or None,
            district_name=context.district_name,
        ):
            target = {
                NikProblem.BIRTH_DATE_MISMATCH: PersonField.BIRTH_DATE,
                NikProblem.SEX_MISMATCH: PersonField.SEX,
            }.get(finding.problem, PersonField.NIK)
            message = f"{finding.problem.label}: {finding.detail}" if finding.detail else ""
            issues.append(
                FieldIssue(
                    target,
                    finding.problem,
                    message or str(finding.problem.label),
                    finding.is_warning,
                )
            )

    if draft.kk_number not in (None, ""):
        try:
            draft.kk_number = parse_kk(
                draft.kk_number, column_has_numbers=kk_column_has_numbers
            ).number
        except NikError as error:
            issues.append(FieldIssue(PersonField.KK_NUMBER, error.problem, str(error)))
    else:
        draft.kk_number = ""

    if not draft.kelurahan_code:
        issues.append(_issue(PersonField.KELURAHAN, RecordProblem.KELURAHAN_MISSING))
    elif draft.kelurahan_code not in context.kelurahan_codes:
        issues.append(
            _issue(
                PersonField.KELURAHAN,
                RecordProblem.KELURAHAN_OUTSIDE_REGION,
                draft.kelurahan_code,
            )
        )
    if not draft.occupation_code:
        issues.append(_issue(PersonField.OCCUPATION, RecordProblem.OCCUPATION_MISSING))
    elif draft.occupation_code not in context.occupation_codes:
        issues.append(
            _issue(PersonField.OCCUPATION, RecordProblem.OCCUPATION_UNKNOWN, draft.occupation_code)
        )

    for field_name in (PersonField.RT, PersonField.RW):
        value = str(getattr(draft, field_name.value) or "").strip()
        if value and not (value.isdigit() and len(value) <= 3):
            issues.append(_issue(field_name, RecordProblem.RT_RW_INVALID, value))
        else:
            setattr(draft, field_name.value, value.zfill(3) if value else "")

    try:
        draft.phone = normalise_optional_phone(draft.phone)
    except PhoneError as error:
        issues.append(FieldIssue(PersonField.PHONE, error.problem, str(error)))

    if draft.monthly_income is not None and draft.monthly_income < 0:
        issues.append(_issue(PersonField.MONTHLY_INCOME, RecordProblem.INCOME_NEGATIVE))
    if not 0 <= draft.dependents <= 20:
        issues.append(_issue(PersonField.DEPENDENTS, RecordProblem.DEPENDENTS_INVALID))
    if not draft.has_disability:
        draft.disability_note = ""
    for field_name, attribute in _LENGTH_FIELDS:
        length = len(str(getattr(draft, attribute) or ""))
        if length > MAX_LENGTHS[attribute]:
            issues.append(
                _issue(
                    field_name,
                    RecordProblem.TOO_LONG,
                    f"{length} karakter; batas {MAX_LENGTHS[attribute]}",
                )
            )

    return CheckedPerson(draft, issues)
