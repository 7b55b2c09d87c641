"""Source health and expectations: events the service writes after each crawl of a source.

- ``source_unhealthy`` once when a source's last N finished crawls all failed or were
  unhealthy (a bot wall, selectors matching nothing, pages failing), N being
  ``unhealthy_after`` (see :mod:`alerts.settings`); ``source_recovered`` at its next ``ok`` crawl.
- ``bulletin_overdue`` once per deadline of an ``[[expectations]]`` entry (see
  :mod:`alerts.expectations`) that passed without a matching notice, judged only once a crawl
  that did not fail has run after the deadline.
- ``notice_withdrawn`` for a notice missing from its source's list in the last N ``ok`` crawls
  (``withdrawn_after``; a failed or unhealthy crawl proves nothing and does not count), while a
  notice of the source published no later than it is still listed: a notice that merely
  scrolled off the end of a paged list is not withdrawn (nor is one without a publication
  date, whose place in the list is unknown).

Events and their outbox rows are written in one transaction; each event has a dedupe key, so
running the checks twice for the same crawl writes nothing the second time.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, or_, select
from sqlalchemy.orm import Session

from alerts.expectations import Expectation, load_expectations
from alerts.outbox import enqueue
from alerts.rule import AlertRule
from alerts.rules import load_rules
from alerts.settings import alert_settings
from config import Config
from storage.db import session_factory
from storage.listings import listed_by
from storage.models import ChangeEvent, CrawlRun, Notice, NoticeListing, NoticeVersion

logger = logging.getLogger("regwatch.alerts")

NOT_OK = ("failed", "unhealthy")


def after_crawl(engine: Engine, config: Config, source_id: str, now: datetime, *,
                rules: Sequence[AlertRule] | None = None) -> list[ChangeEvent]:
    """Write the health, overdue and withdrawn events ``source_id`` has earned; those events.

    Idempotent: a second call for the same state of the archive writes nothing. Their alerts
    are queued in the same transaction; deliver them with :func:`alerts.delivery.deliver_due`.
    """
    rules = load_rules(config) if rules is None else rules
    settings = alert_settings(config)
    expectations = [e for e in load_expectations(config) if e.source == source_id]
    with session_factory(engine).begin() as session:
        events: list[ChangeEvent] = []
        events += health_events(session, source_id, settings.unhealthy_after_for(source_id), now)
        events += withdrawn_events(session, source_id, settings.withdrawn_after_for(source_id),
                                   now)
        for expectation in expectations:
            events += overdue_events(session, expectation, now)
        session.flush()
        queued = enqueue(session, events, rules, now=now)
    for event in events:
        logger.info("%s: %s (%d alert(s) queued in all)", source_id, event.summary_en, queued)
    return events


def _finished_runs(session: Session, source_id: str, limit: int | None = None) -> list[CrawlRun]:
    # A run still going, or interrupted (its worker died; it ran again), says nothing of health.
    query = (select(CrawlRun).where(CrawlRun.source_id == source_id,
                                    CrawlRun.status.not_in(("running", "interrupted")))
             .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()))
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def _add(session: Session, dedupe_key: str, **fields: Any) -> ChangeEvent | None:
    if session.scalar(select(ChangeEvent.id).where(ChangeEvent.dedupe_key == dedupe_key)):
        return None
    event = ChangeEvent(dedupe_key=dedupe_key, **fields)
    session.add(event)
    return event


# --- source health ----------------------------------------------------------------------------


def health_events(session: Session, source_id: str, unhealthy_after: int,
                  now: datetime) -> list[ChangeEvent]:
    """``source_unhealthy`` or ``source_recovered`` when the source's state has just turned."""
    runs = _finished_runs(session, source_id, limit=max(unhealthy_after, 50))
    if not runs:
        return []
    flagged = session.scalar(
        select(ChangeEvent.kind)
        .where(ChangeEvent.source_id == source_id,
               ChangeEvent.kind.in_(("source_unhealthy", "source_recovered")))
        .order_by(ChangeEvent.created_at.desc(), ChangeEvent.id.desc()).limit(1)
    ) == "source_unhealthy"
    streak: list[CrawlRun] = []
    for run in runs:
        if run.status not in NOT_OK:
            break
        streak.append(run)
    latest = runs[0]
    if not flagged and len(streak) >= unhealthy_after:
        first = streak[-1]
        problem = next((str(e) for run in streak for e in (run.errors or [])), None)
        statuses = ", ".join(sorted({run.status for run in streak}))
        detail = f"; last problem: {problem[:300]}" if problem else ""
        event = _add(
            session, f"unhealthy:{source_id}:{first.id}",
            kind="source_unhealthy", source_id=source_id, notice_id=None, version_id=None,
            subject=None, created_at=now,
            summary_en=f"Source {source_id} is unhealthy: its last {len(streak)} crawls "
                       f"did not succeed ({statuses}){detail}",
            summary_zh=f"来源 {source_id} 异常：最近连续{len(streak)}次抓取未成功",
            payload={"runs": len(streak), "since": first.started_at.isoformat(),
                     "statuses": [run.status for run in streak], "problem": problem},
        )
        return [event] if event else []
    if flagged and latest.status == "ok":
        event = _add(
            session, f"recovered:{source_id}:{latest.id}",
            kind="source_recovered", source_id=source_id, notice_id=None, version_id=None,
            subject=None, created_at=now,
            summary_en=f"Source {source_id} has recovered: its crawl at "
                       f"{latest.started_at.isoformat(timespec='minutes')} succeeded",
            summary_zh=f"来源 {source_id} 已恢复正常",
            payload={"run_id": latest.id},
        )
        return [event] if event else []
    return []


