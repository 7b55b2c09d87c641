"""Crawls spread over workers: `regwatch serve` dispatches through the real RabbitMQ, `regwatch
worker`s crawl the loopback sites of benchmarks/manysites.py into a real PostgreSQL archive.

Each test has a queue of its own (and an archive schema of its own), so tests never see each
other's messages (tests.broker_fixtures). Without RabbitMQ the tests are skipped with the
reason; with ``CI`` or ``REGWATCH_REQUIRE_RABBITMQ`` set they fail instead.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from benchmarks.manysites import RunningSites, request_log, write_config
from config import load_config
from config.cluster import cluster_settings
from crawler.cluster import Dispatcher, queue_counts
from scheduler import DISPATCH_RETRY_S, JOB_PREFIX, CrawlService, service_settings
from storage.db import open_archive, session_factory
from storage.models import (
    AlertOutbox,
    ChangeEvent,
    ClusterWorker,
    CrawlDispatch,
    CrawlRun,
    Notice,
    NoticeVersion,
    SchedulerOverrun,
)
from tests.test_engine import overlaps

pytestmark = pytest.mark.postgres

REPO_ROOT = Path(__file__).resolve().parent.parent


def dead_letters(broker_url: str, queue: str) -> int:
    return queue_counts(broker_url, f"{queue}.XQ")[0]


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    """``condition()``'s first true value, looked at every 0.2 s (the workers are other
    processes: there is nothing to be told by); fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


def regwatch(config: Path, database_url: str, broker_url: str | None, *args: str,
             timeout: float = 120) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    environment.pop("REGWATCH_BROKER_URL", None)
    if broker_url:
        environment["REGWATCH_BROKER_URL"] = broker_url
    return subprocess.run(
        [sys.executable, "-m", "cli", "--config", str(config), "--database-url", database_url,
         *args], capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT, check=False,
        env=environment)


class Worker:
    """A `regwatch worker` process, its log in a file."""

    def __init__(self, config: Path, database_url: str, broker_url: str, log: Path) -> None:
        self.log_path = log
        self.log_file = open(log, "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cli", "--config", str(config), "--database-url",
             database_url, "worker"],
            cwd=REPO_ROOT, stdout=self.log_file, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "REGWATCH_BROKER_URL": broker_url,
                 "REGWATCH_LOG_LEVEL": "INFO"})

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()


class Workers:
    """Some workers for a ``with`` block, all stopped at its end."""

    def __init__(self, count: int, config: Path, database_url: str, broker_url: str,
                 directory: Path) -> None:
        self.workers = [Worker(config, database_url, broker_url, directory / f"worker{n}.log")
                        for n in range(count)]

    def __enter__(self) -> list[Worker]:
        return self.workers

    def __exit__(self, *exc: object) -> None:
        for worker in self.workers:
            worker.stop()


def cluster_config(tmp_path: Path, sources: int, hosts: int, port: int, queue: str, *,
                   delay: float = 0.0, worker_crawls: int = 1) -> Path:
    return write_config(tmp_path, sources, hosts, port, delay=delay, extra=(
        'crawl_timeout = "90s"\nstop_grace = "5s"\n\n'
        f'[cluster]\nqueue = "{queue}"\nheartbeat = "1s"\nworker_crawls = {worker_crawls}\n'))


def count(engine: Engine, statement: Any) -> int:
    with session_factory(engine)() as session:
        return int(session.scalar(statement) or 0)


def runs_of(engine: Engine, source_id: str) -> list[CrawlRun]:
    with session_factory(engine)() as session:
        return list(session.scalars(select(CrawlRun).where(CrawlRun.source_id == source_id)
                                    .order_by(CrawlRun.id)))


def worker_crawling(engine: Engine, source_id: str) -> ClusterWorker | None:
    with session_factory(engine)() as session:
        for row in session.scalars(select(ClusterWorker)):
            if source_id in row.crawls:
                return row
    return None


def no_dispatch_left(engine: Engine) -> bool:
    return count(engine, select(func.count()).select_from(CrawlDispatch)) == 0


