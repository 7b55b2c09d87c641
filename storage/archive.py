"""Reading and writing the archive: notices and their versions, crawl runs, source health.

Functions take a `Session` and leave committing to the caller, so a caller can make one
notice (its row, its new version, its validators) one transaction: a process killed before the
commit leaves nothing half-written, and running the same writes again adds nothing twice.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
import zlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal, TypeVar, cast

from sqlalchemy import (
    CursorResult,
    Table,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from storage.db import core
from storage.errors import (
    ArchiveError,
    RunStateError,
    UnknownNoticeError,
    UnknownSourceError,
)
from storage.listings import (
    ListingBatch,
    find_notice_id,
    listed_by,
    note_listings,
    notice_at,
    page_notice,
)
from storage.listings import mark_listed as _mark_listed
from storage.models import (
    Base,
    CrawlRun,
    FetchProblem,
    Notice,
    NoticeListing,
    NoticeVersion,
    Source,
)
from storage.search_index import IndexBatch, index_notice

RecordStatus = Literal["new", "changed", "unchanged"]
RunStatus = Literal["ok", "failed", "unhealthy"]
FINISHED_STATUSES: tuple[RunStatus, ...] = ("ok", "failed", "unhealthy")
# The counts of a crawl run, each kept in its row's ``<name>_count`` column.
RUN_COUNTS = ("new", "changed", "unchanged", "failed", "not_modified", "requests")
PROBLEM_KINDS = ("bot_wall", "no_match", "http_error", "refused", "robots", "decode", "timeout",
                 "dns")

# Older SQLite builds cap a statement at 999 bound parameters.
_URLS_PER_STATEMENT = 500
# zlib's default level: on the real pages in ../shared, 0.7% larger than level 9 and a quarter
# faster (2.6 against 3.4 ms for 180 kB), paid for every version stored.
_RAW_COMPRESSION_LEVEL = 6


@dataclass(frozen=True)
class NoticePage:
    """One article page as the crawler fetched and cleaned it: the fields a spider locates
    (:class:`crawler.items.NoticeItem`) and the archive records (:class:`FetchedNotice`).

    ``url`` is the notice's canonical URL, the regulator's; ``fetched_url`` is where the page
    was fetched when that differs (a mirror, a local copy), else None.
    """

    source_id: str
    url: str
    title: str
    published_at: datetime | None
    language: str
    text: str
    html: str
    raw: bytes
    http_status: int
    http_headers: dict[str, str]
    encoding: str
    attachments: list[dict[str, str]]
    fetched_at: datetime
    fetched_url: str | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class FetchedNotice(NoticePage):
    """A notice page of a crawl run, ready to be recorded."""

    crawl_run_id: int | None

    @classmethod
    def of(cls, page: NoticePage, crawl_run_id: int | None) -> FetchedNotice:
        """``page``'s fields (the same objects, not copies), of the crawl run ``crawl_run_id``."""
        return cls(**{field.name: getattr(page, field.name) for field in fields(NoticePage)},
                   crawl_run_id=crawl_run_id)

    def __post_init__(self) -> None:
        if not self.url:
            raise ValueError("a fetched notice needs its canonical URL")
        _require_aware("fetched_at", self.fetched_at)
        if self.published_at is not None:
            _require_aware("published_at", self.published_at)


@dataclass(frozen=True)
class RecordOutcome:
    """What `record_notice` did.

    `version` is the row it added (None when unchanged). `previous` is the version that was
    latest before the call: None for a new notice, the same content for an unchanged one.
    `notice` is the notice's row, as the session holds it.
    """

    status: RecordStatus
    notice_id: int
    version: NoticeVersion | None
    previous: NoticeVersion | None
    notice: Notice | None = None


@dataclass(frozen=True)
class KnownNotice:
    """What the crawler needs to decide whether, and how conditionally, to fetch a page again."""

    url: str
    notice_id: int
    etag: str | None
    last_modified: str | None
    last_checked_at: datetime
    content_hash: str
    versions: int
    # Where the notice's age starts: its publication, or when first seen if that was earlier.
    born_at: datetime | None = None


