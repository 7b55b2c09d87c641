"""Filters with one name each in the pages, the API and the feeds (issue #17): unknown ids
answer 404 naming the known ones, feeds filter, the events page's feed link keeps its filters,
old names still accepted."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from storage.db import open_archive, session_factory
from tests.query_fixtures import build_query_archive
from web.app import create_app
from web.settings import WebSettings

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module", name="client")
def client_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path_factory.mktemp('filters') / 'archive.db'}"
    engine = open_archive(url)
    with session_factory(engine)() as session:
        build_query_archive(session)
    engine.dispose()
    with TestClient(create_app(url, None, settings=WebSettings())) as client:
        yield client


def entry_kinds(feed: str) -> list[str]:
    root = ElementTree.fromstring(feed)
    return [entry.find(f"{ATOM}category").get("term")  # type: ignore[union-attr]
            for entry in root.iter(f"{ATOM}entry")]


@pytest.mark.parametrize(("path", "params", "known"), [
    ("/search", {"platform": "nosuch"}, "alibaba"),
    ("/search", {"source": "nosuch"}, "cac-test"),
    ("/search", {"metric": "nosuch"}, "websites_summoned"),
    ("/events", {"source": "nosuch"}, "cac-test"),
    ("/metrics/websites_summoned", {"source": "nosuch"}, "cac-test"),
    ("/events", {"kind": "nosuch"}, "figure_changed"),
    ("/feeds/events.atom", {"kind": "nosuch"}, "figure_changed"),
    ("/feeds/events.atom", {"metric": "nosuch"}, "apps_removed"),
    ("/api/notices", {"platform": "nosuch"}, "alibaba"),
    ("/api/figures", {"metric": "nosuch"}, "websites_summoned"),
    ("/api/figures", {"metric": "websites_summoned", "source": "nosuch"}, "cac-test"),
    ("/api/events", {"metric": "nosuch"}, "apps_removed"),
])
def test_an_unknown_id_is_404_naming_the_known_ones(
    client: TestClient, path: str, params: dict[str, str], known: str
) -> None:
    answer = client.get(path, params=params)
    assert answer.status_code == 404
    text = html.unescape(answer.text)
    assert "unknown" in text and "'nosuch'" in text and known in text


def test_the_events_feed_filters_by_kind_and_source(client: TestClient) -> None:
    every = entry_kinds(client.get("/feeds/events.atom").text)
    assert len(set(every)) > 1
    changed = client.get("/feeds/events.atom", params={"kind": "notice_edited"})
    assert changed.status_code == 200
    assert entry_kinds(changed.text) and set(entry_kinds(changed.text)) == {"notice_edited"}
    by_source = client.get("/feeds/events.atom", params={"source": "ftc-test"}).text
    assert 0 < len(entry_kinds(by_source)) < len(every)
    assert "cac-test" not in by_source
    # The feed's own link names its filters.
    assert 'href="/feeds/events.atom?kind=notice_edited" rel="self"' in changed.text


def test_the_events_page_feed_link_keeps_its_filters(client: TestClient) -> None:
    page = client.get("/events", params={"kind": "notice_new", "source": "cac-test",
                                         "from": "2000-01-01"}).text
    (link,) = re.findall(r'<a href="([^"]*)">Atom feed of these events</a>', page)
    assert html.unescape(link) == "/feeds/events.atom?kind=notice_new&source=cac-test&from=2000-01-01"
    assert client.get(html.unescape(link)).status_code == 200


def test_dates_are_from_and_to_with_the_old_names_accepted(client: TestClient) -> None:
    def ids(**params: str) -> list[int]:
        answer = client.get("/api/notices", params={"order": "newest", **params})
        assert answer.status_code == 200, answer.text
        return [notice["id"] for notice in answer.json()["notices"]]

    recent = ids(**{"from": "2024-01-01"})
    assert recent and recent == ids(published_from="2024-01-01")
    older = ids(to="2023-12-31")
    assert older and not set(older) & set(recent)
    assert ids(to="2023-12-31") == ids(published_to="2023-12-31")
    events = client.get("/api/events", params={"from": "2000-01-01", "to": "2000-01-02"})
    assert events.status_code == 200 and events.json() == []
    schema = client.get("/openapi.json").json()["paths"]["/api/notices"]["get"]["parameters"]
    deprecated = {p["name"] for p in schema if p.get("deprecated")}
    assert deprecated == {"published_from", "published_to"}
    assert {"from", "to"} <= {p["name"] for p in schema}


def test_the_api_names_the_metrics(client: TestClient) -> None:
    metrics = {m["metric"]: m for m in client.get("/api/figures").json()["metrics"]}
    assert metrics["apps_removed"]["name_en"] == "apps taken off app stores"
    assert metrics["apps_removed"]["name_zh"] == "下架移动应用"


def test_an_unknown_id_close_to_a_known_one_names_it_first() -> None:
    # The registry holds hundreds of platforms: the list is cut, the close ids are not.
    from storage.vocabulary import LISTED_IDS, UnknownIdError

    known = [f"platform{n:03d}" for n in range(LISTED_IDS + 20)] + ["douyin"]
    message = str(UnknownIdError("platform", "douyn", known))
    assert message.startswith("unknown platform 'douyn'; did you mean douyin? known platforms:")
    assert "and 21 more" in message
    assert "did you mean" not in str(UnknownIdError("platform", "nosuch", ["douyin"]))
