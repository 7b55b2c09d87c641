"""Lists a notice introduces as what it acts on: every item is a platform with the list's action,
whether the registry knows its name or not."""

from __future__ import annotations

import pytest

from diffing.extract import extract


def _read(text: str) -> list[tuple[str | None, str, tuple[str, ...]]]:
    return [(mention.id, mention.name, mention.actions) for mention in extract(text).platforms]


@pytest.mark.parametrize(("text", "expected"), [
    # the kind and its verb before the items, a bracketed gloss on the kind
    (("经复检，尚有4款APP(SDK)未按要求整改，现对上述APP(SDK)采取下架处理。\n"
      "下架APP(SDK)分别是晴川天气、小云记账、青橙阅读、云朵相册。"),
     [(None, name, ("removed",)) for name in ("晴川天气", "小云记账", "青橙阅读", "云朵相册")]),
    # Traditional characters, and a list that opens the next line
    ("經核查，下架的應用程式名單如下：\n晴川天氣、小雲記賬、青橙閱讀",
     [(None, name, ("removed",)) for name in ("晴川天氣", "小雲記賬", "青橙閱讀")]),
])
def test_items_take_the_verb_said_of_their_kind(text: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _read(text) == expected


def test_a_numbered_list_runs_to_the_last_number_in_sequence() -> None:
    text = ("某国宣布禁止4款外国应用程式。\n4款被禁的应用程式名单如下：\n"
            "1.Cloud Notes 2.River Reader3.Sunny Weather 4.Quick Cam\n本台记者报道。")
    assert _read(text) == [(None, name, ("removed",))
                           for name in ("Cloud Notes", "River Reader", "Sunny Weather", "Quick Cam")]


@pytest.mark.parametrize(("text", "expected"), [
    # the verb in a participle of the introduction
    ("Other apps that have been blocked include Cloud Notes, River Reader and Quick Cam.",
     [(None, name, ("removed",)) for name in ("Cloud Notes", "River Reader", "Quick Cam")]),
    # the count of the introduction is the one an earlier sentence blocks
    (("The ministry blocked 12 more mobile apps on Tuesday. Officials gave no reason. "
      "The list of 12 mobile apps includes Cloud Notes, River Reader and popular game Star Fleet."),
     [(None, name, ("removed",)) for name in ("Cloud Notes", "River Reader", "Star Fleet")]),
])
def test_english_lists_take_the_measure_said_of_their_count(
        text: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _read(text) == expected


def test_apps_a_regulator_lists_for_violations_are_notified() -> None:
    text = ("网信办通报，5个应用程序违规收集个人信息，要求限期整改。\n"
            "经检测的5个应用程序，包括晴川输入法、小云输入法等3个输入法，青橙地图、云朵地图等2个地图应用。")
    assert _read(text) == [(None, name, ("notified",)) for name in ("晴川输入法", "小云输入法", "青橙地图", "云朵地图")]


def test_an_item_holding_a_registry_name_is_that_platforms_product_by_its_whole_name() -> None:
    text = "The banned apps are: QQ Player, Cloud Notes and Baidu Translate."
    assert _read(text) == [("qq", "QQ Player", ("removed",)), (None, "Cloud Notes", ("removed",)),
                           ("baidu", "Baidu Translate", ("removed",))]


@pytest.mark.parametrize("text", [
    # conducts, not names
    "下架APP分别是：违规收集个人信息、强制用户使用定向推送功能、频繁索取权限。",
    # more items than the count says: not the list of that count
    "下架的3款APP分别是晴川天气、小云记账、青橙阅读、云朵相册。",
    # a list with no verb and no count a verb is said of: no action to give
    "常见的APP分别是晴川天气、小云记账、青橙阅读。",
    # "were banned under Section 69A": no list after "were"
    "Another 118 apps were banned under Section 69A of the Act.",
])
def test_no_list_of_conducts_too_many_items_or_no_measure(text: str) -> None:
    assert all(mention.actions == () or mention.id is not None for mention in extract(text).platforms)
    assert not [mention for mention in extract(text).platforms if mention.id is None and mention.actions]


def test_a_markdown_table_without_a_number_column() -> None:
    text = ("决定对上述2款问题APP进行下架。\n附件：下架APP名单\n"
            "应用名称 | 应用开发者 | 应用来源 | 应用版本 | 问题项 |\n"
            "晴川天气 | 某某晴川科技有限公司 | 应用宝 | 1.0.1 | 违规收集个人信息 |\n"
            "APP强制、频繁、过度索取权限 | ||||\n"
            "小云记账 | 某某小云网络有限公司 | 360手机助手 | 2.3 | 违规收集个人信息 |\n")
    mentions = extract(text).platforms
    assert [(m.name, m.actions, m.operator) for m in mentions] == [
        ("晴川天气", ("removed",), "某某晴川科技有限公司"), ("小云记账", ("removed",), "某某小云网络有限公司")]


@pytest.mark.parametrize(("text", "expected"), [
    # 及 ending 提及 separates no names: the list starts after 针对
    ("通报又特别提及针对晴川网、小云网等网络平台履行主体责任不力，依法约谈相关负责人。", ["晴川网", "小云网"]),
    # 就 (as to) opens the first name as 对 does
    ("网信办就晴川网、小云网等网站平台管理不严等问题依法约谈。", ["晴川网", "小云网"]),
    # the measure taken ends the words before the first name
    ("个人资料保护局公开谴责晴川网、小云网等网站。", ["晴川网", "小云网"]),
    ("个人资料保护局公开谴责景星晴川贸易有限公司，并科处罚款。", ["景星晴川贸易有限公司"]),
])
def test_a_lists_first_name_starts_after_the_words_that_lead_to_it(text: str, expected: list[str]) -> None:
    assert [mention.name for mention in extract(text).platforms] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a list closed by its kind, in a notice counting apps that failed to rectify
    ("工信部通报，截至通报日期尚有101款APP未完成整改，晴川天气、小云阅读等应用上榜。",
     [("晴川天气", ("notified",)), ("小云阅读", ("notified",))]),
    # the count the list closes with is the one the notice acts on elsewhere
    ("网信办下架违法违规应用程序12款。其中，晴川天气、小云阅读等12款应用程序传播低俗信息。",
     [("晴川天气", ("removed",)), ("小云阅读", ("removed",))]),
    # a fine on another party earlier in the sentence is not the list's
    ("对豆瓣处以罚款，小云网、青橙网等平台负责人到场。", [("豆瓣", ("fined",)), ("小云网", ()), ("青橙网", ())]),
])
def test_a_list_closed_by_its_kind_takes_what_the_notice_does_to_its_count(
        text: str, expected: list[tuple[str, tuple[str, ...]]]) -> None:
    assert [(mention.name, mention.actions) for mention in extract(text).platforms] == expected


