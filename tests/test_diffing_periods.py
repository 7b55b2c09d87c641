"""Reporting periods found in notice text and resolved against the publication date."""

from __future__ import annotations

from datetime import date

import pytest

from diffing.extract import extract
from diffing.period import Period
from diffing.periods import find_period_mentions


def _periods(text: str, published: date | None) -> list[tuple[str | None, bool]]:
    return [(str(m.period) if m.period else None, m.comparison)
            for m in find_period_mentions(text.lower(), published)]


@pytest.mark.parametrize(("text", "published", "expected"), [
    ("今年上半年，全国网信系统", date(2023, 7, 20), [("2023-H1", False)]),
    ("2023年，全国网信系统", None, [("2023", False)]),
    ("一季度，全国网信系统", date(2024, 4, 18), [("2024-Q1", False)]),
    ("四季度，全国网信系统", date(2024, 1, 20), [("2023-Q4", False)]),
    ("上半年", date(2024, 2, 1), [("2023-H1", False)]),
    ("2023年第三季度", None, [("2023-Q3", False)]),
    ("二〇二二年下半年", None, [("2022-H2", False)]),
    ("去年", date(2024, 1, 31), [("2023", False)]),
    ("比2022年增长23.7%", None, [("2022", True)]),
    ("与去年同期相比", date(2023, 7, 1), [("2022", True)]),
    ("2024年1月31日", None, []),
    ("2023年前三季度", None, [("2023-01..2023-09", False)]),
    ("2024年第二季全国网信行政执法", None, [("2024-Q2", False)]),
    ("since march 9, the office", date(2024, 4, 20), [("2024-03-09..2024-04-20", False)]),
    ("over the first eleven months of the year", date(2021, 12, 14), [("2021-01..2021-11", False)]),
    ("in the first 9 months of 2020", None, [("2020-01..2020-09", False)]),
    ("in the january-march period", date(2023, 4, 30), [("2023-Q1", False)]),
    ("the april–june quarter of 2021", None, [("2021-Q2", False)]),
    ("in the three months to june", date(2023, 7, 30), [("2023-Q2", False)]),
    ("in the 12 months to march 2023", None, [("2022-04..2023-03", False)]),
    ("for the year to november", date(2021, 12, 14), [("2021-01..2021-11", False)]),
    ("第三季，各地网信部门", date(2024, 11, 2), [("2024-Q3", False)]),
    ("in 2023, the authorities", None, [("2023", False)]),
    ("In the first half of 2023,", None, [("2023-H1", False)]),
    ("in the first quarter of the year", date(2024, 4, 18), [("2024-Q1", False)]),
    ("the second half of this year", date(2023, 12, 30), [("2023-H2", False)]),
    ("Q3 2023", None, [("2023-Q3", False)]),
    ("closed 3,700 websites in the first quarter", date(2024, 4, 18), [("2024-Q1", False)]),
    ("up from 8,608 than in 2022", None, [("2022", True)]),
    ("January 31, 2024", None, []),
    ("今年上半年", None, []),
])
def test_period_mentions(text: str, published: date | None, expected: list[tuple[str | None, bool]]) -> None:
    assert _periods(text, published) == expected


def test_period_parse_and_end() -> None:
    assert Period.parse("2023") == Period(2023)
    assert Period.parse("2023-H1") == Period(2023, "half", 1)
    assert Period.parse("2023-Q4") == Period(2023, "quarter", 4)
    assert Period.parse("2023-H3") is None and Period.parse("H1") is None and Period.parse(None) is None
    assert str(Period(2023, "quarter", 2)) == "2023-Q2"
    assert Period(2023, "half", 1).end() == date(2023, 6, 30)
    assert Period(2023, "quarter", 3).end() == date(2023, 9, 30)
    assert Period(2023).end() == date(2023, 12, 31)


