"""JKK and JKM benefits: who was covered on the day, what the family receives, what to bring.

The amounts are dated data (BenefitRate, seeded from PP 44/2015 as amended by PP 82/2019):
JKM Rp 42,000,000 (lump sum, periodic paid at once, funeral); JKK death 48x the declared
income plus the funeral amount; permanent total disability up to 56x; temporary incapacity
100% of the declared income for the first 12 months; medical care without a ceiling.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class BenefitRule:
    claim_kind: str
    effective_on: date
    fixed_amount: int
    income_multiple: int
    is_ceiling: bool = False


def benefit_rule_in_force(
    rules: Sequence[BenefitRule], *, claim_kind: str, on: date
) -> BenefitRule | None:
    in_force = [r for r in rules if r.claim_kind == claim_kind and r.effective_on <= on]
    return max(in_force, key=lambda r: r.effective_on) if in_force else None


def estimated_benefit(rule: BenefitRule | None, *, declared_income: int) -> int | None:
    """The benefit the rule gives (or its ceiling); None where the cost decides (medical)."""
    if rule is None:
        return None
    amount = rule.fixed_amount + rule.income_multiple * declared_income
    return amount or None


def was_covered_on(*, start_on: date | None, ended_on: date | None, event_on: date) -> bool:
    """Death or an accident must happen while the membership is active."""
    if start_on is None or event_on < start_on:
        return False
    return ended_on is None or event_on <= ended_on


# What the family or the member takes to the branch (BPJS Ketenagakerjaan's usual lists).
_COMMON = ("Kartu peserta BPJS Ketenagakerjaan (nomor KPJ)", "KTP dan Kartu Keluarga")
DOCUMENTS: dict[str, tuple[str, ...]] = {
    "jkm_death": (
        *_COMMON,
        "Akta kematian atau surat keterangan kematian dari kelurahan",
        "KTP dan KK ahli waris",
        "Surat keterangan ahli waris dari kelurahan/kecamatan",
        "Buku tabungan ahli waris",
    ),
    "jkk_medical": (
        *_COMMON,
        "Laporan kecelakaan kerja tahap I (paling lambat 2 x 24 jam)",
        "Kronologi kejadian dan keterangan saksi",
        "Surat keterangan dokter dan kuitansi perawatan",
    ),
    "jkk_temporary": (
        *_COMMON,
        "Laporan kecelakaan kerja tahap I dan II",
        "Surat keterangan dokter tentang lama tidak mampu bekerja",
        "Buku tabungan peserta",
    ),
    "jkk_disability": (
        *_COMMON,
        "Laporan kecelakaan kerja tahap I dan II",
        "Surat keterangan dokter penasihat tentang cacat tetap",
        "Buku tabungan peserta",
    ),
    "jkk_death": (
        *_COMMON,
        "Laporan kecelakaan kerja tahap I dan II",
        "Akta kematian dan kronologi kejadian",
        "KTP dan KK ahli waris, surat keterangan ahli waris",
        "Buku tabungan ahli waris",
    ),
}

DEATH_KINDS = frozenset({"jkm_death", "jkk_death"})


def documents_for(claim_kind: str) -> tuple[str, ...]:
    return DOCUMENTS.get(claim_kind, _COMMON)


def benefit_of(claim_kind: str) -> str:
    return "JKM" if claim_kind.startswith("jkm") else "JKK"
