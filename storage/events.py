"""Reading change events: the archive's list of what changed, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.listings import of_sources
from storage.models import ChangeEvent


@dataclass(frozen=True)
class EventFilters:
    since: datetime | None = None
    kinds: tuple[str, ...] = ()
    # Events of the source's own (health) and of every notice it lists, whoever found it.
    source_id: str | None = None
    platform_id: str | None = None
    notice_id: int | None = None


def list_events(
    session: Session, filters: EventFilters | None = None, *, limit: int = 50, offset: int = 0
) -> list[ChangeEvent]:
    """Change events, newest first."""
    filters = filters or EventFilters()
    query = select(ChangeEvent)
    if filters.since is not None:
        query = query.where(ChangeEvent.created_at >= filters.since)
    if filters.kinds:
        query = query.where(ChangeEvent.kind.in_(filters.kinds))
    if filters.source_id:
        query = query.where(
            of_sources(ChangeEvent.notice_id, ChangeEvent.source_id, [filters.source_id]))
    if filters.platform_id:
        query = query.where(
            ChangeEvent.subject == filters.platform_id,
            ChangeEvent.kind == "platform_named",
        )
    if filters.notice_id is not None:
        query = query.where(ChangeEvent.notice_id == filters.notice_id)
    query = query.order_by(ChangeEvent.created_at.desc(), ChangeEvent.id.desc())
    return list(session.scalars(query.limit(limit).offset(offset)))