def test_a_worker_killed_mid_crawl_has_its_crawl_finished_by_another_with_nothing_twice(
        tmp_path: Path, postgres_archive_url: str, broker_url: str, queue: str) -> None:
    database_url = postgres_archive_url
    log = tmp_path / "requests.log"
    with RunningSites(1, answer_after=0.6, log_path=log) as sites:
        config = cluster_config(tmp_path, 1, 1, sites.port, queue)
        text = config.read_text(encoding="utf-8")
        config.write_text(text + '\n[[alerts]]\nname = "desk"\nnotify = ["json://127.0.0.1:9/x"]'
                          '\non = ["notice_new"]\n', encoding="utf-8")
        # The source's first crawl, on this machine: its five notices are the baseline.
        baseline = regwatch(config, database_url, None, "crawl", "src0")
        assert baseline.returncode == 0, baseline.stderr[-3000:]
        # Then the site publishes five more (the source's list now shows another page).
        config.write_text(config.read_text(encoding="utf-8").replace(
            'url = "/s0/index.htm"', 'url = "/s1/index.htm"'), encoding="utf-8")
        engine = open_archive(database_url)
        with Workers(2, config, database_url, broker_url, tmp_path) as workers:
            served = regwatch(config, database_url, broker_url, "serve", "--once")
            assert served.returncode == 0, served.stderr[-3000:]
            assert "crawl:src0 dispatched" in served.stderr
            new_notices = select(func.count()).select_from(Notice).where(
                Notice.url.contains("/s1/"))
            wait_for(lambda: count(engine, new_notices) >= 2, 60,
                     "the crawl to archive two of the new notices")
            crawling = worker_crawling(engine, "src0")
            assert crawling is not None
            [killed] = [w for w in workers if w.pid == crawling.pid]
            [other] = [w for w in workers if w is not killed]
            killed.process.send_signal(signal.SIGKILL)
            killed.process.wait(10)
            archived_at_kill = count(engine, new_notices)
            wait_for(lambda: no_dispatch_left(engine), 90,
                     "the other worker to finish the crawl")
            other_log = other.log()
        # With the workers gone, a message not acknowledged would be back in the queue.
        assert queue_counts(broker_url, queue)[0] == 0
        assert dead_letters(broker_url, queue) == 0
        runs = runs_of(engine, "src0")
        with session_factory(engine)() as session:
            versions = Counter(session.scalars(select(NoticeVersion.notice_id)))
            events = list(session.execute(select(ChangeEvent.kind, ChangeEvent.notice_id)))
            outbox = list(session.scalars(select(AlertOutbox.event_id)))
        requests = request_log(log)
    assert archived_at_kill < 5, "the kill landed after the crawl had archived everything"
    assert "crawl:src0: message" in other_log and "(delivered again)" in other_log, other_log
    assert [run.status for run in runs] == ["ok", "interrupted", "ok"], [
        (run.status, run.errors) for run in runs]
    assert runs[1].finished_at is not None and "interrupted" in " ".join(runs[1].errors)
    assert runs[2].new_count == 5 - archived_at_kill
    assert runs[2].unchanged_count + runs[2].new_count == 5
    # Ten notices, one version each, one "new" event each (the baseline's too); one alert for
    # each notice new after the baseline.
    assert len(versions) == 10 and set(versions.values()) == {1}
    new_events = [notice for kind, notice in events if kind == "notice_new"]
    assert len(new_events) == 10 and len(set(new_events)) == 10, events
    assert not [kind for kind, _ in events if kind == "notice_changed"]
    assert len(outbox) == 5 and len(set(outbox)) == 5
    # The killed crawl's notices were fetched twice at most (once by each worker), the others
    # once after the baseline.
    fetched = Counter(entry["path"] for entry in requests if entry["path"].startswith("/s1/"))
    assert set(fetched) == {"/s1/index.htm", *(f"/s1/{k}.htm" for k in range(5))}
    engine.dispose()


