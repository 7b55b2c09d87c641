"""The numbers that may be figures: amounts of money, and counts (a number with a measure word,
家, 款, 个…, or an English counted noun) that no amount already covers, in text order. Which of
them are enforcement figures, and of what, is for :mod:`diffing.figures` to decide.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from diffing.amounts import AmountMatch
from diffing.count_objects import _elided_noun, _english_noun
from diffing.figure import Candidate
from diffing.metrics import MetricCatalogue
from diffing.numbers import (
    CN_NUMBER_PATTERN,
    CN_NUMBER_START,
    EN_NUMBER_PATTERN,
    EN_NUMBER_START,
    parse_number,
)
from diffing.scans import compile_scan
from diffing.spans import Occupancy
from diffing.text import PreparedText

__all__ = ["count_candidates", "find_candidates"]


# 家次, 件次, 个次: how many times an action was taken (one company summoned twice counts two),
# not how many things it was taken on.
_NOT_A_COUNT_AFTER = re.compile(r"(?:月|工作日|工作天|小时|百分点|周|季度|年|日|天|分钟|倍|次)")


@lru_cache(maxsize=8)
def _zh_count_pattern(measure_words: tuple[str, ...]) -> re.Pattern[str]:
    units = "|".join(re.escape(word) for word in sorted(measure_words, key=len, reverse=True))
    # Letters glued to a number make a name (Xiaomai5), except the word "app" (下架APP520余个).
    return re.compile(rf"{CN_NUMBER_START}(?<![\d.第])(?<!\d,)(?:(?<=app)|(?<![a-z]))(?P<number>{CN_NUMBER_PATTERN})\s*(?P<unit>{units})")


# (?<!\w(?!\d)) first: a number starts with a digit or where a word starts (the \b of the words),
# so a letter inside a word (most of the letters the scan stops at) fails on one test, not on
# the seven assertions that follow; it adds no condition.
_EN_NUMBER = compile_scan(rf"(?<!\w(?!\d)){EN_NUMBER_START}(?<![\d.$€£¥])(?<!\d,)(?P<number>{EN_NUMBER_PATTERN})")


# A big unit alone, after a qualifier that makes it a number (近万, 将近千, 上万, 逾万): the round
# number itself, as 万余 is.
_ROUND_UNITS = {"千": 1000, "万": 10_000, "亿": 100_000_000}
_ROUND_QUALIFIER = re.compile(r"(?:近|上|逾|超)$")


def count_candidates(prepared: PreparedText, catalogue: MetricCatalogue) -> list[Candidate]:
    text = prepared.text
    found: list[Candidate] = []
    if prepared.language.startswith("zh"):
        for match in _zh_count_pattern(catalogue.measure_words).finditer(text):
            if _NOT_A_COUNT_AFTER.match(text, match.end()):
                continue
            number = match.group("number")
            value = parse_number(number)
            if value is None and number in _ROUND_UNITS and _ROUND_QUALIFIER.search(text, max(0, match.start() - 2),
                                                                                  match.start()):
                # 近万个, 上千家: a round number qualified, its unit alone ("nearly ten thousand").
                value = _ROUND_UNITS[number]
            if value is None:
                continue
            numeral_only = not re.search(r"\d", number)
            if numeral_only and value == 1:
                continue
            unit = match.group("unit")
            found.append(Candidate(match.start(), match.end(), match.end("number"), value,
                                    catalogue.same_unit.get(unit, unit), None, numeral_only))
        return found
    for match in _EN_NUMBER.finditer(text):
        window = max(0, match.start() - 30)
        if " of " in text[window:match.start()] and _PART_OF_WHOLE.search(text, window, match.start()):
            # The whole in "512 of the 8,608 websites" is the base of the part, no figure itself.
            continue
        noun = _english_noun(text, match.end(), catalogue)
        if noun is None or noun[0] in catalogue.english_other_nouns:
            noun = _elided_noun(prepared, match, found) or noun
        if noun is None:
            continue
        unit, noun_end = noun
        value = parse_number(match.group("number"))
        if value is None:
            continue
        numeral_only = not re.search(r"\d", match.group("number"))
        found.append(Candidate(match.start(), noun_end, match.end(), value, unit, None, numeral_only))
    return found


_PART_OF_WHOLE = re.compile(r"\d[\d,.]*\s+of\s+(?:the|these|those|all)\s+$")


def find_candidates(prepared: PreparedText, catalogue: MetricCatalogue,
                amounts: Sequence[AmountMatch]) -> list[Candidate]:
    found: list[Candidate] = []
    taken = Occupancy(len(prepared.text))
    for amount in amounts:
        taken.take(amount.start, amount.end)
        found.append(Candidate(amount.start, amount.end, amount.number_end, amount.amount.value,
                                amount.amount.currency, amount.amount.currency, False))
    for count in count_candidates(prepared, catalogue):
        if taken.free(count.start, count.end):
            found.append(count)
    found.sort(key=lambda candidate: candidate.start)
    return found
