"""What one new notice costs the archive pipeline as the archive grows (part of benchmark 1).

A running service meets every new notice with the whole archive already behind it: the new
notice is the newest, and its figures and platforms are compared with everything published
before. This probe gives the pipeline exactly that order: the synthetic site's notices, oldest
first, each written as the archive writer writes it (:func:`crawler.storing.store_notice`,
one transaction: :func:`storage.archive.record_notice`, then
:func:`storage.analysis.analyse_version`), in this process, with no crawler around it. It reports the CPU milliseconds per notice of the first
and the last tenth: flat means the cost does not grow with the archive.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.sitegen import SOURCE_ID, SyntheticSite


def run(size: int) -> dict[str, Any]:
    from crawler import cleaning
    from crawler.storing import store_notice
    from storage import archive
    from storage.db import open_archive, session_factory

    site = SyntheticSite(size, seed=11)
    slice_size = max(1, size // 10)
    with tempfile.TemporaryDirectory(prefix="regwatch-bench-growth-") as scratch:
        engine = open_archive(f"sqlite:///{Path(scratch) / 'archive.db'}")
        sessions = session_factory(engine)
        with sessions.begin() as session:
            archive.upsert_source(session, SOURCE_ID, name="bench", authority="CAC",
                                  language="zh-Hans", base_url="https://www.cac.gov.cn")
            # Stored as one crawl run stores them: the synthetic site has a few notices of equal
            # text, which one run keeps apart and pages outside any run would take for one.
            run_id = archive.start_run(session, SOURCE_ID, datetime.now(UTC)).id
        costs: list[float] = []
        for notice in reversed(site.notices):
            html = cleaning.sanitise_html(
                "\n".join(f"<p>{paragraph}</p>" for paragraph in notice.paragraphs))
            fetched = archive.FetchedNotice(
                source_id=SOURCE_ID, url=f"https://www.cac.gov.cn{notice.path}",
                title=notice.title, published_at=notice.published, language=notice.language,
                text=cleaning.html_to_text(html), html=html, raw=site.notice_page(notice),
                http_status=200, http_headers={"ETag": '"bench"'}, encoding="utf-8",
                attachments=[], fetched_at=datetime.now(UTC), crawl_run_id=run_id,
            )
            started = time.process_time()
            stored = store_notice(sessions, fetched, [])
            costs.append(time.process_time() - started)
            assert stored.status == "new", stored
        engine.dispose()
    first = sum(costs[:slice_size]) * 1000 / slice_size
    last = sum(costs[-slice_size:]) * 1000 / slice_size
    return {
        "growth_notices": size,
        "growth_first_tenth_ms_per_notice": round(first, 2),
        "growth_last_tenth_ms_per_notice": round(last, 2),
        "growth_last_over_first": round(last / first, 2) if first else None,
    }
