"""Benchmarks 8 and 9, crawls over workers: throughput with 1, 2 and 4 workers, and a worker
killed during a burst.

The sources are those of benchmarks/manysites.py, two per loopback host, whose hosts answer
after ``ANSWER_AFTER_S`` with a delay of ``DELAY_S`` per host (the work is waiting, as on the
real sites). Each run has a fresh PostgreSQL archive schema and a RabbitMQ queue of its own;
the workers are `regwatch worker` processes, the crawls are dispatched as `regwatch serve`
dispatches them (:class:`crawler.cluster.Dispatcher`), and a run ends when no dispatch is
left. Wall time runs from the first dispatch to the last crawl's end;
CPU is that of the workers and every process under them (fork servers, crawl engines, archive
writers), read from /proc before the dispatch and after the last crawl.

- ``scaling``: W = 1, 2, 4; throughput (crawls per second) against W times one worker's (aim
  0.9), and politeness per host checked from the sites' request log (no two requests to a host
  closer than 0.9 of its delay). Each run first crawls W × ``worker_crawls`` other sources on
  the same hosts (a warm-up, timed apart) so every worker's crawl engine has started; the
  measured burst starts after it.
- ``crash``: two workers, a burst of sources; once both workers' crawls are under way (runs
  open), the worker holding the most is killed with SIGKILL: the seconds until each of its
  crawls is taken again by the other (from the other's log), the runs recorded interrupted,
  and anything archived twice (notice versions, "new" events) or seen as changed.
"""

from __future__ import annotations

import itertools
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.manysites import RunningSites, request_log, write_config

ANSWER_AFTER_S = 0.1
DELAY_S = 0.5
WORKER_CRAWLS = 4
DEFAULT_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REPO_ROOT = Path(__file__).resolve().parent.parent


def _fresh_archive_url() -> str:
    from sqlalchemy import create_engine, make_url

    server = os.environ.get("REGWATCH_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    schema = f"bench_{secrets.token_hex(5)}"
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()
    return make_url(server).update_query_dict(
        {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def _drop_archive(url: str) -> None:
    from sqlalchemy import create_engine, make_url

    schema = make_url(url).query["options"].removeprefix("-csearch_path=")  # type: ignore[union-attr]
    engine = create_engine(make_url(url).difference_update_query(["options"]),
                           isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    engine.dispose()


def _delete_queue(broker_url: str, queue: str) -> None:
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(broker_url))
    channel = connection.channel()
    for name in (queue, f"{queue}.DQ", f"{queue}.XQ"):
        channel.queue_delete(name)
    connection.close()


class _Cluster:
    """W workers on a fresh archive and queue, for one measured run."""

    def __init__(self, directory: Path, sources: int, workers: int, port: int,
                 broker_url: str, hosts: int | None = None) -> None:
        from config import load_config
        from config.cluster import cluster_settings
        from storage.db import open_archive, session_factory

        self.directory = directory
        self.broker_url = broker_url
        self.queue = f"regwatch-bench-{secrets.token_hex(5)}"
        self.database_url = _fresh_archive_url()
        self.config_path = write_config(
            directory, sources, hosts or max(1, sources // 2), port, delay=DELAY_S,
            extra=('crawl_timeout = "10m"\nstop_grace = "5s"\n\n[cluster]\n'
                   f'queue = "{self.queue}"\nheartbeat = "1s"\n'
                   f"worker_crawls = {WORKER_CRAWLS}\n"))
        self.config = load_config(self.config_path)
        self.engine = open_archive(self.database_url)
        self.sessions = session_factory(self.engine)
        self.settings = cluster_settings(self.config, {"REGWATCH_BROKER_URL": broker_url})
        self.logs = [directory / f"worker{n}.log" for n in range(workers)]
        self.processes = [self._start(log) for log in self.logs]

    def _start(self, log: Path) -> subprocess.Popen[bytes]:
        with open(log, "wb") as output:
            return subprocess.Popen(
                [sys.executable, "-m", "cli", "--config", str(self.config_path),
                 "--database-url", self.database_url, "worker"],
                cwd=REPO_ROOT, stdout=output, stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "REGWATCH_LOG_LEVEL": "INFO",
                     "REGWATCH_BROKER_URL": self.broker_url})

    def wait_for_workers(self) -> None:
        from sqlalchemy import func, select

        from storage.models import ClusterWorker

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with self.sessions() as session:
                if session.scalar(select(func.count()).select_from(ClusterWorker)) == len(
                        self.processes):
                    return
            time.sleep(0.2)
        raise RuntimeError("the workers did not start")

    def dispatch(self, sources: int, first: int = 0) -> None:
        from crawler.cluster import Dispatcher

        dispatcher = Dispatcher(self.settings, self.sessions)
        for n in range(first, first + sources):
            dispatcher.dispatch(f"src{n}")
        dispatcher.close()

    def dispatched(self) -> int:
        from sqlalchemy import func, select

        from storage.models import CrawlDispatch

        with self.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(CrawlDispatch)) or 0)

    def started(self) -> int:
        from sqlalchemy import func, select

        from storage.models import CrawlDispatch

        with self.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(CrawlDispatch).where(
                CrawlDispatch.started_at.is_not(None))) or 0)

    def running_runs(self) -> int:
        from sqlalchemy import func, select

        from storage.models import CrawlRun

        with self.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(CrawlRun).where(
                CrawlRun.status == "running")) or 0)

    def wait_until_done(self, timeout: float = 1800) -> None:
        deadline = time.monotonic() + timeout
        while self.dispatched() and time.monotonic() < deadline:
            time.sleep(0.1)
        if self.dispatched():
            raise RuntimeError("the crawls did not end")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def close(self) -> None:
        self.engine.dispose()
        _drop_archive(self.database_url)
        _delete_queue(self.broker_url, self.queue)


