"""crawl_dispatches, cluster_workers, host_turns, and the crawl run status "interrupted".

For `regwatch serve` with a message broker and its `regwatch worker`s: the crawls handed to the
broker and not yet finished, each worker's heartbeat, and each host's last request across
workers. A crawl run whose process died and which ran again elsewhere is "interrupted".
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_cluster"
down_revision: str | Sequence[str] | None = "0011_robots_cache"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES_BEFORE = ("running", "ok", "failed", "unhealthy")
STATUSES = (*STATUSES_BEFORE, "interrupted")


def _status_check(statuses: tuple[str, ...]) -> str:
    return "status IN (" + ", ".join(f"'{status}'" for status in statuses) + ")"


def _change_status_check(statuses: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _change_sqlite_status_check(statuses)
        return
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_constraint(op.f("ck_crawl_runs_status_known"), type_="check")
        batch.create_check_constraint("status_known", _status_check(statuses))


def _change_sqlite_status_check(statuses: tuple[str, ...]) -> None:
    """SQLite changes a CHECK by copying the table, and dropping crawl_runs, which
    notice_versions and fetch_problems refer to, breaks their foreign keys inside the
    migration's transaction. A CHECK does not change how rows are stored, so the table's
    definition is edited in place, as SQLite documents for such changes ("Making Other Kinds
    Of Table Schema Changes"), with the schema version raised so every connection reads it
    again."""
    bind = op.get_bind()
    sql = str(bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'crawl_runs'").scalar())
    old = next(_status_check(each) for each in (STATUSES, STATUSES_BEFORE)
               if _status_check(each) in sql)
    version = int(bind.exec_driver_sql("PRAGMA schema_version").scalar() or 0)
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'crawl_runs'",
        (sql.replace(old, _status_check(statuses)),))
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    op.create_table(
        "crawl_dispatches",
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column("dispatch_id", sa.String(length=64), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("worker", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("source_id", name=op.f("pk_crawl_dispatches")),
    )
    op.create_table(
        "cluster_workers",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("crawls", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_workers")),
    )
    op.create_table(
        "host_turns",
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("last_request_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delay", sa.Numeric(asdecimal=False), nullable=False),
        sa.PrimaryKeyConstraint("host", name=op.f("pk_host_turns")),
    )
    _change_status_check(STATUSES)


def downgrade() -> None:
    op.execute("UPDATE crawl_runs SET status = 'failed' WHERE status = 'interrupted'")
    _change_status_check(STATUSES_BEFORE)
    op.drop_table("host_turns")
    op.drop_table("cluster_workers")
    op.drop_table("crawl_dispatches")
