"""The archive pipeline: each located notice becomes a version in the archive, or nothing.

A notice is written in one transaction with its figures, platform mentions and change events,
so a crawl killed at any point leaves whole notices only. An unchanged page adds no row; a
changed one adds exactly one version. The writing happens in an archive writer process
(:mod:`crawler.archivewriter`) while the crawl goes on fetching, once the crawl knows of more
than ``REGWATCH_ARCHIVE_WRITER_AFTER`` notices to store: its lists queued that many the archive
does not hold, or it has met that many. A re-check that finds a notice or two stores them in
the crawl's own process, and its writer (forked idle before the crawl started) exits unused; a
larger crawl hands the writer its archive as soon as a list shows the work ahead, and stores
notices itself until the writer is ready.
While more than ``EXTRACT_HERE_BEHIND`` notices wait for the writer, the crawl extracts their
figures and platforms itself and hands them over with the notice, so the two processes share
the work when the writer is the slower one.
``REGWATCH_ARCHIVE_WRITER = "inline"`` writes every notice in the crawl's own process.
An item handed to the writer leaves the pipeline at once, and its notice's outcome is counted
when the writer answers; the crawl waits for the writer only while it is more than
``WRITER_AHEAD`` notices (or ``WRITER_AHEAD_BYTES`` of pages) ahead, so neither process waits
for the other's every notice and a fast site fills memory no further. Closing waits for every
answer, so the crawl's stats and problems are complete, and the same either way.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer

from alerts.outbox import rules_for_crawl
from alerts.rule import AlertRule
from crawler import signals as regwatch_signals
from crawler.archivewriter import ArchiveWriter, StartedWriter, fork_writer
from crawler.items import NoticeItem
from crawler.runrecord import RUN_COUNT_STATS, CrawlRecorder
from crawler.storing import StoreResult, store_notice
from diffing.extract import Extraction, extract
from storage import archive
from storage.db import database_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

WRITER_MODES = ("process", "inline")
# Notices waiting for the writer past which the crawl extracts their findings itself.
EXTRACT_HERE_BEHIND = 64
# How far the crawl may run ahead of its writer: notices handed over and not yet answered, and
# the size of their pages. Waiting for each notice's answer cost the crawl about 4% of its CPU and
# kept every page in memory until then; 256 notices (16 MiB at most) keep the writer's batches
# full on a fast site.
WRITER_AHEAD = 256
WRITER_AHEAD_BYTES = 16 << 20


@dataclass
class SharedWriter:
    """One archive writer for every crawl of a crawl engine, and the alert rules it applies.

    Each crawl's pipeline hands it notices with itself in the token, and gets its answers."""

    writer: ArchiveWriter
    rules: list[AlertRule]

    @staticmethod
    def answer(token: tuple[ArchivePipeline, tuple[str, int]], result: StoreResult) -> None:
        pipeline, own = token
        pipeline._stored(own, result)


