"""`regwatch worker`: takes crawls from the cluster's queue and runs them in a crawl engine.

A worker is a Dramatiq worker on the queue of ``[cluster]`` (crawler/cluster.py) with
``worker_crawls`` threads, each waiting for one crawl in the worker's crawl engine process
(:class:`~crawler.enginerunner.EngineCrawlRunner`, recycled like the service's). It holds
no more messages than it has threads (Dramatiq's prefetch would otherwise hold twice as many,
out of reach of idle workers until this one is free). A message is acknowledged once its crawl
has ended; a worker that dies, or whose connection to RabbitMQ ends, leaves its messages
unacknowledged and RabbitMQ gives them to another worker (or to this one once reconnected).

Taking a message: the crawl's dispatch must still be noted (else the crawl has ended, done by
a worker that lost its connection, and there is nothing to do); the source's crawl lease is
taken in the engine. While another process holds the lease (a dying worker's engine, or a
worker cut off from the broker whose crawl goes on) the worker waits for it, up to the crawl's
time limit, and does nothing if that crawl ends the dispatch meanwhile.

Every ``heartbeat`` seconds the worker writes its row in the archive (host, pid, started, last
seen, the sources it crawls) for `regwatch status`.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from config.cluster import ClusterSettings
from crawler.childrunner import CrawlOutcome, CrawlRunner
from crawler.cluster import ACTOR, make_broker

logger = logging.getLogger("regwatch.worker")

# How often a crawl whose source's lease another process holds looks again.
LEASE_POLL_S = 1.0
# How long past the time limit a crawl may wait for another process's crawl of its source.
LEASE_GRACE_S = 30.0


class CrawlWorker:
    """One `regwatch worker` process (see the module's description)."""

    def __init__(self, settings: ClusterSettings, sessions: sessionmaker[Session],
                 runner: CrawlRunner, *, time_limit: float, stop_grace: float,
                 after_crawl: Callable[[CrawlOutcome], None] | None = None) -> None:
        assert settings.broker_url is not None, "a worker needs a broker"
        from dramatiq import Actor, Worker
        from dramatiq.middleware import CurrentMessage

        self.settings = settings
        self.sessions = sessions
        self.runner = runner
        self.time_limit = time_limit
        self.stop_grace = stop_grace
        self.after_crawl = after_crawl
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.id = f"{self.host}:{self.pid}:{uuid.uuid4().hex[:8]}"
        self.started_at = datetime.now(UTC)
        self.crawling: dict[str, int] = {}
        self._guard = threading.Lock()
        self._stop_requested = False
        self._stopping = False
        self.broker = make_broker(settings.broker_url, "worker",
                                  middleware=[CurrentMessage()])
        Actor(self.take, broker=self.broker, actor_name=ACTOR, queue_name=settings.queue,
              priority=0, options={})
        self.worker = Worker(self.broker, queues={settings.queue},
                             worker_threads=settings.worker_crawls)
        self.worker.queue_prefetch = settings.worker_crawls

    # the actor

    def take(self, source_id: str, dispatch_id: str) -> None:
        """Run the crawl of one message; returns (and the message is acknowledged) once the
        crawl has ended or there is nothing to do."""
        from dramatiq.middleware import CurrentMessage

        from storage.cluster import dispatch_of, end_dispatch, start_dispatch

        message = CurrentMessage.get_current_message()
        again = " (delivered again)" if getattr(message, "redelivered", False) else ""
        with self.sessions() as session:
            if not start_dispatch(session, source_id, dispatch_id, self.id, datetime.now(UTC)):
                logger.info("crawl:%s: message %s%s: the crawl has ended already; nothing to do",
                            source_id, dispatch_id, again)
                return
        logger.info("crawl:%s: message %s%s taken", source_id, dispatch_id, again)
        self._crawling(source_id, +1)
        ended = False
        try:
            deadline = time.monotonic() + self.time_limit + LEASE_GRACE_S
            held_since: datetime | None = None
            while True:
                if held_since is not None and self._ended_since(source_id, held_since):
                    logger.info("crawl:%s: message %s: the crawl that held the lease has "
                                "ended; nothing to do", source_id, dispatch_id)
                    ended = True
                    return
                outcome = self.runner.run(source_id)
                if outcome.status != "skipped" or self._stopping:
                    break
                held_since = held_since or outcome.started_at
                with self.sessions() as session:
                    noted = dispatch_of(session, source_id)
                if noted is None or noted.dispatch_id != dispatch_id:
                    logger.info("crawl:%s: message %s: the crawl that held the lease has "
                                "ended it; nothing to do", source_id, dispatch_id)
                    ended = True
                    return
                if time.monotonic() > deadline:
                    logger.warning("crawl:%s: %s for longer than its time limit; given up",
                                   source_id, outcome.detail)
                    break
                time.sleep(LEASE_POLL_S)
            counts = ", ".join(f"{k} {v}" for k, v in outcome.counts.items() if v)
            log = logger.info if outcome.status == "ok" else logger.warning
            log("crawl:%s %s%s%s", source_id, outcome.status, f" ({counts})" if counts else "",
                f": {outcome.detail}" if outcome.detail else "")
            if self._stopping:
                # Stopped with the worker: the message goes back to the queue when the
                # connection closes, and the dispatch stays for the worker that takes it. The
                # run cut short is not the source's failure.
                self._interrupted(outcome)
                return
            ended = True
            if self.after_crawl is not None and outcome.status != "skipped":
                try:
                    self.after_crawl(outcome)
                except Exception:
                    logger.exception("crawl:%s: an after-crawl step failed", source_id)
        finally:
            if ended:
                with self.sessions() as session:
                    end_dispatch(session, source_id, dispatch_id)
            self._crawling(source_id, -1)

    def _interrupted(self, outcome: CrawlOutcome) -> None:
        from storage.models import CrawlRun

        if outcome.run_id is None or not outcome.killed:
            return
        with self.sessions.begin() as session:
            run = session.get(CrawlRun, outcome.run_id, with_for_update=True)
            if run is not None and run.status == "failed":
                run.status = "interrupted"
                run.errors = [*run.errors, ("interrupted: the worker stopped; the crawl runs "
                              "again on the worker that takes its message")]

    def _ended_since(self, source_id: str, since: datetime) -> bool:
        """Whether a crawl of the source ended well (ok or unhealthy) at or after ``since``: the
        crawl another process held the lease for, which did this message's work. (Its run is
        closed before its lease is given up.) One that failed or was stopped is done again."""
        from sqlalchemy import select

        from storage.models import CrawlRun

        with self.sessions() as session:
            return session.scalar(
                select(CrawlRun.id).where(
                    CrawlRun.source_id == source_id, CrawlRun.finished_at >= since,
                    CrawlRun.status.in_(("ok", "unhealthy"))).limit(1)) is not None

    def _crawling(self, source_id: str, change: int) -> None:
        with self._guard:
            count = self.crawling.get(source_id, 0) + change
            if count > 0:
                self.crawling[source_id] = count
            else:
                self.crawling.pop(source_id, None)
        self.beat()

    # the process

    def beat(self) -> None:
        """Write the worker's heartbeat row; a failure is logged, not raised."""
        from storage.cluster import beat

        with self._guard:
            crawls = list(self.crawling)
        try:
            with self.sessions() as session:
                beat(session, self.id, host=self.host, pid=self.pid,
                     started_at=self.started_at, at=datetime.now(UTC), crawls=crawls)
        except Exception as exc:  # noqa: BLE001 (the archive may be back at the next beat)
            logger.warning("could not write the worker's heartbeat: %s", exc)

    def run(self) -> None:
        """Take crawls until :meth:`request_stop`; then stop taking them, let the running
        crawls end for ``stop_grace`` seconds, and stop the rest (their messages go back to
        the queue)."""
        logger.info("worker %s taking crawls from queue %r, %d at a time", self.id,
                    self.settings.queue, self.settings.worker_crawls)
        self.beat()
        self.worker.start()
        try:
            next_beat = time.monotonic() + self.settings.heartbeat
            while not self._stop_requested:
                # A flag, looked at twice a second: a signal handler may not take a lock.
                time.sleep(0.5)
                if time.monotonic() >= next_beat:
                    self.beat()
                    next_beat = time.monotonic() + self.settings.heartbeat
        finally:
            self._stopping = True
            stopper = threading.Thread(target=self.worker.stop,
                                       kwargs={"timeout": int(self.stop_grace * 1000)},
                                       name="stop the Dramatiq worker", daemon=True)
            stopper.start()
            # Dramatiq waits stop_grace for the running crawls, then closes the connection,
            # which puts the messages of those still running back in the queue; only then are
            # their crawls stopped (an acknowledgement sent before would lose them).
            stopper.join(2 * self.stop_grace + 10)
            self.runner.stop()
            # The stopped crawls' threads record their runs as interrupted before the end.
            deadline = time.monotonic() + 10
            while self.crawling and time.monotonic() < deadline:
                time.sleep(0.05)
            self.broker.close()
            from storage.cluster import remove_worker

            try:
                with self.sessions() as session:
                    remove_worker(session, self.id)
            except Exception as exc:  # noqa: BLE001
                logger.warning("could not remove the worker's heartbeat row: %s", exc)
            logger.info("worker %s stopped", self.id)

    def request_stop(self) -> None:
        """Ask :meth:`run` to return; safe from a signal handler."""
        self._stop_requested = True
