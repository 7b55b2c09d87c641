"""The alert tables: the outbox of messages owed to each channel, and each channel's health.

They share :class:`storage.models.Base`, so the archive's migrations and its models-versus-
migrations check cover them too (migration ``0004_alert_outbox``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base

OUTBOX_STATUSES = ("pending", "sent", "failed")


class AlertOutbox(Base):
    """One change event owed to one channel of one rule.

    Written in the transaction that writes the event, so an event and the alerts it causes
    exist together or not at all. ``channel`` is a hash of the Apprise URL: the URL holds
    secrets and stays in the configuration only. ``group_key`` says which rows travel in one
    message (one notice version, one digest bucket, or one event alone). A row is never
    deleted; ``failed`` means its rule or channel is no longer configured, so it cannot be sent.
    """

    __tablename__ = "alert_outbox"
    __table_args__ = (
        UniqueConstraint("idempotency_key"),
        UniqueConstraint("rule", "event_id", "channel"),
        CheckConstraint(
            "status IN (" + ", ".join(f"'{status}'" for status in OUTBOX_STATUSES) + ")",
            name="status_known",
        ),
        Index(None, "status", "next_attempt_at"),
        Index(None, "event_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule: Mapped[str] = mapped_column(String(100))
    event_id: Mapped[int] = mapped_column(ForeignKey("change_events.id"))
    source_id: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(64))
    group_key: Mapped[str] = mapped_column(String(100))
    digest_bucket: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    message_key: Mapped[str | None] = mapped_column(String(64))


class AlertChannel(Base):
    """How delivery to one channel (by URL hash) has gone lately; feeds ``delivery_failing``."""

    __tablename__ = "alert_channels"

    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    failing_since: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_attempt_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
