"""The background service: when each source is crawled, in a child process, by one scheduler only.

`regwatch serve` keeps one APScheduler 3 job per source (`crawl:<source-id>`) in the archive
database. Missed runs coalesce into one catch-up run, a crawl still running is never started
again (the skipped run is counted as an overrun), each crawl runs in its own process under a
time limit, and only one service may drive an archive at a time. `regwatch status` shows each
source's last run, health, next run and overruns.

The scheduling decisions take "now" from a :class:`Clock`, so tests drive them with a fake
clock instead of waiting.
"""

from __future__ import annotations

import fcntl
import gc
import hashlib
import json
import logging
import math
import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import multiprocessing.forkserver
import multiprocessing.process
import os
import select as select_module
import signal
import socket
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, Literal, Protocol

import click
from apscheduler.events import (
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobExecutionEvent,
    JobSubmissionEvent,
)
from apscheduler.executors.base import BaseExecutor, MaxInstancesReachedError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import STATE_PAUSED, STATE_STOPPED, BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from config import Config, ConfigError, Source, parse_duration
from storage import archive
from storage.aware_datetime import AwareDateTime

logger = logging.getLogger("regwatch.scheduler")

JOB_PREFIX = "crawl:"
JOBSTORE = "default"
EXECUTOR = "default"
# Beside cli.py's codes (0 ok, 1 source failed, 2 usage, 3 config, 4 archive, 5 not found).
EXIT_ALREADY_SERVING = 6

# How often the service loop wakes with nothing due, to check that it still holds its lock.
HEARTBEAT_SECONDS = 60.0
CHILD_OUTPUT_LIMIT = 64 * 1024
# How long a crawl child that has sent its result may take to exit before it is killed.
CHILD_EXIT_GRACE_S = 30.0
RECENT_OUTCOMES = 100

CrawlStatus = Literal["ok", "unhealthy", "failed"]


# --- time -------------------------------------------------------------------------------------


class Clock(Protocol):
    """Where the scheduler reads the current instant (always timezone-aware)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


# --- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceSettings:
    """The `[service]` table of regwatch.toml.

    `misfire_grace_time` None means a run missed during downtime is always caught up (once,
    coalesced); a number of seconds skips a catch-up that would start later than that.
    """

    crawl_timeout: float = 15 * 60.0
    max_jitter: float = 5 * 60.0
    misfire_grace_time: float | None = None
    parallel_crawls: int = 2
    stop_grace: float = 20.0


_SERVICE_DURATIONS = ("crawl_timeout", "max_jitter", "misfire_grace_time", "stop_grace")


def service_settings(config: Config) -> ServiceSettings:
    """The service's settings from `config`'s `[service]` table; ConfigError when malformed."""
    table = config.raw.get("service", {})
    where = str(config.path) if config.path else "regwatch.toml"
    if not isinstance(table, Mapping):
        raise ConfigError(where, None, "[service] must be a table")
    from alerts.settings import SERVICE_KEYS as ALERT_KEYS  # alerts read and check these

    known = {*_SERVICE_DURATIONS, "parallel_crawls", *ALERT_KEYS}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(
            where, None, f"service: unknown key {unknown[0]!r}; expected one of "
            + ", ".join(sorted(known))
        )
    values: dict[str, Any] = {}
    for key in _SERVICE_DURATIONS:
        if key in table:
            try:
                values[key] = parse_duration(table[key])
            except ValueError as exc:
                raise ConfigError(where, None, f"service.{key}: {exc}") from None
    if values.get("crawl_timeout", 1.0) <= 0:
        raise ConfigError(where, None, "service.crawl_timeout must be longer than 0 seconds")
    if "parallel_crawls" in table:
        count = table["parallel_crawls"]
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ConfigError(where, None, "service.parallel_crawls must be a whole number ≥ 1")
        values["parallel_crawls"] = count
    return ServiceSettings(**values)


# --- triggers ---------------------------------------------------------------------------------

_CRONTAB_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def crontab_weekdays(expression: str) -> str:
    """A crontab day-of-week field written as APScheduler 3 day names.

    APScheduler 3 numbers weekdays from Monday = 0 while crontab numbers them from Sunday = 0
    (7 is Sunday too), so `1-5` would silently mean Tuesday to Saturday. Names are the same in
    both. Raises ValueError for a field crontab would not accept.
    """
    if expression == "*":
        return "*"
    days: set[int] = set()
    for item in expression.lower().split(","):
        span, _, step_text = item.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(f"day-of-week step must be ≥ 1 in {expression!r}")
        if span == "*":
            first, last = 0, 6
        else:
            start, _, end = span.partition("-")
            first = _crontab_day(start, expression)
            last = _crontab_day(end, expression) if end else (6 if step_text else first)
            if end and end.strip() in ("7", "sun") and first > 0:
                last = 7
        if last < first:
            raise ValueError(f"day-of-week range {span!r} runs backwards in {expression!r}")
        days.update(day % 7 for day in range(first, last + 1, step))
    return ",".join(_CRONTAB_DAYS[day] for day in sorted(days))


def _crontab_day(token: str, expression: str) -> int:
    token = token.strip()
    if token in _CRONTAB_DAYS:
        return _CRONTAB_DAYS.index(token)
    if token.isdigit() and int(token) <= 7:
        return int(token) % 7
    raise ValueError(f"{token!r} is not a day of the week in {expression!r}")


def crontab_trigger(expression: str, timezone: str, jitter: float | None) -> CronTrigger:
    """A trigger firing as the 5-field crontab `expression` would, in `timezone`.

    Day-of-week numbers keep their crontab meaning (see `crontab_weekdays`). Like APScheduler,
    a restricted day of month and day of week must both match (cron would take either).
    """
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"crontab {expression!r} needs 5 fields, has {len(fields)}")
    minute, hour, day, month, weekday = fields
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=crontab_weekdays(weekday),
        timezone=timezone,
        jitter=jitter or None,
    )


def source_jitter(source: Source, settings: ServiceSettings) -> float:
    """At most a tenth of the source's interval, and never more than `max_jitter`."""
    if source.interval:
        return min(settings.max_jitter, source.interval / 10)
    return settings.max_jitter


