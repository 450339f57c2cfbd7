from datetime import date

import pytest
from django.core.management import call_command

from rentan.accounts.models import Role, User
from rentan.registry.demo import JobShare, Village, generate_people
from rentan.registry.models import Person
from rentan.registry.nik import parse_nik

VILLAGES = [Village("33.75.01.1002", 10), Village("33.75.04.1010", 30)]
JOBS = [JobShare("pengayuh-becak", 1, men_only=True), JobShare("buruh-batik", 3)]
TODAY = date(2026, 11, 25)


def people(seed: int = 7) -> list:
    return list(generate_people(villages=VILLAGES, jobs=JOBS, total=400, today=TODAY, seed=seed))


def test_same_seed_gives_same_people():
    assert people() == people()
    assert people() != people(seed=8)


def test_niks_agree_with_birth_date_and_sex_and_are_unique():
    generated = people()
    assert len({p.nik for p in generated}) == len(generated)
    for person in generated:
        parsed = parse_nik(person.nik, today=TODAY)
        assert parsed.birth_date == person.birth_date
        assert parsed.sex == person.sex


def test_spread_follows_weights_and_households_share_kk():
    generated = people()
    in_sokoduwet = sum(p.kelurahan_code == "33.75.04.1010" for p in generated)
    assert in_sokoduwet == 300
    by_kk: dict[str, set[str]] = {}
    for person in generated:
        by_kk.setdefault(person.kk_number, set()).add(person.kelurahan_code)
    assert any(len([p for p in generated if p.kk_number == kk]) > 1 for kk in by_kk)
    assert all(len(villages) == 1 for villages in by_kk.values())
    assert all(p.sex == "L" for p in generated if p.occupation_code == "pengayuh-becak")


@pytest.mark.django_db
def test_demo_data_command_loads_people_and_one_user_per_role(capsys):
    call_command("demo_data", persons=300)
    assert Person.objects.count() == 300
    assert Person.objects.values("kelurahan").distinct().count() == 27
    assert {u.role for u in User.objects.all()} == set(Role.values)
    out = capsys.readouterr().out
    assert "rentan-demo" in out
    assert "operator" in out
    call_command("demo_data", persons=300)
    assert Person.objects.count() == 300
