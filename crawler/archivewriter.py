"""The archive writer: records the notices a crawl hands it, one transaction each, in its own process.

Writing a notice (its row and version, the search index, findings, change events, outbox rows)
costs more CPU than fetching and parsing it, and a crawl runs in one Python process. So the
archive pipeline hands each located notice to a writer process through a pipe and learns what
became of it through another; the crawl goes on fetching while the writer stores, on the
machine's other core.

The writer is a fork of the crawl's process made before the crawl starts (:func:`fork_writer`):
it has everything imported already and waits, idle, until the pipeline hands it an archive to
write to. Where that fork cannot be made safely (threads are running, or the reactor is), it is a
new interpreter (``python -m crawler.archivewriter``), a second of imports on the other core.

What stays true: each notice is one transaction in the writer, so a crash of either process
leaves whole notices only, and the next crawl fetches what was not stored (it is not in the
archive). The writer dies with the crawl (Linux: a parent-death signal; elsewhere it stops at
the end of its input), so no notice is written after the crawl that fetched it has gone. A
notice's outcome reaches the crawl's stats and problems exactly as when it was stored inline.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import logging
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Protocol

from sqlalchemy import Engine

from alerts.rule import AlertRule
from crawler.storing import StoreResult, store_notices
from diffing.extract import Extraction
from storage import archive

logger = logging.getLogger(__name__)

# How long closing waits for the writer to finish what it was handed before killing it.
CLOSE_TIMEOUT_S = 600.0
# Most notices the writer stores in one transaction: those that arrived while it stored the
# last ones. A backlog is written in fewer commits; a notice that waited for none goes alone.
BATCH_LIMIT = 32
# The pipe to the writer (see _widen); Linux's pipe-max-size for unprivileged users is 1 MiB.
PIPE_BYTES = 1 << 20
_F_SETPIPE_SZ = 1031
# The crawl's ends of its writers' pipes. A writer forked later closes its copies of them: a
# copy of a pipe's writing end held anywhere keeps its reader from ever seeing the input end
# (a crawl of several sources forks a writer for each).
_CRAWL_ENDS: set[int] = set()


@dataclass(frozen=True)
class WriterReady:
    """What the writer process says once it has imported, warmed up and reached the archive."""


@dataclass(frozen=True)
class WriterReport:
    """What the writer process says when its input ends: notices handled and its CPU seconds."""

    notices: int
    cpu_seconds: float


class WriterProcess(Protocol):
    """What the crawl does with its writer process (:class:`subprocess.Popen` is one)."""

    pid: int

    def wait(self) -> int: ...

    def kill(self) -> None: ...


class ForkedProcess:
    """A child forked by this process, waited for and killed by pid."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def wait(self) -> int:
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def kill(self) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)


@dataclass
class StartedWriter:
    """A writer process waiting for its archive, and the crawl's ends of its two pipes."""

    process: WriterProcess
    to_writer: int
    from_writer: int
    # A fork has nothing to import: it is ready in the time storing a notice or two takes.
    forked: bool = False

    def discard(self) -> None:
        """End a writer that was never handed an archive (it exits at the end of its input)."""
        for end in (self.to_writer, self.from_writer):
            _CRAWL_ENDS.discard(end)
            os.close(end)
        self.process.wait()


def spawn_writer() -> StartedWriter:
    """A writer in a new interpreter: about a second of imports before it can store."""
    to_writer_r, to_writer_w = os.pipe()
    from_writer_r, from_writer_w = os.pipe()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "crawler.archivewriter", str(to_writer_r), str(from_writer_w)],
            pass_fds=(to_writer_r, from_writer_w),
        )
    except BaseException:
        os.close(to_writer_w)
        os.close(from_writer_r)
        raise
    finally:
        os.close(to_writer_r)
        os.close(from_writer_w)
    _CRAWL_ENDS.update((to_writer_w, from_writer_r))
    return StartedWriter(process, to_writer_w, from_writer_r)


