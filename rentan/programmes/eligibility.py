"""Who may be a candidate in a programme year: one pure function per rule.

Each rule looks at one candidate (plain values gathered by the loader) and the cycle's
context, and returns a :class:`RuleOutcome`: passed or not, an enum reason, and an Indonesian
explanation anyone can read. Which rules a programme applies, and their parameters, are data
(``Programme.eligibility_rules``), parsed by :func:`parse_rules`.

Two ways to run them: :func:`evaluate` gives every rule's outcome (the explanation page);
:func:`first_failure` stops at the first failing rule and builds no outcome for a pass, which
is what the allocation needs for a million people. Both call the same rule functions.

One participant per family (KK) is judged in two places: here, a family whose member is
already covered in an overlapping cycle is refused; within the allocation, only the best
ranked member of a family takes a place (see allocation.py).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from rentan.core.formatting import format_date


class RuleCode(TextChoices):
    ACTIVE = "active", _("Masih hidup dan aktif di registri")
    VERIFIED = "verified", _("Data sudah diverifikasi")
    REGION = "region", _("Berdomisili di wilayah program")
    AGE = "age", _("Usia dalam rentang program")
    VULNERABLE_JOB = "vulnerable_job", _("Jenis pekerjaan termasuk rentan")
    NOT_COVERED = "not_covered", _("Belum menjadi peserta program atau BPJS lain")
    ONE_PER_HOUSEHOLD = "one_per_household", _("Satu peserta per KK")
    NO_SOCIAL_ASSISTANCE = "no_social_assistance", _("Bukan penerima bansos tertentu")


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


@dataclass(frozen=True)
class AgeRange:
    minimum: int
    maximum: int


@dataclass(frozen=True)
class RuleSet:
    """The rules a programme applies. A rule is on when its key is in the programme's data."""

    codes: tuple[RuleCode, ...]
    age: AgeRange = AgeRange(18, 65)
    excluded_schemes: tuple[str, ...] = SOCIAL_ASSISTANCE_LISTS


@dataclass(frozen=True)
class CycleContext:
    region_code: str  # "33.75": kelurahan codes of the region start with "33.75."
    coverage_start_on: date
    verification_cutoff_on: date
    vulnerable_occupations: frozenset[str]  # codes in force at the start of coverage
    occupation_names: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    rule: RuleCode
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
    return RuleSet(codes=codes, age=age, excluded_schemes=schemes)


