"""The candidates loader reads each person's latest desil ranked by the cycle's cut-off, the
same for a few people (the explanation) as for everyone (the allocation), and the allocation
with the desil rule and factor is the one the Python rules give over everyone."""

from datetime import date

import pytest

from rentan.programmes import explanation, services
from rentan.programmes.allocation import allocate
from rentan.programmes.candidates import allocation_inputs, load_candidates, uses_desil
from rentan.programmes.tests.conftest import RULES, WEIGHTS, make_cycle
from rentan.programmes.tests.test_prefilter import _edge_persons
from rentan.registry.models import DesilImport, DesilRanking

START, CUTOFF = date(2023, 1, 1), date(2022, 12, 31)


def _rank(persons):
    march = DesilImport.objects.create(source="DTSEN Maret 2022", filename="a.xlsx", checksum="a")
    later = DesilImport.objects.create(source="DTSEN Maret 2023", filename="b.xlsx", checksum="b")
    rankings = []
    expected = {}
    for n, person in enumerate(persons):
        if n % 7 == 6:  # no desil known
            continue
        desil = n % 10 + 1
        rankings.append(
            DesilRanking(person=person, desil=desil, ranked_on=date(2022, 3, 1), source=march)
        )
        expected[person.pk] = (desil, "DTSEN Maret 2022")
        if n % 3 == 0:  # ranked again after the cut-off: not in force for this cycle
            rankings.append(
                DesilRanking(
                    person=person, desil=11 - desil, ranked_on=date(2023, 3, 1), source=later
                )
            )
    DesilRanking.objects.bulk_create(rankings)
    return expected


def test_the_desil_in_force_at_the_cut_off_is_loaded_and_the_allocations_agree(programme):
    programme.eligibility_rules = {**RULES, "desil": {"max": 7, "unknown_allowed": False}}
    programme.score_weights = {**WEIGHTS, "low_desil": 4, "desil_threshold": 6}
    programme.save()
    persons = _edge_persons(START, CUTOFF)
    expected = _rank(persons)
    cycle = make_cycle(
        programme,
        year=START.year,
        coverage_start_on=START,
        verification_cutoff_on=CUTOFF,
        target=4,
        budget_ceiling=4 * 16_800 * 12,
    )
    inputs = allocation_inputs(cycle)
    assert uses_desil(inputs.rules, inputs.weights)
    everyone = load_candidates(cycle, inputs.previous)
    assert {c.person_id: (c.desil, c.desil_source) for c in everyone if c.desil} == expected
    ids = {p.pk for p in persons[::4]}
    few = load_candidates(cycle, inputs.previous, person_ids=ids)
    by_id = lambda c: c.person_id  # noqa: E731
    assert sorted(few, key=by_id) == sorted((c for c in everyone if c.person_id in ids), key=by_id)

    full = allocate(
        everyone,
        ctx=inputs.ctx,
        rules=inputs.rules,
        weights=inputs.weights,
        minimum_wage=inputs.minimum_wage,
        params=inputs.params,
    )
    fast = services.compute_allocation(cycle)
    assert fast.placements == full.placements
    assert fast.ineligible == full.ineligible
    assert {"desil_too_high", "desil_unknown"} <= set(fast.ineligible)
    assert any("low_desil" in p.parts for p in fast.placements)


def test_the_explanation_names_the_desil_and_its_source(programme, admin_user):
    programme.eligibility_rules = {**RULES, "desil": {"max": 5}}
    programme.save()
    [person] = _edge_persons(START, CUTOFF)[:1]
    source = DesilImport.objects.create(source="DTSEN Maret 2022", filename="a", checksum="a")
    DesilRanking.objects.create(person=person, desil=2, ranked_on=date(2022, 3, 1), source=source)
    cycle = make_cycle(programme, coverage_start_on=START, verification_cutoff_on=CUTOFF)
    shown = explanation.explain_person(cycle, person)
    texts = [o.explanation for o in shown["outcomes"]] + [
        line.explanation for line in shown["score_lines"]
    ]
    assert "Desil 2 per DTSEN Maret 2022, dalam batas desil 5." in texts
    assert any(text.startswith("Desil 2 per DTSEN Maret 2022:") for text in texts)


@pytest.mark.parametrize("weights", [WEIGHTS, {**WEIGHTS, "low_desil": 0}])
def test_a_programme_without_desil_reads_no_ranking(programme, weights):
    programme.score_weights = weights
    programme.save()
    inputs = allocation_inputs(make_cycle(programme))
    assert not uses_desil(inputs.rules, inputs.weights)
