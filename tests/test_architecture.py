"""The layout ARCHITECTURE.md describes: which package may import which, no import cycles, no
catch-all modules. Imports inside functions and under TYPE_CHECKING count: a lazy import is still
a dependency a reader has to follow."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Each product package and the packages it may import, lowest first. ARCHITECTURE.md explains
# the order: a notice flows up this list, and nothing below may know what sits above it.
MAY_IMPORT: dict[str, frozenset[str]] = {}
_LAYERS = ("config", "diffing", "storage", "alerts", "crawler", "web", "scheduler", "cli")
for _position, _package in enumerate(_LAYERS):
    MAY_IMPORT[_package] = frozenset(_LAYERS[:_position])
# The service loop runs crawls and sends alerts; it does not serve pages (cli serve starts both).
MAY_IMPORT["scheduler"] = MAY_IMPORT["scheduler"] - {"web"}

MAX_MODULE_LINES = 900


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the imported product module (or package), dotted
    line: int


def product_modules() -> dict[str, Path]:
    """Every product module by dotted name (tests and benchmarks are not product code)."""
    modules: dict[str, Path] = {}
    for package in _LAYERS:
        single = ROOT / f"{package}.py"
        if single.exists():
            modules[package] = single
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts and "versions" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _imports(module: str, path: Path, known: dict[str, Path]) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package_parts = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            names = [f"{stem}.{alias.name}" for alias in node.names] + [stem]
        for name in names:
            target = _known_prefix(name, known)
            if target and target != module:
                yield Import(module, target, node.lineno)


def _known_prefix(name: str, known: dict[str, Path]) -> str | None:
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def import_graph() -> dict[str, list[Import]]:
    modules = product_modules()
    return {name: list(_imports(name, path, modules)) for name, path in modules.items()}


def test_every_layer_exists() -> None:
    modules = product_modules()
    assert set(_LAYERS) <= {name.split(".")[0] for name in modules}
    assert len(modules) > 50


def test_packages_import_only_the_layers_below_them() -> None:
    wrong = [
        f"{imp.module}:{imp.line} imports {imp.target}"
        for imports in import_graph().values()
        for imp in imports
        if (source := imp.module.split(".")[0]) != (target := imp.target.split(".")[0])
        and target not in MAY_IMPORT[source]
    ]
    assert wrong == [], "imports against the direction in ARCHITECTURE.md:\n" + "\n".join(wrong)


def test_no_import_cycles_between_modules() -> None:
    graph = {name: {imp.target for imp in imports} for name, imports in import_graph().items()}
    cycles = _cycles(graph)
    assert cycles == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("name", sorted(product_modules()))
def test_no_catch_all_module(name: str) -> None:
    lines = len(product_modules()[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{name} has {lines} lines: split it by concern"
