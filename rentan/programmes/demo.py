"""Demo step: Kota Pekalongan's programme as the seed story tells it, computed, not typed in.

2022: Perwal 19 B/2022 starts with 6 job types, widened during the year to 11; target 1,000,
and 423 people covered. 2023: target 2,000 = the 423 continuing + 1,577 new, budget
2,000 x Rp 16,800 x 12 = Rp 403.200.000. Perda 10/2023 lists 13 job types.

The figures come out of the allocation. Only the verification dates are staged: in 2022 the
pendataan had only verified a small part of the registry when the first cover started (223
in the first wave, 423 by November), so the demo dates the verification of 423 people from
different families in 2022 and that of everyone else verified in the registry to a later
wave in December 2022, just before the 2023 cycle. The allocation, applying every rule to the
whole registry, then finds exactly 423 eligible people in 2022.
"""

import random
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rentan.accounts.models import Role, User
from rentan.core.formatting import format_rupiah
from rentan.programmes import candidates, services
from rentan.programmes.allocation import QuotaBasis
from rentan.programmes.eligibility import (
    CycleContext,
    RuleCode,
    RuleSet,
    first_failure,
    parse_rules,
)
from rentan.programmes.models import (
    Benefit,
    Cycle,
    DecisionAction,
    ExcludedNik,
    ExclusionList,
    Programme,
)
from rentan.programmes.scoring import DEFAULT_WEIGHTS
from rentan.registry.models import Occupation, Person

PROGRAMME_CODE = "pekalongan-bpu"
FIRST_WAVE = 223
COVERED_2022 = 423

FIRST_SIX = [
    "pengayuh-becak",
    "sopir-angkot",
    "tukang-pijat-disabilitas",
    "lebe",
    "pengatur-lalu-lintas",
    "penggali-kubur",
]
ADDED_2022 = [
    "buruh-harian-lepas",
    "kuli-bangunan",
    "pedagang-keliling",
    "kuli-panggul",
    "ojek-pangkalan",
]
ADDED_PERDA = ["buruh-batik", "marbot"]

RULES = {
    "active": {},
    "verified": {},
    "region": {},
    "age": {"min": 18, "max": 65},
    "vulnerable_job": {},
    "not_covered": {},
    "one_per_household": {},
    "no_social_assistance": {"schemes": ["PKH", "BPNT"]},
}
JOB_RISK_LEVELS = {
    "kuli-bangunan": 3,
    "kuli-panggul": 3,
    "penggali-kubur": 2,
    "pengayuh-becak": 2,
    "ojek-pangkalan": 2,
    "sopir-angkot": 2,
    "pengatur-lalu-lintas": 2,
    "buruh-harian-lepas": 2,
    "pedagang-keliling": 1,
    "tukang-pijat-disabilitas": 1,
    "buruh-batik": 1,
    "marbot": 1,
    "lebe": 1,
}

CYCLE_2022: dict[str, Any] = {
    "year": 2022,
    "target": 1_000,
    "budget_ceiling": 1_000 * 16_800 * 2,
    "coverage_start_on": date(2022, 11, 1),
    "coverage_months": 2,
    "verification_cutoff_on": date(2022, 10, 31),
}
CYCLE_2023: dict[str, Any] = {
    "year": 2023,
    "target": 2_000,
    "budget_ceiling": 403_200_000,
    "coverage_start_on": date(2023, 1, 1),
    "coverage_months": 12,
    "quota_basis": QuotaBasis.POPULATION.value,
}
CYCLE_2024: dict[str, Any] = {
    "year": 2024,
    "target": 4_000,
    "budget_ceiling": 4_000 * 16_800 * 12,
    "coverage_start_on": date(2024, 1, 1),
    "coverage_months": 12,
    "quota_basis": QuotaBasis.POPULATION.value,
}


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _decisions(actor: Any, programme: Programme) -> None:
    occupations = {o.code: o for o in Occupation.objects.all()}
    waves = [
        (FIRST_SIX, date(2022, 3, 1), "Perwal 19 B/2022", "Enam jenis pekerjaan awal."),
        (
            ADDED_2022,
            date(2022, 8, 1),
            "Notulen rapat tim koordinasi (demo)",
            "Perluasan menjadi 11 jenis pekerjaan.",
        ),
        (
            ADDED_PERDA,
            date(2023, 10, 1),
            "Perda Kota Pekalongan 10/2023",
            "Dua jenis terakhir belum terkonfirmasi (usulan: buruh batik, marbot); tanggal demo.",
        ),
    ]
    for codes, on, reference, note in waves:
        for code in codes:
            services.record_occupation_decision(
                actor=actor,
                programme=programme,
                occupation=occupations[code],
                action=DecisionAction.ADD,
                effective_on=on,
                reference=reference,
                note=note,
            )


