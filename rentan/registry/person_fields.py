"""A person's fields, declared once.

Everything that carries a whole person record from one place to another derives its list
of fields from `PERSON_FIELDS`: the person form (what it reads into a `PersonDraft`, what it
shows of a stored person), the import's staging table and its commit into the registry, the
registry's services (what they copy from a draft, what the audit trail records, what a
merge may fill) and the demo. Adding a field is one entry here, the attribute on
`validation.PersonDraft` and `demo.DemoPerson`, the model fields (`Person`, `StagedRow`) with
their migration, and the form field that asks for it.

Pure: no ORM, request or settings.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Stored(StrEnum):
    """How a draft's value reaches its column."""

    AS_IS = "as_is"  # the value itself (a code is stored as the key it names)
    HOUSEHOLD = "household"  # a KK number: the id of its Household, made when new
    OCCUPATION = "occupation"  # a job-type code: the id of its Occupation


@dataclass(frozen=True)
class PersonFieldSpec:
    # The name of the value on a PersonDraft, a staged import row and a demo person.
    name: str
    # The Person column it is stored in.
    column: str
    # The PersonForm field that asks for it.
    form_field: str
    stored: Stored = Stored.AS_IS
    # Whether the audit trail records its old and new values as they are (the NIK and the
    # KK number are recorded masked: the trail says they changed without spreading them).
    is_audited: bool = True
    # Whether a merge may fill it on the kept record when that record has none.
    is_fillable: bool = False
    # Whether, once the record is verified, a change waits for the verifikator as a change
    # request (usulan perubahan): identity and what targeting reads. The rest (a phone
    # number, the birth place) stays directly editable.
    needs_request: bool = False
    # What the field is called where a change to it is shown (the diff of a request).
    label: str | Promise = ""


PERSON_FIELDS: tuple[PersonFieldSpec, ...] = (
    PersonFieldSpec("nik", "nik", "nik", is_audited=False, needs_request=True, label=_("NIK")),
    PersonFieldSpec(
        "kk_number",
        "household_id",
        "kk_number",
        Stored.HOUSEHOLD,
        is_audited=False,
        is_fillable=True,
        needs_request=True,
        label=_("Nomor KK"),
    ),
    PersonFieldSpec("name", "name", "name", needs_request=True, label=_("Nama lengkap")),
    PersonFieldSpec(
        "birth_place", "birth_place", "birth_place", is_fillable=True, label=_("Tempat lahir")
    ),
    PersonFieldSpec(
        "birth_date", "birth_date", "birth_date", needs_request=True, label=_("Tanggal lahir")
    ),
    PersonFieldSpec("sex", "sex", "sex", needs_request=True, label=_("Jenis kelamin")),
    PersonFieldSpec(
        "street_address",
        "street_address",
        "street_address",
        is_fillable=True,
        needs_request=True,
        label=_("Alamat"),
    ),
    PersonFieldSpec("rt", "rt", "rt", is_fillable=True, needs_request=True, label=_("RT")),
    PersonFieldSpec("rw", "rw", "rw", is_fillable=True, needs_request=True, label=_("RW")),
    PersonFieldSpec(
        "kelurahan_code", "kelurahan_id", "kelurahan", needs_request=True, label=_("Kelurahan")
    ),
    PersonFieldSpec("phone", "phone", "phone", is_fillable=True, label=_("Nomor HP")),
    PersonFieldSpec(
        "occupation_code",
        "occupation_id",
        "occupation",
        Stored.OCCUPATION,
        needs_request=True,
        label=_("Jenis pekerjaan"),
    ),
    PersonFieldSpec(
        "monthly_income",
        "monthly_income",
        "monthly_income",
        is_fillable=True,
        needs_request=True,
        label=_("Penghasilan per bulan"),
    ),
    PersonFieldSpec(
        "dependents", "dependents", "dependents", needs_request=True, label=_("Jumlah tanggungan")
    ),
    PersonFieldSpec(
        "has_disability",
        "has_disability",
        "has_disability",
        needs_request=True,
        label=_("Penyandang disabilitas"),
    ),
    PersonFieldSpec(
        "disability_note",
        "disability_note",
        "disability_note",
        needs_request=True,
        label=_("Keterangan disabilitas"),
    ),
    PersonFieldSpec(
        "mother_name",
        "mother_name",
        "mother_name",
        is_fillable=True,
        needs_request=True,
        label=_("Nama ibu kandung"),
    ),
)

# The values as a draft or a staged row holds them, in declaration order.
DRAFT_NAMES: tuple[str, ...] = tuple(spec.name for spec in PERSON_FIELDS)
# Fields stored as they are.
AS_IS: tuple[PersonFieldSpec, ...] = tuple(s for s in PERSON_FIELDS if s.stored == Stored.AS_IS)
# Fields whose change to a verified record waits for the verifikator (registry.change_requests).
NEEDS_REQUEST: frozenset[str] = frozenset(s.name for s in PERSON_FIELDS if s.needs_request)
BY_NAME: dict[str, PersonFieldSpec] = {spec.name: spec for spec in PERSON_FIELDS}
