"""Clauses: each action goes to the party its own clause names; channels are no mentions;
figures name the party they are about."""

from __future__ import annotations

from decimal import Decimal

import pytest

from diffing.extract import extract
from diffing.numbers import Amount


def _read(text: str) -> list[tuple[str | None, str, tuple[str, ...]]]:
    return [(m.id, m.name, m.actions) for m in extract(text).platforms]


def test_summoned_list_is_not_fined_with_the_next_clause() -> None:
    text = "网信办约谈了百度、夸克浏览器、小红书等平台负责人，对抖音处以罚款人民币200万元。"
    mentions = extract(text).platforms
    assert [(m.id, m.actions, m.amount) for m in mentions] == [
        ("baidu", ("summoned",), None),
        ("quark", ("summoned",), None),
        ("xiaohongshu", ("summoned",), None),
        ("douyin", ("fined",), Amount(Decimal(2000000), "CNY")),
    ]


def test_collective_measures_do_not_reach_earlier_names() -> None:
    text = ("针对微博、快手存在的问题，网信办约谈了两家平台负责人。"
            "网信办还对相关网站平台依法采取约谈、限期整改、罚款等处罚措施。")
    assert {m.id: m.actions for m in extract(text).platforms} == {
        "weibo": ("summoned",), "kuaishou": ("summoned",),
    }


def test_later_clauses_without_a_name_stay_with_their_party() -> None:
    text = "市网信办对北京快手科技有限公司处警告、80万元罚款，同时责令其限期改正。"
    (mention,) = extract(text).platforms
    assert mention.id == "kuaishou"
    assert set(mention.actions) == {"warned", "fined", "ordered_to_rectify"}
    assert mention.amount == Amount(Decimal(800000), "CNY")


def test_passive_subject_takes_the_verbs_of_its_sentence() -> None:
    text = "小红书平台因热搜榜单问题突出，被网信办采取约谈、责令限期改正、警告等处置处罚措施。"
    (mention,) = extract(text).platforms
    assert mention.actions == ("summoned", "ordered_to_rectify", "warned")


def test_a_speaking_platform_does_not_act_on_itself() -> None:
    text = "网信办依法约谈知乎。知乎负责人表示，将在整改期间自行暂停相关功能。"
    assert {m.actions for m in extract(text).platforms} == {("summoned",)}


def test_host_platforms_are_named_and_accounts_take_the_action() -> None:
    text = "微信公众号“某某财经”及抖音、微博等平台的“某某说”账号已被关闭。"
    assert _read(text) == [
        ("wechat", "微信", ()),
        (None, "某某财经", ("closed",)),
        ("douyin", "抖音", ()),
        ("weibo", "微博", ()),
        (None, "某某说", ("closed",)),
    ]


def test_either_or_actions_are_said_of_no_one() -> None:
    text = "微信公众号“某某财经”等账号已被关闭或禁言。"
    assert [(m.name, m.action) for m in extract(text).platforms if m.id is None] == [("某某财经", None)]


@pytest.mark.parametrize(("text", "expected"), [
    ("The authority fined Google €100 million and Amazon €35 million.",
     [("google", Decimal(100000000)), ("amazon", Decimal(35000000))]),
    ("Apple was fined €500 million and Meta was fined €200 million.",
     [("apple", Decimal(500000000)), ("meta", Decimal(200000000))]),
])
def test_english_fines_each_their_own_amount(text: str, expected: list[tuple[str, Decimal]]) -> None:
    mentions = extract(text).platforms
    assert [(m.id, m.amount.value if m.amount else None) for m in mentions] == expected
    assert all(m.action == "fined" for m in mentions)


def test_a_product_of_the_party_is_not_fined() -> None:
    text = "Amazon will pay $25 million over recordings kept by its voice assistant Alexa."
    assert [(m.id, m.action) for m in extract(text).platforms] == [("amazon", "fined"), ("alexa", None)]


def test_the_company_named_once_takes_the_actions_said_of_it_later() -> None:
    text = "Clearview AI collected images from the web.\n\nThe company has been fined £7.5 million."
    assert [(m.id, m.action) for m in extract(text).platforms] == [("clearview", "fined")]


@pytest.mark.parametrize("text", [
    ("Clearview AI collected images from the web.\n\n"
     "In addition, the regulator ordered the company to correct its practices."),
    "Clearview AI collected images from the web.\n\nSeparately, the authority told the firm to rectify the breaches.",
])
def test_the_company_as_object_after_the_regulator_named_first(text: str) -> None:
    assert [(m.id, m.actions) for m in extract(text).platforms] == [("clearview", ("ordered_to_rectify",))]


@pytest.mark.parametrize("text", [
    "网信办约谈某平台。\n(来源：“网信中国”微信公众号)",
    "据“工信微报”微信公众号消息，工信部通报了一批应用。",
    "国家网信办在其官方微信上发布通报。",
    "(截图自某市市场监管公众号)",
    "联系邮箱：editor@qq.com",
    "Source: @人民日报",
    "According to the ministry's WeChat public account, 20 apps were removed.",
    "See https://www.example.gov/cases/facebook-inc for the order.",
    "分享到：\n[微博](http://weibo.com/u/1)\n[知乎](https://zhuanlan.zhihu.com/x)",
    "微信\n",
    "The regulator said in a post on Weibo that the campaign would go on.",
    "网信办通过微信公众号发布通报。",
    # Share targets, contact links, image file names, "skip to content" bars.
    "点击右上角微信好友\n\n朋友圈\n",
    "在线咨询: QQ交谈\n",
    "名单如下：\n\n微信图片_20240101123456.jpg",
    "Skip to Content Facebook Feature Image\n",
    # An account named before its kind, as a channel of the notice.
    "据某某微报微信号3日发布，工信部通报了一批应用。",
    "网民可通过举报电话、“网络举报”客户端等渠道参与。",
    # Names the text compares with.
    "The regulator said Twitter-like services must register.",
    "The database, similar to Google Scholar, was popular.",
    # Where the words were published.
    "据微博消息，某地网信办约谈了一批网站。",
    "In a WeChat post, the regulator said the campaign would go on.",
    # A way of paying.
    "Refunds will be sent via PayPal or check; PayPal payments must be claimed in 30 days.",
])
def test_channels_and_page_furniture_are_no_mentions(text: str) -> None:
    assert extract(text).platforms == []