@dataclass(frozen=True)
class ProblemNote:
    """The most recent fetch problem of a source."""

    kind: str
    detail: str
    url: str
    at: datetime


@dataclass
class SourceHealth:
    """How a source's crawls have been going, for the health page and alerts.

    `consecutive_failures` counts the latest runs in a row that did not end "ok"; a run still
    "running" counts only once a newer run of the source has started (it was abandoned).
    """

    source_id: str
    last_run_started: datetime | None
    last_run_finished: datetime | None
    last_status: str | None
    consecutive_failures: int
    last_problem: ProblemNote | None


def content_hash(title: str, text: str) -> str:
    """The identity of a notice's content: sha256 of its title and text, whitespace-collapsed.

    Markup, encoding and byte-level noise (a timestamp in a comment, re-indented HTML) do not
    change it; any change of wording does.
    """
    normal = "\n".join(
        " ".join(unicodedata.normalize("NFC", part).split()) for part in (title, text)
    )
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def load_sources(session: Session, source_ids: Collection[str]) -> None:
    """Read the rows of ``source_ids`` into the session in a statement per 500, so that
    `upsert_source` of each finds its row there rather than asking for it alone."""
    wanted = sorted(set(source_ids))
    for start in range(0, len(wanted), _URLS_PER_STATEMENT):
        session.scalars(select(Source).where(
            Source.id.in_(wanted[start : start + _URLS_PER_STATEMENT]))).all()


def upsert_source(
    session: Session, source_id: str, *, name: str, authority: str, language: str, base_url: str
) -> Source:
    """Create the source, or update its descriptive fields; safe to call on every start."""
    source = session.get(Source, source_id)
    if source is None:
        source = Source(
            id=source_id, name=name, authority=authority, language=language, base_url=base_url
        )
        try:
            with session.begin_nested():
                session.add(source)
            return source
        except IntegrityError:
            # Another process created it between our read and our insert.
            source = session.get(Source, source_id, populate_existing=True)
            if source is None:
                raise
    source.name = name
    source.authority = authority
    source.language = language
    source.base_url = base_url
    session.flush()
    return source


def record_notice(session: Session, fetched: FetchedNotice, index: IndexBatch | None = None,
                  listings: ListingBatch | None = None) -> RecordOutcome:
    """Record one fetched page: a new notice, a changed one (one new version), or unchanged.

    A notice is one document: a page at a URL the archive knows (listed by any source), or
    with the content of a notice on the same host (the page at a new path; see
    `storage.listings.same_content_notice`), is that notice, and the source's listing of it is
    noted. So a notice a second source finds is "unchanged" and causes no events again.

    Idempotent: recording the same content again adds no row, only moves `last_checked_at` and
    the HTTP validators. Safe against another writer recording the same notice at the same
    time (the notice row is locked; a lost race to create it is re-read, not raised). Flushes
    but does not commit. Raises `UnknownSourceError` if the source was never upserted.
    ``index``: where a new version's search row waits for the caller to write it with those
    of the other notices of its transaction, before committing; without it, it is written here.
    ``listings``: the same for a new notice's first listing (the caller writes it before
    anything reads the transaction's listings); every notice of the transaction is recorded
    with the same one, which is told of the listings and versions each adds.
    """
    identity = content_hash(fetched.title, fetched.text)
    notice, created = _new_or_locked_notice(session, fetched, identity, listings)
    if not created:
        if listings is not None:
            # The pending first listings go first, as they would have been written.
            listings.write(session)
            listings.noted(fetched.url)
        note_listings(session, [(notice.id, fetched.source_id, fetched.url)], fetched.fetched_at)
    previous = None if created else latest_version(session, notice.id)

    if not created:
        notice.last_checked_at = fetched.fetched_at
        notice.etag, notice.last_modified = _validators(fetched.http_headers)
    if previous is not None and previous.content_hash == identity:
        session.flush()
        return RecordOutcome("unchanged", notice.id, None, previous, notice)

    number = 1 if previous is None else previous.number + 1
    if not created:
        notice.title = fetched.title
        notice.published_at = fetched.published_at
        notice.language = fetched.language
        session.flush()
    version = _insert_version(session, fetched, notice, number, identity)
    if listings is not None:
        listings.versioned(identity)
    if index is None:
        index_notice(session, notice, version)
    else:
        index.add(notice, version)
    return RecordOutcome("new" if previous is None else "changed", notice.id, version, previous,
                         notice)


