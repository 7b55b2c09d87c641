"""The sources pages: each source's live state with "check now", its history of changes, a
trial of its selectors, and forms that add, edit, disable and delete sources kept in the
archive. Plain HTML forms; every one that changes something posts the API token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Source
from crawler.sourcetrial import SourceTrial, try_source
from storage.archive import SourceHealth, latest_runs
from storage.events import EventFilters, list_events
from storage.models import CrawlRun
from storage.models import Source as ArchivedSource
from storage.source_definitions import (
    FIELDS,
    SourceDefinitionError,
    StoredSource,
    UnknownDefinitionError,
    add_definition,
    check_definition,
    definition_from_fields,
    delete_definition,
    fields_of,
    set_disabled,
    stored_source,
    stored_sources,
    update_definition,
)
from storage.sources import source_overviews
from web.crawls import CrawlBusyError, CrawlUnavailableError, UnknownCrawlSourceError
from web.home import sources_in_force
from web.pages import _fullmatch, page
from web.parameters import ID_PATTERN, MAX_OFFSET
from web.sessions import session_for, writer_session
from web.settings import token_matches

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(session_for)]
WriterDep = Annotated[Session, Depends(writer_session)]
SourceId = Annotated[str, Path(pattern=ID_PATTERN)]
HISTORY_PAGE = 30
MAX_FORM_BYTES = 64 * 1024
# How long a trial asked for from a page may take: a page should answer within a minute.
PAGE_TRIAL_LIMIT = 45.0
DONE = {
    "crawl": "A crawl of {source} has started; its result shows here when it ends.",
    "added": "{source} was added. Its first crawl is a baseline: it archives without alerting.",
    "changed": "{source} was changed.",
    "disabled": "{source} is disabled: it is not crawled until it is enabled again.",
    "enabled": "{source} is enabled.",
    "deleted": "{source} was deleted; the notices it archived stay.",
}


async def posted_fields(request: Request) -> dict[str, str]:
    """The fields of a posted HTML form (urlencoded), each once; too large a form is refused."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise HTTPException(413, "the form is too large")
    parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True,
                      max_num_fields=100)
    return {key: values[-1] for key, values in parsed.items()}


FormDep = Annotated[dict[str, str], Depends(posted_fields)]


def _token_refusal(request: Request, fields: dict[str, str]) -> str | None:
    """Why the form's token is not accepted, or None when it is."""
    settings = request.app.state.settings
    if not settings.token:
        return ("changes are disabled: no API token is configured (set REGWATCH_API_TOKEN "
                "before starting regwatch)")
    if not token_matches(settings, fields.get("token")):
        return "the API token is missing or wrong"
    return None


@dataclass(frozen=True)
class SourceRow:
    id: str
    name: str
    origin: str
    schedule: str
    notices: int
    health: SourceHealth | None
    running: bool
    last_run: CrawlRun | None
    next_run: Any
    disabled: bool
    problem: str | None


def _rows(request: Request, session: Session) -> list[SourceRow]:
    config = sources_in_force(request, session)
    overviews = {overview.source.id: overview for overview in source_overviews(session)}
    runs = latest_runs(session)
    crawls = request.app.state.crawls
    rows: list[SourceRow] = []

    def row(source_id: str, name: str, origin: str, schedule: str, disabled: bool = False,
            problem: str | None = None) -> SourceRow:
        overview = overviews.get(source_id)
        health = overview.health if overview else None
        running = bool(getattr(crawls, "running", lambda _: False)(source_id)) or (
            health is not None and health.last_status == "running")
        return SourceRow(source_id, name, origin, schedule,
                         overview.notices if overview else 0, health, running,
                         runs.get(source_id), overview.next_run if overview else None,
                         disabled, problem)

    for source in config.sources.values():
        rows.append(row(source.id, source.name, source.origin, source.schedule_description()))
    for stored in stored_sources(session):
        if stored.id not in config.sources and (stored.disabled or stored.source is None):
            rows.append(row(stored.id, str(stored.definition.get("name", "")), "archive",
                            stored.source.schedule_description() if stored.source else "–",
                            disabled=stored.disabled, problem=stored.problem))
    listed = {r.id for r in rows}
    for source_id, overview in overviews.items():
        if source_id not in listed:
            rows.append(row(source_id, overview.source.name, "archived only", "not configured"))
    return sorted(rows, key=lambda r: r.id)


