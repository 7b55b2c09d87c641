"""change_events.withdrawn_at and withdrawn_reason; the outbox status ``withdrawn``.

An event a re-analysis no longer finds is withdrawn rather than deleted: the row stays, so
the alerts already sent for it stay on record with the event they told of; its outbox rows
not yet sent become ``withdrawn`` and are never sent. A later re-analysis that finds it again
clears ``withdrawn_at``. Events archived before this migration are all current.

Downgrading drops the two columns, so a withdrawn event reads as current again; its
``withdrawn`` outbox rows become ``failed`` (never sent, and never to be), the one status
before this revision that says so.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_withdrawn_events"
down_revision: str | Sequence[str] | None = "0015_version_analyses"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As storage.models.OUTBOX_STATUSES was before and after this revision.
_BEFORE = ("pending", "sent", "failed")
_AFTER = ("pending", "sent", "failed", "withdrawn")


def _known(statuses: Sequence[str]) -> str:
    return "status IN (" + ", ".join(f"'{status}'" for status in statuses) + ")"


def upgrade() -> None:
    with op.batch_alter_table("change_events") as events:
        events.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        events.add_column(sa.Column("withdrawn_reason", sa.String(length=200), nullable=True))
    _check_statuses(_AFTER)


def downgrade() -> None:
    op.execute("UPDATE alert_outbox SET status = 'failed', last_error = 'withdrawn: its event "
               "was no longer found on re-analysis' WHERE status = 'withdrawn'")
    _check_statuses(_BEFORE)
    # Not rebuilt on SQLite (ALTER TABLE ... DROP COLUMN, SQLite 3.35 or later): dropping the
    # table the outbox refers to, to rebuild it, breaks the outbox rows' foreign keys.
    with op.batch_alter_table("change_events", recreate="never") as events:
        events.drop_column("withdrawn_reason")
        events.drop_column("withdrawn_at")


def _check_statuses(statuses: Sequence[str]) -> None:
    with op.batch_alter_table("alert_outbox") as outbox:
        outbox.drop_constraint(op.f("ck_alert_outbox_status_known"), type_="check")
        outbox.create_check_constraint(op.f("ck_alert_outbox_status_known"), _known(statuses))
