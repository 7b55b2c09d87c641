"""Reading change events: the archive's list of what changed, newest first.

An event a re-analysis withdrew (``withdrawn_at``) is not current: every list leaves it out
but a notice's own history, which asks for it to mark it withdrawn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from storage.listings import of_sources
from storage.models import ChangeEvent


@dataclass(frozen=True)
class EventFilters:
    """``since`` inclusive, ``until`` exclusive; ``metric``: events about that metric (figures
    reported, changed, first or no longer reported)."""

    since: datetime | None = None
    kinds: tuple[str, ...] = ()
    # Events of the source's own (health) and of every notice it lists, whoever found it.
    source_id: str | None = None
    platform_id: str | None = None
    notice_id: int | None = None
    until: datetime | None = None
    metric: str | None = None
    # Include the events of sources' first crawls (their back catalogues), left out otherwise.
    baseline: bool = False
    # Include the events re-analysis withdrew, left out otherwise (a notice's history shows them).
    withdrawn: bool = False


METRIC_KINDS = ("figure_reported", "figure_changed", "metric_new", "metric_dropped")


def current_events() -> ColumnElement[bool]:
    """The condition an event is current on: no re-analysis withdrew it."""
    return ChangeEvent.withdrawn_at.is_(None)


def list_events(
    session: Session, filters: EventFilters | None = None, *, limit: int = 50, offset: int = 0
) -> list[ChangeEvent]:
    """Change events, newest first; those of a source's first crawl only when
    ``filters.baseline`` asks, withdrawn ones only when ``filters.withdrawn`` does."""
    filters = filters or EventFilters()
    query = select(ChangeEvent)
    if not filters.withdrawn:
        query = query.where(current_events())
    if not filters.baseline:
        query = query.where(ChangeEvent.baseline.is_(False))
    if filters.since is not None:
        query = query.where(ChangeEvent.created_at >= filters.since)
    if filters.until is not None:
        query = query.where(ChangeEvent.created_at < filters.until)
    if filters.kinds:
        query = query.where(ChangeEvent.kind.in_(filters.kinds))
    if filters.metric:
        query = query.where(ChangeEvent.subject == filters.metric,
                            ChangeEvent.kind.in_(METRIC_KINDS))
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
