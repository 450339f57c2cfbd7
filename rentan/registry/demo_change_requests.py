"""Demo step: the kelurahan operators have asked for a few changes to verified workers, as
they do after a visit: a new income and address, two different incomes for one worker (a
conflict for the verifikator), a move to another family card, a death. All wait in the
verifikator's queue ("Usulan perubahan")."""

from dataclasses import replace
from datetime import date, timedelta
from typing import Any, TextIO

from django.db import transaction

from rentan.accounts.models import Role, User
from rentan.registry.change_request_services import (
    ChangeRefused,
    draft_of,
    request_deactivation,
    save_person_changes,
)
from rentan.registry.models import ChangeRequest, DeactivationReason, Person
from rentan.registry.selectors import registry_context


def _verified_in(kelurahan_id: str, count: int) -> list[Person]:
    return list(
        Person.objects.active()
        .filter(kelurahan_id=kelurahan_id, verified_at__isnull=False)
        .select_related("household", "occupation")
        .order_by("pk")[:count]
    )


@transaction.atomic
def load(*, out: TextIO, today: date, **_: Any) -> None:
    if ChangeRequest.objects.exists():
        out.write("Usulan perubahan demo sudah ada.\n")
        return
    operators = list(
        User.objects.filter(role=Role.OPERATOR, kelurahan__isnull=False).order_by("username")
    )
    if not operators:
        return
    context = registry_context(today)
    made = 0
    for number, operator in enumerate(operators[:2]):
        persons = _verified_in(str(operator.kelurahan_id), 4)
        if len(persons) < 4:
            continue
        first, second, third, fourth = persons

        def ask(person: Person, actor: Any = operator, note: str = "", **changes: Any) -> None:
            nonlocal made
            fresh = Person.objects.select_related("household", "occupation").get(pk=person.pk)
            try:
                save_person_changes(
                    actor=actor,
                    person=fresh,
                    draft=replace(draft_of(fresh), **changes),
                    context=context,
                    note=note,
                )
            except ChangeRefused as refused:
                out.write(f"Usulan demo untuk {person.name} dilewati: {refused}\n")
            else:
                made += 1

        income = first.monthly_income or 1_000_000
        ask(
            first,
            note="Kunjungan rumah: sudah pindah dan penghasilan naik",
            monthly_income=income + 250_000,
            street_address=f"Jl. Pelita {number + 3} No. {first.pk % 40 + 1}",
        )
        # A second visit by another officer heard another figure: two requests disagree.
        ask(
            second,
            note="Menurut pengakuan di kelurahan",
            monthly_income=(second.monthly_income or 1_000_000) + 100_000,
        )
        ask(
            second,
            note="Menurut slip dari juragan",
            monthly_income=(second.monthly_income or 1_000_000) + 300_000,
            dependents=second.dependents + 1,
        )
        if third.household is not None and fourth.household is not None:
            # Joins the family card of a neighbour (married into it).
            ask(
                third,
                note="Menikah, masuk KK suami",
                kk_number=fourth.household.kk_number,
            )
        if number == 0:
            request_deactivation(
                actor=operator,
                person=fourth,
                reason=DeactivationReason.DIED,
                on=today - timedelta(days=12),
                note="Surat keterangan kematian dari kelurahan",
            )
            made += 1
    out.write(f"{made} usulan perubahan demo menunggu verifikator.\n")
