"""Decoding pages whose charset is missing or wrong, without replacement characters.

Older Chinese government sites serve GB2312, GBK, GB18030 or Big5 and sometimes declare
something else in the header or the meta tag. A declaration is believed only when the bytes
decode under it strictly (GB2312 and GBK widened to their superset GB18030, Big5 to Big5-HKSCS);
otherwise a real charset detector (charset-normalizer) decides among the encodings that do.
"""

from __future__ import annotations

import codecs
from typing import TYPE_CHECKING

from charset_normalizer import from_bytes
from scrapy.http import TextResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

from crawler.sourcecrawl import crawl_of

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

# Declared encodings read as the superset the sites really use.
_WIDER = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
    "big5hkscs": "big5hkscs",
    "ascii": "utf-8",
    "us-ascii": "utf-8",
}
# Encodings that decode any byte string, so a strict decode proves nothing.
_SINGLE_BYTE = {"latin-1", "iso8859-1", "cp1252", "windows-1252", "iso-8859-1", "latin_1"}
_CANDIDATES = ("utf-8", "gb18030", "big5hkscs")


def normalise_encoding(name: str) -> str:
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return name.lower()
    return _WIDER.get(canonical, _WIDER.get(name.lower(), canonical))


def decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def choose_encoding(body: bytes, declared: list[str], forced: str | None = None) -> str:
    """The encoding to read ``body`` with.

    ``forced`` (the source's own setting) wins; then the first declaration under which the bytes
    decode strictly, when it is the only one that does; when several do, the detector's choice
    among them. A page that decodes under none is read as GB18030 or UTF-8, whichever its
    bytes suggest, and the caller sees replacement characters.
    """
    if forced:
        return normalise_encoding(forced)
    if body[:3] == codecs.BOM_UTF8:
        return "utf-8"
    if body.isascii():
        return "utf-8"
    if decodes(body, "utf-8"):
        # Non-ASCII bytes that happen to be valid UTF-8 are almost never another encoding.
        return "utf-8"
    # Single-byte charsets decode anything, so a declaration of one is no evidence here.
    named = [normalise_encoding(n) for n in declared]
    named = [n for n in named if n not in _SINGLE_BYTE and _lookup(n) not in _SINGLE_BYTE]
    strict = [e for e in dict.fromkeys([*named, *_CANDIDATES]) if decodes(body, e)]
    if len(strict) == 1:
        return strict[0]
    if strict:
        # GBK bytes often decode as Big5 and the reverse; the detector tells them apart.
        best = from_bytes(body, cp_isolation=strict).best()
        chosen = normalise_encoding(best.encoding) if best is not None else None
        return chosen if chosen in strict else strict[0]
    return "gb18030" if _looks_chinese(body) else "utf-8"


def _lookup(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


def _looks_chinese(body: bytes) -> bool:
    return sum(1 for b in body if b >= 0x81) > len(body) // 10


class EncodingMiddleware:
    """Downloader middleware: re-reads text responses with the encoding :func:`choose_encoding` picks."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EncodingMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, TextResponse) or not response.body:
            return response
        crawl = crawl_of(self.crawler, request)
        source = getattr(crawl.spider, "source", None)
        forced = getattr(source, "encoding", None)
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        declared = [
            e
            for e in (
                http_content_type_encoding(content_type),
                html_body_declared_encoding(response.body),
            )
            if e
        ]
        chosen = choose_encoding(response.body, declared, forced)
        if declared and normalise_encoding(declared[0]) != chosen:
            crawl.stats.inc_value("encoding/declaration_wrong")
        if chosen != normalise_encoding(response.encoding):
            return response.replace(encoding=chosen)
        return response
