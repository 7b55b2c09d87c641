"""Cleaning functions: dates, titles, whitespace, canonical URLs, sanitised HTML and its text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from parsel import Selector

from crawler.cleaning import (
    canonical_url,
    clean_title,
    clean_whitespace,
    element_text,
    has_text,
    html_to_text,
    parse_published,
    sanitise_html,
    tidy_title,
)

SHANGHAI = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-01-31", datetime(2024, 1, 31, tzinfo=SHANGHAI)),
        ("2024年01月31日 10:05", datetime(2024, 1, 31, 10, 5, tzinfo=SHANGHAI)),
        ("2020-02-20 17:27:30", datetime(2020, 2, 20, 17, 27, 30, tzinfo=SHANGHAI)),
        ("发布时间：2021-01-22 10:06", datetime(2021, 1, 22, 10, 6, tzinfo=SHANGHAI)),
        ("publishdate:2024/01/31 10:06:01", datetime(2024, 1, 31, 10, 6, 1, tzinfo=SHANGHAI)),
        ("２０２３年７月２０日", datetime(2023, 7, 20, tzinfo=SHANGHAI)),
        ("Wed, 31 Jan 2024 10:05:00 GMT", datetime(2024, 1, 31, 10, 5, tzinfo=UTC)),
        ("2024-03-01T12:00:00Z", datetime(2024, 3, 1, 12, tzinfo=UTC)),
        ("2024-03-01T12:00:00-05:00", datetime(2024, 3, 1, 17, tzinfo=UTC)),
    ],
)
def test_publication_times_in_the_forms_sites_use(raw: str, expected: datetime) -> None:
    parsed = parse_published(raw, "Asia/Shanghai")
    assert parsed is not None and parsed.tzinfo is not None
    assert parsed == expected


@pytest.mark.parametrize("raw", [None, "", "no date here", "2024-13-45"])
def test_unusable_dates_give_none(raw: str | None) -> None:
    assert parse_published(raw, "Asia/Shanghai") is None


def test_titles_lose_markup_and_site_suffix() -> None:
    assert clean_title("<font color='red'>关于  开展</font>专项行动的通知") == "关于 开展专项行动的通知"
    assert clean_title("标题_中央网络安全和信息化委员会办公室") == "标题"
    assert clean_title("A &amp; B") == "A & B"


def test_a_title_without_markup_is_read_as_the_parser_would_read_it() -> None:
    """Titles that clean_title takes as they are (no markup, entity, control, separator or
    format character) come out of the HTML parser unchanged: every such character checked."""
    from parsel import Selector

    from crawler.cleaning import _is_plain_text

    plain = [chr(c) for c in range(0x110000)
             if not 0xD800 <= c <= 0xDFFF and _is_plain_text(chr(c))]
    for start in range(0, len(plain), 2000):
        part = plain[start:start + 2000]
        page = "<div>" + "".join(f"<span>a{c}b</span>" for c in part) + "</div>"
        parsed = Selector(text=page, type="html").xpath("//span").xpath("string(.)").getall()
        assert parsed == [f"a{c}b" for c in part]
    for title in ("A <b>B</b>", "A &amp; B", "A\u3000B", "A\tB", "A\rB", "A\x00B", "\ufeffA"):
        assert not _is_plain_text(title)


def test_text_of_json_looking_html_is_its_text() -> None:
    assert html_to_text("[1, 2]") == "[1, 2]"
    assert html_to_text('{"a": 1}') == '{"a": 1}'


def test_whitespace_including_full_width_spaces() -> None:
    assert clean_whitespace("\u3000\u3000第一段\u00a0文字 \r\n\r\n\n  第二段 ") == "第一段 文字\n第二段"


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://WWW.CAC.GOV.CN:443/2024-01/31/c_1.htm#top", "https://www.cac.gov.cn/2024-01/31/c_1.htm"),
        ("http://127.0.0.1:8000/a.htm?x=1", "http://127.0.0.1:8000/a.htm?x=1"),
        ("http://example.org", "http://example.org/"),
    ],
)
def test_canonical_urls(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_sanitised_html_keeps_content_and_drops_active_parts() -> None:
    html = ('<DIV id=BodyLabel><p onclick="steal()">约谈网站<b>10646</b>家</p>'
            '<script>alert(1)</script><a href="javascript:alert(2)">x</a>'
            '<img src=x onerror="alert(3)"><style>p{}</style></DIV>')
    clean = sanitise_html(html)
    assert "约谈网站<b>10646</b>家" in clean
    for active in ("script", "onclick", "onerror", "javascript:", "style"):
        assert active not in clean.lower()


def test_text_of_notice_html_has_one_line_per_paragraph() -> None:
    html = "<DIV id=BodyLabel><P>第一段，<SPAN>约谈</SPAN>网站。</P><script>x()</script><P>第二段</P><br>尾</DIV>"
    assert html_to_text(html) == "第一段，约谈网站。\n第二段\n尾"


@pytest.mark.parametrize("page", [
    '<div id="b"><p>第一段，约谈网站<b>10646</b>家。</p><script>var x = 1;</script>第二段</div>尾巴',
    '<div id="b"><style>p {}</style>  <br>  </div>tail text',
    '<div id="b">罚款&amp;整改<!-- note --><table><tr><td>1</td><td>2</td></tr></table></div>',
])
def test_the_text_of_a_parsed_element_is_the_text_of_its_html(page: str) -> None:
    element = Selector(text=f"<body>{page}</body>", type="html").css("#b")[0]
    # What the spider checks a notice body by, without parsing the element's HTML again.
    assert element_text(element.root) == html_to_text(element.get())


@pytest.mark.parametrize("page", [
    '<div id="b"><p>第一段，约谈网站<b>10646</b>家。</p><script>x()</script>第二段</div>尾巴',
    '<div id="b"><style>p {}</style>  <br>  </div>tail text',
    '<div id="b"><script>only script</script>\u3000\u200b<p> \ufeff</p></div>after',
    '<div id="b"><!-- comment only --><p>\n\t</p></div>',
    '<div id="b"><template>hidden</template><span>\u00a0</span>见附件</div>',
    '<div id="b"><noscript>no</noscript></div>',
    '<script id="b">var readable = 1;</script>',
])
def test_whether_an_element_has_text_is_whether_its_text_is_not_empty(page: str) -> None:
    element = Selector(text=f"<body>{page}</body>", type="html").css("#b")[0]
    assert has_text(element.root) == bool(element_text(element.root))


def test_every_element_of_the_real_pages_has_text_exactly_when_its_text_is_not_empty(
    shared_dir: Path,
) -> None:
    pages = sorted((shared_dir / "reference" / "real-pages").glob("*.htm*"))
    assert pages, "../shared/reference/real-pages holds the real pages"
    checked = 0
    for page in pages:
        root = Selector(text=page.read_text(encoding="utf-8", errors="replace"), type="html").root
        for element in root.iter():
            assert has_text(element) == bool(element_text(element)), (page.name, element.tag)
            checked += 1
    assert checked > 1000


def test_a_title_element_reads_as_its_html_would() -> None:
    element = Selector(text="<h1> 通报&lt;b&gt; <i>整改</i>\n情况_国家市场监督管理总局</h1>",
                       type="html").css("h1")[0]
    assert tidy_title(element.xpath("string(.)").get()) == clean_title(element.get())
