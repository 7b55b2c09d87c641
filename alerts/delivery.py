"""Delivering the outbox through Apprise: retries with growing backoff, marks, warnings.

What "exactly once" means here. Every outbox row is delivered until a send succeeds, then
marked ``sent``; nothing is ever dropped, but for a row whose change event a re-analysis
withdrew, which is marked ``withdrawn`` and never sent. A message carries the rows of one rule,
channel and group (one notice version, one digest bucket, or one event), and a **message key**
that is the same on every attempt (a hash of its rows' idempotency keys; a group's rows never
change once written, but for a withdrawn one leaving it). Channels that carry it get it as the
``X-Idempotency-Key`` header (JSON, form and XML webhooks, e-mail) and, for JSON webhooks, as
the ``idempotency_key`` field. The one window left is a crash after the channel accepted a
message and before the ``sent`` mark committed: the next sender sends it again with the same
key, so a receiver that drops keys it has seen gets it exactly once, and one that does not may
see it twice, never more, never zero times.

Concurrency: on PostgreSQL a sender locks a group's rows (``FOR UPDATE SKIP LOCKED``) for the
length of its send and marks them in the same transaction, so several senders never send one
group twice. On SQLite there is one sender, the service holding the archive's scheduler lock;
it reads, sends and marks in separate short transactions so a slow channel never holds the
database's write lock.

A channel that fails is left alone for the rest of the round (its alerts wait), each failed
message waits 1 minute, then 5, 30, 2 hours, then 6 hours between attempts; after
``delivery_failing_after`` failures in a row the channel is reported as ``delivery_failing``
in the log and by :func:`delivery_warnings` (for `regwatch status`). URLs are never logged or
stored: channels are named by a hash, and Apprise's own log lines pass through a filter that
blanks every part of the configured URLs.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from alerts.messages import Message, TemplateRefused, render, render_builtin, sample_events
from alerts.redaction import install_redaction, redactor
from alerts.rule import AlertRule, Channel
from alerts.rules import load_rules, quiet_asset
from alerts.settings import alert_settings
from config import Config
from storage.db import session_factory
from storage.models import AlertChannel, AlertOutbox, ChangeEvent

logger = logging.getLogger("regwatch.alerts")

IDEMPOTENCY_HEADER = "X-Idempotency-Key"
# 1m, 5m, 30m, 2h, then every 6h: soon enough for a blip, gentle with a channel that is down.
BACKOFF = (
    timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
    timedelta(hours=6),
)
# Messages one round sends at most; the rest are due in the next round.
ROUND_LIMIT = 200


def backoff(attempts: int) -> timedelta:
    """How long a message waits after its ``attempts``-th failed attempt (1 for the first)."""
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


@dataclass
class DeliveryReport:
    """What one round did: messages sent and failed, rows marked, channels skipped."""

    messages_sent: int = 0
    rows_sent: int = 0
    messages_failed: int = 0
    channels_failed: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class DeliveryWarning:
    """A channel whose sends keep failing (``kind`` is ``delivery_failing``)."""

    kind: str
    channel: str
    failures: int
    since: datetime | None
    last_error: str | None
    waiting: int

    def __str__(self) -> str:
        since = f" since {self.since.isoformat()}" if self.since else ""
        error = f": {self.last_error}" if self.last_error else ""
        return (f"{self.kind}: channel {self.channel} failed {self.failures} time(s) in a "
                f"row{since}; {self.waiting} alert(s) waiting{error}")


# --- rounds -------------------------------------------------------------------------------------


def deliver_due(engine: Engine, config: Config, now: datetime, *,
                rules: Sequence[AlertRule] | None = None) -> DeliveryReport:
    """Send every outbox message due at ``now``; what was done.

    Safe to call at any time and from a restarted process: rows already sent are never sent
    again, and rows of a crashed round are sent again under the same message key. Rows whose
    rule or channel is no longer configured stay pending, untouched.
    """
    rules = load_rules(config) if rules is None else rules
    settings = alert_settings(config)
    channels = {(rule.name, channel.id): (rule, channel)
                for rule in rules for channel in rule.channels}
    report = DeliveryReport()
    if not channels:
        return report
    install_redaction(channel.url for _, channel in channels.values())
    sessions = session_factory(engine)
    locking = engine.dialect.name == "postgresql"
    with sessions.begin() as session:
        groups = _due_groups(session, channels, now)
    for (rule_name, channel_id, _group), due in groups[:ROUND_LIMIT]:
        rule, channel = channels[(rule_name, channel_id)]
        if channel.id in report.channels_failed:
            continue
        if locking:
            with sessions.begin() as session:
                rows = _lock(session, due)
                if rows is None:
                    continue
                ids = [row.id for row in rows]
                outcome = _send_rows(session, rule, channel, rows)
                _mark(session, ids, rows, outcome, channel, rule, now,
                      settings.delivery_failing_after)
        else:
            with sessions.begin() as session:
                rows = _lock(session, due)
                events = _events(session, rows) if rows is not None else []
            if rows is None:
                continue
            ids = [row.id for row in rows]
            outcome = _send(rule, channel, rows, events)
            with sessions.begin() as session:
                _mark(session, ids, rows, outcome, channel, rule, now,
                      settings.delivery_failing_after)
        if outcome.ok:
            report.messages_sent += 1
            report.rows_sent += len(ids)
        else:
            report.messages_failed += 1
            report.channels_failed.add(channel.id)
    return report


def _due_groups(session: Session, channels: Mapping[tuple[str, str], Any],
                now: datetime) -> list[tuple[tuple[str, str, str], list[int]]]:
    rule_names = {rule for rule, _ in channels}
    channel_ids = {channel for _, channel in channels}
    rows = session.execute(
        select(AlertOutbox.id, AlertOutbox.rule, AlertOutbox.channel, AlertOutbox.group_key)
        .where(AlertOutbox.status == "pending", AlertOutbox.next_attempt_at <= now,
               AlertOutbox.rule.in_(rule_names), AlertOutbox.channel.in_(channel_ids))
        .order_by(AlertOutbox.id)
    )
    groups: dict[tuple[str, str, str], list[int]] = {}
    for row_id, rule, channel, group in rows:
        if (rule, channel) in channels:
            groups.setdefault((rule, channel, group), []).append(row_id)
    return list(groups.items())


def _lock(session: Session, ids: list[int]) -> list[AlertOutbox] | None:
    """The group's rows to send, locked on PostgreSQL; None when any is locked or no longer
    pending, or when every one's event was withdrawn.

    A row whose event a re-analysis withdrew is marked ``withdrawn`` here and never sent:
    re-analysis marks them itself, and this catches a row it could not (its event withdrawn
    after the round listed it, or by a run racing this one)."""
    rows = list(session.scalars(
        select(AlertOutbox)
        .where(AlertOutbox.id.in_(ids), AlertOutbox.status == "pending")
        .order_by(AlertOutbox.id)
        .with_for_update(skip_locked=True)
    ))
    if len(rows) != len(ids):
        return None
    withdrawn = set(session.scalars(
        select(ChangeEvent.id).where(ChangeEvent.id.in_({row.event_id for row in rows}),
                                     ChangeEvent.withdrawn_at.is_not(None))))
    if withdrawn:
        session.execute(
            update(AlertOutbox)
            .where(AlertOutbox.id.in_([row.id for row in rows if row.event_id in withdrawn]))
            .values(status="withdrawn"))
        logger.info("alert/withdrawn %d outbox row(s): their events were withdrawn",
                    sum(row.event_id in withdrawn for row in rows))
        rows = [row for row in rows if row.event_id not in withdrawn]
    return rows or None


def _events(session: Session, rows: Sequence[AlertOutbox]) -> list[ChangeEvent]:
    return list(session.scalars(
        select(ChangeEvent).where(ChangeEvent.id.in_([row.event_id for row in rows]))
        .order_by(ChangeEvent.id)
    ))


@dataclass(frozen=True)
class SendOutcome:
    ok: bool
    message_key: str
    error: str | None = None


def message_key(rows: Iterable[AlertOutbox]) -> str:
    """The key a message carries on every attempt: a hash of its rows' idempotency keys."""
    keys = sorted(row.idempotency_key for row in rows)
    return hashlib.sha256("|".join(keys).encode()).hexdigest()[:40]


