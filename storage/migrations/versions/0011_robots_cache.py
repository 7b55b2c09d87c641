"""robots_cache: each origin's robots.txt as last fetched, shared by every crawl and engine.

RFC 9309 lets a crawler use a fetched robots.txt for up to 24 hours; a crawl of a source used to
fetch it again every time.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_robots_cache"
down_revision: str | Sequence[str] | None = "0013_figure_roles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "robots_cache",
        sa.Column("origin", sa.String(length=300), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("origin", name=op.f("pk_robots_cache")),
    )


def downgrade() -> None:
    op.drop_table("robots_cache")
