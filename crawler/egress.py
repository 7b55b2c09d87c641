"""The egress gate: every request and every redirect passes it before anything is sent.

Only http(s); only the hosts of the source being crawled; and never a loopback, private,
link-local or otherwise non-public address unless the user trusted that origin by giving it as
the source's base URL. A refused request is a health problem of the source, never a change.
"""

from __future__ import annotations

import socket
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from crawler import signals as regwatch_signals
from crawler.errors import EgressRefused
from crawler.sourcedefs import Source, is_public_address, origin_of

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler


@lru_cache(maxsize=1024)
def resolve(host: str) -> tuple[str, ...]:
    """Every address ``host`` resolves to; empty when it does not resolve."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return ()
    return tuple(sorted({str(info[4][0]) for info in infos}))


def refusal(url: str, source: Source) -> str | None:
    """Why ``url`` may not be fetched for ``source``; None when it may."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"scheme {parts.scheme!r} is not http(s)"
    host = (parts.hostname or "").lower()
    if not host:
        return "no host"
    try:
        origin = origin_of(url)
    except ValueError:
        return "invalid port"
    trusted = origin in source.trusted_origins
    if not trusted and host not in source.allowed_hosts():
        return f"host {host!r} is not one of the source's hosts"
    if trusted:
        return None
    addresses = resolve(host)
    if not addresses:
        return f"host {host!r} does not resolve"
    private = [a for a in addresses if not is_public_address(a)]
    if private:
        return (
            f"host {host!r} resolves to non-public address {private[0]}; "
            "set the source's base_url to this origin to allow it"
        )
    return None


class EgressGateMiddleware:
    """Downloader middleware placed first, so redirects and retries are checked too."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EgressGateMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        source: Source | None = getattr(self.crawler.spider, "source", None)
        if source is None:
            return
        reason = refusal(request.url, source)
        if reason is None:
            return
        self.crawler.stats.inc_value("egress/refused")
        redirected_from = request.meta.get("redirect_urls")
        detail = reason + (f" (redirected from {redirected_from[0]})" if redirected_from else "")
        self.crawler.signals.send_catch_log(
            regwatch_signals.problem_found,
            kind="refused",
            url=request.url,
            detail=detail,
            fatal=bool(request.meta.get("regwatch_list")),
        )
        raise EgressRefused(f"egress refused {request.url}: {detail}")