def _send_rows(session: Session, rule: AlertRule, channel: Channel,
               rows: Sequence[AlertOutbox]) -> SendOutcome:
    return _send(rule, channel, rows, _events(session, rows))


def _send(rule: AlertRule, channel: Channel, rows: Sequence[AlertOutbox],
          events: Sequence[ChangeEvent]) -> SendOutcome:
    key = message_key(rows)
    bucket = rows[0].digest_bucket
    html = channel_takes_html(channel)
    try:
        message = render(rule, events, html=html, digest_bucket=bucket)
    except TemplateRefused as exc:
        logger.warning("rule %s: its template failed (%s); the built-in wording is used",
                       rule.name, exc)
        message = render_builtin(rule, events, html=html, digest_bucket=bucket)
    ok, error = send_message(channel, message, key)
    return SendOutcome(ok, key, error)


def _mark(session: Session, ids: list[int], rows: Sequence[AlertOutbox], outcome: SendOutcome,
          channel: Channel, rule: AlertRule, now: datetime, failing_after: int) -> None:
    attempts = max(row.attempts for row in rows) + 1
    if outcome.ok:
        session.execute(
            update(AlertOutbox).where(AlertOutbox.id.in_(ids)).values(
                status="sent", sent_at=now, attempts=attempts, last_error=None,
                message_key=outcome.message_key)
        )
        state = _channel_state(session, channel, rule)
        state.consecutive_failures = 0
        state.failing_since = None
        state.last_attempt_at = now
        state.last_success_at = now
        logger.info("alert/sent rule %s via %s: %d event(s), key %s", rule.name, channel.label,
                    len(ids), outcome.message_key)
        return
    wait = backoff(attempts)
    session.execute(
        update(AlertOutbox).where(AlertOutbox.id.in_(ids)).values(
            attempts=attempts, next_attempt_at=now + wait, last_error=outcome.error,
            message_key=outcome.message_key)
    )
    state = _channel_state(session, channel, rule)
    state.consecutive_failures += 1
    state.failing_since = state.failing_since or now
    state.last_attempt_at = now
    state.last_error = outcome.error
    if state.consecutive_failures >= failing_after:
        logger.warning("delivery_failing: rule %s channel %s failed %d time(s) in a row since "
                       "%s; %d event(s) wait, next attempt in %s: %s", rule.name, channel.label,
                       state.consecutive_failures, state.failing_since.isoformat(), len(ids),
                       wait, outcome.error)
    else:
        logger.info("alert/failed rule %s via %s (attempt %d), retry in %s: %s", rule.name,
                    channel.label, attempts, wait, outcome.error)


