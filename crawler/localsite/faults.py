"""Deterministic misbehaviour served under `/_faults/` on every local site.

Each fault is what a real regulator site or a hostile network has done to a crawler: a 503 or
429 that clears, a body that never finishes or is cut short, a gzip bomb, redirects to a
private address, a lying charset, an empty list, bot-wall challenges. Counters are kept per
fault path in the server, so "first 503, then 200" holds per name until `/_control?reset=1`.

A copy may supply its own templates for the pages some faults answer with:
`SITE_DIR/_faults/article.html` (the page served once a 503/429 clears, and the body of
`truncated`) and `SITE_DIR/_faults/empty-list.{html,json,xml}` (a list in the site's own
template with no items). Without them the built-in CAC-style pages below are served.
"""

from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Callable
from pathlib import Path

from crawler.localsite.replies import Reply, html_reply
from crawler.localsite.static_files import CONTENT_TYPES, read_sidecar_headers

FAULT_NAMES = (
    "503-then-200/<name>",
    "429/<name>",
    "hang",
    "truncated",
    "gzip-bomb",
    "redirect-loopback",
    "redirect-metadata",
    "lying-charset",
    "lying-charset/utf-8",
    "lying-charset/iso-8859-1",
    "empty-list",
    "challenge-521",
    "challenge-412",
    "interstitial-200",
)

METADATA_URL = "http://169.254.169.254/latest/meta-data/"
GZIP_BOMB_SIZE = 1 << 30
# zlib.crc32 of GZIP_BOMB_SIZE zero bytes: computing it costs half a second per server start,
# and tests/test_localsite.py decompresses the whole bomb, which checks it.
_GZIP_BOMB_CRC32 = 0x5B64C2B0
_BOMB_CHUNK = 1 << 20
HANG_MAX_SECONDS = 600.0

BUILTIN_ARTICLE_TITLE = "某市网信办依法约谈处置一批违规移动应用程序运营者"
BUILTIN_ARTICLE_PAGE = f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{BUILTIN_ARTICLE_TITLE}_中央网络安全和信息化委员会办公室</title>
</head>
<body>
<div class="main-title"><h1 class="title">{BUILTIN_ARTICLE_TITLE}</h1>
<div class="info"><span id="pubtime">2026年11月20日 09:30</span>
<span id="source">来源：<a>中国网信网</a></span></div></div>
<div class="main-content"><DIV id=BodyLabel>
<p>近日，某市网信办在日常巡查中发现，部分移动应用程序存在违规收集使用个人信息等问题。</p>
<p>该市网信办依法约谈相关应用程序运营者12家，责令限期整改，下架移动应用程序7款。</p>
</DIV></div>
<div style='display:none'>Produced By CMS 网站群内容管理系统 publishdate:2026/11/20 09:31:02</div>
</body>
</html>
"""

BUILTIN_EMPTY_LIST_PAGE = """<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>网信发布_中央网络安全和信息化委员会办公室</title>
</head>
<body>
<div class="list-content">
<div id="loadingInfoPage">
<ul class="list clearfix" id="list">
</ul>
</div>
</div>
<div style='display:none'>Produced By CMS 网站群内容管理系统 publishdate:2026/11/28 08:00:00</div>
</body>
</html>
"""

# A local office's notice, served in GBK while the header and meta tag both claim another
# charset: only byte-level detection reads it right.
LYING_CHARSET_TITLE = "关于开展移动互联网应用程序个人信息保护专项检查的通知"
LYING_CHARSET_PHRASE = "共检查应用程序136款，责令整改29款"
_LYING_CHARSET_TEMPLATE = """<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset={declared}">
<title>{title}</title>
</head>
<body>
<div class="article">
<h1>{title}</h1>
<div class="info">发布日期：2024-05-20　来源：市委网信办</div>
<div class="content" id="zoom">
<p>各区网信办、各有关单位：</p>
<p>为进一步规范移动互联网应用程序收集使用个人信息行为，市委网信办于2024年4月至5月开展专项检查，{phrase}，下架拒不整改的应用程序4款。</p>
<p>请各单位对照检查发现的问题举一反三，于2024年6月30日前完成自查。</p>
</div>
</div>
</body>
</html>
"""

CHALLENGE_521_PAGE = """<html><body><script>document.cookie=('__jsl_clearance_s=')+('1764288000.417')+('|0|')+('c9f1e0a2b7d34e58a6f0b1c2d3e4f5a6')+(';max-age=3600;path=/');location.href=location.pathname+location.search</script></body></html>
"""

CHALLENGE_412_PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta id="9DhefwqGPrzGxEp9hPaoag" content="q7x2LmVkZ1pQbXh3YjRhR0tvY2FsU2l0ZUNoYWxsZW5nZQ">
<script type="text/javascript">$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=41873;$_ts.cd="qhbcr1AlvGmEcqAkqGqErqlqcGWlqGmrqaqtrr";</script>
<script type="text/javascript" src="/4QbVtADbnLVIc/c.FxJzG50F.dfe1675.js" r='m'></script>
</head><body></body></html>
"""

