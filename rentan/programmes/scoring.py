"""The vulnerability score: a sum of plainly stated parts, with weights that are data.

Each factor is a yes/no fact about the person (or a count, for dependents) times the
programme's weight (``Programme.score_weights``), so every score can be read back as its
parts: "penghasilan di bawah UMK 30 + 3 tanggungan x 5 = 15 + ... = 65". Points are kept in
hundredths (integers) so that sums and ties are exact.

Definitions, from the data the registry has:
- low income: a known monthly income below the UMK of the kabupaten/kota in the year the
  cover starts (UMK is only a yardstick here; the income declared to BPJS is separate);
- dependents: the registered number of dependents, counted up to a cap;
- elderly: 60 years or older at the start of cover (UU 13/1998 calls 60+ lanjut usia);
- woman head of household: a woman on a KK on which no man is registered in the registry
  (the KK itself does not say who heads it; a woman without a registered KK does not count);
- job risk: a risk level per job type (0-3), set by the programme, times the weight;
- no other protection: the NIK is on none of the imported lists (PKH, BPNT, or BPJS
  Ketenagakerjaan through another payer);
- low desil: each DTSEN desil below the programme's threshold (the latest desil ranked by
  the cycle's cut-off; none known counts nothing), times the weight.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from rentan.core.formatting import format_rupiah
from rentan.programmes.eligibility import Candidate, age_on
from rentan.registry.desil import describe as describe_desil

ELDERLY_AGE = 60
MAX_RISK_LEVEL = 3


class Factor(TextChoices):
    LOW_INCOME = "low_income", _("Penghasilan di bawah UMK")
    DEPENDENTS = "dependents", _("Jumlah tanggungan")
    DISABILITY = "disability", _("Penyandang disabilitas")
    ELDERLY = "elderly", _("Usia 60 tahun atau lebih")
    WOMAN_HEAD = "woman_head", _("Perempuan kepala keluarga")
    JOB_RISK = "job_risk", _("Risiko pekerjaan")
    NO_OTHER_PROTECTION = "no_other_protection", _("Tanpa perlindungan lain")
    LOW_DESIL = "low_desil", _("Desil DTSEN rendah")


# What each weight counts, for the programme page and the form that edits the weights; the
# label of each factor is its Factor's. "%(cap)s" is the cap on dependents, "%(threshold)s"
# the desil from which no points are given.
FACTOR_EXPLANATIONS: dict[Factor, Any] = {
    Factor.LOW_INCOME: _(
        "Poin bila penghasilan per bulan yang tercatat di bawah UMK tahun awal perlindungan."
    ),
    Factor.DEPENDENTS: _("Poin untuk setiap tanggungan, paling banyak %(cap)s tanggungan."),
    Factor.DISABILITY: _("Poin bila pekerja penyandang disabilitas."),
    Factor.ELDERLY: _("Poin bila berusia 60 tahun atau lebih pada awal perlindungan."),
    Factor.WOMAN_HEAD: _(
        "Poin bila perempuan pada KK yang tidak punya anggota laki-laki di registri."
    ),
    Factor.JOB_RISK: _(
        "Poin untuk setiap tingkat risiko jenis pekerjaan (0 sampai 3, diatur per pekerjaan)."
    ),
    Factor.NO_OTHER_PROTECTION: _(
        "Poin bila NIK tidak ada dalam daftar PKH, BPNT, atau BPJS Ketenagakerjaan pembayar lain."
    ),
    Factor.LOW_DESIL: _(
        "Poin untuk setiap tingkat desil DTSEN di bawah desil %(threshold)s (desil 1 mendapat "
        "poin terbanyak; desil belum diketahui: 0)."
    ),
}
DEPENDENTS_CAP_LABEL = _("Batas tanggungan yang dihitung")
DEPENDENTS_CAP_EXPLANATION = _("Tanggungan di atas batas ini tidak menambah poin.")
JOB_RISK_LEVELS_LABEL = _("Tingkat risiko per jenis pekerjaan")
JOB_RISK_LEVELS_EXPLANATION = _(
    "0 tidak berisiko sampai 3 paling berisiko; dikalikan bobot risiko pekerjaan."
)
MAX_DEPENDENTS_CAP = 20
DESIL_THRESHOLD_LABEL = _("Desil batas poin")
DESIL_THRESHOLD_EXPLANATION = _(
    "Desil ini dan di atasnya tidak mendapat poin; misalnya batas 6: desil 1 mendapat 5 kali "
    "bobot, desil 5 sekali."
)
DEFAULT_DESIL_THRESHOLD = 6
# Far above any weight that makes sense next to the others (the defaults are 5 to 30).
MAX_WEIGHT = 1000


class WeightsInvalid(ValueError):
    """The programme's weight data cannot be read; the message names the key."""


