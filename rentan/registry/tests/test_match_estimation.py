"""Estimating the weights without labels: EM on a tiny synthetic set, and a whole estimate on
a small labelled sample whose truth is known but never shown to the estimate."""

import math
import random
from collections import Counter

from rentan.registry.dedup_sample import labelled_sample
from rentan.registry.match_columns import build_columns
from rentan.registry.match_estimation import estimate_model, expectation_maximisation
from rentan.registry.match_model import COMPARISONS, default_model


def _draw(rng: random.Random, shares: list[float]) -> int:
    return rng.choices(range(1, len(shares) + 1), shares)[0]


def test_em_recovers_m_and_the_share_of_matches_from_unlabelled_vectors():
    # Two comparisons of three levels (exact, close, other): a fifth of the pairs are one
    # person. EM sees only the vectors and the u of each level.
    rng = random.Random(4)  # noqa: S311 - a synthetic sample, not a secret
    m_true = [[0.8, 0.15, 0.05], [0.7, 0.2, 0.1]]
    u_true = [[0.02, 0.08, 0.9], [0.05, 0.15, 0.8]]
    vectors: Counter[tuple[int, ...]] = Counter()
    for _pair in range(20_000):
        shares = m_true if rng.random() < 0.2 else u_true
        vectors[(_draw(rng, shares[0]), _draw(rng, shares[1]))] += 1
    start = [[0.0, 1 / 3, 1 / 3, 1 / 3]] * 2
    u = [[0.0, *levels] for levels in u_true]

    m, _u, share, _iterations = expectation_maximisation(vectors, start, u, (0, 1), fixed_u=True)

    assert abs(share - 0.2) < 0.03
    for found, true in zip(m, m_true, strict=True):
        assert max(abs(a - b) for a, b in zip(found[1:], true, strict=True)) < 0.05


def test_estimate_gives_weights_of_the_right_sign_and_order_and_a_plausible_prior():
    sample = labelled_sample(total=1000, seed=9)
    records = build_columns(sample.records)

    model = estimate_model(records, start=default_model(), random_limit=30_000).model

    weight = {
        (name, level): value.weight
        for name, levels in model.levels.items()
        for level, value in levels.items()
    }
    assert weight["nik", "exact"] > weight["nik", "one_digit"] > 0 > weight["nik", "other"]
    assert weight["name", "exact"] > weight["name", "similar"] > 0 > weight["name", "other"]
    assert weight["birth_date", "exact"] > weight["birth_date", "days"] > 0
    assert weight["birth_date", "other"] < 0
    assert weight["address", "same"] > 0 > weight["address", "other"]
    assert set(model.levels) == set(COMPARISONS)
    true_prior = len(sample.true_pairs()) / math.comb(len(records), 2)
    assert true_prior / 3 < model.prior < true_prior * 3
    assert model.record_count == len(records)
