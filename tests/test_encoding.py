"""Choosing encodings: GBK, GB2312, GB18030, Big5 and UTF-8 decode cleanly when declarations lie."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from crawler.encoding import choose_encoding, normalise_encoding

SIMPLIFIED = "国家互联网信息办公室依法约谈网站10646家，责令453家网站暂停功能或更新，下架移动应用程序259款。"
TRADITIONAL = "國家互聯網信息辦公室依法約談網站10646家，責令453家網站暫停功能或更新，下架移動應用程序259款。"
OUTSIDE_GBK = "𠀀" + SIMPLIFIED  # a character only GB18030 (not GBK) can encode

CASES = [
    (SIMPLIFIED, "gbk"),
    (SIMPLIFIED, "gb2312"),
    (OUTSIDE_GBK, "gb18030"),
    (SIMPLIFIED, "utf-8"),
    (TRADITIONAL, "big5"),
    (TRADITIONAL, "utf-8"),
    (TRADITIONAL, "gb18030"),
]
DECLARATIONS = [[], ["utf-8"], ["iso-8859-1"], ["gbk"], ["big5"], ["gb2312", "utf-8"]]


@pytest.mark.parametrize(("text", "encoding"), CASES)
@pytest.mark.parametrize("declared", DECLARATIONS)
def test_text_decodes_without_replacement_whatever_is_declared(
    text: str, encoding: str, declared: list[str]
) -> None:
    body = f"<html><body><p>{text}</p></body></html>".encode(encoding)
    chosen = choose_encoding(body, declared)
    decoded = body.decode(chosen)
    assert "\ufffd" not in decoded
    assert text in decoded


def test_a_forced_encoding_wins() -> None:
    assert choose_encoding(b"abc", ["utf-8"], forced="GBK") == "gb18030"


def test_declared_gb2312_is_read_as_its_superset() -> None:
    assert normalise_encoding("GB2312") == "gb18030"
    assert normalise_encoding("big5") == "big5hkscs"


@pytest.mark.parametrize("header", ["text/html; charset=utf-8", "text/html; charset=ISO-8859-1"])
def test_middleware_rereads_a_response_whose_header_and_meta_lie(header: str) -> None:
    from scrapy.utils.test import get_crawler

    from crawler.encoding import EncodingMiddleware

    body = ('<html><head><meta charset="utf-8"></head><body><p>' + SIMPLIFIED
            + "</p></body></html>").encode("gbk")
    response = HtmlResponse("http://127.0.0.1/a.htm", body=body,
                            headers={"Content-Type": header})
    assert SIMPLIFIED not in response.text  # what Scrapy alone would archive
    middleware = EncodingMiddleware(get_crawler())
    fixed = middleware.process_response(response.request, response)  # type: ignore[arg-type]
    assert SIMPLIFIED in fixed.text  # type: ignore[attr-defined]
