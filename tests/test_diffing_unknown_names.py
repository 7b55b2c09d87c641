"""Chinese names the registry does not know (``diffing.unknown_names``)."""

from __future__ import annotations

import pytest

from diffing.extract import extract
from diffing.platforms import PlatformMention, find_platform_mentions
from diffing.text import prepare


def _names(text: str) -> list[str]:
    # Traditional texts are told apart by characters Simplified text never uses.
    language = "zh-Hant" if any(ch in text for ch in "銀產壽證會過罰東") else None
    return [mention.name for mention in extract(text, language=language).platforms if mention.id is None]


@pytest.mark.parametrize(("text", "expected"), [
    ("金管會指出，主因是東海銀行因內控缺失遭罰 800 萬元，其次為北辰產險因理賠違規遭罰 300 萬元。",
     ["東海銀行", "北辰產險"]),
    ("银保监局通报，处罚包括南岭人寿因销售误导被罚款120万元、以及西江证券因风控缺失被罚50万元。",
     ["南岭人寿", "西江证券"]),
    ("另外，「青松銀行」因防制洗錢作業缺失，應予糾正。", ["青松銀行"]),
])
def test_banks_insurers_and_brokers_in_an_enforcement_sentence(text: str, expected: list[str]) -> None:
    assert [name for name in _names(text) if name in expected] == expected


@pytest.mark.parametrize("text", [
    "中国人民银行发布了新的支付管理办法，商业银行应遵守。",
    "金管會表示，今年保險及證券期貨業共裁罰 20 件。",
    "多家银行被罚款，各银行应加强内控。",
    "东海银行今日公布了第三季度的经营数据。",  # no measure: a bank only mentioned
    "金管會銀行局副局長表示，罰款金額增加。",
])
def test_no_institution_where_the_words_are_generic_public_or_idle(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("工信部今日通报，12款下架APP有：晨星记账、云朵相册、跑跑出行(跑跑出行极速版)、小熊识字。",
     ["晨星记账", "云朵相册", "跑跑出行", "小熊识字"]),
    ("被关闭的网站如下：青蛙视频、星河小说网、白鹭论坛", ["青蛙视频", "星河小说网", "白鹭论坛"]),
])
def test_a_list_a_colon_opens_after_its_kind_and_count(text: str, expected: list[str]) -> None:
    assert list(dict.fromkeys(_names(text))) == expected


