"""The background service: when each source is crawled, in a child process, by one scheduler only.

`regwatch serve` keeps one APScheduler 3 job per source (`crawl:<source-id>`) in the archive
database. Missed runs coalesce into one catch-up run, a crawl still running is never started
again (the skipped run is counted as an overrun), each crawl runs in its own process under a
time limit, and only one service may drive an archive at a time (:mod:`storage.lock`). A crawl
child holds its source's lease while it runs and dies with the service; a run whose source's
lease is still held (by a crawl another service started) is skipped and counted as an overrun
too. The commands that run and show the service are in :mod:`cli.service`.

The scheduling decisions take "now" from a :class:`Clock`, so tests drive them with a fake
clock instead of waiting.
"""

from __future__ import annotations

import logging
import math
import os
import select as select_module
import threading
from collections import Counter, deque
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

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
from sqlalchemy import Connection, Engine, func, insert, select
from sqlalchemy.orm import Session

from config import Config, ConfigError, Source, parse_duration
from crawler.childrunner import CrawlOutcome, CrawlRunner
from crawler.cluster import BrokerUnavailableError
from storage.lock import SchedulerLock
from storage.models import SchedulerOverrun
from storage.sources import scheduled_runs as stored_next_runs

logger = logging.getLogger("regwatch.scheduler")

JOB_PREFIX = "crawl:"
JOBSTORE = "default"
EXECUTOR = "default"

# How often the service loop wakes with nothing due, to check that it still holds its lock.
HEARTBEAT_SECONDS = 60.0
RECENT_OUTCOMES = 100


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
    # Crawls one crawl engine process runs before a new one replaces it; 0 runs each crawl in
    # a child process of its own (crawler.childrunner) instead of an engine.
    engine_crawls: int = 500


_SERVICE_DURATIONS = ("crawl_timeout", "max_jitter", "misfire_grace_time", "stop_grace")
# Each crawl is a child process with its own Scrapy engine; beyond this a machine thrashes.
MAX_PARALLEL_CRAWLS = 64


def service_settings(config: Config) -> ServiceSettings:
    """The service's settings from `config`'s `[service]` table; ConfigError when malformed."""
    table = config.raw.get("service", {})
    where = str(config.path) if config.path else "regwatch.toml"
    if not isinstance(table, Mapping):
        raise ConfigError(where, config.line_of("service"), "[service] must be a table")
    from alerts.settings import SERVICE_KEYS as ALERT_KEYS  # alerts read and check these

    known = {*_SERVICE_DURATIONS, "parallel_crawls", "engine_crawls", *ALERT_KEYS}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(
            where, config.line_of("service", unknown[0]), f"service: unknown key "
            f"{unknown[0]!r}; expected one of " + ", ".join(sorted(known))
        )
    values: dict[str, Any] = {}
    for key in _SERVICE_DURATIONS:
        if key in table:
            try:
                values[key] = parse_duration(table[key])
            except ValueError as exc:
                raise ConfigError(where, config.line_of("service", key),
                                  f"service.{key}: {exc}") from None
    if values.get("crawl_timeout", 1.0) <= 0:
        raise ConfigError(where, config.line_of("service", "crawl_timeout"),
                          "service.crawl_timeout must be longer than 0 seconds")
    if "parallel_crawls" in table:
        count = table["parallel_crawls"]
        if (isinstance(count, bool) or not isinstance(count, int)
                or not 1 <= count <= MAX_PARALLEL_CRAWLS):
            raise ConfigError(where, config.line_of("service", "parallel_crawls"),
                              "service.parallel_crawls must be a whole number from 1 to "
                              f"{MAX_PARALLEL_CRAWLS}")
        values["parallel_crawls"] = count
    if "engine_crawls" in table:
        count = table["engine_crawls"]
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ConfigError(where, None, "service.engine_crawls must be a whole number ≥ 0")
        values["engine_crawls"] = count
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


# --- what the service leaves in the archive: next runs and overruns ------------------------


def scheduled_runs(engine: Engine) -> dict[str, datetime | None]:
    """Next run time of each job in the archive's job store, by job id (empty if none)."""
    with Session(engine) as session:
        runs = stored_next_runs(session)
    return {JOB_PREFIX + source_id: when for source_id, when in runs.items()}


@dataclass(frozen=True)
class OverrunSummary:
    count: int
    last_due_at: datetime | None


