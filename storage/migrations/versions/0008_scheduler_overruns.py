"""scheduler_overruns: the runs the service skipped because a crawl overran, under Alembic.

The service used to create this table itself (``MetaData.create_all`` at start-up), outside
the archive's migrations. An archive that a service has already served has the table, with the
same columns and index, so this migration creates it only where it is missing and leaves the
rows of one that exists alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_scheduler_overruns"
down_revision: str | Sequence[str] | None = "0007_figure_history_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "scheduler_overruns"
INDEX = "ix_scheduler_overruns_source_id"


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table(TABLE):
        op.create_table(
            TABLE,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("source_id", sa.String(length=64), nullable=False),
            sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("running_since", sa.DateTime(timezone=True), nullable=True),
            sa.Column("noted_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduler_overruns")),
        )
    if INDEX not in {index["name"] for index in inspector.get_indexes(TABLE)}:
        op.create_index(op.f(INDEX), TABLE, ["source_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f(INDEX), table_name=TABLE)
    op.drop_table(TABLE)
