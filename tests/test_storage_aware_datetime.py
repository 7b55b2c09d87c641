"""Timezone-aware datetimes survive the archive on both backends, as the same instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from storage.archive import record_notice
from storage.db import session_factory
from storage.models import Notice, NoticeVersion, Source
from tests.storage_fixtures import BEIJING, article_url, fetched_notice

NEW_YORK_WINTER = timezone(timedelta(hours=-5), "EST")


def test_aware_datetimes_round_trip_as_utc(
    archive_engine: Engine, archive_session: Session
) -> None:
    published = datetime(2024, 1, 31, 10, 5, 30, 123456, tzinfo=BEIJING)
    fetched = datetime(2024, 1, 31, 21, 0, tzinfo=NEW_YORK_WINTER)
    record_notice(archive_session, fetched_notice(published_at=published, fetched_at=fetched))
    archive_session.commit()

    with session_factory(archive_engine)() as reader:
        notice = reader.scalars(select(Notice)).one()
        version = reader.scalars(select(NoticeVersion)).one()
    for stored, written in [
        (notice.published_at, published),
        (version.published_at, published),
        (notice.first_seen_at, fetched),
        (version.fetched_at, fetched),
    ]:
        assert stored == written
        assert stored is not None and stored.utcoffset() == timedelta(0)
    assert notice.published_at == datetime(2024, 1, 31, 2, 5, 30, 123456, tzinfo=UTC)


def test_the_database_orders_instants_not_wall_clock_times(archive_session: Session) -> None:
    # 10:05 in Beijing is 02:05 UTC, before 03:00 UTC, although its wall clock reads later.
    beijing_morning = datetime(2024, 1, 31, 10, 5, tzinfo=BEIJING)
    london_night = datetime(2024, 1, 31, 3, 0, tzinfo=UTC)
    record_notice(archive_session, fetched_notice(article_url(1), published_at=london_night,
                                                  title="London"))
    record_notice(archive_session, fetched_notice(article_url(2), published_at=beijing_morning,
                                                  title="Beijing"))
    archive_session.commit()

    in_order = archive_session.scalars(select(Notice.url).order_by(Notice.published_at)).all()
    assert in_order == [article_url(2), article_url(1)]
    since = archive_session.scalars(
        select(Notice.url).where(Notice.published_at > datetime(2024, 1, 31, 2, 30, tzinfo=UTC))
    ).all()
    assert since == [article_url(1)]


def test_a_naive_datetime_is_refused_at_the_column(archive_session: Session) -> None:
    archive_session.add(
        Notice(
            source_id=archive_session.scalars(select(Source.id)).one(),
            url=article_url(9),
            title="naive",
            language="zh",
            first_seen_at=datetime(2024, 1, 31, 10, 5),
            last_seen_at=datetime(2024, 1, 31, 10, 5),
            last_checked_at=datetime(2024, 1, 31, 10, 5),
        )
    )
    with pytest.raises(StatementError, match="naive datetime"):
        archive_session.flush()
