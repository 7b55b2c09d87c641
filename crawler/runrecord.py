"""The crawl run's record in the archive: its start and end, counts, health problems, listings.

One :class:`CrawlRecorder` exists per crawler; the archive pipeline and the incremental
middleware reach it with :meth:`CrawlRecorder.of`, so a run opens the archive once.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from crawler import signals as regwatch_signals
from storage import archive
from storage.db import open_archive, read_session_factory, session_factory

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from config import Source

logger = logging.getLogger(__name__)

_recorders: weakref.WeakKeyDictionary[Crawler, CrawlRecorder] = weakref.WeakKeyDictionary()

# The stat each count of a crawl run is read from (the counts of storage.archive.RUN_COUNTS, in
# their order): what `regwatch crawl` reports for a source and its crawl run row keeps.
RUN_COUNT_STATS = {
    "new": "store/new_notice",
    "changed": "store/changed_notice",
    "unchanged": "store/unchanged_notice",
    "failed": "crawl/failed_notice",
    "not_modified": "crawl/not_modified",
    "requests": "downloader/request_count",
}
assert tuple(RUN_COUNT_STATS) == archive.RUN_COUNTS


def run_counts(stats: StatsCollector) -> dict[str, int]:
    """A crawl's run counts from its stats, by count name."""
    return {key: int(stats.get_value(stat, 0)) for key, stat in RUN_COUNT_STATS.items()}


def now() -> datetime:
    return datetime.now(UTC)


def record_source(session: Session, source: Source) -> None:
    """The source's row as a crawl of it finds it, under the regulator's base URL (a mirror's
    or a ``--base-url`` override's is where it was fetched, not what it is)."""
    archive.upsert_source(
        session,
        source.id,
        name=source.name,
        authority=source.authority,
        language=source.language,
        base_url=source.regulator_base_url or source.base_url,
    )


def revisit_due(source: Source, known: archive.KnownNotice) -> datetime:
    """When the archived notice ``known`` is next due for a check under ``source``'s schedule."""
    checked = known.last_checked_at
    age = (checked - (known.born_at or checked)).total_seconds()
    return checked + timedelta(seconds=source.revisit_wait(max(age, 0.0)))


class KnownNotices:
    """What the archive held of the source's notices, read as the crawl meets their URLs.

    A re-check lists a page or two of a source whose archive may hold tens of thousands of
    notices, so each list page's URLs are looked up together (`load`) instead of reading
    them all when the crawl starts. The first answer for a URL stands for the rest of the run:
    a notice archived by this crawl still counts as new to it, as when all were read at start.
    """

    def __init__(self, recorder: CrawlRecorder) -> None:
        self._recorder = recorder
        self._found: dict[str, archive.KnownNotice] = {}
        self._asked: set[str] = set()
        self._everything = False
        self._any = False

    def load(self, urls: Iterable[str]) -> None:
        """Look up the URLs not asked about yet, in one query.

        A source the archive held nothing of when the crawl started has nothing to look up: as
        when every notice was read at start, what this crawl archives still counts as new.
        """
        if self._everything or not self._any:
            return
        missing = {url for url in urls if url not in self._asked}
        if not missing:
            return
        # The archive knows notices by the regulator's URLs; the crawl, by those it fetches.
        source = self._recorder.source
        fetch_url_of = {source.canonical(url): url for url in missing}
        with self._recorder.reading() as session:
            found = archive.known_notices(session, source.id, list(fetch_url_of))
        self._found.update({fetch_url_of[url]: known for url, known in found.items()})
        self._asked.update(missing)

    def get(self, url: str) -> archive.KnownNotice | None:
        self.load((url,))
        return self._found.get(url)

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and self.get(url) is not None

    def __bool__(self) -> bool:
        """Whether the archive held any notice of the source when the crawl started."""
        return self._any

    def opened(self, any_listed: bool) -> None:
        """Note, as the crawl starts, whether the archive holds anything of the source."""
        self._any = any_listed

    def due_unlisted(self, listed: Container[str], limit: int) -> list[str]:
        """URLs of archived notices due for a revisit that the run's lists did not show (they
        have moved past the pages an incremental run reads), longest unchecked first."""
        if not self._any or self._everything:
            return []
        source = self._recorder.source
        checked_at = now()
        with self._recorder.reading() as session:
            found = archive.revisit_candidates(session, source.id, now=checked_at,
                                               schedule=source.revisit, limit=limit)
        due: list[str] = []
        for canonical, known in found.items():
            url = source.localise(canonical)
            if url in listed or revisit_due(source, known) > checked_at:
                continue
            if url not in self._asked:
                self._found[url] = known
                self._asked.add(url)
            due.append(url)
        return due

    def every_url(self) -> list[str]:
        """Every notice URL of the source in the archive, sorted (for a full re-fetch)."""
        if not self._everything:
            source = self._recorder.source
            with self._recorder.reading() as session:
                found = archive.known_notices(session, source.id)
            for canonical, known in found.items():
                url = source.localise(canonical)
                if url not in self._asked:
                    self._found[url] = known
            self._everything = True
        return sorted(self._found)


