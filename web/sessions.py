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