class ArchivePipeline:
    """Stores :class:`~crawler.items.NoticeItem` objects through :func:`crawler.storing.store_notice`."""

    def __init__(self, crawler: Crawler, shared: SharedWriter | None = None) -> None:
        if not crawler.settings.getbool("REGWATCH_ARCHIVE_ENABLED", True):
            raise NotConfigured
        self.crawler = crawler
        self.shared = shared
        self.alert_rules = shared.rules if shared else rules_for_crawl(crawler.settings)
        self.mode = crawler.settings.get("REGWATCH_ARCHIVE_WRITER") or "process"
        if self.mode not in WRITER_MODES:
            raise ValueError(f"REGWATCH_ARCHIVE_WRITER is {self.mode!r}; one of {WRITER_MODES}")
        self.writer: ArchiveWriter | None = shared.writer if shared else None
        # Forked now, before the crawl starts and opens the archive, while that is safe; it
        # waits idle until it is needed. A crawl that finds a few notices (most scheduled
        # re-checks find none or one) stores them here at once, and only a crawl with more
        # hands the writer its archive. A crawl in the engine has the engine's writer.
        self.spare: StartedWriter | None = (fork_writer() if self.mode == "process"
                                            and shared is None else None)
        self.inline_first = crawler.settings.getint("REGWATCH_ARCHIVE_WRITER_AFTER", 10)
        self.seen = 0
        self.queued_new = 0
        self.closed = False
        # Notices handed to the writer whose outcome has not been counted yet (and their
        # pages' size), and what waits for the writer's answers: each with the condition that
        # ends its wait.
        self.unanswered = 0
        self.unanswered_bytes = 0
        self.waiting: list[tuple[Callable[[], bool], defer.Deferred[None]]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler, shared: SharedWriter | None = None) -> ArchivePipeline:
        pipeline = cls(crawler, shared)
        crawler.signals.connect(pipeline.new_notices_queued,
                                signal=regwatch_signals.new_notices_queued)
        return pipeline

    def new_notices_queued(self, count: int) -> None:
        self.queued_new += count
        self._start_writer_if_worth_it()

    def _start_writer_if_worth_it(self) -> None:
        if (self.mode == "process" and self.writer is None and not self.closed
                and max(self.seen, self.queued_new) > self.inline_first):
            try:
                self._start_writer()
            except OSError as exc:
                # No process to be had: the crawl stores its notices itself, slower but whole.
                logger.error("could not start the archive writer (%s); the crawl stores its "
                             "notices itself", exc)
                self.crawler.stats.inc_value("store/writer_start_failed")
                self.mode = "inline"

    def _start_writer(self) -> ArchiveWriter:
        from twisted.internet import reactor

        self.writer = ArchiveWriter(
            database_url(self.crawler.settings.get("REGWATCH_DATABASE_URL")),
            self.alert_rules,
            self._stored,
            reactor.callFromThread,  # type: ignore[attr-defined]
            started=self.spare,
        )
        logger.info("notices go to the archive writer (process %d, %s)", self.writer.pid,
                    "forked from this crawl" if self.spare else "a new interpreter")
        self.spare = None
        return self.writer

    async def close_spider(self) -> None:
        self.closed = True
        if self.spare is not None:
            self.spare.discard()
            self.spare = None
        if self.writer is None:
            return
        if self.shared is not None:
            # The engine's writer goes on storing for the engine's other crawls.
            await self._answers(until=self._all_answered)
            self.writer = None
            return
        try:
            # Every notice's outcome is counted before the crawl's stats and problems are read.
            await self._answers(until=self._all_answered)
        finally:
            # Even when the wait is cancelled: the writer finishes what it was handed.
            self.writer.close()
        report = self.writer.report
        if report is not None:
            self.crawler.stats.set_value("store/writer_cpu_seconds", report.cpu_seconds)
        self.writer = None

    async def process_item(self, item: NoticeItem) -> NoticeItem:
        recorder = CrawlRecorder.of(self.crawler)
        assert recorder is not None, "the crawl recorder extension opens the archive"
        fetched = archive.FetchedNotice.of(item, recorder.run_id)
        self.seen += 1
        self._start_writer_if_worth_it()
        if self.writer is None or not (self.writer.ready or self.writer.forked):
            # Until a new interpreter has imported what the writer needs, storing here keeps
            # both cores busy. A forked writer is as quick to start as storing here would be,
            # and the notices wait for it.
            assert recorder.sessions is not None, "the archive is opened when the spider opens"
            self._count(item.url, store_notice(recorder.sessions, fetched, self.alert_rules))
            return item
        # The item leaves once its notice is handed over: its outcome is counted when the
        # writer answers, and the crawl goes on unless it is too far ahead of the writer.
        size = len(fetched.raw) + len(fetched.html) + len(fetched.text)
        self.unanswered += 1
        self.unanswered_bytes += size
        token = (item.url, size)
        self.writer.submit(fetched, (self, token) if self.shared else token,
                           self._extraction_if_writer_behind(fetched))
        if not self._writer_has_room():
            await self._answers(until=self._writer_has_room)
        return item

    def _writer_has_room(self) -> bool:
        return self.unanswered <= WRITER_AHEAD and self.unanswered_bytes <= WRITER_AHEAD_BYTES

    def _all_answered(self) -> bool:
        return self.unanswered == 0

    async def _answers(self, until: Callable[[], bool]) -> None:
        """Return once the writer's answers have made ``until()`` true."""
        while not until():
            answered: defer.Deferred[None] = defer.Deferred()
            self.waiting.append((until, answered))
            await maybe_deferred_to_future(answered)

    def _extraction_if_writer_behind(self, fetched: archive.FetchedNotice) -> Extraction | None:
        """The notice's figures and platforms, found here while the writer is behind: a
        quarter of what storing a notice costs moves to this process until it has caught up."""
        assert self.writer is not None
        if self.writer.backlog <= EXTRACT_HERE_BEHIND:
            return None
        started = time.process_time()
        try:
            extraction = extract(fetched.text, published=fetched.published_at)
        except Exception:
            # The writer extracts it again, and archives the notice without findings if that
            # fails too (the problem is reported once, with the writer's result).
            logger.debug("extraction failed in the crawl on %s", fetched.url, exc_info=True)
            return None
        stats = self.crawler.stats
        stats.set_value("store/extraction_cpu_seconds",
                        stats.get_value("store/extraction_cpu_seconds", 0.0)
                        + time.process_time() - started)
        stats.inc_value("store/extracted_by_crawl")
        return extraction

    def _stored(self, token: tuple[str, int], result: StoreResult) -> None:
        url, size = token
        self._count(url, result, by="the archive writer")
        self.unanswered -= 1
        self.unanswered_bytes -= size
        if self.waiting:
            waiting, self.waiting = self.waiting, []
            for until, answered in waiting:
                if until():
                    answered.callback(None)
                else:
                    self.waiting.append((until, answered))

    def _count(self, url: str, result: StoreResult, by: str = "the crawl") -> None:
        stats = self.crawler.stats
        for name, seconds in (("store/cpu_seconds", result.cpu_seconds),
                              ("store/extraction_cpu_seconds", result.extraction_cpu_seconds)):
            stats.set_value(name, stats.get_value(name, 0.0) + seconds)
        if result.status == "failed":
            stats.inc_value(RUN_COUNT_STATS["failed"])
            recorder = CrawlRecorder.of(self.crawler)
            if recorder is not None:
                recorder.problem_found("store", url, result.error or "not stored")
            logger.error("could not archive %s: %s", url, result.error)
            return
        if result.extraction_error is not None:
            stats.inc_value("store/extraction_failed")
            recorder = CrawlRecorder.of(self.crawler)
            if recorder is not None:
                recorder.problem_found("extract", url, "archived without figures or platforms: "
                                       + result.extraction_error)
        if result.status != "unchanged":
            stats.inc_value("diff/events", result.events)
            stats.inc_value("diff/figures", result.figures)
            stats.inc_value("alert/queued", result.queued)
            logger.info("archived %s notice %s (stored by %s)", result.status, url, by)
        stats.inc_value(RUN_COUNT_STATS[result.status])
