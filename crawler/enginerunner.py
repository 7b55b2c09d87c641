"""The service's crawls in a long-lived crawl engine process instead of a process per crawl.

:class:`EngineCrawlRunner` is a :class:`~crawler.childrunner.CrawlRunner`: `regwatch serve`
hands it each due crawl and gets the crawl's :class:`~crawler.childrunner.CrawlOutcome`. The
crawls run in one engine process (:mod:`crawler.engine`), forked from the same warm fork server
as the crawl children, which takes each source's crawl lease, runs the crawl with its
`crawl_timeout` (cut off there, recorded as failed) and answers with its result.

An engine is recycled: after ``max_crawls`` crawls, or once it has grown past ``max_memory``
bytes, it takes no more, finishes what it runs and exits, and the next crawl starts a new one.
An engine that stops answering (a crawl stuck in a loop that keeps its reactor from running)
is killed ``HANG_GRACE_S`` after a crawl's time limit; its running crawls are recorded as
failed, and the next crawl starts a new engine.
"""

from __future__ import annotations

import contextlib
import logging
import os
import resource
import signal
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from config import Config
from crawler.childrunner import (
    ChildCrawlRunner,
    CrawlOutcome,
    _die_with_fork_server,
    _die_with_reader,
    _signal_child,
    outcome_of,
)

logger = logging.getLogger("regwatch.scheduler")

# Crawls an engine runs before it is replaced, and the memory past which it is replaced.
ENGINE_MAX_CRAWLS = 500
ENGINE_MAX_MEMORY = 1 << 30
# How long past a crawl's time limit its engine may stay silent before it is killed as hung.
HANG_GRACE_S = 30.0


class _Engine:
    """The service's side of one engine process."""

    def __init__(self, process: Any, commands: Any, results: Any) -> None:
        self.process = process
        self.commands = commands
        self.results = results
        self.started = 0
        # Crawls handed out and not yet sent: "stop" goes after the last of them.
        self.unsent = 0
        self.retiring = False
        self.stop_sent = False
        self.waiting: dict[str, tuple[threading.Event, list[dict[str, Any]]]] = {}
        self.send_lock = threading.Lock()


