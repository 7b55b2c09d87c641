"""Publication channels and page furniture (``diffing.channels``): names there are no targets."""

from __future__ import annotations

import pytest

from diffing.extract import extract


def _ids_and_names(text: str) -> set[str]:
    return {mention.id or mention.name for mention in extract(text).platforms}


@pytest.mark.parametrize(("text", "absent"), [
    ("The ride-hailing firm was fined. It said in a statement on social media platform Weibo that it accepts.",
     "weibo"),
    ("监管总局对某电商平台罚款100万元。对此，该平台发布微博称：诚恳接受。", "weibo"),
    ("The regulator blocked the sites.\n\nFollow Ledger on Telegram. Only the news that matters.", "telegram"),
    ("Gamers protested the block. pic.twitter.com/Ab12Cd — Jo Lee (@jolee77) July 30, 2022\n\nMore followed.",
     "@jolee77"),
    ("Gamers protested the block. pic.twitter.com/Ab12Cd — Jo Lee (@jolee77) July 30, 2022", "twitter"),
    ("The ministry named 40 apps. This notice comes from the official WeChat of the district bureau.", "wechat"),
    ("Among the banned apps is Ruritania's Twitter like microblog Weibo, used by officials.", "twitter"),
])
def test_channels_and_embeds_are_no_targets(text: str, absent: str) -> None:
    assert absent not in {name.lower() for name in _ids_and_names(text)}


def test_a_platform_acted_on_beside_an_embed_stays() -> None:
    text = "The ministry blocked Steam on Friday. — Jo Lee (@jolee77) July 30, 2022"
    assert "valve" in _ids_and_names(text)  # Steam is Valve's store


@pytest.mark.parametrize("absent", ["line", "facebook", "twitter", "google"])
def test_a_share_bar_under_the_article_names_no_target(absent: str) -> None:
    text = ("網信辦今年關閉違法網站三百家。\n\n標籤: 網站 整治\n\n"
            "分享: 分享至 LINE 分享至 Facebook 分享至 Twitter 分享至 Google+")
    assert absent not in _ids_and_names(text)


def test_a_platform_shared_to_in_prose_after_a_fine_stays() -> None:
    text = "监管部门对某平台罚款50万元，因其将用户数据分享给脸书以外的第三方。脸书未被处罚。"
    assert "facebook" in _ids_and_names(text)


def test_an_outlet_s_app_advertised_under_the_article_is_furniture() -> None:
    text = ("通传会对某电信公司罚款100万元。\n\n东方社「快读新闻」 App\niOS App下载 Android App下载\n\n"
            "本网站之文字、图片均受著作权保护。")
    names = _ids_and_names(text)
    assert "快读新闻" not in names and "android" not in names


def test_a_short_heading_that_acts_on_a_platform_is_no_share_bar() -> None:
    text = "2018年约谈回顾\n\n3.5\n约谈腾讯\n\n行动方:某省网信办\n问题:传播低俗信息。\n\n3.9\n关闭某某网\n"
    assert "tencent" in _ids_and_names(text)


def test_a_short_line_of_share_targets_stays_furniture() -> None:
    text = "监管部门对某平台罚款10万元。\n\n分享到\n微博\n"
    assert "weibo" not in _ids_and_names(text)


def test_the_platform_compared_with_stays() -> None:
    text = "Among the banned apps is Ruritania's Twitter like microblog Weibo, used by officials."
    assert "weibo" in _ids_and_names(text)


def test_anti_copying_noise_between_paragraphs_names_no_one() -> None:
    text = ("數位部對兩家網購平台處分限期改正。\n"
            "& k1 X. ]5 Q* z% d! B7 @- r\n"
            "數位部表示，未改正者將依法按次處罰。")
    names = {(mention.id, mention.name) for mention in extract(text).platforms}
    assert not any(platform_id == "twitter" or name.startswith("@") for platform_id, name in names)


def test_a_table_row_of_short_cells_is_no_noise() -> None:
    text = ("附件：下架的应用软件名单\n"
            "序号 | 应用名称 | 应用开发者 | 应用版本 |\n"
            "1 | QQ | 某某科技有限公司 | v1 |\n")
    assert "qq" in {mention.id for mention in extract(text).platforms}


@pytest.mark.parametrize(("text", "absent"), [
    # a follow line under a repost
    ("市网信办依法关闭“晨光说车”等账号。\n\n扫描关注某某新闻网微信公众号，第一时间获取更多精彩内容。", "wechat"),
    # a share bar of bulleted targets
    ("来源：某某社\n  • weixin\n  • weibo\n  • qqzone\n\n市网信办依法关闭“晨光说车”等账号。", "weibo"),
    # the account a report cites, named after its kind
    ("据某市互联网信息办公室微信公众号“网信某市”消息，该办依法约谈某网站。", "网信某市"),
    ("According to a post from the WeChat public account of \"Net Watch\" on Monday, 100 websites were closed.",
     "net watch"),
    # a writer's contact handle
    ("The regulator closed 100 websites. Reach the writer via e-mail: jo@example.com or Twitter: @jo_lee77", "twitter"),
    ("The regulator closed 100 websites. Reach the writer via e-mail: jo@example.com or Twitter: @jo_lee77", "@jo_lee77"),
    # a host's disclaimer under a repost
    ("市网信办依法关闭“晨光地产”等账号。特别声明：以上内容为自媒体平台“网易号”用户上传并发布，本平台仅提供信息存储服务。",
     "netease"),
    # markup copied with the page
    ("<span style=\"font-family: Microsoft YaHei, Arial\">市网信办依法约谈快手。</span>", "microsoft"),
])
def test_furniture_of_reposted_pages_names_no_target(text: str, absent: str) -> None:
    assert absent not in {name.lower() for name in _ids_and_names(text)}


def test_the_target_inside_copied_markup_stays() -> None:
    assert "kuaishou" in _ids_and_names("<p style=\"color: red\">市网信办依法约谈快手。</p>")