def record_not_modified(session: Session, source_id: str, url: str, at: datetime) -> None:
    """Note a 304 answer for the notice known at ``url`` (listed by any source); raises
    `UnknownNoticeError` for an unknown one."""
    _require_aware("at", at)
    notice_id = notice_at(session, url)
    result = None if notice_id is None else cast(
        "CursorResult[Any]",
        session.execute(update(Notice).where(Notice.id == notice_id).values(last_checked_at=at)),
    )
    if result is None or result.rowcount == 0:
        raise UnknownNoticeError(f"no notice of source {source_id!r} at {url}")


def mark_listed(session: Session, source_id: str, urls: Iterable[str], at: datetime) -> None:
    """Note the notices whose URLs were on the source's list this run: each gets the
    source's listing (a notice another source found first too) and its `last_seen_at`.

    URLs the archive does not know yet are ignored; they become notices when recorded.
    """
    _require_aware("at", at)
    _mark_listed(session, {source_id: urls}, at)


def mark_listed_by_sources(session: Session, urls: Mapping[str, Iterable[str]],
                           at: datetime) -> None:
    """`mark_listed` for each source id of ``urls`` and the URLs its list held, together (in
    a statement per kind of row, not per source)."""
    _require_aware("at", at)
    _mark_listed(session, urls, at)


def known_notices(
    session: Session, source_id: str, urls: Collection[str] | None = None
) -> dict[str, KnownNotice]:
    """The notices the source lists, with their validators and latest content hash, by the URL
    it lists them at: those at ``urls`` (the ones the archive holds), or every one when
    ``urls`` is None. A notice only another source lists is not known to this one: its first
    fetch by this source records the listing (and, its content unchanged, nothing else)."""
    if urls is not None:
        found: dict[str, KnownNotice] = {}
        wanted = sorted(set(urls))
        for start in range(0, len(wanted), _URLS_PER_STATEMENT):
            found.update(_known(session, source_id, wanted[start : start + _URLS_PER_STATEMENT]))
        return found
    return _known(session, source_id, None)


def revisit_candidates(
    session: Session, source_id: str, *, now: datetime, schedule: Sequence[float], limit: int
) -> dict[str, KnownNotice]:
    """The source's notices that may be due for a revisit under ``schedule`` (a source's
    ``revisit`` waits, in seconds), longest unchecked first, at most ``limit``.

    A superset of the due ones, narrowed by the caller with the exact schedule: a notice checked
    at an age past the schedule's steps waits the last entry, so it is due only when its last
    check is that long ago; any other due notice was born within the steps plus the last entry
    and was checked at least the shortest entry ago.
    """
    longest = schedule[-1]
    steps = sum(schedule[:-1])
    return _known(session, source_id, None, statement=_revisit_statement(), parameters={
        "born_since": now - timedelta(seconds=steps + longest),
        "young_checked": now - timedelta(seconds=min(schedule)),
        "stale_checked": now - timedelta(seconds=longest),
        "limit": limit,
    })


@lru_cache(maxsize=1)
def _revisit_statement() -> Any:
    """The query of :func:`revisit_candidates`, built once (a re-check asks it per source)."""
    notices = _NOTICES
    young = and_(
        notices.c.first_seen_at >= bindparam("born_since"),
        or_(notices.c.published_at.is_(None), notices.c.published_at >= bindparam("born_since")),
        notices.c.last_checked_at <= bindparam("young_checked"),
    )
    stale = notices.c.last_checked_at <= bindparam("stale_checked")
    return (_known_statement(False).where(or_(stale, young))
            .order_by(notices.c.last_checked_at, notices.c.id).limit(bindparam("limit")))


