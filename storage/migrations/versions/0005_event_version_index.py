"""An index on change_events.version_id.

The pipeline asks "has this version been analysed already?" once per notice it records; without
an index that question scans every event of the archive.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005_event_version_index"
down_revision: str | Sequence[str] | None = "0004_alert_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_change_events_version_id"), "change_events", ["version_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_change_events_version_id"), table_name="change_events")
