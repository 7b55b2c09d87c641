"""Named platforms: the registry, actions, fines, unknown names and the extendable registry."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from diffing.extract import extract
from diffing.numbers import Amount
from diffing.platforms import PlatformMention, load_platforms

REQUIRED = {
    "baidu": "百度", "bing": "必应", "quark": "夸克浏览器", "douyin": "抖音", "weibo": "新浪微博",
    "wechat": "腾讯微信", "kuaishou": "快手", "netease": "网易", "xiaohongshu": "小红书",
    "pinduoduo": "拼多多", "taobao": "淘宝网", "dianping": "大众点评", "douban": "豆瓣网", "cnki": "中国知网",
    "tencent": "腾讯", "sina": "新浪", "bytedance": "字节跳动", "alibaba": "阿里巴巴", "meituan": "美团",
    "jd": "京东", "bilibili": "哔哩哔哩", "zhihu": "知乎", "toutiao": "今日头条", "iqiyi": "爱奇艺",
    "uc": "UC浏览器", "ctrip": "携程", "qihoo360": "360",
}


def _mentions(text: str) -> list[PlatformMention]:
    return extract(text).platforms


@pytest.mark.parametrize(("platform_id", "name"), sorted(REQUIRED.items()))
def test_registry_names(platform_id: str, name: str) -> None:
    registry = load_platforms()
    assert platform_id in registry.platforms
    text = f"国家网信办依法约谈{name}负责人。"
    mentions = _mentions(text)
    assert [(m.id, m.name, m.action) for m in mentions] == [(platform_id, name, "summoned")]
    assert text[mentions[0].start:mentions[0].end] == name


@pytest.mark.parametrize(("text", "expected"), [
    ("针对百度、必应、夸克浏览器等网站平台的问题，依法约谈其负责人。",
     [("baidu", "summoned"), ("bing", "summoned"), ("quark", "summoned")]),
    ("依法对豆瓣网处以罚款。", [("douban", "fined")]),
    ("责令抖音限期整改。", [("douyin", "ordered_to_rectify")]),
    ("依法下架“梦聊”等一批移动应用程序。", [(None, "removed")]),
    ("依法关闭“绿色直播”等一批网络赌博引流网站。", [(None, "closed")]),
    ("责令快手暂停直播功能。", [("kuaishou", "suspended")]),
    ("对知乎、豆瓣网予以警告。", [("zhihu", "warned"), ("douban", "warned")]),
    ("小红书因存在问题被要求整改。", [("xiaohongshu", "ordered_to_rectify")]),
    ("网信办要求抖音立即整改。", [("douyin", "ordered_to_rectify")]),
    # 责令…整改 with adverbs or names between the order and the word.
    ("依法约谈斗鱼，责令其尽快彻底整改。", [("douyu", "summoned")]),
    ("责令快手在30日内整改。", [("kuaishou", "ordered_to_rectify")]),
    ("督促平台依法处置@江苏大山等账号。", [(None, None)]),
    ("The CAC summoned Baidu, Bing and Quark Browser.", [("baidu", "summoned"), ("bing", "summoned"), ("quark", "summoned")]),
    ("Weibo was fined 500,000 yuan.", [("weibo", "fined")]),
    ('"Dream Chat" and other apps were removed from the shelves.', [(None, "removed")]),
    # A platform removing content is not removed itself.
    ("X was ordered to remove the illegal posts.", [("twitter", None)]),
    ("Didi was removed from app stores.", [("didi", "removed")]),
])
def test_actions(text: str, expected: list[tuple[str | None, str | None]]) -> None:
    assert [(m.id, m.action) for m in _mentions(text)] == expected


def test_an_order_to_rectify_with_adverbs() -> None:
    [mention] = _mentions("依法约谈斗鱼，责令其尽快彻底整改。")
    assert mention.actions == ("summoned", "ordered_to_rectify")
    [mention] = _mentions("依法约谈斗鱼，要求平台严格落实整改措施。")
    assert mention.actions == ("summoned", "ordered_to_rectify")


@pytest.mark.parametrize(("text", "expected"), [
    # The problems told to those summoned are a step of the summons, no naming of them.
    ("该局对知乎、豆瓣两家平台开展行政约谈，通报近期经营中存在的突出问题。", ("summoned",)),
    ("市网信办约谈了知乎，通报了平台存在的问题，并责令限期整改。", ("summoned", "ordered_to_rectify")),
    # A notice naming apps with problems, with no summons, names them.
    ("工信部通报知乎、豆瓣等5款App存在问题。", ("notified",)),
])
def test_problems_told_in_a_summons_are_no_naming(text: str, expected: tuple[str, ...]) -> None:
    assert {m.actions for m in _mentions(text)} == {expected}


@pytest.mark.parametrize("text", [
    "市网信办约谈知乎负责人，责令企业立即停止违规行为。",
    "监管部门约谈豆瓣网，要求平台立刻全面停止违法违规行为。",
    "主管机关对知乎处以罚款，并限期两个月内完成改善。",
])
def test_an_order_to_stop_or_put_right_given_to_the_party_the_clause_before_names(text: str) -> None:
    # The order names the party by a word for it (企业, 平台) or not at all; the deadline
    # (限期…内) stands between the order and what is to be done.
    [mention] = _mentions(text)
    assert "ordered_to_rectify" in mention.actions


@pytest.mark.parametrize(("text", "platform_id"), [
    ("The regulator ordered Amazon to bring its data handling into line with the law.", "amazon"),
    ("Under the settlement Microsoft will be required to improve how it keeps records.", "microsoft"),
    ("The authority also directed TikTok, the video app, to change its default settings.", "tiktok"),
])
def test_an_order_to_put_things_right_with_the_party_between(text: str, platform_id: str) -> None:
    [mention] = _mentions(text)
    assert (mention.id, mention.actions) == (platform_id, ("ordered_to_rectify",))


@pytest.mark.parametrize("text", [
    "Meta could be ordered to change its practices.",
    "Google was ordered to pay a fine of 10 million euros.",
])
def test_no_order_to_rectify_when_only_possible_or_a_payment(text: str) -> None:
    assert all("ordered_to_rectify" not in m.actions for m in _mentions(text))


def test_a_brand_product_named_apart_from_the_brand() -> None:
    # A product called after its maker (the maker's finance app) is not the maker's app store.
    assert all(m.id != "xiaomi" for m in _mentions("Apps such as Xiaomi Finance were told to fix the problems."))


@pytest.mark.parametrize("text", [
    "监管部门对知乎、豆瓣网等8家平台分别采取了约谈、下架、关停服务等处罚。",
    "对斗鱼、虎牙等直播平台分别依法给予警告、罚款等处罚措施。",
])
def test_a_menu_of_measures_shared_out_over_a_list_gives_no_one_a_measure(text: str) -> None:
    # 分别 with a menu (A、B、C等) says each party got one of them, not which: all are named.
    mentions = _mentions(text)
    assert len(mentions) == 2 and all(m.actions == () for m in mentions)


@pytest.mark.parametrize("text", [
    "通报说，网信办在约谈中要求知乎、豆瓣网立即清理违规内容。",
    "通报称，监管部门约谈了知乎和豆瓣网。",
])
def test_the_notice_as_speaker_names_no_one_for_violations(text: str) -> None:
    # 通报说/称: the notice says what follows; the measures in it come from their own verbs.
    assert all("notified" not in m.actions for m in _mentions(text))


@pytest.mark.parametrize(("text", "expected"), [
    ("委员会决议各罚中华电信及远传新台币50万元。", [("chunghwa_telecom", "fined"), ("fareastone", "fined")]),
    ("虾皮因个资外泄遭主管机关罚20万元。", [("shopee", "fined")]),
    # a maximum the law allows is no fine imposed
    ("虾皮若未改正，最高可罚新台币20万元。", [("shopee", None)]),
])
def test_the_bare_verb_fine_with_its_money(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert [(m.id, m.action) for m in _mentions(text)] == expected


@pytest.mark.parametrize("text", [
    "知乎客户端“热榜”“故事”等2个频道暂停更新一周。",
    "豆瓣网“小组”、“同城”栏目被责令整改。",
])
def test_channels_of_a_platform_quoted_are_not_names(text: str) -> None:
    assert all(m.id is not None for m in _mentions(text))


def test_articles_of_a_law_listed_are_not_names() -> None:
    text = "公安机关根据《网络安全法》第十二条、第三十一条、第六十条第二款的规定，对该网站处以罚款。"
    assert all("条" not in m.name for m in _mentions(text))


def test_a_fine_has_its_amount() -> None:
    [mention] = _mentions("北京市网信办对豆瓣网依法约谈，并处罚款人民币150万元。")
    assert mention.id == "douban" and mention.action == "summoned"
    assert mention.actions == ("summoned", "fined")
    assert mention.amount == Amount(Decimal(1500000), "CNY")


def test_two_fines_in_one_sentence() -> None:
    mentions = _mentions("对微博罚款人民币50万元，对抖音罚款人民币30万元。")
    assert [(m.id, m.amount.value if m.amount else None) for m in mentions] == [
        ("weibo", Decimal(500000)), ("douyin", Decimal(300000)),
    ]


def test_actions_continue_into_the_next_sentence() -> None:
    text = ("Platforms such as Kuaishou and NetEase failed to manage their users' posts. "
            "The CAC instructed local offices to interview them and ordered rectification. "
            "A total of 10,646 websites were summoned in 2023.")
    assert [(m.id, m.action, m.actions) for m in _mentions(text)] == [
        ("kuaishou", "summoned", ("summoned", "ordered_to_rectify")),
        ("netease", "summoned", ("summoned", "ordered_to_rectify")),
    ]


@pytest.mark.parametrize(("text", "name", "kind"), [
    ("依法关闭“绿色直播”等一批网络赌博引流网站", "绿色直播", "website"),
    ("下架“梦聊”“小肉丸直播”等一批含有低俗信息的移动应用程序", "小肉丸直播", "app"),
    ("关停“某某助手”小程序", "某某助手", "mini_program"),
    ("依法处置@江苏大山、@某某财经等账号", "@江苏大山", "account"),
    ("依法关闭“某某财经”微信公众号", "某某财经", "account"),
    ('Websites such as "Xingchen Betting" were closed.', "Xingchen Betting", "website"),
    ('"Kuaikan Show" and other live-streaming websites were shut down.', "Kuaikan Show", "website"),
    ("Accounts such as @Smoky Kam, @MouMou and others were dealt with.", "@Smoky Kam", "account"),
    ('The "Night Chat" app was removed.', "Night Chat", "app"),
])
def test_unknown_names_with_their_kind(text: str, name: str, kind: str) -> None:
    unknown = [(m.name, m.kind) for m in _mentions(text) if m.id is None]
    assert (name, kind) in unknown


@pytest.mark.parametrize("text", [
    "深入开展“清朗”系列专项行动。",
    'a series of special operations called "Qinglang" against websites',
    "坚持“快、准、严、实”的原则。",
    "《网络安全法》第六十八条",
    # Quoted words of the online ecosystem, and every quoted item of a list a campaign closes.
    "依法约谈处罚网站、“自媒体”账号5家，整治“水军”行为。",
    "持续开展“刷榜”、“网红经济”等专项整治。",
])
def test_quoted_phrases_that_are_no_names(text: str) -> None:
    assert _mentions(text) == []


@pytest.mark.parametrize("text", [
    "北京东路上的商店", "有求必应", "约谈网站360家", "共3600个", "binge watching", "UCLA students",
    "the JDK release",
])
def test_words_that_only_look_like_names(text: str) -> None:
    assert _mentions(text) == []


def test_360_as_a_name() -> None:
    assert [m.id for m in _mentions("依法约谈百度、360等搜索引擎。")] == ["baidu", "qihoo360"]


def test_name_in_brackets_is_one_mention() -> None:
    [mention] = _mentions("the CAC investigated the National Knowledge Infrastructure (CNKI) under the law.")
    assert mention.id == "cnki" and mention.name == "National Knowledge Infrastructure (CNKI)"


def test_traditional_names_keep_their_original_spelling() -> None:
    text = "依法約談騰訊微信、新浪微博負責人，關閉「綠色直播」等網站。"
    mentions = _mentions(text)
    assert [(m.id, m.name, m.kind, m.action) for m in mentions] == [
        ("wechat", "騰訊微信", "messaging", "summoned"),
        ("weibo", "新浪微博", "social", "summoned"),
        (None, "綠色直播", "website", "closed"),
    ]
    for mention in mentions:
        assert text[mention.start:mention.end] == mention.name


def test_users_extend_the_registry(tmp_path: Path) -> None:
    extra = tmp_path / "platforms.toml"
    extra.write_text(
        '[[platform]]\nid = "zumzum"\nzh = ["嗡嗡"]\nen = ["ZumZum"]\nparent = "zumzum"\n'
        'kind = "short_video"\n',
        "utf-8",
    )
    registry = load_platforms(extra)
    assert registry.platforms["zumzum"].parent == "zumzum"
    mentions = extract("The regulator fined ZumZum €345 million.", platforms=registry).platforms
    assert [(m.id, m.action, m.amount) for m in mentions] == [
        ("zumzum", "fined", Amount(Decimal(345000000), "EUR")),
    ]
    # Without the extension the name is still the party the verb governs, kept as written.
    assert [(m.id, m.name, m.action) for m in extract("The regulator fined ZumZum €345 million.").platforms] == [
        (None, "ZumZum", "fined")]


def test_malformed_registry_is_refused(tmp_path: Path) -> None:
    extra = tmp_path / "platforms.toml"
    extra.write_text('[[platform]]\nid = "nokind"\nzh = ["某某"]\n', "utf-8")
    with pytest.raises(ValueError, match="kind"):
        load_platforms(extra)


def test_registry_is_large_enough_and_consistent() -> None:
    registry = load_platforms()
    assert len(registry.platforms) >= 80
    for platform in registry.platforms.values():
        assert platform.parent is None or platform.parent == platform.id or platform.parent
    for name, platform_id in {
        "Amazon": "amazon", "Instagram": "instagram", "YouTube": "youtube", "LinkedIn": "linkedin",
        "Didi Chuxing": "didi", "Marriott International": "marriott", "British Airways": "british_airways",
    }.items():
        mentions = _mentions(f"The authority fined {name} last week.")
        assert [(m.id, m.action) for m in mentions] == [(platform_id, "fined")]


@pytest.mark.parametrize(("text", "expected"), [
    # Operators' legal names are the platform; Traditional names are found through conversion.
    ("北京快手科技有限公司被处以罚款。", ["kuaishou"]),
    ("網信辦約談嗶哩嗶哩和小紅書。", ["bilibili", "xiaohongshu"]),
    ("餓了麼與滴滴出行被通報。", ["eleme", "didi"]),
    # Short forms are not found inside other words.
    ("游客在阿里山拍照，吃了苹果树下的苹果派。", []),
    ("登山队攀登喜马拉雅山。", []),
    ("阿里被罚款。", ["alibaba"]),
    # Names that are ordinary words match only when written as names.
    ("The apple ring was an echo of meta art.", []),
    ("Apple and Meta were fined; Ring was named.", ["apple", "meta", "ring"]),
])
def test_aliases_short_forms_and_cased_names(text: str, expected: list[str]) -> None:
    assert [m.id for m in _mentions(text)] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # Companies European, British and American regulators fine, with their products.
    ("The Commission fined Delivery Hero and Glovo for a cartel.", ["delivery_hero", "glovo"]),
    ("The FTC fined GoodRx; WW International and its app Kurbo also paid.", ["goodrx", "ww", "kurbo"]),
    ("The ICO fined Ticketmaster UK Limited.", ["ticketmaster"]),
    ("Epic Games, maker of Fortnite, was fined.", ["epic_games", "fortnite"]),
    ("The Commission fined X under the Digital Services Act.", ["twitter"]),
    ("Sellers on Facebook Marketplace were harmed.", ["facebook_marketplace"]),
    # Chinese platforms, app and SDK makers notices name.
    ("晋江文学城被责令暂停更新。", ["jinjiang"]),
    ("蜻蜓FM、网易云音乐和马蜂窝被通报。", ["qingting_fm", "netease_music", "mafengwo"]),
    ("对深圳市丰巢科技有限公司处以罚款。", ["fengchao"]),
    # Taiwan, Hong Kong and other Asian platforms; Chinese names of foreign companies.
    ("公平會對蝦皮購物處以罰款。", ["shopee"]),
    ("The KFTC fined Coupang and Kakao Mobility.", ["coupang", "kakao"]),
    ("网信办对美光公司产品进行网络安全审查，照片墙与奈飞也被提及。", ["micron", "instagram", "netflix"]),
    ("Grab a coffee and stand in line.", []),
    # Companies Western regulators fine, under their trading and legal names, and the Chinese
    # names the Chinese press gives Western and Chinese firms (Singapore's 面簿 for Facebook).
    ("Cognosphere, the Genshin Impact publisher, and InMobi paid; 23andMe and LastPass were fined.",
     ["hoyoverse", "genshin_impact", "inmobi", "23andme", "lastpass"]),
    ("The agency cited Disney and Orange; Gmail ads were mentioned.", ["disney", "orange", "gmail"]),
    ("监管机构对面簿及其子公司展开调查，科大訊飛与酷澎亦被提及。", ["facebook", "iflytek", "coupang"]),
    ("今日头条旗下的火山小视频、内涵段子与腾讯的天天快报被点名。",
     ["toutiao", "huoshan", "neihan_duanzi", "tencent", "tiantian_kuaibao"]),
    ("An orange tariff; chrome wheels.", []),
    ("The CMA is investigating ticket sites StubHub and viagogo and the retailer Wayfair.",
     ["stubhub", "viagogo", "wayfair"]),
    # A cased name in lower case is an ordinary word in English, the company glued to Chinese.
    ("法院表示meta无法阻止调查，梅塔否认指控。", ["meta", "meta"]),
    ("The meta data of an apple.", []),
    # Chinese and Taiwanese names of chip, payment and music firms; AI services and their owners.
    ("監管機構約談了高通、輝達、貝寶和思播。", ["qualcomm", "nvidia", "paypal", "spotify"]),
    ("文心一言、通義千問、腾讯元宝、可灵与月之暗面的Kimi被点名。",
     ["ernie_bot", "tongyi_qianwen", "tencent_yuanbao", "kling", "moonshot_ai", "moonshot_ai"]),
    ("该设备具有高通量检测能力。", []),
    # Taiwan's telecom and cable operators the NCC names.
    ("NCC對中華電信、台灣大哥大、遠傳與凱擘處以罰鍰。", ["chunghwa_telecom", "taiwan_mobile", "fareastone", "kbro"]),
    ("水表采用远传抄表。", []),
    # Community group-buying and other brands of the groups SAMR fines.
    ("市场监管总局对橙心优选、多多买菜、美团优选、十荟团、食享会处以罚款，京东旗下的京喜被约谈。",
     ["chengxin_youxuan", "duoduo_maicai", "meituan_youxuan", "shihuituan", "shixianghui", "jd", "jingxi"]),
    # Companies Taiwan's regulators and Ofcom name, by legal name, short name or app name.
    ("數發部對誠品生活處以罰鍰，亞太電信亦遭NCC開罰。", ["eslite", "aptg"]),
    ("Ofcom fined Fenix International, which runs OnlyFans, and also 4chan.", ["onlyfans", "onlyfans", "4chan"]),
    ("考拉海购与晋江小说阅读被要求整改。", ["kaola", "jinjiang"]),
    # A number with a Chinese unit glued after a Latin name is not part of the name.
    ("欧盟开罚TikTok3亿欧元，并给予Uber3个月时间。", ["tiktok", "uber"]),
    # A one-letter name is only the capital letter standing alone, and not a numbering.
    ("An X-ray of the x axis, X's rival.", []),
    ("The fine was imposed under Article X; Plan X failed.", []),
    # Names that are also places, roads, newspapers or ordinary words.
    ("Apple Daily wrote about the Amazon rainforest and the Ring Road.", []),
    ("Epic battles; zoom in; Discord between members grew.", []),
    ("他们运用自如，浮想联翩，联想到中国美食。", []),
])
def test_registry_covers_companies_regulators_name(text: str, expected: list[str | None]) -> None:
    assert [m.id for m in _mentions(text)] == expected


def test_a_platform_s_own_domain_is_its_name() -> None:
    mentions = _mentions("Platforms such as Bing.com, Baidu and JD.com have been fined.")
    assert [(m.id, m.name, m.action) for m in mentions] == [
        ("bing", "Bing.com", "fined"), ("baidu", "Baidu", "fined"), ("jd", "JD.com", "fined"),
    ]


def test_a_proposed_fine_is_not_reported_as_imposed() -> None:
    text = ("Some outlets wrote that the airline BA had been fined £20m. In fact the regulator is "
            "intending to fine BA £20m. BA may make representations before the fine is decided. "
            "She once issued Facebook with a notice of intent; Facebook was later fined £500,000.")
    by_id: dict[str, set[str]] = {}
    for mention in _mentions(text):
        by_id.setdefault(mention.id or mention.name, set()).update(mention.actions)
    assert by_id == {"british_airways": {"fine_proposed"}, "facebook": {"fine_proposed", "fined"}}


@pytest.mark.parametrize(("text", "expected"), [
    # Registered company names the registry does not know are parties when the notice acts on
    # them, read back to the word before them.
    ("市场监管局对青禾文化传播有限公司、远帆(杭州)科技服务有限公司分别处以罚款。",
     ["青禾文化传播有限公司", "远帆(杭州)科技服务有限公司"]),
    ("監測發現明川網絡科技股份有限公司涉嫌虛構交易，依法對其處以罰款。", ["明川網絡科技股份有限公司"]),
    # Merchants in a list of typical cases the notice does nothing to, and anonymised names,
    # are no platforms.
    ("市场监管局公布了青禾文化传播有限公司刷单案、远帆(杭州)科技服务有限公司刷单案等案例。", []),
    ("经查，上海某餐饮管理有限公司发布虚假广告，被处以罚款2万元。", []),
    # The operator of a named app, a footer, and a name cut by a ticker are not.
    ("由某丁网络科技有限公司运营的“某某游戏”App存在问题，现予以通报。", ["某某游戏"]),
    ("版权所有：某戊传媒有限公司", []),
])
def test_registered_company_names(text: str, expected: list[str]) -> None:
    assert [m.name for m in _mentions(text)] == expected


def test_the_company_of_the_sentence_before_takes_what_is_said_of_the_company() -> None:
    text = ("The regulator fined Weibo 3 million yuan. Douban was fined last week as well. "
            "The regulator imposed penalties on Weibo in eleven months. "
            "The company has been ordered to rectify at once.")
    actions = {m.id: set() for m in _mentions(text)}
    for mention in _mentions(text):
        actions[mention.id].update(mention.actions)
    assert actions == {"weibo": {"fined", "ordered_to_rectify"}, "douban": {"fined"}}


def test_apps_listed_by_the_ministry_are_notified() -> None:
    text = ("The ministry listed 120 apps in two batches, including WeChat, that had violated "
            "user rights.")
    assert [(m.id, m.action) for m in _mentions(text)] == [("wechat", "notified")]


def test_apps_dealt_with_take_no_count_of_the_notice() -> None:
    text = ("今年以来，累计下架移动应用程序200款。\n依法查处存在诱导粉丝打榜问题的“某某星”“某某派”等移动应用程序。")
    assert [(m.name, m.action) for m in _mentions(text)] == [("某某星", None), ("某某派", None)]


@pytest.mark.parametrize("text", [
    "安卓用户：打开应用商店，选择要举报的应用。苹果用户：打开应用商店举报。",
    "@所有人 这些APP被下架了，你在用吗？",
    "防护几招：\n1. “谨慎下载APP”：选择正规渠道下载。\n2. “查看权限设置”：只授予必要权限。",
])
def test_users_of_a_system_greetings_and_advice_are_no_platforms(text: str) -> None:
    assert [(m.name, m.action) for m in _mentions(text)] == []


def test_a_rule_named_after_notification_notifies_no_one() -> None:
    text = "The FTC acted under its Health Breach Notification Rule against GoodRx and fined it."
    assert [(m.id, m.actions) for m in _mentions(text)] == [("goodrx", ("fined",))]


def test_an_english_app_named_with_its_developer_s_place() -> None:
    text = ("The ministry removed 40 apps from app stores.\n\n"
            "Kuailexue of Hunan Kuaile required users to share their contacts.")
    assert [(m.name, m.kind, m.action) for m in _mentions(text)] == [("Kuailexue", "app", "removed")]


def _entries(text: str, language: str | None = None) -> list[tuple[str | None, str, tuple[str, ...]]]:
    return [(m.id, m.name, m.actions) for m in extract(text, language=language).platforms]


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("工信部对《晴天记账》《小鹿阅读》等12款应用予以通报。", "zh-Hans",
     [(None, "晴天记账", ("notified",)), (None, "小鹿阅读", ("notified",))]),
    ("依據《網絡安全法》，工信部下架《星球漫畫》、《口袋讀書》等5款App。", "zh-Hant",
     [(None, "星球漫畫", ("removed",)), (None, "口袋讀書", ("removed",))]),
    ("按照《关于开展专项整治工作的通知》，通报了《掌中商城》《爱奇艺》等9款存在问题的APP，要求立即整改。", "zh-Hans",
     [(None, "掌中商城", ("notified", "ordered_to_rectify")), ("iqiyi", "爱奇艺", ("notified", "ordered_to_rectify"))]),
])
def test_apps_marked_as_titles_in_a_list_of_apps(
        text: str, language: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _entries(text, language) == expected


@pytest.mark.parametrize("text", [
    "依据《个人信息保护法》和《移动互联网应用程序信息服务管理规定》，下架违规App。",
    "网信办印发《关于进一步加强网络直播规范管理工作的指导意见》。",
    "有网友反映《星辰之旅》剧集存在问题，相关平台下架了该剧。",
])
def test_laws_documents_and_shows_in_titles_are_no_platforms(text: str) -> None:
    assert _entries(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("The regulator fined Brightwave Telecom Limited £60,000 for unsolicited calls.",
     [(None, "Brightwave Telecom Limited", ("fined",))]),
    ("Northfield Marketing Ltd. was ordered to pay a penalty of £25,000.",
     [(None, "Northfield Marketing Ltd.", ("fined",))]),
    ("The Commission has fined Oakridge Foods International, Inc. €120 million for blocking cross-border trade.",
     [(None, "Oakridge Foods International, Inc.", ("fined",))]),
    # A registry company under its registered name keeps its registry id.
    ("The DPC fined Meta Platforms Ireland Limited EUR 1.2 billion.",
     [("meta", "Meta Platforms Ireland Limited", ("fined",))]),
])
def test_registered_english_company_names(text: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _entries(text, "en") == expected


@pytest.mark.parametrize("text", [
    "The penalty must be paid to the New York AG within 30 days.",
    "The Office of the Attorney General SA said the fine was paid.",
])
def test_public_bodies_with_a_legal_looking_ending_are_no_companies(text: str) -> None:
    assert _entries(text, "en") == []


def test_a_notice_about_a_company_gives_it_what_is_done_to_the_company() -> None:
    text = ("The ICO has served a Leeds company with a monetary penalty of £30,000.\n\n"
            "Greenline Home Services Limited made thousands of unwanted calls.")
    assert _entries(text, "en") == [(None, "Greenline Home Services Limited", ("fined",))]


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("工信部对晴空天气、掌上菜谱等6款App进行下架。", "zh-Hans",
     [(None, "晴空天气", ("removed",)), (None, "掌上菜谱", ("removed",))]),
    ("工信部通報了晴空天氣、掌上菜譜和口袋記賬等APP。", "zh-Hant",
     [(None, "晴空天氣", ("notified",)), (None, "掌上菜譜", ("notified",)), (None, "口袋記賬", ("notified",))]),
    ("下架了包括晴空天气、掌上菜谱在内的20款应用。", "zh-Hans",
     [(None, "晴空天气", ("removed",)), (None, "掌上菜谱", ("removed",))]),
    # A registry name inside a longer app name is the app's (手机百度 is an app, not Baidu).
    ("检测发现，手机百度、掌上菜谱等3款APP存在问题，工信部予以通报。", "zh-Hans",
     [(None, "手机百度", ("notified",)), (None, "掌上菜谱", ("notified",))]),
])
def test_unquoted_lists_closed_by_their_count_or_kind(
        text: str, language: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _entries(text, language) == expected


@pytest.mark.parametrize("text", [
    "今年以来，下架违法违规、低俗色情等各类App共30款。",
    "对存在问题的部分、相关等多款App进行了检查。",
])
def test_lists_of_categories_are_no_names(text: str) -> None:
    assert _entries(text) == []


@pytest.mark.parametrize(("text", "language", "expected"), [
    (("市场监管总局对30起未依法申报案件的涉案企业分别处以50万元罚款。其中，腾讯、百度等均涉案5起以上，"
     "另有腾讯收购美团股权案。"), "zh-Hans",
     {"tencent": ("fined",), "baidu": ("fined",), "meituan": ()}),
    ("公告顯示，每案涉及的違規企業各被處罰50萬元。京東涉及設立合營企業案2起。", "zh-Hant",
     {"jd": ("fined",)}),
])
def test_parties_of_cases_fined_as_a_whole_are_fined(
        text: str, language: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.id: m.actions for m in extract(text, language=language).platforms} == expected


def test_a_case_named_without_a_collective_fine_gives_no_action() -> None:
    text = "市场监管总局公布了腾讯、百度涉及的经营者集中案件。"
    assert {m.id: m.actions for m in _mentions(text)} == {"tencent": (), "baidu": ()}


@pytest.mark.parametrize("text", ["阿里因此合计被罚100万元。", "阿里因此合計被罰100萬元。"])
def test_bei_fa_is_fined(text: str) -> None:
    assert [(m.id, m.actions) for m in _mentions(text)] == [("alibaba", ("fined",))]


@pytest.mark.parametrize(("text", "expected"), [
    (("Others, such as Baidu and Douyu, were criticised for lax moderation, and these platforms were "
     "also fined and told to rectify at once."),
     {"baidu": ("fined", "ordered_to_rectify"), "douyu": ("fined", "ordered_to_rectify")}),
    ("Regulators named Weibo and Zhihu in the report, saying both platforms had been fined.",
     {"weibo": ("fined",), "zhihu": ("fined",)}),
])
def test_these_platforms_refers_to_the_names_before_it(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.id: m.actions for m in extract(text, language="en").platforms} == expected


def test_a_party_told_to_close_its_own_product_closes_the_product() -> None:
    text = "On Tuesday, the regulator ordered Jinri Toutiao to permanently close its joke app Neihan Duanzi."
    assert {m.id: m.actions for m in extract(text, language="en").platforms} == {
        "toutiao": (), "neihan_duanzi": ("closed",)}


@pytest.mark.parametrize(("text", "expected"), [
    # a name set off by commas renames the phrase the verb took, whoever owns it
    ("The CAC summoned ByteDance's news platform, Toutiao, and Alibaba's UCWeb browser unit on Tuesday.",
     {"bytedance": (), "toutiao": ("summoned",), "alibaba": (), "uc": ("summoned",)}),
    ("The ICO fined the social media company, Meta, £10m and the video platform, TikTok, £12m.",
     {"meta": ("fined",), "tiktok": ("fined",)}),
])
def test_an_appositive_name_takes_the_verb_of_the_phrase_it_renames(
        text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.id: m.actions for m in extract(text, language="en").platforms} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the renamed phrase only hosts what was acted on, so the name does too
    ("ByteDance said 20 accounts on its video app, Douyin, were removed after the order.",
     {"bytedance": (), "douyin": ()}),
    ("Shops on its e-commerce site, Taobao, were closed.", {"taobao": ()}),
    # a renamed object keeps its verb
    ("The regulator fined the e-commerce platform, Pinduoduo, 2 million yuan.", {"pinduoduo": ("fined",)}),
])
def test_an_appositive_name_stands_where_the_phrase_it_renames_stands(
        text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.id: m.actions for m in extract(text, language="en").platforms} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the platform, or it, as the object of the measures of the next sentence
    (("Douban has been summoned for talks by the regulator. The regulator has issued warnings to the "
      "platform, ordered it to rectify within a set time, and will hold its staff accountable."),
     {"douban": ("summoned", "warned", "ordered_to_rectify")}),
    # "the platform" that is no measure's object is no reference to the party
    ("TikTok was fined. Children were granted access to the platform, and it failed to remove them.",
     {"tiktok": ("fined",)}),
])
def test_the_platform_referred_to_as_a_measures_object(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.id: m.actions for m in extract(text, language="en").platforms} == expected


@pytest.mark.parametrize("text", [
    'Some apps were removed from stores over "vulgar" or "harmful" content.',
    "Functions of several apps were suspended over “illegal” content.",
])
def test_quoted_english_adjectives_are_no_names(text: str) -> None:
    assert _entries(text, "en") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Game developer PixelNest agreed to pay a $200,000 civil penalty. PixelNest denied wrongdoing.",
     [(None, "PixelNest", ("fined",)), (None, "PixelNest", ("fined",))]),
    ("Two app makers – Brightkids Labs and Tiny Owl – were fined a combined $90,000.",
     [(None, "Brightkids Labs", ("fined",)), (None, "Tiny Owl", ("fined",))]),
    ("The FTC sued a mobile game publisher named Fernwood over its ads.",
     [(None, "Fernwood", ())]),
])
def test_english_companies_introduced_by_what_they_are(
        text: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _entries(text, "en") == expected


def test_an_adviser_quoted_is_no_party() -> None:
    text = "The fine was modest, said a partner at the law firm Bright & Vale in Shanghai."
    assert _entries(text, "en") == []


def test_a_lede_about_a_firm_speaks_of_the_first_party_named() -> None:
    text = ("A Bristol firm has been fined £40,000 by the regulator.\n\n"
            "An investigation found Quayside Leads Limited sent thousands of texts. Separately, "
            "Harbour Claims Limited failed to pay an earlier fine.")
    assert _entries(text, "en") == [
        (None, "Quayside Leads Limited", ("fined",)), (None, "Harbour Claims Limited", ("fined",))]


@pytest.mark.parametrize(("text", "expected"), [
    ("The ICO reprimanded Snap Inc. over its chatbot's risk assessment.", [("snapchat", ("warned",))]),
    ("The regulator issued a reprimand to TikTok Technology Limited.", [("tiktok", ("warned",))]),
    ("The ICO issued an enforcement notice to TikTok Technology Limited.", [("tiktok", ("ordered_to_rectify",))]),
    ("Epic Games, Inc. settled with the FTC for $275 million.", [("epic_games", ("fined",))]),
    ("Twitter agreed to pay $150 million to settle the charges.", [("twitter", ("fined",))]),
])
def test_english_enforcement_wording(text: str, expected: list[tuple[str, tuple[str, ...]]]) -> None:
    assert [(m.id, m.actions) for m in extract(text, language="en").platforms] == expected


@pytest.mark.parametrize(("text", "language"), [
    ("国家网信办对知网作出处罚决定，责令停止违法处理个人信息行为，并处罚款5000万元。", "zh-Hans"),
    ("國家網信辦對知網作出處罰決定，責令停止違法處理個人信息行為，並處罰款5000萬元。", "zh-Hant"),
])
def test_an_order_to_stop_unlawful_conduct_is_an_order_to_rectify(text: str, language: str) -> None:
    assert [(m.id, set(m.actions)) for m in extract(text, language=language).platforms] == [
        ("cnki", {"ordered_to_rectify", "fined"})]


def test_a_company_that_makes_apps_lends_them_no_action() -> None:
    text = ("Children's app developer Moonfox Games agreed to pay $100,000 to settle the charges.\n\n"
            "Many of the apps Moonfox Games offers are aimed at children, including Puddle Jump and Star Kitten.")
    assert {(m.name, m.actions) for m in extract(text, language="en").platforms} == {
        ("Moonfox Games", ("fined",)), ("Puddle Jump", ()), ("Star Kitten", ())}


@pytest.mark.parametrize(("text", "language", "expected"), [
    # A function word inside a name (了, 的) is no verb before it.
    ("羊了个羊、单机斗地主等56款APP被通报", "zh-Hans",
     [(None, "羊了个羊", ("notified",)), (None, "单机斗地主", ("notified",))]),
    ("會說話的湯姆貓2、晴空天氣等23款App被下架。", "zh-Hant",
     [(None, "會說話的湯姆貓2", ("removed",)), (None, "晴空天氣", ("removed",))]),
    # Two registry names written together in a headline stay two registry names.
    ("天涯社区大麦网等90款app下架", "zh-Hans",
     [("tianya", "天涯社区", ("removed",)), ("damai", "大麦网", ("removed",))]),
    # A list the sentence says was all acted on; a registry name inside a longer name is the app's.
    ("记者了解到，晴空天气、安卓壁纸都在被下架名单范围内。", "zh-Hans",
     [(None, "晴空天气", ("removed",)), (None, "安卓壁纸", ("removed",))]),
])
def test_list_names_with_function_words_and_glued_names(
        text: str, language: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _entries(text, language) == expected


@pytest.mark.parametrize(("text", "expected"), [
    (("The ministry said 80 apps must be removed from app stores. 4 apps from the October lists failed "
     "to comply. Among them, Douban, a social networking app, collected too much data."),
     [("douban", "Douban", ("removed",))]),
    (("The ministry listed 120 apps. By the deadline 30 had not complied, and the ministry had them removed "
     "from app stores.\n\nThe 30 apps include study apps (Xuebaoshu and Kuailian) and a radio app (Qingting FM)."),
     [(None, "Xuebaoshu", ("removed",)), (None, "Kuailian", ("removed",)), ("qingting_fm", "Qingting FM", ("removed",))]),
])
def test_english_sentences_detailing_a_count_take_its_action(
        text: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _entries(text, "en") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("The Commission fined Brightmoor and Castellan Bank for taking part in a bond cartel.",
     [(None, "Brightmoor", ("fined",)), (None, "Castellan Bank", ("fined",))]),
    ("Halvorsen Motors was not fined, as it revealed the cartel to the Commission.",
     [(None, "Halvorsen Motors", ())]),
    ("The Commission found that Bank of Avalon, Norwick (now Norwick West) and Veldt breached EU rules.",
     [(None, "Bank of Avalon", ()), (None, "Norwick", ()), (None, "Veldt", ())]),
])
def test_unmarked_english_names_an_enforcement_verb_governs(
        text: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _entries(text, "en") == expected


@pytest.mark.parametrize("text", [
    "The FTC took action against Section 5 violations in March.",
    "Regulators fined Chinese firms and warned European Union members.",
])
def test_laws_places_and_bodies_after_a_verb_are_no_names(text: str) -> None:
    assert _entries(text, "en") == []


def test_an_unknown_company_written_short_and_in_full_is_one_party() -> None:
    text = ("Commission fines Corvane over trade restrictions.\n\n"
            "The Commission has fined Corvane Holdings, Inc. (Corvane) €50 million for blocking parallel trade.")
    assert {(m.name, m.actions) for m in extract(text, language="en").platforms} == {
        ("Corvane Holdings, Inc.", ("fined",))}


def test_a_list_stops_at_its_etc() -> None:
    text = "腾讯、阿里巴巴、哔哩哔哩等网络龙头企业都被点名。"
    assert [m.name for m in _mentions(text)] == ["腾讯", "阿里巴巴", "哔哩哔哩"]


@pytest.mark.parametrize("text", [
    "The Commission fined Corvane Holdings, Inc. €50 million for blocking parallel trade.",
    "The Commission fined Corvane Holdings, Inc. €50 million over restricting and blocking resellers.",
])
def test_conduct_after_for_is_no_measure(text: str) -> None:
    assert [(m.name, m.actions) for m in extract(text, language="en").platforms] == [
        ("Corvane Holdings, Inc.", ("fined",))]


@pytest.mark.parametrize(("text", "expected"), [
    ("工信部通报了豌豆荚、百度手机助手上架的问题应用。", ["wandoujia", "baidu_app_store"]),
    ("網信辦約談了騰訊新聞、鳳凰網負責人。", ["tencent_news", "ifeng"]),
    ("The FTC fined Kochava and BetterHelp; Activision Blizzard and Electronic Arts were named.",
     ["kochava", "betterhelp", "activision_blizzard", "electronic_arts"]),
    # Ordinary words stay words.
    ("有道理的建议：起点要高，青色的桔子。", []),
    ("He let off steam over a visa and a zoom lens.", []),
])
def test_registry_covers_more_apps_and_companies(text: str, expected: list[str]) -> None:
    assert [m.id for m in _mentions(text)] == expected


def test_apps_a_report_details_take_the_count_s_action_and_their_own() -> None:
    text = ("The ministry told app stores to remove 60 mobile apps over data violations.\n"
            "The affected apps include review platform Douban and karaoke app Changsong.\n"
            "Two of the 60 apps, Douban and Changsong, were listed by the ministry last month.")
    actions: dict[str, set[str]] = {}
    for mention in extract(text, language="en").platforms:
        actions.setdefault(mention.id or mention.name, set()).update(mention.actions)
    assert actions == {"douban": {"removed", "notified"}, "Changsong": {"removed", "notified"}}


@pytest.mark.parametrize("text", [
    "The listed apps include Tencent News, a news app; Xiaohongshu, a social app; and QQ Music, a music app.",
    "The ministry notified 30 apps. The listed apps include Tencent News; Xiaohongshu; and QQ Music.",
])
def test_a_detailing_list_goes_on_past_semicolons(text: str) -> None:
    full = "The ministry named 55 apps that were found to have violated user rights.\n" + text
    assert {m.id: m.actions for m in extract(full, language="en").platforms} == {
        "tencent_news": ("notified",), "xiaohongshu": ("notified",), "qq_music": ("notified",)}


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("网信办约谈了青禾银行、远帆银行、明川银行3家金融机构负责人。", "zh-Hans", ["青禾银行", "远帆银行", "明川银行"]),
    ("工信部約談了晴空天氣、掌上菜譜2款App的運營者。", "zh-Hant", ["晴空天氣", "掌上菜譜"]),
    # A body counted after it closes no list.
    ("经抽查，工业和信息化部发现23款APP存在问题。", "zh-Hans", []),
])
def test_a_list_closed_by_its_count_alone(text: str, language: str, expected: list[str]) -> None:
    assert [m.name for m in extract(text, language=language).platforms] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("The Commissioner intends to issue Harbourlight Marketing (North and West) Ltd with a monetary penalty.",
     [(None, "Harbourlight Marketing (North and West) Ltd", ("fine_proposed",))]),
    ("The ICO fined Brightvoice Telecom Solutions Ltd £180,000.",
     [(None, "Brightvoice Telecom Solutions Ltd", ("fined",))]),
])
def test_registered_names_with_a_bracket_and_notices_of_intent(
        text: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _entries(text, "en") == expected


@pytest.mark.parametrize("text", [
    "The regulator named Weibo and Douban for lax moderation. It fined these platforms and ordered them to rectify.",
    "The regulator named Weibo and Douban for lax moderation. Both companies were fined and ordered to rectify.",
])
def test_a_sentence_acting_on_these_platforms_acts_on_the_ones_just_named(text: str) -> None:
    assert {m.id: set(m.actions) for m in extract(text, language="en").platforms} == {
        "weibo": {"fined", "ordered_to_rectify"}, "douban": {"fined", "ordered_to_rectify"}}


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("工信部下架了晴空天氣、掌上菜譜等32款違規App。", "zh-Hant",
     [(None, "晴空天氣", ("removed",)), (None, "掌上菜譜", ("removed",))]),
    ("上海市网信办依法约谈“晴空天气”运营主体上海晴空网络科技有限公司，责令其限期整改。", "zh-Hans",
     [(None, "晴空天气", ("summoned", "ordered_to_rectify"))]),
    ("北京市网信办对“掌上菜谱”App运营者北京掌上科技有限公司作出警告处罚。", "zh-Hans",
     [(None, "掌上菜谱", ("warned",))]),
    ("MIIT named 10 apps, among them Clear Sky Weather and Pocket Recipes, for collecting excessive data.", "en",
     [(None, "Clear Sky Weather", ("notified",)), (None, "Pocket Recipes", ("notified",))]),
])
def test_an_app_and_its_operator_are_one_party(
        text: str, language: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _entries(text, language) == expected


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("针对必应搜索网、晴空天气等网站平台存在的问题，依法约谈其负责人。", "zh-Hans",
     [("bing", "必应搜索网"), (None, "晴空天气")]),
    ("針對抖音App、晴空天氣等平台存在的問題，依法約談其負責人。", "zh-Hant",
     [("douyin", "抖音App"), (None, "晴空天氣")]),
])
def test_a_registry_name_under_a_generic_word_in_a_list_stays_the_registry_platform(
        text: str, language: str, expected: list[tuple[str | None, str]]) -> None:
    assert [(m.id, m.name) for m in extract(text, language=language).platforms] == expected


@pytest.mark.parametrize(("text", "name"), [
    ("The ICO issued an enforcement notice to Brightwave Telecom Ltd.", "Brightwave Telecom Ltd"),
    ("The ICO fined Brightwave Telecom Ltd. The firm had made 90,000 calls.", "Brightwave Telecom Ltd"),
    ("Brightwave Telecom Ltd. was fined £60,000.", "Brightwave Telecom Ltd."),
])
def test_a_full_stop_after_a_legal_form_ends_the_sentence_not_the_name(text: str, name: str) -> None:
    assert [m.name for m in extract(text, language="en").platforms][:1] == [name]


@pytest.mark.parametrize(("text", "expected"), [
    ("Meanwhile Acmefold was fined £20,000.", [(None, "Acmefold", ("fined",))]),
    ("Company A was fined and company B was warned.", []),
    ("Regulators stepped up the crackdown against Big Tech.", []),
    ("The ICO fined company A £5,000.", []),
])
def test_sentence_openers_anonymised_and_generic_names_are_no_parties(
        text: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _entries(text, "en") == expected


@pytest.mark.parametrize("text", [
    "北京、上海、广州3家市场监管局联合开展检查。",
    "網信辦對北京、上海等5個省份的網站開展檢查。",
    "今年以来，关闭违法网站、账号等3000家。",
])
def test_counted_bodies_places_and_categories_are_no_list_of_names(text: str) -> None:
    assert _entries(text) == []


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("网信办对“青柠直播”“蜜桃视频”等12家违法直播平台依法予以关闭。", "zh-Hans",
     [(None, "青柠直播", ("closed",)), (None, "蜜桃视频", ("closed",))]),
    ("網信辦對「青檸直播」「蜜桃視頻」等違法網絡平台依法予以關閉。", "zh-Hant",
     [(None, "青檸直播", ("closed",)), (None, "蜜桃視頻", ("closed",))]),
    ("Among the apps removed were Clear Sky Weather, Pocket Recipes and Coin Diary.", "en",
     [(None, "Clear Sky Weather", ("removed",)), (None, "Pocket Recipes", ("removed",)), (None, "Coin Diary", ("removed",))]),
])
def test_lists_of_platforms_and_apps_named_in_other_word_orders(
        text: str, language: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _entries(text, language) == expected


@pytest.mark.parametrize(("text", "language"), [
    ("The ICO fined two firms: Brightwave Telecom Ltd (£60,000) and Harbour Claims Ltd (£40,000).", "en"),
    ("市场监管局对唯品会（罚款60万元）、拼多多（罚款40万元）作出处罚。", "zh-Hans"),
])
def test_each_name_of_a_list_keeps_the_amount_in_its_own_bracket(text: str, language: str) -> None:
    amounts = [m.amount.value if m.amount else None for m in extract(text, language=language).platforms]
    assert amounts == [Decimal(600000), Decimal(400000)] if language == "zh-Hans" else [Decimal(60000), Decimal(40000)]


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("工信部通报，晴空天气（版本3.2.1）、掌上菜谱（版本1.0）等App存在问题。", "zh-Hans", ["晴空天气", "掌上菜谱"]),
    ("工信部通報，晴空天氣（安卓版）、掌上菜譜（iOS版）等2款App存在問題。", "zh-Hant", ["晴空天氣", "掌上菜譜"]),
])
def test_a_bracket_after_a_listed_name_describes_it(text: str, language: str, expected: list[str]) -> None:
    assert [m.name for m in extract(text, language=language).platforms] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("The attorney general announced a $4.9 million settlement with Quillon (formerly Tandem) to settle violations.",
     [(None, "Quillon", ("fined",))]),
    ("The FTC settled with Brightkids Labs over its ads and imposed a $50,000 penalty.",
     [(None, "Brightkids Labs", ("fined",))]),
])
def test_the_party_of_a_settlement(text: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _entries(text, "en") == expected


@pytest.mark.parametrize(("text", "language", "expected"), [
    # Taiwan and Hong Kong fine words: 開罰, 重罰, 裁處…罰鍰, 挨罰
    ("數位發展部今天對快手開罰300萬元。", "zh-Hant", [("kuaishou", "快手", ("fined",))]),
    ("公平會以違反公平交易法，裁處淘寶新台幣50萬元罰鍰。", "zh-Hant", [("taobao", "淘寶", ("fined",))]),
    ("抖音去年兩度挨罰，今年又被重罰。", "zh-Hant", [("douyin", "抖音", ("fined",))]),
    # an administrative penalty given (予以/给予行政处罚) is a fine; opening a penalty case is not
    ("市场监管部门对拼多多依法予以行政处罚。", "zh-Hans", [("pinduoduo", "拼多多", ("fined",))]),
    ("北京市网信办对知乎进行行政处罚立案。", "zh-Hans", [("zhihu", "知乎", ())]),
])
def test_fine_words_of_taiwan_and_hong_kong_and_administrative_penalties(
        text: str, language: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _entries(text, language) == expected


@pytest.mark.parametrize(("text", "language"), [
    ("主管機關通知後，快手未依法於24小時內下架，主管機關依法開罰。", "zh-Hant"),
    ("监管部门发现，快手没有及时关闭相关入口，依法对其罚款。", "zh-Hans"),
    ("快手拒不按要求整改，监管部门依法对其罚款。", "zh-Hans"),
])
def test_a_duty_the_platform_failed_is_not_a_measure_on_it(text: str, language: str) -> None:
    assert {action for _, _, actions in _entries(text, language) for action in actions} == {"fined"}


@pytest.mark.parametrize(("text", "language", "expected"), [
    # the platform took content down: nothing was done to it
    ("淘寶已下架涉詐廣告，並向主管機關說明。", "zh-Hant", ()),
    ("经核查，拼多多上的违规商品均已下架。", "zh-Hans", ()),
    # an app taken down is removed
    ("工信部下架了拼多多等3款App。", "zh-Hans", ("removed",)),
])
def test_content_taken_down_by_a_platform_is_no_removal_of_it(
        text: str, language: str, expected: tuple[str, ...]) -> None:
    assert [actions for _, _, actions in _entries(text, language)] == [expected]


@pytest.mark.parametrize(("text", "language", "expected"), [
    # reports of content sent to a platform (Taiwan, Hong Kong), not a regulator naming it
    ("市政府日前通報淘寶，有涉及詐騙的廣告。", "zh-Hant", ()),
    ("淘寶表示將改善通報流程，加快處理紙本通報。", "zh-Hant", ()),
    # MIIT's public notice names the app for violations
    ("工信部通报了拼多多等App侵害用户权益的行为。", "zh-Hans", ("notified",)),
])
def test_a_report_sent_to_a_platform_is_no_public_notice(
        text: str, language: str, expected: tuple[str, ...]) -> None:
    assert [actions for _, _, actions in _entries(text, language)] == [expected]


@pytest.mark.parametrize(("text", "language"), [
    ("條例要求快手、淘寶、抖音等平台落實實名制。今年5月，快手首次遭開罰。", "zh-Hant"),
    ("The rules require Kuaishou, Taobao and Douyin to verify advertisers. Kuaishou was fined in May.", "en"),
])
def test_a_later_sentence_about_one_of_a_list_is_said_of_that_one(text: str, language: str) -> None:
    actions = {name: actions for _, name, actions in _entries(text, language)}
    assert actions["淘寶" if language == "zh-Hant" else "Taobao"] == ()
    assert "fined" in actions["快手" if language == "zh-Hant" else "Kuaishou"]


def test_a_quoted_law_is_no_app() -> None:
    assert [name for _, name, _ in _entries("快手未依「詐防條例」於24小時內下架廣告，遭主管機關開罰。", "zh-Hant")] == ["快手"]


@pytest.mark.parametrize(("text", "language"), [
    ("监管部门对快手、拼多多、“晴天社区”等网站违规行为予以行政处罚。", "zh-Hans"),
    ("主管機關對快手、拼多多、「晴天社區」等網站的違規行為予以行政處罰。", "zh-Hant"),
])
def test_every_name_of_a_list_with_quoted_and_unquoted_items_takes_its_verb(text: str, language: str) -> None:
    assert [actions for _, _, actions in _entries(text, language)] == [("fined",)] * 3


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("网信部门对“晴天社区”网站予以注销。", "zh-Hans", [(None, "晴天社区", ("closed",))]),
    ("並責令百度貼吧、快手等平台刪除相關不良信息。", "zh-Hant",
     [("tieba", "百度貼吧", ("ordered_to_rectify",)), ("kuaishou", "快手", ("ordered_to_rectify",))]),
    ("主管機關勒令淘寶限期改正。", "zh-Hant", [("taobao", "淘寶", ("ordered_to_rectify",))]),
    ("數發部對淘寶開罰，並要求30日內改正。", "zh-Hant", [("taobao", "淘寶", ("fined", "ordered_to_rectify"))]),
    ("监管部门约谈快手，要求停止热搜榜单更新。", "zh-Hans", [("kuaishou", "快手", ("summoned", "suspended"))]),
])
def test_orders_closures_and_stopped_updates_with_words_between(
        text: str, language: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _entries(text, language) == expected


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("针对“虎牙”“斗鱼”等平台存在的问题，网信部门对相关企业进行约谈。", "zh-Hans", [("summoned",)] * 2),
    ("針對快手、抖音等平台存在的問題，網信部門對涉事平台予以警告。", "zh-Hant", [("warned",)] * 2),
    # without 针对 opening the sentence, 相关企业 are others
    ("快手、抖音等平台今年上线新功能，网信部门对相关企业进行约谈。", "zh-Hans", [()] * 2),
])
def test_related_companies_are_the_ones_the_sentence_opened_with(
        text: str, language: str, expected: list[tuple[str, ...]]) -> None:
    assert [actions for _, _, actions in _entries(text, language)] == expected


def test_a_failed_duty_ends_where_a_measure_befalls_the_platform() -> None:
    assert _entries("阿里并购银泰未申报 遭罚款50万元", "zh-Hans") == [("alibaba", "阿里", ("fined",)), ("intime", "银泰", ())]


@pytest.mark.parametrize(("text", "language"), [
    ("工信部点名12款App存在问题，拉勾招聘、天涯社区名列其中。", "zh-Hans"),
    ("工信部點名12款App存在問題，拉勾、天涯社區均在列。", "zh-Hant"),
    # the kit counted with the apps in brackets (App(SDK)) is part of the counted noun
    ("工信部发现12款App(SDK)存在侵害用户权益行为，包括拉勾、天涯社区等。", "zh-Hans"),
])
def test_names_among_what_the_clause_before_counted(text: str, language: str) -> None:
    assert [(platform_id, actions) for platform_id, _, actions in _entries(text, language)] == [
        ("lagou", ("notified",)), ("tianya", ("notified",))]


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("“网信海南”微信号23日通报，“晴天社区”等5款应用程序存在问题。", "zh-Hans", [(None, "晴天社区", ("notified",))]),
    ("「網信海南」微信號昨日公布，「晴天社區」等5款應用程序被通報。", "zh-Hant", [(None, "晴天社區", ("notified",))]),
])
def test_a_channel_that_announces_is_no_platform(
        text: str, language: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _entries(text, language) == expected


@pytest.mark.parametrize(("text", "language"), [
    ("网信办通报了“晴天社区”等5款应用程序，并责令相关运营单位限期整改。", "zh-Hans"),
    ("網信辦通報了「晴天社區」等5款應用程序，並要求有關企業限期整改。", "zh-Hant"),
])
def test_an_order_on_related_operators_is_not_said_of_the_names(text: str, language: str) -> None:
    assert [actions for _, _, actions in _entries(text, language)] == [("notified",)]


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("今日頭條、UC被網信部門依法查處。", "zh-Hant", [("toutiao", "今日頭條"), ("uc", "UC")]),
    ("今日头条、晴天天气被网信部门约谈。", "zh-Hans", [("toutiao", "今日头条"), (None, "晴天天气")]),
])
def test_the_last_name_of_a_list_ends_at_its_verb(text: str, language: str, expected: list[tuple[str | None, str]]) -> None:
    assert [(platform_id, name) for platform_id, name, _ in _entries(text, language)] == expected


def test_uc_is_no_part_of_a_latin_word() -> None:
    assert _entries("他毕业于UCLA，曾任NUC公司职员。", "zh-Hans") == []


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("公平會今天宣布foodpanda違法，並處新台幣200萬元罰鍰。", "zh-Hant", [("foodpanda", "foodpanda", ("fined",))]),
    ("The watchdog fined Foodpanda. Its only large rival is Uber Eats.", "en",
     [("foodpanda", "Foodpanda", ("fined",)), ("uber_eats", "Uber Eats", ())]),
    # a registered name read back stops at the verb before it
    ("公平會今天宣布晴空外送股份有限公司違法，處新台幣200萬元罰鍰。", "zh-Hant", [(None, "晴空外送股份有限公司", ("fined",))]),
])
def test_food_delivery_platforms_and_names_read_back_to_a_verb(
        text: str, language: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _entries(text, language) == expected


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("依法查处“晴天新闻”“华夏视点”等一批违规从事新闻信息服务、破坏传播秩序的网站。", "zh-Hans", ["晴天新闻", "华夏视点"]),
    ("依法查處「晴天新聞」「華夏視點」等多家違規採編、轉載新聞的網站。", "zh-Hant", ["晴天新聞", "華夏視點"]),
    # campaigns are no platforms
    ("结合“清朗·春节网络环境”“清朗·‘饭圈’乱象整治”等专项行动，关闭“晴天新闻”网站。", "zh-Hans", ["晴天新闻"]),
    ("“燕赵净网”行动期间，网信办约谈了“晴天新闻”网站。", "zh-Hans", ["晴天新闻"]),
])
def test_quoted_names_closed_by_a_long_kind_and_campaign_names(text: str, language: str, expected: list[str]) -> None:
    assert [name for _, name, _ in _entries(text, language)] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("The commission fined ByteDance Ltd’s TikTok €345 million last year.",
     [("bytedance", ()), ("tiktok", ("fined",))]),
    ("Regulators fined Alibaba Group's Taobao over fake goods.", [("alibaba", ()), ("taobao", ("fined",))]),
])
def test_the_owner_written_with_its_legal_form_before_a_possessive_is_not_fined(
        text: str, expected: list[tuple[str, tuple[str, ...]]]) -> None:
    assert [(platform_id, actions) for platform_id, _, actions in _entries(text, "en")] == expected


@pytest.mark.parametrize("text", [
    "TikTok avoided penalties after it changed its advertising repository.",
    "TikTok escaped a fine because it fixed the repository in time.",
    "TikTok was spared from a fine this time.",
])
def test_a_penalty_avoided_is_none(text: str) -> None:
    assert _entries(text, "en") == [("tiktok", "TikTok", ())]


@pytest.mark.parametrize(("text", "expected"), [
    ("The apps were removed, according to Chinese news portal Sohu.com.", []),
    ("Toutiao was removed for three weeks, according to the Sohu report.", [("toutiao", "Toutiao", ("removed",))]),
    # a regulator's name is no app of a list
    ("Douban is one of the apps. SEE ALSO: Cyberspace Administration of China Fines Social Media Platform Douban",
     [("douban", "Douban", ("fined",)), ("douban", "Douban", ("fined",))]),
])
def test_an_outlet_cited_and_a_regulator_are_no_platforms(
        text: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _entries(text, "en") == expected


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("案件分為：快手未依詐防條例第32條第1項第1款前段於24小時內下架77則。", "zh-Hant", ()),
    ("主管機關確認通報涉詐廣告均已下架，並要求快手陳述意見。", "zh-Hant", ()),
    ("工信部通报快手等App存在问题。", "zh-Hans", ("notified",)),
])
def test_a_long_failed_duty_and_reported_content(text: str, language: str, expected: tuple[str, ...]) -> None:
    assert [actions for _, _, actions in _entries(text, language)] == [expected]


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("“晴天记账”APP超范围收集信息，公安机关对该APP运营单位“上海晴天网络科技有限公司”处以行政警告。", "zh-Hans",
     [(None, "晴天记账", ("warned",))]),
    ("「晴天記賬」APP超範圍收集信息，警方對該APP開發單位「上海晴天網絡科技有限公司」處以警告。", "zh-Hant",
     [(None, "晴天記賬", ("warned",))]),
])
def test_the_operator_of_the_app_just_named_is_no_party_of_its_own(
        text: str, language: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _entries(text, language) == expected


@pytest.mark.parametrize(("text", "language"), [
    ("依法对“山地卡车”等应用程序采取下架措施。“早晚天气”等12款应用程序复核上架。", "zh-Hans"),
    ("依法對「山地卡車」等應用程式採取下架措施。「早晚天氣」等12款應用程式已恢復上架。", "zh-Hant"),
])
def test_apps_put_back_on_the_shelves_are_not_removed(text: str, language: str) -> None:
    assert [actions for _, _, actions in _entries(text, language)] == [("removed",), ()]


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("未按要求完成整改的晴天记账、口袋读书、微唱-原创音乐三款应用,已被下架。", "zh-Hans", ["晴天记账", "口袋读书", "微唱-原创音乐"]),
    ("存在違規問題的晴天記賬、口袋讀書2款應用已被下架。", "zh-Hant", ["晴天記賬", "口袋讀書"]),
    ("工信部下架了会说话的汤姆猫、晴天记账2款App。", "zh-Hans", ["会说话的汤姆猫", "晴天记账"]),
])
def test_a_list_opened_by_a_relative_clause_starts_after_it(text: str, language: str, expected: list[str]) -> None:
    entries = _entries(text, language)
    assert [name for _, name, _ in entries] == expected
    assert {actions for _, _, actions in entries} == {("removed",)}


def test_an_article_referred_to_is_no_name() -> None:
    text = "晴天记账等3款应用已被下架。(详见“工信部通报下架晴天记账等3款侵害用户权益APP”)"
    assert {name for _, name, _ in _entries(text, "zh-Hans")} == {"晴天记账"}


@pytest.mark.parametrize(("text", "language"), [
    ("开展“清朗·春节网络环境”等专项行动,约谈网站平台180余家,协调关闭、注销备案网站平台122家。", "zh-Hans"),
    ("開展「清朗·暑期未成年人環境」等專項行動，下架相關App 804款。", "zh-Hant"),
])
def test_a_campaign_before_counts_of_platforms_is_no_platform(text: str, language: str) -> None:
    assert _entries(text, language) == []


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("「網信中國」微信公布兩起案件：對微博平台予以警告。", "zh-Hant", [("weibo", "微博平台", ("warned",))]),
    ("“网信浙江”微博今日发布：对“晴天新闻”网站予以关闭。", "zh-Hans", [(None, "晴天新闻", ("closed",))]),
    ("China's anti-monopoly efforts bear fruit\nShare - WeChat\nThe regulator fined Meituan.", "en",
     [("meituan", "Meituan", ("fined",))]),
])
def test_a_channel_written_quoted_name_then_wechat_and_a_share_button(
        text: str, language: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert _entries(text, language) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ('The ICO issued a reprimand to "Harbour Media Limited t/a Tube Now" after a cyber attack.', "Tube Now"),
    ("The ICO published a reprimand to Harbour Media Limited trading as Tube Now after an attack.", "Tube Now"),
])
def test_a_company_trading_as_a_service_is_named_by_the_service(text: str, expected: str) -> None:
    assert [(name, actions) for _, name, actions in _entries(text, "en")] == [(expected, ("warned",))]


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("对优酷、爱奇艺、大学生联盟网、“喵播”等网站予以行政处罚。", "zh-Hans", ["优酷", "爱奇艺", "大学生联盟网", "喵播"]),
    ("對優酷、晴天書城、「喵播」等網站予以警告。", "zh-Hant", ["優酷", "晴天書城", "喵播"]),
])
def test_an_unquoted_name_between_a_registry_name_and_a_quoted_one_is_listed(
        text: str, language: str, expected: list[str]) -> None:
    entries = _entries(text, language)
    assert [name for _, name, _ in entries] == expected
    assert len({actions for _, _, actions in entries}) == 1


def test_words_between_two_registry_names_that_are_no_list_item_are_no_name() -> None:
    assert [name for _, name, _ in _entries("优酷的违规内容、爱奇艺的违规内容均已清理。", "zh-Hans")] == ["优酷", "爱奇艺"]


@pytest.mark.parametrize(("text", "language", "expected"), [
    # a city government or the public reports content to a platform (Taiwan, Hong Kong usage)
    ("台北市政府日前通報快手平台未依規定下架涉詐廣告，主管機關依法開罰。", "zh-Hant", ("fined",)),
    ("民眾通報淘寶有違規商品，主管機關對淘寶開罰。", "zh-Hant", ("fined",)),
    # a regulator's public notice names the app
    ("工業和信息化部通報快手等App存在問題。", "zh-Hant", ("notified",)),
])
def test_the_subject_of_tongbao_decides_report_or_public_notice(
        text: str, language: str, expected: tuple[str, ...]) -> None:
    assert {actions for _, _, actions in _entries(text, language)} == {expected}


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("工信部通报20款App，包括杭州晴川网络科技有限公司的晴天记账、南京小鹿软件有限公司小鹿阅读等。", "zh-Hans",
     ["晴天记账", "小鹿阅读"]),
    ("工信部通報15款App，包括廣州星球科技有限公司的星球漫畫、深圳口袋軟件有限公司開發的口袋讀書等。", "zh-Hant",
     ["星球漫畫", "口袋讀書"]),
    ("部分SDK存在多项问题。以北京云图数据有限公司开发的云图统计Android SDK为例,其问题包括超范围收集个人信息。",
     "zh-Hans", ["云图统计Android SDK"]),
])
def test_an_app_written_after_its_operator_is_the_name_not_the_operator(
        text: str, language: str, expected: list[str]) -> None:
    assert [name for _, name, _ in _entries(text, language)] == expected


def test_a_deal_object_after_a_company_is_no_app() -> None:
    text = "市场监管总局对晴川投资有限公司收购小鹿商业有限公司股权、星球集团收购云图传媒有限公司股权作出处罚决定。"
    assert not any(name.endswith("股权") for _, name, _ in _entries(text, "zh-Hans"))


@pytest.mark.parametrize(("text", "language"), [
    ("网信系统累计约谈网站5518家、暂停功能或更新网站188家,关闭违法网站7704家。", "zh-Hans"),
    ("網信系統累計約談網站5518家、暫停功能或更新網站188家,關閉違法網站7704家。", "zh-Hant"),
])
def test_counts_of_kinds_side_by_side_are_no_list_of_names(text: str, language: str) -> None:
    assert _entries(text, language) == []


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("信息窗口“乱跳转”问题频繁出现,共有晴天记账、小鹿阅读、星球漫画等19款被点名。", "zh-Hans",
     ["晴天记账", "小鹿阅读", "星球漫画"]),
    ("工信部通报52款App。在15款存在问题的应用中,晴天记账、小鹿阅读、星球漫画等生活类应用占据多数。", "zh-Hans",
     ["晴天记账", "小鹿阅读", "星球漫画"]),
    ("工信部通報52款App。共計晴天記賬、小鹿閱讀等12款遊戲類App被點名。", "zh-Hant", ["晴天記賬", "小鹿閱讀"]),
])
def test_a_list_after_a_total_word_or_closed_by_a_category_of_apps(
        text: str, language: str, expected: list[str]) -> None:
    entries = _entries(text, language)
    assert [name for _, name, _ in entries] == expected
    assert {actions for _, _, actions in entries} == {("notified",)}


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("工信部通报晴天记账等5款App。此外,还有多款App被指信息窗口无法关闭。", "zh-Hans", ("notified",)),
    ("工信部通報晴天記賬等5款App。部分App的彈窗不能關閉。", "zh-Hant", ("notified",)),
    # the regulator closes the site: a measure
    ("网信办依法关闭“晴天新闻”等违规网站。", "zh-Hans", ("closed",)),
])
def test_what_a_user_cannot_close_is_no_closure(text: str, language: str, expected: tuple[str, ...]) -> None:
    assert {actions for _, _, actions in _entries(text, language)} == {expected}


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("当中拼多多及小红书分别被处罚 182.3 亿元和 34.4 亿元。", "zh-Hans", ("fined",)),
    ("當中阿里巴巴及美團分別被處罰 182.3 億元和 34.4 億元。", "zh-Hant", ("fined",)),
    ("市场监管局对京东处罚50万元。", "zh-Hans", ("fined",)),
    # 处罚 with no money is no fine
    ("市场监管局对京东作出处罚决定，责令限期整改。", "zh-Hans", ("ordered_to_rectify",)),
])
def test_a_penalty_stated_as_money_is_a_fine(text: str, language: str, expected: tuple[str, ...]) -> None:
    assert {actions for _, _, actions in _entries(text, language)} == {expected}


@pytest.mark.parametrize(("text", "language"), [
    ("省网信办会同省通信管理局依法注销“晴天买房网”等19家违法违规网站备案。", "zh-Hans"),
    ("省網信辦依法註銷「晴天買房網」等19家違法違規網站備案。", "zh-Hant"),
    ("依法注销“晴天新闻网”的网站备案。", "zh-Hans"),
])
def test_a_site_whose_filing_is_cancelled_is_closed(text: str, language: str) -> None:
    assert {actions for _, _, actions in _entries(text, language)} == {("closed",)}


def test_a_cancelled_account_is_no_filing_cancelled() -> None:
    text = "“晴天新闻”网站已注销用户账号。"
    assert {actions for _, _, actions in _entries(text, "zh-Hans")} <= {()}


@pytest.mark.parametrize(("text", "expected"), [
    (("The notice proposing a fine of £20 million relates to a breach that British Airways notified to the "
      "Commissioner."), ("fine_proposed",)),
    ("The ICO is proposing to fine Marriott £99 million.", ("fine_proposed",)),
    ("The regulator proposes a fine of £4 million on TikTok.", ("fine_proposed",)),
    # a fine announced in advance, or one only planned: nothing imposed yet
    ("The authority sent an advance notification of a £3 million administrative fine to TikTok.", ("fine_proposed",)),
    ("The planned fine on Marriott follows a complaint by a consumer group.", ("fine_proposed",)),
    ("The regulator set out a provisional penalty for Grindr in its draft decision.", ("fine_proposed",)),
])
def test_a_fine_being_proposed_is_no_fine(text: str, expected: tuple[str, ...]) -> None:
    assert {actions for _, _, actions in _entries(text, "en")} == {expected}


@pytest.mark.parametrize("text", [
    "British Airways notified the breach to the Commissioner in September.",
    "A cyber incident was notified to the ICO by Marriott.",
    "TikTok notified the regulator of the breach within 72 hours.",
])
def test_a_company_reporting_a_breach_to_the_regulator_is_not_notified(text: str) -> None:
    assert {actions for _, _, actions in _entries(text, "en")} == {()}


@pytest.mark.parametrize(("text", "expected"), [
    ("The FTC reached a $20 million settlement with Microsoft after alleging the company kept data.",
     [("Microsoft", ("fined",))]),
    ("The DOJ announced a settlement with Amazon over the claims.", [("Amazon", ("fined",))]),
    # a preposition that does not belong to the verb still makes the name oblique
    ("The FTC fined Google after a complaint filed with Microsoft.", [("Google", ("fined",)), ("Microsoft", ())]),
])
def test_the_party_of_a_settlement_with_is_fined(text: str, expected: list[tuple[str, tuple[str, ...]]]) -> None:
    assert [(name, actions) for _, name, actions in _entries(text, "en")] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Google was penalised three times for violating the GDPR, as were Facebook and Swedish fashion company H&M.",
     {"Google": ("fined",), "Facebook": ("fined",), "H&M": ("fined",)}),
    ("Meta was fined by the DPC, as was TikTok.", {"Meta": ("fined",), "TikTok": ("fined",)}),
    # the verb compared with is in another clause: nothing to take
    ("Google was fined in 2019, and Facebook was later praised, as was TikTok.",
     {"Google": ("fined",), "Facebook": (), "TikTok": ()}),
    # a comment on the clause: no second subject
    ("Meta was fined, as was widely reported by Weibo users.", {"Meta": ("fined",), "Weibo": ()}),
])
def test_names_after_as_were_take_the_verb_compared_with(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {name: actions for _, name, actions in _entries(text, "en")} == expected


@pytest.mark.parametrize(("text", "language"), [
    ("服务热线/微信:15002687135 欢迎光临。网信办约谈淘宝网。", "zh-Hans"),
    ("服務熱線/微信：lanzhou-xunbao 歡迎光臨。網信辦約談淘寶網。", "zh-Hant"),
    ("据“晴天科技微信公众号”消息:网信办约谈淘宝网。", "zh-Hans"),
])
def test_a_contact_handle_and_a_quoted_account_cited_as_source_are_no_platforms(text: str, language: str) -> None:
    assert [platform_id for platform_id, _, _ in _entries(text, language)] == ["taobao"]


def test_wechat_acted_on_beside_a_colon_is_still_a_platform() -> None:
    assert [(platform_id, actions) for platform_id, _, actions in _entries("网信办约谈了微信：要求整改。", "zh-Hans")] \
        == [("wechat", ("summoned", "ordered_to_rectify"))]


@pytest.mark.parametrize(("text", "language"), [
    ("经查,其运营的晴天记账、小鹿阅读等14款App存在违反必要原则收集个人信息等违法行为。", "zh-Hans"),
    ("經查，其運營的晴天記賬、小鹿閱讀等3款應用存在侵害用戶權益問題。", "zh-Hant"),
    ("检测发现,晴天记账、小鹿阅读等5款App及SDK存在超范围收集个人信息问题。", "zh-Hans"),
])
def test_apps_a_regulator_finds_in_violation_are_notified(text: str, language: str) -> None:
    assert {actions for _, _, actions in _entries(text, language)} == {("notified",)}


def test_apps_that_exist_without_a_violation_are_not_notified() -> None:
    text = "晴天记账、小鹿阅读等5款App存在于多个应用商店。"
    assert {actions for _, _, actions in _entries(text, "zh-Hans")} <= {()}


def test_a_registry_platform_among_its_operators_apps_in_violation_keeps_the_notices_action() -> None:
    text = ("经查，该公司运营的中国知网等14款App存在违反必要原则收集个人信息等违法行为。"
            "国家网信办依法作出行政处罚的决定，并处人民币5000万元罚款。")
    assert {actions for _, _, actions in _entries(text, "zh-Hans")} == {("fined",)}


@pytest.mark.parametrize(("text", "language"), [
    ("依法下线处置“晴天相机”“小鹿漫画”等应用程序中部分未经评估上线的功能。", "zh-Hans"),
    ("依法下線「晴天相機」等應用程序中存在安全隱患的功能。", "zh-Hant"),
])
def test_features_of_named_apps_taken_offline_suspend_them(text: str, language: str) -> None:
    assert {actions for _, _, actions in _entries(text, language)} == {("suspended",)}


def test_sites_no_name_is_given_for_taking_features_offline_suspend_no_named_app() -> None:
    text = "依法对“山地运输”等移动应用程序采取下架措施,责令未经安全评估的相关网站下线有关功能。"
    assert {actions for _, _, actions in _entries(text, "zh-Hans")} == {("removed",)}


@pytest.mark.parametrize(("text", "unexpected"), [
    ("The EU Commission finally fines X\n\nJane Roe, Professor of Law, Kings College London\n\nPhoto credit: Wiki",
     "Kings College London"),
    ("Regulator fines Meta\n\n \n\nJohn Doe, Senior Fellow, Oxford Internet Institute\n\nIntroduction",
     "Oxford Internet Institute"),
])
def test_a_list_of_fined_names_ends_at_a_blank_line(text: str, unexpected: str) -> None:
    names = [name for _, name, _ in _entries(text, "en")]
    assert names and not any(unexpected in name or "\n" in name for name in names)


def test_a_list_of_fined_names_goes_on_over_a_wrapped_line() -> None:
    text = "The regulator fined Acme Widgets and\nBeta Gadgets for the breach."
    assert [name for _, name, _ in _entries(text, "en")] == ["Acme Widgets", "Beta Gadgets"]


@pytest.mark.parametrize("text", [
    "It blocked imports into Belgium. AB InBev is the biggest brewer and was fined €200 million.",
    "The firm sold the goods in Sweden. AB Volvo was not involved.",
])
def test_a_sentence_end_before_a_legal_form_is_no_company_name(text: str) -> None:
    assert not any(name.startswith(("Belgium", "Sweden")) for _, name, _ in _entries(text, "en"))


@pytest.mark.parametrize(("text", "expected"), [
    (("The FTC reached the largest civil penalty settlement of the Children's Online Privacy Protection Act (COPPA) "
      "with Playdom for $3M."), "Playdom"),
    ("The agency announced a $4 million civil penalty settlement of its privacy claims with Hyperbeard Games.",
     "Hyperbeard Games"),
])
def test_the_party_of_a_settlement_of_claims_with_is_named_and_fined(text: str, expected: str) -> None:
    assert [(name, actions) for _, name, actions in _entries(text, "en")] == [(expected, ("fined",))]


def test_a_settlement_between_others_does_not_fine_who_it_was_discussed_with() -> None:
    text = "The company discussed the matter with Microsoft before any settlement."
    assert all("fined" not in actions for _, _, actions in _entries(text, "en"))


@pytest.mark.parametrize(("text", "language"), [
    ("在第一季度检测中,腾讯应用宝、小米应用商店发现问题数量分别占比14.22%、13.81%,存在上架审核不严格等问题。", "zh-Hans"),
    ("在本次抽查中，華為應用市場、vivo應用商店問題較多，存在登記核驗信息不準確等違規行為。", "zh-Hant"),
    ("经检测,晴天记账、小鹿阅读等应用,存在超范围收集个人信息的问题。", "zh-Hans"),
])
def test_names_whose_clause_says_they_have_problems_are_notified(text: str, language: str) -> None:
    assert {actions for _, _, actions in _entries(text, language)} == {("notified",)}


@pytest.mark.parametrize(("text", "language", "expected"), [
    # the problems are the reason for another measure
    ("针对抖音、新浪微博等网站平台存在传播违法信息问题,国家网信办依法约谈相关负责人。", "zh-Hans", ("summoned",)),
    # a question finds nothing
    ("滴滴被罚80.26亿元,存在哪些违法违规行为?", "zh-Hans", ("fined",)),
    ("抖音被罰款，存在什麼違規問題？", "zh-Hant", ("fined",)),
    # a relative clause: the platforms that have problems, whoever they are
    ("网信办依法约谈抖音，存在问题的平台须限期整改。", "zh-Hans", ("summoned", "ordered_to_rectify")),
    ("網信辦依法約談抖音，存在違規行為的平台須限期整改。", "zh-Hant", ("summoned", "ordered_to_rectify")),
    # a registry platform listed as its operator's app keeps the notice's own action
    ("经查，该公司运营的中国知网等14款App存在违法行为。国家网信办并处人民币5000万元罚款。", "zh-Hans", ("fined",)),
])
def test_problems_said_as_a_reason_or_of_an_operators_app_are_no_notification(
        text: str, language: str, expected: tuple[str, ...]) -> None:
    assert {actions for _, _, actions in _entries(text, language)} == {expected}


@pytest.mark.parametrize("text", [
    "The FTC alleged that Edmodo didn't provide the notices to schools.",
    "The regulator alleged that Hyperbeard Games did not obtain parental consent.",
    "The FTC found that Acme Widgets illegally collected children's data.",
])
def test_the_party_an_allegation_is_about_is_named(text: str) -> None:
    assert len(_entries(text, "en")) == 1


@pytest.mark.parametrize(("text", "expected"), [
    ("The government threatened last year to block Telegram unless it cleaned up its channels.", ()),
    ("The ministry threatens to fine TikTok if the videos stay online.", ()),
    # a threat spoken of does not undo the measure the sentence takes
    ("Despite earlier threats to shut it, the regulator fined Telegram.", ("fined",)),
])
def test_a_measure_only_threatened_is_not_taken(text: str, expected: tuple[str, ...]) -> None:
    assert {actions for _, _, actions in _entries(text, "en")} == {expected}


@pytest.mark.parametrize(("text", "expected"), [
    ("The FTC alleged that Edmodo misled schools. Edmodo suspended its U.S. operations during the inquiry.", ()),
    ("Meta was fined €5 million. It said Meta closed down its store in Lyon after the decision.", ("fined",)),
    # the regulator's measure on the company
    ("The regulator suspended TikTok for six months.", ("suspended",)),
    # made to do it to its own business: a measure on it all the same
    ("Weibo was ordered by the city regulator to suspend its trending lists for a week.", ("suspended",)),
    ("The ministry told TikTok to suspend its live-streaming service.", ("suspended",)),
])
def test_what_a_company_did_to_its_own_business_is_no_measure(text: str, expected: tuple[str, ...]) -> None:
    assert {actions for _, _, actions in _entries(text, "en")} == {expected}


@pytest.mark.parametrize("text", [
    "工信部约谈了杭州晴川网络科技有限公司的负责人、南京小鹿软件有限公司的法定代表人等,要求App整改。",
    "經查，廣州星球科技有限公司的應用、深圳口袋軟件有限公司的產品等均存在問題，涉及多款App。",
])
def test_an_operators_people_or_things_named_by_kind_are_no_app(text: str) -> None:
    names = [name for _, name, _ in _entries(text)]
    assert not any(word in name for name in names for word in ("负责人", "代表人", "應用", "產品"))


@pytest.mark.parametrize(("text", "expected"), [
    # A fine the party may get (modal, "faces", an intent) is proposed, not imposed.
    ("Snapchat could face a £9 million fine over its age checks.", [("snapchat", ("fine_proposed",))]),
    ("Yandex is facing a fine of up to 5 billion roubles.", [("yandex", ("fine_proposed",))]),
    ("The watchdog said it planned to levy a fine against Roblox in court.", [("roblox", ("fine_proposed",))]),
    ("抖音或被处以500万元罚款。", [("douyin", ("fine_proposed",))]),
    ("监管机构打算向优步发出罚款通知。", [("uber", ("fine_proposed",))]),
    # A penalty the law allows, or one still to be decided, is no action on the party.
    ("Regulators can fine Vinted up to 4% of its turnover.", [("vinted", ())]),
    ("主管机关将再决定是否对酷澎裁罚。", [("coupang", ())]),
    ("如有违规，监管部门可对小红书处以罚款，罚款金额最高可达营业额的10%。", [("xiaohongshu", ())]),
    # "faces" as a noun, a failure to act, a word of a compound: no measure.
    ("Clearview copied users' faces and was fined £3 million.", [("clearview", ("fined",))]),
    ("Reddit was penalised over its failure to remove spam.", [("reddit", ("fined",))]),
    ("Valve was fined for geo-blocking game keys.", [("valve", ("fined",))]),
    ("Twitch itself notified the office of the breach.", [("twitch", ())]),
    # A closure with an end is a suspension.
    ("Regulators shut down Dcard for 48 hours over its content.", [("dcard", ("suspended",))]),
    # A reprimand, and an order to remedy or to comply within a time given.
    ("委员会对WhatsApp进行了谴责，并下令WhatsApp采取补救措施。",
     [("whatsapp", ("warned",)), ("whatsapp", ("ordered_to_rectify",))]),
    ("监管机构已给予抖音三个月时间使其处理方式符合规定。", [("douyin", ("ordered_to_rectify",))]),
    # A fine on a condition (否则, 如果), one the press says may come (或开出), no fine.
    ("否则，拼多多将被处以最高500万元的罚款。", [("pinduoduo", ())]),
    ("美团或遭开出天价罚单。", [("meituan", ())]),
    # The party reporting to a body is not named by it; a deadline set for the party orders it.
    ("美团须在30日内向监管机构通报已采取的措施。", [("meituan", ("ordered_to_rectify",))]),
    ("拼多多必须在两个月内提交整改方案。", [("pinduoduo", ("ordered_to_rectify",))]),
    # Taiwan's wording: 限期改善 (improve within a time), 予以糾正 (a formal correction).
    ("數發部要求酷澎限期改善。", [("coupang", ("ordered_to_rectify",))]),
    ("金管會對LINE予以糾正。", [("line", ("ordered_to_rectify",))]),
    # Rectifying "as required", in the party's own words, is no order.
    ("抖音称，如果按照监管机构要求整改，将损害用户利益。", [("douyin", ())]),
    ("The authority gave Grindr two months to bring its processing into compliance.",
     [("grindr", ("ordered_to_rectify",))]),
])
def test_fines_possible_pending_or_denied_and_orders_in_other_words(
        text: str, expected: list[tuple[str, tuple[str, ...]]]) -> None:
    assert [(m.id, m.actions) for m in _mentions(text)] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # The owner of the product a verb acts on is named, not acted on: 旗下, 其 (its), "publisher".
    ("监管部门约谈了快手和字节跳动旗下的“西瓜视频”。",
     [("kuaishou", ("summoned",)), ("bytedance", ()), ("xigua", ("summoned",))]),
    ("监管机构对脸书旗下的通讯应用WhatsApp处以罚款。", [("facebook", ()), ("whatsapp", ("fined",))]),
    ("对Meta的罚款源于其Instagram和Facebook的广告模式。",
     [("meta", ("fined",)), ("instagram", ()), ("facebook", ())]),
    ("Fortnite maker Epic Games was fined $5 million.", [("fortnite", ()), ("epic_games", ("fined",))]),
    ("监管机构对Meta（脸书母公司）处以罚款。", [("meta", ("fined",)), ("facebook", ())]),
])
def test_owners_and_products_of_the_party_are_named(text: str, expected: list[tuple[str, tuple[str, ...]]]) -> None:
    assert [(m.id, m.actions) for m in _mentions(text)] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # A list closed by its count, read back to a reference word or a letter's verb, not past it.
    ("监管机构已函请东湖、西岭等2家公司到会说明，并处以罚款。", ["东湖", "西岭"]),
    ("（下称东湖、西岭等2家公司）被处以罚款。", ["东湖", "西岭"]),
    ("有关东湖、西岭等2家公司被处以罚款。", ["东湖", "西岭"]),
])
def test_a_counted_list_starts_after_reference_words(text: str, expected: list[str]) -> None:
    assert [m.name for m in _mentions(text)] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # What the party did against the rules is its conduct, not a measure on it.
    ("快手违法下架3个频道，监管机构对其处以罚款。", [("kuaishou", ("fined",))]),
    ("斗鱼擅自关闭了直播服务。", [("douyu", ())]),
])
def test_conduct_against_the_rules_is_no_measure(text: str, expected: list[tuple[str, tuple[str, ...]]]) -> None:
    assert [(m.id, m.actions) for m in _mentions(text)] == expected


@pytest.mark.parametrize("text", [
    "The FTC announced a settlement with Singaporean-based ad network, Quorvex, which must pay $1 million.",
    "The regulator planned to levy a fine against the US-based company in court.",
])
def test_where_a_company_is_based_is_no_name(text: str) -> None:
    assert not [m for m in _mentions(text) if m.name.endswith("-based")]


def test_what_a_measure_answers_is_no_naming() -> None:
    text = "针对快手平台未落实主体责任，存在泛娱乐化倾向问题，网信办对快手平台采取约谈措施。"
    assert [(m.id, m.actions) for m in _mentions(text)] == [("kuaishou", ("summoned",))] * 2


@pytest.mark.parametrize(("text", "expected"), [
    # 警示 given to named sites is a warning; a cautionary lesson is none.
    ("市网信办对“晴川网”“云雀APP”等12家网站平台进行约谈和警示。",
     [(None, "晴川网", ("summoned", "warned")), (None, "云雀APP", ("summoned", "warned"))]),
    ("这些案例起到警示作用，抖音也被约谈。", [("douyin", "抖音", ("summoned",))]),
    # A quoted product name that begins with a registry name is one mention under that id.
    ("应用商店依法下架“百度识图APP”“晴川阅读”等违规应用。",
     [("baidu", "百度识图APP", ("removed",)), (None, "晴川阅读", ("removed",))]),
])
def test_warnings_given_and_quoted_products_of_registry_names(
        text: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert [(m.id, m.name, m.actions) for m in _mentions(text)] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # A menu of measures over several accounts: which account got which is not said.
    ("账号“晴**川”“云***雀”等恶意炒作。已责令相关网站对上述账号采取关闭、禁言等处置措施。",
     [(None, ()), (None, ())]),
    # One measure over them, or a menu for one named platform, is said of each.
    ("账号“晴**川”“云***雀”等恶意炒作。已责令相关网站对上述账号作关闭处置。",
     [(None, ("closed",)), (None, ("closed",))]),
    ("网信办对微博平台采取约谈、警告等处置处罚措施。", [("weibo", ("summoned", "warned"))]),
])
def test_a_menu_of_measures_over_several_accounts_is_said_of_none(
        text: str, expected: list[tuple[str | None, tuple[str, ...]]]) -> None:
    assert [(m.id, m.actions) for m in _mentions(text)] == expected


def test_the_short_form_of_a_registry_name_written_before_is_that_platform() -> None:
    text = "The FTC fined Epic Games $5 million. The FTC also fined Epic for its billing."
    assert [(m.id, m.name) for m in _mentions(text)] == [("epic_games", "Epic Games"), ("epic_games", "Epic")]


@pytest.mark.parametrize(("text", "expected"), [
    # Every unquoted item before the first registry name of a list after its lead word.
    ("本次下架的APP包括晴川天气、小云记账和快看漫画。",
     [(None, "晴川天气", ("removed",)), (None, "小云记账", ("removed",)), ("kuaikan", "快看漫画", ("removed",))]),
    ("被下架的APP有：晴川天气、小云记账、快看漫画。",
     [(None, "晴川天气", ("removed",)), (None, "小云记账", ("removed",)), ("kuaikan", "快看漫画", ("removed",))]),
    # A colon before one word and 和 is no list.
    ("他说：我们和快看漫画合作。", [("kuaikan", "快看漫画", ())]),
])
def test_unquoted_items_before_a_registry_name_of_a_list(
        text: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert [(m.id, m.name, m.actions) for m in _mentions(text)] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # blocking a service in a country shuts it there, as websites_closed counts blocked sites
    ("The telecom regulator blocked Discord and Viber nationwide last week.",
     {"discord": ("closed",), "viber": ("closed",)}),
    ("Telegram has been blocked in the country since Monday.", {"telegram": ("closed",)}),
    # a block with an end is a suspension, and so is slowing a service down
    ("The regulator blocked Discord for two weeks and slowed down YouTube.",
     {"discord": ("suspended",), "youtube": ("suspended",)}),
])
def test_english_blocking_and_throttling(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.id: m.actions for m in _mentions(text)} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the order counts the names of a list a few sentences back
    (("检查发现，“甲乙丙资讯”“丁戊在线”“己庚之声”等3家微信公众号存在违规转载问题。"
     "此类问题影响恶劣。网信部门已掌握相关线索。市网信办责令3家微信公众号限期整改。"),
     {"name:甲乙丙资讯": ("ordered_to_rectify",), "name:丁戊在线": ("ordered_to_rectify",),
      "name:己庚之声": ("ordered_to_rectify",)}),
    (("专项行动将百度、搜狗两款浏览器纳入整治范围。整治要求已经下发。"
     "网信办要求上述 2 款浏览器在整改期间每日提交报告。"),
     {"baidu": ("ordered_to_rectify",), "sogou": ("ordered_to_rectify",)}),
    # a count that is not the list's size refers to other parties
    ("专项行动将百度、搜狗两款浏览器纳入整治范围。网信办责令5家网站限期整改。",
     {"baidu": (), "sogou": ()}),
])
def test_an_order_counting_the_parties_named_before(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.key: m.actions for m in _mentions(text) if m.key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the order's verb quoted, the parties referred back to as "the platforms"
    (("The regulator summoned Douyin and Bilibili over misleading ads. "
     "It said it ordered the platforms to \u201crectify\u201d the problems within a month."),
     {"douyin": ("summoned", "ordered_to_rectify"), "bilibili": ("summoned", "ordered_to_rectify")}),
    ("Zhihu and Douban ordered to clean up celebrity gossip", {"zhihu": ("ordered_to_rectify",),
                                                             "douban": ("ordered_to_rectify",)}),
])
def test_english_orders_to_put_right(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.id: m.actions for m in _mentions(text)} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a deadline set for putting things right
    ("The watchdog fined Pinduoduo and gave it four months to change how it shows discounts.",
     {"pinduoduo": ("fined", "ordered_to_rectify")}),
    ("Alipay was fined 5 million yuan and has been given 30 days to make the necessary changes.",
     {"alipay": ("fined", "ordered_to_rectify")}),
    # asked, instructed or urged to put it right
    ("The regulator also urged Douyin to correct its ranking rules.", {"douyin": ("ordered_to_rectify",)}),
    ("Weibo was fined and instructed to take corrective steps.", {"weibo": ("fined", "ordered_to_rectify")}),
    ("Taobao and JD have been asked to implement specific remedies within a month.",
     {"taobao": ("ordered_to_rectify",), "jd": ("ordered_to_rectify",)}),
    # urged to obey the law, or given time to comply with it: advice and a deadline, no order
    ("The regulator summoned Meituan, urging it to strictly comply with the rules.", {"meituan": ("summoned",)}),
    ("Apple was fined and has 60 days to comply with the act.", {"apple": ("fined",)}),
])
def test_english_deadlines_and_requests_to_put_right(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.id: m.actions for m in _mentions(text)} == expected


@pytest.mark.parametrize(("text", "platform_id"), [
    ("金管会对街口电子支付处以罚款60万元。", "jkopay"),
    ("金管會對「街口支付」開罰。", "jkopay"),
    ("The ministry blocked Ubisoft in the country.", "ubisoft"),
    ("The regulator blocked Signal last year.", "signal"),
    ("The regulator blocked Blizzard last year.", "activision_blizzard"),
    ("The regulator fined Zhipin.com.", "boss_zhipin"),
    ("公平會對台灣宇博公司開罰。", "uber"),
])
def test_registry_names_of_payments_games_and_messengers(text: str, platform_id: str) -> None:
    assert platform_id in {m.id for m in _mentions(text)}


def test_a_blizzard_of_complaints_is_no_company() -> None:
    assert _mentions("The regulator received a blizzard of complaints and fined nobody.") == []


_HEADLINE_LIST = ("新浪微博、腾讯微信。\n网信部门依法对新浪微博处以罚款并责令整改。"
                  "网信部门依法约谈腾讯微信并责令整改。")


def test_the_actions_a_list_inherits_come_out_in_the_same_order_whatever_the_hash_seed() -> None:
    # Python salts string hashes per process: an order taken from a set of names changed the
    # stored actions of one list from run to run.
    import subprocess
    import sys

    script = ("import sys; from diffing.extract import extract; "
              "print([(m.id, m.actions) for m in extract(sys.argv[1], language='zh-Hans').platforms])")
    root = Path(__file__).resolve().parents[1]
    outputs = {
        subprocess.run([sys.executable, "-c", script, _HEADLINE_LIST], cwd=root, check=True,
                       capture_output=True, text=True,
                       env={"PYTHONHASHSEED": seed, "PYTHONPATH": str(root)}).stdout
        for seed in ("1", "2", "3", "4")
    }
    assert len(outputs) == 1, outputs
    assert "('weibo', ('fined', 'ordered_to_rectify', 'summoned'))" in outputs.pop()


@pytest.mark.parametrize(("text", "expected"), [
    ("The watchdog ordered Meta (owner of Instagram and WhatsApp) to suspend the practice at once.",
     {"meta": ("suspended",), "instagram": (), "whatsapp": ()}),
    ("In May, Meta -- the parent company of Facebook, Instagram and WhatsApp -- was fined €90 million.",
     {"meta": ("fined",), "facebook": (), "instagram": (), "whatsapp": ()}),
])
def test_brands_in_an_aside_about_their_owner_are_only_named(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.id: m.actions for m in _mentions(text)} == expected


@pytest.mark.parametrize(("text", "platform_id"), [
    ("After the request, Apple removed some 40 VPN apps from its store.", "apple"),
    ("Tencent has closed 210 accounts that spread rumours.", "tencent"),
    ("Google took down the apps within a day.", "google"),
])
def test_a_platform_acting_on_what_it_hosts_is_not_acted_on(text: str, platform_id: str) -> None:
    assert {m.id: m.actions for m in _mentions(text)}.get(platform_id) == ()


def test_a_platform_the_verb_acts_on_keeps_the_verb() -> None:
    assert {m.id: m.actions for m in _mentions("Douyin has been removed from app stores.")} == {
        "douyin": ("removed",)}


@pytest.mark.parametrize("text", [
    "The regulator ordered Pinduoduo to overhaul its refund rules.",
    "The regulator ordered Pinduoduo to revamp its ranking system and file reports for two years.",
    "Pinduoduo was ordered to step up its review of sellers.",
    "The commission issued a corrective order to Pinduoduo.",
])
def test_orders_to_improve_the_business_are_orders_to_rectify(text: str) -> None:
    assert {m.id: m.actions for m in _mentions(text)} == {"pinduoduo": ("ordered_to_rectify",)}


@pytest.mark.parametrize(("text", "expected"), [
    ("拼多多被处以罚款300万元，存在5项违法事实。", {"pinduoduo": ("fined",)}),
    ("经查，拼多多榜单充斥低俗内容，存在破坏网络生态的问题；网信办依法对拼多多进行约谈。", {"pinduoduo": ("summoned",)}),
])
def test_violations_stated_as_the_grounds_of_a_measure_are_no_naming(
        text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.id: m.actions for m in _mentions(text)} == expected


def test_apps_found_in_violation_without_another_measure_are_notified() -> None:
    assert {m.id: m.actions for m in _mentions("经检测，拼多多，存在违规收集个人信息问题。")} == {
        "pinduoduo": ("notified",)}


@pytest.mark.parametrize(("text", "expected"), [
    # the regulator's notice introducing the measure it reports: no naming of its own
    ("市网信办昨日通报，因抖音存在突出问题，对其处以警告并罚款50万元。", {"douyin": ("warned", "fined")}),
    ("总局通报，针对“虎牙”“斗鱼”两家网站的问题，责令两家网站立即整改。",
     {"huya": ("ordered_to_rectify",), "douyu": ("ordered_to_rectify",)}),
    # a notice that names the platform and takes no other measure in the sentence still names it
    ("工信部通报，小红书存在违规收集个人信息问题。", {"xiaohongshu": ("notified",)}),
])
def test_a_notice_announcing_a_measure_is_no_naming_of_its_own(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.key: m.actions for m in _mentions(text) if m.key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # Apps banned or blocked in a country are taken off its stores, the list after "including"
    # with them; a blocked website stays closed.
    ("The government on Friday banned 43 foreign apps including Weibo, Kuaishou and Pinduoduo.",
     {"weibo": ("removed",), "kuaishou": ("removed",), "pinduoduo": ("removed",)}),
    ("The ministry issued an order blocking 12 mobile apps, among them Douyin and Meituan.",
     {"douyin": ("removed",), "meituan": ("removed",)}),
    ("Officials have banned the PUBG Mobile game nationwide.", {"pubg": ("removed",)}),
    ("Weibo users were banned from posting for a week.", {"weibo": ()}),
])
def test_apps_banned_or_blocked_are_removed(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.key: m.actions for m in _mentions(text) if m.key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # A fine reported as announced for later ("would fine", "would impose a fine") is proposed.
    ("The authority said it would fine Meituan and Pinduoduo 300,000 yuan each.",
     {"meituan": ("fine_proposed",), "pinduoduo": ("fine_proposed",)}),
    ("Regulators summoned Douyin, ordered it to rectify the feed and said they would fine the platform.",
     {"douyin": ("summoned", "ordered_to_rectify", "fine_proposed")}),
    # A penalty agreed to be paid is a fine; a counterfactual one is none.
    ("Uber will pay a $20 million penalty to settle the charges.", {"uber": ("fined",)}),
    ("Uber would have been fined had it not settled.", {"uber": ()}),
    # 拟 before the measures of its clause: the fine among them is intended.
    ("调查组表示，拟对美团没收违法所得、罚款共计120万元。", {"meituan": ("fine_proposed",)}),
    ("市场监管局拟决定对拼多多处以罚款50万元。", {"pinduoduo": ("fine_proposed",)}),
])
def test_fines_announced_for_later_are_proposed(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.key: m.actions for m in _mentions(text) if m.key in expected} == expected


def test_a_list_inherits_only_what_is_done_to_each_of_its_platforms() -> None:
    text = ("The regulator fined Meituan 1 million yuan. It said it would fine Alibaba later this year. "
            "Meituan and Alibaba did not respond to requests for comment.")
    by_key: dict[str, set[str]] = {}
    for mention in _mentions(text):
        by_key.setdefault(mention.key, set()).update(mention.actions)
    assert by_key == {"meituan": {"fined"}, "alibaba": {"fine_proposed"}}


@pytest.mark.parametrize(("text", "expected"), [
    # The platform told to close or take down its own accounts or content is ordered to put
    # things right; nothing is closed or removed on it.
    ("省网信办责令抖音、快手立即关闭传播谣言的账号。",
     {"douyin": ("ordered_to_rectify",), "kuaishou": ("ordered_to_rectify",)}),
    ("市场监管局要求拼多多限期下架假冒商品，并对其罚款20万元。", {"pinduoduo": ("ordered_to_rectify", "fined")}),
    # An order to close the platform itself is its closure.
    ("主管部门责令关闭“某某论坛”网站。", {"name:某某论坛": ("closed",)}),
    ("网信办责令快手关闭。", {"kuaishou": ("closed",)}),
])
def test_an_order_to_close_accounts_or_take_down_content_is_an_order_to_rectify(
        text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.key: m.actions for m in _mentions(text) if m.key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # The platform that closes accounts on it closes nothing of its own: the accounts are closed.
    ("省网信办指导微博、抖音等平台依法关闭“晨光说车”“夜读财经”等账号。",
     {"weibo": (), "douyin": (), "name:晨光说车": ("closed",), "name:夜读财经": ("closed",)}),
    ("抖音依法关闭“晨光说车”等12个账号。", {"douyin": (), "name:晨光说车": ("closed",)}),
    ("微博平台依法关停“夜读财经”账号。", {"weibo": (), "name:夜读财经": ("closed",)}),
    # (a ban, 封禁, may be for a time: it closes nothing on its own)
    ("快手、B站等平台累计封停违规账号3万个。", {"kuaishou": (), "bilibili": ()}),
    # the account the quotes name after the platform's word for accounts
    ("网信部门依法关闭微博账号“晨光说车”。", {"weibo": (), "name:晨光说车": ("closed",)}),
])
def test_a_platform_that_closes_the_accounts_it_hosts_is_their_host(
        text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.key: m.actions for m in _mentions(text) if m.key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # A rectification the party has launched itself is no order given to it.
    ("Bilibili has also launched a thorough review, rectification and clean-up of its comment sections.",
     {"bilibili": ()}),
    ("Bilibili has started a rectification of its livestreams.", {"bilibili": ()}),
    # An order between the launch and the word still orders.
    ("The regulator has launched a campaign and ordered Bilibili to rectify its livestreams.",
     {"bilibili": ("ordered_to_rectify",)}),
])
def test_a_rectification_the_party_launches_is_no_order(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.key: m.actions for m in _mentions(text) if m.key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # Meeting the people who run a platform is summoning it; a fine threatened on a condition
    # ("or face a fine") is none.
    ("Officials met with senior executives of Bilibili and told them to rectify the comment sections or face a fine.",
     {"bilibili": ("summoned", "ordered_to_rectify")}),
    ("The ministry met representatives of Douban and Zhihu last week.",
     {"douban": ("summoned",), "zhihu": ("summoned",)}),
    ("Bilibili met its revenue targets.", {"bilibili": ()}),
    ("Zhihu must remove the posts or be fined.", {"zhihu": ()}),
])
def test_executives_met_are_summoned_and_a_fine_threatened_on_a_condition_is_none(
        text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.key: m.actions for m in _mentions(text) if m.key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # A platform that removes or closes what it hosts, a bare plural as the object, is the
    # actor, not what the verb acts on.
    ("Last summer Apple removed VPN apps from its store in China.", {"apple": ()}),
    ("Bilibili closed fan groups that spread rumours.", {"bilibili": ()}),
    ("Bilibili was removed from app stores.", {"bilibili": ("removed",)}),
])
def test_a_platform_removing_what_it_hosts_is_the_actor(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.key: m.actions for m in _mentions(text) if m.key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # Names said to be among a count take what the notice does to that count where it states it.
    ("The ministry named and shamed 64 apps on Tuesday. Douban and Zhihu are among the 64 apps on the list.",
     {"douban": ("notified",), "zhihu": ("notified",)}),
    ("Regulators removed 25 apps from stores. Bilibili, Glowfish Notes and Zhihu were among the 25 apps.",
     {"bilibili": ("removed",), "zhihu": ("removed",)}),
    # A count no verb states is no measure.
    ("Douban is among 30 apps that students use most.", {"douban": ()}),
])
def test_names_among_a_count_take_its_measure(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.key: m.actions for m in _mentions(text) if m.key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # A list made members of a kind its measure describes takes that measure.
    ("The ban came in March. Foreign apps under the new ban include Zhihu, Douban and Bilibili.",
     {"zhihu": ("removed",), "douban": ("removed",), "bilibili": ("removed",)}),
    ("Among the 40 removed apps is the popular video platform Bilibili.", {"bilibili": ("removed",)}),
    ("Douban and Zhihu are among the suspended platforms.", {"douban": ("suspended",), "zhihu": ("suspended",)}),
    # A kind described by no measure, or the owner of a member, takes none.
    ("Among the most popular apps is Bilibili.", {"bilibili": ()}),
    ("Among the removed apps is one run by Tencent.", {"tencent": ()}),
])
def test_names_among_a_kind_take_the_measure_that_describes_it(text: str,
                                                               expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.key: m.actions for m in _mentions(text) if m.key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # The penalty a rule sets for whoever fails it is said to all it governs, and fines none.
    ("部门公告，知乎、豆瓣等2家业者须在期限内下架违规广告，未依限处理者，依法裁罚。",
     {"zhihu": (), "douban": ()}),
    ("部门约谈知乎、豆瓣，逾期不改正的，处以罚款。", {"zhihu": ("summoned",), "douban": ("summoned",)}),
    ("知乎、豆瓣须落实实名制，违者将处以罚款。", {"zhihu": (), "douban": ()}),
    ("部门对豆瓣处以限期改正，如未能改善仍将按次处罚。", {"douban": ("ordered_to_rectify",)}),
    # A fine on the party that failed is a fine.
    ("市场监管局对未按期整改的知乎处以罚款10万元。", {"zhihu": ("fined",)}),
])
def test_a_penalty_for_whoever_fails_a_rule_fines_no_one(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.key: m.actions for m in _mentions(text) if m.key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # A party told to take something down carries the measure out; it is not taken down.
    ("The regulator asked Apple and Google to remove Zhihu and Douban from their stores.",
     {"apple": (), "google": (), "zhihu": ("removed",), "douban": ("removed",)}),
    ("After the decision to ban 30 apps, the ministry issued orders to Google to enforce it by blocking them.",
     {"google": ()}),
    # Told to be removed, it is what is removed.
    ("Regulators ordered Zhihu to be removed from app stores.", {"zhihu": ("removed",)}),
])
def test_a_party_told_to_take_down_is_not_taken_down(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.key: m.actions for m in _mentions(text) if m.key in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the measure is held over the apps if they fail to comply, not taken
    ("工信部通报了“晴空记账”等10款APP，要求其限期整改，逾期未整改的将依法采取下架措施。",
     {"晴空记账": ("notified", "ordered_to_rectify")}),
    ("网信办对“快看漫画”等平台予以约谈。若逾期未整改，将依法对其进行下架处理。", {"快看漫画": ("summoned",)}),
    # a measure taken on those who did not comply is taken
    ("工信部对拒不整改的“晴空记账”等12款APP予以下架。", {"晴空记账": ("removed",)}),
])
def test_a_measure_on_a_condition_not_yet_met_is_no_action(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.name: m.actions for m in extract(text).platforms} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the order names the party, then what it must undo
    ("國家市場監督管理總局責令騰訊音樂30天內解除音樂獨家版權。", {"騰訊音樂": ("ordered_to_rectify",)}),
    # the order to it, however long the list of what it must put right
    (("同时，向阿里巴巴集团发出《行政指导书》，要求其围绕严格落实平台企业主体责任、加强内控合规管理、"
      "维护公平竞争等方面进行全面整改。"), {"阿里巴巴集团": ("ordered_to_rectify",)}),
    # asked to report on its own checks is no order to rectify
    ("向阿里巴巴集团发出通知，要求其连续三年提交自查整改报告。", {"阿里巴巴集团": ()}),
])
def test_an_order_whose_party_stands_between_the_order_and_what_it_requires(
        text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.name: m.actions for m in extract(text).platforms} == expected


def test_sites_listed_then_their_filings_cancelled_are_closed() -> None:
    text = "“晴空网”“晨读网”等21家网站传播违法和不良信息，被依法注销备案。"
    assert {m.name: m.actions for m in extract(text).platforms} == {"晴空网": ("closed",), "晨读网": ("closed",)}


def test_amounts_given_respectively_skip_their_bracketed_conversions() -> None:
    text = "Google and Meta were fined KRW69.2bn (USD49.58m) and KRW30.8bn (USD22.07m), respectively."
    assert [(figure.party, figure.value) for figure in extract(text).figures] == [
        ("google", 69_200_000_000), ("meta", 30_800_000_000)]


def test_a_sentence_adverb_set_off_by_a_comma_is_no_name() -> None:
    assert [m.name for m in extract("Notably, Acme Widgets was fined.", language="en").platforms] == ["Acme Widgets"]


def test_accounts_closed_and_muted_together_got_one_or_the_other() -> None:
    text = "相关网站按照服务协议关闭、禁言“晴空观察”“晨读家”等一批违法账号。"
    assert {m.name: m.actions for m in extract(text).platforms} == {"晴空观察": (), "晨读家": ()}


@pytest.mark.parametrize("text", [
    "Google and Apple in India are expected to remove the apps from their platforms.",
    "Apple will remove the apps from its store.",
    "Google plans to take down the channels.",
])
def test_a_platform_that_is_to_remove_what_it_hosts_is_not_what_is_removed(text: str) -> None:
    assert all(not m.actions for m in extract(text, language="en").platforms)


def test_other_accounts_are_not_the_accounts_named_before() -> None:
    text = "“晴空”、“晨读”等账号发布谣言。已依法对问题严重的账号作关闭处置，对其他账号作禁言处置。"
    assert {m.name: m.actions for m in extract(text).platforms} == {"晴空": (), "晨读": ()}


def test_a_bare_dollar_in_a_us_authoritys_notice_is_the_us_dollar() -> None:
    text = ("The FTC said Epic Games will pay $275 million. Compared to the Australian Information "
            "Commissioner, the FTC is aggressive.")
    assert [(figure.value, figure.currency) for figure in extract(text).figures] == [(275_000_000, "USD")]


def test_a_penalty_stated_as_money_after_chuyi_is_a_fine() -> None:
    text = "市场监管总局依法对橙心优选、多多买菜分别处以150万元人民币。"
    assert {m.name: m.actions for m in extract(text).platforms} == {"橙心优选": ("fined",), "多多买菜": ("fined",)}


@pytest.mark.parametrize(("text", "expected"), [
    # the list's first name starts after the date and the preposition before it
    ("工信部3月21日对叮功出行、宜天行等55款APP进行通报。", {"叮功出行": ("notified",), "宜天行": ("notified",)}),
    # kinds of app are no names
    ("工信部近期组织第三方检测机构对群众关注的生活服务、休闲娱乐、实用工具等APP进行检查。", {}),
])
def test_a_list_of_names_before_a_count_of_apps(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.name: m.actions for m in extract(text).platforms} == expected


def test_a_cease_and_desist_order_is_an_order_to_rectify() -> None:
    text = "The Japan Fair Trade Commission issued a cease-and-desist order to Google on Tuesday."
    assert [(m.id, m.actions) for m in extract(text, language="en").platforms] == [("google", ("ordered_to_rectify",))]


def test_the_targets_of_a_companys_deals_are_not_fined_with_it() -> None:
    text = ("市监总局对22宗案件立案调查，对涉案企业分别罚款50万元人民币，其中腾讯涉5宗，"
            "包括收购58股权、小红书、搜狗及猎豹移动股权，合共罚款250万元人民币。")
    found = extract(text)
    assert {m.name: m.actions for m in found.platforms} == {
        "腾讯": ("fined",), "58": (), "小红书": (), "搜狗": (), "猎豹移动": ()}
    assert [figure.party for figure in found.figures if figure.currency] == [None, "tencent"]


@pytest.mark.parametrize(("text", "expected"), [
    ("The regulator has ordered Google to launch a six-month public awareness campaign.", {"Google": ("ordered_to_rectify",)}),
    ("PIPC fined Google and Meta. PIPC also ordered the two businesses to notify users ahead of time.",
     {"Google": ("fined", "ordered_to_rectify"), "Meta": ("fined", "ordered_to_rectify")}),
])
def test_an_order_to_tell_users_or_run_a_campaign_is_an_order_to_rectify(
        text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.name: m.actions for m in extract(text, language="en").platforms} == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Last year, Italy's regulator temporarily banned ChatGPT over privacy concerns.", {"ChatGPT": ("suspended",)}),
    ("The regulator required Nice Tuan to stop its business for three days in Jiangsu.", {"Nice Tuan": ("suspended",)}),
    # no end to it: no suspension
    ("Acme said it would stop its business in the province.", {}),
])
def test_a_measure_with_an_end_suspends(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.name: m.actions for m in extract(text, language="en").platforms} == expected


def test_an_australian_notice_that_calls_the_firm_a_us_company_keeps_the_australian_dollar() -> None:
    text = "The ACCC said the Federal Court of Australia ordered Google, the U.S. company, to pay $60 million."
    assert [(figure.value, figure.currency) for figure in extract(text).figures] == [(60_000_000, "AUD")]


def test_a_notice_made_of_apps_whose_object_comes_first_names_them() -> None:
    # 对…进行通报 puts the apps before the verb: the naming stands though a comma and an order
    # to rectify follow it (通报，…责令关停 alone only announces the order).
    text = "省通信管理局开展专项检查，对“晨光记账”“小鹿日历”等6款App进行通报，要求其在5个工作日内完成整改。"
    assert {m.name: m.actions for m in extract(text).platforms} == {
        "晨光记账": ("notified", "ordered_to_rectify"), "小鹿日历": ("notified", "ordered_to_rectify")}


def test_an_account_fined_through_its_operator_is_the_party_not_its_host() -> None:
    text = "市网信办依法对“晨光本地通”微信公众号运营主体处以罚款3万元，并责令其限期整改。"
    found = extract(text)
    assert {m.name: m.actions for m in found.platforms} == {
        "晨光本地通": ("fined", "ordered_to_rectify"), "微信": ()}
    assert [figure.party for figure in found.figures] == ["晨光本地通"]


def test_accounts_listed_each_with_its_host_share_the_verb_after_them() -> None:
    text = "网信部门对“晨光热点”抖音账号、“小鹿快讯”微博账号予以关闭。"
    assert {m.name: m.actions for m in extract(text).platforms} == {
        "晨光热点": ("closed",), "抖音": (), "小鹿快讯": ("closed",), "微博": ()}


@pytest.mark.parametrize(("text", "expected"), [
    ("The Commission fined Acme 9 million euros for abusive practices benefiting Meta.",
     {"Acme": ("fined",), "Meta": ()}),
    # the amount's own party, straight after "for", is still fined
    ("The Commission imposed fines of €5 million for Apple and €2 million for Meta.",
     {"Apple": ("fined",), "Meta": ("fined",)}),
])
def test_the_party_a_fined_conduct_served_is_not_fined(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.name: m.actions for m in extract(text, language="en").platforms} == expected


@pytest.mark.parametrize(("text", "expected"), [
    (("Sina, Sohu and Netease had engaged in serious violations, the regulator said. "
     "The sites were ordered to rectify their wrongdoing and slapped with fines, it said."),
     {name: ("ordered_to_rectify", "fined") for name in ("Sina", "Sohu", "Netease")}),
    # the operators named for their websites
    (("The regulator fined several websites. Websites run by Sina, Sohu and Netease had broken the rules. "
     "The sites were ordered to rectify."),
     {name: ("ordered_to_rectify",) for name in ("Sina", "Sohu", "Netease")}),
])
def test_the_sites_a_later_sentence_speaks_of_are_those_named_before(
        text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.name: m.actions for m in extract(text, language="en").platforms} == expected


def test_numbered_headings_and_currency_codes_are_no_names() -> None:
    text = ("The regulator notified 40 apps such as Orbit.\n\nThird, the situation of webcast apps\n\n"
            "Sixth, the situation of shopping apps\n\nV. Health apps\n\n"
            "The commission fined Skyline KRW 30.8 billion.")
    assert {m.name for m in extract(text, language="en").platforms} == {"Orbit", "Skyline"}


def test_an_administrative_penalty_made_on_named_sites_fines_them() -> None:
    text = "办公室表示，对晨光视频、小鹿直播等网站传播低俗信息行为作出行政处罚，约谈有关运营企业。"
    assert {m.name: m.actions for m in extract(text).platforms} == {
        "晨光视频": ("fined", "summoned"), "小鹿直播": ("fined", "summoned")}


def test_sections_of_a_platform_suspended_suspend_the_platform() -> None:
    text = ("市网信办约谈百度相关负责人，责令立即整改。整改期间，百度新闻客户端“推荐频道”、"
            "百度APP“晨光频道”“小鹿栏目”自1月3日起暂停更新一周。")
    found = extract(text).platforms
    assert {m.name for m in found} == {"百度"}
    assert "suspended" in found[-1].actions


def test_the_regulators_account_a_report_learned_from_is_a_channel() -> None:
    text = "本站从“星河市场监管”微信公众号获悉，星河市市场监管局对饿了么、美团、京东三家平台企业开展行政约谈。"
    assert {m.name: m.actions for m in extract(text).platforms} == {
        "饿了么": ("summoned",), "美团": ("summoned",), "京东": ("summoned",)}


def test_an_example_written_as_its_owners_product_is_the_product() -> None:
    text = "The ministry removed 38 apps, such as Tencent's QQ Music and Xiaohongshu."
    assert {m.name: m.actions for m in extract(text, language="en").platforms} == {
        "Tencent": (), "QQ Music": ("removed",), "Xiaohongshu": ("removed",)}


def test_the_rest_of_a_public_bodys_name_is_no_company() -> None:
    text = "The figures were released by the National Office against Pornographic and Illegal Publications."
    assert extract(text, language="en").platforms == []


def test_an_order_to_stop_business_suspends() -> None:
    text = "台北市政府對Uber處以罰鍰新臺幣10萬元，並勒令停業。"
    assert {m.name: m.actions for m in extract(text).platforms} == {"Uber": ("fined", "suspended")}


@pytest.mark.parametrize("text", [
    "根据网民举报，“晨光新动态”(微信号:abc123)、“小鹿快讯”(微信号:xyz789)散播谣言。市网信办要求相关网站依法注销上述账号。",
    "“晨光新动态”、“小鹿快讯”等公众号散播谣言。网信办依法关闭上述账号。",
])
def test_accounts_named_before_are_closed_by_a_closure_of_the_accounts_referred_to(text: str) -> None:
    assert {m.name: m.actions for m in extract(text).platforms} == {
        "晨光新动态": ("closed",), "小鹿快讯": ("closed",)}


def test_each_of_the_companies_named_before_is_no_party_of_its_own() -> None:
    found = extract("The regulator fined JD.com, Tmall and Vipshop over pricing. Each was fined 500,000 yuan.",
                    language="en")
    assert [figure.party for figure in found.figures] == [None]
    assert {m.name for m in found.platforms} == {"JD.com", "Tmall", "Vipshop"}


@pytest.mark.parametrize("text", [
    "Recently, the ministry removed 20 apps.",
    "They will speed up the “Administrative Regulations on the Protection of Personal Information in Apps”.",
    "The authorities closed 2,554 websites of IPR infringement.",
])
def test_sentence_adverbs_and_the_words_of_a_regulations_title_are_no_names(text: str) -> None:
    assert extract(text, language="en").platforms == []


@pytest.mark.parametrize(("text", "expected"), [
    ("国家网信办约谈梨视频、每日优鲜、快狗打车负责人。", ["pear_video", "missfresh", "gogox"]),
    ("The regulator fined Zoom Video Communications and Kaspersky Lab.", ["zoom", "kaspersky"]),
    # ordinary words stay words
    ("Zoom in on the details. Messenger services were slow. 联想到此前的案例，菜鸟也能看懂。", []),
])
def test_more_companies_regulators_name(text: str, expected: list[str]) -> None:
    assert [m.id for m in extract(text).platforms] == expected


def test_apps_found_in_violation_and_taken_off_were_removed() -> None:
    text = "经查，“晨光说车”等4款App存在违规收集个人信息问题，违反《个人信息保护法》，依法予以下架处置。"
    assert [(m.name, m.actions) for m in extract(text).platforms] == [("晨光说车", ("removed",))]


def test_a_removal_held_over_those_who_do_not_comply_is_not_taken() -> None:
    text = "“夜读笔记”等12款App存在超范围收集问题，依法责令限期1个月完成整改，逾期未完成整改的，依法予以下架处置。"
    assert "removed" not in next(m for m in extract(text).platforms if m.name == "夜读笔记").actions
    # the apps that did not comply, named, are taken off
    text = "对逾期未整改的“晨光说车”等3款App予以下架。"
    assert [(m.name, m.actions) for m in extract(text).platforms] == [("晨光说车", ("removed",))]