def _sources_page(request: Request, session: Session, *, status_code: int = 200,
                  message: str | None = None, error: str | None = None) -> HTMLResponse:
    return page(request, "sources.html", status_code=status_code, title="Sources",
                rows=_rows(request, session), message=message, error=error,
                changes_allowed=bool(request.app.state.settings.token))


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request, session: SessionDep, done: str = "",
                 source: str = "") -> HTMLResponse:
    template = DONE.get(done) if _fullmatch(ID_PATTERN, source) else None
    return _sources_page(request, session,
                         message=template.format(source=source) if template else None)


def _done(action: str, source_id: str) -> Response:
    return RedirectResponse("/sources?" + urlencode({"done": action, "source": source_id}),
                            status_code=303)


@router.post("/sources/{source_id}/crawl", response_class=HTMLResponse)
def check_now(request: Request, session: SessionDep, source_id: SourceId,
              fields: FormDep) -> Response:
    refusal = _token_refusal(request, fields)
    if refusal:
        return _sources_page(request, session, status_code=401, error=refusal)
    try:
        request.app.state.crawls.start(source_id)
    except UnknownCrawlSourceError as exc:
        return _sources_page(request, session, status_code=404, error=str(exc))
    except CrawlBusyError as exc:
        return _sources_page(request, session, status_code=409, error=str(exc))
    except CrawlUnavailableError as exc:
        return _sources_page(request, session, status_code=503, error=str(exc))
    return _done("crawl", source_id)


def _switch(request: Request, session: Session, writer: Session, source_id: str,
            fields: dict[str, str], action: str) -> Response:
    refusal = _token_refusal(request, fields)
    if refusal:
        return _sources_page(request, session, status_code=401, error=refusal)
    try:
        if action == "deleted":
            delete_definition(writer, source_id)
        else:
            set_disabled(writer, source_id, action == "disabled")
    except UnknownDefinitionError as exc:
        return _sources_page(request, session, status_code=404, error=str(exc))
    writer.commit()
    return _done(action, source_id)


@router.post("/sources/{source_id}/disable", response_class=HTMLResponse)
def disable_source(request: Request, session: SessionDep, writer: WriterDep,
                   source_id: SourceId, fields: FormDep) -> Response:
    return _switch(request, session, writer, source_id, fields, "disabled")


@router.post("/sources/{source_id}/enable", response_class=HTMLResponse)
def enable_source(request: Request, session: SessionDep, writer: WriterDep,
                  source_id: SourceId, fields: FormDep) -> Response:
    return _switch(request, session, writer, source_id, fields, "enabled")


@router.post("/sources/{source_id}/delete", response_class=HTMLResponse)
def delete_source(request: Request, session: SessionDep, writer: WriterDep,
                  source_id: SourceId, fields: FormDep) -> Response:
    return _switch(request, session, writer, source_id, fields, "deleted")


# --- the form: add and edit, with a trial before saving --------------------------------------


def _form_page(request: Request, *, source_id: str, values: dict[str, str], editing: bool,
               status_code: int = 200, error: str | None = None,
               trial: SourceTrial | None = None) -> HTMLResponse:
    return page(request, "source_form.html", status_code=status_code,
                title=f"Edit {source_id}" if editing else "Add a source",
                source_id=source_id, values=values, editing=editing, error=error, trial=trial,
                action=f"/sources/{source_id}/edit" if editing else "/sources/new",
                changes_allowed=bool(request.app.state.settings.token))


BLANK = {name: "" for name in FIELDS} | {"list_kind": "html", "interval": "1h", "delay": "2",
                                          "language": "en", "timezone": "UTC"}


@router.get("/sources/new", response_class=HTMLResponse)
def new_source_form(request: Request) -> HTMLResponse:
    return _form_page(request, source_id="", values=dict(BLANK), editing=False)


@router.post("/sources/new", response_class=HTMLResponse)
def add_source(request: Request, session: SessionDep, writer: WriterDep,
               fields: FormDep) -> Response:
    source_id = fields.get("id", "").strip()
    values = {name: fields.get(name, "") for name in FIELDS}
    return _submit(request, session, writer, fields, source_id, values, None)


def _stored_or_404(session: Session, source_id: str) -> StoredSource:
    try:
        return stored_source(session, source_id)
    except UnknownDefinitionError as exc:
        raise HTTPException(404, str(exc)) from exc


@router.get("/sources/{source_id}/edit", response_class=HTMLResponse)
def edit_source_form(request: Request, session: SessionDep,
                     source_id: SourceId) -> HTMLResponse:
    stored = _stored_or_404(session, source_id)
    return _form_page(request, source_id=source_id, values=fields_of(stored.definition),
                      editing=True, error=stored.problem)


