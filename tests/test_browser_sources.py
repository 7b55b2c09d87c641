"""The home page, the sources pages and the source form in a real headless Chromium (Debian's
chromium and chromedriver, via Selenium), at desktop and phone width and in dark mode.

A provincial regulator's site is served on loopback; a source reading it is added to the
archive and crawled twice by `regwatch crawl` in a child process, the site's newest notice
silently corrected in between, so the home page has figures reported and revised, platforms
named and notices new and edited. Another archive, whose only crawl failed, shows the empty
archive's guide. A person adds a source through the form (a bad selector first), tries it,
saves it, edits it, and runs a source's test. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from config import load_config
from crawler.localsite.server import serve_in_thread as serve_site
from storage.db import open_archive, session_factory
from storage.source_definitions import add_definition, definition_from_fields
from tests.browser import ARTIFACTS, gone, headless_chromium, skip_without_chromium
from tests.provincial_site import FIELDS, write_site
from web.app import create_app
from web.server import serve_in_thread
from web.settings import WebSettings

TOKEN = "browser-sources-token-0123456789"
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}

skip_without_chromium()


def crawl(database_url: str, source_id: str, config: Path | None = None,
          expect: int = 0) -> dict[str, Any]:
    arguments = [sys.executable, "-m", "cli", "--database-url", database_url]
    if config is not None:
        arguments += ["--config", str(config)]
    finished = subprocess.run([*arguments, "crawl", source_id, "--json"], check=False,
                              capture_output=True, text=True, timeout=300)
    assert finished.returncode == expect, finished.stderr[-3000:]
    return json.loads(finished.stdout)[source_id]  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Served:
    filled: str
    empty: str
    site: str


@pytest.fixture(scope="module", name="served")
def served_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    workdir = tmp_path_factory.mktemp("browser-sources")
    site_dir = write_site(workdir / "site")
    site_url, stop_site = serve_site(site_dir)
    filled_url = f"sqlite:///{workdir / 'filled.db'}"
    engine = open_archive(filled_url)
    with session_factory(engine)() as session:
        table = definition_from_fields({**FIELDS, "base_url": site_url})
        add_definition(session, load_config(None), "beijing", {**table, "revisit_after": "0s"})
        session.commit()
    engine.dispose()
    empty_config = workdir / "regwatch.toml"
    empty_config.write_text('[sources.cac-wxfb]\nbase_url = "http://127.0.0.1:9"\n'
                            "delay = 0.05\n", encoding="utf-8")
    empty_url = f"sqlite:///{workdir / 'empty.db'}"
    stops = [stop_site]
    try:
        assert crawl(filled_url, "beijing")["new"] == 3
        write_site(site_dir, edited=True)
        second = crawl(filled_url, "beijing")
        assert second["changed"] == 1, second
        assert crawl(empty_url, "cac-wxfb", empty_config, expect=1)["status"] == "failed"
        filled, stop = serve_in_thread(create_app(filled_url, load_config(None),
                                                  settings=WebSettings(token=TOKEN)))
        stops.append(stop)
        empty, stop = serve_in_thread(create_app(empty_url, load_config(empty_config),
                                                 settings=WebSettings(token=TOKEN)))
        stops.append(stop)
        yield Served(filled, empty, site_url)
    finally:
        for stop in reversed(stops):
            stop()


@pytest.fixture(scope="module", name="browser")
def browser_fixture() -> Iterator[WebDriver]:
    with headless_chromium(page_load_timeout=60) as driver:
        yield driver


@pytest.fixture(autouse=True)
def desktop_light(browser: WebDriver) -> Iterator[None]:
    yield
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def phone(driver: WebDriver) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)


def dark(driver: WebDriver) -> None:
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": "prefers-color-scheme", "value": "dark"}]})


def screenshot(driver: WebDriver, name: str) -> Path:
    """The whole page, at the width the page is shown at now."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    width = int(driver.execute_script("return window.innerWidth"))
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    metrics = {**PHONE} if width <= PHONE["width"] else {
        "width": 1100, "height": 0, "deviceScaleFactor": 1, "mobile": False}
    metrics["height"] = min(max(height, 600), 6000)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    assert driver.get_screenshot_as_file(str(path))
    return path


def no_page_overflow(driver: WebDriver) -> None:
    """Nothing wider than the screen: wide tables scroll inside their own box."""
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than the screen"


def no_script_ran(driver: WebDriver) -> None:
    assert driver.execute_script("return window.__xss === undefined")


def text_of(driver: WebDriver, css: str) -> str:
    return str(driver.find_element(By.CSS_SELECTOR, css).text)


