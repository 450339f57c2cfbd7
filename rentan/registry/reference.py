"""The job types a new installation starts with (rentan/registry/data/occupations.csv)."""

import csv
from pathlib import Path
from typing import Any

OCCUPATIONS_CSV = Path(__file__).resolve().parent / "data" / "occupations.csv"


def seed_occupations(occupation_model: Any) -> None:
    with OCCUPATIONS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            occupation_model.objects.get_or_create(
                code=row["code"],
                defaults={"name": row["name"], "description": row["description"]},
            )
