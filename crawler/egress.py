"""The egress gate: every request and every redirect passes it before anything is sent.

Only http(s); only the hosts of the source being crawled; and never a loopback, private,
link-local or otherwise non-public address unless the user trusted that origin by giving it as
the source's base URL. A refused request is a health problem of the source, never a change.
`GatedResolver`, the crawl's DNS resolver, applies the same rule to the address a connection
is made to, which the host's DNS may answer differently from the gate's own lookup.
"""

from __future__ import annotations

import logging
import socket
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from config import Config, ConfigError, Source, load_config, origin_of
from crawler import signals as regwatch_signals
from crawler.addresses import is_public_address
from crawler.errors import EgressRefused

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from twisted.internet.base import ReactorBase
    from twisted.internet.defer import Deferred


logger = logging.getLogger(__name__)


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


class GatedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing a non-public address for a host the user did not
    trust (the host of a base URL written in the configuration or given with ``--base-url``).

    The gate checks a request's host when the request is made; the connection is made to the
    address this resolver answers later, which the host's DNS may have changed in between (a
    rebinding: public for the check, loopback or private for the connection). Installed for
    the whole crawl process (``TWISTED_DNS_RESOLVER``), so it trusts the hosts of every
    configured source's trusted origins, not one source's.
    """

    def __init__(self, reactor: ReactorBase, cache_size: int, timeout: float,
                 trusted_hosts: frozenset[str] = frozenset()) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.trusted_hosts = trusted_hosts

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: ReactorBase) -> Self:
        settings = crawler.settings
        cache_size = (settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED")
                      else 0)
        return cls(reactor, cache_size, settings.getfloat("DNS_TIMEOUT"),
                   trusted_hosts(settings))

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        answer = super().getHostByName(name, timeout)
        answer.addCallback(self.checked, name)
        return answer

    def checked(self, address: Any, name: str) -> Any:
        """``address``, the answer for ``name``, unless it is one the gate would refuse."""
        if name.lower() in self.trusted_hosts or not isinstance(address, str):
            return address
        try:
            public = is_public_address(address)
        except ValueError:
            return address
        if not public:
            reason = (f"{name} now resolves to non-public address {address} (it was public "
                      "when the request was checked); not connecting. Set the source's "
                      "base_url to this origin to allow it")
            # Twisted reports a failed lookup without its reason: say it here.
            logger.warning("%s", reason)
            raise DNSLookupError(reason)
        return address


def trusted_hosts(settings: BaseSettings) -> frozenset[str]:
    """The hosts a crawl with ``settings`` may reach at non-public addresses: those of the
    configured sources' trusted origins (``REGWATCH_TRUSTED_HOSTS`` as `crawl_sources` sets
    it, else read from ``REGWATCH_CONFIG``) and of ``REGWATCH_BASE_URL``."""
    hosts: set[str] = set()
    base_url = settings.get("REGWATCH_BASE_URL")
    if base_url:
        hosts.add((urlsplit(base_url).hostname or "").lower())
    if settings.get("REGWATCH_TRUSTED_HOSTS") is not None:
        hosts.update(host.lower() for host in settings.getlist("REGWATCH_TRUSTED_HOSTS"))
    else:
        try:
            hosts.update(config_trusted_hosts(load_config(settings.get("REGWATCH_CONFIG"))))
        except ConfigError:
            # The crawl reports the configuration itself; nothing is trusted meanwhile.
            pass
    return frozenset(hosts - {""})


def config_trusted_hosts(config: Config) -> frozenset[str]:
    """The hosts of every configured source's trusted origins."""
    return frozenset(
        (urlsplit(origin).hostname or "").lower()
        for source in config.sources.values()
        for origin in source.trusted_origins
    ) - {""}
