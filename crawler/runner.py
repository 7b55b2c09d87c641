"""Running crawls of configured sources in this process, and what each crawl found.

Scrapy's reactor cannot be restarted, so a process runs :func:`crawl_sources` once; the
scheduler and the demo start a child process for each round of crawls.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.runrecord import COUNT_STATS, CrawlRecorder
from crawler.sourcedefs import Config
from crawler.spiderloader import spider_for


class CrawlError(RuntimeError):
    """The crawl could not start (the archive cannot be opened)."""


def crawl_settings(
    config: Config,
    *,
    database_url: str | None = None,
    base_url: str | None = None,
    refetch: bool = False,
    extra_settings: Mapping[str, Any] | None = None,
) -> Settings:
    """Scrapy settings of a regwatch crawl.

    ``extra_settings`` are Scrapy settings that override everything else, the sources' own
    delays included; the benchmarks use them to crawl a loopback site without politeness
    (``CONCURRENT_REQUESTS_PER_DOMAIN``, ``AUTOTHROTTLE_ENABLED``). Not for real sites.
    """
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("LOG_LEVEL", os.environ.get("REGWATCH_LOG_LEVEL", "WARNING"), priority="cmdline")
    if database_url:
        settings.set("REGWATCH_DATABASE_URL", database_url, priority="cmdline")
    if config.path is not None:
        settings.set("REGWATCH_CONFIG", str(config.path), priority="cmdline")
    if base_url:
        settings.set("REGWATCH_BASE_URL", base_url, priority="cmdline")
    settings.set("REGWATCH_REFETCH", refetch, priority="cmdline")
    for name, value in (extra_settings or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def crawl_sources(
    config: Config,
    source_ids: list[str],
    *,
    database_url: str | None = None,
    base_url: str | None = None,
    refetch: bool = False,
    quiet: bool = False,
    extra_settings: Mapping[str, Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """Crawl the sources concurrently (each politely); per source its counts and status.

    The result for each source has ``new``, ``changed``, ``unchanged``, ``failed``,
    ``not_modified``, ``requests``, ``status`` (ok, unhealthy or failed), ``run_id`` and
    ``problems``. Raises :class:`CrawlError` when the archive cannot be opened.
    ``extra_settings``: see :func:`crawl_settings`.
    """
    from storage.db import open_archive
    from storage.errors import ArchiveError

    try:
        open_archive(database_url)
    except ArchiveError as exc:
        raise CrawlError(str(exc)) from exc

    settings = crawl_settings(config, database_url=database_url, base_url=base_url,
                              refetch=refetch, extra_settings=extra_settings)
    process = CrawlerProcess(settings)
    crawlers = {}
    for source_id in source_ids:
        crawler = process.create_crawler(spider_for(source_id, settings))
        crawlers[source_id] = crawler
        process.crawl(crawler)
    process.start()

    results: dict[str, dict[str, Any]] = {}
    for source_id, crawler in crawlers.items():
        stats = crawler.stats
        recorder = CrawlRecorder.of(crawler)
        result: dict[str, Any] = {
            key: int(stats.get_value(stat, 0)) for key, stat in COUNT_STATS.items()
        }
        result["not_modified"] = int(stats.get_value("crawl/not_modified", 0))
        result["requests"] = int(stats.get_value("downloader/request_count", 0))
        result["status"] = stats.get_value("run/status") or "failed"
        result["run_id"] = stats.get_value("run/id")
        result["problems"] = list(recorder.problems) if recorder else []
        if stats.get_value("finish_reason") not in (None, "finished"):
            result["status"] = "failed"
        results[source_id] = result
    return results
