"""Where a notice was published or can be followed, and page furniture: spans whose names are
not enforcement targets (“网信中国”微信公众号, 来源:@人民日报, "the MIIT's WeChat public account",
e-mail addresses, URLs, footer links)."""

from __future__ import annotations

import re

from diffing.scans import compile_alternatives, compile_scan

__all__ = ["channel_spans"]

# An account named before its kind is the account that speaks (“网信中国”微信公众号, 工信微报微信公号,
# 上海市场监管公众号); an account named after it is one acted on (微信公众号“通信圈”). It is a channel
# when the text says so: 据/来源/截图自 before it, or 消息/发布/截图 after it. Matching starts at
# the kind word and looks back, so a text without one costs a single scan.
_ACCOUNT_KIND = compile_scan(
    r"(?:(?:微信|微博)?\s*(?:公众号|公号|微信号|微信报|微信版|客户端|官方账号)|(?<=[”」』\"])\s*(?:微信|微博))(?!\s*[“「『\"])")
_ACCOUNT_NAME = re.compile(
    r"(?P<lead>据|来源\s*[:：]?\s*|稿源\s*[:：]?\s*|截图自|通过|从|打开)?"
    r"(?:[“「『\"][^“”「」『』\"\n]{1,15}[”」』\"]|[^\s，,。、；;：:()“”「」『』\"\n]{2,10})\s*$"
)
_ACCOUNT_TRAIL = re.compile(
    r"[”」』\"]?\s*(?:\d{1,2}月)?(?:\d{1,2}日)?(?:昨日|昨天|今日|今天|日前|近日)?\s*(?:消息|发布|报道|截图|称|显示|文章|推送|阅读|通报|公布|发文|宣布|披露|获悉|了解到|得知|等?渠道|[:：)）\n])")
# The regulator's or the newspaper's own outlet: 在其官方微信上发布, 官方微博, 据新华社.
_OWN_OUTLET = re.compile(r"(?:其|本报|本台|本网)?官方(?:微信|微博|网站|账号)|官微|官博")
_SOURCE_LINE = compile_scan(
    r"(?:(?:来源|稿源|截图自|图源|图片来源|图片提供|翻摄自|配图来自)\s*[:：]?|(?:image\s+|photo\s+)?(?:source|credit)\s*:)"
    r"\s*@?[^\s，,。；;()（）]{1,20}"
    # 微信图片_20200610163541: an image's file name
    r"|微信图片_?\d{6,}")