def test_an_account_named_after_its_kind_is_still_a_target() -> None:
    assert [m.name for m in extract("依法关闭微信公众号“某某财经”。").platforms if m.id is None] == ["某某财经"]


def test_figures_name_their_party() -> None:
    extraction = extract("The regulator fined Apple €500 million and Meta €200 million. "
                         "It also removed 20 apps.")
    parties = {figure.value: figure.party for figure in extraction.figures}
    assert parties == {Decimal(500000000): "apple", Decimal(200000000): "meta", 20: None}
    assert all("party" in figure for figure in extraction.to_json()["figures"])


def test_figure_party_is_the_name_as_written_when_unknown() -> None:
    extraction = extract("市场监管局对某某外卖平台处以罚款人民币50万元。")
    assert [figure.party for figure in extraction.figures if figure.currency] in ([None], ["某某外卖平台"])


def test_a_later_sentence_about_the_company_keeps_its_party() -> None:
    extraction = extract("YouTube must pay $136 million to the FTC. The company also must pay $34 million to the state.")
    assert [figure.party for figure in extraction.figures if figure.currency] == ["youtube", "youtube"]


@pytest.mark.parametrize(("text", "expected"), [
    # A name in a prepositional phrase is not what the verb acts on.
    ("The Commission fined Google €4 billion for practices regarding Android devices.",
     [("google", "fined"), ("android", None)]),
    ("The fine relates to an attack on the Starwood hotels chain.", [("starwood", None)]),
    # a verb coordinated after the phrase has the clause's subject
    ("The regulator found abuses in the Android market and imposed a penalty on the company.", [("android", None)]),
    # …but "imposed on", "the person in charge of" and "a fine against" point at the party.
    ("A record penalty was imposed on Amazon.", [("amazon", "fined")]),
    ("The regulator summoned the person in charge of Douban.", [("douban", "summoned")]),
    # …and so do the measures of a verb ("imposed sanctions on"), for each name of a list.
    ("The regulator issued a warning and imposed sanctions on video site Bilibili and forum Douban.",
     [("bilibili", "warned"), ("douban", "warned")]),
    # "its intention to fine" is not a product of the speaker.
    ("The ICO announced its intention to fine British Airways £183 million.",
     [("british_airways", "fine_proposed")]),
])
def test_english_objects_and_prepositional_phrases(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert [(m.id, m.action) for m in extract(text).platforms] == expected


def test_a_platform_acted_on_elsewhere_keeps_that_story() -> None:
    text = ("TikTok has been fined £12 million by the regulator. "
            "The regulator said many children were using TikTok. "
            "Campaigners said TikTok should have removed them.")
    assert {m.action for m in extract(text).platforms} == {"fined"}


def test_the_amount_said_of_the_company_later() -> None:
    text = "Regulator fines CNKI after review.\nThe regulator ordered the company to stop and fined it 50 million yuan."
    (mention,) = extract(text).platforms
    assert mention.amount == Amount(Decimal(50000000), "CNY")


def test_these_companies_are_every_party_named_before() -> None:
    text = "这些案件涉及腾讯系5起，阿里系2起，京东系1起，这些企业均被开出罚单。"
    assert {m.id: m.action for m in extract(text).platforms} == {
        "tencent": "fined", "alibaba": "fined", "jd": "fined",
    }


def test_an_object_introduced_by_dui_takes_the_verb() -> None:
    text = "某平台利用支配地位，对合作商户提出要求，否则从该平台下架商户；市场监管局对美团处以罚款。"
    assert [(m.id, m.actions) for m in extract(text).platforms] == [("meituan", ("fined",))]
    text = "美团利用其支配地位，对平台内商户提出独家要求，否则从美团平台下架该商户。"
    assert {m.action for m in extract(text).platforms} == {None}


def test_listed_names_with_suffixes_and_parentheses_are_one_list() -> None:
    text = ("The regulator fined several firms, including Tencent Holdings Ltd (騰訊), "
            "ByteDance Ltd (字節跳動) and Didi Chuxing (滴滴出行), for past deals.")
    assert {m.id: m.action for m in extract(text).platforms} == {
        "tencent": "fined", "bytedance": "fined", "didi": "fined",
    }


def test_unquoted_names_opening_a_clause() -> None:
    text = "工信部通报了一批应用，晨读英语、某某天气等被点名。输入法类、电商类等APP问题较多。"
    assert [(m.name, m.action) for m in extract(text).platforms] == [
        ("晨读英语", "notified"), ("某某天气", "notified"),
    ]


def test_names_listed_after_qizhong_are_of_the_count_of_their_kind() -> None:
    text = ("上半年，各地网信部门关闭违法网站3000家，累计约谈平台500家。\n"
            "其中，“某某日报网”“某某资讯网”等冒用新闻机构名义；“某某财经网”等传播虚假信息。")
    assert [(m.name, m.kind, m.action) for m in extract(text).platforms] == [
        ("某某日报网", "website", "closed"),
        ("某某资讯网", "website", "closed"),
        ("某某财经网", "website", "closed"),
    ]


@pytest.mark.parametrize(("text", "expected"), [
    # The notice's title (关于…的通报) is not a notification of the app.
    ("关于下架“某某出行”App的通报", [("某某出行", "removed")]),
    # 针对 ("regarding") does not start a new party.
    ("如抖音等平台的“某某博士”账号，针对竞争对手发布不实测评，相关账号已被禁言。",
     [("抖音", None), ("某某博士", "muted")]),
    # Quoted names listed after an account's kind are accounts too.
    ("微信公众号“某某研究”、“某某情报局”等，相关账号已被禁言。",
     [("微信", None), ("某某研究", "muted"), ("某某情报局", "muted")]),
    # MIIT's testing found problems in named SDK makers: they are notified.
    ("检测发现字节跳动“某某”SDK、快手广告SDK问题较多。", [("字节跳动", "notified"), ("快手", "notified")]),
])
def test_chinese_notice_wording(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert [(m.name, m.action) for m in extract(text).platforms] == expected


def test_a_possessor_is_not_the_party() -> None:
    text = "Google was fined, with penalties of up to 5% of Alphabet's daily turnover."
    assert [(m.id, m.action) for m in extract(text).platforms] == [("google", "fined"), ("alphabet", None)]


@pytest.mark.parametrize("text", [
    "网信办部署开展“某某”系列专项行动和“某圈”乱象整治。",
    "某平台对商户提出“二选一”要求，否则下架商户。",
    "各级网信部门严肃查处各类违规“自媒体”账号。",
])
def test_quoted_campaigns_practices_and_categories_are_no_names(text: str) -> None:
    assert [m for m in extract(text).platforms if m.id is None] == []


def test_a_list_inherits_only_what_is_done_to_all_of_it() -> None:
    text = ("Checks found that the websites facebook.com, google.fr and youtube.com hide a refuse button.\n"
            "The regulator fined Google €90 million.")
    assert {(m.name, m.action) for m in extract(text).platforms} == {
        ("facebook.com", None), ("google.fr", None), ("youtube.com", None), ("Google", "fined"),
    }


@pytest.mark.parametrize(("text", "expected"), [
    ("It comes after the ICO fined British Airways £20m for a breach.", [("british_airways", "fined")]),
    ("The ICO announced its intention to fine British Airways £183m under its new penalty powers.",
     [("british_airways", "fine_proposed")]),
    ("Apple was penalised for rules on marketing outside of its App Store.",
     [("apple", "fined"), ("apple_app_store", None)]),
    ("Penalties may reach 5% of the turnover of Alphabet.", [("alphabet", None)]),
])
def test_english_objects_products_and_proposed_fines(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert [(m.id, m.action) for m in extract(text).platforms] == expected


def test_a_sentence_wrapped_over_lines_is_read_on_to_its_end() -> None:
    text = ("其中，微信公众号“某某圈”等长期发布企业负面信\n\n息，以“茶水费”名义向企业索取费\n\n用。"
            "涉及的账号已被依法关闭。")
    assert [(m.name, m.action) for m in extract(text).platforms] == [("微信", None), ("某某圈", "closed")]


def test_platforms_hosting_a_quoted_account_are_hosts() -> None:
    text = "此外，抖音、微博等平台账号“某某博士”多次发布不实测评，相关账号已被禁言。"
    assert [(m.name, m.action) for m in extract(text).platforms] == [
        ("抖音", None), ("微博", None), ("某某博士", "muted"),
    ]


def test_a_name_in_a_prepositional_phrase_takes_the_verbs_after_it() -> None:
    text = "The agencies are settling a lawsuit with social media giant Twitter for $150 million in civil penalties."
    assert [(m.id, m.action) for m in extract(text).platforms] == [("twitter", "fined")]


def test_unquoted_websites_opening_a_clause_and_collective_measures_after_them() -> None:
    text = ("某某商城部分店铺发布低俗信息；某某热、8号楼等网站发布赌博信息。"
            "针对上述问题，网信办对相关网站平台依法采取约谈、限期整改、罚款等处罚措施。")
    assert [(m.name, m.kind, m.action) for m in extract(text).platforms] == [
        ("某某热", "website", None), ("8号楼", "website", None),
    ]


def test_what_is_said_of_the_company_adds_to_its_actions() -> None:
    text = ("The regulator asked app stores to take the ride app Zoomcar Go off their shelves.\n\n"
            "The administration urged the company to take measures to fix the loopholes.")
    registry_text = text.replace("Zoomcar Go", "DiDi")
    assert [(m.id, set(m.actions)) for m in extract(registry_text).platforms] == [
        ("didi", {"removed", "ordered_to_rectify"}),
    ]


def test_a_later_clause_speaks_of_every_account_its_subject_lists() -> None:
    text = "微信公众号“某某研究”、“某某局”及百度百家号“某某财经”等，炒作负面信息，相关账号已被禁言。"
    assert [(m.name, m.action) for m in extract(text).platforms] == [
        ("微信", None), ("某某研究", "muted"), ("某某局", "muted"), ("百度", None), ("某某财经", "muted"),
    ]


def test_fines_imposed_on_each_party() -> None:
    extraction = extract("The authority imposed a fine of €150 million on Google and a fine of €60 million on Facebook.")
    assert [(m.id, m.action, m.amount.value if m.amount else None) for m in extraction.platforms] == [
        ("google", "fined", Decimal(150000000)), ("facebook", "fined", Decimal(60000000)),
    ]
    assert [figure.party for figure in extraction.figures if figure.currency] == ["google", "facebook"]


@pytest.mark.parametrize("text", [
    # the amount before "on" in any scale or currency words: the party is what is fined
    "The commission imposed a penalty of Rs 2,150 crore on Amazon.",
    "The tribunal levied a fine of 75 crore rupees on Amazon for misleading sellers.",
    "The watchdog imposed a penalty of 1.2 trillion won on Amazon.",
])
def test_a_fine_in_any_currency_on_a_party_fines_it(text: str) -> None:
    assert [(m.id, m.actions) for m in extract(text).platforms] == [("amazon", ("fined",))]


@pytest.mark.parametrize(("text", "expected"), [
    ("国家网信办约谈微博、抖音负责人，责令限期整改，并对微博处以罚款50万元。",
     {"weibo": {"summoned", "ordered_to_rectify", "fined"}, "douyin": {"summoned", "ordered_to_rectify"}}),
    ("北京市网信办对快手处以罚款，对哔哩哔哩予以警告。", {"kuaishou": {"fined"}, "bilibili": {"warned"}}),
    ("Amazon was fined $25 million, while Google received a warning.", {"amazon": {"fined"}, "google": {"warned"}}),
])
def test_each_party_its_own_actions(text: str, expected: dict[str, set[str]]) -> None:
    actions: dict[str, set[str]] = {}
    for mention in extract(text).platforms:
        actions.setdefault(mention.id or mention.name, set()).update(mention.actions)
    assert actions == expected


def test_what_a_platform_failed_to_do_is_no_action() -> None:
    text = "X Corp was fined €5 million for failing to remove illegal content."
    assert [(m.id, m.actions) for m in extract(text).platforms] == [("twitter", ("fined",))]


@pytest.mark.parametrize("text", [
    "市场监管局对京东、拼多多分别处以罚款50万元、30万元。",
    "The regulator fined JD and Pinduoduo 500,000 yuan and 300,000 yuan respectively.",
])
def test_respective_amounts(text: str) -> None:
    extraction = extract(text)
    assert [(m.id, m.amount.value if m.amount else None) for m in extraction.platforms] == [
        ("jd", Decimal(500000)), ("pinduoduo", Decimal(300000)),
    ]
    assert [figure.party for figure in extraction.figures if figure.currency] == ["jd", "pinduoduo"]


def test_related_headlines_after_the_article_are_no_mentions() -> None:
    text = ("北京市网信办对新浪微博依法予以罚款。\n相关新闻\n某地一家淘宝店开业即火?\n"
            "某国下架DeepSeek 业内怎么看?\n")
    assert [(m.id, m.action) for m in extract(text).platforms] == [("weibo", "fined")]


def test_a_compared_name_takes_no_action() -> None:
    text = "The regulator said Twitter-like Weibo had been ordered to pay a penalty."
    assert [(m.id, m.action) for m in extract(text).platforms] == [("weibo", "fined")]


@pytest.mark.parametrize(("text", "expected"), [
    # 对三家, 对两个平台 refer back to every name before them.
    ("对甲公司、美团、京东三起案件作出决定，对三家分别处以50万元罚款。",
     [("meituan", ("fined",)), ("jd", ("fined",))]),
    ("约谈了快手和微博，并对两个平台予以警告。",
     [("kuaishou", ("summoned", "warned")), ("weibo", ("summoned", "warned"))]),
    # In a sentence that names none, they refer to the platforms of the sentence before.
    ("网信办指出，快手及微博未落实主体责任。网信办指导地方网信办，对两个平台采取约谈、警告等措施。",
     [("kuaishou", ("summoned", "warned")), ("weibo", ("summoned", "warned"))]),
    # The count with the kind straight after it (两平台, 三网站), in the same sentence or the next.
    ("抖音、小红书存在炒作问题，市网信办分别对两平台采取约谈、责令限期改正、警告等措施。",
     [("douyin", ("summoned", "ordered_to_rectify", "warned")),
      ("xiaohongshu", ("summoned", "ordered_to_rectify", "warned"))]),
    ("抖音、小红书存在炒作问题。市网信办依法对两平台予以警告。",
     [("douyin", ("warned",)), ("xiaohongshu", ("warned",))]),
    ("针对“百度”的问题依法约谈，责令其全面深入整改。", [("baidu", ("summoned", "ordered_to_rectify"))]),
    ("The CAC had meetings with executives of Weibo, ordering them to make rectifications and fining them.",
     [("weibo", ("summoned", "ordered_to_rectify", "fined"))]),
    (("Problems appeared on the platforms Douyin and Kuaishou, so officials held meetings with managers of "
      "the two companies, ordering them to rectify."),
     [("douyin", ("summoned", "ordered_to_rectify")), ("kuaishou", ("summoned", "ordered_to_rectify"))]),
])
def test_objects_that_refer_back_to_the_names(text: str, expected: list[tuple[str, tuple[str, ...]]]) -> None:
    assert [(m.id, m.actions) for m in extract(text).platforms] == expected


def test_ending_a_practice_is_no_closure() -> None:
    text = "The Commission ordered Google to terminate these practices."
    assert [(m.id, m.actions) for m in extract(text).platforms] == [("google", ())]


@pytest.mark.parametrize(("text", "expected"), [
    # Items of one list, each with words of its own, share the verb after the list.
    ("The ministry found that ByteDance Ad Kit SDK, Tencent Ads SDK and Kuaishou Advertising SDK had many problems.",
     [("bytedance", ("notified",)), ("tencent", ("notified",)), ("kuaishou", ("notified",))]),
    ("The first batch contained 41 apps including QQ, Sina Sports and Lagou.",
     [("qq", ("notified",)), ("sina", ("notified",)), ("lagou", ("notified",))]),
    # A name with a verb of its own keeps it.
    ("Baidu was warned in May, Douban was fined in June.", [("baidu", ("warned",)), ("douban", ("fined",))]),
])
def test_list_items_across_commas(text: str, expected: list[tuple[str, tuple[str, ...]]]) -> None:
    assert [(m.id, m.actions) for m in extract(text).platforms] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # A platform followed by what it hosts (a shop, an account, users, a streamer) is no target.
    ("A Taobao shop selling fakes was closed.", [("taobao", ())]),
    ("The Douyin influencer's account was suspended.", [("douyin", ())]),
    ("淘宝店铺“某某小店”被关闭。", [("taobao", ())]),
    ("微博用户“某某”被禁言。", [("weibo", ())]),
    ("抖音主播被封禁。", [("douyin", ())]),
    ("Alibaba Group was fined.", [("alibaba", ("fined",))]),
])
def test_a_platform_hosting_what_is_acted_on(text: str, expected: list[tuple[str, tuple[str, ...]]]) -> None:
    assert [(m.id, m.actions) for m in extract(text).platforms if m.id] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("SAMR imposed fines of 500,000 yuan each on Alibaba, Tencent and Suning.",
     [("alibaba", ("fined",)), ("tencent", ("fined",)), ("suning", ("fined",))]),
    ("Baidu, along with Sohu, was ordered to rectify.",
     [("baidu", ("ordered_to_rectify",)), ("sohu", ("ordered_to_rectify",))]),
    ("The ministry listed 30 apps, such as Sohu and iQiyi, as well as a travel app Ctrip.",
     [("sohu", ("notified",)), ("iqiyi", ("notified",)), ("ctrip", ("notified",))]),
])
def test_english_coordination(text: str, expected: list[tuple[str, tuple[str, ...]]]) -> None:
    assert [(m.id, m.actions) for m in extract(text).platforms] == expected