@pytest.mark.parametrize(("text", "published", "expected"), [
    ("2023年2月至9月，各地网信部门", None, "2023-02..2023-09"),
    ("1月至11月，各地网信部门", date(2022, 12, 5), "2022-01..2022-11"),
    ("8月以来，截至目前，各地网信部门", date(2021, 10, 12), "2021-08..2021-10"),
    # a span to date is not yet the quarter it falls in
    ("7月以来，各地网信部门", date(2021, 9, 14), "2021-07..2021-09"),
    ("今年3月以来，", date(2022, 6, 1), "2022-03..2022-06"),
    ("4月15日以来，各地网信部门持续整治。截至6月30日，累计", date(2022, 7, 8), "2022-04-15..2022-06-30"),
    ("过去一年来，各地网信部门", date(2022, 9, 14), "2021-09..2022-09"),
    ("2020年以来，各地网信部门", date(2022, 9, 14), "2020-01..2022-09"),
    ("from February to August this year, the authorities", date(2022, 9, 14), "2022-02..2022-08"),
    ("between March and May 2021, the authorities", None, "2021-03..2021-05"),
    ("since 2020, the ministry has", date(2022, 9, 14), "2020-01..2022-09"),
    ("from 2020 to date, the ministry has", date(2022, 9, 14), "2020-01..2022-09"),
    ("in the past year the authorities", date(2022, 9, 14), "2021-09..2022-09"),
    ("今年1-8月，各地网信部门", date(2022, 9, 14), "2022-01..2022-08"),
    ("2022年1-12月，各地", None, "2022"),
    ("前7个月，各地网信部门", date(2022, 9, 14), "2022-01..2022-07"),
    ("前三季度，各地网信部门", date(2022, 10, 20), "2022-01..2022-09"),
    # whole years
    ("2019年至2021年，全国网信系统", date(2022, 7, 20), "2019-01..2021-12"),
    ("2019-2021年，全国网信系统", date(2022, 7, 20), "2019-01..2021-12"),
    ("from 2019 to 2021, the authorities", None, "2019-01..2021-12"),
    ("since 2022, the authorities", date(2022, 7, 20), "2022-01..2022-07"),
    # the year so far
    ("今年以来，各地网信部门", date(2022, 9, 14), "2022-01..2022-09"),
    ("年初以来，各地网信部门", date(2022, 5, 3), "2022-01..2022-05"),
    ("so far this year, regulators", date(2022, 9, 14), "2022-01..2022-09"),
    ("in the first nine months of this year, regulators", date(2022, 10, 20), "2022-01..2022-09"),
    # a span opened by 自/从…起 or closed by 至今 runs to publication
    ("自今年4月起，各地网信部门", date(2022, 9, 14), "2022-04..2022-09"),
    ("从去年11月起，各地网信部门", date(2022, 9, 14), "2021-11..2022-09"),
    ("今年2月至今，各地网信部门", date(2022, 9, 14), "2022-02..2022-09"),
    # a start finer than its month (a day, 月中, 上旬) or an end said to be today runs to the day
    ("自3月8日以来，各地网信部门", date(2022, 3, 29), "2022-03-08..2022-03-29"),
    ("五月中以来，公署已转介", date(2021, 7, 20), "2021-05-01..2021-07-20"),
    ("今年4月上旬至今，各地", date(2021, 7, 20), "2021-04-01..2021-07-20"),
    ("自4月起至今日，公署共接获", date(2021, 7, 20), "2021-04-01..2021-07-20"),
    ("over the past two weeks, regulators", date(2022, 9, 14), "2022-08-31..2022-09-14"),
    # the last few months up to publication
    ("over the past four months, regulators", date(2022, 9, 14), "2022-05..2022-09"),
    ("in the last three months the ministry", date(2022, 9, 14), "2022-06..2022-09"),
    ("近五个月来，各地网信部门", date(2022, 9, 14), "2022-04..2022-09"),
    ("过去半年，各地网信部门", date(2022, 9, 14), "2022-03..2022-09"),
    # two months joined by "to" without "from"
    ("the figures for the january to june period show", date(2022, 9, 14), "2022-H1"),
    ("in the march through may period, the ministry", date(2022, 9, 14), "2022-03..2022-05"),
    # the first three quarters without a year: the latest ended by publication
    ("during the first three quarters, regulators", date(2022, 10, 20), "2022-01..2022-09"),
    # a year up to a month named after 截至: the year so far
    ("2022年截至8月底，各地网信部门", date(2022, 9, 14), "2022-01..2022-08"),
    ("今年截止到6月20日，各地", date(2022, 9, 14), "2022-01-01..2022-06-20"),
    # 前8月 as Taiwan writes 前8个月
    ("今年前 8 月，各地", date(2022, 9, 14), "2022-01..2022-08"),
    # that many years up to publication
    ("专项整治两年来，各地网信部门", date(2022, 9, 14), "2020-09..2022-09"),
])
def test_ranges_of_months_and_days(text: str, published: date | None, expected: str) -> None:
    assert [period for period, _ in _periods(text, published)] == [expected]
    parsed = Period.parse(expected)
    assert parsed is not None and str(parsed) == expected


@pytest.mark.parametrize("text", ["自2021年11月1日起施行", "本规定自2023年3月1日起实施", "2023年5月起正式施行", "7月以来", "2024年1月31日", "第1-3批", "3个月内完成整改"])
def test_no_range_without_a_resolvable_span(text: str) -> None:
    assert [period for period, _ in _periods(text, None) if period and ".." in period] == []
    # a rule's date of effect is no span, whenever the notice was published
    if "施行" in text or "实施" in text:
        assert [period for period, _ in _periods(text, date(2024, 6, 1)) if period and ".." in period] == []


