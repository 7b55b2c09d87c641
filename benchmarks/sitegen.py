"""A synthetic CAC-like regulator site of N notices, generated deterministically from a seed.

The site has what regwatch's built-in ``cac-hlwnrgl`` source reads on the real CAC: a static
first list page (``/wxzw/hlwnrgl/A093704index_1.htm``, twenty newest notices), the
``/cms/JsonList`` pager API for the rest (protocol-relative ``//www.cac.gov.cn/...`` links),
and notice pages in the CAC's current article template (``h1.title``, ``#pubtime``,
``div.main-content > #BodyLabel``). Notice texts are Simplified Chinese, with one in four in
English, written from templates around the phrasings regulators use, with varied enforcement
figures (约谈网站5260家, "fined 312 platforms", 罚款人民币50万元) and platform names from
regwatch's registry, so extraction has real work to do on every page.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8))
HOST = "www.cac.gov.cn"
CHANNEL_CODE = "A093704"
CHANNEL_NAME = "互联网内容管理"
LIST_PATH = "/wxzw/hlwnrgl/A093704index_1.htm"
JSON_LIST_PATH = "/cms/JsonList"
PER_PAGE = 20
SOURCE_ID = "cac-hlwnrgl"
# The newest notice's publication time; older ones step back from it.
NEWEST = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
LAST_MODIFIED = "Fri, 20 Nov 2026 02:00:00 GMT"

_Writer = Callable[[random.Random, datetime], tuple[str, list[str]]]

PLATFORMS_ZH = ["百度", "抖音", "快手", "新浪微博", "微信", "小红书", "豆瓣", "知乎", "哔哩哔哩",
                "爱奇艺", "今日头条", "拼多多", "淘宝", "京东", "大众点评", "美团", "携程",
                "夸克浏览器", "UC浏览器", "网易"]
PLATFORMS_EN = ["Baidu", "Douyin", "Kuaishou", "Sina Weibo", "WeChat", "Xiaohongshu", "Douban",
                "Zhihu", "Bilibili", "iQIYI", "Toutiao", "Pinduoduo", "Taobao", "JD.com",
                "Meituan", "Ctrip", "Quark Browser", "UC Browser", "NetEase"]
CITIES_ZH = ["北京", "上海", "广州", "杭州", "南京", "成都", "武汉", "济南", "福州", "天津"]
CITIES_EN = ["Beijing", "Shanghai", "Guangzhou", "Hangzhou", "Nanjing", "Chengdu", "Wuhan"]
PROBLEMS_ZH = ["对用户发布信息管理不严", "热搜榜单频繁出现炒作低俗话题", "未成年人模式落实不到位",
               "评论区违规信息多发", "直播带货虚假宣传问题突出", "未按规定开展算法备案",
               "违规收集使用个人信息", "对网络暴力信息处置不力"]
PROBLEMS_EN = ["failing to manage what its users posted", ("letting vulgar topics trend on its "
               "hot-search list"), "a weak minors' mode", ("unlawful collection of personal "
               "information"), "not acting on online abuse in its comment sections"]
CAMPAIGNS_ZH = ["网络直播乱象整治", "未成年人网络环境整治", "网络暴力专项治理", "自媒体乱象整治",
                "春节网络环境整治", "短视频信息内容导向不良问题整治"]
CAMPAIGNS_EN = ["live-streaming disorder", "minors' online environment", "online abuse",
                "self-media disorder", "Spring Festival online environment"]
PERIODS_ZH = ["今年上半年", "今年一季度", "今年前三季度", "{year}年", "去年", "{year}年下半年"]
PERIODS_EN = ["In the first half of this year", "In {year}", "Last year",
              "In the first quarter of this year", "In the first three quarters of {year}"]


@dataclass(frozen=True)
class GeneratedNotice:
    """One notice of the synthetic site: where it lives and what it says."""

    number: int
    info_id: str
    published: datetime
    language: str
    title: str
    paragraphs: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"/{self.published:%Y-%m}/{self.published:%d}/c_{self.info_id}.htm"

    @property
    def text(self) -> str:
        """The notice's plain text, as a reader of the page would copy it."""
        return "\n".join(self.paragraphs)