_EN_OUTLET = re.compile(
    r"(?:'s|’s|its|their|his|her|official|according\s+to\s+(?:the\s+)?(?:\"[^\"\n]{1,30}\"\s+)?"
    # "according to the news from the WeChat public account of …"
    r"(?:(?:news|reports?|information|a\s+post|an?\s+article|a\s+statement)\s+(?:from|on|in)\s+(?:the\s+)?)?)\s*"
    r"(?:official\s+)?(?:wechat|weibo|twitter|facebook|x|telegram|youtube|instagram|tiktok)"
    # "the official WeChat of the district's bureau": the outlet, its noun left out
    r"(?:\s+(?:public\s+|official\s+)?(?:account|page|feed|post|handle|channel)s?|(?=\s+of\s))"
    r"(?:\s+of\s+(?:the\s+)?(?:\"[^\"\n]{1,30}\"|[“「][^”」\n]{1,30}[”」]))?"
)
# Where the regulator or a newspaper published: "said in a post on Weibo", "announced on its
# WeChat account", 通过微信公众号发布, 在微博上通报.
_POSTED_ON_EN = compile_scan(
    r"(?:\bpost(?:ed|ing)?|\bsaid|\bannounced|\bwrote|\bpublished|\bstatement)\s+(?:\w+\s+){0,2}?on\s+"
    r"(?:its\s+|their\s+|the\s+)?(?:official\s+)?"
    # "a statement on social networking platform Weibo": the platform said by its kind first
    r"(?:(?:social|chinese|microblogging)\s+(?:(?:media|networking)\s+)?(?:platform|site|service|network)\s+)?"
    r"(?:wechat|weibo|twitter|x|facebook|linkedin|douyin)\b"
)
_POSTED_ON_ZH = compile_scan(
    r"(?:在|通过|经由)(?:其)?(?:官方)?(?:微信|微博|抖音|快手|头条|公众号)[^，,。；;]{0,6}?(?:上)?(?:发布|发文|通报|公布|宣布|披露)"
    r"|据(?:其)?(?:官方)?(?:新浪)?(?:微信|微博|抖音|快手|头条)[^，,。；;]{0,8}?(?:消息|报道|显示|发布|文章)"
    # 据某某办公室微信公众号“某某”消息: the account a report cites, named after its kind
    r"|据[^，,。；;“”]{0,20}?(?:公众号|微信|微博)\s*[“「『\"][^“”「」『』\"\n]{1,15}[”」』\"]\s*(?:\d{1,2}月\d{1,2}日)?(?:消息|报道|发布|文章|通报)"
    # 唯品会发布微博称: a post the company wrote, on the platform it wrote it on
    r"|(?:发布|发出|发了)(?:了)?(?:一条)?(?:微博|朋友圈|抖音)(?:称|表示|回应|声明|致歉|说)"
)
# "in a Weibo post", "according to its WeChat statement": where the words were published.
_POSTED_IN_EN = compile_scan(
    r"\b(?:in|via|according\s+to)\s+(?:a|an|its|their|the)\s+(?:\w+\s+)?(?:wechat|weibo|twitter|x|facebook|linkedin|douyin)\s+"
    r"(?:post|posts|statement|article|message|announcement)\b"
)
# The outlet a report cites: "according to Chinese news portal Sohu.com", "according to the
# Sohu report".
_ACCORDING_TO_OUTLET = re.compile(
    # "according to a report by the Russian news agency Interfax", "told the news agency X"
    r"\b(?:report(?:ed)?\s+by|according\s+to|told|cited\s+by|quoted\s+by)\s+(?:a\s+|an\s+|the\s+)?"
    r"(?:report\s+by\s+(?:the\s+)?)?(?:[\w-]+\s+){0,2}?(?:news\s+agency|newspaper|news\s+portal|news\s+outlet)\s+[\w.]+"
    r"|\baccording\s+to\s+(?:the\s+|a\s+)?(?:(?:chinese|state|local|official|financial|online|news|media)\s+){0,3}"
    r"(?:(?:news\s+)?(?:portal|outlet|website|newspaper|agency|site)\s+)?[\w.]+\s+(?:news\s+)?(?:report|reports|article|story)\b"
    r"|\baccording\s+to\s+(?:(?:chinese|state|local|official|financial|online)\s+){0,2}"
    r"(?:news\s+)?(?:portal|outlet|website|newspaper|agency|site)\s+[\w.]+"
)
_AT_SIGN = re.compile(r"@|\[at\]|\(at\)")
_EMAIL_USER = re.compile(r"[\w.+-]{1,64}\s*$")
_EMAIL_DOMAIN = re.compile(r"\s*[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)[^\s()\[\]<>“”\"]+")
_LINK_TEXT = re.compile(r"\[[^\[\]\n]{1,30}\]\(\s*(?:https?://|/)[^)\n]*\)")
# A name the text compares with, not one it speaks of ("Twitter-like Weibo", "similar to
# Twitter", "think Google Scholar", "China's Google Scholar equivalent").
_COMPARISON_EN = (
    ((r"(?:\bsimilar\s+to|\bakin\s+to|[,—–]\s*think|\bcounterpart\s+(?:of|to)"
      r"|(?:chinese|china['’]s|its\s+own|local)\s+(?:version|equivalent|answer)\s+(?:of|to))"
      r"\s+(?:the\s+)?[\w.]+(?:\s+(?!or\b)[\w.]+)?(?:\s+or\s+[\w.]+)?"),
     ("similar", "akin", "think", "counterpart", "version", "equivalent", "answer")),
    (r"[\w.]+(?:\s+[\w.]+)?(?:-like|-style|\s+equivalent)\b", ("-like", "-style", "equivalent")),
)
# "China's Twitter like platform Weibo": a possessive's likeness, its hyphen left out.
_POSSESSIVE_LIKENESS = re.compile(r"['’]s\s+(?:own\s+)?[\w.]+\s+(?:like|style)\s")
# Page furniture: share targets (微信好友, 朋友圈), contact links (在线咨询: QQ交谈), image file
# names (微信图片_20241113.jpg), "Skip to content" bars.
_PAGE_FURNITURE = (
    (r"(?:点击右上角|分享到|分享给|分享至)?\s*(?:微信|qq)(?:好友|朋友圈|空间)", ("好友", "朋友圈", "空间")),
    (r"(?:在线咨询|在线客服|联系客服)\s*[:：]?\s*qq\S*|qq(?:交谈|咨询|客服)", ("qq",)),
    # a contact handle (服务热线/微信:15002687135, QQ：767172404)
    (r"(?:微信|微信号|qq)\s*[:：]\s*[\w-]{5,}", ("微信", "qq")),
    (r"[^\s，,。；;：:]{0,40}\.(?:jpg|jpeg|png|gif|webp)\b", (".jp", ".png", ".gif", ".webp")),
    (r"skip\s+to\s+(?:main\s+)?content[^\n]*", ("skip",)),
    # an outlet's own app advertised under the article (iOS App下载 Android App下载; the line
    # naming the app above it is _OUTLET_APP's)
    (r"(?:ios|android|iphone)[ \t]*app[ \t]*下载", ("下载",)),
    # a share button ("Share - WeChat", "share on Facebook", 分享至 LINE, 分享到 Google+)
    ((r"(?:\bshare\s*(?:-|–|:|on|to|via)|分享至|分享到|分享给)\s*"
      r"(?:wechat|weibo|facebook|twitter|x|linkedin|whatsapp|line|google\+?|telegram|plurk|reddit|threads|微博|微信|qq)(?![a-z])"),
     ("share", "分享")),
    # a way of paying ("refunds via PayPal or check", "PayPal payments"), not a party
    ((r"\b(?:via|through|using)\s+(?:paypal|alipay|wechat\s+pay|apple\s+pay|google\s+pay)\b"
      r"|\b(?:paypal|alipay)\s+(?:payments?|transfers?)\b"), ("pay",)),
    # a follow link ("Follow Trend on Telegram") and an embedded post's link and signature
    # ("pic.twitter.com/AbC — Jane Roe (@janeroe) June 29, 2020")
    (r"\bfollow\s+(?:us|[\w.]+)\s+on\s+(?:telegram|twitter|facebook|x|instagram|linkedin|youtube|wechat|weibo|whatsapp)\b",
     ("follow",)),
    (r"\b(?:pic\.twitter\.com|t\.co)/\w+", ("twitter.com", "t.co/")),
    # a follow line under the article (扫描关注某某网微信公众号，第一时间获取…)
    (r"(?:扫描|扫码|长按)(?:二维码)?(?:关注|添加)[^\n，,。；;]{0,20}?(?:微信公众号|公众号|微信|微博|抖音号|视频号)",
     ("扫描", "扫码", "长按")),
    # a writer's contact handle in a byline ("Twitter: @jane_roe")
    (r"\b(?:twitter|x|weibo|instagram|telegram|threads)\s*:\s*@\w{1,30}", (": @", ":@")),
    # a host's disclaimer under a repost (特别声明：以上内容为自媒体平台“某某号”用户上传并发布，本平台
    # 仅提供信息存储服务): the repost's host, no party
    (r"(?:特别声明|免责声明|声明)\s*[:：][^\n]{0,200}?(?:仅提供信息存储(?:空间)?服务|不代表本(?:站|网|平台)(?:的)?(?:观点|立场))[^\n]*",
     ("声明",)),
    # markup left in a copied page (<span style="font-family: microsoft yahei">): no text of the notice
    (r"<[a-z/!][^<>\n]{0,2000}>", ("<",)),
    (r"[—–]\s*[^\n()—–]{1,40}\(@\w{1,30}\)\s*(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},\s*\d{4})?",
     ("(@",)),
)
# The line naming an outlet's own app, above its download links (某社“某某新闻”app / iOS App下载):
# matched from the word "app" (a pattern opening on the line's text would be tried at every
# character), the span then reaching back over up to 24 characters of its line.
_OUTLET_APP = re.compile(r"\bapp[ \t]*\n[ \t]*(?:ios|android)[ \t]*app[ \t]*下载[^\n]*")
_OUTLET_APP_LEAD = 24
# A block of related headlines (相关新闻, "Related articles"): the short lines that follow the
# marker, up to the first line long enough to be a paragraph.
_RELATED_MARKER = re.compile(
    r"(?:相关新闻|相关阅读|相关报道|相关文章|推荐阅读|延伸阅读|为您推荐|热门推荐|热点推荐|猜你喜欢"
    r"|related\s+(?:articles|news|stories|posts)|read\s+more|more\s+stories|you\s+may\s+also\s+like)"
    r"[^\n]{0,24}\n"
)
_HEADLINE_LINE_MAX = 60
# 上一篇：某标题, "Next article: …": the headline of another page, linked from this one.
_PREVIOUS_NEXT = re.compile(
    r"(?m)^[ \t]*(?:上一篇|下一篇|上一条|下一条|上一则|下一则|上一页|下一页"
    r"|previous(?:\s+(?:article|post|story))?|next(?:\s+(?:article|post|story)))\s*[:：][^\n]*")