def has_notices(session: Session, source_id: str) -> bool:
    """Whether the archive holds any notice the source lists."""
    return session.scalar(listed_by([source_id]).limit(1)) is not None


def sources_with_notices(session: Session, source_ids: Collection[str]) -> set[str]:
    """Which of ``source_ids`` list any notice the archive holds (`has_notices` of each, in
    a statement per 500 sources)."""
    wanted = sorted(set(source_ids))
    found: set[str] = set()
    for start in range(0, len(wanted), _URLS_PER_STATEMENT):
        found.update(session.scalars(
            select(NoticeListing.source_id)
            .where(NoticeListing.source_id.in_(wanted[start : start + _URLS_PER_STATEMENT]))
            .group_by(NoticeListing.source_id)))
    return found


@lru_cache(maxsize=2)
def _known_statement(some_urls: bool) -> Any:
    """The query of :func:`known_notices`, of the tables and built once (building it cost
    more than running it, once per list page of every source a re-check reads): each notice's
    latest version through the (notice_id, number) index, so a lookup of a few URLs reads a
    few rows rather than grouping every version of the archive."""
    listings = cast(Table, NoticeListing.__table__)
    notices = _NOTICES
    versions = cast(Table, NoticeVersion.__table__)
    later = versions.alias("later_version")
    latest_number = (
        select(func.max(later.c.number))
        .where(later.c.notice_id == notices.c.id)
        .scalar_subquery()
    )
    query = (
        select(
            listings.c.url,
            notices.c.id,
            notices.c.etag,
            notices.c.last_modified,
            notices.c.last_checked_at,
            notices.c.published_at,
            notices.c.first_seen_at,
            versions.c.content_hash,
            versions.c.number,
        )
        .select_from(listings)
        .join(notices, notices.c.id == listings.c.notice_id)
        .join(
            versions,
            (versions.c.notice_id == notices.c.id) & (versions.c.number == latest_number),
        )
        .where(listings.c.source_id == bindparam("source_id"))
    )
    if some_urls:
        query = query.where(listings.c.url.in_(bindparam("urls", expanding=True)))
    return query


def _known(
    session: Session, source_id: str, urls: list[str] | None, *,
    statement: Any = None, parameters: Mapping[str, Any] | None = None,
) -> dict[str, KnownNotice]:
    """Run :func:`_known_statement` (or ``statement``, one built on it, with ``parameters``)."""
    bound: dict[str, Any] = {"source_id": source_id, **(parameters or {})}
    if urls is not None:
        bound["urls"] = urls
    if statement is None:
        statement = _known_statement(urls is not None)
    # As the ORM query it was: what the session holds and has not flushed counts.
    if session.autoflush:
        session.flush()
    rows = core(session).execute(statement, bound)
    return {
        url: KnownNotice(
            url=url,
            notice_id=notice_id,
            etag=etag,
            last_modified=last_modified,
            last_checked_at=last_checked_at,
            content_hash=content_hash,
            versions=number,
            born_at=min(first_seen_at, published_at or first_seen_at),
        )
        for (url, notice_id, etag, last_modified, last_checked_at, published_at, first_seen_at,
             content_hash, number) in rows
    }


def start_run(session: Session, source_id: str, started_at: datetime) -> CrawlRun:
    """Open a crawl run in status "running"; flushed, so `run.id` is set."""
    return start_runs(session, [source_id], started_at)[0]


def start_runs(session: Session, source_ids: Sequence[str], started_at: datetime) -> list[CrawlRun]:
    """Open a crawl run of each of ``source_ids`` (in their order), as `start_run` does, in one
    flush: a crawl engine opens the runs of the crawls that start together so."""
    _require_aware("started_at", started_at)
    _require_sources(session, source_ids)
    runs = [CrawlRun(source_id=source_id, started_at=started_at, status="running")
            for source_id in source_ids]
    session.add_all(runs)
    session.flush()
    return runs


@dataclass(frozen=True)
class RunEnd:
    """How a crawl run ended, for `finish_runs` (see `finish_run` for the fields)."""

    run_id: int
    status: RunStatus
    finished_at: datetime
    counts: Mapping[str, int]
    errors: list[str]
    stats: Mapping[str, Any]


