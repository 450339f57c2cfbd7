"""Test data: users per role and persons whose NIK agrees with their birth date and sex."""

import itertools
from datetime import date

import factory

from rentan.accounts.models import Role, User
from rentan.registry.models import Occupation, Person
from rentan.registry.nik import Sex, compose_nik

TEST_PASSWORD = "uji-rahasia-123"  # noqa: S105 (the test users' password)
_serials = itertools.count(1)


def make_user(role: str, *, kelurahan_code: str | None = None, username: str = "") -> User:
    user = User.objects.create_user(
        username=username or role,
        password=TEST_PASSWORD,
        role=Role(role),
        first_name=Role(role).label.split()[0],
        kelurahan_id=kelurahan_code,
    )
    return user


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Pekerja Uji {n}")
    birth_date = date(1985, 1, 5)
    sex = Sex.MALE
    kelurahan_id = "33.75.01.1002"
    birth_place = "Pekalongan"
    occupation = factory.LazyFunction(lambda: Occupation.objects.get(code="pengayuh-becak"))
    nik = factory.LazyAttribute(
        lambda o: compose_nik(
            district_code=o.kelurahan_id[:8],
            birth_date=o.birth_date,
            sex=Sex(o.sex),
            serial=next(_serials),
        )
    )


# --- programmes and enrollment -------------------------------------------------------------


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programmes.Programme"
        django_get_or_create = ("code",)

    code = "jamsos-pekalongan"
    name = "Jaminan Sosial Pekerja Rentan Kota Pekalongan"
    sponsor = "Pemerintah Kota Pekalongan"
    legal_basis = "Perwal 19 B/2022"
    insurer_branch = "BPJS Ketenagakerjaan Cabang Pekalongan"
    benefits = factory.LazyFunction(lambda: ["JKK", "JKM"])
    region_id = "33.75"


class RateTableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programmes.RateTable"
        django_get_or_create = ("effective_on",)

    name = "Iuran BPU"
    regulation = "PP 44/2015"
    effective_on = date(2015, 7, 1)
    jkk_rate = factory.LazyFunction(lambda: __import__("decimal").Decimal("0.01"))
    minimum_declared_income = 1_000_000
    jkm_amount = 6_800


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programmes.Cycle"

    programme = factory.SubFactory(ProgrammeFactory)
    year = 2023
    target = 2_000
    budget_ceiling = 2_000 * 16_800 * 12
    coverage_start_on = date(2023, 1, 1)
    coverage_months = 12
    declared_income = 1_000_000
    status = "approved"
    decree_reference = "SK Wali Kota 400/001/2023"


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programmes.Placement"

    cycle = factory.SubFactory(CycleFactory)
    person = factory.SubFactory(PersonFactory)
    kind = "new"
    rank = factory.Sequence(lambda n: n + 1)
    score = 50
    kelurahan_id = factory.LazyAttribute(lambda o: o.person.kelurahan_id)


def make_approved_cycle(*, selected: int, waiting: int = 0, **cycle_fields: object) -> object:
    """An approved cycle as the allocation leaves it: `selected` new participants ranked
    first, then `waiting` people on the waiting list; the BPU rate table in force."""
    RateTableFactory()
    cycle = CycleFactory(**cycle_fields)
    for rank in range(1, selected + waiting + 1):
        PlacementFactory(cycle=cycle, rank=rank, kind="new" if rank <= selected else "waiting")
    return cycle
