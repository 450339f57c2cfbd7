"""Duplicate finding over 1,000,000 labelled records, against a plain group-by on the NIK.

Pure Python, no database: it runs on SQLite only. The labelled set (dedup_sample) knows which
records are the same person, so the same run reports pair precision, recall and F1.
"""

import time
from collections import defaultdict
from pathlib import Path

from bench.harness import Report, timer

DATABASES = ("sqlite",)
RECORDS = 1_000_000
QUALITY_RECORDS = 50_000
F1_GOAL = 0.98


def _quality(report: Report, label: str, records: int, seed: int) -> None:
    from rentan.registry.dedup import DEFAULT_THRESHOLD, find_pairs
    from rentan.registry.dedup_sample import labelled_sample, pair_quality

    sample = labelled_sample(total=records, seed=seed)
    quality = pair_quality(find_pairs(sample.records), sample.true_pairs())
    verdict = "OK" if quality.f1 >= F1_GOAL else "DI BAWAH TARGET"
    report.value(
        f"{label} ({len(sample.records)} rec, threshold {DEFAULT_THRESHOLD})",
        f"precision {quality.precision:.4f}  recall {quality.recall:.4f}  F1 {quality.f1:.4f}"
        f"  (TP {quality.true_positives}, FP {quality.false_positives}, "
        f"FN {quality.false_negatives})  target F1 >= {F1_GOAL}: {verdict}",
    )


def run(db: str, report: Report, workdir: Path) -> None:
    from rentan.registry.dedup import search_pairs
    from rentan.registry.dedup_sample import labelled_sample, pair_quality

    _quality(report, "quality, labelled sample", QUALITY_RECORDS, seed=2026)

    with timer() as generated:
        sample = labelled_sample(total=RECORDS, seed=1)
    report.value("generate labelled records (not counted)", f"{generated[0]:8.2f} s")

    with timer() as floor:
        by_nik: dict[str, list[str]] = defaultdict(list)
        for record in sample.records:
            if record.nik:
                by_nik[record.nik].append(record.key)
        exact = sum(len(keys) - 1 for keys in by_nik.values() if len(keys) > 1)
    report.floor("group-by on exact NIK (dict)", floor[0])

    cpu_started = time.process_time()
    with timer() as took:
        search = search_pairs(sample.records)
    cpu = time.process_time() - cpu_started
    report.figure(
        f"find_pairs over {len(sample.records)} records",
        took[0],
        floor="group-by on exact NIK (dict)",
        goal_seconds=60,
    )
    report.value("  of which CPU time of this process", f"{cpu:8.2f} s")
    report.value(
        "  candidate pairs scored",
        f"{search.compared} ({search.compared / len(sample.records):.1f} per record; "
        f"all pairs would be {len(sample.records) * (len(sample.records) - 1) // 2:.2e}); "
        f"largest block {search.largest_block}; exact-NIK pairs by the floor {exact}",
    )
    quality = pair_quality(search.pairs, sample.true_pairs())
    report.value(
        "  quality at 1,000,000",
        f"precision {quality.precision:.4f}  recall {quality.recall:.4f}  F1 {quality.f1:.4f}",
    )