def test_a_bare_them_is_not_the_host_of_what_it_refers_to() -> None:
    text = "Some e-shops on the marketplace Taobao spread rumours, so the authorities ordered them to rectify."
    assert [(m.id, m.actions) for m in extract(text).platforms] == [("taobao", ())]


@pytest.mark.parametrize(("text", "language", "party"), [
    ("The Commission has fined Corvane Holdings, Inc. (Corvane) €50 million.", "en", "Corvane Holdings"),
    ("The ICO fined Quayside Leads Limited £40,000 for nuisance texts.", "en", "Quayside Leads"),
])
def test_an_unknown_company_s_party_leaves_out_its_legal_form(text: str, language: str, party: str) -> None:
    assert [figure.party for figure in extract(text, language=language).figures if figure.currency] == [party]


@pytest.mark.parametrize(("text", "language", "party"), [
    (("市场监管局接到举报：我市某电子商务有限公司虚假宣传。核查发现该公司在“拼多多”平台开设网店，"
     "页面显示已拼10万件。经查，实际交易12笔。该局对该公司罚款人民币5000元。"), "zh-Hans", "某电子商务"),
    (("市場監管局接到舉報：我市某電子商務有限公司虛假宣傳。核查發現該公司在「拼多多」平台開設網店，"
     "頁面顯示已拼10萬件。經查，實際交易12筆。該局對該公司罰款人民幣5000元。"), "zh-Hant", "某電子商務"),
])
def test_a_fine_on_the_company_is_not_on_the_platform_its_shop_was_on(text: str, language: str, party: str) -> None:
    extraction = extract(text, language=language)
    assert [(m.id, m.actions) for m in extraction.platforms] == [("pinduoduo", ())]
    assert [figure.party for figure in extraction.figures if figure.currency] == [party]


