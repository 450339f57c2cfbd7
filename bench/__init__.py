"""Benchmarks: `make bench`. Each bench_*.py module has `run(db: str, report: Report)`."""
