"""One request at a time per host across every worker of a cluster, with the host's delay.

In one crawl engine Scrapy's downloader slots keep a host to one request at a time; engines
on several machines do not see each other's slots. :class:`HostLeaseMiddleware` (on when the
setting ``REGWATCH_HOST_LEASES`` is, as `regwatch worker` sets it) takes the host's lease
(:class:`storage.lock.HostLeases`, a PostgreSQL advisory lock) before a request goes to the
downloader, waits out the delay after the host's last request by any worker, and gives the
lease back when the answer (or the failure) comes. Within the engine a lock per host queues
its own requests, since one PostgreSQL session may take an advisory lock it holds again.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import defer, task, threads

from crawler.sourcecrawl import SOURCE_CRAWL

logger = logging.getLogger(__name__)

LEASE = "regwatch_host_lease"
# How often a request waiting for a host held by another worker looks again.
POLL_S = 0.05


class HostLeaseMiddleware:
    """Downloader middleware, last before the download (see the module's description)."""

    def __init__(self, crawler: Crawler, leases: Any) -> None:
        self.crawler = crawler
        self.leases = leases
        self._local: dict[str, defer.DeferredLock] = {}
        crawler.signals.connect(self._closed, signal="engine_stopped")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostLeaseMiddleware:
        if not crawler.settings.getbool("REGWATCH_HOST_LEASES"):
            raise NotConfigured
        from storage.lock import HostLeases

        url = crawler.settings.get("REGWATCH_DATABASE_URL")
        if not url or not str(url).startswith("postgresql"):
            raise NotConfigured("host leases need a PostgreSQL archive")
        # A request in flight holds one connection: as many as the engine has requests.
        return cls(crawler, HostLeases(
            str(url), connections=crawler.settings.getint("CONCURRENT_REQUESTS", 16)))

    def _delay(self, request: Request, host: str) -> float:
        delay = 0.0
        engine = getattr(self.crawler, "regwatch_engine", None)
        if engine is not None:
            delay = engine.host_delays.get(host, 0.0)
            crawl = request.meta.get(SOURCE_CRAWL)
            source = getattr(crawl, "source", None)
            if source is not None:
                delay = max(delay, engine.delay_of(source))
        return delay

    async def process_request(self, request: Request) -> None:
        from twisted.internet import reactor

        host = urlparse_cached(request).hostname or ""
        # A retry or redirect is a new request with the meta of the one it replaces.
        request.meta.pop(LEASE, None)
        delay = self._delay(request, host)
        local = self._local.setdefault(host, defer.DeferredLock())
        await maybe_deferred_to_future(local.acquire())
        try:
            while True:
                connection = await maybe_deferred_to_future(
                    threads.deferToThread(self.leases.try_take, host))
                if connection is not None:
                    break
                await maybe_deferred_to_future(task.deferLater(reactor, POLL_S))
            try:
                wait = await maybe_deferred_to_future(
                    threads.deferToThread(self.leases.wait_needed, connection, host, delay))
                if wait > 0:
                    await maybe_deferred_to_future(task.deferLater(reactor, wait))
            except BaseException:
                threads.deferToThread(self.leases.give_back, connection, host, delay)
                raise
        except BaseException:
            local.release()
            raise
        request.meta[LEASE] = (host, connection, delay, local)

    def process_response(self, request: Request, response: Response) -> Any:
        self._give_back(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._give_back(request)

    def _give_back(self, request: Request) -> None:
        held = request.meta.pop(LEASE, None)
        if held is None:
            return
        host, connection, delay, local = held
        given = threads.deferToThread(self.leases.give_back, connection, host, delay)

        def done(result: Any) -> Any:
            local.release()
            if isinstance(result, Exception) or hasattr(result, "value"):
                logger.warning("host %s: could not note the end of a request: %s", host,
                               getattr(result, "value", result))
            return None

        given.addBoth(done)

    def _closed(self) -> None:
        self.leases.close()