@pytest.mark.parametrize(("text", "language"), [
    ("公告显示，每案涉及的违规企业各被处罚50万元，其中腾讯共涉5案。", "zh-Hans"),
    ("Tencent was among the parties; each of the companies was fined $80,000.", "en"),
])
def test_an_amount_each_of_many_paid_has_no_one_party(text: str, language: str) -> None:
    parties = [figure.party for figure in extract(text, language=language).figures if figure.currency]
    assert parties == [None]


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("網信辦約談了百度、小紅書等平台負責人，對抖音處以罰款，並責令快手限期整改。", "zh-Hant",
     {"baidu": ("summoned",), "xiaohongshu": ("summoned",), "douyin": ("fined",), "kuaishou": ("ordered_to_rectify",)}),
    ("网信办依法对抖音予以警告，约谈知乎负责人，对微博处以罚款。", "zh-Hans",
     {"douyin": ("warned",), "zhihu": ("summoned",), "weibo": ("fined",)}),
    ("The CAC summoned Baidu and Weibo, fined Douyin 2 million yuan and ordered Kuaishou to rectify.", "en",
     {"baidu": ("summoned",), "weibo": ("summoned",), "douyin": ("fined",), "kuaishou": ("ordered_to_rectify",)}),
    ("The ICO reprimanded TikTok and fined Snap £5 million.", "en", {"tiktok": ("warned",), "snapchat": ("fined",)}),
    ("The Commission fined Apple €1.8 billion; Meta was ordered to rectify its pay-or-consent model.", "en",
     {"apple": ("fined",), "meta": ("ordered_to_rectify",)}),
])
def test_each_party_of_one_sentence_takes_only_its_own_clause_s_action(
        text: str, language: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.id: m.actions for m in extract(text, language=language).platforms} == expected


