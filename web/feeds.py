"""Atom feeds of change events (feedgen): all, per source, per platform.

Entries carry the event's summaries as ``type="text"``: a reader shows an archived title
holding ``<script>`` as those characters, and feedgen escapes them in the XML.

Links are absolute from ``[web] base_url`` when it is set, else relative (a reader resolves
them against the feed's own address). They never come from the request: its ``Host`` header is
whatever the client wrote, and a cached or forwarded feed would carry a forged one to others.
Without a base URL, ids are ``urn:regwatch:…`` names, which stay the same whichever address
the feed is read at.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import Response
from feedgen.feed import FeedGenerator
from sqlalchemy.orm import Session

from diffing.platforms import load_platforms
from storage.events import EventFilters, list_events
from storage.models import ChangeEvent, Source
from web.parameters import ID_PATTERN, PLATFORM_PATTERN, event_query
from web.sessions import session_for

router = APIRouter(prefix="/feeds", include_in_schema=False)
SessionDep = Annotated[Session, Depends(session_for)]
FEED_ENTRIES = 50
ATOM = "application/atom+xml; charset=utf-8"
_XML_ILLEGAL = {code: None for code in (*range(9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF)}


def _xml_text(text: str) -> str:
    # XML 1.0 cannot carry most control characters, even escaped; an archived text with one
    # must not make the whole feed unwritable.
    return text.translate(_XML_ILLEGAL)


def _base(request: Request) -> str:
    """The configured base URL without its final slash; "" (relative links) when unset."""
    configured: str | None = request.app.state.settings.base_url
    return (configured or "").rstrip("/")


def _id(base: str, path: str, name: str) -> str:
    # An Atom id must be an absolute IRI; a relative path is not one.
    return f"{base}{path}" if base else f"urn:regwatch:{name}"


def events_feed(
    request: Request, events: list[ChangeEvent], *, title: str, self_path: str
) -> Response:
    base = _base(request)
    feed = FeedGenerator()
    feed.id(_id(base, self_path, "feed:" + self_path.removeprefix("/feeds/").removesuffix(".atom")))
    feed.title(_xml_text(title))
    feed.link(href=f"{base}{self_path}", rel="self")
    feed.link(href=f"{base}/events", rel="alternate")
    feed.author({"name": "regwatch"})
    feed.language("en")
    feed.updated(events[0].created_at if events else datetime(2000, 1, 1, tzinfo=UTC))
    # feedgen writes entries in reverse of the order they are added.
    for event in reversed(events):
        entry = feed.add_entry()
        entry.id(_id(base, f"/events#event-{event.id}", f"event:{event.id}"))
        entry.title(_xml_text(event.summary_en))
        entry.updated(event.created_at)
        entry.published(event.created_at)
        summary = event.summary_en + (f"\n{event.summary_zh}" if event.summary_zh else "")
        entry.summary(_xml_text(summary), type="text")
        entry.category(term=event.kind)
        if event.notice_id is not None:
            entry.link(href=f"{base}/notices/{event.notice_id}", rel="alternate")
    body = feed.atom_str(pretty=True)
    return Response(body, media_type=ATOM)


@router.get("/events.atom")
def all_events(
    request: Request,
    session: SessionDep,
    kind: str = "",
    source: str = "",
    platform: str = "",
    metric: str = "",
    from_day: Annotated[str, Query(alias="from")] = "",
    to_day: Annotated[str, Query(alias="to")] = "",
    baseline: bool = False,
) -> Response:
    """Every event, or those of the filters the events page has (``kind``, ``source``,
    ``platform``, ``metric``, ``from``, ``to``); a first crawl's only with ``baseline=1``."""
    filters, given = event_query(request, session, kind=kind, source=source,
                                 platform=platform, metric=metric, from_day=from_day,
                                 to_day=to_day, baseline=baseline)
    events = list_events(session, filters, limit=FEED_ENTRIES)
    narrowed = ", ".join(f"{name} {value}" for name, value in given.items())
    return events_feed(
        request,
        events,
        title="regwatch: what changed at the regulators" + (f" ({narrowed})" if narrowed else ""),
        self_path="/feeds/events.atom" + (f"?{urlencode(given)}" if given else ""),
    )


@router.get("/sources/{source_id}.atom")
def source_events(
    request: Request, session: SessionDep, source_id: Annotated[str, Path(pattern=ID_PATTERN)],
    baseline: bool = False,
) -> Response:
    source = session.get(Source, source_id)
    if source is None:
        raise HTTPException(404, f"There is no source {source_id!r}.")
    events = list_events(
        session, EventFilters(source_id=source_id, baseline=baseline), limit=FEED_ENTRIES
    )
    return events_feed(
        request,
        events,
        title=f"regwatch: {source.name}",
        self_path=f"/feeds/sources/{source_id}.atom",
    )


@router.get("/platforms/{platform_id}.atom")
def platform_events(
    request: Request, session: SessionDep,
    platform_id: Annotated[str, Path(pattern=PLATFORM_PATTERN)], baseline: bool = False,
) -> Response:
    events = list_events(
        session, EventFilters(platform_id=platform_id, baseline=baseline), limit=FEED_ENTRIES
    )
    if not events and platform_id not in load_platforms().platforms:
        raise HTTPException(404, f"There is no platform {platform_id!r}.")
    return events_feed(
        request,
        events,
        title=f"regwatch: {platform_id} named",
        self_path=f"/feeds/platforms/{quote(platform_id)}.atom",
    )
