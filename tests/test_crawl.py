"""End to end: `regwatch crawl` against local copies of the real sites, served on loopback.

Each crawl is a real child process (Scrapy's reactor runs once per process), writing a real
SQLite archive; the site copies keep the real markup (unquoted attributes, protocol-relative
links, JSON list APIs, the MIIT cookie step, GBK pages).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import archive
from storage.db import open_archive, session_factory
from storage.events import EventFilters, list_events
from storage.models import (
    ChangeEvent,
    CrawlRun,
    FetchProblem,
    Notice,
    NoticeListing,
    NoticeVersion,
    PlatformMention,
    Source,
)
from storage.platforms import platform_summaries
from storage.sources import source_overviews
from tests.sites import LocalSite

REPO_ROOT = Path(__file__).resolve().parents[1]


class Crawler:
    """Runs `regwatch crawl` in a child process against one config and one archive."""

    def __init__(self, tmp_path: Path) -> None:
        self.config = tmp_path / "regwatch.toml"
        self.database_url = f"sqlite:///{tmp_path / 'archive.db'}"
        self.config.write_text("", encoding="utf-8")

    def configure(self, text: str) -> None:
        self.config.write_text(text, encoding="utf-8")

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "cli", "--config", str(self.config),
                "--database-url", self.database_url, *args]

    def run(self, *args: str, timeout: float = 240) -> tuple[int, dict[str, Any], str]:
        finished = subprocess.run(self.command("crawl", "--json", *args), capture_output=True,
                                  text=True, timeout=timeout, cwd=REPO_ROOT, check=False)
        try:
            result = json.loads(finished.stdout) if finished.stdout.strip() else {}
        except ValueError:
            pytest.fail(f"crawl printed no JSON:\n{finished.stdout}\n{finished.stderr[-4000:]}")
        return finished.returncode, result, finished.stderr

    def session(self) -> Session:
        return session_factory(open_archive(self.database_url))()


@pytest.fixture
def crawler(tmp_path: Path) -> Crawler:
    return Crawler(tmp_path)


def mirror(source_id: str, site: LocalSite, **fields: object) -> str:
    """Config pointing a built-in source at a local copy, without the politeness delay."""
    values = {"base_url": site.base_url, "delay": 0, **fields}
    lines = [f"[sources.{source_id}]"] + [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    return "\n".join(lines) + "\n"


def json_rows(site: LocalSite, channel: str) -> list[dict[str, str]]:
    path = site.site_dir / "cms" / "JsonList" / f"{channel}.json"
    rows: list[dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))["list"]
    return rows


def article_requests(site: LocalSite) -> int:
    paths = site.stats()["paths"]
    return sum(count for path, count in paths.items() if path.endswith(".htm")
               and "index" not in path)


# --- CAC ----------------------------------------------------------------------------------


def test_cac_channel_is_archived_from_static_page_and_json_api(
    crawler: Crawler, cac_site: LocalSite
) -> None:
    crawler.configure(mirror("cac-wxfb", cac_site))
    code, result, stderr = crawler.run("cac-wxfb")
    rows = json_rows(cac_site, "A093702")
    assert code == 0, stderr[-3000:]
    counts = result["cac-wxfb"]
    assert counts["status"] == "ok", counts["problems"]
    assert counts["new"] == len(rows) and counts["failed"] == 0
    # Pages 2 and 3 came from the JSON API; index_2.htm was never asked for.
    assert cac_site.requests_to("/cms/JsonList") >= 2
    assert cac_site.requests_to("/wxzw/wxfb/A093702index_2.htm") == 0
    with crawler.session() as session:
        notices = session.scalars(select(Notice)).all()
        assert len(notices) == len(rows)
        assert all(n.published_at is not None and n.published_at.tzinfo for n in notices)
        # The regulator's URLs, with the mirror's beside them.
        assert all(n.url.startswith("https://www.cac.gov.cn/") for n in notices)
        assert all(n.fetched_url == cac_site.url(n.url) for n in notices)
        assert all("<" not in n.title and n.title for n in notices)
        texts = {n.title: archive.latest_version(session, n.id).text for n in notices}  # type: ignore[union-attr]
    summary = next(text for title, text in texts.items() if "2023年" in title and "执法" in title)
    # The yearly summary continues on c_…_2.htm; both parts are one version.
    assert "10646" in summary and "中国知网" in summary


def test_older_and_current_article_templates_both_read(
    crawler: Crawler, cac_site: LocalSite
) -> None:
    crawler.configure(mirror("cac-hlwnrgl", cac_site))
    code, _, stderr = crawler.run("cac-hlwnrgl")
    assert code == 0, stderr[-3000:]
    with crawler.session() as session:
        years = {n.published_at.year for n in session.scalars(select(Notice))}  # type: ignore[union-attr]
        bodies = session.scalars(select(NoticeVersion.text)).all()
    assert min(years) <= 2021 and max(years) >= 2024  # both templates are in this channel
    assert all(len(body) > 20 for body in bodies)


def test_recrawl_of_an_unchanged_site_adds_nothing_and_fetches_no_notice(
    crawler: Crawler, cac_site: LocalSite
) -> None:
    crawler.configure(mirror("cac-qinglang", cac_site))
    code, first, _ = crawler.run("cac-qinglang")
    assert code == 0
    # More than ten new notices: the archive writer process stored those past the tenth.
    assert first["cac-qinglang"]["new"] > 10
    with crawler.session() as session:
        before = archive.count_rows(session)
        assert archive_writer_started(session)
    cac_site.reset()
    code, result, stderr = crawler.run("cac-qinglang")
    assert code == 0, stderr[-3000:]
    counts = result["cac-qinglang"]
    assert (counts["new"], counts["changed"], counts["failed"]) == (0, 0, 0)
    # Page 1 (twenty notices, all known) shows there is nothing new: no further page is read.
    assert counts["unchanged"] == 20
    assert cac_site.requests_to("/cms/JsonList") == 0
    with crawler.session() as session:
        after = archive.count_rows(session)
    assert {k: v for k, v in after.items() if k != "crawl_runs"} == {
        k: v for k, v in before.items() if k != "crawl_runs"}
    assert article_requests(cac_site) == 0
    assert cac_site.stats()["total"] <= 3  # robots.txt and the list page (page 1 holds nothing new)
    with crawler.session() as session:
        # Nothing to store: the re-check never started a writer process.
        assert not archive_writer_started(session)
        run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(1)).one()
    # The known notices are not due: left alone without a request made for any of them (the
    # scheduler saw the list page only), counted as not due.
    assert run.stats["crawl/not_due"] == 20
    assert run.stats["scheduler/enqueued"] == 1


def archive_writer_started(session: Session) -> bool:
    """Whether the latest crawl run handed notices to an archive writer process."""
    run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(1)).one()
    return "store/writer_cpu_seconds" in run.stats


def test_editing_one_page_adds_exactly_one_version_and_one_figure_event(
    crawler: Crawler, cac_site: LocalSite
) -> None:
    crawler.configure(mirror("cac-wxfb", cac_site))
    assert crawler.run("cac-wxfb")[0] == 0
    summary_row = next(r for r in json_rows(cac_site, "A093702") if "2023年" in r["topic"]
                       and "执法" in r["topic"])
    page = "/" + summary_row["infourl"].split("/", 3)[3]
    cac_site.edit(page, "下架移动应用程序259款", "下架移动应用程序261款")
    with crawler.session() as session:
        versions_before = session.scalar(select(func.count()).select_from(NoticeVersion))
    code, result, stderr = crawler.run("cac-wxfb", "--refetch")
    assert code == 0, stderr[-3000:]
    counts = result["cac-wxfb"]
    assert counts["changed"] == 1 and counts["new"] == 0
    assert counts["not_modified"] == counts["unchanged"] - 0 >= 40  # the rest answered 304
    with crawler.session() as session:
        assert session.scalar(select(func.count()).select_from(NoticeVersion)) == (
            versions_before + 1)
        changed = session.scalars(
            select(ChangeEvent).where(ChangeEvent.kind == "figure_changed")).all()
    assert len(changed) == 1
    assert changed[0].payload["old"]["value"] == 259 and changed[0].payload["new"]["value"] == 261
    assert "259" in changed[0].summary_en and "261" in changed[0].summary_en


# --- one notice, however many lists show it ------------------------------------------------


def shared_cac_urls(site: LocalSite) -> list[str]:
    """The regulator URLs both 网信发布 and 互联网内容管理 list in the local copy."""
    wxfb = {row["infourl"] for row in json_rows(site, "A093702")}
    return sorted("https:" + row["infourl"] for row in json_rows(site, "A093704")
                  if row["infourl"] in wxfb)


def test_a_notice_two_channels_list_is_one_notice_one_result_one_set_of_events(
    crawler: Crawler, cac_site: LocalSite
) -> None:
    crawler.configure(mirror("cac-wxfb", cac_site) + mirror("cac-hlwnrgl", cac_site))
    code, _, stderr = crawler.run("cac-wxfb", "cac-hlwnrgl")
    assert code == 0, stderr[-3000:]
    shared = shared_cac_urls(cac_site)
    assert len(shared) == 4
    rows = {r["infourl"] for c in ("A093702", "A093704") for r in json_rows(cac_site, c)}
    with crawler.session() as session:
        notices = session.scalars(select(Notice)).all()
        assert len(notices) == len(rows)
        by_url = {n.url: n for n in notices}
        listings = session.scalars(select(NoticeListing)).all()
        for url in shared:
            notice = by_url[url]
            assert {(x.source_id, x.url) for x in listings if x.notice_id == notice.id} == {
                ("cac-wxfb", url), ("cac-hlwnrgl", url)}
            assert len(archive.versions(session, notice.id)) == 1
            kinds = session.scalars(select(ChangeEvent.kind).where(
                ChangeEvent.notice_id == notice.id)).all()
            assert kinds.count("notice_new") == 1
            # A source filter matches a notice of any list that shows it.
            for source_id in ("cac-wxfb", "cac-hlwnrgl"):
                assert archive.get_notice(session, url, source_id=source_id) is not None
                # A first crawl's events are its baseline: asked for here, as they are all.
                events = list_events(session, EventFilters(source_id=source_id, baseline=True),
                                     limit=1000)
                assert {e.id for e in events if e.notice_id == notice.id} == set(
                    session.scalars(select(ChangeEvent.id).where(
                        ChangeEvent.notice_id == notice.id)))
        # Each platform counted once per notice: as many notices as distinct notices naming it.
        for summary in platform_summaries(session):
            named = session.scalar(
                select(func.count(func.distinct(PlatformMention.notice_id)))
                .where(PlatformMention.platform_id == summary.platform_id))
            assert summary.notices == named
        assert {o.source.id: o.notices for o in source_overviews(session)} == {
            "cac-wxfb": len(json_rows(cac_site, "A093702")),
            "cac-hlwnrgl": len(json_rows(cac_site, "A093704"))}
        title = by_url[shared[0]].title
    for source in ((), ("--source", "cac-wxfb"), ("--source", "cac-hlwnrgl")):
        found = subprocess.run(crawler.command("search", f'"{title}"', "--json", *source),
                               capture_output=True, text=True, cwd=REPO_ROOT, check=True)
        hits = [hit for hit in json.loads(found.stdout)["notices"] if hit["url"] == shared[0]]
        assert len(hits) == 1, (source, found.stdout[:2000])
    # The regulator's URL finds the notice crawled from the local copy, and so does the copy's.
    for url in (shared[0], cac_site.url(shared[0])):
        shown = subprocess.run(crawler.command("show", url, "--json"), capture_output=True,
                               text=True, cwd=REPO_ROOT, check=False)
        assert shown.returncode == 0, shown.stderr[-2000:]
        document = json.loads(shown.stdout)
        assert document["url"] == shared[0] and document["fetched_url"] == cac_site.url(shared[0])
        assert document["sources"] == ["cac-hlwnrgl", "cac-wxfb"]


def test_a_crawl_with_base_url_archives_the_regulators_urls(
    crawler: Crawler, cac_site: LocalSite
) -> None:
    crawler.configure('[sources.cac-qinglang]\ndelay = 0\n')
    code, _, stderr = crawler.run("cac-qinglang", "--base-url", cac_site.base_url)
    assert code == 0, stderr[-3000:]
    regulator_url = "https:" + json_rows(cac_site, "A093711")[0]["infourl"]
    shown = subprocess.run(crawler.command("show", regulator_url, "--json"),
                           capture_output=True, text=True, cwd=REPO_ROOT, check=False)
    assert shown.returncode == 0, shown.stderr[-2000:]
    document = json.loads(shown.stdout)
    assert document["url"] == regulator_url
    assert document["fetched_url"] == cac_site.url(regulator_url)
    with crawler.session() as session:
        assert all(url.startswith("https://www.cac.gov.cn/")
                   for url in session.scalars(select(Notice.url)))
        assert session.scalars(select(Source.base_url)).all() == ["https://www.cac.gov.cn"]


def test_a_notice_moved_to_a_new_path_stays_one_notice(
    crawler: Crawler, cac_site: LocalSite
) -> None:
    crawler.configure(mirror("cac-qinglang", cac_site))
    assert crawler.run("cac-qinglang")[0] == 0
    old = "//www.cac.gov.cn/2026-11/25/c_1795618800413557.htm"
    new = "//www.cac.gov.cn/2026-11/26/c_1795618800413557.htm"
    moved = cac_site.site_dir / new.split("/", 3)[3]
    moved.parent.mkdir(parents=True, exist_ok=True)
    moved.write_bytes((cac_site.site_dir / old.split("/", 3)[3]).read_bytes())
    cac_site.edit("/wxzw/qinglang/A093711index_1.htm", f"href={old} ", f"href={new} ")
    with crawler.session() as session:
        before = archive.count_rows(session)
    code, result, stderr = crawler.run("cac-qinglang")
    assert code == 0, stderr[-3000:]
    assert (result["cac-qinglang"]["new"], result["cac-qinglang"]["changed"]) == (0, 0)
    with crawler.session() as session:
        after = archive.count_rows(session)
        notice = archive.get_notice(session, "https:" + new)
        assert notice is not None and notice.url == "https:" + old
        assert {x.url for x in session.scalars(select(NoticeListing).where(
            NoticeListing.notice_id == notice.id))} == {"https:" + old, "https:" + new}
    assert after["notices"] == before["notices"]
    assert after["notice_versions"] == before["notice_versions"]
    assert after["change_events"] == before["change_events"]


def test_a_static_first_page_shorter_than_the_api_pages_loses_no_notice(
    crawler: Crawler, cac_site: LocalSite
) -> None:
    # The static page shows 8 notices; the API's pages hold 20 each, so its page 2 starts at
    # the 21st: the 9th to 20th are on API page 1 only.
    page = cac_site.site_dir / "wxzw" / "wxfb" / "A093702index_1.htm"
    raw = page.read_bytes()
    items = [raw.index(b"<li><h5>")]
    while len(items) < 9:
        items.append(raw.index(b"<li><h5>", items[-1] + 1))
    page.write_bytes(raw[:items[8]] + raw[raw.index(b"</ul>", items[8]):])
    assert page.read_bytes().count(b"<li><h5><a href=//") == 8
    rows = json_rows(cac_site, "A093702")
    crawler.configure(mirror("cac-wxfb", cac_site))
    code, result, stderr = crawler.run("cac-wxfb")
    assert code == 0, stderr[-3000:]
    assert result["cac-wxfb"]["new"] == len(rows)
    with crawler.session() as session:
        archived = set(session.scalars(select(Notice.url)))
    assert archived == {"https:" + row["infourl"] for row in rows}
    assert "https:" + rows[8]["infourl"] in archived
    # A notice on the static page and on API page 1 was fetched once.
    assert article_requests(cac_site) == len(rows) + 1  # the yearly summary's second part


# --- the other built-in sources ------------------------------------------------------------


def test_miit_cookie_step_json_list_and_attachments(crawler: Crawler, miit_site: LocalSite) -> None:
    crawler.configure(mirror("miit-app", miit_site))
    code, result, stderr = crawler.run("miit-app")
    assert code == 0, (result, stderr[-3000:])
    counts = result["miit-app"]
    assert counts["new"] >= 3 and counts["failed"] == 0
    with crawler.session() as session:
        versions = session.scalars(select(NoticeVersion)).all()
        notices = session.scalars(select(Notice)).all()
    assert any(a["url"].endswith((".pdf", ".docx", ".doc")) for v in versions
               for a in v.attachments)
    assert any("尚有21款" in v.text for v in versions)
    assert all(n.published_at is not None for n in notices)


def test_miit_without_the_cookie_step_is_a_bot_wall_not_an_empty_list(
    crawler: Crawler, miit_site: LocalSite
) -> None:
    crawler.configure(mirror("miit-app", miit_site, cookie_url="") + (
        '[sources.miit-app.list.params]\nwebId = "x"\n'))
    code, result, _ = crawler.run("miit-app")
    assert code == 1
    assert result["miit-app"]["status"] == "failed"
    assert any(p["kind"] == "bot_wall" for p in result["miit-app"]["problems"])
    with crawler.session() as session:
        assert session.scalar(select(func.count()).select_from(Notice)) == 0


def test_samr_dates_come_from_the_row_after_each_link(
    crawler: Crawler, samr_site: LocalSite
) -> None:
    crawler.configure(mirror("samr-news", samr_site))
    code, result, stderr = crawler.run("samr-news")
    assert code == 0, stderr[-3000:]
    assert result["samr-news"]["new"] >= 3
    with crawler.session() as session:
        assert all(n.published_at is not None for n in session.scalars(select(Notice)))


@pytest.mark.parametrize(("source_id", "fixture"), [
    ("ftc-press", "ftc_site"), ("ec-press", "ec_site"), ("ico-enforcement", "ico_site"),
])
def test_english_sources(crawler: Crawler, source_id: str, fixture: str,
                         request: pytest.FixtureRequest) -> None:
    site: LocalSite = request.getfixturevalue(fixture)
    crawler.configure(mirror(source_id, site))
    code, result, stderr = crawler.run(source_id)
    assert code == 0, (result, stderr[-3000:])
    assert result[source_id]["new"] >= 3 and result[source_id]["failed"] == 0
    with crawler.session() as session:
        notices = session.scalars(select(Notice)).all()
        texts = session.scalars(select(NoticeVersion.text)).all()
    assert all(n.language == "en" and n.published_at is not None for n in notices)
    assert all(len(t) > 100 for t in texts)


# --- encodings ----------------------------------------------------------------------------


LOCAL_GOV = """
[sources.local-gov]
name = "某市 通知公告"
language = "zh-Hans"
timezone = "Asia/Shanghai"
base_url = "{base}"
delay = 0
[sources.local-gov.list]
url = "/xxgk/index.html"
items = "ul.news-list li"
link = "a::attr(href)"
title = "a::attr(title)"
date = "span.date::text"
[sources.local-gov.article]
title = ["h1"]
body = ["#zoom"]
"""


def test_every_encoding_decodes_cleanly_even_when_declarations_lie(
    crawler: Crawler, encodings_site: LocalSite
) -> None:
    manifest = json.loads((encodings_site.site_dir / "_manifest.json").read_text("utf-8"))
    crawler.configure(LOCAL_GOV.format(base=encodings_site.base_url))
    code, result, stderr = crawler.run("local-gov")
    assert code == 0, stderr[-3000:]
    listed = [entry for entry in manifest if entry["path"].startswith("/xxgk/2024/")]
    assert result["local-gov"]["new"] == len(listed)
    with crawler.session() as session:
        for entry in listed:
            notice = archive.get_notice(session, encodings_site.base_url + entry["path"])
            assert notice is not None, entry["path"]
            version = archive.latest_version(session, notice.id)
            assert version is not None
            assert "\ufffd" not in version.text + version.title, entry["note"]
            for phrase in entry["phrases"]:
                assert phrase in version.text, (entry["note"], phrase)


# --- faults -------------------------------------------------------------------------------

FAULTY = """
[sources.faulty]
name = "fault drills"
language = "zh-Hans"
timezone = "Asia/Shanghai"
base_url = "{base}"
delay = 0
timeout = {timeout}
[sources.faulty.list]
url = "{list_url}"
items = "#loadingInfoPage li"
link = "h5 a::attr(href)"
title = "h5 a::attr(title)"
date = ".times::text"
[sources.faulty.article]
title = ["h1.title", "h1"]
date = ["#pubtime::text", ".info::text"]
body = ["#BodyLabel", "div.main-content", "#zoom"]
"""


def fault_list(site: LocalSite, *paths: str) -> str:
    """A CAC-style list page in the served copy linking to the given fault endpoints."""
    items = "".join(
        f'<li><h5><a href={path} target=_blank title="drill {i}">drill {i}</a></h5>'
        f'<div class="times">2026-11-2{i % 9}</div></li>\n' for i, path in enumerate(paths)
    )
    page = f'<html><body><div id="loadingInfoPage"><ul>\n{items}</ul></div></body></html>'
    (site.site_dir / "drills.htm").write_text(page, encoding="utf-8")
    return "/drills.htm"


def crawl_faults(crawler: Crawler, site: LocalSite, *paths: str, timeout: int = 5,
                 list_url: str | None = None) -> tuple[int, dict[str, Any]]:
    crawler.configure(FAULTY.format(base=site.base_url, timeout=timeout,
                                    list_url=list_url or fault_list(site, *paths)))
    code, result, stderr = crawler.run("faulty")
    assert "faulty" in result, stderr[-3000:]
    return code, result["faulty"]


# The gate looks a host up when it checks a request; Scrapy looks it up again to connect. This
# crawl's gate is answered as a rebinding DNS server answers first (a public address), and the
# connection's lookup is the machine's own (localhost: loopback).
REBINDING_CRAWL = """
import runpy, sys
import crawler.egress
checked = crawler.egress.resolve
crawler.egress.resolve = lambda host: ("93.184.216.34",) if host == "localhost" else checked(host)
sys.argv = ["cli", *sys.argv[1:]]
runpy.run_module("cli", run_name="__main__")
"""


def test_a_host_that_turns_non_public_after_the_gate_checked_it_is_not_reached(
    crawler: Crawler, cac_site: LocalSite
) -> None:
    port = cac_site.base_url.rsplit(":", 1)[1]
    notice = f"http://localhost:{port}/rebound-notice.htm"
    config = FAULTY.format(base=cac_site.base_url, timeout=5,
                           list_url=fault_list(cac_site, notice))
    # localhost is one of the source's hosts, but not a base URL the user trusted.
    crawler.configure(config.replace("delay = 0\n", 'delay = 0\nhosts = ["localhost"]\n', 1))
    finished = subprocess.run(
        [sys.executable, "-c", REBINDING_CRAWL, "--config", str(crawler.config),
         "--database-url", crawler.database_url, "crawl", "--json", "faulty"],
        capture_output=True, text=True, timeout=240, cwd=REPO_ROOT, check=False)
    result = json.loads(finished.stdout)["faulty"]
    assert finished.returncode == 1, finished.stderr[-3000:]  # unhealthy: a notice failed
    # Neither its robots.txt nor the notice was fetched from localhost: the connection's
    # lookup answered loopback, and the resolver refused it (so robots.txt was unreachable,
    # which forbids the host for this run).
    assert "localhost now resolves to non-public address 127.0.0.1" in finished.stderr
    assert cac_site.requests_to("/robots.txt") == 1  # the trusted 127.0.0.1 origin's
    assert cac_site.requests_to("/rebound-notice.htm") == 0
    assert [p["kind"] for p in result["problems"] if "rebound" in p["url"]] == ["robots"]
    assert result["new"] == 0


def problem_kinds(result: dict[str, Any]) -> dict[str, str]:
    return {p["url"].split("/_faults/")[-1]: p["kind"] for p in result["problems"]}


def test_transient_errors_are_retried_after_what_retry_after_says(
    crawler: Crawler, cac_site: LocalSite
) -> None:
    code, result = crawl_faults(crawler, cac_site, "/_faults/503-then-200/a", "/_faults/429/b")
    assert code == 0, result
    assert result["new"] == 2 and result["failed"] == 0
    statuses = cac_site.stats()["statuses"]
    assert statuses.get("503") == 1 and statuses.get("429") == 1


def test_broken_answers_fail_cleanly_and_archive_nothing(
    crawler: Crawler, cac_site: LocalSite
) -> None:
    code, result = crawl_faults(
        crawler, cac_site, "/_faults/hang", "/_faults/truncated", "/_faults/gzip-bomb",
        "/_faults/redirect-loopback", "/_faults/redirect-metadata",
        "/_faults/challenge-521", "/_faults/interstitial-200", "/_faults/lying-charset",
        timeout=3,
    )
    assert code == 1  # the source is unhealthy
    assert result["status"] == "unhealthy"
    kinds = problem_kinds(result)
    assert kinds["hang"] == "timeout"
    assert kinds["truncated"] == "http_error"
    assert kinds["gzip-bomb"] == "http_error"
    assert "169.254.169.254/latest/meta-data/" in " ".join(p["url"] for p in result["problems"])
    assert [p["kind"] for p in result["problems"] if "127.0.0.1" in p["url"]
            and "_faults" not in p["url"]] == ["refused"]
    assert kinds["challenge-521"] == "bot_wall" and kinds["interstitial-200"] == "bot_wall"
    # Only the honest page (its charset lied, its bytes did not) is archived, readable.
    assert result["new"] == 1
    with crawler.session() as session:
        text = session.scalars(select(NoticeVersion.text)).one()
    assert "\ufffd" not in text and "共检查应用程序136款" in text


@pytest.mark.parametrize("list_url", ["/_faults/empty-list", "/_faults/challenge-521",
                                      "/_faults/interstitial-200"])
def test_a_list_that_is_empty_or_walled_is_a_health_problem_and_withdraws_nothing(
    crawler: Crawler, cac_site: LocalSite, list_url: str
) -> None:
    crawler.configure(mirror("cac-wxfb", cac_site))
    assert crawler.run("cac-wxfb")[0] == 0
    with crawler.session() as session:
        before = {n.url: n.last_seen_at for n in session.scalars(select(Notice))}
        rows = archive.count_rows(session)
    crawler.configure(mirror("cac-wxfb", cac_site) + f'[sources.cac-wxfb.list]\nurl = "{list_url}"\n')
    code, result, _ = crawler.run("cac-wxfb")
    assert code == 1 and result["cac-wxfb"]["status"] == "failed"
    assert {p["kind"] for p in result["cac-wxfb"]["problems"]} & {"no_match", "bot_wall"}
    with crawler.session() as session:
        after = {n.url: n.last_seen_at for n in session.scalars(select(Notice))}
        new_rows = archive.count_rows(session)
        health = archive.source_health(session)["cac-wxfb"]
        problems = session.scalar(select(func.count()).select_from(FetchProblem))
    assert after == before
    assert new_rows["notice_versions"] == rows["notice_versions"]
    assert new_rows["change_events"] == rows["change_events"]
    assert health.last_status == "failed" and problems >= 1


def test_robots_txt_answering_503_means_no_crawl_this_run(
    crawler: Crawler, cac_site: LocalSite
) -> None:
    cac_site.set_robots_unavailable(True)
    crawler.configure(mirror("cac-wxfb", cac_site))
    code, result, _ = crawler.run("cac-wxfb")
    assert code == 1 and result["cac-wxfb"]["status"] == "failed"
    assert result["cac-wxfb"]["new"] == 0
    assert any(p["kind"] == "robots" for p in result["cac-wxfb"]["problems"])
    paths = cac_site.stats()["paths"]
    assert set(paths) <= {"/robots.txt"}


def test_robots_txt_disallow_is_obeyed(crawler: Crawler, cac_site: LocalSite) -> None:
    robots = (cac_site.site_dir / "robots.txt").read_text(encoding="utf-8")
    disallowed = next(line.split(":", 1)[1].strip() for line in robots.splitlines()
                      if line.lower().startswith("disallow:") and line.split(":", 1)[1].strip())
    _, result = crawl_faults(crawler, cac_site, disallowed.rstrip("*") + "x.htm")
    assert result["new"] == 0
    assert [p["kind"] for p in result["problems"]] == ["robots"]
    assert cac_site.requests_to(disallowed.rstrip("*") + "x.htm") == 0


# A first crawl as the crawl benchmark runs it: the synthetic CAC site on loopback, no
# politeness, 16 requests at a time, so a list's first notices are fetched while the list's
# output is still being read.
EAGER_CRAWL = """
import sys
from benchmarks.crawlchild import fair_settings
from crawler.runner import crawl_sources
from config import load_config
crawl_sources(load_config(sys.argv[1]), ["cac-hlwnrgl"], database_url=sys.argv[2],
              extra_settings={**fair_settings(16), "LOG_LEVEL": "INFO"})