def test_range_parse_and_end() -> None:
    months = Period.parse("2021-01..2021-11")
    assert months is not None and months.end() == date(2021, 11, 30)
    assert months.first == date(2021, 1, 1)
    days = Period.parse("2023-03-10..2023-05-22")
    assert days is not None and days.end() == date(2023, 5, 22) and days.days
    # one year's January-to-November is comparable with the next year's: same kind and part
    later = Period.parse("2022-01..2022-11")
    assert later is not None and (later.kind, later.part) == (months.kind, months.part)
    # a span to date written as a range parses as the range it is, even on a quarter's months
    to_date = Period.parse("2020-07..2020-09")
    assert to_date is not None and to_date.kind == "range" and str(to_date) == "2020-07..2020-09"
    for written in ("2021-11..2021-01", "2021-01..2021-11-30", "2021-13..2022-01", "2021-1..2021-11"):
        assert Period.parse(written) is None


@pytest.mark.parametrize(("text", "carries"), [
    ("2022年，全国网信系统", True),
    ("据统计，2022年全国网信系统", True),
    ("通报指出第二季网信部门", True),
    ("并对去年发现问题的APP进行抽测", False),
    ("处以其2020年中国境内销售额", False),
    ("In 2022, the authorities", True),
    ("a pace that quickened after the new chief took office in 2019", False),
])
def test_a_period_carries_only_when_it_frames_its_clause(text: str, carries: bool) -> None:
    mentions = find_period_mentions(text.lower(), date(2023, 3, 1))
    assert [mention.carries for mention in mentions] == [carries]


def test_the_year_so_far_in_january_is_the_year() -> None:
    assert _periods("今年以来，各地网信部门", date(2023, 1, 20)) == [("2023", False)]


def test_a_batch_number_is_no_period() -> None:
    assert _periods("工信部通报2021年第三批侵害用户权益的APP", None) == []
    assert _periods("工信部通报今年首批侵害用户权益的APP", date(2022, 1, 22)) == []


@pytest.mark.parametrize("text", ["截至2022年底，工信部累计通报", "by the end of 2022, the ministry had", "as of 2021, a total of"])
def test_where_a_cumulative_count_ends_is_no_period(text: str) -> None:
    assert [period for period, _ in _periods(text, date(2023, 2, 1))] == [None]


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("從去年11月起，各地網信部門累計關閉違法網站320家。", "zh-Hant", "2021-11..2022-09"),
    ("過去半年，國家網信辦約談網站平台48家。", "zh-Hant", "2022-03..2022-09"),
    ("Over the past six months, regulators removed 140 apps from app stores.", "en", "2022-03..2022-09"),
])
def test_a_span_to_publication_is_the_period_of_the_counts_it_opens(text: str, language: str, expected: str) -> None:
    from diffing.extract import extract

    figures = extract(text, published=date(2022, 9, 14), language=language).figures
    assert [(figure.metric is not None, figure.period) for figure in figures] == [(True, expected)]


@pytest.mark.parametrize(("text", "language", "expected"), [
    # a month named alone is the period of the counts it frames
    ("10月，全国网信系统依法约谈网站平台56家。", "zh-Hans", [("websites_summoned", "2022-10..2022-10")]),
    ("2021年11月份，各地網信部門關閉違法網站210家。", "zh-Hant", [("websites_closed", "2021-11..2021-11")]),
    ("In August, the ministry removed 38 apps from app stores.", "en", [("apps_removed", "2022-08..2022-08")]),
    ("The platform was fined a total of 4 million yuan in July.", "en", [("fine_amount", "2022-07..2022-07")]),
    # a month with a day, a deadline or the end of a cumulative count is no period
    ("5月3日，网信部门约谈网站平台3家。", "zh-Hans", [("websites_summoned", None)]),
    ("截至8月，累计关闭违法网站300家。", "zh-Hans", [("websites_closed", None)]),
    # a count as it stood on a date has no period, and the period before does not carry past it
    ("In August, the ministry listed 200 apps. By August 25, it had removed 40 apps.", "en",
     [("apps_notified", "2022-08..2022-08"), ("apps_removed", None)]),
    ("8月，工信部通报App 200款。截至8月25日，已下架App 40款。", "zh-Hans",
     [("apps_notified", "2022-08..2022-08"), ("apps_removed", None)]),
    ("8月，工信部通報App 200款。截至8月25日，已下架App 40款。", "zh-Hant",
     [("apps_notified", "2022-08..2022-08"), ("apps_removed", None)]),
    # a month whose sentence reports nothing dates an event, and frames no later sentence
    ("2022年7月，工信部启动App专项整治行动。截至目前，累计下架App 300款。", "zh-Hans", [("apps_removed", None)]),
    ("In July the ministry launched a campaign. It has removed 300 apps.", "en", [("apps_removed", None)]),
    # one that reports figures frames the sentences after it
    ("8月，全国网信系统约谈网站平台300家。另外，下架App 20款。", "zh-Hans",
     [("websites_summoned", "2022-08..2022-08"), ("apps_removed", "2022-08..2022-08")]),
    # a month inside a clause dates an event, not a span the count covers
    ("The ministry removed 40 apps named on the list it issued in July.", "en", [("apps_removed", None)]),
    ("工信部对7月通报的App进行复查，下架40款App。", "zh-Hans", [("apps_removed", None)]),
    # a section label before the year does not stop it framing; 全年 is the year named before
    ("【网络执法】2021年，市网信办加强执法。全年依法关闭网站3家，下架App2个，处罚款5万元。", "zh-Hans",
     [("websites_closed", "2021"), ("apps_removed", "2021"), ("fine_amount", "2021")]),
    ("【網絡執法】2021年，市網信辦加強執法。全年依法關閉網站3家，下架App2個，處罰款5萬元。", "zh-Hant",
     [("websites_closed", "2021"), ("apps_removed", "2021"), ("fine_amount", "2021")]),
])
def test_months_labels_and_the_whole_year(text: str, language: str, expected: list[tuple[str, str | None]]) -> None:
    from diffing.extract import extract

    figures = extract(text, published=date(2022, 11, 14), language=language).figures
    assert [(figure.metric, figure.period) for figure in figures if figure.metric] == expected