@pytest.mark.parametrize(("text", "language"), [
    (("市网信办约谈了青禾银行、远帆银行、明川银行3家金融机构负责人，针对3家金融机构App违规收集个人信息等问题，"
     "责令限期整改。"), "zh-Hans"),
    (("市網信辦約談了青禾銀行、遠帆銀行、明川銀行3家金融機構負責人，針對3家金融機構App違規收集個人信息等問題，"
     "責令限期整改。"), "zh-Hant"),
])
def test_a_count_of_the_names_just_listed_refers_to_them(text: str, language: str) -> None:
    mentions = extract(text, language=language).platforms
    assert len(mentions) == 3
    assert all(m.actions == ("summoned", "ordered_to_rectify") for m in mentions)


@pytest.mark.parametrize("text", [
    # the list names more than the text gives as names (等), and its count comes back later
    "市网信办约谈了虎牙、斗鱼等4家直播平台负责人，针对平台存在的问题，责令4家直播平台限期整改，整改期间暂停新用户注册。",
    # a quoted member that is no known name stands between the last name and the count
    "省网信办约谈“虎牙直播”“斗鱼直播”“晨风小视频”3家平台负责人，要求3家平台限期整改。",
])
def test_the_count_a_list_was_given_refers_back_to_the_list(text: str) -> None:
    by_id = {m.id: m.actions for m in extract(text).platforms if m.id in ("huya", "douyu")}
    assert set(by_id) == {"huya", "douyu"}
    assert all("summoned" in actions and "ordered_to_rectify" in actions for actions in by_id.values())


