"""Tests of scheduler.py: schedules on a fake clock, one scheduler per archive, crawl children,
`regwatch serve` and `regwatch status` as real processes against a small site on loopback."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from apscheduler.events import EVENT_JOB_MISSED
from sqlalchemy import Engine, select, text

from cli.service import source_statuses
from config import ConfigError, builtin_tables, load_config
from crawler.childrunner import ChildCrawlRunner, CrawlOutcome
from scheduler import (
    CrawlService,
    ServiceSettings,
    crontab_trigger,
    crontab_weekdays,
    scheduled_runs,
    service_settings,
    source_trigger,
)
from storage.db import open_archive, session_factory
from storage.lock import AlreadyServingError, SqliteFileLock, scheduler_lock
from storage.models import CrawlRun, Notice

T0 = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)  # a Monday
HOUR = timedelta(hours=1)
REPO = Path(__file__).resolve().parents[1]
WAIT = 60.0  # upper bound for waits on threads and processes, never a schedule


# --- a clock, a stand-in crawl, a small site ------------------------------------------------


class FakeClock:
    """A clock that moves only when the test says so."""

    def __init__(self, start: datetime = T0) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


class ScriptedCrawls:
    """Stands in for the crawl child in schedule tests: notes when each crawl starts (on the
    fake clock) and, when `hold` is set, keeps it running until the test releases it."""

    def __init__(self, clock: FakeClock, hold: bool = False) -> None:
        self.clock = clock
        self.hold = hold
        self.starts: list[tuple[str, datetime]] = []
        self.started: queue.Queue[str] = queue.Queue()
        self.gates: queue.Queue[threading.Event] = queue.Queue()
        self.active: Counter[str] = Counter()
        self.most_active = 0
        self._lock = threading.Lock()

    def run(self, source_id: str) -> CrawlOutcome:
        began = self.clock.now()
        with self._lock:
            self.starts.append((source_id, began))
            self.active[source_id] += 1
            self.most_active = max(self.most_active, self.active[source_id])
        self.started.put(source_id)
        if self.hold:
            gate = threading.Event()
            self.gates.put(gate)
            gate.wait(WAIT)
        with self._lock:
            self.active[source_id] -= 1
        return CrawlOutcome(source_id, "ok", began, self.clock.now())

    def release_one(self) -> None:
        self.gates.get(timeout=WAIT).set()

    def stop(self) -> None:
        while not self.gates.empty():
            self.gates.get().set()


class LocalSite:
    """A regulator-like notice list on 127.0.0.1, served from a thread of the test.

    With `stall` set, every request is held unanswered (a site that hangs) until the test ends
    or `stall` is cleared; `requested` is set by the first request of any kind.
    """

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {"/robots.txt": b"User-agent: *\nAllow: /\n"}
        self.requests: Counter[str] = Counter()
        self.requested = threading.Event()
        self.stall = threading.Event()
        self.unstalled = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests[self.path] += 1
                site.requested.set()
                if site.stall.is_set():
                    site.unstalled.wait(WAIT)
                body = site.pages.get(self.path)
                try:
                    self.send_response(200 if body is not None else 404)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body or b"")))
                    self.end_headers()
                    self.wfile.write(body or b"")
                except OSError:
                    pass  # the crawler was killed while we stalled

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def publish(self, notices: list[tuple[str, str, str]]) -> None:
        """Put `(slug, title, body text)` notices on the list, newest first."""
        items = "".join(
            f'<li><a href="/notices/{slug}.html">{title}</a> <span class="date">2024-03-01'
            "</span></li>" for slug, title, _ in notices
        )
        self.pages["/index.html"] = (
            f'<html><head><meta charset="utf-8"></head><body><ul class="notices">{items}</ul>'
            "</body></html>"
        ).encode()
        for slug, title, body in notices:
            self.pages[f"/notices/{slug}.html"] = (
                f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
                f'<h1>{title}</h1><p class="date">2024-03-01</p><div class="body"><p>{body}</p>'
                "</div></body></html>"
            ).encode()

    def release_stalled(self) -> None:
        self.stall.clear()
        self.unstalled.set()


@pytest.fixture
def site() -> Iterator[LocalSite]:
    local = LocalSite()
    local.publish([(
        "2024-03-01-apps",
        "Regulator orders 35 apps to fix personal data collection",
        ("The regulator found 35 apps collecting personal data beyond their stated purpose "
         "and ordered them to correct it within 15 working days."),
    )])
    local.thread.start()
    try:
        yield local
    finally:
        local.release_stalled()
        local.server.shutdown()
        local.server.server_close()


def write_config(path: Path, sources: dict[str, dict[str, Any]],
                 service: dict[str, Any] | None = None) -> Path:
    """A regwatch.toml with the built-in sources switched off (they would reach the internet)
    and the given sources, each a small notice list."""
    lines = []
    for table in sorted({source_id for source_id, _, _ in builtin_tables()}):
        lines += [f"[sources.{table}]", "disabled = true", ""]
    for source_id, fields in sources.items():
        lines += [f"[sources.{source_id}]", f'name = "Notices of {source_id}"']
        schedule = {} if "cron" in fields else {"interval": "1h"}  # never both
        fields = {**schedule, "delay": 0, "timeout": 30, **fields}
        lines += [f"{key} = {json.dumps(value)}" for key, value in fields.items()]
        lines += [
            "",
            f"[sources.{source_id}.list]",
            'kind = "html"', 'url = "/index.html"', 'items = "ul.notices li"',
            'link = "a::attr(href)"', 'title = "a::text"', 'date = "span.date::text"',
            "",
            f"[sources.{source_id}.article]",
            'title = ["h1::text"]', 'date = ["p.date::text"]', 'body = ["div.body"]',
            "",
        ]
    if service:
        lines += ["[service]"] + [f"{k} = {json.dumps(v)}" for k, v in service.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def site_config(tmp_path: Path, base_url: str, sources: tuple[str, ...] = ("tiny",),
                **service: Any) -> Path:
    return write_config(tmp_path / "regwatch.toml",
                        {source_id: {"base_url": base_url} for source_id in sources},
                        {"max_jitter": 0, **service})


@pytest.fixture
def engine(archive_url: str) -> Iterator[Engine]:
    opened = open_archive(archive_url)
    try:
        yield opened
    finally:
        opened.dispose()


def scripted_service(config_path: Path, engine: Engine, crawls: ScriptedCrawls,
                     **settings: Any) -> CrawlService:
    config = load_config(config_path)
    chosen = replace(service_settings(config), **settings)
    return CrawlService(config, engine, crawls, clock=crawls.clock, settings=chosen)


def stored_job_ids(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(text("SELECT id FROM apscheduler_jobs ORDER BY id")))


def runs_of(engine: Engine, source_id: str) -> list[CrawlRun]:
    with session_factory(engine)() as session:
        return list(session.scalars(
            select(CrawlRun).where(CrawlRun.source_id == source_id).order_by(CrawlRun.id)
        ))


# --- schedules on a fake clock ----------------------------------------------------------------


@pytest.mark.parametrize("restart", [True, False], ids=["after-restart", "clock-jump"])
def test_ten_missed_intervals_give_one_catch_up_run(
    tmp_path: Path, engine: Engine, restart: bool
) -> None:
    config = site_config(tmp_path, "http://127.0.0.1:9")
    clock = FakeClock()
    crawls = ScriptedCrawls(clock)
    service = scripted_service(config, engine, crawls)
    service.start()
    service.run_pending()
    assert service.wait_idle(WAIT)
    if restart:
        service.stop()

    clock.advance(10 * HOUR + timedelta(minutes=30))
    if restart:
        service = scripted_service(config, engine, crawls)
        service.start()
    service.run_pending()
    assert service.wait_idle(WAIT)
    service.run_pending()
    assert service.wait_idle(WAIT)
    assert crawls.starts == [("tiny", T0), ("tiny", T0 + 10.5 * HOUR)]
    # The catch-up stands for the run due at T0+10h; the schedule goes on from there.
    assert scheduled_runs(engine)["crawl:tiny"] == T0 + 11 * HOUR

    clock.advance(timedelta(minutes=30))
    service.run_pending()
    assert service.wait_idle(WAIT)
    service.stop()
    assert [at for _, at in crawls.starts] == [T0, T0 + 10.5 * HOUR, T0 + 11 * HOUR]


def test_a_catch_up_later_than_the_grace_time_is_skipped(tmp_path: Path, engine: Engine) -> None:
    config = site_config(tmp_path, "http://127.0.0.1:9")
    clock = FakeClock()
    crawls = ScriptedCrawls(clock)
    service = scripted_service(config, engine, crawls, misfire_grace_time=600.0)
    missed: list[Any] = []
    service.scheduler.add_listener(missed.append, EVENT_JOB_MISSED)
    service.start()
    service.run_pending()
    assert service.wait_idle(WAIT)

    clock.advance(10 * HOUR + timedelta(minutes=30))  # the last missed run is 30 min late
    service.run_pending()
    assert service.wait_idle(WAIT)
    assert [at for _, at in crawls.starts] == [T0]
    assert [event.scheduled_run_times for event in missed] == [[T0 + 10 * HOUR]]

    clock.advance(timedelta(minutes=30))
    service.run_pending()
    assert service.wait_idle(WAIT)
    service.stop()
    assert [at for _, at in crawls.starts] == [T0, T0 + 11 * HOUR]


def test_a_crawl_lasting_two_and_a_half_intervals_never_overlaps_itself(
    tmp_path: Path, engine: Engine
) -> None:
    config = site_config(tmp_path, "http://127.0.0.1:9")
    clock = FakeClock()
    crawls = ScriptedCrawls(clock, hold=True)
    service = scripted_service(config, engine, crawls)
    service.start()
    try:
        service.run_pending()
        assert crawls.started.get(timeout=WAIT) == "tiny"
        for _ in range(2):
            clock.advance(HOUR)
            service.run_pending()
        clock.advance(HOUR / 2)
        crawls.release_one()  # the first crawl ends at T0+2.5h
        assert service.wait_idle(WAIT)
        service.run_pending()
        assert len(crawls.starts) == 1

        clock.advance(HOUR / 2)
        service.run_pending()
        assert crawls.started.get(timeout=WAIT) == "tiny"
        crawls.release_one()
        assert service.wait_idle(WAIT)
    finally:
        service.stop()

    assert [at for _, at in crawls.starts] == [T0, T0 + 3 * HOUR]
    assert crawls.most_active == 1
    assert service.overruns == {"tiny": 2}
    (status,) = source_statuses(load_config(config), engine)
    assert (status.overruns, status.last_overrun_due) == (2, T0 + 2 * HOUR)


def test_five_restarts_leave_one_job_per_source(tmp_path: Path, engine: Engine) -> None:
    config = site_config(tmp_path, "http://127.0.0.1:9", sources=("alpha", "beta"))
    clock = FakeClock()
    crawls = ScriptedCrawls(clock)
    for restart in range(5):
        service = scripted_service(config, engine, crawls)
        assert service.start() == ["crawl:alpha", "crawl:beta"]
        service.run_pending()
        assert service.wait_idle(WAIT)
        service.stop()
        clock.advance(timedelta(minutes=10))
        assert stored_job_ids(engine) == ["crawl:alpha", "crawl:beta"], restart
    # Restarts kept the schedule: both sources ran once, at T0, and are next due an hour later.
    assert sorted(crawls.starts) == [("alpha", T0), ("beta", T0)]
    assert scheduled_runs(engine) == {"crawl:alpha": T0 + HOUR, "crawl:beta": T0 + HOUR}

    # A source dropped from the configuration loses its job; a changed schedule is due at once.
    write_config(config, {"alpha": {"base_url": "http://127.0.0.1:9", "interval": "2h"}},
                 {"max_jitter": 0})
    service = scripted_service(config, engine, crawls)
    service.start()
    service.stop()
    assert stored_job_ids(engine) == ["crawl:alpha"]
    assert scheduled_runs(engine) == {"crawl:alpha": clock.now()}


def test_sources_kept_in_the_archive_get_jobs_as_they_are_added_and_disabled(
    tmp_path: Path, engine: Engine
) -> None:
    from storage.source_definitions import add_definition, definition_from_fields, set_disabled

    config = site_config(tmp_path, "http://127.0.0.1:9", sources=("alpha",))
    crawls = ScriptedCrawls(FakeClock())
    service = scripted_service(config, engine, crawls)
    assert service.start() == ["crawl:alpha"]
    with session_factory(engine)() as session:
        add_definition(session, service.file_config, "kept", definition_from_fields({
            "name": "kept", "base_url": "http://127.0.0.1:9", "allow_private": "on",
            "interval": "2h", "list_url": "/index.html", "list_items": "li",
            "list_link": "a::attr(href)"}))
        session.commit()
    service.take_up_source_changes()
    assert stored_job_ids(engine) == ["crawl:alpha", "crawl:kept"]
    with session_factory(engine)() as session:
        set_disabled(session, "kept", True)
        session.commit()
    service.take_up_source_changes()
    assert stored_job_ids(engine) == ["crawl:alpha"]
    service.stop()


def test_a_cron_source_runs_at_its_local_time(tmp_path: Path, engine: Engine) -> None:
    config = write_config(tmp_path / "regwatch.toml", {
        "weekly": {"base_url": "http://127.0.0.1:9", "cron": "30 8 * * 1",
                   "timezone": "Asia/Shanghai"},
    }, {"max_jitter": 0})
    clock = FakeClock(datetime(2024, 3, 6, 12, 0, tzinfo=UTC))  # a Wednesday
    crawls = ScriptedCrawls(clock)
    service = scripted_service(config, engine, crawls)
    service.start()
    service.run_pending()  # a new source is crawled at once
    assert service.wait_idle(WAIT)
    service.stop()
    # Monday 08:30 in Beijing is Monday 00:30 UTC.
    assert scheduled_runs(engine)["crawl:weekly"] == datetime(2024, 3, 11, 0, 30, tzinfo=UTC)
    assert [at for _, at in crawls.starts] == [clock.now()]


@pytest.mark.parametrize(("field", "days"), [
    ("*", "*"),
    ("1-5", "mon,tue,wed,thu,fri"),
    ("0", "sun"),
    ("7", "sun"),
    ("5-7", "sun,fri,sat"),
    ("*/2", "sun,tue,thu,sat"),
    ("1-5/2", "mon,wed,fri"),
    ("sat,sun", "sun,sat"),
    ("MON-wed", "mon,tue,wed"),
])
def test_crontab_weekdays_keep_their_crontab_meaning(field: str, days: str) -> None:
    assert crontab_weekdays(field) == days


@pytest.mark.parametrize("field", ["8", "5-2", "funday", "*/0"])
def test_crontab_weekdays_refuse_what_cron_would(field: str) -> None:
    with pytest.raises(ValueError):
        crontab_weekdays(field)


def test_a_weekday_crontab_skips_the_weekend() -> None:
    trigger = crontab_trigger("0 9 * * 1-5", "Asia/Shanghai", None)
    saturday = datetime(2024, 3, 9, 3, 0, tzinfo=UTC)
    fire = trigger.get_next_fire_time(None, saturday)
    assert fire.isoformat() == "2024-03-11T09:00:00+08:00"


def test_jitter_is_at_most_a_tenth_of_the_interval(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path / "regwatch.toml", {
        "often": {"base_url": "http://127.0.0.1:9", "interval": "10m"},
        "rarely": {"base_url": "http://127.0.0.1:9", "interval": "1d"},
    }))
    settings = ServiceSettings(max_jitter=300.0)
    for source_id, spread in (("often", 60.0), ("rarely", 300.0)):
        source = config.sources[source_id]
        trigger = source_trigger(source, settings, T0)
        assert source.interval is not None
        for _ in range(50):
            fire = trigger.get_next_fire_time(T0, T0)
            late = (fire - T0).total_seconds() - source.interval
            assert 0 <= late <= spread


def test_service_settings_are_read_and_checked(tmp_path: Path) -> None:
    path = write_config(tmp_path / "regwatch.toml", {}, {
        "crawl_timeout": "5m", "misfire_grace_time": "2h", "parallel_crawls": 3,
    })
    assert service_settings(load_config(path)) == ServiceSettings(
        crawl_timeout=300.0, misfire_grace_time=7200.0, parallel_crawls=3
    )
    for bad in ({"crawl_timeout": "soon"}, {"parallel_crawls": 0}, {"crawl_limit": "1h"},
                {"crawl_timeout": 0}):
        with pytest.raises(ConfigError, match="service"):
            service_settings(load_config(write_config(tmp_path / "regwatch.toml", {}, bad)))


# --- one scheduler per archive ----------------------------------------------------------------


def test_the_scheduler_lock_admits_one_holder(engine: Engine) -> None:
    first, second = scheduler_lock(engine), scheduler_lock(engine)
    first.acquire()
    try:
        assert first.still_held()
        with pytest.raises(AlreadyServingError, match=f"pid {os.getpid()}"):
            second.acquire()
        assert second.holder() is not None
    finally:
        first.release()
    assert second.holder() is None
    second.acquire()
    second.release()


@pytest.mark.postgres
def test_archives_in_other_schemas_have_their_own_lock(postgres_database: str) -> None:
    from tests.storage_fixtures import fresh_postgres_archive_url

    engines = [open_archive(fresh_postgres_archive_url(postgres_database)) for _ in range(2)]
    locks = [scheduler_lock(engine) for engine in engines]
    try:
        for lock in locks:
            lock.acquire()
    finally:
        for lock in locks:
            lock.release()
        for engine in engines:
            engine.dispose()


def regwatch(config: Path, url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "cli", "--config", str(config), "--database-url", url, *args]


def child_environment() -> dict[str, str]:
    return {**os.environ, "REGWATCH_LOG_LEVEL": "INFO"}


def run_regwatch(config: Path, url: str, *args: str, env: dict[str, str] | None = None
                 ) -> subprocess.CompletedProcess[str]:
    """Run a regwatch command to its end, in the configuration's folder."""
    return subprocess.run(regwatch(config, url, *args), cwd=config.parent, check=False,
                          env=env or child_environment(), capture_output=True, text=True,
                          timeout=WAIT * 2)