def source_trigger(source: Source, settings: ServiceSettings, start: datetime) -> Any:
    """The APScheduler trigger of a source: its `cron` in its timezone, else its `interval`."""
    jitter = source_jitter(source, settings)
    if source.cron:
        return crontab_trigger(source.cron, source.timezone, jitter)
    return IntervalTrigger(
        seconds=source.interval or 3600.0,
        start_date=start,
        timezone=UTC,
        jitter=jitter or None,
    )


def schedule_key(trigger: Any) -> tuple[object, ...]:
    """What makes two triggers the same schedule; their start dates do not count."""
    if isinstance(trigger, IntervalTrigger):
        return ("interval", trigger.interval_length, trigger.jitter or 0)
    if isinstance(trigger, CronTrigger):
        return ("cron", str(trigger), str(trigger.timezone), trigger.jitter or 0)
    return ("other", repr(trigger))


def crawl_job(source_id: str) -> None:
    """The stored target of every `crawl:<id>` job (APScheduler keeps it as a reference).

    The service's :class:`CrawlExecutor` runs the crawl itself, with the service's archive,
    limits and clock, so calling this outside it is a mistake.
    """
    raise RuntimeError(f"crawl:{source_id} is run by `regwatch serve`, not called directly")


# --- one crawl, in a child process ------------------------------------------------------------


@dataclass(frozen=True)
class CrawlOutcome:
    """How one scheduled crawl of a source ended.

    `status` is the crawl's own (ok, unhealthy, failed); a crawl killed at its time limit, or
    whose process crashed or was stopped with the service, is "failed" with `detail` saying why.
    """

    source_id: str
    status: CrawlStatus
    started_at: datetime
    finished_at: datetime
    run_id: int | None = None
    counts: Mapping[str, int] = field(default_factory=dict)
    detail: str | None = None
    killed: bool = False


class CrawlRunner(Protocol):
    """Runs one crawl of a source to its end; `stop` ends the crawls in progress."""

    def run(self, source_id: str) -> CrawlOutcome: ...

    def stop(self) -> None: ...