def test_an_order_to_the_operators_in_general_is_a_collective() -> None:
    text = "网信办通知应用商店下架“微博”等3款App，要求相关运营者认真整改存在的问题。"
    assert [m.actions for m in extract(text).platforms] == [("removed",)]


@pytest.mark.parametrize(("text", "expected"), [
    (("The regulator published 12 administrative penalties on Monday for unreported deals, involving Tencent, "
     "Alibaba and other internet firms."), {"tencent": ("fined",), "alibaba": ("fined",)}),
    # a case involving a company, after the fine on another, stays a prepositional phrase
    ("The regulator fined Tencent in a case involving Alibaba.", {"tencent": ("fined",), "alibaba": ()}),
])
def test_the_firms_penalties_are_said_to_involve_are_fined(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    assert {m.id: m.actions for m in extract(text).platforms} == expected


def test_a_count_of_others_is_still_a_collective() -> None:
    text = "网信办约谈了微博、知乎，并对另外5家平台责令限期整改。"
    assert [m.actions for m in extract(text).platforms] == [("summoned",), ("summoned",)]


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("针对“百度”等网站平台的问题依法约谈，责令其全面深入整改，关停相关栏目。", "zh-Hans",
     [("baidu", ("summoned", "ordered_to_rectify"))]),
    ("網信辦約談微博負責人，關閉違規帳號，並責令整改。", "zh-Hant", [("weibo", ("summoned", "ordered_to_rectify"))]),
    # Accounts named after the verb are what it closes.
    ("依法关闭“某某财经”“某某快讯”等账号。", "zh-Hans", [(None, ("closed",)), (None, ("closed",))]),
])
def test_closing_a_platform_s_sections_or_accounts_does_not_close_it(
        text: str, language: str, expected: list[tuple[str | None, tuple[str, ...]]]) -> None:
    assert [(m.id, m.actions) for m in extract(text, language=language).platforms] == expected


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("市场监管总局对阿里巴巴投资有限公司、阅文集团和深圳市丰巢网络技术有限公司分别处以50万元罚款。", "zh-Hans",
     [("alibaba", "阿里巴巴投资有限公司", ("fined",)), ("yuewen", "阅文集团", ("fined",)),
      ("fengchao", "深圳市丰巢网络技术有限公司", ("fined",))]),
    ("市場監管總局對阿里巴巴投資有限公司收購銀泰商業(集團)有限公司股權案處以罰款。", "zh-Hant",
     [("alibaba", "阿里巴巴投資有限公司", ("fined",)), ("intime", "銀泰商業(集團)有限公司", ())]),
    ("The regulator fined Alibaba Group and Tencent-backed China Literature.", "en",
     [("alibaba", "Alibaba Group", ("fined",)), ("tencent", "Tencent", ()), ("yuewen", "China Literature", ("fined",))]),
])
def test_registered_names_of_registry_platforms_and_their_owners(
        text: str, language: str, expected: list[tuple[str | None, str, tuple[str, ...]]]) -> None:
    assert [(m.id, m.name, m.actions) for m in extract(text, language=language).platforms] == expected


@pytest.mark.parametrize("text", [
    "The regulator will fine Alibaba Group, Tencent-backed China Literature and locker firm Hive Box 500,000 yuan each.",
    "Regulators fined Alibaba Group, Tencent-owned China Literature and Hive Box for unreported deals.",
])
def test_an_owner_inside_a_list_is_no_item_of_it(text: str) -> None:
    assert [(m.id, m.actions) for m in extract(text, language="en").platforms] == [
        ("alibaba", ("fined",)), ("tencent", ()), ("yuewen", ("fined",)), ("fengchao", ("fined",))]


