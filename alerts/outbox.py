"""The alert outbox: rows owed to channels, written in the transaction that writes the events.

:func:`enqueue` runs inside the caller's transaction (the archive pipeline's, or the health
checks'), so a notice version, its change events and the alerts they cause commit together or
not at all: a crash can lose neither an alert nor its cause, and a retried transaction cannot
queue an alert twice (one row per rule, event and channel, by a unique key).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, exists, func, or_, select
from sqlalchemy.orm import Session

from alerts.rule import AlertRule, Channel
from alerts.rules import EventFacts, load_rules, normalised, rule_wants
from storage.models import (
    AlertOutbox,
    ChangeEvent,
    CrawlRun,
    Figure,
    NoticeListing,
    NoticeVersion,
    PlatformMention,
)

if TYPE_CHECKING:
    from storage.analysis import WrittenEvent

logger = logging.getLogger(__name__)


def idempotency_key(rule: str, event: ChangeEvent | WrittenEvent, channel: Channel | str) -> str:
    """The row's key: the same for the same rule, event and channel, whatever the database."""
    channel_id = channel if isinstance(channel, str) else channel.id
    return hashlib.sha256(f"{rule}|{event.dedupe_key}|{channel_id}".encode()).hexdigest()


def digest_bucket(digest: str, at: datetime) -> tuple[str | None, datetime]:
    """The bucket an event created at ``at`` falls in, and when that bucket may be sent.

    Buckets are UTC hours or days; a ``none`` digest has no bucket and is due at once.
    """
    from datetime import UTC

    moment = at.astimezone(UTC)
    if digest == "hourly":
        start = moment.replace(minute=0, second=0, microsecond=0)
        return start.strftime("%Y-%m-%dT%H:00Z"), start + timedelta(hours=1)
    if digest == "daily":
        start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        return start.strftime("%Y-%m-%d"), start + timedelta(days=1)
    return None, at


def group_key(event: ChangeEvent | WrittenEvent, bucket: str | None) -> str:
    """Which rows of one rule and channel travel in one message."""
    if bucket is not None:
        return f"digest:{bucket}"
    if event.version_id is not None and event.kind != "notice_withdrawn":
        return f"version:{event.version_id}"
    return f"event:{event.id}"


# Whether a source has an earlier run that archived its list; built once, as it is asked for
# every transaction of stored notices.
_RUN_SAW_NOTICES = (CrawlRun.new_count + CrawlRun.changed_count + CrawlRun.unchanged_count
                    + CrawlRun.not_modified_count)
_EARLIER_ARCHIVING_RUN = select(
    exists().where(
        CrawlRun.source_id == bindparam("source_id"),
        CrawlRun.id != bindparam("run_id"),
        or_(CrawlRun.status == "ok", (CrawlRun.status == "unhealthy") & (_RUN_SAW_NOTICES > 0)),
    )
)


def is_baseline_run(session: Session, source_id: str, run_id: int | None) -> bool:
    """Whether crawl run ``run_id`` is the source's first: no earlier run archived its list.

    An earlier run counts when it finished ``ok``, or ``unhealthy`` having seen notices; a run
    that failed, or matched nothing, has not archived the back catalogue yet. Events written
    outside a crawl run (``run_id`` None) are never a baseline.
    """
    if run_id is None:
        return False
    return not session.scalar(_EARLIER_ARCHIVING_RUN,
                              {"source_id": source_id, "run_id": run_id})


def enqueue(
    session: Session,
    events: Iterable[ChangeEvent | WrittenEvent],
    rules: Sequence[AlertRule],
    *,
    run_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Add an outbox row per matching rule and channel for each event; the number added.

    Call it in the transaction that added the events (they must be flushed, to have ids).
    Events of a source's first crawl run (see :func:`is_baseline_run`) are queued only for
    rules with ``baseline = true``. Idempotent: a row already queued is not added again. An
    event a re-analysis withdrew is queued for no rule.
    """
    events = [event for event in events if event.withdrawn_at is None]
    if not events or not rules:
        return 0
    session.flush()
    baseline_of: dict[str, bool] = {}
    facts_of: dict[int | None, EventFacts] = {}
    added = 0
    for event in events:
        if event.source_id not in baseline_of:
            baseline_of[event.source_id] = is_baseline_run(session, event.source_id, run_id)
        baseline = baseline_of[event.source_id]
        if event.version_id not in facts_of:
            facts_of[event.version_id] = _facts(session, event.version_id, rules)
        facts = facts_of[event.version_id]
        created = event.created_at or now
        assert created is not None, "an event has its creation time"
        for rule in rules:
            if baseline and not rule.baseline:
                continue
            if not rule_wants(rule, event, facts):
                continue
            bucket, due = digest_bucket(rule.digest, created)
            for channel in rule.channels:
                key = idempotency_key(rule.name, event, channel)
                if session.scalar(select(AlertOutbox.id).where(
                        AlertOutbox.idempotency_key == key)) is not None:
                    continue
                session.add(AlertOutbox(
                    rule=rule.name, event_id=event.id, source_id=event.source_id,
                    channel=channel.id, idempotency_key=key, group_key=group_key(event, bucket),
                    digest_bucket=bucket, status="pending", attempts=0, next_attempt_at=due,
                    created_at=now or created,
                ))
                added += 1
    if added:
        session.flush()
        logger.info("alert/queued %d outbox row(s) for %d event(s)", added, len(events))
    return added


def _facts(session: Session, version_id: int | None, rules: Sequence[AlertRule]) -> EventFacts:
    facts = EventFacts()
    if version_id is None:
        return facts
    if any(rule.platforms for rule in rules):
        facts.platforms = {p for p in session.scalars(
            select(PlatformMention.platform_key).where(PlatformMention.version_id == version_id)
        ) if p}
    if any(rule.metrics for rule in rules):
        facts.metrics = {m for m in session.scalars(
            select(Figure.metric).where(Figure.version_id == version_id)) if m}
    if any(rule.keywords for rule in rules):
        version = session.get(NoticeVersion, version_id)
        if version is not None:
            facts.text = normalised(f"{version.title} {version.text}")
    if any(rule.sources for rule in rules):
        facts.sources = set(session.scalars(
            select(NoticeListing.source_id)
            .join(NoticeVersion, NoticeVersion.notice_id == NoticeListing.notice_id)
            .where(NoticeVersion.id == version_id)))
    return facts


def pending_by_source(session: Session) -> dict[str, int]:
    """Outbox rows not yet delivered, per source id (what `regwatch status` shows)."""
    return {
        source_id: count for source_id, count in session.execute(
            select(AlertOutbox.source_id, func.count())
            .where(AlertOutbox.status == "pending")
            .group_by(AlertOutbox.source_id)
        )
    }


def rules_for_crawl(settings: Any) -> list[AlertRule]:
    """The rules of the configuration a crawl runs with (its ``REGWATCH_CONFIG`` setting).

    [] when the crawl names no configuration file. Raises ConfigError for malformed rules, so
    a crawl refuses to start rather than archive events without their alerts.
    """
    path = settings.get("REGWATCH_CONFIG")
    if not path:
        return []
    from config import load_config

    return load_rules(load_config(path))
