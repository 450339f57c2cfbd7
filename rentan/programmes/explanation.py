"""Why one person is, or is not, on a cycle's list: every rule's outcome, the score and its
parts, the rank. The person is loaded as the allocation loads everyone (`candidates`).

`first_failures` gives the same verdict for a page of people (the cycle page's list of those
not on it), `person_standings` a person's place in every allocated cycle (their page)."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from rentan.core.formatting import format_date
from rentan.programmes.candidates import (
    Registers,
    allocation_inputs,
    cycle_context,
    load_candidates,
    read_registers,
)
from rentan.programmes.eligibility import (
    CycleContext,
    Reason,
    RulesInvalid,
    evaluate,
    first_failure,
    parse_rules,
)
from rentan.programmes.lifecycle import DRAFT
from rentan.programmes.models import (
    Cycle,
    ManualExclusion,
    Placement,
    PlacementKind,
)
from rentan.programmes.scoring import explain_score
from rentan.programmes.selectors import placement_counts, previous_cycle
from rentan.regions.models import Area
from rentan.registry.models import Person


def with_area_names(ctx: CycleContext, codes: Iterable[str]) -> CycleContext:
    """The context with the names of these areas, so that an explanation names a kelurahan
    as people know it, not by its code."""
    wanted = {*codes, ctx.region_code}
    return replace(
        ctx, area_names=dict(Area.objects.filter(code__in=wanted).values_list("code", "name"))
    )


def explain_person(cycle: Cycle, person: Person) -> dict[str, Any]:
    """Every rule's outcome, the score and its parts, the rank, and why in or out."""
    inputs = allocation_inputs(cycle)
    candidate = load_candidates(cycle, inputs.previous, [person.pk], inputs.registers)[0]
    outcomes = evaluate(
        candidate, with_area_names(inputs.ctx, [candidate.kelurahan_code]), inputs.rules
    )
    eligible = all(o.passed for o in outcomes)
    score_lines = explain_score(
        candidate, inputs.weights, minimum_wage=inputs.minimum_wage, on=cycle.coverage_start_on
    )
    placement = Placement.objects.filter(cycle=cycle, person=person).first()
    counts = placement_counts(cycle)
    selected = counts.get(PlacementKind.CONTINUING, 0) + counts.get(PlacementKind.NEW, 0)
    peer = None
    if placement is None and person.household_id is not None:
        peer = (
            Placement.objects.filter(cycle=cycle, person__household_id=person.household_id)
            .exclude(person=person)
            .select_related("person")
            .first()
        )
    if candidate.excluded_by_hand is not None and placement is not None:
        verdict = (
            "Dikecualikan oleh petugas setelah alokasi terakhir: alokasikan ulang periode ini "
            "agar daftar mengikuti keputusan itu (penetapan ditolak sampai saat itu)."
        )
    elif candidate.excluded_by_hand is not None:
        verdict = (
            "Dikecualikan dari periode ini oleh petugas; setiap alokasi mengikuti keputusan itu "
            "sampai dibatalkan."
        )
    elif placement is not None and placement.kind == PlacementKind.CONTINUING:
        verdict = (
            f"Masuk daftar sebagai peserta lanjutan dari periode sebelumnya "
            f"(peringkat {placement.rank} dari {selected} terpilih)."
        )
    elif placement is not None and placement.kind == PlacementKind.NEW:
        verdict = (
            f"Masuk kuota sebagai peserta baru: peringkat {placement.rank} dari {selected} "
            f"tempat (target dan pagu)."
        )
    elif placement is not None:
        verdict = (
            f"Memenuhi syarat tetapi di luar kuota: peringkat {placement.rank}, sedangkan "
            f"tempat terisi sampai peringkat {selected}. Masuk daftar cadangan untuk penggantian."
        )
    elif cycle.status == DRAFT:
        verdict = "Periode ini belum dialokasikan."
    elif not eligible:
        verdict = "Tidak masuk daftar karena tidak memenuhi syarat (lihat aturan yang gagal)."
    elif peer is not None:
        verdict = (
            f"Memenuhi syarat, tetapi anggota KK yang sama ({peer.person.masked_nik}) "
            f"berperingkat lebih tinggi ({peer.rank}); satu KK satu peserta."
        )
    else:
        verdict = (
            "Memenuhi syarat menurut data saat ini, tetapi tidak ada dalam daftar: data berubah "
            "setelah alokasi."
        )
    return {
        "candidate": candidate,
        "outcomes": outcomes,
        "eligible": eligible,
        "score_lines": score_lines,
        "score_total": sum(line.points for line in score_lines),
        "placement": placement,
        "selected": selected,
        "verdict": verdict,
        "inputs": inputs,
        "exclusions": list(
            ManualExclusion.objects.filter(cycle=cycle, person=person).select_related(
                "excluded_by", "lifted_by"
            )
        ),
    }


