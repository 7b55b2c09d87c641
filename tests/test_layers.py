"""The direction of imports: each part of regwatch imports only the parts below it.

Bottom to top: config, diffing, storage, alerts, crawler, web, scheduler, cli. Imports inside
functions count; no module may take part in an import cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LAYERS = ("config", "diffing", "storage", "alerts", "crawler", "web", "scheduler", "cli")
# Imports against the order that another change in progress removes (the storage and diffing
# split); delete an entry here when its import is gone.
PENDING = {("storage", "alerts"), ("diffing", "storage")}


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for layer in LAYERS:
        single = REPO / f"{layer}.py"
        if single.is_file():
            found[layer] = single
        for path in sorted((REPO / layer).rglob("*.py")) if (REPO / layer).is_dir() else ():
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _imported(name: str, path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """The regwatch modules ``name`` imports, anywhere in its body."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: set(_imported(name, path, modules)) for name, path in modules.items()}


def test_each_part_imports_only_the_parts_below_it() -> None:
    wrong = set()
    for name, targets in _graph().items():
        layer = LAYERS.index(name.split(".")[0])
        for target in targets:
            other = target.split(".")[0]
            if LAYERS.index(other) > layer and (name.split(".")[0], other) not in PENDING:
                wrong.add(f"{name} imports {target}")
    assert sorted(wrong) == []


def test_no_module_is_part_of_an_import_cycle() -> None:
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert cycles == []
