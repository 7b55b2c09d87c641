"""The archive pipeline: each located notice becomes a version in the archive, or nothing.

A notice is written in one transaction with its figures, platform mentions and change events,
so a crawl killed at any point leaves whole notices only. An unchanged page adds no row; a
changed one adds exactly one version.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

from alerts.outbox import enqueue, rules_for_crawl
from crawler.items import NoticeItem
from crawler.runrecord import CrawlRecorder
from diffing.events import analyse_version
from storage import archive
from storage.models import Notice

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

OUTCOME_STATS = {
    "new": "store/new_notice",
    "changed": "store/changed_notice",
    "unchanged": "store/unchanged_notice",
}


class ArchivePipeline:
    """Writes :class:`~crawler.items.NoticeItem` objects through :func:`storage.archive.record_notice`."""

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool("REGWATCH_ARCHIVE_ENABLED", True):
            raise NotConfigured
        self.crawler = crawler
        self.alert_rules = rules_for_crawl(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(crawler)

    def process_item(self, item: NoticeItem) -> NoticeItem:
        recorder = CrawlRecorder.of(self.crawler)
        assert recorder is not None, "the crawl recorder extension opens the archive"
        fetched = archive.FetchedNotice(
            source_id=item.source_id,
            url=item.url,
            title=item.title,
            published_at=item.published_at,
            language=item.language,
            text=item.text,
            html=item.html,
            raw=item.raw,
            http_status=item.http_status,
            http_headers=item.http_headers,
            encoding=item.encoding,
            attachments=item.attachments,
            fetched_at=item.fetched_at,
            crawl_run_id=recorder.run_id,
        )
        try:
            with recorder.session() as session, session.begin():
                outcome = archive.record_notice(session, fetched)
                if outcome.version is not None:
                    # Findings and events commit with the version that caused them.
                    notice = session.get(Notice, outcome.notice_id)
                    assert notice is not None
                    analysis = analyse_version(session, notice, outcome.version, outcome.previous)
                    self.crawler.stats.inc_value("diff/events", len(analysis.events))
                    self.crawler.stats.inc_value("diff/figures", len(analysis.extraction.figures))
                    queued = enqueue(session, analysis.events, self.alert_rules,
                                     run_id=recorder.run_id)
                    self.crawler.stats.inc_value("alert/queued", queued)
        except Exception as exc:
            self.crawler.stats.inc_value("crawl/failed_notice")
            recorder.problem_found("store", item.url, f"{type(exc).__name__}: {exc}")
            logger.exception("could not archive %s", item.url)
            return item
        self.crawler.stats.inc_value(OUTCOME_STATS[outcome.status])
        if outcome.status != "unchanged":
            logger.info("archived %s notice %s", outcome.status, item.url)
        return item
