"""The server-rendered pages (web.pages): what each shows, escaping, errors, the chart."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from storage.db import open_archive, session_factory
from storage.series import figure_series
from tests.query_fixtures import XSS_TITLE, build_random_archive
from web.app import create_app
from web.pages import safe_link
from web.rendering import TEMPLATES, highlighted_text
from web.settings import WebSettings


class Elements(HTMLParser):
    """Every start tag with its attributes, to check what the browser would build."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    return parser.tags


@pytest.fixture(scope="module", name="client")
def client_fixture(archive: tuple[str, dict[str, int]]) -> Iterator[TestClient]:
    with TestClient(create_app(archive[0], None, settings=WebSettings())) as client:
        yield client


@pytest.fixture(name="ids")
def ids_fixture(archive: tuple[str, dict[str, int]]) -> dict[str, int]:
    return archive[1]


def test_search_page_marks_matches_and_keeps_filters(client: TestClient, ids: dict[str, int]) -> None:
    page = client.get("/search", params={"q": "約談", "source": "cac-test", "order": "newest"})
    assert page.status_code == 200
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page.text
    assert "3 notices" in page.text
    assert page.text.count("<mark>約談</mark>") == 2  # the Traditional notice, as written
    assert "<mark>约谈</mark>" in page.text
    assert f'href="/notices/{ids["douyin_hant"]}"' in page.text
    assert '<option value="cac-test" selected>' in page.text
    assert '<option value="newest" selected>' in page.text


def test_a_malformed_query_is_a_400_page_with_the_reason(client: TestClient) -> None:
    page = client.get("/search", params={"q": '约谈 "open'})
    assert page.status_code == 400
    assert "never closed" in page.text
    assert client.get("/search", params={"from": "yesterday"}).status_code == 400
    assert client.get("/search", params={"q": "x" * 10_000}).status_code == 400


def test_notice_page_highlights_figures_and_platforms(client: TestClient, ids: dict[str, int]) -> None:
    page = client.get(f"/notices/{ids['quark']}")
    assert page.status_code == 200
    assert re.search(r'<mark class="platform" title="quark[^"]*">夸克浏览器</mark>', page.text)
    summary = client.get(f"/notices/{ids['summons_2023']}").text
    assert re.search(r'<mark class="figure" title="websites and platforms summoned for talks: 10,646 家 \(2023\)">', summary)
    assert "<dd>2 of 2, fetched" in summary
    assert f'href="/notices/{ids["summons_2023"]}/diff?from=1&amp;to=2"' in summary
    first = client.get(f"/notices/{ids['summons_2023']}", params={"version": 1}).text
    assert "259款" in first and "<dd>1 of 2, fetched" in first


def test_diff_page_shows_both_versions_side_by_side(client: TestClient, ids: dict[str, int]) -> None:
    page = client.get(f"/notices/{ids['summons_2023']}/diff")
    assert page.status_code == 200
    assert "<del>" in page.text and "<ins>" in page.text
    row = re.search(r'<tr class="replace">.*?</tr>', page.text, re.DOTALL)
    # Only the changed characters are marked inside the changed line.
    assert row is not None and "2<del>59</del>款" in row.group(0)
    assert "2<ins>61</ins>款" in row.group(0)
    assert re.search(r"<strong>edited</strong> apps taken off app stores.*?259.*?261", page.text, re.DOTALL)


def test_metric_page_draws_a_chart_with_a_bar_per_period(client: TestClient) -> None:
    page = client.get("/metrics/websites_summoned")
    assert page.status_code == 200
    svg = re.search(r"<svg id=\"chart\".*?</svg>", page.text, re.DOTALL)
    assert svg is not None
    bars = re.findall(r'<rect class="bar', svg.group(0))
    assert len(bars) == 1
    assert 'href="#period-2023"' in svg.group(0)
    assert 'id="period-2023"' in page.text
    assert "<script" not in page.text
    assert client.get("/metrics/no_such_metric").status_code == 404


def test_platform_sources_events_pages(
    client: TestClient, archive: tuple[str, dict[str, int]], ids: dict[str, int]
) -> None:
    platform = client.get("/platforms/quark").text
    assert f'href="/notices/{ids["quark"]}"' in platform and "summoned" in platform
    assert client.get("/platforms").status_code == 200
    assert "not scheduled" in client.get("/sources").text
    events = client.get("/events", params={"kind": "notice_edited"}).text
    assert events.count('class="kind"') == 1
    unknown = client.get("/events", params={"kind": "bogus"})
    assert unknown.status_code == 404 and "notice_edited" in unknown.text


