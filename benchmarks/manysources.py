"""Benchmark 7, many sources: one crawl engine checking 1,000 small sources on 50 hosts.

Each source is a list page of five notices (benchmarks/manysites.py); the sources are spread
over 50 loopback hosts, politeness off on loopback (``delay = 0``, one request at a time per
host still). Measured, each in a fresh `regwatch crawl`-like process timed from after its
imports (``crawler.preload``), CPU beside wall (the engine's process and its archive writer):

- the first crawl of every source (5,000 notices into an empty archive);
- the re-check of every source, nothing changed: its checks per second and CPU per check;
- the re-check's peak memory with a quarter of the sources and with all of them (flat as
  sources are added is the aim, under 1 GB at 1,000);
- urlwatch (the ``bench`` extra) checking the same list pages, one ``url`` job each; its second
  run is its re-check.

Aims: at least half urlwatch's checks per second, at most 5 ms of CPU per unchanged check.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.manysites import RunningSites, host_of, write_config

HOSTS = 50
AIM_SHARE_OF_URLWATCH = 0.5
AIM_CPU_PER_CHECK_MS = 5.0
ENGINE_SETTINGS = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}


def crawl_child(config: Path, database_url: str, sources: int) -> dict[str, Any]:
    """Crawl the first ``sources`` sources in a new process; its measurements."""
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.manysources", "child", str(config), database_url,
         str(sources)],
        check=False, capture_output=True, text=True, timeout=3600,
        env={**os.environ, "REGWATCH_LOG_LEVEL": "WARNING"})
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode != 0 or not lines:
        raise RuntimeError(f"crawl child failed ({completed.returncode}): "
                           f"{completed.stderr[-3000:]}")
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def child(config_path: str, database_url: str, sources: int) -> None:
    import crawler.preload  # noqa: F401  (imports before the timer, as a service has them)
    from config import load_config
    from crawler.runner import crawl_sources

    config = load_config(config_path)
    ids = [f"src{n}" for n in range(sources)]
    wall = time.perf_counter()
    cpu = time.process_time()
    results = crawl_sources(config, ids, database_url=database_url,
                            extra_settings=ENGINE_SETTINGS)
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    totals = {key: sum(int(r.get(key, 0)) for r in results.values())
              for key in ("new", "unchanged", "failed", "requests")}
    print(json.dumps({
        "sources": sources,
        "wall_s": round(wall, 3),
        "engine_cpu_s": round(cpu, 3),
        "writer_cpu_s": round(children.ru_utime + children.ru_stime, 3),
        "engine_peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "writer_peak_mib": round(children.ru_maxrss / 1024, 1),
        "statuses": sorted({r["status"] for r in results.values()}),
        **totals,
    }), flush=True)


def urlwatch_recheck(directory: Path, port: int, sources: int) -> dict[str, Any]:
    from benchmarks.recheck import run_urlwatch, urlwatch_command

    command = urlwatch_command()
    if command is None:
        return {"urlwatch": "not installed (pip install -e '.[bench]')"}
    directory.mkdir()
    jobs = "\n---\n".join(f"name: src{n}\nurl: http://{host_of(n, HOSTS)}:{port}/s{n}/index.htm"
                          for n in range(sources))
    (directory / "urls.yaml").write_text(jobs + "\n", encoding="utf-8")
    (directory / "urlwatch.yaml").write_text(
        "display:\n  new: true\n  error: true\n  unchanged: false\n  empty-diff: false\n"
        "report:\n  text:\n    details: false\n    footer: false\n    line_length: 75\n"
        "    minimal: true\n  stdout:\n    enabled: true\n    color: false\n"
        "  html:\n    diff: unified\n  markdown:\n    details: false\n    footer: false\n"
        "    minimal: true\n", encoding="utf-8")
    (directory / "hooks.py").write_text("", encoding="utf-8")
    arguments = ["--urls", str(directory / "urls.yaml"), "--config",
                 str(directory / "urlwatch.yaml"), "--hooks", str(directory / "hooks.py"),
                 "--cache", str(directory / "cache.db")]
    first = run_urlwatch(command, arguments)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    again = run_urlwatch(command, arguments)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {
        "urlwatch_first_wall_s": first["process_wall_seconds"],
        "urlwatch_recheck_wall_s": again["process_wall_seconds"],
        "urlwatch_recheck_cpu_s": round(cpu, 3),
        "urlwatch_checks_per_s": round(sources / again["process_wall_seconds"], 1),
    }


def run(size: int) -> dict[str, Any]:
    hosts = min(HOSTS, size)
    with tempfile.TemporaryDirectory(prefix="regwatch-bench-many-") as scratch, \
            RunningSites(hosts) as sites:
        directory = Path(scratch)
        config = write_config(directory, size, hosts, sites.port)
        database_url = f"sqlite:///{directory / 'archive.db'}"
        first = crawl_child(config, database_url, size)
        quarter = crawl_child(config, database_url, max(1, size // 4))
        again = crawl_child(config, database_url, size)
        urlwatch = urlwatch_recheck(directory / "urlwatch", sites.port, size) \
            if hosts == HOSTS else {}
        server_cpu = sites.cpu_seconds()
    checks_per_s = size / again["wall_s"]
    cpu_per_check_ms = 1000 * (again["engine_cpu_s"] + again["writer_cpu_s"]) / size
    result: dict[str, Any] = {
        "benchmark": "many-sources",
        "size": size,
        "hosts": hosts,
        "first_wall_s": first["wall_s"],
        "first_notices": first["new"],
        "first_requests": first["requests"],
        "first_engine_cpu_s": first["engine_cpu_s"],
        "first_writer_cpu_s": first["writer_cpu_s"],
        "first_engine_peak_mib": first["engine_peak_mib"],
        "first_writer_peak_mib": first["writer_peak_mib"],
        "first_statuses": ",".join(first["statuses"]),
        "recheck_wall_s": again["wall_s"],
        "recheck_checks_per_s": round(checks_per_s, 1),
        "recheck_engine_cpu_s": again["engine_cpu_s"],
        "recheck_writer_cpu_s": again["writer_cpu_s"],
        "recheck_cpu_per_check_ms": round(cpu_per_check_ms, 2),
        "recheck_requests": again["requests"],
        "recheck_unchanged": again["unchanged"],
        "recheck_statuses": ",".join(again["statuses"]),
        "recheck_engine_peak_mib": again["engine_peak_mib"],
        "recheck_quarter_sources": quarter["sources"],
        "recheck_quarter_engine_peak_mib": quarter["engine_peak_mib"],
        "site_server_cpu_s": round(server_cpu, 2),
        **urlwatch,
    }
    result["aim_cpu_per_check_met"] = cpu_per_check_ms <= AIM_CPU_PER_CHECK_MS
    if "urlwatch_checks_per_s" in result:
        share = checks_per_s / result["urlwatch_checks_per_s"]
        result["share_of_urlwatch_checks_per_s"] = round(share, 2)
        result["aim_share_met"] = share >= AIM_SHARE_OF_URLWATCH
    result["aim_memory_met"] = again["engine_peak_mib"] + again["writer_peak_mib"] < 1024
    return result


if __name__ == "__main__" and sys.argv[1:2] == ["child"]:
    child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