def finish_run(
    session: Session,
    run_id: int,
    *,
    status: RunStatus,
    finished_at: datetime,
    counts: Mapping[str, int],
    errors: list[str],
    stats: Mapping[str, Any],
) -> None:
    """Close a crawl run. Counts missing from `counts` are 0.

    Raises `RunStateError` for an unknown run, a run already finished, an unknown status, or a
    count name outside `RUN_COUNTS` (a misspelt count would otherwise vanish silently).
    `stats` may hold datetimes and other values JSON lacks; they are stored as text.
    """
    finish_runs(session, [RunEnd(run_id, status, finished_at, counts, errors, stats)])


def finish_runs(session: Session, ends: Sequence[RunEnd]) -> None:
    """Close each run of ``ends`` as `finish_run` does (and raises as it does, for the first
    run found wrong), its rows read and written in one statement each."""
    for end in ends:
        _require_aware("finished_at", end.finished_at)
        if end.status not in FINISHED_STATUSES:
            raise RunStateError(
                f"crawl run status {end.status!r} is not one of {FINISHED_STATUSES}")
        unknown = sorted(set(end.counts) - set(RUN_COUNTS))
        if unknown:
            raise RunStateError(f"unknown crawl run counts {unknown}; known are {RUN_COUNTS}")
    wanted = sorted({end.run_id for end in ends})
    runs: dict[int, CrawlRun] = {}
    for start in range(0, len(wanted), _URLS_PER_STATEMENT):
        runs.update((run.id, run) for run in session.scalars(
            select(CrawlRun).where(CrawlRun.id.in_(wanted[start : start + _URLS_PER_STATEMENT]))
            .with_for_update().execution_options(populate_existing=True)))
    for end in ends:
        run = runs.get(end.run_id)
        if run is None:
            raise RunStateError(f"no crawl run {end.run_id}")
        if run.status != "running":
            raise RunStateError(f"crawl run {end.run_id} already finished as {run.status!r}")
        run.status = end.status
        run.finished_at = end.finished_at
        for name in RUN_COUNTS:
            setattr(run, f"{name}_count", end.counts.get(name, 0))
        run.errors = [str(error) for error in end.errors]
        run.stats = json.loads(json.dumps(dict(end.stats), default=_as_json_value))
    session.flush()


def record_problem(
    session: Session,
    *,
    source_id: str,
    run_id: int | None,
    url: str,
    kind: str,
    detail: str,
    at: datetime,
) -> None:
    """Record a fetch problem for the source-health view (kinds: see `PROBLEM_KINDS`)."""
    _require_aware("at", at)
    _require_source(session, source_id)
    session.add(
        FetchProblem(source_id=source_id, run_id=run_id, url=url, kind=kind, detail=detail, at=at)
    )


def fail_stale_runs(
    session: Session,
    source_id: str,
    *,
    reason: str,
    finished_at: datetime,
    started_since: datetime | None = None,
) -> list[int]:
    """Close the source's runs still "running" as "failed", adding `reason` to their errors.

    For runs whose process died (killed at its time limit, crashed, stopped with the service)
    and so never finished themselves. `started_since` limits it to runs begun at or after that
    instant (those of one child process); None closes every running run of the source.
    Returns the ids it closed, oldest first; idempotent (a second call closes nothing).
    """
    return _close_running(session, source_id, "failed", reason=reason, finished_at=finished_at,
                          started_since=started_since)


def interrupt_stale_runs(session: Session, source_id: str, *, finished_at: datetime,
                         reason: str) -> list[int]:
    """Close the source's runs still "running" as "interrupted", adding ``reason`` to their
    errors; their ids, oldest first.

    For the holder of the source's crawl lease only: holding it means no live process runs a
    crawl of the source, so a run still "running" is one whose process died (a worker killed)
    and whose crawl runs again now. "interrupted" is not the source's failure. Idempotent.
    """
    return _close_running(session, source_id, "interrupted", reason=reason,
                          finished_at=finished_at)


