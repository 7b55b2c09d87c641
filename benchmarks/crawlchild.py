"""One measured crawl in its own process (Scrapy's reactor runs once per process).

    python -m benchmarks.crawlchild regwatch --config FILE --database-url URL [--concurrency C]
    python -m benchmarks.crawlchild bare --base-url URL --pages P [--concurrency C]

``regwatch`` runs :func:`crawler.runner.crawl_sources` on the synthetic site's source: fetch,
parse, extract, store. ``bare`` runs a plain Scrapy spider that fetches and parses the same
pages (list page, JSON list API, notice pages) and stores nothing: the ceiling. Both use the
same concurrency with AutoThrottle and delays off. Prints one JSON object: wall and CPU seconds
of the crawl itself (imports and archive migration excluded), peak RSS, counts, and for
regwatch the CPU seconds of the crawl's process and of its archive writer process (its
``cpu_seconds`` is their sum), and those spent storing notices and extracting (the
pipeline's ``store/cpu_seconds`` and ``store/extraction_cpu_seconds`` stats).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from benchmarks.sitegen import CHANNEL_CODE, JSON_LIST_PATH, LIST_PATH, PER_PAGE, SOURCE_ID


def fair_settings(concurrency: int) -> dict[str, Any]:
    """Settings both sides share: no politeness on loopback, the same concurrency."""
    return {
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
        **SCRAPY_TUNING,
    }


# Scrapy settings regwatch tunes (crawler/settings.py), given to both sides so that the ceiling
# is Scrapy at its best on this machine: no hundred workers per response, no re-reading a
# callback's source to check that it returns no value. `bare --scrapy-defaults` goes without.
SCRAPY_TUNING: dict[str, Any] = {
    "CONCURRENT_ITEMS": 1,
    "WARN_ON_GENERATOR_RETURN_VALUE": False,
}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def children_cpu_seconds() -> float:
    """CPU of this process's finished children: regwatch's archive writer."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _store_stats(into: dict[str, float]) -> None:
    """Copy the archive pipeline's CPU stats (storing, and extracting within it; counted by the
    writer process) into ``into`` when the pipeline closes."""
    import crawler.pipelines

    pipeline = crawler.pipelines.ArchivePipeline
    close = pipeline.close_spider

    async def closing(self: crawler.pipelines.ArchivePipeline) -> None:
        await close(self)
        for name in ("cpu_seconds", "extraction_cpu_seconds"):
            into[name] = float(self.crawler.stats.get_value(f"store/{name}", 0.0))

    pipeline.close_spider = closing  # type: ignore[method-assign]


def run_regwatch(config_path: str, database_url: str, concurrency: int,
                 profile: str | None) -> dict[str, Any]:
    # What a scheduled crawl has imported before it starts (the service forks each one from a
    # process that imported this), as the bare spider's timer starts after Scrapy built it.
    import crawler.preload  # noqa: F401
    from config import load_config
    from crawler.runner import crawl_sources
    from storage.db import open_archive

    config = load_config(config_path)
    open_archive(database_url).dispose()
    store: dict[str, float] = {}
    _store_stats(store)
    profiler = _start_profiler(profile)
    cpu0, children0, wall0 = cpu_seconds(), children_cpu_seconds(), time.perf_counter()
    results = crawl_sources(config, [SOURCE_ID], database_url=database_url,
                            extra_settings=fair_settings(concurrency))
    wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
    writer_cpu = children_cpu_seconds() - children0
    _stop_profiler(profiler, profile)
    result = results[SOURCE_ID]
    return {
        "side": "regwatch",
        "wall_seconds": round(wall, 3),
        "cpu_seconds": round(cpu + writer_cpu, 3),
        "crawl_cpu_seconds": round(cpu, 3),
        "writer_cpu_seconds": round(writer_cpu, 3),
        "peak_rss_mib": peak_rss_mib(),
        "writer_peak_rss_mib": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "notices": result["new"] + result["changed"],
        "new": result["new"],
        "changed": result["changed"],
        "unchanged": result["unchanged"],
        "failed": result["failed"],
        "not_modified": result["not_modified"],
        "requests": result["requests"],
        "status": result["status"],
        "problems": result["problems"][:3],
        "pipeline_cpu_seconds": round(store.get("cpu_seconds", 0.0), 3),
        "extraction_cpu_seconds": round(store.get("extraction_cpu_seconds", 0.0), 3),
    }


