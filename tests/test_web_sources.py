"""The home page (web.home) and the sources pages (web.sourcepages): recent changes with
filters, the empty archive's guide, forms that add, edit, disable and delete a source behind
the API token, "check now" crawling a local site, a source's history and its trial."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from config import load_config
from crawler.localsite.server import serve_in_thread as serve_site
from storage.db import open_archive, session_factory
from storage.models import ChangeEvent
from tests.provincial_site import FIELDS, write_site
from tests.query_fixtures import build_query_archive
from web.app import create_app
from web.settings import WebSettings

TOKEN = "web-sources-token-0123456789"


@pytest.fixture(scope="module", name="site")
def site_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url, stop = serve_site(write_site(tmp_path_factory.mktemp("provincial")))
    try:
        yield url
    finally:
        stop()


def fresh_client(tmp_path: Path, token: str | None = TOKEN) -> TestClient:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    return TestClient(create_app(url, load_config(None), settings=WebSettings(token=token)),
                      follow_redirects=False)


def form(site: str, **changes: str) -> dict[str, str]:
    return {"id": "beijing", **FIELDS, "base_url": site, "token": TOKEN, "action": "save",
            **changes}


def test_home_lists_recent_changes_with_filters(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    engine = open_archive(url)
    with session_factory(engine)() as session:
        build_query_archive(session)
        session.commit()
        quark_named = session.scalar(select(func.count()).select_from(ChangeEvent).where(
            ChangeEvent.kind == "platform_named", ChangeEvent.subject == "quark"))
        ftc_events = session.scalar(select(func.count()).select_from(ChangeEvent).where(
            ChangeEvent.source_id == "ftc-test"))
    engine.dispose()
    assert quark_named and ftc_events
    with TestClient(create_app(url, None, settings=WebSettings())) as client:
        home = client.get("/")
        assert home.status_code == 200
        assert 'id="changes"' in home.text and "archive is empty" not in home.text
        assert "platform named" in home.text and "new notice" in home.text
        quark = client.get("/", params={"platform": "quark"}).text
        assert quark.count('class="change platform_named"') == quark_named
        assert "new notice" not in quark.split('id="changes"')[1]
        assert '<option value="quark" selected>' in quark
        ftc = client.get("/", params={"source": "ftc-test", "from": "2023-06-01"}).text
        assert ftc.count('class="change notice_new"') == 1
        assert 'href="/feeds/changes.atom?source=ftc-test"' in ftc
        feed = client.get("/feeds/changes.atom", params={"source": "ftc-test"})
        assert feed.headers["content-type"].startswith("application/atom+xml")
        assert feed.text.count("<entry>") == ftc_events and "(source ftc-test)" in feed.text
        quark_feed = client.get("/feeds/changes.atom", params={"platform": "quark"}).text
        assert quark_feed.count('<category term="platform_named"/>') == quark_named
        assert quark_feed.count("<entry>") == quark_named
        assert client.get("/feeds/changes.atom", params={"kind": "bogus"}).status_code == 400
        assert client.get("/", params={"kind": "bogus"}).status_code == 400
        assert client.get("/", params={"to": "someday"}).status_code == 400
        # Archived markup stays text on the home page too.
        assert "<script>window.__xss" not in home.text


def test_an_empty_archive_says_why_and_points_to_the_demo(tmp_path: Path) -> None:
    config_file = tmp_path / "regwatch.toml"
    config_file.write_text(
        '[sources.cac-wxfb]\nbase_url = "http://127.0.0.1:9"\ndelay = 0.05\n', encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    crawled = subprocess.run(
        [sys.executable, "-m", "cli", "--config", str(config_file), "--database-url", url,
         "crawl", "cac-wxfb"], check=False, capture_output=True, text=True, timeout=120,
        cwd=tmp_path)
    assert crawled.returncode == 1, crawled.stderr
    with TestClient(create_app(url, load_config(config_file), settings=WebSettings())) as client:
        home = client.get("/").text
    assert "The archive is empty" in home
    assert "regwatch demo" in home and "make demo" in home
    assert "1 of 8 sources failed" in home
    row = home.split('href="/sources/cac-wxfb/history"')[1].split("</tr>")[0]
    assert "failed" in row and "robots" in row  # the reason the crawl gave
    assert "not crawled yet" in home.split('href="/sources/ftc-press/history"')[1]


def test_a_source_is_added_edited_disabled_and_deleted_from_the_page(
    tmp_path: Path, site: str
) -> None:
    with fresh_client(tmp_path) as client:
        blank = client.get("/sources/new")
        assert blank.status_code == 200 and 'name="token"' in blank.text
        assert client.post("/sources/new", data={**form(site), "token": "wrong"}).status_code \
            == 401
        refused = client.post("/sources/new", data=form(site, list_items="ul.list li[[["))
        assert refused.status_code == 400
        assert "items: selector &#39;ul.list li[[[&#39; is not valid" in refused.text
        assert 'value="北京网信 通知公告"' in refused.text  # what was typed is kept
        assert TOKEN not in refused.text
        builtin = client.post("/sources/new", data=form(site, id="cac-wxfb"))
        assert builtin.status_code == 400 and "configuration file" in builtin.text

        added = client.post("/sources/new", data=form(site))
        assert added.status_code == 303
        listed = client.get(added.headers["location"]).text
        assert "beijing was added" in listed and 'id="source-beijing"' in listed
        assert 'formaction="/sources/beijing/delete"' in listed

        edit = client.get("/sources/beijing/edit").text
        assert 'value="ul.list li"' in edit and "a::attr(title)\na::text</textarea>" in edit
        changed = client.post("/sources/beijing/edit", data=form(site, interval="2h"))
        assert changed.status_code == 303
        assert "every 2h" in client.get("/sources").text

        assert client.post("/sources/beijing/disable", data={"token": TOKEN}).status_code == 303
        row = client.get("/sources").text.split('id="source-beijing"')[1].split("</tr>")[0]
        assert "disabled" in row and "/sources/beijing/enable" in row and "Check now" not in row
        assert client.post("/sources/beijing/enable", data={"token": TOKEN}).status_code == 303
        assert client.post("/sources/beijing/delete", data={}).status_code == 401
        assert client.post("/sources/beijing/delete", data={"token": TOKEN}).status_code == 303
        assert 'id="source-beijing"' not in client.get("/sources").text
        assert client.post("/sources/cac-wxfb/delete", data={"token": TOKEN}).status_code == 404
        assert client.get("/sources/cac-wxfb/edit").status_code == 404


def test_try_it_shows_the_trial_without_saving(tmp_path: Path, site: str) -> None:
    with fresh_client(tmp_path) as client:
        tried = client.post("/sources/new", data=form(site, action="try"))
        assert tried.status_code == 200
        trial = tried.text.split('id="trial"')[1]
        assert "(would archive)" in trial
        assert "北京网信办通报2024年网络执法工作情况" in trial
        assert re.search(r"<code>#zoom</code></td><td class=\"num\">1</td>", trial)
        assert 'id="source-beijing"' not in client.get("/sources").text


def test_check_now_crawls_a_source_kept_in_the_archive_and_its_history_shows(
    tmp_path: Path, site: str
) -> None:
    with fresh_client(tmp_path) as client:
        assert client.post("/sources/new", data=form(site)).status_code == 303
        assert client.post("/sources/beijing/crawl", data={}).status_code == 401
        started = client.post("/sources/beijing/crawl", data={"token": TOKEN})
        assert started.status_code == 303
        assert "A crawl of beijing has started" in client.get(started.headers["location"]).text
        crawls = client.app.state.crawls  # type: ignore[attr-defined]
        assert crawls.wait("beijing", timeout=180)
        assert crawls.outcomes["beijing"].status == "ok", crawls.outcomes["beijing"]
        row = client.get("/sources").text.split('id="source-beijing"')[1].split("</tr>")[0]
        assert "last run ok" in row and "3 new" in row
        api = {row["id"]: row for row in client.get("/api/sources").json()}
        assert api["beijing"]["schedule"] == "every 1h" and api["beijing"]["notices"] == 3
        history = client.get("/sources/beijing/history").text
        assert 'href="/feeds/sources/beijing.atom"' in history
        assert "notice_new" in history and "<td class=\"health ok\">ok</td>" in history
        assert client.get("/sources/nosuch/history").status_code == 404
        # The source's first crawl is its baseline: its events are shown when asked for.
        asked = {"source": "beijing", "metric": "websites_summoned"}
        figures = client.get("/", params={**asked, "baseline": "1"})
        assert 'class="change figure_reported"' in figures.text or \
            'class="change metric_new"' in figures.text
        assert 'class="baseline"' in figures.text
        plain = client.get("/", params=asked).text
        assert 'class="change figure_reported"' not in plain and "first crawls too" in plain


def test_the_test_page_needs_the_token_and_shows_matches(tmp_path: Path, site: str) -> None:
    with fresh_client(tmp_path) as client:
        assert client.post("/sources/new", data=form(site)).status_code == 303
        page = client.get("/sources/beijing/test")
        assert page.status_code == 200 and 'id="trial"' not in page.text
        assert client.post("/sources/beijing/test", data={"token": "x"}).status_code == 401
        ran = client.post("/sources/beijing/test", data={"token": TOKEN})
        assert ran.status_code == 200 and "(would archive)" in ran.text
        assert "3 entries" in ran.text
        assert client.get("/sources/nosuch/test").status_code == 404


def test_without_a_token_nothing_changes(tmp_path: Path, site: str) -> None:
    with fresh_client(tmp_path, token=None) as client:
        assert "no API token is configured" in client.get("/sources/new").text
        refused = client.post("/sources/new", data=form(site))
        assert refused.status_code == 401 and "no API token is configured" in refused.text
        assert "Check now" not in client.get("/sources").text
        assert client.post("/sources/cac-wxfb/crawl", data={"token": ""}).status_code == 401


def test_pages_are_script_free_and_styled_for_phones_and_dark_mode(tmp_path: Path) -> None:
    with fresh_client(tmp_path) as client:
        for path in ("/", "/sources", "/sources/new", "/sources/cac-wxfb/test",
                     "/sources/cac-wxfb/history"):
            answer = client.get(path)
            assert answer.status_code == 200, path
            assert "<script" not in answer.text
            assert "script-src" not in answer.headers["content-security-policy"]
        css = client.get("/static/style.css").text
        assert "@media (prefers-color-scheme: dark)" in css
        assert "@media (max-width: 40rem)" in css and ".scroll { overflow-x: auto" in css
