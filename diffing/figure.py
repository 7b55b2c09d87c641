"""What a figure is: the ``Figure`` extraction returns, and the candidate, verdict and draft it is built from."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

__all__ = ["EXTRACTOR_VERSION", "Candidate", "Draft", "Figure", "Verdict"]

# Bump when extraction behaviour changes (code or built-in data), so archived extractions made
# by an older extractor can be found and redone.
EXTRACTOR_VERSION = "1.18.0"


@dataclass(frozen=True)
class Figure:
    """One figure as the notice states it.

    ``value`` is an ``int`` for counts and a ``Decimal`` for money (``currency`` set, ``unit``
    the same ISO code). ``start``/``end`` index the original text, ``text`` is
    ``original[start:end]``: the number with its unit and, when the metric's verb is in the same
    clause, the verb too (约谈网站10646家).

    ``role`` says what a money amount is (one of ``ROLES``; ``None`` for counts): only the
    ``FINE_ROLES`` keep the metric ``fine_amount``, the others have ``metric=None``.
    ``party`` is the company or platform the figure is about, where the text names one.
    ``other_spans`` are the original spans of the same fact stated again (a headline, a
    restatement in another currency); ``part_of`` is the ``start`` of the total a part sums to.
    """

    metric: str | None
    value: int | Decimal
    unit: str
    currency: str | None
    period: str | None
    scope: str | None
    start: int
    end: int
    text: str
    sentence: str
    extractor_version: str
    role: str | None = None
    party: str | None = None
    other_spans: tuple[tuple[int, int], ...] = ()
    part_of: int | None = None


# --- the forms a figure passes through while it is found (see :mod:`diffing.figures`) -------


@dataclass(frozen=True)
class Candidate:
    start: int  # the number, in prepared text
    end: int  # end of the unit
    number_end: int
    value: int | Decimal
    unit: str  # measure word, English unit, or currency code
    currency: str | None
    numeral_only: bool  # written in Chinese numerals only (三个方面): kept only when classified


@dataclass(frozen=True)
class Verdict:
    metric: str
    score: tuple[int, int, int, int, int, int]
    spans: tuple[tuple[int, int], ...]


@dataclass
class Draft:
    index: int
    candidate: Candidate
    metric: str | None
    role: str | None
    start: int
    end: int
    period: str | None
    scope: str | None
    other_spans: list[tuple[int, int]] = field(default_factory=list)
    part_of: Draft | None = None