@pytest.mark.parametrize("text", [
    "今年1月至10月，网信部门对该平台多次予以顶格50万元罚款，累计罚款900万元。",
    "今年1月至10月，網信部門對該平台多次予以頂格50萬元罰款，累計罰款900萬元。",
    "From January to October, the office repeatedly fined the platform 500,000 yuan, a total of 9 million yuan.",
    "今年1月至10月，该平台数次被处以50万元罚款，合计罚款900万元。",
])
def test_an_amount_imposed_many_times_over_a_span_has_the_span(text: str) -> None:
    # repeated over the stated span, as a sum is (README: "summed or repeated over a stated span")
    from diffing.extract import extract

    fines = [f for f in extract(text, published=date(2022, 11, 14)).figures if f.metric == "fine_amount"]
    assert [(int(f.value), f.period) for f in fines] == [(500000, "2022-01..2022-10"), (9000000, "2022-01..2022-10")]


@pytest.mark.parametrize("text", [
    "今年1月至6月，网信部门罚款案件12件、罚没金额合计300万元；行政警告案件5件、罚款金额合计40万元。",
    "今年1月至6月，網信部門罰款案件12件、罰沒金額合計300萬元；行政警告案件5件、罰款金額合計40萬元。",
])
def test_clauses_a_semicolon_joins_share_their_heads_span(text: str) -> None:
    # the second sum is in parallel with the first, under the span that opens the sentence
    from diffing.extract import extract

    fines = [f for f in extract(text, published=date(2022, 11, 14)).figures if f.metric == "fine_amount"]
    assert [(int(f.value), f.period) for f in fines] == [(3000000, "2022-H1"), (400000, "2022-H1")]


def test_the_same_span_of_another_year_heading_its_sentence() -> None:
    # 2024年同期 opening a sentence reports the span the text reports (January to June), in 2024
    from diffing.extract import extract

    text = ("2025年1-6月，网信部门罚款案件12件、罚没金额合计300万元。\n"
            "2024年同期，网信部门罚款案件9件、罚没金额合计120万元；关闭违法网站40家。")
    figures = [f for f in extract(text, published=date(2025, 8, 1)).figures if f.metric]
    assert [(f.metric, int(f.value), f.period) for f in figures] == [
        ("fine_amount", 3000000, "2025-H1"), ("fine_amount", 1200000, "2024-H1"), ("websites_closed", 40, "2024-H1")]


@pytest.mark.parametrize(("text", "language", "expected"), [
    # 首季 is the first quarter; 上季 the quarter before publication's (Hong Kong and Taiwan wording)
    ("國家網信辦今年首季共約見網站平台負責人逾500家。", "zh-Hant", [("websites_summoned", "2022-Q1")]),
    ("网信部门上季度关闭违法网站300家。", "zh-Hans", [("websites_closed", "2022-Q2")]),
    ("內地網信部門上季將370宗案件線索移交公安機關。", "zh-Hant", [("cases_referred", "2022-Q2")]),
])
def test_hong_kong_quarters(text: str, language: str, expected: list[tuple[str, str]]) -> None:
    from diffing.extract import extract

    figures = extract(text, published=date(2022, 9, 14), language=language).figures
    assert [(figure.metric, figure.period) for figure in figures if figure.metric] == expected


