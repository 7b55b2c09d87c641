"""Opening the archive: which database, the engine and its SQLite settings, schema migrations."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, func, make_url, select, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from storage.errors import (
    ArchiveSchemaError,
    ArchiveUnreachableError,
    ArchiveURLError,
)

DATABASE_URL_ENV = "REGWATCH_DATABASE_URL"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")
SQLITE_BUSY_TIMEOUT_MS = 30_000
POSTGRES_CONNECT_TIMEOUT_S = 10

_PACKAGE_DIR = Path(__file__).resolve().parent
ALEMBIC_INI = _PACKAGE_DIR / "alembic.ini"
MIGRATIONS_DIR = _PACKAGE_DIR / "migrations"

# Every regwatch process that migrates a PostgreSQL archive takes this advisory lock first, so
# two services starting together do not both try to create the same tables.
_MIGRATION_LOCK_KEY = int.from_bytes(b"regwatch", "big") & 0x7FFF_FFFF_FFFF_FFFF


def database_url(explicit: str | None = None) -> str:
    """The archive's URL: `explicit`, else `$REGWATCH_DATABASE_URL`, else ./regwatch.db.

    The default SQLite path is made absolute now, so a later change of working directory
    cannot make the process open a second, empty archive.
    """
    if explicit:
        return explicit
    from_env = os.environ.get(DATABASE_URL_ENV, "").strip()
    if from_env:
        return from_env
    return f"sqlite:///{Path.cwd() / 'regwatch.db'}"


def open_archive(url: str | None = None) -> Engine:
    """Connect to the archive named by `database_url(url)` and migrate it to the latest schema.

    Idempotent: opening an up-to-date archive changes nothing. Raises `ArchiveURLError` for a
    malformed or unsupported URL, `ArchiveUnreachableError` when the server or file cannot be
    opened, and `ArchiveSchemaError` when the schema cannot be migrated.
    """
    engine = create_archive_engine(database_url(url))
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        engine.dispose()
        raise ArchiveUnreachableError(
            f"cannot open the archive at {_shown(engine.url)}: {_first_line(exc.orig)}"
        ) from exc
    try:
        migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def create_archive_engine(url: str) -> Engine:
    """An engine with the archive's connection settings, without touching the schema.

    SQLite gets WAL (readers never wait for the crawler), a busy timeout, enforced foreign keys
    and real transactions (see `_use_sqlite_transactions`). PostgreSQL gets a connect timeout
    and a liveness check on checkout.
    """
    parsed = _parse(url)
    backend = parsed.get_backend_name()
    options: dict[str, Any] = {}
    if backend == "postgresql":
        options["pool_pre_ping"] = True
        if "connect_timeout" not in parsed.query:
            options["connect_args"] = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S}
    try:
        engine = create_engine(parsed, **options)
    except (NoSuchModuleError, ImportError) as exc:
        raise ArchiveURLError(
            f"no usable database driver for {_shown(parsed)}: {_first_line(exc)}"
        ) from exc
    if backend == "sqlite":
        _use_sqlite_transactions(engine)
    return engine


def create_read_only_engine(url: str) -> Engine:
    """An engine on the archive that cannot write.

    SQLite: plain deferred reads (a reader in WAL mode never waits for the crawler, unlike the
    archive's writer engine that begins every transaction IMMEDIATE) and ``query_only``.
    PostgreSQL: every transaction READ ONLY.
    """
    engine = create_archive_engine(url)
    if engine.dialect.name == "sqlite":
        # The writer's BEGIN IMMEDIATE listener is replaced by pysqlite's own handling,
        # which starts no transaction for a SELECT.
        engine.dispose()
        engine = create_engine(url)

        @event.listens_for(engine, "connect")
        def _configure(dbapi_connection: Any, connection_record: Any) -> None:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("PRAGMA busy_timeout = 30000")
                cursor.execute("PRAGMA query_only = ON")
            finally:
                cursor.close()

    else:

        @event.listens_for(engine, "connect")
        def _read_only(dbapi_connection: Any, connection_record: Any) -> None:
            autocommit = dbapi_connection.autocommit
            dbapi_connection.autocommit = True
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            finally:
                cursor.close()
            dbapi_connection.autocommit = autocommit

    return engine


def migrate(engine: Engine) -> None:
    """Upgrade the archive's schema to the newest migration; a no-op when already there."""
    if _at_head(engine):
        # Every crawl opens the archive; asking Alembic to upgrade loads its environment and
        # every migration script (a tenth of a second), for nothing once the schema is current.
        return
    config = alembic_config()
    with engine.begin() as connection:
        lock_for_migration(connection)
        config.attributes["connection"] = connection
        try:
            command.upgrade(config, "head")
        except CommandError as exc:
            raise ArchiveSchemaError(
                f"cannot migrate the archive at {_shown(engine.url)}: {exc}. If another "
                "regwatch version created it, run that version or a newer one."
            ) from exc


@lru_cache(maxsize=1)
def head_revisions() -> frozenset[str]:
    """The newest migration(s) of the packaged schema."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def _at_head(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            current = frozenset(connection.scalars(text("SELECT version_num FROM alembic_version")))
    except DBAPIError:
        return False  # a new archive (no version table yet): the upgrade creates it
    return current == head_revisions()


def lock_for_migration(connection: Connection) -> None:
    """Serialise migrations between processes for the rest of `connection`'s transaction.

    SQLite needs nothing here: the transaction already began with BEGIN IMMEDIATE.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(_MIGRATION_LOCK_KEY)))