def test_a_worker_stopped_mid_crawl_hands_its_crawl_back_and_records_it_interrupted(
        tmp_path: Path, postgres_archive_url: str, broker_url: str, queue: str) -> None:
    database_url = postgres_archive_url
    with RunningSites(1, answer_after=1.0) as sites:
        config = cluster_config(tmp_path, 1, 1, sites.port, queue)
        config.write_text(config.read_text(encoding="utf-8").replace(
            'stop_grace = "5s"', 'stop_grace = "1s"'), encoding="utf-8")
        engine = open_archive(database_url)
        with Workers(2, config, database_url, broker_url, tmp_path) as workers:
            served = regwatch(config, database_url, broker_url, "serve", "--once")
            assert served.returncode == 0, served.stderr[-3000:]
            wait_for(lambda: count(engine, select(func.count()).select_from(Notice)) >= 1, 60,
                     "the crawl to archive a notice")
            crawling = worker_crawling(engine, "src0")
            assert crawling is not None
            [stopped] = [w for w in workers if w.pid == crawling.pid]
            stopped.process.send_signal(signal.SIGTERM)
            assert stopped.process.wait(40) == 0
            with session_factory(engine)() as session:
                assert stopped.pid not in session.scalars(select(ClusterWorker.pid)).all()
            wait_for(lambda: no_dispatch_left(engine), 90, "the other worker to do the crawl")
        assert queue_counts(broker_url, queue)[0] == 0
        assert dead_letters(broker_url, queue) == 0
    runs = runs_of(engine, "src0")
    assert [run.status for run in runs] == ["interrupted", "ok"], [
        (run.status, run.errors) for run in runs]
    assert "the worker stopped" in " ".join(runs[0].errors)
    # What the stopped crawl archived is unchanged the second time.
    assert runs[1].new_count + runs[1].unchanged_count == 5 and runs[1].unchanged_count >= 1
    assert count(engine, select(func.count()).select_from(NoticeVersion)) == 5
    engine.dispose()


def test_sources_on_shared_hosts_are_never_requested_at_once_across_workers(
        tmp_path: Path, postgres_archive_url: str, broker_url: str, queue: str) -> None:
    database_url = postgres_archive_url
    log = tmp_path / "requests.log"
    sources, hosts, delay = 8, 2, 0.3
    with RunningSites(hosts, answer_after=0.05, log_path=log) as sites:
        config = cluster_config(tmp_path, sources, hosts, sites.port, queue, delay=delay,
                                worker_crawls=4)
        engine = open_archive(database_url)
        with Workers(2, config, database_url, broker_url, tmp_path) as workers:
            wait_for(lambda: count(engine, select(func.count()).select_from(ClusterWorker)) == 2,
                     60, "both workers' heartbeats")
            # The service as it runs for good: it dispatches, the workers crawl.
            with open(tmp_path / "serve.log", "w") as serve_log:
                service = subprocess.Popen(
                    [sys.executable, "-m", "cli", "--config", str(config), "--database-url",
                     database_url, "serve", "--no-web"], cwd=REPO_ROOT, stdout=serve_log,
                    stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(REPO_ROOT),
                                                   "REGWATCH_BROKER_URL": broker_url})
                try:
                    finished = select(func.count()).select_from(CrawlRun).where(
                        CrawlRun.status == "ok")
                    wait_for(lambda: count(engine, finished) == sources
                             and no_dispatch_left(engine), 120, "every crawl to end")
                    status = regwatch(config, database_url, broker_url, "status", "--json")
                    lines = regwatch(config, database_url, broker_url, "status")
                finally:
                    service.send_signal(signal.SIGTERM)
                    stopped = service.wait(60)
            logs = [worker.log() for worker in workers]
        entries = request_log(log)
    served = (tmp_path / "serve.log").read_text()
    assert stopped == 0, served[-3000:]
    assert served.count(" dispatched (due ") == sources, served[-3000:]
    assert "dispatched to queue" in served and "Traceback" not in served
    shown_lines = " ".join(lines.stdout.split())
    assert "0 messages waiting, 2 consumers" in shown_lines and "workers: 2" in shown_lines
    assert shown_lines.count("crawling nothing") == 2, lines.stdout
    shown = json.loads(status.stdout)["cluster"]
    assert len(shown["workers"]) == 2 and shown["messages_waiting"] == 0
    assert shown["consumers"] == 2 and shown["dispatched"] == {"queued": 0, "running": 0}
    runs = {source: runs_of(engine, source) for source in (f"src{n}" for n in range(sources))}
    assert {source: [run.status for run in found] for source, found in runs.items()} == {
        f"src{n}": ["ok"] for n in range(sources)}
    assert count(engine, select(func.count()).select_from(Notice)) == sources * 5
    # Both workers crawled; never two requests to one host at once, nor closer than the delay
    # (less a little for the server's clock).
    for worker_log in logs:
        assert " ok (new 5" in worker_log, worker_log[-3000:]
    assert len(entries) == sources * 6 + hosts
    assert overlaps(entries, gap=delay * 0.9) == []
    engine.dispose()


