"""Who may be a candidate in a programme year: one pure function per rule.

Each rule looks at one candidate (plain values gathered by the loader) and the cycle's
context, and returns a :class:`RuleOutcome`: passed or not, an enum reason, and an Indonesian
explanation anyone can read. Which rules a programme applies, and their parameters, are data
(``Programme.eligibility_rules``), parsed by :func:`parse_rules`.

Each rule decides in a `check_*` function and words its decision in an `explain_*` one:
:func:`evaluate` gives every rule's worded outcome (the explanation page); the allocation
runs only the checks, which is what a million people need. The decision is made in one place.

A person's own decision comes before every rule: someone left out of the cycle by hand
(`models.ManualExclusion`, carried on the candidate as `excluded_by_hand`) fails first, so
no re-run of the rules or the allocation brings them back while the decision stands.

One participant per family (KK) is judged in two places: here, a family whose member is
already covered in an overlapping cycle is refused; within the allocation, only the best
ranked member of a family takes a place (see allocation.py).
"""

from calendar import isleap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from rentan.core.formatting import format_date
from rentan.registry.desil import describe as describe_desil


class RuleCode(TextChoices):
    ACTIVE = "active", _("Masih hidup dan aktif di registri")
    VERIFIED = "verified", _("Data sudah diverifikasi")
    REGION = "region", _("Berdomisili di wilayah program")
    AGE = "age", _("Usia dalam rentang program")
    VULNERABLE_JOB = "vulnerable_job", _("Jenis pekerjaan termasuk rentan")
    NOT_COVERED = "not_covered", _("Belum menjadi peserta program atau BPJS lain")
    ONE_PER_HOUSEHOLD = "one_per_household", _("Satu peserta per KK")
    NO_SOCIAL_ASSISTANCE = "no_social_assistance", _("Bukan penerima bansos tertentu")
    DESIL = "desil", _("Desil DTSEN dalam batas program")


# What each rule means, for the programme page and the form that edits the rules; the
# label of each is its RuleCode's. "%(min)s", "%(max)s", "%(schemes)s", "%(desil_max)s" and
# "%(desil_unknown)s" are the rules' parameters (`rule_params`).
RULE_EXPLANATIONS: dict[RuleCode, Any] = {
    RuleCode.ACTIVE: _(
        "Pekerja yang meninggal, pindah, atau dinonaktifkan di registri tidak ikut seleksi."
    ),
    RuleCode.VERIFIED: _(
        "Data pekerja sudah diverifikasi Dinas paling lambat pada batas verifikasi periode "
        "(bila kosong: awal masa perlindungan)."
    ),
    RuleCode.REGION: _(
        "Kelurahan tempat tinggal berada di wilayah program. Daerah asal NIK bukan alasan menolak."
    ),
    RuleCode.AGE: _("Usia pada awal masa perlindungan antara %(min)s dan %(max)s tahun."),
    RuleCode.VULNERABLE_JOB: _(
        "Jenis pekerjaan ada dalam daftar pekerjaan rentan yang berlaku pada awal masa "
        "perlindungan (lihat Keputusan jenis pekerjaan rentan)."
    ),
    RuleCode.NOT_COVERED: _(
        "Belum terpilih pada periode lain yang masa perlindungannya beririsan, dan tidak ada "
        "dalam daftar peserta BPJS Ketenagakerjaan dengan pembayar lain."
    ),
    RuleCode.ONE_PER_HOUSEHOLD: _(
        "Satu peserta per Kartu Keluarga: dari anggota satu KK yang memenuhi syarat, hanya "
        "yang peringkatnya terbaik mendapat tempat."
    ),
    RuleCode.NO_SOCIAL_ASSISTANCE: _(
        "NIK tidak ada dalam daftar penerima bantuan sosial yang dikecualikan: %(schemes)s."
    ),
    RuleCode.DESIL: _(
        "Desil DTSEN terbaru pada batas verifikasi periode paling tinggi %(desil_max)s "
        "(desil 1 = 10%% termiskin). %(desil_unknown)s"
    ),
}
DESIL_UNKNOWN_ALLOWED = _("Pekerja yang desilnya belum diketahui tetap boleh ikut.")
DESIL_UNKNOWN_REFUSED = _("Pekerja yang desilnya belum diketahui tidak ikut.")


