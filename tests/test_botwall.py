"""Recognising bot walls: challenge statuses and interstitials served with 200."""

from __future__ import annotations

import re

import pytest

from crawler.botwall import bot_wall

CHALLENGE = ("<html><script>var x=document.cookie='__jsl_clearance=1';location.reload()</script>"
             "</html>")


@pytest.mark.parametrize(("status", "body"), [
    (521, CHALLENGE),
    (412, "<html><body></body></html>"),
    (200, "<html><body><noscript>Please enable JavaScript to view this page.</noscript></body></html>"),
    (200, "<html><title>安全验证</title><body>请开启JavaScript并刷新页面</body></html>"),
    (200, CHALLENGE),
])
def test_walls_are_recognised(status: int, body: str) -> None:
    assert bot_wall(status, body) is not None


@pytest.mark.parametrize(("status", "body"), [
    (200, "<html><body><div id=BodyLabel><p>约谈网站10646家。</p></div></body></html>"),
    (404, "<html>not found</html>"),
    (503, "<html>down</html>"),
    # A long real page that happens to mention JavaScript is content, not a wall.
    (200, "<html><body>" + "<p>关于规范网站使用JavaScript的通知，请开启javascript。" * 200 + "</body></html>"),
])
def test_ordinary_pages_are_not_walls(status: int, body: str) -> None:
    assert bot_wall(status, body) is None


@pytest.mark.parametrize("body", [
    "<html><body>PLEASE ENABLE JAVASCRIPT</body></html>",
    "<html><body>Checking Your Browser before accessing</body></html>",
    "<html><script>Document.Cookie = 'x=1'</script></html>",
    "<html><body>WEB应用防火墙</body></html>",
    "<html><body>Acceſs denied</body></html>",  # long s: IGNORECASE matches it to "s"
    "<html><body>İncapsula incident</body></html>",  # dotted capital I
    "<html><body>ıncapsula incident</body></html>",  # dotless small i
    "<html><body>checKing your browser</body></html>",  # Kelvin sign
])
def test_walls_are_recognised_whatever_their_case(body: str) -> None:
    assert bot_wall(200, body) is not None


def test_every_marker_starts_with_the_words_looked_for_first() -> None:
    from crawler.botwall import _MARKER_PATTERNS, _MARKER_PREFIXES, _may_hold_marker, literal_prefix

    assert literal_prefix(r"document\.cookie\s*=") == "document.cookie"
    assert literal_prefix("javascript is (?:disabled|required)") == "javascript is "
    for pattern, prefix in zip(_MARKER_PATTERNS, _MARKER_PREFIXES, strict=True):
        assert len(prefix) >= 4, pattern
        # The prefix is where every match of the marker begins ...
        for text in ("enable javascript", "javascript is disabled", "javascript is required",
                     "document.cookie = 1", "document.cookie=1", pattern):
            match = re.fullmatch(pattern, text)
            if match:
                assert text.startswith(prefix), (pattern, text)
        # ... and a page holding the marker in any case is looked at closely.
        example = {"javascript is (?:disabled|required)": "JavaScript is Disabled",
                   r"document\.cookie\s*=": "document.COOKIE ="}.get(pattern, pattern.upper())
        assert _may_hold_marker(f"<p>before</p>{example}<p>after</p>"), pattern
    assert not _may_hold_marker("<p>javascript is fun; access is granted</p>")


def test_the_lower_case_search_finds_every_marker_ignorecase_finds() -> None:
    """Every character IGNORECASE matches to a character of a marker lower-cases to that
    character, or is one of those that send a page through the case-insensitive search."""
    from crawler.botwall import _MARKERS, _UNFOLDED

    assert _MARKERS.pattern == _MARKERS.pattern.lower()
    literals = sorted(set(_MARKERS.pattern) - set("\\|()?:*"))
    any_literal = re.compile("[" + re.escape("".join(literals)) + "]", re.IGNORECASE)
    for code in range(0x110000):
        char = chr(code)
        if char.isspace():
            assert char.lower().isspace()
        if char in _UNFOLDED or not any_literal.fullmatch(char):
            continue
        for literal in literals:
            if re.fullmatch(re.escape(literal), char, re.IGNORECASE):
                assert char.lower() == literal, hex(code)