@pytest.mark.parametrize(("text", "language", "expected"), [
    # the last N years run from the same month N years before publication to it
    ("China has shut down more than 13,000 websites in the last three years.", "en",
     [("websites_closed", "2015-04..2018-04")]),
    ("Regulators closed 2,000 websites over the past 5 years.", "en", [("websites_closed", "2013-04..2018-04")]),
    ("过去三年，全国网信系统共关闭违法网站1.3万家。", "zh-Hans", [("websites_closed", "2015-04..2018-04")]),
    ("近三年來，全國網信系統共關閉違法網站1.3萬家。", "zh-Hant", [("websites_closed", "2015-04..2018-04")]),
    # 近五年 without 来 may be "nearly five years": no period
    ("该平台运营近5年，共关闭违规账号300个。", "zh-Hans", [("accounts_closed", None)]),
])
def test_the_last_n_years(text: str, language: str, expected: list[tuple[str, str | None]]) -> None:
    from diffing.extract import extract

    figures = extract(text, published=date(2018, 4, 10), language=language).figures
    assert [(figure.metric, figure.period) for figure in figures if figure.metric] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a period after a restatement in parentheses still frames the total before it
    ("The regulator imposed fines totaling 23.59 billion yuan ($3.72 billion) last year on 176 cases.", "2021"),
    ("The authority issued penalties totalling €1.2 billion (about $1.3 billion) in 2021.", "2021"),
    # 共 before a penalty verb sums the year's fines
    ("5間有線系統台，去年因違反黨政軍條款共挨罰新台幣200萬元。", "2021"),
    ("该公司去年共被罚款300万元。", "2021"),
    # one fine imposed last year stays one decision's
    ("该公司去年被罚款300万元。", None),
])
def test_totals_keep_their_period(text: str, expected: str | None) -> None:
    from diffing.extract import extract

    fines = [f for f in extract(text, published=date(2022, 3, 13)).figures if f.metric == "fine_amount"]
    assert [f.period for f in fines] == [expected]


@pytest.mark.parametrize(("text", "expected"), [
    # an English range of months with their days is a range of days
    ("Between March 10 and May 22, the probe led to the closure of 67,000 accounts.", "2023-03-10..2023-05-22"),
    ("From March 10th to May 22, 2023, regulators closed 3,000 websites.", "2023-03-10..2023-05-22"),
    # without days it stays a range of months, and a year after the month is no day
    ("Between March 2023 and May 2023, regulators closed 300 websites.", "2023-03..2023-05"),
])
def test_english_ranges_of_days(text: str, expected: str) -> None:
    from diffing.extract import extract

    figures = extract(text, published=date(2023, 5, 28), language="en").figures
    assert [figure.period for figure in figures] == [expected]


@pytest.mark.parametrize(("text", "expected"), [
    # what still stands at the notice's date is no tally over the period framing it
    ("今年以来，工信部组织检测App 1万款。截至目前，尚有30款App未完成整改。", [(None, "2021-01..2021-12"), ("apps_notified", None)]),
    ("今年以來，工信部組織檢測App 1萬款，仍有7款APP未完成整改。", [(None, "2021-01..2021-12"), ("apps_notified", None)]),
    (("Since the beginning of this year, the ministry has tested 20,000 apps. Up to now, there are still "
      "106 apps that have not been rectified."), [(None, "2021-01..2021-12"), ("apps_notified", None)]),
    # a count of the period's actions keeps it, "still" as an adverb too
    ("今年以来，工信部通报了30款App存在问题。", [("apps_notified", "2021-01..2021-12")]),
    ("In 2021, the ministry still removed 30 apps from stores.", [("apps_removed", "2021")]),
])
def test_what_still_stands_has_no_period(text: str, expected: list[tuple[str | None, str | None]]) -> None:
    from diffing.extract import extract

    figures = extract(text, published=date(2021, 12, 9)).figures
    assert [(figure.metric, figure.period) for figure in figures] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the period of the data a colon introduces frames the figures after the colon
    ("全国“扫黄打非”办公室9日公布了“净网2020”专项行动上半年工作数据：全国共查办各类案件1800余起，取缔非法不良网站1.2万余个。",
     [(None, "2020-H1"), ("websites_closed", "2020-H1")]),
    ("網信辦通報了今年一季度執法情況：共約談網站平台120家，關閉違法網站300家。",
     [("websites_summoned", "2020-Q1"), ("websites_closed", "2020-Q1")]),
    # without the colon the data stay in their sentence
    ("网信办公布了上半年工作数据。另据报道，该省关闭违法网站300家。", [("websites_closed", None)]),
])
def test_the_period_of_data_a_colon_introduces(text: str, expected: list[tuple[str | None, str | None]]) -> None:
    from diffing.extract import extract

    figures = extract(text, published=date(2020, 7, 9)).figures
    assert [(figure.metric, figure.period) for figure in figures] == expected


