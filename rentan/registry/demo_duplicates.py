"""Demo step: some workers entered a second time, by another operator, as happens in the
field; then the registry is searched so the Duplikat queue has pairs to resolve."""

import random
from datetime import date
from typing import Any, TextIO

from django.db import transaction

from rentan.registry.models import Person, PersonSource
from rentan.registry.services import detect_registry_duplicates

# One worker in 500 entered twice: 90 in the 45,000 of the demo, none in a tiny test set.
ONE_IN = 500
_SOURCE_DETAIL = "demo: entri kedua dari operator lain"
_SPELLINGS = {"Muhammad": "M.", "Mohammad": "Moh.", "Siti": "St.", "Moh.": "Mochammad"}


def _second_entry_name(rng: random.Random, name: str) -> str:
    words = name.split()
    if words[0] in _SPELLINGS:
        words[0] = _SPELLINGS[words[0]]
    elif rng.random() < 0.5:
        words.insert(0, "H." if rng.random() < 0.5 else "Hj.")
    text = " ".join(words)
    return text.upper() if rng.random() < 0.5 else text


def _mistyped_nik(rng: random.Random, nik: str, taken: set[str]) -> str:
    for _attempt in range(20):
        at = rng.randrange(12, 16)  # the serial, where slips are not caught by the date check
        digit = rng.choice([d for d in "123456789" if d != nik[at]])
        candidate = nik[:at] + digit + nik[at + 1 :]
        if candidate not in taken:
            return candidate
    return ""


@transaction.atomic
def load(*, out: TextIO, today: date, **_: Any) -> None:
    if Person.objects.filter(source_detail=_SOURCE_DETAIL).exists():
        out.write("Data ganda demo sudah ada.\n")
        return
    rng = random.Random(2026)
    originals = list(Person.objects.filter(is_active=True).order_by("pk"))
    wanted = len(originals) // ONE_IN
    if not wanted:
        return
    taken = set(Person.objects.values_list("nik", flat=True))
    created = 0
    for original in rng.sample(originals, wanted):
        nik = _mistyped_nik(rng, original.nik, taken)
        if not nik:
            continue
        taken.add(nik)
        Person.objects.create(
            nik=nik,
            name=_second_entry_name(rng, original.name),
            birth_place=original.birth_place,
            birth_date=original.birth_date,
            sex=original.sex,
            street_address=original.street_address if rng.random() < 0.5 else "",
            rt=original.rt,
            rw=original.rw,
            kelurahan_id=original.kelurahan_id,
            phone="",
            occupation_id=original.occupation_id,
            monthly_income=original.monthly_income,
            source=PersonSource.DEMO,
            source_detail=_SOURCE_DETAIL,
        )
        created += 1
    result = detect_registry_duplicates()
    out.write(f"{created} entri kedua dibuat; {result.created} pasangan masuk antrean Duplikat.\n")
