"""The narrow histories a first version is compared with give the comparisons the same answers as
the whole history, on random archives with the awkward cases: notices published at the same
instant or on the same day, notices without a date, superseded versions, unknown platforms."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from diffing import compare
from diffing.figures import Figure as FoundFigure
from diffing.period import Period
from diffing.platforms import PlatformMention as FoundMention
from storage.archive import record_notice
from storage.findings import figure_of, mention_of
from storage.history import figure_history, mention_history
from storage.models import Figure, Notice, NoticeVersion, PlatformMention
from tests.storage_fixtures import SOURCE_ID, article_url, fetched_notice

BEIJING = timezone(timedelta(hours=8))
METRICS = [None, "websites_summoned", "warnings", "fined", "apps_removed"]
PERIODS = [None, "2021", "2022", "2023", "2022-H1", "2023-H1", "2022-Q2", "2023-Q2", "soon"]
PLATFORMS = [(None, "某直播平台"), (None, "Foo App"), ("douyin", "抖音"), ("baidu", "百度"),
             ("kuaishou", "快手")]



# The whole histories the narrow ones of storage.history are checked against.


def _current_versions(source_id: str, exclude_notice: int) -> Any:
    """The id of each other notice's latest version in the source."""
    return (
        select(func.max(NoticeVersion.id))
        .join(Notice, Notice.id == NoticeVersion.notice_id)
        .where(Notice.source_id == source_id, Notice.id != exclude_notice)
        .group_by(NoticeVersion.notice_id)
    )


def _earlier(notice: Notice, column: Any) -> Any:
    """Rows published before ``notice`` (all archived rows when its date is unknown)."""
    if notice.published_at is None:
        return true()
    return column < notice.published_at


def earlier_figures(
    session: Session, notice: Notice
) -> list[tuple[date, list[FoundFigure]]]:
    """The source's other notices published before ``notice``: (date, figures) each."""
    rows = session.scalars(
        select(Figure)
        .where(Figure.version_id.in_(_current_versions(notice.source_id, notice.id)),
               _earlier(notice, Figure.published_at))
        .order_by(Figure.published_at, Figure.id)
    ).all()
    by_notice: dict[int, tuple[date, list[FoundFigure]]] = {}
    for row in rows:
        published = (row.published_at or datetime.min.replace(tzinfo=UTC)).date()
        by_notice.setdefault(row.notice_id, (published, []))[1].append(figure_of(row))
    return list(by_notice.values())


def earlier_mentions(
    session: Session, notice: Notice
) -> list[tuple[date, list[FoundMention]]]:
    """Platform mentions of the source's other notices published before ``notice``."""
    rows = session.scalars(
        select(PlatformMention)
        .where(PlatformMention.version_id.in_(
            _current_versions(notice.source_id, notice.id)),
            _earlier(notice, PlatformMention.published_at))
        .order_by(PlatformMention.published_at, PlatformMention.id)
    ).all()
    by_notice: dict[int, tuple[date, list[FoundMention]]] = {}
    for row in rows:
        published = (row.published_at or datetime.min.replace(tzinfo=UTC)).date()
        by_notice.setdefault(row.notice_id, (published, []))[1].append(mention_of(row))
    return list(by_notice.values())


def random_archive(session: Session, rng: random.Random, count: int) -> list[Notice]:
    instants = [datetime(2023, 3, 1, 9, 0, tzinfo=BEIJING) + timedelta(hours=5 * i)
                for i in range(6)]
    notices = []
    for number in range(count):
        published = None if rng.random() < 0.1 else rng.choice(instants)
        outcome = record_notice(session, fetched_notice(
            url=article_url(number), text=f"notice {number}", published_at=published))
        versions = [outcome.version]
        if rng.random() < 0.3:
            edited = record_notice(session, fetched_notice(
                url=article_url(number), text=f"notice {number}, edited",
                published_at=published))
            versions.append(edited.version)
        notice = session.get(Notice, outcome.notice_id)
        assert notice is not None
        for version in versions:
            assert isinstance(version, NoticeVersion)
            for _ in range(rng.randint(0, 4)):
                period = rng.choice(PERIODS)
                parsed = Period.parse(period)
                session.add(Figure(
                    version_id=version.id, notice_id=notice.id, source_id=SOURCE_ID,
                    metric=rng.choice(METRICS), value=Decimal(rng.randint(1, 50)),
                    unit=rng.choice(["家", "款"]), currency=None, period=period,
                    period_kind=parsed.kind if parsed else None,
                    scope=rng.choice([None, "全国"]), start=0, end=1, text="1", sentence="1",
                    extractor_version="test", published_at=published,
                ))
            for _ in range(rng.randint(0, 3)):
                platform_id, name = rng.choice(PLATFORMS)
                session.add(PlatformMention(
                    version_id=version.id, notice_id=notice.id, source_id=SOURCE_ID,
                    platform_id=platform_id, name=name, kind="short_video", action=None,
                    actions=[], amount=None, currency=None, start=0, end=1, sentence=name,
                    extractor_version="test", published_at=published,
                ))
        notices.append(notice)
    session.flush()
    return notices


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_narrow_histories_answer_as_the_whole_ones(archive_session: Session, seed: int) -> None:
    rng = random.Random(seed)
    notices = random_archive(archive_session, rng, 40)
    templates = [figure_of(row) for row in archive_session.query(Figure).all()]
    mentions = [mention_of(row) for row in archive_session.query(PlatformMention).all()]
    compared = 0
    for notice in notices:
        found = [replace(rng.choice(templates), value=rng.randint(1, 60))
                 for _ in range(rng.randint(0, 4))]
        named = rng.sample(mentions, rng.randint(0, 3))

        whole = earlier_figures(archive_session, notice)
        narrow = figure_history(archive_session, notice, found)
        flat_whole = [(f, day) for day, figures in whole for f in figures]
        flat_narrow = [(f, day) for day, figures in narrow for f in figures]
        for figure in found:
            assert compare.compare_periods(figure, flat_narrow) == compare.compare_periods(
                figure, flat_whole)
        assert compare.metric_events(found, narrow) == compare.metric_events(found, whole)
        assert compare.platform_appearances(
            named, mention_history(archive_session, notice, named)
        ) == compare.platform_appearances(named, earlier_mentions(archive_session, notice))
        compared += bool(compare.metric_events(found, whole))
    assert compared, "the random archive gave no metric events to compare"
