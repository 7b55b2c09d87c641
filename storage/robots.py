"""The robots.txt cache: each origin's last fetched robots.txt, shared by every crawl."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from storage.models import RobotsCacheEntry

# RFC 9309, 2.4: a crawler SHOULD NOT use a cached robots.txt for more than 24 hours.
MAX_AGE = timedelta(hours=24)
# RFC 9309, 2.5: a crawler must parse at least 500 KiB; more is not kept.
MAX_BODY = 500 * 1024


def cached_robots(session: Session, origin: str, now: datetime,
                  max_age: timedelta = MAX_AGE) -> RobotsCacheEntry | None:
    """``origin``'s robots.txt fetched less than ``max_age`` before ``now``, or None."""
    entry = session.get(RobotsCacheEntry, origin)
    if entry is None or entry.fetched_at <= now - max_age:
        return None
    return entry


def store_robots(session: Session, origin: str, status: int, body: bytes, at: datetime) -> None:
    """Keep ``origin``'s robots.txt as fetched ``at`` (replacing what was kept)."""
    entry = session.get(RobotsCacheEntry, origin)
    if entry is None:
        session.add(RobotsCacheEntry(origin=origin, status=status, body=body[:MAX_BODY],
                                     fetched_at=at))
        return
    entry.status = status
    entry.body = body[:MAX_BODY]
    entry.fetched_at = at