class Reason(TextChoices):
    PASSED = "passed", _("Memenuhi syarat")
    INACTIVE = "inactive", _("Data pekerja nonaktif (meninggal, pindah, atau lainnya)")
    NOT_VERIFIED = "not_verified", _("Data belum diverifikasi sebelum batas waktu")
    OUTSIDE_REGION = "outside_region", _("Tidak berdomisili di wilayah program")
    TOO_YOUNG = "too_young", _("Usia di bawah batas minimal")
    TOO_OLD = "too_old", _("Usia di atas batas maksimal")
    JOB_NOT_VULNERABLE = "job_not_vulnerable", _("Jenis pekerjaan tidak termasuk daftar rentan")
    ALREADY_COVERED = "already_covered", _("Sudah menjadi peserta pada periode yang beririsan")
    OTHER_PAYER = "other_payer", _("Sudah aktif BPJS Ketenagakerjaan dengan pembayar lain")
    HOUSEHOLD_COVERED = "household_covered", _("Anggota KK lain sudah menjadi peserta")
    SOCIAL_ASSISTANCE = "social_assistance", _("Penerima bantuan sosial yang dikecualikan")
    DESIL_TOO_HIGH = "desil_too_high", _("Desil DTSEN di atas batas program")
    DESIL_UNKNOWN = "desil_unknown", _("Desil DTSEN belum diketahui")
    EXCLUDED_BY_HAND = "excluded_by_hand", _("Dikecualikan dari periode ini oleh petugas")


class PersonDecision(TextChoices):
    """What is judged of a person before the programme's rules: decisions people made about
    this one person, which no programme can switch off."""

    EXCLUDED_BY_HAND = "excluded_by_hand", _("Tidak dikecualikan oleh petugas")


@dataclass(frozen=True, slots=True)
class HandExclusion:
    """A standing manual exclusion from the cycle, as the explanation words it."""

    by: str
    on: date
    reason: str


# The list kinds of ExcludedNik (models.ExclusionList values), kept here as plain strings so
# this module stays free of the ORM.
OTHER_PAYER_LIST = "BPJS_OTHER"
SOCIAL_ASSISTANCE_LISTS = ("PKH", "BPNT")


@dataclass(slots=True)
class Candidate:
    """What the rules and the score need to know about one person, as plain values.

    Not frozen: a frozen dataclass sets each field through object.__setattr__, which triples
    the cost of building a million of them; nothing changes a candidate after it is built.
    """

    person_id: int
    nik: str
    name: str
    birth_date: date
    sex: str  # "L" or "P" (registry.nik.Sex)
    kelurahan_code: str
    occupation_code: str
    household_id: int | None
    verified_on: date | None
    is_active: bool
    monthly_income: int | None
    dependents: int
    has_disability: bool
    household_has_man: bool = False
    lists: frozenset[str] = frozenset()  # ExcludedNik lists the NIK is on
    is_covered_elsewhere: bool = False  # selected in an overlapping cycle, not the previous one
    is_household_covered: bool = False  # another KK member selected in an overlapping cycle
    was_participant: bool = False  # selected in the previous cycle: a continuing candidate
    # The latest DTSEN desil ranked by the cycle's cut-off (None: none known), and its source.
    desil: int | None = None
    desil_source: str = ""
    excluded_by_hand: HandExclusion | None = None  # left out of this cycle by a person


@dataclass(frozen=True)
class AgeRange:
    """BPJS's age limit for BPU registration is not settled in any text found (a 2017 source
    says 56, it is often said to be 65 now), so the range is each programme's setting."""

    minimum: int
    maximum: int


