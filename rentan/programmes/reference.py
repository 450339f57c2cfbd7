"""Dated figures a new installation starts with: the BPU premium rules and Kota Pekalongan's
UMK. They are rows, not constants: a later regulation or another kabupaten/kota adds rows."""

from datetime import date
from decimal import Decimal
from typing import Any

# PP 44/2015 (JKK and JKM), as amended by PP 82/2019: a BPU participant pays 1% of the
# declared monthly income for JKK, at least on Rp 1,000,000, and Rp 6,800 for JKM.
RATE_TABLES = [
    {
        "name": "Iuran BPU JKK + JKM",
        "regulation": "PP 44/2015 jo. PP 82/2019",
        "effective_on": date(2015, 7, 1),
        "jkk_rate": Decimal("0.0100"),
        "minimum_declared_income": 1_000_000,
        "jkm_amount": 6_800,
        "note": "JKK 1% dari penghasilan yang dilaporkan (paling rendah Rp 1.000.000); "
        "JKM Rp 6.800 per bulan.",
    }
]

# UMK Kota Pekalongan (Keputusan Gubernur Jawa Tengah each November for the next year).
_SECONDARY = "Keputusan Gubernur Jawa Tengah tentang UMK {year} (dikutip dari pemberitaan)"
_PRIMARY = "Keputusan Gubernur Jawa Tengah tentang UMK {year} (diperiksa pada naskah)"
MINIMUM_WAGES = {
    "33.75": [
        (2022, 2_156_000, _SECONDARY),
        (2023, 2_305_823, _SECONDARY),
        (2024, 2_389_801, _SECONDARY),
        (2025, 2_545_138, _PRIMARY),
        (2026, 2_700_926, _SECONDARY),
    ]
}


def seed_rates_and_wages(rate_model: Any, wage_model: Any, area_model: Any) -> None:
    """Idempotent: rows already there are left as they are."""
    for row in RATE_TABLES:
        rate_model.objects.get_or_create(
            effective_on=row["effective_on"],
            defaults={k: v for k, v in row.items() if k != "effective_on"},
        )
    for region_code, rows in MINIMUM_WAGES.items():
        if not area_model.objects.filter(code=region_code).exists():
            continue
        for year, amount, source in rows:
            wage_model.objects.get_or_create(
                region_id=region_code,
                year=year,
                defaults={"amount": amount, "source": source.format(year=year)},
            )
