"""Spans over prepared text, found without quadratic scans: which positions are taken, and
which sorted, non-overlapping spans fall inside a range."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

__all__ = ["Occupancy", "SortedSpans"]

_T = TypeVar("_T")


class Occupancy:
    """Positions of a text already claimed by a match (a byte per character)."""

    def __init__(self, length: int) -> None:
        self._taken = bytearray(length)

    def free(self, start: int, end: int) -> bool:
        return self._taken.find(1, start, end) == -1

    def take(self, start: int, end: int) -> None:
        self._taken[start:end] = b"\x01" * (end - start)


class SortedSpans(Generic[_T]):
    """Items with spans, sorted by start; ``within`` finds those inside a range by bisection."""

    def __init__(self, items: Sequence[_T], start: Callable[[_T], int], end: Callable[[_T], int]) -> None:
        starts = [start(item) for item in items]
        if starts == sorted(starts):
            # Found in text order already (most are): the stable sort would keep this order.
            self._items = list(items)
            self._starts = starts
        else:
            self._items = sorted(items, key=start)
            self._starts = [start(item) for item in self._items]
        self._end = end

    def within(self, start: int, end: int) -> list[_T]:
        """Items starting at or after ``start`` and ending at or before ``end``, in order."""
        found = []
        index = bisect_left(self._starts, start)
        while index < len(self._items) and self._starts[index] < end:
            item = self._items[index]
            if self._end(item) <= end:
                found.append(item)
            index += 1
        return found

    def starting(self, start: int, end: int) -> list[_T]:
        """Items starting in ``[start, end)``, in order."""
        return self._items[bisect_left(self._starts, start):bisect_left(self._starts, end)]

    def last_before(self, position: int) -> _T | None:
        """The last item starting before ``position``."""
        index = bisect_left(self._starts, position) - 1
        return self._items[index] if index >= 0 else None
