"""Why one person is, or is not, on a cycle's list: every rule's outcome, the score and its
parts, the rank. The person is loaded as the allocation loads everyone (`candidates`)."""

from typing import Any

from rentan.programmes.candidates import allocation_inputs, load_candidates
from rentan.programmes.eligibility import (
    evaluate,
)
from rentan.programmes.lifecycle import DRAFT
from rentan.programmes.models import (
    Cycle,
    Placement,
    PlacementKind,
)
from rentan.programmes.scoring import explain_score
from rentan.programmes.selectors import placement_counts
from rentan.registry.models import Person


def explain_person(cycle: Cycle, person: Person) -> dict[str, Any]:
    """Every rule's outcome, the score and its parts, the rank, and why in or out."""
    inputs = allocation_inputs(cycle)
    candidate = load_candidates(cycle, inputs.previous, person_ids=[person.pk])[0]
    outcomes = evaluate(candidate, inputs.ctx, inputs.rules)
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
    if placement is not None and placement.kind == PlacementKind.CONTINUING:
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
    }
