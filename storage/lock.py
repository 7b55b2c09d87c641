"""One service per archive, one crawl per source: the locks the service and its crawls hold.

`regwatch serve` holds the archive's scheduler lock for as long as it drives the archive; each
crawl child holds its source's lease for as long as it crawls. A SQLite archive is locked with
`flock` on files beside it, a PostgreSQL one with advisory locks; :func:`scheduler_lock` and
:func:`crawl_lease` pick the kind that fits an archive. Both are dropped by the kernel or the
server the moment their process dies, even by SIGKILL.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import socket
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, create_engine, func, make_url, select, text
from sqlalchemy.pool import NullPool

# The service's logger: the lock is the service's.
logger = logging.getLogger("regwatch.scheduler")


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
        lock_file.write(holder_description() + "\n")
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
            connect_args={"application_name": holder_description()[:63], "connect_timeout": 10},
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


class SqliteCrawlLease:
    """An exclusive `flock` on `<database file>.crawl-<source id>.lock`, held by a crawl child.

    The file holds the holder's pid and host; it is never deleted (see :class:`SqliteFileLock`).
    """

    def __init__(self, database_path: Path, source_id: str) -> None:
        self.path = database_path.with_name(f"{database_path.name}.crawl-{source_id}.lock")
        self._file: Any = None

    def try_acquire(self) -> str | None:
        """Take the lease for this process's life; None when taken, else who holds it."""
        lease_file = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held for life)
        try:
            fcntl.flock(lease_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lease_file.seek(0)
            holder = lease_file.read().strip() or "another process"
            lease_file.close()
            return holder
        lease_file.seek(0)
        lease_file.truncate()
        lease_file.write(holder_description() + "\n")
        lease_file.flush()
        self._file = lease_file
        return None

    def release(self) -> None:
        """Give the lease up (a crawl engine's crawl ends; its process goes on)."""
        if self._file is not None:
            self._file.close()
            self._file = None


class PostgresCrawlLease:
    """A session-level advisory lock per source, on a connection the crawl child keeps open.

    The key is derived from the database, the schema and the source id.
    """

    def __init__(self, url: str, source_id: str) -> None:
        self.url = url
        self.source_id = source_id
        self._engine: Engine | None = None
        self._connection: Connection | None = None

    def try_acquire(self) -> str | None:
        """Take the lease for this process's life; None when taken, else who holds it."""
        name = f"regwatch crawl {self.source_id} {holder_description()}"
        engine = create_engine(
            self.url, poolclass=NullPool,
            connect_args={"application_name": name[:63], "connect_timeout": 10},
        )
        connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        key = _advisory_key(connection, f"crawl {self.source_id}")
        if not connection.execute(select(func.pg_try_advisory_lock(key))).scalar():
            holder = _advisory_holder(connection, key) or "another process"
            connection.close()
            engine.dispose()
            return holder
        self._engine, self._connection = engine, connection
        return None

    def release(self) -> None:
        """Give the lease up: its connection closes, which ends the session's lock."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def crawl_lease(database_url: str, source_id: str) -> SqliteCrawlLease | PostgresCrawlLease:
    """The lease a crawl of ``source_id`` in the archive at ``database_url`` holds."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ValueError("a crawl lease needs an archive in a file, not an in-memory SQLite")
        return SqliteCrawlLease(Path(url.database).resolve(), source_id)
    return PostgresCrawlLease(url.render_as_string(hide_password=False), source_id)


def scheduler_lock(engine: Engine) -> SqliteFileLock | PostgresAdvisoryLock:
    """The lock that makes `engine`'s archive drivable by one service at a time."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ValueError("regwatch serve needs an archive in a file, not an in-memory SQLite")
        return SqliteFileLock(Path(url.database).resolve())
    return PostgresAdvisoryLock(url.render_as_string(hide_password=False))


def _advisory_key(connection: Connection, purpose: str = "scheduler") -> int:
    row = connection.execute(text("SELECT current_database(), current_schema()")).one()
    digest = hashlib.sha256(f"regwatch {purpose} {row[0]} {row[1]}".encode()).digest()
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


def holder_description() -> str:
    """This process, as the lock's holder shows to others: its pid and host."""
    return f"pid {os.getpid()} on {socket.gethostname()}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class HostLeases:
    """One request at a time per host across every crawl engine on a PostgreSQL archive, with
    the host's delay after each request.

    A request's lease is a session-level advisory lock on the host, taken on a pooled
    connection and held until the request has been answered; when it is given back, the end
    of the request and the host's delay go into ``host_turns``, which the next holder, on
    whatever machine, waits out. The server drops a dead holder's lock with its connection.
    The times are the database server's, so the workers' clocks do not matter. Blocking calls:
    crawler/hostlease.py makes them from the reactor's threads.
    """

    def __init__(self, url: str, *, connections: int = 16) -> None:
        self.engine = create_engine(
            url, pool_size=4, max_overflow=max(0, connections - 4), pool_pre_ping=True,
            connect_args={"application_name": f"regwatch hosts {holder_description()}"[:63],
                          "connect_timeout": 10},
        )
        self._prefix: str | None = None

    def _key(self, connection: Connection, host: str) -> int:
        if self._prefix is None:
            row = connection.execute(text("SELECT current_database(), current_schema()")).one()
            self._prefix = f"regwatch host {row[0]} {row[1]}"
        digest = hashlib.sha256(f"{self._prefix} {host}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    def try_take(self, host: str) -> Connection | None:
        """The connection holding ``host``'s lease, or None while another holds it."""
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            taken = connection.execute(
                select(func.pg_try_advisory_lock(self._key(connection, host)))).scalar()
        except Exception:
            connection.close()
            raise
        if not taken:
            connection.close()
            return None
        return connection

    def wait_needed(self, connection: Connection, host: str, delay: float) -> float:
        """Seconds until ``host`` may be asked again: its last request's end plus the larger
        of ``delay`` and the delay its last requester kept."""
        left = connection.execute(text(
            "SELECT EXTRACT(EPOCH FROM (last_request_end - clock_timestamp())) "
            "+ GREATEST(delay, :delay) FROM host_turns WHERE host = :host"),
            {"host": host, "delay": delay}).scalar()
        return max(0.0, float(left)) if left is not None else 0.0

    def give_back(self, connection: Connection, host: str, delay: float) -> None:
        """The request has ended: note when, then free the host (the connection goes back to
        the pool). A failure closes the connection, which frees the host too."""
        try:
            connection.execute(text(
                "INSERT INTO host_turns (host, last_request_end, delay) "
                "VALUES (:host, clock_timestamp(), :delay) ON CONFLICT (host) DO UPDATE "
                "SET last_request_end = excluded.last_request_end, delay = excluded.delay"),
                {"host": host, "delay": delay})
            connection.execute(select(func.pg_advisory_unlock(self._key(connection, host))))
        except Exception:
            connection.invalidate()
            raise
        finally:
            connection.close()

    def close(self) -> None:
        self.engine.dispose()
