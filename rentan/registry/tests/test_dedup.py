import random
from datetime import date

import numpy as np
import pytest

from rentan.registry import dedup, match_columns, match_model
from rentan.registry.dedup import (
    DEFAULT_THRESHOLD,
    WINDOW,
    DedupRecord,
    MatchReason,
    Scorer,
    candidate_pairs,
    find_pairs,
    prepare_record,
    search_pairs,
)
from rentan.registry.dedup_sample import labelled_sample, pair_quality
from rentan.registry.match_columns import build_columns, compare_pairs
from rentan.registry.match_model import (
    BIRTH,
    BIRTH_EXACT,
    COMPARISONS,
    KK,
    NAME,
    NAME_EXACT,
    NIK,
    NIK_EXACT,
    SAME,
    at_house,
    compare,
    default_model,
    probability,
)

MEDONO = "33.75.01.1002"
SOKODUWET = "33.75.04.1010"
BORN = date(1980, 1, 1)


def record(
    key: str,
    nik: str = "",
    kk: str = "",
    name: str = "Slamet",
    born: date | None = BORN,
    kelurahan: str = MEDONO,
    address: str = "",
    sex: str = "",
) -> DedupRecord:
    return DedupRecord(key, nik, name, born, kelurahan, address=address, kk_number=kk, sex=sex)


def test_same_nik_within_file_and_against_registry():
    rows = [record("row:2", "3375010101800001"), record("row:3", "3375010101800001")]
    registry = [record("person:9", "3375010101800001"), record("person:10", "3375010101800002")]
    pairs = find_pairs(rows, against=registry)
    exact = {(p.left, p.right) for p in pairs if p.is_exact}
    assert exact == {("row:2", "row:3"), ("row:2", "person:9"), ("row:3", "person:9")}
    assert all(p.reasons == (MatchReason.SAME_NIK,) and p.score == 1.0 for p in pairs if p.is_exact)


def test_registry_records_are_not_paired_with_each_other():
    registry = [record("person:1", "3375010101800001"), record("person:2", "3375010101800001")]
    assert find_pairs([], against=registry) == []
    assert find_pairs([record("row:2", name="Sutrisno", born=None)], against=registry) == []


def test_same_kk_only_under_household_rule():
    rows = [
        record("row:2", kk="3375011203100005", name="Slamet Riyadi"),
        record("row:3", kk="3375011203100005", name="Aminah", born=date(1984, 6, 2)),
    ]
    assert find_pairs(rows) == []
    (pair,) = find_pairs(rows, household_rule=True)
    assert pair.reasons == (MatchReason.SAME_KK,)
    assert pair.score == 1.0
    assert not pair.is_exact


@pytest.fixture(scope="module")
def crowd():
    """A kelurahan's worth of other people, so that each pair below is judged among the
    names, birth dates and houses a real search sees."""
    return labelled_sample(total=1500, seed=31).records


def judged(left, right, crowd, **options):
    pairs = find_pairs([left, right], against=crowd, **options)
    return [p for p in pairs if {p.left, p.right} == {"a", "b"}]


ADDRESS = "Jl. Merdeka No. 5 RT 003/RW 002"

