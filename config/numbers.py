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
    """Raise ConfigError at the first non-finite or huge number anywhere in ``document``."""
    for key, value in document.items():
        if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            for index, entry in enumerate(value):  # [[alerts]], [[expectations]]
                for entry_key, entry_value in entry.items():
                    line = entry_line(where.text, key, index, entry_key)
                    _check(entry_value, f"{key}[{index}].{entry_key}", where.file, line)
        else:
            _check_in_table(value, (), key, where, None)


def _check_in_table(value: object, table: tuple[str, ...], key: str, where: Located,
                    inherited: int | None) -> None:
    name = ".".join((*table, key))
    line = (where.line_of(name) if isinstance(value, Mapping) else None) or (
        where.line_of(".".join(table), key) if table else top_level_line(where.text, key)
    ) or inherited
    if isinstance(value, Mapping):
        for child_key, child in value.items():
            _check_in_table(child, (*table, key), child_key, where, line)
    else:
        _check(value, name, where.file, line)


def _check(value: object, name: str, file: str, line: int | None) -> None:
    if isinstance(value, Mapping):
        for key, child in value.items():
            _check(child, f"{name}.{key}", file, line)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            _check(child, f"{name}[{index}]", file, line)
    elif (problem := number_problem(value)) is not None:
        raise ConfigError(file, line, f"{name}: {problem}")