def test_sources_page_reads_the_next_run_from_the_scheduler_job_store(
    archive: tuple[str, dict[str, int]],
) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(archive[0])
    when = datetime(2030, 5, 6, 7, 8, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE apscheduler_jobs (id VARCHAR(191) PRIMARY KEY, "
                "next_run_time FLOAT, job_state BLOB NOT NULL)"
            )
        )
        connection.execute(
            text("INSERT INTO apscheduler_jobs VALUES ('crawl:cac-test', :at, x'00')"),
            {"at": when.timestamp()},
        )
    engine.dispose()
    with TestClient(create_app(archive[0], None, settings=WebSettings())) as client:
        assert "2030-05-06 07:08 UTC" in client.get("/sources").text
        sources = {s["id"]: s for s in client.get("/api/sources").json()}
        assert sources["cac-test"]["next_run"].startswith("2030-05-06T07:08")
        assert sources["ftc-test"]["next_run"] is None


@pytest.mark.parametrize(
    "path",
    ["/notices/424242", "/notices/424242/diff", "/notices/1?version=7", "/platforms/nosuch",
     "/feeds/sources/nosuch.atom", "/no/such/page"],
)
def test_unknown_ids_are_404_pages(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 404
    assert "<!doctype html>" in page.text


def test_archived_markup_is_inert_on_every_page(client: TestClient, ids: dict[str, int]) -> None:
    pages = [
        client.get(f"/notices/{ids['xss']}").text,
        client.get("/search", params={"q": "decision"}).text,
        client.get("/search", params={"q": "script"}).text,
        client.get("/events").text,
        client.get(f"/notices/{ids['xss']}/diff").text,
    ]
    for html in pages:
        tags = elements(html)
        assert not [tag for tag, _ in tags if tag in ("script", "img", "iframe")]
        for _, attributes in tags:
            assert not any(name.startswith("on") for name in attributes)
            assert not any(
                (value or "").strip().lower().startswith("javascript:")
                for value in attributes.values()
            )
        # Shown as text (a search may cut it with <mark>s, so look for its pieces).
        assert "&lt;" in html and "window.__xss = 1&lt;/" in html
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in pages[0]
    notice = client.get(f"/notices/{ids['xss']}")
    assert "script-src" not in notice.headers["content-security-policy"]
    assert notice.headers["content-security-policy"].startswith("default-src 'none'")


def test_links_to_originals_are_only_http() -> None:
    assert safe_link("https://www.cac.gov.cn/a.htm") == "https://www.cac.gov.cn/a.htm"
    assert safe_link("javascript:alert(1)") is None
    assert safe_link(" JavaScript:alert(1)") is None
    assert safe_link("data:text/html,<script>") is None


def test_highlighting_trusts_no_span() -> None:
    from storage.models import Figure

    figure = Figure(start=2, end=400, value=1, unit="家", metric="m", period=None)
    inside = Figure(start=0, end=2, value=1, unit="家", metric="m", period=None)
    paragraphs = highlighted_text("ab<c\nd", [figure, inside], [])
    assert [[(s.text, s.kind) for s in p] for p in paragraphs] == [
        [("ab", "figure"), ("<c", None)],
        [("d", None)],
    ]


def test_templates_render_in_a_sandbox() -> None:
    from jinja2.exceptions import SecurityError

    assert TEMPLATES.is_safe_attribute is not None
    hostile = TEMPLATES.from_string("{{ ''.__class__.__mro__ }}")
    with pytest.raises(SecurityError):
        hostile.render()
    assert TEMPLATES.from_string("{{ t }}").render(t=XSS_TITLE).startswith("&lt;script&gt;")


def test_metric_page_lists_each_points_newest_notices_and_links_to_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    engine = open_archive(url)
    with session_factory(engine)() as session:
        build_random_archive(session, 3, notices=120)
        points = [(p.period, p.scope, [n.notice_id for n in p.notices])
                  for p in figure_series(session, "websites_summoned")]
    engine.dispose()
    assert any(len(ids) > 2 for _, _, ids in points)
    monkeypatch.setattr("web.pages.SERIES_NOTICES", 2)
    with TestClient(create_app(url, None, settings=WebSettings())) as client:
        page = client.get("/metrics/websites_summoned").text
        rows = re.findall(r'<tr id="period-([^"]+)">(.*?)</tr>', page, re.DOTALL)
        assert [period for period, _ in rows] == [period for period, _, _ in points]
        for (period, scope, ids), (_, row) in zip(points, rows, strict=True):
            listed = [int(n) for n in re.findall(r'href="/notices/(\d+)"', row)]
            assert listed == ids[:2]
            more = re.search(r'<a class="more" href="([^"]+)"', row)
            assert (more is not None) == (len(ids) > 2)
            if more is None:
                continue
            link = more.group(1).replace("&amp;", "&")
            assert urlsplit(link).path == "/metrics/websites_summoned"
            query = dict(parse_qsl(urlsplit(link).query))
            assert query == {"period": period, **({"scope": scope} if scope else {})}
            whole = client.get(link).text
            shown = re.findall(r'<tr id="period-([^"]+)">(.*?)</tr>', whole, re.DOTALL)
            assert {shown_period for shown_period, _ in shown} == {period}
            assert any([int(n) for n in re.findall(r'href="/notices/(\d+)"', shown_row)] == ids
                       for _, shown_row in shown)
        assert client.get("/metrics/websites_summoned",
                          params={"period": "2023-Q9"}).status_code == 400