class EngineCrawlRunner(ChildCrawlRunner):
    """Runs each crawl in a shared crawl engine process (see the module's description)."""

    def __init__(
        self,
        config: Config,
        database_url: str,
        sessions: sessionmaker[Session],
        *,
        time_limit: float,
        stop_grace: float,
        max_crawls: int = ENGINE_MAX_CRAWLS,
        max_memory: int = ENGINE_MAX_MEMORY,
        host_leases: bool = False,
    ) -> None:
        super().__init__(config, database_url, sessions, time_limit=time_limit,
                         stop_grace=stop_grace)
        self.max_crawls = max_crawls
        self.max_memory = max_memory
        # A cluster's worker: one request at a time per host across every worker too.
        self.host_leases = host_leases
        self._engine: _Engine | None = None
        self._engines: list[_Engine] = []

    def _current(self) -> _Engine:
        with self._guard:
            engine = self._engine
            if engine is None or engine.retiring or not engine.process.is_alive():
                engine = self._start_engine()
                self._engine = engine
            engine.started += 1
            engine.unsent += 1
            if engine.started >= self.max_crawls:
                engine.retiring = True
            return engine

    def _start_engine(self) -> _Engine:
        config_path = str(self.config.path.resolve()) if self.config.path else None
        commands_r, commands_w = self._context.Pipe(duplex=False)
        results_r, results_w = self._context.Pipe(duplex=False)
        process = self._context.Process(
            target=engine_main, name="regwatch crawl engine",
            args=(config_path, self.database_url, dict(os.environ), os.getcwd(), commands_r,
                  results_w, self.max_memory, self.host_leases))
        process.start()
        commands_r.close()
        results_w.close()
        engine = _Engine(process, commands_w, results_r)
        self._engines.append(engine)
        threading.Thread(target=self._receive, args=(engine,), name="crawl engine results",
                         daemon=True).start()
        logger.info("crawl engine process %d started", process.pid)
        return engine

    def _retire(self, engine: _Engine) -> None:
        """No more crawls for ``engine``: it ends once its running crawls have (it is told so
        once the crawls handed to it are sent)."""
        engine.retiring = True
        with engine.send_lock:
            if engine.unsent == 0 and not engine.stop_sent:
                engine.stop_sent = True
                with contextlib.suppress(OSError, ValueError):
                    engine.commands.send(("stop",))

    def _receive(self, engine: _Engine) -> None:
        while True:
            try:
                message = engine.results.recv()
            except (EOFError, OSError):
                break
            if message[0] == "retire":
                with self._guard:
                    self._retire(engine)
                continue
            _, source_id, result = message
            with self._guard:
                waiting = engine.waiting.pop(source_id, None)
            if waiting is not None:
                waiting[1].append(result)
                waiting[0].set()
        engine.process.join(5)
        with self._guard:
            orphans = list(engine.waiting.values())
            engine.waiting.clear()
            if self._engine is engine:
                self._engine = None
        for event, _ in orphans:
            event.set()

    def run(self, source_id: str) -> CrawlOutcome:
        started = datetime.now(UTC)
        if self._stopping:
            return self._give_up(source_id, started, "not started: the service is stopping")
        engine = self._current()
        done = threading.Event()
        answer: list[dict[str, Any]] = []
        with self._guard:
            engine.waiting[source_id] = (done, answer)
        with engine.send_lock:
            engine.unsent -= 1
            try:
                engine.commands.send(("crawl", source_id, self.time_limit))
            except (OSError, ValueError):
                done.set()
        if engine.retiring:
            self._retire(engine)
        if not done.wait(self.time_limit + HANG_GRACE_S):
            logger.error("crawl:%s: its crawl engine (process %s) did not answer %g s after "
                         "the time limit; killed", source_id, engine.process.pid, HANG_GRACE_S)
            self._kill(engine)
            done.wait(10)
        finished = datetime.now(UTC)
        if answer and "error" not in answer[0]:
            return outcome_of(source_id, started, finished, answer[0], logger)
        if answer:
            reason = f"the crawl could not start: {answer[0]['error']}"
        elif self._stopping:
            reason = "stopped with the service"
        else:
            reason = f"crawl engine process {_exit(engine.process.exitcode)}"
        run_id = self._close_abandoned_run(source_id, started, finished, reason)
        return CrawlOutcome(source_id, "failed", started, finished, run_id=run_id,
                            detail=reason, killed=True)

    def _kill(self, engine: _Engine) -> None:
        _signal_child(engine.process, signal.SIGKILL)
        engine.process.join(10)

    def stop(self) -> None:
        with self._guard:
            self._stopping = True
            engines = list(self._engines)
        for engine in engines:
            if engine.process.is_alive():
                _signal_child(engine.process, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_grace
        for engine in engines:
            engine.process.join(max(0.0, deadline - time.monotonic()))
            if engine.process.is_alive():
                self._kill(engine)


def _exit(code: int | None) -> str:
    if code is None:
        return "is not answering"
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"died of {signal.Signals(-code).name}"
    return f"exited with status {code}"


def engine_main(config_path: str | None, database_url: str, environment: Mapping[str, str],
                working_directory: str, commands: Any, results: Any, max_memory: int,
                host_leases: bool = False) -> None:
    """The engine process: crawls what ``commands`` asks, answers on ``results``."""
    os.setsid()
    _die_with_fork_server()
    os.environ.clear()
    os.environ.update(environment)
    os.chdir(working_directory)
    from scrapy import signals as scrapy_signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future

    from config import load_config
    from crawler.engine import CrawlEngine
    from crawler.runner import crawl_settings
    from storage.lock import crawl_lease
    from storage.source_definitions import with_archive_sources, with_archive_sources_at

    # The sources kept in the archive are read again for each crawl (a crawl child reads
    # them when it starts): the service takes up their changes while the engine lives on.
    file_config = load_config(config_path)
    config = file_config
    # Built while this process has one thread, so its archive writer is a fork (a thread
    # running would make it a new interpreter, a second of imports).
    settings = crawl_settings(config, database_url=database_url)
    if host_leases:
        settings.set("REGWATCH_HOST_LEASES", True, priority="cmdline")
    engine = CrawlEngine(config, settings)
    _die_with_reader(results)
    process = CrawlerProcess(engine.settings)
    send_lock = threading.Lock()

    def with_archive_sources_now() -> Config:
        if engine.archive is None:
            return with_archive_sources_at(file_config, database_url)
        with Session(engine.archive) as session:
            return with_archive_sources(file_config, session)

    def answer(message: tuple[Any, ...]) -> None:
        with send_lock, contextlib.suppress(OSError, ValueError):
            results.send(message)

    async def crawl(source_id: str, time_limit: float) -> None:
        try:
            lease = crawl_lease(database_url, source_id)
            holder = lease.try_acquire()
        except Exception as exc:  # noqa: BLE001 (the crawl's failure, told to the service)
            answer(("result", source_id, {"error": f"cannot take the source's crawl lease: "
                                                   f"{exc}"}))
            return
        if holder is not None:
            answer(("result", source_id, {"skipped": holder}))
            return
        try:
            _interrupt_stale_runs(engine, source_id)
            engine.config = with_archive_sources_now()
            _trust_hosts_of(engine.config)
            result = await maybe_deferred_to_future(engine.crawl(source_id, time_limit))
        except Exception as exc:  # noqa: BLE001
            result = {"error": f"{type(exc).__name__}: {exc}"}
        finally:
            lease.release()
        answer(("result", source_id, result))
        if resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 > max_memory:
            answer(("retire",))

    def take(message: tuple[Any, ...]) -> None:
        if message[0] == "crawl":
            deferred_from_coro(crawl(message[1], message[2]))
        elif message[0] == "stop" and not engine.closing:
            deferred_from_coro(engine.close())

    def read_commands() -> None:
        from twisted.internet import reactor

        while True:
            try:
                message = commands.recv()
            except (EOFError, OSError):
                message = ("stop",)
            reactor.callFromThread(take, message)  # type: ignore[attr-defined]
            if message[0] == "stop":
                return

    def begin() -> None:
        threading.Thread(target=read_commands, name="crawl engine commands",
                         daemon=True).start()

    engine.crawler.signals.connect(begin, signal=scrapy_signals.engine_started, weak=False)
    process.crawl(engine.crawler)
    process.start(install_signal_handlers=False)
    engine._close_writer()
    results.close()


def _interrupt_stale_runs(engine: Any, source_id: str) -> None:
    """With the source's lease taken, a run of it still "running" is one whose process died
    (a worker killed with its engine): it is closed as interrupted, since it runs again now."""
    if engine.archive is None:
        return
    from storage.archive import interrupt_stale_runs

    with Session(engine.archive) as session, session.begin():
        closed = interrupt_stale_runs(
            session, source_id, finished_at=datetime.now(UTC),
            reason="interrupted: the process running the crawl died; it ran again")
    for run_id in closed:
        logger.warning("crawl:%s: run %d was left running by a process that died; recorded as "
                       "interrupted", source_id, run_id)


def _trust_hosts_of(config: Config) -> None:
    """Let the crawl's DNS resolver answer the configured base URLs' hosts (loopback or private
    ones included) for sources added since the engine started, as a crawl child's resolver
    does for the sources it was started with."""
    from twisted.internet import reactor

    from crawler.egress import GatedResolver, config_trusted_hosts

    resolver = getattr(reactor, "nameResolver", None)
    if isinstance(resolver, GatedResolver):
        resolver.trusted_hosts = resolver.trusted_hosts | config_trusted_hosts(config)