@pytest.mark.parametrize("text", [
    # the items are conducts, not names
    "检查发现，3款APP存在以下问题：超范围收集个人信息、强制用户使用定向推送功能、频繁索取权限。",
    # no count, no measure: the kinds an app falls into
    "应用分为：工具类、游戏类、社交类。",
    # a list that runs on into the next clause
    "5款APP有：晨星记账、云朵相册、小熊识字，均已完成整改。",
])
def test_no_introduced_list_of_conducts_kinds_or_prose(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize("text", [
    "市场监管总局依法对杭州星云电子商务有限公司（天猫）处以50万元罚款。",
    "监管局对上海星河贸易发展有限公司（以下简称“天猫”）作出行政处罚。",
])
def test_a_registered_name_with_its_platform_in_brackets_is_that_platform(text: str) -> None:
    mentions = extract(text).platforms
    assert _names(text) == [] and "tmall" in {mention.id for mention in mentions}


def test_a_registered_name_a_bracket_elsewhere_gives_a_platform_takes_its_id() -> None:
    text = ("市场监管总局对上海星河网络科技有限公司、北京云海科技有限公司等两家企业分别处以罚款。"
            "此前，总局先后对上海星河网络科技有限公司（多多买菜）、北京云海科技有限公司（十荟团）开展调查。")
    mentions = extract(text).platforms
    assert _names(text) == []
    assert {mention.id for mention in mentions if mention.name == "上海星河网络科技有限公司"} == {"duoduo_maicai"}


@pytest.mark.parametrize("text", [
    "网信办约谈多家平台，防止被关闭账号“重生”“转世”，下架违规应用。",
    "工信部表示，将严厉打击“网络水军”，关闭违规网站。",
    "借“3·15”之机，监管部门下架了一批应用。",
])
def test_quoted_jargon_dates_and_numbers_are_no_names(text: str) -> None:
    assert _names(text) == []


def test_a_registered_name_read_over_a_verb_is_the_name_read_alone() -> None:
    text = ("经查，广告发布主体为北京星桥科技有限公司。代理商需提交北京星桥科技有限公司审核，"
            "市场监管局对北京星桥科技有限公司罚款200万元。")
    assert set(_names(text)) == {"北京星桥科技有限公司"}


@pytest.mark.parametrize("text", [
    "金管會表示，多家商業銀行因內控缺失遭罰。",
    "监管局指出，部分城市银行与各家保险公司因违规被罚款。",
])
def test_no_institution_named_by_a_generic_lead_within_a_sentence(text: str) -> None:
    assert _names(text) == []


def test_a_named_rural_commercial_bank_is_a_name() -> None:
    assert "江川农村商业银行" in _names("银保监分局对江川农村商业银行因贷款违规处以罚款80万元。")


@pytest.mark.parametrize(("text", "expected"), [
    ("二、江苏省某市市场监管局查处南桥云帆贸易有限公司虚假宣传案，对其罚款30万元。", "南桥云帆贸易有限公司"),
    ("審議會議審議青嵐電訊股份有限公司違規案，決議罰款60萬元。", "青嵐電訊股份有限公司"),
    ("长河视频母公司北京长河互动科技有限公司被约谈并罚款10万元。", "北京长河互动科技有限公司"),
    ("省通信管理局给予南桥云帆网络科技有限公司警告、并处罚款20万元的行政处罚。", "南桥云帆网络科技有限公司"),
])
def test_a_registered_name_is_read_back_no_further_than_the_verb_or_role_before_it(text: str, expected: str) -> None:
    assert expected in _names(text)


def test_a_registered_name_read_back_to_the_length_limit_has_no_known_start() -> None:
    text = "据通报一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳有限公司被罚款10万元。"
    assert not any(name.endswith("有限公司") for name in _names(text))


@pytest.mark.parametrize(("text", "expected"), [
    # a body convening or organising the platforms: the verb opens the list, the body is no name
    ("上周，江南省市场监管局召集青橙优选、白鹭到家、晨风外卖等5家企业负责人开会。",
     ["青橙优选", "白鹭到家", "晨风外卖"]),
    ("科学和技术部组织对晴川直播、云雀直播、远山直播等20家直播平台开展检查。",
     ["晴川直播", "云雀直播", "远山直播"]),
])
def test_a_convening_verb_opens_the_list_it_governs(text: str, expected: list[str]) -> None:
    assert _names(text) == expected


@pytest.mark.parametrize("text", [
    # a slogan the meeting works under
    "近日，某市网信办召开落实“净水护航行动计划外”工作会议，要求各平台自查。",
    "会议要求贯彻“守护绿水青山”工作部署，下架相关应用。",
    # conducts quoted as findings, in a sentence about taking apps down
    "对1款出行类APP“未向用户明示收集个人信息的目的”责令改正，并下架处理。",
    "对某款阅读APP“擅自向第三方提供用户信息”给予警告，并责令下架。",
    # people the trade's words describe
    "一批借“网红儿童”牟利的账号被清理，部分“顶流”主播被下架作品。",
    # what the accounts are involved in, a kind of violation
    "省网信办约谈涉“擦边”主播、涉嫌“软广”账号共20个。",
    # a company's conduct after its registered name, not an app it runs
    "某市监管局查处某某晨光网络科技有限公司未尽资质审核、安全保障义务案，涉事应用已下架。",
])
def test_slogans_conducts_and_trade_words_are_no_names(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize("text", [
    "监管局查明，三只羊公司受青橙食品有限公司委托推介月饼，对青橙食品有限公司罚款20万元。",
    "监管局查明，晨光公司受青橙食品有限公司委托推介月饼，对青橙食品有限公司罚款20万元。",
])
def test_a_registered_name_starts_after_another_party_s_company(text: str) -> None:
    names = [mention.name for mention in extract(text).platforms]
    assert "青橙食品有限公司" in names
    assert not any("受" in name for name in names)


@pytest.mark.parametrize("text", [
    # a task force quoted by its name
    "市长今年成立「反诈小组」，市府多次函报主管机关对平台裁罚并要求下架广告。",
    # words quoted as what a body said, ending the sentence
    "广告下架太慢，市府怒批「主管机关只会开会、从不动手」。",
])
def test_a_quoted_body_or_utterance_is_no_name(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize("text", [
    "某品牌网站将某地区列为“国家”，网信办责令其整改。",
    "该网店被认定为“失信主体”，平台已下架其商品。",
    # words shown on a page
    "某品牌网站“地区”选项中有不当字样，网信办责令其整改并下架页面。",
    "该应用页面出现“限时秒杀”字样，监管部门责令下架。",
])
def test_a_quoted_label_given_to_something_is_no_name(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("某市查处“星河影院”影视侵权案，判处被告人有期徒刑2年。", ["星河影院"]),
    ("某市侦破“金蟾捕鱼”手机游戏侵权案，抓获嫌疑人3人。", ["金蟾捕鱼"]),
])
def test_a_case_named_after_a_site_or_app_names_it(text: str, expected: list[str]) -> None:
    assert _names(text) == expected


def test_a_case_named_by_its_date_names_nothing() -> None:
    assert _names("某市查处“5.12”制售盗版光盘案，判处有期徒刑3年。") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("文化执法部门关停“云雀秀场”等5家平台，并处罚款。", ["云雀秀场"]),
    ("执法机构处罚“蓝莓之夜”、“青柠派对”等12家手机表演平台。", ["蓝莓之夜", "青柠派对"]),
    ("文化部门严查“银河夜话”平台提供低俗表演的问题，并责令其整改。", ["银河夜话"]),
])
def test_a_quoted_name_the_word_platform_follows_is_a_platform(text: str, expected: list[str]) -> None:
    assert _names(text) == expected


