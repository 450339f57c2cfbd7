"""python -m bench [NAME ...]: run every bench/bench_*.py (or those named) on both databases."""

import subprocess
import sys
from pathlib import Path


def main(names: list[str]) -> int:
    modules = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    if names:
        modules = [m for m in modules if m.removeprefix("bench_") in names or m in names]
    failed = 0
    for module in modules:
        databases = getattr(
            __import__(f"bench.{module}", fromlist=["DATABASES"]),
            "DATABASES",
            ("sqlite", "postgresql"),
        )
        for db in databases:
            failed |= subprocess.call([sys.executable, "-m", "bench.harness", module, db])
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