def test_stopping_downloads_from_app_stores_suspends_them() -> None:
    text = "对晴川下载、小云应用市场等2家应用商店依法依规采取停止下载服务处置措施。"
    assert [(mention.name, mention.actions) for mention in extract(text).platforms] == [
        ("晴川下载", ("suspended",)), ("小云应用市场", ("suspended",))]


@pytest.mark.parametrize(("text", "expected"), [
    # ", including" after a count of websites: blocking websites closes them (apps: removes)
    (("The ministry blocked at least five websites, including Cloud Notes, gaming sites like Star Fleet "
      "and River Reader, and online payment firm QuickPay."),
     [(None, name, ("closed",)) for name in ("Cloud Notes", "Star Fleet", "River Reader", "QuickPay")]),
    ("The ministry blocked 12 apps, including Cloud Notes, Star Fleet and River Reader.",
     [(None, name, ("removed",)) for name in ("Cloud Notes", "Star Fleet", "River Reader")]),
    # an owner's product by its own name; a phrase after the list is no item
    (("The ministry blocked 12 more apps, including Orbit Group's shopping app Cloud Mall, Star Fleet and "
      "River Reader, in a new wave of bans amid a dispute with Freedonia."),
     [(None, name, ("removed",)) for name in ("Cloud Mall", "Star Fleet", "River Reader")]),
])
def test_an_english_count_then_including(text: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _read(text) == expected


def test_semicolons_part_a_list_whose_items_commas_describe() -> None:
    text = ("Forty-one mobile apps were named by the ministry for infringing users' rights. These apps "
            "include QQ, a popular instant messaging app; Cloud Notes; and FlashEx, an express delivery app, "
            "the ministry said.")
    assert _read(text) == [("qq", "QQ", ("notified",)), (None, "Cloud Notes", ("notified",)),
                           ("flashex", "FlashEx", ("notified",))]


def test_a_closed_list_with_glosses_and_a_modifier_before_its_kind() -> None:
    # 等59个中国App: the count's action, where the notice states it with a verb (禁止59款…)
    text = "某国将永久停用Helo(海乐)、WeChat(微信)等59个中国App。某国先前宣布禁止59款中国应用程序。"
    assert [(m.id, m.actions) for m in extract(text).platforms if m.actions] == [
        ("helo", ("removed",)), ("wechat", ("removed",))]


@pytest.mark.parametrize(("text", "expected"), [
    # a name may open on 及 or 和 (及时雨, 和平精英) or hold 信息 (a company-style app name)
    ("4款违规APP名单：晴空记账、及时雨信息、和平相册、云朵天气。",
     [(None, name, ("notified",)) for name in ("晴空记账", "及时雨信息", "和平相册", "云朵天气")]),
])
def test_list_items_that_open_on_a_conjunction_or_hold_a_problem_word(
        text: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _read(text) == expected


def test_the_body_that_signs_under_a_list_heading_is_no_item() -> None:
    text = "共发现3款APP仍然存在问题。\n\n附件：工业和信息化部通报存在问题的APP名单\n\n工业和信息化部信息通信管理局\n\n2022年3月14日"
    assert _read(text) == []


def test_a_line_that_counts_a_kind_heads_the_list_on_the_next_line() -> None:
    # a repost that breaks its lines every few words: the verb, then the count, then the names
    text = ("国家网信办公布，\n\n首批清理下架\n\n4款违法违规移动应用程序\n\n"
            "晴空记账、晨读英语、青橙天气、云朵相册\n\n国家网信办将持续推进整治工作。")
    assert _read(text) == [(None, name, ("removed",)) for name in ("晴空记账", "晨读英语", "青橙天气", "云朵相册")]
    figures = [(figure.metric, figure.value) for figure in extract(text).figures]
    assert ("apps_removed", 4) in figures


def test_a_counted_line_before_a_sentence_is_no_list_heading() -> None:
    text = "下架4款违法违规应用程序\n\n网信办表示，晴空记账存在问题。"
    assert all(mention.name != "网信办表示" for mention in extract(text).platforms)


def test_a_count_of_companies_then_including_names_the_companies_fined() -> None:
    text = ("The regulator fined four companies, including Acme Select, Bright Grocer under Acme Group, "
            "Daily Fresh owned by Nova Holdings and Wuhan-based Green Basket.")
    fined = [mention.name for mention in extract(text, language="en").platforms if mention.actions == ("fined",)]
    assert fined == ["Acme Select", "Bright Grocer", "Daily Fresh", "Green Basket"]


def test_apps_closed_in_a_list_for_what_they_failed_to_do_are_named_for_it() -> None:
    text = "截至目前，尚有“晴空记账”、“晨读英语”等37款App未完成整改。"
    assert _read(text) == [(None, "晴空记账", ("notified",)), (None, "晨读英语", ("notified",))]


@pytest.mark.parametrize(("text", "expected"), [
    # the counted subject's verb follows its list
    ("Three firms, including Acme Select, Bright Grocer and Daily Fresh, were fined on Monday.",
     {"Acme Select": ("fined",), "Bright Grocer": ("fined",), "Daily Fresh": ("fined",)}),
    (("The regulator said 4 platforms, including Acme Live, Nova-backed Bright TV and Daily Stream, would be "
      "asked to freeze updates for a week."),
     {"Acme Live": ("suspended",), "Bright TV": ("suspended",), "Daily Stream": ("suspended",)}),
])
def test_an_english_list_takes_the_verb_its_counted_subject_governs(
        text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.name: m.actions for m in extract(text, language="en").platforms} == expected


def test_lines_a_repost_wraps_after_a_comma_are_one_sentence() -> None:
    assert {m.name: m.actions for m in extract("国家网信办依法约谈，\n\n“快看漫画”平台负责人。").platforms} == {
        "快看漫画": ("summoned",)}
    assert [(figure.metric, figure.value) for figure in extract("工信部\n\n通报了“快看漫画”等，\n\n10款APP。").figures] == [
        ("apps_notified", 10)]


def test_the_contact_line_under_an_annex_title_is_no_list() -> None:
    text = ("截至目前，仍有3款APP未整改，现予以下架处置（详见附件）。\n\n特此通报。\n\n"
            "附件：3款予以下架的APP清单\n\n（联系人：张明，李华，010-12345678\n\n邮  箱：zhangming@example.gov.cn")
    assert _read(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    # a list in apposition to its kind: after "namely", between dashes, after "such as"
    ("The agency summoned four firms, namely Acme Select, Bright Grocer, Daily Fresh and Nova Mart.",
     {name: ("summoned",) for name in ("Acme Select", "Bright Grocer", "Daily Fresh", "Nova Mart")}),
    ("Three platforms -- Acme Live, Bright TV and Daily Stream -- were fined on Friday.",
     {name: ("fined",) for name in ("Acme Live", "Bright TV", "Daily Stream")}),
    ("Two apps — Acme Chat and Bright Notes — were removed from app stores.",
     {name: ("removed",) for name in ("Acme Chat", "Bright Notes")}),
    ("The office shut down websites such as Acme Video and Bright Clips last month.",
     {name: ("closed",) for name in ("Acme Video", "Bright Clips")}),
    # a site named by its address
    ("The office shut down 12 websites, including acme-video.com and www.brightclips.cn.",
     {name: ("closed",) for name in ("acme-video.com", "www.brightclips.cn")}),
    # "Tencent's QQ Music": the owner's product, the owner named on its own
    ("The ministry removed 38 apps, such as Tencent's QQ Music and Acme Notes.",
     {"Tencent": (), "QQ Music": ("removed",), "Acme Notes": ("removed",)}),
])
def test_an_english_list_set_beside_its_kind_names_what_the_clause_acts_on(
        text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.name: m.actions for m in extract(text, language="en").platforms} == expected


def test_a_site_address_that_only_says_where_to_report_is_no_name() -> None:
    assert extract("Users can report such websites at www.example-report.cn and by telephone.",
                   language="en").platforms == []


@pytest.mark.parametrize("text", [
    "政府宣布禁止4款應用程式。\n4 款被禁止的應用程式包括:\n晨光 Morning\n夜讀 Night Reader\n青青草 Green\n木木視頻\n\n政府表示會繼續審查。",
    "The ministry blocked 4 apps. The banned apps include:\nMorning Light\nNight Reader\nGreen Grass\nWood Video\n\nMore may follow.",
])
def test_a_list_written_one_name_a_line_names_each(text: str) -> None:
    found = extract(text)
    assert len([m for m in found.platforms if m.actions == ("removed",)]) == 4
    assert [(figure.metric, figure.value) for figure in found.figures][:1] == [("apps_removed", 4)]
