"""Recognising bot walls: challenge statuses and interstitials served with 200."""

from __future__ import annotations

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