# Each probable kind, among them the two errors at once that a person sees without hesitation.
PROBABLE = [
    pytest.param(
        record("a", "3375010101800001", name="Muhammad Rizki", address=ADDRESS),
        record("b", "3375010101810001", name="M. Rizki", born=None, address=ADDRESS),
        {MatchReason.NIK_ONE_DIGIT, MatchReason.SIMILAR_NAME},
        id="nik-one-digit-off",
    ),
    pytest.param(
        record("a", "3375010101800001", name="Budi Santoso", address=ADDRESS),
        record("b", "3375100101800001", name="Drs. Budi Santosa", born=None, address=ADDRESS),
        {MatchReason.NIK_SWAPPED_DIGITS, MatchReason.SIMILAR_NAME},
        id="nik-digits-swapped",
    ),
    pytest.param(
        record("a", "3375011108850001", name="Dewi Lestari", born=date(1985, 8, 11)),
        record("b", "3375011108580001", name="DEWI LESTARI", born=date(1985, 8, 14)),
        {MatchReason.NIK_SWAPPED_DIGITS, MatchReason.SIMILAR_NAME},
        id="nik-swapped-and-birth-date-days-off",
    ),
    pytest.param(
        record("a", "3375010508850001", name="Agus Wibowo", born=date(1985, 8, 5)),
        record("b", "3375010508850007", name="Agus Wibowo", born=date(1985, 5, 8)),
        {MatchReason.NIK_ONE_DIGIT, MatchReason.SIMILAR_NAME},
        id="nik-one-digit-and-day-month-swapped",
    ),
    pytest.param(
        record(
            "a", "3375011108850001", name="Rina Kusuma", born=date(1985, 8, 11), address=ADDRESS
        ),
        record("b", "", name="Rina Kusuma", born=date(1985, 8, 13), address=ADDRESS),
        {MatchReason.SIMILAR_ADDRESS, MatchReason.SIMILAR_NAME},
        id="no-nik-and-birth-date-days-off",
    ),
    pytest.param(
        record("a", "3375014308850001", name="Nur Hidayah", sex="P"),
        record("b", "3375014308580001", name="Nurul Hidayah", sex="P"),
        {MatchReason.NIK_SWAPPED_DIGITS, MatchReason.SAME_BIRTH_DATE},
        id="nurul-and-nik-swapped",
    ),
    pytest.param(
        record("a", "", name="Dewi Lestari", born=None, address=ADDRESS),
        record(
            "b",
            "",
            name="Dewi Lestary",
            born=date(1990, 3, 5),
            address="JALAN MERDEKA 5, RT003/RW002",
        ),
        {MatchReason.SIMILAR_ADDRESS, MatchReason.SIMILAR_NAME},
        id="name-and-address",
    ),
]


@pytest.mark.parametrize(("left", "right", "reasons"), PROBABLE)
def test_probable_duplicate_is_found_with_its_evidence(left, right, reasons, crowd):
    (pair,) = judged(left, right, crowd)
    assert (pair.left, pair.right) == ("a", "b")
    assert reasons <= set(pair.reasons)
    assert not pair.is_exact
    assert DEFAULT_THRESHOLD <= pair.score <= 1.0
    # The probability is the prior odds and each field's weight added up.
    prior = default_model().prior_weight(len(crowd) + 2)
    assert abs(prior + sum(c.weight for c in pair.evidence) - pair.match_weight) < 0.05
    assert abs(probability(pair.match_weight) - pair.score) < 1e-3


APART = [
    pytest.param(
        record("a", "3375010101800001", name="Slamet Riyadi"),
        record("b", "3375010101800002", name="Aminah Lestari"),
        id="nik-one-digit-off-other-name",
    ),
    pytest.param(
        record("a", "", name="Budi Santoso"),
        record("b", "", name="Agus Salim"),
        id="same-birth-date-other-name",
    ),
    pytest.param(
        record("a", "", name="Sri Wahyuni Hastuti", address=ADDRESS),
        record("b", "", name="Dwi Ayu Hastuti", born=date(2004, 7, 9), address=ADDRESS),
        id="family-at-same-address",
    ),
    pytest.param(
        record("a", "", name="Slamet", address=ADDRESS),
        record("b", "", name="Slamet", born=date(2005, 4, 17), address=ADDRESS),
        id="father-and-son-of-same-name",
    ),
    pytest.param(
        record("a", "", name="Slamet Riyadi", kelurahan=SOKODUWET),
        record("b", "", name="Slamet Riyadi"),
        id="same-name-and-birth-date-other-kelurahan",
    ),
    pytest.param(
        record("a", "3375010101800001", name="Slamet Riyadi"),
        record("b", "3375019912800045", name="Slamet Riyadi"),
        id="two-unrelated-niks",
    ),
    pytest.param(
        record("a", "3375010101800001", name="Muhammad Rizki"),
        record("b", "3375010101800002", name="Muhammad Fauzan"),
        id="only-muhammad-in-common",
    ),
    pytest.param(
        # Born the same day in one kecamatan: serials 0001 and 0002, one digit apart.
        record("a", "3375011108850001", name="Ridwan Kusmawati", born=date(1985, 8, 11)),
        record("b", "3375011108850002", name="Karma Kusmawati", born=date(1985, 8, 11)),
        id="consecutive-serials",
    ),
    pytest.param(
        # Twins at one house with one KK: the same birth date, serials one apart.
        record(
            "a",
            "3375011108850001",
            kk="3375011203100005",
            name="Jaga Tampubolon",
            sex="L",
            address=ADDRESS,
        ),
        record(
            "b",
            "3375011108850002",
            kk="3375011203100005",
            name="Jarwi Tampubolon",
            sex="L",
            address=ADDRESS,
        ),
        id="twins-at-one-house",
    ),
    pytest.param(
        # One digit apart, but each NIK agrees with its own record's birth date.
        record("a", "3375013008980001", name="Asmadi", born=date(1998, 8, 30)),
        record("b", "3375013008940001", name="Asmadi", born=date(1994, 8, 30)),
        id="birth-dates-explain-the-nik",
    ),
]


