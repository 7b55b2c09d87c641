"""From a newly archived notice version to its findings and change events.

Called in the transaction that writes the version, so a version, its figures, its platform
mentions and the events they cause are archived together or not at all. The comparisons are
the pure functions of :mod:`diffing.compare`; this module chooses what to compare (the previous
version; the source's earlier notices, by publication date) and words the events.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import lru_cache
from time import process_time
from typing import Any, NamedTuple, cast

from sqlalchemy import ColumnElement, Table, bindparam, exists, func, insert, select, true
from sqlalchemy.orm import Session

from diffing import compare
from diffing.extract import Extraction, extract
from diffing.figures import Figure, load_metrics
from diffing.numbers import Amount
from diffing.periods import Period
from diffing.platforms import PlatformMention, load_platforms
from storage import models
from storage.db import core

# How much of a text diff an event keeps; the archive has both versions in full.
DIFF_EXCERPT = 4000


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


@dataclass(frozen=True)
class Analysis:
    """What analysing one version found: its extraction and the events written for it."""

    extraction: Extraction
    events: list[WrittenEvent]
    # CPU seconds extraction took (part of what a crawl reports it spent storing).
    extraction_cpu_seconds: float = 0.0


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
) -> Analysis:
    """Extract figures and platforms of ``version``, store them, and add its change events.

    Idempotent for a version: events carry a unique dedupe key, and findings are written only
    once per version (a second call finds them and adds nothing). ``version_is_new``: the
    caller inserted the version in this transaction, so it has no findings to look for.
    ``extraction``: ``extract(version.text, published=notice.published_at)``, when the caller
    has it already (its CPU is then the caller's to count). ``events``: where the events wait
    to be inserted with those of the other versions of the transaction; the analysis's
    ``events`` are filled in when the caller writes the batch.
    """
    now = now or datetime.now(UTC)
    already = not version_is_new and session.scalar(_ANALYSED, {"version_id": version.id})
    extraction_cpu = 0.0
    if extraction is None:
        started = process_time()
        extraction = extract(version.text, published=notice.published_at)
        extraction_cpu = process_time() - started
    if already:
        return Analysis(extraction, [], extraction_cpu)
    _store_findings(session, notice, version, extraction)
    writer = _EventWriter(session, notice, version, now)
    if previous is None:
        writer.notice_new()
        _first_version_events(session, writer, notice, extraction)
    else:
        _edit_events(session, writer, notice, previous, extraction)
    if events is None:
        writer.write()
    else:
        events.add(writer)
    return Analysis(extraction, writer.events, extraction_cpu)


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
_INSERT_FIGURES = insert(cast(Table, models.Figure.__table__))
_INSERT_MENTIONS = insert(cast(Table, models.PlatformMention.__table__))
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


# --- findings -----------------------------------------------------------------------------


def _store_findings(
    session: Session, notice: models.Notice, version: models.NoticeVersion, found: Extraction
) -> None:
    # Plain rows in one statement each: nothing reads them back as objects in this transaction.
    if found.figures:
        core(session).execute(_INSERT_FIGURES, [
            {"version_id": version.id, "notice_id": notice.id, "source_id": notice.source_id,
             "metric": figure.metric, "value": Decimal(figure.value), "unit": figure.unit,
             "currency": figure.currency, "period": figure.period,
             "period_kind": _period_kind(figure.period), "scope": figure.scope,
             "start": figure.start, "end": figure.end, "text": figure.text,
             "sentence": figure.sentence[:2000], "extractor_version": figure.extractor_version,
             "published_at": notice.published_at}
            for figure in found.figures
        ])
    if found.platforms:
        core(session).execute(_INSERT_MENTIONS, [
            {"version_id": version.id, "notice_id": notice.id, "source_id": notice.source_id,
             "platform_id": mention.id, "name": mention.name[:200], "kind": mention.kind,
             "action": mention.action, "actions": list(mention.actions),
             "amount": mention.amount.value if mention.amount else None,
             "currency": mention.amount.currency if mention.amount else None,
             "start": mention.start, "end": mention.end, "sentence": mention.sentence[:2000],
             "extractor_version": found.extractor_version, "published_at": notice.published_at}
            for mention in found.platforms
        ])


def figure_of(row: models.Figure | Any) -> Figure:
    """The :class:`diffing.figures.Figure` an archived figure row holds (a mapped row, or a
    result row of the same columns)."""
    value: int | Decimal = row.value
    if row.value == row.value.to_integral_value() and row.currency is None:
        value = int(row.value)
    else:
        value = row.value.normalize()
    return Figure(
        metric=row.metric, value=value, unit=row.unit, currency=row.currency, period=row.period,
        scope=row.scope, start=row.start, end=row.end, text=row.text, sentence=row.sentence,
        extractor_version=row.extractor_version,
    )


def mention_of(row: models.PlatformMention | Any) -> PlatformMention:
    """The :class:`diffing.platforms.PlatformMention` an archived mention row holds (a mapped
    row, or a result row of the same columns)."""
    amount = Amount(row.amount.normalize(), row.currency) if row.amount is not None and (
        row.currency
    ) else None
    return PlatformMention(
        id=row.platform_id, name=row.name, kind=row.kind, action=row.action, amount=amount,
        start=row.start, end=row.end, sentence=row.sentence, actions=tuple(row.actions or ()),
    )


def _current_versions(source_id: str, exclude_notice: int) -> Any:
    """The id of each other notice's latest version in the source."""
    return (
        select(func.max(models.NoticeVersion.id))
        .join(models.Notice, models.Notice.id == models.NoticeVersion.notice_id)
        .where(models.Notice.source_id == source_id, models.Notice.id != exclude_notice)
        .group_by(models.NoticeVersion.notice_id)
    )


def _earlier(notice: models.Notice, column: Any) -> Any:
    """Rows published before ``notice`` (all archived rows when its date is unknown)."""
    if notice.published_at is None:
        return true()
    return column < notice.published_at


def earlier_figures(
    session: Session, notice: models.Notice
) -> list[tuple[date, list[Figure]]]:
    """The source's other notices published before ``notice``: (date, figures) each."""
    rows = session.scalars(
        select(models.Figure)
        .where(models.Figure.version_id.in_(_current_versions(notice.source_id, notice.id)),
               _earlier(notice, models.Figure.published_at))
        .order_by(models.Figure.published_at, models.Figure.id)
    ).all()
    by_notice: dict[int, tuple[date, list[Figure]]] = {}
    for row in rows:
        published = (row.published_at or datetime.min.replace(tzinfo=UTC)).date()
        by_notice.setdefault(row.notice_id, (published, []))[1].append(figure_of(row))
    return list(by_notice.values())


def earlier_mentions(
    session: Session, notice: models.Notice
) -> list[tuple[date, list[PlatformMention]]]:
    """Platform mentions of the source's other notices published before ``notice``."""
    rows = session.scalars(
        select(models.PlatformMention)
        .where(models.PlatformMention.version_id.in_(
            _current_versions(notice.source_id, notice.id)),
            _earlier(notice, models.PlatformMention.published_at))
        .order_by(models.PlatformMention.published_at, models.PlatformMention.id)
    ).all()
    by_notice: dict[int, tuple[date, list[PlatformMention]]] = {}
    for row in rows:
        published = (row.published_at or datetime.min.replace(tzinfo=UTC)).date()
        by_notice.setdefault(row.notice_id, (published, []))[1].append(mention_of(row))
    return list(by_notice.values())


# What a first version is compared with, read by the rows it needs only. The full histories
# above grow with the archive, and reading them for every new notice made a first crawl
# quadratic (a 1,000-notice crawl spent 38% of its pipeline time there; see BENCHMARKS.md).
# These give the comparisons exactly the same answers from far fewer rows.

# The statements are of the tables, not the mapped classes: the rows are read as plain rows,
# and an ORM statement costs a third more to run for the same rows.
_FIGURES = cast(Table, models.Figure.__table__).c
_MENTIONS = cast(Table, models.PlatformMention.__table__).c
_VERSIONS = cast(Table, models.NoticeVersion.__table__).c

_FIGURE_COLUMNS = (
    _FIGURES.id, _FIGURES.notice_id, _FIGURES.published_at, _FIGURES.metric, _FIGURES.value,
    _FIGURES.unit, _FIGURES.currency, _FIGURES.period, _FIGURES.scope, _FIGURES.start,
    _FIGURES.end, _FIGURES.text, _FIGURES.sentence, _FIGURES.extractor_version,
)
_MENTION_COLUMNS = (
    _MENTIONS.notice_id, _MENTIONS.published_at, _MENTIONS.platform_id, _MENTIONS.name,
    _MENTIONS.kind, _MENTIONS.action, _MENTIONS.amount, _MENTIONS.currency, _MENTIONS.start,
    _MENTIONS.end, _MENTIONS.sentence, _MENTIONS.actions,
)



class _FigureRow(NamedTuple):
    """A row of :data:`_FIGURE_COLUMNS`. Reading a field of a result row by name costs about
    ten times reading it from a named tuple, and each history row is read a dozen times."""

    id: int
    notice_id: int
    published_at: datetime | None
    metric: str | None
    value: Decimal
    unit: str
    currency: str | None
    period: str | None
    scope: str | None
    start: int
    end: int
    text: str
    sentence: str
    extractor_version: str


class _MentionRow(NamedTuple):
    """A row of :data:`_MENTION_COLUMNS` (see :class:`_FigureRow`)."""

    notice_id: int
    published_at: datetime | None
    platform_id: str | None
    name: str
    kind: str
    action: str | None
    amount: Decimal | None
    currency: str | None
    start: int
    end: int
    sentence: str
    actions: list[Any] | None


def _figure_rows(result: Any) -> list[_FigureRow]:
    return [_FigureRow._make(row) for row in result]


# Made once: building an alias for every query costs more than the query.
_NEWER_VERSION = cast(Table, models.NoticeVersion.__table__).alias("newer_version").c


def _earlier_current(table: Any, dated: bool) -> list[ColumnElement[bool]]:
    """Rows of ``table`` (figures or mentions) of the source's other notices' latest versions,
    published before the notice (``dated``; all of them for an undated notice): the rows
    :func:`earlier_figures` reads, without the whole-source subquery (a newer version of the
    same notice rules a row out). Bound by :func:`_history_parameters`."""
    newer = _NEWER_VERSION
    clauses = [
        table.source_id == bindparam("source_id"),
        table.notice_id != bindparam("notice_id"),
        ~exists().where(newer.notice_id == table.notice_id, newer.id > table.version_id),
    ]
    if dated:
        clauses.append(table.published_at < bindparam("published_at"))
    return clauses


def _autoflush(session: Session) -> None:
    # Statements of tables do not flush the session as ORM statements do; pending figures
    # and versions must still be seen.
    if session.autoflush:
        session.flush()


def _history_parameters(notice: models.Notice) -> dict[str, Any]:
    parameters: dict[str, Any] = {"source_id": notice.source_id, "notice_id": notice.id}
    if notice.published_at is not None:
        parameters["published_at"] = notice.published_at
    return parameters


@dataclass(frozen=True)
class _FigureHistoryStatements:
    """The statements :func:`figure_history` runs, built once per kind of notice (dated or
    not): building them costs more than running them on a small archive."""

    rows: Any
    first_rows: Any
    predecessor_rows: Any
    latest_day: Any
    tied_on_day: Any
    tied_undated: Any
    first_ids: Any


@lru_cache(maxsize=2)
def _figure_history_statements(dated: bool) -> _FigureHistoryStatements:
    earlier = _earlier_current(_FIGURES, dated)
    metrics = _FIGURES.metric.in_(bindparam("metrics", expanding=True))
    kinds = _FIGURES.period_kind.in_(bindparam("kinds", expanding=True))
    # Periods are compared only with periods of the same kind; of the other figures of these
    # metrics, one per (metric, scope) says that the metric was reported before. Two
    # statements, not one with OR: an OR keeps SQLite from looking up the kinds in the index,
    # and the first figures are needed only for metrics the first statement did not find.
    first_of_each = (
        select(func.min(_FIGURES.id))
        .where(*earlier, metrics)
        .group_by(_FIGURES.metric, _FIGURES.scope)
    )
    qualifying = [*earlier, _FIGURES.metric.is_not(None), kinds]
    tied = (select(_FIGURES.notice_id, _FIGURES.published_at)
            .group_by(_FIGURES.notice_id, _FIGURES.published_at))
    # The predecessor's figures through its latest version (an indexed column), not by its
    # notice id (which no index of the figures leads with).
    predecessor_version = (
        select(func.max(_VERSIONS.id))
        .where(_VERSIONS.notice_id == bindparam("predecessor"))
        .scalar_subquery()
    )
    return _FigureHistoryStatements(
        rows=select(*_FIGURE_COLUMNS).where(*earlier, metrics, kinds),
        first_rows=select(*_FIGURE_COLUMNS).where(_FIGURES.id.in_(first_of_each)),
        predecessor_rows=select(*_FIGURE_COLUMNS)
        .where(*earlier, _FIGURES.version_id == predecessor_version,
               _FIGURES.notice_id == bindparam("predecessor"))
        .order_by(_FIGURES.id),
        latest_day=select(func.max(_FIGURES.published_at)).where(*qualifying),
        tied_on_day=tied.where(*qualifying,
                               _FIGURES.published_at >= bindparam("day_start")),
        tied_undated=tied.where(*qualifying, _FIGURES.published_at.is_(None)),
        first_ids=select(_FIGURES.notice_id, func.min(_FIGURES.id))
        .where(*earlier, _FIGURES.notice_id.in_(bindparam("notice_ids", expanding=True)))
        .group_by(_FIGURES.notice_id),
    )


def figure_history(
    session: Session, notice: models.Notice, figures: Sequence[Figure]
) -> list[tuple[date, list[Figure]]]:
    """The part of :func:`earlier_figures` that comparing ``figures`` reads, in its order.

    :func:`diffing.compare.compare_periods` and :func:`diffing.compare.metric_events` give the
    same answers on it as on the whole history: it holds every earlier figure of the metrics
    ``figures`` report whose period is of a kind they report, the first figure of each
    (metric, scope) of the metrics whose own (metric, scope) is not among those, and all
    figures of the notice ``metric_events`` takes as the predecessor. Notices keep the whole
    history's order (publication time, then first figure id), so ties resolve alike.
    """
    metrics = sorted({f.metric for f in figures if f.metric is not None})
    if not metrics:
        return []
    kinds = sorted({k for f in figures if f.metric is not None
                    if (k := _period_kind(f.period)) is not None})
    _autoflush(session)
    statements = _figure_history_statements(notice.published_at is not None)
    history = _history_parameters(notice)
    connection = core(session)
    rows = _figure_rows(connection.execute(
        statements.rows, {**history, "metrics": metrics, "kinds": kinds})) if kinds else []
    found = {(row.metric, row.scope) for row in rows}
    unseen = sorted({f.metric for f in figures
                     if f.metric is not None and (f.metric, f.scope) not in found})
    if unseen:
        read = {row.id for row in rows}
        rows += [row for row in _figure_rows(connection.execute(
            statements.first_rows, {**history, "metrics": unseen})) if row.id not in read]
    predecessor = _predecessor(session, statements, history, kinds) if kinds else None
    if predecessor is not None:
        rows = [row for row in rows if row.notice_id != predecessor] + _figure_rows(
            connection.execute(statements.predecessor_rows, {**history, "predecessor": predecessor}))
    by_notice: dict[int, tuple[datetime | None, list[Any]]] = {}
    for row in rows:
        by_notice.setdefault(row.notice_id, (row.published_at, []))[1].append(row)
    # Notices published at the same instant are ordered by their first figure of all; the
    # rows read here may not include it.
    moments: dict[datetime | None, list[int]] = {}
    for notice_id, (published, _) in by_notice.items():
        moments.setdefault(published, []).append(notice_id)
    first_ids = _first_figure_ids(
        session, statements, history,
        [n for same in moments.values() if len(same) > 1 for n in same])
    ordered = sorted(by_notice.items(), key=lambda item: (
        _nulls_first(item[1][0]), first_ids.get(item[0], 0)))
    return [
        ((published or datetime.min.replace(tzinfo=UTC)).date(),
         [figure_of(row) for row in sorted(notice_rows, key=lambda r: r.id)])
        for _, (published, notice_rows) in ordered
    ]


def _predecessor(session: Session, statements: _FigureHistoryStatements,
                 history: dict[str, Any], kinds: Sequence[str]) -> int | None:
    """The notice :func:`diffing.compare.metric_events` compares with: the latest earlier one
    (by publication day, in UTC as the archive returns it; no date counts as the earliest)
    with a classified figure of one of ``kinds``; on a tie of days, the one first in the
    history's order."""
    parameters = {**history, "kinds": list(kinds)}
    connection = core(session)
    latest = connection.scalar(statements.latest_day, parameters)
    if latest is None:
        tied_rows = connection.execute(statements.tied_undated, parameters)
    else:
        tied_rows = connection.execute(statements.tied_on_day, {
            **parameters, "day_start": datetime.combine(latest.date(), time.min, tzinfo=UTC)})
    tied: list[tuple[int, datetime | None]] = [
        (notice_id, published) for notice_id, published in tied_rows
    ]
    if len(tied) <= 1:
        return tied[0][0] if tied else None
    first_ids = _first_figure_ids(session, statements, history, [n for n, _ in tied])
    return min(tied, key=lambda item: (_nulls_first(item[1]), first_ids[item[0]]))[0]


def _first_figure_ids(
    session: Session, statements: _FigureHistoryStatements, history: dict[str, Any],
    notice_ids: Sequence[int],
) -> dict[int, int]:
    """The lowest figure id of each notice's current version, by notice id."""
    first: dict[int, int] = {}
    for start in range(0, len(notice_ids), 500):
        rows = core(session).execute(statements.first_ids, {
            **history, "notice_ids": list(notice_ids[start:start + 500])})
        first.update((notice_id, figure_id) for notice_id, figure_id in rows)
    return first


def _nulls_first(moment: datetime | None) -> tuple[int, datetime]:
    # The whole history is ordered by publication time; only one kind of value ever ties here.
    return (0, datetime.min.replace(tzinfo=UTC)) if moment is None else (1, moment)


@lru_cache(maxsize=4)
def _mention_history_statement(dated: bool, with_unknown: bool) -> Any:
    wanted: ColumnElement[bool] = _MENTIONS.platform_id.in_(
        bindparam("platforms", expanding=True))
    if with_unknown:
        wanted = wanted | _MENTIONS.platform_id.is_(None)
    return select(*_MENTION_COLUMNS).where(
        *_earlier_current(_MENTIONS, dated), wanted)


def mention_history(
    session: Session, notice: models.Notice, mentions: Sequence[PlatformMention]
) -> list[tuple[date, list[PlatformMention]]]:
    """The part of :func:`earlier_mentions` that :func:`diffing.compare.platform_appearances`
    reads for ``mentions``: earlier mentions of the same registry platforms (and of unknown
    names, when ``mentions`` has one)."""
    if not mentions:
        return []
    _autoflush(session)
    known = sorted({m.id for m in mentions if m.id is not None})
    statement = _mention_history_statement(notice.published_at is not None,
                                           any(m.id is None for m in mentions))
    rows = core(session).execute(statement, {**_history_parameters(notice), "platforms": known})
    by_notice: dict[int, tuple[date, list[PlatformMention]]] = {}
    for row in map(_MentionRow._make, rows):
        published = (row.published_at or datetime.min.replace(tzinfo=UTC)).date()
        by_notice.setdefault(row.notice_id, (published, []))[1].append(mention_of(row))
    return list(by_notice.values())


def _period_kind(period: str | None) -> str | None:
    parsed = Period.parse(period)
    return parsed.kind if parsed else None


# --- events -------------------------------------------------------------------------------


def _first_version_events(
    session: Session, writer: _EventWriter, notice: models.Notice, found: Extraction
) -> None:
    history = figure_history(session, notice, found.figures)
    periods = compare.PeriodHistory(
        [(figure, published) for published, figures in history for figure in figures])
    for figure in found.figures:
        if figure.metric is None:
            continue
        writer.figure_reported(figure, periods.compare(figure))
    for metric_event in compare.metric_events(found.figures, history):
        writer.metric_event(metric_event)
    mentions = mention_history(session, notice, found.platforms)
    for appearance in compare.platform_appearances(found.platforms, mentions):
        writer.platform_named(appearance)


def _edit_events(
    session: Session,
    writer: _EventWriter,
    notice: models.Notice,
    previous: models.NoticeVersion,
    found: Extraction,
) -> None:
    old_figures = [figure_of(r) for r in session.scalars(
        select(models.Figure).where(models.Figure.version_id == previous.id)
        .order_by(models.Figure.start)).all()]
    old_mentions = [mention_of(r) for r in session.scalars(
        select(models.PlatformMention).where(models.PlatformMention.version_id == previous.id)
        .order_by(models.PlatformMention.start)).all()]
    figure_changes = compare.diff_figures(old_figures, found.figures)
    platform_changes = compare.diff_platforms(old_mentions, found.platforms)
    writer.notice_edited(previous, figure_changes, platform_changes)
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


class _EventWriter:
    """Words and adds the events of one version, each once (by its dedupe key)."""

    def __init__(self, session: Session, notice: models.Notice, version: models.NoticeVersion,
                 now: datetime) -> None:
        self.session = session
        self.notice = notice
        self.version = version
        self.now = now
        self.rows: list[dict[str, Any]] = []
        self.events: list[WrittenEvent] = []
        self.metrics = load_metrics()
        self.registry = load_platforms()
        # What every event of the version repeats, read once from the mapped objects.
        self._row_base = {"source_id": notice.source_id, "notice_id": notice.id,
                          "version_id": version.id, "created_at": now}
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

    def metric_label(self, metric: str | None, language: str = "en") -> str:
        for entry in self.metrics.metrics:
            if entry.id == metric:
                label = getattr(entry, f"label_{language}", None)
                if label:
                    return str(label)
                return entry.meaning if language == "en" else entry.id
        return metric or "unclassified figure"

    def platform_label(self, key: str, name: str, language: str = "en") -> str:
        platform = self.registry.platforms.get(key)
        if platform is None:
            return name
        names = platform.names_en if language == "en" else platform.names_zh
        return names[0] if names else name

    # Kinds ---------------------------------------------------------------------------------

    def notice_new(self) -> None:
        title = self.notice.title
        self.add("notice_new", None, f"New notice: {title}", f"新通知：{title}", {})

    def notice_edited(self, previous: models.NoticeVersion,
                      figures: Sequence[compare.FigureChange],
                      platforms: Sequence[compare.PlatformChange]) -> None:
        diff = compare.text_diff(previous.text, self.version.text,
                                 old_label=f"version {previous.number}",
                                 new_label=f"version {self.version.number}")
        edited = sum(1 for c in figures if c.kind == "edited")
        details = f"; {edited} figure(s) edited" if edited else ""
        self.add(
            "notice_edited", None,
            f"Notice edited (version {self.version.number}): {self.notice.title}{details}",
            f"通知内容被修改（第{self.version.number}版）：{self.notice.title}",
            {"previous_version": previous.number, "diff": diff[:DIFF_EXCERPT],
             "diff_truncated": len(diff) > DIFF_EXCERPT,
             "figures_changed": len(figures), "platforms_changed": len(platforms)},
        )

    def figure_reported(self, figure: Figure,
                        comparison: compare.PeriodComparison | None) -> None:
        label = self.metric_label(figure.metric)
        value = _number(figure.value, figure.currency)
        period = figure.period or "an unstated period"
        en = f"{label}: {value} in {period}"
        zh = f"{self.metric_label(figure.metric, 'zh')}：{period} {value}{figure.unit if not figure.currency else ''}"
        payload: dict[str, Any] = {"figure": _figure_payload(figure)}
        if comparison is not None:
            previous = _number(comparison.previous_value, figure.currency)
            if comparison.percent is not None:
                direction = "up" if comparison.change > 0 else "down" if comparison.change < 0 else "unchanged"
                shown = f"{abs(comparison.percent)}%"
                en += (f", {direction} {shown} on {comparison.previous_period}'s {previous}"
                       if direction != "unchanged" else
                       f", unchanged on {comparison.previous_period}")
                zh += (f"，较{comparison.previous_period}年的{previous}"
                       f"{'增长' if comparison.change > 0 else '下降' if comparison.change < 0 else '持平'}"
                       f"{shown if comparison.change else ''}")
            payload["comparison"] = {
                "previous_period": comparison.previous_period,
                "previous_value": _json_number(comparison.previous_value),
                "change": _json_number(comparison.change),
                "percent": str(comparison.percent) if comparison.percent is not None else None,
            }
        self.add("figure_reported", figure.metric, en, zh, payload)

    def figure_changed(self, change: compare.FigureChange) -> None:
        label = self.metric_label(change.metric)
        title = self.notice.title
        either = change.new or change.old
        currency = either.currency if either is not None else None
        if change.kind == "edited" and change.old is not None and change.new is not None:
            en = (f"The figure for {label} was silently edited from "
                  f"{_number(change.old.value, currency)} to {_number(change.new.value, currency)}"
                  f" in “{title}”")
            zh = (f"“{title}”中的{self.metric_label(change.metric, 'zh')}数字被修改："
                  f"{_number(change.old.value, currency)} → {_number(change.new.value, currency)}")
        elif change.kind == "added" and change.new is not None:
            en = f"A figure was added to “{title}”: {label} {_number(change.new.value, currency)}"
            zh = f"“{title}”新增数字：{change.new.text}"
        else:
            assert change.old is not None
            en = f"A figure was removed from “{title}”: {label} {_number(change.old.value, currency)}"
            zh = f"“{title}”删除了数字：{change.old.text}"
        self.add("figure_changed", change.metric, en, zh, {
            "change": change.kind, "metric": change.metric, "period": change.period,
            "scope": change.scope,
            "old": _figure_payload(change.old) if change.old else None,
            "new": _figure_payload(change.new) if change.new else None,
        })

    def metric_event(self, event: compare.MetricEvent) -> None:
        label = self.metric_label(event.metric)
        label_zh = self.metric_label(event.metric, "zh")
        value = _number(event.figure.value, event.figure.currency)
        if event.kind == "first_reported":
            self.add("metric_new", event.metric,
                     f"Reported for the first time: {label} ({value})",
                     f"首次公布：{label_zh}（{value}）",
                     {"metric": event.metric, "scope": event.scope,
                      "figure": _figure_payload(event.figure)})
        else:
            self.add("metric_dropped", event.metric,
                     f"No longer reported: {label} (last {value}, {event.figure.period})",
                     f"不再公布：{label_zh}（上次 {value}，{event.figure.period}）",
                     {"metric": event.metric, "scope": event.scope,
                      "last_figure": _figure_payload(event.figure)})

    def platform_named(self, appearance: compare.PlatformAppearance) -> None:
        mention = appearance.mention
        name_en = self.platform_label(appearance.key, mention.name)
        name_zh = self.platform_label(appearance.key, mention.name, "zh")
        action = f" ({mention.action.replace('_', ' ')})" if mention.action else ""
        if appearance.kind == "first_time":
            en = f"{name_en} named for the first time{action}"
            zh = f"首次点名：{name_zh}"
        else:
            en = (f"{name_en} named again{action}: {appearance.times_before} earlier notice(s), "
                  f"first on {appearance.first_seen}")
            zh = f"再次点名：{name_zh}（此前{appearance.times_before}次）"
        self.add("platform_named", mention.id or appearance.key, en, zh, {
            "platform": mention.id, "name": mention.name, "kind": mention.kind,
            "action": mention.action, "actions": list(mention.actions),
            "amount": {"value": str(mention.amount.value), "currency": mention.amount.currency}
            if mention.amount else None,
            "first_time": appearance.kind == "first_time",
            "times_before": appearance.times_before,
            "first_seen": appearance.first_seen.isoformat() if appearance.first_seen else None,
            "last_seen": appearance.last_seen.isoformat() if appearance.last_seen else None,
        })


def _number(value: int | Decimal, currency: str | None = None) -> str:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    shown = f"{value:,}" if isinstance(value, int) else f"{value:,f}".rstrip("0").rstrip(".")
    return f"{currency} {shown}" if currency else shown


def _json_number(value: int | Decimal) -> int | str:
    return value if isinstance(value, int) else format(value, "f")


def _figure_payload(figure: Figure) -> dict[str, Any]:
    return {
        "metric": figure.metric, "value": _json_number(figure.value), "unit": figure.unit,
        "currency": figure.currency, "period": figure.period, "scope": figure.scope,
        "text": figure.text, "start": figure.start, "end": figure.end,
        "sentence": figure.sentence,
    }
