"""A notice is one document, whatever lists show it: recording, lookups, and migration 0009,
which brings an archive the earlier code made (one notice per source and URL) to that model."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from crawler.storing import store_notice
from storage import archive
from storage.db import open_archive, session_factory
from storage.events import EventFilters, list_events
from storage.listings import listings_of
from storage.models import (
    ChangeEvent,
    Figure,
    Notice,
    NoticeListing,
    NoticeVersion,
    PlatformMention,
)
from storage.search import SearchFilters, search_notices
from storage.search_index import notice_search
from tests.sites import LocalSite
from tests.storage_fixtures import FETCHED_AT, SOURCE_ID, add_source, article_url, fetched_notice

REPO_ROOT = Path(__file__).resolve().parents[1]
# The last commit before notice listings: its code makes archives of schema 0008.
BEFORE_LISTINGS = "d3883c1738aa7c54b4c7f3c4540d6445f808b0a4"
OTHER_SOURCE = "cac-enforcement"
LATER = FETCHED_AT + timedelta(days=1)


def test_a_notice_a_second_source_finds_is_one_notice_with_its_events_once(
    archive_engine: Engine,
) -> None:
    sessions = session_factory(archive_engine)
    with sessions.begin() as session:
        add_source(session)
        add_source(session, OTHER_SOURCE)
    first = store_notice(sessions, fetched_notice(), [])
    second = store_notice(sessions, replace(fetched_notice(), source_id=OTHER_SOURCE,
                                            fetched_at=LATER), [])
    assert first.status == "new" and first.events > 0
    assert (second.status, second.events) == ("unchanged", 0)
    with sessions() as session:
        notice = archive.get_notice(session, article_url(1))
        assert notice is not None and notice.source_id == SOURCE_ID
        assert session.scalar(select(func.count()).select_from(Notice)) == 1
        listed = {(x.source_id, x.url): x for x in listings_of(session, notice.id)}
        assert set(listed) == {(SOURCE_ID, article_url(1)), (OTHER_SOURCE, article_url(1))}
        assert listed[(OTHER_SOURCE, article_url(1))].first_seen_at == LATER
        events = session.scalars(select(ChangeEvent)).all()
        assert len(events) == first.events
        # Either source's events, search results and notice lookups hold the notice once.
        for source_id in (SOURCE_ID, OTHER_SOURCE):
            shown = list_events(session, EventFilters(source_id=source_id))
            assert sorted(e.id for e in shown) == sorted(e.id for e in events)
            page = search_notices(session, "enforcement", SearchFilters(source_ids=(source_id,)))
            assert [hit.notice_id for hit in page.hits] == [notice.id]
            assert archive.known_notices(session, source_id, [article_url(1)]) != {}


def test_a_page_moved_to_a_new_path_on_its_host_stays_one_notice(
    archive_session: Session,
) -> None:
    add_source(archive_session)
    old = archive.record_notice(archive_session, fetched_notice(article_url(1)))
    moved_url = "https://www.cac.gov.cn/wxzw/2024-01/31/c_1708012345678901.htm"
    moved = archive.record_notice(archive_session, fetched_notice(moved_url, fetched_at=LATER))
    # The same text elsewhere, at another host, is another notice.
    elsewhere = archive.record_notice(
        archive_session, fetched_notice("https://www.miit.gov.cn/c_1708012345678901.htm"))
    archive_session.commit()
    assert (moved.status, moved.notice_id) == ("unchanged", old.notice_id)
    assert elsewhere.status == "new" and elsewhere.notice_id != old.notice_id
    found = archive.get_notice(archive_session, moved_url)
    assert found is not None and found.id == old.notice_id and found.url == article_url(1)
    assert {x.url for x in listings_of(archive_session, old.notice_id)} == {
        article_url(1), moved_url}
    # Later fetches at the new path are checks of the one notice.
    amended = archive.record_notice(archive_session, fetched_notice(moved_url, text="Amended."))
    assert (amended.status, amended.notice_id) == ("changed", old.notice_id)


def test_two_entries_of_one_list_that_read_alike_stay_two_notices(
    archive_session: Session,
) -> None:
    add_source(archive_session)
    run = archive.start_run(archive_session, SOURCE_ID, FETCHED_AT)
    first = archive.record_notice(archive_session, fetched_notice(article_url(1),
                                                                  crawl_run_id=run.id))
    second = archive.record_notice(archive_session, fetched_notice(article_url(2),
                                                                   crawl_run_id=run.id))
    archive_session.commit()
    assert (first.status, second.status) == ("new", "new")
    assert first.notice_id != second.notice_id
    # In a later run, the same text at a third path is the page moved: one of the two.
    later = archive.start_run(archive_session, SOURCE_ID, LATER)
    moved = archive.record_notice(archive_session, fetched_notice(
        article_url(3), crawl_run_id=later.id, fetched_at=LATER))
    assert (moved.status, moved.notice_id) == ("unchanged", first.notice_id)


# --- migration 0009 on an archive the earlier code made ------------------------------------


@pytest.fixture(scope="module")
def earlier_code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The product code as it was before notice listings, unpacked from git."""
    target = tmp_path_factory.mktemp("before-listings")
    packed = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "archive", "--format=tar", BEFORE_LISTINGS, "config",
         "crawler", "storage", "diffing", "alerts", "web", "scheduler.py", "cli"],
        capture_output=True, check=False)
    if packed.returncode != 0:
        pytest.skip(f"commit {BEFORE_LISTINGS} not in this checkout: {packed.stderr[-300:]!r}")
    with tarfile.open(fileobj=io.BytesIO(packed.stdout)) as tar:
        tar.extractall(target, filter="data")
    return target


