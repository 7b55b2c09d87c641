"""Event texts in good Chinese and English (issue #17): metric names from the catalogue,
numbers with separators, periods in words."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from diffing import compare
from diffing.events import EventWording
from diffing.figures import Figure, load_metrics
from diffing.period import period_words


class Collected(EventWording):
    def __init__(self, title: str = "通报", version_number: int = 2) -> None:
        super().__init__(title, version_number)
        self.events: list[tuple[str, str, str | None]] = []

    def add(self, kind: str, subject: str | None, summary_en: str, summary_zh: str | None,
            payload: dict[str, Any]) -> None:
        self.events.append((kind, summary_en, summary_zh))


def figure(metric: str | None, value: int | Decimal, unit: str, period: str | None,
           currency: str | None = None) -> Figure:
    return Figure(metric=metric, value=value, unit=unit, currency=currency, period=period,
                  scope=None, start=0, end=1, text="x", sentence="x", extractor_version="t")


@pytest.mark.parametrize(("written", "english", "chinese"), [
    ("2023", "2023", "2023年"),
    ("2023-H1", "the first half of 2023", "2023年上半年"),
    ("2023-H2", "the second half of 2023", "2023年下半年"),
    ("2023-Q3", "the third quarter of 2023", "2023年第三季度"),
    (None, None, None),
])
def test_periods_in_words(written: str | None, english: str | None, chinese: str | None) -> None:
    assert period_words(written) == english
    assert period_words(written, "zh") == chinese


def test_every_metric_has_an_english_and_a_chinese_name() -> None:
    catalogue = load_metrics()
    for metric in catalogue.metrics:
        assert metric.name_en and metric.name_zh, metric.id
        assert metric.name_en != metric.id and "_" not in metric.name_zh
    assert catalogue.name("apps_removed", "zh") == "下架移动应用"
    assert catalogue.name("nosuch") == "nosuch"


def test_a_figure_without_a_period_reads_as_chinese_and_english() -> None:
    wording = Collected()
    wording.figure_reported(figure("accounts_closed", 98560, "个", None), None)
    ((_, en, zh),) = wording.events
    assert zh == "关闭账号98,560个（未注明时期）"
    assert en == "Accounts closed: 98,560 (period not stated)"
    assert "accounts_closed" not in en + zh and "unstated" not in en


def test_a_half_year_compared_with_the_one_before() -> None:
    wording = Collected()
    comparison = compare.PeriodComparison(
        metric="websites_summoned", scope=None, unit="家", period="2024-H1",
        previous_period="2023-H1", value=4186, previous_value=3900, change=286,
        percent=Decimal("7.3"), previous_published=date(2023, 7, 20),
        previous=figure("websites_summoned", 3900, "家", "2023-H1"))
    wording.figure_reported(figure("websites_summoned", 4186, "家", "2024-H1"), comparison)
    ((_, en, zh),) = wording.events
    assert en == ("Websites and platforms summoned for talks: 4,186 in the first half of 2024, "
                  "up 7.3% from 3,900 in the first half of 2023")
    assert zh == "2024年上半年约谈网站平台4,186家，较2023年上半年（3,900家）增长7.3%"


def test_an_edited_figure_names_its_metric_in_both_languages() -> None:
    wording = Collected("关于小程序的通报")
    old, new = (figure("mini_programs_closed", v, "个", "2023-Q3") for v in (1200, 1300))
    wording.figure_changed(compare.FigureChange("edited", "mini_programs_closed", None,
                                                "2023-Q3", "个", old, new))
    fine_old, fine_new = (figure("fine_amount", Decimal(v), "CNY", "2023", "CNY")
                          for v in ("500000", "5000000"))
    wording.figure_changed(compare.FigureChange("edited", "fine_amount", None, "2023", "CNY",
                                                fine_old, fine_new))
    (_, en, zh), (_, fine_en, fine_zh) = wording.events
    assert zh == "“关于小程序的通报”中的数字被修改：2023年第三季度关闭小程序由1,200个改为1,300个"
    assert en == ("Figure silently edited in “关于小程序的通报”: mini programs closed in the third "
                  "quarter of 2023, from 1,200 to 1,300")
    assert fine_en.endswith("fines (amount) in 2023, from CNY 500,000 to CNY 5,000,000")
    assert "money amount, with its currency" not in fine_en
    assert fine_zh.endswith("2023年罚款金额由500,000元改为5,000,000元")


def test_a_metric_first_and_no_longer_reported() -> None:
    wording = Collected()
    wording.metric_event(compare.MetricEvent(
        "first_reported", "apps_removed", None, figure("apps_removed", 259, "款", "2023")))
    wording.metric_event(compare.MetricEvent(
        "no_longer_reported", "warnings", None, figure("warnings", 12, "家", "2022-H2")))
    (_, new_en, new_zh), (_, gone_en, gone_zh) = wording.events
    assert new_en == "Reported for the first time: apps taken off app stores (259 in 2023)"
    assert new_zh == "首次公布：2023年下架移动应用259款"
    assert gone_en == ("No longer reported: websites and platforms warned (last 12 in the "
                       "second half of 2022)")
    assert gone_zh == "不再公布：警告网站平台（上次为2022年下半年12家）"


def test_a_platform_named_says_the_action_in_both_languages() -> None:
    from diffing.platforms import PlatformMention

    wording = Collected()
    mention = PlatformMention(id="quark", name="夸克浏览器", kind="app", action="summoned",
                              amount=None, start=0, end=5, sentence="约谈夸克浏览器")
    wording.platform_named(compare.PlatformAppearance("first_time", "quark", mention, 0,
                                                      None, None))
    wording.platform_named(compare.PlatformAppearance("repeat", "quark", mention, 2,
                                                      date(2022, 1, 31), date(2023, 1, 31)))
    (_, first_en, first_zh), (_, again_en, again_zh) = wording.events
    assert first_en == "Quark Browser named for the first time (summoned)"
    assert first_zh == "首次点名：夸克浏览器（约谈）"
    assert again_zh == "再次点名：夸克浏览器（约谈，此前2次）"
    assert again_en.startswith("Quark Browser named again (summoned): 2 earlier notice(s)")