@dataclass
class SyntheticSite:
    """A CAC-like site of ``size`` notices, newest first; ``add_notice`` publishes another."""

    size: int
    seed: int = 6
    notices: list[GeneratedNotice] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self.notices = [self._notice(number) for number in range(self.size)]
        self.notices.reverse()

    # --- texts ---------------------------------------------------------------------------

    def _notice(self, number: int) -> GeneratedNotice:
        rng = self._random
        # Oldest first while generating: number 0 is the oldest, about 1.5 notices a day.
        published = NEWEST - timedelta(minutes=(self.size - 1 - number) * 960)
        published = published.replace(minute=rng.choice([0, 5, 30, 45]))
        info_id = f"{int(published.timestamp())}{number % 1_000_000:06d}"
        english = number % 4 == 3
        writers = (_english_writers if english else _chinese_writers)()
        title, paragraphs = rng.choice(writers)(rng, published)
        return GeneratedNotice(number, info_id, published, "en" if english else "zh-Hans",
                               title, tuple(paragraphs))

    def add_notice(self) -> GeneratedNotice:
        """Publish a new notice at the top of the list (newer than every other); it is returned."""
        number = self.size
        self.size += 1
        rng = self._random
        newest = self.notices[0].published if self.notices else NEWEST
        published = newest + timedelta(hours=1)
        info_id = f"{int(published.timestamp())}{number % 1_000_000:06d}"
        title, paragraphs = _platform_case_zh(rng, published)
        notice = GeneratedNotice(number, info_id, published, "zh-Hans", title, tuple(paragraphs))
        self.notices.insert(0, notice)
        return notice

    # --- pages ---------------------------------------------------------------------------

    def notice_page(self, notice: GeneratedNotice) -> bytes:
        body = "\n".join(
            f'<p style="text-indent: 2em;">{html.escape(p)}</p>' for p in notice.paragraphs
        )
        title = html.escape(notice.title)
        page = (
            f"{_HEAD.format(title=title)}"
            f'<div class="main-title"><h1 class="title">{title}</h1>\n'
            f'<div class="info clearfix"><div class="left"><span id="pubtime">'
            f"{notice.published:%Y年%m月%d日 %H:%M}</span>\n"
            '<span id="source">来源：<a>中国网信网</a></span></div></div></div>\n'
            f'<div class="main-content"><DIV id=BodyLabel>\n{body}\n</DIV></div>\n'
            f'<div class="editor">【纠错】</div>\n</div>\n{_FOOT}'
            f"<div style='display:none'>Produced By CMS 网站群内容管理系统 publishdate:"
            f"{notice.published:%Y/%m/%d %H:%M:%S}</div>\n</body>\n</html>\n"
        )
        return page.encode("utf-8")

    def list_page(self) -> bytes:
        rows = "".join(
            f'<li><h5><a href=//{HOST}{n.path} target=_blank title="{html.escape(n.title)}">'
            f"{html.escape(n.title)}</a></h5>\n<div class=\"times\">{n.published:%Y-%m-%d}</div>"
            "</li>\n"
            for n in self.notices[:PER_PAGE]
        )
        page = (
            f"{_HEAD.format(title=CHANNEL_NAME)}"
            f'<div class="list-content">\n<div class="list-title"><h3>{CHANNEL_NAME}</h3></div>\n'
            f'<div id="loadingInfoPage">\n<ul class="list clearfix" id="list">\n{rows}</ul>\n'
            f"</div>\n</div>\n</div>\n{_FOOT}</body>\n</html>\n"
        )
        return page.encode("utf-8")

    def json_list(self, channel: str, page: int, per_page: int) -> bytes:
        """The ``/cms/JsonList`` answer; an unknown channel has no rows, as on the CMS."""
        rows = self.notices if channel == CHANNEL_CODE else []
        start = (page - 1) * per_page
        answer = {
            "list": [
                {"topic": n.title, "infourl": f"//{HOST}{n.path}",
                 "pubtime": f"{n.published:%Y-%m-%d %H:%M:%S}"}
                for n in rows[start : start + per_page]
            ],
            "totalRec": len(rows),
        }
        return json.dumps(answer, ensure_ascii=False).encode("utf-8")

    def static_pages(self) -> Iterator[tuple[str, bytes]]:
        """(path, body) of every static page: robots.txt, the list page, each notice."""
        yield "/robots.txt", b"User-agent: *\nDisallow: /cms/pub/\n"
        yield LIST_PATH, self.list_page()
        for notice in self.notices:
            yield notice.path, self.notice_page(notice)



