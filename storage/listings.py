"""Which sources list which notice, at which URLs: a notice is one document, found by lists.

A notice two channels list (CAC's 网信发布 and 互联网内容管理 publish one bulletin in both) is
one notice with two listings; its versions, findings and events exist once. A URL finds its
notice through its listings, whichever source found it; a source's notices are those it lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, cast
from urllib.parse import urlsplit

from sqlalchemy import Integer, Select, String, Table, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.db import core
from storage.models import Notice, NoticeListing, NoticeVersion

_LISTINGS = cast(Table, NoticeListing.__table__)
# Older SQLite builds cap a statement at 999 bound parameters.
_URLS_PER_STATEMENT = 400


@lru_cache(maxsize=2)
def _upsert_listing(dialect_name: str) -> Any:
    """Insert a listing, or move the ``last_seen_at`` of the one the source has at its URL."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    statement = dialect.insert(_LISTINGS)
    return statement.on_conflict_do_update(
        index_elements=[_LISTINGS.c.url, _LISTINGS.c.source_id],
        set_={"last_seen_at": func.max(statement.excluded.last_seen_at, _LISTINGS.c.last_seen_at)
              if dialect_name == "sqlite"
              else func.greatest(statement.excluded.last_seen_at, _LISTINGS.c.last_seen_at)},
    )


def note_listings(session: Session, rows: Sequence[tuple[int, str, str]], at: datetime) -> None:
    """Record that source ``source_id`` lists notice ``notice_id`` at ``url``, for each
    ``(notice_id, source_id, url)`` of ``rows``, seen at ``at``; idempotent, does not commit."""
    _upsert_listings(session, [(notice_id, source_id, url, at)
                               for notice_id, source_id, url in rows])


def _upsert_listings(session: Session, rows: Sequence[tuple[int, str, str, datetime]]) -> None:
    """:func:`note_listings` of ``(notice_id, source_id, url, seen_at)`` rows."""
    if not rows:
        return
    connection = core(session)
    connection.execute(
        _upsert_listing(connection.dialect.name),
        [{"notice_id": notice_id, "source_id": source_id, "url": url,
          "first_seen_at": at, "last_seen_at": at} for notice_id, source_id, url, at in rows],
    )


_NOTICE_AT = (
    select(_LISTINGS.c.notice_id).where(_LISTINGS.c.url == bindparam("url"))
    .order_by(_LISTINGS.c.notice_id).limit(1)
)


def notice_at(session: Session, url: str) -> int | None:
    """The id of the notice known at ``url`` (by any source, canonical or not), else None."""
    found = core(session).scalar(_NOTICE_AT, {"url": url})
    return int(found) if found is not None else None


def notices_at(session: Session, urls: Iterable[str]) -> dict[str, int]:
    """The notice id of each of ``urls`` the archive knows (by any source), by URL."""
    pending = sorted(set(urls))
    found: dict[str, int] = {}
    for start in range(0, len(pending), _URLS_PER_STATEMENT):
        batch = pending[start : start + _URLS_PER_STATEMENT]
        for url, notice_id in session.execute(
            select(NoticeListing.url, func.min(NoticeListing.notice_id))
            .where(NoticeListing.url.in_(batch)).group_by(NoticeListing.url)
        ):
            found[url] = notice_id
    return found


def find_notice_id(session: Session, url: str) -> int | None:
    """The notice a user means by ``url``: its canonical URL, a URL a list gave for it, or
    the URL it was fetched at (a mirror's); None when the archive holds none."""
    found = notice_at(session, url)
    if found is not None:
        return found
    return session.scalar(
        select(Notice.id).where((Notice.url == url) | (Notice.fetched_url == url))
        .order_by(Notice.id).limit(1)
    )


_NOTICES = cast(Table, Notice.__table__).c
_VERSIONS = cast(Table, NoticeVersion.__table__)
_LISTED_URLS = (select(_LISTINGS.c.url).distinct()
                .where(_LISTINGS.c.url.in_(bindparam("urls", expanding=True))))
_STORED_CONTENTS = (select(_VERSIONS.c.content_hash).distinct()
                    .where(_VERSIONS.c.content_hash.in_(bindparam("identities", expanding=True))))
_LATER = _VERSIONS.alias("later_version").c


