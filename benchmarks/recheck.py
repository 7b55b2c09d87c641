"""Benchmark 2, re-check of an unchanged site: regwatch against its own first crawl and urlwatch.

One synthetic site of ``size`` notices (3,000 by default) on loopback. regwatch crawls it once
into a fresh archive, then again with nothing changed: the re-check, measured two ways.

- As `regwatch serve` runs it (the comparison): the service's `crawler.childrunner.ChildCrawlRunner`,
  each re-check a crawl child forked from its warm fork server, timed from the scheduler's
  call to the outcome. The first re-check also waits for the fork server to finish importing
  (a service does that once, at start) and is reported apart; the next ``rounds`` are the
  measure (their median).
- As a one-off `regwatch crawl` process from a shell (interpreter start and imports included).

urlwatch (from PyPI, the ``bench`` extra) watches the same notice pages, one ``url`` job per
notice page, with its own cache file in a temporary directory; it runs twice and the second run
is its re-check. The server counts requests and bytes it sent for each run. Aims: regwatch
fetches under 1% of the notice pages again, and re-checks at least 50 times faster than
urlwatch.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import runs
from benchmarks.sitegen import SOURCE_ID, SyntheticSite
from benchmarks.siteserver import RunningSite

AIM_FETCHED_AGAIN = 0.01
AIM_SPEEDUP = 50.0


def urlwatch_command() -> list[str] | None:
    """How to run urlwatch from this virtualenv, or None when it is not installed."""
    beside = Path(sys.executable).with_name("urlwatch")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("urlwatch")
    return [found] if found else None


def write_urlwatch_files(directory: Path, base_url: str, size: int) -> list[str]:
    """urls.yaml (one job per notice page), a quiet config; the arguments naming them."""
    site = SyntheticSite(size)
    jobs = "\n---\n".join(
        f"name: notice {n.number}\nurl: {base_url}{n.path}" for n in site.notices
    )
    (directory / "urls.yaml").write_text(jobs + "\n", encoding="utf-8")
    (directory / "urlwatch.yaml").write_text(
        "display:\n  new: true\n  error: true\n  unchanged: false\n  empty-diff: false\n"
        "report:\n  text:\n    details: false\n    footer: false\n    line_length: 75\n"
        "    minimal: true\n  stdout:\n    enabled: true\n    color: false\n"
        "  html:\n    diff: unified\n  markdown:\n    details: false\n    footer: false\n"
        "    minimal: true\n",
        encoding="utf-8",
    )
    (directory / "hooks.py").write_text("", encoding="utf-8")
    return ["--urls", str(directory / "urls.yaml"), "--config",
            str(directory / "urlwatch.yaml"), "--hooks", str(directory / "hooks.py"),
            "--cache", str(directory / "cache.db")]


def run_urlwatch(command: list[str], arguments: list[str]) -> dict[str, Any]:
    environment = {k: v for k, v in os.environ.items()
                   if k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    environment["NO_PROXY"] = "127.0.0.1"
    started = time.perf_counter()
    completed = subprocess.run([*command, *arguments], check=False, capture_output=True,
                               text=True,
                               env=environment, timeout=3600)
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"urlwatch failed ({completed.returncode}): {completed.stderr[-2000:]}")
    return {"process_wall_seconds": round(wall, 3),
            "reported_lines": len(completed.stdout.splitlines())}


def service_rechecks(config: Path, database_url: str, rounds: int,
                     site: RunningSite) -> dict[str, Any]:
    """Re-check the source ``1 + rounds`` times through the service's crawl runner."""
    from config import load_config
    from crawler.childrunner import ChildCrawlRunner
    from storage.db import open_archive, session_factory

    engine = open_archive(database_url)
    try:
        runner = ChildCrawlRunner(load_config(config), database_url, session_factory(engine),
                                  time_limit=600.0, stop_grace=10.0)
        walls: list[float] = []
        served: list[dict[str, Any]] = []
        statuses: list[str] = []
        for _ in range(1 + rounds):
            site.reset()
            started = time.perf_counter()
            outcome = runner.run(SOURCE_ID)
            walls.append(time.perf_counter() - started)
            served.append(site.stats())
            statuses.append(outcome.status)
            if outcome.counts.get("new", 0) or outcome.counts.get("changed", 0):
                raise RuntimeError(f"an unchanged site re-checked with changes: {outcome}")
        site.reset()
    finally:
        engine.dispose()
    measured = walls[1:]
    return {
        "first_wall_s": round(walls[0], 3),
        "wall_s": round(statistics.median(measured), 3),
        "wall_max_s": round(max(measured), 3),
        "requests": max(s["total_requests"] for s in served[1:]),
        "notice_pages": max(s["requests"].get("notice", 0) for s in served[1:]),
        "bytes": max(s["total_bytes_sent"] for s in served[1:]),
        "statuses": ",".join(sorted(set(statuses))),
    }


