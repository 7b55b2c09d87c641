"""What the scheduler and the workers of a cluster leave in the archive: the crawls handed to
the broker and not yet finished (one per source), and each worker's heartbeat.

`regwatch serve` with a broker writes a dispatch before it sends the crawl's message; the
worker that takes the message marks it started and deletes it when the crawl has ended, so a
source is never dispatched again while its crawl is queued or running (see crawler/cluster.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import ClusterWorker, CrawlDispatch


def dispatch_of(session: Session, source_id: str) -> CrawlDispatch | None:
    """The source's crawl queued or running now, if any."""
    return session.get(CrawlDispatch, source_id, populate_existing=True)


def add_dispatch(session: Session, source_id: str, dispatch_id: str, at: datetime) -> bool:
    """Note a crawl of ``source_id`` handed to the broker; False (nothing written) when one
    is already queued or running. Commits."""
    session.add(CrawlDispatch(source_id=source_id, dispatch_id=dispatch_id, dispatched_at=at))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def start_dispatch(session: Session, source_id: str, dispatch_id: str, worker: str,
                   at: datetime) -> bool:
    """A worker takes the crawl ``dispatch_id``; False when it is no longer queued (its crawl
    has ended, or the dispatch expired). Commits."""
    taken = session.scalar(
        update(CrawlDispatch)
        .where(CrawlDispatch.source_id == source_id, CrawlDispatch.dispatch_id == dispatch_id)
        .values(started_at=at, worker=worker)
        .returning(CrawlDispatch.source_id))
    session.commit()
    return taken is not None


def end_dispatch(session: Session, source_id: str, dispatch_id: str) -> None:
    """The crawl ``dispatch_id`` has ended (or could not be sent): the source may be
    dispatched again. Idempotent; commits."""
    session.execute(delete(CrawlDispatch).where(CrawlDispatch.source_id == source_id,
                                                CrawlDispatch.dispatch_id == dispatch_id))
    session.commit()


def expire_dispatches(session: Session, dispatched_before: datetime) -> list[str]:
    """Forget the dispatches older than ``dispatched_before`` (messages taken for lost); the
    sources they were for. Commits."""
    expired = list(session.scalars(
        delete(CrawlDispatch).where(CrawlDispatch.dispatched_at < dispatched_before)
        .returning(CrawlDispatch.source_id)))
    session.commit()
    return sorted(expired)


def dispatches(session: Session) -> list[CrawlDispatch]:
    """Every crawl queued or running, oldest first."""
    return list(session.scalars(select(CrawlDispatch).order_by(CrawlDispatch.dispatched_at)))


def beat(session: Session, worker_id: str, *, host: str, pid: int, started_at: datetime,
         at: datetime, crawls: Iterable[str]) -> None:
    """Write the worker's heartbeat: it is alive at ``at`` and crawls ``crawls``. Commits."""
    row = session.get(ClusterWorker, worker_id)
    if row is None:
        row = ClusterWorker(id=worker_id, host=host, pid=pid, started_at=started_at)
        session.add(row)
    row.last_seen_at = at
    row.crawls = sorted(crawls)
    session.commit()


def remove_worker(session: Session, worker_id: str) -> None:
    """The worker has stopped. Commits."""
    session.execute(delete(ClusterWorker).where(ClusterWorker.id == worker_id))
    session.commit()


def workers(session: Session) -> list[ClusterWorker]:
    """Every worker that has written a heartbeat and not said it stopped, by host and pid."""
    return list(session.scalars(select(ClusterWorker).order_by(ClusterWorker.host,
                                                               ClusterWorker.pid)))
