"""The service's commands: `regwatch serve` runs it, `regwatch status` shows how it is doing.

`status` reads what the service leaves in the archive: each source's last run and health, the
next run of its job, the runs skipped because a crawl overran, and the alerts waiting.
"""

from __future__ import annotations

import gc
import json
import logging
import signal
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import click
from rich.table import Table
from rich.text import Text
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cli.cluster import cluster_lines, cluster_status, command_cluster, require_postgres
from cli.common import (
    EXIT_ALREADY_SERVING,
    EXIT_ARCHIVE,
    EXIT_CONFIG,
    EXIT_OK,
    EXIT_SOURCE_FAILED,
    EXIT_USAGE,
    command_archive,
    command_config,
    configure_logging,
    console,
    fail,
    shown_time,
)
from cli.terminal import inert_json, plain
from config import Config, ConfigError
from crawler.childrunner import ChildCrawlRunner
from crawler.enginerunner import EngineCrawlRunner
from scheduler import (
    JOB_PREFIX,
    CrawlService,
    overrun_summaries,
    scheduled_runs,
    service_settings,
)
from storage import archive
from storage.lock import AlreadyServingError, SchedulerLock, holder_description, scheduler_lock

# The service's logger, as before the commands moved here: log filters and readers use it.
logger = logging.getLogger("regwatch.scheduler")


# --- status -----------------------------------------------------------------------------------


def pending_alerts(session: Session) -> dict[str, int] | None:
    """Alerts waiting for delivery, per source id."""
    from alerts.outbox import pending_by_source

    return pending_by_source(session)


@dataclass(frozen=True)
class SourceStatus:
    """One row of `regwatch status`."""

    source_id: str
    name: str
    schedule: str
    timezone: str
    last_started: datetime | None
    last_finished: datetime | None
    last_status: str | None
    counts: Mapping[str, int]
    health: str
    consecutive_failures: int
    last_problem: str | None
    next_run: datetime | None
    overruns: int
    last_overrun_due: datetime | None
    alerts_waiting: int | None

    def as_json(self) -> dict[str, Any]:
        def when(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": self.source_id,
            "name": self.name,
            "schedule": self.schedule,
            "timezone": self.timezone,
            "last_run": {
                "started": when(self.last_started),
                "finished": when(self.last_finished),
                "status": self.last_status,
                "counts": dict(self.counts),
            },
            "health": self.health,
            "consecutive_failures": self.consecutive_failures,
            "last_problem": self.last_problem,
            "next_run": when(self.next_run),
            "overruns": self.overruns,
            "last_overrun_due": when(self.last_overrun_due),
            "alerts_waiting": self.alerts_waiting,
        }


def source_statuses(config: Config, engine: Engine) -> list[SourceStatus]:
    """The status of every configured source, sorted by id."""
    next_runs = scheduled_runs(engine)
    with engine.connect() as connection:
        overruns = overrun_summaries(connection)
    with Session(engine) as session:
        health = archive.source_health(session)
        runs = archive.latest_runs(session)
        waiting = pending_alerts(session)
    rows = []
    for source in sorted(config.sources.values(), key=lambda s: s.id):
        run = runs.get(source.id)
        state = health.get(source.id)
        failures = state.consecutive_failures if state else 0
        problem = state.last_problem if state else None
        overrun = overruns.get(source.id)
        rows.append(SourceStatus(
            source_id=source.id,
            name=source.name,
            schedule=source.schedule_description(),
            timezone=source.timezone,
            last_started=run.started_at if run else None,
            last_finished=run.finished_at if run else None,
            last_status=run.status if run else None,
            counts=_run_counts(run),
            health=_health_word(run.status if run else None, failures),
            consecutive_failures=failures,
            last_problem=f"{problem.kind}: {problem.detail}" if problem else None,
            next_run=next_runs.get(JOB_PREFIX + source.id),
            overruns=overrun.count if overrun else 0,
            last_overrun_due=overrun.last_due_at if overrun else None,
            alerts_waiting=None if waiting is None else waiting.get(source.id, 0),
        ))
    return rows


def _run_counts(run: Any) -> dict[str, int]:
    if run is None:
        return {}
    return {
        "new": run.new_count,
        "changed": run.changed_count,
        "unchanged": run.unchanged_count,
        "failed": run.failed_count,
        "not_modified": run.not_modified_count,
        "requests": run.requests_count,
    }


def _health_word(last_status: str | None, failures: int) -> str:
    if last_status is None:
        return "never run"
    if failures:
        return f"failing ({failures} in a row)"
    return "running" if last_status == "running" else "ok"


def service_holder(engine: Engine) -> str | None:
    """Which `regwatch serve` drives the archive now; None when none does."""
    try:
        return scheduler_lock(engine).holder()
    except ValueError:
        return None


