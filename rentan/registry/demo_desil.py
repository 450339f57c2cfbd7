"""Demo step: the DTSEN desil lists a Dinas would have received, through the real import
service: most families ranked in December 2025, a quarter of them ranked again in March 2026
(one desil up or down), and about one worker in seven with no desil known (not found in the
DTSEN, or moved in since). Informal workers sit mostly in the lower desils."""

import random
from datetime import date
from typing import Any, TextIO

from rentan.accounts.models import Role, User
from rentan.registry.desil import DesilRow
from rentan.registry.models import DesilImport, Person
from rentan.registry.services import import_desil_list

# Desil 1 to 10: most informal workers in the poorer half.
_WEIGHTS = (18, 17, 15, 13, 11, 9, 7, 5, 3, 2)
_KNOWN = 0.85
LISTS = ((date(2025, 12, 1), "DTSEN Desember 2025"), (date(2026, 3, 1), "DTSEN Maret 2026"))


def load(*, out: TextIO, today: date, **_: Any) -> None:
    if DesilImport.objects.exists():
        out.write("Daftar desil demo sudah ada.\n")
        return
    rng = random.Random(2025)
    actor = User.objects.filter(role=Role.ADMIN).order_by("id").first()
    families: dict[str, list[str]] = {}
    for nik, kk in (
        Person.objects.filter(is_active=True)
        .order_by("pk")
        .values_list("nik", "household__kk_number")
    ):
        families.setdefault(kk or f"nik:{nik}", []).append(nik)
    first: list[DesilRow] = []
    second: list[DesilRow] = []
    (first_on, first_source), (second_on, second_source) = LISTS
    for key, niks in families.items():
        if rng.random() >= _KNOWN:
            continue
        desil = rng.choices(range(1, 11), weights=_WEIGHTS)[0]
        # A family with its card in the registry is ranked by KK, as DTSEN ranks families.
        nik, kk = ("", key) if not key.startswith("nik:") else (niks[0], "")
        first.append(DesilRow(len(first) + 2, nik, kk, desil, first_on))
        if rng.random() < 0.25:
            moved = min(max(desil + rng.choice((-1, 1)), 1), 10)
            second.append(DesilRow(len(second) + 2, nik, kk, moved, second_on))
    for on, source, rows in ((first_on, first_source, first), (second_on, second_source, second)):
        if on > today or not rows:
            continue
        outcome = import_desil_list(
            actor=actor,
            rows=rows,
            issues=[],
            total_rows=len(rows),
            source=source,
            filename=f"{source.lower().replace(' ', '-')}.xlsx",
            checksum=f"demo-{on.isoformat()}",
        )
        out.write(f"{source}: {outcome.desil_import.summary['baru']} peringkat desil.\n")
