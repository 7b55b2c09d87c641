"""What extraction finds in notice versions: figures, platform mentions, and change events."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_findings"
down_revision: str | Sequence[str] | None = "0001_archive_tables"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As storage.models.EVENT_KINDS was when this revision was written.
EVENT_KINDS = (
    "notice_new",
    "notice_edited",
    "figure_reported",
    "figure_changed",
    "metric_new",
    "metric_dropped",
    "platform_named",
    "source_unhealthy",
    "source_recovered",
    "bulletin_overdue",
    "notice_withdrawn",
)


def upgrade() -> None:
    op.create_table(
        "change_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary_en", sa.Text(), nullable=False),
        sa.Column("summary_zh", sa.Text(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "kind IN (" + ", ".join(f"'{kind}'" for kind in EVENT_KINDS) + ")",
            name=op.f("ck_change_events_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_change_events_notice_id_notices")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_change_events_source_id_sources")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["notice_versions.id"],
            name=op.f("fk_change_events_version_id_notice_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_events")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_change_events_dedupe_key")),
    )
    with op.batch_alter_table("change_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_change_events_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_change_events_notice_id"), ["notice_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_change_events_source_id_kind"), ["source_id", "kind"], unique=False
        )

    op.create_table(
        "figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column("metric", sa.String(length=64), nullable=True),
        sa.Column("value", sa.Numeric(precision=30, scale=6), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("currency", sa.String(length=8), nullable=True),
        sa.Column("period", sa.String(length=16), nullable=True),
        sa.Column("period_kind", sa.String(length=8), nullable=True),
        sa.Column("scope", sa.String(length=100), nullable=True),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("extractor_version", sa.String(length=32), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_figures_notice_id_notices")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_figures_source_id_sources")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["notice_versions.id"],
            name=op.f("fk_figures_version_id_notice_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figures")),
    )
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_figures_metric_period"), ["metric", "period"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_figures_source_id_metric_period_kind"),
            ["source_id", "metric", "period_kind"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_figures_version_id"), ["version_id"], unique=False)

    op.create_table(
        "platform_mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column("platform_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=True),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=30, scale=6), nullable=True),
        sa.Column("currency", sa.String(length=8), nullable=True),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("extractor_version", sa.String(length=32), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_platform_mentions_notice_id_notices")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_platform_mentions_source_id_sources")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["notice_versions.id"],
            name=op.f("fk_platform_mentions_version_id_notice_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_mentions")),
    )
    with op.batch_alter_table("platform_mentions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_platform_mentions_platform_id_published_at"),
            ["platform_id", "published_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_platform_mentions_version_id"), ["version_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("platform_mentions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_platform_mentions_version_id"))
        batch_op.drop_index(batch_op.f("ix_platform_mentions_platform_id_published_at"))

    op.drop_table("platform_mentions")
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_figures_version_id"))
        batch_op.drop_index(batch_op.f("ix_figures_source_id_metric_period_kind"))
        batch_op.drop_index(batch_op.f("ix_figures_metric_period"))

    op.drop_table("figures")
    with op.batch_alter_table("change_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_events_source_id_kind"))
        batch_op.drop_index(batch_op.f("ix_change_events_notice_id"))
        batch_op.drop_index(batch_op.f("ix_change_events_created_at"))

    op.drop_table("change_events")
