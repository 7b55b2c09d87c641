"""Atom feeds of change events (web.feeds): all, per source, per platform; archived markup
stays text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from storage.db import open_archive, session_factory
from storage.models import ChangeEvent
from tests.query_fixtures import XSS_TITLE
from web.app import create_app
from web.settings import WebSettings

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module", name="client")
def client_fixture(archive: tuple[str, dict[str, int]]) -> Iterator[TestClient]:
    settings = WebSettings(base_url="https://regwatch.example")
    with TestClient(create_app(archive[0], None, settings=settings)) as client:
        yield client


def entries(client: TestClient, path: str) -> list[ET.Element]:
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(answer.content)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def test_the_feed_of_all_events_is_newest_first_with_links(
    client: TestClient, archive: tuple[str, dict[str, int]]
) -> None:
    found = entries(client, "/feeds/events.atom")
    assert len(found) == len(client.get("/api/events", params={"limit": 100}).json())
    updated = [entry.findtext(f"{ATOM}updated") or "" for entry in found]
    assert updated == sorted(updated, reverse=True)
    ids = archive[1]
    links = {link.get("href") for entry in found for link in entry.findall(f"{ATOM}link")}
    assert f"https://regwatch.example/notices/{ids['quark']}" in links
    kinds = {entry.find(f"{ATOM}category").get("term") for entry in found}  # type: ignore[union-attr]
    assert {"notice_new", "notice_edited", "platform_named"} <= kinds


def test_feeds_per_source_and_per_platform(
    client: TestClient, archive: tuple[str, dict[str, int]]
) -> None:
    url, _ = archive
    engine = open_archive(url)
    with session_factory(engine)() as session:
        ftc_events = session.scalars(
            select(ChangeEvent.id).where(ChangeEvent.source_id == "ftc-test")).all()
    engine.dispose()
    ftc = entries(client, "/feeds/sources/ftc-test.atom")
    ids = [(e.findtext(f"{ATOM}id") or "").rsplit("event-", 1)[-1].rsplit(":", 1)[-1]
           for e in ftc]
    assert ftc and sorted(int(i) for i in ids) == sorted(ftc_events)
    quark = entries(client, "/feeds/platforms/quark.atom")
    assert [e.find(f"{ATOM}category").get("term") for e in quark] == ["platform_named"] * len(quark)  # type: ignore[union-attr]
    assert quark
    assert entries(client, "/feeds/platforms/douyin.atom")
    assert client.get("/feeds/sources/nosuch.atom").status_code == 404
    assert client.get("/feeds/platforms/nosuch.atom").status_code == 404


def test_archived_markup_is_text_in_the_feed(client: TestClient) -> None:
    raw = client.get("/feeds/sources/ftc-test.atom").text
    root = ET.fromstring(raw)
    assert not [element for element in root.iter() if element.tag.split("}")[-1] in
                ("script", "img", "a")]
    titles = [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")]
    assert f"New notice: {XSS_TITLE}" in titles
    for summary in root.iter(f"{ATOM}summary"):
        assert summary.get("type") == "text"
    assert "<script>" not in raw and "&lt;script&gt;" in raw