@pytest.mark.parametrize(("left", "right"), APART)
def test_look_alikes_are_not_paired(left, right, crowd):
    assert judged(left, right, crowd) == []


def test_threshold_decides_which_probable_pairs_are_returned():
    left = record("a", "", name="Dewi Lestari")
    right = record("b", "", name="Dewi Lestiani")
    (pair,) = find_pairs([left, right], threshold=0.0)
    assert find_pairs([left, right], threshold=pair.score) == [pair]
    assert find_pairs([left, right], threshold=pair.score + 0.01) == []


def test_big_block_is_compared_with_neighbours_only():
    # 3,000 people of the same name and birth date in one kelurahan: all pairs would be
    # 4.5 million comparisons; the windowed block stays linear.
    people = [
        record(f"row:{n}", name="Slamet", address=f"Jl. Merdeka No. {n}") for n in range(3000)
    ]
    search = search_pairs(people)
    assert search.largest_block == 3000
    assert search.compared <= 3 * len(people) * WINDOW


def test_cost_grows_with_candidates_not_with_square():
    small = search_pairs(labelled_sample(total=1000, seed=3).records)
    large = search_pairs(labelled_sample(total=8000, seed=3).records)
    # 8x the records in as many kelurahan, so blocks grow until they are windowed; n² would
    # be 64x.
    assert large.compared < 20 * small.compared


def test_quality_on_labelled_sample_meets_goal():
    # Two errors at once, twins and crowded names included; the shipped weights.
    sample = labelled_sample(total=4000, seed=11)
    quality = pair_quality(find_pairs(sample.records), sample.true_pairs())
    assert quality.true_positives > 500
    assert quality.f1 >= 0.995, quality
    assert quality.precision >= 0.995, quality


def test_against_pairs_involve_new_records_only():
    sample = labelled_sample(total=2000, seed=5)
    new, registry = sample.records[:500], sample.records[500:]
    new_keys = {r.key for r in new}
    pairs = find_pairs(new, against=registry)
    assert pairs
    assert all(p.left in new_keys for p in pairs)
    truth = {pair for pair in sample.true_pairs() if pair[0] in new_keys or pair[1] in new_keys}
    assert pair_quality(pairs, truth).f1 >= 0.99


def test_records_can_be_handed_over_one_at_a_time():
    sample = labelled_sample(total=1500, seed=5)
    registry = sample.records[1000:]
    from_lists = search_pairs(sample.records[:1000], against=registry, household_rule=True)

    from_iterators = search_pairs(
        iter(sample.records[:1000]), against=iter(registry), household_rule=True
    )

    assert from_iterators == from_lists
    assert len(from_lists.pairs) > 50


def test_a_matching_pair_proposed_by_several_keys_is_scored_and_listed_once():
    # Same NIK, birth date, sound-alike name and address: every kind of key proposes the pair.
    rows = [
        record("row:2", "3375010101800001", name="Slamet Riyadi", address="Jl. Progo 12"),
        record("row:3", "3375010101800001", name="Slamet Riyadi", address="Jl. Progo 12"),
    ]
    search = search_pairs(rows)
    assert [(p.left, p.right) for p in search.pairs] == [("row:2", "row:3")]
    assert search.compared == 1


def _column_pairs_and_references(total: int, seed: int):
    """A labelled sample's candidate pairs and as many random pairs, as arrays, with the
    columns and each record as `match_model.compare` reads it one pair at a time."""
    records = labelled_sample(total=total, seed=seed).records
    columns = build_columns(records)
    prepared = [prepare_record(r) for r in records]
    left, right, _largest = candidate_pairs(columns, len(records), household_rule=True)
    rng = random.Random(seed)  # noqa: S311 - a sample of pairs, not a secret
    drawn = [sorted(rng.sample(range(len(records)), 2)) for _ in range(len(left))]
    left = np.concatenate([left, np.array([i for i, _j in drawn], dtype=np.int64)])
    right = np.concatenate([right, np.array([j for _i, j in drawn], dtype=np.int64)])
    return columns, prepared, left, right


