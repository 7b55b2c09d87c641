"""figures.role, party, part_of_id and other_spans; platform_mentions.operator and
platform_key.

What a money figure is (a fine, a total, a part of one, a confiscation, a sales base, ...),
whom it is about, the total a part sums to and where the notice states it again; and the
developer an app table names for a mention. Figures archived before have none of these: their
role, party and operator stay NULL (the extractor then did not tell), and series and events
read a NULL role as the fine it was then taken for.

``platform_key`` identifies a mention's platform across notices: the registry id, or
``name:`` and the normalised name for a name the registry does not know. Existing mentions get
theirs here (the normalising is :func:`diffing.compare.unknown_name`'s, run once per name).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_figure_roles"
down_revision: str | Sequence[str] | None = "0012_source_definitions"
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
        batch.add_column(sa.Column("platform_key", sa.String(length=210), nullable=True))
        batch.create_index(op.f("ix_platform_mentions_platform_key_published_at"),
                           ["platform_key", "published_at"], unique=False)
    _fill_platform_keys()


def _fill_platform_keys() -> None:
    from diffing.compare import mention_key

    mentions = sa.table("platform_mentions", sa.column("platform_id", sa.String),
                        sa.column("name", sa.String), sa.column("platform_key", sa.String))
    bind = op.get_bind()
    bind.execute(sa.update(mentions).where(mentions.c.platform_id.is_not(None))
                 .values(platform_key=mentions.c.platform_id))
    names = [name for (name,) in bind.execute(
        sa.select(mentions.c.name).where(mentions.c.platform_id.is_(None)).distinct())]
    if names:
        bind.execute(
            sa.update(mentions)
            .where(mentions.c.platform_id.is_(None), mentions.c.name == sa.bindparam("written"))
            .values(platform_key=sa.bindparam("key")),
            [{"written": name, "key": mention_key(None, name)} for name in names])


def downgrade() -> None:
    with op.batch_alter_table("platform_mentions") as batch:
        batch.drop_index(op.f("ix_platform_mentions_platform_key_published_at"))
        batch.drop_column("platform_key")
        batch.drop_column("operator")
    with op.batch_alter_table("figures") as batch:
        batch.drop_constraint(op.f("fk_figures_part_of_id_figures"), type_="foreignkey")
        batch.drop_column("other_spans")
        batch.drop_column("part_of_id")
        batch.drop_column("party")
        batch.drop_column("role")
