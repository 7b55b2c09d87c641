"""robots.txt as RFC 9309 reads it: a 5xx answer or no answer means do not crawl this run.

Scrapy's own middleware parses whatever body a failed robots.txt request brings and so allows
everything; this one treats server errors and unreachable robots.txt as a complete disallow,
and 4xx as no restrictions, and records the refusal as a health problem.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler

from crawler import signals as regwatch_signals
from crawler.errors import RobotsDisallowed
from crawler.sourcecrawl import crawl_of

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """RobotsTxtMiddleware with RFC 9309's handling of unavailable robots.txt."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        # Hosts (netlocs) whose robots.txt could not be fetched at all this run.
        self._unreachable: set[str] = set()

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            self._stats.inc_value("robotstxt/unavailable")
            self._announce(request, f"robots.txt answered {response.status}: not crawling")
            response = response.replace(body=DISALLOW_ALL)
        elif 400 <= response.status < 500:
            response = response.replace(body=b"")
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        # Unreachable robots.txt: RFC 9309 says assume complete disallow.
        super()._robots_error(exc, netloc)
        self._unreachable.add(netloc)
        self._parsers[netloc] = build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)

    def process_request_2(self, rp: object, request: Request) -> None:
        try:
            super().process_request_2(rp, request)  # type: ignore[arg-type]
        except IgnoreRequest:
            if urlparse_cached(request).netloc in self._unreachable:
                self._announce(request, "robots.txt could not be fetched, which forbids the "
                                        "host for this run")
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
