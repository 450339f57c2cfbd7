"""Test data: users per role and persons whose NIK agrees with their birth date and sex."""

import itertools
from datetime import date

import factory

from rentan.accounts.models import Role, User
from rentan.registry.models import Occupation, Person
from rentan.registry.nik import Sex, compose_nik

TEST_PASSWORD = "uji-rahasia-123"
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
