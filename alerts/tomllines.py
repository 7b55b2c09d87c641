"""Where an entry of a TOML array of tables (``[[alerts]]``) and its keys sit in the file.

Errors about regwatch.toml name a line, as :class:`crawler.sourcedefs.ConfigError` does for
sources; ``tomllib`` keeps no positions, so the text is scanned for the headers.
"""

from __future__ import annotations

import re


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