@pytest.mark.parametrize("text", [
    "Meta and its subsidiaries (Instagram and WhatsApp) have been fined most often.",
    "The regulator fined Alphabet, whose products (YouTube and Android) were not named in the decision.",
])
def test_brands_in_brackets_are_not_the_party_acted_on(text: str) -> None:
    actions = {m.id: m.actions for m in extract(text, language="en").platforms}
    assert actions["instagram" if "Instagram" in text else "youtube"] == ()
    assert actions["meta" if "Meta" in text else "alphabet"] == ("fined",)


@pytest.mark.parametrize(("text", "language", "parties"), [
    # the names are the subject, not the list the amount follows: no one party
    ("Tencent and NetEase were ordered to pay fines of 500,000 yuan each.", "en", [None]),
    # the list right before the amount: one fine per party
    ("腾讯、网易各被处以罚款50万元。", "zh-Hans", ["tencent", "netease"]),
])
def test_an_amount_each_paid_after_it_has_no_one_party(text: str, language: str, parties: list[str | None]) -> None:
    assert [figure.party for figure in extract(text, language=language).figures if figure.currency] == parties


@pytest.mark.parametrize(("text", "language", "action"), [
    (("另外，微信公眾號「晴空研究」、「雲端情報局」等，長期發布虛假信息，惡意唱衰企業\n\n經營狀況。\n\n\n\n"
     "涉及的帳號已被依法依約採取禁言處置。"), "zh-Hant", "muted"),
    ("此外，微信公众号“晴空研究”“云端情报局”等长期发布虚假信息。\n\n上述账号已被依法关闭。", "zh-Hans", "closed"),
])
def test_the_accounts_involved_are_the_accounts_just_named(text: str, language: str, action: str) -> None:
    assert [(m.name, m.actions) for m in extract(text, language=language).platforms if m.id is None] == [
        (name, (action,)) for name in (("晴空研究", "雲端情報局") if language == "zh-Hant" else ("晴空研究", "云端情报局"))]


def test_related_platforms_stay_a_collective() -> None:
    text = "微博、知乎存在问题。\n\n对相关网站平台依法采取约谈、罚款等处罚措施。"
    assert [(m.id, m.actions) for m in extract(text).platforms] == [("weibo", ()), ("zhihu", ())]


@pytest.mark.parametrize("text", [
    "Apple was fined €500 million and Meta €200 million.",
    "Apple was fined €500 million; Meta €200 million.",
    "The Commission fined Apple Inc. EUR 500 million and Meta Platforms EUR 200 million.",
])
def test_a_gapped_fine_is_the_next_name_s(text: str) -> None:
    extraction = extract(text, language="en")
    assert [(m.id, m.actions) for m in extraction.platforms] == [("apple", ("fined",)), ("meta", ("fined",))]
    assert [figure.party for figure in extraction.figures if figure.currency] == ["apple", "meta"]


def test_an_amount_in_a_later_sentence_of_its_own_is_not_a_gapped_fine() -> None:
    text = "Apple was fined €500 million. Meta earned €200 million."
    assert [(m.id, m.actions) for m in extract(text, language="en").platforms] == [("apple", ("fined",)), ("meta", ())]


@pytest.mark.parametrize("text", [
    "In May Reddit, an American forum, was fined £1.5 million.",
    "In 2023 Reddit was fined £1.5 million by the regulator.",
    "On Tuesday Reddit was fined £1.5 million.",
])
def test_a_time_phrase_before_the_name_is_no_preposition_of_the_name(text: str) -> None:
    assert _read(text) == [("reddit", "Reddit", ("fined",))]


@pytest.mark.parametrize("text", [
    "The apps were taken down, according to a Sohu news report.",
    "The fine could be large, the analyst wrote in her Telegram channel.",
    "The regulator explained the decision on his YouTube channel.",
])
def test_reports_and_personal_channels_are_no_mentions(text: str) -> None:
    assert _read(text) == []


def test_the_os_of_app_stores_is_no_party() -> None:
    text = "Douyin was suspended on several Android app stores."
    assert _read(text) == [("douyin", "Douyin", ("suspended",)), ("android", "Android", ())]


@pytest.mark.parametrize("text", [
    "Hundreds of Weibo public opinion accounts have been closed.",
    "Dozens of Douyin livestream accounts were closed by the regulator.",
])
def test_a_platform_hosting_the_accounts_closed_is_not_closed(text: str) -> None:
    assert [actions for _, _, actions in _read(text)] == [()]


@pytest.mark.parametrize("text", [
    # Amounts each followed by their party, in one list governed by one verb.
    "The Commission imposed fines of €500 million for Apple and €200 million for Meta.",
    # 分别 and 处罚 with a foreign currency; the same in Traditional characters.
    "苹果和Meta分别被处罚5亿欧元和2亿欧元。",
    "蘋果和Meta兩間企業分別遭裁罰5億歐元及2億歐元。",
])
def test_amounts_of_a_list_belong_to_their_own_parties(text: str) -> None:
    extraction = extract(text)
    assert [(f.value, f.party) for f in extraction.figures if f.currency] == [
        (Decimal(500000000), "apple"), (Decimal(200000000), "meta")]
    assert [(m.id, m.actions) for m in extraction.platforms] == [("apple", ("fined",)), ("meta", ("fined",))]


@pytest.mark.parametrize("text", [
    "Douyin, owned by ByteDance, was fined 1 million yuan.",
    "Douyin, a unit of ByteDance, was fined 1 million yuan.",
    "Douyin, which is owned by ByteDance, was fined 1 million yuan.",
])
def test_an_aside_naming_the_owner_leaves_the_party_the_subject(text: str) -> None:
    extraction = extract(text)
    assert [(m.id, m.actions) for m in extraction.platforms] == [("douyin", ("fined",)), ("bytedance", ())]
    assert [f.party for f in extraction.figures if f.currency] == ["douyin"]


