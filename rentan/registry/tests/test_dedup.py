import itertools
from datetime import date

import pytest

from rentan.registry.dedup import (
    DEFAULT_THRESHOLD,
    WINDOW,
    DedupRecord,
    MatchReason,
    find_pairs,
    search_pairs,
)
from rentan.registry.dedup_sample import labelled_sample, pair_quality

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
) -> DedupRecord:
    return DedupRecord(key, nik, name, born, kelurahan, address=address, kk_number=kk)


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
    assert not pair.is_exact


# Each probable rule, and the look-alikes that must stay apart.
PROBABLE = [
    pytest.param(
        record("a", "3375010101800001", name="Muhammad Rizki"),
        record("b", "3375010101810001", name="M. Rizki", born=None),
        {MatchReason.NIK_ONE_DIGIT, MatchReason.SIMILAR_NAME},
        id="nik-one-digit-off",
    ),
    pytest.param(
        record("a", "3375010101800001", name="Siti Aminah", kelurahan=SOKODUWET),
        record("b", "3357010101800001", name="St. Aminah", born=None),
        {MatchReason.NIK_SWAPPED_DIGITS, MatchReason.SIMILAR_NAME},
        id="nik-digits-swapped-across-pairs",
    ),
    pytest.param(
        record("a", "3375010101800001", name="Budi Santoso"),
        record("b", "3375100101800001", name="Drs. Budi Santosa", born=None),
        {MatchReason.NIK_SWAPPED_DIGITS, MatchReason.SIMILAR_NAME},
        id="nik-digits-swapped-within-pair",
    ),
    pytest.param(
        record("a", "", name="H. Mochammad Yusuf"),
        record("b", "3375010101800001", name="MUHAMAD YUSUF"),
        {MatchReason.SAME_BIRTH_DATE, MatchReason.SAME_KELURAHAN, MatchReason.SIMILAR_NAME},
        id="birth-date-and-name-in-kelurahan",
    ),
    pytest.param(
        record("a", "", name="Dewi Lestari", born=None, address="Jl. Merdeka No. 5 RT 3 RW 2"),
        record(
            "b",
            "",
            name="Dewi Lestary",
            born=date(1990, 3, 5),
            address="JALAN MERDEKA 5, RT003/RW002",
        ),
        {MatchReason.SIMILAR_ADDRESS, MatchReason.SAME_KELURAHAN, MatchReason.SIMILAR_NAME},
        id="name-and-address",
    ),
]


@pytest.mark.parametrize(("left", "right", "reasons"), PROBABLE)
def test_probable_duplicate_is_found_with_its_reasons(left, right, reasons):
    (pair,) = find_pairs([left, right])
    assert (pair.left, pair.right) == ("a", "b")
    assert set(pair.reasons) == reasons
    assert not pair.is_exact
    assert DEFAULT_THRESHOLD <= pair.score <= 1.0


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
        record("a", "", name="Sri Wahyuni Hastuti", address="Jl. Merdeka No. 5"),
        record("b", "", name="Dwi Ayu Hastuti", born=date(2004, 7, 9), address="Jl. Merdeka No. 5"),
        id="family-at-same-address",
    ),
    pytest.param(
        record("a", "", name="Slamet", address="Jl. Merdeka No. 5"),
        record("b", "", name="Slamet", born=date(2005, 4, 17), address="Jl. Merdeka No. 5"),
        id="father-and-son-of-same-name",
    ),
    pytest.param(
        record("a", "", name="Slamet Riyadi", address="Jl. Merdeka No. 5"),
        record("b", "", name="Slamet Riyadi", born=None, address="Jl. Merdeka No. 51"),
        id="same-name-other-house",
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
        # One digit apart, but each NIK agrees with its own record's birth date.
        record("a", "3375013008980001", name="Asmadi", born=date(1998, 8, 30)),
        record("b", "3375013008940001", name="Asmadi", born=date(1994, 8, 30)),
        id="birth-dates-explain-the-nik",
    ),
]


@pytest.mark.parametrize(("left", "right"), APART)
def test_look_alikes_are_not_paired(left, right):
    assert find_pairs([left, right]) == []


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
    assert large.compared < 12 * small.compared  # 8x the records; n² would be 64x


def test_quality_on_labelled_sample_meets_goal():
    sample = labelled_sample(total=4000, seed=11)
    quality = pair_quality(find_pairs(sample.records), sample.true_pairs())
    assert quality.true_positives > 300
    assert quality.f1 >= 0.98, quality


def test_against_pairs_involve_new_records_only():
    sample = labelled_sample(total=2000, seed=5)
    new, registry = sample.records[:500], sample.records[500:]
    new_keys = {r.key for r in new}
    pairs = find_pairs(new, against=registry)
    assert pairs
    assert all(p.left in new_keys for p in pairs)
    truth = {pair for pair in sample.true_pairs() if pair[0] in new_keys or pair[1] in new_keys}
    assert pair_quality(pairs, truth).f1 >= 0.98


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


def test_pairs_set_aside_without_comparing_names_are_pairs_the_score_turns_down():
    from rentan.registry.dedup import _candidate_pairs, _kinds, _no_evidence, _prepare, _score

    prepared = [_prepare(r) for r in labelled_sample(total=3000, seed=17).records]
    set_aside = scored = 0
    for blocks in _kinds(prepared, True):
        for i, j in (
            pair for members in blocks.groups for pair in _candidate_pairs(members, blocks.order)
        ):
            if _no_evidence(prepared[i], prepared[j], True):
                set_aside += 1
                assert _score(prepared[i], prepared[j], True) == (0.0, ())
            else:
                scored += 1
    assert set_aside > 10
    assert scored > 100


def test_two_processes_find_exactly_what_one_process_finds():
    sample = labelled_sample(total=3000, seed=11)
    registry = labelled_sample(total=1000, seed=12).records
    alone = search_pairs(sample.records, against=registry, parallel_from=10**9)
    shared = search_pairs(sample.records, against=registry, parallel_from=0)
    assert alone.pairs
    assert shared.pairs == alone.pairs
    assert shared.largest_block == alone.largest_block
    # A matching pair found by one kind of key is not scored again by the later kinds of the
    # same process: shared, a few more are scored.
    assert alone.compared <= shared.compared <= alone.compared + len(alone.pairs) * 10


def test_the_work_is_shared_with_a_second_process_only_for_large_inputs(monkeypatch):
    import multiprocessing

    started: list[object] = []
    context = multiprocessing.get_context("fork")
    original = context.Process.start

    def counting_start(process):
        started.append(process)
        original(process)

    monkeypatch.setattr(context.Process, "start", counting_start)
    records = labelled_sample(total=500, seed=3).records
    search_pairs(records, parallel_from=10**9)
    assert started == []
    search_pairs(records, parallel_from=100)
    assert len(started) == 1


def test_a_name_similarity_cut_short_at_the_gate_judges_every_pair_as_the_full_one():
    from rentan.registry.dedup import NAME_GATE, _name_forms, _name_similarity

    forms = [_name_forms(r.name) for r in labelled_sample(total=400, seed=23).records]
    above = 0
    for a, b in itertools.combinations(forms, 2):
        full = _name_similarity(a, b)
        cut = _name_similarity(a, b, NAME_GATE)
        assert (cut >= NAME_GATE) == (full >= NAME_GATE)
        if full >= NAME_GATE:
            above += 1
            assert cut == full
    assert above > 20
