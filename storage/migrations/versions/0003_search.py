"""The full-text search index over notices (see storage.search_index): trigram and short-gram lookups.

SQLite gets FTS5 tables over `notice_search` (trigram for terms of three characters or more,
unicode61 over the short grams), kept in step by triggers. PostgreSQL gets pg_trgm GIN
indexes on the title and text and a GIN index on the grams array. Existing notices are indexed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from storage.aware_datetime import AwareDateTime
from storage.search_index import rebuild_search_index

revision: str = "0003_search"
down_revision: str | Sequence[str] | None = "0002_findings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_INDEX = (
    (
        "CREATE VIRTUAL TABLE notice_search_fts USING fts5(title, body, "
        "content='notice_search', content_rowid='notice_id', tokenize='trigram')"
    ),
    (
        "CREATE VIRTUAL TABLE notice_search_grams USING fts5(grams, content='notice_search', "
        "content_rowid='notice_id', tokenize='unicode61 remove_diacritics 0')"
    ),
    """CREATE TRIGGER notice_search_after_insert AFTER INSERT ON notice_search BEGIN
         INSERT INTO notice_search_fts(rowid, title, body)
           VALUES (new.notice_id, new.title, new.body);
         INSERT INTO notice_search_grams(rowid, grams) VALUES (new.notice_id, new.grams);
       END""",
    """CREATE TRIGGER notice_search_after_delete AFTER DELETE ON notice_search BEGIN
         INSERT INTO notice_search_fts(notice_search_fts, rowid, title, body)
           VALUES ('delete', old.notice_id, old.title, old.body);
         INSERT INTO notice_search_grams(notice_search_grams, rowid, grams)
           VALUES ('delete', old.notice_id, old.grams);
       END""",
    """CREATE TRIGGER notice_search_after_update AFTER UPDATE ON notice_search BEGIN
         INSERT INTO notice_search_fts(notice_search_fts, rowid, title, body)
           VALUES ('delete', old.notice_id, old.title, old.body);
         INSERT INTO notice_search_grams(notice_search_grams, rowid, grams)
           VALUES ('delete', old.notice_id, old.grams);
         INSERT INTO notice_search_fts(rowid, title, body)
           VALUES (new.notice_id, new.title, new.body);
         INSERT INTO notice_search_grams(rowid, grams) VALUES (new.notice_id, new.grams);
       END""",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    grams_type: sa.types.TypeEngine[Any] = (
        sa.dialects.postgresql.ARRAY(sa.Text()) if dialect == "postgresql" else sa.Text()
    )
    op.create_table(
        "notice_search",
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column("published_at", AwareDateTime(), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("grams", grams_type, nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name="fk_notice_search_notice_id_notices"
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["notice_versions.id"],
            name="fk_notice_search_version_id_notice_versions",
        ),
        sa.PrimaryKeyConstraint("notice_id", name="pk_notice_search"),
    )
    # Lists without a query walk these newest first; one source's list uses the second.
    op.create_index("ix_notice_search_published_at", "notice_search", ["published_at"])
    op.create_index(
        "ix_notice_search_source_id_published_at", "notice_search", ["source_id", "published_at"]
    )
    op.create_index("ix_notice_search_version_id", "notice_search", ["version_id"])
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema = op.get_bind().scalar(
            sa.text(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
            )
        )
        # Qualified: the extension may live in a schema outside this archive's search_path.
        opclass = f'"{schema}".gin_trgm_ops'
        op.execute(
            f"CREATE INDEX ix_notice_search_title_trgm ON notice_search USING gin (title {opclass})"
        )
        op.execute(
            f"CREATE INDEX ix_notice_search_body_trgm ON notice_search USING gin (body {opclass})"
        )
        op.execute("CREATE INDEX ix_notice_search_grams ON notice_search USING gin (grams)")
    else:
        for statement in _SQLITE_INDEX:
            op.execute(statement)
    rebuild_search_index(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS notice_search_after_{trigger}")
        op.execute("DROP TABLE IF EXISTS notice_search_fts")
        op.execute("DROP TABLE IF EXISTS notice_search_grams")
    # pg_trgm stays: other databases' objects on the server may use it.
    op.drop_table("notice_search")
