"""version_analyses: which extractor version read each notice version, and whether it failed;
an index on figures.part_of_id.

``regwatch reanalyse`` takes the versions analysed by an older extractor, or on which the
extractor failed, and replaces their findings. A version archived before this migration gets a
row only where its findings tell which extractor read them (every figure and mention of it
carries the same ``extractor_version``; ``analysed_at`` is then its fetch time). A version
without findings gets none: whether the extractor found nothing or failed on it is not
recorded, so the next ``regwatch reanalyse`` reads it again.

``figures.part_of_id`` gets an index: deleting a version's figures (re-analysing it) checks
that no part refers to each, which without one reads the whole table per figure.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_version_analyses"
down_revision: str | Sequence[str] | None = "0014_cluster"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BACKFILL = """
INSERT INTO version_analyses (version_id, extractor_version, error, analysed_at)
SELECT found.version_id, MIN(found.extractor_version), NULL, v.fetched_at
FROM (SELECT version_id, extractor_version FROM figures
      UNION SELECT version_id, extractor_version FROM platform_mentions) found
JOIN notice_versions v ON v.id = found.version_id
GROUP BY found.version_id, v.fetched_at
HAVING COUNT(DISTINCT found.extractor_version) = 1
"""


def upgrade() -> None:
    op.create_table(
        "version_analyses",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("extractor_version", sa.String(length=32), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("analysed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["notice_versions.id"],
                                name=op.f("fk_version_analyses_version_id_notice_versions")),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_version_analyses")),
    )
    op.execute(_BACKFILL)
    op.create_index(op.f("ix_figures_part_of_id"), "figures", ["part_of_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_figures_part_of_id"), table_name="figures")
    op.drop_table("version_analyses")
