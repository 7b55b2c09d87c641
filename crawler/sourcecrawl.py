"""Which crawl of a source a request belongs to, when one crawl engine runs many at once.

In a crawl of one source, a component's crawler is that source's. In the crawl engine
(:mod:`crawler.engine`) one Scrapy crawler fetches for every source, and each request carries
its source's :class:`~crawler.engine.SourceCrawl` (what a crawler is to the components: the
source's spider, stats and signals) under :data:`SOURCE_CRAWL`. Components reach it with
:func:`crawl_of`, which gives the crawler itself for requests of a one-source crawl.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy import Request

SOURCE_CRAWL = "regwatch_crawl"


def crawl_of(crawler: Any, request: Request) -> Any:
    """The crawl ``request`` belongs to: its source's in the engine, else ``crawler`` (also for
    a response built without its request)."""
    meta = getattr(request, "meta", None) or {}
    return meta.get(SOURCE_CRAWL) or crawler
