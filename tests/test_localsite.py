"""The local site server and the site copies, fetched over loopback as a crawler would."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

import pytest

from crawler.localsite import faults
from crawler.localsite.demo_edits import apply_demo_change
from crawler.localsite.replies import is_not_modified
from crawler.localsite.server import serve_in_thread
from crawler.localsite.site_apis import parse_param_json
from crawler.localsite.static_files import resolve

if TYPE_CHECKING:
    from tests.sites import LocalSite

# The fixtures (cac_site, serve_site, demo_site, ...) live in tests/sites/__init__.py; loading
# it as a plugin, rather than importing it here first, lets pytest rewrite its asserts.
pytest_plugins = ("tests.sites",)

REPO_ROOT = Path(__file__).resolve().parents[1]
SITES_DIR = REPO_ROOT / "tests" / "sites"

SHARED_DIR = REPO_ROOT / ".." / "shared"
REAL_PAGES = SHARED_DIR / "reference" / "real-pages"
TIMEOUT = 10.0
CAC_CHANNELS = {"A093702": "/wxzw/wxfb/", "A093704": "/wxzw/hlwnrgl/", "A093711": "/wxzw/qinglang/"}
JPAAS = "/api-gateway/jpaas-publish-server/front/page/build/unit"
MIIT_COLUMN = "/jgsj/xgj/APPqhyhqyzxzzxd/tzgg/index.html"
# The markup SOURCES.md gives for a CAC list item: unquoted href and target, quoted title.
CAC_LIST_ITEM = re.compile(
    r'<li><h5><a href=(//www\.cac\.gov\.cn/\d{4}-\d{2}/\d{2}/c_\d{13,19}\.htm) target=_blank '
    r'title="([^"]+)">'
)


@dataclass
class Answer:
    status: int
    headers: Message
    body: bytes

    def json(self) -> object:
        return json.loads(self.body.decode("utf-8"))

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def connect(url: str, timeout: float = TIMEOUT) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None,
          body: bytes | None = None, timeout: float = TIMEOUT) -> Answer:
    """One request with http.client: no redirects followed, no decompression, raw bytes."""
    connection = connect(url, timeout)
    parts = urlsplit(url)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def post_form(url: str, form: dict[str, str]) -> Answer:
    return fetch(url, "POST", {"Content-Type": "application/x-www-form-urlencoded"},
                 urlencode(form).encode("ascii"))


def jpaas_params(page_id: str, web_id: str, page_no: int) -> str:
    return urlencode({
        "parseType": "bulidstatic", "webId": web_id, "pageId": page_id, "pageType": "column",
        "tagId": "当前栏目_list", "paramJson": json.dumps({"pageNo": page_no, "pageSize": 20}),
    })


def copy_site(name: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(SITES_DIR / name, tmp_path / name))


def strip_tags(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def require_shared() -> None:
    if not REAL_PAGES.is_dir():
        pytest.skip(f"shared reference pages not found at {REAL_PAGES.resolve()}")


# ------------------------------------------------------------------------------ the server itself


def test_subprocess_prints_listening_line_and_exits_on_sigterm(tmp_path: Path) -> None:
    site_dir = copy_site("cac", tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler.localsite.server", str(site_dir), "--port", "0"],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert re.fullmatch(r"listening http://127\.0\.0\.1:\d+\n", line)
        base_url = line.split()[1]
        assert fetch(base_url + "/robots.txt").status == 200
    finally:
        process.terminate()
        returncode = process.wait(timeout=TIMEOUT)
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        process.stderr.close()
    assert returncode == 0


def test_serve_in_thread_serves_and_stops(tmp_path: Path) -> None:
    base_url, stop = serve_in_thread(copy_site("ftc", tmp_path), "ftc")
    try:
        assert fetch(base_url + "/feeds/press-release.xml").status == 200
    finally:
        stop()
    stop()  # a second stop is harmless
    with pytest.raises(OSError):
        fetch(base_url + "/robots.txt", timeout=2)


def test_files_are_served_as_raw_bytes_read_at_request_time(cac_site: LocalSite) -> None:
    path = "wxzw/wxfb/A093702index_1.htm"
    first = fetch(cac_site.url("/" + path))
    assert first.body == (cac_site.site_dir / path).read_bytes()
    assert first.headers["Content-Type"] == "text/html; charset=utf-8"
    assert int(first.headers["Content-Length"]) == len(first.body)
    (cac_site.site_dir / path).write_bytes(b"<html>replaced</html>")
    assert fetch(cac_site.url("/" + path)).body == b"<html>replaced</html>"


def test_head_answers_headers_without_body(cac_site: LocalSite) -> None:
    get = fetch(cac_site.url("/wxzw/wxfb/A093702index_1.htm"))
    head = fetch(cac_site.url("/wxzw/wxfb/A093702index_1.htm"), method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["Content-Length"] == str(len(get.body))
    assert head.headers["ETag"] == get.headers["ETag"]


def test_etag_and_last_modified_give_304_until_the_file_changes(cac_site: LocalSite) -> None:
    path = "/wxzw/hlwnrgl/A093704index_1.htm"
    first = fetch(cac_site.url(path))
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag and last_modified
    by_etag = fetch(cac_site.url(path), headers={"If-None-Match": etag})
    assert (by_etag.status, by_etag.body, by_etag.headers["ETag"]) == (304, b"", etag)
    assert fetch(cac_site.url(path), headers={"If-None-Match": "W/" + etag}).status == 304
    assert fetch(cac_site.url(path), headers={"If-Modified-Since": last_modified}).status == 304
    assert fetch(cac_site.url(path), headers={"If-None-Match": '"other"'}).status == 200

    cac_site.edit(path, "互联网内容管理</h3>", "互联网内容管理 </h3>")
    changed = fetch(cac_site.url(path), headers={"If-None-Match": etag})
    assert changed.status == 200 and changed.headers["ETag"] != etag
    assert fetch(cac_site.url(path), headers={"If-Modified-Since": last_modified}).status == 200


@pytest.mark.parametrize(
    ("if_none_match", "if_modified_since", "expected"),
    [
        ('"a"', None, True),
        ('"b", "a"', None, True),
        ("*", None, True),
        ('"b"', "Sat, 28 Nov 2026 16:00:00 GMT", False),  # If-None-Match wins
        (None, "Sat, 28 Nov 2026 16:00:00 GMT", True),
        (None, "Sat, 28 Nov 2026 15:59:59 GMT", False),
        (None, "not a date", False),
        (None, None, False),
    ],
)
def test_conditional_request_rules(
    if_none_match: str | None, if_modified_since: str | None, expected: bool
) -> None:
    modified = 1795881600.5  # 2026-11-28 16:00:00.5 UTC
    assert is_not_modified(if_none_match, if_modified_since, '"a"', modified) is expected


def test_hidden_and_escaping_paths_are_not_served(cac_site: LocalSite, tmp_path: Path) -> None:
    for path in ("/_site.toml", "/_faults/article.html", "/%2e%2e/%2e%2e/etc/passwd",
                 "/wxzw/../_site.toml", "/robots.txt.headers", "/no/such/page.htm"):
        assert fetch(cac_site.url(path)).status == 404, path
    (tmp_path / "outside.txt").write_text("secret")
    (cac_site.site_dir / "link.txt").symlink_to(tmp_path / "outside.txt")
    assert resolve(cac_site.site_dir, "/link.txt") is None


def test_query_selects_a_variant_file_or_is_ignored(ftc_site: LocalSite) -> None:
    base = "/news-events/news/press-releases"
    page0, page1 = fetch(ftc_site.url(base)), fetch(ftc_site.url(base + "?page=1"))
    assert page0.body != page1.body and b"views-row" in page1.body
    assert fetch(ftc_site.url(base + "?utm_source=x")).body == page0.body


def test_post_to_a_static_file_is_405(cac_site: LocalSite) -> None:
    assert fetch(cac_site.url("/robots.txt"), method="POST", body=b"").status == 405


def test_absolute_form_request_target_is_served(cac_site: LocalSite) -> None:
    connection = connect(cac_site.base_url)
    try:
        connection.request("GET", "http://www.cac.gov.cn/wxzw/wxfb/A093702index_1.htm")
        response = connection.getresponse()
        assert response.status == 200 and b"loadingInfoPage" in response.read()
    finally:
        connection.close()


def test_keep_alive_serves_several_requests_on_one_connection(cac_site: LocalSite) -> None:
    connection = connect(cac_site.base_url)
    try:
        statuses = []
        for method, target, body in (("GET", "/robots.txt", b"ignored body"),
                                     ("POST", "/cms/JsonList", b"channelCode=A093702&pageno=2"),
                                     ("GET", "/wxzw/wxfb/A093702index_1.htm", None)):
            headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
            connection.request(method, target, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
        assert statuses == [200, 200, 200]
    finally:
        connection.close()


def test_a_broken_row_file_answers_500(cac_site: LocalSite) -> None:
    (cac_site.site_dir / "cms/JsonList/A093702.json").write_text("{", encoding="utf-8")
    answer = post_form(cac_site.url("/cms/JsonList"), {"channelCode": "A093702"})
    assert answer.status == 500 and b"A093702.json" in answer.body


def test_concurrent_connections_are_served_while_one_hangs(cac_site: LocalSite) -> None:
    parts = urlsplit(cac_site.base_url)
    hanging = socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT)
    try:
        hanging.sendall(b"GET /_faults/hang HTTP/1.1\r\nHost: x\r\n\r\n")
        assert hanging.recv(12) == b"HTTP/1.1 200"
        urls = [cac_site.url(f"/wxzw/{p}") for p in ("wxfb/A093702index_1.htm",
                                                      "hlwnrgl/A093704index_1.htm",
                                                      "qinglang/A093711index_1.htm")] * 8
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda url: fetch(url).status, urls))
        assert statuses == [200] * len(urls)
    finally:
        hanging.close()


def test_stopping_the_server_ends_a_hanging_response(tmp_path: Path) -> None:
    base_url, stop = serve_in_thread(copy_site("cac", tmp_path), "cac")
    received: list[bytes] = []
    hanging = threading.Event()

    def read_until_closed() -> None:
        connection = connect(base_url, timeout=60)
        connection.request("GET", "/_faults/hang?interval=0.2")
        response = connection.getresponse()
        hanging.set()
        try:
            received.append(response.read())
        except http.client.IncompleteRead as cut:
            received.append(cut.partial)
        except ConnectionResetError:
            received.append(b"")
        connection.close()

    reader = threading.Thread(target=read_until_closed)
    reader.start()
    try:
        # Stop only once the hanging response has begun: a stop before the server
        # answered would test a refused request, not an ended response.
        assert hanging.wait(timeout=TIMEOUT)
        assert fetch(base_url + "/robots.txt").status == 200
    finally:
        stop()
    reader.join(timeout=15)
    assert not reader.is_alive()
    assert received and len(received[0]) < 1_000_000


# ------------------------------------------------------------------------------ stats and control


def test_stats_count_requests_per_path_and_reset(cac_site: LocalSite) -> None:
    for _ in range(3):
        fetch(cac_site.url("/wxzw/wxfb/A093702index_1.htm"))
    post_form(cac_site.url("/cms/JsonList"), {"channelCode": "A093702", "perPage": "20",
                                              "pageno": "2"})
    fetch(cac_site.url("/no-such-page"))
    stats = cac_site.stats()
    assert stats["paths"] == {"/wxzw/wxfb/A093702index_1.htm": 3, "/cms/JsonList": 1,
                              "/no-such-page": 1}
    assert stats["total"] == 5 and stats["statuses"] == {"200": 4, "404": 1}
    assert "/_stats" not in stats["paths"]
    cac_site.reset()
    assert cac_site.stats() == {"total": 0, "paths": {}, "targets": {}, "statuses": {}}


@pytest.mark.parametrize("name", ["cac", "miit", "samr", "ftc", "ec", "ico", "encodings"])
def test_every_copy_serves_robots_txt_that_disallows_something(
    serve_site: Callable[[str], LocalSite], name: str
) -> None:
    site = serve_site(name)
    robots = fetch(site.url("/robots.txt"))
    assert robots.status == 200
    assert robots.headers["Content-Type"].startswith("text/plain")
    assert re.search(rb"(?m)^User-agent: \*$", robots.body)
    assert re.search(rb"(?m)^Disallow: /\S+", robots.body)


def test_robots_can_be_switched_to_503(cac_site: LocalSite) -> None:
    cac_site.set_robots_unavailable(True)
    assert fetch(cac_site.url("/robots.txt")).status == 503
    cac_site.set_robots_unavailable(False)
    assert fetch(cac_site.url("/robots.txt")).status == 200
    (cac_site.site_dir / "_robots_503").touch()
    assert fetch(cac_site.url("/robots.txt")).status == 503


# ------------------------------------------------------------------------------------ CAC


def test_cac_list_pages_follow_the_real_markup(cac_site: LocalSite) -> None:
    for code, path in CAC_CHANNELS.items():
        page = fetch(cac_site.url(f"{path}{code}index_1.htm"))
        assert page.status == 200
        loading = page.text.split('<div id="loadingInfoPage">', 1)[1].split("</div>\n", 1)[0]
        items = CAC_LIST_ITEM.findall(page.text)
        assert len(items) == 20 == loading.count("<li>")
        assert len(re.findall(r'<div class="times">\d{4}-\d{2}-\d{2}</div></li>', loading)) == 20
        assert fetch(cac_site.url(f"{path}{code}index_2.htm")).status == 404


def test_cac_json_list_pages_agree_with_the_static_first_page(cac_site: LocalSite) -> None:
    for code, path in CAC_CHANNELS.items():
        listed = [url for url, _ in CAC_LIST_ITEM.findall(
            fetch(cac_site.url(f"{path}{code}index_1.htm")).text)]
        answer = post_form(cac_site.url("/cms/JsonList"),
                           {"channelCode": code, "perPage": "20", "pageno": "1"})
        assert answer.headers["Content-Type"].startswith("application/json")
        document = answer.json()
        assert isinstance(document, dict)
        assert [row["infourl"] for row in document["list"]] == listed
        assert 24 <= document["totalRec"] <= 45
        pages = [document["list"]]
        for page_number in range(2, 5):
            later = post_form(cac_site.url("/cms/JsonList"),
                              {"channelCode": code, "perPage": "20", "pageno": str(page_number)})
            pages.append(later.json()["list"])  # type: ignore[index]
        assert sum(len(page) for page in pages) == document["totalRec"]
        assert pages[-1] == []
        pubtimes = [row["pubtime"] for page in pages for row in page]
        assert pubtimes == sorted(pubtimes, reverse=True)
        assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", t) for t in pubtimes)


def test_cac_wxfb_has_a_third_api_page(cac_site: LocalSite) -> None:
    third = post_form(cac_site.url("/cms/JsonList"),
                      {"channelCode": "A093702", "perPage": "20", "pageno": "3"}).json()
    assert isinstance(third, dict) and third["list"]


def test_cac_json_list_answers_get_and_bad_parameters(cac_site: LocalSite) -> None:
    form = {"channelCode": "A093711", "perPage": "5", "pageno": "2"}
    by_post = post_form(cac_site.url("/cms/JsonList"), form)
    by_get = fetch(cac_site.url("/cms/JsonList?" + urlencode(form)))
    assert by_get.json() == by_post.json()
    assert len(by_get.json()["list"]) == 5  # type: ignore[index]
    unknown = fetch(cac_site.url("/cms/JsonList?channelCode=A099999&perPage=20&pageno=1"))
    assert unknown.json() == {"list": [], "totalRec": 0}
    assert fetch(cac_site.url("/cms/JsonList?channelCode=A093702&perPage=x")).status == 400


def test_cac_every_listed_article_exists_in_its_template(cac_site: LocalSite) -> None:
    seen: set[str] = set()
    for code in CAC_CHANNELS:
        rows = json.loads((cac_site.site_dir / "cms/JsonList" / f"{code}.json").read_text("utf-8"))
        for row in rows["list"]:
            if row["infourl"] in seen:
                continue
            seen.add(row["infourl"])
            page = fetch(cac_site.url(row["infourl"]))
            assert page.status == 200, row
            title = strip_tags(row["topic"])
            current = row["pubtime"] >= "2022"
            if current:
                assert f'<h1 class="title">{title}</h1>' in page.text
                stamp = "{}年{}月{}日 {}".format(row["pubtime"][:4], row["pubtime"][5:7],
                                               row["pubtime"][8:10], row["pubtime"][11:16])
                assert f'<span id="pubtime">{stamp}</span>' in page.text
                assert '<div class="main-content"><DIV id=BodyLabel>' in page.text
            else:
                assert f'<h1 id="title">{title}</h1>' in page.text
                assert f'<span id="pubtime">{row["pubtime"]}</span>' in page.text
                assert '<div id="content" class="content1">\n<div id="BodyLabel">' in page.text
            assert "Produced By CMS 网站群内容管理系统 publishdate:" in page.text
    assert len(seen) > 70
    assert any(url < "//www.cac.gov.cn/2022" for url in seen)


def test_cac_long_article_continues_on_a_second_page(cac_site: LocalSite) -> None:
    rows = json.loads((cac_site.site_dir / "cms/JsonList/A093704.json").read_text("utf-8"))
    summary = next(r for r in rows["list"] if strip_tags(r["topic"]).startswith("2023年全国网信系统"))
    first = fetch(cac_site.url(summary["infourl"])).text
    second_url = summary["infourl"].replace(".htm", "_2.htm")
    assert f'href="{second_url}"' in first
    second = fetch(cac_site.url(second_url))
    assert second.status == 200 and "中国知网" in second.text and "中国知网" not in first
    for platform in ("百度", "必应", "夸克浏览器", "抖音", "新浪微博", "腾讯微信", "快手", "网易",
                     "小红书", "拼多多", "淘宝", "大众点评"):
        assert platform in first, platform
    assert fetch(cac_site.url(summary["infourl"].replace(".htm", "_3.htm"))).status == 404


def test_cac_2023_summary_carries_the_real_figures() -> None:
    sources = SHARED_DIR / "reference" / "SOURCES.md"
    if not sources.is_file():
        pytest.skip(f"SOURCES.md not found at {sources.resolve()}")
    quote = next(line for line in sources.read_text("utf-8").splitlines()
                 if line.startswith("> 2023年"))
    figures = [n for n in re.findall(r"\d+", quote) if n != "2023"]
    assert len(figures) == 6
    page = next((SITES_DIR / "cac/2024-01/31").glob("c_*[0-9].htm")).read_text("utf-8")
    for figure in figures:
        assert figure in page, figure


def test_cac_period_summaries_use_their_metric_sets() -> None:
    rows = json.loads((SITES_DIR / "cac/cms/JsonList/A093704.json").read_text("utf-8"))["list"]
    by_title = {strip_tags(r["topic"]): r for r in rows}

    def body(title_start: str) -> str:
        row = next(r for t, r in by_title.items() if t.startswith(title_start))
        path = SITES_DIR / "cac" / row["infourl"].split("www.cac.gov.cn/", 1)[1]
        return path.read_text("utf-8").split("BodyLabel", 1)[1]

    for older in ("全国网信系统2020年", "2021年全国网信系统", "2022年全国网信系统"):
        text = body(older)
        assert all(metric in text for metric in ("警告", "罚款处罚", "移送相关案件线索")), older
        assert "关停小程序" not in text
    for newer in ("2023年全国网信系统", "2024年上半年", "2025年一季度"):
        figures = next(p for p in body(newer).split("</p>") if "约谈网站" in p)
        assert "关停小程序" in figures and "警告" not in figures, newer


# ------------------------------------------------------------------------------------ MIIT


def miit_query_data(page: str) -> dict[str, str]:
    raw = re.search(r'<script parseType="bulidstatic"[^>]* url="([^"]+)" queryData="([^"]+)"',
                    page)
    assert raw is not None and raw.group(1) == JPAAS
    return parse_param_json(raw.group(2))


def test_miit_column_page_sets_the_cookie_the_api_wants(miit_site: LocalSite) -> None:
    column = fetch(miit_site.url(MIIT_COLUMN))
    assert column.status == 200
    cookie = column.headers["Set-Cookie"]
    assert cookie.startswith("__jsluid_s=")
    query = miit_query_data(column.text)
    assert query["parseType"] == "bulidstatic" and query["webId"] and query["pageId"]
    api_url = miit_site.url(f"{JPAAS}?{jpaas_params(query['pageId'], query['webId'], 1)}")

    refused = fetch(api_url)
    assert refused.status == 521 and b"document.cookie" in refused.body
    assert fetch(api_url, headers={"Cookie": "__jsluid_s=forged"}).status == 521

    answer = fetch(api_url, headers={"Cookie": cookie.split(";", 1)[0]})
    assert answer.status == 200
    document = answer.json()
    assert isinstance(document, dict)
    fragment = document["data"]["html"]
    rows = re.findall(r'<li><a href="(/jgsj/xgj/APPqhyhqyzxzzxd/tzgg/art/\d{4}/art_[0-9a-f]{32}'
                      r'\.html)" target="_blank" title="([^"]+)">[^<]+</a><span>(\d{4}-\d{2}-\d{2})'
                      r"</span></li>", fragment)
    assert fragment.startswith("<ul>") and len(rows) == 20
    again = fetch(api_url, headers={"Cookie": cookie.split(";", 1)[0]})
    assert "Set-Cookie" not in again.headers
    second = fetch(miit_site.url(f"{JPAAS}?{jpaas_params(query['pageId'], query['webId'], 2)}"),
                   headers={"Cookie": cookie.split(";", 1)[0]}).json()
    assert isinstance(second, dict) and 0 < second["data"]["html"].count("<li>") < 20

    for href, title, date in rows[:5]:
        article = fetch(miit_site.url(href)).text
        assert f'<meta name="ArticleTitle" content="{title}">' in article
        assert f'<meta name="PubDate" content="{date}' in article
        assert '<meta name="ContentSource" content="' in article
        assert f'<h1 id="con_title">{title}</h1>' in article
        assert f'<span id="con_time">发布时间：{date}' in article
        assert '<div id="con_con" class="ccontent center">' in article


def test_miit_removal_notice_links_pdf_and_docx_attachments(miit_site: LocalSite) -> None:
    article = next(p for p in (miit_site.site_dir / "jgsj").rglob("art_*.html")
                   if "尚有21款APP未完成整改" in p.read_text("utf-8"))
    links = re.findall(r'href="(/cms_files/filemanager/[^"]+\.(pdf|docx))"', article.read_text("utf-8"))
    assert {kind for _, kind in links} == {"pdf", "docx"}
    for link, kind in links:
        attachment = fetch(miit_site.url(link))
        assert attachment.status == 200
        if kind == "pdf":
            assert attachment.headers["Content-Type"] == "application/pdf"
            assert attachment.body.startswith(b"%PDF-")
        else:
            assert attachment.headers["Content-Type"].endswith("wordprocessingml.document")
            assert attachment.body.startswith(b"PK")


def test_jpaas_param_json_accepts_json_and_python_literals() -> None:
    assert parse_param_json('{"pageNo":2,"pageSize":20}') == {"pageNo": 2, "pageSize": 20}
    assert parse_param_json("{'pageNo': 2, 'pageSize': 50}") == {"pageNo": 2, "pageSize": 50}
    assert parse_param_json("not json") == {}
    assert parse_param_json(None) == {}


# ------------------------------------------------------------------------------------ SAMR


def test_samr_api_rows_and_articles(samr_site: LocalSite) -> None:
    column = fetch(samr_site.url("/xw/zj/index.html")).text
    query = miit_query_data(column)
    assert query["pageId"] == "39cd9de1f309431483ef3008309f39ca"
    params = urlencode({**query, "paramJson": "{'pageNo': 1, 'pageSize': 20}"})
    document = fetch(samr_site.url(f"{JPAAS}?{params}")).json()
    assert isinstance(document, dict) and document["success"] is True
    rows = re.findall(r'<li class="nav04Left02_content"><a href="([^"]+)" target="_blank" '
                      r'title="([^"]+)">[^<]+</a></li><li class="nav04Left02_contenttime">'
                      r"(\d{4}-\d{2}-\d{2})</li>", document["data"]["html"])
    assert len(rows) == 20
    for href, title, date in rows[:5]:
        article = fetch(samr_site.url(href)).text
        assert f'<meta name="ArticleTitle" content="{title}">' in article
        assert f'<meta name="PubDate" content="{date}' in article
        assert '<div class="Three_xilan_07" id="zoom">' in article
    wrong_web = fetch(samr_site.url(f"{JPAAS}?pageId={query['pageId']}&webId=0")).json()
    assert wrong_web == {"success": False, "code": 500, "message": "页面不存在", "data": None}


# ------------------------------------------------------------------------------ FTC, EC, ICO


def rss_items(body: bytes) -> list[tuple[str, str]]:
    from xml.etree import ElementTree

    channel = ElementTree.fromstring(body).find("channel")
    assert channel is not None
    return [(item.findtext("title", ""), item.findtext("link", ""))
            for item in channel.findall("item")]


def test_ftc_feed_links_to_drupal_article_pages(ftc_site: LocalSite) -> None:
    feed = fetch(ftc_site.url("/feeds/press-release.xml"))
    assert feed.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    items = rss_items(feed.body)
    assert len(items) >= 10
    for title, link in items:
        assert link.startswith("https://www.ftc.gov/news-events/news/press-releases/")
        page = fetch(ftc_site.url(link))
        assert page.status == 200, link
        assert re.search(r'<h1[^>]*><span class="field field--name-title[^"]*">'
                         + re.escape(title.replace("'", "&#x27;")) + "</span></h1>", page.text)
        assert re.search(r'<time datetime="\d{4}-\d{2}-\d{2}T', page.text)
        assert 'class="node__content"' in page.text and "field--name-body" in page.text


def test_ftc_list_page_has_views_rows_and_a_pager(ftc_site: LocalSite) -> None:
    base = "/news-events/news/press-releases"
    first = fetch(ftc_site.url(base)).text
    rows = re.findall(r'<div class="views-row">.*?<h3 class="node-title"><a href="([^"]+)"'
                      r'.*?<time datetime="([^"]+)"', first, re.DOTALL)
    assert len(rows) == 10 and 'rel="next"' in first
    assert all(fetch(ftc_site.url(href)).status == 200 for href, _ in rows)
    last = fetch(ftc_site.url(base + "?page=1")).text
    assert "views-row" in last and 'rel="next"' not in last
    assert "views-row" not in fetch(ftc_site.url(base + "?page=2")).text


def test_ec_feed_and_press_corner_detail_pages(ec_site: LocalSite) -> None:
    feed = fetch(ec_site.url("/commission/presscorner/api/rss?language=en"))
    assert feed.status == 200
    assert feed.headers["Content-Type"].startswith("application/rss+xml")
    items = rss_items(feed.body)
    links = [link for _, link in items]
    assert "https://ec.europa.eu/commission/presscorner/detail/en/ip_24_1161" in links
    for title, link in items:
        page = fetch(ec_site.url(link)).text
        assert f'<h1 class="ecl-page-header__title">{title.replace(chr(39), "&#x27;")}</h1>' in page
        assert re.search(r'<time datetime="\d{4}-\d{2}-\d{2}">', page)
        assert '<div class="ecl-paragraph">' in page
    assert "IP/24/1161" in fetch(ec_site.url(links[links.index(
        "https://ec.europa.eu/commission/presscorner/detail/en/ip_24_1161")])).text
    assert fetch(ec_site.url("/commission/presscorner/api/rss")).status == 404


def test_ico_search_api_pages_and_articles(ico_site: LocalSite) -> None:
    def search(page: int, order: str = "newest") -> dict[str, object]:
        body = json.dumps({"rootPageId": 17222, "pageNumber": page, "order": order,
                           "filters": []}).encode("utf-8")
        answer = fetch(ico_site.url("/api/search"), "POST",
                       {"Content-Type": "application/json"}, body)
        assert answer.status == 200
        document = answer.json()
        assert isinstance(document, dict)
        return document

    first, second = search(1), search(2)
    assert first["pagination"] == {"pageNumber": 1, "pageSize": 10, "totalPages": 2,
                                   "totalResults": 12}
    results = first["results"] + second["results"]  # type: ignore[operator]
    assert len(results) == 12 and search(3)["results"] == []
    dates = [r["date"] for r in results]
    assert dates == sorted(dates, reverse=True)
    assert search(1, "oldest")["results"][0]["date"] == min(dates)  # type: ignore[index]
    for result in results:
        assert re.fullmatch(r"/action-weve-taken/enforcement/[a-z0-9-]+/", result["url"])
        page = fetch(ico_site.url(result["url"])).text
        assert '<div class="rich-text">\n<p>' in page
        assert f'<time datetime="{result["date"]}">' in page
    assert fetch(ico_site.url("/api/search")).status == 405
    bad = fetch(ico_site.url("/api/search"), "POST", {"Content-Type": "application/json"}, b"{")
    assert bad.status == 400


# ------------------------------------------------------------------------------ encodings


def test_encodings_site_serves_each_declared_charset_over_the_true_bytes(
    encodings_site: LocalSite,
) -> None:
    manifest = json.loads((encodings_site.site_dir / "_manifest.json").read_text("utf-8"))
    assert {e["encoding"] for e in manifest} == {"gbk", "gb2312", "gb18030", "big5", "utf-8"}
    index = fetch(encodings_site.url("/xxgk/index.html")).text
    lies = 0
    for entry in manifest:
        assert f'href="{entry["path"]}"' in index
        answer = fetch(encodings_site.url(entry["path"]))
        assert answer.headers["Content-Type"] == entry["header_content_type"]
        true_text = answer.body.decode("utf-8-sig" if entry["bom"] else entry["encoding"])
        assert entry["title"] in true_text
        assert all(phrase in true_text for phrase in entry["phrases"])
        declared = re.search(r"charset=([\w-]+)", entry["header_content_type"])
        if declared is not None and not entry["bom"]:
            as_declared = answer.body.decode(declared.group(1), errors="replace")
            if entry["title"] not in as_declared or not all(p in as_declared for p in entry["phrases"]):
                lies += 1
    assert lies >= 5
    gb18030 = next(e for e in manifest if e["path"].endswith("/gb18030.html"))
    with pytest.raises(UnicodeDecodeError):
        (encodings_site.site_dir / gb18030["path"].lstrip("/")).read_bytes().decode("gbk")


# ------------------------------------------------------------------------------------ faults


@pytest.mark.parametrize(("fault", "status", "retry_after"),
                         [("503-then-200", 503, "1"), ("429", 429, "2")])
def test_fault_fails_then_clears_per_name(
    cac_site: LocalSite, fault: str, status: int, retry_after: str
) -> None:
    first = fetch(cac_site.url(f"/_faults/{fault}/a"))
    assert (first.status, first.headers["Retry-After"]) == (status, retry_after)
    assert fetch(cac_site.url(f"/_faults/{fault}/b")).status == status
    cleared = fetch(cac_site.url(f"/_faults/{fault}/a"))
    assert cleared.status == 200 and '<h1 class="title">' in cleared.text
    assert fetch(cac_site.url(f"/_faults/{fault}/a")).status == 200
    assert [fetch(cac_site.url(f"/_faults/{fault}/c?fails=2")).status for _ in range(3)] == [
        status, status, 200]
    cac_site.reset()
    assert fetch(cac_site.url(f"/_faults/{fault}/a")).status == status


def test_fault_article_uses_the_sites_own_template(miit_site: LocalSite) -> None:
    fetch(miit_site.url("/_faults/503-then-200/x"))
    assert '<h1 id="con_title">' in fetch(miit_site.url("/_faults/503-then-200/x")).text


def test_fault_hang_sends_headers_then_never_finishes(cac_site: LocalSite) -> None:
    connection = connect(cac_site.base_url, timeout=1.5)
    try:
        connection.request("GET", "/_faults/hang")
        response = connection.getresponse()
        assert response.status == 200
        assert int(response.headers["Content-Length"]) == 1_000_000
        with pytest.raises(TimeoutError):
            response.read()
    finally:
        connection.close()


def test_fault_truncated_body_is_shorter_than_its_content_length(cac_site: LocalSite) -> None:
    with pytest.raises(http.client.IncompleteRead) as cut:
        fetch(cac_site.url("/_faults/truncated"))
    assert cut.value.partial and (cut.value.expected or 0) > 0


def test_fault_gzip_bomb_inflates_to_a_gibibyte(cac_site: LocalSite) -> None:
    answer = fetch(cac_site.url("/_faults/gzip-bomb"), timeout=30)
    assert answer.headers["Content-Encoding"] == "gzip"
    assert len(answer.body) < 2 * 1024 * 1024
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    inflated, pending = 0, answer.body
    while pending:
        chunk = inflater.decompress(pending, 1 << 24)
        assert chunk.count(0) == len(chunk)
        inflated += len(chunk)
        pending = inflater.unconsumed_tail
    assert inflater.eof and inflated == faults.GZIP_BOMB_SIZE == 1 << 30  # eof checked the CRC


def test_fault_redirects_point_at_private_addresses(cac_site: LocalSite) -> None:
    port = urlsplit(cac_site.base_url).port
    assert port is not None
    loopback = fetch(cac_site.url("/_faults/redirect-loopback"))
    assert loopback.status == 302
    location = urlsplit(loopback.headers["Location"])
    assert location.hostname == "127.0.0.1" and location.port != port
    metadata = fetch(cac_site.url("/_faults/redirect-metadata"))
    assert (metadata.status, metadata.headers["Location"]) == (
        302, "http://169.254.169.254/latest/meta-data/")


@pytest.mark.parametrize(("path", "declared"), [("lying-charset", "utf-8"),
                                               ("lying-charset/utf-8", "utf-8"),
                                               ("lying-charset/iso-8859-1", "ISO-8859-1")])
def test_fault_lying_charset_is_gbk_under_another_name(
    cac_site: LocalSite, path: str, declared: str
) -> None:
    answer = fetch(cac_site.url(f"/_faults/{path}"))
    assert answer.headers["Content-Type"] == f"text/html; charset={declared}"
    assert f'charset={declared}">'.encode("ascii") in answer.body
    text = answer.body.decode("gbk")
    assert faults.LYING_CHARSET_TITLE in text and faults.LYING_CHARSET_PHRASE in text
    assert faults.LYING_CHARSET_TITLE not in answer.body.decode(declared, errors="replace")


def test_fault_empty_list_uses_each_sites_list_shape(
    serve_site: Callable[[str], LocalSite],
) -> None:
    cac = fetch(serve_site("cac").url("/_faults/empty-list")).text
    loading = cac.split('<div id="loadingInfoPage">', 1)[1].split("</div>", 1)[0]
    assert "<ul" in loading and "<li" not in loading
    miit = fetch(serve_site("miit").url("/_faults/empty-list")).json()
    assert miit["data"]["html"] == "<ul></ul>"  # type: ignore[index]
    ec = fetch(serve_site("ec").url("/_faults/empty-list"))
    assert ec.headers["Content-Type"].startswith("application/rss+xml") and not rss_items(ec.body)
    generic = fetch(serve_site("encodings").url("/_faults/empty-list"))
    assert '<div id="loadingInfoPage">' in generic.text


def test_fault_bot_walls(cac_site: LocalSite) -> None:
    challenge = fetch(cac_site.url("/_faults/challenge-521"))
    assert challenge.status == 521 and b"document.cookie" in challenge.body
    ruishu = fetch(cac_site.url("/_faults/challenge-412"))
    assert ruishu.status == 412 and b"$_ts" in ruishu.body
    interstitial = fetch(cac_site.url("/_faults/interstitial-200"))
    assert interstitial.status == 200 and b"enable JavaScript" in interstitial.body
    listing = fetch(cac_site.url("/_faults/")).json()
    assert isinstance(listing, dict) and "gzip-bomb" in listing["faults"]
    assert fetch(cac_site.url("/_faults/no-such-fault")).status == 404


# ------------------------------------------------------------------------------------ demo


def test_demo_change_adds_a_notice_and_moves_a_figure(demo_site: LocalSite) -> None:
    list_url = demo_site.url("/wxzw/hlwnrgl/A093704index_1.htm")
    api = {"channelCode": "A093704", "perPage": "20", "pageno": "1"}
    before_list = fetch(list_url)
    before_rows = post_form(demo_site.url("/cms/JsonList"), api).json()["list"]  # type: ignore[index]
    assert len(CAC_LIST_ITEM.findall(before_list.text)) == len(before_rows) == 6
    summary_url = next(r["infourl"] for r in before_rows if r["topic"].startswith("2023年"))
    untouched_url = before_rows[-1]["infourl"]
    summary = fetch(demo_site.url(summary_url))
    untouched = fetch(demo_site.url(untouched_url))
    assert "下架移动应用程序259款" in summary.text

    change = apply_demo_change(demo_site.site_dir)

    after_list = fetch(list_url, headers={"If-None-Match": before_list.headers["ETag"]})
    assert after_list.status == 200
    items = CAC_LIST_ITEM.findall(after_list.text)
    assert len(items) == 7 and items[0] == (change.new_notice_url, change.new_notice_title)
    after_rows = post_form(demo_site.url("/cms/JsonList"), api).json()
    assert after_rows["totalRec"] == 7  # type: ignore[index]
    assert after_rows["list"][0]["infourl"] == change.new_notice_url  # type: ignore[index]
    new_page = fetch(demo_site.url(change.new_notice_url))
    assert f'<h1 class="title">{change.new_notice_title}</h1>' in new_page.text
    edited = fetch(demo_site.url(summary_url), headers={"If-None-Match": summary.headers["ETag"]})
    assert edited.status == 200
    assert "下架移动应用程序261款" in edited.text and "259" not in edited.text
    assert fetch(demo_site.url(untouched_url),
                 headers={"If-None-Match": untouched.headers["ETag"]}).status == 304

    snapshot = {p: p.read_bytes() for p in demo_site.site_dir.rglob("*") if p.is_file()}
    assert apply_demo_change(demo_site.site_dir) == change
    assert {p: p.read_bytes() for p in demo_site.site_dir.rglob("*") if p.is_file()} == snapshot


# ------------------------------------------------------------------ selectors from SOURCES.md


def test_copies_answer_the_selectors_sources_md_names() -> None:
    from parsel import Selector

    def page(relative: str) -> Selector:
        return Selector(text=(SITES_DIR / relative).read_text("utf-8"))

    cac_list = page("cac/wxzw/qinglang/A093711index_1.htm")
    items = cac_list.css("#loadingInfoPage li")
    assert len(items) == 20
    assert all(i.css("h5 a::attr(href)").get("").startswith("//www.cac.gov.cn/") for i in items)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", i.css(".times::text").get("")) for i in items)

    rows = json.loads((SITES_DIR / "cac/cms/JsonList/A093704.json").read_text("utf-8"))["list"]
    current = next(r for r in rows if r["pubtime"] >= "2022")
    older = next(r for r in rows if r["pubtime"] < "2022")
    for row, title_css in ((current, "h1.title::text"), (older, "h1#title::text")):
        article = page("cac/" + row["infourl"].split("www.cac.gov.cn/", 1)[1])
        assert article.css(title_css).get() == strip_tags(row["topic"])
        assert article.css("#pubtime::text").get()
        assert article.css("#BodyLabel p")
        assert article.css("#source a::text").get()
    assert page("cac/" + older["infourl"].split("www.cac.gov.cn/", 1)[1]).css(
        "div#content.content1 > div#BodyLabel")

    miit_column = page("miit/jgsj/xgj/APPqhyhqyzxzzxd/tzgg/index.html")
    assert miit_column.css("script[parseType=bulidstatic]::attr(querydata)").get()
    miit_article = Selector(text=next((SITES_DIR / "miit/jgsj").rglob("art_*.html")).read_text("utf-8"))
    for css in ("meta[name=ArticleTitle]::attr(content)", "meta[name=PubDate]::attr(content)",
                "meta[name=ContentSource]::attr(content)", "#con_title::text", "#con_time::text"):
        assert miit_article.css(css).get(), css
    assert miit_article.css("div#con_con.ccontent p")

    samr_article = Selector(text=next((SITES_DIR / "samr/xw").rglob("art_*.html")).read_text("utf-8"))
    assert samr_article.css("div.Three_xilan_07#zoom p")
    assert samr_article.css("meta[name=PubDate]::attr(content)").get()

    ftc_list = page("ftc/news-events/news/press-releases/index.html")
    assert len(ftc_list.css(".views-row h3 a::attr(href)")) == 10
    assert len(ftc_list.css(".views-row time::attr(datetime)")) == 10
    ico_article = page("ico/action-weve-taken/enforcement/23andme-inc/index.html")
    assert "£2.31 million" in " ".join(ico_article.css(".rich-text p::text").getall())


# ------------------------------------------------------------------------------ real pages


def test_real_cac_page_has_the_list_markup_the_copies_use() -> None:
    require_shared()
    real = (REAL_PAGES / "cac-home-2026-09-07.html").read_text("utf-8")
    assert len(CAC_LIST_ITEM.findall(real)) >= 10
    ours = (SITES_DIR / "cac/wxzw/wxfb/A093702index_1.htm").read_text("utf-8")
    assert "Produced By CMS 网站群内容管理系统 publishdate:" in real
    assert "Produced By CMS 网站群内容管理系统 publishdate:" in ours


def test_real_page_with_crlf_is_served_byte_for_byte(tmp_path: Path) -> None:
    require_shared()
    real = REAL_PAGES / "cac-search-2021.html"
    site_dir = tmp_path / "search"
    site_dir.mkdir()
    (site_dir / "result.html").write_bytes(real.read_bytes())
    base_url, stop = serve_in_thread(site_dir, "generic")
    try:
        answer = fetch(base_url + "/result.html")
    finally:
        stop()
    assert answer.body == real.read_bytes() and b"\r\n" in answer.body
    assert answer.headers["Content-Type"] == "text/html"
