"""App lists in tables: HTML (rowspan, colspan, Word markup), Markdown rows and space-separated
columns; each app is a mention with the table's action and its developer as operator."""

from __future__ import annotations

from diffing.extract import extract
from diffing.platforms import PlatformMention

HTML = """<html><body>
<p class="MsoNormal"><span style="font-family:黑体">附件：工业和信息化部下架的应用软件名单</span></p>
<table class="MsoTableGrid" border="1">
<tr><td><p><b>序号</b></p></td><td><p><b>应用名称</b></p></td><td><p><b>应用开发者</b></p></td>
<td colspan="2"><p><b>所涉问题</b></p></td></tr>
<tr><td>1</td><td><p><span>星空</span><span>日记</span></p></td>
<td rowspan="2"><p><span lang="EN-US">某某网络科技有限公司</span></p></td>
<td>违规收集个人信息</td><td>&nbsp;</td></tr>
<tr><td>2</td><td><p>快手</p></td><td colspan="2">过度索取权限</td></tr>
<tr><td>3</td><td>晨读英语</td><td>北京快手科技有限公司</td><td>强制索取权限</td><td></td></tr>
</table></body></html>"""


def test_html_table_with_rowspan_and_colspan() -> None:
    mentions = [m for m in extract(HTML).platforms if m.operator is not None]
    # A name split by markup (星空</span><span>日记) is read whole.
    assert [(m.id, m.name, m.action, m.operator) for m in mentions] == [
        (None, "星空日记", "removed", "某某网络科技有限公司"),
        ("kuaishou", "快手", "removed", "某某网络科技有限公司"),
        (None, "晨读英语", "removed", "kuaishou"),
    ]
    for mention in mentions:
        assert 0 <= mention.start < mention.end <= len(HTML)


MARKDOWN = """工信部通报一批未按要求整改的应用。
附件：存在问题的应用软件名单
序号 | 应用名称 | 应用开发者 | 应用版本 | 所涉问题 |
---|---|---|---|---|
1 | 晨读英语 | 某某教育科技有限公司 | 3.1.0 | 违规收集个人信息 |
2 | 小米 | 小米科技有限责任公司 | 1.0 | 超范围索取权限 |
"""


def test_markdown_rows() -> None:
    mentions = [m for m in extract(MARKDOWN).platforms if m.operator is not None]
    assert [(m.id, m.name, m.action, m.operator) for m in mentions] == [
        (None, "晨读英语", "notified", "某某教育科技有限公司"),
        ("xiaomi", "小米", "notified", "xiaomi"),
    ]
    for mention in mentions:
        assert MARKDOWN[mention.start:mention.end] == mention.name


SPACED = """工信部下架一批拒不整改的应用。

下架的应用软件名单

序号 应用名称 应用开发者 应用来源 应用版本 所涉问题
1 晨读 英语 某某教育科技有限公司 豌豆荚 3.1.0 违规收集个人信息
App强制、频繁、过度索取权限
2 某某天气 某某信息技术有限公司 腾讯应用宝 2.0 违规使用个人信息
"""


def test_space_separated_columns_and_the_source_store_is_no_mention() -> None:
    mentions = extract(SPACED).platforms
    assert [(m.id, m.name, m.action, m.operator) for m in mentions] == [
        (None, "晨读 英语", "removed", "某某教育科技有限公司"),
        (None, "某某天气", "removed", "某某信息技术有限公司"),
    ]


def test_unknown_table_names_keep_their_name_as_key() -> None:
    mentions: list[PlatformMention] = extract(MARKDOWN).platforms
    assert mentions[0].key == "name:晨读英语"
    assert extract(MARKDOWN).to_json()["platforms"][0]["operator"] == "某某教育科技有限公司"


def test_names_listed_with_known_platforms_are_kept() -> None:
    text = "工信部通报一批应用，其中包括晨读英语、脉脉、某某天气等应用软件。"
    assert [(m.id, m.name) for m in extract(text).platforms] == [
        (None, "晨读英语"), ("maimai", "脉脉"), (None, "某某天气"),
    ]
    text = "我部发现天涯社区、某某陪练、脉脉3家企业反复出现问题，予以直接下架处理。"
    assert [(m.name, m.action) for m in extract(text).platforms] == [
        ("天涯社区", "removed"), ("某某陪练", "removed"), ("脉脉", "removed"),
    ]


