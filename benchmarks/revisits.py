"""The cost of a revisit schedule: requests a day for a source's notice pages, from the model.

Not a measurement of a crawl but of the schedule (:meth:`config.sources.Source.revisit_wait`,
which :func:`crawler.incremental.revisit_due` applies): ``size`` notices published evenly over
``years`` years up to now, and as many more a day from now on; the source crawled every
``interval``; a notice fetched when first published and again at the first crawl after each
check falls due. Counted over the ``days`` after a long steady state: conditional requests for
known notices (a 304 when unchanged) and first fetches of new ones. ``python -m
benchmarks.revisits`` prints the default schedule's cost and the old single wait's.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

from config import load_config
from config.durations import parse_duration
from config.sources import DEFAULT_REVISIT, Source

DAY = 86400.0


def requests_per_day(
    source: Source, *, size: int = 3000, years: float = 10.0, interval: float = 3600.0,
    days: int = 30,
) -> dict[str, float]:
    """Revisits and first fetches a day over ``days`` days from now, for ``source``'s
    ``revisit`` schedule (see the module's model)."""
    span = years * 365 * DAY
    rate = size / span  # notices published a second
    start, end = 0.0, days * DAY
    revisits = 0
    first_fetches = 0
    count = size + math.floor(rate * end)
    for index in range(count):
        published = -span + (index + 0.5) / rate
        checked = math.ceil(published / interval) * interval  # first seen and fetched
        if start <= checked < end:
            first_fetches += 1
        while True:
            due = checked + source.revisit_wait(checked - published)
            checked = math.ceil(due / interval) * interval
            if checked >= end:
                break
            if checked >= start:
                revisits += 1
    return {"revisits": revisits / days, "first_fetches": first_fetches / days,
            "notice_requests": (revisits + first_fetches) / days}


def main() -> None:
    base = load_config(None).source("cac-wxfb")
    schedules = {"default " + json.dumps([_shown(w) for w in DEFAULT_REVISIT]): DEFAULT_REVISIT,
                 'revisit_after = "7d" (before)': (parse_duration("7d"),)}
    for name, revisit in schedules.items():
        cost = requests_per_day(replace(base, revisit=revisit))
        print(json.dumps({"schedule": name, **{k: round(v, 1) for k, v in cost.items()}},
                         ensure_ascii=False))


def _shown(seconds: float) -> str:
    from config.durations import format_duration

    return format_duration(seconds)


if __name__ == "__main__":
    main()
