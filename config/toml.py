"""Reading regwatch.toml and the built-in source files so that errors can name a line.

``tomllib`` keeps no positions, so :class:`Located` and :func:`entry_line` scan the text for
table headers and keys; :func:`read_toml` turns a syntax error into a :class:`ConfigError`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from config.errors import ConfigError


@dataclass
class Located:
    """A raw TOML table with the text it came from, so errors can name a line."""

    file: str
    text: str

    def line_of(self, table: str, key: str | None = None) -> int | None:
        """The line of ``key`` inside ``[table]`` (or of the table header), best effort."""
        header = re.compile(r"^\s*\[\[?\s*" + re.escape(table) + r"\s*\]\]?\s*(#.*)?$")
        dotted_prefix = table.split(".", 1)
        lines = self.text.splitlines()
        current: str | None = None
        header_line = None
        for number, line in enumerate(lines, start=1):
            stripped = line.strip()
            if stripped.startswith("["):
                current = stripped.strip("[] \t").split("#")[0].strip().strip("]").strip()
                if header.match(line):
                    header_line = number
                    if key is None:
                        return number
                continue
            if key is not None and current == table and re.match(
                r"^\s*" + re.escape(key) + r"\s*=", line
            ):
                return number
            # Inline form: [sources] then `cac-wxfb.list.url = ...` or `id = { ... }`.
            if (key is not None and len(dotted_prefix) == 2 and current == dotted_prefix[0]
                    and re.match(r"^\s*" + re.escape(dotted_prefix[1] + "." + key) + r"\s*=",
                                 line)):
                return number
        return header_line


def read_toml(path: Path | str, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        if line is None:
            m = re.search(r"line (\d+)", str(exc))
            line = int(m.group(1)) if m else None
        message = getattr(exc, "msg", None) or re.sub(r"\s*\(at line.*\)$", "", str(exc))
        raise ConfigError(str(path), line, f"not valid TOML: {message}") from None


def entry_line(text: str, array: str, index: int, key: str | None = None) -> int | None:
    """The line of ``key`` in the ``index``-th (from 0) ``[[array]]`` entry, else of its header.

    Best effort: None when the entry cannot be found (an inline array of tables, for example).
    """
    header = re.compile(r"^\s*\[\[\s*" + re.escape(array) + r"\s*\]\]\s*(#.*)?$")
    any_header = re.compile(r"^\s*\[")
    seen = -1
    header_line: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if header.match(line):
            seen += 1
            if seen == index:
                header_line = number
                if key is None:
                    return number
                continue
            if seen > index:
                break
            continue
        if header_line is not None:
            if any_header.match(line):
                break
            if re.match(r"^\s*(" + re.escape(key or "") + r'|"' + re.escape(key or "") + r'")\s*=',
                        line):
                return number
    return header_line


def top_level_line(text: str, key: str) -> int | None:
    """The first line of a top-level ``key``: its ``[key]`` or ``[[key]]`` header, ``key = …``
    or a dotted ``key.x = …``; None when absent."""
    pattern = re.compile(r"^\s*(\[\[?\s*" + re.escape(key) + r"\s*[.\]]|\"?" + re.escape(key)
                         + r"\"?\s*[=.])")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None
