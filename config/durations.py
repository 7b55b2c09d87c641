"""Durations as configuration files write them: ``"30m"``, ``"1.5h"``, ``"2d"``, ``90``."""

from __future__ import annotations

import math
import re

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?\s*$")
DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}
# Ten years: longer than any schedule, grace or timeout needs, and far inside what datetime,
# APScheduler and thread waits can add to now.
MAX_DURATION = 10 * 366 * 86400.0


def parse_duration(value: object) -> float:
    """Seconds in ``"30m"``, ``"1.5h"``, ``"2d"``, ``90`` or ``"90s"``; ValueError otherwise,
    and for a duration that is not finite or longer than :data:`MAX_DURATION`."""
    if isinstance(value, bool):
        # A configuration mistake like any other, reported as such (not a TypeError).
        raise ValueError(f"expected a duration such as '30m' or '1h', got {value!r}")  # noqa: TRY004
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str) and (m := DURATION.match(value)):
        seconds = float(m.group(1)) * DURATION_UNITS[m.group(2)]
    else:
        raise ValueError(f"expected a duration such as '30m' or '1h', got {value!r}")
    if not math.isfinite(seconds):
        raise ValueError(f"a duration must be a finite number of seconds, not {value!r}")
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative: {value!r}")
    if seconds > MAX_DURATION:
        raise ValueError(f"a duration can be at most ten years ('3660d'), not {value!r}")
    return seconds


def format_duration(seconds: float) -> str:
    for unit in ("w", "d", "h", "m"):
        size = DURATION_UNITS[unit]
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
