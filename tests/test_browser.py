"""The pages in a real headless Chromium (Debian's chromium and chromedriver, via Selenium).

The archive is made the way production makes it: the bundled CAC copy, with a hostile notice
added, is served on loopback and crawled by `regwatch crawl` in a child process; the demo's
change (a figure edited from 259 to 261) is then applied and a second crawl is asked for
through the API with its token. A person's path is walked: search, open a notice, see the
diff, see the chart; screenshots go to test-artifacts/. The hostile notice must run no script
anywhere: not on its page, in search results, on the events page, nor in the feed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy import func, select

from config import load_config
from crawler.localsite.demo_edits import LIST_PAGE, apply_demo_change, copy_demo_site
from crawler.localsite.server import serve_in_thread as serve_site
from storage.db import open_archive, session_factory
from storage.models import ChangeEvent, Figure, NoticeVersion
from tests.browser import ARTIFACTS, gone, headless_chromium, skip_without_chromium
from tests.query_fixtures import record_findings
from web.app import create_app
from web.server import serve_in_thread
from web.settings import WebSettings

SOURCE = "cac-hlwnrgl"
TOKEN = "browser-test-token-0123456789"

skip_without_chromium()

HOSTILE_PATH = "2025-10/09/c_1760000000000001.htm"
HOSTILE_TITLE = '<script>window.__xss=1</script>网信部门通报 <img src=x onerror="window.__xss=1">'


def _hostile_article(template: str) -> str:
    """A CAC article page whose title and body carry script payloads, written the way a
    compromised or careless CMS would serve them."""
    escaped_title = (
        "&lt;script&gt;window.__xss=1&lt;/script&gt;网信部门通报 "
        "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;"
    )
    start = template.index("<DIV id=BodyLabel>") + len("<DIV id=BodyLabel>")
    end = template.index("</DIV>", start)
    body = (
        '\n<p>网信部门依法约谈某网站平台负责人。<script>window.__xss=1</script></p>\n'
        '<p>详情<a href="javascript:window.__xss=1">点击查看</a>'
        '<img src=x onerror="window.__xss=1">。</p>\n'
        "<p>&lt;script&gt;window.__xss=1&lt;/script&gt; 应当作为文字显示。</p>\n"
    )
    page = template[:start] + body + template[end:]
    page = page.replace("网信部门依法约谈处置新浪微博平台", escaped_title)
    return page.replace("2025年09月22日 19:30", "2025年10月09日 09:00")


def add_hostile_notice(site_dir: Path) -> None:
    template = (site_dir / "2025-09/22/c_1758569400974454.htm").read_text(encoding="utf-8")
    target = site_dir / HOSTILE_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_hostile_article(template), encoding="utf-8")
    list_page = site_dir / LIST_PAGE
    page = list_page.read_text(encoding="utf-8")
    anchor = '<ul class="list clearfix" id="list">\n'
    item = (
        f'<li><h5><a href=//www.cac.gov.cn/{HOSTILE_PATH} target=_blank '
        'title="&lt;img src=x onerror=window.__xss=1&gt;网信部门通报">'
        "&lt;img src=x onerror=window.__xss=1&gt;网信部门通报</a></h5>\n"
        '<div class="times">2025-10-09</div></li>\n'
    )
    list_page.write_text(page.replace(anchor, anchor + item, 1), encoding="utf-8")


def crawl(workdir: Path, database_url: str) -> dict[str, Any]:
    finished = subprocess.run(
        [sys.executable, "-m", "cli", "--config", str(workdir / "regwatch.toml"),
         "--database-url", database_url, "crawl", SOURCE, "--json"],
        check=False, capture_output=True, text=True, timeout=300, cwd=workdir,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    return json.loads(finished.stdout)[SOURCE]  # type: ignore[no-any-return]


def add_missing_findings(database_url: str) -> None:
    """Figures, mentions and events for versions the crawl left without (the crawl pipeline
    does not write them yet); versions that have them are left alone."""
    engine = open_archive(database_url)
    try:
        with session_factory(engine)() as session:
            for version in session.scalars(select(NoticeVersion).order_by(NoticeVersion.id)):
                has_events = session.scalar(
                    select(func.count()).where(ChangeEvent.version_id == version.id)
                )
                has_figures = session.scalar(
                    select(func.count()).where(Figure.version_id == version.id)
                )
                if not has_events and not has_figures:
                    record_findings(session, version, version.notice.source_id)
            session.commit()
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Served:
    base_url: str
    database_url: str


@pytest.fixture(scope="module", name="served")
def served_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    workdir = tmp_path_factory.mktemp("browser")
    site_dir = copy_demo_site(workdir / "site")
    site_url, stop_site = serve_site(site_dir, "cac")
    database_url = f"sqlite:///{workdir / 'archive.db'}"
    (workdir / "regwatch.toml").write_text(
        f'[sources.{SOURCE}]\nbase_url = "{site_url}"\ndelay = 0.05\nrevisit_after = "0s"\n',
        encoding="utf-8",
    )
    try:
        first = crawl(workdir, database_url)
        assert first["status"] == "ok" and first["new"] >= 6, first
        apply_demo_change(site_dir)
        # Published after the first crawl, so its events are among the newest the feeds show
        # (they list the latest fifty; the first crawl alone writes more).
        add_hostile_notice(site_dir)
        config = load_config(workdir / "regwatch.toml")
        app = create_app(database_url, config, settings=WebSettings(token=TOKEN))
        base_url, stop_web = serve_in_thread(app)
        try:
            # The second crawl is asked for through the API, as an operator would.
            request = urllib.request.Request(
                f"{base_url}/api/sources/{SOURCE}/crawl", method="POST",
                headers={"Authorization": f"Bearer {TOKEN}"},
            )
            with urllib.request.urlopen(request, timeout=30) as answer:
                assert answer.status == 202
            assert app.state.crawls.wait(SOURCE, timeout=300)
            outcome = app.state.crawls.outcomes[SOURCE]
            assert outcome.status == "ok" and outcome.counts["changed"] >= 1, outcome
            add_missing_findings(database_url)
            yield Served(base_url, database_url)
        finally:
            stop_web()
    finally:
        stop_site()


@pytest.fixture(scope="module", name="browser")
def browser_fixture() -> Iterator[WebDriver]:
    with headless_chromium(page_load_timeout=30) as driver:
        yield driver


def screenshot(driver: WebDriver, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # The whole page, not just the window: resize to the document's height first.
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1100, min(max(int(height) + 40, 600), 6000))
    assert driver.get_screenshot_as_file(str(path))
    return path


def follow(driver: WebDriver, element: WebElement) -> None:
    """Click a link or submit button and wait until the next page has replaced this one.

    A click returns before the navigation it starts has ended: elements looked up at once can
    come from the page being left, and go stale under the caller.
    """
    leaving = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 30).until(gone(leaving))
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


def api(served: Served, path: str, **params: str) -> Any:
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    with urllib.request.urlopen(f"{served.base_url}{path}{query}", timeout=30) as answer:
        return json.load(answer)


def assert_no_script_ran(driver: WebDriver) -> None:
    assert driver.execute_script("return typeof window.__xss") == "undefined"
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018  (reading it is the check)
    assert driver.find_elements(By.CSS_SELECTOR, "main script, main img, main iframe") == []
    assert driver.find_elements(By.CSS_SELECTOR, "a[href^='javascript' i]") == []


def test_search_open_a_notice_and_see_its_diff(served: Served, browser: WebDriver) -> None:
    browser.get(f"{served.base_url}/search")
    box = browser.find_element(By.ID, "q")
    box.send_keys("約談")  # Traditional: the archive is Simplified
    follow(browser, browser.find_element(By.ID, "search-button"))
    results = browser.find_elements(By.CSS_SELECTOR, "#results > li")
    assert len(results) >= 3
    assert all(r.find_elements(By.TAG_NAME, "mark") for r in results)
    screenshot(browser, "search")

    summary = next(
        result for result in results
        if "2023" in result.find_element(By.CSS_SELECTOR, "a.title").text
        and "执法" in result.find_element(By.CSS_SELECTOR, "a.title").text
    )
    follow(browser, summary.find_element(By.CSS_SELECTOR, "a.title"))
    assert browser.find_element(By.ID, "notice-title").text
    assert "261款" in browser.find_element(By.ID, "notice-text").text
    figures = browser.find_elements(By.CSS_SELECTOR, "#notice-text mark.figure")
    assert figures, "the figures of the notice are highlighted"
    screenshot(browser, "notice")

    follow(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "changes from 1"))
    replaced = browser.find_elements(By.CSS_SELECTOR, "#diff tr.replace")
    assert replaced
    assert any("259款" in row.find_element(By.CSS_SELECTOR, "td.old").text
               and "261款" in row.find_element(By.CSS_SELECTOR, "td.new").text
               for row in replaced)
    changes = browser.find_element(By.ID, "figure-changes").text
    assert "edited" in changes and "259" in changes and "261" in changes
    screenshot(browser, "diff")


def test_the_metric_chart(served: Served, browser: WebDriver) -> None:
    metrics = api(served, "/api/figures")["metrics"]
    metric = max(metrics, key=lambda m: m["figures"])["metric"]
    series = api(served, "/api/figures", metric=metric)["series"]
    browser.get(f"{served.base_url}/metrics")
    follow(browser, browser.find_element(By.CSS_SELECTOR, f'#metrics a[href="/metrics/{metric}"]'))
    chart = browser.find_element(By.ID, "chart")
    # One chart per unit, the figures dated by their notices apart: a bar per point in all.
    bars = browser.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar")
    assert len(bars) == len(series) >= 1
    assert chart.size["width"] > 300 and chart.size["height"] > 100
    assert all(float(bar.get_attribute("height") or 0) >= 0 for bar in bars)
    rows = browser.find_elements(By.CSS_SELECTOR, "#series tbody tr")
    assert len(rows) == len(series)
    screenshot(browser, "metric")


def test_hostile_content_runs_no_script(served: Served, browser: WebDriver) -> None:
    found = api(served, "/api/notices", q="应当作为文字显示")["notices"]
    assert len(found) == 1
    notice_id = found[0]["id"]
    stored = api(served, f"/api/notices/{notice_id}")
    # The crawler drops tag-like text from titles; the body keeps the escaped payload as text.
    assert "window.__xss=1" in stored["title"]
    assert "<script>window.__xss=1</script>" in stored["text"]

    browser.get(f"{served.base_url}/notices/{notice_id}")
    assert_no_script_ran(browser)
    assert browser.find_element(By.ID, "notice-title").text == stored["title"].strip()
    text = browser.find_element(By.ID, "notice-text").text
    assert "<script>window.__xss=1</script> 应当作为文字显示" in text
    assert "点击查看" in text
    screenshot(browser, "hostile-notice")

    for path in (f"/search?q={urllib.parse.quote('网信部门通报')}", "/search?q=script",
                 "/events", f"/notices/{notice_id}/diff", "/platforms", "/sources"):
        browser.get(f"{served.base_url}{path}")
        assert_no_script_ran(browser)
    screenshot(browser, "sources")


def test_hostile_content_is_text_in_the_feed(served: Served) -> None:
    with urllib.request.urlopen(f"{served.base_url}/feeds/sources/{SOURCE}.atom") as answer:
        raw = answer.read()
    root = ET.fromstring(raw)
    assert not [e for e in root.iter() if e.tag.split("}")[-1] in ("script", "img", "a")]
    titles = [e.text or "" for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    # The crawled title (its tag-like text dropped by the crawler) is an entry title, as text.
    assert any("window.__xss=1网信部门通报" in title for title in titles)
    assert b"<script" not in raw and b"<img" not in raw


# The listener is added before any script of the page runs, and is not subject to its policy.
RECORD_CSP_VIOLATIONS = (
    "window.__cspViolations = [];"
    "document.addEventListener('securitypolicyviolation', function (e) {"
    "  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI); });"
)


@pytest.mark.parametrize("path", ["/docs", "/api/docs"])
def test_the_api_docs_load_under_the_apps_own_policy(
    tmp_path: Path, browser: WebDriver, path: str
) -> None:
    app = create_app(f"sqlite:///{tmp_path / 'archive.db'}", None, settings=WebSettings())
    base_url, stop_web = serve_in_thread(app)
    recorder = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                       {"source": RECORD_CSP_VIOLATIONS})
    try:
        browser.get(f"{base_url}{path}")
        WebDriverWait(browser, 30).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, ".opblock-summary-path"))
        shown = {e.text.replace("\u200b", "")
                 for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}
        assert {"/api/notices", "/api/notices/{notice_id}"} <= shown, shown
        assert browser.execute_script("return window.__cspViolations") == []
        screenshot(browser, "api-docs")
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument",
                                {"identifier": recorder["identifier"]})
        stop_web()


def test_a_revised_figure_is_marked_in_the_series_chart_and_notice(
    served: Served, browser: WebDriver
) -> None:
    series = api(served, "/api/figures", metric="apps_removed")["series"]
    revised = [point for point in series if point["revised_from"] is not None]
    assert [(p["value"], p["revised_from"]) for p in revised] == [("261", "259")]
    assert revised[0]["revised_at"]
    browser.get(f"{served.base_url}/metrics/apps_removed")
    row = browser.find_element(By.CSS_SELECTOR, "#series tr.revised")
    assert "261" in row.text and "revised from 259" in row.text
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar.revised")
    screenshot(browser, "metric-revised")

    edited = api(served, "/api/events", kind="notice_edited")
    notice_id = next(event["notice_id"] for event in edited
                     if "259" in json.dumps(event, ensure_ascii=False))
    browser.get(f"{served.base_url}/notices/{notice_id}")
    note = browser.find_element(By.ID, "edited")
    assert "Edited" in note.text and note.is_displayed()
    assert "revised from 259" in browser.find_element(By.ID, "figures").text
    screenshot(browser, "notice-edited")
    follow(browser, browser.find_element(By.ID, "edited-diff"))
    changes = browser.find_element(By.ID, "figure-changes").text
    assert "259" in changes and "261" in changes


def test_figures_with_no_period_are_dated_points_and_every_count_matches(
    served: Served, browser: WebDriver
) -> None:
    metrics = api(served, "/api/figures")["metrics"]
    dated = {m["metric"]: [p for p in api(served, "/api/figures", metric=m["metric"])["series"]
                           if p["as_of"]] for m in metrics}
    # The demo's newest bulletin (the first three quarters of a year) states no period.
    metric = max(dated, key=lambda name: len(dated[name]))
    assert dated[metric], "no figure dated by its notice"
    browser.get(f"{served.base_url}/metrics")
    # Each entry names its metric for people and shows its id in a <code>.
    listed = {item.find_element(By.TAG_NAME, "code").text: item.text
              for item in browser.find_elements(By.CSS_SELECTOR, "#metrics li")}
    assert set(listed) == {m["metric"] for m in metrics}
    for entry in metrics:
        browser.get(f"{served.base_url}/metrics/{entry['metric']}")
        count = browser.find_element(By.ID, "figure-count").text
        assert count.startswith(f"{entry['figures']:,} figure"), (entry, count)
        assert f" · {entry['figures']:,} figure" in listed[entry["metric"]]
        rows = browser.find_elements(By.CSS_SELECTOR, "#series tbody tr")
        series = api(served, "/api/figures", metric=entry["metric"])["series"]
        assert len(rows) == len(series)
        # No axis label is cut off: each lies within its chart's drawing.
        assert browser.execute_script("""
            return [...document.querySelectorAll('svg.chart')].every(svg => {
              const box = svg.getBoundingClientRect();
              return [...svg.querySelectorAll('text.axis')].every(label => {
                const r = label.getBoundingClientRect();
                return r.left >= box.left - 0.5 && r.right <= box.right + 0.5;
              });
            });""") is True, entry
    browser.get(f"{served.base_url}/metrics/{metric}")
    labels = [row.find_element(By.TAG_NAME, "td").text
              for row in browser.find_elements(By.CSS_SELECTOR, "#series tbody tr")]
    assert [label for label in labels if label.startswith("as of ")] == [
        p["label"] for p in dated[metric]]
    screenshot(browser, "metric-dated")


def test_the_events_page_leaves_the_first_crawl_out_until_asked(
    served: Served, browser: WebDriver
) -> None:
    browser.get(f"{served.base_url}/events")
    shown = browser.find_elements(By.CSS_SELECTOR, "#events li[id^='event-']")
    assert shown, "the second crawl's events are listed"
    assert browser.find_elements(By.CSS_SELECTOR, "#events .baseline") == []
    browser.find_element(By.ID, "baseline").click()
    follow(browser, browser.find_element(By.CSS_SELECTOR, "form.filters button"))
    assert "baseline=1" in browser.current_url
    assert browser.find_elements(By.CSS_SELECTOR, "#events .baseline")
    screenshot(browser, "events-baseline")
