"""Indexes for archive queries at a million notices.

- PostgreSQL: notice_search in the order lists use (newest first with undated notices last,
  oldest first with them first). A plain published_at index gives NULLs at the wrong end for
  both, so every list sorted the whole table.
- figures (metric, period, scope, unit, published_at, id), replacing (metric, period), which it
  extends: a metric's series reads each period's latest figure and the notices behind one
  point from it.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006_query_indexes"
down_revision: str | Sequence[str] | None = "0005_event_version_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_figures_metric_period_scope_unit_published_at_id"),
        "figures",
        ["metric", "period", "scope", "unit", "published_at", "id"],
        unique=False,
    )
    op.drop_index(op.f("ix_figures_metric_period"), table_name="figures")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_notice_search_newest ON notice_search "
            "(published_at DESC NULLS LAST, notice_id DESC)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_notice_search_newest")
    op.create_index(
        op.f("ix_figures_metric_period"), "figures", ["metric", "period"], unique=False
    )
    op.drop_index(
        op.f("ix_figures_metric_period_scope_unit_published_at_id"), table_name="figures"
    )
