"""Every number a configuration file holds, checked once when it is read: finite, and of a size
the rest of regwatch can compute with.

TOML accepts ``inf``, ``nan`` and integers of any length; a schedule of ``inf`` seconds or a
count of 10**30 passes a ``≥ 1`` check and fails much later (an OverflowError when the service
starts, or a NaN comparison that is never true). The owners of each section check the range
that makes sense for their keys; this refuses what no key can use, with the file and line.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from config.errors import ConfigError
from config.toml import Located, entry_line, top_level_line

# Integers and floats beyond this lose their exactness as floats and overflow datetime
# arithmetic; no setting of regwatch needs them.
MAX_NUMBER = 2**53


def number_problem(value: object) -> str | None:
    """Why ``value`` is no usable configuration number, or None (also for non-numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value!r} is not a finite number"
    if abs(value) > MAX_NUMBER:
        return f"{value!r} is too large (at most {MAX_NUMBER:,})"
    return None


def check_numbers(document: Mapping[str, Any], where: Located) -> None:
    """Raise ConfigError at the first non-finite or huge number anywhere in ``document``.

    Lines are looked for only once a problem is found: a file is read on every crawl.
    """
    for key, value in document.items():
        if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            for index, entry in enumerate(value):  # [[alerts]], [[expectations]]
                for entry_key, entry_value in entry.items():
                    problem = _first_problem(entry_value, f"{key}[{index}].{entry_key}")
                    if problem is not None:
                        line = entry_line(where.text, key, index, entry_key)
                        raise ConfigError(where.file, line, problem)
        else:
            _check_in_table(value, (key,), where)


def _check_in_table(value: object, path: tuple[str, ...], where: Located) -> None:
    if isinstance(value, Mapping):
        for key, child in value.items():
            _check_in_table(child, (*path, key), where)
        return
    problem = _first_problem(value, ".".join(path))
    if problem is not None:
        raise ConfigError(where.file, _line(path, where), problem)


def _line(path: tuple[str, ...], where: Located) -> int | None:
    """The line of the key at ``path``, else of the nearest table or key above it that has one
    (an inline table's key: ``list = { max_pages = … }``)."""
    for depth in range(len(path), 1, -1):
        table, key = ".".join(path[:depth - 1]), path[depth - 1]
        line = where.line_of(f"{table}.{key}") or where.line_of(table, key)
        if line is not None:
            return line
    return top_level_line(where.text, path[0])


def _first_problem(value: object, name: str) -> str | None:
    if isinstance(value, Mapping):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        problem = number_problem(value)
        return None if problem is None else f"{name}: {problem}"
    for key, child in items:
        child_name = f"{name}[{key}]" if isinstance(value, list) else f"{name}.{key}"
        if (problem := _first_problem(child, child_name)) is not None:
            return problem
    return None
