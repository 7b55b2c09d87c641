"""The source's earlier findings a new notice's first version is compared with.

What a first version is compared with, read by the rows it needs only. The full histories
grow with the archive, and reading them for every new notice made a first crawl quadratic (a
1,000-notice crawl spent 38% of its pipeline time there; see BENCHMARKS.md). These give the
comparisons of :mod:`diffing.compare` exactly the same answers from far fewer rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple, cast

from sqlalchemy import ColumnElement, Table, bindparam, exists, func, or_, select
from sqlalchemy.orm import Session

from diffing.compare import is_point, platform_key
from diffing.figures import Figure
from diffing.platforms import PlatformMention
from storage import models
from storage.db import core
from storage.findings import figures_of, mention_of, period_kind

# The statements are of the tables, not the mapped classes: the rows are read as plain rows,
# and an ORM statement costs a third more to run for the same rows.
_FIGURES = cast(Table, models.Figure.__table__).c
_MENTIONS = cast(Table, models.PlatformMention.__table__).c
_VERSIONS = cast(Table, models.NoticeVersion.__table__).c

_FIGURE_COLUMNS = (
    _FIGURES.id, _FIGURES.notice_id, _FIGURES.published_at, _FIGURES.metric, _FIGURES.value,
    _FIGURES.unit, _FIGURES.currency, _FIGURES.period, _FIGURES.scope, _FIGURES.start,
    _FIGURES.end, _FIGURES.text, _FIGURES.sentence, _FIGURES.extractor_version,
    _FIGURES.role, _FIGURES.party, _FIGURES.part_of_id, _FIGURES.other_spans,
)
_MENTION_COLUMNS = (
    _MENTIONS.notice_id, _MENTIONS.published_at, _MENTIONS.platform_id, _MENTIONS.name,
    _MENTIONS.kind, _MENTIONS.action, _MENTIONS.amount, _MENTIONS.currency, _MENTIONS.start,
    _MENTIONS.end, _MENTIONS.sentence, _MENTIONS.actions, _MENTIONS.operator,
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
    role: str | None
    party: str | None
    part_of_id: int | None
    other_spans: list[Any] | None


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
    operator: str | None


def _figure_rows(result: Any) -> list[_FigureRow]:
    return [_FigureRow._make(row) for row in result]


# Made once: building an alias for every query costs more than the query.
_NEWER_VERSION = cast(Table, models.NoticeVersion.__table__).alias("newer_version").c


def _earlier_current(table: Any, dated: bool) -> list[ColumnElement[bool]]:
    """Rows of ``table`` (figures or mentions) of the source's other notices' latest versions,
    published before the notice (``dated``; all of them for an undated notice): the rows of
    the whole history, without the whole-source subquery (a newer version of the same notice
    rules a row out). Bound by :func:`_history_parameters`."""
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
    # The figures diffing.compare.is_point counts: no part of a total.
    point = or_(_FIGURES.role.is_(None), _FIGURES.role != "part")
    kinds = _FIGURES.period_kind.in_(bindparam("kinds", expanding=True))
    # Periods are compared only with periods of the same kind; of the other figures of these
    # metrics, one per (metric, scope) says that the metric was reported before. Two
    # statements, not one with OR: an OR keeps SQLite from looking up the kinds in the index,
    # and the first figures are needed only for metrics the first statement did not find.
    first_of_each = (
        select(func.min(_FIGURES.id))
        .where(*earlier, metrics, point)
        .group_by(_FIGURES.metric, _FIGURES.scope)
    )
    qualifying = [*earlier, _FIGURES.metric.is_not(None), point, kinds]
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
    """The part of the source's whole earlier history that comparing ``figures`` reads, in
    its order (tests/test_events_history.py compares the two).

    :func:`diffing.compare.compare_periods` and :func:`diffing.compare.metric_events` give the
    same answers on it as on the whole history: it holds every earlier figure of the metrics
    ``figures`` report whose period is of a kind they report, the first figure of each
    (metric, scope) of the metrics whose own (metric, scope) is not among those, and all
    figures of the notice ``metric_events`` takes as the predecessor. Notices keep the whole
    history's order (publication time, then first figure id), so ties resolve alike.
    """
    figures = [f for f in figures if is_point(f)]
    metrics = sorted({f.metric for f in figures if f.metric is not None})
    if not metrics:
        return []
    kinds = sorted({k for f in figures if (k := period_kind(f.period)) is not None})
    _autoflush(session)
    statements = _figure_history_statements(notice.published_at is not None)
    history = _history_parameters(notice)
    connection = core(session)
    rows = _figure_rows(connection.execute(
        statements.rows, {**history, "metrics": metrics, "kinds": kinds})) if kinds else []
    found = {(row.metric, row.scope) for row in rows if row.role != "part"}
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
         figures_of(sorted(notice_rows, key=lambda r: r.id)))
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


@lru_cache(maxsize=2)
def _mention_history_statement(dated: bool) -> Any:
    return select(*_MENTION_COLUMNS).where(
        *_earlier_current(_MENTIONS, dated),
        _MENTIONS.platform_key.in_(bindparam("platforms", expanding=True)))


def mention_history(
    session: Session, notice: models.Notice, mentions: Sequence[PlatformMention]
) -> list[tuple[date, list[PlatformMention]]]:
    """The part of the source's whole earlier history that
    :func:`diffing.compare.platform_appearances` reads for ``mentions``: earlier mentions of
    the same platforms, by key (a registry id, or ``name:`` and the normalised name of one the
    registry does not know)."""
    if not mentions:
        return []
    _autoflush(session)
    keys = sorted({platform_key(m) for m in mentions})
    statement = _mention_history_statement(notice.published_at is not None)
    rows = core(session).execute(statement, {**_history_parameters(notice), "platforms": keys})
    by_notice: dict[int, tuple[date, list[PlatformMention]]] = {}
    for row in map(_MentionRow._make, rows):
        published = (row.published_at or datetime.min.replace(tzinfo=UTC)).date()
        by_notice.setdefault(row.notice_id, (published, []))[1].append(mention_of(row))
    return list(by_notice.values())
