"""Measured crawls in child processes: a temporary config and archive aimed at the synthetic site."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.sitegen import SOURCE_ID, api_pages

DEFAULT_CONCURRENCY = 16


def write_config(directory: Path, base_url: str, size: int, *, interval: str = "1h") -> Path:
    """A regwatch.toml pointing the built-in CAC source at the loopback site, politeness off.

    ``delay = 0`` (the brief's loopback exception), ``max_notices`` and the JSON pager's
    ``max_pages`` large enough for the whole site; everything else is the built-in source.
    """
    from config import builtin_tables

    pages = api_pages(size)
    # The service crawls every configured source; only the synthetic site is reachable.
    others = sorted({source_id for source_id, _, _ in builtin_tables()} - {SOURCE_ID})
    disabled = "".join(f"\n[sources.{source_id}]\ndisabled = true\n" for source_id in others)
    path = directory / "regwatch.toml"
    path.write_text(
        f"""# Written by the benchmarks: the CAC source on a loopback synthetic site.
[service]
max_jitter = "0s"

[sources.{SOURCE_ID}]
base_url = "{base_url}"
delay = 0
interval = "{interval}"
max_notices = {size + 1000}

[sources.{SOURCE_ID}.more]
max_pages = {pages + 1}
{disabled}""",
        encoding="utf-8",
    )
    return path


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'archive.db'}"


def run_child(arguments: list[str], *, env: dict[str, str] | None = None,
              timeout: float = 3600, tree: Path | None = None) -> dict[str, Any]:
    """Run ``python -m benchmarks.crawlchild ARGS``; its JSON result (raises if it failed).

    ``tree``: another checkout of regwatch whose code the child runs (its own crawlchild,
    crawler, storage …), for comparing revisions in one run."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.crawlchild", *arguments],
        check=False, capture_output=True, text=True, timeout=timeout, cwd=tree,
        env={**os.environ, "REGWATCH_LOG_LEVEL": "WARNING", **(env or {}),
             **({"PYTHONPATH": str(tree)} if tree is not None else {})},
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode != 0 or not lines:
        raise RuntimeError(
            f"crawl child {arguments[0]} failed ({completed.returncode}): "
            f"{completed.stderr[-3000:]}"
        )
    result: dict[str, Any] = json.loads(lines[-1])
    # Start to exit, interpreter start and imports included: what a user waits for.
    result["process_wall_seconds"] = round(time.perf_counter() - started, 3)
    return result


def regwatch_crawl(config: Path, database_url: str, concurrency: int = DEFAULT_CONCURRENCY,
                   profile: Path | None = None, *, tree: Path | None = None) -> dict[str, Any]:
    arguments = ["regwatch", "--config", str(config), "--database-url", database_url,
                 "--concurrency", str(concurrency)]
    if profile is not None:
        arguments += ["--profile", str(profile)]
    return run_child(arguments, tree=tree)


def bare_crawl(base_url: str, size: int, concurrency: int = DEFAULT_CONCURRENCY,
               profile: Path | None = None, *, scrapy_defaults: bool = False) -> dict[str, Any]:
    pages = api_pages(size)
    arguments = ["bare", "--base-url", base_url, "--pages", str(pages),
                 "--concurrency", str(concurrency)]
    if scrapy_defaults:
        arguments.append("--scrapy-defaults")
    if profile is not None:
        arguments += ["--profile", str(profile)]
    return run_child(arguments)