@pytest.mark.parametrize(("text", "language", "expected"), [
    # last month: the month before the one of publication
    ("Last month, the CAC summoned 120 platforms.", "en", [("websites_summoned", "2023-07..2023-07")]),
    ("上月，网信办共约谈网站平台120家。", "zh-Hans", [("websites_summoned", "2023-07..2023-07")]),
    ("上個月網信辦共約談網站平台120家。", "zh-Hant", [("websites_summoned", "2023-07..2023-07")]),
    # the end of last month is where a cumulative count stands, no period
    ("截至上月底，网信办共关闭违法网站300家。", "zh-Hans", [("websites_closed", None)]),
    # a year of the Republic of China's calendar (民國112年 is 2023), and its half
    ("民國112年，公平會共處分網站平台50家，罰鍰合計新臺幣3,000萬元。", "zh-Hant", [("fine_amount", "2023")]),
    ("民國112年上半年，金管會共裁罰金融機構12家，罰鍰合計3,450萬元。", "zh-Hant", [("fine_amount", "2023-H1")]),
])
def test_last_month_and_the_roc_calendar(text: str, language: str, expected: list[tuple[str, str | None]]) -> None:
    from diffing.extract import extract

    figures = extract(text, published=date(2023, 8, 21), language=language).figures
    assert [(figure.metric, figure.period) for figure in figures if figure.metric] == expected


@pytest.mark.parametrize(("text", "language", "expected"), [
    # a month whose sentence says the work went on through it opens that month's report
    ("2022年5月，全省网信系统深入推进专项行动，重拳整治网上违法信息。省网信办依法注销19家违法网站备案；向有关部门移送线索4件。",
     "zh-Hans", [("websites_closed", "2022-05..2022-05"), ("cases_referred", "2022-05..2022-05")]),
    ("2022年5月，全省網信系統持續開展專項行動。各市網信辦依法關閉違法網站29家。", "zh-Hant",
     [("websites_closed", "2022-05..2022-05")]),
    ("In May, the provincial cyberspace offices pressed ahead with the campaign. They shut down 19 websites.", "en",
     [("websites_closed", "2022-05..2022-05")]),
    # an onset in the same sentence still only dates the launch
    ("2022年7月，工信部启动App专项整治行动，持续推进整治。截至目前，累计下架App 300款。", "zh-Hans",
     [("apps_removed", None)]),
])
def test_a_month_the_work_went_on_through_frames_its_report(
        text: str, language: str, expected: list[tuple[str, str | None]]) -> None:
    from diffing.extract import extract

    figures = extract(text, published=date(2022, 11, 14), language=language).figures
    assert [(figure.metric, figure.period) for figure in figures if figure.metric] == expected


