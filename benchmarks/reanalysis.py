"""``regwatch reanalyse`` on a generated archive (benchmark 10): versions per second and CPU.

The synthetic site's notices are archived as the archive writer archives them
(:func:`crawler.storing.store_notices`, batches of 50), every fifth one edited once (a second
version whose figures are compared with the first's). Their findings and notes are then
marked as an older extractor's (1.6.0), as after an upgrade, and
:func:`storage.reanalysis.reanalyse` reads them all again in this process; a second run, which
finds nothing due, is timed too.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.sitegen import SOURCE_ID, SyntheticSite

OLDER = "1.6.0"


def run(size: int, backends: str = "sqlite") -> dict[str, Any]:
    result: dict[str, Any] = {"benchmark": "reanalyse", "size": size}
    with tempfile.TemporaryDirectory(prefix="regwatch-bench-reanalyse-") as scratch:
        if backends in ("sqlite", "both"):
            measured = _measure(f"sqlite:///{Path(scratch) / 'archive.db'}", size)
            result.update({f"sqlite_{key}": value for key, value in measured.items()})
    if backends in ("postgresql", "both"):
        from benchmarks.query import postgres_database

        database = postgres_database(size)
        if isinstance(database, str):
            result["postgresql_skipped"] = database
        else:
            url, drop, _ = database
            try:
                measured = _measure(url, size)
            finally:
                drop()
            result.update({f"postgresql_{key}": value for key, value in measured.items()})
    return result


def _measure(url: str, size: int) -> dict[str, Any]:
    from sqlalchemy import text

    from storage.db import open_archive
    from storage.reanalysis import reanalyse

    engine = open_archive(url)
    try:
        versions = _fill(engine, size)
        with engine.begin() as connection:
            for table in ("figures", "platform_mentions", "version_analyses"):
                connection.execute(text(f"UPDATE {table} SET extractor_version = :older"),
                                   {"older": OLDER})
        started, cpu = time.perf_counter(), time.process_time()
        report = reanalyse(engine)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        assert report.versions == versions and not report.failed, report
        started = time.perf_counter()
        again = reanalyse(engine)
        idle = time.perf_counter() - started
        assert again.versions == 0, again
    finally:
        engine.dispose()
    return {
        "versions": versions,
        "figures": report.figures_after,
        "mentions": report.mentions_after,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "versions_per_second": round(versions / seconds, 1),
        "cpu_ms_per_version": round(cpu_seconds * 1000 / versions, 2),
        "second_run_seconds": round(idle, 3),
    }


def _fill(engine: Any, size: int) -> int:
    """Archive the synthetic site's ``size`` notices and an edit of every fifth; the number
    of versions."""
    from crawler import cleaning
    from crawler.storing import store_notices
    from storage import archive
    from storage.db import session_factory

    sessions = session_factory(engine)
    with sessions.begin() as session:
        archive.upsert_source(session, SOURCE_ID, name="bench", authority="CAC",
                              language="zh-Hans", base_url="https://www.cac.gov.cn")
        run_id = archive.start_run(session, SOURCE_ID, datetime.now(UTC)).id
    site = SyntheticSite(size, seed=11)
    fetched_at = datetime.now(UTC)
    pages = []
    for edit in (False, True):
        for notice in reversed(site.notices):
            if edit and notice.number % 5:
                continue
            paragraphs = list(notice.paragraphs)
            if edit:
                # One number edited in place: 7 becomes 8, the way a corrected figure reads.
                paragraphs[0] = paragraphs[0].replace("7", "8", 1) + " (corrected)"
            html = cleaning.sanitise_html("\n".join(f"<p>{p}</p>" for p in paragraphs))
            pages.append(archive.FetchedNotice(
                source_id=SOURCE_ID, url=f"https://www.cac.gov.cn{notice.path}",
                title=notice.title, published_at=notice.published, language=notice.language,
                text=cleaning.html_to_text(html), html=html, raw=site.notice_page(notice),
                http_status=200, http_headers={}, encoding="utf-8", attachments=[],
                fetched_at=fetched_at + timedelta(hours=1 if edit else 0), crawl_run_id=run_id))
    versions = 0
    for start in range(0, len(pages), 50):
        results = store_notices(sessions, pages[start : start + 50], [])
        versions += sum(result.status in ("new", "changed") for result in results)
    return versions