INTERSTITIAL_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Federal Trade Commission</title></head>
<body>
<noscript><h1>Please enable JavaScript</h1>
<p>You need to enable JavaScript to view this site. If you are seeing this page, your browser
did not run the script that checks your connection.</p></noscript>
<div id="challenge-running">Checking your browser before accessing the site. This process is
automatic. Your browser will redirect to your requested content shortly.</div>
<script src="/_sec/cp_challenge/ak-challenge-4-3.js"></script>
</body>
</html>
"""


class FaultCounters:
    """How many times each fault path was requested since start or the last reset."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}

    def bump(self, key: str) -> int:
        """Count one more request to `key` and return the new count (1 for the first)."""
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + 1
            return self._counts[key]

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


def build_gzip_bomb() -> bytes:
    """A gzip member that inflates to GZIP_BOMB_SIZE zero bytes, about 1 MB compressed.

    Built in milliseconds: after a full flush deflate forgets its history, so the compressed
    form of one zero chunk can be repeated byte for byte; an empty final block closes it.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    chunk = compressor.compress(bytes(_BOMB_CHUNK)) + compressor.flush(zlib.Z_FULL_FLUSH)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    final_empty_block = b"\x03\x00"
    trailer = struct.pack("<II", _GZIP_BOMB_CRC32, GZIP_BOMB_SIZE & 0xFFFFFFFF)
    return header + chunk * (GZIP_BOMB_SIZE // _BOMB_CHUNK) + final_empty_block + trailer


def _site_template(site_dir: Path, stem: str) -> Reply | None:
    for suffix in (".html", ".json", ".xml"):
        template = site_dir / "_faults" / f"{stem}{suffix}"
        if template.is_file():
            reply = html_reply(
                template.read_bytes(), content_type=f"{CONTENT_TYPES[suffix]}; charset=utf-8"
            )
            for name, value in read_sidecar_headers(template):
                reply.set_header(name, value)
            return reply
    return None


def article(site_dir: Path) -> Reply:
    """The page served once a 503 or 429 clears: the site's own template when it has one."""
    return _site_template(site_dir, "article") or html_reply(BUILTIN_ARTICLE_PAGE)


def empty_list(site_dir: Path) -> Reply:
    return _site_template(site_dir, "empty-list") or html_reply(BUILTIN_EMPTY_LIST_PAGE)


def _fail_count(query: dict[str, str], default: int) -> int:
    try:
        return max(0, min(int(query.get("fails", default)), 1000))
    except ValueError:
        return default


def clears_after_failures(
    site_dir: Path,
    counters: FaultCounters,
    key: str,
    query: dict[str, str],
    status: int,
    retry_after: str,
) -> Reply:
    """`status` with Retry-After for the first `fails` (default 1) requests to `key`, then 200."""
    if counters.bump(key) <= _fail_count(query, 1):
        return html_reply(
            f"<html><body><h1>{status}</h1></body></html>\n",
            status=status,
            extra_headers=[("Retry-After", retry_after)],
        )
    return article(site_dir)


def lying_charset(declared: str) -> Reply:
    """GBK bytes under a header and meta tag that both say `declared`."""
    page = _LYING_CHARSET_TEMPLATE.format(
        declared=declared, title=LYING_CHARSET_TITLE, phrase=LYING_CHARSET_PHRASE
    )
    return html_reply(page.encode("gbk"), content_type=f"text/html; charset={declared}")


def redirect(location: str) -> Reply:
    return html_reply(
        f'<html><body><a href="{location}">moved</a></body></html>\n',
        status=302,
        extra_headers=[("Location", location)],
    )


def challenge(status: int) -> Reply:
    """A bot-wall answer: 521 with a cookie-setting script (Jiasule style) or 412 (Ruishu style)."""
    page = CHALLENGE_521_PAGE if status == 521 else CHALLENGE_412_PAGE
    return html_reply(page, status=status, extra_headers=[("Cache-Control", "no-store")])


def interstitial() -> Reply:
    return html_reply(INTERSTITIAL_PAGE, extra_headers=[("Cache-Control", "no-store")])


def drip(
    write: Callable[[bytes], None], stopping: threading.Event, interval: float
) -> None:
    """Write one byte every `interval` seconds (none if 0) until the server stops, the client
    goes away (the write raises) or HANG_MAX_SECONDS pass, whichever is first."""
    waited = 0.0
    step = interval if interval > 0 else 1.0
    while waited < HANG_MAX_SECONDS and not stopping.wait(step):
        waited += step
        if interval > 0:
            write(b" ")
