"""What changed lately, for the home page: figures reported and revised, platforms newly named,
notices new and edited, filtered by source, kind, platform, metric and date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.events import current_events
from storage.models import ChangeEvent, Notice, NoticeVersion

# The kinds the home page calls changes (health and schedule events are the sources page's).
CHANGE_KINDS = ("figure_reported", "figure_changed", "metric_new", "metric_dropped",
                "platform_named", "notice_new", "notice_edited", "notice_withdrawn")
FIGURE_KINDS = ("figure_reported", "figure_changed", "metric_new", "metric_dropped")


@dataclass(frozen=True)
class ChangeFilters:
    source_id: str | None = None
    kind: str | None = None
    platform_id: str | None = None
    metric: str | None = None
    since: date | None = None
    until: date | None = None
    baseline: bool = False  # also a source's first crawl's events (its back catalogue)


@dataclass(frozen=True)
class ArchiveSize:
    notices: int
    versions: int
    events: int


def recent_changes(
    session: Session, filters: ChangeFilters, *, limit: int = 50, offset: int = 0
) -> list[ChangeEvent]:
    """Change events of `CHANGE_KINDS` (or of ``filters.kind``), newest first; ``until`` is
    inclusive (the whole day). A first crawl's baseline events only when ``filters.baseline``;
    never an event re-analysis withdrew."""
    query = select(ChangeEvent).where(current_events())
    query = query.where(ChangeEvent.kind.in_((filters.kind,) if filters.kind else CHANGE_KINDS))
    if not filters.baseline:
        query = query.where(ChangeEvent.baseline.is_(False))
    if filters.source_id:
        query = query.where(ChangeEvent.source_id == filters.source_id)
    if filters.platform_id:
        query = query.where(ChangeEvent.kind == "platform_named",
                            ChangeEvent.subject == filters.platform_id)
    if filters.metric:
        query = query.where(ChangeEvent.kind.in_(FIGURE_KINDS),
                            ChangeEvent.subject == filters.metric)
    if filters.since is not None:
        query = query.where(ChangeEvent.created_at >= datetime.combine(filters.since, time(),
                                                                       UTC))
    if filters.until is not None:
        query = query.where(ChangeEvent.created_at < datetime.combine(
            filters.until + timedelta(days=1), time(), UTC))
    query = query.order_by(ChangeEvent.created_at.desc(), ChangeEvent.id.desc())
    return list(session.scalars(query.limit(limit).offset(offset)))


def archive_size(session: Session) -> ArchiveSize:
    """How much the archive holds: notices, versions and current change events."""
    return ArchiveSize(
        notices=session.scalar(select(func.count()).select_from(Notice)) or 0,
        versions=session.scalar(select(func.count()).select_from(NoticeVersion)) or 0,
        events=session.scalar(
            select(func.count()).select_from(ChangeEvent).where(current_events())) or 0,
    )