def _statuses(cluster: _Cluster) -> Counter[str]:
    from sqlalchemy import select

    from storage.models import CrawlRun

    with cluster.sessions() as session:
        return Counter(session.scalars(select(CrawlRun.status)))


def _too_close(entries: list[dict[str, Any]]) -> int:
    """Requests to a host that began less than 0.9 of the delay after the one before ended."""
    by_host: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        by_host.setdefault(entry["host"], []).append(entry)
    close = 0
    for requests in by_host.values():
        requests.sort(key=lambda entry: entry["started"])
        close += sum(1 for before, after in itertools.pairwise(requests)
                     if after["started"] < before["ended"] + 0.9 * DELAY_S)
    return close


def _tree_cpu(pids: list[int]) -> float:
    """CPU seconds of the processes ``pids`` and all their descendants alive now (with what
    their reaped children used)."""
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        used[int(entry)] = sum(int(value) for value in fields[11:15]) / tick
    total = 0.0
    for pid, seconds in used.items():
        ancestor = pid
        while ancestor > 1:
            if ancestor in pids:
                total += seconds
                break
            ancestor = parents.get(ancestor, 0)
    return total


def measure(sources: int, workers: int, broker_url: str) -> dict[str, Any]:
    """One run: ``sources`` sources crawled by ``workers`` workers, after a warm-up of as many
    crawls as the workers run at once (other sources on the same hosts), which starts each
    worker's crawl engine."""
    hosts = max(1, sources // 2)
    warm = workers * WORKER_CRAWLS
    with tempfile.TemporaryDirectory(prefix="regwatch-bench-scaling-") as scratch:
        directory = Path(scratch)
        log = directory / "requests.log"
        with RunningSites(hosts, answer_after=ANSWER_AFTER_S, log_path=log) as sites:
            cluster = _Cluster(directory, sources + warm, workers, sites.port, broker_url,
                               hosts=hosts)
            pids = [process.pid for process in cluster.processes]
            try:
                cluster.wait_for_workers()
                warm_wall = time.perf_counter()
                cluster.dispatch(warm, first=sources)
                cluster.wait_until_done()
                warm_wall = time.perf_counter() - warm_wall
                cpu = _tree_cpu(pids)
                wall = time.perf_counter()
                cluster.dispatch(sources)
                cluster.wait_until_done()
                wall = time.perf_counter() - wall
                cpu = _tree_cpu(pids) - cpu
                statuses = _statuses(cluster)
            finally:
                cluster.stop()
                cluster.close()
            entries = request_log(log)
    return {"workers": workers, "warm_up_wall_s": round(warm_wall, 2),
            "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "crawls_per_s": round(sources / wall, 3), "requests": len(entries),
            "too_close": _too_close(entries), "statuses": dict(statuses)}


def _broker_url() -> str:
    return os.environ.get("REGWATCH_TEST_BROKER_URL", DEFAULT_BROKER_URL)


def run_scaling(size: int, worker_counts: tuple[int, ...] = (1, 2, 4)) -> dict[str, Any]:
    """Throughput of ``size`` sources with each number of workers."""
    broker_url = _broker_url()
    runs = [measure(size, workers, broker_url) for workers in worker_counts]
    one = runs[0]["crawls_per_s"]
    result: dict[str, Any] = {"benchmark": "scaling", "size": size,
                              "hosts": max(1, size // 2), "answer_after_s": ANSWER_AFTER_S,
                              "delay_s": DELAY_S, "worker_crawls": WORKER_CRAWLS}
    for each in runs:
        w = each["workers"]
        result[f"w{w}_warm_up_wall_s"] = each["warm_up_wall_s"]
        result[f"w{w}_wall_s"] = each["wall_s"]
        result[f"w{w}_cpu_s"] = each["cpu_s"]
        result[f"w{w}_crawls_per_s"] = each["crawls_per_s"]
        result[f"w{w}_share_of_w_times_one"] = round(each["crawls_per_s"] / (w * one), 2)
        result[f"w{w}_requests_too_close"] = each["too_close"]
        result[f"w{w}_statuses"] = ",".join(f"{k} {v}" for k, v in
                                            sorted(each["statuses"].items()))
    result["politeness_held"] = all(each["too_close"] == 0 for each in runs)
    result["aim_met"] = all(result[f"w{each['workers']}_share_of_w_times_one"] >= 0.9
                            for each in runs)
    return result


def _log_times(path: Path, marker: str) -> list[float]:
    """The times (epoch seconds) of the log lines of ``path`` holding ``marker``."""
    times = []
    for line in path.read_text(errors="replace").splitlines():
        if marker in line and line[:4].isdigit():
            stamp = datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
            times.append(stamp.timestamp())
    return times


def run_crash(size: int) -> dict[str, Any]:
    """Two workers, ``size`` sources; the busier worker killed once both crawl."""
    from sqlalchemy import func, select

    from storage.models import ChangeEvent, ClusterWorker, NoticeVersion

    broker_url = _broker_url()
    with tempfile.TemporaryDirectory(prefix="regwatch-bench-crash-") as scratch:
        directory = Path(scratch)
        log = directory / "requests.log"
        with RunningSites(max(1, size // 2), answer_after=ANSWER_AFTER_S,
                          log_path=log) as sites:
            cluster = _Cluster(directory, size, 2, sites.port, broker_url)
            try:
                cluster.wait_for_workers()
                wall = time.perf_counter()
                cluster.dispatch(size)
                # Both workers' crawls under way: their runs are open in the archive.
                while cluster.running_runs() < min(size // 2, 2 * WORKER_CRAWLS):
                    time.sleep(0.05)
                with cluster.sessions() as session:
                    rows = list(session.scalars(select(ClusterWorker)))
                victim = max(rows, key=lambda row: len(row.crawls))
                held = len(victim.crawls)
                [killed] = [p for p in cluster.processes if p.pid == victim.pid]
                killed_at = time.time()
                killed.send_signal(signal.SIGKILL)
                killed.wait()
                cluster.wait_until_done()
                wall = time.perf_counter() - wall
                statuses = _statuses(cluster)
                with cluster.sessions() as session:
                    versions = Counter(session.scalars(select(NoticeVersion.notice_id)))
                    new_events = Counter(session.scalars(select(ChangeEvent.notice_id).where(
                        ChangeEvent.kind == "notice_new")))
                    changed_events = session.scalar(select(func.count()).select_from(
                        ChangeEvent).where(ChangeEvent.kind == "notice_changed"))
                    notices = session.scalar(select(func.count(func.distinct(
                        NoticeVersion.notice_id))))
            finally:
                cluster.stop()
                survivor_logs = [path for path, process in zip(cluster.logs, cluster.processes,
                                                                strict=True)
                                 if process.pid != victim.pid]
                again = sorted(t for path in survivor_logs
                               for t in _log_times(path, "(delivered again) taken"))
                cluster.close()
            entries = request_log(log)
    return {
        "benchmark": "crash", "size": size, "hosts": max(1, size // 2),
        "answer_after_s": ANSWER_AFTER_S, "delay_s": DELAY_S, "worker_crawls": WORKER_CRAWLS,
        "crawls_held_by_killed": held, "taken_again": len(again),
        "first_taken_again_s": round(again[0] - killed_at, 2) if again else None,
        "last_taken_again_s": round(again[-1] - killed_at, 2) if again else None,
        "wall_s": round(wall, 2),
        "statuses": ",".join(f"{k} {v}" for k, v in sorted(statuses.items())),
        "notices": notices, "notices_with_2_versions": sum(1 for v in versions.values() if v > 1),
        "notice_new_events": sum(new_events.values()),
        "notices_with_2_new_events": sum(1 for v in new_events.values() if v > 1),
        "notice_changed_events": changed_events,
        "requests_too_close": _too_close(entries),
    }