# A share or follow bar: a line of nothing but a few short words (微信 / [微博](…) / 分享到).
_FURNITURE_LINE = re.compile(r"[ \t]*(?:[•·▪*][ \t]*)?(?:分享到|关注我们|扫码关注|follow us|share)?[:：]?[ \t]*[^\s。，,；;：:]{1,6}[ \t]*")
# A short line that acts on someone is a heading of the notice (约谈腾讯, 关闭某网), not a share bar.
_ACTING_LINE = re.compile(r"约谈|罚|关闭|下架|整改|通报|警告|查处|暂停|封禁|注销|责令|处罚")
# Anti-copying noise a forum repost strews between paragraphs ("$ x7 N* `+ s9 _' g8 L/ v. Z'"):
# a run of one- and two-character tokens thick with symbols; a letter in it (X, @-) names no one.
# Table bars (|) are left out, so a row of short cells is never read as noise.
_NOISE_RUN = re.compile(r"(?:[!-{}~]{1,2}[ \t]+){6,}[!-{}~]{1,2}")
_NOISE_SYMBOL = re.compile(r"[^\w\s]")
# Inside every such run: five short tokens, each after a blank. Searched from the blanks only, it
# spares a prose line the run's attempt at each of its characters; the first blank is written
# out so the pattern opens on a class, which a scan skips to at once (40% less time).
_NOISE_TOKENS = re.compile(r"[ \t][ \t]*[!-{}~]{1,2}(?:[ \t]+[!-{}~]{1,2}){4}[ \t]")
_NOISE_SYMBOLS_MIN = 4
_NOISE_SPACES_MIN = 6