def crawl_with(code: Path, config: Path, database_url: str, *args: str) -> dict[str, object]:
    finished = subprocess.run(
        [sys.executable, "-m", "cli", "--config", str(config), "--database-url", database_url,
         "crawl", "--json", *args],
        capture_output=True, text=True, timeout=300, cwd=code, check=False,
        env={**os.environ, "PYTHONPATH": str(code)})
    assert finished.returncode == 0, finished.stderr[-3000:]
    result: dict[str, object] = json.loads(finished.stdout)
    return result


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {table: connection.scalar(text(f"SELECT COUNT(*) FROM {table}")) or 0
                for table in ("notices", "notice_versions", "figures", "platform_mentions",
                              "change_events", "alert_outbox")}


def test_migration_merges_the_notices_of_one_url_keeping_every_version_and_finding(
    earlier_code: Path, cac_site: LocalSite, archive_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "regwatch.toml"
    config.write_text("".join(
        f'[sources.{source}]\nbase_url = "{cac_site.base_url}"\ndelay = 0\n'
        for source in ("cac-wxfb", "cac-hlwnrgl")), encoding="utf-8")
    crawl_with(earlier_code, config, archive_url, "cac-wxfb", "cac-hlwnrgl")
    wxfb = {row["infourl"] for row in _rows(cac_site, "A093702")}
    shared = sorted(row["infourl"] for row in _rows(cac_site, "A093704")
                    if row["infourl"] in wxfb)
    # One of the shared notices is amended; only 互联网内容管理's copy of it sees the edit.
    edited_url = cac_site.url(shared[0])
    edited_path = "/" + shared[0].split("/", 3)[3]
    page = (cac_site.site_dir / edited_path.lstrip("/")).read_text(encoding="utf-8")
    sentence_end = page.index("。", page.index("BodyLabel"))
    cac_site.edit(edited_path, page[sentence_end - 4:sentence_end + 1],
                  page[sentence_end - 4:sentence_end] + "（已更正）。")
    crawl_with(earlier_code, config, archive_url, "cac-hlwnrgl", "--refetch")

    raw = create_engine(archive_url)
    try:
        with raw.connect() as connection:
            assert connection.scalar(text("SELECT version_num FROM alembic_version")) == (
                "0008_scheduler_overruns")
            twice = connection.scalar(text(
                "SELECT COUNT(*) FROM (SELECT url FROM notices GROUP BY url "
                "HAVING COUNT(*) = 2) t"))
            hashes = connection.execute(text(
                "SELECT v.content_hash FROM notice_versions v JOIN notices n "
                "ON n.id = v.notice_id WHERE n.url = :url ORDER BY v.fetched_at, v.id"),
                {"url": edited_url}).scalars().all()
        before = table_counts(raw)
    finally:
        raw.dispose()
    assert twice == len(shared) == 4
    assert len(hashes) == 3 and len(set(hashes)) == 2

    engine = open_archive(archive_url)
    try:
        after = table_counts(engine)
        # Every version, figure, mention, event and alert is kept; only duplicates went.
        assert after == {**before, "notices": before["notices"] - len(shared)}
        with session_factory(engine)() as session:
            _assert_merged(session, [cac_site.url(url) for url in shared], edited_url, hashes)
        with engine.connect() as connection, pytest.raises(DBAPIError):
            connection.execute(text("UPDATE notice_versions SET title = 'x'"))
    finally:
        engine.dispose()


def _assert_merged(session: Session, shared: list[str], edited_url: str,
                   hashes: list[str]) -> None:
    notices = session.scalars(select(Notice)).all()
    assert len({n.url for n in notices}) == len(notices)
    for notice in notices:
        numbers = [v.number for v in archive.versions(session, notice.id)]
        assert numbers == list(range(1, len(numbers) + 1)), notice.url
    for table in (Figure, PlatformMention):
        orphans = session.scalar(select(func.count()).select_from(table).where(
            ~table.notice_id.in_(select(Notice.id))))
        assert orphans == 0
    assert session.scalar(select(func.count()).select_from(ChangeEvent).where(
        ChangeEvent.notice_id.isnot(None), ~ChangeEvent.notice_id.in_(select(Notice.id)))) == 0
    # Every notice is listed by the sources that held it, and indexed once.
    assert session.scalar(select(func.count()).select_from(notice_search)) == len(notices)
    for url in shared:
        notice = archive.get_notice(session, url)
        assert notice is not None
        assert {x.source_id for x in listings_of(session, notice.id)} == {
            "cac-wxfb", "cac-hlwnrgl"}
        page = search_notices(session, f'"{notice.title}"')
        assert [hit.notice_id for hit in page.hits].count(notice.id) == 1
    edited = archive.get_notice(session, edited_url)
    assert edited is not None
    versions = archive.versions(session, edited.id)
    # The three versions in the order they were fetched, the edit last.
    assert [v.content_hash for v in versions] == hashes
    assert edited.title == versions[-1].title
    indexed = session.execute(select(notice_search.c.version_id).where(
        notice_search.c.notice_id == edited.id)).scalar_one()
    assert indexed == versions[-1].id
    assert session.scalar(select(func.count()).select_from(NoticeListing)) == len(notices) + len(
        shared)
    assert session.scalar(select(func.count()).select_from(NoticeVersion)) >= len(notices)


def _rows(site: LocalSite, channel: str) -> list[dict[str, str]]:
    path = site.site_dir / "cms" / "JsonList" / f"{channel}.json"
    rows: list[dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))["list"]
    return rows



