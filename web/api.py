"""The JSON API under /api: notices and search, versions and diffs, figures, platforms, events,
sources; and the one thing that changes something, asking for a crawl (token required).

Every answer is built from plain fields; archived text is returned as JSON strings (never as
markup to insert). Unknown ids answer 404, malformed queries 400 with a message.
"""

from __future__ import annotations

import hmac
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from diffing.platforms import load_platforms
from storage.events import EventFilters, list_events
from storage.models import EVENT_KINDS, ChangeEvent, Figure, NoticeVersion, PlatformMention
from storage.platforms import PlatformSummary, platform_summaries, platform_timeline
from storage.search import ORDERS, QueryError, SearchFilters, SearchHit, search_notices
from storage.series import SeriesPoint, figure_series, metric_names
from storage.sources import source_overviews
from storage.versions import (
    NoticeDetail,
    VersionDiff,
    VersionNotFoundError,
    notice_detail,
    version_diff,
)
from web.app import session_for
from web.crawls import CrawlBusyError, UnknownCrawlSourceError

MAX_PAGE_SIZE = 100
MAX_OFFSET = 100_000
# Ids are 32-bit in both backends' integer columns; a larger one cannot name anything.
MAX_ID = 2**31 - 1
ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,63}$"
METRIC_PATTERN = r"^[a-z0-9_]{1,64}$"
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$"
SCOPE_PATTERN = r"^[^\x00-\x1f]{1,100}$"
PERIOD_PATTERN = r"^[0-9]{4}(-(H[12]|Q[1-4]))?$"
# The notices listed per series point unless more are asked for, and the most that may be:
# a point of a large archive can stand on thousands of notices.
SERIES_NOTICES = 20
MAX_SERIES_NOTICES = 1_000

router = APIRouter(prefix="/api", tags=["archive"])
bearer = HTTPBearer(auto_error=False, description="The API token from [web] token_env")

SessionDep = Annotated[Session, Depends(session_for)]
NoticeId = Annotated[int, Path(ge=1, le=MAX_ID, description="A notice id")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
VersionNumber = Annotated[int | None, Query(ge=1, le=MAX_ID)]


class Problem(BaseModel):
    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "A malformed query"},
    404: {"model": Problem, "description": "No such notice, version, platform or source"},
}


class Span(BaseModel):
    start: int
    end: int


class SnippetOut(BaseModel):
    text: str
    marks: list[Span]


class NoticeHitOut(BaseModel):
    id: int
    source_id: str
    url: str
    title: str
    title_marks: list[Span]
    published_at: datetime | None
    language: str
    score: float
    snippet: SnippetOut


class NoticePageOut(BaseModel):
    query: str
    total: int
    total_capped: bool = Field(description="True when there are more than `total` matches")
    offset: int
    limit: int
    order: str
    notices: list[NoticeHitOut]


class FigureOut(BaseModel):
    id: int
    metric: str | None
    value: str = Field(description="The exact decimal value, as a string")
    unit: str
    currency: str | None
    period: str | None
    period_kind: str | None
    scope: str | None
    start: int
    end: int
    text: str
    sentence: str


class MentionOut(BaseModel):
    id: int
    platform_id: str | None
    name: str
    kind: str
    action: str | None
    actions: list[str]
    amount: str | None
    currency: str | None
    start: int
    end: int
    sentence: str


class VersionOut(BaseModel):
    number: int
    title: str
    published_at: datetime | None
    fetched_at: datetime
    content_hash: str
    http_status: int


class NoticeOut(BaseModel):
    id: int
    source_id: str
    source_name: str
    url: str
    title: str
    published_at: datetime | None
    language: str
    first_seen_at: datetime
    last_seen_at: datetime
    last_checked_at: datetime
    version: VersionOut
    versions: int
    text: str
    figures: list[FigureOut]
    platforms: list[MentionOut]


class VersionListOut(BaseModel):
    notice_id: int
    versions: list[VersionOut]


class DiffRowOut(BaseModel):
    tag: Literal["equal", "replace", "delete", "insert"]
    old: str | None
    new: str | None
    old_line: int | None
    new_line: int | None


class FigureChangeOut(BaseModel):
    kind: str
    metric: str | None
    scope: str | None
    period: str | None
    unit: str
    old_value: str | None
    new_value: str | None
    old_text: str | None
    new_text: str | None


