"""The archive writer process: the same archive as storing inline, and no hang when it dies."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import select as selecting
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from alerts.rule import AlertRule, channel_of
from crawler.archivewriter import ArchiveWriter, fork_writer
from crawler.storing import StoreResult, store_notice, store_notices
from storage.archive import FetchedNotice
from storage.db import open_archive, session_factory
from storage.models import (
    AlertOutbox,
    ChangeEvent,
    Figure,
    Notice,
    NoticeListing,
    NoticeVersion,
    PlatformMention,
)
from storage.search import search_notices
from storage.search_index import notice_search
from tests.storage_fixtures import (
    BACKENDS,
    add_source,
    article_url,
    fetched_notice,
    fresh_postgres_archive_url,
)

BEIJING_NOON = datetime(2024, 1, 31, 4, 5, tzinfo=UTC)
TEXTS = [
    ("2023年，全国网信系统依法约谈网站10646家，下架移动应用程序259款，关闭违法网站14624家。"
     "国家网信办对抖音、新浪微博予以约谈并责令整改。"),
    ("2022年，全国网信系统依法约谈网站8608家，下架移动应用程序420款，关闭违法网站15240家。"
     "国家网信办对快手予以约谈，罚款50万元。"),
    "2024年一季度，全国网信系统依法约谈网站2000家，下架移动应用程序100款。",
]


def notices(run_id: int | None = None) -> list[FetchedNotice]:
    """Three notices, then the first again (unchanged), then the second edited (changed)."""
    made = [
        fetched_notice(article_url(number), text=text, language="zh-Hans",
                       title=f"网络执法工作情况 {number}", crawl_run_id=run_id,
                       published_at=BEIJING_NOON.replace(year=2021 + number))
        for number, text in enumerate(TEXTS, start=1)
    ]
    edited = fetched_notice(article_url(2), text=TEXTS[1].replace("420款", "421款"),
                            language="zh-Hans", title="网络执法工作情况 2", crawl_run_id=run_id,
                            published_at=BEIJING_NOON.replace(year=2023))
    return [*made, made[0], edited]


def archive_contents(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Everything the pipeline writes, without ids or creation times (the listings with
    when they were seen)."""
    def rows(*columns: Any) -> list[tuple[Any, ...]]:
        return sorted((tuple(row) for row in session.execute(select(*columns))), key=repr)

    return {
        "outbox": rows(AlertOutbox.rule, AlertOutbox.channel, AlertOutbox.idempotency_key,
                       AlertOutbox.status),
        "notices": rows(Notice.url, Notice.title),
        "versions": rows(NoticeVersion.number, NoticeVersion.content_hash),
        "figures": rows(Figure.metric, Figure.value, Figure.period, Figure.scope),
        "mentions": rows(PlatformMention.platform_id, PlatformMention.action),
        "events": rows(ChangeEvent.kind, ChangeEvent.subject, ChangeEvent.summary_en,
                       ChangeEvent.summary_zh, ChangeEvent.dedupe_key),
        "listings": listing_rows(session),
    }


def listing_rows(session: Session) -> list[tuple[Any, ...]]:
    """Which source lists which notice (by its URL) at which URL, first and last seen when."""
    return sorted(tuple(row) for row in session.execute(
        select(NoticeListing.source_id, NoticeListing.url, Notice.url,
               NoticeListing.first_seen_at, NoticeListing.last_seen_at)
        .join(Notice, Notice.id == NoticeListing.notice_id)))


def search_contents(session: Session) -> list[tuple[Any, ...]]:
    """The search index's rows: which version of which notice, in its searchable form."""
    table = notice_search
    return sorted(tuple(row) for row in session.execute(select(
        table.c.notice_id, table.c.version_id, table.c.title, table.c.body, table.c.grams)))


class Results:
    """Collects the writer's answers from its receiving thread."""

    def __init__(self) -> None:
        self.by_token: dict[Any, StoreResult] = {}
        self.lock = threading.Lock()
        self.all_in = threading.Event()
        self.expected = 0

    def __call__(self, token: Any, result: StoreResult) -> None:
        with self.lock:
            self.by_token[token] = result
            if len(self.by_token) >= self.expected:
                self.all_in.set()


def call_now(function: Any, *args: Any) -> None:
    function(*args)


