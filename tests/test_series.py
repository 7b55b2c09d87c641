"""storage.series' figure series against the plain algorithm it replaced, on random archives."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, or_, select
from sqlalchemy.orm import Session

from storage.db import session_factory
from storage.models import Figure, Notice
from storage.search_index import notice_search
from storage.series import SeriesNotice, SeriesPoint, figure_series, series_notice_counts
from tests.query_fixtures import CAC, RANDOM_METRICS, build_random_archive


@pytest.fixture(name="session")
def session_fixture(archive_engine: Engine) -> Iterator[Session]:
    with session_factory(archive_engine)() as session:
        yield session


def series_by_loading_every_figure(
    session: Session, metric: str, *, period_kind: str | None = None,
    scope: str | None = None, source_id: str | None = None,
    since: datetime | None = None, until: datetime | None = None,
) -> list[SeriesPoint]:
    """The series as first written: every figure of the metric, newest notice first; a
    figure with no period is a point of its notice's date (publication, else first seen); one
    party's figures and parts of a total are no points; ``since`` and ``until`` keep the
    notices published in between."""
    query = (
        select(Figure, Notice.title, Notice.first_seen_at)
        .join(notice_search, notice_search.c.version_id == Figure.version_id)
        .join(Notice, Notice.id == Figure.notice_id)
        .where(Figure.metric == metric)
    )
    query = query.where(Figure.party.is_(None), or_(Figure.role.is_(None), Figure.role != "part"))
    if period_kind:
        query = query.where(Figure.period_kind == period_kind)
    if scope is not None:
        query = query.where(Figure.scope == scope)
    if source_id:
        query = query.where(Figure.source_id == source_id)
    if since is not None:
        query = query.where(Figure.published_at >= since)
    if until is not None:
        query = query.where(Figure.published_at < until)
    points: dict[tuple[str, str | None, str], SeriesPoint] = {}
    rows = list(session.execute(query).all())
    earliest = datetime.min.replace(tzinfo=UTC)
    rows.sort(key=lambda row: (row[0].published_at or row[2] if row[0].period is None
                               else row[0].published_at or earliest, row[0].id), reverse=True)
    for figure, title, first_seen in rows:
        dated = (figure.published_at or first_seen).astimezone(UTC).strftime("%Y-%m-%d")
        key = (figure.period or dated, figure.scope, figure.unit)
        point = points.get(key)
        if point is None:
            point = SeriesPoint(period=key[0], period_kind=figure.period_kind or (
                                    "year" if figure.period else "as_of"),
                                scope=figure.scope, unit=figure.unit, value=figure.value,
                                notices=[])
            points[key] = point
        if not any(seen.notice_id == figure.notice_id for seen in point.notices):
            point.notices.append(SeriesNotice(figure.notice_id, title, figure.published_at,
                                              figure.value, figure.text))
    periodic = sorted((point for point in points.values() if not point.as_of),
                      key=lambda point: (point.period, point.scope or ""))
    dated_points = sorted((point for point in points.values() if point.as_of),
                          key=lambda point: (point.period, point.scope or "",
                                             point.scope is not None, point.unit))
    return sorted(periodic + dated_points, key=lambda point: (
        point.period[:4], point.as_of, point.period, point.scope or ""))


def described(points: list[SeriesPoint]) -> list[tuple[Any, ...]]:
    return [(p.period, p.period_kind, p.scope, p.unit, p.value, tuple(p.notices))
            for p in points]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_figure_series_matches_loading_every_figure(session: Session, seed: int) -> None:
    build_random_archive(session, seed, notices=80)
    checked = 0
    for metric in [m for m in RANDOM_METRICS if m]:
        for filters in ({}, {"period_kind": "year"}, {"period_kind": "half"}, {"scope": ""},
                        {"scope": "全国"}, {"source_id": CAC}, {"scope": "nowhere"}):
            expected = series_by_loading_every_figure(session, metric, **filters)  # type: ignore[arg-type]
            found = figure_series(session, metric, **filters)  # type: ignore[arg-type]
            assert described(found) == described(expected), (metric, filters)
            checked += len(expected)
    assert checked > 20
    assert figure_series(session, "no_such_metric") == []


@pytest.mark.parametrize("seed", [1, 2])
def test_series_notice_counts_are_the_number_of_each_point_s_notices(
    session: Session, seed: int
) -> None:
    build_random_archive(session, seed, notices=80)
    checked = 0
    for metric in [m for m in RANDOM_METRICS if m]:
        for filters in ({}, {"period_kind": "year"}, {"scope": "全国"}, {"source_id": CAC}):
            counts = series_notice_counts(session, metric, **filters)  # type: ignore[arg-type]
            points = figure_series(session, metric, **filters)  # type: ignore[arg-type]
            assert counts == {(p.period, p.scope, p.unit): len(p.notices) for p in points}, (
                metric, filters)
            checked += sum(counts.values())
    assert checked > 20


@pytest.mark.parametrize("seed", [1, 2])
def test_from_and_to_keep_the_figures_of_the_notices_published_in_those_days(
    session: Session, seed: int
) -> None:
    build_random_archive(session, seed, notices=80)
    published = sorted(moment for moment in session.scalars(select(Figure.published_at))
                       if moment is not None)
    middle = published[len(published) // 2]
    checked = 0
    for since, until in ((middle, None), (None, middle), (published[len(published) // 4], middle),
                         (published[-1] + timedelta(days=1), None)):
        for metric in [m for m in RANDOM_METRICS if m]:
            for filters in ({}, {"period_kind": "year"}, {"scope": "全国"}, {"source_id": CAC}):
                expected = series_by_loading_every_figure(
                    session, metric, since=since, until=until, **filters)  # type: ignore[arg-type]
                found = figure_series(session, metric, since=since, until=until, **filters)  # type: ignore[arg-type]
                assert described(found) == described(expected), (metric, filters, since, until)
                counts = series_notice_counts(session, metric, since=since, until=until,
                                              **filters)  # type: ignore[arg-type]
                assert counts == {(p.period, p.scope, p.unit): len(p.notices) for p in found}
                checked += len(expected)
    assert checked > 20


def test_figure_series_reads_notices_only_when_asked(session: Session) -> None:
    build_random_archive(session, 4, notices=40)
    points = figure_series(session, "websites_summoned")
    assert points and all(point._notices is None for point in points if not point.as_of)
    assert all(point.notices for point in points)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_newest_notices_are_the_first_of_every_notice(session: Session, seed: int) -> None:
    build_random_archive(session, seed, notices=80)
    longest = 0
    for metric in [m for m in RANDOM_METRICS if m]:
        for filters in ({}, {"scope": "全国"}, {"source_id": CAC}):
            every = figure_series(session, metric, **filters)  # type: ignore[arg-type]
            for limit in (0, 1, 2, 3, 5, 1000):
                bounded = figure_series(session, metric, **filters)  # type: ignore[arg-type]
                for point, whole in zip(bounded, every, strict=True):
                    assert point.newest_notices(limit) == whole.notices[:limit], (
                        metric, filters, point, limit)
                    # Read without loading every notice (a dated point has its few at once).
                    assert point._notices is None or point.as_of
            longest = max([longest, *(len(point.notices) for point in every)])
    assert longest > 3  # some point has more notices than the small limits


def test_newest_notices_of_undated_figures_come_last(session: Session) -> None:
    build_random_archive(session, 2, notices=120)
    checked = 0
    metrics = [metric for metric in RANDOM_METRICS if metric]
    points = [point for metric in metrics for point in figure_series(session, metric)]
    unread = [point for metric in metrics for point in figure_series(session, metric)]
    for point, fresh in zip(points, unread, strict=True):
        dated = [notice.published_at is not None for notice in point.notices]
        if True in dated and False in dated:
            cut = dated.index(False)
            assert fresh.newest_notices(cut + 1) == point.notices[: cut + 1]
            assert all(dated[:cut]) and not any(dated[cut:])
            checked += 1
    assert checked


def test_newest_notices_from_a_batch_s_rows_or_none_where_more_rows_may_count() -> None:
    from types import SimpleNamespace

    from storage.series import _newest_of_rows

    def rows(*notice_ids: int, dated: bool = True) -> list[Any]:
        moment = datetime(2024, 1, 1, tzinfo=UTC) if dated else None
        return [SimpleNamespace(notice_id=n, title=f"t{n}", published_at=moment, value=1,
                                text="") for n in notice_ids]

    def ids(found: list[SeriesNotice] | None) -> list[int] | None:
        return None if found is None else [notice.notice_id for notice in found]

    assert ids(_newest_of_rows(rows(5, 4, 3), [], 2)) == [5, 4]
    # Three rows, two notices: a fourth row may hold a third dated notice.
    assert _newest_of_rows(rows(5, 5, 4), rows(9, dated=False), 3) is None
    # The dated ones ran out: undated ones follow, a notice listed once.
    assert ids(_newest_of_rows(rows(5, 5), rows(9, 5, 8, dated=False), 3)) == [5, 9, 8]
    assert ids(_newest_of_rows(rows(5), rows(9, 9, dated=False), 3)) == [5, 9]
    assert ids(_newest_of_rows(rows(5), rows(9, 9, 9, dated=False), 3)) is None
    assert ids(_newest_of_rows([], [], 3)) == []


def test_every_point_s_newest_notices_are_read_together(
    session: Session, archive_engine: Engine, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import storage.series

    # Two groups a statement on SQLite, so that the batches are split as a long series' are.
    monkeypatch.setattr(storage.series, "_SQLITE_GROUPS_PER_STATEMENT", 2)
    per_statement = 2 if archive_engine.dialect.name == "sqlite" else 1000
    build_random_archive(session, 2, notices=120)
    statements: list[str] = []

    def count(*arguments: Any) -> None:
        statements.append(arguments[2])

    compared = 0
    for metric in [m for m in RANDOM_METRICS if m]:
        for limit in (1, 3, 20):
            expected = [point.notices[:limit] for point in figure_series(session, metric)]
            points = figure_series(session, metric)
            statements.clear()
            event.listen(archive_engine, "before_cursor_execute", count)
            try:
                found = [point.newest_notices(limit) for point in points]
            finally:
                event.remove(archive_engine, "before_cursor_execute", count)
            assert found == expected, (metric, limit)
            # Dated points (figures with no period) hold their notices already.
            periodic = [point for point in points if not point.as_of]
            if len(periodic) > 4:
                # One for the first point (a caller may want no more), the rest for every
                # point together, and another only for a point whose rows repeat a notice.
                batches = -(-len(periodic) // per_statement)
                assert 1 + batches <= len(statements) < len(periodic), (
                    metric, limit, len(statements))
                compared += 1
    assert compared


@pytest.mark.parametrize("seed", [1, 2])
def test_figure_series_of_one_period(session: Session, seed: int) -> None:
    build_random_archive(session, seed, notices=60)
    every = figure_series(session, "websites_summoned")
    periods = {point.period for point in every}
    assert len(periods) > 1
    for period in periods:
        found = figure_series(session, "websites_summoned", period=period)
        assert described(found) == described([p for p in every if p.period == period])
    assert figure_series(session, "websites_summoned", period="1999") == []