def test_every_pair_gets_the_levels_one_pair_at_a_time_would_give():
    columns, prepared, left, right = _column_pairs_and_references(2000, 17)

    levels = compare_pairs(columns, left, right)

    expected = [compare(prepared[i], prepared[j]) for i, j in zip(left, right, strict=True)]
    assert [tuple(row) for row in levels.tolist()] == expected
    # Every level of every comparison occurs, so none of them went untested.
    seen = {(number, level) for row in expected for number, level in enumerate(row)}
    for number, name in enumerate(COMPARISONS):
        missing = set(range(1, len(COMPARISONS[name]))) - {lv for n, lv in seen if n == number}
        assert not missing or name in {"kk"}, (name, missing)


def test_the_search_weighs_each_pair_as_its_levels_say_and_keeps_those_at_the_threshold():
    columns, prepared, left, right = _column_pairs_and_references(2000, 23)
    model = default_model()
    scorer = Scorer(model, columns, household_rule=True)
    frequencies = match_model.frequencies(prepared)
    kept = scorer.score(columns, left, right)
    found = {
        (i, j): weight for i, j, weight in zip(kept.left, kept.right, kept.weight, strict=True)
    }
    pairs = {(p.left, p.right): p for p in scorer.pairs(columns, kept)}
    turned_down = 0
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        a, b = prepared[i], prepared[j]
        # The whole weight, every field compared one pair at a time, without a shortcut.
        levels = compare(a, b)
        table = model.weights_for(levels)
        weight = scorer.base + sum(table[n][level] for n, level in enumerate(levels))
        if levels[BIRTH] == BIRTH_EXACT and not at_house(levels):
            share = frequencies.birth_dates.get(a.birth_date, frequencies.smallest)
            weight += match_model.tf_adjustment(model.u("birth_date", "exact"), share)
        if levels[NAME] == NAME_EXACT and not at_house(levels):
            share = frequencies.names.get(a.forms.name, frequencies.smallest)
            weight += match_model.tf_adjustment(model.u("name", "exact"), share)
        certain = levels[NIK] == NIK_EXACT or levels[KK] == SAME
        proposed = certain or probability(weight) >= DEFAULT_THRESHOLD
        pair = pairs.get((a.key, b.key))
        assert (pair is not None) == proposed, (a, b, levels, weight)
        if pair is None:
            turned_down += 1
        else:
            assert abs(found[i, j] - weight) < 1e-9
            assert pair.match_weight == round(weight, 2)
    assert turned_down > 200
    assert len(pairs) > 100


def test_the_search_finds_what_the_candidate_pairs_and_the_weights_give():
    sample = labelled_sample(total=3000, seed=11)
    registry = labelled_sample(total=1000, seed=12).records
    search = search_pairs(sample.records, against=registry)
    columns = build_columns([*sample.records, *registry])
    left, right, largest = candidate_pairs(columns, len(sample.records))
    scorer = Scorer(default_model(), columns)
    expected = scorer.pairs(columns, scorer.score(columns, left, right))
    assert search.pairs == sorted(expected, key=lambda p: (-p.score, p.left, p.right))
    assert search.compared == len(left)
    assert search.largest_block == largest
    assert all(i < len(sample.records) for i in left.tolist())


def test_a_large_input_is_shared_with_a_second_process_and_gives_the_same_pairs(monkeypatch):
    import multiprocessing

    started: list[object] = []
    context = multiprocessing.get_context("fork")
    original = context.Process.start

    def counting_start(process):
        started.append(process)
        original(process)

    monkeypatch.setattr(context.Process, "start", counting_start)
    records = labelled_sample(total=500, seed=3).records
    alone = search_pairs(records)
    assert started == []
    # Addresses read by the second process; candidate pairs scored half there.
    monkeypatch.setattr(match_columns, "PARALLEL_FROM", 100)
    monkeypatch.setattr(dedup, "CHUNK", 50)
    shared = search_pairs(records)
    assert len(started) == 2
    assert shared == alone
