"""The API's request parameters: limits, the patterns ids and filters must match, and the
annotated types the routes take (the pages take the same)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Path, Query, Request
from sqlalchemy.orm import Session

from storage.events import EventFilters
from storage.models import EVENT_KINDS
from web.sessions import session_for

MAX_PAGE_SIZE = 100
MAX_OFFSET = 100_000
# Ids are 32-bit in both backends' integer columns; a larger one cannot name anything.
MAX_ID = 2**31 - 1
ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,63}$"
# A platform: a registry id, or "name:" and a name the registry does not know
# (diffing.compare.mention_key), which is a platform of its own.
PLATFORM_PATTERN = r"^(?:[a-z0-9][a-z0-9_.-]{0,63}|name:[^/\x00-\x1f]{1,205})$"
METRIC_PATTERN = r"^[a-z0-9_]{1,64}$"
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$"
SCOPE_PATTERN = r"^[^\x00-\x1f]{1,100}$"
PERIOD_PATTERN = r"^[0-9]{4}(-(H[12]|Q[1-4]|[01][0-9]-[0-3][0-9]))?$"
# The notices listed per series point unless more are asked for, and the most that may be:
# a point of a large archive can stand on thousands of notices.
SERIES_NOTICES = 20
MAX_SERIES_NOTICES = 1_000

SessionDep = Annotated[Session, Depends(session_for)]
NoticeId = Annotated[int, Path(ge=1, le=MAX_ID, description="A notice id")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
VersionNumber = Annotated[int | None, Query(ge=1, le=MAX_ID)]

EventKind = Literal[
    "notice_new",
    "notice_edited",
    "figure_reported",
    "figure_changed",
    "metric_new",
    "metric_dropped",
    "platform_named",
    "source_unhealthy",
    "source_recovered",
    "bulletin_overdue",
    "notice_withdrawn",
]
assert set(EventKind.__args__) == set(EVENT_KINDS)  # type: ignore[attr-defined]


def matches(pattern: str, value: str) -> bool:
    """Whether ``value`` matches one of the patterns above (as a query parameter must)."""
    return re.fullmatch(pattern.strip("^$"), value) is not None


def aware(moment: datetime | None) -> datetime | None:
    """A query's datetime, read as UTC when it names no zone."""
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def check_known(request: Request, session: Session, **ids: Iterable[str]) -> None:
    """404 naming the known ids when a filter (``sources``, ``metrics``, ``platforms``,
    ``kinds``) names an unknown one, the same for the API, the pages and the feeds."""
    from storage.vocabulary import UnknownIdError, check_ids

    config = getattr(request.app.state, "config", None)
    configured = list(config.sources) if config is not None else []
    try:
        check_ids(session, configured_sources=configured, **ids)
    except UnknownIdError as exc:
        raise HTTPException(404, str(exc)) from exc


def one(value: str | None) -> list[str]:
    """A filter's one value as check_known takes it (none when empty)."""
    return [value] if value else []


def event_filters(from_day: date | None, to_day: date | None, *, kinds: tuple[str, ...] = (),
                  source: str | None = None, platform: str | None = None,
                  metric: str | None = None, since: datetime | None = None,
                  notice: int | None = None, baseline: bool = False) -> EventFilters:
    """The events filters of a request: ``from`` and ``to`` are days in UTC, both included."""
    start = datetime.combine(from_day, time(), UTC) if from_day else None
    if since is not None and (start is None or since > start):
        start = since
    end = (datetime.combine(to_day, time(), UTC) + timedelta(days=1)
           if to_day is not None and to_day < date.max else None)
    return EventFilters(since=start, until=end, kinds=kinds, source_id=source or None,
                        platform_id=platform or None, metric=metric or None, notice_id=notice,
                        baseline=baseline)


def event_query(request: Request, session: Session, *, kind: str = "", source: str = "",
                platform: str = "", metric: str = "", from_day: str = "", to_day: str = "",
                baseline: bool = False) -> tuple[EventFilters, dict[str, str]]:
    """The events filters of a page or feed (every value a string, empty for none), and the
    filters given, by their names, for links that keep them: 400 for a malformed value, 404
    naming the known ids for an unknown one."""
    for value, pattern, name in ((source, ID_PATTERN, "source"),
                                 (platform, ID_PATTERN, "platform"),
                                 (metric, METRIC_PATTERN, "metric")):
        if value and not matches(pattern, value):
            raise HTTPException(400, f"{name} {value[:40]!r} is not valid")
    days: list[date | None] = []
    for value, name in ((from_day, "from"), (to_day, "to")):
        try:
            days.append(date.fromisoformat(value) if value else None)
        except ValueError:
            raise HTTPException(400, f"{name} must be a day like 2024-01-31") from None
    check_known(request, session, kinds=one(kind), sources=one(source),
                platforms=one(platform), metrics=one(metric))
    filters = event_filters(days[0], days[1], kinds=(kind,) if kind else (), source=source,
                            platform=platform, metric=metric, baseline=baseline)
    given = {"kind": kind, "source": source, "platform": platform, "metric": metric,
             "from": from_day, "to": to_day, "baseline": "1" if baseline else ""}
    return filters, {name: value for name, value in given.items() if value}