@lru_cache(maxsize=2)
def _same_content_statement(outside_run: bool) -> Select[Any]:
    """The query of :func:`same_content_notice`, of the tables and built once: building it
    cost more than running it (the content hash is indexed), for every new notice a crawl
    records."""
    versions = _VERSIONS.c
    latest = select(func.max(_LATER.number)).where(_LATER.notice_id == versions.notice_id)
    query = (
        select(_NOTICES.id)
        .join(_VERSIONS, versions.notice_id == _NOTICES.id)
        .where(versions.content_hash == bindparam("identity"),
               versions.number == latest.scalar_subquery(),
               func.substr(_NOTICES.url, 1, bindparam("prefix_length", type_=Integer))
               == bindparam("prefix", type_=String))
        .order_by(_NOTICES.id).limit(1)
    )
    if outside_run:
        query = query.where(~select(_LATER.id).where(
            _LATER.notice_id == _NOTICES.id,
            _LATER.crawl_run_id == bindparam("crawl_run_id")).exists())
    return query


def same_content_notice(session: Session, url: str, identity: str,
                        crawl_run_id: int | None = None) -> int | None:
    """A notice on ``url``'s host whose latest version has the content ``identity``: the same
    page published again at another path (by another list), or moved there. None when there
    is none.

    A notice given a version by the crawl run ``crawl_run_id`` is not one: a list showing two
    entries at two URLs at once is taken at its word (they are two notices that read alike).
    """
    parts = urlsplit(url)
    if not parts.netloc:
        return None
    prefix = f"{parts.scheme}://{parts.netloc}/"
    parameters: dict[str, Any] = {"identity": identity, "prefix": prefix,
                                  "prefix_length": len(prefix)}
    if crawl_run_id is not None:
        parameters["crawl_run_id"] = crawl_run_id
    if session.autoflush:
        # As the ORM query it was: a version added and not yet flushed counts.
        session.flush()
    found = core(session).scalar(_same_content_statement(crawl_run_id is not None), parameters)
    return int(found) if found is not None else None


@lru_cache(maxsize=3)
def _page_notice_statement(outside_run: bool | None) -> Select[Any]:
    """The query of :func:`page_notice`: :data:`_NOTICE_AT`, else the query of
    :func:`same_content_notice` (``outside_run`` as there; None for a URL without a host,
    which has no same-content notice), as one statement."""
    at_url = _NOTICE_AT.scalar_subquery()
    if outside_run is None:
        return select(at_url)
    return select(func.coalesce(at_url, _same_content_statement(outside_run).scalar_subquery()))


def page_notice(session: Session, url: str, identity: str,
                crawl_run_id: int | None = None) -> int | None:
    """The notice a page at ``url`` with the content ``identity`` is a page of: the one known
    at ``url`` (:func:`notice_at`), else the one with its content on its host
    (:func:`same_content_notice`); None for a new notice. One statement, where asking the two
    in turn took two for every new notice a crawl records. Does not flush the session."""
    parts = urlsplit(url)
    parameters: dict[str, Any] = {"url": url}
    outside_run: bool | None = None
    if parts.netloc:
        prefix = f"{parts.scheme}://{parts.netloc}/"
        parameters.update(identity=identity, prefix=prefix, prefix_length=len(prefix))
        outside_run = crawl_run_id is not None
        if outside_run:
            parameters["crawl_run_id"] = crawl_run_id
    found = core(session).scalar(_page_notice_statement(outside_run), parameters)
    return int(found) if found is not None else None