class PlatformChangeOut(BaseModel):
    kind: str
    key: str
    old_actions: list[str]
    new_actions: list[str]


class DiffOut(BaseModel):
    notice_id: int
    from_version: int
    to_version: int
    title_changed: bool
    old_title: str
    new_title: str
    unified: str
    rows: list[DiffRowOut]
    figures: list[FigureChangeOut]
    platforms: list[PlatformChangeOut]


class SeriesNoticeOut(BaseModel):
    notice_id: int
    title: str
    published_at: datetime | None
    value: str
    text: str


class SeriesPointOut(BaseModel):
    period: str
    period_kind: str
    scope: str | None
    unit: str
    value: str
    notices: list[SeriesNoticeOut] = Field(
        description="The newest notices that reported a figure for this point, newest first "
        "(undated last), at most `notices_limit` of them."
    )
    notices_more: bool = Field(
        description="Whether more notices reported this point than `notices` lists: ask "
        "again with this `period` (and `scope`) and a larger `notices_limit`."
    )


class MetricCountOut(BaseModel):
    metric: str
    figures: int


class FiguresOut(BaseModel):
    metric: str | None
    period_kind: str | None
    scope: str | None
    period: str | None = None
    series: list[SeriesPointOut]
    metrics: list[MetricCountOut]


class PlatformOut(BaseModel):
    id: str
    names_zh: list[str]
    names_en: list[str]
    kind: str | None
    parent: str | None
    notices: int
    mentions: int
    last_named: datetime | None


class TimelineEntryOut(BaseModel):
    notice_id: int
    title: str
    published_at: datetime | None
    source_id: str
    names: list[str]
    actions: list[str]
    amounts: list[dict[str, str]]
    sentence: str


class EventOut(BaseModel):
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


class PlatformDetailOut(PlatformOut):
    timeline: list[TimelineEntryOut]
    events: list[EventOut]


class ProblemOut(BaseModel):
    kind: str
    detail: str
    url: str
    at: datetime


class SourceOut(BaseModel):
    id: str
    name: str
    authority: str
    language: str
    base_url: str
    notices: int
    schedule: str | None
    last_run_started: datetime | None
    last_run_finished: datetime | None
    last_status: str | None
    consecutive_failures: int
    last_problem: ProblemOut | None
    next_run: datetime | None


class CrawlStartedOut(BaseModel):
    source_id: str
    started_at: datetime


# --- notices ---------------------------------------------------------------------------------