def fork_writer() -> StartedWriter | None:
    """A writer forked from this process, or None where a fork would not be safe.

    Call it before the crawl starts: the fork needs a process with one thread (a lock another
    thread holds would stay held in the child forever) and no running reactor. It also needs no
    archive transaction open in this process (SQLite's lock bookkeeping would be copied into the
    child): before the crawl opens the archive, there is none. The child uses nothing it
    inherited but the imported modules; it opens its own archive connection.
    """
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return None
    reactor = sys.modules.get("twisted.internet.reactor")
    if reactor is not None and getattr(reactor, "running", False):
        return None
    to_writer_r, to_writer_w = os.pipe()
    from_writer_r, from_writer_w = os.pipe()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    try:
        pid = os.fork()
    except OSError as exc:
        # Out of processes or memory now: the pipeline starts a new interpreter if it needs a
        # writer, and says so if that fails too.
        logger.warning("could not fork the archive writer: %s", exc)
        for end in (to_writer_r, to_writer_w, from_writer_r, from_writer_w):
            os.close(end)
        return None
    if pid == 0:
        code = 1
        try:
            for end in (to_writer_w, from_writer_r, *_CRAWL_ENDS):
                with contextlib.suppress(OSError):
                    os.close(end)
            # What the child inherited stays alive until it exits: keep the collector off it.
            gc.freeze()
            code = serve(to_writer_r, from_writer_w)
        except BaseException:
            logger.exception("the archive writer failed")
        finally:
            logging.shutdown()
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()
            # Not the parent's exit handlers, nor its buffered output a second time.
            os._exit(code)
    os.close(to_writer_r)
    os.close(from_writer_w)
    _CRAWL_ENDS.update((to_writer_w, from_writer_r))
    return StartedWriter(ForkedProcess(pid), to_writer_w, from_writer_r, forked=True)


