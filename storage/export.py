"""Exporting the archive: notices, figures or change events as plain rows, streamed in batches."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from diffing.documents import event_document, figure_document, iso
from storage.events import current_events
from storage.listings import listed_by, of_sources
from storage.models import ChangeEvent, Figure, Notice, NoticeVersion
from storage.search_index import notice_search

EXPORT_KINDS = ("notices", "figures", "events")


def export_rows(
    session: Session,
    kind: str,
    *,
    notice_ids: Sequence[int] | None = None,
    source_ids: Sequence[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    metric: str | None = None,
    kinds: Sequence[str] = (),
    batch: int = 500,
) -> Iterator[dict[str, Any]]:
    """Rows of ``kind`` (notices, figures or events) as plain dicts, streamed in batches.

    Figures carry their source span (``start``/``end`` into the version's text, the matched
    ``text`` and its ``sentence``). Notices are exported with their latest version's text;
    events only of ``kinds`` when given.
    """
    if kind not in EXPORT_KINDS:
        raise ValueError(f"export kind must be one of {', '.join(EXPORT_KINDS)}")
    if kind == "notices":
        yield from _export_notices(session, notice_ids, source_ids, since, until, batch)
    elif kind == "figures":
        yield from _export_figures(session, notice_ids, source_ids, since, until, metric, batch)
    else:
        yield from _export_events(session, notice_ids, source_ids, since, until, kinds, batch)


def count_export(
    session: Session,
    kind: str,
    *,
    notice_ids: Sequence[int] | None = None,
    source_ids: Sequence[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    metric: str | None = None,
    kinds: Sequence[str] = (),
) -> int:
    """How many rows `export_rows` will give for the same arguments (for a progress bar)."""
    if kind == "notices":
        query = select(func.count()).select_from(notice_search)
        query = _notice_scope(query, notice_ids, source_ids, since, until)
    elif kind == "figures":
        query = select(func.count()).select_from(Figure).join(
            notice_search, notice_search.c.version_id == Figure.version_id
        )
        query = _notice_scope(query, notice_ids, source_ids, since, until)
        if metric:
            query = query.where(Figure.metric == metric)
    else:
        query = _event_scope(select(func.count()).select_from(ChangeEvent), notice_ids,
                             source_ids, since, until, kinds)
    return session.scalar(query) or 0


def _notice_scope(
    query: Any,
    notice_ids: Sequence[int] | None,
    source_ids: Sequence[str],
    since: datetime | None,
    until: datetime | None,
) -> Any:
    columns = notice_search.c
    if notice_ids is not None:
        query = query.where(columns.notice_id.in_(list(notice_ids)))
    if source_ids:
        query = query.where(columns.notice_id.in_(listed_by(source_ids)))
    if since is not None:
        query = query.where(columns.published_at >= since)
    if until is not None:
        query = query.where(columns.published_at < until)
    return query


def _event_scope(
    query: Any,
    notice_ids: Sequence[int] | None,
    source_ids: Sequence[str],
    since: datetime | None,
    until: datetime | None,
    kinds: Sequence[str] = (),
) -> Any:
    # An event re-analysis withdrew is no longer a finding to export.
    query = query.where(current_events())
    if kinds:
        query = query.where(ChangeEvent.kind.in_(list(kinds)))
    if notice_ids is not None:
        query = query.where(ChangeEvent.notice_id.in_(list(notice_ids)))
    if source_ids:
        query = query.where(of_sources(ChangeEvent.notice_id, ChangeEvent.source_id, source_ids))
    if since is not None:
        query = query.where(ChangeEvent.created_at >= since)
    if until is not None:
        query = query.where(ChangeEvent.created_at < until)
    return query


def _export_notices(
    session: Session,
    notice_ids: Sequence[int] | None,
    source_ids: Sequence[str],
    since: datetime | None,
    until: datetime | None,
    batch: int,
) -> Iterator[dict[str, Any]]:
    last = 0
    while True:
        query = (
            select(Notice, NoticeVersion)
            .join(notice_search, notice_search.c.notice_id == Notice.id)
            .join(NoticeVersion, NoticeVersion.id == notice_search.c.version_id)
            .where(Notice.id > last)
            .order_by(Notice.id)
            .limit(batch)
        )
        rows = session.execute(_notice_scope(query, notice_ids, source_ids, since, until)).all()
        for notice, version in rows:
            yield {
                "notice_id": notice.id,
                "source_id": notice.source_id,
                "url": notice.url,
                "title": version.title,
                "published_at": iso(version.published_at),
                "language": notice.language,
                "version": version.number,
                "version_id": version.id,
                "fetched_at": iso(version.fetched_at),
                "content_hash": version.content_hash,
                "text": version.text,
            }
        if len(rows) < batch:
            return
        last = rows[-1][0].id


def _export_figures(
    session: Session,
    notice_ids: Sequence[int] | None,
    source_ids: Sequence[str],
    since: datetime | None,
    until: datetime | None,
    metric: str | None,
    batch: int,
) -> Iterator[dict[str, Any]]:
    last = 0
    while True:
        query = (
            select(Figure, NoticeVersion.number, Notice.url)
            .join(notice_search, notice_search.c.version_id == Figure.version_id)
            .join(NoticeVersion, NoticeVersion.id == Figure.version_id)
            .join(Notice, Notice.id == Figure.notice_id)
            .where(Figure.id > last)
            .order_by(Figure.id)
            .limit(batch)
        )
        if metric:
            query = query.where(Figure.metric == metric)
        rows = session.execute(_notice_scope(query, notice_ids, source_ids, since, until)).all()
        for figure, number, url in rows:
            document = figure_document(figure)
            del document["id"]
            yield {
                "figure_id": figure.id,
                "notice_id": figure.notice_id,
                "version": number,
                "version_id": figure.version_id,
                "source_id": figure.source_id,
                "url": url,
                **document,
                "published_at": iso(figure.published_at),
                "extractor_version": figure.extractor_version,
            }
        if len(rows) < batch:
            return
        last = rows[-1][0].id


def _export_events(
    session: Session,
    notice_ids: Sequence[int] | None,
    source_ids: Sequence[str],
    since: datetime | None,
    until: datetime | None,
    kinds: Sequence[str],
    batch: int,
) -> Iterator[dict[str, Any]]:
    last = 0
    while True:
        query = select(ChangeEvent).where(ChangeEvent.id > last).order_by(ChangeEvent.id)
        query = _event_scope(query, notice_ids, source_ids, since, until, kinds).limit(batch)
        rows = list(session.scalars(query))
        for event in rows:
            yield event_document(event)
        if len(rows) < batch:
            return
        last = rows[-1].id
