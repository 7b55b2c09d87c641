"""The crawl's garbage-collection threshold: raised while engines run, restored after."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.gcthresholds import GcThresholds


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*before)


def crawler(threshold: int) -> Crawler:
    return get_crawler(settings_dict={"REGWATCH_GC_THRESHOLD": threshold,
                                      "MEMUSAGE_ENABLED": False})


def test_raised_while_engines_run_and_restored_after_the_last(
    thresholds: tuple[int, int, int],
) -> None:
    first, second = crawler(10_000), crawler(10_000)
    # Signals hold their receivers weakly; the crawler's extension manager holds them in a crawl.
    extensions = [GcThresholds.from_crawler(first), GcThresholds.from_crawler(second)]
    first.signals.send_catch_log(signals.engine_started)
    assert gc.get_threshold() == (10_000, 10, 10)
    second.signals.send_catch_log(signals.engine_started)
    first.signals.send_catch_log(signals.engine_stopped)
    assert gc.get_threshold() == (10_000, 10, 10)
    second.signals.send_catch_log(signals.engine_stopped)
    assert gc.get_threshold() == thresholds
    assert len(extensions) == 2


def test_a_higher_threshold_is_kept_and_zero_leaves_pythons_own(
    thresholds: tuple[int, int, int],
) -> None:
    gc.set_threshold(50_000, 10, 10)
    running = crawler(10_000)
    extension = GcThresholds.from_crawler(running)
    running.signals.send_catch_log(signals.engine_started)
    assert gc.get_threshold() == (50_000, 10, 10)
    running.signals.send_catch_log(signals.engine_stopped)
    assert gc.get_threshold() == (50_000, 10, 10)
    assert extension.threshold == 10_000
    with pytest.raises(NotConfigured):
        GcThresholds.from_crawler(crawler(0))
