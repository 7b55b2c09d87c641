"""Incremental crawling: a notice page is fetched only when new or due for a revisit.

List pages are read every run. A notice page the archive already holds is skipped until the
wait its source's ``revisit`` schedule gives for the notice's age has passed since it was last
checked (or ``--refetch`` asks): a young notice is checked again within the hour, an old one
monthly, since regulators correct a notice mostly in its first days. When a page is fetched
again the request is
conditional (If-None-Match / If-Modified-Since), and a 304 costs one small answer. So
re-checking an unchanged site costs a few requests, not one per notice. The spider leaves a
listed notice that is not due without making a request for it at all (:func:`not_due`): a
re-check of many small sources then costs each its list request only; this middleware stops
the requests made otherwise (a full re-fetch's, a continuation's) and makes due ones
conditional.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

from crawler.errors import NotDue, NotModified
from crawler.runrecord import RUN_COUNT_STATS, CrawlRecorder, revisit_due
from crawler.sourcecrawl import crawl_of
from storage import archive

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

    from config.sources import Source


def not_due(source: Source, known: archive.KnownNotice, *, refetch: bool) -> bool:
    """Whether the archived notice ``known`` is left alone this run: not asked to re-fetch
    everything, and its revisit not due yet."""
    return not refetch and datetime.now(UTC) < revisit_due(source, known)


def count_not_due(stats: StatsCollector) -> None:
    """Count a notice left alone as :func:`not_due` says: unchanged, and not due."""
    stats.inc_value(RUN_COUNT_STATS["unchanged"])
    stats.inc_value("crawl/not_due")


class IncrementalMiddleware:
    """Downloader middleware for notice-page requests (those with ``meta['notice_url']``)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.refetch = crawler.settings.getbool("REGWATCH_REFETCH")
        if not crawler.settings.getbool("REGWATCH_ARCHIVE_ENABLED", True):
            raise NotConfigured

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        return cls(crawler)

    def _known(self, request: Request) -> archive.KnownNotice | None:
        url = request.meta.get("notice_url")
        recorder = CrawlRecorder.of(crawl_of(self.crawler, request))
        if not url or recorder is None or request.meta.get("continuation_of"):
            return None
        return recorder.known.get(url)

    def process_request(self, request: Request) -> None:
        known = self._known(request)
        if known is None:
            return
        crawl = crawl_of(self.crawler, request)
        source = crawl.spider.source
        if not_due(source, known, refetch=self.refetch):
            count_not_due(crawl.stats)
            raise NotDue(f"{request.url} checked at {known.last_checked_at:%Y-%m-%d %H:%M}")
        if known.etag:
            request.headers.setdefault(b"If-None-Match", known.etag.encode("latin-1", "replace"))
        if known.last_modified:
            request.headers.setdefault(
                b"If-Modified-Since", known.last_modified.encode("latin-1", "replace")
            )
        return

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status != 304:
            return response
        known = self._known(request)
        crawl = crawl_of(self.crawler, request)
        recorder = CrawlRecorder.of(crawl)
        if known is None or recorder is None:
            return response
        with recorder.session() as session, session.begin():
            archive.record_not_modified(
                session, recorder.source.id,
                recorder.source.canonical(request.meta["notice_url"]), datetime.now(UTC)
            )
        crawl.stats.inc_value(RUN_COUNT_STATS["not_modified"])
        crawl.stats.inc_value(RUN_COUNT_STATS["unchanged"])
        raise NotModified(f"{request.url} not modified")