def channel_spans(text: str) -> list[tuple[int, int]]:
    """Spans of prepared ``text`` (Simplified, lower-cased) that name a publication channel or
    are page furniture, in no particular order; names inside them are not platforms acted on."""
    spans: list[tuple[int, int]] = []
    for kind in _ACCOUNT_KIND.finditer(text) if ("号" in text or "微信" in text or "微博" in text or "客户端" in text) else ():
        window_start = max(0, kind.start() - 24)
        name = _ACCOUNT_NAME.search(text, window_start, kind.start())
        if name is None:
            continue
        if name.group("lead") is not None or _ACCOUNT_TRAIL.match(text, kind.end()):
            spans.append((name.start(), kind.end()))
    for sign in _AT_SIGN.finditer(text) if ("@" in text or "(at)" in text or "[at]" in text) else ():
        user = _EMAIL_USER.search(text, max(0, sign.start() - 64), sign.start())
        domain = _EMAIL_DOMAIN.match(text, sign.end())
        if user is not None and domain is not None:
            spans.append((user.start(), domain.end()))
    if _ANY_HINT_ZH.search(text) or _ANY_HINT_EN.search(text):
        for pattern, needles in _GUARDED:
            if any(needle in text for needle in needles):
                spans += [match.span() for match in pattern.finditer(text)]
        for alternatives in (_COMPARISON_EN, _PAGE_FURNITURE):
            live = _live_alternatives(alternatives, text)
            if live is not None:
                spans += [match.span() for match in live.finditer(text)]
    for app in _OUTLET_APP.finditer(text) if "下载" in text else ():
        line_start = text.rfind("\n", 0, app.start()) + 1
        spans.append((max(line_start, app.start() - _OUTLET_APP_LEAD), app.end()))
    for marker in _RELATED_MARKER.finditer(text) if _RELATED_HINT.search(text) else ():
        end = marker.end()
        while end < len(text):
            line_end = text.find("\n", end)
            line_end = len(text) if line_end < 0 else line_end
            if line_end - end > _HEADLINE_LINE_MAX:
                break
            end = line_end + 1
        spans.append((marker.start(), min(end, len(text))))
    position = 0
    for line in text.split("\n"):
        if len(line) <= 24 and _FURNITURE_LINE.fullmatch(line) and not _ACTING_LINE.search(line):
            spans.append((position, position + len(line)))
        if line.count(" ") >= _NOISE_SPACES_MIN and _NOISE_TOKENS.search(line):
            spans += [(position + run.start(), position + run.end()) for run in _NOISE_RUN.finditer(line)
                      if len(_NOISE_SYMBOL.findall(run.group())) >= _NOISE_SYMBOLS_MIN]
        position += len(line) + 1
    return spans