@pytest.mark.parametrize(("text", "language", "expected"), [
    # the base of a comparison listing several figures: each item after a 、 is of the compared period
    ("2021年共查处垄断案件118件、罚款总额超过220亿元，较2020年的30件、罚款总额约5000万元明显上升。", "zh-Hans",
     [(22000000000, "2021"), (50000000, "2020")]),
    ("2023年罰款總額達3億元，比2022年的120件、總金額1億元高出兩倍。", "zh-Hant",
     [(300000000, "2023"), (100000000, "2022")]),
    # the comparison closed by a comma: the figure after it is of the sentence's own period
    ("2023年关闭网站1200家，较2022年的900家有所增加，累计罚款5000万元。", "zh-Hans",
     [(50000000, "2023")]),
])
def test_the_base_of_a_comparison_lists_its_figures_after_a_dun_comma(
        text: str, language: str, expected: list[tuple[int, str | None]]) -> None:
    from diffing.extract import extract

    figures = extract(text, published=date(2024, 3, 1), language=language).figures
    assert [(int(figure.value), figure.period) for figure in figures if figure.metric == "fine_amount"] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a campaign that began in a month: its counts run from that month to publication
    ("Police have closed 3,000 accounts as part of a crackdown launched in May, media said.",
     [("accounts_closed", 3000, "2023-05..2023-11")]),
    ("Police also blocked 400 accounts in the time since the campaign began in May.",
     [("accounts_closed", 400, "2023-05..2023-11")]),
    ("自今年5月公安部部署开展专项行动以来，共关闭违法账号3000个。", [("accounts_closed", 3000, "2023-05..2023-11")]),
    ("自5月專項行動開展以來，共關閉違法帳號3000個。", [("accounts_closed", 3000, "2023-05..2023-11")]),
    # a campaign that began on a day: to the day a 截至 of its paragraph names, else to publication
    ("自10月9日启动网络环境整治行动以来，市网信办集中清理有害信息。截至11月2日，累计关闭违法账号2000个。",
     [("accounts_closed", 2000, "2023-10-09..2023-11-02")]),
    ("自10月9日啟動專項行動以來，共關閉違法帳號2000個。", [("accounts_closed", 2000, "2023-10-09..2023-11-20")]),
    # the event may follow a comma after the date
    ("自2023年6月1日，三部门联合印发《关于整治违规账号的通知》以来，市网信办共关闭违法账号2000个。",
     [("accounts_closed", 2000, "2023-06-01..2023-11-20")]),
    # …within its sentence: a span to date in the next sentence is that sentence's own
    ("自6月1日，新规施行。今年以来，市网信办关闭违法账号2000个。", [("accounts_closed", 2000, "2023-01..2023-11")]),
    # a span to date after its verb is that count's; a count in the next sentence has no start
    ("The office has closed 9,000 websites since 2019. Platforms also deleted 2 million accounts.",
     [("websites_closed", 9000, "2019-01..2023-11"), ("accounts_closed", 2000000, None)]),
    # "since the beginning of 2019" starts a span as "since 2019" does; "by the end of" ends one
    ("The office has closed 9,000 websites since the beginning of 2019. Platforms also deleted 2 million accounts.",
     [("websites_closed", 9000, "2019-01..2023-11"), ("accounts_closed", 2000000, None)]),
    # …while one opening its sentence frames the sentences after it
    ("Since 2019, the office has closed 9,000 websites. Platforms also deleted 2 million accounts.",
     [("websites_closed", 9000, "2019-01..2023-11"), ("accounts_closed", 2000000, "2019-01..2023-11")]),
])
def test_periods_of_campaigns_and_spans_to_date(text: str, expected: list[tuple[str, int, str | None]]) -> None:
    from diffing.extract import extract

    figures = extract(text, published=date(2023, 11, 20)).figures
    assert [(f.metric, f.value, f.period) for f in figures] == expected



@pytest.mark.parametrize(("text", "expected"), [
    # a span to publication that ends its clause frames the figures after it
    ("市网信办开展网络生态治理行动两年来，累计关闭违法网站120家，关停账号3000个。",
     [("websites_closed", "2020-09..2022-09"), ("accounts_closed", "2020-09..2022-09")]),
    ("專項行動三年來共關閉違法網站120家，並下架App 40款。",
     [("websites_closed", "2019-09..2022-09"), ("apps_removed", "2019-09..2022-09")]),
    # the statistics of a period named before the figures
    ("市网信办今日公布2022年截至8月底执法统计，全市共关闭违法网站35家，下架App 12款。",
     [("websites_closed", "2022-01..2022-08"), ("apps_removed", "2022-01..2022-08")]),
    # a span in brackets dates the measure before it, not the counts after it
    ("应用商店下架星河阅读30天（2022年6月1日至2022年6月30日）。另有12款App被下架。", [("apps_removed", None)]),
    # 全年 with no year named is the year in the name of the campaign it reports
    ("在“护苗2021”专项行动中，公安机关全年共关闭违法网站30家。此外，关停违规账号500个。",
     [("websites_closed", "2021"), ("accounts_closed", "2021")]),
    ("各地结合开展2021“清朗”专项行动，全年共关闭违法网站30家。", [("websites_closed", "2021")]),
    # a focus word before the year ("in 2021 alone") leaves it framing its sentence
    ("2019年以来，市网信办持续开展整治。\n仅2021年巡查发现，关闭违法网站30家，关停账号500个。",
     [("websites_closed", "2021"), ("accounts_closed", "2021")]),
    # 专项行动期间 is the year of the campaign named with one, for the paragraphs after it too
    ("版权局通报“护网2021”专项行动成果。专项行动期间，各地关闭侵权网站30家。\n版权局还集体约谈了12家网络服务商。",
     [("websites_closed", "2021"), ("websites_summoned", "2021")]),
    # …and no year without such a name
    ("专项行动期间，各地关闭侵权网站30家。", [("websites_closed", None)]),
    # 近年来 and 多年来 name no span
    ("近年来，市网信办关闭违法网站35家。", [("websites_closed", None)]),
])
def test_a_span_to_publication_or_of_statistics_frames_its_sentence(text: str, expected: list[tuple[str, str | None]]) -> None:
    from diffing.extract import extract

    figures = extract(text, published=date(2022, 9, 14)).figures
    assert [(figure.metric, figure.period) for figure in figures if figure.metric] == expected