"""


def test_a_crawl_of_many_notices_hands_every_one_to_the_archive_writer(tmp_path: Path) -> None:
    from benchmarks import runs
    from benchmarks.siteserver import RunningSite

    with RunningSite(200) as site:
        config = runs.write_config(tmp_path, site.base_url, 200)
        finished = subprocess.run(
            [sys.executable, "-c", EAGER_CRAWL, str(config), runs.sqlite_url(tmp_path)],
            capture_output=True, text=True, timeout=240, cwd=REPO_ROOT, check=False)
    assert finished.returncode == 0, finished.stderr[-3000:]
    stored_by = [line.rsplit("(stored by ", 1)[-1] for line in finished.stderr.splitlines()
                 if "archived new notice" in line]
    assert len(stored_by) == 200
    # The first list page said how many notices it queued before their requests left, so
    # none was fetched and stored by the crawl itself before the writer had its archive.
    assert set(stored_by) == {"the archive writer)"}


def test_the_collector_skips_a_crawl_s_start_up_objects_only_while_it_runs() -> None:
    import gc

    from crawler.runner import _collector_skips_what_is_here

    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError), _collector_skips_what_is_here():
        assert gc.get_freeze_count() > 0
        raise RuntimeError("the crawl failed")
    assert gc.get_freeze_count() == 0


# --- idempotency under SIGKILL -------------------------------------------------------------


@pytest.mark.parametrize(("stored_by", "writer"), [
    # Notices stored by the crawl itself (as it does a re-check's few).
    ("the crawl", "inline"),
    # Notices handed to the archive writer process, several to a transaction.
    ("the archive writer", "process"),
])
def test_a_crawl_killed_midway_leaves_no_duplicate_or_half_written_notice(
    crawler: Crawler, cac_site: LocalSite, stored_by: str, writer: str
) -> None:
    crawler.configure(mirror("cac-wxfb", cac_site, delay=0.05))
    env = {**os.environ, "REGWATCH_LOG_LEVEL": "INFO", "REGWATCH_ARCHIVE_WRITER": writer}
    child = subprocess.Popen(crawler.command("crawl", "cac-wxfb"), stderr=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, text=True, cwd=REPO_ROOT, env=env)
    archived = by_that_one = 0
    forked = False
    assert child.stderr is not None
    for line in _lines(child.stderr):
        forked = forked or "archive writer (process" in line and "forked from this crawl" in line
        if "archived new notice" in line:
            archived += 1
            by_that_one += f"(stored by {stored_by})" in line
            if by_that_one == 3:
                child.send_signal(signal.SIGKILL)
                break
    child.wait(timeout=60)
    assert by_that_one == 3, f"the crawl ended before {stored_by} had stored three notices"
    # A crawl's process runs one thread before it starts: its writer is a fork, no new interpreter.
    assert forked == (writer == "process")
    with crawler.session() as session:
        partial = session.scalar(select(func.count()).select_from(Notice))
        assert partial is not None
        assert archived <= partial < len(json_rows(cac_site, "A093702"))
        _assert_consistent(session)
    code, result, stderr = crawler.run("cac-wxfb")
    assert code == 0, stderr[-3000:]
    with crawler.session() as session:
        total = session.scalar(select(func.count()).select_from(Notice))
        _assert_consistent(session)
    assert total == len(json_rows(cac_site, "A093702"))
    assert result["cac-wxfb"]["new"] == total - partial


def _lines(stream: Any) -> Iterator[str]:
    yield from iter(stream.readline, "")


def _assert_consistent(session: Session) -> None:
    for notice in session.scalars(select(Notice)):
        numbers = [v.number for v in archive.versions(session, notice.id)]
        assert numbers == list(range(1, len(numbers) + 1)), notice.url
    duplicates = session.execute(
        select(Notice.url, func.count()).group_by(Notice.url).having(func.count() > 1)
    ).all()
    assert duplicates == []
    # A version's findings are written with it: every version with figures has its events.
    orphans = session.scalar(
        select(func.count()).select_from(NoticeVersion).where(
            ~NoticeVersion.id.in_(select(ChangeEvent.version_id).where(
                ChangeEvent.version_id.isnot(None)))))
    assert orphans == 0


# --- command line -------------------------------------------------------------------------


def test_malformed_config_is_refused_with_file_and_line(crawler: Crawler) -> None:
    crawler.configure('[sources.cac-wxfb]\ninterval = "often"\n')
    finished = subprocess.run(crawler.command("crawl", "cac-wxfb"), capture_output=True,
                              text=True, cwd=REPO_ROOT, timeout=60, check=False)
    assert finished.returncode == 3
    assert f"{crawler.config}:2" in finished.stderr.replace("\n", "")


def test_unknown_source_is_not_found_naming_the_known_ones(crawler: Crawler) -> None:
    finished = subprocess.run(crawler.command("crawl", "no-such-source"), capture_output=True,
                              text=True, cwd=REPO_ROOT, timeout=60, check=False)
    assert finished.returncode == 5 and "no-such-source" in finished.stderr
    assert "cac-wxfb" in finished.stderr


def test_unreachable_archive_is_a_clear_error(tmp_path: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "cli", "--database-url",
         "postgresql+psycopg://nobody@127.0.0.1:1/none", "crawl", "cac-wxfb"],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=60, check=False)
    assert finished.returncode == 4
    assert "Traceback" not in finished.stderr


def test_demo_shows_a_new_notice_and_the_edited_figure(tmp_path: Path) -> None:
    finished = subprocess.run([sys.executable, "-m", "cli", "demo", "--keep", str(tmp_path)],
                              capture_output=True, text=True, cwd=tmp_path, timeout=300,
                              check=False)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    output = " ".join(finished.stdout.split())
    assert "1 new, 1 changed" in output
    assert "259 to 261" in output


def test_malformed_alert_rule_is_refused_before_crawling(crawler: Crawler) -> None:
    crawler.configure('[[alerts]]\nnotify = ["json://127.0.0.1:9/hook"]\non = ["nonsense"]\n')
    finished = subprocess.run(crawler.command("crawl", "cac-wxfb"), capture_output=True,
                              text=True, cwd=REPO_ROOT, timeout=60, check=False)
    assert finished.returncode == 3
    message = finished.stderr.replace("\n", "")
    assert f"{crawler.config}:3" in message and "nonsense" in message
    assert "Traceback" not in finished.stderr


def test_a_plain_recrawl_a_minute_after_an_edit_reports_it_under_a_one_minute_revisit(
    crawler: Crawler, cac_site: LocalSite
) -> None:
    crawler.configure(mirror("cac-wxfb", cac_site, revisit=["1m"]))
    assert crawler.run("cac-wxfb")[0] == 0
    # The newest notice, on the list's first page (a re-crawl reads no further page).
    page = "/2026-11/21/c_1795257000533925.htm"
    cac_site.edit(page, "国家互联网信息办公室提示", "国家互联网信息办公室特别提示")
    cac_site.reset()
    # At once, no page is due yet: the edit waits for its minute.
    code, result, stderr = crawler.run("cac-wxfb")
    assert code == 0, stderr[-3000:]
    assert (result["cac-wxfb"]["changed"], article_requests(cac_site)) == (0, 0)
    # A minute passes (the archive's clock is moved back rather than waiting for it).
    with crawler.session() as session, session.begin():
        for notice in session.scalars(select(Notice)):
            notice.last_checked_at -= timedelta(seconds=61)
    code, result, stderr = crawler.run("cac-wxfb")
    assert code == 0, stderr[-3000:]
    counts = result["cac-wxfb"]
    assert (counts["changed"], counts["new"]) == (1, 0)
    # Every other page was asked conditionally and answered 304: the nineteen others of the
    # list's first page, and the archived notices no list page of this run showed.
    with crawler.session() as session:
        archived = len(session.scalars(select(Notice.id)).all())
    assert counts["not_modified"] == counts["unchanged"] == archived - 1 > 19
    with crawler.session() as session:
        events = session.scalars(select(ChangeEvent)).all()
    # The first crawl's events are its baseline; the edit found later is news.
    assert {(event.kind, event.baseline) for event in events if not event.baseline} == {
        ("notice_edited", False)}
    assert sum(event.baseline for event in events) == len(events) - 1 > 20


def test_a_notice_no_list_shows_any_more_is_still_revisited_when_due(
    crawler: Crawler, cac_site: LocalSite
) -> None:
    crawler.configure(mirror("cac-wxfb", cac_site))
    code, _, stderr = crawler.run("cac-wxfb")
    assert code == 0, stderr[-3000:]
    # A notice of the API's pages: an incremental run reads the first list page only.
    rows = json_rows(cac_site, "A093702")
    first_page = (cac_site.site_dir / "wxzw" / "wxfb" / "A093702index_1.htm").read_text("utf-8")
    unlisted = next(row["infourl"] for row in reversed(rows) if row["infourl"] not in first_page)
    path = unlisted.split("/", 3)[3]
    cac_site.edit("/" + path, "</p>", "（本文有更正）</p>")
    cac_site.reset()
    # Not due yet (checked minutes ago): nothing is fetched but the list.
    code, result, stderr = crawler.run("cac-wxfb")
    assert code == 0, stderr[-3000:]
    assert (result["cac-wxfb"]["changed"], article_requests(cac_site)) == (0, 0)
    # Its last check a month and a day ago: the schedule's longest wait has passed for it only.
    with crawler.session() as session, session.begin():
        notice = archive.get_notice(session, "https:" + unlisted)
        assert notice is not None
        notice.last_checked_at -= timedelta(days=31)
    code, result, stderr = crawler.run("cac-wxfb")
    assert code == 0, stderr[-3000:]
    assert (result["cac-wxfb"]["changed"], result["cac-wxfb"]["new"]) == (1, 0)
    assert cac_site.requests_to("/" + path) == 1 and article_requests(cac_site) == 1
    with crawler.session() as session:
        notice = archive.get_notice(session, "https:" + unlisted)
        assert notice is not None
        assert len(session.scalars(select(NoticeVersion.id).where(
            NoticeVersion.notice_id == notice.id)).all()) == 2


def test_a_notice_s_next_check_follows_its_age_from_publication() -> None:
    from dataclasses import replace
    from datetime import UTC, datetime, timedelta

    from config import load_config
    from crawler.incremental import revisit_due
    from storage.archive import KnownNotice

    source = load_config(None).source("cac-wxfb")
    now = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)

    def known(checked: datetime, born: datetime | None) -> KnownNotice:
        return KnownNotice(url="u", notice_id=1, etag=None, last_modified=None,
                           last_checked_at=checked, content_hash="h", versions=1, born_at=born)

    hour = timedelta(hours=1)
    # Published at 06:00 and checked at 07:00 (age 1 h): next check six hours later.
    assert revisit_due(source, known(now + hour, now)) == now + 7 * hour
    # Checked when 2 days old: three days later; a year old: 30 days later.
    assert revisit_due(source, known(now, now - 48 * hour)) == now + 72 * hour
    assert revisit_due(source, known(now, now - 365 * 24 * hour)) == now + 30 * 24 * hour
    # No publication date known: the age counts from when it was first seen.
    assert revisit_due(source, known(now, None)) == now + hour
    one_minute = replace(source, revisit=(60.0,))
    assert revisit_due(one_minute, known(now, now - 365 * 24 * hour)) == now + timedelta(
        minutes=1)