def run_bare(base_url: str, pages: int, concurrency: int, profile: str | None,
             scrapy_defaults: bool = False) -> dict[str, Any]:
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.http import FormRequest, Request, Response

    host = "//www.cac.gov.cn"

    class BareNoticeSpider(scrapy.Spider):
        """Fetches and parses what regwatch's CAC source reads, and keeps nothing."""

        name = "bare"

        def local(self, href: str) -> str:
            return base_url + href.removeprefix("http:").removeprefix(host)

        async def start(self) -> AsyncIterator[Any]:
            yield Request(base_url + LIST_PATH, callback=self.parse_list, meta={"page": 1})

        def parse_list(self, response: Response) -> Iterator[Any]:
            if response.meta["page"] == 1:
                for item in response.css("#loadingInfoPage li"):
                    href = item.css("h5 a::attr(href)").get()
                    if href:
                        yield Request(self.local(href), callback=self.parse_notice)
            else:
                for row in json.loads(response.body)["list"]:
                    yield Request(self.local(row["infourl"]), callback=self.parse_notice)
            page = response.meta["page"] + 1
            if page <= pages + 1:
                yield FormRequest(
                    base_url + JSON_LIST_PATH, callback=self.parse_list, meta={"page": page},
                    formdata={"channelCode": CHANNEL_CODE, "perPage": str(PER_PAGE),
                              "pageno": str(page)},
                )

        def parse_notice(self, response: Response) -> Iterator[dict[str, Any]]:
            yield {
                "url": response.url,
                "title": response.css("h1.title::text").get(),
                "date": response.css("#pubtime::text").get(),
                "body": response.css("#BodyLabel").get(),
            }

    settings = fair_settings(concurrency)
    if scrapy_defaults:
        settings = {name: value for name, value in settings.items() if name not in SCRAPY_TUNING}
    process = CrawlerProcess({**settings, "ROBOTSTXT_OBEY": True,
                              "USER_AGENT": "regwatch-benchmark-bare"})
    crawler = process.create_crawler(BareNoticeSpider)
    process.crawl(crawler)
    profiler = _start_profiler(profile)
    cpu0, wall0 = cpu_seconds(), time.perf_counter()
    process.start()
    wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
    _stop_profiler(profiler, profile)
    stats = crawler.stats
    assert stats is not None
    return {
        "side": "bare",
        "wall_seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3),
        "peak_rss_mib": peak_rss_mib(),
        "notices": int(stats.get_value("item_scraped_count", 0)),
        "requests": int(stats.get_value("downloader/request_count", 0)),
        "status": stats.get_value("finish_reason"),
    }


def _start_profiler(path: str | None) -> Any:
    """pyinstrument (wall clock, a text tree), or cProfile when ``path`` ends in .pstats."""
    if not path:
        return None
    if path.endswith(".pstats"):
        import cProfile

        profile = cProfile.Profile(time.process_time)
        profile.enable()
        return profile
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.002)
    profiler.start()
    return profiler


def _stop_profiler(profiler: Any, path: str | None) -> None:
    if profiler is None or not path:
        return
    if path.endswith(".pstats"):
        profiler.disable()
        profiler.dump_stats(path)
        return
    profiler.stop()
    with open(path, "w", encoding="utf-8") as out:
        out.write(profiler.output_text(unicode=True, show_all=False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.crawlchild")
    parser.add_argument("side", choices=("regwatch", "bare"))
    parser.add_argument("--config")
    parser.add_argument("--database-url")
    parser.add_argument("--base-url")
    parser.add_argument("--pages", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--profile", help="write a pyinstrument text profile of the crawl here")
    parser.add_argument("--scrapy-defaults", action="store_true",
                        help="bare: Scrapy's defaults instead of regwatch's tuning")
    args = parser.parse_args(argv)
    if args.side == "regwatch":
        result = run_regwatch(args.config, args.database_url, args.concurrency, args.profile)
    else:
        result = run_bare(args.base_url, args.pages, args.concurrency, args.profile,
                          args.scrapy_defaults)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