@router.post("/sources/{source_id}/edit", response_class=HTMLResponse)
def edit_source(request: Request, session: SessionDep, writer: WriterDep, source_id: SourceId,
                fields: FormDep) -> Response:
    stored = _stored_or_404(session, source_id)
    values = {name: fields.get(name, "") for name in FIELDS}
    return _submit(request, session, writer, fields, source_id, values, stored.definition)


def _submit(request: Request, session: Session, writer: Session, fields: dict[str, str],
            source_id: str, values: dict[str, str], base: dict[str, Any] | None) -> Response:
    """Save the form (``base``: the stored definition being edited), or try it first."""
    editing = base is not None

    def again(status_code: int, error: str | None,
              trial: SourceTrial | None = None) -> HTMLResponse:
        return _form_page(request, source_id=source_id, values=values, editing=editing,
                          status_code=status_code, error=error, trial=trial)

    refusal = _token_refusal(request, fields)
    if refusal:
        return again(401, refusal)
    try:
        table = definition_from_fields(values, base)
        if fields.get("action") == "try":
            source = check_definition(source_id or "trial", table)
            return again(200, None, _trial(source))
        if editing:
            update_definition(writer, source_id, table)
        else:
            add_definition(writer, sources_in_force(request, session), source_id, table)
    except SourceDefinitionError as exc:
        return again(400, str(exc))
    writer.commit()
    return _done("changed" if editing else "added", source_id)


def _trial(source: Source) -> SourceTrial:
    return try_source(source, time_limit=PAGE_TRIAL_LIMIT)


# --- trying a source that exists ---------------------------------------------------------------


def _source_or_404(request: Request, session: Session, source_id: str) -> Source:
    config = sources_in_force(request, session)
    if source_id in config.sources:
        return config.sources[source_id]
    try:
        stored = stored_source(session, source_id)
    except UnknownDefinitionError:
        raise HTTPException(404, f"There is no source {source_id!r}.") from None
    if stored.source is None:
        raise HTTPException(400, f"{source_id} cannot be tried: {stored.problem}")
    return stored.source


@router.get("/sources/{source_id}/test", response_class=HTMLResponse)
def test_page(request: Request, session: SessionDep, source_id: SourceId) -> HTMLResponse:
    source = _source_or_404(request, session, source_id)
    return page(request, "source_test.html", title=f"Test {source_id}", source=source,
                trial=None, error=None, changes_allowed=bool(request.app.state.settings.token))


@router.post("/sources/{source_id}/test", response_class=HTMLResponse)
def run_test(request: Request, session: SessionDep, source_id: SourceId,
             fields: FormDep) -> HTMLResponse:
    source = _source_or_404(request, session, source_id)
    # A trial fetches from the source's site: only for those who hold the token.
    refusal = _token_refusal(request, fields)
    return page(request, "source_test.html", status_code=401 if refusal else 200,
                title=f"Test {source_id}", source=source, error=refusal,
                trial=None if refusal else _trial(source),
                changes_allowed=bool(request.app.state.settings.token))


# --- history ------------------------------------------------------------------------------------


@router.get("/sources/{source_id}/history", response_class=HTMLResponse)
def history_page(request: Request, session: SessionDep, source_id: SourceId,
                 offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> HTMLResponse:
    config = sources_in_force(request, session)
    archived = session.get(ArchivedSource, source_id)
    if archived is None and source_id not in config.sources:
        raise HTTPException(404, f"There is no source {source_id!r}.")
    # A source's own history is its whole story: the first crawl's baseline events too, marked.
    events = list_events(session, EventFilters(source_id=source_id, baseline=True),
                         limit=HISTORY_PAGE + 1, offset=offset)
    runs = list(session.scalars(select(CrawlRun).where(CrawlRun.source_id == source_id)
                                .order_by(CrawlRun.started_at.desc()).limit(10)))
    source = config.sources.get(source_id)
    return page(
        request, "source_history.html", title=f"History of {source_id}",
        source_id=source_id,
        source_name=source.name if source else (archived.name if archived else ""),
        events=events[:HISTORY_PAGE], runs=runs,
        next_link=(f"/sources/{source_id}/history?offset={offset + HISTORY_PAGE}"
                   if len(events) > HISTORY_PAGE else None),
        feed_link=f"/feeds/sources/{source_id}.atom",
    )
