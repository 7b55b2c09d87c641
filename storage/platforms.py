"""Platforms in the archive: how often each is named, and the notices naming one.

Read from notices' latest versions, so an amended notice is counted once, with what it says now.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Notice, PlatformMention
from storage.search_index import notice_search


@dataclass(frozen=True)
class PlatformSummary:
    """``platform_id`` is the platform's key: its registry id, or ``name:`` and the
    normalised name for a name the registry does not know (``diffing.compare.mention_key``)."""

    platform_id: str
    mentions: int
    notices: int
    last_named: datetime | None
    first_named: datetime | None = None
    actions: dict[str, int] = field(default_factory=dict)


def platform_summaries(session: Session) -> list[PlatformSummary]:
    """Platforms named in notices' latest versions, most named first, with the actions taken
    against each (how many mentions say each one); names the registry does not know are
    platforms of their own, by name."""
    current = (
        select(PlatformMention)
        .join(notice_search, notice_search.c.version_id == PlatformMention.version_id)
        .where(PlatformMention.platform_key.is_not(None))
        .subquery()
    )
    rows = session.execute(
        select(
            current.c.platform_key,
            func.count(),
            func.count(func.distinct(current.c.notice_id)),
            func.max(current.c.published_at),
            func.min(current.c.published_at),
        ).group_by(current.c.platform_key)
    )
    actions: dict[str, dict[str, int]] = {}
    for platform_id, action, said in session.execute(
        select(current.c.platform_key, current.c.action, current.c.actions)
    ):
        counted = actions.setdefault(str(platform_id), {})
        for name in {action, *(said or [])} - {None}:
            counted[str(name)] = counted.get(str(name), 0) + 1
    summaries = [
        PlatformSummary(str(pid), count, notices, last, first, actions.get(str(pid), {}))
        for pid, count, notices, last, first in rows
    ]
    summaries.sort(key=lambda summary: (-summary.notices, summary.platform_id))
    return summaries


@dataclass(frozen=True)
class TimelineEntry:
    notice_id: int
    title: str
    published_at: datetime | None
    source_id: str
    names: tuple[str, ...]
    actions: tuple[str, ...]
    amounts: tuple[tuple[Decimal, str], ...]
    sentence: str


def platform_timeline(session: Session, platform_id: str) -> list[TimelineEntry]:
    """Each notice naming the platform (latest versions), newest first; empty when none.
    ``platform_id``: a registry id or a ``name:`` key (:class:`PlatformSummary`)."""
    rows = session.execute(
        select(PlatformMention, Notice.title)
        .join(notice_search, notice_search.c.version_id == PlatformMention.version_id)
        .join(Notice, Notice.id == PlatformMention.notice_id)
        .where(PlatformMention.platform_key == platform_id)
        .order_by(PlatformMention.published_at.desc(), PlatformMention.notice_id.desc())
    ).all()
    grouped: dict[int, list[tuple[PlatformMention, str]]] = defaultdict(list)
    for mention, title in rows:
        grouped[mention.notice_id].append((mention, title))
    entries = []
    for notice_id, mentions in grouped.items():
        first, title = mentions[0]
        actions: list[str] = []
        amounts: list[tuple[Decimal, str]] = []
        for mention, _ in mentions:
            for action in [mention.action, *(mention.actions or [])]:
                if action and action not in actions:
                    actions.append(action)
            if mention.amount is not None and mention.currency:
                amounts.append((mention.amount, mention.currency))
        entries.append(
            TimelineEntry(
                notice_id=notice_id,
                title=title,
                published_at=first.published_at,
                source_id=first.source_id,
                names=tuple(dict.fromkeys(mention.name for mention, _ in mentions)),
                actions=tuple(actions),
                amounts=tuple(amounts),
                sentence=first.sentence,
            )
        )
    return entries
