"""The job types a new installation starts with (rentan/registry/data/occupations.csv), and
the other names they go by in Kota Pekalongan (data/occupation_aliases.csv), which the admin
Dinas of any region edits to its own."""

import csv
from pathlib import Path
from typing import Any

from rentan.registry.job_names import name_key

OCCUPATIONS_CSV = Path(__file__).resolve().parent / "data" / "occupations.csv"
OCCUPATION_ALIASES_CSV = Path(__file__).resolve().parent / "data" / "occupation_aliases.csv"


def seed_occupations(occupation_model: Any) -> None:
    with OCCUPATIONS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            occupation_model.objects.get_or_create(
                code=row["code"],
                defaults={"name": row["name"], "description": row["description"]},
            )


def seed_occupation_aliases(occupation_model: Any, alias_model: Any) -> None:
    """Adds each listed name to its job type, when the job type exists and no job type
    already goes by that name (an installation may have changed its list)."""
    occupations = {o.code: o for o in occupation_model.objects.all()}
    taken = {name_key(o.name) for o in occupations.values()}
    taken |= set(alias_model.objects.values_list("key", flat=True))
    with OCCUPATION_ALIASES_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            occupation = occupations.get(row["code"])
            key = name_key(row["alias"])
            if occupation is None or key in taken:
                continue
            taken.add(key)
            alias_model.objects.create(occupation=occupation, name=row["alias"], key=key)
