"""Benchmark 6, memory and stability: a large crawl's peak memory; the service over many runs.

First a regwatch crawl of ``size`` notices (10,000 by default) in its own process: its peak
resident memory. Then the service as ``regwatch serve`` builds it (:class:`scheduler.
CrawlService` with :class:`crawler.childrunner.ChildCrawlRunner`, each crawl a child process forked from
the runner's fork server), driven through ``runs`` scheduled runs by a fake clock that jumps
one interval after each (the service's own test hook, so no waiting for the schedule). Every
fifth run finds a new notice on the site. After each run the service process's resident memory
and open file descriptors are read from /proc, and the resident memory of the processes it
keeps beside it (the fork server, multiprocessing's resource tracker); none may grow.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks import runs as crawl_runs
from benchmarks.siteserver import RunningSite

INTERVAL = timedelta(hours=1)


class SteppedClock:
    """The service's clock, moved one schedule interval at a time by the benchmark."""

    def __init__(self) -> None:
        self.current = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


def resident_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def helpers_resident_mib() -> float:
    """Resident memory of this process's living children (between runs: the fork server and
    the resource tracker; a finished crawl child is gone)."""
    total = 0.0
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/children", encoding="ascii") as children:
                pids = children.read().split()
        except OSError:
            continue
        for pid in pids:
            try:
                with open(f"/proc/{pid}/status", encoding="ascii") as status:
                    for line in status:
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1]) / 1024
            except OSError:
                continue
    return round(total, 1)


def service_runs(config_path: Path, database_url: str, site: RunningSite,
                 count: int) -> dict[str, Any]:
    from config import load_config
    from crawler.childrunner import ChildCrawlRunner
    from scheduler import CrawlService, service_settings
    from storage.db import open_archive, session_factory
    from storage.lock import scheduler_lock

    config = load_config(config_path)
    settings = replace(service_settings(config), crawl_timeout=600.0)
    engine = open_archive(database_url)
    lock = scheduler_lock(engine)
    lock.acquire()
    runner = ChildCrawlRunner(config, database_url, session_factory(engine),
                              time_limit=settings.crawl_timeout, stop_grace=5.0)
    clock = SteppedClock()
    service = CrawlService(config, engine, runner, clock=clock, settings=settings)
    rss: list[float] = []
    helpers: list[float] = []
    files: list[int] = []
    statuses: dict[str, int] = {}
    new = 0
    try:
        service.start()
        for number in range(count):
            if number % 5 == 4:
                site.publish()
            for outcome in service.run_once():
                statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
                new += int(outcome.counts.get("new", 0))
            rss.append(resident_mib())
            helpers.append(helpers_resident_mib())
            files.append(open_files())
            clock.advance(INTERVAL + timedelta(seconds=1))
    finally:
        service.stop()
        lock.release()
        engine.dispose()
    settled = rss[min(len(rss) - 1, 4)]
    return {
        "service_runs": sum(statuses.values()),
        "service_statuses": ",".join(f"{k}:{v}" for k, v in sorted(statuses.items())),
        "service_new_notices": new,
        "service_rss_first_mib": rss[0],
        "service_rss_after_5_mib": settled,
        "service_rss_last_mib": rss[-1],
        "service_rss_max_mib": max(rss),
        "service_rss_growth_after_5_mib": round(rss[-1] - settled, 1),
        "service_helpers_rss_after_5_mib": helpers[min(len(helpers) - 1, 4)],
        "service_helpers_rss_last_mib": helpers[-1],
        "service_open_files_first": files[0],
        "service_open_files_last": files[-1],
        "service_open_files_max": max(files),
    }


def run(size: int, *, runs: int, concurrency: int = crawl_runs.DEFAULT_CONCURRENCY
        ) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="regwatch-bench-memory-") as scratch, \
            RunningSite(size) as site:
        directory = Path(scratch)
        config = crawl_runs.write_config(directory, site.base_url, size)
        database = crawl_runs.sqlite_url(directory)
        crawl = crawl_runs.regwatch_crawl(config, database, concurrency)
        result: dict[str, Any] = {
            "benchmark": "memory",
            "size": size,
            "crawl_notices": crawl["notices"],
            "crawl_peak_rss_mib": crawl["peak_rss_mib"],
            "crawl_wall_s": crawl["wall_seconds"],
        }
        result.update(service_runs(config, database, site, runs))
    return result
