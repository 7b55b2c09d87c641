"""A source's first crawl is its baseline: its events are kept and shown on request
(``?baseline=1``, ``--baseline``), and left out of the events page, the API and the feeds."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import update

from cli.queries import COMMANDS
from storage.db import open_archive, session_factory
from storage.models import ChangeEvent
from tests.query_fixtures import CAC, build_query_archive
from web.app import create_app
from web.settings import WebSettings

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module", name="archive")
def archive_fixture(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int, int]:
    """The query archive with the CAC source's events marked as its first crawl's; the
    number of those and of the others."""
    url = f"sqlite:///{tmp_path_factory.mktemp('baseline') / 'archive.db'}"
    engine = open_archive(url)
    with session_factory(engine)() as session:
        build_query_archive(session)
        marked = session.execute(update(ChangeEvent).where(ChangeEvent.source_id == CAC)
                                 .values(baseline=True)).rowcount
        others = session.query(ChangeEvent).filter(ChangeEvent.source_id != CAC).count()
        session.commit()
    engine.dispose()
    assert marked and others
    return url, marked, others


@pytest.fixture(scope="module", name="client")
def client_fixture(archive: tuple[str, int, int]) -> Iterator[TestClient]:
    settings = WebSettings(base_url="https://regwatch.example")
    with TestClient(create_app(archive[0], None, settings=settings)) as client:
        yield client


def test_the_api_leaves_baseline_events_out_unless_asked(
    client: TestClient, archive: tuple[str, int, int]
) -> None:
    _, marked, others = archive
    default = client.get("/api/events", params={"limit": 100}).json()
    assert len(default) == others and not any(event["baseline"] for event in default)
    everything = client.get("/api/events", params={"limit": 100, "baseline": 1}).json()
    assert len(everything) == marked + others
    assert sum(event["baseline"] for event in everything) == marked
    assert client.get("/api/events", params={"source": CAC}).json() == []


def test_feeds_and_the_events_page_leave_baseline_events_out_unless_asked(
    client: TestClient, archive: tuple[str, int, int]
) -> None:
    _, marked, others = archive

    def entries(path: str) -> list[ET.Element]:
        root = ET.fromstring(client.get(path).content)
        return root.findall(f"{ATOM}entry")

    assert len(entries("/feeds/events.atom")) == others
    assert len(entries("/feeds/events.atom?baseline=1")) == marked + others
    assert entries(f"/feeds/sources/{CAC}.atom") == []
    assert len(entries(f"/feeds/sources/{CAC}.atom?baseline=1")) == marked
    page = client.get("/events", params={"source": CAC}).text
    assert "No events." in page and 'class="baseline"' not in page
    shown = client.get("/events", params={"source": CAC, "baseline": 1}).text
    assert shown.count('<span class="baseline"') == min(marked, 50)
    assert 'name="baseline" value="1" checked' in shown


def test_the_events_command_shows_baseline_events_with_the_flag(
    archive: tuple[str, int, int]
) -> None:
    url, marked, others = archive
    group = click.Group(commands=COMMANDS)

    def listed(*flags: str) -> list[dict[str, object]]:
        result = CliRunner().invoke(group, ["events", "--json", "--limit", "500", *flags],
                                    obj={"database_url": url, "config": None})
        assert result.exit_code == 0, result.output
        events: list[dict[str, object]] = json.loads(result.output)["events"]
        return events

    assert len(listed()) == others
    assert len(listed("--baseline")) == marked + others