def test_an_alert_rule_for_a_source_hears_of_a_notice_another_source_found_first(
    archive_engine: Engine,
) -> None:
    # A rule naming the second channel gets the notice's later events, although they are
    # written under the source that archived the notice first.
    from alerts.rule import AlertRule, channel_of
    from storage.models import AlertOutbox

    sessions = session_factory(archive_engine)
    with sessions.begin() as session:
        add_source(session)
        add_source(session, OTHER_SOURCE)
    rule = AlertRule(name="second-channel", channels=(channel_of("json://127.0.0.1/hook"),),
                     sources=(OTHER_SOURCE,), baseline=True)
    elsewhere = AlertRule(name="another-source", channels=(channel_of("json://127.0.0.1/x"),),
                          sources=("samr-*",), baseline=True)
    store_notice(sessions, fetched_notice(), [])
    store_notice(sessions, replace(fetched_notice(), source_id=OTHER_SOURCE, fetched_at=LATER), [])
    edited = replace(fetched_notice(text="In 2023 the cyberspace authorities held talks with "
                                         "10,746 websites."), fetched_at=LATER + timedelta(days=1))
    assert store_notice(sessions, edited, [rule, elsewhere]).status == "changed"
    with sessions() as session:
        queued = session.scalars(select(AlertOutbox)).all()
        assert queued and {row.rule for row in queued} == {"second-channel"}
        assert {row.source_id for row in queued} == {SOURCE_ID}


def test_revisit_candidates_hold_every_notice_the_schedule_makes_due(
    archive_engine: Engine,
) -> None:
    from config import load_config
    from crawler.runrecord import revisit_due

    # Notices born and last checked at ages across the default schedule's steps and past them;
    # the archive's narrowing must keep every one the exact schedule finds due.
    sessions = session_factory(archive_engine)
    with sessions.begin() as session:
        add_source(session)
    now = FETCHED_AT + timedelta(days=400)
    hours = [0, 0.5, 2, 7, 30, 80, 200, 300, 700, 1000, 2000, 5000]
    cases = [(born, checked) for born in hours for checked in hours if checked <= born]
    for number, _ in enumerate(cases):
        store_notice(sessions, fetched_notice(article_url(number),
                                              text=f"Notice {number} of the test archive."), [])
    with sessions.begin() as session:
        for number, (born, checked) in enumerate(cases):
            notice = archive.get_notice(session, article_url(number))
            assert notice is not None
            notice.first_seen_at = now - timedelta(hours=born)
            notice.published_at = None
            notice.last_checked_at = now - timedelta(hours=checked)
    source = load_config(None).sources[SOURCE_ID]
    with sessions() as session:
        everything = archive.known_notices(session, SOURCE_ID)
        candidates = archive.revisit_candidates(session, SOURCE_ID, now=now,
                                                schedule=source.revisit, limit=len(cases))
    due = {url for url, known in everything.items() if revisit_due(source, known) <= now}
    assert due and due <= set(candidates)
    # It narrows: notices checked within the shortest wait are never read.
    assert len(everything) == len(cases) and len(candidates) < len(everything)
    with sessions() as session:
        first = archive.revisit_candidates(session, SOURCE_ID, now=now,
                                           schedule=source.revisit, limit=3)
    # The limit takes the longest unchecked first.
    oldest = sorted(candidates.values(), key=lambda known: known.last_checked_at)[:3]
    assert {known.url for known in first.values()} == {known.url for known in oldest}