@pytest.mark.parametrize(("text", "language"), [
    ("今年1至8月，該局共裁罰12件，金額3280萬元。", "zh-Hant"),
    ("今年前8月该局裁罚12件、金额3280万元。", "zh-Hans"),
])
def test_the_amount_of_penalties_counted_in_jian_is_their_sum(text: str, language: str) -> None:
    from diffing.extract import extract

    fines = [f for f in extract(text, published=date(2022, 9, 14), language=language).figures if f.metric == "fine_amount"]
    assert [(int(f.value), f.period) for f in fines] == [(32800000, "2022-01..2022-08")]


def test_one_companys_fine_after_the_tally_keeps_no_period() -> None:
    from diffing.extract import extract

    text = "今年1至8月，該局共裁罰12件，金額3280萬元，主因是星河銀行因內控缺失遭罰900萬元。"
    fines = [f for f in extract(text, published=date(2022, 9, 14), language="zh-Hant").figures
             if f.metric == "fine_amount"]
    assert [(int(f.value), f.period) for f in fines] == [(32800000, "2022-01..2022-08"), (9000000, None)]


@pytest.mark.parametrize("text", [
    "2024年3月至2024年9月，某市市场监管局对当事人系列违法行为作出行政处罚，累计罚款120万元。",
    "2024年3月至9月，执法人员责令当事人改正，并处警告、罚款共计45万元。",
])
def test_one_cases_fines_on_its_party_keep_no_period(text: str) -> None:
    from diffing.extract import extract

    fines = [f for f in extract(text, published=date(2024, 11, 20)).figures if f.metric == "fine_amount"]
    assert [f.period for f in fines] == [None]


def test_a_summed_fine_over_a_span_keeps_its_period_when_no_case_party_is_named() -> None:
    from diffing.extract import extract

    text = "2024年3月至9月，全市市场监管部门查办案件320件，累计罚款1200万元。"
    fines = [f for f in extract(text, published=date(2024, 11, 20)).figures if f.metric == "fine_amount"]
    assert [f.period for f in fines] == ["2024-03..2024-09"]


@pytest.mark.parametrize(("text", "expected"), [
    # a span opening a sentence of repeated decisions dates the sum the next sentence states
    (("Since the beginning of the year, Orbit has been repeatedly fined for failing to delete posts. "
      "The total amount of fines reached 40 mln rubles."), ["2023-01..2023-11"]),
    (("Since the beginning of the year, Orbit has been fined on several occasions. The company was already "
      "fined 12 mln rubles."), ["2023-01..2023-11"]),
    # …not a single decision the next sentence reports
    (("Since the beginning of the year, the regulator has looked into Orbit's services. "
      "The court fined the company 3 mln rubles."), [None]),
    # …nor an amount in the next paragraph
    (("Since the beginning of the year, Orbit has been repeatedly fined.\nThe total amount of fines reached "
      "40 mln rubles."), [None]),
])
def test_the_sum_of_repeated_decisions_after_their_span_takes_it(text: str, expected: list[str | None]) -> None:
    from diffing.extract import extract

    fines = [f for f in extract(text, published=date(2023, 11, 20), language="en").figures if f.metric == "fine_amount"]
    assert [f.period for f in fines] == expected


def test_the_span_a_report_names_again_frames_its_later_counts() -> None:
    text = ("About 9,100 cases were investigated from the end of June to the end of August. "
            "The operations focused on paid posters. During the two months, police closed 210,000 accounts.")
    found = extract(text, published=date(2022, 9, 9))
    assert [(figure.value, figure.period) for figure in found.figures] == [
        (9_100, "2022-06..2022-08"), (210_000, "2022-06..2022-08")]


def test_over_the_year_in_a_years_report_is_that_year() -> None:
    text = ("2017年我国共收缴各类非法出版物3090万余件。\n2017年4月，某地公安机关查处一起案件。\n"
            "一年来，全国共取缔关闭淫秽色情类网站6万多个。")
    found = extract(text, published=date(2018, 1, 23))
    assert [(figure.value, figure.period) for figure in found.figures if figure.metric] == [(60_000, "2017")]


def test_fines_collected_over_a_year_cover_it() -> None:
    text = ("Regulators collected 4.2 billion yuan (US$640 million) in antitrust fines in 2023, "
            "ten times the 420 million yuan received in 2022.")
    found = extract(text, language="en", published=date(2024, 5, 2))
    assert [(figure.value, figure.period) for figure in found.figures] == [(4_200_000_000, "2023"), (420_000_000, "2022")]


def test_since_the_launch_of_a_campaign_in_a_month_is_a_span_from_it() -> None:
    text = "Since the launch of the campaign in July 2023, agencies have shut down 1,204 infringing sites."
    found = extract(text, language="en", published=date(2024, 1, 10))
    assert [(figure.metric, figure.period) for figure in found.figures] == [("websites_closed", "2023-07..2024-01")]