def run(size: int, *, concurrency: int = runs.DEFAULT_CONCURRENCY,
        rounds: int = 5) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="regwatch-bench-recheck-") as scratch, \
            RunningSite(size) as site:
        directory = Path(scratch)
        config = runs.write_config(directory, site.base_url, size)
        database = runs.sqlite_url(directory)
        first = runs.regwatch_crawl(config, database, concurrency)
        first_served = site.stats()
        site.reset()
        again = runs.regwatch_crawl(config, database, concurrency)
        again_served = site.stats()
        site.reset()
        service = service_rechecks(config, database, rounds, site)

        urlwatch: dict[str, Any] = {"urlwatch": "not installed (pip install -e '.[bench]')"}
        command = urlwatch_command()
        if command is not None:
            watch_dir = directory / "urlwatch"
            watch_dir.mkdir()
            arguments = write_urlwatch_files(watch_dir, site.base_url, size)
            first_watch = run_urlwatch(command, arguments)
            first_watch_served = site.stats()
            site.reset()
            again_watch = run_urlwatch(command, arguments)
            again_watch_served = site.stats()
            watch_wall = again_watch["process_wall_seconds"]
            urlwatch = {
                "urlwatch_first_wall_s": first_watch["process_wall_seconds"],
                "urlwatch_first_requests": first_watch_served["total_requests"],
                "urlwatch_recheck_wall_s": watch_wall,
                "urlwatch_recheck_requests": again_watch_served["total_requests"],
                "urlwatch_recheck_bytes": again_watch_served["total_bytes_sent"],
                "urlwatch_recheck_304s": sum(again_watch_served["not_modified"].values()),
                "speedup_vs_urlwatch": round(watch_wall / service["wall_s"], 1),
                "speedup_vs_urlwatch_cli": round(watch_wall / again["process_wall_seconds"], 1),
            }
    notices_again = max(again_served["requests"].get("notice", 0), service["notice_pages"])
    result: dict[str, Any] = {
        "benchmark": "recheck",
        "size": size,
        "first_notices": first["notices"],
        "first_requests": first_served["total_requests"],
        "first_bytes": first_served["total_bytes_sent"],
        "first_wall_s": first["process_wall_seconds"],
        "recheck_requests": service["requests"],
        "recheck_notice_pages_fetched": notices_again,
        "recheck_fetched_share": round(notices_again / max(1, size), 4),
        "recheck_bytes": service["bytes"],
        "recheck_wall_s": service["wall_s"],
        "recheck_wall_max_s": service["wall_max_s"],
        "recheck_rounds": rounds,
        "recheck_first_after_service_start_s": service["first_wall_s"],
        "recheck_statuses": service["statuses"],
        "recheck_cli_process_wall_s": again["process_wall_seconds"],
        "recheck_cli_crawl_wall_s": again["wall_seconds"],
        "recheck_cli_requests": again_served["total_requests"],
        "recheck_cli_status": again["status"],
        "recheck_new_or_changed": again["new"] + again["changed"],
        **urlwatch,
    }
    result["aim_fetched_again_met"] = result["recheck_fetched_share"] < AIM_FETCHED_AGAIN
    if "speedup_vs_urlwatch" in result:
        result["aim_speedup_met"] = result["speedup_vs_urlwatch"] >= AIM_SPEEDUP
    return result
