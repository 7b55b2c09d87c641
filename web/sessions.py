"""The archive as the web reads it: an engine that cannot write, one session per request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import Request
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from storage.db import create_archive_engine


def read_only_engine(url: str) -> Engine:
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
        from sqlalchemy import create_engine

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


def session_for(request: Request) -> Iterator[Session]:
    """A FastAPI dependency: one read session per request."""
    sessions: sessionmaker[Session] = request.app.state.sessions
    with sessions() as session:
        yield session
