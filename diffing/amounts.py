"""Finding money amounts in prepared notice text (人民币50万元, 5000万元, $5 million, €3 billion)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from diffing.numbers import CN_NUMBER_PATTERN, Amount, currency_markers, parse_amount

__all__ = ["AmountMatch", "find_amounts"]


@dataclass(frozen=True)
class AmountMatch:
    start: int
    end: int
    amount: Amount
    number_start: int
    number_end: int


_SCALE = r"(?:\s*(?:thousand|million|billion|trillion|mn|bn|m|k)(?![a-z]))?"


def _alternation(words: list[str]) -> str:
    parts = []
    for word in sorted(words, key=len, reverse=True):
        body = r"\s*".join(re.escape(piece) for piece in word.split())
        if re.match(r"[a-z]", word):
            body = r"(?<![a-z])" + body
        if re.search(r"[a-z]$", word):
            body += r"(?![a-z])"
        parts.append(body)
    return "|".join(parts)


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    prefixes, suffixes = currency_markers()
    number = rf"(?<![\d.,])(?P<number>{CN_NUMBER_PATTERN}{_SCALE})"
    prefix = _alternation(list(prefixes))
    suffix = _alternation(list(suffixes))
    with_prefix = re.compile(rf"(?:{prefix})\s*{number}(?:\s*(?:{suffix}))?")
    with_suffix = re.compile(rf"{number}\s*(?:{suffix})")
    return with_prefix, with_suffix


def find_amounts(text: str) -> list[AmountMatch]:
    """Money amounts in prepared ``text``, in order, none overlapping; a currency word before
    or after the number is required."""
    found: list[AmountMatch] = []
    taken: list[tuple[int, int]] = []
    for pattern in _patterns():
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < other_end and other_start < end for other_start, other_end in taken):
                continue
            amount = parse_amount(match.group(0))
            if amount is None:
                continue
            taken.append((start, end))
            found.append(AmountMatch(start, end, amount, match.start("number"), match.end("number")))
    found.sort(key=lambda amount: amount.start)
    return found