def _channel_state(session: Session, channel: Channel, rule: AlertRule) -> AlertChannel:
    state = session.get(AlertChannel, channel.id, with_for_update=True)
    if state is None:
        _insert_channel(session, channel, f"{channel.label} (rule {rule.name})")
        state = session.get(AlertChannel, channel.id, with_for_update=True)
        assert state is not None
    return state


def _insert_channel(session: Session, channel: Channel, label: str) -> None:
    values = {"channel": channel.id, "label": label[:200], "consecutive_failures": 0}
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(AlertChannel).values(**values).on_conflict_do_nothing())
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(sqlite_insert(AlertChannel).values(**values).on_conflict_do_nothing())


# --- sending --------------------------------------------------------------------------------------


def channel_takes_html(channel: Channel) -> bool:
    """Whether the channel's preferred body format is HTML (e-mail is)."""
    import apprise

    plugin = apprise.Apprise.instantiate(channel.url, asset=quiet_asset())
    if plugin is None:
        return False
    formats = plugin.notify_format
    preferred = formats[0] if isinstance(formats, (tuple, list)) else formats
    return bool(preferred == apprise.NotifyFormat.HTML)


def send_message(channel: Channel, message: Message, key: str) -> tuple[bool, str | None]:
    """Send one message with Apprise; (True, None) or (False, the reason, with URLs blanked)."""
    import apprise

    plugin = apprise.Apprise.instantiate(channel.url, asset=quiet_asset())
    if plugin is None:
        return False, f"Apprise cannot load the {channel.scheme} URL"
    headers = getattr(plugin, "headers", None)
    if isinstance(headers, dict):
        headers[IDEMPOTENCY_HEADER] = key
    extras = getattr(plugin, "payload_extras", None)
    if isinstance(extras, dict) and channel.scheme in ("json", "jsons"):
        extras["idempotency_key"] = key
    sender = apprise.Apprise(asset=quiet_asset())
    sender.add(plugin)
    format_ = apprise.NotifyFormat.HTML if message.body_format == "html" else (
        apprise.NotifyFormat.TEXT)
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
        try:
            ok = bool(sender.notify(body=message.body, title=message.title, body_format=format_))
        except Exception as exc:  # noqa: BLE001 (a plugin's crash is one failed attempt)
            ok = False
            captured.write(f"{type(exc).__name__}: {exc}\n")
    if ok:
        return True, None
    lines = [line.strip() for line in captured.getvalue().splitlines() if line.strip()]
    return False, redactor.blank(lines[-1] if lines else "the channel refused the message")[:500]


