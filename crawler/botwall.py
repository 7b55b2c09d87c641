"""Recognising bot walls: challenge pages, firewall interstitials and error pages served as 200.

What a wall answers is not the notice: archiving it would look like "the notice changed", and
treating its missing list as empty would look like "everything was withdrawn". A wall is a
health problem of the source; the request goes no further.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from scrapy.http import TextResponse

from crawler import signals as regwatch_signals
from crawler.errors import BotWall
from crawler.sourcecrawl import crawl_of

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

# 412 and 521: the JavaScript cookie challenges of .gov.cn firewalls.
CHALLENGE_STATUSES = {412, 521}
_MARKER_PATTERNS = (
    "enable javascript", "javascript is (?:disabled|required)", "checking your browser",
    "access denied", "request unsuccessful", "incapsula", "cf-chl", "challenge-platform",
    "__jsl_clearance", "_waf_", "yunsuo", "安全验证", "请开启javascript", "请启用javascript",
    "访问被拒绝", "您的访问被阻断", "网站防火墙", "web应用防火墙", r"document\.cookie\s*=",
)
_MARKERS = re.compile("|".join(_MARKER_PATTERNS), re.IGNORECASE)
# The markers are written in lower case, so the same pattern without IGNORECASE finds them in a
# lower-cased page at a fifth of the cost. It finds everything _MARKERS finds (so a page where
# it finds nothing is no wall) unless the page holds one of the few characters that IGNORECASE
# matches to a Latin letter and lower() does not turn into it (İ, ı, ſ).
_MARKERS_LOWER = re.compile(_MARKERS.pattern)
_UNFOLDED = ("\u0130", "\u0131", "\u017f")


def literal_prefix(pattern: str) -> str:
    """The text every match of ``pattern`` (one of the markers) starts with."""
    prefix = []
    escaped = False
    for char in pattern:
        if escaped:
            if char.isalnum():  # \s, \d: a class, not a character
                break
            prefix.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in ".^$*+?{}[]()|":
            break
        else:
            prefix.append(char)
    return "".join(prefix)


# A page holds a marker only if it holds the marker's first words, which Python finds by plain
# substring search several times faster than the regular expression's alternation.
_MARKER_PREFIXES = tuple(literal_prefix(pattern) for pattern in _MARKER_PATTERNS)
# A page this large is content, whatever words it contains.
_INTERSTITIAL_MAX_TEXT = 3000


def _may_hold_marker(text: str) -> bool:
    if any(c in text for c in _UNFOLDED):
        return True
    lowered = text.lower()
    if not any(prefix in lowered for prefix in _MARKER_PREFIXES):
        return False
    return _MARKERS_LOWER.search(lowered) is not None


def bot_wall(status: int, body_text: str) -> str | None:
    """A description of the wall when the answer is one; None for ordinary pages and errors."""
    if status in CHALLENGE_STATUSES:
        return f"status {status} challenge"
    if status == 200 and body_text and _may_hold_marker(body_text):
        visible = re.sub(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>", " ", body_text,
                         flags=re.DOTALL | re.IGNORECASE)
        visible = re.sub(r"\s+", " ", visible)
        if len(visible) <= _INTERSTITIAL_MAX_TEXT:
            marker = _MARKERS.search(body_text)
            if marker:
                return f"interstitial served with 200 ({marker.group(0)!r})"
    return None


class BotWallMiddleware:
    """Downloader middleware: stops walls before they reach a spider or the archive."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BotWallMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("regwatch_robots") or request.url.endswith("/robots.txt"):
            return response
        if response.status not in CHALLENGE_STATUSES and response.status != 200:
            return response
        text = response.text if isinstance(response, TextResponse) else ""
        if response.status == 200 and not isinstance(response, TextResponse):
            return response
        if "json" in (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower():
            return response
        wall = bot_wall(response.status, text[:200_000])
        if wall is None:
            return response
        crawl = crawl_of(self.crawler, request)
        crawl.stats.inc_value("health/bot_wall_response")
        crawl.signals.send_catch_log(
            regwatch_signals.problem_found,
            kind="bot_wall",
            url=request.url,
            detail=wall,
            fatal=bool(request.meta.get("regwatch_list")),
        )
        raise BotWall(f"bot wall at {request.url}: {wall}")
