"""The archive's tables: sources, notices, the listings that found them, their immutable
versions, crawl runs, fetch problems, findings, change events, and the alert outbox with each
alert channel's health."""

from __future__ import annotations

import hashlib
import zlib
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column, relationship

from storage.aware_datetime import AwareDateTime
from storage.errors import CorruptRawPageError, ImmutableVersionError

# Named constraints keep migrations reproducible: a later ALTER can refer to them by name on
# both backends instead of to whatever name the server invented.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# "interrupted": the process running the crawl died (a worker killed) and the crawl ran again
# elsewhere; not the source's failure.
RUN_STATUSES = ("running", "ok", "failed", "unhealthy", "interrupted")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: AwareDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class Source(Base):
    """A regulator channel regwatch crawls, e.g. one CAC list page."""

    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    authority: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(16))
    base_url: Mapped[str] = mapped_column(Text)


class Notice(Base):
    """One published notice: a document at one canonical URL, however many sources list it.

    Its content lives in `NoticeVersion` rows; the sources and lists that found it, and every
    URL they found it at, are its `NoticeListing` rows. ``url`` is the regulator's URL even
    when the page was fetched from a mirror or a local copy (``fetched_url``, else None).
    ``source_id`` is the source that found it first: its findings and events carry that source.
    `title`, `published_at` and `language` mirror the latest version so lists need no join.
    A notice is never deleted: one that drops off every list keeps `last_seen_at`.
    """

    __tablename__ = "notices"
    __table_args__ = (
        Index("uq_notices_url", "url", unique=True),
        # From when a notice was one source's: implied by the URL alone being unique, and kept
        # because dropping it means copying the table on SQLite, which other tables reference.
        UniqueConstraint("source_id", "url"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"))
    url: Mapped[str] = mapped_column(Text)
    fetched_url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    language: Mapped[str] = mapped_column(String(16))
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    last_checked_at: Mapped[datetime]
    # HTTP validators of the last successful fetch, sent back as If-None-Match/If-Modified-Since.
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)

    source: Mapped[Source] = relationship()


class NoticeListing(Base):
    """One source's list linking to a notice at one URL, and when it was first and last seen.

    A notice two channels list has two rows; a notice found again at another URL of its host
    (the same content at a new path) has a row for that URL too. Every URL a notice is known
    by is here, its canonical one included, so a URL finds its notice in one lookup.
    """

    __tablename__ = "notice_listings"
    __table_args__ = (UniqueConstraint("url", "source_id"), Index(None, "notice_id"),
                      Index(None, "source_id", "notice_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"))
    url: Mapped[str] = mapped_column(Text)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class NoticeVersion(Base):
    """One immutable snapshot of a notice; a change in content adds a row, never edits one.

    The raw page is kept (zlib-compressed, with its sha256) so every figure extracted from this
    version can be derived again from exactly the bytes the regulator served.
    """

    __tablename__ = "notice_versions"
    __table_args__ = (
        UniqueConstraint("notice_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        Index(None, "crawl_run_id"),
        # Finds a notice already archived with a new page's content (the same page at a new URL).
        Index(None, "content_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    raw_gz: Mapped[bytes] = mapped_column(LargeBinary)
    raw_sha256: Mapped[str] = mapped_column(String(64))
    raw_size: Mapped[int] = mapped_column(Integer)
    encoding: Mapped[str] = mapped_column(String(40))
    http_status: Mapped[int] = mapped_column(Integer)
    http_headers: Mapped[dict[str, Any]]
    attachments: Mapped[list[Any]]
    fetched_at: Mapped[datetime]
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))

    notice: Mapped[Notice] = relationship()

    def raw_bytes(self) -> bytes:
        """The page exactly as fetched; raises `CorruptRawPageError` if it fails its sha256."""
        raw = zlib.decompress(self.raw_gz)
        if hashlib.sha256(raw).hexdigest() != self.raw_sha256:
            raise CorruptRawPageError(
                f"raw page of notice {self.notice_id} version {self.number} does not match "
                f"its recorded sha256 {self.raw_sha256}"
            )
        return raw


@event.listens_for(NoticeVersion, "before_update")
def _refuse_version_update(
    mapper: Mapper[NoticeVersion], connection: Any, target: NoticeVersion
) -> None:
    raise ImmutableVersionError(
        f"notice {target.notice_id} version {target.number} is history and cannot be changed; "
        "record a new version instead"
    )


class CrawlRun(Base):
    """One crawl of one source: when, how it ended, and what it counted."""

    __tablename__ = "crawl_runs"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{status}'" for status in RUN_STATUSES) + ")",
            name="status_known",
        ),
        Index(None, "source_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16))
    new_count: Mapped[int] = mapped_column(Integer, default=0)
    changed_count: Mapped[int] = mapped_column(Integer, default=0)
    unchanged_count: Mapped[int] = mapped_column(Integer, default=0)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    not_modified_count: Mapped[int] = mapped_column(Integer, default=0)
    requests_count: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[Any]] = mapped_column(default=list)
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)