def send_test(config: Config, rule_name: str | None = None) -> list[tuple[str, str, bool, str]]:
    """Send a test message to each channel of the named rule (or of every rule).

    Returns (rule, channel label, ok, error) per channel; KeyError for an unknown rule name.
    The test message carries a fresh key each time, so receivers never drop it as a repeat.
    """
    rules = load_rules(config)
    if rule_name is not None:
        chosen = [rule for rule in rules if rule.name == rule_name]
        if not chosen:
            known = ", ".join(rule.name for rule in rules) or "none"
            raise KeyError(f"no alert rule {rule_name!r}; configured rules: {known}")
        rules = chosen
    install_redaction(channel.url for rule in rules for channel in rule.channels)
    results = []
    for rule in rules:
        for channel in rule.channels:
            html = channel_takes_html(channel)
            samples = sample_events()
            try:
                message = render(rule, samples, html=html)
            except TemplateRefused:
                message = render_builtin(rule, samples, html=html)
            message = Message(f"regwatch test alert ({rule.name}): {message.title}",
                              message.body, message.body_format)
            ok, error = send_message(channel, message, "test-" + secrets.token_hex(12))
            results.append((rule.name, channel.label, ok, error or ""))
    return results


# --- status ---------------------------------------------------------------------------------------


def delivery_warnings(session: Session, config: Config | None = None) -> list[DeliveryWarning]:
    """Channels that failed ``delivery_failing_after`` times in a row or more, worst first.

    For `regwatch status`; names channels by label (scheme and hash), never by URL.
    """
    threshold = alert_settings(config).delivery_failing_after if config else 3
    waiting = dict(session.execute(
        select(AlertOutbox.channel, func.count()).where(AlertOutbox.status == "pending")
        .group_by(AlertOutbox.channel)
    ).all())
    states = session.scalars(
        select(AlertChannel).where(AlertChannel.consecutive_failures >= threshold)
        .order_by(AlertChannel.consecutive_failures.desc(), AlertChannel.channel)
    )
    return [
        DeliveryWarning("delivery_failing", state.label, state.consecutive_failures,
                        state.failing_since, state.last_error, int(waiting.get(state.channel, 0)))
        for state in states
    ]
