"""From a newly archived notice version to its findings and change events.

Called in the transaction that writes the version, so a version, its figures, its platform
mentions and the events they cause are archived together or not at all. The comparisons are
the pure functions of :mod:`diffing.compare` and the events' words those of
:mod:`diffing.events`; this module chooses what to compare (the previous version; the
source's earlier notices, by publication date, from :mod:`storage.history`) and writes the rows.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from time import process_time
from typing import Any, cast

from sqlalchemy import Table, bindparam, exists, insert, select
from sqlalchemy.orm import Session

from diffing import compare
from diffing.events import EventWording
from diffing.extract import Extraction, extract
from diffing.figures import Figure
from storage import models
from storage.db import core
from storage.findings import figure_of, figures_of, mention_of, store_findings
from storage.history import figure_history, mention_history

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WrittenEvent:
    """A change event as :func:`analyse_version` inserted it: the row's values and its id.

    It has the attributes of a :class:`storage.models.ChangeEvent` read from the archive,
    and is what alerts are queued from; the session keeps no object for it.
    """

    id: int
    kind: str
    source_id: str
    notice_id: int | None
    version_id: int | None
    subject: str | None
    created_at: datetime
    summary_en: str
    summary_zh: str | None
    payload: dict[str, Any]
    dedupe_key: str
    baseline: bool = False
    # A written event is current; re-analysis may withdraw it later (storage.reanalysis).
    withdrawn_at: datetime | None = None


@dataclass(frozen=True)
class Analysis:
    """What analysing one version found: its extraction and the events written for it."""

    extraction: Extraction
    events: list[WrittenEvent]
    # CPU seconds extraction took (part of what a crawl reports it spent storing).
    extraction_cpu_seconds: float = 0.0
    # Why extraction failed on the version's text, which was then archived without findings.
    extraction_error: str | None = None


def analyse_version(
    session: Session,
    notice: models.Notice,
    version: models.NoticeVersion,
    previous: models.NoticeVersion | None,
    *,
    now: datetime | None = None,
    version_is_new: bool = False,
    extraction: Extraction | None = None,
    events: EventBatch | None = None,
    baseline: bool = False,
) -> Analysis:
    """Extract figures and platforms of ``version``, store them, and add its change events.

    Idempotent for a version: events carry a unique dedupe key, and findings are written only
    once per version (a second call finds them and adds nothing). ``version_is_new``: the
    caller inserted the version in this transaction, so it has no findings to look for.
    ``extraction``: ``extract(version.text, published=notice.published_at)``, when the caller
    has it already (its CPU is then the caller's to count). ``events``: where the events wait
    to be inserted with those of the other versions of the transaction; the analysis's
    ``events`` are filled in when the caller writes the batch. ``baseline``: the version
    comes from the source's first crawl, so its events are marked as the back catalogue's.

    A figure that ``version`` edited in place (as :func:`diffing.compare.diff_figures` pairs
    them) is stored with the value it replaced and the version's fetch time; one that a later
    version keeps as it was keeps its revision.
    """
    now = now or datetime.now(UTC)
    already = not version_is_new and session.scalar(_ANALYSED, {"version_id": version.id})
    extraction_cpu = 0.0
    extraction_error = None
    if extraction is None:
        # A fault in a rule must not cost the notice its place in the archive: the version is
        # kept without figures or platforms, and the crawl reports why.
        guarded = extract_guarded(version.text, notice.published_at, notice.url,
                                  "archived without figures or platforms")
        extraction = guarded.extraction or Extraction(notice.language or "en")
        extraction_cpu, extraction_error = guarded.cpu_seconds, guarded.error
    if already:
        return Analysis(extraction, [], extraction_cpu, extraction_error)
    writer = _EventWriter(session, notice, version, now, baseline)
    if previous is None:
        store_findings(session, notice, version, extraction, error=extraction_error)
        _version_events(session, writer, notice, None, extraction, [])
    else:
        old_rows = session.scalars(
            select(models.Figure).where(models.Figure.version_id == previous.id)
            .order_by(models.Figure.start)).all()
        old_figures = figures_of(old_rows)
        # Every figure edited in place is marked revised; only eventful ones make events.
        revisions = figure_revisions(old_rows, extraction, version.fetched_at, old_figures)
        store_findings(session, notice, version, extraction, revisions=revisions,
                       error=extraction_error)
        _version_events(session, writer, notice, previous, extraction, old_figures)
    if events is None:
        writer.write()
    else:
        events.add(writer)
    return Analysis(extraction, writer.events, extraction_cpu, extraction_error)


# The kinds of event that analysing a version writes (re-analysis replaces these, no others).
VERSION_EVENT_KINDS = ("notice_new", "notice_edited", "figure_reported", "figure_changed",
                       "metric_new", "metric_dropped", "platform_named")


def version_event_rows(
    session: Session,
    notice: models.Notice,
    version: models.NoticeVersion,
    previous: models.NoticeVersion | None,
    extraction: Extraction,
    *,
    now: datetime,
    baseline: bool = False,
) -> list[dict[str, Any]]:
    """The change events :func:`analyse_version` would add for ``version`` with
    ``extraction``, as rows not inserted, compared with the archive as it is now (the
    version's findings, and its predecessor's, already written). Writes nothing."""
    writer = _EventWriter(session, notice, version, now, baseline)
    old_figures = [] if previous is None else figures_of(session.scalars(
        select(models.Figure).where(models.Figure.version_id == previous.id)
        .order_by(models.Figure.start)).all())
    _version_events(session, writer, notice, previous, extraction, old_figures)
    return writer.rows


def _version_events(session: Session, writer: _EventWriter, notice: models.Notice,
                    previous: models.NoticeVersion | None, extraction: Extraction,
                    old_figures: Sequence[Figure]) -> None:
    if previous is None:
        writer.notice_new()
        _first_version_events(session, writer, notice, extraction)
        return
    figure_changes = compare.diff_figures(
        [f for f in old_figures if compare.eventful(f)],
        [f for f in extraction.figures if compare.eventful(f)])
    _edit_events(session, writer, notice, previous, extraction, figure_changes)


@dataclass(frozen=True)
class GuardedExtraction:
    """What :func:`extract_guarded` found: the extraction, or None and ``error`` (the
    exception's type and message) when the extractor raised; and the CPU seconds it took."""

    extraction: Extraction | None
    cpu_seconds: float
    error: str | None = None


def extract_guarded(text: str, published: datetime | None, url: str,
                    consequence: str) -> GuardedExtraction:
    """``extract(text, published=published)``, never raising: a fault of the extractor is
    logged with its traceback ("extraction failed on ``url``; ``consequence``") and returned."""
    started = process_time()
    try:
        extraction = extract(text, published=published)
    except Exception as exc:
        logger.exception("extraction failed on %s; %s", url, consequence)
        return GuardedExtraction(None, process_time() - started, f"{type(exc).__name__}: {exc}")
    return GuardedExtraction(extraction, process_time() - started)


class EventBatch:
    """The events of the versions analysed in one transaction, inserted in one statement.

    A writer storing a batch of notices passes one to :func:`analyse_version` for each and
    calls :meth:`write` before it queues their alerts (which need the events' ids) and
    commits: one statement for the batch costs less than one per version. Nothing analysing
    a version reads the events of another, so waiting changes no finding.
    """

    def __init__(self) -> None:
        self._writers: list[_EventWriter] = []

    def add(self, writer: _EventWriter) -> None:
        self._writers.append(writer)

    def write(self, session: Session) -> None:
        """Insert the events added so far; each analysis's ``events`` then holds its own."""
        ids = _insert_events(session, [row for writer in self._writers for row in writer.rows])
        for writer in self._writers:
            writer.written(ids)
        self._writers.clear()


# Whether a version already has findings or events: one statement, built once.
_ANALYSED = select(
    exists().where(models.Figure.version_id == bindparam("version_id"))
    | exists().where(models.ChangeEvent.version_id == bindparam("version_id"))
)
_EVENTS_TABLE = cast(Table, models.ChangeEvent.__table__)
# The events' ids are matched to their rows by dedupe key. PostgreSQL inserts the rows in
# their order, as one statement; SQLite cannot order the rows RETURNING gives (SQLAlchemy then
# inserts one row per statement), and assigns ids in the rows' order in one statement anyway.
_INSERT_EVENTS = insert(_EVENTS_TABLE).returning(_EVENTS_TABLE.c.dedupe_key, _EVENTS_TABLE.c.id)
_INSERT_EVENTS_IN_ORDER = insert(_EVENTS_TABLE).returning(
    _EVENTS_TABLE.c.dedupe_key, _EVENTS_TABLE.c.id, sort_by_parameter_order=True)


def _insert_events(session: Session, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert event ``rows`` in one statement; their ids by dedupe key."""
    if not rows:
        return {}
    connection = core(session)
    in_order = connection.dialect.name == "postgresql"
    return {key: event_id for key, event_id in connection.execute(
        _INSERT_EVENTS_IN_ORDER if in_order else _INSERT_EVENTS, rows)}


# --- events -------------------------------------------------------------------------------


def _first_version_events(
    session: Session, writer: _EventWriter, notice: models.Notice, found: Extraction
) -> None:
    history = figure_history(session, notice, found.figures)
    periods = compare.PeriodHistory(
        [(figure, published) for published, figures in history for figure in figures])
    for figure in found.figures:
        if not compare.is_point(figure):
            continue
        writer.figure_reported(figure, periods.compare(figure))
    for metric_event in compare.metric_events(found.figures, history):
        writer.metric_event(metric_event)
    mentions = mention_history(session, notice, found.platforms)
    for appearance in compare.platform_appearances(found.platforms, mentions):
        writer.platform_named(appearance)


def figure_revisions(
    old_rows: Sequence[models.Figure | Any], found: Extraction, at: datetime,
    old_figures: Sequence[Figure] | None = None,
) -> dict[int, tuple[Decimal, datetime]]:
    """By position in ``found.figures`` (a version's findings): the value each figure that the
    version edited in place replaced, and when (``at``, the version's fetch time), against
    ``old_rows``, all the previous version's figure rows by start. A figure kept as it was
    keeps the old row's revision. ``old_figures``: ``figures_of(old_rows)``, when known."""
    if old_figures is None:
        old_figures = figures_of(old_rows)
    changes = compare.diff_figures(old_figures, found.figures)
    position = {id(figure): index for index, figure in enumerate(found.figures)}
    revised: dict[int, tuple[Decimal, datetime]] = {}
    for change in changes:
        if change.kind == "edited" and change.old is not None and change.new is not None:
            revised[position[id(change.new)]] = (Decimal(change.old.value), at)
    # A figure kept as it was keeps its revision: the old row with its key and value.
    earlier = {(compare.figure_key(figure_of(row)), Decimal(row.value)): (row.revised_from,
                                                                        row.revised_at)
               for row in old_rows if row.revised_from is not None and row.revised_at}
    for index, figure in enumerate(found.figures):
        if index not in revised:
            kept = earlier.get((compare.figure_key(figure), Decimal(figure.value)))
            if kept is not None and kept[0] is not None and kept[1] is not None:
                revised[index] = (kept[0], kept[1])
    return revised


def _edit_events(
    session: Session,
    writer: _EventWriter,
    notice: models.Notice,
    previous: models.NoticeVersion,
    found: Extraction,
    figure_changes: list[compare.FigureChange],
) -> None:
    old_mentions = [mention_of(r) for r in session.scalars(
        select(models.PlatformMention).where(models.PlatformMention.version_id == previous.id)
        .order_by(models.PlatformMention.start)).all()]
    platform_changes = compare.diff_platforms(old_mentions, found.platforms)
    writer.notice_edited(previous.number, previous.text, writer.version.text, figure_changes,
                         platform_changes)
    for change in figure_changes:
        writer.figure_changed(change)
    added = [c for c in platform_changes if c.kind == "added" and c.new is not None]
    if added:
        named = [c.new for c in added if c.new is not None]
        appearances = compare.platform_appearances(
            named, mention_history(session, notice, named)
        )
        for appearance in appearances:
            writer.platform_named(appearance)


class _EventWriter(EventWording):
    """Adds the events of one version as rows, each once (by its dedupe key)."""

    def __init__(self, session: Session, notice: models.Notice, version: models.NoticeVersion,
                 now: datetime, baseline: bool = False) -> None:
        dated = notice.published_at or notice.first_seen_at
        super().__init__(notice.title, version.number,
                         dated.astimezone(UTC).strftime("%Y-%m-%d") if dated else None)
        self.session = session
        self.notice = notice
        self.version = version
        self.now = now
        self.rows: list[dict[str, Any]] = []
        self.events: list[WrittenEvent] = []
        # What every event of the version repeats, read once from the mapped objects.
        self._row_base = {"source_id": notice.source_id, "notice_id": notice.id,
                          "version_id": version.id, "created_at": now,
                          "baseline": baseline}
        self._notice = self._notice_payload()

    def add(self, kind: str, subject: str | None, summary_en: str, summary_zh: str | None,
            payload: dict[str, Any]) -> None:
        version_id = self._row_base["version_id"]
        key_source = f"{version_id}|{kind}|{subject}|{len(self.rows)}"
        self.rows.append({
            "kind": kind, **self._row_base, "subject": subject,
            "summary_en": summary_en, "summary_zh": summary_zh,
            "payload": {"notice": dict(self._notice), **payload},
            "dedupe_key": f"v{version_id}:{kind}:"
            + hashlib.sha256(key_source.encode()).hexdigest()[:24],
        })

    def write(self) -> None:
        """Insert the events added so far in one statement; they become :attr:`events`."""
        self.written(_insert_events(self.session, self.rows))

    def written(self, ids: dict[str, int]) -> None:
        """Fill :attr:`events` (the list itself: an analysis holds it) from the inserted rows'
        ids by dedupe key."""
        self.events[:] = [WrittenEvent(id=ids[row["dedupe_key"]], **row) for row in self.rows]

    def _notice_payload(self) -> dict[str, Any]:
        return {
            "id": self.notice.id,
            "url": self.notice.url,
            "title": self.notice.title,
            "published_at": self.notice.published_at.isoformat()
            if self.notice.published_at else None,
            "version": self.version.number,
        }

    # Words ---------------------------------------------------------------------------------
