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
from typing import TYPE_CHECKING, Any, NoReturn, Self
from urllib.parse import urlsplit

import attr
from scrapy.exceptions import CannotResolveHostError
from scrapy.resolver import HostResolution, dnscache
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IHostnameResolver, IResolutionReceiver
from zope.interface import implementer

from config import Config, ConfigError, Source, load_config, origin_of
from crawler import signals as regwatch_signals
from crawler.addresses import is_public_address
from crawler.errors import EgressRefused
from crawler.sourcecrawl import crawl_of

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from twisted.internet.base import ReactorBase


logger = logging.getLogger(__name__)


@lru_cache(maxsize=1024)
def resolve(host: str) -> tuple[str, ...]:
    """Every address ``host`` resolves to; empty when it does not resolve."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return ()
    return tuple(sorted({str(info[4][0]) for info in infos}))


# How a refusal for a host that does not resolve starts: it is recorded as a DNS failure (a
# typo, a site gone, no network), not as the gate's refusal of an address.
DNS_FAILURE = "DNS lookup failed"


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
        return f"{DNS_FAILURE}: host {host!r} does not resolve"
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
        source: Source | None = getattr(crawl_of(self.crawler, request).spider, "source", None)
        if source is None:
            return
        reason = refusal(request.url, source)
        if reason is None:
            return
        self.refuse(request, reason)

    def process_exception(self, request: Request, exception: Exception) -> None:
        """A connection the crawl's resolver would not make (a host that turned non-public
        after the gate checked it) is a refusal with that reason, not a failed lookup."""
        if not isinstance(exception, (DNSLookupError, CannotResolveHostError)):
            return
        reason = lookup_refusal(urlsplit(request.url).hostname or "")
        if reason is not None:
            self.refuse(request, reason)

    def refuse(self, request: Request, reason: str) -> NoReturn:
        """Record ``request`` as refused for ``reason`` and stop it (EgressRefused)."""
        crawl = crawl_of(self.crawler, request)
        crawl.stats.inc_value("egress/refused")
        redirected_from = request.meta.get("redirect_urls")
        detail = reason + (f" (redirected from {redirected_from[0]})" if redirected_from else "")
        crawl.signals.send_catch_log(
            regwatch_signals.problem_found,
            kind="dns" if reason.startswith(DNS_FAILURE) else "refused",
            url=request.url,
            detail=detail,
            fatal=bool(request.meta.get("regwatch_list")),
        )
        raise EgressRefused(f"egress refused {request.url}: {detail}")


@implementer(IHostnameResolver)
class GatedResolver:
    """The crawl's name resolver: every address a host resolves to, IPv4 and IPv6, less the
    non-public ones for a host the user did not trust (the host of a base URL written in the
    configuration or given with ``--base-url``).

    The gate checks a request's host when the request is made; the connection is made to the
    address this resolver answers later, which the host's DNS may have changed in between (a
    rebinding: public for the check, loopback or private for the connection). Installed for
    the whole crawl process (``TWISTED_DNS_RESOLVER``), so it trusts the hosts of every
    configured source's trusted origins, not one source's.

    It resolves through the reactor's own name resolver (getaddrinfo in a thread), which
    answers IPv6 addresses and IPv6 literals too: Scrapy's default resolver knows IPv4 only,
    so a site at ``http://[::1]:8080`` could not be reached at all. Answers are cached as
    Scrapy caches them (``DNSCACHE_ENABLED``, ``DNSCACHE_SIZE``), after the check.
    """

    def __init__(self, reactor: ReactorBase, cache_size: int, timeout: float,
                 trusted_hosts: frozenset[str] = frozenset()) -> None:
        self.reactor = reactor
        # Interfaces typed Any: zope's interfaces are not types mypy checks calls against.
        self.original: Any = reactor.nameResolver
        self.cache_size = cache_size
        # Kept for Scrapy's DNS_TIMEOUT; getaddrinfo takes none, DOWNLOAD_TIMEOUT bounds a fetch.
        self.timeout = timeout
        self.trusted_hosts = trusted_hosts
        # Host -> why its answer was refused, for the few hosts that ever are.
        self.refusals: dict[str, str] = {}
        if cache_size:
            dnscache.limit = cache_size

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: ReactorBase) -> Self:
        settings = crawler.settings
        cache_size = (settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED")
                      else 0)
        return cls(reactor, cache_size, settings.getfloat("DNS_TIMEOUT"),
                   trusted_hosts(settings))

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)  # type: ignore[arg-type]  # zope's @implementer

    def resolveHostName(
        self,
        resolutionReceiver: Any,
        hostName: str,
        portNumber: int = 0,
        addressTypes: Sequence[type[Any]] | None = None,
        transportSemantics: str = "TCP",
    ) -> Any:
        name = hostName.strip("[]")
        cached = dnscache.get(name) if self.cache_size else None
        if cached is None:
            return self.original.resolveHostName(
                _CheckedResolution(resolutionReceiver, name, self), name, portNumber,
                addressTypes, transportSemantics)
        resolution = HostResolution(name)
        resolutionReceiver.resolutionBegan(resolution)
        for address in cached:
            resolutionReceiver.addressResolved(_address_with_port(address, portNumber))
        resolutionReceiver.resolutionComplete()
        return resolution

    def checked(self, address: Any, name: str) -> Any:
        """``address``, the answer for ``name``, unless it is one the gate would refuse
        (then DNSLookupError, its reason logged)."""
        if name.strip("[]").lower() in self.trusted_hosts or not isinstance(address, str):
            return address
        try:
            public = is_public_address(address.split("%", 1)[0])
        except ValueError:
            return address
        if not public:
            reason = (f"{name} now resolves to non-public address {address} (it was public "
                      "when the request was checked); not connecting. Set the source's "
                      "base_url to this origin to allow it")
            # Twisted reports a failed lookup without its reason: say it here, and keep it for
            # the gate to record (lookup_refusal).
            logger.warning("%s", reason)
            self.refusals[name.strip("[]").lower()] = reason
            raise DNSLookupError(reason)
        return address


@implementer(IResolutionReceiver)
class _CheckedResolution:
    """Passes on the addresses of one lookup that :meth:`GatedResolver.checked` lets through,
    and caches them; a lookup whose every answer is refused completes with none, which the
    connection reports as a failed lookup."""

    def __init__(self, receiver: Any, name: str, resolver: GatedResolver) -> None:
        self.receiver = receiver
        self.name = name
        self.resolver = resolver
        self.addresses: list[Any] = []

    def resolutionBegan(self, resolution: Any) -> None:
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: Any) -> None:
        try:
            self.resolver.checked(getattr(address, "host", None), self.name)
        except DNSLookupError:
            return
        self.addresses.append(address)
        self.receiver.addressResolved(address)

    def resolutionComplete(self) -> None:
        self.receiver.resolutionComplete()
        if self.addresses and self.resolver.cache_size:
            dnscache[self.name] = [_address_with_port(a, 0) for a in self.addresses]


def _address_with_port(address: Any, port: int) -> Any:
    """A resolved (port-less, as cached) address with the port a connection asks for."""
    return address if getattr(address, "port", port) == port else attr.evolve(address, port=port)


def lookup_refusal(host: str) -> str | None:
    """Why the crawl's resolver (the reactor's, when it is a :class:`GatedResolver`) refused
    the addresses of ``host``; None when it did not."""
    from twisted.internet import reactor

    resolver = getattr(reactor, "nameResolver", None)
    if not isinstance(resolver, GatedResolver):
        return None
    return resolver.refusals.get(host.strip("[]").lower())


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
        origin_host(origin)
        for source in config.sources.values()
        for origin in source.trusted_origins
    ) - {""}


def origin_host(origin: str) -> str:
    """The host of an origin as `origin_of` writes it, ``scheme://host:port``, lower-case and
    without brackets; an IPv6 host is written there without its brackets (``http://::1:80``),
    which ``urlsplit`` cannot read."""
    _, _, host_and_port = origin.partition("://")
    return host_and_port.rpartition(":")[0].strip("[]").lower()
