"""The apps depend on each other one way (docs/architecture.md, "Dependency direction"): the
import graph between them has no cycle, and `core`, which every app uses, uses none of them."""

import ast
from collections import defaultdict
from pathlib import Path

import rentan

PACKAGE = Path(rentan.__file__).parent


def _app_imports() -> dict[str, set[str]]:
    """For each app, the other apps its code imports (tests and migrations left out)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) < 2 or "tests" in parts or "migrations" in parts:
            continue
        app = parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                pieces = name.split(".")
                if pieces[0] == "rentan" and len(pieces) > 1 and pieces[1] != app:
                    graph[app].add(pieces[1])
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of the graph, or [] when it has none (depth-first search)."""
    visiting: list[str] = []
    done: set[str] = set()

    def visit(app: str) -> list[str]:
        if app in visiting:
            return [*visiting[visiting.index(app) :], app]
        if app in done:
            return []
        visiting.append(app)
        for other in sorted(graph.get(app, ())):
            found = visit(other)
            if found:
                return found
        visiting.pop()
        done.add(app)
        return []

    for app in sorted(graph):
        found = visit(app)
        if found:
            return found
    return []


def test_the_apps_import_each_other_one_way_only():
    graph = _app_imports()
    assert graph["reporting"], "the graph was read"  # reporting reads every app
    assert _cycle(graph) == []


def test_core_imports_no_app():
    assert _app_imports().get("core", set()) == set()


def test_a_cycle_is_found_when_there_is_one():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []
