"""The alert outbox (storage.models): messages owed to each channel, and each channel's health."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_alert_outbox"
down_revision: str | Sequence[str] | None = "0003_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As storage.models.OUTBOX_STATUSES (then alerts.models) was when this revision was written.
OUTBOX_STATUSES = ("pending", "sent", "failed")


def upgrade() -> None:
    op.create_table(
        "alert_channels",
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("failing_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_alert_channels")),
    )
    op.create_table(
        "alert_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=100), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("group_key", sa.String(length=100), nullable=False),
        sa.Column("digest_bucket", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_key", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "status IN (" + ", ".join(f"'{status}'" for status in OUTBOX_STATUSES) + ")",
            name=op.f("ck_alert_outbox_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["change_events.id"], name=op.f("fk_alert_outbox_event_id_change_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_alert_outbox_idempotency_key")),
        sa.UniqueConstraint(
            "rule", "event_id", "channel", name=op.f("uq_alert_outbox_rule_event_id_channel")
        ),
    )
    op.create_index(op.f("ix_alert_outbox_event_id"), "alert_outbox", ["event_id"])
    op.create_index(
        op.f("ix_alert_outbox_status_next_attempt_at"), "alert_outbox",
        ["status", "next_attempt_at"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_alert_outbox_status_next_attempt_at"), table_name="alert_outbox")
    op.drop_index(op.f("ix_alert_outbox_event_id"), table_name="alert_outbox")
    op.drop_table("alert_outbox")
    op.drop_table("alert_channels")