@dataclass(frozen=True)
class ScoreWeights:
    """Points per factor (hundredths), as read from ``Programme.score_weights``."""

    low_income: int = 0
    dependents: int = 0  # per dependent
    dependents_cap: int = 4
    disability: int = 0
    elderly: int = 0
    woman_head: int = 0
    job_risk: int = 0  # per risk level
    no_other_protection: int = 0
    low_desil: int = 0  # per desil below the threshold
    desil_threshold: int = DEFAULT_DESIL_THRESHOLD
    job_risk_levels: Mapping[str, int] = field(default_factory=dict)


DEFAULT_WEIGHTS: dict[str, Any] = {
    "low_income": 30,
    "dependents": 5,
    "dependents_cap": 4,
    "disability": 20,
    "elderly": 10,
    "woman_head": 15,
    "job_risk": 5,
    "no_other_protection": 10,
    "low_desil": 0,
    "desil_threshold": DEFAULT_DESIL_THRESHOLD,
    "job_risk_levels": {},
}


@dataclass(frozen=True)
class WeightLine:
    factor: Factor
    label: str
    explanation: str
    points: float


def describe_weights(weights: ScoreWeights) -> list[WeightLine]:
    """Every factor's weight in points, with what it counts, in words."""
    return [
        WeightLine(
            factor,
            str(factor.label),
            str(FACTOR_EXPLANATIONS[factor])
            % {"cap": weights.dependents_cap, "threshold": weights.desil_threshold},
            _points(getattr(weights, factor.value)),
        )
        for factor in Factor
    ]


def _hundredths(value: Any, key: str) -> int:
    name = Factor(key).label if key in Factor.values else key
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as bad:
        raise WeightsInvalid(f"Bobot “{name}” harus berupa angka.") from bad
    if amount < 0:
        raise WeightsInvalid(f"Bobot “{name}” tidak boleh negatif.")
    if amount > MAX_WEIGHT:
        raise WeightsInvalid(f"Bobot “{name}” paling besar {MAX_WEIGHT} poin.")
    return int((amount * 100).to_integral_value())


def _points(hundredths: int) -> float:
    return hundredths / 100