@dataclass(frozen=True)
class RuleSet:
    """The rules a programme applies. A rule is on when its key is in the programme's data."""

    codes: tuple[RuleCode, ...]
    age: AgeRange = AgeRange(18, 65)
    excluded_schemes: tuple[str, ...] = SOCIAL_ASSISTANCE_LISTS
    # Programmes target by desil (PKH 1-4, BPNT 1-5); the bound is each programme's choice.
    desil_max: int = 5
    is_unknown_desil_allowed: bool = False


@dataclass(frozen=True)
class CycleContext:
    region_code: str  # "33.75": kelurahan codes of the region start with "33.75."
    coverage_start_on: date
    verification_cutoff_on: date
    vulnerable_occupations: frozenset[str]  # codes in force at the start of coverage
    occupation_names: Mapping[str, str] = field(default_factory=dict)
    # Area code -> name, for explanations read by people (the allocation leaves it empty).
    area_names: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    rule: RuleCode | PersonDecision
    reason: Reason
    explanation: str

    @property
    def passed(self) -> bool:
        return self.reason == Reason.PASSED


class RulesInvalid(ValueError):
    """The programme's rule data cannot be read; the message says which key and why."""


_DEFAULT_ORDER = tuple(RuleCode)


def parse_rules(data: Mapping[str, Any]) -> RuleSet:
    """Read ``Programme.eligibility_rules``: {"age": {"min": 18, "max": 65}, "verified": {}...}."""
    unknown = sorted(set(data) - set(RuleCode.values))
    if unknown:
        raise RulesInvalid(f"Aturan kelayakan tidak dikenal: {', '.join(unknown)}.")
    codes = tuple(code for code in _DEFAULT_ORDER if code.value in data)
    age = AgeRange(18, 65)
    if RuleCode.AGE.value in data:
        params = data[RuleCode.AGE.value] or {}
        try:
            age = AgeRange(int(params.get("min", 18)), int(params.get("max", 65)))
        except (TypeError, ValueError, AttributeError) as bad:
            raise RulesInvalid("Aturan usia: 'min' dan 'max' harus bilangan bulat.") from bad
        if age.minimum > age.maximum:
            raise RulesInvalid("Aturan usia: 'min' lebih besar dari 'max'.")
    schemes = SOCIAL_ASSISTANCE_LISTS
    if RuleCode.NO_SOCIAL_ASSISTANCE.value in data:
        params = data[RuleCode.NO_SOCIAL_ASSISTANCE.value] or {}
        schemes = tuple(params.get("schemes", SOCIAL_ASSISTANCE_LISTS))
        bad_schemes = sorted(set(schemes) - set(SOCIAL_ASSISTANCE_LISTS))
        if bad_schemes:
            raise RulesInvalid(f"Aturan bansos: daftar tidak dikenal {', '.join(bad_schemes)}.")
    desil_max, unknown_allowed = 5, False
    if RuleCode.DESIL.value in data:
        params = data[RuleCode.DESIL.value] or {}
        try:
            desil_max = int(params.get("max", 5))
        except (TypeError, ValueError, AttributeError) as bad:
            raise RulesInvalid("Aturan desil: 'max' harus bilangan bulat 1 sampai 10.") from bad
        if not 1 <= desil_max <= 10:
            raise RulesInvalid("Aturan desil: 'max' harus bilangan bulat 1 sampai 10.")
        unknown_allowed = params.get("unknown_allowed", False)
        if not isinstance(unknown_allowed, bool):
            raise RulesInvalid("Aturan desil: 'unknown_allowed' harus true atau false.")
    return RuleSet(
        codes=codes,
        age=age,
        excluded_schemes=schemes,
        desil_max=desil_max,
        is_unknown_desil_allowed=unknown_allowed,
    )


def rule_params(rules: RuleSet) -> dict[str, Any]:
    """The rules' parameters as RULE_EXPLANATIONS words them."""
    return {
        "min": rules.age.minimum,
        "max": rules.age.maximum,
        "schemes": ", ".join(rules.excluded_schemes) or "-",
        "desil_max": rules.desil_max,
        "desil_unknown": str(
            DESIL_UNKNOWN_ALLOWED if rules.is_unknown_desil_allowed else DESIL_UNKNOWN_REFUSED
        ),
    }


