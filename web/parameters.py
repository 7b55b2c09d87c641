"""The API's request parameters: limits, the patterns ids and filters must match, and the
annotated types the routes take (the pages take the same)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import Depends, Path, Query
from sqlalchemy.orm import Session

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
PERIOD_PATTERN = r"^[0-9]{4}(-(H[12]|Q[1-4]))?$"
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
