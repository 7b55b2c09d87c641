"""Re-analysing the archive with the running extractor: a version's figures, platform
mentions and change events replaced by what the extractor finds in it now, queueing no alert.

Which versions: those whose findings an older extractor version found, those it failed on,
and those archived before the archive noted either (:class:`storage.models.VersionAnalysis`);
or every version. A notice's later versions follow an earlier one that is re-analysed, since
the figures a version edited in place (``revised_from``, ``revised_at``) are read against the
version before it, as :func:`storage.analysis.analyse_version` reads them.

A batch of notices is one transaction, its notices locked as the archive writer locks a notice
it records, so a crawl storing a new version of one waits for the batch or is waited for;
text is extracted before the transaction begins, so the lock is held for the writes only. A
process killed mid-run loses its open batch only, and the next run takes what is left.

A re-read version's events are those a crawl archiving it now would write (compared with the
archive as the run has left it so far), in the batch's transaction. An event found again as
it was stays the same row, with its id, time and alerts (queued or sent); an event no longer
found is withdrawn, not deleted (``withdrawn_at``, ``withdrawn_reason``): its sent alerts stay
on record with it, its alerts still queued become ``withdrawn`` and are never sent, and every
current view leaves it out. An event withdrawn earlier and found again as it was is restored:
the same row, current again, its withdrawn alerts left withdrawn. An event found for the first
time is written without alerts, dated as the version's other events (a figure found because
the extractor changed is no news).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import monotonic, process_time
from typing import Any, cast

from sqlalchemy import Engine, Table, insert, or_, select, true, update
from sqlalchemy.orm import Session, sessionmaker

from diffing.extract import EXTRACTOR_VERSION
from storage import models
from storage.analysis import (
    VERSION_EVENT_KINDS,
    GuardedExtraction,
    extract_guarded,
    figure_revisions,
    version_event_rows,
)
from storage.db import core, read_session_factory, session_factory
from storage.findings import VersionFindings, delete_findings, write_findings
from storage.listings import listed_by

logger = logging.getLogger(__name__)

# Notices per transaction: a crawl waits for at most one batch's writes.
DEFAULT_BATCH_NOTICES = 100
# Older SQLite builds cap a statement at 999 bound parameters.
_IDS_PER_STATEMENT = 500

_VERSIONS = cast(Table, models.NoticeVersion.__table__)
_NOTICES = cast(Table, models.Notice.__table__)
_ANALYSES = cast(Table, models.VersionAnalysis.__table__)
_FIGURES = cast(Table, models.Figure.__table__)
_MENTIONS = cast(Table, models.PlatformMention.__table__)
_EVENTS = cast(Table, models.ChangeEvent.__table__)
_OUTBOX = cast(Table, models.AlertOutbox.__table__)


@dataclass(frozen=True)
class FailedVersion:
    """A version the running extractor failed on; its findings were left as they were."""

    notice_id: int
    url: str
    version: int
    error: str


@dataclass
class ReanalysisReport:
    """What a re-analysis did (or, with ``dry_run``, would do): the versions whose findings it
    replaced, their figures and mentions before and after, the versions the extractor failed
    on, and the time it took. ``finished``: it went through every version it was to take."""

    dry_run: bool = False
    extractor_version: str = EXTRACTOR_VERSION
    notices: int = 0
    versions: int = 0
    figures_before: int = 0
    figures_after: int = 0
    mentions_before: int = 0
    mentions_after: int = 0
    # The re-read versions' change events: found again as they were, no longer found (and
    # withdrawn), withdrawn before and found again as they were (restored), new.
    events_kept: int = 0
    events_withdrawn: int = 0
    events_restored: int = 0
    events_added: int = 0
    failed: list[FailedVersion] = field(default_factory=list)
    batches: int = 0
    finished: bool = False
    seconds: float = 0.0
    cpu_seconds: float = 0.0

    def add(self, other: ReanalysisReport) -> None:
        """Count ``other``'s versions, findings and failures (a batch's) in this report."""
        for name in ("notices", "versions", "figures_before", "figures_after",
                     "mentions_before", "mentions_after", "events_kept", "events_withdrawn",
                     "events_restored", "events_added"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failed.extend(other.failed)

    def to_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run, "extractor_version": self.extractor_version,
            "notices": self.notices, "versions": self.versions,
            "figures": {"before": self.figures_before, "after": self.figures_after},
            "mentions": {"before": self.mentions_before, "after": self.mentions_after},
            "events": {"kept": self.events_kept, "withdrawn": self.events_withdrawn,
                       "restored": self.events_restored, "added": self.events_added},
            "failed": [{"notice_id": each.notice_id, "url": each.url, "version": each.version,
                        "error": each.error} for each in self.failed],
            "batches": self.batches, "finished": self.finished,
            "seconds": round(self.seconds, 3), "cpu_seconds": round(self.cpu_seconds, 3),
        }


@dataclass(frozen=True)
class _Version:
    """A version a batch may re-analyse: its ids, the previous version's, what its rows
    repeat, and whether it is due on its own (``stale``) or only after an earlier one."""

    id: int
    notice_id: int
    number: int
    previous_id: int | None
    source_id: str
    url: str
    published_at: datetime | None
    fetched_at: datetime
    stale: bool


def reanalyse(
    engine: Engine,
    *,
    source_ids: Collection[str] = (),
    everything: bool = False,
    dry_run: bool = False,
    batch_notices: int = DEFAULT_BATCH_NOTICES,
    max_batches: int | None = None,
    progress: Callable[[ReanalysisReport], None] | None = None,
) -> ReanalysisReport:
    """Replace the findings of the archive's versions that an older extractor version read
    (or failed on) with the running extractor's; every version's with ``everything``.

    ``source_ids``: only notices these sources list. ``dry_run``: count what would change,
    keep nothing (each batch's transaction is rolled back; it holds the locks a run holds).
    ``max_batches``: stop after that many batches (``finished`` is then False). ``progress``
    is called with the report so far after each batch. Replaces the re-read versions' change
    events (see the module's note) and queues no alert. Idempotent without ``everything``: a
    second run finds nothing due but the versions the extractor fails on, whose findings and
    events it leaves as they were.
    """
    started, started_cpu = monotonic(), process_time()
    report = ReanalysisReport(dry_run=dry_run)
    writers, readers = session_factory(engine), read_session_factory(engine)
    with readers() as session:
        due = None if everything else _older_versions(session)
    after, deferred = 0, []
    while max_batches is None or report.batches < max_batches:
        with readers() as session:
            notice_ids = _due_notices(session, after, batch_notices, due, source_ids)
        if not notice_ids:
            report.finished = True
            break
        after = notice_ids[-1]
        deferred += _batch(writers, readers, notice_ids, due, report, skip_locked=True)
        report.batches += 1
        report.seconds, report.cpu_seconds = monotonic() - started, process_time() - started_cpu
        if progress is not None:
            progress(report)
    # Notices a crawl was storing when their batch came: one at a time, waiting for it.
    for notice_id in deferred:
        _batch(writers, readers, [notice_id], due, report, skip_locked=False)
    report.seconds, report.cpu_seconds = monotonic() - started, process_time() - started_cpu
    return report


def is_older(version: str, current: str = EXTRACTOR_VERSION) -> bool:
    """Whether findings of extractor ``version`` are older than the running extractor's.

    Versions compare by their numbers; the same number with another catalogue (``+hash``)
    counts as older, since the archive's findings are the built-in catalogue's. A version that
    is not a number is older unless it is ``current``."""
    mine, running = _numbers(version), _numbers(current)
    if mine is None or running is None:
        return version != current
    return mine < running or (mine == running and version != current)


def _numbers(version: str) -> tuple[int, ...] | None:
    try:
        return tuple(int(part) for part in version.split("+", 1)[0].split("."))
    except ValueError:
        return None


def _older_versions(session: Session) -> list[str]:
    """The extractor versions the archive notes that are older than the running one."""
    noted = session.scalars(select(_ANALYSES.c.extractor_version).distinct())
    return sorted(version for version in noted if is_older(version))


def _stale_condition(due: list[str]) -> Any:
    """A version is due without a note, with a failure noted, or read by an older extractor."""
    return or_(_ANALYSES.c.version_id.is_(None), _ANALYSES.c.error.is_not(None),
               _ANALYSES.c.extractor_version.in_(due))


def _due_notices(session: Session, after: int, limit: int, due: list[str] | None,
                 source_ids: Collection[str]) -> list[int]:
    """The next ``limit`` notices after id ``after`` with a version due (any, when ``due`` is
    None: every version is), in the order of their ids."""
    query = select(_VERSIONS.c.notice_id).where(_VERSIONS.c.notice_id > after)
    if due is not None:
        query = query.outerjoin(_ANALYSES, _ANALYSES.c.version_id == _VERSIONS.c.id).where(
            _stale_condition(due))
    if source_ids:
        query = query.where(_VERSIONS.c.notice_id.in_(listed_by(sorted(source_ids))))
    query = query.group_by(_VERSIONS.c.notice_id).order_by(_VERSIONS.c.notice_id).limit(limit)
    return list(session.scalars(query))


def _plan(session: Session, notice_ids: Sequence[int],
          due: list[str] | None) -> dict[int, list[_Version]]:
    """By notice: its versions from the first one due to its latest, oldest first."""
    stale = _stale_condition(due) if due is not None else None
    query = (
        select(_VERSIONS.c.id, _VERSIONS.c.notice_id, _VERSIONS.c.number,
               _VERSIONS.c.published_at, _VERSIONS.c.fetched_at, _NOTICES.c.source_id,
               _NOTICES.c.url, (stale if stale is not None else true()).label("stale"))
        .join(_NOTICES, _NOTICES.c.id == _VERSIONS.c.notice_id)
        .outerjoin(_ANALYSES, _ANALYSES.c.version_id == _VERSIONS.c.id)
        .where(_VERSIONS.c.notice_id.in_(list(notice_ids)))
        .order_by(_VERSIONS.c.notice_id, _VERSIONS.c.number)
    )
    plan: dict[int, list[_Version]] = {}
    previous: dict[int, int] = {}
    for row in core(session).execute(query):
        planned = plan.get(row.notice_id)
        if planned is not None or row.stale:
            plan.setdefault(row.notice_id, []).append(_Version(
                row.id, row.notice_id, row.number, previous.get(row.notice_id), row.source_id,
                row.url, row.published_at, row.fetched_at, bool(row.stale)))
        previous[row.notice_id] = row.id
    return plan


def _texts(session: Session, versions: Sequence[_Version]) -> dict[int, str]:
    """The text of each of ``versions``, by version id."""
    ids = sorted({version.id for version in versions})
    texts: dict[int, str] = {}
    for start in range(0, len(ids), _IDS_PER_STATEMENT):
        texts.update((version_id, text) for version_id, text in core(session).execute(
            select(_VERSIONS.c.id, _VERSIONS.c.text)
            .where(_VERSIONS.c.id.in_(ids[start : start + _IDS_PER_STATEMENT]))))
    return texts


def _extract(plan: dict[int, list[_Version]], texts: dict[int, str]
             ) -> dict[int, GuardedExtraction]:
    """What the running extractor finds in each planned version of ``texts``, by version id."""
    return {version.id: extract_guarded(texts[version.id], version.published_at, version.url,
                                        "its findings are left as they were")
            for versions in plan.values() for version in versions if version.id in texts}


def _batch(writers: sessionmaker[Session], readers: sessionmaker[Session],
           notice_ids: Sequence[int], due: list[str] | None, report: ReanalysisReport, *,
           skip_locked: bool) -> list[int]:
    """Re-analyse the notices ``notice_ids`` in one transaction (rolled back by a dry run,
    which only counts); the ids of those a crawl held locked, left for later."""
    with readers() as session:
        plan = _plan(session, notice_ids, due)
        texts = _texts(session, [version for versions in plan.values() for version in versions])
    # No transaction is open while the extractor works.
    found = _extract(plan, texts)
    batch = ReanalysisReport()
    with writers() as session:
        transaction = session.begin()
        try:
            locked = _lock(session, notice_ids, skip_locked)
            plan = _plan(session, locked, due)
            # A crawl may have added a version since: it is read here, under the lock.
            missing = [version for versions in plan.values() for version in versions
                       if version.id not in found]
            if missing:
                found.update(_extract(plan, _texts(session, missing)))
            _replace(session, plan, found, batch)
        except BaseException:
            transaction.rollback()
            raise
        # A dry run does all a run does, events included, and keeps none of it.
        if report.dry_run:
            transaction.rollback()
        else:
            transaction.commit()
    report.add(batch)
    return sorted(set(notice_ids) - set(locked))


def _lock(session: Session, notice_ids: Sequence[int], skip_locked: bool) -> list[int]:
    """Lock the notices' rows as :mod:`storage.archive` locks a notice it records (on
    PostgreSQL; SQLite's write transaction already excludes every other writer); those it
    locked, all of them unless ``skip_locked`` passes over those another transaction holds."""
    return list(core(session).scalars(
        select(_NOTICES.c.id).where(_NOTICES.c.id.in_(list(notice_ids)))
        .order_by(_NOTICES.c.id).with_for_update(skip_locked=skip_locked)))


def _replace(session: Session, plan: dict[int, list[_Version]],
             found: dict[int, GuardedExtraction], batch: ReanalysisReport) -> None:
    """Replace the planned versions' findings, a notice's versions in order: first of every
    notice its first version, then its second, each round in a statement per kind of row, so
    a version's revisions are read against its predecessor's findings as just written; then
    their events. A version that is not due itself is taken only after its predecessor was; a
    version the extractor fails on keeps its findings and events. Counts it all in
    ``batch``."""
    now = datetime.now(UTC)
    replaced: set[int] = set()
    notices: set[int] = set()
    written: list[tuple[_Version, Any]] = []
    rounds = max((len(versions) for versions in plan.values()), default=0)
    for position in range(rounds):
        chosen: list[tuple[_Version, Any]] = []
        for versions in plan.values():
            if position >= len(versions):
                continue
            version = versions[position]
            if not version.stale and version.previous_id not in replaced:
                continue
            guarded = found[version.id]
            if guarded.extraction is None:
                batch.failed.append(FailedVersion(version.notice_id, version.url,
                                                  version.number, guarded.error or "failed"))
                continue
            chosen.append((version, guarded.extraction))
        if not chosen:
            continue
        ids = [version.id for version, _ in chosen]
        earlier = _figure_rows(session, [version.previous_id for version, _ in chosen
                                         if version.previous_id is not None])
        findings = [VersionFindings(
            version.id, version.notice_id, version.source_id, version.published_at,
            extraction,
            figure_revisions(earlier.get(version.previous_id, []), extraction,
                             version.fetched_at) if version.previous_id is not None else {})
            for version, extraction in chosen]
        figures, mentions = delete_findings(session, ids)
        write_findings(session, findings, now)
        written.extend(chosen)
        batch.figures_before += figures
        batch.mentions_before += mentions
        batch.figures_after += sum(len(extraction.figures) for _, extraction in chosen)
        batch.mentions_after += sum(len(extraction.platforms) for _, extraction in chosen)
        batch.versions += len(chosen)
        replaced.update(ids)
        notices.update(version.notice_id for version, _ in chosen)
    batch.notices += len(notices)
    # Events compare with other notices' findings: those of the whole batch are written first.
    if written:
        _replace_events(session, written, batch, now)


def _figure_rows(session: Session, version_ids: Sequence[int]) -> dict[int, list[Any]]:
    """The figure rows of each of ``version_ids``, by start (as the analysis reads them)."""
    rows: dict[int, list[Any]] = {}
    ids = sorted(set(version_ids))
    for start in range(0, len(ids), _IDS_PER_STATEMENT):
        for row in core(session).execute(
                select(_FIGURES).where(_FIGURES.c.version_id.in_(ids[start : start + _IDS_PER_STATEMENT]))
                .order_by(_FIGURES.c.version_id, _FIGURES.c.start, _FIGURES.c.id)):
            rows.setdefault(row.version_id, []).append(row)
    return rows


def _replace_events(session: Session, chosen: Sequence[tuple[_Version, Any]],
                    batch: ReanalysisReport, now: datetime) -> None:
    """Make the change events of the ``chosen`` versions (their new findings written) those
    a crawl would write now: the same rows where an event is found again as it was (restored
    if it had been withdrawn), so its alerts are neither queued again nor lost; the others
    withdrawn at ``now``, never deleted; counted in ``batch``."""
    version_ids = [version.id for version, _ in chosen]
    existing: dict[int, list[Any]] = {}
    for start in range(0, len(version_ids), _IDS_PER_STATEMENT):
        for row in core(session).execute(
                select(_EVENTS.c.id, _EVENTS.c.version_id, _EVENTS.c.kind, _EVENTS.c.subject,
                       _EVENTS.c.summary_en, _EVENTS.c.summary_zh, _EVENTS.c.payload,
                       _EVENTS.c.dedupe_key, _EVENTS.c.created_at, _EVENTS.c.baseline,
                       _EVENTS.c.withdrawn_at)
                .where(_EVENTS.c.version_id.in_(version_ids[start : start + _IDS_PER_STATEMENT]),
                       _EVENTS.c.kind.in_(VERSION_EVENT_KINDS))
                .order_by(_EVENTS.c.id)):
            existing.setdefault(row.version_id, []).append(row)
    withdrawn: list[int] = []
    restored: list[int] = []
    added: list[dict[str, Any]] = []
    for version, extraction in chosen:
        # A current event is matched before a withdrawn one that says the same.
        old = sorted(existing.get(version.id, []), key=lambda row: row.withdrawn_at is not None)
        notice = session.get(models.Notice, version.notice_id)
        current = session.get(models.NoticeVersion, version.id)
        previous = (session.get(models.NoticeVersion, version.previous_id)
                    if version.previous_id is not None else None)
        assert notice is not None and current is not None
        # New events take the time and baseline mark of the version's first analysis.
        created = min((row.created_at for row in old), default=version.fetched_at)
        baseline = any(row.baseline for row in old)
        wanted = version_event_rows(session, notice, current, previous, extraction,
                                    now=created, baseline=baseline)
        unmatched = {row.id: row for row in old}
        # Withdrawn events keep their keys: a new event must not take one.
        keys = {row.dedupe_key for row in old}
        for event in wanted:
            same = next((row for row in unmatched.values() if _same_event(row, event)), None)
            if same is not None:
                del unmatched[same.id]
                if same.withdrawn_at is None:
                    batch.events_kept += 1
                else:
                    restored.append(same.id)
                continue
            event["dedupe_key"] = _reanalysed_key(event, keys)
            keys.add(event["dedupe_key"])
            added.append(event)
        withdrawn.extend(row.id for row in unmatched.values() if row.withdrawn_at is None)
    _withdraw(session, withdrawn, now)
    for start in range(0, len(restored), _IDS_PER_STATEMENT):
        core(session).execute(
            update(_EVENTS).where(_EVENTS.c.id.in_(restored[start : start + _IDS_PER_STATEMENT]))
            .values(withdrawn_at=None, withdrawn_reason=None))
    if added:
        core(session).execute(insert(_EVENTS), added)
    batch.events_withdrawn += len(withdrawn)
    batch.events_restored += len(restored)
    batch.events_added += len(added)


def _withdraw(session: Session, event_ids: Sequence[int], now: datetime) -> None:
    """Withdraw the events ``event_ids`` at ``now``, and their alerts not yet sent.

    The outbox rows first: on PostgreSQL a sender holds the rows of the message it is sending
    locked until it marks them, so this waits for it, and a row it marked ``sent`` stays so
    (the alert went out before the event was withdrawn); a sender that comes later finds the
    rows ``withdrawn``, or the event withdrawn (:mod:`alerts.delivery`)."""
    reason = f"not found by extractor {EXTRACTOR_VERSION} on re-analysis"
    for start in range(0, len(event_ids), _IDS_PER_STATEMENT):
        chunk = event_ids[start : start + _IDS_PER_STATEMENT]
        core(session).execute(
            update(_OUTBOX).where(_OUTBOX.c.event_id.in_(chunk), _OUTBOX.c.status == "pending")
            .values(status="withdrawn"))
        core(session).execute(
            update(_EVENTS).where(_EVENTS.c.id.in_(chunk))
            .values(withdrawn_at=now, withdrawn_reason=reason))


# Where in its version an event's figure or mention was read, and the notice it repeats: not
# what the event says (a title edited later, a sentence an extractor cuts otherwise).
_NOT_SAID = frozenset({"notice", "text", "start", "end", "sentence", "other_spans", "part_of"})


def _same_event(row: Any, event: dict[str, Any]) -> bool:
    """Whether an archived event says what ``event`` (a row to insert) says: its kind,
    subject and payload but for where its findings were read."""
    return ((row.kind, row.subject) == (event["kind"], event["subject"])
            and _said(row.payload) == _said(json.loads(json.dumps(event["payload"]))))


def _said(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _said(each) for key, each in value.items() if key not in _NOT_SAID}
    if isinstance(value, list):
        return [_said(each) for each in value]
    return value


def _reanalysed_key(event: dict[str, Any], taken: set[str]) -> str:
    """A dedupe key for an event re-analysis adds, from what it says: unlike a crawl's keys
    (which count the version's events), none of the version's events, current or withdrawn,
    can have it."""
    version_id, kind = event["version_id"], event["kind"]
    said = f"{version_id}|{kind}|{event['subject']}|{event['summary_en']}"
    for repeat in range(len(taken) + 1):
        digest = hashlib.sha256(f"{said}|{repeat}".encode()).hexdigest()[:24]
        key = f"v{version_id}:{kind}:r{digest}"
        if key not in taken:
            return key
    raise AssertionError("unreachable: a repeat number is free")
