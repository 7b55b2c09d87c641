"""Debian's headless Chromium for the browser tests (tests/test_browser*.py), via Selenium:
where it lives, the skip when it is missing, and one driver per test module."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# Screenshots, kept by CI as artifacts.
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def skip_without_chromium() -> None:
    """Skip the calling test module where the browser is not installed."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(
            "Debian's chromium and chromium-driver are not installed "
            "(apt-get install chromium chromium-driver)",
            allow_module_level=True,
        )


@contextmanager
def headless_chromium(page_load_timeout: float) -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--window-size=1100,1400"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(page_load_timeout)
    try:
        yield driver
    finally:
        driver.quit()


def gone(element: WebElement) -> Callable[[WebDriver], bool]:
    """A wait condition: ``element``'s page has been replaced by the next one.

    Selenium's ``staleness_of`` knows only the stale-element error; asked while the old
    document is being torn down, ChromeDriver answers "Node with given id does not belong to
    the document" instead, which means the same.
    """

    def replaced(_: WebDriver) -> bool:
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            if "does not belong to the document" in str(exc):
                return True
            raise
        return False

    return replaced