def overrun_summaries(connection: Connection) -> dict[str, OverrunSummary]:
    """Per source: how many scheduled runs were skipped because a crawl overran, and the last."""
    rows = connection.execute(
        select(
            SchedulerOverrun.source_id,
            func.count(),
            func.max(SchedulerOverrun.due_at),
        ).group_by(SchedulerOverrun.source_id)
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


class DispatchExecutor(BaseExecutor):  # type: ignore[misc]
    """Hands each due crawl to the cluster's broker (`regwatch serve` with a broker) instead
    of running it: a :class:`crawler.cluster.Dispatcher`'s ``dispatch``.

    A source whose crawl is queued or running is refused as APScheduler refuses a second
    instance (an overrun); a broker that does not answer raises
    :class:`crawler.cluster.BrokerUnavailableError`, and the scheduler keeps the job due.
    """

    def __init__(self, dispatcher: Any) -> None:
        super().__init__()
        self.dispatcher = dispatcher

    def submit_job(self, job: Any, run_times: list[datetime]) -> None:
        # Not BaseExecutor's: its count of running instances would never go down, since the
        # crawl ends on a worker.
        self._do_submit_job(job, run_times)

    def _do_submit_job(self, job: Any, run_times: list[datetime]) -> None:
        source_id = job.args[0]
        if not self.dispatcher.dispatch(source_id):
            raise MaxInstancesReachedError(job)
        logger.info("crawl:%s dispatched (due %s)", source_id, run_times[-1].isoformat())

    def running_since(self, job_id: str) -> datetime | None:
        return self.dispatcher.dispatched_at(job_id.removeprefix(JOB_PREFIX))  # type: ignore[no-any-return]

    def busy(self) -> bool:
        return False

    def wait_idle(self, timeout: float | None = None) -> bool:
        return True


# How long a crawl the broker did not take waits before it is dispatched again.
DISPATCH_RETRY_S = 15.0


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
            except BrokerUnavailableError:
                # Still due: tried again shortly (the dispatcher logs the broker's state).
                job._modify(next_run_time=now + timedelta(seconds=DISPATCH_RETRY_S))
                store.update_job(job)
                return events
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
        runner: CrawlRunner | None,
        *,
        clock: Clock | None = None,
        settings: ServiceSettings | None = None,
        dispatcher: Any | None = None,
    ) -> None:
        self.config = config
        # The configuration file's sources; `config` adds those kept in the archive.
        self.file_config = config
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
        # With a broker (crawler.cluster.Dispatcher) the crawls run on `regwatch worker`s.
        self.dispatcher = dispatcher
        self.executor: CrawlExecutor | DispatchExecutor
        if dispatcher is not None:
            self.executor = DispatchExecutor(dispatcher)
        else:
            self.executor = CrawlExecutor(
                self.crawl, self.clock, self.settings.parallel_crawls,
                on_finished=self.alarm.ring)
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
        self.scheduler.start(paused=True)
        self.config = self.sources_in_force()
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

    def sources_in_force(self) -> Config:
        """The file's sources with the archive's (`regwatch sources add`, the sources pages);
        the file's alone while the archive cannot be read."""
        from sqlalchemy.exc import SQLAlchemyError
        from sqlalchemy.orm import Session

        from storage.source_definitions import with_archive_sources

        try:
            with Session(self.engine) as session:
                return with_archive_sources(self.file_config, session)
        except SQLAlchemyError:
            logger.exception("could not read the sources kept in the archive")
            return self.config

    def take_up_source_changes(self) -> None:
        """Jobs follow sources added, changed, disabled or deleted in the archive since the
        last look (each heartbeat)."""
        config = self.sources_in_force()
        if dict(config.sources) != dict(self.config.sources):
            self.config = config
            self.register_jobs()

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
                self.take_up_source_changes()
                if self.dispatcher is not None:
                    self.dispatcher.expire(self.clock.now())
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
        if self.runner is not None:
            self.runner.stop()
        if self.dispatcher is not None:
            self.dispatcher.close()
        if self.scheduler.state != STATE_STOPPED:
            self.scheduler.shutdown(wait=True)
        if not self._closed:
            self._closed = True
            self.alarm.close()

    # what a job does

    def crawl(self, source_id: str, due: datetime) -> CrawlOutcome:
        logger.info("crawl:%s starting (due %s)", source_id, due.isoformat())
        assert self.runner is not None, "a service with a broker dispatches its crawls"
        outcome = self.runner.run(source_id)
        if outcome.status == "skipped":
            self._note_overrun(JOB_PREFIX + source_id, due, why=outcome.detail)
            return outcome
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

    def _note_overrun(self, job_id: str, due: datetime, why: str | None = None) -> None:
        """Count and record a skipped run: this service's crawl of the source still runs, or
        (``why``) another process's crawl holds the source's lease."""
        source_id = job_id.removeprefix(JOB_PREFIX)
        since = None if why else self.executor.running_since(job_id)
        self.overruns[source_id] += 1
        if why:
            logger.warning("%s: the run due at %s is skipped: %s (overrun %d)", job_id,
                           due.isoformat(), why, self.overruns[source_id])
        else:
            logger.warning(
                "%s: the run due at %s is skipped: the crawl started at %s is still running "
                "(overrun %d)", job_id, due.isoformat(), since.isoformat() if since else "?",
                self.overruns[source_id],
            )
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(SchedulerOverrun).values(
                    source_id=source_id, due_at=due, running_since=since,
                    noted_at=self.clock.now(),
                ))
        except Exception:
            logger.exception("%s: could not record the overrun in the archive", job_id)
