"""The platform registry's data (``diffing/data/platforms.toml``) as ``diffing.registry`` reads it."""

from __future__ import annotations

import pytest

from diffing.extract import extract
from diffing.registry import builtin_registry


@pytest.mark.parametrize(("text", "platform_id"), [
    ("The regulator fined CAIXABANK, S.A. for its privacy notices.", "caixabank"),
    ("The authority fined H&M over the monitoring of staff.", "hm"),
    ("Google was said to have kept games off One Store.", "one_store"),
    ("The ride-hailing app KakaoT was at the centre of the case.", "kakao_t"),
    ("The ministry banned PUBG Mobile and other games.", "pubg"),
    ("Apps such as Helo were blocked.", "helo"),
    ("Tencent Music Entertainment Group was told to give up exclusive rights.", "tencent_music"),
    ("监管部门责令腾讯音乐解除独家版权。", "tencent_music"),
    ("The forum Kiwi Farms joined the lawsuit.", "kiwi_farms"),
    ("The regulator opened an investigation into Grok.", "grok"),
    ("Users reported problems with Rostelecom after the slowdown.", "rostelecom"),
    ("The apps of Meduza and Radio Free Europe were removed.", "meduza"),
    ("The apps of Meduza and Radio Free Europe were removed.", "radio_free_europe"),
    ("The Amnezia VPN app was removed from the store.", "amnezia_vpn"),
    ("The regulator fined Shenzhen Hive Box for an unreported deal.", "fengchao"),
    ("Officials met Yidianzixun and Sohu.", "yidian"),
    ("The apps were taken off the Playstore.", "google_play"),
    ("The broadcaster RT was blocked by the regulator.", "rt"),
    ("The regulator fined SF Express for a deal it did not report.", "sf_express"),
    ("市场监管总局称，顺丰未依法申报收购交易。", "sf_express"),
    ("市场监管总局称，银泰商业的收购未依法申报。", "intime"),
    ("市场监管总局称，新丽传媒的收购未依法申报。", "new_classics_media"),
    ("市场监管总局称，中邮智递的收购未依法申报。", "china_post_smart_logistics"),
    ("The journal database was set up by Tsinghua Tongfang.", "tongfang"),
    ("Suning and Bank of Nanjing formed a joint venture.", "bank_of_nanjing"),
    ("Couriers also work for FlashEx.", "flashex"),
    ("The case concerned AdSense, the advertising business.", "google_adsense"),
    ("The ministry named Cheetah Mobile and its CM Browser.", "cheetah_mobile"),
    ("The ministry named Cheetah Mobile and its CM Browser.", "cm_browser"),
    ("The ministry named Jumei among the apps.", "jumei"),
    ("通傳會对中天電視裁罰40萬元，监管机关表示。", "ctitv"),
    ("市场监管总局称，平安健康的交易未依法申报。", "pingan_good_doctor"),
    ("Steam, Ubisoft and EA were blocked.", "electronic_arts"),
    # travel and ticketing services, by their short names and their products
    ("监管局约谈了携程、去哪儿、同程等平台。", "qunar"),
    ("监管局约谈了携程、去哪儿、同程等平台。", "tongcheng"),
    ("监管局约谈了航旅纵横、高铁管家和腾讯地图。", "umetrip"),
    ("监管局约谈了航旅纵横、高铁管家和腾讯地图。", "gaotie_guanjia"),
    ("监管局约谈了航旅纵横、高铁管家和腾讯地图。", "tencent_maps"),
    # live streaming, retail and credit products regulators name
    ("文旅部门对六间房、一直播开展检查并处罚。", "liujianfang"),
    ("监管部门对三只羊公司罚款并责令暂停经营。", "sanzhiyang"),
    ("工信部通报屈臣氏、墨迹天气等应用。", "watsons"),
    ("网信办约谈芝麻信用，要求整改。", "sesame_credit"),
    ("网信办约谈美敦力和飒拉，责令整改。", "medtronic"),
    # Chinese apps India blocked, and Western services named beside their owners
    ("The ministry blocked SHAREit, Likee, Bigo Live and CamScanner.", "shareit"),
    ("The ministry blocked SHAREit, Likee, Bigo Live and CamScanner.", "bigo_live"),
    ("The ministry blocked SHAREit, Likee, Bigo Live and CamScanner.", "camscanner"),
    ("The ban covered QQ Mail and Mi Community.", "qq_mail"),
    ("The regulator ordered Meta to sell Giphy.", "giphy"),
    ("Posts on Threads were fined as well.", "threads"),
    # a product's lighter edition is its own entry, as the orders list it apart
    ("The order blocked PUBG Mobile Lite as well.", "pubg_mobile_lite"),
    # Taiwanese e-commerce groups and their shops, a closed microblog, apps by their app names
    ("公平会分别开罚创业家兄弟与松果购物。", "kuobrothers"),
    ("公平会分别开罚创业家兄弟与松果购物。", "pcone"),
    ("Posts on Tencent Weibo were removed.", "tencent_weibo"),
    ("监管部门点名虾皮拍卖等电商平台。", "shopee"),
    ("工信部通报百合婚恋等应用。", "baihe"),
    # retailers and a logistics group named in advertising and merger cases, a device by its name
    ("监管部门对宜家、丝芙兰的虚假广告予以公告。", "ikea"),
    ("监管部门对宜家、丝芙兰的虚假广告予以公告。", "sephora"),
    ("监管部门认定收购百世集团的交易未依法申报。", "best_inc"),
    ("The tracking went on even on iPhones, the regulator said.", "iphone"),
])
def test_registry_knows_platforms_regulators_act_on(text: str, platform_id: str) -> None:
    assert platform_id in {mention.id for mention in extract(text, language=None if "监管" in text else "en").platforms}


