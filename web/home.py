"""The home page: what changed lately (figures reported and revised, platforms newly named,
notices new and edited) with filters; on an empty archive, why it is empty and what to do."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Config
from diffing.figures import load_metrics
from diffing.platforms import load_platforms
from storage.changes import CHANGE_KINDS, ChangeFilters, archive_size, recent_changes
from storage.models import Source
from storage.search import QueryError
from storage.source_definitions import with_archive_sources
from storage.sources import source_overviews
from web.feeds import FEED_ENTRIES, events_feed
from web.pages import _fullmatch, _optional_date, page
from web.parameters import ID_PATTERN, MAX_OFFSET, METRIC_PATTERN
from web.sessions import session_for

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(session_for)]
PAGE_SIZE = 30
DEMO_COMMAND = "regwatch demo"


def sources_in_force(request: Request, session: Session) -> Config:
    """The configuration's sources with those kept in the archive."""
    config: Config | None = request.app.state.config
    return with_archive_sources(config or Config(sources={}, path=None, raw={}), session)


def _filters(form: dict[str, str]) -> ChangeFilters:
    """The changes a form's fields ask for; `QueryError` for a malformed one."""
    for name, pattern in (("source", ID_PATTERN), ("platform", ID_PATTERN),
                          ("metric", METRIC_PATTERN)):
        value = form.get(name, "")
        if value and not _fullmatch(pattern, value):
            raise QueryError(f"{name} {value[:40]!r} is not valid")
    kind = form.get("kind", "")
    if kind and kind not in CHANGE_KINDS:
        raise QueryError(f"kind must be one of {', '.join(CHANGE_KINDS)}")
    return ChangeFilters(
        source_id=form.get("source") or None, kind=kind or None,
        platform_id=form.get("platform") or None, metric=form.get("metric") or None,
        since=_optional_date(form.get("from", ""), "from"),
        until=_optional_date(form.get("to", ""), "to"),
        baseline=form.get("baseline", "") in ("1", "true", "on"),
    )


@router.get("/", response_class=HTMLResponse)
def home_page(
    request: Request,
    session: SessionDep,
    source: str = "",
    kind: str = "",
    platform: str = "",
    metric: str = "",
    changed_from: Annotated[str, Query(alias="from")] = "",
    changed_to: Annotated[str, Query(alias="to")] = "",
    baseline: str = "",
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> HTMLResponse:
    form = {"source": source, "kind": kind, "platform": platform, "metric": metric,
            "from": changed_from, "to": changed_to, "baseline": baseline}
    error = None
    changes = []
    try:
        filters = _filters(form)
        changes = recent_changes(session, filters, limit=PAGE_SIZE + 1, offset=offset)
    except QueryError as exc:
        error = str(exc)
    feed_filters = {key: form[key] for key in ("source", "kind", "platform", "metric")
                    if form[key]}
    size = archive_size(session)
    config = sources_in_force(request, session)
    overviews = {overview.source.id: overview for overview in source_overviews(session)}
    health = [(source_config, overviews.get(source_id))
              for source_id, source_config in sorted(config.sources.items())]
    kept = {key: value for key, value in form.items() if value}
    return page(
        request,
        "home.html",
        status_code=400 if error else 200,
        title="What changed",
        form=form,
        error=error,
        changes=changes[:PAGE_SIZE],
        next_link=("/?" + urlencode({**kept, "offset": offset + PAGE_SIZE})
                   if len(changes) > PAGE_SIZE else None),
        size=size,
        empty=size.notices == 0,
        health=health,
        failing=[entry for entry in health
                 if entry[1] is not None and entry[1].health is not None
                 and entry[1].health.last_status not in (None, "ok", "running")],
        demo_command=DEMO_COMMAND,
        kinds=CHANGE_KINDS,
        sources=list(session.scalars(select(Source.id).order_by(Source.id))),
        platforms=sorted(load_platforms().platforms),
        metrics=load_metrics().ids(),
        feed_link=("/feeds/changes.atom" + ("?" + urlencode(feed_filters) if feed_filters else "")
                   if not error else "/feeds/changes.atom"),
    )


@router.get("/feeds/changes.atom")
def changes_feed(
    request: Request,
    session: SessionDep,
    source: str = "",
    kind: str = "",
    platform: str = "",
    metric: str = "",
) -> Response:
    """The home page's changes as an Atom feed, with its filters (source, kind, platform,
    metric)."""
    chosen = {"source": source, "kind": kind, "platform": platform, "metric": metric}
    try:
        filters = _filters(chosen)
    except QueryError as exc:
        raise HTTPException(400, str(exc)) from exc
    kept = {key: value for key, value in chosen.items() if value}
    described = ", ".join(f"{key} {value}" for key, value in kept.items())
    return events_feed(
        request,
        recent_changes(session, filters, limit=FEED_ENTRIES),
        title="regwatch: what changed" + (f" ({described})" if described else ""),
        self_path="/feeds/changes.atom" + ("?" + urlencode(kept) if kept else ""),
    )
