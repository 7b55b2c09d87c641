"""Retries that honour Retry-After: a 429 or 503 is retried no sooner than the site asks.

Scrapy's RetryMiddleware retries at once; a regulator that says "come back in 30 seconds"
should not see us again in 30 milliseconds. A Retry-After longer than REGWATCH_MAX_RETRY_AFTER
is not waited for: the request fails for this run and the next scheduled run tries again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet.task import deferLater

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None if unusable."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """RetryMiddleware that waits what Retry-After says (and backs off when it says nothing)."""

    def __init__(self, settings: object) -> None:
        super().__init__(settings)  # type: ignore[arg-type]
        self.max_wait = float(settings.getfloat("REGWATCH_MAX_RETRY_AFTER", 120.0))  # type: ignore[attr-defined]
        self.backoff_base = float(settings.getfloat("REGWATCH_RETRY_BACKOFF", 1.0))  # type: ignore[attr-defined]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retries = request.meta.get("retry_times", 0)
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is None:
            wait = self.backoff_base * (2**retries) if response.status in (429, 503) else 0.0
        if wait > self.max_wait:
            self.crawler.stats.inc_value("retry/retry_after_too_long")
            return response
        if wait > 0:
            self.crawler.stats.inc_value("retry/waited_seconds", int(wait))
            from twisted.internet import reactor  # the one Scrapy installed, not a default

            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        reason = response_status_message(response.status)
        return self._retry(request, reason) or response


__all__ = ["RetryAfterMiddleware", "retry_after_seconds"]