def first_failures(
    cycle: Cycle, person_ids: Iterable[int], registers: Registers | None = None
) -> dict[int, Reason | None]:
    """Per person, the first rule they fail for the cycle (None: eligible by today's data);
    empty when the programme's rules cannot be read. `registers`: what every cycle reads the
    same, when already read for another cycle."""
    ids = list(person_ids)
    if not ids:
        return {}
    try:
        rules = parse_rules(cycle.programme.eligibility_rules)
    except RulesInvalid:
        return {}
    registers = registers or read_registers()
    ctx = cycle_context(cycle, registers)
    return {
        c.person_id: first_failure(c, ctx, rules)
        for c in load_candidates(
            cycle, previous_cycle(cycle, registers.siblings(cycle)), ids, registers
        )
    }


class Standing(StrEnum):
    """How a person stands in a cycle, as their page says it."""

    SELECTED = "selected"
    WAITING = "waiting"
    ENDED = "ended"
    NOT_ELIGIBLE = "not_eligible"
    NOT_LISTED = "not_listed"


@dataclass(frozen=True)
class CycleStanding:
    cycle: Cycle
    standing: Standing
    label: str  # short, for the badge
    detail: str  # the rule failed, the kind of place, how it ended
    placement: Placement | None

    @property
    def badge(self) -> str:
        return {Standing.SELECTED: "ok", Standing.NOT_ELIGIBLE: "off"}.get(self.standing, "")


def not_listed_label(reason: Reason | None) -> str:
    if reason is None:
        return _("Tidak masuk daftar (memenuhi syarat)")
    return _("Tidak memenuhi syarat: %(reason)s") % {"reason": reason.label}


def person_standings(person: Person) -> list[CycleStanding]:
    """The person's place in every cycle allocated so far, the latest first: selected
    (continuing or new), waiting list, ended, not eligible (the first rule failed) or
    eligible but not on the list (a family member ranked higher, or data changed since).
    The caller has found the person through the access door."""
    cycles = list(
        Cycle.objects.filter(~Q(status=DRAFT)).select_related("programme").order_by("-year", "-id")
    )
    # Without the model's ordering (by cycle, hence programme), which joins both again.
    placements = {
        p.cycle_id: p
        for p in Placement.objects.filter(person=person, cycle__in=cycles)
        .select_related("kelurahan")
        .order_by()
    }
    standings = []
    # What every cycle reads the same is read once for those without a place.
    registers = read_registers(cycles) if len(placements) < len(cycles) else None
    for cycle in cycles:
        placement = placements.get(cycle.pk)
        if placement is None:
            reason = first_failures(cycle, [person.pk], registers).get(person.pk)
            if reason is None:
                standings.append(
                    CycleStanding(
                        cycle,
                        Standing.NOT_LISTED,
                        _("Tidak masuk daftar"),
                        _("Memenuhi syarat menurut data saat ini; lihat penjelasan seleksi."),
                        None,
                    )
                )
            else:
                standings.append(
                    CycleStanding(
                        cycle,
                        Standing.NOT_ELIGIBLE,
                        _("Tidak memenuhi syarat"),
                        str(reason.label),
                        None,
                    )
                )
        elif placement.ended_on is not None:
            standings.append(
                CycleStanding(
                    cycle,
                    Standing.ENDED,
                    _("Berakhir"),
                    " — ".join(
                        part
                        for part in (
                            str(placement.get_kind_display()),
                            format_date(placement.ended_on),
                            placement.end_reason,
                        )
                        if part
                    ),
                    placement,
                )
            )
        elif placement.kind == PlacementKind.WAITING:
            standings.append(CycleStanding(cycle, Standing.WAITING, _("Cadangan"), "", placement))
        else:
            standings.append(
                CycleStanding(
                    cycle,
                    Standing.SELECTED,
                    _("Terpilih"),
                    str(placement.get_kind_display()),
                    placement,
                )
            )
    return standings
