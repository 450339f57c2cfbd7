"""Loads the Kemendagri area list shipped in rentan/regions/data into the Area table.

Used by the data migration (with the historical model) and by `rentan load_areas`.
Idempotent: areas already present keep their row.
"""

import csv
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
AREAS_CSV = DATA_DIR / "wilayah_kemendagri_2025.csv"
POPULATION_CSV = DATA_DIR / "penduduk_kemendagri_2025.csv"


def level_of(code: str) -> int:
    return code.count(".") + 1


def parent_of(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def read_population() -> dict[str, int]:
    with POPULATION_CSV.open(encoding="utf-8", newline="") as handle:
        return {row["kode"]: int(row["total"]) for row in csv.DictReader(handle)}


def read_areas(prefix: str | None = None) -> list[tuple[str, str]]:
    with AREAS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = [(row["kode"], row["nama"].strip()) for row in csv.DictReader(handle)]
    if prefix:
        wanted = {prefix, *[prefix[:i] for i in range(len(prefix)) if prefix[i] == "."]}
        rows = [(c, n) for c, n in rows if c in wanted or c.startswith(prefix + ".")]
    # Parents first, so every foreign key points at a row that exists.
    return sorted(rows, key=lambda row: (level_of(row[0]), row[0]))


def load_areas(area_model: Any, prefix: str | None = None) -> int:
    """Insert the areas (all, or those under `prefix` and its ancestors); returns rows read."""
    population = read_population()
    rows = read_areas(prefix)
    area_model.objects.bulk_create(
        [
            area_model(
                code=code,
                name=name,
                level=level_of(code),
                parent_id=parent_of(code),
                population=population.get(code),
            )
            for code, name in rows
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    return len(rows)