class ChildCrawlRunner:
    """Each crawl runs in a child process of its own, forked from a warm process.

    A child is needed because Scrapy's reactor cannot start twice in one process, and it keeps
    a crash, a leak or a hung site out of the service. The children are forked by
    multiprocessing's fork server, which imports Scrapy, the pipeline, the extraction
    catalogues and the alert rules once (`crawler.runner.CHILD_PRELOAD`): a crawl starts in
    milliseconds instead of the seconds those imports take. The child gets the service's
    environment and working directory as they are when it starts, and the archive URL as an
    argument passed over a socket (never on a command line, where `ps` would show a password).
    A child that outlives `time_limit` is killed with its whole session; one that crashes, or
    is stopped with the service, has its open run closed as failed here, or a failed run
    recorded when it died before opening one. A child that has sent its result has finished its
    crawl (the archive and the run record are written); if it has not exited ``exit_grace``
    seconds later (a stuck thread or exit handler) it is killed, and the crawl counts as the
    result says. Process times are wall-clock. ``child_main`` is the child's body (tests give
    one that misbehaves).
    """

    def __init__(
        self,
        config: Config,
        database_url: str,
        sessions: sessionmaker[Session],
        *,
        time_limit: float,
        stop_grace: float,
        exit_grace: float = CHILD_EXIT_GRACE_S,
        child_main: Callable[..., None] | None = None,
    ) -> None:
        self.config = config
        self.database_url = database_url
        self.sessions = sessions
        self.time_limit = time_limit
        self.stop_grace = stop_grace
        self.exit_grace = exit_grace
        self.child_main = child_main
        self._children: dict[str, multiprocessing.process.BaseProcess] = {}
        self._guard = threading.Lock()
        self._stopping = False
        self._context = _crawl_context()

    def run(self, source_id: str) -> CrawlOutcome:
        from crawler.runner import crawl_in_child

        started = datetime.now(UTC)
        config_path = str(self.config.path.resolve()) if self.config.path else None
        # The child removes the file's name once it has it open, so no log is left behind
        # even when both processes are killed; this handle reads it afterwards.
        log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below)
            prefix=f"regwatch-crawl-{source_id}-", suffix=".log", delete=False)
        log_path = log.name
        receiver, sender = self._context.Pipe(duplex=False)
        try:
            with self._guard:
                if self._stopping:
                    return self._give_up(source_id, started,
                                         "not started: the service is stopping")
                child = self._context.Process(
                    target=self.child_main or crawl_in_child,
                    name=f"regwatch crawl {source_id}",
                    args=(source_id, config_path, self.database_url, dict(os.environ),
                          os.getcwd(), log_path, sender),
                )
                child.start()
                self._children[source_id] = child
            # Only the child writes: with this end closed, its death reads as end-of-file.
            sender.close()
            logger.debug("crawl:%s: child process %d started", source_id, child.pid)
            killed_for: str | None = None
            result: dict[str, Any] | None = None
            deadline = time.monotonic() + self.time_limit
            try:
                if receiver.poll(self.time_limit):
                    result = _received(receiver)
                    remaining = max(0.0, deadline - time.monotonic())
                    child.join(min(remaining, self.exit_grace) if result is not None else remaining)
                if child.is_alive() and result is not None:
                    # Its crawl is over and recorded; only its exit is stuck.
                    logger.warning("crawl:%s: finished, but its process had not exited %g s "
                                   "later; killed", source_id, self.exit_grace)
                    _signal_child(child, signal.SIGKILL)
                    child.join()
                if child.is_alive():
                    killed_for = f"killed after exceeding its time limit of {self.time_limit:g} s"
                    logger.error("crawl:%s: %s", source_id, killed_for)
                    _signal_child(child, signal.SIGKILL)
                    child.join()
            finally:
                with self._guard:
                    self._children.pop(source_id, None)
                    stopped = self._stopping
            finished = datetime.now(UTC)
            output_tail = _file_tail(log, CHILD_OUTPUT_LIMIT)
        finally:
            receiver.close()
            sender.close()
            log.close()
            Path(log_path).unlink(missing_ok=True)

        if killed_for is None and result is not None and "error" not in result:
            status = result.get("status")
            outcome = CrawlOutcome(
                source_id=source_id,
                status=status if status in ("ok", "unhealthy") else "failed",
                started_at=started,
                finished_at=finished,
                run_id=result.get("run_id"),
                counts={
                    key: int(result.get(key, 0))
                    for key in ("new", "changed", "unchanged", "failed", "not_modified",
                                "requests")
                },
                detail="; ".join(
                    f"{p.get('kind')}: {p.get('detail')}" for p in result.get("problems", [])[:3]
                ) or None,
            )
            if outcome.status == "failed" and output_tail.strip():
                logger.warning("crawl:%s failed; its log ends:\n%s", source_id,
                               _last_lines(output_tail, 20))
            return outcome

        if killed_for is None:
            if stopped:
                killed_for = "stopped with the service"
            elif result is not None:
                killed_for = f"the crawl could not start: {result['error']}"
            else:
                killed_for = f"crawl process {_exit_description(child.exitcode)}"
                last = _last_lines(output_tail, 1)
                if last:
                    killed_for += f": {last}"
            logger.error("crawl:%s: %s; its log ends:\n%s", source_id, killed_for,
                         _last_lines(output_tail, 20))
        run_id = self._close_abandoned_run(source_id, started, finished, killed_for)
        return CrawlOutcome(
            source_id=source_id,
            status="failed",
            started_at=started,
            finished_at=finished,
            run_id=run_id,
            detail=killed_for,
            killed=True,
        )

    def stop(self) -> None:
        """Ask every running child to stop (SIGTERM), and kill those still alive after grace."""
        with self._guard:
            self._stopping = True
            children = list(self._children.items())
        for source_id, child in children:
            logger.info("crawl:%s: stopping child process %s", source_id, child.pid)
            _signal_child(child, signal.SIGTERM)
        deadline = datetime.now(UTC) + timedelta(seconds=self.stop_grace)
        for _, child in children:
            remaining = max(0.0, (deadline - datetime.now(UTC)).total_seconds())
            child.join(remaining)
            if child.is_alive():
                _signal_child(child, signal.SIGKILL)

    def _give_up(self, source_id: str, started: datetime, reason: str) -> CrawlOutcome:
        return CrawlOutcome(source_id, "failed", started, datetime.now(UTC), detail=reason)

    def _close_abandoned_run(
        self, source_id: str, started: datetime, finished: datetime, reason: str
    ) -> int | None:
        with self.sessions.begin() as session:
            closed = archive.fail_stale_runs(
                session, source_id, reason=reason, finished_at=finished, started_since=started
            )
            if closed:
                return closed[-1]
            # The child died before it opened a run: record one, so health shows the failure.
            source = self.config.sources.get(source_id)
            if source is None:
                return None
            archive.upsert_source(
                session,
                source.id,
                name=source.name,
                authority=source.authority,
                language=source.language,
                base_url=source.base_url,
            )
            run = archive.start_run(session, source_id, started)
            archive.finish_run(
                session,
                run.id,
                status="failed",
                finished_at=finished,
                counts={},
                errors=[reason],
                stats={"service/closed_by": "scheduler"},
            )
            return run.id


def _crawl_context() -> multiprocessing.context.ForkServerContext:
    """The fork server the crawl children come from, started now so the first crawl is warm."""
    from crawler.runner import CHILD_PRELOAD

    context = multiprocessing.get_context("forkserver")
    # Only a fork server not yet running takes this; one started earlier already has it.
    context.set_forkserver_preload(list(CHILD_PRELOAD))
    multiprocessing.forkserver.ensure_running()
    return context


def _received(receiver: multiprocessing.connection.Connection) -> dict[str, Any] | None:
    try:
        result = receiver.recv()
    except (EOFError, OSError):
        # The child died (or closed the pipe) before it sent anything.
        return None
    return result if isinstance(result, dict) else None