def _exclusions(programme: Programme) -> None:
    """Some registered workers receive PKH or BPNT, or are already insured by an employer."""
    rng = random.Random(2022)
    niks = sorted(Person.objects.values_list("nik", flat=True))
    for kind, share in (
        (ExclusionList.PKH, 0.04),
        (ExclusionList.BPNT, 0.03),
        (ExclusionList.BPJS_OTHER_PAYER, 0.01),
    ):
        chosen = rng.sample(niks, int(len(niks) * share))
        ExcludedNik.objects.bulk_create(
            [
                ExcludedNik(programme=programme, list_kind=kind, nik=n, source="Data demo")
                for n in chosen
            ],
            batch_size=5000,
        )


def _stage_verification(cycle_2022: Cycle, cycle_2023: Cycle) -> None:
    """Date the verification waves so that 423 people are verified by the 2022 cut-off."""
    verified = Person.objects.filter(verified_at__isnull=False)
    verified.update(verified_at=_moment(date(2022, 12, 15)))
    # Whom the 2022 waves could have verified: people the 2022 and 2023 rules accept apart
    # from the verification date (so that all of them carry on into 2023).
    choices = []
    staged = []
    for cycle in (cycle_2022, cycle_2023):
        inputs = candidates.allocation_inputs(cycle)
        rules = RuleSet(
            codes=tuple(c for c in inputs.rules.codes if c != RuleCode.VERIFIED),
            age=inputs.rules.age,
            excluded_schemes=inputs.rules.excluded_schemes,
        )
        staged.append((inputs.ctx, rules))
    ctx_2022: CycleContext = staged[0][0]
    candidates_2022 = candidates.load_candidates(cycle_2022, None)
    candidates_2023 = {c.person_id: c for c in candidates.load_candidates(cycle_2023, None)}
    households: set[int] = set()
    for c in candidates_2022:
        if c.verified_on is None or c.household_id is None or c.household_id in households:
            continue
        later = candidates_2023[c.person_id]
        if first_failure(c, ctx_2022, staged[0][1]) is None and (
            first_failure(later, staged[1][0], staged[1][1]) is None
        ):
            choices.append(c.person_id)
            households.add(c.household_id)
    # The first waves reached every job type on the list: one person of each first, in a
    # seeded random order, then the rest drawn from everyone who qualifies.
    rng = random.Random(423)
    rng.shuffle(choices)
    job_of = {c.person_id: c.occupation_code for c in candidates_2022}
    first_of_job: dict[str, int] = {}
    for person_id in choices:
        first_of_job.setdefault(job_of[person_id], person_id)
    picked = sorted(first_of_job.values())
    rest = [person_id for person_id in choices if person_id not in set(picked)]
    first_waves = picked + rest[: COVERED_2022 - len(picked)]
    Person.objects.filter(pk__in=first_waves[:FIRST_WAVE]).update(
        verified_at=_moment(date(2022, 6, 30))
    )
    Person.objects.filter(pk__in=first_waves[FIRST_WAVE:]).update(
        verified_at=_moment(date(2022, 10, 14))
    )


@transaction.atomic
def load(*, out: Any, today: date) -> None:
    if Programme.objects.filter(code=PROGRAMME_CODE).exists():
        out.write("Program demo sudah ada; tidak dimuat ulang.\n")
        return
    if not Person.objects.exists():
        out.write("Belum ada data pekerja; program demo dilewati.\n")
        return
    actor = User.objects.filter(role=Role.ADMIN).order_by("id").first()
    parse_rules(RULES)
    programme = Programme.objects.create(
        code=PROGRAMME_CODE,
        name="Jaminan Sosial Ketenagakerjaan Pekerja Rentan Kota Pekalongan",
        sponsor="Pemerintah Kota Pekalongan (Dinperinaker)",
        legal_basis="Perwal 19 B/2022",
        insurer_branch="BPJS Ketenagakerjaan Cabang Pekalongan",
        benefits=[Benefit.JKK.value, Benefit.JKM.value],
        region_id=settings.RENTAN_REGION_CODE,
        eligibility_rules=RULES,
        score_weights={**DEFAULT_WEIGHTS, "job_risk_levels": JOB_RISK_LEVELS},
    )
    _decisions(actor, programme)
    _exclusions(programme)
    cycle_2022 = services.create_cycle(actor=actor, programme=programme, **CYCLE_2022)
    cycle_2023 = services.create_cycle(actor=actor, programme=programme, **CYCLE_2023)
    _stage_verification(cycle_2022, cycle_2023)
    result_2022 = services.allocate_cycle(actor=actor, cycle=cycle_2022)
    services.approve_cycle(
        actor=actor, cycle=cycle_2022, decree_reference="SK Wali Kota (demo) 560/001/2022"
    )
    result_2023 = services.allocate_cycle(actor=actor, cycle=cycle_2023)
    services.approve_cycle(
        actor=actor, cycle=cycle_2023, decree_reference="SK Wali Kota (demo) 560/001/2023"
    )
    services.create_cycle(actor=actor, programme=programme, **CYCLE_2024)
    out.write(
        f"Program {programme.legal_basis}: 2022 {result_2022.selected_count} peserta; "
        f"2023 {result_2023.continuing_count} lanjutan + {result_2023.new_count} baru, "
        f"biaya {format_rupiah(result_2023.cost)}.\n"
    )
