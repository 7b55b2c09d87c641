"""Benchmark 1, first crawl: regwatch's full pipeline against a bare Scrapy spider (the ceiling).

Both crawl the same synthetic site of ``size`` notices on loopback, in their own processes,
with the same concurrency and AutoThrottle and delays off, and the Scrapy settings regwatch
tunes (``crawlchild.SCRAPY_TUNING``); the bare spider also runs with Scrapy's defaults, the
ceiling of earlier rows (``ratio_to_bare_scrapy_defaults``). The bare spider fetches and parses
the same pages and stores nothing; regwatch fetches, parses, extracts, writes events and stores
each notice in a fresh SQLite archive (in its archive writer process, beside the crawl's).
Aim: regwatch at least 0.7 of the ceiling's notices/s (wall). The three crawls run in turn
``rounds`` times (``--rounds``); rates are medians, the ratio the median of each round's. ``cpu_ratio`` is bare CPU over
regwatch's CPU of both processes; ``crawl_process_cpu_ratio`` over the crawl process's alone.
Then :mod:`benchmarks.archivegrowth` measures what one new notice costs the pipeline as the
archive grows to ``size`` notices.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from statistics import median
from typing import Any

from benchmarks import archivegrowth, runs
from benchmarks.siteserver import RunningSite

AIM = 0.7


def run(size: int, *, concurrency: int = runs.DEFAULT_CONCURRENCY,
        profile_dir: Path | None = None, rounds: int = 3) -> dict[str, Any]:
    """``rounds`` rounds of the three crawls, alternated, so that the machine's drifts in speed
    (it is shared) fall on all three alike; the ratio is the median of the rounds' ratios."""
    bares: list[dict[str, Any]] = []
    defaults: list[dict[str, Any]] = []
    regwatches: list[dict[str, Any]] = []
    with RunningSite(size) as site:
        for number in range(rounds):
            profiled = profile_dir if number == 0 else None
            with tempfile.TemporaryDirectory(prefix="regwatch-bench-crawl-") as scratch:
                directory = Path(scratch)
                config = runs.write_config(directory, site.base_url, size)
                site.reset()
                bares.append(runs.bare_crawl(
                    site.base_url, size, concurrency,
                    profile=profiled / "bare.txt" if profiled else None))
                bare_served = site.stats()
                site.reset()
                # The same spider with Scrapy's defaults: the ceiling of the earlier rows.
                defaults.append(runs.bare_crawl(site.base_url, size, concurrency,
                                                scrapy_defaults=True))
                site.reset()
                regwatches.append(runs.regwatch_crawl(
                    config, runs.sqlite_url(directory), concurrency,
                    profile=profiled / "regwatch.txt" if profiled else None))
                regwatch_served = site.stats()
    growth = archivegrowth.run(size)

    def rate(crawl: dict[str, Any]) -> float:
        return float(crawl["notices"] / crawl["wall_seconds"])

    ratios = [rate(r) / rate(b) for r, b in zip(regwatches, bares, strict=True)]
    default_ratios = [rate(r) / rate(d) for r, d in zip(regwatches, defaults, strict=True)]
    ratio = median(ratios)
    # The round whose ratio is the median stands for the run in the CPU figures.
    middle = ratios.index(sorted(ratios)[(len(ratios) - 1) // 2])
    bare, regwatch = bares[middle], regwatches[middle]
    cpu = regwatch["cpu_seconds"] or 1.0
    return {
        "benchmark": "crawl",
        "size": size,
        "concurrency": concurrency,
        "rounds": rounds,
        "ceiling_notices_per_s": round(median(rate(b) for b in bares), 1),
        "regwatch_notices_per_s": round(median(rate(r) for r in regwatches), 1),
        "ratio": round(ratio, 3),
        "ratios": "/".join(f"{r:.2f}" for r in ratios),
        "aim": AIM,
        "aim_met": ratio >= AIM,
        "bare_scrapy_defaults_notices_per_s": round(median(rate(d) for d in defaults), 1),
        "ratio_to_bare_scrapy_defaults": round(median(default_ratios), 3),
        "bare_scrapy_defaults_cpu_s": defaults[middle]["cpu_seconds"],
        "bare_notices": bare["notices"],
        "regwatch_notices": regwatch["notices"],
        "bare_wall_s": bare["wall_seconds"],
        "regwatch_wall_s": regwatch["wall_seconds"],
        "bare_cpu_s": bare["cpu_seconds"],
        "regwatch_cpu_s": regwatch["cpu_seconds"],
        "regwatch_crawl_cpu_s": regwatch["crawl_cpu_seconds"],
        "regwatch_writer_cpu_s": regwatch["writer_cpu_seconds"],
        "cpu_ratio": round(bare["cpu_seconds"] / cpu, 3),
        "crawl_process_cpu_ratio": round(
            bare["cpu_seconds"] / (regwatch["crawl_cpu_seconds"] or 1.0), 3),
        "regwatch_pipeline_cpu_share": round(regwatch["pipeline_cpu_seconds"] / cpu, 3),
        "regwatch_extraction_cpu_share": round(regwatch["extraction_cpu_seconds"] / cpu, 3),
        "bare_requests": bare_served["total_requests"],
        "regwatch_requests": regwatch_served["total_requests"],
        "regwatch_bytes_received": regwatch_served["total_bytes_sent"],
        "regwatch_peak_rss_mib": regwatch["peak_rss_mib"],
        "regwatch_writer_peak_rss_mib": regwatch["writer_peak_rss_mib"],
        "server_cpu_s": regwatch_served["cpu_seconds"],
        "regwatch_status": "/".join(sorted({r["status"] for r in regwatches})),
        "regwatch_failed": sum(r["failed"] for r in regwatches),
        **growth,
    }


def compare(size: int, against: str, *, concurrency: int = runs.DEFAULT_CONCURRENCY,
            rounds: int = 5) -> dict[str, Any]:
    """This checkout's first crawl against revision ``against``'s, alternated in one run.

    The machine's speed drifts by tens of per cent within minutes, so two separate runs
    cannot tell a change of a few per cent: here each round crawls with the bare spider, then
    with both revisions (their order swapped every round), and the medians of the rounds are
    compared. ``against`` is checked out into a temporary git worktree, whose own code the
    crawl child runs. Raises ValueError, with git's reason, when it cannot be checked out.
    """
    repository = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory(prefix="regwatch-bench-against-") as scratch:
        tree = Path(scratch) / "tree"
        try:
            checkout = subprocess.run(
                ["git", "worktree", "add", "--detach", "--quiet", str(tree), against],
                cwd=repository, check=False, capture_output=True, text=True)
        except OSError as exc:  # no git on this machine
            raise ValueError(f"cannot check out {against!r}: {exc}") from exc
        if checkout.returncode != 0:
            reason = checkout.stderr.strip().splitlines()[-1:] or ["git failed"]
            raise ValueError(f"cannot check out {against!r}: {reason[0]}")
        try:
            return _compare(size, against, tree, concurrency, rounds)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)],
                           cwd=repository, check=False, capture_output=True)