def test_a_subsidiary_of_the_party_is_a_party_of_its_own() -> None:
    text = "The FTC said Amazon will pay a $25 million civil penalty, while its Ring unit will pay $5.8 million."
    extraction = extract(text)
    assert [(m.id, m.actions) for m in extraction.platforms] == [("amazon", ("fined",)), ("ring", ("fined",))]
    assert [f.party for f in extraction.figures if f.currency] == ["amazon", "ring"]
    assert [m.actions for m in extract("Google and its subsidiary YouTube will pay $170 million.").platforms] == [
        ("fined",), ("fined",)]


@pytest.mark.parametrize("text", [
    "抖音被罚款。\n\n上一篇：微软收购动视暴雪，仅次于腾讯和索尼。\n下一篇：某地警方打掉团伙",
    "TikTok was fined.\nNext article: Microsoft completes its Activision deal\n",
])
def test_previous_and_next_article_links_are_page_furniture(text: str) -> None:
    assert len(_read(text)) == 1


@pytest.mark.parametrize("text", [
    "谷歌被罚款。\n\n图源：微博\n\n",
    "抖音被约谈。\n\n微信图片_20200610163541\n\n",
    "TikTok was fined. Image credit: Instagram",
])
def test_image_credits_and_file_names_are_page_furniture(text: str) -> None:
    assert len(_read(text)) == 1


def test_a_news_agency_a_report_is_by_is_no_party() -> None:
    text = "According to a report by the Russian news agency Pravdex, LLC Google was found guilty and fined."
    assert _read(text) == [("google", "Google", ("fined",))]


def test_a_duration_in_months_is_no_count_of_parties() -> None:
    # 3个月 is how long the order runs, not a collective of three (个) parties.
    text = "监管机关对中华电信及远传电信各罚款50万元，并限期3个月内完成改善。"
    assert {m.id: m.actions for m in extract(text).platforms if m.id} == {
        "chunghwa_telecom": ("fined", "ordered_to_rectify"),
        "fareastone": ("fined", "ordered_to_rectify"),
    }


@pytest.mark.parametrize(("text", "expected"), [
    # Items of a list each described by words of their own share the verb before or after it.
    ("Regulators fined social media platform Weibo, short video app Kuaishou and e-commerce site Taobao.",
     [("weibo", ("fined",)), ("kuaishou", ("fined",)), ("taobao", ("fined",))]),
    ("Social media platform Weibo, short video app Kuaishou and e-commerce site Taobao were summoned.",
     [("weibo", ("summoned",)), ("kuaishou", ("summoned",)), ("taobao", ("summoned",))]),
    ("Short video app Kuaishou, e-commerce site Taobao and two others were removed from the stores.",
     [("kuaishou", ("removed",)), ("taobao", ("removed",))]),
    # A name inside a relative clause is no item of the list.
    ("Regulators fined Weibo, which rivals Twitter, and Kuaishou.",
     [("weibo", ("fined",)), ("twitter", ()), ("kuaishou", ())]),
])
def test_a_list_of_described_names_shares_its_verb(text: str, expected: list[tuple[str, tuple[str, ...]]]) -> None:
    assert [(m.id, m.actions) for m in extract(text).platforms] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # A name in a bracketed aside on a list item (its owner, a shareholder) takes no verb and
    # does not cut the list, whatever punctuation the aside holds.
    ("支付宝、蚂蚁集团(金融控股,为阿里巴巴关联方)、京东金融等三家公司作为当事人被罚。",
     [("alipay", ("fined",)), ("ant_group", ("fined",)), ("alibaba", ()), ("jd_finance", ("fined",))]),
    ("The regulator fined Mi Video Call (Xiaomi), Zhihu and Douban.",
     [("mi_video_call", ("fined",)), ("xiaomi", ()), ("zhihu", ("fined",)), ("douban", ("fined",))]),
    # …but the platform a company is said to run is what the company is acted on for.
    ("市场监管总局对北京晴天科技有限公司(“十荟团”运营主体)处以150万元罚款。", [("shihuituan", ("fined",))]),
])
def test_a_name_in_an_aside_on_a_list_item(text: str, expected: list[tuple[str | None, tuple[str, ...]]]) -> None:
    assert [(m.id, m.actions) for m in extract(text).platforms] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # An owner's possessive inside a list item ("Tencent's WeChat") neither ends the list nor
    # takes its verb; a short bracket after a name (a ticker) is no break either.
    ("The regulator fined Baidu Tieba, Sina Weibo and Tencent's WeChat.",
     [("tieba", ("fined",)), ("weibo", ("fined",)), ("tencent", ()), ("wechat", ("fined",))]),
    ("The regulator summoned Kuaishou (1024.HK), Tencent's (0700.HK) chat app QQ, Alibaba's Taobao and Douban.",
     [("kuaishou", ("summoned",)), ("tencent", ()), ("qq", ("summoned",)), ("alibaba", ()),
      ("taobao", ("summoned",)), ("douban", ("summoned",))]),
    # …nor does an aside naming an item's owner between commas
    ("The regulator fined Baidu Tieba, Sina Weibo, partly owned by Alibaba, and Tencent's WeChat.",
     [("tieba", ("fined",)), ("weibo", ("fined",)), ("alibaba", ()), ("tencent", ()), ("wechat", ("fined",))]),
])
def test_an_owner_named_inside_a_list_item(text: str, expected: list[tuple[str, tuple[str, ...]]]) -> None:
    assert [(m.id, m.actions) for m in extract(text).platforms] == expected
