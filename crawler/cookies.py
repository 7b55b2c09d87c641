"""Scrapy's cookie middleware with the public-suffix list read offline, never fetched.

Scrapy asks tldextract whether a cookie's domain is a public suffix. By default tldextract
downloads the Public Suffix List with `requests` the first time a machine needs it: traffic
that does not pass the egress gate, to hosts no source named. Regwatch reads the snapshot
tldextract ships instead (and writes no cache), so a crawl sends nothing but its requests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares import cookies
from tldextract import TLDExtract

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

# The list as tldextract's release bundles it (private domains too, as Scrapy asks).
OFFLINE_SUFFIXES = TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True,
                              include_psl_private_domains=True)


def use_offline_suffixes() -> None:
    """Make Scrapy's cookie middleware split domains with :data:`OFFLINE_SUFFIXES`.

    Scrapy keeps its extractor in a module global (``_split_domain``) that its public-domain
    check reads on every call; raises RuntimeError when that global is gone (a Scrapy that
    finds suffixes another way), so such an upgrade stops the crawl instead of leaking.
    """
    if not hasattr(cookies, "_split_domain"):
        raise RuntimeError("scrapy.downloadermiddlewares.cookies no longer keeps its "
                           "tldextract instance in _split_domain; regwatch cannot keep its "
                           "public-suffix lookups offline")
    cookies._split_domain = OFFLINE_SUFFIXES


class OfflineCookiesMiddleware(cookies.CookiesMiddleware):
    """Scrapy's CookiesMiddleware, once the suffix lookups it makes are offline."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OfflineCookiesMiddleware:
        use_offline_suffixes()
        return super().from_crawler(crawler)