@dataclass(frozen=True)
class RuleLine:
    code: RuleCode
    label: str
    explanation: str
    is_applied: bool


def describe_rules(rules: RuleSet) -> list[RuleLine]:
    """Every rule the system knows, in its order, in words: whether the programme applies it
    and what it asks with the programme's own parameters."""
    params = rule_params(rules)
    return [
        RuleLine(code, str(code.label), str(RULE_EXPLANATIONS[code]) % params, code in rules.codes)
        for code in RuleCode
    ]


def age_on(birth_date: date, on: date) -> int:
    """Completed years on a date (a birthday on 29 February counts from 1 March)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


# Each rule is two functions: `check_*` decides (a failing Reason, or None for a pass) and
# is all the allocation runs for a million people; `explain_*` words the decision for a
# person, and is only called for the explanation page.


def check_active(c: Candidate, ctx: CycleContext, rules: RuleSet) -> Reason | None:
    return None if c.is_active else Reason.INACTIVE


def explain_active(c: Candidate, ctx: CycleContext, rules: RuleSet, reason: Reason) -> str:
    if reason == Reason.INACTIVE:
        return "Data pekerja berstatus nonaktif di registri (meninggal, pindah, atau lainnya)."
    return "Data pekerja aktif."


def check_verified(c: Candidate, ctx: CycleContext, rules: RuleSet) -> Reason | None:
    if c.verified_on is None or c.verified_on > ctx.verification_cutoff_on:
        return Reason.NOT_VERIFIED
    return None


def explain_verified(c: Candidate, ctx: CycleContext, rules: RuleSet, reason: Reason) -> str:
    cutoff = format_date(ctx.verification_cutoff_on)
    if c.verified_on is None:
        return f"Data belum diverifikasi; batas verifikasi periode ini {cutoff}."
    if reason == Reason.NOT_VERIFIED:
        return f"Data baru diverifikasi {format_date(c.verified_on)}; batas periode ini {cutoff}."
    return f"Diverifikasi {format_date(c.verified_on)}, sebelum batas {cutoff}."


def check_region(c: Candidate, ctx: CycleContext, rules: RuleSet) -> Reason | None:
    # Judged by the kelurahan of residence only: the NIK's area is where it was issued, which
    # proves nothing about where the person lives now.
    return None if c.kelurahan_code.startswith(ctx.region_code + ".") else Reason.OUTSIDE_REGION


def explain_region(c: Candidate, ctx: CycleContext, rules: RuleSet, reason: Reason) -> str:
    kelurahan = ctx.area_names.get(c.kelurahan_code, c.kelurahan_code)
    region = ctx.area_names.get(ctx.region_code, ctx.region_code)
    if reason == Reason.OUTSIDE_REGION:
        return f"Kelurahan domisili ({kelurahan}) di luar wilayah program ({region})."
    note = ""
    if not c.nik.startswith(ctx.region_code.replace(".", "")):
        note = " NIK diterbitkan di daerah lain; itu bukan alasan menolak."
    return f"Berdomisili di Kelurahan {kelurahan} ({region}, wilayah program).{note}"


def check_age(c: Candidate, ctx: CycleContext, rules: RuleSet) -> Reason | None:
    years = age_on(c.birth_date, ctx.coverage_start_on)
    if years < rules.age.minimum:
        return Reason.TOO_YOUNG
    if years > rules.age.maximum:
        return Reason.TOO_OLD
    return None


def explain_age(c: Candidate, ctx: CycleContext, rules: RuleSet, reason: Reason) -> str:
    years = age_on(c.birth_date, ctx.coverage_start_on)
    start = format_date(ctx.coverage_start_on)
    if reason == Reason.TOO_YOUNG:
        return f"Usia {years} tahun pada {start}; minimal {rules.age.minimum} tahun."
    if reason == Reason.TOO_OLD:
        return f"Usia {years} tahun pada {start}; maksimal {rules.age.maximum} tahun."
    return (
        f"Usia {years} tahun pada {start}, dalam rentang "
        f"{rules.age.minimum}-{rules.age.maximum} tahun."
    )


def check_vulnerable_job(c: Candidate, ctx: CycleContext, rules: RuleSet) -> Reason | None:
    if c.occupation_code in ctx.vulnerable_occupations:
        return None
    return Reason.JOB_NOT_VULNERABLE


def explain_vulnerable_job(c: Candidate, ctx: CycleContext, rules: RuleSet, reason: Reason) -> str:
    name = ctx.occupation_names.get(c.occupation_code, c.occupation_code)
    start = format_date(ctx.coverage_start_on)
    if reason == Reason.JOB_NOT_VULNERABLE:
        return f"{name} tidak termasuk daftar pekerjaan rentan yang berlaku pada {start}."
    return f"{name} termasuk daftar pekerjaan rentan pada {start}."


def check_not_covered(c: Candidate, ctx: CycleContext, rules: RuleSet) -> Reason | None:
    if c.is_covered_elsewhere:
        return Reason.ALREADY_COVERED
    if OTHER_PAYER_LIST in c.lists:
        return Reason.OTHER_PAYER
    return None


def explain_not_covered(c: Candidate, ctx: CycleContext, rules: RuleSet, reason: Reason) -> str:
    if reason == Reason.ALREADY_COVERED:
        return (
            "Sudah terpilih sebagai peserta pada periode lain yang masa perlindungannya beririsan."
        )
    if reason == Reason.OTHER_PAYER:
        return "NIK ada dalam daftar peserta aktif BPJS Ketenagakerjaan dengan pembayar lain."
    if c.was_participant:
        return "Peserta periode sebelumnya: dinilai sebagai peserta lanjutan."
    return "Belum terlindungi oleh program ini atau pembayar lain."


def check_one_per_household(c: Candidate, ctx: CycleContext, rules: RuleSet) -> Reason | None:
    return Reason.HOUSEHOLD_COVERED if c.is_household_covered else None


def explain_one_per_household(
    c: Candidate, ctx: CycleContext, rules: RuleSet, reason: Reason
) -> str:
    if reason == Reason.HOUSEHOLD_COVERED:
        return "Anggota lain dalam KK yang sama sudah menjadi peserta; satu KK satu peserta."
    return (
        "Belum ada anggota KK yang sama yang menjadi peserta (di antara anggota KK yang "
        "memenuhi syarat, hanya peringkat terbaik yang mendapat tempat)."
    )


def check_no_social_assistance(c: Candidate, ctx: CycleContext, rules: RuleSet) -> Reason | None:
    if c.lists:
        for scheme in rules.excluded_schemes:
            if scheme in c.lists:
                return Reason.SOCIAL_ASSISTANCE
    return None


def explain_no_social_assistance(
    c: Candidate, ctx: CycleContext, rules: RuleSet, reason: Reason
) -> str:
    hits = [scheme for scheme in rules.excluded_schemes if scheme in c.lists]
    if reason == Reason.SOCIAL_ASSISTANCE:
        return f"NIK ada dalam daftar penerima {', '.join(hits)} yang dikecualikan program."
    return f"Tidak ada dalam daftar penerima {', '.join(rules.excluded_schemes)}."


def check_desil(c: Candidate, ctx: CycleContext, rules: RuleSet) -> Reason | None:
    if c.desil is None:
        return None if rules.is_unknown_desil_allowed else Reason.DESIL_UNKNOWN
    return Reason.DESIL_TOO_HIGH if c.desil > rules.desil_max else None


def explain_desil(c: Candidate, ctx: CycleContext, rules: RuleSet, reason: Reason) -> str:
    cutoff = format_date(ctx.verification_cutoff_on)
    if c.desil is None:
        allowed = "boleh ikut" if rules.is_unknown_desil_allowed else "tidak dapat ikut"
        return f"Desil DTSEN belum diketahui pada {cutoff}; program ini: {allowed}."
    # "Desil 2 per DTSEN Maret 2026": the source keeps its own capitals.
    ranked = "D" + describe_desil(c.desil, c.desil_source)[1:]
    if reason == Reason.DESIL_TOO_HIGH:
        return f"{ranked}; program ini paling tinggi desil {rules.desil_max}."
    return f"{ranked}, dalam batas desil {rules.desil_max}."


Check = Callable[[Candidate, CycleContext, RuleSet], Reason | None]
Explain = Callable[[Candidate, CycleContext, RuleSet, Reason], str]

RULES: dict[RuleCode, tuple[Check, Explain]] = {
    RuleCode.ACTIVE: (check_active, explain_active),
    RuleCode.VERIFIED: (check_verified, explain_verified),
    RuleCode.REGION: (check_region, explain_region),
    RuleCode.AGE: (check_age, explain_age),
    RuleCode.VULNERABLE_JOB: (check_vulnerable_job, explain_vulnerable_job),
    RuleCode.NOT_COVERED: (check_not_covered, explain_not_covered),
    RuleCode.ONE_PER_HOUSEHOLD: (check_one_per_household, explain_one_per_household),
    RuleCode.NO_SOCIAL_ASSISTANCE: (check_no_social_assistance, explain_no_social_assistance),
    RuleCode.DESIL: (check_desil, explain_desil),
}


def outcome(code: RuleCode, c: Candidate, ctx: CycleContext, rules: RuleSet) -> RuleOutcome:
    check, explain = RULES[code]
    reason = check(c, ctx, rules) or Reason.PASSED
    return RuleOutcome(code, reason, explain(c, ctx, rules, reason))


def explain_excluded_by_hand(exclusion: HandExclusion) -> str:
    return f"Dikecualikan oleh {exclusion.by} pada {format_date(exclusion.on)}: {exclusion.reason}"


def evaluate(c: Candidate, ctx: CycleContext, rules: RuleSet) -> list[RuleOutcome]:
    """Every applied rule's outcome, in the programme's order (for the explanation page),
    after a manual exclusion when one stands."""
    decided = []
    if c.excluded_by_hand is not None:
        decided.append(
            RuleOutcome(
                PersonDecision.EXCLUDED_BY_HAND,
                Reason.EXCLUDED_BY_HAND,
                explain_excluded_by_hand(c.excluded_by_hand),
            )
        )
    return decided + [outcome(code, c, ctx, rules) for code in rules.codes]


def checks_for(rules: RuleSet) -> list[Check]:
    return [RULES[code][0] for code in rules.codes]


# The rules that look only at columns of the person's own row: the database can judge these
# for a million people before a single Candidate is built (candidates.load_eligible_candidates
# translates them). The functions above stay their definition; a test holds the translation to
# them, person by person.
ROW_RULES = frozenset(
    {RuleCode.ACTIVE, RuleCode.VERIFIED, RuleCode.REGION, RuleCode.AGE, RuleCode.VULNERABLE_JOB}
)


def leading_row_rules(rules: RuleSet) -> tuple[RuleCode, ...]:
    """The row rules that open the programme's order, before any other rule.

    A person failing one of them fails it first, so counting the database's verdicts by
    reason gives the same counts as running every rule in order.
    """
    leading = []
    for code in rules.codes:
        if code not in ROW_RULES:
            break
        leading.append(code)
    return tuple(leading)


def latest_birth_date(on: date, years: int) -> date | None:
    """The last birth date of someone at least `years` old on `on` (by age_on); None: nobody.

    Born on or before it means age_on(born, on) >= years. When that year has no 29 February,
    28 February stands in (someone born on 1 March is not yet `years` old).
    """
    year = on.year - years
    if year < date.min.year:
        return None
    if year > date.max.year:
        return date.max
    if (on.month, on.day) == (2, 29) and not isleap(year):
        return date(year, 2, 28)
    return on.replace(year=year)


def first_failure(c: Candidate, ctx: CycleContext, rules: RuleSet) -> Reason | None:
    """The reason of the first failing rule, or None when the candidate is eligible."""
    if c.excluded_by_hand is not None:
        return Reason.EXCLUDED_BY_HAND
    for check in checks_for(rules):
        reason = check(c, ctx, rules)
        if reason is not None:
            return reason
    return None
