"""The crawl engine: one Scrapy crawler, in one reactor, checking many sources at once.

A crawl of one source in a process of its own pays for a process, a Scrapy crawler with its
middlewares, an archive connection and robots.txt every time: about 0.1 s of CPU for a source
that has not changed. The engine pays those once. Its one crawler fetches for every source it
is given (:meth:`CrawlEngine.crawl`); each source's crawl is a :class:`SourceCrawl`, which is to
the spider, the run record and the archive pipeline what a crawler is to them (the source's
spider, stats and signals), and every request carries it (:mod:`crawler.sourcecrawl`).

- Politeness is per host, across sources: Scrapy's downloader keeps one slot per host, with
  the largest delay of the sources on that host, so two sources on one host never fetch at the
  same time, and AutoThrottle only ever lengthens a host's delay.
- One archive connection pool and one archive writer process serve every crawl.
- A crawl ends when no request of its source is left; its run is recorded then. A crawl that
  outlives its time limit is cut off: recorded as failed, its remaining requests dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import scrapy
from scrapy import Request, signals
from scrapy.core.engine import ExecutionEngine
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, DropItem, IgnoreRequest, NotConfigured
from scrapy.extensions.throttle import AutoThrottle
from scrapy.settings import SETTINGS_PRIORITIES, Settings
from scrapy.signalmanager import SignalManager
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from twisted.internet import defer

from alerts.rule import AlertRule
from config import Config, Source
from crawler.archivewriter import ArchiveWriter, StartedWriter, fork_writer
from crawler.items import NoticeItem
from crawler.pipelines import ArchivePipeline, SharedWriter
from crawler.runrecord import ArchiveSessions, CrawlRecorder, run_counts
from crawler.sourcecrawl import SOURCE_CRAWL
from crawler.spiderloader import spider_of

logger = logging.getLogger(__name__)

# Requests in flight across all hosts (each host still gets one at a time).
ENGINE_CONCURRENT_REQUESTS = 64


class SourceStats(MemoryStatsCollector):
    """A source crawl's stats: Scrapy's collector without its shim that checks every method
    lookup for a deprecated ``spider`` argument (a tenth of an unchanged source's CPU)."""

    __getattribute__ = object.__getattribute__


class SourceCrawl:
    """One crawl of one source inside the engine; what a crawler is to its components."""

    def __init__(self, engine: CrawlEngine, source: Source, *,
                 time_limit: float | None) -> None:
        self.engine = engine
        self.source = source
        self.settings = engine.crawler.settings
        self.archive: Engine | None = engine.archive
        self.signals = SignalManager(self)
        self.stats = SourceStats(self)  # type: ignore[arg-type]
        self.spider = engine.spider_class(source).from_crawler(self)  # type: ignore[arg-type]
        self.recorder: CrawlRecorder | None
        try:
            self.recorder = CrawlRecorder.from_crawler(self,  # type: ignore[arg-type]
                                                       runs_by_caller=True)
        except NotConfigured:
            self.recorder = None
        if self.recorder is not None and engine.archive is not None:
            self.recorder.use_archive(engine.archive, engine.archive_sessions)
        self.pipeline: ArchivePipeline | None
        try:
            self.pipeline = ArchivePipeline.from_crawler(self,  # type: ignore[arg-type]
                                                         shared=engine.shared)
        except NotConfigured:
            self.pipeline = None
        self.time_limit = time_limit
        self.pending = 0
        self.closed = False
        self.finished: defer.Deferred[dict[str, Any]] = defer.Deferred()
        self._cutoff: Any = None

    def request_done(self) -> None:
        self.pending -= 1
        if self.pending <= 0 and not self.closed:
            from twisted.internet import reactor

            # After the scrape that just ended has scheduled what it found.
            reactor.callLater(0, self._maybe_finish)  # type: ignore[attr-defined,arg-type]

    def _maybe_finish(self) -> None:
        if self.pending <= 0 and not self.closed:
            deferred_from_coro(self.close("finished"))

    async def open(self) -> None:
        from twisted.internet import reactor

        self.pending += 1  # the start requests, until they are all scheduled
        self.stats.set_value("start_time", _now())
        if self.recorder is not None and self.engine.runs is not None:
            await maybe_deferred_to_future(self.engine.runs.open(self.recorder))
        await self.signals.send_catch_log_async(signals.spider_opened, spider=self.spider)
        if self.time_limit is not None:
            reason = f"killed after exceeding its time limit of {self.time_limit:g} s"
            self._cutoff = reactor.callLater(  # type: ignore[attr-defined]
                self.time_limit, self.cut_off, reason)  # type: ignore[arg-type]
        try:
            async for request in self.spider.start():
                if self.closed:
                    break
                if isinstance(request, Request):
                    request.meta[SOURCE_CRAWL] = self
                    self.engine.crawler.engine.crawl(request)
        finally:
            self.request_done()

    def cut_off(self, reason: str) -> None:
        """End the crawl now, as failed for ``reason``; its remaining requests are dropped."""
        if self.closed:
            return
        logger.error("%s: %s", self.source.id, reason)
        self.stats.set_value("run/cut_off", reason)
        if self.recorder is not None:
            self.recorder.problem_found("time_limit", self.source.url(self.source.list.url),
                                        reason, fatal=True)
        deferred_from_coro(self.close("cut_off"))

    async def close(self, reason: str) -> None:
        self.closed = True
        if self._cutoff is not None and self._cutoff.active():
            self._cutoff.cancel()
        try:
            if self.pipeline is not None:
                await self.pipeline.close_spider()
            self.stats.set_value("finish_reason", reason)
            self.stats.set_value("finish_time", _now())
            if (self.recorder is not None and self.recorder.run_id is not None
                    and self.engine.runs is not None):
                await maybe_deferred_to_future(self.engine.runs.close(self.recorder, reason))
            await self.signals.send_catch_log_async(signals.spider_closed, spider=self.spider,
                                                    reason=reason)
        finally:
            self.engine.crawl_ended(self)
            self.finished.callback(self.result())

    def result(self) -> dict[str, Any]:
        """What `crawl_sources` reports for the source (see there)."""
        stats = self.stats
        result: dict[str, Any] = dict(run_counts(stats))
        result["status"] = stats.get_value("run/status") or "failed"
        result["run_id"] = stats.get_value("run/id")
        result["problems"] = list(self.recorder.problems) if self.recorder else []
        if stats.get_value("finish_reason") not in (None, "finished"):
            result["status"] = "failed"
        if stats.get_value("run/cut_off"):
            result["cut_off"] = stats.get_value("run/cut_off")
        return result


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


class RunRecords:
    """Opens and closes the engine's crawl runs in batches: the runs that open (or close) in
    the same turn of the reactor share one transaction and a few statements
    (:meth:`CrawlRecorder.open_all`, :meth:`CrawlRecorder.close_all`). If a batch fails, each
    run is written in a transaction of its own, so one bad run fails only its own crawl."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        # Each waiting run: its recorder, the reason its crawl ended (None: it opens), and
        # what fires once it is written.
        self._waiting: list[tuple[CrawlRecorder, str | None, defer.Deferred[None]]] = []
        self._call: Any = None

    def open(self, recorder: CrawlRecorder) -> defer.Deferred[None]:
        return self._add(recorder, None)

    def close(self, recorder: CrawlRecorder, reason: str) -> defer.Deferred[None]:
        return self._add(recorder, reason)

    def _add(self, recorder: CrawlRecorder, reason: str | None) -> defer.Deferred[None]:
        from twisted.internet import reactor

        written: defer.Deferred[None] = defer.Deferred()
        self._waiting.append((recorder, reason, written))
        if self._call is None:
            self._call = reactor.callLater(0, self._flush)  # type: ignore[attr-defined,arg-type]
        return written

    @staticmethod
    def _write(session: Session,
               batch: list[tuple[CrawlRecorder, str | None, defer.Deferred[None]]]) -> None:
        opening = [recorder for recorder, reason, _ in batch if reason is None]
        closing = [(recorder, reason) for recorder, reason, _ in batch if reason is not None]
        if opening:
            CrawlRecorder.open_all(session, opening)
        if closing:
            CrawlRecorder.close_all(session, closing)

    def _flush(self) -> None:
        self._call = None
        batch, self._waiting = self._waiting, []
        try:
            with self.sessions.begin() as session:
                self._write(session, batch)
        except Exception:
            if len(batch) > 1:
                logger.warning("%d crawl runs could not be written together; writing each "
                               "alone", len(batch), exc_info=True)
            for waiting in batch:
                written = waiting[2]
                try:
                    with self.sessions.begin() as session:
                        self._write(session, [waiting])
                except Exception as exc:  # noqa: BLE001 (the crawl's failure)
                    written.errback(exc)
                else:
                    written.callback(None)
            return
        for _, _, written in batch:
            written.callback(None)


class EngineSpider(scrapy.Spider):
    """The engine crawler's own spider: it requests nothing; each source's spider does."""

    name = "regwatch-engine"

    async def start(self) -> Any:
        return
        yield


class SourcesExecutionEngine(ExecutionEngine):
    """Scrapy's engine, counting each source's requests so each crawl knows when it is over."""

    def _schedule_request(self, request: Request) -> None:
        crawl = request.meta.get(SOURCE_CRAWL)
        if crawl is None:
            # A request a source's spider made: its callback is a method of that spider.
            for method in (request.callback, request.errback):
                owner = getattr(getattr(method, "__self__", None), "crawler", None)
                if isinstance(owner, SourceCrawl):
                    crawl = owner
                    request.meta[SOURCE_CRAWL] = crawl
                    break
        if isinstance(crawl, SourceCrawl):
            crawl.pending += 1
        super()._schedule_request(request)

    def _remove_request(self, _: Any, request: Request) -> None:
        super()._remove_request(_, request)
        crawl = request.meta.get(SOURCE_CRAWL)
        if isinstance(crawl, SourceCrawl):
            crawl.request_done()


class EngineCrawler(Crawler):
    """The crawler of a :class:`CrawlEngine`: Scrapy's, with the engine that counts."""

    regwatch_engine: CrawlEngine

    def _create_engine(self) -> ExecutionEngine:
        return SourcesExecutionEngine(self, lambda _: self.stop_async())


def _ignored(failure: Any) -> None:
    return None


class SourceRequestMiddleware:
    """Downloader middleware, first: drops the requests of a crawl that has ended (cut off at
    its time limit) and gives each request its source's timeout."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceRequestMiddleware:
        return cls()

    def process_request(self, request: Request) -> None:
        crawl = request.meta.get(SOURCE_CRAWL)
        if not isinstance(crawl, SourceCrawl):
            return
        if crawl.closed:
            # Nothing of an ended crawl reaches its spider again.
            request.callback = _ignored
            request.errback = _ignored
            raise IgnoreRequest(f"the crawl of {crawl.source.id} has ended")
        request.meta.setdefault("download_timeout", crawl.source.timeout)


class EngineItemPipeline:
    """Hands each notice to its source's archive pipeline."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EngineItemPipeline:
        return cls(crawler)

    async def process_item(self, item: NoticeItem) -> NoticeItem:
        engine: CrawlEngine = self.crawler.regwatch_engine  # type: ignore[attr-defined]
        crawl = engine.crawls.get(item.source_id)
        if crawl is None or crawl.closed:
            raise DropItem(f"the crawl of {item.source_id} has ended")
        if crawl.pipeline is None:
            return item
        return await crawl.pipeline.process_item(item)


class HostAutoThrottle(AutoThrottle):
    """AutoThrottle that never takes a host's delay below the largest delay of its sources."""

    def _response_downloaded(self, response: Any, request: Request, spider: Any) -> None:
        super()._response_downloaded(response, request, spider)
        engine: CrawlEngine | None = getattr(self.crawler, "regwatch_engine", None)
        key, slot = self._get_slot(request, spider)
        if engine is not None and key is not None and slot is not None:
            slot.delay = max(slot.delay, engine.host_delays.get(key, 0.0))


class CrawlEngine:
    """One Scrapy crawler checking many sources at once, in this process's reactor.

    Build it before the reactor runs (it forks the archive writer while that is safe), then
    :meth:`start` it with the reactor; :meth:`crawl` starts a crawl of a source and returns a
    Deferred of its result; :meth:`close` ends the engine once its crawls have.
    """

    def __init__(
        self,
        config: Config,
        settings: Settings,
        *,
        refetch: bool = False,
        base_url: str | None = None,
    ) -> None:
        from storage.db import open_archive

        self.config = config
        self.refetch = refetch
        self.base_url = base_url
        self.settings = engine_settings(settings)
        # Installs the reactor the settings name when it opens, unless one is installed.
        from scrapy.utils.reactor import is_reactor_installed

        self.crawler = EngineCrawler(EngineSpider, self.settings,
                                     init_reactor=not is_reactor_installed())
        self.crawler.regwatch_engine = self
        self.crawls: dict[str, SourceCrawl] = {}
        self._spider_classes: dict[str, tuple[Source, type[scrapy.Spider]]] = {}
        self.host_delays: dict[str, float] = {}
        self.started = 0
        self.closing = False
        self.shared: SharedWriter | None = None
        self._spare: StartedWriter | None = None
        archive_on = self.settings.getbool("REGWATCH_ARCHIVE_ENABLED", True)
        self._writer_wanted = archive_on and (
            self.settings.get("REGWATCH_ARCHIVE_WRITER") or "process") == "process"
        if self._writer_wanted:
            # Forked first: no archive connection of this process exists yet.
            self._spare = fork_writer()
        self._rules = self._alert_rules(config) if archive_on else []
        self._database_url = self.settings.get("REGWATCH_DATABASE_URL")
        # One connection pool for every crawl's run record and lookups.
        self.archive: Engine | None = open_archive(self._database_url) if archive_on else None
        self.archive_sessions = (ArchiveSessions.of(self.archive) if self.archive is not None
                                 else None)
        self.runs = (RunRecords(self.archive_sessions.writing)
                     if self.archive_sessions is not None else None)
        self.running = False
        self._waiting: list[defer.Deferred[None]] = []
        self.crawler.signals.connect(self._idle, signal=signals.spider_idle)
        self.crawler.signals.connect(self._dropped, signal=signals.request_dropped)
        self.crawler.signals.connect(self._spider_error, signal=signals.spider_error)
        self.crawler.signals.connect(self._reached, signal=signals.request_reached_downloader)
        self.crawler.signals.connect(self._opened, signal=signals.engine_started)

    def _alert_rules(self, config: Config) -> list[AlertRule]:
        """The alert rules of the configuration the crawls run with: from ``config`` when it
        was read from that file (reading and checking it again cost a tenth of a re-check of
        a thousand sources), else from the file the settings name."""
        from alerts.outbox import rules_for_crawl
        from alerts.rules import load_rules

        named = self.settings.get("REGWATCH_CONFIG")
        if named and config.path is not None and str(config.path) == str(named):
            return load_rules(config)
        return rules_for_crawl(self.settings)

    def start(self) -> defer.Deferred[None]:
        """Open the crawler; the Deferred fires when the engine has closed."""
        return self.crawler.crawl()

    def _opened(self) -> None:
        from twisted.internet import reactor

        from storage.db import database_url

        if self._writer_wanted:
            self.shared = SharedWriter(
                ArchiveWriter(database_url(self._database_url), self._rules,
                              SharedWriter.answer,
                              reactor.callFromThread,  # type: ignore[attr-defined]
                              started=self._spare),
                self._rules)
            self._spare = None
        self.running = True
        waiting, self._waiting = self._waiting, []
        for started in waiting:
            started.callback(None)

    def when_started(self) -> defer.Deferred[None]:
        """A Deferred that fires once the engine can take crawls."""
        if self.running:
            return defer.succeed(None)
        started: defer.Deferred[None] = defer.Deferred()
        self._waiting.append(started)
        return started

    async def close(self) -> None:
        """Let the running crawls end, then close the crawler and the writer."""
        self.closing = True
        for crawl in list(self.crawls.values()):
            await maybe_deferred_to_future(crawl.finished)
        if self.crawler.engine is not None and self.crawler.engine.running:
            await self.crawler.engine.close_spider_async(reason="finished")
        self._close_writer()
        if self.archive is not None:
            self.archive.dispose()

    def _close_writer(self) -> None:
        if self._spare is not None:
            self._spare.discard()
            self._spare = None
        if self.shared is not None:
            self.shared.writer.close()
            report = self.shared.writer.report
            if report is not None:
                self.crawler.stats.set_value("store/writer_cpu_seconds", report.cpu_seconds)
            self.shared = None

    def _idle(self) -> None:
        if not self.closing:
            raise DontCloseSpider

    # --- crawls ---------------------------------------------------------------------------

    def crawl(self, source_id: str, time_limit: float | None = None) -> defer.Deferred[dict[str, Any]]:
        """Start a crawl of ``source_id``; the Deferred fires with its result when it ends.

        A source already being crawled here is not crawled twice: the result says
        ``{"skipped": "this crawl engine"}``.
        """
        if source_id in self.crawls:
            return defer.succeed({"skipped": "this crawl engine (a crawl of it is running)"})
        source = self.config.source(source_id)
        if self.base_url:
            source = source.with_base_url(self.base_url)
        crawl = SourceCrawl(self, source, time_limit=time_limit)
        self.crawls[source_id] = crawl
        self.started += 1
        self._make_room(source)
        deferred_from_coro(self._open(crawl))
        return crawl.finished

    async def _open(self, crawl: SourceCrawl) -> None:
        try:
            await crawl.open()
        except Exception as exc:
            logger.exception("%s: the crawl could not start", crawl.source.id)
            crawl.stats.set_value("run/start_error", f"{type(exc).__name__}: {exc}")
            if not crawl.closed:
                await crawl.close("failed")

    def spider_class(self, source: Source) -> type[scrapy.Spider]:
        """The source's spider class, made once per engine."""
        made = self._spider_classes.get(source.id)
        if made is None or made[0] is not source:
            made = (source, spider_of(source, self.refetch))
            self._spider_classes[source.id] = made
        return made[1]

    def crawl_ended(self, crawl: SourceCrawl) -> None:
        if self.crawls.get(crawl.source.id) is crawl:
            del self.crawls[crawl.source.id]

    def _make_room(self, source: Source) -> None:
        """The source's hosts' downloader slots: one request at a time (or what the settings
        say), with the largest delay of the sources on the host."""
        delay = self.delay_of(source)
        concurrency = self.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        downloader = self.crawler.engine.downloader if self.crawler.engine else None
        for host in source.allowed_hosts():
            host_delay = max(delay, self.host_delays.get(host, 0.0))
            self.host_delays[host] = host_delay
            if downloader is None:
                continue
            downloader.per_slot_settings[host] = {"concurrency": concurrency,
                                                  "delay": host_delay}
            slot = downloader.slots.get(host)
            if slot is not None:
                slot.delay = max(slot.delay, host_delay)

    def delay_of(self, source: Source) -> float:
        """The source's delay, unless the engine's settings override every delay."""
        if (self.settings.getpriority("DOWNLOAD_DELAY") or 0) >= SETTINGS_PRIORITIES["cmdline"]:
            return self.settings.getfloat("DOWNLOAD_DELAY")
        return float(source.delay)

    # --- Scrapy's signals, handed to the crawl they concern ------------------------------

    def _dropped(self, request: Request) -> None:
        crawl = request.meta.get(SOURCE_CRAWL)
        if isinstance(crawl, SourceCrawl):
            crawl.signals.send_catch_log(signals.request_dropped, request=request,
                                         spider=crawl.spider)
            crawl.request_done()

    def _spider_error(self, failure: Any, response: Any) -> None:
        request = getattr(response, "request", None)
        crawl = request.meta.get(SOURCE_CRAWL) if request is not None else None
        if isinstance(crawl, SourceCrawl) and not crawl.closed:
            crawl.signals.send_catch_log(signals.spider_error, failure=failure,
                                         response=response, spider=crawl.spider)

    def _reached(self, request: Request) -> None:
        crawl = request.meta.get(SOURCE_CRAWL)
        if isinstance(crawl, SourceCrawl):
            crawl.stats.inc_value("downloader/request_count")


def engine_settings(settings: Settings) -> Settings:
    """A crawl's settings made an engine's: many hosts at once, the components that route each
    request to its source's crawl, no per-crawl run record on the engine's own crawler."""
    settings = settings.copy()
    priority = SETTINGS_PRIORITIES["cmdline"] + 1
    if (settings.getpriority("CONCURRENT_REQUESTS") or 0) < SETTINGS_PRIORITIES["cmdline"]:
        settings.set("CONCURRENT_REQUESTS", ENGINE_CONCURRENT_REQUESTS, priority="cmdline")
    else:
        settings.set("CONCURRENT_REQUESTS",
                     max(ENGINE_CONCURRENT_REQUESTS, settings.getint("CONCURRENT_REQUESTS")),
                     priority=priority)
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    middlewares["crawler.engine.SourceRequestMiddleware"] = 10
    # Last before the download; off unless REGWATCH_HOST_LEASES (a cluster's worker) is set.
    middlewares["crawler.hostlease.HostLeaseMiddleware"] = 990
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority=priority)
    settings.set("ITEM_PIPELINES", {"crawler.engine.EngineItemPipeline": 300}, priority=priority)
    extensions = {path: order for path, order in settings.getdict("EXTENSIONS").items()
                  if path != "crawler.runrecord.CrawlRecorder"}
    # Dicts of components merge with what they replace: switched off here, not removed.
    extensions["crawler.runrecord.CrawlRecorder"] = None
    extensions["scrapy.extensions.throttle.AutoThrottle"] = None
    extensions["crawler.engine.HostAutoThrottle"] = 0
    settings.set("EXTENSIONS", extensions, priority=priority)
    # A host's delay is its sources' (CrawlEngine._make_room); AutoThrottle starts there.
    if (settings.getpriority("DOWNLOAD_DELAY") or 0) < SETTINGS_PRIORITIES["cmdline"]:
        settings.set("DOWNLOAD_DELAY", 0.0, priority="project")
        settings.set("AUTOTHROTTLE_START_DELAY", 0.0, priority="project")
    return settings


