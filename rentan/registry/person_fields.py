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


PERSON_FIELDS: tuple[PersonFieldSpec, ...] = (
    PersonFieldSpec("nik", "nik", "nik", is_audited=False),
    PersonFieldSpec(
        "kk_number",
        "household_id",
        "kk_number",
        Stored.HOUSEHOLD,
        is_audited=False,
        is_fillable=True,
    ),
    PersonFieldSpec("name", "name", "name"),
    PersonFieldSpec("birth_place", "birth_place", "birth_place", is_fillable=True),
    PersonFieldSpec("birth_date", "birth_date", "birth_date"),
    PersonFieldSpec("sex", "sex", "sex"),
    PersonFieldSpec("street_address", "street_address", "street_address", is_fillable=True),
    PersonFieldSpec("rt", "rt", "rt", is_fillable=True),
    PersonFieldSpec("rw", "rw", "rw", is_fillable=True),
    PersonFieldSpec("kelurahan_code", "kelurahan_id", "kelurahan"),
    PersonFieldSpec("phone", "phone", "phone", is_fillable=True),
    PersonFieldSpec("occupation_code", "occupation_id", "occupation", Stored.OCCUPATION),
    PersonFieldSpec("monthly_income", "monthly_income", "monthly_income", is_fillable=True),
    PersonFieldSpec("dependents", "dependents", "dependents"),
    PersonFieldSpec("has_disability", "has_disability", "has_disability"),
    PersonFieldSpec("disability_note", "disability_note", "disability_note"),
    PersonFieldSpec("mother_name", "mother_name", "mother_name", is_fillable=True),
)

# The values as a draft or a staged row holds them, in declaration order.
DRAFT_NAMES: tuple[str, ...] = tuple(spec.name for spec in PERSON_FIELDS)
# Fields stored as they are.
AS_IS: tuple[PersonFieldSpec, ...] = tuple(s for s in PERSON_FIELDS if s.stored == Stored.AS_IS)