def new_archive(path: Path) -> str:
    url = f"sqlite:///{path}"
    engine = open_archive(url)
    with session_factory(engine).begin() as session:
        add_source(session)
    engine.dispose()
    return url


class Archives:
    """New archives holding the test source, opened as often as a test asks and closed after."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.engines: list[Engine] = []

    def new(self, name: str) -> str:
        return new_archive(self.directory / f"{name}.db")

    def sessions(self, url: str) -> sessionmaker[Session]:
        engine = open_archive(url)
        self.engines.append(engine)
        return session_factory(engine)


@pytest.fixture(name="archives")
def archives_fixture(tmp_path: Path) -> Iterator[Archives]:
    archives = Archives(tmp_path)
    try:
        yield archives
    finally:
        for engine in archives.engines:
            engine.dispose()


def test_the_writer_process_archives_exactly_what_storing_inline_archives(
    archives: Archives,
) -> None:
    inline_sessions = archives.sessions(archives.new("inline"))
    inline = [store_notice(inline_sessions, fetched, []) for fetched in notices()]

    writer_url = archives.new("writer")
    results = Results()
    results.expected = len(notices())
    writer = ArchiveWriter(writer_url, [], results, call_now)
    for token, fetched in enumerate(notices()):
        writer.submit(fetched, token)
    writer.close()

    # It said it had started up before it stored anything (the crawl stores inline until then).
    assert writer.ready
    assert [results.by_token[token] for token in range(len(inline))] == inline
    assert [result.status for result in inline] == ["new", "new", "new", "unchanged", "changed"]
    assert writer.report is not None and writer.report.notices == len(inline)
    with archives.sessions(writer_url)() as stored, inline_sessions() as expected:
        assert archive_contents(stored) == archive_contents(expected)
        assert archive_contents(stored)["events"]


def test_notices_beyond_what_the_pipe_holds_reach_the_writer_whole_and_in_order(
    archives: Archives,
) -> None:
    # 6 MiB of pages against a pipe of at most 1 MiB: submit writes what fits and the sender
    # thread the rest, one page alone three times the pipe, as the writer reads.
    sizes = [3 << 20, *[100_000] * 30]
    url = archives.new("archive")
    results = Results()
    results.expected = len(sizes)
    writer = ArchiveWriter(url, [], results, call_now)
    pages = {}
    for number, size in enumerate(sizes, start=1):
        pages[article_url(number)] = raw = os.urandom(size)
        writer.submit(fetched_notice(article_url(number), raw=raw,
                                     text=f"Notice {number} of a long backlog."), number)
    writer.close(timeout=120)

    assert writer.process.wait() == 0
    assert [results.by_token[number].status for number in range(1, len(sizes) + 1)] == (
        ["new"] * len(sizes))
    with archives.sessions(url)() as session:
        stored = {url: digest for url, digest in session.execute(
            select(Notice.url, NoticeVersion.raw_sha256).join(NoticeVersion.notice))}
        order = list(session.scalars(select(Notice.url).order_by(Notice.id)))
    assert stored == {page: hashlib.sha256(raw).hexdigest() for page, raw in pages.items()}
    assert order == list(pages)


def test_a_writer_that_dies_fails_its_notices_instead_of_hanging(archives: Archives) -> None:
    url = archives.new("archive")
    results = Results()
    results.expected = 2
    writer = ArchiveWriter(url, [], results, call_now)
    writer.submit(notices()[0], "stored")
    os.kill(writer.pid, signal.SIGKILL)
    writer.submit(notices()[1], "after")
    assert results.all_in.wait(60)
    writer.close(timeout=60)

    assert results.by_token["after"].status == "failed"
    assert "archive writer" in (results.by_token["after"].error or "")
    # Whatever it had stored before dying is whole; nothing else is in the archive.
    with archives.sessions(url)() as session:
        urls = list(session.scalars(select(Notice.url)))
        versions = list(session.scalars(select(NoticeVersion.notice_id)))
        events = list(session.scalars(select(ChangeEvent.version_id).distinct()))
    assert urls in ([], [article_url(1)])
    assert len(versions) == len(urls) == len(events)
    if results.by_token["stored"].status != "failed":
        assert urls == [article_url(1)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a Linux parent-death signal")
def test_the_writer_dies_with_the_crawl_that_started_it(tmp_path: Path) -> None:
    url = new_archive(tmp_path / "archive.db")
    read_end, write_end = os.pipe()
    crawl = os.fork()
    if crawl == 0:
        try:
            os.close(read_end)
            writer = ArchiveWriter(url, [], lambda token, result: None, call_now)
            os.write(write_end, str(writer.pid).encode())
            signal.pause()
        finally:
            os._exit(1)
    os.close(write_end)
    writer_pid = int(os.read(read_end, 32))
    os.close(read_end)
    os.kill(crawl, signal.SIGKILL)
    os.waitpid(crawl, 0)
    # A pidfd becomes readable when its process ends, whoever its parent is by then.
    try:
        watched = os.pidfd_open(writer_pid)
    except ProcessLookupError:
        return
    try:
        readable, _, _ = selecting.select([watched], [], [], 30)
    finally:
        os.close(watched)
    assert readable, "the writer outlived the crawl that started it"


@pytest.mark.parametrize(("mode", "queued", "starts"), [
    ("process", [5, 5], False),  # ten notices to store: the crawl stores them itself
    ("process", [5, 5, 1], True),  # the eleventh listed starts the writer, none stored yet
    ("process", [11], True),
    ("inline", [50], False),
])
def test_the_pipeline_starts_the_writer_once_its_lists_show_more_than_ten_notices(
    mode: str, queued: list[int], starts: bool
) -> None:
    from scrapy.utils.test import get_crawler

    from crawler import signals as regwatch_signals
    from crawler.pipelines import ArchivePipeline

    crawler = get_crawler(settings_dict={"REGWATCH_ARCHIVE_WRITER": mode})
    pipeline = ArchivePipeline.from_crawler(crawler)
    started: list[bool] = []

    def start_writer() -> Any:
        started.append(True)
        pipeline.writer = object()  # type: ignore[assignment]
        return pipeline.writer

    pipeline._start_writer = start_writer  # type: ignore[method-assign]
    for count in queued:
        crawler.signals.send_catch_log(regwatch_signals.new_notices_queued, count=count)
    assert started == ([True] if starts else [])
    pipeline.writer = None
    asyncio.run(pipeline.close_spider())


@pytest.fixture(params=BACKENDS, name="archive_pair")
def archive_pair_fixture(request: pytest.FixtureRequest,
                         tmp_path: Path) -> Iterator[tuple[sessionmaker[Session], ...]]:
    """Two new archives holding the test source, on one backend (the test runs on each)."""
    if request.param == "sqlite":
        urls = [f"sqlite:///{tmp_path / name}.db" for name in ("one", "two")]
    else:
        database = request.getfixturevalue("postgres_database")
        urls = [fresh_postgres_archive_url(database) for _ in range(2)]
    engines = [open_archive(url) for url in urls]
    try:
        for engine in engines:
            with session_factory(engine).begin() as session:
                add_source(session)
        yield tuple(session_factory(engine) for engine in engines)
    finally:
        for engine in engines:
            engine.dispose()


def test_a_batch_archives_exactly_what_storing_one_by_one_archives(
    archive_pair: tuple[sessionmaker[Session], ...], caplog: pytest.LogCaptureFixture,
) -> None:
    one_sessions, batch_sessions = archive_pair
    # A baseline rule queues the alerts of a first crawl too: every event gets one.
    rules = [AlertRule(name="everything", channels=(channel_of("json://127.0.0.1/hook"),),
                       baseline=True)]
    one_by_one = [store_notice(one_sessions, fetched, rules) for fetched in notices()]

    # The batch holds the same notice three times: new, unchanged, then changed. Its search
    # rows, events and alerts are written after all five are recorded, in a statement each.
    with caplog.at_level(logging.WARNING, logger="crawler.archivewriter"):
        batched = store_notices(batch_sessions, notices(), rules)

    assert not caplog.records, "the batch was stored together, not each alone"
    assert batched == one_by_one
    assert [(result.events, result.queued) for result in batched] == [
        (result.events, result.queued) for result in one_by_one]
    assert sum(result.queued for result in batched) > 0
    assert all(result.cpu_seconds > 0 for result in batched)
    with batch_sessions() as stored, one_sessions() as expected:
        assert archive_contents(stored) == archive_contents(expected)
        # The changed notice is indexed by its second version, as one by one.
        assert search_contents(stored) == search_contents(expected)
        found = search_notices(stored, "421款")
        assert [hit.url for hit in found.hits] == [article_url(2)]


def test_a_batch_lists_notices_as_storing_one_by_one_lists_them(
    archive_pair: tuple[sessionmaker[Session], ...],
) -> None:
    """A batch writes its new notices' listings together at its end, and asks which notice
    a page is only for pages whose URL or content the archive or the batch knows; a notice
    seen again within it, at its URL, by another source, at a new path and then edited
    there, is still that notice, and a listing keeps when it was first seen."""
    for sessions in archive_pair:
        with sessions.begin() as session:
            add_source(session, "cac-hlwnrgl")
    one_sessions, batch_sessions = archive_pair

    def seen(minutes: int) -> datetime:
        return BEIJING_NOON + timedelta(minutes=minutes)

    first = fetched_notice(article_url(1), text=TEXTS[0], language="zh-Hans", fetched_at=seen(0))
    third = fetched_notice(article_url(3), text=TEXTS[2], language="zh-Hans", fetched_at=seen(6))
    batch = [
        first,
        fetched_notice(article_url(2), text=TEXTS[1], language="zh-Hans", fetched_at=seen(1)),
        replace(first, fetched_at=seen(2)),
        replace(first, source_id="cac-hlwnrgl", fetched_at=seen(3)),
        replace(first, url=article_url(7), source_id="cac-hlwnrgl", fetched_at=seen(4)),
        replace(first, url=article_url(7), source_id="cac-hlwnrgl", fetched_at=seen(5),
                text=TEXTS[0].replace("259款", "260款")),
        third,
        replace(third, fetched_at=seen(7)),
    ]
    # A later batch: the edited page at another new path, then edited again at the first.
    later = [replace(batch[5], url=article_url(8), fetched_at=seen(8)),
             replace(batch[5], text=TEXTS[0].replace("259款", "261款"), fetched_at=seen(9))]
    one_by_one = [store_notice(one_sessions, fetched, []) for fetched in [*batch, *later]]

    batched = store_notices(batch_sessions, batch, []) + store_notices(batch_sessions, later, [])

    assert [result.status for result in batched] == [
        "new", "new", "unchanged", "unchanged", "unchanged", "changed", "new", "unchanged",
        "unchanged", "changed"]
    assert batched == one_by_one
    with batch_sessions() as stored, one_sessions() as expected:
        assert archive_contents(stored) == archive_contents(expected)
        assert [row for row in listing_rows(stored) if row[2] == article_url(1)] == [
            ("cac-hlwnrgl", article_url(1), article_url(1), seen(3), seen(3)),
            ("cac-hlwnrgl", article_url(7), article_url(1), seen(4), seen(9)),
            ("cac-hlwnrgl", article_url(8), article_url(1), seen(8), seen(8)),
            ("cac-wxfb", article_url(1), article_url(1), seen(0), seen(2)),
        ]


def test_a_notice_that_cannot_be_stored_fails_alone_in_its_batch(
    archives: Archives, caplog: pytest.LogCaptureFixture,
) -> None:
    sessions = archives.sessions(archives.new("archive"))
    first, second = notices()[:2]
    stray = fetched_notice(article_url(9), text=TEXTS[2], language="zh-Hans",
                           source_id="never-upserted")

    with caplog.at_level(logging.WARNING, logger="crawler.archivewriter"):
        results = store_notices(sessions, [first, stray, second], [])

    assert "could not be stored together" in caplog.text
    assert [result.status for result in results] == ["new", "failed", "new"]
    assert "never-upserted" in (results[1].error or "")
    with sessions() as session:
        assert sorted(session.scalars(select(Notice.url))) == sorted([first.url, second.url])
        assert len(list(session.scalars(select(NoticeVersion.id)))) == 2


def test_a_notice_the_extractor_fails_on_is_archived_without_findings_and_says_why(
    archives: Archives, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    """A fault in an extraction rule (近两个月来 once raised) loses the notice's figures, never
    the notice: its version, raw page and search row are kept, the others keep their findings."""
    import storage.analysis

    real_extract = storage.analysis.extract

    def extract_failing_on_the_second(text: str, **options: Any) -> Any:
        if text == TEXTS[1]:
            raise ValueError("substring not found")
        return real_extract(text, **options)

    monkeypatch.setattr(storage.analysis, "extract", extract_failing_on_the_second)
    sessions = archives.sessions(archives.new("archive"))
    first, second, third = notices()[:3]

    with caplog.at_level(logging.ERROR, logger="storage.analysis"):
        results = store_notices(sessions, [first, second, third], [])

    assert [result.status for result in results] == ["new", "new", "new"]
    assert [result.extraction_error for result in results] == [
        None, "ValueError: substring not found", None]
    assert f"extraction failed on {second.url}" in caplog.text
    with sessions() as session:
        stored = session.scalar(select(Notice).where(Notice.url == second.url))
        assert stored is not None
        assert session.scalar(select(NoticeVersion.text).where(
            NoticeVersion.notice_id == stored.id)) == TEXTS[1]
        figured = set(session.scalars(select(Figure.notice_id)))
        assert stored.id not in figured and len(figured) == 2
    assert [hit.url for hit in search_notices(sessions(), "8608").hits] == [second.url]


def test_the_crawl_counts_a_notice_archived_without_findings() -> None:
    from scrapy.utils.test import get_crawler

    from crawler.pipelines import ArchivePipeline

    crawler = get_crawler()
    crawler.stats.open_spider()
    pipeline = ArchivePipeline.from_crawler(crawler)
    pipeline._count(article_url(2), StoreResult("new", extraction_error="ValueError: x"))
    pipeline._count(article_url(3), StoreResult("new"))
    assert crawler.stats.get_value("store/extraction_failed") == 1
    assert crawler.stats.get_value("store/new_notice") == 2


FORKED_WRITER = """
import sys
from crawler.archivewriter import ArchiveWriter, fork_writer
from tests.test_archivewriter import Results, call_now, notices