class ServeProcess:
    """`regwatch serve` in the background, its log read line by line on a thread."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        self.process = subprocess.Popen(
            command, cwd=cwd, env=child_environment(), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)
            self.lines.put(line)

    def wait_for(self, words: str) -> str:
        while True:
            try:
                line = self.lines.get(timeout=WAIT)
            except queue.Empty:
                raise AssertionError(f"no log line with {words!r}; log:\n{''.join(self.log)}")
            if words in line:
                return line

    def terminate(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=WAIT)


def test_a_second_serve_on_the_same_archive_runs_nothing(
    tmp_path: Path, archive_url: str, site: LocalSite
) -> None:
    config = site_config(tmp_path, site.base_url)
    first_run = run_regwatch(config, archive_url, "serve", "--once")
    assert first_run.returncode == 0, first_run.stderr
    serving = ServeProcess(regwatch(config, archive_url, "serve", "--port", "0"), tmp_path)
    try:
        serving.wait_for("lock held")
        requests_before = sum(site.requests.values())
        # The second service's configuration has a new source, so it would crawl at once.
        (tmp_path / "second").mkdir()
        second_config = site_config(tmp_path / "second", site.base_url, ("tiny", "other"))
        second = run_regwatch(second_config, archive_url, "serve", "--once")
        assert second.returncode == 6
        message = " ".join(second.stderr.split())  # rich wraps long lines
        assert "already driving this archive" in message
        assert f"pid {serving.process.pid} " in message
        assert sum(site.requests.values()) == requests_before
        engine = open_archive(archive_url)
        try:
            assert runs_of(engine, "other") == []
            assert "crawl:other" not in stored_job_ids(engine)
        finally:
            engine.dispose()
    finally:
        assert serving.terminate() == 0, "".join(serving.log)

    # With the first service stopped, the lock is free and the same command does its work.
    third = run_regwatch(second_config, archive_url, "serve", "--once")
    assert third.returncode == 0, third.stderr
    engine = open_archive(archive_url)
    try:
        assert [run.status for run in runs_of(engine, "other")] == ["ok"]
        assert stored_job_ids(engine) == ["crawl:other", "crawl:tiny"]
    finally:
        engine.dispose()


# --- crawl children ---------------------------------------------------------------------------


def child_service(config_path: Path, url: str, clock: FakeClock, *, time_limit: float
                  ) -> tuple[CrawlService, Engine]:
    config = load_config(config_path)
    engine = open_archive(url)
    runner = ChildCrawlRunner(config, url, session_factory(engine), time_limit=time_limit,
                              stop_grace=2.0)
    settings = replace(service_settings(config), crawl_timeout=time_limit)
    return CrawlService(config, engine, runner, clock=clock, settings=settings), engine


def test_a_hanging_crawl_is_killed_at_its_limit_and_the_next_run_proceeds(
    tmp_path: Path, site: LocalSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    clock = FakeClock()
    service, engine = child_service(site_config(tmp_path, site.base_url), url, clock,
                                    time_limit=10.0)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    site.stall.set()
    try:
        service.start()
        service.run_pending()
        assert site.requested.wait(WAIT)
        # The crawl's log has no name while it runs: a service killed now leaves no file.
        assert list(temporary.iterdir()) == []
        assert service.wait_idle(WAIT)
        assert site.requested.is_set(), "the child crawl never reached the site"
        (killed,) = service.outcomes
        assert (killed.status, killed.killed) == ("failed", True)
        assert "time limit of 10 s" in (killed.detail or "")
        (run,) = runs_of(engine, "tiny")
        assert run.status == "failed"
        assert run.finished_at is not None
        assert any("time limit" in error for error in run.errors)
        assert run.id == killed.run_id

        site.release_stalled()
        clock.advance(HOUR)
        service.run_pending()
        assert service.wait_idle(WAIT)
    finally:
        service.stop()
    assert [outcome.status for outcome in service.outcomes] == ["failed", "ok"]
    assert [run.status for run in runs_of(engine, "tiny")] == ["failed", "ok"]
    with session_factory(engine)() as session:
        assert session.scalar(select(Notice.title)) == (
            "Regulator orders 35 apps to fix personal data collection"
        )
    engine.dispose()


def crawl_then_hang(*arguments: Any) -> None:
    """A crawl child's body whose crawl ends, and sends its result, but whose process does not
    exit (as a stuck thread or exit handler would keep it)."""
    from crawler.runner import crawl_in_child

    crawl_in_child(*arguments)
    threading.Event().wait()


def test_a_crawl_child_that_finished_but_does_not_exit_is_killed_and_its_crawl_counts(
    tmp_path: Path, site: LocalSite
) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    engine = open_archive(url)
    runner = ChildCrawlRunner(load_config(site_config(tmp_path, site.base_url)), url,
                              session_factory(engine), time_limit=WAIT, stop_grace=2.0,
                              exit_grace=1.0, child_main=crawl_then_hang)
    try:
        outcome = runner.run("tiny")
    finally:
        runner.stop()
    # Not "killed after exceeding its time limit": the crawl was done and recorded.
    assert (outcome.status, outcome.killed) == ("ok", False), outcome.detail
    assert outcome.counts["new"] >= 1
    (run,) = runs_of(engine, "tiny")
    assert (run.status, run.id) == ("ok", outcome.run_id)
    engine.dispose()


def test_crawl_children_take_the_directory_and_environment_of_their_start(
    tmp_path: Path, site: LocalSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fork server the children come from is started (or was, by an earlier test) before
    # the service's directory and environment below exist: a child sees them all the same.
    monkeypatch.delenv("REGWATCH_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    engine = open_archive(url)
    runner = ChildCrawlRunner(load_config(), url, session_factory(engine), time_limit=WAIT,
                              stop_grace=2.0)
    try:
        assert runner.config.path is None  # built-in sources only, nothing to pass along
        (tmp_path / "here").mkdir()
        site_config(tmp_path / "here", site.base_url, ("tiny",))
        monkeypatch.chdir(tmp_path / "here")  # ./regwatch.toml defines "tiny"
        assert runner.run("tiny").status == "ok"
        (tmp_path / "named").mkdir()
        named = site_config(tmp_path / "named", site.base_url, ("other",))
        monkeypatch.setenv("REGWATCH_CONFIG", str(named))  # names one that defines "other"
        assert runner.run("other").status == "ok"
        assert [run.status for run in runs_of(engine, "tiny")] == ["ok"]
        assert [run.status for run in runs_of(engine, "other")] == ["ok"]
    finally:
        runner.stop()
        engine.dispose()


def test_a_crawl_child_that_cannot_start_records_a_failed_run(
    tmp_path: Path, site: LocalSite
) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    config_path = site_config(tmp_path, site.base_url)
    service, engine = child_service(config_path, url, FakeClock(), time_limit=WAIT)
    try:
        service.start()
        # Someone saves a broken configuration while the service runs: each child refuses it.
        config_path.write_text("[sources.tiny\n", encoding="utf-8")
        service.run_pending()
        assert service.wait_idle(WAIT)
    finally:
        service.stop()
    (outcome,) = service.outcomes
    assert outcome.status == "failed"
    assert "the crawl could not start" in (outcome.detail or "")
    assert "not valid TOML" in (outcome.detail or "")
    (run,) = runs_of(engine, "tiny")
    assert run.status == "failed"
    assert "not valid TOML" in run.errors[0]
    assert site.requests == Counter()
    engine.dispose()


# --- regwatch serve and regwatch status -------------------------------------------------------


def test_serve_once_crawls_what_is_due_and_status_shows_it(
    tmp_path: Path, site: LocalSite
) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    config = site_config(tmp_path, site.base_url)
    served = run_regwatch(config, url, "serve", "--once")
    assert served.returncode == 0, served.stderr
    assert "crawl:tiny ok (new 1" in served.stderr

    status = run_regwatch(config, url, "status", "--json")
    assert status.returncode == 0, status.stderr
    shown = json.loads(status.stdout)
    assert shown["service"] == {"running": False, "holder": None}
    (tiny,) = shown["sources"]
    assert tiny["last_run"]["status"] == "ok"
    assert tiny["last_run"]["counts"]["new"] == 1
    assert tiny["health"] == "ok"
    # No [[alerts]] rule is configured: nothing waits in the outbox.
    assert tiny["alerts_waiting"] == 0 and shown["warnings"] == []
    assert tiny["overruns"] == 0
    started = datetime.fromisoformat(tiny["last_run"]["started"])
    next_run = datetime.fromisoformat(tiny["next_run"])
    assert timedelta(minutes=59) < next_run - started <= HOUR

    table = run_regwatch(config, url, "status", env={**os.environ, "COLUMNS": "200"})
    assert table.returncode == 0, table.stderr
    assert "service: not running" in table.stdout
    # Not a terminal: one line per fact, whole.
    assert "\n  health: ok\n" in table.stdout
    assert "alerts waiting: 0" in table.stdout and "n/a" not in table.stdout

    # Nothing is due any more: a second run crawls nothing.
    again = run_regwatch(config, url, "serve", "--once")
    assert again.returncode == 0, again.stderr
    engine = open_archive(url)
    try:
        assert len(runs_of(engine, "tiny")) == 1
    finally:
        engine.dispose()


def test_sigterm_stops_serve_and_its_running_crawl(tmp_path: Path, site: LocalSite) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    config = site_config(tmp_path, site.base_url, stop_grace="3s")
    site.stall.set()
    serving = ServeProcess(regwatch(config, url, "serve", "--port", "0"), tmp_path)
    try:
        assert site.requested.wait(WAIT), "".join(serving.log)
        status = run_regwatch(config, url, "status", "--json")
        assert json.loads(status.stdout)["service"]["running"] is True
    finally:
        code = serving.terminate()
    assert code == 0, "".join(serving.log)
    assert any("stop requested" in line for line in serving.log)
    assert crawl_processes_for(config) == []
    engine = open_archive(url)
    try:
        (run,) = runs_of(engine, "tiny")
        assert run.status == "failed" and run.finished_at is not None
    finally:
        engine.dispose()
    lock = SqliteFileLock(tmp_path / "archive.db")
    lock.acquire()
    lock.release()


def crawl_processes_for(config: Path) -> list[int]:
    """Live processes whose command line names `config` (the service's crawl children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().split()[2]
        except OSError:
            continue
        if str(config).encode() in command and b"crawl" in command and state != "Z":
            found.append(int(entry.name))
    return found


def test_serve_refuses_a_bad_service_table(tmp_path: Path) -> None:
    config = site_config(tmp_path, "http://127.0.0.1:9", crawl_timeout="soon")
    refused = run_regwatch(config, f"sqlite:///{tmp_path / 'archive.db'}", "serve", "--once")
    assert refused.returncode == 3
    assert "service.crawl_timeout" in " ".join(refused.stderr.split())


def test_serve_also_serves_the_pages_and_api_and_refuses_an_open_address_without_token(
    tmp_path: Path, site: LocalSite
) -> None:
    import re
    import urllib.request

    url = f"sqlite:///{tmp_path / 'archive.db'}"
    config = site_config(tmp_path, site.base_url)
    serving = ServeProcess(regwatch(config, url, "serve", "--port", "0"), tmp_path)
    try:
        line = serving.wait_for("web pages and API at")
        base = re.search(r"http://[\d.]+:\d+", line)
        assert base is not None, line
        with urllib.request.urlopen(base.group(0) + "/openapi.json", timeout=WAIT) as answer:
            schema = json.loads(answer.read())
        assert answer.status == 200 and "/api/notices" in schema["paths"]
        with urllib.request.urlopen(base.group(0) + "/search?q=约谈".replace("约谈", "%E7%BA%A6%E8%B0%88"),
                                    timeout=WAIT) as answer:
            assert answer.status == 200 and b"<html" in answer.read().lower()
    finally:
        assert serving.terminate() == 0, "".join(serving.log)
    refused = run_regwatch(config, url, "serve", "--host", "0.0.0.0", "--port", "0")
    assert refused.returncode == 3 and "token" in refused.stderr


def test_a_crawl_child_dead_before_its_run_is_recorded_under_the_regulators_base_url(
    tmp_path: Path,
) -> None:
    from storage.models import Source as SourceRow

    config = load_config(None)
    mirrored = config.sources["cac-wxfb"].with_base_url("http://127.0.0.1:9/")
    config = replace(config, sources={**config.sources, "cac-wxfb": mirrored})
    url = f"sqlite:///{tmp_path / 'a.db'}"
    engine = open_archive(url)
    try:
        runner = ChildCrawlRunner(config, url, session_factory(engine), time_limit=60,
                                  stop_grace=1)
        started = datetime.now(UTC)
        run_id = runner._close_abandoned_run("cac-wxfb", started, started, "killed")
        with session_factory(engine)() as session:
            run = session.get(CrawlRun, run_id)
            row = session.get(SourceRow, "cac-wxfb")
            assert run is not None and run.status == "failed" and run.errors == ["killed"]
            assert row is not None and row.base_url == mirrored.regulator_base_url
            assert row.base_url.startswith("https://www.cac.gov.cn")
    finally:
        engine.dispose()