class FetchProblem(Base):
    """A source-health record: a bot wall, selectors matching nothing, an HTTP error, a refusal."""

    __tablename__ = "fetch_problems"
    __table_args__ = (Index(None, "source_id", "at"), Index(None, "run_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]


class Figure(Base):
    """An enforcement figure extracted from one notice version (see :mod:`diffing.figures`).

    ``metric`` is None for a figure phrase no catalogue metric matched: kept, never dropped.
    ``published_at`` repeats the notice's so series queries need no join. ``role``, ``party``
    and ``other_spans`` are the figure's as extracted; ``part_of_id`` is the row of the total
    a part sums to (the figure's ``part_of``, resolved within its version).
    """

    __tablename__ = "figures"
    __table_args__ = (
        Index(None, "version_id"),
        # The history a new notice's figures are compared with: earlier ones, by publication.
        Index(None, "source_id", "metric", "period_kind", "published_at"),
        # Serves (metric, period) lookups and a series' latest figure per period alike.
        Index(None, "metric", "period", "scope", "unit", "published_at", "id"),
        # Deleting a version's figures checks that no part refers to them (migration 0015).
        Index(None, "part_of_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("notice_versions.id"))
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"))
    metric: Mapped[str | None] = mapped_column(String(64))
    value: Mapped[Decimal] = mapped_column(Numeric(30, 6))
    unit: Mapped[str] = mapped_column(String(32))
    currency: Mapped[str | None] = mapped_column(String(8))
    period: Mapped[str | None] = mapped_column(String(16))
    period_kind: Mapped[str | None] = mapped_column(String(8))
    scope: Mapped[str | None] = mapped_column(String(100))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    sentence: Mapped[str] = mapped_column(Text)
    extractor_version: Mapped[str] = mapped_column(String(32))
    published_at: Mapped[datetime | None]
    # When a later version of the notice edited this figure in place: the value it replaced
    # and when the edit was archived (carried on by later versions that keep the figure).
    # Migration 0010_revisions_and_baseline.
    revised_from: Mapped[Decimal | None] = mapped_column(Numeric(30, 6))
    revised_at: Mapped[datetime | None]
    role: Mapped[str | None] = mapped_column(String(24))
    party: Mapped[str | None] = mapped_column(String(200))
    part_of_id: Mapped[int | None] = mapped_column(ForeignKey("figures.id"))
    other_spans: Mapped[list[Any] | None]


class VersionAnalysis(Base):
    """Which extractor read a version's findings, and whether it failed (migration 0015).

    Written with the findings (:mod:`storage.findings`), one row per analysed version:
    ``extractor_version`` is the extraction's, ``error`` why the extractor raised (the version
    then has no findings), ``analysed_at`` when. A version without a row was archived before
    the table existed and analysed by an extractor no longer known; ``regwatch reanalyse``
    takes those, the failed ones and those of an older extractor.
    """

    __tablename__ = "version_analyses"

    version_id: Mapped[int] = mapped_column(ForeignKey("notice_versions.id"), primary_key=True)
    extractor_version: Mapped[str] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    analysed_at: Mapped[datetime]


def _platform_key(context: Any) -> str:
    """A mention row's ``platform_key`` where its writer gives none."""
    from diffing.compare import mention_key

    row = context.get_current_parameters()
    return mention_key(row.get("platform_id"), row["name"])[:210]


class PlatformMention(Base):
    """A platform (or an unknown site, app or account) named in one notice version.

    ``platform_key`` is what identifies it across notices (:func:`diffing.compare.
    platform_key`): its registry id, or ``name:`` and its normalised name when the registry
    does not know it, so an unknown name is counted, looked up and watched like a platform.
    """

    __tablename__ = "platform_mentions"
    __table_args__ = (Index(None, "version_id"), Index(None, "platform_id", "published_at"),
                      Index(None, "platform_key", "published_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("notice_versions.id"))
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"))
    platform_id: Mapped[str | None] = mapped_column(String(64))
    platform_key: Mapped[str | None] = mapped_column(String(210), default=_platform_key)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    action: Mapped[str | None] = mapped_column(String(40))
    actions: Mapped[list[Any]] = mapped_column(default=list)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(30, 6))
    currency: Mapped[str | None] = mapped_column(String(8))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    sentence: Mapped[str] = mapped_column(Text)
    extractor_version: Mapped[str] = mapped_column(String(32))
    published_at: Mapped[datetime | None]
    operator: Mapped[str | None] = mapped_column(String(200))


EVENT_KINDS = (
    "notice_new",
    "notice_edited",
    "figure_reported",
    "figure_changed",
    "metric_new",
    "metric_dropped",
    "platform_named",
    "source_unhealthy",
    "source_recovered",
    "bulletin_overdue",
    "notice_withdrawn",
)


class ChangeEvent(Base):
    """Something a user may want to hear about, written with the version that caused it.

    ``dedupe_key`` is unique: writing the same finding twice (a retried transaction, a re-run
    analysis) cannot produce a second event, so nothing downstream is told twice. An event is
    never deleted: one a re-analysis no longer finds is withdrawn (migration 0016).
    """

    __tablename__ = "change_events"
    __table_args__ = (
        UniqueConstraint("dedupe_key"),
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{kind}'" for kind in EVENT_KINDS) + ")",
            name="kind_known",
        ),
        Index(None, "created_at"),
        Index(None, "source_id", "kind"),
        Index(None, "notice_id"),
        Index(None, "version_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("notice_versions.id"))
    subject: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
    summary_en: Mapped[str] = mapped_column(Text)
    summary_zh: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    dedupe_key: Mapped[str] = mapped_column(String(200))
    # Written by the source's first crawl (its back catalogue): kept, shown on request.
    baseline: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Set when a re-analysis no longer finds the event: kept as the record of what its alerts
    # said, left out of every current view; cleared if a later re-analysis finds it again.
    # (Not the ``notice_withdrawn`` kind, which is the regulator taking a notice down.)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(String(200))


class SchedulerOverrun(Base):
    """A scheduled run that was skipped because the source's previous crawl was still going.

    No foreign key to ``sources``: an overrun can be noted for a source whose first crawl has
    not yet written its row.
    """

    __tablename__ = "scheduler_overruns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(String(64), index=True)
    due_at: Mapped[datetime]
    running_since: Mapped[datetime | None]
    noted_at: Mapped[datetime]
class SourceDefinition(Base):
    """A source added from the command line or the browser rather than a configuration file.

    ``definition`` is the source's table as it would be written under ``[sources.<id>]``; it is
    checked by ``config.sources.build_source`` before it is stored. Configuration-file sources
    keep their ids: an archive definition never overrides one. (migration 0012)
    """

    __tablename__ = "source_definitions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    definition: Mapped[dict[str, Any]]
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


# --- alerts: the outbox of messages owed to each channel, and each channel's health ----------
# (migration 0004_alert_outbox; ``withdrawn``: 0016_withdrawn_events)

OUTBOX_STATUSES = ("pending", "sent", "failed", "withdrawn")


class AlertOutbox(Base):
    """One change event owed to one channel of one rule.

    Written in the transaction that writes the event, so an event and the alerts it causes
    exist together or not at all. ``channel`` is a hash of the Apprise URL: the URL holds
    secrets and stays in the configuration only. ``group_key`` says which rows travel in one
    message (one notice version, one digest bucket, or one event alone). A row is never
    deleted; ``failed`` means its rule or channel is no longer configured, so it cannot be sent;
    ``withdrawn`` that its event was withdrawn (:attr:`ChangeEvent.withdrawn_at`) before it was
    sent, so it never will be. A ``sent`` row stays ``sent``: the record of what was said.
    """

    __tablename__ = "alert_outbox"
    __table_args__ = (
        UniqueConstraint("idempotency_key"),
        UniqueConstraint("rule", "event_id", "channel"),
        CheckConstraint(
            "status IN (" + ", ".join(f"'{status}'" for status in OUTBOX_STATUSES) + ")",
            name="status_known",
        ),
        Index(None, "status", "next_attempt_at"),
        Index(None, "event_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule: Mapped[str] = mapped_column(String(100))
    event_id: Mapped[int] = mapped_column(ForeignKey("change_events.id"))
    source_id: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(64))
    group_key: Mapped[str] = mapped_column(String(100))
    digest_bucket: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    message_key: Mapped[str | None] = mapped_column(String(64))


class AlertChannel(Base):
    """How delivery to one channel (by URL hash) has gone lately; feeds ``delivery_failing``."""

    __tablename__ = "alert_channels"

    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    failing_since: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_attempt_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]


class RobotsCacheEntry(Base):
    """An origin's robots.txt as last fetched (its answer's status and body), for RFC 9309's
    up to 24 hours of reuse by every crawl. Unreachable robots.txt and 5xx answers are not kept."""

    __tablename__ = "robots_cache"

    origin: Mapped[str] = mapped_column(String(300), primary_key=True)
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    fetched_at: Mapped[datetime]


class CrawlDispatch(Base):
    """A crawl the scheduler has handed to the message broker and no worker has finished yet:
    at most one per source (`regwatch serve` with a broker; see crawler/cluster.py).

    ``dispatch_id`` is the message's: a worker that finishes the crawl deletes the row with
    that id, so a message delivered again after the crawl ended finds nothing to do.
    """

    __tablename__ = "crawl_dispatches"

    source_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    dispatch_id: Mapped[str] = mapped_column(String(64))
    dispatched_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    worker: Mapped[str | None] = mapped_column(String(200))


class ClusterWorker(Base):
    """A `regwatch worker`'s heartbeat: where it runs, since when, and what it crawls now."""

    __tablename__ = "cluster_workers"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    crawls: Mapped[list[Any]] = mapped_column(default=list)


class HostTurn(Base):
    """When the last request of any worker to a host ended, and the delay that follows it
    (the per-host lease of crawler/hostlease.py waits it out)."""

    __tablename__ = "host_turns"

    host: Mapped[str] = mapped_column(String(255), primary_key=True)
    last_request_end: Mapped[datetime]
    delay: Mapped[float] = mapped_column(Numeric(asdecimal=False))