class ArchiveWriter:
    """The crawl's side of a writer process.

    :meth:`submit` hands over a notice and returns at once; ``on_result(token, result)`` is
    called later through ``call_in_reactor`` (the reactor's thread) with what became of it.
    :attr:`ready` is true once the writer has started up and stores at once what it is handed
    (notices submitted earlier wait for that). If
    the writer dies, every notice handed over and not yet answered, and every later one, gets a
    "failed" result. :meth:`close` waits until the writer has stored everything it was handed.
    ``started`` is a writer process waiting for its archive (:func:`fork_writer`); without
    one, a new interpreter is started.
    """

    def __init__(
        self,
        database_url: str,
        rules: Sequence[AlertRule],
        on_result: Callable[[Any, StoreResult], None],
        call_in_reactor: Callable[..., Any],
        started: StartedWriter | None = None,
    ) -> None:
        self._on_result = on_result
        self._call_in_reactor = call_in_reactor
        self._pending: dict[int, Any] = {}
        self._next = 0
        self._lock = threading.Lock()
        self._gone: str | None = None
        self._ready = threading.Event()
        self.report: WriterReport | None = None
        if started is None:
            started = spawn_writer()
        self.process = started.process
        self.forked = started.forked
        self.pid = self.process.pid
        _widen(started.to_writer)
        # Notices are written to the pipe by submit itself, without blocking: the pipe holds a
        # backlog of about a hundred notices, and a thread woken for each one cost the crawl
        # more CPU than pickling it. What does not fit waits in _unsent for the sender thread,
        # which writes it as the writer makes room (the reactor's thread must not block).
        self._outbox = started.to_writer
        os.set_blocking(self._outbox, False)
        self._unsent: deque[memoryview] = deque()
        self._send_state = threading.Condition()
        self._closing = False
        self._send_failed = False
        self._inbox = Connection(started.from_writer, writable=False)
        self._send((database_url, list(rules)))
        self._sender = threading.Thread(target=self._send_all, name="archive-writer-send",
                                        daemon=True)
        self._receiver = threading.Thread(target=self._receive_all,
                                          name="archive-writer-receive", daemon=True)
        self._sender.start()
        self._receiver.start()

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    @property
    def backlog(self) -> int:
        """Notices handed over and not yet answered."""
        return len(self._pending)

    def submit(self, fetched: archive.FetchedNotice, token: Any,
               extraction: Extraction | None = None) -> None:
        with self._lock:
            if self._gone is not None:
                gone = self._gone
            else:
                gone = None
                number = self._next
                self._next += 1
                self._pending[number] = token
        if gone is not None:
            self._on_result(token, StoreResult("failed", error=gone))
            return
        self._send((number, fetched, extraction))

    def close(self, timeout: float = CLOSE_TIMEOUT_S) -> None:
        """Let the writer finish what it was handed, then wait for it to exit."""
        with self._send_state:
            self._closing = True
            self._send_state.notify()
        self._sender.join(timeout)
        self._receiver.join(timeout)
        if self._receiver.is_alive():
            logger.error("the archive writer did not finish in %.0f s; stopping it", timeout)
            self.process.kill()
            self._receiver.join()

    def _answer_all(self, answered: list[tuple[Any, StoreResult]]) -> None:
        for token, result in answered:
            self._on_result(token, result)

    def _send(self, message: object) -> None:
        """Write ``message`` to the pipe as far as it has room, the rest after what waits."""
        frame = memoryview(_frame(message))
        with self._send_state:
            if self._send_failed:
                # The writer is gone; the receiver fails what it was handed.
                return
            if self._unsent:
                self._unsent.append(frame)
                return
            try:
                written = _write_some(self._outbox, frame)
            except OSError:
                self._send_failed = True
                return
            if written < len(frame):
                self._unsent.append(frame[written:])
                self._send_state.notify()

    def _send_all(self) -> None:
        """The sender thread: writes what did not fit, as the writer makes room; at close,
        ends the writer's input once everything is written."""
        try:
            while True:
                with self._send_state:
                    while not self._unsent and not self._closing and not self._send_failed:
                        self._send_state.wait()
                    if not self._unsent or self._send_failed:
                        return
                # Wait for room without holding the lock submit takes.
                _wait_writable(self._outbox)
                with self._send_state:
                    while self._unsent:
                        written = _write_some(self._outbox, self._unsent[0])
                        if written < len(self._unsent[0]):
                            self._unsent[0] = self._unsent[0][written:]
                            break
                        self._unsent.popleft()
        except OSError:
            # The writer is gone; the receiver reports it.
            with self._send_state:
                self._send_failed = True
                self._unsent.clear()
        finally:
            if self._closing or self._send_failed:
                _CRAWL_ENDS.discard(self._outbox)
                with contextlib.suppress(OSError):
                    os.close(self._outbox)

    def _receive_all(self) -> None:
        while True:
            try:
                message = self._inbox.recv()
            except (EOFError, OSError):
                break
            except Exception:
                logger.exception("unreadable answer from the archive writer; stopping it")
                self.process.kill()
                break
            if isinstance(message, WriterReady):
                self._ready.set()
                continue
            if isinstance(message, WriterReport):
                self.report = message
                continue
            with self._lock:
                answered = [(self._pending.pop(number), result) for number, result in message]
            # One wake-up of the reactor for a batch, not one per notice.
            self._call_in_reactor(self._answer_all, answered)
        _CRAWL_ENDS.discard(self._inbox.fileno())
        self._inbox.close()
        code = self.process.wait()
        with self._lock:
            if self.report is None or code != 0:
                self._gone = f"the archive writer exited with status {code}"
            else:
                self._gone = "the archive writer has finished"
            orphans = list(self._pending.values())
            self._pending.clear()
        for token in orphans:
            self._call_in_reactor(self._on_result, token,
                                  StoreResult("failed", error=self._gone))


