"""Cleaning what spiders locate: whitespace, titles, dates, URLs, notice HTML and its text.

Spiders only find fields; every transformation of them lives here, as pure functions.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import nh3
from parsel import Selector

_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff]+")
# Control characters a page may carry (ESC sequences, BEL, C1): never text, and a terminal
# that prints an archived title would obey them. Tab, CR and the like are spaces above.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")

# Elements whose text is a separate line when a notice is turned into plain text.
_BLOCKS = {
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
    "article", "blockquote", "pre", "ul", "ol", "dd", "dt", "header", "footer", "td", "th",
}
_SKIPPED = {"script", "style", "noscript", "template", "iframe", "object", "svg", "head"}

_SANITISED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
_SANITISED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}

_YMD = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*(?:[-/.年])\s*(?P<m>\d{1,2})\s*(?:[-/.月])\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[\sT]*(?P<H>\d{1,2})[:：时](?P<M>\d{1,2})(?:[:：分](?P<S>\d{1,2}))?)?"
)


def clean_whitespace(text: str) -> str:
    """One space between words, no blank runs of lines, no edges; full-width spaces included.
    Control characters other than whitespace are dropped."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n"))
    lines = [_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def clean_title(title: str) -> str:
    """A title as people read it: tags from a JSON API removed, entities and spaces folded.

    The CAC list API puts markup in titles; the ``<title>`` element carries the site's name
    after an underscore.
    """
    if _is_plain_text(title):
        text = title
    else:
        text = Selector(text=f"<div>{title}</div>", type="html").xpath("string(.)").get() or ""
    return tidy_title(text)


def tidy_title(text: str) -> str:
    """:func:`clean_title` of text already out of its markup (an element's ``string(.)``)."""
    text = clean_whitespace(text).replace("\n", " ")
    for suffix in ("_中央网络安全和信息化委员会办公室", "_中华人民共和国工业和信息化部",
                   "_国家市场监督管理总局", " | Federal Trade Commission"):
        text = text.removesuffix(suffix)
    return text.strip()


def _is_plain_text(text: str) -> bool:
    """Whether an HTML parser would read ``text`` back unchanged: no markup, no entity, no
    control, separator or format character (all of which it may drop, fold or replace)."""
    return "<" not in text and "&" not in text and text.isprintable()


def parse_published(value: str | None, tz: str = "UTC") -> datetime | None:
    """A publication time, timezone-aware, from the forms regulator sites use; None if absent.

    Accepts ``2024-01-31``, ``2024年01月31日 10:05``, ``发布时间：2021-01-22 10:06``,
    ``publishdate:2024/01/31 10:06:01``, ISO 8601 and RFC 822 (feeds). A time without a zone
    is taken in the source's zone ``tz``.
    """
    if not value:
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    zone = ZoneInfo(tz)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is None and re.search(r"[A-Za-z]{3}", text):
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None:
        m = _YMD.search(text)
        if not m:
            return None
        try:
            parsed = datetime(
                int(m["y"]), int(m["m"]), int(m["d"]),
                int(m["H"] or 0), int(m["M"] or 0), int(m["S"] or 0),
            )
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed


def canonical_url(url: str) -> str:
    """The URL a notice is archived under: no fragment, lower-case host, no default port, an
    IPv6 host in brackets.

    Raises ValueError for a URL no request can be made to (a port out of range or not a
    number, an unclosed IPv6 bracket), saying what is wrong.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else (
        f"{host}:{port}"
    )
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def sanitise_html(html: str) -> str:
    """Notice HTML safe to keep and show: no scripts, handlers, styles or javascript: links."""
    return nh3.clean(
        html,
        tags=_SANITISED_TAGS,
        attributes=_SANITISED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def html_to_text(html: str) -> str:
    """The readable text of an HTML fragment, one line per paragraph, whitespace cleaned."""
    root = Selector(text=html, type="html").root
    if root is None or isinstance(root, str):
        return ""
    return element_text(root)


def element_text(root: Any) -> str:
    """:func:`html_to_text` of an element already parsed (lxml's), without its tail: the
    text of its HTML as ``Selector.get()`` gives it, without parsing that again."""
    pieces: list[str] = []

    def walk(element: object) -> None:
        tag = getattr(element, "tag", None)
        name = tag.lower() if isinstance(tag, str) else ""
        if name in _SKIPPED:
            if getattr(element, "tail", None):
                pieces.append(element.tail)  # type: ignore[attr-defined]
            return
        block = name in _BLOCKS
        if block:
            pieces.append("\n")
        if isinstance(tag, str) and getattr(element, "text", None):
            pieces.append(element.text)  # type: ignore[attr-defined]
        for child in element:  # type: ignore[attr-defined]
            walk(child)
        if block:
            pieces.append("\n")
        if getattr(element, "tail", None):
            pieces.append(element.tail)  # type: ignore[attr-defined]

    walk(root)
    if getattr(root, "tail", None):
        pieces.pop()
    return clean_whitespace("".join(pieces))


def has_text(root: Any) -> bool:
    """Whether :func:`element_text` of ``root`` is not empty, found without collecting the
    text: the walk stops at the first readable piece (a notice body's first paragraph)."""

    def walk(element: Any) -> bool:
        tag = getattr(element, "tag", None)
        if isinstance(tag, str) and tag.lower() in _SKIPPED:
            return False
        if isinstance(tag, str) and _readable_piece(getattr(element, "text", None)):
            return True
        for child in element:
            if walk(child) or _readable_piece(getattr(child, "tail", None)):
                return True
        return False

    return walk(root)


def _readable_piece(text: str | None) -> bool:
    """Whether ``text`` keeps a character through :func:`clean_whitespace`."""
    return text is not None and bool(_CONTROL.sub("", _SPACE.sub("", text)).strip())


def looks_like_html(text: str) -> bool:
    return bool(re.search(r"<(html|body|div|p|br|table|span)\b", text[:5000], re.IGNORECASE))
