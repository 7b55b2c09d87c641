"""notice_listings: a notice is one document, whichever sources list it.

Until now a notice was one source's page: an article two channels list (CAC publishes one
bulletin in 网信发布 and 互联网内容管理) was two notices, each with its versions, findings and
events. This migration merges the notices that share a URL into the one found first and
records every source that listed them as a listing:

- every version of the group is kept, re-pointed to the kept notice and numbered again by
  when it was fetched (versions with the same content stay: they are what was fetched);
- figures, platform mentions and change events are re-pointed, none is dropped;
- the kept notice's dates span the group's, its title follows its latest version, and its
  search row is written again;
- ``notices.url`` becomes unique, ``notices.fetched_url`` holds a mirror's URL (None before),
  and ``notice_versions.content_hash`` is indexed (a page at a new path finds its notice).

Version rows are immutable (a trigger refuses UPDATE); the trigger is lifted for the merge
and installed again in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.aware_datetime import AwareDateTime
from storage.search_index import reindex_notices

revision: str = "0009_notice_listings"
down_revision: str | Sequence[str] | None = "0008_scheduler_overruns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMMUTABLE_MESSAGE = "notice_versions rows are immutable; record a new version instead"
# Tables whose rows belong to a notice; a merged notice's rows move to the kept one.
NOTICE_ROWS = ("figures", "platform_mentions", "change_events")
# Numbers a version holds while its group is numbered again, clear of every real number.
RENUMBERING = 1_000_000_000


def upgrade() -> None:
    op.add_column("notices", sa.Column("fetched_url", sa.Text(), nullable=True))
    op.create_table(
        "notice_listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("first_seen_at", AwareDateTime(), nullable=False),
        sa.Column("last_seen_at", AwareDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notices.id"],
                                name=op.f("fk_notice_listings_notice_id_notices")),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"],
                                name=op.f("fk_notice_listings_source_id_sources")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_listings")),
        sa.UniqueConstraint("url", "source_id", name=op.f("uq_notice_listings_url_source_id")),
    )
    op.create_index(op.f("ix_notice_listings_notice_id"), "notice_listings", ["notice_id"])
    op.create_index(op.f("ix_notice_listings_source_id_notice_id"), "notice_listings",
                    ["source_id", "notice_id"])
    op.create_index(op.f("ix_notice_versions_content_hash"), "notice_versions",
                    ["content_hash"])

    connection = op.get_bind()
    # Every notice row becomes a listing of the notice its URL is kept under.
    connection.execute(sa.text(
        "INSERT INTO notice_listings (notice_id, source_id, url, first_seen_at, last_seen_at) "
        "SELECT kept.id, n.source_id, n.url, n.first_seen_at, n.last_seen_at FROM notices n "
        "JOIN (SELECT url, MIN(id) AS id FROM notices GROUP BY url) kept ON kept.url = n.url"
    ))
    groups = _duplicate_groups(connection)
    if groups:
        _drop_immutability_trigger()
        for kept, merged in groups:
            _merge(connection, kept, merged)
        _create_immutability_trigger()
        reindex_notices(connection, [kept for kept, _ in groups])
    op.create_index("uq_notices_url", "notices", ["url"], unique=True)


def downgrade() -> None:
    # Merged notices stay merged: their rows cannot be told apart again.
    op.drop_index("uq_notices_url", table_name="notices")
    op.drop_index(op.f("ix_notice_versions_content_hash"), table_name="notice_versions")
    op.drop_index(op.f("ix_notice_listings_source_id_notice_id"), table_name="notice_listings")
    op.drop_index(op.f("ix_notice_listings_notice_id"), table_name="notice_listings")
    op.drop_table("notice_listings")
    # A plain DROP COLUMN (SQLite 3.35 and later): a batch copy of ``notices`` would drop the
    # table that figures, versions and events reference, which SQLite's foreign keys refuse.
    op.drop_column("notices", "fetched_url")


def _duplicate_groups(connection: sa.Connection) -> list[tuple[int, list[int]]]:
    """(kept notice id, ids merged into it) for each URL held by more than one notice."""
    rows = connection.execute(sa.text(
        "SELECT id, url FROM notices WHERE url IN "
        "(SELECT url FROM notices GROUP BY url HAVING COUNT(*) > 1) ORDER BY url, id"
    )).all()
    by_url: dict[str, list[int]] = {}
    for notice_id, url in rows:
        by_url.setdefault(url, []).append(notice_id)
    return [(ids[0], ids[1:]) for ids in by_url.values()]


def _merge(connection: sa.Connection, kept: int, merged: list[int]) -> None:
    group = [kept, *merged]
    ids: sa.BindParameter[list[int]] = sa.bindparam("ids", expanding=True)
    versions = connection.execute(sa.text(
        "SELECT id FROM notice_versions WHERE notice_id IN :ids ORDER BY fetched_at, id"
    ).bindparams(ids), {"ids": group}).scalars().all()
    # Twice: no two versions of the kept notice may share a number at any moment.
    for offset in (RENUMBERING, 0):
        connection.execute(
            sa.text("UPDATE notice_versions SET notice_id = :kept, number = :number "
                    "WHERE id = :id"),
            [{"kept": kept, "number": offset + number, "id": version_id}
             for number, version_id in enumerate(versions, start=1)],
        )
    for table in NOTICE_ROWS:
        connection.execute(sa.text(
            f"UPDATE {table} SET notice_id = :kept WHERE notice_id IN :ids"
        ).bindparams(ids), {"kept": kept, "ids": merged})
    connection.execute(sa.text("DELETE FROM notice_search WHERE notice_id IN :ids")
                       .bindparams(ids), {"ids": merged})

    # Before the merged rows go: the kept notice's dates span the group's, its validators
    # are those of the last check, its title and date its latest version's.
    group_rows = "FROM notices g WHERE g.id IN :ids"
    connection.execute(sa.text(
        f"UPDATE notices SET first_seen_at = (SELECT MIN(g.first_seen_at) {group_rows}), "
        f"last_seen_at = (SELECT MAX(g.last_seen_at) {group_rows}), "
        f"last_checked_at = (SELECT MAX(g.last_checked_at) {group_rows}), "
        f"etag = (SELECT g.etag {group_rows} ORDER BY g.last_checked_at DESC, g.id DESC LIMIT 1), "
        f"last_modified = (SELECT g.last_modified {group_rows} "
        "ORDER BY g.last_checked_at DESC, g.id DESC LIMIT 1), "
        "title = (SELECT v.title FROM notice_versions v WHERE v.notice_id = :kept "
        "ORDER BY v.number DESC LIMIT 1), "
        "published_at = (SELECT v.published_at FROM notice_versions v WHERE v.notice_id = :kept "
        "ORDER BY v.number DESC LIMIT 1) "
        "WHERE id = :kept"
    ).bindparams(ids), {"kept": kept, "ids": group})
    connection.execute(sa.text("DELETE FROM notices WHERE id IN :ids").bindparams(ids),
                       {"ids": merged})


def _create_immutability_trigger() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER notice_versions_immutable BEFORE UPDATE ON notice_versions "
            f"BEGIN SELECT RAISE(ABORT, '{IMMUTABLE_MESSAGE}'); END"
        )
    else:
        op.execute(
            "CREATE FUNCTION notice_versions_refuse_update() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{IMMUTABLE_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER notice_versions_immutable BEFORE UPDATE ON notice_versions "
            "FOR EACH ROW EXECUTE FUNCTION notice_versions_refuse_update()"
        )


def _drop_immutability_trigger() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER notice_versions_immutable")
    else:
        op.execute("DROP TRIGGER notice_versions_immutable ON notice_versions")
        op.execute("DROP FUNCTION notice_versions_refuse_update()")
