"""The JSON API under /api: notices and search, versions and diffs, figures, platforms, events,
sources; and the one thing that changes something, asking for a crawl (token required).

Every answer is built from plain fields; archived text is returned as JSON strings (never as
markup to insert). Unknown ids answer 404, malformed queries 400 with a message.
"""

from __future__ import annotations

import hmac
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from diffing.documents import money_document
from diffing.figures import load_metrics
from diffing.platforms import load_platforms
from storage.aware_datetime import day_span
from storage.events import EventFilters, list_events
from storage.models import EVENT_KINDS
from storage.platforms import platform_summaries, platform_timeline
from storage.search import ORDERS, QueryError, SearchFilters, search_notices
from storage.series import figure_series, metric_names
from storage.sources import source_overviews
from storage.versions import VersionNotFoundError, notice_detail, version_diff
from web.crawls import CrawlBusyError, CrawlUnavailableError, UnknownCrawlSourceError
from web.documents import (
    diff_json,
    event_json,
    hit_json,
    notice_json,
    platform_json,
    series_point_json,
    version_json,
)
from web.parameters import (
    ID_PATTERN,
    LANGUAGE_PATTERN,
    MAX_ID,
    MAX_SERIES_NOTICES,
    METRIC_PATTERN,
    PERIOD_PATTERN,
    PLATFORM_PATTERN,
    SCOPE_PATTERN,
    SERIES_NOTICES,
    EventKind,
    Limit,
    NoticeId,
    Offset,
    SessionDep,
    VersionNumber,
    aware,
    check_known,
    event_filters,
    matches,
    one,
)
from web.schemas import (
    ERRORS,
    CrawlStartedOut,
    DiffOut,
    EventOut,
    FiguresOut,
    NoticeOut,
    NoticePageOut,
    PlatformDetailOut,
    PlatformOut,
    Problem,
    SourceOut,
    VersionListOut,
)

router = APIRouter(prefix="/api", tags=["archive"])
bearer = HTTPBearer(auto_error=False, description="The API token from [web] token_env")


# --- notices ---------------------------------------------------------------------------------


