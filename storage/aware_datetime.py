"""A column type that only accepts and only returns timezone-aware datetimes, stored as UTC;
and the archive's reading of a bare date (`day_start`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class AwareDateTime(TypeDecorator[datetime]):
    """`DateTime(timezone=True)` that refuses naive values and gives back UTC-aware ones.

    PostgreSQL keeps the instant in `timestamptz`; SQLite has no zone support, so the value is
    written as naive UTC and the zone is put back on read. Either way the caller sees the same
    aware instant it wrote. A naive datetime is refused rather than guessed at, because a
    crawler that forgot the zone of a Beijing timestamp would silently shift it by eight hours.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}: {value!r}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"naive datetime {value.isoformat()} given; the archive needs an aware one"
            )
        utc = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return utc.replace(tzinfo=None)
        return utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"database returned {type(value).__name__} for a datetime column")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def day_start(day: date) -> datetime:
    """Midnight UTC at the start of ``day``, the archive's reading of a bare date."""
    return datetime.combine(day, time(0), tzinfo=UTC)


def day_span(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """The moments from the start of day ``first`` (included) to the end of day ``last`` (the
    start of the next, excluded), in UTC, as filters' ``from`` and ``to`` read days; None for
    a day not given, and for the end of the last day there is."""
    return (day_start(first) if first is not None else None,
            day_start(last + timedelta(days=1)) if last is not None and last < date.max
            else None)