@dataclass(frozen=True)
class ArchiveSessions:
    """The two kinds of session a crawl uses: for its writes, and for its lookups."""

    writing: sessionmaker[Session]
    reading: sessionmaker[Session]

    @classmethod
    def of(cls, engine: Engine) -> ArchiveSessions:
        return cls(session_factory(engine), read_session_factory(engine))


class CrawlRecorder:
    """Opens the archive for a crawl, and writes the run's outcome when the spider closes."""

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("REGWATCH_ARCHIVE_ENABLED", True):
            raise NotConfigured
        self.crawler = crawler
        self.database_url: str | None = crawler.settings.get("REGWATCH_DATABASE_URL")
        # The crawl engine's archive, shared by its crawls; a crawl of its own opens one.
        self.archive: Engine | None = getattr(crawler, "archive", None)
        self.sessions: sessionmaker[Session] | None = None
        self.read_sessions: sessionmaker[Session] | None = None
        self.run_id: int | None = None
        self.known = KnownNotices(self)
        self.listed: set[str] = set()
        self.problems: list[dict[str, str]] = []
        self.list_failed = False
        _recorders[crawler] = self

    @classmethod
    def from_crawler(cls, crawler: Crawler, *, runs_by_caller: bool = False) -> CrawlRecorder:
        """The crawl's recorder; with ``runs_by_caller`` (a crawl engine, which records many
        runs together) it does not open and close the run on the spider's signals."""
        recorder = cls(crawler)
        if not runs_by_caller:
            crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
            crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(recorder.problem_found, signal=regwatch_signals.problem_found)
        crawler.signals.connect(recorder.notices_listed, signal=regwatch_signals.notices_listed)
        return recorder

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlRecorder | None:
        return _recorders.get(crawler)

    @property
    def source(self) -> Source:
        return self.crawler.spider.source  # type: ignore[union-attr]

    def session(self) -> Session:
        assert self.sessions is not None, "the archive is opened when the spider opens"
        return self.sessions()

    def reading(self) -> Session:
        """A session for lookups only (it does not wait for the archive writer's writes)."""
        assert self.read_sessions is not None, "the archive is opened when the spider opens"
        return self.read_sessions()

    def spider_opened(self) -> None:
        self.use_archive(self.archive or open_archive(self.database_url))
        with self.session() as session, session.begin():
            self.open_in(session)

    def use_archive(self, engine: Engine, sessions: ArchiveSessions | None = None) -> None:
        """Open the run's sessions on ``engine``; ``sessions``: a crawl engine's, made once for
        all its crawls (a sessionmaker is a new class, costly to make for every source)."""
        sessions = sessions or ArchiveSessions.of(engine)
        self.sessions = sessions.writing
        self.read_sessions = sessions.reading

    def open_in(self, session: Session) -> None:
        """Open the run in ``session``'s transaction."""
        CrawlRecorder.open_all(session, [self])

    @staticmethod
    def open_all(session: Session, recorders: Sequence[CrawlRecorder]) -> None:
        """Open the runs of ``recorders`` in ``session``'s transaction: a crawl engine opens
        the runs of the crawls that start together so, in a few statements for all of them."""
        archive.load_sources(session, [recorder.source.id for recorder in recorders])
        for recorder in recorders:
            source = recorder.source
            record_source(session, source)
        runs = archive.start_runs(session, [r.source.id for r in recorders], now())
        listing = archive.sources_with_notices(session, [r.source.id for r in recorders])
        for recorder, run in zip(recorders, runs, strict=True):
            recorder.run_id = run.id
            recorder.known.opened(recorder.source.id in listing)
            recorder.crawler.stats.set_value("run/id", run.id)

    def notices_listed(self, urls: list[str]) -> None:
        self.listed.update(urls)

    def problem_found(self, kind: str, url: str, detail: str, fatal: bool = False) -> None:
        """Record a health problem; ``fatal`` means the run could not read the source's list."""
        self.crawler.stats.inc_value(f"health/{kind}")
        self.problems.append({"kind": kind, "url": url, "detail": detail})
        if fatal:
            self.list_failed = True
        logger.warning("%s: %s at %s: %s", self.source.id, kind, url, detail)
        if self.sessions is None:
            return
        with self.session() as session, session.begin():
            archive.record_problem(
                session,
                source_id=self.source.id,
                run_id=self.run_id,
                url=url,
                kind=kind,
                detail=detail[:2000],
                at=now(),
            )

    def counts(self) -> dict[str, int]:
        return run_counts(self.crawler.stats)

    def status(self, reason: str) -> str:
        if self.list_failed or reason not in ("finished",):
            return "failed"
        if self.problems or self.counts()["failed"]:
            return "unhealthy"
        return "ok"

    def spider_closed(self, reason: str) -> None:
        if self.sessions is None or self.run_id is None:
            return
        with self.session() as session, session.begin():
            self.close_in(session, reason)

    def close_in(self, session: Session, reason: str) -> None:
        """Close the run in ``session``'s transaction."""
        CrawlRecorder.close_all(session, [(self, reason)])

    @staticmethod
    def close_all(session: Session, closing: Sequence[tuple[CrawlRecorder, str]]) -> None:
        """Close the run of each recorder of ``closing`` (with the reason its crawl ended) in
        ``session``'s transaction, in a few statements for all of them, as the crawl engine
        closes the runs of the crawls that end together."""
        listed: dict[str, set[str]] = {}
        ends: list[archive.RunEnd] = []
        at = now()
        for recorder, reason in closing:
            assert recorder.run_id is not None
            source = recorder.source
            status = recorder.status(reason)
            recorder.crawler.stats.set_value("run/status", status)
            # A failed run says nothing about which notices are still listed.
            if status != "failed" and recorder.listed:
                listed.setdefault(source.id, set()).update(
                    source.canonical(url) for url in recorder.listed)
            ends.append(archive.RunEnd(
                recorder.run_id,
                status,  # type: ignore[arg-type]
                at,
                recorder.counts(),
                [f"{p['kind']}: {p['url']}: {p['detail']}" for p in recorder.problems][:200],
                _jsonable(recorder.crawler.stats.get_stats()),
            ))
        if listed:
            archive.mark_listed_by_sources(session, listed, at)
        archive.finish_runs(session, ends)


def _jsonable(stats: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in stats.items():
        if isinstance(value, (int, float, str, bool)) or value is None:
            out[key] = value
        elif isinstance(value, datetime):
            out[key] = value.isoformat()
        else:
            out[key] = str(value)
    return out
