"""Pure comparisons: versions of a notice, periods, first-time metrics and platforms."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from diffing.compare import (
    compare_periods,
    diff_figures,
    diff_platforms,
    metric_events,
    platform_appearances,
    platform_key,
    text_diff,
)
from diffing.extract import extract
from diffing.figures import Figure

V2023 = (
    "2023年，全国网信系统全年共约谈网站10646家，责令453家网站暂停功能或更新，下架移动应用程序259款，"
    "关停小程序119款。针对百度、夸克浏览器等平台的问题，依法约谈其负责人。"
)
V2022 = (
    "2022年，全国网信系统全年共约谈网站8608家，给予警告6767家，责令621家网站暂停功能或更新，"
    "下架移动应用程序420款。针对百度、微博等平台的问题，依法约谈其负责人。"
)
V2021 = "2021年，全国网信系统全年共约谈网站3491家，暂停更新网站77家。依法约谈微博负责人。"


def figure(metric: str | None, value: int | Decimal, period: str | None, scope: str | None = "national",
           unit: str = "家", start: int = 0) -> Figure:
    return Figure(metric=metric, value=value, unit=unit, currency=None, period=period, scope=scope,
                  start=start, end=start + 5, text="x", sentence="x", extractor_version="test")


# --- versions ------------------------------------------------------------------------------


def test_identical_versions_have_no_changes() -> None:
    found = extract(V2023)
    assert diff_figures(found.figures, found.figures) == []
    assert diff_platforms(found.platforms, found.platforms) == []
    assert text_diff(V2023, V2023) == ""


def test_a_silently_edited_figure_is_one_change() -> None:
    old = extract(V2023, published=date(2024, 1, 31))
    new = extract(V2023.replace("259款", "261款"), published=date(2024, 1, 31))
    changes = diff_figures(old.figures, new.figures)
    assert len(changes) == 1
    [change] = changes
    assert (change.kind, change.metric, change.period, change.scope) == ("edited", "apps_removed", "2023", "national")
    assert change.old is not None and change.new is not None
    assert (change.old.value, change.new.value) == (259, 261)


def test_added_and_removed_figures() -> None:
    old = extract(V2023).figures
    new = extract(V2023.replace("关停小程序119款。", "关闭违法网站14624家。")).figures
    kinds = sorted((c.kind, c.metric) for c in diff_figures(old, new))
    assert kinds == [("added", "websites_closed"), ("removed", "mini_programs_closed")]


def test_equal_values_pair_before_edits() -> None:
    old = [figure(None, 5, "2023", unit="条", start=0), figure(None, 7, "2023", unit="条", start=10)]
    new = [figure(None, 7, "2023", unit="条", start=0), figure(None, 5, "2023", unit="条", start=10)]
    assert diff_figures(old, new) == []
    changes = diff_figures(old, new + [figure(None, 9, "2023", unit="条", start=20)])
    assert [(c.kind, c.new.value if c.new else None) for c in changes] == [("added", 9)]


def test_platform_changes() -> None:
    old = extract("依法约谈百度、微博负责人。关闭“绿色直播”等网站。").platforms
    new = extract("依法约谈百度、夸克浏览器负责人，并处罚款。關閉「綠色直播」等網站。").platforms
    changes = {(c.kind, c.key): (c.old_actions, c.new_actions) for c in diff_platforms(old, new)}
    assert changes == {
        ("actions_changed", "baidu"): (("summoned",), ("fined", "summoned")),
        ("removed", "weibo"): (("summoned",), ()),
        ("added", "quark"): ((), ("fined", "summoned")),
    }


def test_platform_key_folds_scripts_and_case() -> None:
    [simplified] = extract("关闭“绿色直播”等网站").platforms
    [traditional] = extract("關閉「綠色直播」等網站").platforms
    assert platform_key(simplified) == platform_key(traditional) == "name:绿色直播"
    [english] = extract('"Green Live" and other websites were closed.').platforms
    assert platform_key(english) == "name:green live"


def test_text_diff() -> None:
    diff = text_diff("第一段\n约谈网站259家\n", "第一段\n约谈网站261家\n", old_label="version 1",
                     new_label="version 2")
    assert diff.startswith("--- version 1\n+++ version 2\n")
    assert "-约谈网站259家\n" in diff and "+约谈网站261家\n" in diff and " 第一段\n" in diff
    assert text_diff("a", "b").endswith("+b\n")


# --- periods -------------------------------------------------------------------------------


def test_year_on_year_from_real_extractions() -> None:
    history = [(f, date(2023, 2, 1)) for f in extract(V2022).figures]
    history += [(f, date(2022, 1, 29)) for f in extract(V2021).figures]
    current = next(f for f in extract(V2023).figures if f.metric == "websites_summoned")
    comparison = compare_periods(current, history)
    assert comparison is not None
    assert (comparison.period, comparison.previous_period) == ("2023", "2022")
    assert (comparison.value, comparison.previous_value, comparison.change) == (10646, 8608, 2038)
    assert comparison.percent == Decimal("23.7")
    assert comparison.previous_published == date(2023, 2, 1)


@pytest.mark.parametrize(("current", "history", "expected"), [
    # Half on half means the same half of the previous year, never a whole year nor the other half.
    (figure("websites_summoned", 2345, "2023-H1"),
     [(figure("websites_summoned", 8608, "2022"), date(2023, 1, 31)),
      (figure("websites_summoned", 4120, "2022-H2"), date(2023, 1, 15)),
      (figure("websites_summoned", 2000, "2022-H1"), date(2022, 7, 20))],
     ("2022-H1", 345, Decimal("17.3"))),
    (figure("websites_summoned", 2345, "2023-H1"),
     [(figure("websites_summoned", 8608, "2022"), date(2023, 1, 31))],
     None),
    (figure("websites_summoned", 8608, "2022"),
     [(figure("websites_summoned", 2000, "2022-H1"), date(2022, 7, 20))],
     None),
    (figure("warnings", 321, "2024-Q1"),
     [(figure("warnings", 400, "2023-Q1"), date(2023, 4, 20)),
      (figure("warnings", 999, "2023-Q4"), date(2024, 1, 20))],
     ("2023-Q1", -79, Decimal("-19.8"))),
    # Another scope, another unit or another metric is not comparable.
    (figure("websites_summoned", 45, "2023", scope="province:beijing"),
     [(figure("websites_summoned", 8608, "2022"), date(2023, 1, 31))],
     None),
    (figure(None, 100, "2023", unit="条"), [(figure(None, 50, "2022", unit="条"), date(2023, 1, 31))], None),
    (figure("websites_summoned", 10, None), [(figure("websites_summoned", 5, "2022"), date(2023, 1, 31))], None),
    # No 2022 figure: the latest earlier year is compared, and says so.
    (figure("websites_summoned", 10646, "2023"),
     [(figure("websites_summoned", 3491, "2021"), date(2022, 1, 29))],
     ("2021", 7155, Decimal("205.0"))),
    # A later correction of the same period wins.
    (figure("apps_removed", 300, "2023", unit="款"),
     [(figure("apps_removed", 259, "2022", unit="款"), date(2023, 1, 31)),
      (figure("apps_removed", 261, "2022", unit="款"), date(2023, 3, 1))],
     ("2022", 39, Decimal("14.9"))),
    (figure("apps_removed", 5, "2023", unit="款"),
     [(figure("apps_removed", 0, "2022", unit="款"), date(2023, 1, 31))],
     ("2022", 5, None)),
])
def test_compare_periods(current: Figure, history: list[tuple[Figure, date]],
                         expected: tuple[str, int, Decimal | None] | None) -> None:
    comparison = compare_periods(current, history)
    if expected is None:
        assert comparison is None
        return
    assert comparison is not None
    assert (comparison.previous_period, comparison.change, comparison.percent) == expected


def test_money_comparisons_stay_exact() -> None:
    current = replace(figure("fine_amount", Decimal(1500000), "2023", unit="CNY"), currency="CNY")
    earlier = replace(figure("fine_amount", Decimal(500000), "2022", unit="CNY"), currency="CNY")
    comparison = compare_periods(current, [(earlier, date(2023, 1, 1))])
    assert comparison is not None
    assert comparison.change == Decimal(1000000) and comparison.percent == Decimal("200.0")


# --- first times ---------------------------------------------------------------------------


def test_metric_events() -> None:
    earlier = [(date(2022, 1, 29), extract(V2021).figures), (date(2023, 2, 1), extract(V2022).figures)]
    events = {(e.kind, e.metric) for e in metric_events(extract(V2023).figures, earlier)}
    assert events == {
        ("first_reported", "mini_programs_closed"),
        ("no_longer_reported", "warnings"),
    }
    assert {(e.kind, e.metric) for e in metric_events(extract(V2021).figures, [])} == {
        ("first_reported", "websites_summoned"), ("first_reported", "suspended"),
    }


def test_no_longer_reported_looks_at_the_same_kind_of_period() -> None:
    half = [figure("warnings", 10, "2023-H1")]
    year = [figure("websites_summoned", 10, "2022"), figure("warnings", 5, "2022")]
    events = metric_events([figure("websites_summoned", 12, "2023")],
                           [(date(2023, 1, 31), year), (date(2023, 7, 20), half)])
    assert [(e.kind, e.metric, e.figure.value) for e in events] == [("no_longer_reported", "warnings", 5)]


def test_platform_appearances() -> None:
    earlier = [(date(2022, 1, 29), extract(V2021).platforms), (date(2023, 2, 1), extract(V2022).platforms)]
    appearances = {a.key: a for a in platform_appearances(extract(V2023).platforms, earlier)}
    assert appearances["quark"].kind == "first_time" and appearances["quark"].times_before == 0
    assert appearances["baidu"].kind == "repeat" and appearances["baidu"].times_before == 1
    assert appearances["baidu"].first_seen == appearances["baidu"].last_seen == date(2023, 2, 1)
    weibo = platform_appearances(extract("依法约谈微博负责人。").platforms, earlier)
    assert (weibo[0].times_before, weibo[0].first_seen, weibo[0].last_seen) == (2, date(2022, 1, 29), date(2023, 2, 1))
