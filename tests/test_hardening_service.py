"""Issue #13 on the service side: bounded alert templates, crawl children that die with their
service and hold a lease per source, feed links that no request can forge, and API docs that
load under the app's own Content-Security-Policy.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from storage.db import open_archive, session_factory
from tests.query_fixtures import build_query_archive
from web.app import create_app
from web.settings import WebSettings

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module", name="archive_url")
def archive_url_fixture(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('hardening') / 'archive.db'}"
    engine = open_archive(url)
    with session_factory(engine)() as session:
        build_query_archive(session)
    engine.dispose()
    return url


@pytest.fixture(name="client")
def client_fixture(archive_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(archive_url, None, settings=WebSettings())) as client:
        yield client


# --- feeds --------------------------------------------------------------------------------------


def feed_addresses(atom: bytes) -> list[str]:
    root = ET.fromstring(atom)
    hrefs = [link.attrib["href"] for link in root.iter(f"{ATOM}link")]
    ids = [element.text or "" for element in root.iter(f"{ATOM}id")]
    return hrefs + ids


def test_feed_links_ignore_a_forged_host_header(client: TestClient) -> None:
    response = client.get("/feeds/events.atom", headers={"Host": "evil.example"})
    assert response.status_code == 200
    addresses = feed_addresses(response.content)
    assert len(addresses) > 4  # the feed has entries with links
    assert not [a for a in addresses if "evil.example" in a]
    assert all(a.startswith(("/", "urn:regwatch:")) for a in addresses), addresses


def test_feed_links_are_absolute_from_the_configured_base_url(archive_url: str) -> None:
    settings = WebSettings(base_url="https://regwatch.example.org/")
    with TestClient(create_app(archive_url, None, settings=settings)) as client:
        response = client.get("/feeds/events.atom", headers={"Host": "evil.example"})
    addresses = feed_addresses(response.content)
    assert all(a.startswith("https://regwatch.example.org/") for a in addresses), addresses
