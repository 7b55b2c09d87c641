"""figures.role, party, part_of_id and other_spans; platform_mentions.operator.

What a money figure is (a fine, a total, a part of one, a confiscation, a sales base, ...),
whom it is about, the total a part sums to and where the notice states it again; and the
developer an app table names for a mention. Figures archived before have none of these: their
role, party and operator stay NULL (the extractor then did not tell), and series and events
read a NULL role as the fine it was then taken for.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_figure_roles"
down_revision: str | Sequence[str] | None = "0008_scheduler_overruns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("figures") as batch:
        batch.add_column(sa.Column("role", sa.String(length=24), nullable=True))
        batch.add_column(sa.Column("party", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("part_of_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("other_spans", sa.JSON(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_figures_part_of_id_figures"), "figures", ["part_of_id"], ["id"])
    with op.batch_alter_table("platform_mentions") as batch:
        batch.add_column(sa.Column("operator", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("platform_mentions") as batch:
        batch.drop_column("operator")
    with op.batch_alter_table("figures") as batch:
        batch.drop_constraint(op.f("fk_figures_part_of_id_figures"), type_="foreignkey")
        batch.drop_column("other_spans")
        batch.drop_column("part_of_id")
        batch.drop_column("party")
        batch.drop_column("role")
