"""The archive's sources: each one's health, notice count and next scheduled crawl."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import distinct, func, inspect, select, text
from sqlalchemy.orm import Session

from storage import archive
from storage.models import NoticeListing, Source

# The scheduler's APScheduler job store: job ids are this prefix and the source id.
SCHEDULER_JOBS_TABLE = "apscheduler_jobs"
SCHEDULER_JOB_PREFIX = "crawl:"


@dataclass(frozen=True)
class SourceOverview:
    source: Source
    health: archive.SourceHealth | None
    notices: int
    next_run: datetime | None


def source_overviews(session: Session) -> list[SourceOverview]:
    """Every source in the archive with its health, notice count and next scheduled run."""
    health = archive.source_health(session)
    counts = dict(
        session.execute(
            select(NoticeListing.source_id, func.count(distinct(NoticeListing.notice_id)))
            .group_by(NoticeListing.source_id)
        ).all()
    )
    next_runs = scheduled_runs(session)
    return [
        SourceOverview(
            source=source,
            health=health.get(source.id),
            notices=counts.get(source.id, 0),
            next_run=next_runs.get(source.id),
        )
        for source in session.scalars(select(Source).order_by(Source.id))
    ]


def scheduled_runs(session: Session) -> dict[str, datetime | None]:
    """Next run of each source from the scheduler's job store; empty when there is none.

    Read from the table's ``next_run_time`` column (seconds since the epoch) rather than by
    unpickling jobs, which a web process has no reason to do.
    """
    connection = session.connection()
    if not inspect(connection).has_table(SCHEDULER_JOBS_TABLE):
        return {}
    rows = connection.execute(text(f"SELECT id, next_run_time FROM {SCHEDULER_JOBS_TABLE}"))
    runs: dict[str, datetime | None] = {}
    for job_id, next_run in rows:
        if not str(job_id).startswith(SCHEDULER_JOB_PREFIX):
            continue
        when = datetime.fromtimestamp(float(next_run), tz=UTC) if next_run is not None else None
        runs[str(job_id).removeprefix(SCHEDULER_JOB_PREFIX)] = when
    return runs