started = fork_writer()
assert started is not None, "one thread, no reactor: the writer can be forked"
results = Results()
writer = ArchiveWriter(sys.argv[1], [], results, call_now, started=started)
for token, fetched in enumerate(notices()):
    writer.submit(fetched, token)
writer.close()
assert writer.process.wait() == 0 and writer.report is not None
print([results.by_token[token].status for token in range(len(notices()))])
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the writer is forked on Linux")
def test_a_writer_forked_from_the_crawl_archives_what_storing_inline_archives(
    archives: Archives,
) -> None:
    inline_sessions = archives.sessions(archives.new("inline"))
    for fetched in notices():
        store_notice(inline_sessions, fetched, [])
    forked_url = archives.new("forked")

    # In a process of its own: the test process may be running threads, and then no writer
    # is forked.
    done = subprocess.run([sys.executable, "-c", FORKED_WRITER, forked_url],
                          capture_output=True, text=True, timeout=120, check=False,
                          cwd=Path(__file__).resolve().parents[1])

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['new', 'new', 'new', 'unchanged', 'changed']"
    with archives.sessions(forked_url)() as stored, inline_sessions() as expected:
        assert archive_contents(stored) == archive_contents(expected)


DISCARDED_WRITER = """
import os
from crawler.archivewriter import fork_writer

started = fork_writer()
assert started is not None, "one thread, no reactor: the writer can be forked"
started.discard()
assert started.process.wait() == 0
try:
    os.waitpid(started.process.pid, 0)
except ChildProcessError:
    print("reaped")
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the writer is forked on Linux")
def test_a_forked_writer_never_handed_an_archive_exits_when_discarded() -> None:
    # In a process of its own, as above.
    done = subprocess.run([sys.executable, "-c", DISCARDED_WRITER], capture_output=True,
                          text=True, timeout=60, check=False,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "reaped"


def test_no_writer_is_forked_while_another_thread_runs() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert fork_writer() is None
    finally:
        stop.set()
        other.join()


def test_findings_extracted_by_the_crawl_are_stored_as_the_writer_would_find_them(
    archives: Archives,
) -> None:
    from diffing.extract import extract

    own_sessions = archives.sessions(archives.new("own"))
    found_by_writer = store_notices(own_sessions, notices(), [])

    given_sessions = archives.sessions(archives.new("given"))
    # The crawl extracts while its writer is behind: every other notice here.
    extractions = [extract(fetched.text, published=fetched.published_at) if index % 2 else None
                   for index, fetched in enumerate(notices())]
    found_by_crawl = store_notices(given_sessions, notices(), [], extractions)

    assert found_by_crawl == found_by_writer
    assert [result.extraction_cpu_seconds > 0 for result in found_by_crawl[:3]] == [
        True, False, True]
    with given_sessions() as given, own_sessions() as own:
        assert archive_contents(given) == archive_contents(own)
        assert archive_contents(given)["figures"]


def test_the_crawl_extracts_findings_itself_only_while_its_writer_is_behind() -> None:
    from types import SimpleNamespace

    from scrapy.utils.test import get_crawler

    from crawler.pipelines import EXTRACT_HERE_BEHIND, ArchivePipeline
    from diffing.extract import extract

    crawler = get_crawler(settings_dict={"REGWATCH_ARCHIVE_WRITER": "inline"})
    pipeline = ArchivePipeline.from_crawler(crawler)
    fetched = notices()[0]
    pipeline.writer = SimpleNamespace(backlog=EXTRACT_HERE_BEHIND)  # type: ignore[assignment]
    assert pipeline._extraction_if_writer_behind(fetched) is None
    pipeline.writer = SimpleNamespace(backlog=EXTRACT_HERE_BEHIND + 1)  # type: ignore[assignment]
    assert pipeline._extraction_if_writer_behind(fetched) == extract(
        fetched.text, published=fetched.published_at)
    assert crawler.stats is not None
    assert crawler.stats.get_value("store/extracted_by_crawl") == 1
    assert crawler.stats.get_value("store/extraction_cpu_seconds") > 0


class UnhurriedWriter:
    """A writer that answers only when the test does (see ArchivePipeline._stored)."""

    ready = forked = True
    backlog = 0
    report = None

    def __init__(self) -> None:
        self.tokens: list[Any] = []
        self.closed = False

    def submit(self, fetched: FetchedNotice, token: Any, extraction: Any = None) -> None:
        self.tokens.append(token)

    def close(self) -> None:
        self.closed = True


def test_the_crawl_runs_only_so_far_ahead_of_its_writer_and_closes_once_all_is_answered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dataclasses import asdict
    from types import SimpleNamespace

    from scrapy.utils.test import get_crawler

    import crawler.runrecord
    from crawler.items import NoticeItem
    from crawler.pipelines import WRITER_AHEAD, ArchivePipeline

    crawler_ = get_crawler(settings_dict={"REGWATCH_ARCHIVE_WRITER": "inline"})
    pipeline = ArchivePipeline.from_crawler(crawler_)
    problems: list[tuple[str, str, str]] = []
    recorder = SimpleNamespace(run_id=7, problem_found=lambda *problem: problems.append(problem))
    monkeypatch.setitem(crawler.runrecord._recorders, crawler_, recorder)
    writer = UnhurriedWriter()
    pipeline.writer = writer  # type: ignore[assignment]
    fields = {name: value for name, value in asdict(notices()[0]).items()
              if name != "crawl_run_id"}
    items = [NoticeItem(**{**fields, "url": article_url(number)})
             for number in range(WRITER_AHEAD + 3)]

    async def settle() -> None:
        for _ in range(10):
            await asyncio.sleep(0)

    async def crawl() -> None:
        handing = [asyncio.ensure_future(pipeline.process_item(item)) for item in items]
        await settle()
        # The first WRITER_AHEAD items left once handed over; the last three wait for answers.
        assert [task.done() for task in handing] == [True] * WRITER_AHEAD + [False] * 3
        for token in writer.tokens[:3]:
            pipeline._stored(token, StoreResult("new", events=2))
        await settle()
        assert all(task.done() for task in handing)
        assert [task.result() for task in handing] == items

        closing = asyncio.ensure_future(pipeline.close_spider())
        await settle()
        assert not closing.done() and not writer.closed, "answers are still on their way"
        for token in writer.tokens[3:-1]:
            pipeline._stored(token, StoreResult("new", events=2))
        pipeline._stored(writer.tokens[-1], StoreResult("failed", error="disk full"))
        await closing
        assert writer.closed

    asyncio.run(crawl())
    stats = crawler_.stats
    assert stats is not None
    assert stats.get_value("store/new_notice") == len(items) - 1
    assert stats.get_value("crawl/failed_notice") == 1
    assert stats.get_value("diff/events") == 2 * (len(items) - 1)
    assert problems == [("store", items[-1].url, "disk full")]
    assert [token[0] for token in writer.tokens] == [item.url for item in items]


def test_a_crawl_stopped_while_closing_still_closes_its_writer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dataclasses import asdict
    from types import SimpleNamespace

    from scrapy.utils.test import get_crawler

    import crawler.runrecord
    from crawler.items import NoticeItem
    from crawler.pipelines import ArchivePipeline

    crawler_ = get_crawler(settings_dict={"REGWATCH_ARCHIVE_WRITER": "inline"})
    pipeline = ArchivePipeline.from_crawler(crawler_)
    monkeypatch.setitem(crawler.runrecord._recorders, crawler_, SimpleNamespace(run_id=7))
    writer = UnhurriedWriter()
    pipeline.writer = writer  # type: ignore[assignment]
    fields = {name: value for name, value in asdict(notices()[0]).items()
              if name != "crawl_run_id"}

    async def crawl() -> None:
        await pipeline.process_item(NoticeItem(**fields))
        closing = asyncio.ensure_future(pipeline.close_spider())
        await asyncio.sleep(0)
        assert not writer.closed, "the answer is still on its way"
        closing.cancel()
        with pytest.raises(asyncio.CancelledError):
            await closing

    asyncio.run(crawl())
    assert writer.closed


TWO_FORKED_WRITERS = """
import sys
from crawler.archivewriter import ArchiveWriter, fork_writer
from tests.test_archivewriter import Results, call_now, notices

