"""Where a notice was published or can be followed, and page furniture: spans whose names are
not enforcement targets (“网信中国”微信公众号, 来源:@人民日报, "the MIIT's WeChat public account",
e-mail addresses, URLs, footer links)."""

from __future__ import annotations

import re

__all__ = ["channel_spans"]

# An account named before its kind is the account that speaks (“网信中国”微信公众号, 工信微报微信公号,
# 上海市场监管公众号); an account named after it is one acted on (微信公众号“通信圈”).
# It is a channel when the text says so: 据/来源/截图自 before it, or 消息/发布/截图 after it.
_NAMED_ACCOUNT = re.compile(
    r"(?P<lead>据|来源\s*[:：]?\s*|稿源\s*[:：]?\s*|截图自|通过|从|打开)?"
    r"(?:[“「『\"][^“”「」『』\"\n]{1,15}[”」』\"]|[^\s，,。、；;：:()“”「」『』\"\n]{2,10}?)\s*"
    r"(?:微信|微博)?\s*(?:公众号|公号|微信报|微信版|客户端|官方账号)(?!\s*[“「『\"])"
    r"(?P<trail>\s*(?:\d{1,2}月\d{1,2}日)?\s*(?:消息|发布|报道|截图|称|显示|文章|推送|阅读|[:：)）\n]))?"
)
# The regulator's or the newspaper's own outlet: 在其官方微信上发布, 官方微博, 据新华社.
_OWN_OUTLET = re.compile(r"(?:其|本报|本台|本网)?官方(?:微信|微博|网站|账号)|官微|官博")
_SOURCE_LINE = re.compile(r"(?:(?:来源|稿源|截图自)\s*[:：]?|source\s*:)\s*@?[^\s，,。；;()（）]{1,20}")
_EN_OUTLET = re.compile(
    r"(?:'s|’s|its|their|official|according\s+to\s+(?:the\s+)?(?:\"[^\"\n]{1,30}\"\s+)?)\s*"
    r"(?:official\s+)?(?:wechat|weibo|twitter|facebook|x)\s+"
    r"(?:public\s+|official\s+)?(?:account|page|feed|post|handle|channel)s?"
    r"(?:\s+of\s+(?:the\s+)?(?:\"[^\"\n]{1,30}\"|[“「][^”」\n]{1,30}[”」]))?"
)
_EMAIL = re.compile(r"[\w.+-]+\s*(?:@|\[at\]|\(at\))\s*[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)[^\s()\[\]<>“”\"]+")
_LINK_TEXT = re.compile(r"\[[^\[\]\n]{1,30}\]\(\s*(?:https?://|/)[^)\n]*\)")
# A share or follow bar: a line of nothing but a few short words (微信 / [微博](…) / 分享到).
_FURNITURE_LINE = re.compile(r"^[ \t]*(?:分享到|关注我们|扫码关注|follow us|share)?[:：]?[ \t]*[^\s。，,；;：:]{1,6}[ \t]*$", re.MULTILINE)


def channel_spans(text: str) -> list[tuple[int, int]]:
    """Spans of prepared ``text`` (Simplified, lower-cased) that name a publication channel or
    are page furniture, in no particular order; names inside them are not platforms acted on."""
    spans: list[tuple[int, int]] = []
    spans += [
        match.span() for match in _NAMED_ACCOUNT.finditer(text)
        if match.group("lead") is not None or match.group("trail") is not None
    ]
    for pattern in (_OWN_OUTLET, _SOURCE_LINE, _EN_OUTLET, _EMAIL, _URL, _LINK_TEXT):
        spans += [match.span() for match in pattern.finditer(text)]
    spans += [match.span() for match in _FURNITURE_LINE.finditer(text)]
    return spans