def _close_running(
    session: Session, source_id: str, status: Literal["failed", "interrupted"], *, reason: str,
    finished_at: datetime, started_since: datetime | None = None,
) -> list[int]:
    _require_aware("finished_at", finished_at)
    query = (
        select(CrawlRun)
        .where(CrawlRun.source_id == source_id, CrawlRun.status == "running")
        .order_by(CrawlRun.started_at, CrawlRun.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if started_since is not None:
        _require_aware("started_since", started_since)
        query = query.where(CrawlRun.started_at >= started_since)
    closed = []
    for run in session.scalars(query):
        run.status = status
        run.finished_at = finished_at
        run.errors = [*run.errors, reason]
        closed.append(run.id)
    session.flush()
    return closed


def latest_runs(session: Session) -> dict[str, CrawlRun]:
    """The most recently started crawl run of each source that has one, by source id."""
    rank = func.row_number().over(
        partition_by=CrawlRun.source_id, order_by=(CrawlRun.started_at.desc(), CrawlRun.id.desc())
    )
    ranked = select(CrawlRun.id, rank.label("rank")).subquery()
    runs = session.scalars(
        select(CrawlRun).join(ranked, ranked.c.id == CrawlRun.id).where(ranked.c.rank == 1)
    )
    return {run.source_id: run for run in runs}


def source_health(session: Session) -> dict[str, SourceHealth]:
    """Health of every source, by source id; sources never crawled have empty fields."""
    latest = latest_runs(session)
    last_ok = (
        select(CrawlRun.source_id, func.max(CrawlRun.started_at).label("started_at"))
        .where(CrawlRun.status == "ok")
        .group_by(CrawlRun.source_id)
        .subquery()
    )
    not_ok_since: dict[str, int] = {
        source_id: count
        for source_id, count in session.execute(
            select(CrawlRun.source_id, func.count())
            .outerjoin(last_ok, last_ok.c.source_id == CrawlRun.source_id)
            .where(
                CrawlRun.status.not_in(("ok", "interrupted")),
                or_(last_ok.c.started_at.is_(None), CrawlRun.started_at > last_ok.c.started_at),
            )
            .group_by(CrawlRun.source_id)
        )
    }

    problem_rank = func.row_number().over(
        partition_by=FetchProblem.source_id,
        order_by=(FetchProblem.at.desc(), FetchProblem.id.desc()),
    )
    ranked_problems = select(
        FetchProblem.source_id,
        FetchProblem.kind,
        FetchProblem.detail,
        FetchProblem.url,
        FetchProblem.at,
        problem_rank.label("rank"),
    ).subquery()
    last_problems = {
        row.source_id: ProblemNote(kind=row.kind, detail=row.detail, url=row.url, at=row.at)
        for row in session.execute(select(ranked_problems).where(ranked_problems.c.rank == 1))
    }

    health: dict[str, SourceHealth] = {}
    for source_id in session.scalars(select(Source.id).order_by(Source.id)):
        run = latest.get(source_id)
        failures = not_ok_since.get(source_id, 0)
        if run is not None and run.status == "running":
            failures -= 1
        health[source_id] = SourceHealth(
            source_id=source_id,
            last_run_started=run.started_at if run is not None else None,
            last_run_finished=run.finished_at if run is not None else None,
            last_status=run.status if run is not None else None,
            consecutive_failures=failures,
            last_problem=last_problems.get(source_id),
        )
    return health


def latest_version(session: Session, notice_id: int) -> NoticeVersion | None:
    """The notice's newest version, or None if the archive holds no such notice."""
    return session.scalars(
        select(NoticeVersion)
        .where(NoticeVersion.notice_id == notice_id)
        .order_by(NoticeVersion.number.desc())
        .limit(1)
    ).one_or_none()


def versions(session: Session, notice_id: int) -> list[NoticeVersion]:
    """All versions of the notice, oldest first; empty for an unknown notice."""
    return list(
        session.scalars(
            select(NoticeVersion)
            .where(NoticeVersion.notice_id == notice_id)
            .order_by(NoticeVersion.number)
        )
    )


def get_notice(session: Session, ref: int | str, *, source_id: str | None = None) -> Notice | None:
    """A notice by id (an int) or by any of its URLs (a str): its canonical URL, a URL a list
    gave for it, or the URL it was fetched at. None when there is none, or when `source_id`
    is given and no listing of that source leads to it.
    """
    notice_id = ref if isinstance(ref, int) else find_notice_id(session, ref)
    notice = session.get(Notice, notice_id) if notice_id is not None else None
    if notice is None or source_id is None:
        return notice
    listed = session.scalar(listed_by([source_id]).where(NoticeListing.notice_id == notice.id)
                            .limit(1))
    return notice if listed is not None else None


def count_rows(session: Session) -> dict[str, int]:
    """Number of rows in each archive table, by table name."""
    return {
        table.name: session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


# FOR UPDATE makes concurrent recorders of one notice take turns on PostgreSQL, so both
# cannot number a new version alike; SQLite already serialises writers (BEGIN IMMEDIATE).
# Built once: it runs for every notice a crawl records. A notice that exists is then loaded
# by its id.
_NOTICES = cast(Table, Notice.__table__)
_LOCKED_NOTICE_ID = (
    select(_NOTICES.c.id).where(_NOTICES.c.url == bindparam("url")).with_for_update()
)


def _locked_notice(session: Session, url: str) -> Notice | None:
    notice_id = core(session).scalar(_LOCKED_NOTICE_ID, {"url": url})
    if notice_id is None:
        return None
    return session.get(Notice, notice_id, with_for_update=True, populate_existing=True)


# A new notice and its versions are inserted as plain rows, and the session is given the
# objects as a query would load them: the unit of work cost more CPU than the rest of
# recording a notice, for two rows whose every value is known here.
_INSERT_VERSION = insert(cast(Table, NoticeVersion.__table__))


@lru_cache(maxsize=2)
def _insert_new_notice(dialect_name: str) -> Any:
    """INSERT of a notice that does nothing where the archive already has one at its URL, and
    returns the new row's id (both supported databases have ON CONFLICT ... RETURNING).

    No conflict target: the table has two unique indexes on the URL (the URL alone, and the
    older source and URL), and PostgreSQL arbitrates only the target's. Two writers inserting the
    same new page at once could then fail on the other index instead of doing nothing."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return dialect.insert(_NOTICES).on_conflict_do_nothing().returning(_NOTICES.c.id)


def _new_or_locked_notice(session: Session, fetched: FetchedNotice, identity: str,
                          listings: ListingBatch | None = None) -> tuple[Notice, bool]:
    """The notice ``fetched`` is a page of, locked, and whether this call created it.

    That is the notice known at its URL (by any source), else one on its host with the same
    content, else a new one. A new notice is inserted with its first listing; where another
    writer inserted the URL first, the insert does nothing and the notice is read and locked.
    On PostgreSQL an insert racing another writer's waits for that transaction to end and
    then does nothing: no savepoint, no error to recover from.
    """
    if session.autoflush:
        # As an ORM query would: a notice added to the session and not yet flushed counts.
        session.flush()
    _require_source(session, fetched.source_id)
    known = listings.notice_at(fetched.url) if listings is not None else None
    if known is None and (listings is None or not listings.surely_new(fetched.url, identity)):
        known = page_notice(session, fetched.url, identity, fetched.crawl_run_id)
    if known is not None:
        found = session.get(Notice, known, with_for_update=True, populate_existing=True)
        if found is not None:
            return found, False
    etag, last_modified = _validators(fetched.http_headers)
    values = {
        "source_id": fetched.source_id,
        "url": fetched.url,
        "fetched_url": fetched.fetched_url,
        "title": fetched.title,
        "published_at": fetched.published_at,
        "language": fetched.language,
        "first_seen_at": fetched.fetched_at,
        "last_seen_at": fetched.fetched_at,
        "last_checked_at": fetched.fetched_at,
        "etag": etag,
        "last_modified": last_modified,
    }
    connection = core(session)
    notice_id = connection.scalar(_insert_new_notice(connection.dialect.name), values)
    if notice_id is not None:
        if listings is None:
            note_listings(session, [(notice_id, fetched.source_id, fetched.url)],
                          fetched.fetched_at)
        else:
            listings.add(notice_id, fetched.source_id, fetched.url, fetched.fetched_at)
        return _as_loaded(session, Notice, {"id": notice_id, **values}), True
    existing = _locked_notice(session, fetched.url)
    if existing is None:
        # Deleted between the two statements: nothing regwatch does; no state to guess at.
        raise ArchiveError(
            f"notice {fetched.url} of source {fetched.source_id!r} vanished while recorded")
    return existing, False


def _insert_version(
    session: Session, fetched: FetchedNotice, notice: Notice, number: int, identity: str
) -> NoticeVersion:
    values = {
        "notice_id": notice.id,
        "number": number,
        "title": fetched.title,
        "published_at": fetched.published_at,
        "text": fetched.text,
        "html": fetched.html,
        "content_hash": identity,
        "raw_gz": zlib.compress(fetched.raw, _RAW_COMPRESSION_LEVEL),
        "raw_sha256": hashlib.sha256(fetched.raw).hexdigest(),
        "raw_size": len(fetched.raw),
        "encoding": fetched.encoding,
        "http_status": fetched.http_status,
        "http_headers": dict(fetched.http_headers),
        "attachments": [dict(attachment) for attachment in fetched.attachments],
        "fetched_at": fetched.fetched_at,
        "crawl_run_id": fetched.crawl_run_id,
    }
    version_id = _inserted_id(session, _INSERT_VERSION, values)
    return _as_loaded(session, NoticeVersion, {"id": version_id, **values})


def _inserted_id(session: Session, statement: Any, values: dict[str, Any]) -> int:
    result = core(session).execute(statement, values)
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


_Loaded = TypeVar("_Loaded", Notice, NoticeVersion)


def _as_loaded(session: Session, mapped: type[_Loaded], row: dict[str, Any]) -> _Loaded:
    """An instance of ``mapped`` holding ``row``, which was just inserted, in the session as
    if a query had loaded it. Its attributes are filled as a query fills them, not through
    the mapped constructor, whose change tracking of each (discarded at once) cost about
    65 µs of every new notice's two rows. A version's ``notice`` is found in the session
    by its id when asked for."""
    instance = mapped.__mapper__.class_manager.new_instance()
    instance.__dict__.update(row)
    make_transient_to_detached(instance)
    session.add(instance)
    return instance


def _validators(headers: Mapping[str, str]) -> tuple[str | None, str | None]:
    by_name = {name.lower(): value for name, value in headers.items()}
    return by_name.get("etag"), by_name.get("last-modified")


_SOURCE_ID = select(Source.id).where(Source.id == bindparam("source_id"))


def _require_source(session: Session, source_id: str) -> None:
    _require_sources(session, [source_id])


def _require_sources(session: Session, source_ids: Iterable[str]) -> None:
    # Once per transaction: a batch of a source's notices asks once, and the runs of many
    # sources opened together ask in one statement.
    transaction = session.get_transaction()
    seen = session.info.get("sources_present")
    if seen is None or seen[0] is not transaction:
        seen = session.info["sources_present"] = (transaction, set())
    present: set[str] = seen[1]
    missing = sorted(set(source_ids) - present)
    if not missing:
        return
    if len(missing) == 1:
        found = {missing[0]} if session.scalar(_SOURCE_ID, {"source_id": missing[0]}) else set()
    else:
        found = set()
        for start in range(0, len(missing), _URLS_PER_STATEMENT):
            found.update(session.scalars(select(Source.id).where(
                Source.id.in_(missing[start : start + _URLS_PER_STATEMENT]))))
    for source_id in missing:
        if source_id not in found:
            raise UnknownSourceError(
                f"source {source_id!r} is not in the archive; upsert it first")
    present.update(found)


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} {value.isoformat()} is naive; the archive needs aware datetimes")


def _as_json_value(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)