def _signal_child(child: multiprocessing.process.BaseProcess, signum: signal.Signals) -> None:
    """Signal the child's whole session, or the child alone if it has not started one yet."""
    if child.pid is None:
        return
    try:
        if os.getpgid(child.pid) == child.pid:
            os.killpg(child.pid, signum)
            return
        os.kill(child.pid, signum)
    except ProcessLookupError:
        pass


def _file_tail(handle: IO[bytes], limit: int) -> str:
    try:
        handle.seek(0, os.SEEK_END)
        handle.seek(max(0, handle.tell() - limit))
        return handle.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _exit_description(returncode: int | None) -> str:
    if returncode is not None and returncode < 0:
        try:
            return f"died of {signal.Signals(-returncode).name}"
        except ValueError:
            return f"died of signal {-returncode}"
    return f"exited with status {returncode} without a result"


def _last_lines(output: str, count: int) -> str:
    return "\n".join(output.strip().splitlines()[-count:])


# --- one scheduler per archive ----------------------------------------------------------------


class AlreadyServingError(RuntimeError):
    """Another `regwatch serve` holds the archive's scheduler lock."""


class SchedulerLock(Protocol):
    """Held for the life of the one service allowed to drive an archive."""

    def acquire(self) -> None: ...

    def still_held(self) -> bool: ...

    def release(self) -> None: ...


class SqliteFileLock:
    """An exclusive `flock` on `<database file>.lock`.

    Chosen over a lease row with a heartbeat: the kernel drops the lock the moment its process
    dies, even by SIGKILL, so there is no expiry to wait out and no clock to trust. A SQLite
    archive lives on one machine's disk, which is all `flock` has to cover; the file holds the
    holder's pid and host for the messages. The file is never deleted, since deleting it would
    let two services lock two different files of the same name.
    """

    def __init__(self, database_path: Path) -> None:
        self.path = database_path.with_name(database_path.name + ".lock")
        self._file: Any = None

    def acquire(self) -> None:
        lock_file = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held for life)
        try:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock_file.close()
            holder = self.holder() or "another process"
            raise AlreadyServingError(
                f"another regwatch serve ({holder}) is already driving this archive "
                f"(lock {self.path})"
            ) from None
        lock_file.seek(0)
        lock_file.truncate()
        lock_file.write(_holder_description() + "\n")
        lock_file.flush()
        self._file = lock_file

    def still_held(self) -> bool:
        return self._file is not None

    def release(self) -> None:
        if self._file is None:
            return
        self._file.seek(0)
        self._file.truncate()
        fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        self._file.close()
        self._file = None

    def holder(self) -> str | None:
        """Who holds the lock now, from the lock file; None when no live process does."""
        try:
            written = self.path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        if not written:
            return None
        pid_text = written.split()[1] if written.startswith("pid ") else ""
        if pid_text.isdigit() and not _process_alive(int(pid_text)):
            return None
        return written


