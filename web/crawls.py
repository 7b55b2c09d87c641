"""Crawls asked for through the API: one child `regwatch crawl` per source at a time."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from config import Config


class UnknownCrawlSourceError(LookupError):
    """The configuration has no such source."""


class CrawlBusyError(RuntimeError):
    """A crawl of the source asked for through this process is still running."""


class CrawlUnavailableError(RuntimeError):
    """The crawl cannot be started now (a cluster's broker does not answer); try later."""


@dataclass(frozen=True)
class CrawlStart:
    source_id: str
    started_at: datetime


class CrawlTrigger(Protocol):
    """Starts a crawl of a source without waiting for it."""

    def start(self, source_id: str) -> CrawlStart: ...


class DispatchedCrawls:
    """"Check now" in a cluster's service: the crawl is handed to the broker, as a due one is,
    and runs on a `regwatch worker` (its leases and host politeness held there).

    ``dispatcher`` is the service's :class:`crawler.cluster.Dispatcher`: a source whose crawl is
    queued or running already is refused as busy.
    """

    def __init__(self, dispatcher: Any, config: Config | None, database_url: str) -> None:
        self.dispatcher = dispatcher
        self.config = config
        self.database_url = database_url

    def start(self, source_id: str) -> CrawlStart:
        from crawler.cluster import BrokerUnavailableError

        config = sources_in_force(self.config, self.database_url)
        if config is None or source_id not in config.sources:
            raise UnknownCrawlSourceError(f"no configured source {source_id!r}")
        try:
            dispatched = self.dispatcher.dispatch(source_id)
        except BrokerUnavailableError as exc:
            raise CrawlUnavailableError(
                f"the crawl of {source_id} cannot be handed to the workers now: {exc}") from exc
        if not dispatched:
            raise CrawlBusyError(f"a crawl of {source_id} is already queued or running")
        return CrawlStart(source_id, datetime.now(UTC))

    def running(self, source_id: str) -> bool:
        """Whether a crawl of the source is queued or running on a worker."""
        return self.dispatcher.dispatched_at(source_id) is not None


def sources_in_force(config: Config | None, database_url: str) -> Config | None:
    """The configuration with the sources kept in the archive (`regwatch sources add`)."""
    if config is None:
        return None
    from storage.source_definitions import with_archive_sources_at

    return with_archive_sources_at(config, database_url)


class CrawlStarter:
    """Runs each asked-for crawl with the scheduler's `ChildCrawlRunner` on its own thread.

    The child process writes the archive (the web process only reads). Outcomes are kept per
    source for `last_outcome`; the crawl itself is recorded in the archive as any other.
    """

    def __init__(self, config: Config | None, database_url: str, *, time_limit: float = 900.0):
        self.config = config
        self.database_url = database_url
        self.time_limit = time_limit
        self._threads: dict[str, threading.Thread] = {}
        self._guard = threading.Lock()
        self.outcomes: dict[str, object] = {}

    def start(self, source_id: str) -> CrawlStart:
        config = sources_in_force(self.config, self.database_url)
        if config is None or source_id not in config.sources:
            raise UnknownCrawlSourceError(f"no configured source {source_id!r}")
        with self._guard:
            running = self._threads.get(source_id)
            if running is not None and running.is_alive():
                raise CrawlBusyError(f"a crawl of {source_id} is already running")
            thread = threading.Thread(
                target=self._run, args=(source_id, config), name=f"crawl:{source_id}",
                daemon=True,
            )
            self._threads[source_id] = thread
            thread.start()
        return CrawlStart(source_id, datetime.now(UTC))

    def running(self, source_id: str) -> bool:
        """Whether a crawl of the source asked for through this process is running."""
        with self._guard:
            thread = self._threads.get(source_id)
        return thread is not None and thread.is_alive()

    def wait(self, source_id: str, timeout: float | None = None) -> bool:
        """Wait for the source's crawl to end; True when none is running any more."""
        with self._guard:
            thread = self._threads.get(source_id)
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    def _run(self, source_id: str, config: Config) -> None:
        from crawler.childrunner import ChildCrawlRunner
        from storage.db import open_archive, session_factory

        engine = open_archive(self.database_url)
        try:
            runner = ChildCrawlRunner(
                config,
                self.database_url,
                session_factory(engine),
                time_limit=self.time_limit,
                stop_grace=20.0,
            )
            self.outcomes[source_id] = runner.run(source_id)
        finally:
            engine.dispose()