class ListingBatch:
    """The first listings of the notices created in one transaction, inserted in one
    statement before it commits (:func:`note_listings` for each cost a statement per new
    notice). Until :meth:`write`, :meth:`notice_at` answers for their URLs: each is a URL the
    archive knew no listing at when its notice was created in this transaction.

    After :meth:`expect`, it also knows which pages are surely new notices, so that they
    need no :func:`page_notice` of their own; the caller tells it of every listing
    (:meth:`noted`) and version (:meth:`versioned`) the transaction adds from then on.
    """

    def __init__(self) -> None:
        self._rows: dict[str, tuple[int, str, datetime]] = {}
        # URLs with a listing, contents (hashes) with a version: in the archive when the
        # transaction began, or added by it since. None until `expect`.
        self._urls: set[str] | None = None
        self._contents: set[str] = set()

    def expect(self, session: Session, pages: Sequence[tuple[str, str]]) -> None:
        """Read, in a statement each, which of the ``(url, content identity)`` pages about
        to be recorded have a listing at their URL or a version with their content."""
        urls = sorted({url for url, _ in pages})
        identities = sorted({identity for _, identity in pages})
        connection = core(session)
        self._urls = set()
        for start in range(0, len(urls), _URLS_PER_STATEMENT):
            self._urls.update(connection.scalars(_LISTED_URLS, {
                "urls": urls[start : start + _URLS_PER_STATEMENT]}))
        for start in range(0, len(identities), _URLS_PER_STATEMENT):
            self._contents.update(connection.scalars(_STORED_CONTENTS, {
                "identities": identities[start : start + _URLS_PER_STATEMENT]}))

    def surely_new(self, url: str, identity: str) -> bool:
        """Whether a page at ``url`` with the content ``identity`` is a new notice for
        certain: no listing at its URL and no version with its content, so neither half of
        :func:`page_notice` can find one. False when it may not be, or before :meth:`expect`."""
        return self._urls is not None and url not in self._urls and identity not in self._contents

    def noted(self, url: str) -> None:
        """The transaction gave ``url`` a listing (other than by :meth:`add`)."""
        if self._urls is not None:
            self._urls.add(url)

    def versioned(self, identity: str) -> None:
        """The transaction added a version with the content ``identity``."""
        self._contents.add(identity)

    def add(self, notice_id: int, source_id: str, url: str, at: datetime) -> None:
        self._rows[url] = (notice_id, source_id, at)
        self.noted(url)

    def notice_at(self, url: str) -> int | None:
        """The id of the notice created at ``url`` in this transaction, else None."""
        row = self._rows.get(url)
        return row[0] if row is not None else None

    def write(self, session: Session) -> None:
        """Insert the listings added so far, as :func:`note_listings` would have."""
        rows = [(notice_id, source_id, url, at)
                for url, (notice_id, source_id, at) in self._rows.items()]
        self._rows.clear()
        _upsert_listings(session, rows)


def listed_by(source_ids: Sequence[str]) -> Select[Any]:
    """The ids of the notices the sources ``source_ids`` list, for ``Notice.id.in_(...)``."""
    return select(NoticeListing.notice_id).where(NoticeListing.source_id.in_(list(source_ids)))


def of_sources(notice_id: Any, source_id: Any, source_ids: Sequence[str]) -> Any:
    """The condition that a row (an event) belongs to one of ``source_ids``: a source's own
    row (a health event, notice None), or a row of a notice one of them lists."""
    return or_(source_id.in_(list(source_ids)), notice_id.in_(listed_by(source_ids)))


def sources_of(session: Session, notice_ids: Iterable[int]) -> dict[int, list[str]]:
    """The ids of the sources listing each notice, sorted, by notice id."""
    wanted = sorted(set(notice_ids))
    found: dict[int, set[str]] = {}
    for start in range(0, len(wanted), _URLS_PER_STATEMENT):
        for notice_id, source_id in session.execute(
            select(NoticeListing.notice_id, NoticeListing.source_id)
            .where(NoticeListing.notice_id.in_(wanted[start : start + _URLS_PER_STATEMENT]))
        ):
            found.setdefault(notice_id, set()).add(source_id)
    return {notice_id: sorted(sources) for notice_id, sources in found.items()}


def listings_of(session: Session, notice_id: int) -> list[NoticeListing]:
    """The notice's listings, by source and URL."""
    return list(session.scalars(
        select(NoticeListing).where(NoticeListing.notice_id == notice_id)
        .order_by(NoticeListing.source_id, NoticeListing.url)
    ))


def mark_listed(session: Session, urls: Mapping[str, Iterable[str]], at: datetime) -> None:
    """Note that each source's list (by source id, in ``urls``) held its URLs at ``at``: each
    known notice among them gets (or keeps) a listing of the source and its ``last_seen_at``.
    Unknown URLs are ignored; they become notices when recorded. One lookup, one upsert and
    one update for all the sources."""
    listed = {source_id: sorted(set(source_urls)) for source_id, source_urls in urls.items()}
    known = notices_at(session, (url for source_urls in listed.values() for url in source_urls))
    note_listings(session, [(known[url], source_id, url)
                            for source_id, source_urls in listed.items()
                            for url in source_urls if url in known], at)
    ids = sorted(set(known.values()))
    for start in range(0, len(ids), _URLS_PER_STATEMENT):
        session.execute(
            update(Notice).where(Notice.id.in_(ids[start : start + _URLS_PER_STATEMENT]))
            .values(last_seen_at=at)
        )