@pytest.mark.parametrize("text", [
    # 平台 further on modifies another noun
    "监管局要求将“野生江鱼”“深海珍品”等纳入平台禁售商品名录，并加强审核。",
    # 平台 before the quote is the subject that counts
    "公告中，两平台「问题」有所不同，监管部门责令整改。",
])
def test_a_platform_word_not_right_after_the_quote_names_nothing(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("省通信管理局约谈应用商店运营企业，包括海星网络科技有限公司(海星助手)、蓝湾信息服务有限公司(蓝湾电脑)等，并给予警告。",
     ["海星助手", "蓝湾电脑"]),
])
def test_an_operator_s_bracketed_trade_name_is_the_name(text: str, expected: list[str]) -> None:
    assert _names(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("市场监管局查处海星商贸有限公司（以下简称当事人）虚假宣传案，处罚款10万元。", ["海星商贸有限公司"]),
    ("监管部门对蓝湾科技有限公司（香港）处以罚款50万元。", ["蓝湾科技有限公司"]),
])
def test_a_bracket_with_a_defined_term_or_a_place_is_no_trade_name(text: str, expected: list[str]) -> None:
    # the company with no measure of its own goes to the other parties; either way it is the name
    others: list[PlatformMention] = []
    mentions = find_platform_mentions(prepare(text, "zh-Hans"), other_parties=others)
    assert [mention.name for mention in [*mentions, *others]] == expected


def test_a_registry_platform_in_the_bracket_stays_the_registry_s() -> None:
    mentions = extract("监管部门对某某网络科技有限公司（唯品会）处以罚款50万元。").platforms
    assert [mention.id for mention in mentions] == ["vip"]



@pytest.mark.parametrize(("text", "expected"), [
    # a list said to be among those the notice names
    ("工信部抽测发现12款App仍有问题。晨光记账、云雀相册、小熊识字等在列，应在月底前完成整改。",
     ["晨光记账", "云雀相册", "小熊识字"]),
    # the list's noun said with what the platforms carry, after the penalty given to them
    ("执法机构分别给予星河秀场、月光直播、蓝鲸派对等网络表演平台罚款。", ["星河秀场", "月光直播", "蓝鲸派对"]),
])
def test_an_unquoted_list_closed_by_its_kind_or_by_being_listed(text: str, expected: list[str]) -> None:
    assert _names(text) == expected


def test_a_count_of_a_kind_beside_a_list_is_no_name() -> None:
    text = "版权局约谈了12家网络服务商和星河视频、月光直播等15家短视频平台。"
    assert _names(text) == ["星河视频", "月光直播"]


def test_a_quoted_letter_is_shown_not_named() -> None:
    text = "平台下架广告时需人工输入网址，易将「I」、「l」与「O」混淆，主管机关要求改善并处罚款。"
    assert _names(text) == []


@pytest.mark.parametrize("text", [
    "微博称已暂停300多个「散播虚假消息和恐慌情绪」的账号。",
    "近期甚至连许多传播“佛系文化”的账号都被封禁。",
])
def test_quoted_content_spread_is_no_name(text: str) -> None:
    assert _names(text) == []


def test_the_area_before_a_list_is_not_part_of_its_first_name() -> None:
    text = "市场监管局组织辖区饿了么、美团和京东三家外卖平台负责人进行约谈。"
    mentions = extract(text).platforms
    assert [mention.id for mention in mentions] == ["eleme", "meituan", "jd"]


