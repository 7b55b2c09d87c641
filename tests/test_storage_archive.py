"""Contract tests of storage.archive, run against SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from storage.archive import (
    RunEnd,
    content_hash,
    count_rows,
    fail_stale_runs,
    finish_run,
    finish_runs,
    get_notice,
    has_notices,
    known_notices,
    latest_runs,
    latest_version,
    mark_listed,
    mark_listed_by_sources,
    record_not_modified,
    record_notice,
    record_problem,
    source_health,
    sources_with_notices,
    start_run,
    start_runs,
    upsert_source,
    versions,
)
from storage.errors import (
    ImmutableVersionError,
    RunStateError,
    UnknownNoticeError,
    UnknownSourceError,
)
from storage.models import CrawlRun, Notice, NoticeVersion, Source
from tests.storage_fixtures import (
    FETCHED_AT,
    SOURCE_ID,
    add_source,
    article_url,
    fetched_notice,
    sha256_hex,
    utc,
)

LATER = FETCHED_AT + timedelta(days=1)


def test_recording_the_same_page_twice_adds_no_rows(archive_session: Session) -> None:
    first = record_notice(archive_session, fetched_notice())
    archive_session.commit()
    rows_after_first = count_rows(archive_session)

    again = fetched_notice(
        # Byte noise and fresh validators: the content is the same.
        raw=fetched_notice().raw + b"<!-- generated 2024-02-01 08:00 -->",
        http_headers={"ETag": '"b2"', "last-modified": "Thu, 01 Feb 2024 00:00:00 GMT"},
        fetched_at=LATER,
    )
    second = record_notice(archive_session, again)
    archive_session.commit()

    assert first.status == "new" and first.previous is None and first.version is not None
    assert second.status == "unchanged" and second.version is None
    assert second.notice_id == first.notice_id
    assert second.previous is not None and second.previous.number == 1
    assert count_rows(archive_session) == rows_after_first
    assert rows_after_first["notices"] == 1 and rows_after_first["notice_versions"] == 1
    notice = get_notice(archive_session, first.notice_id)
    assert notice is not None
    assert notice.last_checked_at == LATER
    assert (notice.etag, notice.last_modified) == ('"b2"', "Thu, 01 Feb 2024 00:00:00 GMT")


def test_whitespace_changes_are_not_content_changes(archive_session: Session) -> None:
    record_notice(archive_session, fetched_notice(text="259 apps\nwere removed."))
    outcome = record_notice(
        archive_session, fetched_notice(text="  259\u3000apps were\t removed. ", fetched_at=LATER)
    )
    assert outcome.status == "unchanged"
    assert content_hash("t", "259 apps were removed.") != content_hash(
        "t", "260 apps were removed."
    )
    assert content_hash("title a", "x") != content_hash("title b", "x")


def test_a_changed_text_adds_exactly_one_version_and_keeps_the_previous(
    archive_session: Session,
) -> None:
    original = fetched_notice()
    first = record_notice(archive_session, original)
    archive_session.commit()
    rows_before = count_rows(archive_session)

    amended = fetched_notice(
        title="CAC reports its 2023 enforcement totals (updated)",
        text=original.text + " It also shut down 119 mini programs.",
        raw=b"<p>amended page</p>",
        fetched_at=LATER,
    )
    outcome = record_notice(archive_session, amended)
    archive_session.commit()
    archive_session.expire_all()

    rows_after = count_rows(archive_session)
    assert outcome.status == "changed"
    assert rows_after["notice_versions"] == rows_before["notice_versions"] + 1
    assert {k: v for k, v in rows_after.items() if k != "notice_versions"} == {
        k: v for k, v in rows_before.items() if k != "notice_versions"
    }
    history = versions(archive_session, first.notice_id)
    assert [v.number for v in history] == [1, 2]
    kept, newest = history
    assert kept.text == original.text and kept.title == original.title
    assert kept.content_hash == content_hash(original.title, original.text)
    assert kept.raw_bytes() == original.raw and kept.raw_sha256 == sha256_hex(original.raw)
    assert kept.fetched_at == FETCHED_AT
    assert newest.text == amended.text and newest.raw_bytes() == b"<p>amended page</p>"
    assert outcome.previous is not None and outcome.previous.number == 1
    assert latest_version(archive_session, first.notice_id) == newest
    notice = get_notice(archive_session, first.notice_id)
    assert notice is not None and notice.title == amended.title


def test_a_notice_missing_from_its_list_is_kept(archive_session: Session) -> None:
    listed = fetched_notice(article_url(1))
    record_notice(archive_session, listed)
    record_notice(archive_session, fetched_notice(article_url(2), title="Another notice"))
    mark_listed(archive_session, SOURCE_ID, [article_url(1), article_url(2)], FETCHED_AT)
    archive_session.commit()

    # The next run's list no longer shows notice 1.
    mark_listed(archive_session, SOURCE_ID, [article_url(2), article_url(3)], LATER)
    archive_session.commit()
    archive_session.expire_all()

    gone = get_notice(archive_session, article_url(1))
    still = get_notice(archive_session, article_url(2))
    assert gone is not None and still is not None
    assert gone.last_seen_at == FETCHED_AT and still.last_seen_at == LATER
    assert len(versions(archive_session, gone.id)) == 1
    assert get_notice(archive_session, article_url(3)) is None


def test_mark_listed_handles_more_urls_than_one_statement_binds(archive_session: Session) -> None:
    record_notice(archive_session, fetched_notice(article_url(7)))
    listed = [f"https://www.cac.gov.cn/list/{n}.htm" for n in range(1200)] + [article_url(7)]
    mark_listed(archive_session, SOURCE_ID, listed, LATER)
    archive_session.commit()
    notice = get_notice(archive_session, article_url(7))
    assert notice is not None and notice.last_seen_at == LATER


def test_runs_opened_and_closed_together_are_each_as_alone(archive_session: Session) -> None:
    add_source(archive_session, "other")
    runs = start_runs(archive_session, [SOURCE_ID, "other", SOURCE_ID], FETCHED_AT)
    assert [run.source_id for run in runs] == [SOURCE_ID, "other", SOURCE_ID]
    assert len({run.id for run in runs}) == 3 and all(run.status == "running" for run in runs)
    finish_runs(archive_session, [
        RunEnd(runs[0].id, "ok", LATER, {"new": 2}, [], {"at": LATER}),
        RunEnd(runs[1].id, "failed", LATER, {}, ["list: 503"], {}),
    ])
    archive_session.commit()
    stored = {run.id: run for run in archive_session.scalars(select(CrawlRun))}
    assert (stored[runs[0].id].status, stored[runs[0].id].new_count,
            stored[runs[0].id].stats) == ("ok", 2, {"at": LATER.isoformat()})
    assert (stored[runs[1].id].status, stored[runs[1].id].errors) == ("failed", ["list: 503"])
    assert stored[runs[2].id].status == "running"
    # One run already finished: the batch raises as finish_run would, for that run.
    with pytest.raises(RunStateError, match=f"crawl run {runs[0].id} already finished"):
        finish_runs(archive_session, [RunEnd(runs[2].id, "ok", LATER, {}, [], {}),
                                      RunEnd(runs[0].id, "ok", LATER, {}, [], {})])
    with pytest.raises(UnknownSourceError):
        start_runs(archive_session, ["nobody"], FETCHED_AT)


def test_listings_marked_for_many_sources_at_once_are_as_marked_one_by_one(
        archive_session: Session) -> None:
    add_source(archive_session, "other")
    add_source(archive_session, "quiet")
    for number in (1, 2, 3):
        record_notice(archive_session, fetched_notice(article_url(number),
                                                      title=f"Notice {number}"))
    mark_listed_by_sources(archive_session, {
        SOURCE_ID: [article_url(1), article_url(9)],
        "other": [article_url(2), article_url(1)],
        "quiet": [],
    }, LATER)
    archive_session.commit()
    assert sorted(known_notices(archive_session, "other")) == [article_url(1), article_url(2)]
    assert sorted(known_notices(archive_session, SOURCE_ID)) == [article_url(n) for n in (1, 2, 3)]
    seen = [get_notice(archive_session, article_url(number)) for number in (1, 2, 3)]
    assert len({notice.id for notice in seen if notice is not None}) == 3
    assert [notice.last_seen_at for notice in seen if notice is not None] == [
        LATER, LATER, FETCHED_AT]
    assert sources_with_notices(archive_session, [SOURCE_ID, "other", "quiet", "nobody"]) == {
        SOURCE_ID, "other"}
    assert all(has_notices(archive_session, s) == (s != "quiet") for s in (SOURCE_ID, "other",
                                                                          "quiet"))


def test_versions_cannot_be_changed(archive_engine: Engine, archive_session: Session) -> None:
    outcome = record_notice(archive_session, fetched_notice())
    archive_session.commit()
    assert outcome.version is not None
    outcome.version.text = "rewritten history"
    with pytest.raises(ImmutableVersionError):
        archive_session.flush()
    archive_session.rollback()

    # The database refuses it too, for writers that bypass the ORM.
    with pytest.raises(DBAPIError, match="immutable"), archive_engine.begin() as connection:
        connection.execute(text("UPDATE notice_versions SET text = 'rewritten history'"))
    with archive_engine.connect() as connection:
        stored = connection.execute(text("SELECT text FROM notice_versions")).scalar_one()
    assert stored == fetched_notice().text


def test_raw_page_round_trips_byte_for_byte(archive_session: Session, shared_dir: Path) -> None:
    page = shared_dir / "reference" / "real-pages" / "cac-home-2026-09-07.html"
    if not page.is_file():
        pytest.skip(f"real page {page} is missing")
    raw = page.read_bytes()
    outcome = record_notice(archive_session, fetched_notice(raw=raw))
    archive_session.commit()
    archive_session.expire_all()

    stored = latest_version(archive_session, outcome.notice_id)
    assert stored is not None
    assert stored.raw_bytes() == raw
    assert stored.raw_size == len(raw) and stored.raw_sha256 == sha256_hex(raw)
    assert len(stored.raw_gz) < len(raw)


def test_known_notices_gives_validators_hash_and_version_count(archive_session: Session) -> None:
    record_notice(archive_session, fetched_notice(article_url(1)))
    record_notice(archive_session, fetched_notice(article_url(1), text="amended", fetched_at=LATER))
    record_notice(
        archive_session,
        fetched_notice(article_url(2), title="Another notice",
                       http_headers={"Last-Modified": "Wed, 31 Jan 2024"}),
    )
    add_source(archive_session, "ftc-press")
    record_notice(archive_session, fetched_notice(article_url(3), source_id="ftc-press",
                                                  title="A third notice"))
    archive_session.commit()

    known = known_notices(archive_session, SOURCE_ID)
    assert set(known) == {article_url(1), article_url(2)}
    amended = known[article_url(1)]
    assert amended.versions == 2
    assert amended.content_hash == content_hash(fetched_notice().title, "amended")
    assert amended.etag == '"a1"' and amended.last_checked_at == LATER
    other = known[article_url(2)]
    assert other.versions == 1 and other.etag is None
    assert other.last_modified == "Wed, 31 Jan 2024"

    # Asked about some URLs, it reads those only, with the same answers; another source's
    # notice and a URL the archive never saw are not known.
    some = known_notices(
        archive_session, SOURCE_ID, [article_url(1), article_url(3), article_url(9)]
    )
    assert some == {article_url(1): amended}
    assert known_notices(archive_session, SOURCE_ID, []) == {}
    assert has_notices(archive_session, SOURCE_ID)
    assert not has_notices(archive_session, "no-such-source")


def test_not_modified_moves_last_checked(archive_session: Session) -> None:
    outcome = record_notice(archive_session, fetched_notice())
    record_not_modified(archive_session, SOURCE_ID, article_url(1), LATER)
    archive_session.commit()
    archive_session.expire_all()
    notice = get_notice(archive_session, outcome.notice_id)
    assert notice is not None and notice.last_checked_at == LATER
    assert count_rows(archive_session)["notice_versions"] == 1
    with pytest.raises(UnknownNoticeError):
        record_not_modified(archive_session, SOURCE_ID, article_url(99), LATER)


def test_writes_for_an_unknown_source_are_refused(archive_session: Session) -> None:
    with pytest.raises(UnknownSourceError, match="miit-app"):
        record_notice(archive_session, fetched_notice(source_id="miit-app"))
    with pytest.raises(UnknownSourceError):
        start_run(archive_session, "miit-app", FETCHED_AT)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        fetched_notice(fetched_at=FETCHED_AT.replace(tzinfo=None))
    with pytest.raises(ValueError, match="naive"):
        fetched_notice(published_at=FETCHED_AT.replace(tzinfo=None))


def test_upsert_source_creates_then_updates(archive_session: Session) -> None:
    upsert_source(
        archive_session,
        "samr-news",
        name="总局要闻",
        authority="SAMR",
        language="zh",
        base_url="https://www.samr.gov.cn/",
    )
    archive_session.commit()
    upsert_source(
        archive_session,
        "samr-news",
        name="总局要闻 (news)",
        authority="State Administration for Market Regulation",
        language="zh",
        base_url="https://www.samr.gov.cn/xw/",
    )
    archive_session.commit()
    archive_session.expire_all()
    sources = archive_session.scalars(select(Source).where(Source.id == "samr-news")).all()
    assert len(sources) == 1
    assert sources[0].authority == "State Administration for Market Regulation"
    assert sources[0].base_url == "https://www.samr.gov.cn/xw/"


def test_get_notice_by_id_and_url(archive_session: Session) -> None:
    outcome = record_notice(archive_session, fetched_notice())
    add_source(archive_session, "cac-enforcement")
    record_notice(archive_session, fetched_notice(article_url(5), title="Listed twice"))
    record_notice(archive_session, fetched_notice(article_url(5), title="Listed twice",
                                                  source_id="cac-enforcement"))
    archive_session.commit()

    by_id = get_notice(archive_session, outcome.notice_id)
    assert by_id is not None and by_id.url == article_url(1)
    by_url = get_notice(archive_session, article_url(1))
    assert by_url is not None and by_url.id == outcome.notice_id
    assert get_notice(archive_session, 10_000) is None
    assert get_notice(archive_session, "https://www.cac.gov.cn/none.htm") is None
    # The same article listed by two channels of one regulator is one notice of both.
    shared = get_notice(archive_session, article_url(5))
    assert shared is not None and shared.source_id == SOURCE_ID
    chosen = get_notice(archive_session, article_url(5), source_id="cac-enforcement")
    assert chosen is not None and chosen.id == shared.id
    assert get_notice(archive_session, article_url(1), source_id="cac-enforcement") is None


def test_a_crawl_run_is_started_and_finished(archive_session: Session) -> None:
    run = start_run(archive_session, SOURCE_ID, FETCHED_AT)
    record_notice(archive_session, fetched_notice(crawl_run_id=run.id))
    finish_run(
        archive_session,
        run.id,
        status="ok",
        finished_at=LATER,
        counts={"new": 1, "requests": 3},
        errors=[],
        stats={"finish_time": LATER, "store/new_notice": 1, "seen": {"b", "a"}},
    )
    archive_session.commit()
    archive_session.expire_all()

    stored = archive_session.get(CrawlRun, run.id)
    assert stored is not None
    assert (stored.status, stored.started_at, stored.finished_at) == ("ok", FETCHED_AT, LATER)
    assert (stored.new_count, stored.requests_count, stored.changed_count) == (1, 3, 0)
    assert stored.stats == {
        "finish_time": LATER.isoformat(),
        "store/new_notice": 1,
        "seen": ["a", "b"],
    }
    version = archive_session.scalars(select(NoticeVersion)).one()
    assert version.crawl_run_id == run.id

    with pytest.raises(RunStateError, match="already finished"):
        finish_run(
            archive_session,
            run.id,
            status="failed",
            finished_at=LATER,
            counts={},
            errors=[],
            stats={},
        )


def test_finish_run_refuses_unknown_counts_and_statuses(archive_session: Session) -> None:
    run = start_run(archive_session, SOURCE_ID, FETCHED_AT)
    with pytest.raises(RunStateError, match="chnaged"):
        finish_run(
            archive_session,
            run.id,
            status="ok",
            finished_at=LATER,
            counts={"chnaged": 1},
            errors=[],
            stats={},
        )
    with pytest.raises(RunStateError, match="finished"):
        finish_run(
            archive_session,
            run.id,
            status="finished",  # type: ignore[arg-type]
            finished_at=LATER,
            counts={},
            errors=[],
            stats={},
        )
    with pytest.raises(RunStateError, match="no crawl run"):
        finish_run(
            archive_session,
            run.id + 100,
            status="ok",
            finished_at=LATER,
            counts={},
            errors=[],
            stats={},
        )


def _run(session: Session, status: str, hour: int) -> int:
    run = start_run(session, SOURCE_ID, utc(2024, 3, 1, hour))
    if status != "running":
        finish_run(
            session,
            run.id,
            status=status,  # type: ignore[arg-type]
            finished_at=utc(2024, 3, 1, hour, 30),
            counts={},
            errors=[],
            stats={},
        )
    return run.id


def test_source_health_counts_failures_since_the_last_good_run(archive_session: Session) -> None:
    add_source(archive_session, "ico-enforcement")
    for hour, status in enumerate(["failed", "ok", "failed", "unhealthy"]):
        _run(archive_session, status, hour)
    record_problem(
        archive_session,
        source_id=SOURCE_ID,
        run_id=None,
        url="https://www.cac.gov.cn/",
        kind="http_error",
        detail="503",
        at=utc(2024, 3, 1, 2, 10),
    )
    record_problem(
        archive_session,
        source_id=SOURCE_ID,
        run_id=None,
        url="https://www.cac.gov.cn/x.htm",
        kind="bot_wall",
        detail="412 with a JavaScript challenge",
        at=utc(2024, 3, 1, 3, 10),
    )
    archive_session.commit()

    health = source_health(archive_session)
    assert set(health) == {SOURCE_ID, "ico-enforcement"}
    cac = health[SOURCE_ID]
    assert cac.consecutive_failures == 2
    assert cac.last_status == "unhealthy"
    assert cac.last_run_started == utc(2024, 3, 1, 3)
    assert cac.last_run_finished == utc(2024, 3, 1, 3, 30)
    assert cac.last_problem is not None
    assert (cac.last_problem.kind, cac.last_problem.detail) == (
        "bot_wall",
        "412 with a JavaScript challenge",
    )
    idle = health["ico-enforcement"]
    assert (idle.last_status, idle.consecutive_failures, idle.last_problem) == (None, 0, None)

    # A run in progress is not a failure; once a newer run starts, an unfinished one is.
    _run(archive_session, "running", 4)
    assert source_health(archive_session)[SOURCE_ID].consecutive_failures == 2
    _run(archive_session, "failed", 5)
    assert source_health(archive_session)[SOURCE_ID].consecutive_failures == 4
    _run(archive_session, "ok", 6)
    assert source_health(archive_session)[SOURCE_ID].consecutive_failures == 0


def test_runs_left_running_by_a_dead_crawler_are_closed(archive_session: Session) -> None:
    older = _run(archive_session, "running", 1)
    finished = _run(archive_session, "ok", 2)
    crashed = _run(archive_session, "running", 3)
    archive_session.commit()

    closed = fail_stale_runs(
        archive_session,
        SOURCE_ID,
        reason="crawl process killed by SIGKILL",
        finished_at=utc(2024, 3, 1, 4),
        started_since=utc(2024, 3, 1, 3),
    )
    archive_session.commit()
    assert closed == [crashed]
    run = archive_session.get(CrawlRun, crashed)
    assert run is not None
    assert (run.status, run.finished_at) == ("failed", utc(2024, 3, 1, 4))
    assert run.errors == ["crawl process killed by SIGKILL"]
    assert fail_stale_runs(
        archive_session, SOURCE_ID, reason="again", finished_at=utc(2024, 3, 1, 5)
    ) == [older]
    statuses = dict(archive_session.execute(select(CrawlRun.id, CrawlRun.status)).all())
    assert statuses == {older: "failed", finished: "ok", crashed: "failed"}


def test_latest_runs_gives_each_sources_newest_run(archive_session: Session) -> None:
    add_source(archive_session, "ftc-press")
    _run(archive_session, "failed", 1)
    newest = _run(archive_session, "ok", 2)
    other = start_run(archive_session, "ftc-press", utc(2024, 3, 1, 0))
    archive_session.commit()
    runs = latest_runs(archive_session)
    assert {source: run.id for source, run in runs.items()} == {
        SOURCE_ID: newest,
        "ftc-press": other.id,
    }
    assert runs[SOURCE_ID].status == "ok"


def test_count_rows_names_every_table(archive_session: Session) -> None:
    from storage.models import Base

    counts = count_rows(archive_session)
    # Other parts (alerts) add their tables to the same metadata when they are imported.
    assert set(counts) == {table.name for table in Base.metadata.sorted_tables}
    assert {name: counts[name] for name in (
        "sources", "notices", "crawl_runs", "notice_versions", "fetch_problems", "figures",
        "platform_mentions", "change_events")} == {
        "sources": 1,
        "notices": 0,
        "crawl_runs": 0,
        "notice_versions": 0,
        "fetch_problems": 0,
        "figures": 0,
        "platform_mentions": 0,
        "change_events": 0,
    }


def test_the_notice_row_follows_the_latest_version(archive_session: Session) -> None:
    record_notice(archive_session, fetched_notice())
    later_publication = utc(2024, 2, 1, 1)
    record_notice(
        archive_session,
        fetched_notice(
            title="Corrected totals",
            text="amended",
            published_at=later_publication,
            fetched_at=LATER,
        ),
    )
    archive_session.commit()
    archive_session.expire_all()
    notice = archive_session.scalars(select(Notice)).one()
    assert (notice.title, notice.published_at) == ("Corrected totals", later_publication)
    assert notice.first_seen_at == FETCHED_AT