def _frame(message: object) -> bytes:
    """``message`` as :class:`multiprocessing.connection.Connection` frames it: its pickle after
    its length (a 32-bit signed integer, big-endian; -1 and a 64-bit length beyond 2 GiB)."""
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    if len(payload) > 0x7FFFFFFF:
        return struct.pack("!iQ", -1, len(payload)) + payload
    return struct.pack("!i", len(payload)) + payload


def _write_some(pipe: int, data: memoryview) -> int:
    """Bytes of ``data`` written to the non-blocking ``pipe``: all, some, or none when full."""
    try:
        return os.write(pipe, data)
    except BlockingIOError:
        return 0


def _wait_writable(pipe: int) -> None:
    poller = select.poll()
    poller.register(pipe, select.POLLOUT)
    poller.poll()


def _widen(pipe: int) -> None:
    """Let the pipe to the writer hold a batch: Linux's default 64 kB takes about ten notices."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            fcntl.fcntl(pipe, _F_SETPIPE_SZ, PIPE_BYTES)


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL)


def warm_extraction() -> None:
    """Load what extracting the first notice would otherwise load: the catalogues, their
    patterns and the converters of each language (a few tens of milliseconds, once)."""
    from diffing.extract import extract

    extract("2024年全年共约谈网站10646家，对百度处以罚款50万元。", language="zh-Hans")
    extract("2024年全年共約談網站10646家，對百度處以罰款50萬元。", language="zh-Hant")
    extract("In 2024 the regulator fined Meta EUR 1.2 billion.", language="en")


def _warm_up(engine: Engine) -> None:
    """Load what storing the first notice would otherwise load: the extraction catalogues
    (already loaded in a writer forked from a process that imported crawler.preload) and the
    archive connection."""
    warm_extraction()
    with engine.connect():
        pass


def serve(inbox_fd: int, outbox_fd: int) -> int:
    """The writer process: store each notice read from ``inbox_fd``, answer on ``outbox_fd``.

    Ends when its input ends (the crawl closed it, or died), after answering everything it
    read; returns its exit status.
    """
    parent = os.getppid()
    _die_with_parent()
    if os.getppid() != parent:
        return 1
    # Ctrl-C reaches the whole process group: the crawl decides, and closes the writer's input
    # once it has stopped (or dies, and the writer with it).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    cpu_before = time.process_time()
    inbox = Connection(inbox_fd, writable=False)
    outbox = Connection(outbox_fd, readable=False)
    from storage.db import create_archive_engine, session_factory

    try:
        database_url, rules = inbox.recv()
    except EOFError:
        return 0
    # The crawl migrated the archive before it could hand over a notice.
    engine = create_archive_engine(database_url)
    sessions = session_factory(engine)
    stored = 0
    try:
        _warm_up(engine)
        outbox.send(WriterReady())
        ended = False
        while not ended:
            waiting: list[tuple[int, archive.FetchedNotice, Extraction | None]] = []
            try:
                waiting.append(inbox.recv())
                # What arrived while the last batch was stored goes in the next one.
                while len(waiting) < BATCH_LIMIT and inbox.poll():
                    waiting.append(inbox.recv())
            except EOFError:
                ended = True
            if not waiting:
                continue
            results = store_notices(sessions, [fetched for _, fetched, _ in waiting], rules,
                                    [extraction for _, _, extraction in waiting])
            outbox.send([(number, result) for (number, _, _), result in zip(waiting, results,
                                                                             strict=True)])
            stored += len(waiting)
    finally:
        engine.dispose()
    outbox.send(WriterReport(stored, round(time.process_time() - cpu_before, 3)))
    outbox.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m crawler.archivewriter IN_FD OUT_FD``: the writer process."""
    arguments = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=os.environ.get("REGWATCH_LOG_LEVEL", "WARNING"),
                        format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    return serve(int(arguments[0]), int(arguments[1]))


if __name__ == "__main__":
    # Results must pickle as crawler.archivewriter's classes, not as __main__'s.
    from crawler.archivewriter import main as writer_main

    sys.exit(writer_main())
