"""Reporting periods: a year, a half-year or a quarter, found in notice text and resolved
against the notice's publication date ("今年上半年" published 2023-07-20 is 2023-H1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

__all__ = ["Period", "PeriodMention", "find_period_mentions", "period_words"]

_ORDINALS_EN = {1: "first", 2: "second", 3: "third", 4: "fourth"}
_ORDINALS_ZH = {1: "一", 2: "二", 3: "三", 4: "四"}


def period_words(text: str | None, language: str = "en") -> str | None:
    """A period as people write it: "2023-H1" is "the first half of 2023" or "2023年上半年",
    "2023-Q3" "the third quarter of 2023" or "2023年第三季度", "2023" "2023" or "2023年".
    ``None`` for no period; text that is not a period comes back as it is."""
    if not text:
        return None
    period = _parse(text)
    chinese = language.startswith("zh")
    if period is None:
        return text
    if period.kind == "half":
        if chinese:
            return f"{period.year}年{'上' if period.part == 1 else '下'}半年"
        return f"the {_ORDINALS_EN[period.part]} half of {period.year}"
    if period.kind == "quarter":
        if chinese:
            return f"{period.year}年第{_ORDINALS_ZH[period.part]}季度"
        return f"the {_ORDINALS_EN[period.part]} quarter of {period.year}"
    return f"{period.year}年" if chinese else str(period.year)


@dataclass(frozen=True, order=True)
class Period:
    """``2023`` (kind "year", part 0), ``2023-H1`` (kind "half"), ``2023-Q3`` (kind "quarter")."""

    year: int
    kind: str = "year"
    part: int = 0

    def __str__(self) -> str:
        if self.kind == "half":
            return f"{self.year}-H{self.part}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.part}"
        return str(self.year)

    @classmethod
    def parse(cls, text: str | None) -> Period | None:
        """The period written as ``str(period)``; ``None`` for anything else."""
        return _parse(text)

    def end(self) -> date:
        """The last day of the period."""
        if self.kind == "year":
            return date(self.year, 12, 31)
        last_month = self.part * (6 if self.kind == "half" else 3)
        if last_month == 12:
            return date(self.year, 12, 31)
        return date(self.year, last_month + 1, 1) - timedelta(days=1)


_WRITTEN = re.compile(r"(\d{4})(?:-(H[12]|Q[1-4]))?")


# Comparing a notice's figures with the archive's parses the same few dozen period strings
# thousands of times; a Period is immutable, so one instance per string is shared.
@lru_cache(maxsize=1024)
def _parse(text: str | None) -> Period | None:
    if not text:
        return None
    match = _WRITTEN.fullmatch(text.strip())
    if not match:
        return None
    year = int(match.group(1))
    part = match.group(2)
    if part is None:
        return Period(year)
    return Period(year, "half" if part[0] == "H" else "quarter", int(part[1]))


@dataclass(frozen=True)
class PeriodMention:
    """A period named in prepared text. ``period`` is ``None`` for a span that is a period of a
    kind regwatch does not compare (前三季度, "first nine months"): it ends the previous one.
    A ``comparison`` mention ("比2022年", "on 2022") names the base of a comparison and does
    not become the period of the figures after it."""

    start: int
    end: int
    period: Period | None
    comparison: bool


_CN_YEAR_DIGITS = {"〇": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
                   "六": "6", "七": "7", "八": "8", "九": "9"}
_CN_PART = (
    r"(?P<part>上半年|下半年|前三季度|第?[一二三四1-4]季度|[一二三四1-4]季|全年|年度)?"
)
_ZH_PERIOD = re.compile(
    r"(?:(?P<year>(?:19|20)\d{2}|[二][〇零][一二三四五六七八九〇零]{2})\s*年(?!\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月)(?:度)?"
    r"|(?P<relative>今年|本年|去年|上年|前年))\s*"
    + _CN_PART
    + r"|(?<![年季])(?P<bare>上半年|下半年|前三季度|第?[一二三四1-4]季度)"
)
_ZH_COMPARISON_BEFORE = re.compile(r"(?:比|较|同比|环比|相比|与|和|对比)\s*$")
_ZH_COMPARISON_AFTER = re.compile(r"^\s*(?:同期|相比|比较)")

_ORDINAL = r"(?P<ordinal>first|second|third|fourth|1st|2nd|3rd|4th)"
_EN_PERIOD = re.compile(
    r"(?<![a-z0-9])(?:"
    r"(?:the\s+)?" + _ORDINAL + r"\s+(?P<unit>half|quarter)\s+(?:of\s+)?(?:(?P<year1>(?:19|20)\d{2})|(?P<rel1>this year|last year|the year))"
    r"|(?P<code>[hq][1-4])\s*(?P<year2>(?:19|20)\d{2})"
    r"|(?P<year3>(?:19|20)\d{2})\s*(?P<code2>[hq][1-4])"
    r"|(?P<nine>first nine months|first three quarters)\s+(?:of\s+)?(?:(?:19|20)\d{2}|this year|the year)"
    r"|(?:in|during|throughout|for|of|since)\s+(?:the\s+(?:whole\s+|full\s+)?year\s+(?:of\s+)?)?(?P<year4>(?:19|20)\d{2})(?!\s*[-/])"
    r"|(?P<year5>(?:19|20)\d{2})(?='s)"
    r"|(?P<rel2>this year|last year)"
    r")(?![a-z0-9])"
)
_EN_COMPARISON_BEFORE = re.compile(
    r"(?:than|from|compared\s+(?:with|to)|on|over|versus|vs\.?|against|up|down)\s+(?:in\s+|the\s+)?$"
)


def find_period_mentions(text: str, published: date | None) -> list[PeriodMention]:
    """Periods named in prepared (Simplified, lower-cased) ``text``, in order.

    Relative mentions (今年, 去年, "last year") need ``published`` and are skipped without it.
    A bare half or quarter (一季度, "the first quarter of the year") is the latest such period
    that has ended by publication: 四季度 published in January is last year's.
    """
    mentions: list[PeriodMention] = []
    for match in _ZH_PERIOD.finditer(text):
        period, known = _zh_period(match, published)
        if not known:
            continue
        before = text[max(0, match.start() - 4):match.start()]
        after = text[match.end():match.end() + 4]
        comparison = bool(_ZH_COMPARISON_BEFORE.search(before) or _ZH_COMPARISON_AFTER.search(after))
        mentions.append(PeriodMention(match.start(), match.end(), period, comparison))
    for match in _EN_PERIOD.finditer(text):
        period, known = _en_period(match, published)
        if not known:
            continue
        before = text[max(0, match.start() - 20):match.start()]
        comparison = bool(_EN_COMPARISON_BEFORE.search(before))
        mentions.append(PeriodMention(match.start(), match.end(), period, comparison))
    mentions.sort(key=lambda mention: mention.start)
    return mentions


def _zh_period(match: re.Match[str], published: date | None) -> tuple[Period | None, bool]:
    part = match.group("part") or match.group("bare")
    year: int | None = None
    if match.group("year"):
        digits = match.group("year")
        year = int("".join(_CN_YEAR_DIGITS.get(ch, ch) for ch in digits))
    elif match.group("relative"):
        if published is None:
            return None, False
        year = published.year + {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "前年": -2}[match.group("relative")]
    if part == "前三季度":
        return None, True
    kind, index = _zh_part(part)
    if year is None:
        if published is None:
            return None, False
        return _latest_ended(kind, index, published), True
    return Period(year, kind, index), True


def _zh_part(part: str | None) -> tuple[str, int]:
    if not part or part in ("全年", "年度"):
        return "year", 0
    if part == "上半年":
        return "half", 1
    if part == "下半年":
        return "half", 2
    digit = re.search(r"[一二三四1-4]", part)
    assert digit is not None
    character = digit.group(0)
    return "quarter", ("一二三四".find(character) + 1) if character in "一二三四" else int(character)


def _en_period(match: re.Match[str], published: date | None) -> tuple[Period | None, bool]:
    if match.group("nine"):
        return None, True
    ordinal = match.group("ordinal")
    if ordinal:
        index = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}[ordinal]
        kind = "half" if match.group("unit") == "half" else "quarter"
        if kind == "half" and index > 2:
            return None, False
        if match.group("year1"):
            return Period(int(match.group("year1")), kind, index), True
        if published is None:
            return None, False
        relative = match.group("rel1")
        if relative == "this year":
            return Period(published.year, kind, index), True
        if relative == "last year":
            return Period(published.year - 1, kind, index), True
        return _latest_ended(kind, index, published), True
    code = match.group("code") or match.group("code2")
    if code:
        year = int(match.group("year2") or match.group("year3"))
        return Period(year, "half" if code[0] == "h" else "quarter", int(code[1])), True
    year_text = match.group("year4") or match.group("year5")
    if year_text:
        return Period(int(year_text)), True
    relative = match.group("rel2")
    if relative and published is not None:
        return Period(published.year - (relative == "last year")), True
    return None, False


def _latest_ended(kind: str, index: int, published: date) -> Period:
    candidate = Period(published.year, kind, index)
    if candidate.end() >= published:
        return Period(published.year - 1, kind, index)
    return candidate
