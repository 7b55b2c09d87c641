"""Table tests of figure extraction: every phrasing of the issue's metric table, in Simplified,
Traditional and English, with periods, scopes, spans and the user-extendable catalogue."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import opencc
import pytest

from diffing.extract import EXTRACTOR_VERSION, extract
from diffing.figures import Figure, load_metrics

# (text, metric, value, unit): the issue's examples, and a few more ways of saying them.
PHRASINGS = [
    ("约谈网站10646家", "websites_summoned", 10646, "家"),
    ("依法约谈网站平台1234家", "websites_summoned", 1234, "家"),
    ("对2345家网站平台予以约谈", "websites_summoned", 2345, "家"),
    ("警告321家", "warnings", 321, "家"),
    ("对456家网站给予警告", "warnings", 456, "家"),
    ("罚款处罚98家", "fined", 98, "家"),
    ("对765家网站平台实施警告或罚款处罚", "warned_or_fined", 765, "家"),
    # the other words for the act of fining: 处罚, 开罚, 罚锾/罰鍰 (Traditional), 裁罚
    ("本季依法处罚违规平台31家", "fined", 31, "家"),
    ("除已開罰的5家平台外，其餘仍在調查", "fined", 5, "家"),
    ("對12家網站裁處罰鍰", "fined", 12, "家"),
    ("责令453家网站暂停功能或更新", "suspended", 453, "家"),
    ("暂停更新网站77家", "suspended", 77, "家"),
    ("下架移动应用程序259款", "apps_removed", 259, "款"),
    ("关停小程序119款", "mini_programs_closed", 119, "款"),
    ("处置小程序12款", "mini_programs_closed", 12, "款"),
    ("关闭违法网站14624家", "websites_closed", 14624, "家"),
    ("关闭违法违规账号127878个", "accounts_closed", 127878, "个"),
    ("关闭账号群组3.2万个", "accounts_closed", 32000, "个"),
    # 封堵 blocks as 封锁 does; 解散 disbands a group
    ("并封堵7个自媒体账号", "accounts_closed", 7, "个"),
    ("依法封堵境外赌博网站12家", "websites_closed", 12, "家"),
    ("本季度解散违规微信群4个", "accounts_closed", 4, "个"),
    ("移送相关案件线索345件", "cases_referred", 345, "件"),
    ("尚有21款APP未完成整改", "apps_notified", 21, "款"),
    ("共发现9款APP存在问题", "apps_notified", 9, "款"),
    ("罚款人民币50万元", "fine_amount", Decimal(500000), "CNY"),
    ("并处人民币5000万元罚款", "fine_amount", Decimal(50000000), "CNY"),
    ("依法罚款伍拾万元", "fine_amount", Decimal(500000), "CNY"),
    ("下架移动应用程序259款、小程序119款", "apps_removed", 259, "款"),
    ("清理违法和不良信息2000余万条", None, 20000000, "条"),
    ("责令停止更新网站48家", "suspended", 48, "家"),
    ("依法下线违规网站120家", "websites_closed", 120, "家"),
    ("省局关停8家网络直播平台", "websites_closed", 8, "家"),
    ("查处并关停“某某秀”等6家平台", "websites_closed", 6, "家"),
]

ENGLISH = [
    ("10,646 websites were summoned for talks", "websites_summoned", 10646, "家"),
    ("A total of 10,646 websites were interviewed throughout the year.", "websites_summoned", 10646, "家"),
    ("2,345 website platforms were summoned", "websites_summoned", 2345, "家"),
    ("6,767 websites were warned", "warnings", 6767, "家"),
    ("512 websites were fined", "fined", 512, "家"),
    ("765 websites were warned or fined", "warned_or_fined", 765, "家"),
    ("453 websites were ordered to suspend functions or updates", "suspended", 453, "家"),
    ("259 mobile applications were removed from the shelves", "apps_removed", 259, "款"),
    ("the authorities took down 215 apps", "apps_removed", 215, "款"),
    ("119 mini programs were shut down", "mini_programs_closed", 119, "款"),
    ("14,624 illegal websites were closed", "websites_closed", 14624, "家"),
    ("127,878 accounts were banned", "accounts_closed", 127878, "个"),
    ("32,000 illegal account groups were closed", "accounts_closed", 32000, "个"),
    ("11,229 case leads were referred to the police", "cases_referred", 11229, "件"),
    ("38 apps had yet to complete rectification", "apps_notified", 38, "款"),
    ("the company was fined $5 million", "fine_amount", Decimal(5000000), "USD"),
    ("The Commission fined it €3 billion", "fine_amount", Decimal(3000000000), "EUR"),
    ("fined it 1.5 million yuan", "fine_amount", Decimal(1500000), "CNY"),
    ("three websites were summoned", "websites_summoned", 3, "家"),
    ("the office received 5,400 complaints", None, 5400, "complaints"),
    # news paraphrases of the catalogue's verbs
    ("the ministry listed 88 apps in its latest batch", "apps_notified", 88, "款"),
    ("regulators identified 41 apps that harvested contacts", "apps_notified", 41, "款"),
    ("300 apps were shut down after the review", "apps_removed", 300, "款"),
    ("the heads of 57 websites were called in", "websites_summoned", 57, "家"),
    ("1,020 websites were taken offline", "websites_closed", 1020, "家"),
    ("the bureau shut down 14 live-streaming platforms", "websites_closed", 14, "家"),
    # the verb in the present or the infinitive ("helped block", "blocks about")
    ("a new filter helped block 5,210 gambling sites", "websites_closed", 5210, "家"),
    ("the ministry blocks about 300 websites every week", "websites_closed", 300, "家"),
    ("inspectors issued 2,310 warnings over the summer", "warnings", 2310, "warnings"),
    ("the regulator fined (in a statement) the video site Orbit 3 million yuan", "fine_amount", Decimal(3000000), "CNY"),
    ("the regulator fined Orbit Holdings (orb.n) $40 million", "fine_amount", Decimal(40000000), "USD"),
    ("the office received 5,400 complaints and issued 800 warnings", None, 5400, "complaints"),
    ("the platforms purged 64,000 accounts", "accounts_closed", 64000, "个"),
    ("local offices forwarded 212 cases to the police", "cases_referred", 212, "件"),
    ("the office closed 107K online accounts", "accounts_closed", 107000, "个"),
    ("platforms closed 1.2m accounts", "accounts_closed", 1200000, "个"),
    ("it ordered the removal of 259 apps", "apps_removed", 259, "款"),
    ("it ordered the suspension of updates at 621 websites", "suspended", 621, "家"),
    ("the ministry warned 15 apps of store removal", "apps_notified", 15, "款"),
]

_TO_TRADITIONAL = opencc.OpenCC("s2t")


def _only(text: str, **kwargs: object) -> Figure:
    figures = extract(text, **kwargs).figures  # type: ignore[arg-type]
    assert len(figures) >= 1, text
    return figures[0]


@pytest.mark.parametrize(("text", "metric", "value", "unit"), PHRASINGS)
def test_simplified_phrasings(text: str, metric: str | None, value: int | Decimal, unit: str) -> None:
    figure = _only(text)
    assert (figure.metric, figure.value, figure.unit) == (metric, value, unit)
    assert text[figure.start:figure.end] == figure.text
    assert figure.extractor_version == EXTRACTOR_VERSION


@pytest.mark.parametrize(("text", "metric", "value", "unit"), PHRASINGS)
def test_traditional_phrasings(text: str, metric: str | None, value: int | Decimal, unit: str) -> None:
    traditional = _TO_TRADITIONAL.convert(text)
    extraction = extract(traditional)
    figure = extraction.figures[0]
    assert (figure.metric, figure.value, figure.unit) == (metric, value, unit)
    assert traditional[figure.start:figure.end] == figure.text


@pytest.mark.parametrize(("text", "metric", "value", "unit"), ENGLISH)
def test_english_phrasings(text: str, metric: str | None, value: int | Decimal, unit: str) -> None:
    figure = _only(text)
    assert (figure.metric, figure.value, figure.unit) == (metric, value, unit)
    assert text[figure.start:figure.end] == figure.text


def test_second_of_a_list_inherits_the_verb() -> None:
    figures = extract("下架移动应用程序259款、小程序119款").figures
    assert [(f.metric, f.value) for f in figures] == [("apps_removed", 259), ("mini_programs_closed", 119)]


def test_amounts_carry_their_currency() -> None:
    figure = _only("依法对其罚款人民币50万元。")
    assert figure.currency == "CNY" and figure.unit == "CNY" and isinstance(figure.value, Decimal)
    assert figure.text == "罚款人民币50万元"


def test_legal_maximum_is_kept_but_is_no_fine() -> None:
    figures = extract("拒不改正的，并处一百万元以下罚款。").figures
    assert [(f.metric, f.value, f.currency) for f in figures] == [(None, Decimal(1000000), "CNY")]
    english = extract("The law allows fines of up to £17.5 million.").figures
    assert [(f.metric, f.value, f.currency) for f in english] == [(None, Decimal(17500000), "GBP")]


@pytest.mark.parametrize("text", [
    "2024年1月31日发布", "自2021年11月1日起施行", "应当在30个工作日内答复", "同比增长23.7%",
    "第十三届全国人民代表大会", "3个月内完成整改", "上涨2.4个百分点", "一家网站", "三个方面",
    # 家次, 件次: how many times an action was taken, not on how many things
    "对违规企业约谈 15 家次，行政处罚 7 家次", "下达整改通知 4 件次",
])
def test_numbers_that_are_no_figures(text: str) -> None:
    assert extract(text).figures == []


def test_unclassified_figures_are_kept() -> None:
    figures = extract("2023年，各地清理违法和不良信息2000余万条，处理投诉5000件。").figures
    assert [(f.metric, f.value, f.unit, f.period) for f in figures] == [
        (None, 20000000, "条", "2023"), (None, 5000, "件", "2023"),
    ]


@pytest.mark.parametrize(("text", "published", "period"), [
    ("今年上半年，全国网信系统约谈网站2345家。", date(2023, 7, 20), "2023-H1"),
    ("2023年，全国网信系统约谈网站10646家。", None, "2023"),
    ("一季度，全国网信系统约谈网站1987家。", date(2024, 4, 18), "2024-Q1"),
    ("一季度，全国网信系统约谈网站1987家。", datetime(2024, 4, 18, 10, 5), "2024-Q1"),
    ("今年上半年，全国网信系统约谈网站2345家。", None, None),
    ("In 2023, 10,646 websites were summoned.", None, "2023"),
    ("In the first half of 2023, 2,345 websites were summoned.", None, "2023-H1"),
    ("2023年，全国网信系统约谈网站10646家，比2022年的8608家增长23.7%。", None, "2023"),
])
def test_periods_of_figures(text: str, published: date | None, period: str | None) -> None:
    assert _only(text, published=published).period == period


def test_a_comparison_base_keeps_its_own_period() -> None:
    figures = extract("2023年，全国网信系统约谈网站10646家，比2022年的8608家增长23.7%。").figures
    assert [(f.value, f.period) for f in figures] == [(10646, "2023"), (8608, "2022")]


@pytest.mark.parametrize(("text", "scope"), [
    ("2023年，全国网信系统约谈网站10646家。", "national"),
    ("国家网信办依法约谈网站平台12家。", "cac"),
    ("北京市网信办依法约谈网站平台45家。", "province:beijing"),
    ("广东省网信办依法约谈网站平台56家。", "province:guangdong"),
    ("The Beijing Cyberspace Administration summoned 45 website platforms.", "province:beijing"),
    ("The Cyberspace Administration of Shanghai fined it 300,000 yuan.", "province:shanghai"),
    ("国家网信办指导地方网信办约谈网站平台12家。", "cac"),
    ("约谈网站平台12家。", None),
])
def test_scopes_of_figures(text: str, scope: str | None) -> None:
    assert _only(text).scope == scope


def test_a_later_scope_takes_over() -> None:
    text = "全国网信系统约谈网站2345家。其中，北京市网信办约谈网站平台45家。"
    assert [(f.value, f.scope) for f in extract(text).figures] == [(2345, "national"), (45, "province:beijing")]


def test_users_extend_the_catalogue(tmp_path: Path) -> None:
    extra = tmp_path / "metrics.toml"
    extra.write_text(
        '[[metric]]\nid = "livestreams_closed"\nmeaning = "live streams shut down"\nunits = ["个"]\n'
        'zh.verbs = [["关闭", "关停"]]\nzh.objects = ["直播间"]\n'
        'en.verbs = [["shut down", "clos"]]\nen.objects = ["live stream", "livestream"]\n',
        "utf-8",
    )
    catalogue = load_metrics(extra)
    assert "livestreams_closed" in catalogue.ids() and "websites_summoned" in catalogue.ids()
    extraction = extract("关闭违规直播间3200个，关闭违法违规账号5000个。", metrics=catalogue)
    assert [(f.metric, f.value) for f in extraction.figures] == [
        ("livestreams_closed", 3200), ("accounts_closed", 5000),
    ]
    assert extraction.figures[0].extractor_version.startswith(EXTRACTOR_VERSION + "+")
    assert extract("关闭违规直播间3200个").figures[0].metric is None


@pytest.mark.parametrize("source", ['[[metric]]\nmeaning = "no id"\nunits = ["个"]\n', "not toml [", '[[metric]]\nid = "x"\nunits = []\n'])
def test_malformed_catalogues_are_refused(tmp_path: Path, source: str) -> None:
    extra = tmp_path / "metrics.toml"
    extra.write_text(source, "utf-8")
    with pytest.raises(ValueError):
        load_metrics(extra)


def test_builtin_catalogue_has_the_issue_ids() -> None:
    assert load_metrics().ids() == [
        "websites_summoned", "warned_or_fined", "warnings", "fined", "suspended", "apps_removed",
        "mini_programs_closed", "websites_closed", "accounts_closed", "cases_referred",
        "apps_notified", "fine_amount",
    ]


@pytest.mark.parametrize(("text", "published", "expected"), [
    ("5月以来，截至目前，全国网信系统累计关闭违法网站320家。", date(2022, 8, 3), "2022-05..2022-08"),
    ("2月20日以来，各地持续整治。截至4月30日，重点平台永久关闭账号1.2万余个。", date(2023, 5, 8),
     "2023-02-20..2023-04-30"),
    ("From January to May this year, 1,250 illegal websites were closed.", date(2022, 7, 20), "2022-01..2022-05"),
    # a span of months that is a whole quarter or half is written as one
    ("From April to June this year, 1,250 illegal websites were closed.", date(2022, 7, 20), "2022-Q2"),
    ("今年1月至6月，全国网信系统关闭违法网站900家。", date(2022, 7, 20), "2022-H1"),
    # a year that describes an earlier batch of apps is not the period of the count after it
    ("工信部对去年发现问题的APP进行复查，共发现12款APP仍然存在问题。", date(2023, 3, 1), None),
])
def test_figure_periods_as_stated(text: str, published: date, expected: str | None) -> None:
    figures = [f for f in extract(text, published=published).figures if f.metric]
    assert [f.period for f in figures] == [expected]


@pytest.mark.parametrize(("text", "expected"), [
    # the verb before a 、 list governs every item of it
    ("各地累计清理违法信息3000万条，解散关闭群组、论坛等12万个。", [("accounts_closed", 120000)]),
    # a verb no metric counts (处置) keeps the clause from borrowing 清理 from the clause before
    ("各地累计清理违法信息3000万条，处置账号、群组45万个。", [(None, 450000)]),
    # apps and mini programs counted together are neither metric's figure
    ("下架应用程序、小程序1200余款，关闭网站800余家。", [(None, 1200), ("websites_closed", 800)]),
])
def test_the_verb_of_a_list_governs_its_items(text: str, expected: list[tuple[str | None, int]]) -> None:
    assert [(f.metric, f.value) for f in extract(text).figures if f.unit != "条"] == expected


def test_a_headline_and_body_with_national_scopes_are_one_figure() -> None:
    text = ("国家网信办：6月以来关闭违法网站850家\n"
            "6月以来，截至目前，全国网信系统累计关闭违法网站850家。")
    figures = extract(text, published=date(2022, 8, 10)).figures
    assert [(f.metric, f.value, f.period, len(f.other_spans)) for f in figures] == [
        ("websites_closed", 850, "2022-06..2022-08", 1)]


def test_the_same_count_in_two_provinces_is_two_figures() -> None:
    text = "北京市网信办关闭违法网站15家。上海市网信办关闭违法网站15家。"
    assert len([f for f in extract(text).figures if f.metric == "websites_closed"]) == 2


@pytest.mark.parametrize(("text", "expected"), [
    ("Regulators held talks with 1,240 websites last year.", [("websites_summoned", 1240)]),
    ("The campaign shut down 3,100 accounts.", [("accounts_closed", 3100)]),
    ("The ministry removed 480 apps.", [("apps_removed", 480)]),
    ("Thirty-six apps were pulled from app stores.", [("apps_removed", 36)]),
    ("Authorities ordered 90 websites to suspend updates.", [("suspended", 90)]),
    ("Offices handed 210 cases to the police.", [("cases_referred", 210)]),
    ("The agency penalized Orbit $7 million.", [("fine_amount", Decimal(7000000))]),
    ("The watchdog slapped Orbit with a €30m (about £26m) fine.", [("fine_amount", Decimal(30000000))]),
    # a count whose noun the list already gave
    ("Regulators held talks with 2,310 websites and warned 415 during the year.",
     [("websites_summoned", 2310), ("warnings", 415)]),
    ("Some 520 websites were summoned while 96 received warnings.", [("websites_summoned", 520), ("warnings", 96)]),
    # counts coordinated as subjects share the verb after them; a count with a verb of its own keeps it
    ("More than 700 websites and 9,300 apps have been shut down since January.",
     [("websites_closed", 700), ("apps_removed", 9300)]),
    ("Some 300 websites, 200 apps and 4,000 accounts were shut down in March.",
     [("websites_closed", 300), ("apps_removed", 200), ("accounts_closed", 4000)]),
    ("In all 1,549 apps were notified of violations, and 514 were removed.",
     [("apps_notified", 1549), ("apps_removed", 514)]),
    ("Article 12 and 13 of the rules apply to 40 platforms.", [(None, 40)]),
    ("The office summoned 60 platforms, ordered 9 to suspend updates and closed 700 websites.",
     [("websites_summoned", 60), ("suspended", 9), ("websites_closed", 700)]),
    # an English number's own noun is its object
    ("The campaign removed 2,186 apps and 1,020 mini programs.",
     [("apps_removed", 2186), ("mini_programs_closed", 1020)]),
    # apps and mini programs counted together are neither
    ("Authorities took down 2,160 apps and mini programs.", [(None, 2160)]),
    ("依法下架移动应用程序2186款、小程序1020款。", [("apps_removed", 2186), ("mini_programs_closed", 1020)]),
    ("Regulators gave warnings or fines to 1,200 websites.", [("warned_or_fined", 1200)]),
    # a part of a whole counted before it ("40 of the 900 websites") counts the whole's things;
    # the whole is its base, and two nouns of one unit joined by "and" are one noun
    ("Over the year, 40 of the 900 websites and platforms were fined, while 75 had updates halted.",
     [("fined", 40), ("suspended", 75)]),
    ("The office closed 120 of the 3,000 websites it checked.", [("websites_closed", 120)]),
    # counts of companies are no count of websites or platforms
    ("对违规的6家企业分别处以罚款，约谈网站平台12家。", [(None, 6), ("websites_summoned", 12)]),
    ("The regulator fined 15 business operators for failing to report deals.", [(None, 15)]),
    ("主管機關對9家業者裁處罰鍰。", [(None, 9)]),
    ("上月共处罚违规经营单位14家。", [(None, 14)]),
    # …nor are counts of the regions and offices that did the enforcing
    ("全国31个省份网信办开展检查，约谈网站平台52家。", [(None, 31), ("websites_summoned", 52)]),
    ("9个地市执法部门共关闭违法网站60家。", [(None, 9), ("websites_closed", 60)]),
    ("清理违规账号3个，涉及市场推广类账号。", [("accounts_closed", 3)]),
    # what was inspected or tested is no enforcement figure, nor does it borrow the sentence before's verb
    ("工信部累计下架违规APP 500款。今年共检查30万款APP，检测后通报200款。",
     [("apps_removed", 500), (None, 300000), ("apps_notified", 200)]),
    ("监管部门抽查网站120家，约谈其中15家。", [(None, 120), ("websites_summoned", 15)]),
    # each count of a coordinated list has the verb that leads it
    ("The office revoked the licences of 12 websites, issued warnings to 1,500 websites and imposed fines on 200 websites.",
     [("websites_closed", 12), ("warnings", 1500), ("fined", 200)]),
    # the verb after a number is that number's, not the one before
    ("Since 2021, a total of 5,000 apps were tested, 800 apps were ordered to rectify and 60 apps were removed.",
     [(None, 5000), ("apps_notified", 800), ("apps_removed", 60)]),
    # a removal notice: the apps that failed to rectify were removed
    ("The 40 apps that had failed to complete rectification were removed from app stores.",
     [("apps_removed", 40)]),
    ("星河等45款侵害用户权益APP被通报下架", [("apps_removed", 45)]),
    ("下架APP300余个，下架违规商品2000个。", [("apps_removed", 300), (None, 2000)]),
    ("经检测，星河等12款App(名单附后)存在问题。", [("apps_notified", 12)]),
    # verb frames read their variants
    ("检测发现18款App存在超范围收集个人信息问题。", [("apps_notified", 18)]),
    ("截至目前，尚有9款App未按整改通知要求完成整改。", [("apps_notified", 9)]),
])
def test_english_wording_and_the_verb_that_governs_each_number(
        text: str, expected: list[tuple[str | None, int | Decimal]]) -> None:
    assert [(f.metric, f.value) for f in extract(text, published=date(2023, 3, 1)).figures] == expected


def test_a_miit_removal_notice_gives_apps_notified_and_apps_removed() -> None:
    text = ("截至目前，尚有30款APP未按时限要求完成整改（详见附件）。"
            "依据相关规定，我部组织对上述30款APP进行下架。")
    assert [(f.metric, f.value) for f in extract(text).figures] == [("apps_notified", 30), ("apps_removed", 30)]


def test_a_maximum_that_was_imposed_is_the_fine() -> None:
    figures = extract("Before the new law it could only levy the maximum fine of £500,000, which it imposed on Orbit.").figures
    assert [(f.role, f.metric) for f in figures] == [("fine", "fine_amount")]


def test_pinyin_glosses_after_each_character_are_read_past() -> None:
    text = "2022年全年，關(guān)閉違法網(wǎng)站1200家。"
    figure = _only(text, published=date(2023, 1, 20))
    assert (figure.metric, figure.value, figure.period) == ("websites_closed", 1200, "2022")
    assert figure.text == text[figure.start:figure.end] and figure.text.startswith("關(guān)閉")


def test_pinyin_glosses_inside_latin_words_are_read_past() -> None:
    assert [(m.name, m.actions) for m in extract("網信辦依法關(guān)閉了“晨光說車”A(yù)PP。").platforms] == [
        ("晨光說車", ("closed",))]


@pytest.mark.parametrize("text", [
    "Regulators shut down nearly 2,000 websites. In its report the office said 1,936 websites were closed.",
    "The office closed 52K accounts, closing more than 50,000 accounts in a month.",
])
def test_a_qualified_round_number_restates_the_precise_figure(text: str) -> None:
    figures = extract(text).figures
    assert len(figures) == 1, figures
    assert len(figures[0].other_spans) == 1


def test_a_round_number_far_from_the_precise_one_is_its_own_figure() -> None:
    figures = extract("Regulators shut down nearly 3,000 websites. Later 1,936 websites were closed.").figures
    assert [figure.value for figure in figures] == [3000, 1936]


def test_a_headline_that_cuts_the_amount_is_a_repeat() -> None:
    figures = extract("Regulator fines retailer £2.4m\n\nThe regulator fined the retailer £2.45 million.").figures
    assert [(figure.value, len(figure.other_spans)) for figure in figures] == [(Decimal(2450000), 1)]


def test_each_in_another_clause_does_not_split_a_repeat() -> None:
    text = "某公司被罚3.5亿元\n对某公司处人民币3.5亿元罚款，对其两名负责人各处人民币50万元罚款。"
    figures = [f for f in extract(text).figures if f.value == Decimal(350000000)]
    assert len(figures) == 1 and len(figures[0].other_spans) == 1


def test_a_year_inside_a_temporal_clause_does_not_date_later_figures() -> None:
    text = ("The office has closed 4,100 websites since 2016, a pace that quickened after the new chief "
            "took office in 2019. Platforms also closed 2 million accounts.")
    figures = extract(text, published=date(2020, 12, 20)).figures
    # "since 2016" after its verb is the first count's tally to date; the later count states no start.
    assert [(f.value, f.period) for f in figures] == [(4100, "2016-01..2020-12"), (2000000, None)]


def test_a_count_after_with_counts_the_noun_before_it() -> None:
    text = "In 2022, 2,400 websites were investigated, with 1,310 receiving warnings and 95 apps being shut down."
    figures = extract(text, published=date(2023, 1, 20)).figures
    assert [(f.metric, f.value, f.period) for f in figures] == [
        (None, 2400, "2022"), ("warnings", 1310, "2022"), ("apps_removed", 95, "2022")]


@pytest.mark.parametrize(("text", "currency"), [
    ("主管機關對該公司處新臺幣200萬元罰鍰。", "TWD"),
    ("監管機構裁罰該平台新台幣300萬元。", "TWD"),
    ("公署對該公司罰款港幣50萬元。", "HKD"),
])
def test_yuan_after_a_named_currency_counts_that_currency(text: str, currency: str) -> None:
    figure = _only(text)
    assert (figure.metric, figure.currency, figure.role) == ("fine_amount", currency, "fine")


def test_traditional_account_blocking_closes_accounts() -> None:
    figure = _only("依法封鎖違規帳號3.2萬個。")
    assert (figure.metric, figure.value) == ("accounts_closed", 32000)


def test_a_headline_rounding_a_count_is_a_repeat() -> None:
    text = ("Regulator closes 3,900 websites in first quarter\n\n"
            "In the first quarter, the office closed 3,912 illegal websites and summoned 1,040.")
    figures = extract(text, published=date(2023, 4, 30)).figures
    assert [(f.value, f.period, len(f.other_spans)) for f in figures] == [(3912, "2023-Q1", 1), (1040, "2023-Q1", 0)]


@pytest.mark.parametrize(("text", "metric", "value"), [
    ("關停違規小程式40款。", "mini_programs_closed", 40),
    ("關閉違規帳戶2.5萬個。", "accounts_closed", 25000),
    ("移除違規App 20款。", "apps_removed", 20),
    ("下架手機應用程式30款。", "apps_removed", 30),
])
def test_taiwanese_and_hong_kong_words(text: str, metric: str, value: int) -> None:
    figure = _only(text)
    assert (figure.metric, figure.value) == (metric, value)


@pytest.mark.parametrize(("text", "expected"), [
    # a site barred from offering or updating services is suspended, not closed
    ("During the quarter, 36 websites were banned from offering or upgrading services.", [("suspended", 36)]),
    ("Over the month 21 platforms were barred from updating their content.", [("suspended", 21)]),
    # apps let back after fixing their problems are no enforcement count
    ("After rectifying their problems, 9 apps were allowed to return to app stores.", [(None, 9)]),
    ("经整改，9款App已恢复上架。", [(None, 9)]),
    ("經整改，9款App已重新上架。", [(None, 9)]),
])
def test_suspensions_and_apps_let_back(text: str, expected: list[tuple[str | None, int]]) -> None:
    figures = extract(text, published=date(2023, 5, 3)).figures
    assert [(figure.metric, figure.value) for figure in figures] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a number right after a comma is a number (only a digit before the comma makes it a group)
    ("今年以来，300家违法网站被关闭。", [("websites_closed", 300)]),
    ("今年以來,300家違法網站被關閉。", [("websites_closed", 300)]),
    ("经查，20万元罚款已由该公司缴纳。", [("fine_amount", Decimal(200000))]),
    ("The office fined the firm,500,000 yuan in all.", [("fine_amount", Decimal(500000))]),
])
def test_a_number_right_after_a_comma(text: str, expected: list[tuple[str, int | Decimal]]) -> None:
    figures = extract(text, published=date(2023, 5, 3)).figures
    assert [(figure.metric, figure.value) for figure in figures] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # "shut down in 2023": a phrasal verb before the period, no comparison
    ("More than 300 websites were shut down in 2022.", [("websites_closed", 300, "2022")]),
    ("Some 4,800 websites were shut down in the second quarter, while 160 apps were removed from stores.",
     [("websites_closed", 4800, "2022-Q2"), ("apps_removed", 160, "2022-Q2")]),
    # a count whose noun the list before it gave, after a verb with its own noun
    ("Regulators issued warnings to 1,150 platforms and imposed fines on 540.",
     [("warnings", 1150, None), ("fined", 540, None)]),
    ("The office warned 900 websites and imposed penalties on 120.", [("warnings", 900, None), ("fined", 120, None)]),
    # a month after the verb dates the verb's counts; after a participle it dates a noun
    ("Authorities summoned 300 websites in May.", [("websites_summoned", 300, "2022-05..2022-05")]),
    ("The 5 apps identified in March failed to comply.", [("apps_notified", 5, None)]),
    # blocking or restricting access closes a site; an unblocked part reverses it
    ("Last year the ministry restricted access to 40,000 websites, but 3,000 of them were unblocked later.",
     [("websites_closed", 40000, "2021"), (None, 3000, "2021")]),
    ("In 2021 access to some 25,000 websites was restricted.", [("websites_closed", 25000, "2021")]),
    # a year after "by the beginning of" is where a tally stands, no period
    ("By the beginning of 2022, the registry listed 18,000 blocked websites.", [("websites_closed", 18000, None)]),
])
def test_english_counts_their_verbs_and_periods(text: str, expected: list[tuple[str, int, str | None]]) -> None:
    figures = extract(text, published=date(2022, 9, 14), language="en").figures
    assert [(figure.metric, figure.value, figure.period) for figure in figures] == expected


@pytest.mark.parametrize(("text", "language", "expected"), [
    # sites counted in 个, as some reports write them
    ("据报道，监管部门去年共关闭网站逾4,000个。", "zh-Hans", [("websites_closed", 4000, "个", "2021")]),
    ("據報道，監管部門去年共約談網站平台120個。", "zh-Hant", [("websites_summoned", 120, "个", "2021")]),
    # the acting office before the period: the period frames the whole sentence
    ("网信办今年上半年共约谈网站1200家，关停违规账号近两万个。", "zh-Hans",
     [("websites_summoned", 1200, "家", "2022-H1"), ("accounts_closed", 20000, "个", "2022-H1")]),
    ("網信辦今年上半年共約談網站1200家，關停違規帳號近兩萬個。", "zh-Hant",
     [("websites_summoned", 1200, "家", "2022-H1"), ("accounts_closed", 20000, "个", "2022-H1")]),
])
def test_sites_in_ge_and_a_period_after_the_office(text: str, language: str,
                                                   expected: list[tuple[str, int, str, str]]) -> None:
    figures = extract(text, published=date(2022, 9, 14), language=language).figures
    assert [(figure.metric, figure.value, figure.unit, figure.period) for figure in figures] == expected


@pytest.mark.parametrize(("text", "language", "expected"), [
    # a part of a count before it in the sentence counts the same things
    ("The ministry tested 1,200 apps this year, and 56 of them were found to violate user rights.", "en",
     [(None, 1200), ("apps_notified", 56)]),
    ("工信部今年检测App 1200款，其中56款存在侵害用户权益问题。", "zh-Hans", [(None, 1200), ("apps_notified", 56)]),
    ("工信部今年檢測App 1200款，其中56款存在侵害用戶權益問題。", "zh-Hant", [(None, 1200), ("apps_notified", 56)]),
])
def test_a_part_of_a_count_counts_the_same_things(text: str, language: str,
                                                  expected: list[tuple[str | None, int]]) -> None:
    figures = extract(text, published=date(2022, 9, 14), language=language).figures
    assert [(figure.metric, figure.value) for figure in figures] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # adjectives joined by and/or before the counted noun
    ("Regulators shut down over 9,000 illegal and harmful websites this year.", [("websites_closed", 9000)]),
    # "N others" counts more of the things the count before it counted
    ("Regulators closed 1,200 websites and issued warning notices to 450 others.",
     [("websites_closed", 1200), ("warnings", 450)]),
    # a verb of the count's own that no metric has takes the count from the verb before the conjunction
    ("The office suspended updates on 67 websites and punished 23 others.", [("suspended", 67), (None, 23)]),
    # and a metric verb after the conjunction leads the next count, which names no noun
    ("The ministry tested 500 apps and found 30 with problems.", [(None, 500), ("apps_notified", 30)]),
])
def test_english_lists_of_counts(text: str, expected: list[tuple[str | None, int]]) -> None:
    figures = extract(text, published=date(2022, 9, 14), language="en").figures
    assert [(figure.metric, figure.value) for figure in figures] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # "a further N", "another N": more of the things the count before counted
    ("In all, 27 apps were taken off app stores, while a further 64 were told to make corrections.",
     [("apps_removed", 27), ("apps_notified", 64)]),
    ("The ministry removed 30 apps and ordered another 45 to correct their data practices.",
     [("apps_removed", 30), ("apps_notified", 45)]),
])
def test_a_further_count_of_the_same_things(text: str, expected: list[tuple[str, int]]) -> None:
    figures = extract(text, published=date(2022, 9, 14), language="en").figures
    assert [(figure.metric, figure.value) for figure in figures] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # an aside after the count does not end its clause
    ("The ministry ordered 38 apps, including a popular game, to be pulled from app stores.", [("apps_removed", 38)]),
    # counts after a qualifier take the noun of the count before
    ("This year the ministry tested 900,000 apps, named more than 1,800 and removed over 600.",
     [(None, 900000), ("apps_notified", 1800), ("apps_removed", 600)]),
    # apps that have fixed their problems are no count of apps named
    ("Of the 42 apps named earlier, 35 have fixed the problems and 7 have been removed.",
     [("apps_notified", 42), (None, 35), ("apps_removed", 7)]),
    ("此前通报的42款App中，已有35款完成整改，7款被下架。", [("apps_notified", 42), (None, 35), ("apps_removed", 7)]),
])
def test_asides_qualified_counts_and_apps_that_complied(text: str, expected: list[tuple[str | None, int]]) -> None:
    figures = extract(text, published=date(2022, 9, 14)).figures
    assert [(figure.metric, figure.value) for figure in figures] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # fines handed out are no cases handed over
    ("The regulator said it had handed out fines in 28 cases.", [(None, 28)]),
    ("Regulators handed 120 case leads over to the police.", [("cases_referred", 120)]),
    ("Up to 90 cases were handed to judicial organs.", [("cases_referred", 90)]),
])
def test_cases_handed_over_not_fines_handed_out(text: str, expected: list[tuple[str | None, int]]) -> None:
    figures = extract(text, published=date(2022, 9, 14), language="en").figures
    assert [(figure.metric, figure.value) for figure in figures] == expected


@pytest.mark.parametrize(("text", "language", "expected"), [
    # 将 puts the counted cases before the verb that refers them, after a comma too; Hong Kong
    # counts cases in 宗, which counts what 件 counts
    ("公署指出，已將當中1262宗個案交予警方跟進。", "zh-Hant", [("cases_referred", 1262, "件")]),
    ("公署將1461宗涉嫌違反《私隱條例》的個案，轉交警方作刑事調查。", "zh-Hant", [("cases_referred", 1461, "件")]),
    ("网信办将涉嫌违法犯罪的案件线索320件，移交公安机关。", "zh-Hans", [("cases_referred", 320, "件")]),
    ("把其中57宗个案，转介律政司跟进。", "zh-Hans", [("cases_referred", 57, "件")]),
    # cases only looked into are not referred; 将 as "will" fronts nothing
    ("公署將1000宗投訴個案，逐一進行核查。", "zh-Hant", [(None, 1000, "件")]),
    ("网信部门将依法处置违规账号300个，关闭网站20家。", "zh-Hans", [(None, 300, "个"), ("websites_closed", 20, "家")]),
    ("今年处置违规账号将近300个，关闭网站20家。", "zh-Hans", [(None, 300, "个"), ("websites_closed", 20, "家")]),
])
def test_cases_fronted_by_jiang_are_referred_by_the_verb_after_them(
        text: str, language: str, expected: list[tuple[str | None, int, str]]) -> None:
    figures = extract(text, published=date(2022, 9, 14), language=language).figures
    assert [(figure.metric, figure.value, figure.unit) for figure in figures] == expected


@pytest.mark.parametrize(("text", "language", "expected"), [
    # a count that is its sentence's subject takes the verb of the clause after it, when that
    # clause has no subject (an adverb, a passive or the office asked opens it) and no number
    ("其中43家违法违规网站因主体异常，请示省网信办依法关闭。", "zh-Hans", [("websites_closed", 43)]),
    ("未按要求完成整改的3款應用，已於1月3日被下架。", "zh-Hant", [("apps_removed", 3)]),
    ("经查，有8家违法网站，已被依法关闭。", "zh-Hans", [("websites_closed", 8)]),
    # a clause after it with a count of its own keeps its verb
    ("通报存在问题的App 15款，已下架3款。", "zh-Hans", [("apps_notified", 15), ("apps_removed", 3)]),
    # and a clause with no metric verb gives none
    ("工信部检测App 300款，已完成整改。", "zh-Hans", [(None, 300)]),
])
def test_a_count_as_the_subject_takes_the_verb_after_the_comma(
        text: str, language: str, expected: list[tuple[str | None, int]]) -> None:
    figures = extract(text, published=date(2022, 9, 14), language=language).figures
    assert [(figure.metric, figure.value) for figure in figures] == expected


@pytest.mark.parametrize(("text", "language", "expected"), [
    # 取缔 closes sites; sites removed are closed
    ("上半年共取缔非法不良网站1.2万余个。", "zh-Hans", [("websites_closed", 12000)]),
    ("今年以來取締關閉非法網站6400餘個。", "zh-Hant", [("websites_closed", 6400)]),
    ("More than 1,400 registered websites were removed.", "en", [("websites_closed", 1400)]),
    # removed apps stay apps
    ("More than 140 apps were removed.", "en", [("apps_removed", 140)]),
])
def test_sites_banned_or_removed_are_closed(text: str, language: str, expected: list[tuple[str, int]]) -> None:
    figures = extract(text, published=date(2022, 9, 14), language=language).figures
    assert [(figure.metric, figure.value) for figure in figures] == expected


@pytest.mark.parametrize(("text", "language", "expected"), [
    # a part after "out of / of / among the N things": the part counts the same things
    ("Out of the 67,000 permanently closed accounts, nearly 8,000 were shut down for spreading rumours.", "en",
     [("accounts_closed", 67000), ("accounts_closed", 8000)]),
    ("Of the 5,000 accounts checked, 20 were banned.", "en", [(None, 5000), ("accounts_closed", 20)]),
    ("Among the 120 websites summoned, 30 were later closed.", "en", [("websites_summoned", 120), ("websites_closed", 30)]),
    # a number after a period phrase is no part of anything
    ("In the 3 months to June, 45 were removed.", "en", []),
    # apps back on the shelves after a re-check are no removal
    ("另有“甲天气”等12款移动应用程序复核上架。", "zh-Hans", [(None, 12)]),
    ("另有12款App經復核後上架。", "zh-Hant", [(None, 12)]),
])
def test_parts_of_a_whole_and_apps_let_back_after_a_recheck(
        text: str, language: str, expected: list[tuple[str | None, int]]) -> None:
    figures = extract(text, published=date(2022, 9, 14), language=language).figures
    assert [(figure.metric, figure.value) for figure in figures] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # shops and premises counted in 家 are no websites
    ("目前已取缔4家无证照餐饮店。", [(None, 4)]),
    ("執法人員關閉8家違規經營的門店。", [(None, 8)]),
    ("共关闭违法网站4家。", [("websites_closed", 4)]),
])
def test_shops_are_no_websites(text: str, expected: list[tuple[str | None, int]]) -> None:
    figures = extract(text, published=date(2022, 9, 14)).figures
    assert [(figure.metric, figure.value) for figure in figures] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a verb after a 、 list governs each item, and the noun after each measure word says what
    # the item counts
    ("截至目前，尚有7款APP、1款小程序未完成整改。", [("apps_notified", 7), (None, 1)]),
    ("經核查，仍有5款App、3款小程式未完成整改。", [("apps_notified", 5), (None, 3)]),
    ("依法下架3款App、2款小程序。", [("apps_removed", 3), ("mini_programs_closed", 2)]),
    # an item with its own verb keeps it
    ("下架违规App 30款、通报小程序12款。", [("apps_removed", 30), (None, 12)]),
])
def test_a_verb_after_a_list_and_the_noun_after_each_count(text: str, expected: list[tuple[str | None, int]]) -> None:
    figures = extract(text, published=date(2022, 9, 14)).figures
    assert [(figure.metric, figure.value) for figure in figures] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # in a compound noun the last noun is the thing counted: 网站平台账号 are accounts
    ("约谈网站平台账号180余个，协调关闭网站平台122家。", [(None, 180), ("websites_closed", 122)]),
    ("關閉網站帳號300個。", [("accounts_closed", 300)]),
    ("约谈网站平台180家。", [("websites_summoned", 180)]),
    # items of a list are no compound
    ("下架App、小程序2890余款。", [(None, 2890)]),
    # a site or account closed by its owner is no enforcement
    ("另有1039家域名过期网站经警示教育后主动注销。", [(None, 1039)]),
    ("另有30個網站自行關閉。", [(None, 30)]),
    # …but one ordered to close itself was closed by the order
    ("网信办责令30家违法网站自行关闭。", [("websites_closed", 30)]),
    ("Another 40 websites closed voluntarily after warnings.", [(None, 40)]),
    ("Regulators closed 40 websites after warnings.", [("websites_closed", 40)]),
])
def test_compound_nouns_and_closures_of_their_own_accord(text: str, expected: list[tuple[str | None, int]]) -> None:
    figures = extract(text, published=date(2022, 9, 14)).figures
    assert [(figure.metric, figure.value) for figure in figures] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the count under a list's title counts the list, with the title's verb and noun
    ("附件\n廣東省通信管理局通報下架的APP名單\n(2022年11月,共11款)", [("apps_removed", 11)]),
    ("附件：存在侵害用户权益行为的APP名单\n（共23款）", [("apps_notified", 23)]),
    # a title without a metric's verb, or no list, gives none
    ("附件：检测APP名单\n（共300款）", [(None, 300)]),
    ("关于下架APP的通知\n（共11款）", [(None, 11)]),
])
def test_the_count_under_a_lists_title(text: str, expected: list[tuple[str | None, int]]) -> None:
    figures = extract(text, published=date(2022, 11, 15)).figures
    assert [(figure.metric, figure.value) for figure in figures] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # what a clause hands to another authority does not borrow the closing verb before it
    ("依法处置违法违规公众账号3个，其中2个公众账号主体移交市市场监督管理局依法实施行政处罚。", [(None, 3), (None, 2)]),
    ("關閉違法違規帳號300個，其中20個移交公安機關。", [("accounts_closed", 300), (None, 20)]),
    # a list after one verb still shares it
    ("关闭违法网站300家、账号2000个。", [("websites_closed", 300), ("accounts_closed", 2000)]),
])
def test_what_is_handed_over_borrows_no_verb(text: str, expected: list[tuple[str | None, int]]) -> None:
    figures = extract(text, published=date(2022, 1, 4)).figures
    assert [(figure.metric, figure.value) for figure in figures] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # apps made to rectify (督促整改, 要求整改, 查处整改) are apps told to fix their problems
    ("2019年11月以来，公安部集中查处整改了100款违法违规APP。", [("apps_notified", 100)]),
    ("省通信管理局督促整改App 45款。", [("apps_notified", 45)]),
    ("對32款App要求整改。", [("apps_notified", 32)]),
    # apps that have rectified are no count of apps named
    ("经复查，已有30款App完成整改。", [(None, 30)]),
])
def test_apps_made_to_rectify(text: str, expected: list[tuple[str | None, int]]) -> None:
    figures = extract(text, published=date(2019, 12, 5)).figures
    assert [(figure.metric, figure.value) for figure in figures] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a part announced by "of which", "Of these," or 其中 counts what the whole before it counted
    ("The campaign closed 67,000 accounts. Of these, nearly 8,000 were shut down for spreading rumours.",
     [("accounts_closed", 67000), ("accounts_closed", 8000)]),
    ("The campaign closed 67,000 accounts, of which 8,000 were shut down for spreading rumours.",
     [("accounts_closed", 67000), ("accounts_closed", 8000)]),
    ("专项行动关闭账号6.7万个，其中8000个因传播谣言被关闭。", [("accounts_closed", 67000), ("accounts_closed", 8000)]),
    ("專項行動關閉帳號6.7萬個，其中近8000個因傳播謠言被封禁。", [("accounts_closed", 67000), ("accounts_closed", 8000)]),
    # an English part with no verb of its own reports no action
    ("Regulators fined 30 websites. Of these, 12 were in Beijing.", [("fined", 30), (None, 12)]),
])
def test_a_part_announced_after_its_whole(text: str, expected: list[tuple[str | None, int]]) -> None:
    figures = extract(text, published=date(2023, 5, 28)).figures
    assert [(figure.metric, figure.value) for figure in figures] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # 对 fronts what the verb after the comma acts on; a verb inside its …的 only describes them
    ("对拒不整改的12款App，工信部已责令应用商店予以下架。", [("apps_removed", 12)]),
    ("對未按要求完成整改的8款App，依法予以下架。", [("apps_removed", 8)]),
    ("对违法违规的120家网站，依法予以关闭。", [("websites_closed", 120)]),
    # no metric verb after the comma, or a count of its own there: the clause keeps its verb
    ("对存在问题的30款App，工信部进行了检测。", [("apps_notified", 30)]),
    ("对存在问题的30款App，已下架5款。", [("apps_notified", 30), ("apps_removed", 5)]),
])
def test_what_dui_fronts_takes_the_verb_after_the_comma(text: str, expected: list[tuple[str | None, int]]) -> None:
    figures = extract(text, published=date(2025, 8, 21)).figures
    assert [(figure.metric, figure.value) for figure in figures] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a period ending an English sentence after its last count frames every count of it, and
    # a noun-less count after ", <verb>ed <noun> to" takes the noun of the list
    (("Cyberspace authorities interviewed 1,843 website platforms, issued warnings to 1,042, and shut down "
      "9,122 illegal websites in the first half of the year."),
     [("websites_summoned", 1843, "2023-H1"), ("warnings", 1042, "2023-H1"), ("websites_closed", 9122, "2023-H1")]),
    ("The office summoned 40 platforms, and removed 300 apps from app stores last year.",
     [("websites_summoned", 40, "2022"), ("apps_removed", 300, "2022")]),
    # not when the period dates the base of a comparison
    ("Regulators closed 300 websites, compared with 200 in 2022.", [("websites_closed", 300, None), (None, 200, "2022")]),
    # "N of the things" counts those things
    ("The privacy commissioner said 1,262 of the cases had been referred to police.", [("cases_referred", 1262, None)]),
])
def test_a_sentence_final_period_and_counts_of_the_things(text: str, expected: list[tuple[str | None, int, str | None]]) -> None:
    figures = extract(text, published=date(2023, 8, 21), language="en").figures
    assert [(figure.metric, figure.value, figure.period) for figure in figures] == expected


def _counts(text: str, published: date = date(2024, 2, 1)) -> list[tuple[str | None, int | Decimal]]:
    return [(f.metric, f.value) for f in extract(text, published=published).figures if f.currency is None]


@pytest.mark.parametrize(("text", "expected"), [
    # coordinated 对-phrases, each with its own verb after 的
    ("本年度对812家网站的约谈和对96家平台的罚款，显示了监管力度。",
     [("websites_summoned", 812), ("fined", 96)]),
    ("對812家網站平台的約談以及對96家網站平台的警告或罰款",
     [("websites_summoned", 812), ("warned_or_fined", 96)]),
    # two verbs listed with 、 are one predicate: warned or fined, counted together
    ("全年警告、罚款违规网站平台96家。", [("warned_or_fined", 96)]),
    ("對96家網站平台給予警告、罰款處罰。", [("warned_or_fined", 96)]),
    # …while 、 between two counts still separates their verbs
    ("约谈网站平台300家、警告网站平台40家。", [("websites_summoned", 300), ("warnings", 40)]),
    # English: the second count's verb with two nouns joined by or/and, its noun left out
    ("Regulators held talks with 812 websites, and issued warnings or fines to 96 that broke the rules.",
     [("websites_summoned", 812), ("warned_or_fined", 96)]),
    ("Officials summoned 812 websites to talks and imposed warnings and fines on 96.",
     [("websites_summoned", 812), ("warned_or_fined", 96)]),
    ("The offices warned or fined 96 websites and platforms over the year.", [("warned_or_fined", 96)]),
    # the rare counts: sites fined, mini programs closed
    ("A total of 96 platforms were fined.", [("fined", 96)]),
    ("The office imposed fines on 96 websites.", [("fined", 96)]),
    ("依法对96家网站平台予以罚款。", [("fined", 96)]),
    ("Authorities shut down 96 mini programs and removed 30 apps.",
     [("mini_programs_closed", 96), ("apps_removed", 30)]),
    ("關閉違規小程式96個。", [("mini_programs_closed", 96)]),
])
def test_each_count_takes_the_verb_of_its_own_phrase(text: str, expected: list[tuple[str, int]]) -> None:
    assert _counts(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # free English verbs of news reports, and "N more" after a count
    ("It gave warnings to 700 websites and fined 90 more.", [("warnings", 700), ("fined", 90)]),
    ("More than 800 mini programs were taken offline.", [("mini_programs_closed", 800)]),
    ("The office took action against 800 mini programs.", [("mini_programs_closed", 800)]),
    ("清理违规小程序800余个。", [("mini_programs_closed", 800)]),
    ("封禁違規小程式800個。", [("mini_programs_closed", 800)]),
])
def test_news_wording_of_rare_counts(text: str, expected: list[tuple[str, int]]) -> None:
    assert _counts(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("網信部門已查封違規自媒體帳號700多個。", [("accounts_closed", 700)]),
    ("By Friday, 40 accounts had been deleted and 120 more disabled.", [("accounts_closed", 40), ("accounts_closed", 120)]),
])
def test_account_closing_verbs_of_news_reports(text: str, expected: list[tuple[str, int]]) -> None:
    assert _counts(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # one number counting two kinds of things, whatever the unit, is no catalogue figure
    ("依法对48家违规网站平台、账号进行约谈。", [(None, 48)]),
    ("约谈处罚网站、“自媒体”账号6家。", [(None, 6)]),
    ("The office closed 2,500 websites and social media accounts.", [(None, 2500)]),
    # …while two kinds each with its own number, and two words of one kind, are figures
    ("关闭网站120家、账号900个。", [("websites_closed", 120), ("accounts_closed", 900)]),
    ("The office closed 2,500 websites and platforms.", [("websites_closed", 2500)]),
])
def test_a_number_counting_two_kinds_of_things_is_no_figure(text: str, expected: list[tuple[str | None, int]]) -> None:
    assert _counts(text) == expected


def test_a_headline_count_in_the_generic_measure_word_is_the_bodys_count() -> None:
    text = "本季度关闭61个违法网站\n本季度，全省依法关闭各类违法违规网站61家。"
    figures = extract(text, published=date(2024, 7, 20)).figures
    assert [(f.metric, f.value, f.unit, len(f.other_spans)) for f in figures] == [("websites_closed", 61, "家", 1)]


def test_a_stray_question_mark_before_a_comma_does_not_end_the_headline() -> None:
    figures = extract("这12款App?,被下架!\n工信部通报称……", published=date(2024, 7, 20)).figures
    assert [(f.metric, f.value) for f in figures] == [("apps_removed", 12)]


@pytest.mark.parametrize(("text", "expected"), [
    # a list set off by dashes names the things counted; the verb after it governs the count
    ("The three video apps — Alpha, Beta Live, and Gamma — were removed from app stores.", [("apps_removed", 3)]),
    ("这5款应用——甲、乙、丙、丁和戊——已被下架。", [("apps_removed", 5)]),
    # a count whose sentence reports no measure, acted on in the next sentence referring back to it
    ("“甲**”“乙**”等9个账号恶意炒作、发布虚假信息。已责令平台对上述账号予以关闭。", [("accounts_closed", 9)]),
    # …and when the count already has its own metric, the stronger measure taken on the same
    # things later is a second statement of the count
    ("尚有6款App未按要求完成整改。工信部组织对上述App进行下架。", [("apps_notified", 6), ("apps_removed", 6)]),
    ("仍有11款应用未完成整改（名单见附件）。\n\n根据有关规定（〔2019〕12号文），主管部门已对以上应用予以下架。",
     [("apps_notified", 11), ("apps_removed", 11)]),
    # …not when the later sentence counts on its own, nor when the measure is still to come
    ("尚有6款App未完成整改。工信部组织对上述8款App进行下架。", [("apps_notified", 6), ("apps_removed", 8)]),
    ("尚有6款App未按要求完成整改。上述App应于5月前完成整改，逾期将予以下架。", [("apps_notified", 6)]),
    # a later clause of the count's own sentence acting on all of them
    ("抽查中共有14个App被查出超范围索取权限，目前，问题App已全部下架。", [("apps_removed", 14)]),
    # …not when that clause counts on its own, nor when the measure is still to come
    ("共有14个App被查出超范围索取权限，其中3个App已全部下架。", [(None, 14), ("apps_removed", 3)]),
    ("抽查中共有14个App被查出超范围索取权限，逾期不改的将全部下架。", [(None, 14)]),
])
def test_the_verb_after_an_aside_or_in_the_next_sentence_governs_the_count(
        text: str, expected: list[tuple[str, int]]) -> None:
    assert _counts(text) == expected


def test_a_dashed_list_after_an_earlier_count_keeps_its_verb() -> None:
    text = ("Three video apps were pulled from stores.\n\nThe three video apps — Alpha, Beta Live, and Gamma — "
            "were removed from several stores on Monday. Alpha has 90 million users.")
    figures = [f for f in extract(text, published=date(2024, 2, 1)).figures if f.metric == "apps_removed"]
    # the body's dashed statement is the same fact as the headline's, so it joins it
    assert [(f.value, len(f.other_spans)) for f in figures] == [(3, 1)]


def test_a_relative_clause_after_an_including_list_governs_the_count() -> None:
    text = "The second list contained 27 apps including Alpha, Beta Maps and Gamma Pay, which were told to fix their problems by March."
    assert _counts(text) == [("apps_notified", 27)]


@pytest.mark.parametrize(("text", "expected"), [
    ("The ministry publicly criticised 45 apps over data grabs.", [("apps_notified", 45)]),
    ("45 apps were blacklisted by the ministry.", [("apps_notified", 45)]),
    ("公开曝光45款违规App。", [("apps_notified", 45)]),
    ("Regulators have purged 8,000 illegal websites.", [("websites_closed", 8000)]),
])
def test_free_verbs_of_naming_apps_and_closing_sites(text: str, expected: list[tuple[str, int]]) -> None:
    assert _counts(text) == expected


@pytest.mark.parametrize("text", ["去年关闭违法网站300家，其中20家已解封。", "2021年共关闭违法网站300家，解除封禁网站20家。"])
def test_sites_unblocked_again_are_no_sites_closed(text: str) -> None:
    figures = extract(text, published=date(2022, 3, 1)).figures
    assert [(f.metric, f.value) for f in figures] == [("websites_closed", 300), (None, 20)]


@pytest.mark.parametrize(("text", "language"), [
    ("去年當局封鎖網站120個。", "zh-Hant"),
    ("去年共屏蔽违法网站120家。", "zh-Hans"),
    ("Last year the authorities blocked 120 websites.", "en"),
])
def test_blocking_websites_closes_them(text: str, language: str) -> None:
    figures = extract(text, published=date(2024, 5, 1), language=language).figures
    assert [(f.metric, f.value, f.period) for f in figures] == [("websites_closed", 120, "2023")]


@pytest.mark.parametrize(("text", "expected"), [
    # a ban or block of apps, in any tense, takes them off the stores
    ("The ministry said it would ban 42 foreign apps on security grounds.", [("apps_removed", 42)]),
    ("Officials are banning 15 more gaming apps this week.", [("apps_removed", 15)]),
    ("The order will block 31 mobile apps from Friday.", [("apps_removed", 31)]),
    # …and notices sent to apps name them
    ("The agency has issued notices to 12 apps over data collection.", [("apps_notified", 12)]),
    # 下线 and 删除 of apps counted in 款 take them off the stores like 下架
    ("监管部门要求应用商店下线违规直播应用23款。", [("apps_removed", 23)]),
    ("共删除各类违规客户端16款。", [("apps_removed", 16)]),
    # 查处 apps is naming them for violations
    ("全市共查处违规收集个人信息的APP软件31款。", [("apps_notified", 31)]),
    # apps found 存在违法… (collecting data unlawfully) are named for it, like 存在违规
    ("抽检发现9款App存在违法收集个人信息行为。", [("apps_notified", 9)]),
])
def test_app_bans_blocks_and_takedowns_in_other_words(text: str, expected: list[tuple[str, int]]) -> None:
    assert _counts(text) == expected


@pytest.mark.parametrize("text", ["依法关闭违规微信公众号14个。", "關閉違規公眾號14個。"])
def test_official_accounts_are_accounts(text: str) -> None:
    assert _counts(text) == [("accounts_closed", 14)]


@pytest.mark.parametrize(("text", "expected"), [
    # a count that is its sentence's subject takes the stronger measure of the sentence's
    # predicate, after the clauses saying why
    ("甲乙、丙丁等14款App因存在违规行为，且未按期整改，现被通报下架。", [("apps_removed", 14)]),
    ("仍有4款应用未完成整改，目前均被下架。", [("apps_removed", 4)]),
    # …not a measure still to come, nor a predicate that names no stronger one
    ("14款App因存在违规行为，且未按期整改，逾期将被下架。", [("apps_notified", 14)]),
    ("14款App因存在违规行为，且未按期整改，现被通报。", [("apps_notified", 14)]),
])
def test_a_count_as_subject_takes_the_stronger_measure_of_its_predicate(
        text: str, expected: list[tuple[str, int]]) -> None:
    assert _counts(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # closings counted together with a lighter measure say how many were closed of none
    ("各平台封禁降级违规自媒体账号2.3万个。", [(None, 23000)]),
    ("平台关闭或禁言违规账号3200个。", [(None, 3200)]),
    ("The platforms closed or restricted 3,200 accounts.", [(None, 3200)]),
    # …and a lighter measure of its own does not borrow the closing verb before it
    ("平台关闭违规账号3200个，禁言账号500个。", [("accounts_closed", 3200), (None, 500)]),
    # …also as the next item of a list joined by 、
    ("平台关闭违规账号3200个、禁言账号500个。", [("accounts_closed", 3200), (None, 500)]),
    ("平台关闭直播间、禁言账号500个。", [(None, 500)]),
    ("The platforms closed 3,200 accounts.", [("accounts_closed", 3200)]),
])
def test_closings_counted_with_lighter_measures_are_no_closings(
        text: str, expected: list[tuple[str | None, int]]) -> None:
    assert _counts(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a big unit alone after a qualifier is the round number it qualifies
    ("今年以来关闭涉诈账号近万个。", [("accounts_closed", 10000)]),
    ("全年依法關閉違法網站上千家。", [("websites_closed", 1000)]),
    # …and without one it is no number
    ("关闭账号万个。", []),
])
def test_a_qualified_round_unit_is_a_count(text: str, expected: list[tuple[str | None, int]]) -> None:
    assert _counts(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # 组织/召集 brings the counted together for what the next clause does
    ("市监局组织甲、乙、丙等9家网络订票平台，就退票收费问题召开行政约谈会。", [("websites_summoned", 9)]),
    ("区网信办召集6家直播平台，进行集中约谈。", [("websites_summoned", 6)]),
    # …not for a clause that reports something else about them
    ("区网信办组织6家直播平台开展自查，关闭违规账号200个。", [(None, 6), ("accounts_closed", 200)]),
    # a parenthesis inside the list (a stock code, a former name) is an aside
    ("市监局组织甲（0123）、乙（4567）、丙等9家网络订票平台，就退票收费问题召开行政约谈会。", [("websites_summoned", 9)]),
])
def test_the_platforms_convened_take_the_measure_of_the_next_clause(
        text: str, expected: list[tuple[str | None, int]]) -> None:
    assert _counts(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("截至目前，仍有11款APP未整改或整改不到位，现予以全网下架处置。", [("apps_removed", 11)]),
    ("截至目前，尚有6款APP未整改或整改不到位，现予以公开通报。", [("apps_notified", 6)]),
    # a removal only threatened leaves the apps notified
    ("截至目前，尚有6款APP未整改，若逾期仍未整改，将依法予以下架。", [("apps_notified", 6)]),
])
def test_apps_that_failed_to_comply_take_the_measure_now_taken(text: str, expected: list[tuple[str, int]]) -> None:
    assert [(figure.metric, figure.value) for figure in extract(text).figures] == expected


def test_working_days_are_no_count() -> None:
    assert extract("相關App營運者應自通報發佈之日起15個工作天內完成整改。").figures == []


def test_an_amount_punished_is_a_fine() -> None:
    found = extract("Orbit will be punished KRW 69.2 billion for the breach.", language="en")
    assert [(figure.metric, figure.value) for figure in found.figures] == [("fine_amount", 69_200_000_000)]


@pytest.mark.parametrize(("text", "expected"), [
    ("同時，督導各應用商店開展清理，共從應用商店移出無新聞服務資質應用程序7.2萬款。", [("apps_removed", 72_000)]),
])
def test_apps_moved_out_of_or_deleted_from_stores_are_removed(text: str, expected: list[tuple[str, int]]) -> None:
    assert [(figure.metric, figure.value) for figure in extract(text).figures] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # app stores are platforms: summoned, their downloads suspended, counted as platforms
    ("省网信办集体约谈12家主要应用商店，督促落实主体责任。", [("websites_summoned", 12)]),
    ("The office summoned the heads of 12 major application stores.", [("websites_summoned", 12)]),
    ("对某某等6家应用商店依法采取停止下载服务处置措施。", [("suspended", 6)]),
    ("The office removed 40 apps from 12 app stores.", [("apps_removed", 40), (None, 12)]),
    # apps cleaned up are taken off the stores
    ("专项行动期间，清理移动应用程序1234款。", [("apps_removed", 1234)]),
    # a shop is still a company, not a platform
    ("查处违规商店12家。", [(None, 12)]),
])
def test_app_stores_are_counted_as_platforms(text: str, expected: list[tuple[str | None, int]]) -> None:
    assert [(figure.metric, figure.value) for figure in extract(text).figures] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a function an app must offer its users is no measure taken on the apps
    ("检测发现，仍有23款App存在未按法律规定提供删除或更正个人信息功能的问题。", [("apps_notified", 23)]),
    ("另有9款App存在无法注销账号问题。", [("apps_notified", 9)]),
    # the measure itself still counts
    ("依法删除违规App 30款。", [("apps_removed", 30)]),
])
def test_a_function_an_app_lacks_is_no_measure(text: str, expected: list[tuple[str, int]]) -> None:
    assert [(figure.metric, figure.value) for figure in extract(text).figures] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a count of apps tested is no count of apps named, whatever campaign the text names before
    ("工信部持续开展APP侵害用户权益专项整治。截至目前，共完成12万款APP的技术检测工作，通报违规APP 860款。",
     [(None, 120_000), ("apps_notified", 860)]),
    ("抽检了500款App，其中32款存在违规收集个人信息问题。", [(None, 500), ("apps_notified", 32)]),
    # found by testing, the count is what was found
    ("检测发现52款App存在问题。", [("apps_notified", 52)]),
])
def test_a_count_of_things_tested_is_no_figure(text: str, expected: list[tuple[str | None, int]]) -> None:
    assert [(figure.metric, figure.value) for figure in extract(text).figures] == expected


def test_the_measure_a_later_clause_takes_by_law_and_rule_is_the_counts() -> None:
    text = "经查，“晨光说车”等4款App存在违规收集问题，违反《个人信息保护法》等法律法规，依法依规予以下架处置。"
    assert [(figure.metric, figure.value) for figure in extract(text).figures] == [("apps_removed", 4)]


def test_a_verb_inside_a_quoted_name_is_no_verb() -> None:
    text = "国家网信办依法查处“极速清理管家”等35款违法违规App。"
    assert [(figure.metric, figure.value) for figure in extract(text).figures] == [("apps_notified", 35)]


def test_the_stronger_action_of_another_count_is_not_this_ones() -> None:
    text = "附件：依法予以下架处置的6款App和责令限期整改的41款App清单"
    assert [(figure.metric, figure.value) for figure in extract(text).figures] == [
        ("apps_removed", 6), ("apps_notified", 41)]
