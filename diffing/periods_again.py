"""Periods a text names again by reference: the span it stated before (“during the two months”,
一年来 in a report of one year, 此期间) and the same span in another year (2024年同期)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from diffing.period import PeriodMention
from diffing.scans import compile_scan

__all__ = ["same_span_of_another_year", "spans_named_again"]

_SPAN_AGAIN = compile_scan(
    r"\b(?:during|over|throughout)\s+(?:the|this|that)\s+(?:(?:two|three|four|five|six|\d+)[\s-]+)?"
    r"(?:period|months|month-long\s+\w+|weeks)\b"
    # (过去一年来 and 近一年来 are the rolling year before publication, read elsewhere)
    r"|(?<![过去近])(?P<year>一年来)|(?:在此|这一?|此)期间")


def spans_named_again(text: str, mentions: list[PeriodMention], carries: Callable[[int, int], bool],
                      inside_range: Callable[[re.Match[str]], bool] | None) -> list[PeriodMention]:
    """Mentions for the words that name the span the text stated before them (a year for 一年来),
    framing what follows as that span does; none where no span was stated."""
    found = []
    for match in _SPAN_AGAIN.finditer(text):
        earlier = [mention for mention in mentions if mention.period is not None and mention.end <= match.start()
                   and not mention.comparison and (match.group("year") is None or mention.period.kind == "year")]
        if not earlier or (inside_range is not None and inside_range(match)):
            continue
        stated = max(earlier, key=lambda mention: mention.start).period
        found.append(PeriodMention(match.start(), match.end(), stated, False, carries(match.start(), match.end())))
    return found


# 2024年同期，… heading its sentence: the span the text reports, in that year.
_SAME_SPAN_AFTER = re.compile(r"\s*同期")


def same_span_of_another_year(text: str, mentions: list[PeriodMention],
                              sentence_start: Callable[[str, int], int]) -> list[PeriodMention]:
    """A year followed by 同期 that opens its sentence (2025年1-6月，…。2024年同期，…) is no
    comparison's base but the span the text reports, in that year: it frames its sentence as
    the span it repeats does."""
    read = []
    for index, mention in enumerate(mentions):
        same = _SAME_SPAN_AFTER.match(text, mention.end)
        if same is not None and mention.period is not None and mention.period.kind == "year" \
                and sentence_start(text, mention.start) == mention.start:
            spans = [earlier.period for earlier in mentions[:index]
                     if earlier.period is not None and not earlier.comparison and earlier.carries
                     and earlier.period.kind in ("half", "quarter", "range")
                     and (earlier.period.first is None or earlier.period.first.year == earlier.period.year)]
            if spans:
                mention = replace(mention, end=same.end(), period=spans[-1].in_year(mention.period.year),
                                  comparison=False, carries=True)
        read.append(mention)
    return read
