"""Change requests (usulan perubahan) on verified records: what a change asks for, what it
would change, and which pending requests on one record disagree.

A verified record's identity and targeting fields (`person_fields.NEEDS_REQUEST`) change
only when the verifikator approves; the rest stays directly editable. Values are kept as a
draft holds them, keyed by `person_fields` names, in JSON-friendly form (a date as its ISO
text), so a request stores them as they are and compares them without the ORM.

Pure: no ORM, request or settings.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from rentan.core.formatting import format_date, format_rupiah
from rentan.registry.nik import mask_nik
from rentan.registry.person_fields import BY_NAME, DRAFT_NAMES, NEEDS_REQUEST

# A deactivation touches the record as a whole: any other pending request on it disagrees.
WHOLE_RECORD = "is_active"
# Fields whose values are identity numbers: masked for those who may not see them whole.
NUMBER_FIELDS = frozenset({"nik", "kk_number"})
# Specific (sensitive) personal data under UU 27/2022: shown only to SEE_SENSITIVE.
SENSITIVE_FIELDS = frozenset({"has_disability", "disability_note"})


def plain_value(value: Any) -> Any:
    """A draft's value as a request stores it: dates as ISO text, parsed numbers as text."""
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def plain_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: plain_value(values[name]) for name in DRAFT_NAMES if name in values}


@dataclass(frozen=True)
class SplitChange:
    """An edit of a verified record, parted: what must wait for the verifikator (with the
    values it replaces) and what is saved at once."""

    before: dict[str, Any]  # the current values of the fields in `requested`
    requested: dict[str, Any]
    direct: dict[str, Any]

    @property
    def needs_request(self) -> bool:
        return bool(self.requested)


def split_change(
    current: Mapping[str, Any], wanted: Mapping[str, Any], *, is_verified: bool
) -> SplitChange:
    """Part an edit: on an unverified record everything is direct."""
    now, then = plain_values(current), plain_values(wanted)
    changed = [name for name in DRAFT_NAMES if name in then and then[name] != now.get(name)]
    if not is_verified:
        return SplitChange({}, {}, {name: then[name] for name in changed})
    requested = [name for name in changed if name in NEEDS_REQUEST]
    return SplitChange(
        before={name: now.get(name) for name in requested},
        requested={name: then[name] for name in requested},
        direct={name: then[name] for name in changed if name not in NEEDS_REQUEST},
    )


def conflicting_fields(first: Mapping[str, Any], second: Mapping[str, Any]) -> list[str]:
    """The fields two pending requests both change, to different values. A deactivation
    (`WHOLE_RECORD`) disagrees with every other request on the record."""
    if WHOLE_RECORD in first or WHOLE_RECORD in second:
        return [WHOLE_RECORD]
    return [
        name
        for name in DRAFT_NAMES
        if name in first and name in second and first[name] != second[name]
    ]


def overlapping_fields(first: Iterable[str], second: Iterable[str]) -> list[str]:
    """The fields two requests both touch, whatever the values: once one is applied, the
    other was made against values the record no longer has."""
    touched = set(second)
    if WHOLE_RECORD in touched or WHOLE_RECORD in set(first):
        return [WHOLE_RECORD]
    return [name for name in DRAFT_NAMES if name in set(first) and name in touched]


def changed_since(before: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """The fields whose value on the record is no longer the one the request was made
    against (a request on them is stale)."""
    now = plain_values(current)
    return [name for name in before if now.get(name) != before[name]]


@dataclass(frozen=True)
class DiffRow:
    name: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Shown:
    """How values are shown to one viewer: what they may see, and the names of codes."""

    may_see_nik: bool
    may_see_sensitive: bool
    occupation_name: Callable[[str], str]
    kelurahan_name: Callable[[str], str]
    sex_label: Callable[[str], str]
    hidden: str = "(tidak ditampilkan)"
    empty: str = "-"
    yes: str = "Ya"
    no: str = "Tidak"


def shown_value(name: str, value: Any, shown: Shown) -> str:
    if name in SENSITIVE_FIELDS and not shown.may_see_sensitive:
        return shown.hidden
    if value is None or value == "":
        return shown.empty
    if name in NUMBER_FIELDS:
        return str(value) if shown.may_see_nik else mask_nik(str(value))
    if name == "birth_date":
        return format_date(date.fromisoformat(str(value)))
    if name == "monthly_income":
        return format_rupiah(int(value))
    if name == "has_disability":
        return shown.yes if value else shown.no
    if name == "occupation_code":
        return shown.occupation_name(str(value))
    if name == "kelurahan_code":
        return shown.kelurahan_name(str(value))
    if name == "sex":
        return shown.sex_label(str(value))
    return str(value)


def diff_rows(
    before: Mapping[str, Any], proposed: Mapping[str, Any], shown: Shown
) -> list[DiffRow]:
    """Old -> new for each field a request changes, in the order of the person's fields,
    labelled in Indonesian."""
    return [
        DiffRow(
            name=name,
            label=str(BY_NAME[name].label),
            before=shown_value(name, before.get(name), shown),
            after=shown_value(name, proposed[name], shown),
        )
        for name in DRAFT_NAMES
        if name in proposed
    ]
