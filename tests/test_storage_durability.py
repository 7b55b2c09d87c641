"""The archive under a killed writer and concurrent writers, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, select

from storage.archive import content_hash, count_rows, record_notice
from storage.db import open_archive, session_factory
from storage.errors import ArchiveError
from storage.models import Notice, NoticeVersion
from tests.storage_fixtures import (
    FETCHED_AT,
    SOURCE_ID,
    add_source,
    article_url,
    crawl_notices,
    fetched_notice,
    record_crawl,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTICES_PER_CRAWL = 200
COMMITS_BEFORE_KILL = 40


def _history(engine: Engine) -> dict[str, list[tuple[int, str]]]:
    """(number, content hash) of every version, by notice URL, in number order."""
    with session_factory(engine)() as session:
        rows = session.execute(
            select(Notice.url, NoticeVersion.number, NoticeVersion.content_hash)
            .outerjoin(NoticeVersion, NoticeVersion.notice_id == Notice.id)
            .order_by(Notice.url, NoticeVersion.number)
        )
        history: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for url, number, identity in rows:
            history[url].append((number, identity))
        return dict(history)


def _assert_consistent(engine: Engine) -> dict[str, list[tuple[int, str]]]:
    history = _history(engine)
    for url, notice_versions in history.items():
        numbers = [number for number, _ in notice_versions]
        assert numbers == list(range(1, len(numbers) + 1)), f"{url} has versions {numbers}"
    with session_factory(engine)() as session:
        for version in session.scalars(select(NoticeVersion)):
            version.raw_bytes()
    return history


def _run_together(writer: Callable[[str], None], names: list[str]) -> None:
    """Run `writer(name)` in one thread per name; re-raise the first error any of them hit."""
    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        for running in [pool.submit(writer, name) for name in names]:
            running.result()


@pytest.mark.timeout(120)
def test_a_writer_killed_mid_crawl_leaves_a_consistent_archive(archive_url: str) -> None:
    record_crawl(archive_url, crawl=1, count=NOTICES_PER_CRAWL)
    with tempfile.TemporaryFile() as child_errors:
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.storage_fixtures",
                archive_url,
                "2",
                str(NOTICES_PER_CRAWL),
            ],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=child_errors,
            text=True,
        )
        assert child.stdout is not None
        acknowledged: list[int] = []
        # Each line is printed after a commit; the kill lands while later notices are written.
        for line in child.stdout:
            acknowledged.append(int(line))
            if len(acknowledged) > COMMITS_BEFORE_KILL:
                os.kill(child.pid, signal.SIGKILL)
                break
        child.wait()
        child.stdout.close()
        child_errors.seek(0)
        stderr = child_errors.read().decode(errors="replace")
    assert child.returncode == -signal.SIGKILL, f"the writer was not killed midway: {stderr}"

    second_crawl = crawl_notices(2, NOTICES_PER_CRAWL)
    engine = open_archive(archive_url)
    try:
        history = _assert_consistent(engine)
        for index in acknowledged:
            committed = second_crawl[index]
            identity = content_hash(committed.title, committed.text)
            assert identity in {h for _, h in history[committed.url]}, f"lost commit {index}"
        assert second_crawl[-1].url not in history, "the kill came after the crawl had finished"

        # The crawl runs again from the start, as the scheduler would.
        record_crawl(archive_url, crawl=2, count=NOTICES_PER_CRAWL)
        history = _assert_consistent(engine)
        with session_factory(engine)() as session:
            rows = count_rows(session)
    finally:
        engine.dispose()

    expected: dict[str, list[str]] = defaultdict(list)
    for page in crawl_notices(1, NOTICES_PER_CRAWL) + second_crawl:
        identity = content_hash(page.title, page.text)
        if not expected[page.url] or expected[page.url][-1] != identity:
            expected[page.url].append(identity)
    assert {url: [h for _, h in versions] for url, versions in history.items()} == expected
    assert rows["notices"] == len(expected)
    assert rows["notice_versions"] == sum(len(hashes) for hashes in expected.values())


@pytest.mark.timeout(120)
@pytest.mark.parametrize("same_content", [True, False], ids=["same-content", "different-content"])
def test_concurrent_writers_of_the_same_notices(archive_engine: Engine, same_content: bool) -> None:
    sessions = session_factory(archive_engine)
    with sessions.begin() as session:
        add_source(session)
    urls = [article_url(number) for number in range(40)]
    start = threading.Barrier(2, timeout=30)

    def write(writer: str) -> None:
        start.wait()
        for url in urls:
            text = "259 apps were removed." + ("" if same_content else f" (seen by {writer})")
            with sessions.begin() as session:
                # A title of its own: notices reading alike on one host would be one notice.
                record_notice(session, fetched_notice(url, title=f"Notice {url}", text=text))

    _run_together(write, ["a", "b"])
    history = _assert_consistent(archive_engine)
    assert set(history) == set(urls)
    versions_each = 1 if same_content else 2
    assert all(len(versions) == versions_each for versions in history.values())
    if not same_content:
        assert all({h for _, h in versions} == {
            content_hash(f"Notice {url}", f"259 apps were removed. (seen by {name})")
            for name in ("a", "b")} for url, versions in history.items())


@pytest.mark.timeout(120)
def test_concurrent_changes_of_one_notice_get_distinct_version_numbers(
    archive_engine: Engine,
) -> None:
    sessions = session_factory(archive_engine)
    with sessions.begin() as session:
        add_source(session)
        record_notice(session, fetched_notice())
    changes_each = 30
    start = threading.Barrier(2, timeout=30)

    def amend(writer: str) -> None:
        start.wait()
        for change in range(changes_each):
            text = f"Amendment {change} by {writer}: 14,624 websites were closed."
            with sessions.begin() as session:
                outcome = record_notice(session, fetched_notice(text=text))
                assert outcome.status == "changed"

    _run_together(amend, ["a", "b"])
    history = _assert_consistent(archive_engine)
    assert len(history[article_url(1)]) == 1 + 2 * changes_each


@pytest.mark.postgres
@pytest.mark.parametrize("same_content", [True, False], ids=["same-content", "different-content"])
def test_losing_the_race_to_create_a_notice_is_not_an_error(
    postgres_archive_url: str, same_content: bool
) -> None:
    engine = open_archive(postgres_archive_url)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        add_source(session)
    raced: list[str] = []

    def other_writer_first(connection: Any, cursor: Any, statement: str, *args: Any) -> None:
        # Another process creates the notice between our read and our insert.
        if statement.startswith("INSERT INTO notices") and not raced:
            raced.append(statement)
            with sessions.begin() as winner:
                record_notice(winner, fetched_notice())

    try:
        with sessions() as loser:
            event.listen(loser.connection(), "before_cursor_execute", other_writer_first)
            text = fetched_notice().text if same_content else "Corrected: 260 apps were removed."
            later = FETCHED_AT + timedelta(minutes=1)
            outcome = record_notice(loser, fetched_notice(text=text, fetched_at=later))
            loser.commit()
            rows = count_rows(loser)
    finally:
        engine.dispose()

    assert len(raced) == 1
    assert outcome.status == ("unchanged" if same_content else "changed")
    assert rows["notices"] == 1
    assert rows["notice_versions"] == (1 if same_content else 2)


def test_a_notice_deleted_while_it_is_recorded_is_a_clear_error_that_keeps_nothing(
    archive_engine: Engine,
) -> None:
    sessions = session_factory(archive_engine)
    with sessions.begin() as session:
        add_source(session)
    deleted: list[str] = []

    def deleted_meanwhile(connection: Any, cursor: Any, statement: str, *args: Any) -> None:
        # The notice exists when it is inserted (the insert does nothing), and someone deletes
        # it before it is read back: no notice to lock, and no state to guess at.
        if statement.startswith("INSERT INTO notices") and not deleted:
            deleted.append(statement)
            other = connection.connection.dbapi_connection.cursor()
            marker = "?" if connection.dialect.name == "sqlite" else "%s"
            other.execute(f"DELETE FROM notices WHERE url = {marker}", (fetched_notice().url,))
            other.close()

    with sessions() as session:
        session.execute(insert(Notice).values(
            source_id=SOURCE_ID, url=fetched_notice().url, title="", language="zh-Hans",
            first_seen_at=FETCHED_AT, last_seen_at=FETCHED_AT, last_checked_at=FETCHED_AT))
        event.listen(session.connection(), "after_cursor_execute", deleted_meanwhile)
        with pytest.raises(ArchiveError, match="vanished while recorded"):
            record_notice(session, fetched_notice())
        session.rollback()
    assert deleted
    with sessions() as session:
        assert count_rows(session)["notices"] == 0


def test_a_rolled_back_transaction_leaves_no_trace(archive_engine: Engine) -> None:
    # On SQLite this fails if a released savepoint (used to create a notice) commits on its own.
    sessions = session_factory(archive_engine)
    with sessions.begin() as session:
        add_source(session)
    with sessions() as session:
        record_notice(session, fetched_notice(article_url(1)))
        record_notice(session, fetched_notice(article_url(2)))
        session.rollback()
    with sessions() as session:
        rows = count_rows(session)
    assert (rows["notices"], rows["notice_versions"]) == (0, 0)
