"""A metric's series: its figures by period, from notices' latest versions, and the notices
behind each point. A figure that states no period is a point of its own, dated by its notice
("as of 2026-10-15").

A point is a total (:func:`diffing.compare.is_point` without a party): a figure about one party
(a single decision's fine) and a part of a total are no points; the total is.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Integer,
    Numeric,
    String,
    bindparam,
    distinct,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from storage.aware_datetime import AwareDateTime
from storage.listings import listed_by
from storage.models import Figure, Notice
from storage.search_index import notice_search


@dataclass(frozen=True)
class SeriesNotice:
    notice_id: int
    title: str
    published_at: datetime | None
    value: Decimal
    text: str


class SeriesPoint:
    """One period of a metric's series: the value the most recent notice gave for it, and
    every notice that reported a figure for that period (newest first).

    ``notices`` is read from the archive when first asked for (one indexed query for this
    point), so a chart of a long series costs one row per period; the session that made the
    point must still be open then. A point of a large archive can stand on thousands of
    notices: `newest_notices` reads only the newest few.
    """

    def __init__(
        self,
        period: str,
        period_kind: str,
        scope: str | None,
        unit: str,
        value: Decimal,
        notices: list[SeriesNotice] | None = None,
        *,
        load_notices: Callable[[int | None], list[SeriesNotice]] | None = None,
        load_newest: Callable[[int], list[SeriesNotice]] | None = None,
        revised_from: Decimal | None = None,
        revised_at: datetime | None = None,
    ) -> None:
        self.period = period
        self.period_kind = period_kind
        self.scope = scope
        self.unit = unit
        self.value = value
        # The point's figure was edited in place by a later version of its notice: the value
        # it replaced, and when the edit was archived.
        self.revised_from = revised_from
        self.revised_at = revised_at
        self._notices = notices
        self._load_notices = load_notices
        self._load_newest = load_newest

    @property
    def notices(self) -> list[SeriesNotice]:
        if self._notices is None:
            self._notices = self._load_notices(None) if self._load_notices else []
        return self._notices

    def newest_notices(self, limit: int) -> list[SeriesNotice]:
        """The first ``limit`` of `notices`, reading only those (an index range per point)
        unless every notice has been read already."""
        if self._notices is not None or self._load_notices is None:
            return self.notices[:limit]
        if limit <= 0:
            return []
        if self._load_newest is not None:
            return self._load_newest(limit)
        return self._load_notices(limit)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SeriesPoint):
            return NotImplemented
        return (self.period, self.period_kind, self.scope, self.unit, self.value,
                self.notices) == (other.period, other.period_kind, other.scope, other.unit,
                                  other.value, other.notices)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (f"SeriesPoint(period={self.period!r}, period_kind={self.period_kind!r}, "
                f"scope={self.scope!r}, unit={self.unit!r}, value={self.value!r})")

    @property
    def year(self) -> int:
        return int(self.period[:4])

    @property
    def as_of(self) -> bool:
        """Whether the point is a figure with no stated period, dated by its notice (its
        ``period`` is then that date, ``2026-10-15``)."""
        return self.period_kind == AS_OF

    @property
    def part(self) -> int:
        """1 or 2 for halves, 1 to 4 for quarters, 0 for a year or a date."""
        return int(self.period[-1]) if "-" in self.period and not self.as_of else 0

    @property
    def label(self) -> str:
        """``2023``, ``2023-H1``, or ``as of 2026-10-15``."""
        return f"as of {self.period}" if self.as_of else self.period


# The kind of a point whose figure states no period: it is dated by its notice.
AS_OF = "as_of"


def figure_series(
    session: Session,
    metric: str,
    *,
    period_kind: str | None = None,
    scope: str | None = None,
    source_id: str | None = None,
    period: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[SeriesPoint]:
    """The metric's figures by period, oldest period first, from notices' latest versions.

    A period reported by several notices takes the value of the latest published one (a
    later bulletin corrects an earlier); undated figures count as the oldest, and among
    figures published at the same instant the last recorded wins. ``scope`` None means every
    scope, each its own point; ``period`` keeps only that period's points. ``since`` and
    ``until`` keep the figures of notices published at or after ``since`` and before ``until``
    (as the export's figures; a notice with no publication date then has none).

    Reads a few index lookups per point, however many notices reported it: one recursive
    statement skips through the (metric, period, scope, unit, published_at, id) index from
    one (period, scope, unit) to the next and reads each one's latest figure.

    Figures that state no period follow, as points dated by their notices (publication, else
    first seen; ``period_kind`` "as_of", ``period`` the date), unless ``period_kind`` asks for
    years, halves or quarters: a year's dated points come after its periods.
    """
    published = _Published(since, until)
    periodic = ([] if period_kind == AS_OF
                else _periodic_series(session, metric, period_kind, scope, source_id, period,
                                      published))
    if period_kind is not None and period_kind != AS_OF:
        return periodic
    dated = as_of_points(session, metric, scope=scope, source_id=source_id, day=period,
                         since=since, until=until)
    return sorted(periodic + dated, key=lambda point: (point.period[:4], point.as_of,
                                                        point.period, point.scope or ""))


def as_of_points(
    session: Session, metric: str, *, scope: str | None = None, source_id: str | None = None,
    day: str | None = None, since: datetime | None = None, until: datetime | None = None,
) -> list[SeriesPoint]:
    """The metric's current figures that state no period, as points dated by their notices,
    oldest first: one per (date, scope, unit), taking the value of the notice published last
    that day, with every notice of that point newest first; ``since`` and ``until`` as in
    :func:`figure_series`."""
    query = (
        select(Figure, Notice.title, Notice.first_seen_at)
        .join(notice_search, notice_search.c.version_id == Figure.version_id)
        .join(Notice, Notice.id == Figure.notice_id)
        .where(Figure.metric == metric, Figure.period.is_(None), Figure.party.is_(None),
               or_(Figure.role.is_(None), Figure.role != "part"))
    )
    if scope is not None:
        query = query.where(Figure.scope == scope)
    if source_id:
        query = query.where(Figure.source_id == source_id)
    query = query.where(*_Published(since, until).conditions)
    groups: dict[SeriesGroup, list[tuple[tuple[datetime, int], Figure, SeriesNotice]]] = (
        defaultdict(list))
    for figure, title, first_seen in session.execute(query):
        dated = figure.published_at or first_seen
        date = dated.astimezone(UTC).strftime("%Y-%m-%d")
        if day is not None and date != day:
            continue
        groups[(date, figure.scope, figure.unit)].append((
            (dated, figure.id), figure,
            SeriesNotice(figure.notice_id, title, figure.published_at, figure.value,
                         figure.text)))
    points = []
    for (date, group_scope, unit), rows in groups.items():
        rows.sort(key=lambda row: row[0], reverse=True)
        top = rows[0][1]
        notices = _distinct_notices([row[2] for row in rows], set())
        points.append(SeriesPoint(date, AS_OF, group_scope, unit, top.value, notices,
                                  revised_from=top.revised_from, revised_at=top.revised_at))
    return sorted(points, key=lambda point: (point.period, point.scope or "",
                                             point.scope is not None, point.unit))


def _periodic_series(
    session: Session, metric: str, period_kind: str | None, scope: str | None,
    source_id: str | None, period: str | None, published: _Published,
) -> list[SeriesPoint]:
    series = _SeriesQuery(metric, period_kind, scope, source_id, period, published)
    latest = series.latest_figures(session)
    # A page lists every point's newest notices: asked of a second point, they are read for
    # all points at once (one statement on PostgreSQL instead of one per point).
    newest = _NewestNotices(session, series, [group for group, _ in latest])
    tops: list[tuple[tuple[datetime, int], SeriesPoint]] = []
    for group, top in latest:
        tops.append(((_sortable(top.published_at), top.id), SeriesPoint(
            period=group[0],
            period_kind=top.period_kind or "year",
            scope=group[1],
            unit=group[2],
            value=top.value,
            load_notices=functools.partial(series.notices, session, group),
            load_newest=functools.partial(newest.of, group),
            revised_from=top.revised_from,
            revised_at=top.revised_at,
        )))
    # Equal (period, scope or "") keys keep the order of their latest figures, newest first.
    tops.sort(key=lambda entry: entry[0], reverse=True)
    return sorted((point for _, point in tops),
                  key=lambda point: (point.period, point.scope or ""))


SeriesGroup = tuple[str, str | None, str]


def series_notice_counts(
    session: Session,
    metric: str,
    *,
    period_kind: str | None = None,
    scope: str | None = None,
    source_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[SeriesGroup, int]:
    """How many notices report each point of :func:`figure_series` with the same filters (the
    length of its ``notices``), by (period, scope, unit): one grouped statement for the points
    of periods, instead of reading every notice of every point; dated points (figures with
    no period) have their notices read with them."""
    counts: dict[SeriesGroup, int] = {}
    if period_kind != AS_OF:
        series = _SeriesQuery(metric, period_kind, scope, source_id,
                              published=_Published(since, until))
        rows = session.execute(
            select(Figure.period, Figure.scope, Figure.unit,
                   func.count(distinct(Figure.notice_id)))
            .join(notice_search, notice_search.c.version_id == Figure.version_id)
            .where(*series.conditions)
            .group_by(Figure.period, Figure.scope, Figure.unit))
        # These points have a period (the statement asks for one).
        counts = {(str(period), group_scope, unit): count
                  for period, group_scope, unit, count in rows}
    if period_kind in (None, AS_OF):
        for point in as_of_points(session, metric, scope=scope, source_id=source_id,
                                  since=since, until=until):
            counts[(point.period, point.scope, point.unit)] = len(point.notices)
    return counts


class _Published:
    """Figures of notices published at or after ``since`` and before ``until``: as conditions
    on the figures' rows, and as text conditions on ``figures f`` with their typed parameters
    (the archive's own reading of an aware time)."""

    def __init__(self, since: datetime | None = None, until: datetime | None = None) -> None:
        self.conditions: list[Any] = []
        self.sql_conditions: list[str] = []
        self.parameters: list[Any] = []
        for name, moment, operator in (("since", since, ">="), ("until", until, "<")):
            if moment is None:
                continue
            column = Figure.published_at
            self.conditions.append(column >= moment if operator == ">=" else column < moment)
            self.sql_conditions.append(f"f.published_at {operator} :published_{name}")
            self.parameters.append(bindparam(f"published_{name}", moment,
                                             type_=AwareDateTime()))


class _SeriesQuery:
    """The statements behind `figure_series` for one metric and its filters."""

    def __init__(
        self, metric: str, period_kind: str | None, scope: str | None, source_id: str | None,
        period: str | None = None, published: _Published | None = None,
    ) -> None:
        self.conditions: list[Any] = [
            Figure.metric == metric, Figure.period.is_not(None), Figure.party.is_(None),
            or_(Figure.role.is_(None), Figure.role != "part")]
        self.sql_conditions = ["f.metric = :metric", "f.period IS NOT NULL", "f.party IS NULL",
                               "(f.role IS NULL OR f.role <> 'part')"]
        self.parameters: dict[str, str] = {"metric": metric}
        if period_kind:
            self.conditions.append(Figure.period_kind == period_kind)
            self.sql_conditions.append("f.period_kind = :period_kind")
            self.parameters["period_kind"] = period_kind
        if scope is not None:
            self.conditions.append(Figure.scope == scope)
            self.sql_conditions.append("f.scope = :scope")
            self.parameters["scope"] = scope
        if source_id:
            # Figures of the notices the source lists, whichever source found them first.
            self.conditions.append(Figure.notice_id.in_(listed_by([source_id])))
            self.sql_conditions.append(
                "f.notice_id IN (SELECT notice_id FROM notice_listings WHERE source_id = :source_id)")
            self.parameters["source_id"] = source_id
        if period is not None:
            self.conditions.append(Figure.period == period)
            self.sql_conditions.append("f.period = :period")
            self.parameters["period"] = period
        published = published or _Published()
        self.conditions += published.conditions
        self.sql_conditions += published.sql_conditions
        # Bound with their types: a time is stored as the archive's dialect writes it.
        self.typed_parameters = published.parameters

    def latest_figures(self, session: Session) -> list[tuple[SeriesGroup, Any]]:
        """Each group that current versions report, with its latest figure (``id``,
        ``value``, ``period_kind``, ``published_at``), in one statement."""
        if session.get_bind().dialect.name == "postgresql":
            statement = self._postgresql_statement()
        else:
            statement = self._sqlite_statement()
        rows = session.execute(statement.bindparams(*self.typed_parameters,
                                                    **self.parameters).columns(
            period=String(), scope=String(), unit=String(), id=Integer(),
            value=Numeric(30, 6), period_kind=String(), published_at=AwareDateTime(),
            revised_from=Numeric(30, 6), revised_at=AwareDateTime()))
        return [((row.period, row.scope, row.unit), row) for row in rows]

    def _sqlite_statement(self) -> Any:
        """SQLite (no LATERAL): the recursion carries the id of one figure of each group; the
        next group is the first branch that finds one (coalesce stops there), in the index's
        order (period, no scope first, scope, unit)."""
        where = " AND ".join(self.sql_conditions)

        def first(condition: str, order: str) -> str:
            return (f"(SELECT f.id FROM figures f WHERE {where}{condition} "
                    f"ORDER BY {order} LIMIT 1)")

        step = ", ".join((
            first(" AND f.period = cur.period AND f.scope IS cur.scope AND f.unit > cur.unit",
                  "f.unit"),
            first(" AND cur.scope IS NULL AND f.period = cur.period AND f.scope IS NOT NULL",
                  "f.scope, f.unit"),
            first(" AND f.period = cur.period AND f.scope > cur.scope", "f.scope, f.unit"),
            first(" AND f.period > cur.period", "f.period, f.scope, f.unit"),
        ))

        def latest(dated: bool) -> str:
            when = "f.published_at IS NOT NULL" if dated else "f.published_at IS NULL"
            order = "f.published_at DESC, f.id DESC" if dated else "f.id DESC"
            return (
                "(SELECT f.id FROM figures f JOIN notice_search ns "
                f"ON ns.version_id = f.version_id WHERE {where} AND f.period = g.period "
                f"AND f.scope IS g.scope AND f.unit = g.unit AND {when} ORDER BY {order} "
                "LIMIT 1)"
            )

        return text(
            "WITH RECURSIVE steps(id) AS ("
            f"SELECT {first('', 'f.period, f.scope, f.unit')} UNION ALL "
            f"SELECT coalesce({step}) FROM steps JOIN figures cur ON cur.id = steps.id) "
            "SELECT g.period, g.scope, g.unit, top.id, top.value, top.period_kind, "
            "top.published_at, top.revised_from, top.revised_at "
            "FROM steps JOIN figures g ON g.id = steps.id "
            f"JOIN figures top ON top.id = coalesce({latest(True)}, {latest(False)})"
        )

    def _postgresql_statement(self) -> Any:

        """PostgreSQL: the recursion carries each group's key; a LATERAL step finds the next
        one (no scope first, then scopes, within a period; then the next period)."""
        where = " AND ".join(self.sql_conditions)

        def group_first(period: str, scope_null: bool, extra: str = "") -> str:
            scope = "f.scope IS NULL" if scope_null else "f.scope IS NOT NULL"
            order = "f.unit" if scope_null else "f.scope, f.unit"
            return (f"(SELECT f.period, f.scope, f.unit FROM figures f WHERE {where} "
                    f"AND f.period = {period} AND {scope}{extra} ORDER BY {order} LIMIT 1)")

        def next_period(after: str) -> str:
            return f"(SELECT min(f.period) FROM figures f WHERE {where}{after})"

        first = " UNION ALL ".join((group_first(next_period(""), True),
                                    group_first(next_period(""), False)))
        later = next_period(" AND f.period > g.period")
        step = " UNION ALL ".join((
            group_first("g.period", True, " AND g.scope IS NULL AND f.unit > g.unit"),
            group_first("g.period", False, " AND f.scope = g.scope AND f.unit > g.unit"),
            group_first("g.period", False, " AND g.scope IS NULL"),
            (f"(SELECT f.period, f.scope, f.unit FROM figures f WHERE {where} "
             "AND f.period = g.period AND f.scope > g.scope ORDER BY f.scope, f.unit LIMIT 1)"),
            group_first(later, True),
            group_first(later, False),
        ))

        tops = _newest_of_group(
            "f.id, f.value, f.period_kind, f.published_at, f.revised_from, f.revised_at",
            where, "1")
        return text(
            "WITH RECURSIVE groups(period, scope, unit) AS ("
            f"(SELECT * FROM ({first}) first_group LIMIT 1) UNION ALL "
            f"SELECT n.period, n.scope, n.unit FROM groups g "
            f"CROSS JOIN LATERAL (SELECT * FROM ({step}) steps LIMIT 1) n) "
            "SELECT g.period, g.scope, g.unit, top.id, top.value, top.period_kind, "
            "top.published_at, top.revised_from, top.revised_at "
            f"FROM groups g CROSS JOIN LATERAL (SELECT * FROM ({tops}) tops "
            "LIMIT 1) top"
        )

    def _group_rows(self, group: SeriesGroup) -> Any:
        period, scope, unit = group
        same_scope = Figure.scope.is_(None) if scope is None else Figure.scope == scope
        return (
            select(Figure, Notice.title)
            .join(notice_search, notice_search.c.version_id == Figure.version_id)
            .join(Notice, Notice.id == Figure.notice_id)
            .where(*self.conditions, Figure.period == period, same_scope, Figure.unit == unit)
        )

    def _notice_rows(self, group: SeriesGroup) -> Any:
        return self._group_rows(group).with_only_columns(
            Figure.notice_id, Figure.id, Figure.published_at, Figure.value, Figure.text,
            Notice.title)

    def notices(
        self, session: Session, group: SeriesGroup, limit: int | None = None
    ) -> list[SeriesNotice]:
        """The group's notices, newest first (undated last), each with its latest figure;
        the first ``limit`` of them when given."""
        if limit is not None:
            return self._newest_notices(session, group, limit)
        rows = list(session.execute(self._notice_rows(group)))
        rows.sort(key=lambda row: (_sortable(row.published_at), row.id), reverse=True)
        return _distinct_notices(rows, set())

    def newest_notices_of(
        self, session: Session, groups: Sequence[SeriesGroup], limit: int
    ) -> dict[SeriesGroup, list[SeriesNotice]]:
        """Each group's first ``limit`` notices, as :meth:`notices` gives them.

        One statement reads every group's newest ``limit`` dated and ``limit`` undated figures
        (index ranges per group: LATERAL on PostgreSQL, a UNION ALL of them on SQLite, a
        hundred groups a statement there); a statement per group took 154 ms for 65 groups
        at a million notices on PostgreSQL, and 39 on SQLite. A group whose ``limit`` rows hold
        fewer distinct notices than needed (a notice with several figures for the point) is
        read again on its own, as :meth:`notices` reads it."""
        postgresql = session.get_bind().dialect.name == "postgresql"
        per_statement = 1000 if postgresql else _SQLITE_GROUPS_PER_STATEMENT
        rows_of: dict[tuple[int, bool], list[Any]] = defaultdict(list)
        for start in range(0, len(groups), per_statement):
            part = groups[start:start + per_statement]
            statement = (self._newest_statement_postgresql(part, limit) if postgresql
                         else self._newest_statement_sqlite(part, limit))
            for row in session.execute(statement):
                rows_of[(start + row.group_index, row.dated)].append(row)
        newest: dict[SeriesGroup, list[SeriesNotice]] = {}
        for index, group in enumerate(groups):
            found = _newest_of_rows(rows_of[(index, True)], rows_of[(index, False)], limit)
            newest[group] = (found if found is not None
                             else self._newest_notices(session, group, limit))
        return newest

    def _group_parameters(self, groups: Sequence[SeriesGroup], limit: int) -> dict[str, Any]:
        parameters: dict[str, Any] = {**self.parameters, "newest_limit": limit}
        for index, (period, scope, unit) in enumerate(groups):
            parameters.update({f"g{index}_period": period, f"g{index}_scope": scope,
                               f"g{index}_unit": unit})
        return parameters

    def _newest_statement_postgresql(self, groups: Sequence[SeriesGroup], limit: int) -> Any:
        """The newest ``limit`` dated figures and the last ``limit`` undated ones of each of
        ``groups`` (numbered by ``group_index``), in the order :meth:`_newest_notices` reads
        them, with their notices' titles."""
        where = " AND ".join(self.sql_conditions)
        values = ", ".join(
            f"({index}, CAST(:g{index}_period AS VARCHAR), "
            f"CAST(:g{index}_scope AS VARCHAR), CAST(:g{index}_unit AS VARCHAR))"
            for index in range(len(groups)))
        branches = _newest_of_group(
            "{dated} AS dated, f.notice_id, f.id, f.published_at, f.value, f.text, n.title",
            where, ":newest_limit", " JOIN notices n ON n.id = f.notice_id")
        return _newest_columns(text(
            "SELECT g.group_index, r.dated, r.notice_id, r.id, r.published_at, r.value, r.text, "
            f"r.title FROM (VALUES {values}) AS g(group_index, period, scope, unit) "
            f"CROSS JOIN LATERAL ({branches}) r "
            "ORDER BY g.group_index, r.dated DESC, r.published_at DESC, r.id DESC"
        ).bindparams(*self.typed_parameters, **self._group_parameters(groups, limit)))

    def _newest_statement_sqlite(self, groups: Sequence[SeriesGroup], limit: int) -> Any:
        """As :meth:`_newest_statement_postgresql`, for SQLite (no LATERAL): a subquery per
        group and kind (dated or not), each an index range, joined by UNION ALL."""
        where = " AND ".join(self.sql_conditions)
        branches = []
        for index in range(len(groups)):
            for dated in (True, False):
                when = "f.published_at IS NOT NULL" if dated else "f.published_at IS NULL"
                order = "f.published_at DESC, f.id DESC" if dated else "f.id DESC"
                branches.append(
                    f"SELECT * FROM (SELECT {index} AS group_index, {int(dated)} AS dated, "
                    "f.notice_id, f.id, f.published_at, f.value, f.text, n.title FROM figures f "
                    "JOIN notice_search ns ON ns.version_id = f.version_id "
                    f"JOIN notices n ON n.id = f.notice_id WHERE {where} "
                    f"AND f.period = :g{index}_period AND f.scope IS :g{index}_scope "
                    f"AND f.unit = :g{index}_unit AND {when} ORDER BY {order} "
                    "LIMIT :newest_limit)")
        return _newest_columns(text(
            " UNION ALL ".join(branches)
            + " ORDER BY group_index, dated DESC, published_at DESC, id DESC"
        ).bindparams(*self.typed_parameters, **self._group_parameters(groups, limit)))

    def _newest_notices(
        self, session: Session, group: SeriesGroup, limit: int
    ) -> list[SeriesNotice]:
        # Read through the figures index backwards, dated figures before undated ones (the
        # two dialects put NULLs at opposite ends), as few rows as give ``limit`` notices:
        # a notice with several figures for the point is one row more per extra figure.
        notices: list[SeriesNotice] = []
        seen: set[int] = set()
        for dated in (True, False):
            wanted = limit - len(notices)
            if wanted <= 0:
                break
            if dated:
                statement = self._notice_rows(group).where(Figure.published_at.is_not(None))
                statement = statement.order_by(Figure.published_at.desc(), Figure.id.desc())
            else:
                statement = self._notice_rows(group).where(Figure.published_at.is_(None))
                statement = statement.order_by(Figure.id.desc())
            size = wanted
            while True:
                rows = list(session.execute(statement.limit(size)))
                found = _distinct_notices(rows, seen)
                if len(found) >= wanted or len(rows) < size:
                    break
                size *= 4
            found = found[:wanted]
            seen.update(notice.notice_id for notice in found)
            notices.extend(found)
        return notices


# SQLite allows 500 terms in a compound SELECT (two a group) and, in older builds, 999 bound
# parameters (three a group).
_SQLITE_GROUPS_PER_STATEMENT = 100


def _newest_columns(statement: Any) -> Any:
    return statement.columns(
        group_index=Integer(), dated=Boolean(), notice_id=Integer(), id=Integer(),
        published_at=AwareDateTime(), value=Numeric(30, 6), text=String(), title=String())


def _newest_of_group(columns: str, where: str, limit: str, joins: str = "") -> str:
    """PostgreSQL: ``columns`` of the current figures matching ``where`` of the group ``g``
    (its period, scope and unit), newest first: at most ``limit`` dated ones, then at most
    ``limit`` undated ones, as four index ranges joined by UNION ALL. ``{dated}`` in
    ``columns`` becomes whether the branch's figures are dated. One branch per kind of scope:
    a scope compared NULL-safe would keep the planner from using the index for it."""
    branches = []
    for dated in (True, False):
        when = "f.published_at IS NOT NULL" if dated else "f.published_at IS NULL"
        order = "f.published_at DESC, f.id DESC" if dated else "f.id DESC"
        for scope in ("g.scope IS NULL AND f.scope IS NULL", "f.scope = g.scope"):
            branches.append(
                f"(SELECT {columns.format(dated=dated)} FROM figures f "
                f"JOIN notice_search ns ON ns.version_id = f.version_id{joins} "
                f"WHERE {where} AND f.period = g.period AND {scope} AND f.unit = g.unit "
                f"AND {when} ORDER BY {order} LIMIT {limit})")
    return " UNION ALL ".join(branches)


class _NewestNotices:
    """The newest notices of a series' groups: the first group asked for is read alone (a
    caller may want one point), and when a second is asked for, every group's are read
    together (a page lists them all); again for another ``limit``."""

    def __init__(self, session: Session, series: _SeriesQuery, groups: list[SeriesGroup]) -> None:
        self.session = session
        self.series = series
        self.groups = groups
        self.asked: set[int] = set()
        self.read: dict[int, dict[SeriesGroup, list[SeriesNotice]]] = {}

    def of(self, group: SeriesGroup, limit: int) -> list[SeriesNotice]:
        if limit in self.read:
            return self.read[limit][group]
        if limit not in self.asked:
            self.asked.add(limit)
            return self.series.newest_notices_of(self.session, [group], limit)[group]
        self.read[limit] = self.series.newest_notices_of(self.session, self.groups, limit)
        return self.read[limit][group]


def _newest_of_rows(dated: Sequence[Any], undated: Sequence[Any],
                    limit: int) -> list[SeriesNotice] | None:
    """What :meth:`_SeriesQuery._newest_notices` finds, from the first ``limit`` dated and
    undated rows of a group; None when those rows cannot tell (they repeat notices, and more
    rows may hold the rest)."""
    notices = _distinct_notices(dated, set())
    if len(notices) >= limit:
        return notices[:limit]
    if len(dated) >= limit:
        return None
    wanted = limit - len(notices)
    later = _distinct_notices(undated, {notice.notice_id for notice in notices})
    if len(later) < wanted and len(undated) >= limit:
        return None
    return notices + later[:wanted]


def _distinct_notices(rows: Sequence[Any], seen: set[int]) -> list[SeriesNotice]:
    """Each notice's first row of ``rows`` (in their order) as a `SeriesNotice`, skipping
    notices in ``seen`` (which is not changed)."""
    taken = set(seen)
    notices = []
    for row in rows:
        if row.notice_id not in taken:
            taken.add(row.notice_id)
            notices.append(SeriesNotice(row.notice_id, row.title, row.published_at, row.value,
                                        row.text))
    return notices


def _sortable(moment: datetime | None) -> datetime:
    return moment if moment is not None else datetime.min.replace(tzinfo=UTC)


def metric_names(session: Session) -> list[tuple[str, int]]:
    """Every metric with figures in notices' current versions, and how many it has: as many
    as its series (:func:`figure_series`, with no filter) counts in :func:`series_figures`."""
    rows = session.execute(
        select(Figure.metric, func.count())
        .join(notice_search, notice_search.c.version_id == Figure.version_id)
        .where(Figure.metric.is_not(None))
        .group_by(Figure.metric)
        .order_by(Figure.metric)
    )
    return [(str(metric), int(count)) for metric, count in rows]


def series_figures(
    session: Session, metric: str, *, period_kind: str | None = None, scope: str | None = None,
    source_id: str | None = None,
) -> int:
    """How many current figures the metric's series stands on with these filters: those with
    a period (``period_kind`` one kind of them) and, unless ``period_kind`` asks for a kind of
    period, those dated by their notices."""
    query = (select(func.count()).select_from(Figure)
             .join(notice_search, notice_search.c.version_id == Figure.version_id)
             .where(Figure.metric == metric))
    if period_kind == AS_OF:
        query = query.where(Figure.period.is_(None))
    elif period_kind:
        query = query.where(Figure.period_kind == period_kind)
    if scope is not None:
        query = query.where(Figure.scope == scope)
    if source_id:
        query = query.where(Figure.source_id == source_id)
    return int(session.scalar(query) or 0)