def alembic_config() -> Config:
    """Alembic's configuration for the packaged migrations, independent of the working directory."""
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


_READ_ONLY = "regwatch_read_only"


def read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for reading only: on SQLite their transactions do not take the write lock
    (`session_factory`'s do), so a lookup never queues behind another process's writes. Writing
    through one is a mistake SQLite may report as "database is locked"."""
    return sessionmaker(bind=engine.execution_options(**{_READ_ONLY: True}),
                        expire_on_commit=False)


def core(session: Session) -> Connection:
    """The connection of ``session``'s transaction, for Core statements on tables.

    A statement run on it costs about half what ``Session.execute`` spends on the same
    statement (18 against 36 µs on SQLite), which counts where a notice is stored with a dozen
    of them. The session does not flush first: a caller whose session may hold changes the
    statement must see flushes them (``session.flush()``) before.
    """
    return session.connection()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on `engine`; objects stay readable after commit (`expire_on_commit=False`).

    On SQLite a session takes the database's write lock when its transaction begins and holds
    it until commit or rollback, so keep sessions short.
    """
    return sessionmaker(bind=engine, expire_on_commit=False)


def _use_sqlite_transactions(engine: Engine) -> None:
    # pysqlite's own transaction handling (Python < 3.16) skips BEGIN before SELECT and
    # SAVEPOINT, which would let a released savepoint commit on its own and break the
    # one-transaction-per-notice guarantee. We take over BEGIN. IMMEDIATE takes the write lock
    # up front: a deferred transaction that read and then tries to write after another process
    # committed fails at once with "database is locked" instead of waiting out the busy timeout.
    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            # WAL's recommended pairing: a commit no longer waits for the disk (2.5 ms per
            # notice here). A crashed process loses nothing; after a power cut or an OS crash
            # the last commits may be rolled back whole, never half, and the next crawl fetches
            # those notices again.
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    # A reader (`read_session_factory`) begins a plain transaction: in WAL mode it sees one
    # snapshot and neither waits for a writer nor holds one up.
    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        if connection.get_execution_options().get(_READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise ArchiveURLError(
            f"{_redacted(url)!r} is not a database URL; expected for example "
            "sqlite:////var/lib/regwatch/regwatch.db or "
            "postgresql+psycopg://user@host:5432/regwatch"
        ) from exc
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise ArchiveURLError(
            f"{_shown(parsed)} uses {backend!r}; the archive supports "
            + " and ".join(SUPPORTED_BACKENDS)
        )
    return parsed


def _shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _redacted(url: str) -> str:
    return re.sub(r"(://[^/@:]*:)[^@/]*@", r"\1***@", url)


def _first_line(exc: BaseException | None) -> str:
    text = str(exc).strip() if exc is not None else ""
    return text.splitlines()[0] if text else type(exc).__name__