def rabbitmq_connections(pids: list[int]) -> dict[int, list[str]]:
    """The RabbitMQ connections (their Erlang pids) of the worker processes ``pids``, found by
    the name a worker gives its connections."""
    listed = subprocess.run(
        ["rabbitmqctl", "-q", "list_connections", "pid", "client_properties"],
        capture_output=True, text=True, timeout=60, check=True)
    found: dict[int, list[str]] = {pid: [] for pid in pids}
    for line in listed.stdout.splitlines():
        for pid in pids:
            if f"regwatch worker pid {pid} " in line:
                found[pid].append(line.split("\t", 1)[0])
    return found


def test_a_worker_cut_off_from_the_broker_has_its_crawl_delivered_again_and_done_once(
        tmp_path: Path, postgres_archive_url: str, broker_url: str, queue: str) -> None:
    if subprocess.run(["which", "rabbitmqctl"], capture_output=True, check=False).returncode:
        pytest.skip("rabbitmqctl is not installed here: cannot close a worker's connection")
    database_url = postgres_archive_url
    with RunningSites(1, answer_after=1.5) as sites:
        config = cluster_config(tmp_path, 1, 1, sites.port, queue)
        engine = open_archive(database_url)
        with Workers(2, config, database_url, broker_url, tmp_path) as workers:
            # Each worker's connections, named before the crawl (rabbitmqctl takes seconds).
            pids = [worker.pid for worker in workers]
            connections = wait_for(
                lambda: (found := rabbitmq_connections(pids)) and all(found.values()) and found,
                60, "both workers' RabbitMQ connections")
            served = regwatch(config, database_url, broker_url, "serve", "--once")
            assert served.returncode == 0, served.stderr[-3000:]
            crawling = wait_for(lambda: worker_crawling(engine, "src0"), 60,
                                "a worker to take the crawl")
            for connection in connections[crawling.pid]:
                subprocess.run(["rabbitmqctl", "-q", "close_connection", connection,
                                "regwatch test: worker cut off"], check=True, timeout=60,
                               capture_output=True)
            assert runs_of(engine, "src0")[-1:] == [] or runs_of(engine, "src0")[-1].status \
                == "running", "the crawl ended before its worker was cut off"
            wait_for(lambda: "(delivered again)" in "".join(w.log() for w in workers), 60,
                     "the message to be delivered again")
            wait_for(lambda: no_dispatch_left(engine), 90, "the crawl to end")
            # The message delivered again is acknowledged without a second crawl.
            wait_for(lambda: "nothing to do" in "".join(w.log() for w in workers), 60,
                     "the worker holding the message again to see the crawl done")
        # With the workers gone, a message not acknowledged would be back in the queue.
        assert queue_counts(broker_url, queue)[0] == 0
        assert dead_letters(broker_url, queue) == 0
    runs = runs_of(engine, "src0")
    assert [run.status for run in runs] == ["ok"], [(run.status, run.errors) for run in runs]
    assert runs[0].new_count == 5
    assert count(engine, select(func.count()).select_from(NoticeVersion)) == 5
    engine.dispose()


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.value = now

    def now(self) -> datetime:
        return self.value


