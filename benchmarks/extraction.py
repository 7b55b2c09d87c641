"""Benchmark 4, extraction: notices per second per core, and its share of a crawl's CPU time.

Throughput: :func:`diffing.extract.extract` over the synthetic site's notice texts (Simplified
Chinese, one in four English) in this one process, CPU time only, after one warm-up call that
loads the catalogues. Share: a regwatch crawl of the same site, in a child process, with the
CPU seconds spent inside extraction summed (the call the archive pipeline makes) against the
crawl's whole CPU time.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import runs
from benchmarks.sitegen import SyntheticSite
from benchmarks.siteserver import RunningSite


def throughput(size: int) -> dict[str, Any]:
    from diffing.extract import extract

    notices = SyntheticSite(size).notices
    extract(notices[0].text, published=notices[0].published)
    figures = platforms = characters = 0
    started = time.process_time()
    for notice in notices:
        found = extract(notice.text, published=notice.published)
        figures += len(found.figures)
        platforms += len(found.platforms)
        characters += len(notice.text)
    cpu = time.process_time() - started
    return {
        "extract_notices": len(notices),
        "extract_cpu_s": round(cpu, 3),
        "notices_per_s_per_core": round(len(notices) / cpu, 1),
        "chars_per_s_per_core": round(characters / cpu),
        "ms_per_notice": round(cpu * 1000 / len(notices), 2),
        "figures_found": figures,
        "platform_mentions_found": platforms,
    }


def run(size: int, *, concurrency: int = runs.DEFAULT_CONCURRENCY) -> dict[str, Any]:
    result: dict[str, Any] = {"benchmark": "extract", "size": size, **throughput(size)}
    with tempfile.TemporaryDirectory(prefix="regwatch-bench-extract-") as scratch, \
            RunningSite(size) as site:
        directory = Path(scratch)
        config = runs.write_config(directory, site.base_url, size)
        crawl = runs.regwatch_crawl(config, runs.sqlite_url(directory), concurrency)
    cpu = crawl["cpu_seconds"] or 1.0
    result.update({
        "crawl_notices": crawl["notices"],
        "crawl_cpu_s": crawl["cpu_seconds"],
        "crawl_extraction_cpu_s": crawl["extraction_cpu_seconds"],
        "extraction_share_of_crawl_cpu": round(crawl["extraction_cpu_seconds"] / cpu, 3),
        "pipeline_share_of_crawl_cpu": round(crawl["pipeline_cpu_seconds"] / cpu, 3),
    })
    return result
