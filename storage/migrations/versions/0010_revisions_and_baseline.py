"""figures.revised_from and revised_at, change_events.baseline.

A figure a notice's later version edited in place carries the value it replaced and when the
edit was archived, so every view of it can say it was revised. An event written by a source's
first crawl (its back catalogue) is marked ``baseline``: kept, but left out of the events page,
feeds and alerts unless asked for. Events archived before this migration are marked as their
crawl run was: the source's first run that archived its list.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_revisions_and_baseline"
down_revision: str | Sequence[str] | None = "0009_notice_listings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A run that archived the source's list: finished ok, or unhealthy having seen notices (as
# alerts.outbox.is_baseline_run counts them).
_BACKFILL = """
UPDATE change_events SET baseline = :yes WHERE version_id IN (
  SELECT v.id FROM notice_versions v JOIN crawl_runs r ON r.id = v.crawl_run_id
  WHERE NOT EXISTS (
    SELECT 1 FROM crawl_runs e WHERE e.source_id = r.source_id AND e.id < r.id
    AND (e.status = 'ok' OR (e.status = 'unhealthy' AND e.new_count + e.changed_count
         + e.unchanged_count + e.not_modified_count > 0))))
"""


def upgrade() -> None:
    with op.batch_alter_table("figures") as figures:
        figures.add_column(sa.Column("revised_from", sa.Numeric(30, 6), nullable=True))
        figures.add_column(sa.Column("revised_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("change_events") as events:
        events.add_column(sa.Column("baseline", sa.Boolean(), nullable=False,
                                    server_default=sa.false()))
    op.execute(sa.text(_BACKFILL).bindparams(yes=True))


def downgrade() -> None:
    with op.batch_alter_table("change_events") as events:
        events.drop_column("baseline")
    with op.batch_alter_table("figures") as figures:
        figures.drop_column("revised_at")
        figures.drop_column("revised_from")
