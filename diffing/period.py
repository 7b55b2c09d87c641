"""A period a figure covers (a year, a half, a quarter, a span of months or days), how people write
it, and where a text states one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

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
    """``2023`` (kind "year", part 0), ``2023-H1`` (kind "half"), ``2023-Q3`` (kind "quarter"),
    or a span (kind "range") from ``first`` to ``last`` written by months, ``2021-01..2021-11``,
    or by days where the text gives days, ``2023-03-10..2023-05-22``.

    A range's ``year`` is its first year and its ``part`` its shape (first month × 100 + last
    month), so that ranges compared across years (January to November of two years) are of one
    kind and part, as halves and quarters are."""

    year: int
    kind: str = "year"
    part: int = 0
    first: date | None = None
    last: date | None = None
    days: bool = False

    def in_year(self, year: int) -> Period:
        """This period moved to ``year`` (a half, a quarter, a span of months or days)."""
        shift = year - self.year
        return replace(self, year=year,
                       first=self.first.replace(year=self.first.year + shift) if self.first else None,
                       last=self.last.replace(year=self.last.year + shift) if self.last else None)

    def __str__(self) -> str:
        if self.kind == "half":
            return f"{self.year}-H{self.part}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.part}"
        if self.kind == "range" and self.first is not None and self.last is not None:
            if self.days:
                return f"{self.first.isoformat()}..{self.last.isoformat()}"
            return f"{self.first:%Y-%m}..{self.last:%Y-%m}"
        return str(self.year)

    @classmethod
    def span(cls, first: date, last: date, *, days: bool = False, to_date: bool = False) -> Period:
        """The range from ``first`` to ``last``; by months unless ``days`` (then both days
        count). Months are kept whole: ``first`` moves to the 1st, ``last`` to the month's end.
        ``to_date``: the span runs to publication ("7月以来"), so its last month is not over and
        it is never written as the quarter or half it falls in."""
        if not days:
            first = first.replace(day=1)
            last = _month_end(last.year, last.month)
            # Whole quarters, halves and years are written as such ("from April to June" is
            # 2023-Q2), so they compare with the same periods stated the usual way.
            if first.year == last.year and not to_date:
                months = (first.month, last.month)
                if months == (1, 12):
                    return cls(first.year)
                if months in ((1, 6), (7, 12)):
                    return cls(first.year, "half", 1 if first.month == 1 else 2)
                if last.month - first.month == 2 and first.month % 3 == 1:
                    return cls(first.year, "quarter", first.month // 3 + 1)
        return cls(first.year, "range", first.month * 100 + last.month, first, last, days)

    @classmethod
    def parse(cls, text: str | None) -> Period | None:
        """The period written as ``str(period)``; ``None`` for anything else."""
        return _parse(text)

    def end(self) -> date:
        """The last day of the period."""
        if self.kind == "range" and self.last is not None:
            return self.last
        if self.kind == "year":
            return date(self.year, 12, 31)
        last_month = self.part * (6 if self.kind == "half" else 3)
        if last_month == 12:
            return date(self.year, 12, 31)
        return date(self.year, last_month + 1, 1) - timedelta(days=1)


_WRITTEN = re.compile(r"(\d{4})(?:-(H[12]|Q[1-4]))?")


_WRITTEN_RANGE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?\.\.(\d{4})-(\d{2})(?:-(\d{2}))?")


def _first_nine_months(year: int) -> Period:
    return Period.span(date(year, 1, 1), date(year, 9, 1))


def _month_end(year: int, month: int) -> date:
    return (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)


# Comparing a notice's figures with the archive's parses the same few dozen period strings
# thousands of times; a Period is immutable, so one instance per string is shared.
@lru_cache(maxsize=1024)
def _parse(text: str | None) -> Period | None:
    if not text:
        return None
    match = _WRITTEN.fullmatch(text.strip())
    if not match:
        return _parse_range(text.strip())
    year = int(match.group(1))
    part = match.group(2)
    if part is None:
        return Period(year)
    return Period(year, "half" if part[0] == "H" else "quarter", int(part[1]))


def _parse_range(text: str) -> Period | None:
    match = _WRITTEN_RANGE.fullmatch(text)
    if not match or (match.group(3) is None) != (match.group(6) is None):
        return None
    numbers = [int(group) if group else 1 for group in match.groups()]
    try:
        first = date(numbers[0], numbers[1], numbers[2])
        last = date(numbers[3], numbers[4], numbers[5])
    except ValueError:
        return None
    if last < first:
        return None
    days = match.group(3) is not None
    # Written as a range, it is one (a span to date that covers a quarter's months stays a range).
    period = Period.span(first, last, days=days, to_date=True)
    return period if str(period) == text else None


@dataclass(frozen=True)
class PeriodMention:
    """A period named in prepared text. ``period`` is ``None`` for a span that is no period
    regwatch can state (截至2022年底, where a cumulative count ends): it ends the previous one.
    A ``comparison`` mention ("比2022年", "on 2022") names the base of a comparison and does
    not become the period of the figures after it. A mention ``carries`` to the clauses after
    it when it frames them (it opens its clause: "2021年，…", "In 2022, …"); one inside a
    clause describes only that clause's words ("对去年发现问题的APP进行抽测", "its 2020 sales")."""

    start: int
    end: int
    period: Period | None
    comparison: bool
    carries: bool = True
    # The end of a month's sentence: past it the month frames later sentences only when its own
    # sentence reported figures (a month that dates an event, 2021年7月，工信部启动…, frames none).
    until: int | None = None
    # A span up to publication stated after its verb ("…shut down 13,000 websites since 2015.",
    # "…in the last three years"): the cumulative tally of that sentence's count; a count in a
    # later sentence has no start stated. One opening its clause ("Since 2015, …") frames on.
    local: bool = False