# --- commands ---------------------------------------------------------------------------------


@click.command("serve")
@click.option("--once", is_flag=True,
              help="Run every job that is due now, wait for those crawls, then exit.")
@click.option("--host", default=None, help="Address of the web pages and API (default [web] host, "
              "127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port of the web pages and API (default [web] "
              "port, 8080).")
@click.option("--no-web", is_flag=True, help="Crawl and alert only; serve no pages or API.")
@click.pass_obj
def serve_command(obj: dict[str, Any], once: bool, host: str | None, port: int | None,
                  no_web: bool) -> None:
    """Crawl every source on its schedule until stopped (SIGTERM or Ctrl-C), and serve the web
    pages, the HTTP API and the feeds over the archive.

    Only one `regwatch serve` may drive an archive: a second one exits with status 6. With
    --once, exits 1 when a crawl it ran failed or was unhealthy (and serves no pages).
    """
    from alerts.service import AlertWork
    from storage.db import database_url, session_factory

    configure_logging()
    config = command_config(obj["config"])
    try:
        settings = service_settings(config)
        alert_work = AlertWork.from_config(config)
    except ConfigError as exc:
        fail(str(exc), EXIT_CONFIG)
    cluster = command_cluster(config, settings.crawl_timeout)
    url = database_url(obj["database_url"])
    if cluster.enabled:
        require_postgres(url, "regwatch serve")
    engine = command_archive(url)
    try:
        lock = scheduler_lock(engine)
        lock.acquire()
    except AlreadyServingError as exc:
        engine.dispose()
        fail(f"{exc}; this one runs no job", EXIT_ALREADY_SERVING)
    except ValueError as exc:
        engine.dispose()
        fail(str(exc), EXIT_ARCHIVE)

    # Before the web pages: starting the crawl children's fork server takes a moment, and the
    # pages announce that the service is up.
    runner: ChildCrawlRunner | None
    dispatcher = None
    if cluster.enabled:
        # The crawls run on `regwatch worker`s; this service keeps the schedule and the lock.
        from crawler.cluster import Dispatcher

        runner = None
        dispatcher = Dispatcher(cluster, session_factory(engine))
        logger.info("crawls are dispatched to queue %r on %s", cluster.queue,
                    dispatcher.shown_url())
    elif settings.engine_crawls:
        runner = EngineCrawlRunner(
            config, url, session_factory(engine),
            time_limit=settings.crawl_timeout, stop_grace=settings.stop_grace,
            max_crawls=settings.engine_crawls,
        )
    else:
        runner = ChildCrawlRunner(
            config, url, session_factory(engine),
            time_limit=settings.crawl_timeout, stop_grace=settings.stop_grace,
        )
    stop_web: Callable[[], None] | None = None
    if not once and not no_web:
        from web.server import PortInUseError

        try:
            stop_web = _start_web(config, url, host, port, dispatcher)
        except PortInUseError as exc:
            lock.release()
            engine.dispose()
            fail(f"cannot serve the web pages: {exc}", EXIT_USAGE)
        except (ConfigError, ValueError, OSError) as exc:
            lock.release()
            engine.dispose()
            fail(f"cannot serve the web pages: {exc}", EXIT_CONFIG)

    service = CrawlService(config, engine, runner, settings=settings, dispatcher=dispatcher)
    alert_work.attach(service, background=not once)
    previous = {
        signum: signal.signal(signum, lambda *_: service.request_stop())
        for signum in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        code = _serve(service, engine, lock, once)
    except ConfigError as exc:
        # A problem only the start finds (a source's schedule): exit 3 like any config error.
        logger.error("%s", exc)
        code = EXIT_CONFIG
    finally:
        alert_work.stop()
        service.stop()
        if stop_web is not None:
            stop_web()
        lock.release()
        engine.dispose()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        logger.info("stopped")
    sys.exit(code)


def _serve(service: CrawlService, engine: Engine, lock: SchedulerLock, once: bool) -> int:
    """Start the service's jobs and run them (once, or until stopped); the exit code."""
    code = EXIT_OK
    jobs = service.start()
    logger.info("serving %s: %d sources, lock held (%s)",
                engine.url.render_as_string(hide_password=True), len(jobs),
                holder_description())
    if not once:
        # What start-up made lives as long as the service: the collector's full passes
        # skip it, which takes tens of milliseconds off the web requests they land in.
        gc.freeze()
    if once:
        outcomes = service.run_once()
        if any(outcome.status != "ok" for outcome in outcomes):
            code = EXIT_SOURCE_FAILED
    elif not service.serve_forever(lock):
        code = EXIT_ARCHIVE
    if service.stop_requested and not once:
        logger.info("stop requested; ending running crawls")
    return code


def _start_web(config: Config, database_url: str, host: str | None,
               port: int | None, dispatcher: Any | None = None) -> Callable[[], None]:
    """Serve the pages and API in a thread of the service; returns the function that stops it.
    With a broker (``dispatcher``), "check now" hands the crawl to the workers."""
    from web.app import create_app
    from web.crawls import DispatchedCrawls
    from web.server import serve_in_thread
    from web.settings import web_settings

    settings = web_settings(config)
    trigger = (DispatchedCrawls(dispatcher, config, database_url)
               if dispatcher is not None else None)
    app = create_app(database_url, config, settings=settings, crawl_trigger=trigger)
    base_url, stop = serve_in_thread(app, host or settings.host,
                                     settings.port if port is None else port)
    logger.info("web pages and API at %s", base_url)
    return stop


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="One JSON object for scripts.")
@click.pass_obj
def status_command(obj: dict[str, Any], as_json: bool) -> None:
    """Each source's last run, health, next run, overruns and alerts waiting; with a broker,
    the workers (host, pid, since, last seen, what each crawls) and the queue."""
    from alerts.service import status_warnings

    config = command_config(obj["config"])
    cluster = command_cluster(config)
    engine = command_archive(obj["database_url"])

    try:
        rows = source_statuses(config, engine)
        holder = service_holder(engine)
        warnings = status_warnings(engine, config)
        workers = cluster_status(cluster, engine)
    finally:
        engine.dispose()
    if as_json:
        shown: dict[str, Any] = {"service": {"running": holder is not None, "holder": holder},
                                 "sources": [row.as_json() for row in rows],
                                 "warnings": warnings}
        if workers is not None:
            shown["cluster"] = workers
        click.echo(inert_json(json.dumps(shown, ensure_ascii=False, indent=2)))
        return
    console.print(f"service: {'running (' + holder + ')' if holder else 'not running'}",
                  highlight=False, markup=False, soft_wrap=not console.is_terminal)
    for line in cluster_lines(workers) if workers is not None else []:
        console.print(plain(line), soft_wrap=not console.is_terminal)
    if console.is_terminal and console.width >= TABLE_FROM_COLUMNS:
        _status_table(rows)
    else:
        _status_lines(rows)
    for warning in warnings:
        console.print(Text("warning ", style="yellow") + plain(warning),
                      soft_wrap=not console.is_terminal)


