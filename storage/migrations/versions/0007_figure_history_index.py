"""figures (source_id, metric, period_kind, published_at), replacing (source_id, metric,
period_kind), which it extends.

The figures a new notice is compared with are its source's figures of the same metrics and
kinds of period published before it. On a source's first crawl notices arrive newest first, so
almost every figure the older index gave was published later and read only to be dropped: at
3,000 notices the writer spent 14% more per notice than with the publication time in the index.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007_figure_history_index"
down_revision: str | Sequence[str] | None = "0006_query_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_figures_source_id_metric_period_kind_published_at"),
        "figures",
        ["source_id", "metric", "period_kind", "published_at"],
        unique=False,
    )
    op.drop_index(op.f("ix_figures_source_id_metric_period_kind"), table_name="figures")


def downgrade() -> None:
    op.create_index(
        op.f("ix_figures_source_id_metric_period_kind"),
        "figures",
        ["source_id", "metric", "period_kind"],
        unique=False,
    )
    op.drop_index(op.f("ix_figures_source_id_metric_period_kind_published_at"),
                  table_name="figures")