# The words any channel or noise reading needs, Chinese and the rest apart: a text holds one if
# either scan finds one, and a try at a character fails on one list only.
_ANY_HINT_ZH = re.compile("官|来源|稿源|截图自|图源|图片|翻摄|配图|据|发布|发文|通报|公布|宣布|披露|上一|下一|好友|朋友圈|空间|微信|分享|下载|扫描|扫码|长按|声明")
_ANY_HINT_EN = compile_alternatives(
    r"follow|twitter\.com|t\.co/|\(@|credit|source|according|wechat|weibo|twitter|facebook|linkedin|douyin|telegram|youtube|instagram|tiktok| x |://|www\.|\]\("
    r"|previous|next|qq|share|<[a-z/!]|: ?@|\.(?:jpe?g|png|gif|webp)|skip|paypal|alipay| pay\b|similar|akin|think|counterpart|equivalent|version|answer|-like|-style| like | style "
)
_RELATED_HINT = re.compile(r"相关|推荐|延伸|猜你|related|read more|more stories|also like")
# Each pattern runs only over a text holding one of its words (most notices hold none).
_GUARDED = (
    (_OWN_OUTLET, ("官",)),
    (_POSTED_ON_EN, ("wechat", "weibo", "twitter", " x", "facebook", "linkedin", "douyin")),
    (_POSTED_ON_ZH, ("发布", "发文", "通报", "公布", "宣布", "披露", "据", "发出", "发了")),
    (_POSTED_IN_EN, ("wechat", "weibo", "twitter", " x ", "facebook", "linkedin", "douyin")),
    (_SOURCE_LINE, ("来源", "稿源", "截图自", "图源", "图片", "翻摄", "配图", "source", "credit")),
    (_EN_OUTLET, ("wechat", "weibo", "twitter", "facebook", " x ", "telegram", "youtube", "instagram", "tiktok")),
    (_ACCORDING_TO_OUTLET, ("according", "news agency", "newspaper", "news portal", "news outlet")),
    (_PREVIOUS_NEXT, ("上一", "下一", "previous", "next")),
    (_URL, ("://", "www.")),
    (_LINK_TEXT, ("](",)),
    (_POSSESSIVE_LIKENESS, (" like ", " style ")),
)


# Patterns written as alternatives, each with the words it cannot match without (the slow ones
# try a word or 40 characters at every position): a text is scanned with only the alternatives
# whose words it holds, which finds the same matches as the whole alternation.
_LIVE: dict[tuple[int, tuple[int, ...]], re.Pattern[str]] = {}


def _live_alternatives(alternatives: tuple[tuple[str, tuple[str, ...]], ...], text: str) -> re.Pattern[str] | None:
    live = tuple(index for index, (_, needles) in enumerate(alternatives) if any(needle in text for needle in needles))
    if not live:
        return None
    key = (id(alternatives), live)
    pattern = _LIVE.get(key)
    if pattern is None:
        if len(_LIVE) > 512:
            _LIVE.clear()
        pattern = _LIVE[key] = re.compile("|".join(alternatives[index][0] for index in live))
    return pattern
