"""The one CSV writer of regwatch: cells a spreadsheet would run as formulas are neutralised.

Archived titles and texts are data; a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is a formula to Excel, LibreOffice and Google Sheets (``=HYPERLINK(…)`` sends
the reader's data away), so such a cell gets a leading apostrophe (OWASP's CSV injection
advice). Numbers stay numbers, negative ones included. Every command that writes CSV uses
:class:`CsvWriter`.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from cli.terminal import inert

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    raise TypeError(f"{type(value).__name__} is not JSON")


def csv_cell(value: object) -> object:
    """``value`` safe for a CSV opened in a spreadsheet: text that would start a formula gets a
    leading apostrophe, a number (``-12.5`` as text too) stays as it is; nested values become
    JSON (and are checked like any text)."""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, default=_json_default)
    if (isinstance(value, str) and value.startswith(FORMULA_STARTS)
            and not _NUMBER.fullmatch(value)):
        return "'" + value
    return value


class CsvWriter:
    """Rows of named cells written as CSV, a header first, each cell through :func:`csv_cell`.

    On a terminal the cells are also :func:`cli.terminal.inert`; a file gets them as they are.
    """

    def __init__(self, stream: IO[str], fieldnames: Sequence[str]) -> None:
        self._writer = csv.DictWriter(stream, fieldnames=list(fieldnames))
        self._terminal = stream.isatty()

    def writeheader(self) -> None:
        self._writer.writerow({name: self._cell(name) for name in self._writer.fieldnames})

    def writerow(self, row: Mapping[str, Any]) -> None:
        self._writer.writerow({key: self._cell(value) for key, value in row.items()})

    def writerows(self, rows: Sequence[Mapping[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)

    def _cell(self, value: object) -> object:
        cell = csv_cell(value)
        return inert(cell) if self._terminal and isinstance(cell, str) else cell