def test_an_app_named_before_its_count() -> None:
    text = "晨读英语等30款侵害用户权益APP被通报下架"
    assert [(m.id, m.name, m.action) for m in extract(text).platforms] == [(None, "晨读英语", "removed")]


def test_english_reports_name_apps_without_quotes() -> None:
    text = ("Ministry removes 30 apps that broke user rights rules\n\n"
            "Some of the removed apps collected data illegally, including Morning Reader of Tianjin Example "
            "Education, Cloud Notes of Shanghai Sample Technology and Quickmath of Hangzhou Demo Network.\n\n"
            "The App for Star Diary of Jiangsu Example Education forced users to accept push messages.\n\n"
            "The ministry said it had removed two apps -- Sky Weather and Pocket Tutor -- which ignored the deadline.")
    assert [(m.name, m.action) for m in extract(text).platforms] == [
        ("Morning Reader", "removed"), ("Cloud Notes", "removed"), ("Quickmath", "removed"),
        ("Star Diary", "removed"), ("Sky Weather", "removed"), ("Pocket Tutor", "removed"),
    ]


def test_capitalised_words_in_other_lists_are_no_apps() -> None:
    text = "The regulator, including Commissioner Smith and Deputy Jones, said the fine was fair."
    assert extract(text).platforms == []


# A Word table pasted as text, one cell per line; the last cell of a row runs over two lines.
VERTICAL = (
    "附件：某省通信管理局通报下架APP名单\n\n序号\n\n应用名称\n\n应用主办者\n\n应用来源\n\n所涉问题\n\n"
    "1\n\n晴空记账\n\n某某网络科技有限公司\n\n小米应用商店\n\n违规收集个人信息\n\n超范围索取权限\n\n"
    "2\n\n晨读英语\n\n北京快手科技有限公司\n\n应用宝\n\n违规收集个人信息\n"
)
VERTICAL_HANT = (
    "附件：某省通信管理局通報APP名單\n序號\n應用名稱\n開發者\n所涉問題\n"
    "1\n晴空記賬\n某某網絡科技有限公司\n違規收集個人信息\n2\n晨讀英語\n某某軟件工作室\n過度索取權限\n"
)


def test_a_table_with_one_cell_per_line() -> None:
    mentions = [m for m in extract(VERTICAL).platforms if m.operator is not None]
    assert [(m.name, m.action) for m in mentions] == [("晴空记账", "removed"), ("晨读英语", "removed")]
    assert [m.name for m in extract(VERTICAL_HANT).platforms if m.operator is not None] == ["晴空記賬", "晨讀英語"]


def test_a_column_of_short_lines_without_row_numbers_is_no_table() -> None:
    text = "应用名称\n\n晴空记账\n\n晨读英语\n\n某某公司\n"
    assert [m.name for m in extract(text).platforms if m.operator is not None] == []


WRAPPED = """省通信管理局通报一批逾期未整改的应用。
附件：逾期未完成整改的APP名单
序号 | 应用名称 | 开发运营者 | 应用版本 | 问题项 |
1 | 晨读英语 | 某某教育科技有限公司 | 3.1.0 | 违规收集个人信息 |
APP频繁自启动 | |||
2 | 青橙天气 | 某某信息技术有限公司 | 2.0 | 超范围索取权限 |
"""


def test_a_markdown_cell_wrapped_onto_a_line_of_empty_cells_does_not_end_the_table() -> None:
    mentions = [m for m in extract(WRAPPED).platforms if m.operator is not None]
    assert [(m.name, m.action) for m in mentions] == [("晨读英语", "notified"), ("青橙天气", "notified")]


# The paragraph before the table threatens removal; the heading calls the table a 清单.
THREATENED = (
    "截至目前，尚有2款小程序未完成整改（详见附件），现予以通报。整改落实不到位的，我局将视情采取下架、关停等措施。\n"
    "附件：存在问题的小程序清单\n序号\n小程序名称\n小程序主办者\n所涉问题\n"
    "1\n晴空记账\n某某网络科技有限公司\n违规收集个人信息\n2\n晨读英语\n某某教育科技有限公司\n超范围索取权限\n"
)


def test_a_table_under_a_threat_of_removal_is_a_list_of_apps_named() -> None:
    mentions = [m for m in extract(THREATENED).platforms if m.operator is not None]
    assert [(m.name, m.action) for m in mentions] == [("晴空记账", "notified"), ("晨读英语", "notified")]