def health_text(row: SourceStatus) -> str:
    """The health column: the word, and why when the source is failing."""
    if row.last_problem and row.health != "ok":
        return f"{row.health}: {row.last_problem}"
    return row.health


# Narrower terminals get one line per fact, as logs do: a table of eight columns in 80
# columns folds every cell into slivers.
TABLE_FROM_COLUMNS = 140


def _status_table(rows: list[SourceStatus]) -> None:
    """For a wide terminal: a table, then why each failing source fails, wrapped, never cut."""
    table = Table("source", "last run", "result", "new/chg/fail", "health", "next run",
                  "overruns", "alerts waiting")
    for column in table.columns[:4]:
        column.no_wrap = True
    for row in rows:
        colour = {"ok": "green", "failed": "red", "unhealthy": "yellow"}.get(
            row.last_status or "", "dim")
        table.add_row(
            row.source_id,
            shown_time(row.last_started, row.timezone, "\n"),
            Text(row.last_status or "never run", style=colour),
            _counts(row),
            plain(row.health),
            shown_time(row.next_run, row.timezone, "\n"),
            str(row.overruns),
            "n/a" if row.alerts_waiting is None else str(row.alerts_waiting),
        )
    console.print(table)
    for row in rows:
        if row.last_problem and row.health != "ok":
            console.print(Text(f"{row.source_id}: ", style="bold") + plain(health_text(row)))


def _status_lines(rows: list[SourceStatus]) -> None:
    """For logs and pipes: one block per source, every text whole, one line per fact."""
    for row in rows:
        lines = [
            f"{row.source_id}: {row.name}",
            (f"  last run: {shown_time(row.last_started, row.timezone)}: "
             f"{row.last_status or 'never run'} ({_counts(row)} new/changed/failed)"),
            f"  health: {health_text(row)}",
            f"  next run: {shown_time(row.next_run, row.timezone)}",
            f"  overruns: {row.overruns}; alerts waiting: "
            + ("n/a" if row.alerts_waiting is None else str(row.alerts_waiting)),
        ]
        for line in lines:
            # Whole in a log; wrapped at the width of a terminal.
            console.print(plain(line), soft_wrap=not console.is_terminal)


def _counts(row: SourceStatus) -> str:
    return (f"{row.counts['new']}/{row.counts['changed']}/{row.counts['failed']}"
            if row.counts else "-")


COMMANDS: list[click.Command] = [serve_command, status_command]
