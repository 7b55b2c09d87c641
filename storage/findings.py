"""Reading what extraction found: figure series per metric and period, platforms' records.

Only each notice's current (latest) version counts: a silently edited figure replaces the old
value in the series, and the edit itself is a change event.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from storage.models import Figure, Notice, NoticeVersion, PlatformMention


def current_versions() -> Select[Any]:
    """The id of every notice's latest version."""
    return select(func.max(NoticeVersion.id)).group_by(NoticeVersion.notice_id)


@dataclass(frozen=True)
class SeriesPoint:
    """One figure of a series: a metric's value for a period, and the notice that reported it."""

    metric: str
    scope: str | None
    period: str
    period_kind: str
    value: Decimal
    unit: str
    currency: str | None
    source_id: str
    notice_id: int
    notice_title: str
    notice_url: str
    published_at: datetime | None
    text: str


def figure_series(
    session: Session,
    *,
    metric: str | None = None,
    source_id: str | None = None,
    scope: str | None = None,
    period_kind: str | None = None,
) -> list[SeriesPoint]:
    """Classified figures with a period, oldest period first.

    When several notices report the same metric, scope and period (a summary and its
    re-post), the latest published one is the point.
    """
    query = (
        select(Figure, Notice)
        .join(Notice, Notice.id == Figure.notice_id)
        .where(Figure.version_id.in_(current_versions()), Figure.metric.isnot(None),
               Figure.period.isnot(None))
    )
    if metric:
        query = query.where(Figure.metric == metric)
    if source_id:
        query = query.where(Figure.source_id == source_id)
    if scope:
        query = query.where(Figure.scope == scope)
    if period_kind:
        query = query.where(Figure.period_kind == period_kind)
    points: dict[tuple[str, str | None, str, str], SeriesPoint] = {}
    for figure, notice in session.execute(query.order_by(Figure.published_at, Figure.id)):
        assert figure.metric is not None and figure.period is not None
        key = (figure.metric, figure.scope, figure.period, figure.unit)
        points[key] = SeriesPoint(
            metric=figure.metric, scope=figure.scope, period=figure.period,
            period_kind=figure.period_kind or "year", value=figure.value, unit=figure.unit,
            currency=figure.currency, source_id=figure.source_id, notice_id=notice.id,
            notice_title=notice.title, notice_url=notice.url, published_at=notice.published_at,
            text=figure.text,
        )
    return sorted(points.values(), key=lambda p: (p.metric, p.scope or "", p.period))


@dataclass
class PlatformRecord:
    """Everything the archive says of one platform (or one unknown name)."""

    key: str
    platform_id: str | None
    name: str
    kind: str
    mentions: int = 0
    notices: set[int] = field(default_factory=set)
    actions: dict[str, int] = field(default_factory=dict)
    first_seen: datetime | None = None
    last_seen: datetime | None = None


def platform_records(session: Session, *, platform_id: str | None = None) -> list[PlatformRecord]:
    """Per platform: mentions, notices, actions taken, first and last seen; most named first."""
    query = select(PlatformMention).where(PlatformMention.version_id.in_(current_versions()))
    if platform_id:
        query = query.where(PlatformMention.platform_id == platform_id)
    records: dict[str, PlatformRecord] = {}
    actions: dict[str, dict[str, int]] = defaultdict(dict)
    for mention in session.scalars(query.order_by(PlatformMention.published_at)):
        key = mention.platform_id or f"name:{mention.name}"
        record = records.setdefault(
            key, PlatformRecord(key, mention.platform_id, mention.name, mention.kind)
        )
        record.mentions += 1
        record.notices.add(mention.notice_id)
        for action in {mention.action, *(mention.actions or [])} - {None}:
            assert action is not None
            actions[key][action] = actions[key].get(action, 0) + 1
        if mention.published_at is not None:
            if record.first_seen is None or mention.published_at < record.first_seen:
                record.first_seen = mention.published_at
            if record.last_seen is None or mention.published_at > record.last_seen:
                record.last_seen = mention.published_at
    for key, record in records.items():
        record.actions = actions[key]
    return sorted(records.values(), key=lambda r: (-len(r.notices), r.key))
