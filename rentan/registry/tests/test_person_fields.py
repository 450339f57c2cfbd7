"""A person's fields are declared once (`person_fields`): every place that carries a whole
record holds exactly those fields, and the bulk service stores them all."""

import dataclasses
from datetime import UTC, date, datetime

import pytest

from rentan.core.models import AuditAction, AuditEvent
from rentan.regions.models import Area
from rentan.registry import services
from rentan.registry.demo import DemoPerson
from rentan.registry.models import Household, Person, PersonSource
from rentan.registry.person_fields import DRAFT_NAMES, PERSON_FIELDS
from rentan.registry.validation import PersonDraft


def test_the_draft_and_the_demo_person_hold_exactly_the_declared_fields():
    assert {f.name for f in dataclasses.fields(PersonDraft)} == set(DRAFT_NAMES)
    assert {f.name for f in dataclasses.fields(DemoPerson)} - {"is_verified"} == set(DRAFT_NAMES)


def test_every_declared_field_has_its_person_column():
    person_columns = {field.attname for field in Person._meta.concrete_fields}
    assert {spec.column for spec in PERSON_FIELDS} <= person_columns


def _demo_person(nik: str, kk_number: str, **overrides: object) -> DemoPerson:
    values: dict[str, object] = {
        "nik": nik,
        "kk_number": kk_number,
        "name": "Siti Aminah",
        "birth_place": "Pekalongan",
        "birth_date": date(1985, 1, 5),
        "sex": "P",
        "street_address": "Gg. Melati 3",
        "rt": "4",
        "rw": "1",
        "kelurahan_code": "33.75.01.1002",
        "phone": "081234567802",
        "occupation_code": "pedagang-keliling",
        "monthly_income": 1_500_000,
        "dependents": 2,
        "has_disability": True,
        "disability_note": "tuna rungu",
        "is_verified": False,
    }
    values.update(overrides)
    return DemoPerson(**values)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_bulk_registration_stores_every_field_the_households_and_one_audit_event():
    existing = Household.objects.create(kk_number="3375011203100005")
    people = [
        _demo_person("3375014501850001", "3375011203100005"),
        _demo_person("3375011403750001", "3375011203100006", sex="L", is_verified=True),
    ]
    region = Area.objects.get(code="33.75")
    moment = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)

    created = services.register_persons_in_bulk(
        actor=None,
        people=people,
        source=PersonSource.DEMO,
        source_detail="demo_data --seed 1",
        target=region,
        changes={"pekerja": 2},
        note="Data demo",
        verified_at=lambda p: moment if p.is_verified else None,
    )

    assert created == 2
    siti = Person.objects.get(nik="3375014501850001")
    assert siti.household == existing
    assert siti.occupation.code == "pedagang-keliling"
    for spec in PERSON_FIELDS:
        if spec.name not in ("kk_number", "occupation_code"):
            assert getattr(siti, spec.column) == getattr(people[0], spec.name), spec.name
    slamet = Person.objects.get(nik="3375011403750001")
    assert slamet.household.kk_number == "3375011203100006"
    assert (siti.verified_at, slamet.verified_at) == (None, moment)
    assert siti.source == PersonSource.DEMO
    assert siti.source_detail == "demo_data --seed 1"
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.PERSONS_LOADED
    assert event.changes == {"before": {}, "after": {"pekerja": 2}}
    assert event.target_id == str(region.pk)