# --- withdrawn notices ------------------------------------------------------------------------


def withdrawn_events(session: Session, source_id: str, withdrawn_after: int,
                     now: datetime) -> list[ChangeEvent]:
    """``notice_withdrawn`` for notices missing from the last ``withdrawn_after`` ok crawls."""
    latest = _finished_runs(session, source_id, limit=1)
    if not latest or latest[0].status != "ok":
        return []
    ok_runs = list(session.scalars(
        select(CrawlRun).where(CrawlRun.source_id == source_id, CrawlRun.status == "ok")
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(withdrawn_after)
    ))
    if len(ok_runs) < withdrawn_after:
        return []
    cutoff = ok_runs[-1].started_at
    still_listed_since = ok_runs[0].started_at
    # The oldest publication date still on the list: vanished notices older than it scrolled
    # off the end of the list rather than being withdrawn.
    # When this source's list last showed each notice (another source may list it still).
    listed = (
        select(NoticeListing.notice_id, func.max(NoticeListing.last_seen_at).label("seen"))
        .where(NoticeListing.source_id == source_id).group_by(NoticeListing.notice_id)
        .subquery()
    )
    oldest_listed = session.scalar(
        select(func.min(Notice.published_at)).join(listed, listed.c.notice_id == Notice.id)
        .where(listed.c.seen >= still_listed_since)
    )
    if oldest_listed is None:
        return []
    missing = session.execute(
        select(Notice, listed.c.seen).join(listed, listed.c.notice_id == Notice.id).where(
            listed.c.seen < cutoff,
            or_(Notice.published_at >= oldest_listed, Notice.published_at.is_(None)),
        ).order_by(Notice.id)
    ).all()
    events = []
    for notice, last_seen_at in missing:
        if notice.published_at is None:
            continue
        version_id = session.scalar(
            select(func.max(NoticeVersion.id)).where(NoticeVersion.notice_id == notice.id))
        seen = last_seen_at.date().isoformat()
        event = _add(
            session, f"withdrawn:{notice.id}:{last_seen_at.isoformat()}",
            kind="notice_withdrawn", source_id=source_id, notice_id=notice.id,
            version_id=version_id, subject=None, created_at=now,
            summary_en=f"Notice withdrawn from {source_id}'s list: {notice.title} (last listed "
                       f"{seen}; missing from the {withdrawn_after} successful crawls since)",
            summary_zh=f"通知已从列表撤下：{notice.title}（最后出现于{seen}）",
            payload={"notice": {
                "id": notice.id, "url": notice.url, "title": notice.title,
                "published_at": notice.published_at.isoformat(), "version": None},
                "last_seen_at": last_seen_at.isoformat(), "crawls_without": withdrawn_after},
        )
        if event is not None:
            events.append(event)
    return events


# --- expected bulletins -------------------------------------------------------------------------


def overdue_events(session: Session, expectation: Expectation,
                   now: datetime) -> list[ChangeEvent]:
    """``bulletin_overdue`` when the latest passed deadline of ``expectation`` went unmet."""
    window = expectation.deadline_window(now)
    if window is None:
        return []
    start, end = window
    checked_after = session.scalar(
        select(func.count()).select_from(CrawlRun).where(
            CrawlRun.source_id == expectation.source, CrawlRun.status.in_(("ok", "unhealthy")),
            CrawlRun.finished_at >= end)
    )
    if not checked_after:
        return []
    published = func.coalesce(Notice.published_at, Notice.first_seen_at)
    titles = session.scalars(
        select(Notice.title).where(Notice.id.in_(listed_by([expectation.source])),
                                   published >= start, published < end)
    )
    if any(expectation.matches(title) for title in titles):
        return []
    due = (end - timedelta(days=1)).date().isoformat()
    name_hash = hashlib.sha256(expectation.name.encode()).hexdigest()[:12]
    event = _add(
        session, f"overdue:{expectation.source}:{name_hash}:{due}",
        kind="bulletin_overdue", source_id=expectation.source, notice_id=None, version_id=None,
        subject=expectation.name[:100], created_at=now,
        summary_en=f"Overdue: “{expectation.name}” was expected from {expectation.source} by "
                   f"{due}; no notice with a matching title was published since "
                   f"{start.date().isoformat()}",
        summary_zh=f"逾期未发布：{expectation.source} 应于{due}前发布“{expectation.name}”",
        payload={"expectation": expectation.name, "due": due,
                 "window_start": start.isoformat(), "window_end": end.isoformat(),
                 "title_pattern": expectation.title_pattern.pattern},
    )
    return [event] if event else []