def api_pages(size: int) -> int:
    """JSON list pages after the static page 1 that reach the oldest of ``size`` notices."""
    return max(1, -(-size // PER_PAGE) - 1)


@dataclass(frozen=True)
class StoredPage:
    """A page held in memory ready to send: body, its gzip form and its validators."""

    body: bytes
    gzipped: bytes
    etag: str
    content_type: str

    @classmethod
    def of(cls, body: bytes, content_type: str) -> StoredPage:
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        return cls(body, gzip.compress(body, compresslevel=6, mtime=0), etag, content_type)


def content_type(path: str) -> str:
    if path.endswith(".txt"):
        return "text/plain; charset=utf-8"
    if path.endswith(".json") or path == JSON_LIST_PATH:
        return "application/json; charset=utf-8"
    return "text/html; charset=utf-8"


# --- writers: (rng, published) -> (title, paragraphs) --------------------------------------


def _year_of(published: datetime) -> int:
    return published.year - 1 if published.month < 3 else published.year


def _enforcement_summary_zh(rng: random.Random, published: datetime) -> tuple[str, list[str]]:
    period = rng.choice(PERIODS_ZH).format(year=_year_of(published))
    summoned, warned, fined = rng.randint(800, 9000), rng.randint(500, 6000), rng.randint(40, 900)
    suspended, apps = rng.randint(100, 1500), rng.randint(100, 2000)
    closed, referred = rng.randint(1000, 20000), rng.randint(300, 5000)
    title = f"{period}全国网信系统持续推进网络执法工作"
    return title, [
        f"{period}，全国网信系统坚持依法管网、依法办网，深入推进网络执法工作，取得积极成效。",
        (f"{period}，全国网信系统依法约谈网站{summoned}家，警告{warned}家，罚款处罚{fined}家，"
        f"暂停功能或更新{suspended}家，下架移动应用程序{apps}款，会同电信主管部门取消违法网站"
        f"许可或备案、关闭违法网站{closed}家，移送相关案件线索{referred}件。"),
        ("下一步，网信部门将聚焦群众反映强烈的突出问题，持续加大执法力度，切实维护网民合法权益，"
        "营造清朗网络空间。"),
    ]


def _platform_case_zh(rng: random.Random, published: datetime) -> tuple[str, list[str]]:
    platform = rng.choice(PLATFORMS_ZH)
    city = rng.choice(CITIES_ZH)
    problem = rng.choice(PROBLEMS_ZH)
    amount = rng.choice([5, 10, 20, 30, 50, 80, 100, 150])
    title = f"{city}市网信办依法约谈处置{platform}平台"
    return title, [
        (f"近日，{city}市网信办针对{platform}平台{problem}等问题，依法约谈该平台主要负责人，"
        f"责令其限期整改，并依据《中华人民共和国网络安全法》等法律法规，对其处以人民币{amount}万元"
        "罚款。"),
        f"{platform}平台表示，将严格落实整改要求，全面排查清理违规信息，健全内容审核机制。",
        "网信部门提醒各网站平台，应切实履行信息内容管理主体责任，违者将依法严肃处理。",
    ]


def _campaign_zh(rng: random.Random, published: datetime) -> tuple[str, list[str]]:
    campaign = rng.choice(CAMPAIGNS_ZH)
    first, second = rng.sample(PLATFORMS_ZH, 2)
    items = rng.randint(10, 900)
    accounts, sites = rng.randint(2000, 90000), rng.randint(50, 3000)
    title = f"“清朗·{campaign}”专项行动取得阶段性成效"
    return title, [
        (f"中央网信办部署开展“清朗·{campaign}”专项行动以来，各地网信部门督促{first}、{second}等"
        f"重点平台加强排查，累计清理违法和不良信息{items}万余条。"),
        (f"专项行动期间，关闭违规账号{accounts}个，关闭违法违规网站{sites}家，"
        f"约谈{rng.randint(20, 400)}家网站平台。"),
        "中央网信办有关负责人表示，将持续巩固专项行动成果，推动形成长效治理机制。",
    ]


def _apps_notified_zh(rng: random.Random, published: datetime) -> tuple[str, list[str]]:
    apps = rng.randint(10, 120)
    removed = rng.randint(5, apps)
    title = f"关于侵害用户权益行为的APP（第{rng.randint(1, 40)}批）的通报"
    return title, [
        (f"近期，有关部门组织第三方检测机构对群众关注的移动互联网应用程序进行检查，发现{apps}款APP"
        "存在违规收集使用个人信息、强制频繁过度索取权限等问题。"),
        (f"对逾期未完成整改的{removed}款APP，依法予以下架处理。请相关APP运营者于"
        f"{published + timedelta(days=10):%m月%d日}前完成整改落实工作。"),
    ]


def _filing_zh(rng: random.Random, published: datetime) -> tuple[str, list[str]]:
    batch = rng.randint(1, 20)
    count = rng.randint(50, 400)
    title = f"国家互联网信息办公室关于发布第{batch}批深度合成服务算法备案信息的公告"
    return title, [
        (f"根据《互联网信息服务深度合成管理规定》，国家互联网信息办公室现公开发布第{batch}批境内深度"
        f"合成服务算法备案信息，本批次共{count}款算法完成备案。"),
        "已完成备案的服务提供者应当在其对外提供服务的网站、应用程序等显著位置标明备案编号。",
        "国家互联网信息办公室提示，算法备案不代表对算法及其服务的背书或认可。",
    ]


def _enforcement_summary_en(rng: random.Random, published: datetime) -> tuple[str, list[str]]:
    period = rng.choice(PERIODS_EN).format(year=_year_of(published))
    summoned, warned = rng.randint(800, 9000), rng.randint(500, 6000)
    fined, closed = rng.randint(40, 900), rng.randint(1000, 20000)
    title = f"Cyberspace authorities report enforcement results ({published:%B %Y})"
    return title, [
        (f"{period}, cyberspace authorities across the country summoned {summoned:,} websites "
        f"for talks, warned {warned:,} websites and fined {fined:,} platforms in accordance "
        "with the law."),
        (f"Working with the telecommunications authorities, they shut down {closed:,} websites "
        "that broke the law and revoked their licences or filings."),
        ("The authorities said they would keep up enforcement on the problems that matter most "
        "to internet users."),
    ]


def _platform_case_en(rng: random.Random, published: datetime) -> tuple[str, list[str]]:
    platform = rng.choice(PLATFORMS_EN)
    city = rng.choice(CITIES_EN)
    problem = rng.choice(PROBLEMS_EN)
    amount = rng.choice([0.5, 1, 2, 3, 5])
    title = f"{city} cyberspace office summons {platform} over content failures"
    return title, [
        (f"The {city} cyberspace administration summoned the person in charge of {platform} "
        f"for {problem}, ordered the platform to rectify within a time limit and fined it "
        f"{amount:g} million yuan."),
        (f"{platform} said it would carry out the rectification in full and review its "
        "moderation process."),
    ]


def _chinese_writers() -> list[_Writer]:
    return [_enforcement_summary_zh, _platform_case_zh, _platform_case_zh, _campaign_zh,
            _apps_notified_zh, _filing_zh]


def _english_writers() -> list[_Writer]:
    return [_enforcement_summary_en, _platform_case_en, _platform_case_en]


_HEAD = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
    '<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
    '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">\n'
    "<title>{title}_中央网络安全和信息化委员会办公室</title>\n"
    '<script language="JavaScript" src="//www.cac.gov.cn/inc/jquery.min.js"></script>\n'
    '<link rel="stylesheet" type="text/css" href="//www.cac.gov.cn/lib/pc/scheme/css/common.css" />\n'
    "</head>\n<body leftmargin='0' topmargin='0'>\n"
    '<div class="header"><div class="logo-area"><div class="logo"><ul>'
    '<li><img src="//www.cac.gov.cn/lib/pc/scheme/images/logo01.png" alt="" /></li></ul></div>\n'
    '<div class="search right"><div class="con"><input id="sw" class="input1" name="huopro" '
    'value="请输入检索关键词" type="text" /><a class="btn_ss" href="javascript:">搜索</a></div></div>'
    "</div>\n"
    '<div class="top-nav"><ul id="nav" class="nav clearfix">\n'
    '<li class="nLi" id="home"><h3><a href="//www.cac.gov.cn/index.htm" target="_blank">首 页</a>'
    "</h3></li>\n"
    '<li class="nLi on" id="gov"><h3><a href="//www.cac.gov.cn/wxzw/A0937index_1.htm" '
    'target="_blank">网信政务</a></h3></li>\n</ul></div>\n</div>\n<div class="main">\n'
    '<div class="crumbs"><a href=//www.cac.gov.cn/index.htm target=_blank>首页</a> &gt; '
    "<a href=//www.cac.gov.cn/wxzw/hlwnrgl/A093704index_1.htm target=_blank>互联网内容管理</a>"
    "</div>\n"
)
_FOOT = (
    '<div class="footer"><div class="footer-con">\n'
    '<p><a href="//www.cac.gov.cn/gywm/A09420101index_1.htm" target="_blank">关于我们</a> | '
    '<a href="//www.cac.gov.cn/wzdt/A094202index_1.htm" target="_blank">网站地图</a></p>\n'
    "<p>中央网络安全和信息化委员会办公室 中华人民共和国国家互联网信息办公室 &copy; 版权所有</p>\n"
    "</div></div>\n"
    "<div><script>function pagestat(){var token = String(new Date().getTime());"
    "for (var i = 0; i < 6; i++) { token += Math.floor(Math.random() * 10); }"
    "$.ajax({type: 'POST', url: '/cms/pub/interact/newCrToken.jsp?outTradeNo=' + token,"
    " dataType: 'text', success: function () { $.ajax({type: 'POST', url: "
    "'/cms/pub/interact/stat/newPagestat.jsp?crToken=' + token, data: {webappcode: 'A09',"
    " title: document.title}}); }});}pagestat();</script></div>\n"
)