def test_a_revoking_verb_is_not_part_of_the_registered_name() -> None:
    text = "文化部门严查低俗表演，吊销青州市星辰文化传媒有限公司《网络文化经营许可证》。"
    others: list[PlatformMention] = []
    mentions = find_platform_mentions(prepare(text, "zh-Hans"), other_parties=others)
    assert [mention.name for mention in [*mentions, *others]] == ["青州市星辰文化传媒有限公司"]


def test_a_kind_of_service_in_a_list_is_no_name() -> None:
    text = "公署促讨论区、社交平台等删除涉事贴文，并将个案转介警方。"
    assert _names(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("网信部门依法关闭“青松时评网”等一批未取得许可资质违规开展新闻信息服务的网站。", ["青松时评网"]),
])
def test_a_quoted_name_ending_in_the_word_for_site_is_a_site(text: str, expected: list[str]) -> None:
    assert _names(text) == expected


@pytest.mark.parametrize("text", [
    "会议强调要推进“工业互联网”建设，并对违规平台处以罚款。",
    "警方织密“天网”，对诈骗网站予以关闭。",
])
def test_network_words_ending_in_the_word_for_net_are_no_sites(text: str) -> None:
    assert _names(text) == []


def test_a_list_whose_names_lost_their_opening_marks_is_read() -> None:
    text = "截至目前，尚有”星河”、”月光记账””蓝鲸”等20款App未完成整改。"
    assert _names(text) == ["星河", "月光记账", "蓝鲸"]


def test_closing_marks_around_a_saying_are_no_list() -> None:
    assert _names("他说”我们会整改”，随后平台下架了“星河”App。") == ["星河"]


@pytest.mark.parametrize(("text", "expected"), [
    ("区网信办对江东星*科技有限公司、江东云**网络科技有限公司罚款各2万元。",
     ["江东星*科技有限公司", "江东云**网络科技有限公司"]),
    ("市场监管局对北岭××信息技术有限责任公司罚款5万元。", ["北岭××信息技术有限责任公司"]),
])
def test_a_registered_name_masked_in_part_is_still_a_name(text: str, expected: list[str]) -> None:
    assert _names(text) == expected


def test_a_measure_given_to_a_company_is_no_app_of_it() -> None:
    names = _names("经查，南桥云帆网络科技有限公司青松清理、极速WiFi等2款应用违规收集个人信息，"
                   "省通信管理局给予南桥云帆网络科技有限公司警告、罚款10万元的行政处罚。")
    assert "警告" not in names
    assert "南桥云帆网络科技有限公司" in names


def test_a_telecom_carrier_by_its_trade_name_in_an_enforcement_sentence() -> None:
    assert _names("青峰電信因未落實用戶資料查核，遭通傳會裁罰30萬元。") == ["青峰電信"]


@pytest.mark.parametrize("text", [
    "警方嚴厲打擊電信、網路詐騙，多名車手遭罰。",
    "首宗電信涉詐案 通傳會輕罰30萬元",
    "第二類電信及基礎電信均應落實查核，違者處罰鍰。",
])
def test_no_carrier_named_by_a_telecom_sector_or_trade(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize("text", [
    "针对“短视频”平台存在的“标题党”问题，市网信办约谈了相关平台负责人。",
    "公安机关开展专项行动，关停“黑产”网站300余个，“网贷”App 20款。",
])
def test_a_quoted_kind_of_service_or_trade_is_no_name(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize("text", [
    "查处“黄播”平台50余个，整治“打赏”乱象。",
    "涉事帖文公开了当事人的“姓名”“电话”等个人信息，网信部门依法关闭相关账号。",
])
def test_quoted_trades_and_personal_data_are_no_names(text: str) -> None:
    assert _names(text) == []


def test_a_list_closed_by_these_five_ends_before_them() -> None:
    assert _names("经调查，晨光优选、小鹿买菜、星河团这三家企业存在低价倾销行为。") == ["晨光优选", "小鹿买菜", "星河团"]


def test_personal_data_listed_with_a_platform_is_no_name() -> None:
    assert _names("外泄的个人资料包括姓名、Facebook ID、电邮地址、电话号码等，公署已联络Facebook。") == []


def test_streamers_arrested_are_people_not_platforms() -> None:
    text = "打掉了“晨光直播”“小鹿直播”等一批直播平台，抓捕了“某某女”“某某嫂”等一批社会影响恶劣的主播。"
    assert _names(text) == ["晨光直播", "小鹿直播"]
