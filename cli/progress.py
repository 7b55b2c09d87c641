"""What `regwatch crawl` shows while it crawls: per source, the pages fetched, the notices new
and changed so far, and the delay between requests in force (the politeness delay, which makes
a crawl of a few sources take minutes).

On a terminal it is a live display on standard error (Rich), gone when the crawl ends; in a
log or a pipe, plain lines: one when a source starts, one every ``LINE_EVERY`` seconds while
the counts change, and one when it ends. Counts are read from each crawler's stats by a timer
in the crawl's own thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

# How often the counts are read, and how often a plain line repeats them when they changed.
POLL_EVERY = 0.25
LINE_EVERY = 15.0


@dataclass(frozen=True)
class Snapshot:
    """One source's progress: pages fetched, notices new and changed, the delay in seconds."""

    pages: int
    new: int
    changed: int
    delay: float

    def words(self) -> str:
        return (f"{self.pages} page{'s' if self.pages != 1 else ''} fetched, {self.new} new, "
                f"{self.changed} changed; {shown_delay(self.delay)}")


def shown_delay(delay: float) -> str:
    if delay <= 0:
        return "no delay between requests"
    return f"{delay:g} s between requests (the source's politeness delay)"


def source_delay(crawler: Crawler) -> float:
    """The delay a crawler starts with: the source's (in a crawl engine, where one crawler
    fetches for many sources, each source's crawl gives its own)."""
    engine = getattr(crawler, "engine", None)
    source = getattr(crawler, "source", None)
    if source is not None and hasattr(engine, "delay_of"):
        return float(engine.delay_of(source))  # type: ignore[union-attr]
    return float(crawler.settings.getfloat("DOWNLOAD_DELAY"))


def snapshot(crawler: Crawler) -> Snapshot:
    """The progress a crawler's stats show now (a source's crawl in a crawl engine too)."""
    stats = crawler.stats
    delay = source_delay(crawler)
    engine = getattr(crawler, "engine", None)
    in_engine = hasattr(engine, "delay_of")
    slots = {} if in_engine else getattr(getattr(engine, "downloader", None), "slots", None) or {}
    if slots:
        # AutoThrottle moves a slot's delay away from the source's when the site is slow.
        delay = max(float(getattr(slot, "delay", delay)) for slot in slots.values())
    pages_stat = "downloader/request_count" if in_engine else "downloader/response_count"
    return Snapshot(
        pages=int(stats.get_value(pages_stat, 0)),
        new=int(stats.get_value("store/new_notice", 0)),
        changed=int(stats.get_value("store/changed_notice", 0)),
        delay=delay,
    )


class CrawlProgress:
    """Shows the progress of the crawlers it is given to :meth:`watch`; :meth:`stop` ends the
    display (call it when the crawl is over, also after an error)."""

    def __init__(self, console: Console, *, live: bool | None = None) -> None:
        self.console = console
        self.live = console.is_terminal if live is None else live
        self.crawlers: dict[str, Crawler] = {}
        self.finished: set[str] = set()
        self.progress: Progress | None = None
        self.tasks: dict[str, Any] = {}
        self.shown: dict[str, tuple[Snapshot, float]] = {}
        self.timer: Any = None

    def watch(self, crawlers: Mapping[str, Crawler]) -> None:
        """Start showing ``crawlers`` (by source id); `crawler.runner.crawl_sources` calls it
        before they start."""
        from scrapy import signals
        from twisted.internet import task

        self.crawlers = dict(crawlers)
        for source_id, crawler in self.crawlers.items():
            crawler.signals.connect(self._closer(source_id), signal=signals.spider_closed,
                                    weak=False)
        if self.live:
            self.progress = Progress(
                SpinnerColumn(finished_text="✓"), TextColumn("[bold]{task.description}"),
                TextColumn("{task.fields[detail]}"), TimeElapsedColumn(),
                console=self.console, transient=True, refresh_per_second=4,
            )
            for source_id in self.crawlers:
                self.tasks[source_id] = self.progress.add_task(
                    source_id, total=None, detail="starting")
            self.progress.start()
        else:
            for source_id, crawler in self.crawlers.items():
                self._line(f"{source_id}: crawling, "
                           f"{shown_delay(source_delay(crawler))}")
        self.timer = task.LoopingCall(self._poll)
        self.timer.start(POLL_EVERY, now=False)

    def stop(self) -> None:
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

    def _closer(self, source_id: str) -> Any:
        def closed(*_: Any, **__: Any) -> None:
            self.finished.add(source_id)
            crawler = self.crawlers[source_id]
            now = snapshot(crawler)
            if self.progress is not None:
                self.progress.update(self.tasks[source_id], detail=f"done: {now.words()}",
                                     total=1, completed=1)
            else:
                self._line(f"{source_id}: done, {now.words()}")
        return closed

    def _poll(self) -> None:
        clock = time.monotonic()
        for source_id, crawler in self.crawlers.items():
            if source_id in self.finished:
                continue
            now = snapshot(crawler)
            if self.progress is not None:
                self.progress.update(self.tasks[source_id], detail=now.words())
                continue
            before = self.shown.get(source_id)
            if before is None:
                self.shown[source_id] = (now, clock)
            elif before[0] != now and clock - before[1] >= LINE_EVERY:
                self._line(f"{source_id}: {now.words()}")
                self.shown[source_id] = (now, clock)

    def _line(self, text: str) -> None:
        self.console.print(text, markup=False, highlight=False, soft_wrap=True)


class _WithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


def robots_errors_in_one_line() -> None:
    """Scrapy logs a robots.txt it could not fetch (a host that does not resolve, a site that is
    down) with a traceback of some sixty lines; regwatch records the reason as the source's
    problem and the crawl's summary shows it, so the log line is enough."""
    logger = logging.getLogger("scrapy.downloadermiddlewares.robotstxt")
    if not any(isinstance(f, _WithoutTraceback) for f in logger.filters):
        logger.addFilter(_WithoutTraceback())