@pytest.mark.parametrize("text", [
    "Please store one item per shelf; one store is enough.",
    "The team will grok the new rules soon.",
    "He said helo to the staff.",
    "The rt value and the ea field are read from the form.",
])
def test_cased_names_written_as_ordinary_words_are_not_names(text: str) -> None:
    assert not extract(text, language="en").platforms


@pytest.mark.parametrize("text", [
    "消费者不知道该去哪儿投诉，也不知去哪儿维权。",
    "各平台不同程度存在问题，需按相同程序整改。",
    "The office in Kwai Chung handled the complaint.",
    "The report threads several cases together.",
])
def test_short_names_that_are_also_ordinary_words_are_not_names_there(text: str) -> None:
    assert not extract(text, language=None if "平台" in text or "投诉" in text else "en").platforms


def test_a_product_entry_names_its_owner_as_parent() -> None:
    registry = builtin_registry()
    assert registry.platforms["tencent_maps"].parent == "tencent"
    assert registry.platforms["umetrip"].parent == "travelsky"
    assert registry.platforms["likee"].parent == "bigo"


def test_every_new_parent_is_an_id_or_a_company_name() -> None:
    registry = builtin_registry()
    for platform_id in ("caixabank", "hm", "one_store", "kakao_t", "pubg", "helo", "tencent_music", "kiwi_farms",
                        "grok", "rostelecom", "meduza", "radio_free_europe", "amnezia_vpn"):
        assert registry.platforms[platform_id].parent


def test_douyin_s_operator_by_its_english_name_is_douyin() -> None:
    text = "Regulators fined Beijing Microlive Vision Technology, which runs the short video app."
    assert "douyin" in {mention.id for mention in extract(text, language="en").platforms}


@pytest.mark.parametrize("text", [
    "因在搜尋結果不當顯示品牌名稱，使消費者誤認「青禾市集」的賣場有販售該品牌商品，公平會開罰50萬元。",
    "消费者误以为“青禾市集”网店有售正品，市场监管局对其罚款。",
])
def test_a_quoted_name_said_to_be_a_shop_is_a_website(text: str) -> None:
    mentions = extract(text, language="zh-Hant" if "會" in text else None).platforms
    assert [(mention.name, mention.kind) for mention in mentions if mention.id is None][:1] == [("青禾市集", "website")]


def test_health_insurance_is_not_the_health_app() -> None:
    assert "pingan_good_doctor" not in {mention.id for mention in extract("监管局对平安健康险公司罚款30万元。").platforms}


@pytest.mark.parametrize(("text", "expected"), [
    ("工信部通报墨迹天气极速版等应用，要求整改。", "墨迹天气极速版"),
    ("The order also blocked Facebook Lite.", "Facebook Lite"),
])
def test_a_lighter_edition_of_a_registry_product_is_a_product_of_its_own(text: str, expected: str) -> None:
    mentions = extract(text, language=None if "工信部" in text else "en").platforms
    assert [(mention.id, mention.name) for mention in mentions] == [(None, expected)]


def test_a_latin_name_is_not_the_start_of_a_pinyin_word() -> None:
    text = "Weeks after Xí Jìnpíng spoke, the regulator fined Tencent."
    assert [mention.id for mention in extract(text, language="en").platforms] == ["tencent"]


@pytest.mark.parametrize(("text", "platform_id"), [
    ("工信部通报，中国移动、中国联通和中国电信未落实实名登记要求。", "china_mobile"),
    ("工信部通报，中国移动、中国联通和中国电信未落实实名登记要求。", "china_unicom"),
    ("工信部通报，中国移动、中国联通和中国电信未落实实名登记要求。", "china_telecom"),
    ("警方要求中移動香港、數碼通、香港寬頻及電訊盈科封鎖該網站。", "china_mobile_hk"),
    ("警方要求中移動香港、數碼通、香港寬頻及電訊盈科封鎖該網站。", "smartone"),
    ("警方要求中移動香港、數碼通、香港寬頻及電訊盈科封鎖該網站。", "hkbn"),
    ("警方要求中移動香港、數碼通、香港寬頻及電訊盈科封鎖該網站。", "pccw"),
    ("通傳會以台灣之星未落實查核，裁處罰鍰。", "taiwan_star"),
    ("通报的应用包括某某健身和中国移动和包。", "hebao"),
    ("人民银行对财付通处以罚款。", "tenpay"),
    ("市场监管部门约谈了叮咚买菜。", "dingdong"),
    ("该款App由全民小视频推广。", "quanmin_xiaoshipin"),
    ("A Moscow court fined the Wikimedia Foundation over Wikipedia articles.", "wikimedia"),
    ("A Moscow court fined the Wikimedia Foundation over Wikipedia articles.", "wikipedia"),
    ("The central bank barred Paytm Payments Bank from taking deposits.", "paytm"),
    ("The watchdog raided Zomato and Swiggy.", "swiggy"),
    ("The regulator fined S.F. Holding for a deal it did not report.", "sf_express"),
    ("The ministry blocked the apps on Google Play and Apple Store.", "apple_app_store"),
    ("该款应用已从苹果商店下架。", "apple_app_store"),
])
def test_telecom_operators_payment_apps_and_widely_named_platforms(text: str, platform_id: str) -> None:
    assert platform_id in {mention.id for mention in extract(text).platforms}


@pytest.mark.parametrize("text", [
    "中国移动互联网用户规模持续增长。",
    "中国电信网络诈骗案件数量下降。",
    "各地集中移动执法检查。",
])
def test_a_telecom_name_as_the_start_of_a_longer_word_is_no_operator(text: str) -> None:
    assert not {mention.id for mention in extract(text).platforms} & {"china_mobile", "china_telecom"}
