"""Duplicate finding: quality and speed on labelled sets of 4,000, 50,000 and 1,000,000
records, against a plain group-by on the NIK.

Pure Python, no database: it runs on SQLite only. The labelled sets (dedup_sample: two
errors at once, twins, crowded names and houses) know which records are one person, so the
same run reports pair precision, recall and F1 at the default threshold, with the weights
shipped with Rentan and with the weights estimated (without labels) from the set itself, and
says which Rentan searches with at that size (`MatchModel.is_outgrown_by`: a registry that
has doubled past its weights has them estimated again after an import). A registry that has
outgrown the shipped weights may still use weights from half its records, so the largest set
is also searched with the weights estimated on its first half.
RENTAN_BENCH_DEDUP_RECORDS overrides the size of the largest set (for a quick try).
"""

import gc
import os
import time
from collections import defaultdict
from pathlib import Path

from bench.harness import Report, timer

DATABASES = ("sqlite",)
QUALITY_SETS = ((4_000, 11), (50_000, 2026))
RECORDS = int(os.environ.get("RENTAN_BENCH_DEDUP_RECORDS", "1000000"))
F1_GOAL = 0.995
PRECISION_GOAL = 0.995
MATCH_GOAL_SECONDS = 30
ESTIMATE_GOAL_SECONDS = 60
NIK_FLOOR = "group-by on exact NIK (dict)"


def _nik_floor(report: Report, records: list, label: str) -> None:
    # Without the cycle collector, as the matcher runs: else a million lists rescanned
    # would be most of the floor.
    gc.disable()
    try:
        with timer() as floor:
            by_nik: dict[str, list[str]] = defaultdict(list)
            for record in records:
                if record.nik:
                    by_nik[record.nik].append(record.key)
    finally:
        gc.enable()
    report.floor(f"{NIK_FLOOR}{label}", floor[0])


def _quality_line(report: Report, label: str, pairs: list, truth: set) -> object:
    from rentan.registry.dedup_sample import pair_quality

    quality = pair_quality(pairs, truth)
    verdict = (
        "OK" if quality.f1 >= F1_GOAL and quality.precision >= PRECISION_GOAL else "DI BAWAH TARGET"
    )
    report.value(
        label,
        f"P {quality.precision:.4f}  R {quality.recall:.4f}  F1 {quality.f1:.4f}  "
        f"(TP {quality.true_positives}, FP {quality.false_positives}, "
        f"FN {quality.false_negatives})  target F1, P >= {F1_GOAL}: {verdict}",
    )
    return quality


def _measure(report: Report, total: int, seed: int, *, goals: bool) -> None:
    from rentan.registry.dedup import DEFAULT_THRESHOLD, search_pairs
    from rentan.registry.dedup_sample import labelled_sample
    from rentan.registry.match_estimation import estimate_from_records
    from rentan.registry.match_model import default_model

    with timer() as generated:
        sample = labelled_sample(total=total, seed=seed)
    records = sample.records
    size = f"{len(records):,}".replace(",", ".")
    report.value(f"{size} labelled records generated (not counted)", f"{generated[0]:8.2f} s")
    truth = sample.true_pairs()
    suffix = f", {size}"
    _nik_floor(report, records, suffix)

    with timer() as took:
        shipped = search_pairs(records)
    report.figure(
        f"match {size} (shipped weights)",
        took[0],
        floor=f"{NIK_FLOOR}{suffix}",
        goal_seconds=MATCH_GOAL_SECONDS if goals else None,
    )
    report.value(
        "  candidate pairs scored",
        f"{shipped.compared} ({shipped.compared / len(records):.1f} per record); "
        f"largest block {shipped.largest_block}",
    )
    # What Rentan itself would search with at this size: a registry that has outgrown the
    # shipped weights has its own estimated after the import that grew it.
    outgrown = default_model().is_outgrown_by(len(records))
    in_use = {True: " (in use at this size)", False: " (outgrown: not in use at this size)"}
    _quality_line(
        report,
        f"  quality {size}, threshold {DEFAULT_THRESHOLD}{in_use[not outgrown]}",
        shipped.pairs,
        truth,
    )

    with timer() as estimated:
        estimate = estimate_from_records(records, start=default_model())
    report.figure(
        f"estimate the weights on {size} (no labels)",
        estimated[0],
        floor=f"{NIK_FLOOR}{suffix}",
        goal_seconds=ESTIMATE_GOAL_SECONDS if goals else None,
    )
    report.value(
        "  pairs compared for it",
        f"random {estimate.random_pairs}, per rule {estimate.session_pairs}, "
        f"EM iterations {estimate.iterations}",
    )
    with timer() as took:
        own = search_pairs(records, model=estimate.model)
    report.figure(f"match {size} (its own weights)", took[0], floor=f"{NIK_FLOOR}{suffix}")
    used = " (in use at this size)" if outgrown else ""
    _quality_line(report, f"  quality {size}, its own weights{used}", own.pairs, truth)
    if outgrown:
        # A registry that grew to this size re-estimated its weights each time it doubled:
        # the oldest it may still be using came from just over half of its records.
        half = records[: len(records) // 2]
        half_size = f"{len(half):,}".replace(",", ".")
        earlier = estimate_from_records(half, start=default_model())
        with timer() as took:
            grown = search_pairs(records, model=earlier.model)
        report.figure(
            f"match {size} (weights from its first {half_size})",
            took[0],
            floor=f"{NIK_FLOOR}{suffix}",
        )
        _quality_line(
            report,
            f"  quality {size}, weights from {half_size} (the oldest in use at this size)",
            grown.pairs,
            truth,
        )


def run(db: str, report: Report, workdir: Path) -> None:
    for total, seed in QUALITY_SETS:
        _measure(report, total, seed, goals=False)
    started = time.process_time()
    _measure(report, RECORDS, 1, goals=True)
    size = f"{RECORDS:,}".replace(",", ".")
    report.value(f"CPU time of this process, {size}", f"{time.process_time() - started:8.2f} s")
