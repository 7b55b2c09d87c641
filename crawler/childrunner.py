"""Running one crawl of a source in a child process of its own, under a time limit.

The service (`regwatch serve`) and the web API's "crawl now" both crawl through
:class:`ChildCrawlRunner`; :class:`CrawlOutcome` is how each crawl ended.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import multiprocessing.forkserver
import multiprocessing.process
import os
import select
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, Literal, Protocol

from sqlalchemy.orm import Session, sessionmaker

from config import Config
from storage import archive

# The service's logger: what a crawl child did is part of the service's story.
logger = logging.getLogger("regwatch.scheduler")

CHILD_OUTPUT_LIMIT = 64 * 1024
# How long a crawl child that has sent its result may take to exit before it is killed.
CHILD_EXIT_GRACE_S = 30.0

CrawlStatus = Literal["ok", "unhealthy", "failed", "skipped"]
# prctl(2): the signal a process gets when the thread that forked it ends.
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class CrawlOutcome:
    """How one scheduled crawl of a source ended.

    `status` is the crawl's own (ok, unhealthy, failed); a crawl killed at its time limit, or
    whose process crashed or was stopped with the service, is "failed" with `detail` saying why.
    A crawl that did not start because another process holds the source's lease (a crawl of
    it is still running, such as one an earlier service started) is "skipped", `detail` naming
    the holder.
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
    one that misbehaves); :func:`run_child` runs it after tying the child's life to the
    service's and taking the source's lease (:func:`storage.lock.crawl_lease`).
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
                    target=run_child,
                    name=f"regwatch crawl {source_id}",
                    args=(self.child_main or crawl_in_child, source_id, config_path,
                          self.database_url, dict(os.environ), os.getcwd(), log_path, sender),
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
            return outcome_of(source_id, started, finished, result, logger, output_tail)

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
            # Imported here: the crawl's record pulls in Scrapy, which the service does not load.
            from crawler.runrecord import record_source

            record_source(session, source)
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


def outcome_of(source_id: str, started: datetime, finished: datetime, result: dict[str, Any],
               log: logging.Logger, output_tail: str = "") -> CrawlOutcome:
    """The outcome of a crawl from the result its process sent (`crawl_sources`' result for
    the source, ``{"skipped": holder}``, ``{"error": reason}``)."""
    if "skipped" in result:
        return CrawlOutcome(source_id, "skipped", started, finished,
                            detail=f"its lease is held by {result['skipped']}")
    if "error" in result:
        return CrawlOutcome(source_id, "failed", started, finished,
                            detail=f"the crawl could not start: {result['error']}")
    status = result.get("status")
    outcome = CrawlOutcome(
        source_id=source_id,
        status=status if status in ("ok", "unhealthy") else "failed",
        started_at=started,
        finished_at=finished,
        run_id=result.get("run_id"),
        counts={key: int(result.get(key, 0)) for key in archive.RUN_COUNTS},
        detail=result.get("cut_off") or "; ".join(
            f"{p.get('kind')}: {p.get('detail')}" for p in result.get("problems", [])[:3]
        ) or None,
        killed=bool(result.get("cut_off")),
    )
    if outcome.status == "failed" and output_tail.strip():
        log.warning("crawl:%s failed; its log ends:\n%s", source_id,
                    _last_lines(output_tail, 20))
    return outcome


def run_child(child_main: Callable[..., None], source_id: str, config_path: str | None,
              database_url: str, environment: Mapping[str, str], working_directory: str,
              log_path: str, results: multiprocessing.connection.Connection) -> None:
    """What a crawl child runs first: it ties its life to the service's, takes the source's
    lease, then runs ``child_main`` with the other arguments.

    The child is killed (with its session) when the service dies, even by SIGKILL, whose end
    of ``results`` then closes; and by the kernel when the fork server that forked it ends.
    While the lease is held by another process the child sends ``{"skipped": holder}`` and
    crawls nothing; it holds the lease until it exits.
    """
    _die_with_fork_server()
    _die_with_reader(results)
    os.chdir(working_directory)
    from storage.lock import crawl_lease

    try:
        # Held by this name until the child ends: the lease is released when it is collected.
        lease = crawl_lease(database_url, source_id)
        holder = lease.try_acquire()
    except Exception as exc:  # noqa: BLE001 (reported to the service as the crawl's failure)
        results.send({"error": f"cannot take the source's crawl lease: {exc}"})
        results.close()
        return
    if holder is not None:
        results.send({"skipped": holder})
        results.close()
        return
    child_main(source_id, config_path, database_url, environment, working_directory, log_path,
               results)
    del lease


def _die_with_fork_server() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the pipe watch below still applies
        return
    if os.getppid() == 1:  # the fork server ended before the signal was asked for
        os.kill(os.getpid(), signal.SIGKILL)


def _die_with_reader(results: multiprocessing.connection.Connection) -> None:
    """Kill this process and its session once nobody can read ``results`` any more."""
    watch = select.poll()
    # A pipe's write end reports POLLERR when its last reader has closed; a copy is watched,
    # since the crawl closes its own once it has sent its result.
    watch.register(os.dup(results.fileno()), select.POLLERR | select.POLLHUP)

    def wait_for_reader_gone() -> None:
        while not watch.poll():
            pass
        if os.getpgid(0) == os.getpid():
            os.killpg(os.getpid(), signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=wait_for_reader_gone, name="die with the service",
                     daemon=True).start()


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
