"""Archive tables: sources, notices, notice versions, crawl runs, fetch problems.

Also installs, on each backend, a trigger that refuses any UPDATE of a notice version, so
history stays append-only even for writers that bypass the ORM. A later SQLite batch migration
that copies notice_versions drops its triggers and must create this one again.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_archive_tables"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMMUTABLE_MESSAGE = "notice_versions rows are immutable; record a new version instead"


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("authority", sa.String(100), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("base_url", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
    )
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("published_at", _when(), nullable=True),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("first_seen_at", _when(), nullable=False),
        sa.Column("last_seen_at", _when(), nullable=False),
        sa.Column("last_checked_at", _when(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_notices_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint("source_id", "url", name=op.f("uq_notices_source_id_url")),
    )
    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("started_at", _when(), nullable=False),
        sa.Column("finished_at", _when(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("new_count", sa.Integer(), nullable=False),
        sa.Column("changed_count", sa.Integer(), nullable=False),
        sa.Column("unchanged_count", sa.Integer(), nullable=False),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column("not_modified_count", sa.Integer(), nullable=False),
        sa.Column("requests_count", sa.Integer(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "status IN ('running', 'ok', 'failed', 'unhealthy')",
            name=op.f("ck_crawl_runs_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_crawl_runs_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_runs")),
    )
    op.create_index(
        op.f("ix_crawl_runs_source_id_started_at"), "crawl_runs", ["source_id", "started_at"]
    )
    op.create_table(
        "notice_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("published_at", _when(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("raw_gz", sa.LargeBinary(), nullable=False),
        sa.Column("raw_sha256", sa.String(64), nullable=False),
        sa.Column("raw_size", sa.Integer(), nullable=False),
        sa.Column("encoding", sa.String(40), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=False),
        sa.Column("http_headers", sa.JSON(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("fetched_at", _when(), nullable=False),
        sa.Column("crawl_run_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("number >= 1", name=op.f("ck_notice_versions_number_positive")),
        sa.ForeignKeyConstraint(
            ["crawl_run_id"],
            ["crawl_runs.id"],
            name=op.f("fk_notice_versions_crawl_run_id_crawl_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_notice_versions_notice_id_notices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_versions")),
        sa.UniqueConstraint(
            "notice_id", "number", name=op.f("uq_notice_versions_notice_id_number")
        ),
    )
    op.create_index(op.f("ix_notice_versions_crawl_run_id"), "notice_versions", ["crawl_run_id"])
    op.create_table(
        "fetch_problems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", _when(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name=op.f("fk_fetch_problems_run_id_crawl_runs")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_fetch_problems_source_id_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fetch_problems")),
    )
    op.create_index(op.f("ix_fetch_problems_source_id_at"), "fetch_problems", ["source_id", "at"])
    op.create_index(op.f("ix_fetch_problems_run_id"), "fetch_problems", ["run_id"])
    _create_immutability_trigger()


def downgrade() -> None:
    _drop_immutability_trigger()
    op.drop_index(op.f("ix_fetch_problems_run_id"), table_name="fetch_problems")
    op.drop_index(op.f("ix_fetch_problems_source_id_at"), table_name="fetch_problems")
    op.drop_table("fetch_problems")
    op.drop_index(op.f("ix_notice_versions_crawl_run_id"), table_name="notice_versions")
    op.drop_table("notice_versions")
    op.drop_index(op.f("ix_crawl_runs_source_id_started_at"), table_name="crawl_runs")
    op.drop_table("crawl_runs")
    op.drop_table("notices")
    op.drop_table("sources")


def _create_immutability_trigger() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER notice_versions_immutable BEFORE UPDATE ON notice_versions "
            f"BEGIN SELECT RAISE(ABORT, '{IMMUTABLE_MESSAGE}'); END"
        )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION notice_versions_refuse_update() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{IMMUTABLE_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER notice_versions_immutable BEFORE UPDATE ON notice_versions "
            "FOR EACH ROW EXECUTE FUNCTION notice_versions_refuse_update()"
        )
    else:
        raise NotImplementedError(f"no immutability trigger written for {dialect}")


def _drop_immutability_trigger() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER notice_versions_immutable")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER notice_versions_immutable ON notice_versions")
        op.execute("DROP FUNCTION notice_versions_refuse_update()")