@router.get("/notices", response_model=NoticePageOut, responses=ERRORS)
def list_notices(
    session: SessionDep,
    q: Annotated[str, Query(description="Words, \"phrases\", OR, -excluded")] = "",
    source: Annotated[list[str] | None, Query(max_length=20)] = None,
    published_from: date | None = None,
    published_to: date | None = None,
    platform: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    metric: Annotated[str | None, Query(pattern=METRIC_PATTERN)] = None,
    language: Annotated[str | None, Query(pattern=LANGUAGE_PATTERN)] = None,
    has_figures: bool | None = None,
    order: Literal["relevance", "newest", "oldest"] = "relevance",
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Search notices (latest versions) with filters; ranked, with highlighted snippets."""
    sources = tuple(source or ())
    for source_id in sources:
        if not _matches(ID_PATTERN, source_id):
            raise HTTPException(400, f"{source_id!r} is not a source id")
    filters = SearchFilters(
        source_ids=sources,
        published_from=published_from,
        published_to=published_to,
        platform_id=platform,
        metric=metric,
        language=language,
        has_figures=has_figures,
    )
    assert order in ORDERS
    try:
        page = search_notices(session, q, filters, limit=limit, offset=offset, order=order)
    except QueryError as exc:
        raise HTTPException(400, str(exc)) from exc
    return {
        "query": page.query,
        "total": page.total,
        "total_capped": page.total_capped,
        "offset": page.offset,
        "limit": page.limit,
        "order": page.order,
        "notices": [hit_json(hit) for hit in page.hits],
    }


def _matches(pattern: str, value: str) -> bool:
    import re

    return re.fullmatch(pattern.strip("^$"), value) is not None


def hit_json(hit: SearchHit) -> dict[str, Any]:
    return {
        "id": hit.notice_id,
        "source_id": hit.source_id,
        "url": hit.url,
        "title": hit.title,
        "title_marks": [{"start": s, "end": e} for s, e in hit.title_marks],
        "published_at": hit.published_at,
        "language": hit.language,
        "score": hit.score,
        "snippet": {
            "text": hit.snippet.text,
            "marks": [{"start": s, "end": e} for s, e in hit.snippet.marks],
        },
    }


@router.get("/notices/{notice_id}", response_model=NoticeOut, responses=ERRORS)
def get_notice(session: SessionDep, notice_id: NoticeId, version: VersionNumber = None) -> Any:
    """A notice with its latest version (or ``version``), its text, figures and platforms."""
    try:
        detail = notice_detail(session, notice_id, version)
    except VersionNotFoundError as exc:
        raise HTTPException(404, str(exc)) from exc
    if detail is None:
        raise HTTPException(404, f"no notice {notice_id}")
    return notice_json(detail)


def notice_json(detail: NoticeDetail) -> dict[str, Any]:
    notice, version = detail.notice, detail.version
    return {
        "id": notice.id,
        "source_id": notice.source_id,
        "source_name": detail.source.name,
        "url": notice.url,
        "title": version.title,
        "published_at": version.published_at,
        "language": notice.language,
        "first_seen_at": notice.first_seen_at,
        "last_seen_at": notice.last_seen_at,
        "last_checked_at": notice.last_checked_at,
        "version": version_json(version),
        "versions": len(detail.versions),
        "text": version.text,
        "figures": [figure_json(figure) for figure in detail.figures],
        "platforms": [mention_json(mention) for mention in detail.mentions],
    }


def version_json(version: NoticeVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "title": version.title,
        "published_at": version.published_at,
        "fetched_at": version.fetched_at,
        "content_hash": version.content_hash,
        "http_status": version.http_status,
    }


def decimal_text(value: Decimal | int | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, int):
        return str(value)
    return format(value.normalize(), "f")


def figure_json(figure: Figure) -> dict[str, Any]:
    return {
        "id": figure.id,
        "metric": figure.metric,
        "value": decimal_text(figure.value),
        "unit": figure.unit,
        "currency": figure.currency,
        "period": figure.period,
        "period_kind": figure.period_kind,
        "scope": figure.scope,
        "start": figure.start,
        "end": figure.end,
        "text": figure.text,
        "sentence": figure.sentence,
    }


def mention_json(mention: PlatformMention) -> dict[str, Any]:
    return {
        "id": mention.id,
        "platform_id": mention.platform_id,
        "name": mention.name,
        "kind": mention.kind,
        "action": mention.action,
        "actions": list(mention.actions or []),
        "amount": decimal_text(mention.amount),
        "currency": mention.currency,
        "start": mention.start,
        "end": mention.end,
        "sentence": mention.sentence,
    }


@router.get("/notices/{notice_id}/versions", response_model=VersionListOut, responses=ERRORS)
def list_versions(session: SessionDep, notice_id: NoticeId) -> Any:
    """Every version of the notice, oldest first."""
    from storage import archive

    every = archive.versions(session, notice_id)
    if not every:
        raise HTTPException(404, f"no notice {notice_id}")
    return {"notice_id": notice_id, "versions": [version_json(version) for version in every]}


@router.get("/notices/{notice_id}/diff", response_model=DiffOut, responses=ERRORS)
def diff_notice(
    session: SessionDep,
    notice_id: NoticeId,
    from_version: Annotated[int | None, Query(alias="from", ge=1, le=MAX_ID)] = None,
    to_version: Annotated[int | None, Query(alias="to", ge=1, le=MAX_ID)] = None,
) -> Any:
    """Text, figure and platform changes between two versions (default: the last two)."""
    try:
        diff = version_diff(session, notice_id, from_version, to_version)
    except VersionNotFoundError as exc:
        raise HTTPException(404, str(exc)) from exc
    if diff is None:
        raise HTTPException(404, f"no notice {notice_id}")
    return diff_json(diff)


def diff_json(diff: VersionDiff) -> dict[str, Any]:
    return {
        "notice_id": diff.notice.id,
        "from_version": diff.old.number,
        "to_version": diff.new.number,
        "title_changed": diff.title_changed,
        "old_title": diff.old.title,
        "new_title": diff.new.title,
        "unified": diff.unified,
        "rows": [
            {
                "tag": row.tag,
                "old": row.old,
                "new": row.new,
                "old_line": row.old_number,
                "new_line": row.new_number,
            }
            for row in diff.rows
        ],
        "figures": [
            {
                "kind": change.kind,
                "metric": change.metric,
                "scope": change.scope,
                "period": change.period,
                "unit": change.unit,
                "old_value": decimal_text(change.old.value) if change.old else None,
                "new_value": decimal_text(change.new.value) if change.new else None,
                "old_text": change.old.text if change.old else None,
                "new_text": change.new.text if change.new else None,
            }
            for change in diff.figure_changes
        ],
        "platforms": [
            {
                "kind": change.kind,
                "key": change.key,
                "old_actions": list(change.old_actions),
                "new_actions": list(change.new_actions),
            }
            for change in diff.platform_changes
        ],
    }


# --- figures, platforms, events, sources ----------------------------------------------------


@router.get("/figures", response_model=FiguresOut, responses=ERRORS)
def figures(
    session: SessionDep,
    metric: Annotated[str | None, Query(pattern=METRIC_PATTERN)] = None,
    period_kind: Literal["year", "half", "quarter"] | None = None,
    scope: Annotated[str | None, Query(pattern=SCOPE_PATTERN)] = None,
    source: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    period: Annotated[
        str | None, Query(pattern=PERIOD_PATTERN, description="Only this period's points "
                          "(2023, 2023-H1, 2023-Q3).")
    ] = None,
    notices_limit: Annotated[
        int, Query(ge=0, le=MAX_SERIES_NOTICES, description="The most notices listed per "
                   "point, newest first; `notices_more` says whether a point has more.")
    ] = SERIES_NOTICES,
) -> Any:
    """A metric's series by period (and scope), with the newest notices behind each point;
    without ``metric``, the metrics the archive has figures for."""
    series = (
        figure_series(
            session, metric, period_kind=period_kind, scope=scope, source_id=source,
            period=period,
        )
        if metric
        else []
    )
    return {
        "metric": metric,
        "period_kind": period_kind,
        "scope": scope,
        "period": period,
        "series": [series_point_json(point, notices_limit) for point in series],
        "metrics": [
            {"metric": name, "figures": count} for name, count in metric_names(session)
        ],
    }


def series_point_json(point: SeriesPoint, notices_limit: int) -> dict[str, Any]:
    newest = point.newest_notices(notices_limit + 1)
    return {
        "period": point.period,
        "period_kind": point.period_kind,
        "scope": point.scope,
        "unit": point.unit,
        "value": decimal_text(point.value),
        "notices": [
            {
                "notice_id": notice.notice_id,
                "title": notice.title,
                "published_at": notice.published_at,
                "value": decimal_text(notice.value),
                "text": notice.text,
            }
            for notice in newest[:notices_limit]
        ],
        "notices_more": len(newest) > notices_limit,
    }


def platform_json(platform_id: str, summary: PlatformSummary | None) -> dict[str, Any]:
    known = load_platforms().platforms.get(platform_id)
    return {
        "id": platform_id,
        "names_zh": list(known.names_zh) if known else [],
        "names_en": list(known.names_en) if known else [],
        "kind": known.kind if known else None,
        "parent": known.parent if known else None,
        "notices": summary.notices if summary else 0,
        "mentions": summary.mentions if summary else 0,
        "last_named": summary.last_named if summary else None,
    }


@router.get("/platforms", response_model=list[PlatformOut])
def platforms(session: SessionDep) -> Any:
    """Platforms named in the archive, most named first, then the registry's other platforms."""
    summaries = platform_summaries(session)
    named = [platform_json(summary.platform_id, summary) for summary in summaries]
    seen = {summary.platform_id for summary in summaries}
    rest = [
        platform_json(platform_id, None)
        for platform_id in sorted(load_platforms().platforms)
        if platform_id not in seen
    ]
    return named + rest


@router.get("/platforms/{platform_id}", response_model=PlatformDetailOut, responses=ERRORS)
def platform(
    session: SessionDep,
    platform_id: Annotated[str, Path(pattern=ID_PATTERN)],
    limit: Limit = 50,
) -> Any:
    """A platform's timeline: each notice naming it, with the actions taken, newest first."""
    timeline = platform_timeline(session, platform_id)
    if not timeline and platform_id not in load_platforms().platforms:
        raise HTTPException(404, f"no platform {platform_id!r}")
    summary = next(
        (s for s in platform_summaries(session) if s.platform_id == platform_id), None
    )
    events = list_events(
        session, EventFilters(platform_id=platform_id), limit=limit
    )
    return {
        **platform_json(platform_id, summary),
        "timeline": [
            {
                "notice_id": entry.notice_id,
                "title": entry.title,
                "published_at": entry.published_at,
                "source_id": entry.source_id,
                "names": list(entry.names),
                "actions": list(entry.actions),
                "amounts": [
                    {"value": decimal_text(value) or "", "currency": currency}
                    for value, currency in entry.amounts
                ],
                "sentence": entry.sentence,
            }
            for entry in timeline[:limit]
        ],
        "events": [event_json(event) for event in events],
    }


def event_json(event: ChangeEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "kind": event.kind,
        "source_id": event.source_id,
        "notice_id": event.notice_id,
        "version_id": event.version_id,
        "subject": event.subject,
        "created_at": event.created_at,
        "summary_en": event.summary_en,
        "summary_zh": event.summary_zh,
        "payload": event.payload if isinstance(event.payload, dict) else {},
    }


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


@router.get("/events", response_model=list[EventOut])
def events(
    session: SessionDep,
    since: datetime | None = None,
    kind: Annotated[list[EventKind] | None, Query(max_length=len(EVENT_KINDS))] = None,
    source: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    platform: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    notice: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    """Change events, newest first."""
    filters = EventFilters(
        since=_aware(since),
        kinds=tuple(kind or ()),
        source_id=source,
        platform_id=platform,
        notice_id=notice,
    )
    return [
        event_json(event)
        for event in list_events(session, filters, limit=limit, offset=offset)
    ]


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@router.get("/sources", response_model=list[SourceOut])
def sources(request: Request, session: SessionDep) -> Any:
    """Every source in the archive: health, last run and next scheduled run."""
    config = request.app.state.config
    rows = []
    for overview in source_overviews(session):
        health = overview.health
        configured = config.sources.get(overview.source.id) if config is not None else None
        problem = health.last_problem if health else None
        rows.append(
            {
                "id": overview.source.id,
                "name": overview.source.name,
                "authority": overview.source.authority,
                "language": overview.source.language,
                "base_url": overview.source.base_url,
                "notices": overview.notices,
                "schedule": configured.schedule_description() if configured else None,
                "last_run_started": health.last_run_started if health else None,
                "last_run_finished": health.last_run_finished if health else None,
                "last_status": health.last_status if health else None,
                "consecutive_failures": health.consecutive_failures if health else 0,
                "last_problem": (
                    {
                        "kind": problem.kind,
                        "detail": problem.detail,
                        "url": problem.url,
                        "at": problem.at,
                    }
                    if problem
                    else None
                ),
                "next_run": overview.next_run,
            }
        )
    return rows


# --- changes (token required) ----------------------------------------------------------------


def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """Allow the request only with the configured API token (compared in constant time)."""
    expected: str | None = request.app.state.settings.token
    if not expected:
        raise HTTPException(403, "changes are disabled: no API token is configured")
    given = credentials.credentials if credentials is not None else ""
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise HTTPException(
            401, "a valid API token is required", headers={"WWW-Authenticate": "Bearer"}
        )


@router.post(
    "/sources/{source_id}/crawl",
    response_model=CrawlStartedOut,
    status_code=202,
    dependencies=[Depends(require_token)],
    responses={
        **ERRORS,
        401: {"model": Problem, "description": "No or a wrong API token"},
        403: {"model": Problem, "description": "No API token is configured"},
        409: {"model": Problem, "description": "A crawl of the source is already running"},
    },
)
def crawl_source(
    request: Request, source_id: Annotated[str, Path(pattern=ID_PATTERN)]
) -> Any:
    """Start a crawl of the source now, in a child process; answers before it ends."""
    try:
        started = request.app.state.crawls.start(source_id)
    except UnknownCrawlSourceError as exc:
        raise HTTPException(404, str(exc)) from exc
    except CrawlBusyError as exc:
        raise HTTPException(409, str(exc)) from exc
    return {"source_id": started.source_id, "started_at": started.started_at}