@router.get("/notices", response_model=NoticePageOut, responses=ERRORS)
def list_notices(
    request: Request,
    session: SessionDep,
    q: Annotated[str, Query(description="Words, \"phrases\", OR, -excluded")] = "",
    source: Annotated[list[str] | None, Query(max_length=20)] = None,
    from_day: Annotated[date | None, Query(alias="from", description="Published on or after "
                                           "this day.")] = None,
    to_day: Annotated[date | None, Query(alias="to", description="Published on or before "
                                         "this day.")] = None,
    published_from: Annotated[date | None, Query(deprecated=True,
                                                 description="Deprecated: `from`.")] = None,
    published_to: Annotated[date | None, Query(deprecated=True,
                                               description="Deprecated: `to`.")] = None,
    platform: Annotated[str | None, Query(pattern=PLATFORM_PATTERN)] = None,
    metric: Annotated[str | None, Query(pattern=METRIC_PATTERN)] = None,
    language: Annotated[str | None, Query(pattern=LANGUAGE_PATTERN)] = None,
    has_figures: bool | None = None,
    order: Literal["relevance", "newest", "oldest"] = "relevance",
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Search notices (latest versions) with filters; ranked, with highlighted snippets.
    A source, platform or metric regwatch does not know answers 404 naming the known ones."""
    sources = tuple(source or ())
    for source_id in sources:
        if not matches(ID_PATTERN, source_id):
            raise HTTPException(400, f"{source_id!r} is not a source id")
    check_known(request, session, sources=sources, platforms=one(platform),
                metrics=one(metric))
    filters = SearchFilters(
        source_ids=sources,
        published_from=from_day or published_from,
        published_to=to_day or published_to,
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


# --- figures, platforms, events, sources ----------------------------------------------------


@router.get("/figures", response_model=FiguresOut, responses=ERRORS)
def figures(
    request: Request,
    session: SessionDep,
    metric: Annotated[str | None, Query(pattern=METRIC_PATTERN)] = None,
    period_kind: Literal["year", "half", "quarter", "as_of"] | None = None,
    scope: Annotated[str | None, Query(pattern=SCOPE_PATTERN)] = None,
    source: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    period: Annotated[
        str | None, Query(pattern=PERIOD_PATTERN, description="Only this period's points "
                          "(2023, 2023-H1, 2023-Q3), or the points dated 2026-10-15.")
    ] = None,
    notices_limit: Annotated[
        int, Query(ge=0, le=MAX_SERIES_NOTICES, description="The most notices listed per "
                   "point, newest first; `notices_more` says whether a point has more.")
    ] = SERIES_NOTICES,
    from_day: Annotated[date | None, Query(alias="from", description="Figures of notices "
                                           "published on or after this day (UTC).")] = None,
    to_day: Annotated[date | None, Query(alias="to", description="Figures of notices "
                                         "published on or before this day (UTC).")] = None,
) -> Any:
    """A metric's series by period (and scope), with the newest notices behind each point;
    without ``metric``, the metrics the archive has figures for. An unknown metric or source
    answers 404 naming the known ones."""
    check_known(request, session, metrics=one(metric), sources=one(source))
    catalogue = load_metrics()
    since, until = day_span(from_day, to_day)
    series = (
        figure_series(
            session, metric, period_kind=period_kind, scope=scope, source_id=source,
            period=period, since=since, until=until,
        )
        if metric
        else []
    )
    return {
        "metric": metric,
        "period_kind": period_kind,
        "scope": scope,
        "period": period,
        "from": from_day,
        "to": to_day,
        "series": [series_point_json(point, notices_limit) for point in series],
        "metrics": [
            {"metric": name, "figures": count, "name_en": catalogue.name(name),
             "name_zh": catalogue.name(name, "zh")}
            for name, count in metric_names(session)
        ],
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
    platform_id: Annotated[str, Path(pattern=PLATFORM_PATTERN)],
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
                    money_document(value, currency)
                    for value, currency in entry.amounts
                ],
                "sentence": entry.sentence,
            }
            for entry in timeline[:limit]
        ],
        "events": [event_json(event) for event in events],
    }


@router.get("/events", response_model=list[EventOut], responses=ERRORS)
def events(
    request: Request,
    session: SessionDep,
    from_day: Annotated[date | None, Query(alias="from", description="Events on or after this "
                                           "day (UTC).")] = None,
    to_day: Annotated[date | None, Query(alias="to", description="Events on or before this "
                                         "day (UTC).")] = None,
    since: Annotated[datetime | None, Query(description="Events at or after this moment.")
                     ] = None,
    kind: Annotated[list[EventKind] | None, Query(max_length=len(EVENT_KINDS))] = None,
    source: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    platform: Annotated[str | None, Query(pattern=PLATFORM_PATTERN)] = None,
    metric: Annotated[str | None, Query(pattern=METRIC_PATTERN)] = None,
    notice: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    baseline: bool = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    """Change events, newest first. Those of a source's first crawl (its back catalogue,
    ``"baseline": true``) only with ``baseline=1``. An unknown source, platform or metric
    answers 404 naming the known ones."""
    check_known(request, session, sources=one(source), platforms=one(platform),
                metrics=one(metric))
    filters = event_filters(from_day, to_day, kinds=tuple(kind or ()), source=source,
                            platform=platform, metric=metric, since=aware(since),
                            notice=notice, baseline=baseline)
    return [
        event_json(event)
        for event in list_events(session, filters, limit=limit, offset=offset)
    ]


@router.get("/sources", response_model=list[SourceOut])
def sources(request: Request, session: SessionDep) -> Any:
    """Every source in the archive: health, last run and next scheduled run."""
    from web.home import sources_in_force

    config = sources_in_force(request, session)
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
        503: {"model": Problem, "description": "A cluster's broker does not take the crawl now"},
    },
)
def crawl_source(
    request: Request, source_id: Annotated[str, Path(pattern=ID_PATTERN)]
) -> Any:
    """Start a crawl of the source now, in a child process (with a broker: on a worker);
    answers before it ends."""
    try:
        started = request.app.state.crawls.start(source_id)
    except UnknownCrawlSourceError as exc:
        raise HTTPException(404, str(exc)) from exc
    except CrawlBusyError as exc:
        raise HTTPException(409, str(exc)) from exc
    except CrawlUnavailableError as exc:
        raise HTTPException(503, str(exc)) from exc
    return {"source_id": started.source_id, "started_at": started.started_at}