class PostgresAdvisoryLock:
    """A session-level `pg_try_advisory_lock` on a connection kept open for the service's life.

    The key is derived from the database and schema, so archives in separate schemas of one
    database do not exclude each other. The server drops the lock when the connection ends,
    including when the service dies; `still_held` notices a lost connection.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._connection: Connection | None = None
        self._key: int | None = None

    def acquire(self) -> None:
        engine = create_engine(
            self.url,
            poolclass=NullPool,
            connect_args={"application_name": _holder_description()[:63], "connect_timeout": 10},
        )
        connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        key = _advisory_key(connection)
        locked = connection.execute(select(func.pg_try_advisory_lock(key))).scalar()
        if not locked:
            holder = _advisory_holder(connection, key) or "another process"
            connection.close()
            engine.dispose()
            raise AlreadyServingError(
                f"another regwatch serve ({holder}) is already driving this archive "
                "(PostgreSQL advisory lock)"
            )
        self._engine, self._connection, self._key = engine, connection, key

    def still_held(self) -> bool:
        if self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 (any failure means the session, and the lock, is gone)
            return False
        return True

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(select(func.pg_advisory_unlock(self._key)))
                self._connection.close()
            except Exception:  # a lost connection has released the lock already
                logger.debug("scheduler lock connection was already gone", exc_info=True)
        if self._engine is not None:
            self._engine.dispose()
        self._engine = self._connection = None

    def holder(self) -> str | None:
        """Who holds the lock now (the holder's application name); None when nobody does."""
        engine = create_engine(self.url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                return _advisory_holder(connection, _advisory_key(connection))
        finally:
            engine.dispose()


def scheduler_lock(engine: Engine) -> SqliteFileLock | PostgresAdvisoryLock:
    """The lock that makes `engine`'s archive drivable by one service at a time."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ValueError("regwatch serve needs an archive in a file, not an in-memory SQLite")
        return SqliteFileLock(Path(url.database).resolve())
    return PostgresAdvisoryLock(url.render_as_string(hide_password=False))


def _advisory_key(connection: Connection) -> int:
    row = connection.execute(text("SELECT current_database(), current_schema()")).one()
    digest = hashlib.sha256(f"regwatch scheduler {row[0]} {row[1]}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _advisory_holder(connection: Connection, key: int) -> str | None:
    found = connection.execute(
        text(
            "SELECT a.application_name, a.client_addr, a.pid FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted "
            "AND l.classid = ((:key >> 32) & 4294967295)::oid "
            "AND l.objid = (:key & 4294967295)::oid AND l.objsubid = 1"
        ),
        {"key": key},
    ).first()
    if found is None:
        return None
    name = found.application_name or f"PostgreSQL backend {found.pid}"
    return f"{name} from {found.client_addr}" if found.client_addr else name


def _holder_description() -> str:
    return f"pid {os.getpid()} on {socket.gethostname()}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- overruns ---------------------------------------------------------------------------------

# The scheduler's own table, beside APScheduler's `apscheduler_jobs`: a row per run that was
# skipped because the source's previous crawl was still going.
service_tables = MetaData()
overruns_table = Table(
    "scheduler_overruns",
    service_tables,
    Column("id", Integer, primary_key=True),
    Column("source_id", String(64), nullable=False, index=True),
    Column("due_at", AwareDateTime(), nullable=False),
    Column("running_since", AwareDateTime(), nullable=True),
    Column("noted_at", AwareDateTime(), nullable=False),
)


@dataclass(frozen=True)
class OverrunSummary:
    count: int
    last_due_at: datetime | None


def overrun_summaries(connection: Connection) -> dict[str, OverrunSummary]:
    """Per source: how many scheduled runs were skipped because a crawl overran, and the last."""
    if not inspect(connection).has_table(overruns_table.name):
        return {}
    rows = connection.execute(
        select(
            overruns_table.c.source_id,
            func.count(),
            func.max(overruns_table.c.due_at),
        ).group_by(overruns_table.c.source_id)
    )
    return {source_id: OverrunSummary(count, last) for source_id, count, last in rows}


# --- the APScheduler parts --------------------------------------------------------------------


class CrawlExecutor(BaseExecutor):  # type: ignore[misc]
    """Runs due crawl jobs on a small thread pool; each thread waits for its crawl's child.

    APScheduler's `max_instances` bookkeeping (in `submit_job`) is what refuses a second
    instance of a source's job while its crawl runs.
    """

    def __init__(
        self,
        crawl: Callable[[str, datetime], CrawlOutcome],
        clock: Clock,
        workers: int,
        on_finished: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self._crawl = crawl
        self._clock = clock
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crawl")
        self._idle = threading.Condition()
        self._running: dict[str, datetime] = {}
        self._on_finished = on_finished

    def running_since(self, job_id: str) -> datetime | None:
        with self._idle:
            return self._running.get(job_id)

    def busy(self) -> bool:
        with self._idle:
            return bool(self._running)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no crawl runs; False if `timeout` seconds passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._running, timeout)

    def _do_submit_job(self, job: Any, run_times: list[datetime]) -> None:
        with self._idle:
            self._running[job.id] = self._clock.now()
        self._pool.submit(self._run, job, run_times[-1])

    def _run(self, job: Any, due: datetime) -> None:
        source_id = job.args[0]
        try:
            outcome = self._crawl(source_id, due)
        except BaseException as exc:  # noqa: BLE001 (reported as APScheduler reports job errors)
            self._run_job_error(job.id, exc, exc.__traceback__)
        else:
            self._run_job_success(
                job.id,
                [JobExecutionEvent(EVENT_JOB_EXECUTED, job.id, JOBSTORE, due, retval=outcome)],
            )
        finally:
            with self._idle:
                self._running.pop(job.id, None)
                self._idle.notify_all()
            if self._on_finished is not None:
                self._on_finished()

    def shutdown(self, wait: bool = True) -> None:
        # Crawls still queued for a free worker are dropped, not started during the stop.
        self._pool.shutdown(wait=wait, cancel_futures=True)


class CrawlScheduler(BaseScheduler):  # type: ignore[misc]
    """APScheduler 3's scheduler with "now" read from a :class:`Clock`.

    Its loop is the service's (see `CrawlService.serve_forever`): `run_pending` starts what is
    due and says how long until the next job. Per due job: all its fire times up to now
    coalesce into the latest; that one is skipped if later than the job's misfire grace time,
    and counted as an overrun (`on_overrun`) if the job's previous crawl still runs.
    """

    def __init__(
        self,
        clock: Clock,
        *,
        on_overrun: Callable[[str, datetime], None] | None = None,
        wakeup: Callable[[], None] | None = None,
        **options: Any,
    ) -> None:
        self.clock = clock
        self._on_overrun = on_overrun
        self._wakeup = wakeup
        super().__init__(**options)

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)

    def wakeup(self) -> None:
        if self._wakeup is not None:
            self._wakeup()

    def run_pending(self) -> float | None:
        """Start every due job once; seconds until the next is due (None when there is none)."""
        return self._process_jobs()  # type: ignore[no-any-return]

    def _process_jobs(self) -> float | None:
        if self.state == STATE_PAUSED:
            return None
        now = self.clock.now()
        events: list[Any] = []
        next_due: datetime | None = None
        with self._jobstores_lock:
            for alias, store in self._jobstores.items():
                try:
                    due_jobs = store.get_due_jobs(now)
                except Exception as exc:  # noqa: BLE001 (retried: a database hiccup is not fatal)
                    logger.warning("cannot read due jobs from job store %r: %s", alias, exc)
                    retry = now + timedelta(seconds=self.jobstore_retry_interval)
                    next_due = retry if next_due is None else min(next_due, retry)
                    continue
                try:
                    for job in due_jobs:
                        events.extend(self._fire(job, alias, store, now))
                    store_next = store.get_next_run_time()
                except Exception as exc:  # noqa: BLE001 (retried: a database hiccup is not fatal)
                    logger.warning("cannot update job store %r: %s", alias, exc)
                    store_next = now + timedelta(seconds=self.jobstore_retry_interval)
                if store_next is not None and (next_due is None or store_next < next_due):
                    next_due = store_next
        for event in events:
            self._dispatch_event(event)
        if next_due is None:
            return None
        return max(0.0, (next_due - self.clock.now()).total_seconds())

    def _fire(self, job: Any, alias: str, store: Any, now: datetime) -> list[Any]:
        fire_times = due_fire_times(job.trigger, job.next_run_time, now)
        if not fire_times:
            return []
        due = fire_times[-1]
        if len(fire_times) > 1 and job.coalesce:
            logger.info("%s: %d missed runs coalesce into one catch-up run", job.id,
                        len(fire_times) - 1)
        elif not job.coalesce:
            due = fire_times[0]
        events: list[Any] = []
        late = (now - due).total_seconds()
        if job.misfire_grace_time is not None and late > job.misfire_grace_time:
            logger.warning("%s: the run due at %s is %.0f s late, past its grace of %s s; "
                           "skipped", job.id, due.isoformat(), late, job.misfire_grace_time)
            events.append(JobSubmissionEvent(EVENT_JOB_MISSED, job.id, alias, [due]))
        else:
            executor = self._lookup_executor(job.executor)
            try:
                executor.submit_job(job, [due])
            except MaxInstancesReachedError:
                if self._on_overrun is not None:
                    self._on_overrun(job.id, due)
                events.append(JobSubmissionEvent(EVENT_JOB_MAX_INSTANCES, job.id, alias, [due]))
            else:
                events.append(JobSubmissionEvent(EVENT_JOB_SUBMITTED, job.id, alias, [due]))
        following = job.trigger.get_next_fire_time(due, now)
        if following is None:
            self.remove_job(job.id, alias)
        else:
            job._modify(next_run_time=following)
            store.update_job(job)
        return events


def due_fire_times(trigger: Any, first: datetime | None, now: datetime) -> list[datetime]:
    """The trigger's fire times from `first` up to and including `now`, oldest first."""
    times: list[datetime] = []
    fire = first
    while fire is not None and fire <= now:
        times.append(fire)
        fire = trigger.get_next_fire_time(fire, now)
    return times


# --- the service ------------------------------------------------------------------------------


class Alarm:
    """A self-pipe the service loop sleeps on: signal handlers and crawl threads ring it.

    Writing to a pipe is safe inside a signal handler, where setting a `threading.Event` could
    deadlock on the lock the interrupted main thread holds.
    """

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)

    def ring(self) -> None:
        try:
            os.write(self._write, b"!")
        except (BlockingIOError, OSError):
            pass  # a full pipe already wakes the sleeper

    def sleep(self, seconds: float | None) -> None:
        select_module.select([self._read], [], [], seconds)
        try:
            while os.read(self._read, 4096):
                pass
        except BlockingIOError:
            pass

    def close(self) -> None:
        os.close(self._read)
        os.close(self._write)


class CrawlService:
    """Crawls each configured source on its schedule, keeping the jobs in the archive.

    `start` registers the jobs; `run_pending` starts what is due; `stop` ends the running
    crawls and the scheduler. `after_crawl` callbacks run after each crawl with its outcome
    (extraction, change events and alerts hang there).
    """

    def __init__(
        self,
        config: Config,
        engine: Engine,
        runner: CrawlRunner,
        *,
        clock: Clock | None = None,
        settings: ServiceSettings | None = None,
    ) -> None:
        self.config = config
        self.engine = engine
        self.runner = runner
        self.clock = clock or SystemClock()
        self.settings = settings or service_settings(config)
        self.alarm = Alarm()
        self.overruns: Counter[str] = Counter()
        self.outcomes: deque[CrawlOutcome] = deque(maxlen=RECENT_OUTCOMES)
        self.after_crawl: list[Callable[[CrawlOutcome], None]] = []
        self._stop_requested = False
        self._closed = False
        self.executor = CrawlExecutor(
            self.crawl, self.clock, self.settings.parallel_crawls, on_finished=self.alarm.ring
        )
        self.scheduler = CrawlScheduler(
            self.clock,
            on_overrun=self._note_overrun,
            wakeup=self.alarm.ring,
            timezone=UTC,
            jobstores={JOBSTORE: SQLAlchemyJobStore(engine=engine)},
            executors={EXECUTOR: self.executor},
        )

    # lifecycle

    def start(self) -> list[str]:
        """Start the scheduler and register one job per source; the job ids, sorted."""
        service_tables.create_all(self.engine, checkfirst=True)
        self.scheduler.start(paused=True)
        job_ids = self.register_jobs()
        self.scheduler.resume()
        return job_ids

    def register_jobs(self) -> list[str]:
        """One `crawl:<id>` job per source; jobs of sources no longer configured are removed.

        Idempotent across restarts: a job whose schedule is unchanged keeps its stored next
        run time, so runs missed while the service was down are still due (and coalesce). A
        new source, or one whose schedule changed, is due at once.
        """
        now = self.clock.now()
        stored = {
            job.id: job for job in self.scheduler.get_jobs(JOBSTORE)
            if job.id.startswith(JOB_PREFIX)
        }
        registered = []
        # APScheduler 3 wants whole seconds here.
        grace = (None if self.settings.misfire_grace_time is None
                 else max(1, math.ceil(self.settings.misfire_grace_time)))
        for source in sorted(self.config.sources.values(), key=lambda s: s.id):
            job_id = JOB_PREFIX + source.id
            try:
                trigger = source_trigger(source, self.settings, now)
            except ValueError as exc:
                where = str(self.config.path) if self.config.path else "regwatch.toml"
                raise ConfigError(where, None, f"sources.{source.id}: {exc}") from None
            next_run = now
            old = stored.pop(job_id, None)
            if (old is not None and old.next_run_time is not None
                    and schedule_key(old.trigger) == schedule_key(trigger)):
                trigger, next_run = old.trigger, old.next_run_time
            self.scheduler.add_job(
                "scheduler:crawl_job",
                trigger=trigger,
                args=[source.id],
                id=job_id,
                name=f"crawl {source.id} ({source.schedule_description()})",
                jobstore=JOBSTORE,
                executor=EXECUTOR,
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=grace,
                next_run_time=next_run,
            )
            registered.append(job_id)
        for job_id in sorted(stored):
            logger.info("%s: its source is no longer configured; job removed", job_id)
            self.scheduler.remove_job(job_id, JOBSTORE)
        return registered

    def run_pending(self) -> float | None:
        return self.scheduler.run_pending()

    def wait_idle(self, timeout: float | None = None) -> bool:
        return self.executor.wait_idle(timeout)

    def request_stop(self) -> None:
        """Ask `serve_forever` or `run_once` to return; safe to call from a signal handler."""
        self._stop_requested = True
        self.alarm.ring()

    @property
    def stop_requested(self) -> bool:
        return self._stop_requested

    def serve_forever(self, lock: SchedulerLock) -> bool:
        """Run jobs as they fall due until `request_stop`; False if the lock was lost."""
        while not self._stop_requested:
            if not lock.still_held():
                logger.error("the scheduler lock was lost (archive connection closed); stopping")
                return False
            try:
                wait = self.run_pending()
            except Exception:  # logged; the next heartbeat tries again
                logger.exception("could not process due jobs")
                wait = HEARTBEAT_SECONDS
            self.alarm.sleep(HEARTBEAT_SECONDS if wait is None else min(wait, HEARTBEAT_SECONDS))
        return True

    def run_once(self) -> list[CrawlOutcome]:
        """Start every due job once and wait for those crawls; their outcomes."""
        finished: list[CrawlOutcome] = []
        self.after_crawl.append(finished.append)
        try:
            self.run_pending()
            while self.executor.busy() and not self._stop_requested:
                self.alarm.sleep(HEARTBEAT_SECONDS)
        finally:
            self.after_crawl.remove(finished.append)
        return finished

    def stop(self) -> None:
        """End running crawls (terminated, then killed after grace) and shut the scheduler down."""
        self._stop_requested = True
        self.runner.stop()
        if self.scheduler.state != STATE_STOPPED:
            self.scheduler.shutdown(wait=True)
        if not self._closed:
            self._closed = True
            self.alarm.close()

    # what a job does

    def crawl(self, source_id: str, due: datetime) -> CrawlOutcome:
        logger.info("crawl:%s starting (due %s)", source_id, due.isoformat())
        outcome = self.runner.run(source_id)
        self.outcomes.append(outcome)
        counts = ", ".join(f"{k} {v}" for k, v in outcome.counts.items() if v)
        log = logger.info if outcome.status == "ok" else logger.warning
        log("crawl:%s %s%s%s", source_id, outcome.status, f" ({counts})" if counts else "",
            f": {outcome.detail}" if outcome.detail else "")
        for callback in self.after_crawl:
            try:
                callback(outcome)
            except Exception:
                logger.exception("crawl:%s: an after-crawl step failed", source_id)
        return outcome

    def _note_overrun(self, job_id: str, due: datetime) -> None:
        source_id = job_id.removeprefix(JOB_PREFIX)
        since = self.executor.running_since(job_id)
        self.overruns[source_id] += 1
        logger.warning(
            "%s: the run due at %s is skipped: the crawl started at %s is still running "
            "(overrun %d)", job_id, due.isoformat(), since.isoformat() if since else "?",
            self.overruns[source_id],
        )
        try:
            with self.engine.begin() as connection:
                connection.execute(overruns_table.insert().values(
                    source_id=source_id, due_at=due, running_since=since,
                    noted_at=self.clock.now(),
                ))
        except Exception:
            logger.exception("%s: could not record the overrun in the archive", job_id)


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


def scheduled_runs(engine: Engine) -> dict[str, datetime | None]:
    """Next run time of each job in the archive's job store, by job id (empty if none)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("apscheduler_jobs"):
            return {}
    store = SQLAlchemyJobStore(engine=engine)
    store.start(CrawlScheduler(SystemClock(), timezone=UTC), JOBSTORE)
    return {job.id: job.next_run_time for job in store.get_all_jobs()}


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


def _configure_logging() -> None:
    name = os.environ.get("REGWATCH_LOG_LEVEL", "INFO").upper()
    level = logging.getLevelNamesMapping().get(name, logging.INFO)
    logging.basicConfig(
        level=level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # APScheduler's own per-job chatter repeats what the service logs.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, level))
    logging.getLogger("alembic").setLevel(max(logging.WARNING, level))


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
    from cli import EXIT_ARCHIVE, EXIT_CONFIG, EXIT_OK, EXIT_SOURCE_FAILED, config_or_exit, fail
    from storage.db import database_url, open_archive, session_factory
    from storage.errors import ArchiveError

    _configure_logging()
    from alerts.service import AlertWork

    config = config_or_exit(obj["config"])
    try:
        settings = service_settings(config)
        alert_work = AlertWork.from_config(config)
    except ConfigError as exc:
        fail(str(exc), EXIT_CONFIG)
        return
    url = database_url(obj["database_url"])
    try:
        engine = open_archive(url)
    except ArchiveError as exc:
        fail(str(exc), EXIT_ARCHIVE)
        return
    try:
        lock = scheduler_lock(engine)
        lock.acquire()
    except AlreadyServingError as exc:
        engine.dispose()
        fail(f"{exc}; this one runs no job", EXIT_ALREADY_SERVING)
        return
    except ValueError as exc:
        engine.dispose()
        fail(str(exc), EXIT_ARCHIVE)
        return

    # Before the web pages: starting the crawl children's fork server takes a moment, and the
    # pages announce that the service is up.
    runner = ChildCrawlRunner(
        config, url, session_factory(engine),
        time_limit=settings.crawl_timeout, stop_grace=settings.stop_grace,
    )
    stop_web: Callable[[], None] | None = None
    if not once and not no_web:
        try:
            stop_web = _start_web(config, url, host, port)
        except (ConfigError, ValueError, OSError) as exc:
            lock.release()
            engine.dispose()
            fail(f"cannot serve the web pages: {exc}", EXIT_CONFIG)
            return

    service = CrawlService(config, engine, runner, settings=settings)
    alert_work.attach(service, background=not once)
    previous = {
        signum: signal.signal(signum, lambda *_: service.request_stop())
        for signum in (signal.SIGTERM, signal.SIGINT)
    }
    code = EXIT_OK
    try:
        try:
            jobs = service.start()
        except ConfigError as exc:
            logger.error("%s", exc)
            code = EXIT_CONFIG
            return
        logger.info("serving %s: %d sources, lock held (%s)",
                    engine.url.render_as_string(hide_password=True), len(jobs),
                    _holder_description())
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


def _start_web(config: Config, database_url: str, host: str | None,
               port: int | None) -> Callable[[], None]:
    """Serve the pages and API in a thread of the service; returns the function that stops it."""
    from web.app import create_app
    from web.server import serve_in_thread
    from web.settings import web_settings

    settings = web_settings(config)
    app = create_app(database_url, config, settings=settings)
    base_url, stop = serve_in_thread(app, host or settings.host,
                                     settings.port if port is None else port)
    logger.info("web pages and API at %s", base_url)
    return stop


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="One JSON object for scripts.")
@click.pass_obj
def status_command(obj: dict[str, Any], as_json: bool) -> None:
    """Each source's last run, health, next run, overruns and alerts waiting."""
    from rich.console import Console
    from rich.table import Table

    from cli import EXIT_ARCHIVE, config_or_exit, fail
    from storage.db import open_archive
    from storage.errors import ArchiveError

    config = config_or_exit(obj["config"])
    try:
        engine = open_archive(obj["database_url"])
    except ArchiveError as exc:
        fail(str(exc), EXIT_ARCHIVE)
        return
    from alerts.service import status_warnings

    try:
        rows = source_statuses(config, engine)
        holder = service_holder(engine)
        warnings = status_warnings(engine, config)
    finally:
        engine.dispose()
    if as_json:
        click.echo(json.dumps(
            {"service": {"running": holder is not None, "holder": holder},
             "sources": [row.as_json() for row in rows], "warnings": warnings},
            ensure_ascii=False, indent=2,
        ))
        return
    console = Console()
    console.print(f"service: {'running (' + holder + ')' if holder else 'not running'}",
                  highlight=False)
    table = Table("source", "last run", "result", "new/chg/fail", "health", "next run",
                  "overruns", "alerts waiting")
    table.columns[0].no_wrap = True
    for row in rows:
        counts = (f"{row.counts['new']}/{row.counts['changed']}/{row.counts['failed']}"
                  if row.counts else "-")
        colour = {"ok": "green", "failed": "red", "unhealthy": "yellow"}.get(
            row.last_status or "", "dim")
        table.add_row(
            row.source_id,
            _shown_time(row.last_started),
            f"[{colour}]{row.last_status or 'never run'}[/]",
            counts,
            row.health,
            _shown_time(row.next_run),
            str(row.overruns),
            "n/a" if row.alerts_waiting is None else str(row.alerts_waiting),
        )
    console.print(table)
    for warning in warnings:
        console.print(f"[yellow]warning[/] {warning}", highlight=False)


def _shown_time(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else "-"


__all__: Sequence[str] = (
    "AlreadyServingError",
    "ChildCrawlRunner",
    "Clock",
    "CrawlExecutor",
    "CrawlOutcome",
    "CrawlRunner",
    "CrawlScheduler",
    "CrawlService",
    "ServiceSettings",
    "SourceStatus",
    "SystemClock",
    "crawl_job",
    "crontab_trigger",
    "crontab_weekdays",
    "pending_alerts",
    "scheduler_lock",
    "serve_command",
    "service_settings",
    "source_statuses",
    "status_command",
)