# A crawl of two sources forks a writer for each before it starts.
spares = [fork_writer(), fork_writer()]
assert all(spare is not None for spare in spares)
writers = []
for url, spare in zip(sys.argv[1:], spares):
    results = Results()
    writer = ArchiveWriter(url, [], results, call_now, started=spare)
    for token, fetched in enumerate(notices()):
        writer.submit(fetched, token)
    writers.append((writer, results))
for writer, results in writers:
    # The first writer's input ends although the second holds copies of this process's files.
    writer.close(timeout=30)
    assert writer.process.wait() == 0
    print([results.by_token[token].status for token in range(len(notices()))])
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the writer is forked on Linux")
def test_the_writers_of_a_crawl_of_several_sources_each_end_with_their_input(
    archives: Archives,
) -> None:
    urls = [archives.new("one"), archives.new("two")]
    done = subprocess.run([sys.executable, "-c", TWO_FORKED_WRITERS, *urls],
                          capture_output=True, text=True, timeout=120, check=False,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["['new', 'new', 'new', 'unchanged', 'changed']"] * 2


def test_a_writer_that_cannot_be_forked_is_left_to_a_new_interpreter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_more_processes() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(os, "fork", no_more_processes)
    before = set(os.listdir("/proc/self/fd")) if sys.platform.startswith("linux") else set()

    assert fork_writer() is None
    if sys.platform.startswith("linux"):
        # Its pipes are closed again.
        assert set(os.listdir("/proc/self/fd")) == before


def test_a_crawl_that_cannot_start_its_writer_stores_its_notices_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from scrapy.utils.test import get_crawler

    import crawler.archivewriter
    from crawler import signals as regwatch_signals
    from crawler.pipelines import ArchivePipeline

    def no_more_processes() -> Any:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(crawler.archivewriter, "spawn_writer", no_more_processes)
    crawler_ = get_crawler(settings_dict={"REGWATCH_ARCHIVE_WRITER": "process"})
    pipeline = ArchivePipeline.from_crawler(crawler_)
    if pipeline.spare is not None:
        pipeline.spare.discard()
        pipeline.spare = None
    crawler_.signals.send_catch_log(regwatch_signals.new_notices_queued, count=50)

    assert pipeline.writer is None and pipeline.mode == "inline"
    assert crawler_.stats is not None
    assert crawler_.stats.get_value("store/writer_start_failed") == 1
    asyncio.run(pipeline.close_spider())
