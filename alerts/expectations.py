"""Publication expectations: bulletins a source should publish by a date, from ``[[expectations]]``.

```toml
[[expectations]]
source = "cac-wxfb"
name = "CAC yearly enforcement summary"          # optional; shown in the alert
title_pattern = "网络执法工作|网信系统.*执法"       # a regular expression (plain words work too)
by = "02-28"                                      # month-day, each year; or a list of them
period = "yearly"                                 # or "monthly", with by = "10" (day of month)
```

Each deadline ends the day (in the source's time zone) it names; a bulletin meets it when a
notice of the source whose title matches was published after the previous deadline and by
this one (notices without a date count from when regwatch first saw them). Titles are matched
as written and in Simplified characters, so a Traditional pattern or title still matches.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from config import Config, ConfigError
from config.toml import entry_line
from diffing.chinese import to_simplified

PERIODS = ("yearly", "monthly")
KEYS = ("source", "name", "title_pattern", "by", "period")
MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


@dataclass(frozen=True)
class Expectation:
    """One expected bulletin. ``deadlines`` are (month, day) pairs; month 0 means every month."""

    source: str
    name: str
    title_pattern: re.Pattern[str]
    simplified_pattern: re.Pattern[str]
    deadlines: tuple[tuple[int, int], ...]
    period: str
    timezone: str

    def matches(self, title: str) -> bool:
        simplified = to_simplified(title)[0]
        return bool(self.title_pattern.search(title) or self.simplified_pattern.search(simplified)
                    or self.simplified_pattern.search(title))

    def deadline_window(self, now: datetime) -> tuple[datetime, datetime] | None:
        """(start, end) of the latest deadline that has passed at ``now``: a bulletin for it
        was due after ``start`` and by ``end`` (both exclusive of the previous, inclusive of
        this deadline's day). None when no deadline has passed yet (never, in practice)."""
        zone = _zone(self.timezone)
        local = now.astimezone(zone)
        ends = sorted(self._ends(local.year - 2, local.year, zone))
        passed = [end for end in ends if end <= now]
        if len(passed) < 2:
            return None
        return passed[-2], passed[-1]

    def _ends(self, first_year: int, last_year: int, zone: ZoneInfo) -> list[datetime]:
        ends = []
        for year in range(first_year, last_year + 1):
            months = range(1, 13) if self.period == "monthly" else [None]
            for month_of_period in months:
                for month, day in self.deadlines:
                    month = month_of_period or month
                    last_day = calendar.monthrange(year, month)[1]
                    deadline = datetime(year, month, min(day, last_day), tzinfo=zone)
                    ends.append(deadline + timedelta(days=1))
        return ends


def load_expectations(config: Config) -> list[Expectation]:
    """The ``[[expectations]]`` of ``config``; ConfigError with file and line when malformed."""
    tables = config.raw.get("expectations", [])
    file = str(config.path) if config.path else "regwatch.toml"
    text = config.path.read_text(encoding="utf-8") if config.path and config.path.exists() else ""
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ConfigError(file, None, "expectations must be written as [[expectations]] tables")
    found = []
    for index, table in enumerate(tables):
        def fail(message: str, key: str | None = None, index: int = index) -> ConfigError:
            return ConfigError(file, entry_line(text, "expectations", index, key),
                               f"expectations[{index}]: {message}")

        unknown = sorted(set(table) - set(KEYS))
        if unknown:
            raise fail(f"unknown key {unknown[0]!r}; expected one of {', '.join(KEYS)}",
                       unknown[0])
        source = table.get("source")
        if not isinstance(source, str) or source not in config.sources:
            raise fail(f"'source' must name a configured source, not {source!r}", "source")
        pattern = table.get("title_pattern")
        if not isinstance(pattern, str) or not pattern.strip():
            raise fail("'title_pattern' must be a non-empty regular expression", "title_pattern")
        try:
            compiled = re.compile(pattern, re.IGNORECASE)
            simplified = re.compile(to_simplified(pattern)[0], re.IGNORECASE)
        except re.error as exc:
            raise fail(f"'title_pattern' is not a regular expression: {exc}",
                       "title_pattern") from None
        period = table.get("period", "yearly")
        if period not in PERIODS:
            raise fail(f"'period' must be one of {', '.join(PERIODS)}, not {period!r}", "period")
        by = table.get("by")
        values = by if isinstance(by, list) else [by]
        deadlines = []
        for value in values:
            deadline = _deadline(value, period)
            if deadline is None:
                example = '"02-28" (month-day)' if period == "yearly" else '"10" (day of month)'
                raise fail(f"'by' must be like {example} or a list of them, not {value!r}", "by")
            deadlines.append(deadline)
        if not deadlines:
            raise fail("'by' lists no date", "by")
        name = table.get("name", pattern)
        if not isinstance(name, str) or not name.strip():
            raise fail("'name' must be a non-empty string", "name")
        timezone = config.sources[source].timezone
        try:
            _zone(timezone)
        except ZoneInfoNotFoundError:
            raise fail(f"source {source!r} has an unknown time zone {timezone!r}") from None
        found.append(Expectation(source=source, name=name.strip(), title_pattern=compiled,
                                 simplified_pattern=simplified,
                                 deadlines=tuple(sorted(set(deadlines))), period=period,
                                 timezone=timezone))
    return found


def _deadline(value: object, period: str) -> tuple[int, int] | None:
    if period == "monthly":
        day = int(value) if isinstance(value, int) and not isinstance(value, bool) else (
            int(value) if isinstance(value, str) and value.strip().isdigit() else None)
        return (0, day) if day is not None and 1 <= day <= 31 else None
    if not isinstance(value, str) or not (m := MONTH_DAY.match(value.strip())):
        return None
    month, day = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2024, month)[1]:
        return None
    return month, day


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name or "UTC")
