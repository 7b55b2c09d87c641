"""Storing located notices: what a batch of notices does to the archive, in one transaction.

Each notice is recorded (its row, version and search row), its new version analysed (findings
and change events) and the alerts of its events queued, so a crash leaves whole notices only.
The archive writer process (:mod:`crawler.archivewriter`) runs these; so does the pipeline
when it stores a notice itself.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from sqlalchemy.orm import Session, sessionmaker

from alerts.outbox import enqueue, is_baseline_run
from alerts.rules import AlertRule
from diffing.extract import Extraction
from storage import archive
from storage.analysis import Analysis, EventBatch, analyse_version
from storage.listings import ListingBatch
from storage.models import Notice
from storage.search_index import IndexBatch

# Storing logs under the archive writer's name, where it has always logged.
logger = logging.getLogger("crawler.archivewriter")

StoreStatus = Literal["new", "changed", "unchanged", "failed"]


@dataclass(frozen=True)
class StoreResult:
    """What storing one notice did; ``error`` says why when ``status`` is "failed"."""

    status: StoreStatus
    events: int = 0
    figures: int = 0
    queued: int = 0
    error: str | None = None
    # CPU seconds storing took, and extracting within it: counted, not part of the outcome.
    cpu_seconds: float = field(default=0.0, compare=False)
    extraction_cpu_seconds: float = field(default=0.0, compare=False)
    # Why extraction failed on the new version, archived then without figures or platforms.
    extraction_error: str | None = None


def store_notice(
    sessions: sessionmaker[Session], fetched: archive.FetchedNotice, rules: Sequence[AlertRule],
    extraction: Extraction | None = None,
) -> StoreResult:
    """Record ``fetched`` with its findings, events and outbox rows in one transaction.

    ``extraction``: what :func:`diffing.extract.extract` finds in ``fetched``'s text, when the
    crawl has already extracted it. Never raises for a notice that cannot be stored: the
    transaction is rolled back and the result is "failed" with the reason.
    """
    started = time.process_time()
    try:
        with sessions() as session, session.begin():
            result, _ = _record(session, fetched, rules, started, extraction)
        return replace(result, cpu_seconds=time.process_time() - started)
    except Exception as exc:
        logger.exception("could not archive %s", fetched.url)
        return StoreResult("failed", error=f"{type(exc).__name__}: {exc}",
                           cpu_seconds=time.process_time() - started)


def store_notices(
    sessions: sessionmaker[Session], batch: Sequence[archive.FetchedNotice],
    rules: Sequence[AlertRule], extractions: Sequence[Extraction | None] | None = None,
) -> list[StoreResult]:
    """Record each notice of ``batch`` as :func:`store_notice` does, in one transaction.

    A transaction commits whole notices only, so a crash still leaves whole notices; one commit
    for the batch saves most of what a transaction costs each notice, and so does writing the
    batch's search rows and events in one statement each (:class:`BatchWrites`). If any
    notice cannot be stored, nothing of the batch is kept and each is stored again in a
    transaction of its own, so the others are unaffected. Never raises; the results are in the order of ``batch``.
    ``extractions``: as for :func:`store_notice`, one per notice of ``batch``.
    """
    found = list(extractions) if extractions is not None else [None] * len(batch)
    if len(batch) == 1:
        return [store_notice(sessions, batch[0], rules, found[0])]
    results: list[StoreResult] = []
    try:
        with sessions() as session:
            with session.begin():
                writes = BatchWrites()
                writes.listings.expect(session, [
                    (fetched.url, archive.content_hash(fetched.title, fetched.text))
                    for fetched in batch])
                for fetched, extraction in zip(batch, found, strict=True):
                    result, analysis = _record(session, fetched, rules, time.process_time(),
                                               extraction, writes)
                    if analysis is not None:
                        writes.analysed.append((len(results), analysis, fetched.crawl_run_id))
                    results.append(result)
                committing = time.process_time()
                results = writes.write(session, rules, results)
            # The CPU of the batch's statements and commit, shared by the notices it made durable.
            share = (time.process_time() - committing) / len(batch)
        return [replace(result, cpu_seconds=result.cpu_seconds + share) for result in results]
    except Exception as exc:  # noqa: BLE001  (storing each alone finds which failed)
        logger.warning("a batch of %d notices could not be stored together (%s: %s); storing "
                       "each alone", len(batch), type(exc).__name__, exc)
        return [store_notice(sessions, fetched, rules, extraction)
                for fetched, extraction in zip(batch, found, strict=True)]


@dataclass
class BatchWrites:
    """What the notices of one transaction write together, in a statement each, before it
    commits: the new notices' first listings, their search rows and their events, then the
    alerts queued from those events (which need the events' ids, and read the listings).
    Until :meth:`write`, the batch's notices have no events."""

    listings: ListingBatch = field(default_factory=ListingBatch)
    index: IndexBatch = field(default_factory=IndexBatch)
    events: EventBatch = field(default_factory=EventBatch)
    # For each notice with a new version: its place in the batch, its analysis, its crawl run.
    analysed: list[tuple[int, Analysis, int | None]] = field(default_factory=list)
    # Whether each (source, crawl run) of the batch is the source's first, asked once.
    baseline_runs: dict[tuple[str, int | None], bool] = field(default_factory=dict)

    def write(self, session: Session, rules: Sequence[AlertRule],
              results: list[StoreResult]) -> list[StoreResult]:
        """Write what waits; ``results`` with each notice's events and alerts counted."""
        self.listings.write(session)
        self.index.write(session)
        self.events.write(session)
        counted = list(results)
        for position, analysis, run_id in self.analysed:
            queued = enqueue(session, analysis.events, rules, run_id=run_id)
            counted[position] = replace(counted[position], events=len(analysis.events),
                                        queued=queued)
        return counted


def _record(session: Session, fetched: archive.FetchedNotice, rules: Sequence[AlertRule],
            started: float, extraction: Extraction | None,
            batch: BatchWrites | None = None) -> tuple[StoreResult, Analysis | None]:
    """Record ``fetched`` and analyse its new version; with ``batch``, its search row and
    events wait there for the rest of the transaction's notices, and its alerts are the
    caller's to queue once they are written."""
    outcome = (archive.record_notice(session, fetched, batch.index, batch.listings)
               if batch else archive.record_notice(session, fetched))
    if outcome.version is None:
        return StoreResult(outcome.status, cpu_seconds=time.process_time() - started), None
    # Findings and events commit with the version that caused them.
    notice = outcome.notice or session.get(Notice, outcome.notice_id)
    assert notice is not None
    run = (notice.source_id, fetched.crawl_run_id)
    known_runs = batch.baseline_runs if batch else {}
    if run not in known_runs:
        known_runs[run] = is_baseline_run(session, *run)
    analysis = analyse_version(session, notice, outcome.version, outcome.previous,
                               version_is_new=True, extraction=extraction,
                               events=batch.events if batch else None, baseline=known_runs[run])
    queued = (enqueue(session, analysis.events, rules, run_id=fetched.crawl_run_id)
              if batch is None else 0)
    return StoreResult(outcome.status, len(analysis.events), len(analysis.extraction.figures),
                       queued, cpu_seconds=time.process_time() - started,
                       extraction_cpu_seconds=analysis.extraction_cpu_seconds,
                       extraction_error=analysis.extraction_error), analysis
