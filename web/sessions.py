"""The archive as the web reads it: one read session per request, on the engine that
:func:`storage.db.create_read_only_engine` makes."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker


def session_for(request: Request) -> Iterator[Session]:
    """A FastAPI dependency: one read session per request."""
    sessions: sessionmaker[Session] = request.app.state.sessions
    with sessions() as session:
        yield session


def writer_session(request: Request) -> Iterator[Session]:
    """A FastAPI dependency for the few pages that change the archive (sources kept in it):
    one session on a writable engine, opened on first use and kept by the app."""
    import threading

    from storage.db import create_archive_engine, session_factory

    state = request.app.state
    guard: threading.Lock = state.writer_guard
    with guard:
        if getattr(state, "writer_sessions", None) is None:
            state.writer_sessions = session_factory(create_archive_engine(state.database_url))
    with state.writer_sessions() as session:
        yield session
