"""A platform name found in a text, before what the notice does to it is read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Found:
    start: int
    end: int
    id: str | None
    kind: str
    # Where the phrase the name heads ends ("E-school of Tianjin Yuhua Education"): lists are
    # read from there.
    tail: int = -1
