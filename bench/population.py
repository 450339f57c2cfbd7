"""The persons and members the benches build through the ORM (the large registries are
copied straight in by `registry_copy`)."""

from datetime import date, timedelta
from typing import Any


def bench_programme(**fields: Any) -> Any:
    """The bench's programme (code "bench", JKK and JKM, the city), over the seeded jobs."""
    from rentan.programmes.models import Programme
    from rentan.registry.models import Occupation
    from rentan.registry.reference import seed_occupations

    if not Occupation.objects.exists():
        seed_occupations(Occupation)
    return Programme.objects.create(
        code="bench", benefits=["JKK", "JKM"], region_id="33.75", **fields
    )


def bench_person(i: int, *, name: str, kelurahan_id: str, occupation: Any, **fields: Any) -> Any:
    """Person number i, unsaved: born on one of 9,000 days from 1960, men and women in turn,
    on one of 300 streets, with a NIK of their birth date and sex."""
    from rentan.registry.models import Person
    from rentan.registry.nik import Sex, compose_nik

    born = date(1960, 1, 1) + timedelta(days=i % 9000)
    sex = Sex.MALE if i % 2 else Sex.FEMALE
    return Person(
        nik=compose_nik(district_code="33.75.01", birth_date=born, sex=sex, serial=i // 9000 + 1),
        name=name,
        birth_place="Pekalongan",
        birth_date=born,
        sex=sex,
        street_address=f"Jl. Bench {i % 300}",
        kelurahan_id=kelurahan_id,
        occupation=occupation,
        **fields,
    )


def approve_memberships(cycle: Any, *, batch_size: int | None = None) -> None:
    """A membership, approved and asked to start with the cover, for every placement of the
    cycle: the state after an allocation and the membership step."""
    from rentan.enrollment.models import Membership
    from rentan.enrollment.states import MembershipStatus
    from rentan.programmes.models import Placement

    Membership.objects.bulk_create(
        (
            Membership(
                cycle=cycle,
                person_id=person,
                placement_id=placement,
                status=MembershipStatus.APPROVED,
                requested_start_on=cycle.coverage_start_on,
            )
            for placement, person in Placement.objects.filter(cycle=cycle).values_list(
                "id", "person_id"
            )
        ),
        batch_size=batch_size,
    )
