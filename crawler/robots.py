"""robots.txt as RFC 9309 reads it: a 5xx answer or no answer means do not crawl this run.

Scrapy's own middleware parses whatever body a failed robots.txt request brings and so allows
everything; this one treats server errors and unreachable robots.txt as a complete disallow,
and 4xx as no restrictions, and records the refusal as a health problem.

A robots.txt answered (2xx or 4xx) is kept in the archive (:mod:`storage.robots`) and reused by
every crawl for up to 24 hours, as RFC 9309 allows, so a source checked every few minutes does
not fetch it each time; a crawl engine keeps it in memory as long. 5xx answers and unreachable
robots.txt are never kept: the next crawl asks again.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

from crawler import signals as regwatch_signals
from crawler.errors import RobotsDisallowed
from crawler.sourcecrawl import SOURCE_CRAWL, crawl_of
from storage.robots import MAX_AGE, cached_robots, store_robots

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.robotstxt import RobotParser
    from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"
# How long a crawl engine takes a robots.txt that answered 5xx, or not at all, as forbidding its
# host before asking again.
FAILED_ROBOTS_RETRY_S = 300.0


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """RobotsTxtMiddleware with RFC 9309's handling of unavailable robots.txt."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        # Hosts (netlocs) whose robots.txt could not be fetched at all this run, with why.
        self._unreachable: dict[str, str] = {}
        # When each netloc's parser expires (time.time()): MAX_AGE after it was fetched, or
        # FAILED_ROBOTS_RETRY_S after a 5xx or no answer (a crawl engine lives long).
        self._expires: dict[str, float] = {}

    def _sessions(self) -> sessionmaker[Session] | None:
        """The archive the cache is kept in: the crawl engine's, or the crawl's own."""
        from crawler.runrecord import CrawlRecorder
        from storage.db import session_factory

        engine = getattr(self.crawler, "regwatch_engine", None)
        if engine is not None:
            if engine.archive is None:
                return None
            if getattr(engine, "robots_sessions", None) is None:
                engine.robots_sessions = session_factory(engine.archive)
            return engine.robots_sessions  # type: ignore[no-any-return]
        recorder = CrawlRecorder.of(self.crawler)
        return recorder.sessions if recorder is not None else None

    def _from_cache(self, origin: str, netloc: str) -> bool:
        sessions = self._sessions()
        if sessions is None:
            return False
        try:
            with sessions() as session:
                entry = cached_robots(session, origin, datetime.now(UTC))
                if entry is None:
                    return False
                status, body, fetched_at = entry.status, entry.body, entry.fetched_at
        except Exception:
            logger.warning("could not read the robots.txt cache", exc_info=True)
            return False
        self._parsers[netloc] = build_from_crawler(self._parserimpl, self.crawler,
                                                   b"" if status >= 400 else body)
        self._expires[netloc] = fetched_at.timestamp() + MAX_AGE.total_seconds()
        self._stats.inc_value("robotstxt/cached")
        return True

    def _keep(self, origin: str, status: int, body: bytes) -> None:
        sessions = self._sessions()
        if sessions is None:
            return
        try:
            with sessions() as session, session.begin():
                store_robots(session, origin, status, body, datetime.now(UTC))
        except Exception:
            logger.warning("could not keep %s/robots.txt", origin, exc_info=True)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        url = urlparse_cached(request)
        netloc = url.netloc
        origin = f"{url.scheme}://{netloc}"
        kept = self._parsers.get(netloc)
        if (netloc in self._parsers and not isinstance(kept, Deferred)
                and time.time() > self._expires.get(netloc, 0.0)):
            del self._parsers[netloc]
            self._unreachable.pop(netloc, None)
        if netloc not in self._parsers and not self._from_cache(origin, netloc):
            self._parsers[netloc] = Deferred()
            # It passes the egress gate as the request it is for: in a crawl engine, as a
            # request of the same source.
            meta: dict[str, Any] = {"dont_obey_robotstxt": True}
            if SOURCE_CRAWL in request.meta:
                meta[SOURCE_CRAWL] = request.meta[SOURCE_CRAWL]
            robots_request = Request(f"{origin}/robots.txt", priority=self.DOWNLOAD_PRIORITY,
                                     meta=meta, callback=NO_CALLBACK)
            try:
                assert self.crawler.engine is not None
                response = await self.crawler.engine.download_async(robots_request)
                await self._parse_robots(response, netloc, request)
            except Exception as exc:  # noqa: BLE001 (any failure forbids the host this run)
                if not isinstance(exc, IgnoreRequest):
                    # One line: the reason is recorded as the run's problem; a traceback of
                    # Twisted's DNS or connection error says nothing more.
                    logger.error("Error downloading %s: %s", robots_request, exc)
                self._robots_error(exc, netloc)
            self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)  # type: ignore[no-any-return]
        return parser

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status < 500:
            self._expires[netloc] = time.time() + MAX_AGE.total_seconds()
            url = urlparse_cached(request)
            self._keep(f"{url.scheme}://{netloc}", response.status, response.body)
        if response.status >= 500:
            self._expires[netloc] = time.time() + FAILED_ROBOTS_RETRY_S
            self._stats.inc_value("robotstxt/unavailable")
            self._announce(request, f"robots.txt answered {response.status}: not crawling")
            response = response.replace(body=DISALLOW_ALL)
        elif 400 <= response.status < 500:
            response = response.replace(body=b"")
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        # Unreachable robots.txt: RFC 9309 says assume complete disallow.
        super()._robots_error(exc, netloc)
        self._expires[netloc] = time.time() + FAILED_ROBOTS_RETRY_S
        self._unreachable[netloc] = _reason(exc)
        self._parsers[netloc] = build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)

    def process_request_2(self, rp: object, request: Request) -> None:
        try:
            super().process_request_2(rp, request)  # type: ignore[arg-type]
        except IgnoreRequest:
            netloc = urlparse_cached(request).netloc
            if netloc in self._unreachable:
                why = self._unreachable[netloc]
                self._announce(request, "robots.txt could not be fetched"
                                        + (f" ({why})" if why else "")
                                        + ", which forbids the host for this run")
            else:
                self._announce(request, "disallowed by robots.txt")
            raise RobotsDisallowed(f"robots.txt forbids {request.url}") from None

    def _announce(self, request: Request, detail: str) -> None:
        crawl_of(self.crawler, request).signals.send_catch_log(
            regwatch_signals.problem_found,
            kind="robots",
            url=request.url,
            detail=detail,
            fatal=bool(request.meta.get("regwatch_list")),
        )


def _reason(exc: object) -> str:
    """Why robots.txt could not be fetched when DNS is why, else nothing (the gate or the
    download has recorded the reason already)."""
    from scrapy.exceptions import CannotResolveHostError
    from twisted.internet.error import DNSLookupError
    from twisted.python.failure import Failure

    error = exc.value if isinstance(exc, Failure) else exc
    if isinstance(error, DNSLookupError | CannotResolveHostError) or "DNS lookup failed" in str(error):
        return "DNS lookup failed"
    return ""
