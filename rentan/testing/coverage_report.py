"""Print the test coverage of the pure domain modules, then of the whole of Rentan.

The pure domain modules are the ones that ``pyproject.toml`` holds to mypy's strict typing:
that list is the one place that says which modules are domain logic, so this report reads it
rather than keeping a second list. Run after ``pytest --cov`` has written the coverage data.
"""

from __future__ import annotations

import io
import sys
import tomllib
from pathlib import Path

import coverage

ROOT = Path(__file__).resolve().parents[2]


def domain_module_files(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The files of the modules under mypy's strict override (``disallow_untyped_defs``)."""
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    files: list[str] = []
    for override in config["tool"]["mypy"]["overrides"]:
        if not override.get("disallow_untyped_defs"):
            continue
        for module in override["module"]:
            path = ROOT / (module.replace(".", "/") + ".py")
            if path.exists():
                files.append(str(path))
    return sorted(files)


def main() -> int:
    measured = coverage.Coverage(config_file=str(ROOT / "pyproject.toml"))
    measured.load()
    print("\nCakupan tes — modul domain murni (pure domain modules):")
    domain = measured.report(include=domain_module_files(), skip_empty=True)
    # The whole tree's table is long; its total is enough here (`coverage report` shows it).
    whole = measured.report(skip_empty=True, file=io.StringIO())
    print(f"\nModul domain: {domain:.1f}%   Seluruh Rentan: {whole:.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