def parse_weights(data: Mapping[str, Any]) -> ScoreWeights:
    known = {*Factor.values, "dependents_cap", "desil_threshold", "job_risk_levels"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise WeightsInvalid(f"Bobot tidak dikenal: {', '.join(unknown)}.")
    levels_data = data.get("job_risk_levels") or {}
    if not isinstance(levels_data, Mapping):
        raise WeightsInvalid("'job_risk_levels' harus berupa pasangan kode pekerjaan: tingkat.")
    levels: dict[str, int] = {}
    for code, level in levels_data.items():
        if not isinstance(level, int) or not 0 <= level <= MAX_RISK_LEVEL:
            raise WeightsInvalid(
                f"Tingkat risiko pekerjaan '{code}' harus bilangan 0-{MAX_RISK_LEVEL}."
            )
        levels[str(code)] = level
    cap = data.get("dependents_cap", 4)
    if not isinstance(cap, int) or not 0 <= cap <= MAX_DEPENDENTS_CAP:
        raise WeightsInvalid(
            f"{DEPENDENTS_CAP_LABEL} harus bilangan bulat 0 sampai {MAX_DEPENDENTS_CAP}."
        )
    threshold = data.get("desil_threshold", DEFAULT_DESIL_THRESHOLD)
    if not isinstance(threshold, int) or not 2 <= threshold <= 11:
        raise WeightsInvalid(f"{DESIL_THRESHOLD_LABEL} harus bilangan bulat 2 sampai 11.")
    return ScoreWeights(
        **{code: _hundredths(data.get(code, 0), code) for code in Factor.values},
        dependents_cap=cap,
        desil_threshold=threshold,
        job_risk_levels=levels,
    )


# The facts the score counts about one person, as far as the weights use them:
# (low income, dependents counted, disability, elderly, woman head, job risk level,
# no other protection, desil steps below the threshold). Few distinct tuples occur among a
# million people, so the allocation turns each into its parts once (parts_of) and shares them.
Facts = tuple[bool, int, bool, bool, bool, int, bool, int]


def desil_steps(desil: int | None, weights: ScoreWeights) -> int:
    """How many desil steps below the threshold (0 for a desil unknown)."""
    if desil is None:
        return 0
    return max(weights.desil_threshold - desil, 0)


def score_facts(
    c: Candidate, weights: ScoreWeights, *, minimum_wage: int | None, on: date
) -> Facts:
    """What the score counts about one candidate; a factor worth nothing is left unread."""
    return (
        bool(
            weights.low_income
            and minimum_wage is not None
            and c.monthly_income is not None
            and c.monthly_income < minimum_wage
        ),
        min(c.dependents, weights.dependents_cap) if weights.dependents and c.dependents else 0,
        bool(weights.disability and c.has_disability),
        bool(weights.elderly) and age_on(c.birth_date, on) >= ELDERLY_AGE,
        bool(
            weights.woman_head
            and c.sex == "P"
            and c.household_id is not None
            and not c.household_has_man
        ),
        weights.job_risk_levels.get(c.occupation_code, 0) if weights.job_risk else 0,
        bool(weights.no_other_protection and not c.lists),
        desil_steps(c.desil, weights) if weights.low_desil else 0,
    )


def parts_of(facts: Facts, weights: ScoreWeights) -> dict[str, int]:
    """Each factor's points (hundredths) for these facts; factors worth 0 are left out."""
    low_income, dependents, disability, elderly, woman_head, level, unprotected, steps = facts
    parts: dict[str, int] = {}
    if low_income:
        parts["low_income"] = weights.low_income
    if dependents:
        parts["dependents"] = weights.dependents * dependents
    if disability:
        parts["disability"] = weights.disability
    if elderly:
        parts["elderly"] = weights.elderly
    if woman_head:
        parts["woman_head"] = weights.woman_head
    if level:
        parts["job_risk"] = weights.job_risk * level
    if unprotected:
        parts["no_other_protection"] = weights.no_other_protection
    if steps:
        parts["low_desil"] = weights.low_desil * steps
    return parts


def score_parts(
    c: Candidate, weights: ScoreWeights, *, minimum_wage: int | None, on: date
) -> dict[str, int]:
    """Each factor's points (hundredths) for one candidate; factors worth 0 are left out."""
    return parts_of(score_facts(c, weights, minimum_wage=minimum_wage, on=on), weights)


@dataclass(frozen=True)
class ScoreLine:
    factor: Factor
    points: float
    explanation: str


def explain_score(
    c: Candidate, weights: ScoreWeights, *, minimum_wage: int | None, on: date
) -> list[ScoreLine]:
    """Every factor, including those worth nothing, with the reason in Indonesian."""
    parts = score_parts(c, weights, minimum_wage=minimum_wage, on=on)
    income = format_rupiah(c.monthly_income) if c.monthly_income is not None else "tidak diketahui"
    umk = format_rupiah(minimum_wage) if minimum_wage is not None else "belum tercatat"
    level = weights.job_risk_levels.get(c.occupation_code, 0)
    if c.desil is None:
        desil_text = "Desil DTSEN belum diketahui."
    else:
        desil_text = (
            f"D{describe_desil(c.desil, c.desil_source)[1:]}: "
            f"{desil_steps(c.desil, weights)} tingkat di bawah desil {weights.desil_threshold} "
            f"x {_points(weights.low_desil):g}."
        )
    texts = {
        Factor.LOW_INCOME: f"Penghasilan {income}; UMK {on.year} {umk}.",
        Factor.DEPENDENTS: f"{c.dependents} tanggungan (dihitung paling banyak "
        f"{weights.dependents_cap}) x {_points(weights.dependents):g}.",
        Factor.DISABILITY: "Penyandang disabilitas." if c.has_disability else "Tidak tercatat.",
        Factor.ELDERLY: f"Usia {age_on(c.birth_date, on)} tahun pada awal perlindungan.",
        Factor.WOMAN_HEAD: (
            "Perempuan pada KK tanpa anggota laki-laki di registri."
            if "woman_head" in parts
            else "Bukan perempuan pada KK tanpa anggota laki-laki di registri."
        ),
        Factor.JOB_RISK: f"Tingkat risiko {level} x {_points(weights.job_risk):g}.",
        Factor.NO_OTHER_PROTECTION: (
            "Tidak ada dalam daftar PKH, BPNT, atau BPJS pembayar lain."
            if not c.lists
            else f"Ada dalam daftar {', '.join(sorted(c.lists))}."
        ),
        Factor.LOW_DESIL: desil_text,
    }
    return [
        ScoreLine(factor, _points(parts.get(factor.value, 0)), texts[factor]) for factor in Factor
    ]


def as_points(parts: Mapping[str, int]) -> dict[str, float]:
    """Parts in points (not hundredths), as stored on a placement."""
    return {code: _points(value) for code, value in parts.items()}
