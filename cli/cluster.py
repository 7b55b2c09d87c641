"""`regwatch worker`, and what `regwatch serve` and `regwatch status` need of a cluster: the
broker's settings checked, the archive required to be PostgreSQL, the workers and the queue.
"""

from __future__ import annotations

import logging
import signal
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import click
from sqlalchemy import Engine, make_url
from sqlalchemy.orm import Session

from cli.common import (
    EXIT_CONFIG,
    EXIT_OK,
    command_archive,
    command_config,
    configure_logging,
    fail,
)
from config import Config, ConfigError
from config.cluster import BROKER_URL_ENV, ClusterSettings, cluster_settings

logger = logging.getLogger("regwatch.worker")


def command_cluster(config: Config, crawl_timeout: float | None = None) -> ClusterSettings:
    """The ``[cluster]`` settings (checked against the service's ``crawl_timeout`` where the
    command runs or dispatches crawls); a malformed table fails with exit 3."""
    try:
        return cluster_settings(config, crawl_timeout=crawl_timeout)
    except ConfigError as exc:
        fail(str(exc), EXIT_CONFIG)


def require_postgres(url: str, command: str) -> None:
    """Fail with exit 3 unless the archive at ``url`` is PostgreSQL, as a cluster needs."""
    if make_url(url).get_backend_name() != "postgresql":
        fail(f"{command} with a broker (cluster mode) needs the archive in PostgreSQL, which "
             "every worker reaches; this archive is SQLite "
             f"({make_url(url).render_as_string(hide_password=True)}). Give --database-url "
             "(or REGWATCH_DATABASE_URL) a postgresql+psycopg:// URL, or remove the broker "
             f"({BROKER_URL_ENV}, [cluster] broker_url) to run on one machine", EXIT_CONFIG)


@click.command("worker")
@click.pass_obj
def worker_command(obj: dict[str, Any]) -> None:
    """Take crawls from the cluster's queue and run them until stopped (SIGTERM or Ctrl-C).

    Needs a broker (REGWATCH_BROKER_URL, or broker_url in [cluster]) and a PostgreSQL
    archive; `regwatch serve` with the same broker dispatches the crawls.
    """
    from crawler.enginerunner import ENGINE_MAX_CRAWLS, EngineCrawlRunner
    from crawler.worker import CrawlWorker
    from scheduler import service_settings
    from storage.db import database_url, session_factory

    configure_logging()
    config = command_config(obj["config"])
    try:
        settings = service_settings(config)
    except ConfigError as exc:
        fail(str(exc), EXIT_CONFIG)
    cluster = command_cluster(config, settings.crawl_timeout)
    if not cluster.enabled:
        fail(f"regwatch worker takes its crawls from a broker: set {BROKER_URL_ENV} or "
             "broker_url in [cluster] (amqp://user:password@host:5672/vhost)", EXIT_CONFIG)
    url = database_url(obj["database_url"])
    require_postgres(url, "regwatch worker")
    engine = command_archive(url)
    sessions = session_factory(engine)
    runner = EngineCrawlRunner(
        config, url, sessions, time_limit=settings.crawl_timeout,
        stop_grace=settings.stop_grace, max_crawls=settings.engine_crawls or ENGINE_MAX_CRAWLS,
        host_leases=True)

    def after_crawl(outcome: Any) -> None:
        from alerts.health import after_crawl as health_after_crawl

        health_after_crawl(engine, config, outcome.source_id, datetime.now(UTC))

    worker = CrawlWorker(cluster, sessions, runner, time_limit=settings.crawl_timeout,
                         stop_grace=settings.stop_grace, after_crawl=after_crawl)
    previous = {signum: signal.signal(signum, lambda *_: worker.request_stop())
                for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        worker.run()
    finally:
        engine.dispose()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    sys.exit(EXIT_OK)


# --- status -----------------------------------------------------------------------------------

# A worker whose heartbeat is older than this many of its intervals is shown as silent.
SILENT_AFTER_BEATS = 3


def cluster_status(cluster: ClusterSettings, engine: Engine) -> dict[str, Any] | None:
    """The workers, the crawls dispatched and the queue, for `regwatch status`; None without a
    broker. The queue's numbers are None (and ``queue_error`` says why) when RabbitMQ cannot be
    reached."""
    if not cluster.enabled or engine.url.get_backend_name() != "postgresql":
        return None
    from crawler.cluster import queue_counts, shown_broker_url
    from storage.cluster import dispatches, workers

    now = datetime.now(UTC)
    silent_before = now - timedelta(seconds=cluster.heartbeat * SILENT_AFTER_BEATS)
    with Session(engine) as session:
        rows = workers(session)
        noted = dispatches(session)
    status: dict[str, Any] = {
        "broker": shown_broker_url(cluster.broker_url or ""),
        "queue": cluster.queue,
        "workers": [{
            "id": row.id, "host": row.host, "pid": row.pid,
            "started": row.started_at.isoformat(), "last_seen": row.last_seen_at.isoformat(),
            "silent": row.last_seen_at < silent_before, "crawls": list(row.crawls),
        } for row in rows],
        "dispatched": {
            "queued": sum(1 for row in noted if row.started_at is None),
            "running": sum(1 for row in noted if row.started_at is not None),
        },
        "messages_waiting": None, "consumers": None, "queue_error": None,
    }
    try:
        status["messages_waiting"], status["consumers"] = queue_counts(
            cluster.broker_url or "", cluster.queue)
    except Exception as exc:  # noqa: BLE001 (shown, not raised: status still shows the rest)
        status["queue_error"] = f"{type(exc).__name__}: {exc}".rstrip(": ")
    return status


def cluster_lines(status: dict[str, Any]) -> list[str]:
    """`regwatch status`'s lines about the cluster."""
    if status["queue_error"]:
        queue = f"broker unreachable: {status['queue_error']}"
    else:
        queue = (f"{status['messages_waiting']} messages waiting, "
                 f"{status['consumers']} consumers")
    dispatched = status["dispatched"]
    lines = [(f"queue {status['queue']} on {status['broker']}: {queue}; dispatched crawls: "
             f"{dispatched['queued']} queued, {dispatched['running']} running"),
             f"workers: {len(status['workers'])}"]
    for worker in status["workers"]:
        crawls = ", ".join(worker["crawls"]) or "nothing"
        silent = " SILENT (no heartbeat lately)" if worker["silent"] else ""
        lines.append(f"  {worker['host']} pid {worker['pid']}: since {worker['started']}, "
                     f"last seen {worker['last_seen']}{silent}; crawling {crawls}")
    return lines


COMMANDS: list[click.Command] = [worker_command]
