"""A side-by-side diff of two texts: line pairs, each line cut into changed and unchanged
pieces, for a two-column page."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffLine:
    """One row of a side-by-side diff: ``tag`` is equal, replace, delete or insert."""

    tag: str
    old: str | None
    new: str | None
    old_number: int | None
    new_number: int | None

    def old_pieces(self) -> list[tuple[str, bool]]:
        """The old line cut into (text, changed) pieces, changed against the new line."""
        return _pieces(self.old or "", self.new or "", old_side=True) if self.tag == "replace" else [
            (self.old or "", self.tag == "delete")
        ]

    def new_pieces(self) -> list[tuple[str, bool]]:
        return _pieces(self.old or "", self.new or "", old_side=False) if self.tag == "replace" else [
            (self.new or "", self.tag == "insert")
        ]


def _pieces(old: str, new: str, *, old_side: bool) -> list[tuple[str, bool]]:
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    pieces: list[tuple[str, bool]] = []
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        text = old[old_start:old_end] if old_side else new[new_start:new_end]
        if text:
            pieces.append((text, tag != "equal"))
    return pieces



def side_by_side(old: str, new: str) -> list[DiffLine]:
    """Line pairs for a two-column diff; unchanged lines are kept so both texts read whole."""
    old_lines = old.splitlines()
    new_lines = new.splitlines()
    rows: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        span = max(old_end - old_start, new_end - new_start)
        for offset in range(span):
            old_index = old_start + offset
            new_index = new_start + offset
            rows.append(
                DiffLine(
                    tag=tag,
                    old=old_lines[old_index] if old_index < old_end else None,
                    new=new_lines[new_index] if new_index < new_end else None,
                    old_number=old_index + 1 if old_index < old_end else None,
                    new_number=new_index + 1 if new_index < new_end else None,
                )
            )
    return rows