def run_engine(
    config: Config,
    source_ids: list[str],
    settings: Settings,
    *,
    refetch: bool = False,
    base_url: str | None = None,
    on_started: Callable[[CrawlEngine], None] | None = None,
    watch: Callable[[Mapping[str, Any]], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Crawl ``source_ids`` in one engine in this process (the reactor runs until all end).

    ``watch`` is called with each source's :class:`SourceCrawl` by source id (what a crawler
    is to `cli/progress.py`: its stats, settings and signals) as their crawls start."""
    from scrapy.crawler import CrawlerProcess

    engine = CrawlEngine(config, settings, refetch=refetch, base_url=base_url)
    process = CrawlerProcess(engine.settings)
    results: dict[str, dict[str, Any]] = {}

    async def crawl_all() -> None:
        await maybe_deferred_to_future(engine.when_started())
        if on_started is not None:
            on_started(engine)
        waiting = [(source_id, engine.crawl(source_id)) for source_id in source_ids]
        if watch is not None:
            watch({source_id: engine.crawls[source_id] for source_id in source_ids
                   if source_id in engine.crawls})
        for source_id, finished in waiting:
            results[source_id] = await maybe_deferred_to_future(finished)
        await engine.close()

    def begin() -> None:
        deferred_from_coro(crawl_all())

    engine.crawler.signals.connect(begin, signal=signals.engine_started, weak=False)
    process.crawl(engine.crawler)
    process.start()
    engine._close_writer()
    return results

