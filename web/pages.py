"""Server-rendered pages: search, a notice, its diff, a metric's chart, a platform's timeline,
sources and events. Plain HTML forms and links; no script."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from diffing.figures import load_metrics
from diffing.platforms import load_platforms
from storage.events import EventFilters, list_events
from storage.models import EVENT_KINDS, Source
from storage.platforms import platform_summaries, platform_timeline
from storage.search import QueryError, SearchFilters, search_notices
from storage.series import (
    AS_OF,
    SeriesNotice,
    SeriesPoint,
    figure_series,
    metric_names,
    series_figures,
)
from storage.versions import VersionNotFoundError, notice_detail, version_diff
from web.parameters import (
    ID_PATTERN,
    LANGUAGE_PATTERN,
    MAX_ID,
    MAX_OFFSET,
    MAX_SERIES_NOTICES,
    METRIC_PATTERN,
    PERIOD_PATTERN,
    PLATFORM_PATTERN,
    SERIES_NOTICES,
    check_known,
    event_query,
    one,
)
from web.rendering import highlighted_text, render, series_charts
from web.sessions import session_for

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(session_for)]
PAGE_SIZE = 20


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(
        render(template, path=request.url.path, **context), status_code=status_code
    )


def error_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    titles = {404: "Not found", 400: "Bad request", 422: "Bad request"}
    return page(
        request,
        "error.html",
        status_code=status_code,
        title=titles.get(status_code, "Error"),
        message=message,
        status=status_code,
    )


def safe_link(url: str) -> str | None:
    """``url`` when it is an http(s) link, else None: an archived ``javascript:`` URL is shown
    as text, never linked."""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _optional_date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise QueryError(f"{name} must be a date like 2023-01-31, not {value[:40]!r}") from None


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    session: SessionDep,
    q: str = "",
    source: str = "",
    published_from: Annotated[str, Query(alias="from")] = "",
    published_to: Annotated[str, Query(alias="to")] = "",
    platform: str = "",
    metric: str = "",
    language: str = "",
    has_figures: str = "",
    order: str = "relevance",
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> HTMLResponse:
    form = {
        "q": q,
        "source": source,
        "from": published_from,
        "to": published_to,
        "platform": platform,
        "metric": metric,
        "language": language,
        "has_figures": has_figures,
        "order": order,
    }
    error = None
    result = None
    try:
        for value, pattern, name in (
            (source, ID_PATTERN, "source"),
            (platform, PLATFORM_PATTERN, "platform"),
            (metric, METRIC_PATTERN, "metric"),
            (language, LANGUAGE_PATTERN, "language"),
        ):
            if value and not _fullmatch(pattern, value):
                raise QueryError(f"{name} {value[:40]!r} is not valid")
        check_known(request, session, sources=one(source), platforms=one(platform),
                    metrics=one(metric))
        if order not in ("relevance", "newest", "oldest"):
            raise QueryError("order must be relevance, newest or oldest")
        filters = SearchFilters(
            source_ids=(source,) if source else (),
            published_from=_optional_date(published_from, "from"),
            published_to=_optional_date(published_to, "to"),
            platform_id=platform or None,
            metric=metric or None,
            language=language or None,
            has_figures={"yes": True, "no": False}.get(has_figures),
        )
        result = search_notices(
            session, q, filters, limit=PAGE_SIZE, offset=offset, order=order  # type: ignore[arg-type]
        )
    except QueryError as exc:
        error = str(exc)
    kept = {key: value for key, value in form.items() if value}
    next_link = prev_link = None
    if result is not None:
        if result.offset + PAGE_SIZE < result.total:
            next_link = "/search?" + urlencode({**kept, "offset": result.offset + PAGE_SIZE})
        if result.offset > 0:
            prev_link = "/search?" + urlencode(
                {**kept, "offset": max(result.offset - PAGE_SIZE, 0)}
            )
    return page(
        request,
        "search.html",
        status_code=400 if error else 200,
        title=f"Search: {q}" if q else "Search",
        form=form,
        error=error,
        result=result,
        sources=list(session.scalars(select(Source).order_by(Source.id))),
        platforms=sorted(load_platforms().platforms),
        metrics=load_metrics().ids(),
        next_link=next_link,
        prev_link=prev_link,
    )


def _fullmatch(pattern: str, value: str) -> bool:
    import re

    return re.fullmatch(pattern.strip("^$"), value) is not None


NoticeId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/notices/{notice_id}", response_class=HTMLResponse)
def notice_page(
    request: Request,
    session: SessionDep,
    notice_id: NoticeId,
    version: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> HTMLResponse:
    try:
        detail = notice_detail(session, notice_id, version)
    except VersionNotFoundError as exc:
        raise HTTPException(404, str(exc)) from exc
    if detail is None:
        raise HTTPException(404, f"There is no notice {notice_id} in the archive.")
    return page(
        request,
        "notice.html",
        title=detail.version.title,
        detail=detail,
        link=safe_link(detail.notice.url),
        paragraphs=highlighted_text(detail.version.text, detail.figures, detail.mentions),
        events=list_events(
            # Its history: withdrawn events too, marked so (the record of what alerts said).
            session, EventFilters(notice_id=notice_id, baseline=True, withdrawn=True), limit=20
        ),
    )


@router.get("/notices/{notice_id}/diff", response_class=HTMLResponse)
def diff_page(
    request: Request,
    session: SessionDep,
    notice_id: NoticeId,
    from_version: Annotated[int | None, Query(alias="from", ge=1, le=MAX_ID)] = None,
    to_version: Annotated[int | None, Query(alias="to", ge=1, le=MAX_ID)] = None,
) -> HTMLResponse:
    try:
        diff = version_diff(session, notice_id, from_version, to_version)
    except VersionNotFoundError as exc:
        raise HTTPException(404, str(exc)) from exc
    if diff is None:
        raise HTTPException(404, f"There is no notice {notice_id} in the archive.")
    from storage import archive

    return page(
        request,
        "diff.html",
        title=f"Changes: {diff.new.title}",
        diff=diff,
        versions=archive.versions(session, notice_id),
    )


@router.get("/metrics", response_class=HTMLResponse)
def metrics_page(request: Request, session: SessionDep) -> HTMLResponse:
    catalogue = {metric.id: metric.name_zh for metric in load_metrics().metrics}
    return page(
        request,
        "metrics.html",
        title="Metrics",
        metrics=metric_names(session),
        meanings=catalogue,
    )


@router.get("/metrics/{metric}", response_class=HTMLResponse)
def metric_page(
    request: Request,
    session: SessionDep,
    metric: Annotated[str, Path(pattern=METRIC_PATTERN)],
    period_kind: str = "",
    scope: str = "",
    source: str = "",
    period: str = "",
) -> HTMLResponse:
    metrics = {entry.id: entry for entry in load_metrics().metrics}
    catalogue = {entry.id: entry.meaning for entry in metrics.values()}
    if period_kind not in ("", "year", "half", "quarter", AS_OF):
        raise HTTPException(400, "period_kind must be year, half, quarter or as_of")
    if source and not _fullmatch(ID_PATTERN, source):
        raise HTTPException(400, "not a source id")
    check_known(request, session, sources=one(source))
    if period and not _fullmatch(PERIOD_PATTERN, period):
        raise HTTPException(400, "period must look like 2023, 2023-H1, 2023-Q3 or 2026-10-15")
    series = figure_series(
        session,
        metric,
        period_kind=period_kind or None,
        scope=scope or None,
        source_id=source or None,
        period=period or None,
    )
    # Each point's newest notices, one more than listed to tell whether there are more; a
    # page of one period lists many more of them.
    per_point = MAX_SERIES_NOTICES if period else SERIES_NOTICES
    listed: dict[tuple[str, str | None, str], tuple[list[SeriesNotice], str | None]] = {}
    for point in series:
        newest = point.newest_notices(per_point + 1)
        # Where the point's other notices are listed: None when there are none, "" when
        # this page of one period already lists as many as a page may.
        more: str | None = None
        if len(newest) > per_point:
            more = "" if period else f"/metrics/{metric}?" + urlencode({
                "period": point.period, "period_kind": period_kind,
                "scope": point.scope or scope, "source": source})
        listed[(point.period, point.scope, point.unit)] = (newest[:per_point], more)
    if not series and metric not in catalogue:
        raise HTTPException(404, f"There is no metric {metric!r}.")
    money = metric in metrics and "currency" in metrics[metric].units
    return page(
        request,
        "metric.html",
        title=f"Metric: {load_metrics().name(metric)}",
        metric=metric,
        meaning=catalogue.get(metric, ""),
        series=series,
        charts=series_charts(series),
        changes=year_on_year(series, money=money),
        figures=series_figures(session, metric, period_kind=period_kind or None,
                               scope=scope or None, source_id=source or None),
        listed=listed,
        per_point=per_point,
        form={"period_kind": period_kind, "scope": scope, "source": source, "period": period},
    )


def year_on_year(
    series: list[SeriesPoint], *, money: bool
) -> dict[tuple[str, str | None, str], Decimal]:
    """Each point's change in percent from the same period a year before (same kind, scope
    and unit). Points dated by their notices are single statements, not period totals, and
    have none; nor has money without a scope: until figures say whose amount they are, two
    years' amounts may be different parties' single decisions, not totals of the same kind."""
    by_period = {(point.period, point.scope, point.unit): point for point in series}
    changes = {}
    for point in series:
        if point.as_of or (money and not point.scope):
            continue
        if point.period_kind == "year":
            earlier = by_period.get((str(point.year - 1), point.scope, point.unit))
        else:
            earlier = by_period.get(
                (f"{point.year - 1}{point.period[4:]}", point.scope, point.unit)
            )
        if earlier is not None and earlier.value:
            changes[(point.period, point.scope, point.unit)] = (
                (point.value - earlier.value) / earlier.value * 100
            ).quantize(1)
    return changes


@router.get("/platforms", response_class=HTMLResponse)
def platforms_page(request: Request, session: SessionDep) -> HTMLResponse:
    return page(
        request,
        "platforms.html",
        title="Platforms",
        summaries=platform_summaries(session),
        registry=load_platforms().platforms,
    )


@router.get("/platforms/{platform_id}", response_class=HTMLResponse)
def platform_page(
    request: Request,
    session: SessionDep,
    platform_id: Annotated[str, Path(pattern=PLATFORM_PATTERN)],
) -> HTMLResponse:
    registry = load_platforms().platforms
    timeline = platform_timeline(session, platform_id)
    if not timeline and platform_id not in registry:
        raise HTTPException(404, f"There is no platform {platform_id!r}.")
    return page(
        request,
        "platform.html",
        title=f"Platform: {platform_id}",
        platform_id=platform_id,
        known=registry.get(platform_id),
        timeline=timeline,
        events=list_events(
            session, EventFilters(platform_id=platform_id), limit=50
        ),
    )


@router.get("/events", response_class=HTMLResponse)
def events_page(
    request: Request,
    session: SessionDep,
    kind: str = "",
    source: str = "",
    platform: str = "",
    metric: str = "",
    from_day: Annotated[str, Query(alias="from")] = "",
    to_day: Annotated[str, Query(alias="to")] = "",
    baseline: bool = False,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> HTMLResponse:
    filters, kept = event_query(request, session, kind=kind, source=source, platform=platform,
                                metric=metric, from_day=from_day, to_day=to_day,
                                baseline=baseline)
    listed = list_events(session, filters, limit=PAGE_SIZE + 1, offset=offset)
    return page(
        request,
        "events.html",
        title="Events",
        events=listed[:PAGE_SIZE],
        kinds=EVENT_KINDS,
        form={"kind": kind, "source": source, "platform": platform, "metric": metric,
              "from": from_day, "to": to_day, "baseline": baseline},
        next_link=(
            "/events?" + urlencode({**kept, "offset": offset + PAGE_SIZE})
            if len(listed) > PAGE_SIZE
            else None
        ),
        # The feed of the events shown: the same filters.
        feed_link="/feeds/events.atom" + (f"?{urlencode(kept)}" if kept else ""),
    )
