"""Running crawls of configured sources in this process, and what each crawl found.

Scrapy's reactor cannot be restarted, so a process runs :func:`crawl_sources` once; the
scheduler and the demo start a child process for each round of crawls (`crawl_in_child` is what
the scheduler's children run).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from multiprocessing.connection import Connection
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.log import get_scrapy_root_handler

from config import Config
from crawler.egress import config_trusted_hosts
from crawler.runrecord import CrawlRecorder, run_counts
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
    # What the DNS resolver lets resolve to a non-public address (crawler.egress.GatedResolver).
    settings.set("REGWATCH_TRUSTED_HOSTS", sorted(config_trusted_hosts(config)),
                 priority="cmdline")
    for name, value in (extra_settings or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def _log_only_what_is_kept() -> None:
    # Scrapy lets every record reach its handler, which drops those below LOG_LEVEL (the root
    # logger is at NOTSET and Scrapy's own at DEBUG once a crawl starts): a crawl would build
    # a record for each response and each notice only to throw it away.
    handler = get_scrapy_root_handler()
    if handler is not None:
        logging.root.setLevel(handler.level)
        logging.getLogger("scrapy").setLevel(handler.level)


@contextlib.contextmanager
def _collector_skips_what_is_here() -> Iterator[None]:
    """Leave the objects that exist now (the modules a crawl imported, its components) out of
    the garbage collector's full passes until the block ends.

    They outlive the crawl anyway, and a full pass over them costs tens of milliseconds each
    time (about 0.1 s of a 1,000-notice crawl). What the crawl itself allocates is collected as
    usual; unfreezing afterwards hands the rest back, so a long-lived caller (the tests, a
    notebook) loses nothing to it."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def crawl_sources(
    config: Config,
    source_ids: list[str],
    *,
    database_url: str | None = None,
    base_url: str | None = None,
    refetch: bool = False,
    extra_settings: Mapping[str, Any] | None = None,
    watch: Callable[[Mapping[str, Crawler]], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Crawl the sources concurrently (each politely); per source its counts and status.

    The result for each source has ``new``, ``changed``, ``unchanged``, ``failed``,
    ``not_modified``, ``requests``, ``status`` (ok, unhealthy or failed), ``run_id`` and
    ``problems``. Raises :class:`CrawlError` when the archive cannot be opened.
    ``extra_settings``: see :func:`crawl_settings`. ``watch`` is called with the crawlers by
    source id before they start, in the thread that runs them (the command line shows their
    progress from their stats).
    """
    from storage.db import open_archive
    from storage.errors import ArchiveError

    try:
        # Closed at once: the archive writer is forked before the crawl starts (see
        # crawler.archivewriter.fork_writer), and no connection of this process may be open
        # in a transaction then.
        open_archive(database_url).dispose()
    except ArchiveError as exc:
        raise CrawlError(str(exc)) from exc

    settings = crawl_settings(config, database_url=database_url, base_url=base_url,
                              refetch=refetch, extra_settings=extra_settings)
    if len(source_ids) > 1:
        # Many sources: one crawler checks them all, each host politely across sources.
        from crawler.engine import run_engine

        with _collector_skips_what_is_here():
            return run_engine(config, source_ids, settings, refetch=refetch, base_url=base_url,
                              watch=watch)
    process = CrawlerProcess(settings)
    crawlers = {}
    for source_id in source_ids:
        crawler = process.create_crawler(spider_for(source_id, settings))
        crawler.signals.connect(_log_only_what_is_kept, signal=signals.engine_started)
        crawlers[source_id] = crawler
        process.crawl(crawler)
    if watch is not None:
        watch(crawlers)
    with _collector_skips_what_is_here():
        process.start()

    results: dict[str, dict[str, Any]] = {}
    for source_id, crawler in crawlers.items():
        stats = crawler.stats
        recorder = CrawlRecorder.of(crawler)
        result: dict[str, Any] = dict(run_counts(stats))
        result["status"] = stats.get_value("run/status") or "failed"
        result["run_id"] = stats.get_value("run/id")
        result["problems"] = list(recorder.problems) if recorder else []
        if stats.get_value("finish_reason") not in (None, "finished"):
            result["status"] = "failed"
        results[source_id] = result
    return results


# What the process the crawl children are forked from imports
# (`crawler.childrunner.ChildCrawlRunner`).
# multiprocessing runs the service's main module again in each child (as ``__mp_main__``, its
# ``if __name__ == "__main__"`` part skipped); for `regwatch serve` that is the command line,
# so `cli` is imported beforehand too and that costs the child nothing.
CHILD_PRELOAD = ("crawler.preload", "cli")


def crawl_in_child(
    source_id: str,
    config_path: str | None,
    database_url: str,
    environment: Mapping[str, str],
    working_directory: str,
    log_path: str,
    results: Connection,
) -> None:
    """The body of one crawl child: crawl ``source_id`` and send its result over ``results``.

    The child was forked from a process started earlier, so it takes the parent's environment
    and working directory as they are now, starts a session of its own (a time-limit kill takes
    anything it started along), and writes its output to ``log_path`` for the parent to read
    through a handle it keeps (the child removes the name once it has the file open).
    It sends `crawl_sources`' result for the source, or ``{"error": reason}`` when the crawl
    could not start.
    """
    os.setsid()
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    # The parent reads it through the handle it kept; without a name it cannot outlive both.
    with contextlib.suppress(OSError):
        os.unlink(log_path)
    os.environ.clear()
    os.environ.update(environment)
    os.chdir(working_directory)

    from config import ConfigError, load_config
    from storage.source_definitions import with_archive_sources_at

    try:
        try:
            config = with_archive_sources_at(load_config(config_path), database_url)
            found = crawl_sources(config, [source_id], database_url=database_url)
        except (ConfigError, CrawlError) as exc:
            results.send({"error": str(exc)})
            return
        results.send(found[source_id])
    finally:
        results.close()