def test_a_broker_that_is_down_leaves_the_crawl_due_and_a_queued_crawl_is_not_sent_again(
        tmp_path: Path, postgres_archive_url: str, broker_url: str, queue: str,
        caplog: pytest.LogCaptureFixture) -> None:
    config = load_config(cluster_config(tmp_path, 1, 1, 9, queue))
    engine = open_archive(postgres_archive_url)
    clock = FixedClock(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    down = cluster_settings(config, {"REGWATCH_BROKER_URL": "amqp://guest:guest@127.0.0.1:1/"})
    service = CrawlService(config, engine, None, clock=clock, settings=service_settings(config),
                           dispatcher=Dispatcher(down, session_factory(engine)))
    service.start()
    try:
        with caplog.at_level(logging.INFO, logger="regwatch.scheduler"):
            for _ in range(3):
                service.run_pending()
                clock.value += timedelta(seconds=DISPATCH_RETRY_S)
        warnings = [r for r in caplog.records if "cannot hand crawls to the broker" in r.message]
        assert len(warnings) == 1
        assert no_dispatch_left(engine)
        job = service.scheduler.get_job(JOB_PREFIX + "src0")
        assert job.next_run_time == clock.value  # still due, tried again every 15 s
        # The broker answers again: the crawl is sent, once.
        service.dispatcher = service.executor.dispatcher = Dispatcher(
            cluster_settings(config, {"REGWATCH_BROKER_URL": broker_url}),
            session_factory(engine))
        service.run_pending()
        assert queue_counts(broker_url, queue)[0] == 1
        assert not no_dispatch_left(engine)
        # Due again an hour later while its crawl is still queued: an overrun, not a message.
        clock.value += timedelta(hours=1, seconds=1)
        service.run_pending()
        assert queue_counts(broker_url, queue)[0] == 1
        assert count(engine, select(func.count()).select_from(SchedulerOverrun)) == 1
    finally:
        service.stop()
        engine.dispose()


def test_serve_and_worker_with_a_broker_refuse_a_sqlite_archive_and_worker_needs_a_broker(
        tmp_path: Path) -> None:
    config = write_config(tmp_path, 1, 1, 9)
    sqlite_url = f"sqlite:///{tmp_path / 'archive.db'}"
    for command in (("serve", "--once"), ("worker",)):
        refused = regwatch(config, sqlite_url, "amqp://guest:guest@127.0.0.1:5672/", *command)
        assert refused.returncode == 3, refused.stderr
        assert "needs the archive in PostgreSQL" in " ".join(refused.stderr.split())
        assert not (tmp_path / "archive.db").exists()
    lonely = regwatch(config, "postgresql+psycopg://postgres@127.0.0.1:1/none", None, "worker")
    assert lonely.returncode == 3
    assert "takes its crawls from a broker" in " ".join(lonely.stderr.split())


def test_check_now_in_a_cluster_hands_the_crawl_to_the_workers(
        tmp_path: Path, postgres_archive_url: str, broker_url: str, queue: str) -> None:
    from fastapi.testclient import TestClient

    from web.app import create_app
    from web.crawls import DispatchedCrawls
    from web.settings import WebSettings

    token = "cluster-check-now-token-0123456789"
    config = load_config(cluster_config(tmp_path, 2, 1, 9, queue))
    engine = open_archive(postgres_archive_url)
    dispatcher = Dispatcher(cluster_settings(config, {"REGWATCH_BROKER_URL": broker_url}),
                            session_factory(engine))
    down = Dispatcher(cluster_settings(config, {
        "REGWATCH_BROKER_URL": "amqp://guest:guest@127.0.0.1:1/"}), session_factory(engine))
    headers = {"Authorization": f"Bearer {token}"}
    try:
        app = create_app(postgres_archive_url, config, settings=WebSettings(token=token),
                         crawl_trigger=DispatchedCrawls(dispatcher, config, postgres_archive_url))
        with TestClient(app) as client:
            assert client.post("/api/sources/src0/crawl", headers=headers).status_code == 202
            # Queued for a worker, not crawled here: a message and a dispatch, no crawl run.
            assert queue_counts(broker_url, queue)[0] == 1
            assert not no_dispatch_left(engine)
            assert count(engine, select(func.count()).select_from(CrawlRun)) == 0
            again = client.post("/api/sources/src0/crawl", headers=headers)
            assert again.status_code == 409 and "queued or running" in again.json()["detail"]
            page = client.post("/sources/src0/crawl", data={"token": token})
            assert page.status_code == 409
            assert client.post("/api/sources/nosuch/crawl", headers=headers).status_code == 404
        app = create_app(postgres_archive_url, config, settings=WebSettings(token=token),
                         crawl_trigger=DispatchedCrawls(down, config, postgres_archive_url))
        with TestClient(app) as client:
            refused = client.post("/api/sources/src1/crawl", headers=headers)
            assert refused.status_code == 503
            assert "cannot be handed to the workers" in refused.json()["detail"]
        assert queue_counts(broker_url, queue)[0] == 1
    finally:
        dispatcher.close()
        down.close()
        engine.dispose()
