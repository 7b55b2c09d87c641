"""The notice spider's parsing of notice pages: links, continuation pages, callbacks."""

from __future__ import annotations

import inspect
from pathlib import Path
from urllib.parse import urljoin

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.misc import is_generator_with_return_value

from config import Source, load_config
from crawler.spiders.notices import NoticeSpider

MIRROR = "http://127.0.0.1:8031"


@pytest.fixture
def cac_source(tmp_path: Path) -> Source:
    """The built-in CAC enforcement source on a loopback mirror of the site."""
    config = tmp_path / "regwatch.toml"
    config.write_text(f'[sources.cac-hlwnrgl]\nbase_url = "{MIRROR}"\n', encoding="utf-8")
    return load_config(config).source("cac-hlwnrgl")


def page(url: str, body: str) -> HtmlResponse:
    request = Request(url, meta={"notice_url": url, "listing": {}})
    return HtmlResponse(url, body=body.encode("utf-8"), request=request,
                        headers={"Content-Type": "text/html; charset=utf-8"})


def test_callbacks_return_nothing() -> None:
    """Scrapy's own check of this reads a callback's source for each response, so the crawl
    turns it off (WARN_ON_GENERATOR_RETURN_VALUE) and it is made here, once."""
    callbacks = [member for _, member in inspect.getmembers(NoticeSpider, inspect.isfunction)
                 if inspect.isgeneratorfunction(member)]
    assert {c.__name__ for c in callbacks} >= {
        "parse_cookie_page", "parse_list", "parse_notice", "parse_continuation"}
    for callback in callbacks:
        assert not is_generator_with_return_value(callback), callback.__name__


@pytest.mark.parametrize("href", [
    "//www.cac.gov.cn/index.htm",
    "https://www.cac.gov.cn/wxzw/A0937index_1.htm",
    "HTTP://WWW.CAC.GOV.CN/a/../b.htm",
    "http://www.cac.gov.cn/a/./b.htm?x=1#top",
    "//other.example.org/x.htm",
    " //www.cac.gov.cn/spaced.htm\n",
    "http:///no-host.htm",
    "///no-host.htm",
    "c_1700000000000001_2.htm",
    "../up.htm",
    "?page=2",
    "#fragment",
    "javascript:",
    "mailto:office@cac.gov.cn",
])
def test_link_url_is_the_joined_link_on_the_mirror(cac_source: Source, href: str) -> None:
    spider = NoticeSpider(cac_source)
    for page_url in (f"{MIRROR}/2026-11/20/c_1.htm", "https://www.cac.gov.cn/2026-11/20/c_2.htm",
                     f"{MIRROR}/2026-11/21/c_3.htm"):
        expected = cac_source.localise(urljoin(page_url, href))
        assert spider.link_url(page_url, href) == expected
        assert spider.link_url(page_url, href) == expected  # resolved before


def test_continuation_pages_in_order_of_their_number(cac_source: Source) -> None:
    spider = NoticeSpider(cac_source)
    first = f"{MIRROR}/2026-11/20/c_1700000000000001.htm"
    body = (
        "<html><body><a href=//www.cac.gov.cn/index.htm>首页</a>"
        "<div id=BodyLabel><p>第一页</p></div>"
        "<a href=c_1700000000000001_3.htm>3</a><a href=c_1700000000000001_2.htm>2</a>"
        "<a href=//www.cac.gov.cn/2026-11/20/c_1700000000000001_10.htm>10</a>"
        "<a href=c_1700000000000001_2.htm>下一页</a>"
        "<a href=c_1700000000000001_2.pdf>pdf</a>"
        # Another notice of the same day, and its second page: not parts of this one.
        "<a href=c_1700000000000002.htm>相关</a><a href=c_1700000000000002_2.htm>相关</a>"
        "<a href=c_1700000000000001_x.htm>x</a></body></html>"
    )
    parts = [f"{MIRROR}/2026-11/20/c_1700000000000001_{n}.htm" for n in (2, 3, 10)]
    assert spider.continuations(page(first, body)) == parts
    # On a later part, the parts after it (a site may link only the next one from each).
    second = page(parts[0], body)
    assert spider.continuations(second, first) == parts[1:]
    assert spider.continuations(page(parts[1], body), first) == parts[2:]
    assert spider.continuations(page(parts[2], body), first) == []