def test_home_page_shows_recent_changes_filters_and_fits_a_phone_in_dark_mode(
    browser: WebDriver, served: Served
) -> None:
    browser.get(served.filled + "/")
    changes = text_of(browser, "#changes")
    # The second crawl's changes; the first crawl's back catalogue is its baseline.
    assert "figure revised" in changes and "notice edited" in changes
    assert "figure reported" not in changes
    screenshot(browser, "home")
    browser.find_element(By.CSS_SELECTOR, "#filters input[name='baseline']").click()
    everything = submit(browser, "#filters button[type=submit]", "#changes")
    assert "baseline=1" in browser.current_url
    assert "figure reported" in everything and "new notice" in everything
    assert "baseline" in everything and "1,216" in everything
    screenshot(browser, "home-with-baseline")
    browser.get(served.filled + "/")

    browser.find_element(By.CSS_SELECTOR, "#kind option[value='figure_changed']").click()
    filtered = submit(browser, "#filters button[type=submit]", "#changes")
    assert "kind=figure_changed" in browser.current_url
    assert "figure revised" in filtered and "new notice" not in filtered
    screenshot(browser, "home-filtered")

    phone(browser)
    dark(browser)
    browser.get(served.filled + "/")
    no_page_overflow(browser)
    background = browser.execute_script(
        "return getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(20, 23, 28)", background
    screenshot(browser, "home-phone-dark")
    no_script_ran(browser)


def test_empty_home_page_says_why_and_what_to_do(browser: WebDriver, served: Served) -> None:
    browser.get(served.empty + "/")
    empty = text_of(browser, "#empty")
    assert "The archive is empty" in empty
    assert text_of(browser, "#demo-command") == "regwatch demo"
    health = text_of(browser, "#health")
    assert "cac-wxfb" in health and "failed" in health and "robots" in health
    assert "never crawled" in health
    screenshot(browser, "home-empty")
    phone(browser)
    browser.get(served.empty + "/")
    no_page_overflow(browser)
    screenshot(browser, "home-empty-phone")


def wait_for(driver: WebDriver, css: str) -> str:
    """The text of what ``css`` finds once the page after a form's submission shows it (a
    trial fetches a site first)."""
    found = WebDriverWait(driver, 120).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css)))
    return str(found.text)


def submit(driver: WebDriver, button: str, then: str) -> str:
    """Press the button ``button`` (CSS), wait for the next page to replace this one and
    show ``then`` (CSS); its text."""
    old_page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, button).click()
    WebDriverWait(driver, 120).until(gone(old_page))
    return wait_for(driver, then)


def fill(driver: WebDriver, values: dict[str, str]) -> None:
    for name, value in values.items():
        element = driver.find_element(By.NAME, name)
        if element.get_attribute("type") == "checkbox":
            if (value == "on") != element.is_selected():
                element.click()
            continue
        if element.tag_name == "select":
            element.find_element(By.CSS_SELECTOR, f"option[value='{value}']").click()
            continue
        element.clear()
        element.send_keys(value)


def test_adding_and_editing_a_source_through_the_form(browser: WebDriver, served: Served) -> None:
    browser.get(served.filled + "/sources")
    submit(browser, "a[href='/sources/new']", "#source-form")
    assert browser.current_url.endswith("/sources/new")
    fill(browser, {**FIELDS, "id": "beijing-2", "base_url": served.site,
                   "list_items": "ul.list li[[[", "token": TOKEN})
    error = submit(browser, "#save", "#error")
    assert "items: selector 'ul.list li[[[' is not valid" in error
    assert browser.find_element(By.NAME, "name").get_attribute("value") == FIELDS["name"]
    screenshot(browser, "source-form-error")

    fill(browser, {"list_items": "ul.list li", "token": TOKEN})
    trial = submit(browser, "#try", "#trial, #error")
    assert "(would archive)" in trial and "北京网信办通报2024年网络执法工作情况" in trial
    screenshot(browser, "source-form-trial")

    fill(browser, {"token": TOKEN})
    assert "beijing-2 was added" in submit(browser, "#save", "#message")
    assert browser.current_url.endswith("/sources?done=added&source=beijing-2")
    row = text_of(browser, "#source-beijing-2")
    assert "archive" in row and "every 1h" in row and "never run" in row
    screenshot(browser, "sources-added")

    submit(browser, "#source-beijing-2 a[href$='/edit']", "#source-form")
    assert browser.find_element(By.ID, "id").get_attribute("readonly")
    fill(browser, {"interval": "6h", "token": TOKEN})
    screenshot(browser, "source-form-edit")
    assert "beijing-2 was changed" in submit(browser, "#save", "#message")
    assert "every 6h" in text_of(browser, "#source-beijing-2")

    phone(browser)
    dark(browser)
    browser.get(served.filled + "/sources")
    no_page_overflow(browser)
    screenshot(browser, "sources-phone-dark")
    browser.get(served.filled + "/sources/beijing-2/edit")
    no_page_overflow(browser)
    screenshot(browser, "source-form-phone-dark")


def test_the_source_test_page_shows_what_each_selector_matched(
    browser: WebDriver, served: Served
) -> None:
    browser.get(served.filled + "/sources/beijing/test")
    fill(browser, {"token": TOKEN})
    trial = submit(browser, "#run", "#trial, #error")
    assert "(would archive)" in trial and "3 entries" in trial
    assert "#zoom" in trial and "1,216" in trial
    archived = text_of(browser, "#archived")
    assert "2025-03-05T10:00:00+08:00" in archived
    screenshot(browser, "source-test")
    phone(browser)
    browser.get(served.filled + "/sources/beijing/history")
    assert "notice_edited" in text_of(browser, "#events")
    no_page_overflow(browser)
    screenshot(browser, "source-history-phone")


@pytest.mark.parametrize("path", ["/metrics/websites_summoned", "/metrics", "/search?q=约谈",
                                  "/events", "/platforms/douyin", "/notices/1",
                                  "/notices/1/diff"])
def test_the_other_pages_fit_a_phone_in_dark_mode(
    browser: WebDriver, served: Served, path: str
) -> None:
    phone(browser)
    dark(browser)
    browser.get(served.filled + path)
    assert "Not found" not in browser.title
    no_page_overflow(browser)
    name = path.strip("/").split("?")[0].replace("/", "-")
    screenshot(browser, f"{name}-phone-dark")