def _compare(size: int, against: str, tree: Path, concurrency: int,
             rounds: int) -> dict[str, Any]:
    crawls: dict[str, list[dict[str, Any]]] = {"bare": [], "this": [], "against": []}
    with RunningSite(size) as site:
        for number in range(rounds):
            crawls["bare"].append(runs.bare_crawl(site.base_url, size, concurrency))
            order = ("this", "against") if number % 2 == 0 else ("against", "this")
            for side in order:
                with tempfile.TemporaryDirectory(prefix="regwatch-bench-crawl-") as scratch:
                    directory = Path(scratch)
                    config = runs.write_config(directory, site.base_url, size)
                    crawls[side].append(runs.regwatch_crawl(
                        config, runs.sqlite_url(directory), concurrency,
                        tree=tree if side == "against" else None))

    def middle(side: str, key: str) -> float:
        return round(median(crawl[key] for crawl in crawls[side]), 3)

    result: dict[str, Any] = {"benchmark": "crawl", "against": against, "size": size,
                              "concurrency": concurrency, "rounds": rounds,
                              "bare_wall_s": middle("bare", "wall_seconds")}
    for side in ("this", "against"):
        result[f"{side}_wall_s"] = middle(side, "wall_seconds")
        result[f"{side}_crawl_cpu_s"] = middle(side, "crawl_cpu_seconds")
        result[f"{side}_writer_cpu_s"] = middle(side, "writer_cpu_seconds")
        result[f"{side}_notices"] = min(crawl["notices"] for crawl in crawls[side])
        result[f"{side}_ratio"] = round(median(
            bare["wall_seconds"] / crawl["wall_seconds"]
            for bare, crawl in zip(crawls["bare"], crawls[side], strict=True)), 3)
    for key in ("wall_s", "crawl_cpu_s", "writer_cpu_s"):
        result[f"{key.removesuffix('_s')}_change"] = round(
            result[f"this_{key}"] / result[f"against_{key}"] - 1, 3)
    return result