def age_on(birth_date: date, on: date) -> int:
    """Completed years on a date (a birthday on 29 February counts from 1 March)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def _pass(rule: RuleCode, explanation: str) -> RuleOutcome:
    return RuleOutcome(rule, Reason.PASSED, explanation)


def rule_active(c: Candidate, ctx: CycleContext, rules: RuleSet, explain: bool) -> RuleOutcome | None:
    if not c.is_active:
        return RuleOutcome(
            RuleCode.ACTIVE, Reason.INACTIVE, "Data pekerja berstatus nonaktif di registri."
        )
    return _pass(RuleCode.ACTIVE, "Data pekerja aktif.") if explain else None


def rule_verified(
    c: Candidate, ctx: CycleContext, rules: RuleSet, explain: bool
) -> RuleOutcome | None:
    cutoff = ctx.verification_cutoff_on
    if c.verified_on is None or c.verified_on > cutoff:
        when = (
            "belum diverifikasi"
            if c.verified_on is None
            else f"baru diverifikasi {format_date(c.verified_on)}"
        )
        return RuleOutcome(
            RuleCode.VERIFIED,
            Reason.NOT_VERIFIED,
            f"Data {when}; batas verifikasi periode ini {format_date(cutoff)}.",
        )
    if not explain:
        return None
    return _pass(
        RuleCode.VERIFIED,
        f"Diverifikasi {format_date(c.verified_on)}, sebelum batas {format_date(cutoff)}.",
    )


def rule_region(c: Candidate, ctx: CycleContext, rules: RuleSet, explain: bool) -> RuleOutcome | None:
    # Judged by the kelurahan of residence only: the NIK's area is where it was issued, which
    # proves nothing about where the person lives now.
    if not c.kelurahan_code.startswith(ctx.region_code + "."):
        return RuleOutcome(
            RuleCode.REGION,
            Reason.OUTSIDE_REGION,
            f"Kelurahan domisili ({c.kelurahan_code}) di luar wilayah program "
            f"({ctx.region_code}).",
        )
    if not explain:
        return None
    note = ""
    if not c.nik.startswith(ctx.region_code.replace(".", "")):
        note = " NIK diterbitkan di daerah lain; itu bukan alasan menolak."
    return _pass(
        RuleCode.REGION, f"Berdomisili di kelurahan {c.kelurahan_code} (wilayah program).{note}"
    )


def rule_age(c: Candidate, ctx: CycleContext, rules: RuleSet, explain: bool) -> RuleOutcome | None:
    years = age_on(c.birth_date, ctx.coverage_start_on)
    start = format_date(ctx.coverage_start_on)
    if years < rules.age.minimum:
        return RuleOutcome(
            RuleCode.AGE,
            Reason.TOO_YOUNG,
            f"Usia {years} tahun pada {start}; minimal {rules.age.minimum} tahun.",
        )
    if years > rules.age.maximum:
        return RuleOutcome(
            RuleCode.AGE,
            Reason.TOO_OLD,
            f"Usia {years} tahun pada {start}; maksimal {rules.age.maximum} tahun.",
        )
    if not explain:
        return None
    return _pass(
        RuleCode.AGE,
        f"Usia {years} tahun pada {start}, dalam rentang "
        f"{rules.age.minimum}–{rules.age.maximum} tahun.",
    )


def rule_vulnerable_job(
    c: Candidate, ctx: CycleContext, rules: RuleSet, explain: bool
) -> RuleOutcome | None:
    name = ctx.occupation_names.get(c.occupation_code, c.occupation_code)
    start = format_date(ctx.coverage_start_on)
    if c.occupation_code not in ctx.vulnerable_occupations:
        return RuleOutcome(
            RuleCode.VULNERABLE_JOB,
            Reason.JOB_NOT_VULNERABLE,
            f"{name} tidak termasuk daftar pekerjaan rentan yang berlaku pada {start}.",
        )
    if not explain:
        return None
    return _pass(
        RuleCode.VULNERABLE_JOB, f"{name} termasuk daftar pekerjaan rentan pada {start}."
    )


def rule_not_covered(
    c: Candidate, ctx: CycleContext, rules: RuleSet, explain: bool
) -> RuleOutcome | None:
    if c.is_covered_elsewhere:
        return RuleOutcome(
            RuleCode.NOT_COVERED,
            Reason.ALREADY_COVERED,
            "Sudah terpilih sebagai peserta pada periode lain yang masa perlindungannya beririsan.",
        )
    if OTHER_PAYER_LIST in c.lists:
        return RuleOutcome(
            RuleCode.NOT_COVERED,
            Reason.OTHER_PAYER,
            "NIK ada dalam daftar peserta aktif BPJS Ketenagakerjaan dengan pembayar lain.",
        )
    if not explain:
        return None
    return _pass(RuleCode.NOT_COVERED, "Belum terlindungi oleh program ini atau pembayar lain.")


def rule_one_per_household(
    c: Candidate, ctx: CycleContext, rules: RuleSet, explain: bool
) -> RuleOutcome | None:
    if c.is_household_covered:
        return RuleOutcome(
            RuleCode.ONE_PER_HOUSEHOLD,
            Reason.HOUSEHOLD_COVERED,
            "Anggota lain dalam KK yang sama sudah menjadi peserta; satu KK satu peserta.",
        )
    if not explain:
        return None
    return _pass(
        RuleCode.ONE_PER_HOUSEHOLD,
        "Belum ada anggota KK yang sama yang menjadi peserta "
        "(di antara anggota KK yang memenuhi syarat, hanya peringkat terbaik yang mendapat tempat).",
    )


def rule_no_social_assistance(
    c: Candidate, ctx: CycleContext, rules: RuleSet, explain: bool
) -> RuleOutcome | None:
    hits = [scheme for scheme in rules.excluded_schemes if scheme in c.lists]
    if hits:
        return RuleOutcome(
            RuleCode.NO_SOCIAL_ASSISTANCE,
            Reason.SOCIAL_ASSISTANCE,
            f"NIK ada dalam daftar penerima {', '.join(hits)} yang dikecualikan program.",
        )
    if not explain:
        return None
    return _pass(
        RuleCode.NO_SOCIAL_ASSISTANCE,
        f"Tidak ada dalam daftar penerima {', '.join(rules.excluded_schemes)}.",
    )


# A rule returns None for a pass when asked quickly (explain=False), else an outcome.
Rule = Callable[[Candidate, CycleContext, RuleSet, bool], RuleOutcome | None]

RULES: dict[RuleCode, Rule] = {
    RuleCode.ACTIVE: rule_active,
    RuleCode.VERIFIED: rule_verified,
    RuleCode.REGION: rule_region,
    RuleCode.AGE: rule_age,
    RuleCode.VULNERABLE_JOB: rule_vulnerable_job,
    RuleCode.NOT_COVERED: rule_not_covered,
    RuleCode.ONE_PER_HOUSEHOLD: rule_one_per_household,
    RuleCode.NO_SOCIAL_ASSISTANCE: rule_no_social_assistance,
}


def evaluate(c: Candidate, ctx: CycleContext, rules: RuleSet) -> list[RuleOutcome]:
    """Every applied rule's outcome, in the programme's order (for the explanation page)."""
    outcomes = []
    for code in rules.codes:
        outcome = RULES[code](c, ctx, rules, True)
        assert outcome is not None
        outcomes.append(outcome)
    return outcomes


def first_failure(c: Candidate, ctx: CycleContext, rules: RuleSet) -> RuleOutcome | None:
    """The first failing rule, or None when the candidate is eligible (fast path)."""
    for check in [RULES[code] for code in rules.codes]:
        outcome = check(c, ctx, rules, False)
        if outcome is not None:
            return outcome
    return None


def checks_for(rules: RuleSet) -> list[Rule]:
    return [RULES[code] for code in rules.codes]
