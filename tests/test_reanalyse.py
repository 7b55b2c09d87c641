"""`regwatch reanalyse` (storage.reanalysis, cli.reanalysis) on SQLite and PostgreSQL: versions
an older extractor read, or failed on, get the running extractor's findings, with their parts,
totals and revisions as a crawl would have written them, and the events a crawl would write
with them: an event found again stays as it was, with its alerts, one no longer found is
withdrawn (tests.test_reanalyse_withdrawn), a new one is queued for no alert; a second run does nothing; a run stopped between batches, or
killed inside one, leaves whole notices and the next one finishes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import click
import pytest
from alembic import command
from click.testing import CliRunner, Result
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import storage.analysis
import storage.reanalysis
from alerts.outbox import enqueue
from alerts.rule import AlertRule, channel_of
from cli.reanalysis import COMMANDS
from diffing.extract import EXTRACTOR_VERSION, Extraction
from storage.db import alembic_config, open_archive, session_factory
from storage.findings import figures_of, mention_of, version_figures, version_mentions
from storage.models import (
    AlertOutbox,
    ChangeEvent,
    Figure,
    NoticeVersion,
    PlatformMention,
    VersionAnalysis,
)
from storage.reanalysis import ReanalysisReport, is_older, reanalyse
from tests.reanalysis_fixtures import (
    BROKEN,
    OLD,
    REAL_EXTRACT,
    SETTLEMENT,
    TOTALS,
    counts,
    older_extract,
    store,
    versions_of,
)
from tests.storage_fixtures import FETCHED_AT, add_source, article_url


def assert_current(session: Session, notice_id: int) -> None:
    """Every version of the notice holds what the running extractor finds in it."""
    for version in versions_of(session, notice_id):
        found = REAL_EXTRACT(version.text, published=version.published_at)
        assert figures_of(version_figures(session, version.id)) == found.figures
        assert [mention_of(row) for row in version_mentions(session, version.id)] == (
            found.platforms)
        note = session.get(VersionAnalysis, version.id)
        assert note is not None and (note.extractor_version, note.error) == (
            EXTRACTOR_VERSION, None)


def run(engine: Engine, *arguments: str) -> Result:
    group = click.Group(commands=COMMANDS)
    return CliRunner().invoke(group, ["reanalyse", *arguments],
                              obj={"database_url": engine.url.render_as_string(False),
                                   "config": None})


def test_the_archive_notes_which_extractor_read_each_version_and_where_it_failed(
    engine: Engine, old_archive: dict[str, int],
) -> None:
    with session_factory(engine)() as session:
        notes = {version.notice_id: session.get(VersionAnalysis, version.id)
                 for version in session.scalars(select(NoticeVersion))}
    assert {(note.extractor_version, note.error) for notice_id, note in notes.items()
            if note is not None and notice_id != old_archive["broken"]} == {(OLD, None)}
    broken = notes[old_archive["broken"]]
    assert broken is not None and broken.error == "ValueError: substring not found"


def test_the_migration_notes_the_versions_whose_findings_tell_their_extractor(
    engine: Engine, old_archive: dict[str, int],
) -> None:
    """An archive from before the notes: a version with findings is noted with their extractor
    version; one without (nothing found, or the extractor failed) is not, and is due."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0014_cluster")
        command.upgrade(config, "head")
    with session_factory(engine)() as session:
        notes = {(version.notice_id, version.number): session.get(VersionAnalysis, version.id)
                 for version in session.scalars(select(NoticeVersion))}
        noted = {key: (note.extractor_version, note.error, note.analysed_at)
                 for key, note in notes.items() if note is not None}
        fetched = {(version.notice_id, version.number): version.fetched_at
                   for version in session.scalars(select(NoticeVersion))}
    assert noted == {key: (OLD, None, fetched[key]) for key in [
        (old_archive["edited"], 1), (old_archive["edited"], 2), (old_archive["settlement"], 1)]}
    assert reanalyse(engine).versions == 5


def test_older_and_failed_versions_get_the_running_extractors_findings_and_no_alerts(
    engine: Engine, old_archive: dict[str, int],
) -> None:
    before = counts(engine)

    report = reanalyse(engine)

    assert (report.notices, report.versions, report.failed, report.finished) == (4, 5, [], True)
    after = counts(engine)
    assert (after["alert_outbox"], after["change_events"]) == (
        before["alert_outbox"],
        before["change_events"] + report.events_added)
    assert (report.figures_before, report.mentions_before) == (before["figures"], 0)
    assert (report.figures_after, report.mentions_after) == (after["figures"],
                                                            after["platform_mentions"])
    assert report.figures_after > report.figures_before and report.mentions_after >= 1
    with session_factory(engine)() as session:
        for notice_id in old_archive.values():
            assert_current(session, notice_id)
        # The notice the old extractor failed on has its figure now.
        (version,) = versions_of(session, old_archive["broken"])
        assert [(f.metric, f.value) for f in version_figures(session, version.id)] == [
            ("apps_removed", 12)]


def events_by_version(engine: Engine) -> dict[int, set[tuple[int, str, str | None, str]]]:
    """Each version's current events (not withdrawn): (id, kind, subject, English summary)."""
    with session_factory(engine)() as session:
        found: dict[int, set[tuple[int, str, str | None, str]]] = {}
        for event in session.scalars(select(ChangeEvent).where(ChangeEvent.withdrawn_at.is_(None))):
            assert event.version_id is not None
            found.setdefault(event.version_id, set()).add(
                (event.id, event.kind, event.subject, event.summary_en))
        return found


def said(events: set[tuple[int, str, str | None, str]]) -> set[tuple[str, str | None, str]]:
    return {(kind, subject, summary) for _, kind, subject, summary in events}


def test_the_events_of_old_findings_give_way_to_those_of_the_new(
    engine: Engine, old_archive: dict[str, int],
) -> None:
    before = events_by_version(engine)

    report = reanalyse(engine)

    after = events_by_version(engine)
    with session_factory(engine)() as session:
        (settlement,) = versions_of(session, old_archive["settlement"])
        (summons,) = versions_of(session, old_archive["summons"])
        (broken,) = versions_of(session, old_archive["broken"])
        first, second = versions_of(session, old_archive["edited"])
    # The old extractor took the settlement's two parts for fines of their own: the new one
    # reads one total, and only the total is reported.
    assert ("figure_reported", "fine_amount", "Fines (amount): USD 60,000,000 as of 2024-01-31"
            ) in said(before[settlement.id])
    assert [summary for kind, _, summary in said(after[settlement.id])
            if kind == "figure_reported"] == ["Fines (amount): USD 90,000,000 as of 2024-01-31"]
    # What the new extractor finds that the old did not is evented as a crawl would have.
    assert ("platform_named", "quark", "Quark Browser named for the first time (summoned)") in (
        said(after[summons.id]))
    assert {(kind, subject) for kind, subject, _ in said(after[broken.id])} == {
        ("notice_new", None), ("figure_reported", "apps_removed"), ("metric_new", "apps_removed")}
    assert ("figure_changed", "apps_removed") in {
        (kind, subject) for kind, subject, _ in said(after[second.id])}
    # An event found again as it was is the same row.
    assert {event for event in before[first.id] if event[1] == "notice_new"} <= after[first.id]
    kept = set().union(*before.values()) & set().union(*after.values())
    assert (report.events_kept, report.events_withdrawn, report.events_restored,
            report.events_added) == (
        len(kept), len(set().union(*before.values())) - len(kept), 0,
        len(set().union(*after.values())) - len(kept))
    assert report.events_withdrawn and report.events_added

    again = reanalyse(engine, everything=True)

    assert events_by_version(engine) == after
    assert (again.events_withdrawn, again.events_restored, again.events_added) == (0, 0, 0)


def test_an_event_found_again_keeps_its_alerts_and_a_new_one_gets_none(
    engine: Engine, old_archive: dict[str, int],
) -> None:
    rule = AlertRule(name="desk", channels=(channel_of("json://127.0.0.1:9/hook"),),
                     baseline=True)
    with session_factory(engine).begin() as session:
        enqueue(session, session.scalars(select(ChangeEvent).order_by(ChangeEvent.id)).all(),
                [rule])
        # One alert went out already; the others wait for delivery.
        first = session.scalars(select(AlertOutbox).order_by(AlertOutbox.id)).first()
        assert first is not None
        first.status = "sent"
    with session_factory(engine)() as session:
        queued = {row.event_id: (row.id, row.status, row.idempotency_key)
                  for row in session.scalars(select(AlertOutbox))}
    before = {event[0] for events in events_by_version(engine).values() for event in events}
    assert set(queued) == before

    reanalyse(engine)

    after = {event[0] for events in events_by_version(engine).values() for event in events}
    with session_factory(engine)() as session:
        now_queued = {row.event_id: (row.id, row.status, row.idempotency_key)
                      for row in session.scalars(select(AlertOutbox))}
    # Kept events keep their rows as they were (sent stays sent, pending stays pending); the
    # rows of events no longer found stay, those not yet sent withdrawn; new events have none.
    assert now_queued == {event_id: (row_id, "withdrawn" if event_id not in after
                                     and status == "pending" else status, key)
                          for event_id, (row_id, status, key) in queued.items()}
    assert before - after and after - before
    with session_factory(engine).begin() as session:
        assert enqueue(session, session.scalars(select(ChangeEvent).where(
            ChangeEvent.id.in_(before & after))).all(), [rule]) == 0


def test_a_run_killed_inside_a_batch_leaves_its_findings_and_events_as_they_were(
    engine: Engine, old_archive: dict[str, int], monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Killed(Exception):
        pass

    real = storage.reanalysis.version_event_rows
    calls = []

    def killed_on_the_third(*arguments: Any, **options: Any) -> list[dict[str, Any]]:
        calls.append(1)
        if len(calls) == 3:
            raise Killed
        return real(*arguments, **options)

    events = events_by_version(engine)
    with session_factory(engine)() as session:
        figures = sorted(session.scalars(select(Figure.id)))
    monkeypatch.setattr(storage.reanalysis, "version_event_rows", killed_on_the_third)
    with pytest.raises(Killed):
        reanalyse(engine)
    monkeypatch.setattr(storage.reanalysis, "version_event_rows", real)

    assert events_by_version(engine) == events
    with session_factory(engine)() as session:
        assert sorted(session.scalars(select(Figure.id))) == figures
    assert reanalyse(engine).versions == 5
    with session_factory(engine)() as session:
        for notice_id in old_archive.values():
            assert_current(session, notice_id)


def test_parts_link_to_their_total_and_an_edit_in_place_is_a_revision_again(
    engine: Engine, old_archive: dict[str, int],
) -> None:
    reanalyse(engine)
    with session_factory(engine)() as session:
        (settlement,) = versions_of(session, old_archive["settlement"])
        rows = version_figures(session, settlement.id)
        total = next(row for row in rows if row.role == "total")
        assert [(row.value, row.part_of_id) for row in rows if row.role == "part"] == [
            (60_000_000, total.id), (30_000_000, total.id)]
        first, second = versions_of(session, old_archive["edited"])
        revised = [(row.metric, row.value, row.revised_from, row.revised_at)
                   for row in version_figures(session, second.id) if row.revised_from is not None]
        assert revised == [("apps_removed", 261, 259, second.fetched_at)]
        assert all(row.revised_from is None for row in version_figures(session, first.id))
        # The rows repeat their notice's source and publication, as the crawl wrote them.
        assert {(row.source_id, row.published_at) for row in rows} == {
            (settlement.notice.source_id, settlement.published_at)}


def test_a_second_run_changes_nothing(engine: Engine, old_archive: dict[str, int]) -> None:
    reanalyse(engine)
    with session_factory(engine)() as session:
        ids = set(session.scalars(select(Figure.id))) | {
            -mention for mention in session.scalars(select(PlatformMention.id))}

    again = reanalyse(engine)

    assert (again.versions, again.notices, again.failed) == (0, 0, [])
    with session_factory(engine)() as session:
        assert ids == set(session.scalars(select(Figure.id))) | {
            -mention for mention in session.scalars(select(PlatformMention.id))}


def test_a_version_the_extractor_still_fails_on_keeps_its_findings_and_is_named(
    engine: Engine, old_archive: dict[str, int], monkeypatch: pytest.MonkeyPatch,
) -> None:
    def failing_on_totals(text: str, **options: Any) -> Extraction:
        if "10,646" in text or text == BROKEN:
            raise ValueError("still broken")
        return REAL_EXTRACT(text, **options)

    with session_factory(engine)() as session:
        edited = {version.id: len(version_figures(session, version.id))
                  for version in versions_of(session, old_archive["edited"])}
    monkeypatch.setattr(storage.analysis, "extract", failing_on_totals)

    report = reanalyse(engine)

    assert sorted((f.notice_id, f.version, f.error) for f in report.failed) == sorted([
        (old_archive["edited"], 1, "ValueError: still broken"),
        (old_archive["edited"], 2, "ValueError: still broken"),
        (old_archive["broken"], 1, "ValueError: still broken")])
    assert {f.url for f in report.failed} == {article_url(1), article_url(4)}
    with session_factory(engine)() as session:
        assert {version_id: len(version_figures(session, version_id))
                for version_id in edited} == edited
        assert {session.get(VersionAnalysis, version_id).extractor_version  # type: ignore[union-attr]
                for version_id in edited} == {OLD}
    # Fixed, the next run takes them.
    monkeypatch.setattr(storage.analysis, "extract", REAL_EXTRACT)
    assert reanalyse(engine).versions == 3


def test_dry_run_counts_and_writes_nothing(engine: Engine, old_archive: dict[str, int]) -> None:
    before = counts(engine)
    with session_factory(engine)() as session:
        notes = {(n.version_id, n.extractor_version) for n in session.scalars(
            select(VersionAnalysis))}

    dry = reanalyse(engine, dry_run=True)

    assert counts(engine) == before
    with session_factory(engine)() as session:
        assert notes == {(n.version_id, n.extractor_version) for n in session.scalars(
            select(VersionAnalysis))}
    real = reanalyse(engine)
    assert (dry.dry_run, real.dry_run) == (True, False)
    assert {key: value for key, value in dry.to_json().items()
            if key not in ("dry_run", "seconds", "cpu_seconds")} == {
        key: value for key, value in real.to_json().items()
        if key not in ("dry_run", "seconds", "cpu_seconds")}


def test_all_reads_every_version_again(engine: Engine, old_archive: dict[str, int]) -> None:
    reanalyse(engine)
    report = reanalyse(engine, everything=True)
    assert (report.versions, report.figures_before) == (5, report.figures_after)
    with session_factory(engine)() as session:
        for notice_id in old_archive.values():
            assert_current(session, notice_id)


def test_a_run_stopped_between_batches_leaves_whole_notices_and_the_next_finishes(
    engine: Engine, old_archive: dict[str, int],
) -> None:
    class Killed(Exception):
        pass

    def killed_after_the_first(report: ReanalysisReport) -> None:
        raise Killed

    with pytest.raises(Killed):
        reanalyse(engine, batch_notices=2, progress=killed_after_the_first)
    with session_factory(engine)() as session:
        stamped = {version.notice_id: session.get(VersionAnalysis, version.id)
                   for version in session.scalars(select(NoticeVersion))}
        done = {notice_id for notice_id, note in stamped.items()
                if note is not None and (note.extractor_version, note.error) == (
                    EXTRACTOR_VERSION, None)}
        # The first batch (two notices, three versions) is whole; the rest untouched.
        assert done == {old_archive["edited"], old_archive["settlement"]}
        for notice_id in done:
            assert_current(session, notice_id)

    stopped = reanalyse(engine, batch_notices=1, max_batches=1)
    assert (stopped.versions, stopped.finished) == (1, False)
    rest = reanalyse(engine)
    assert (rest.versions, rest.finished) == (1, True)
    assert reanalyse(engine).versions == 0
    with session_factory(engine)() as session:
        for notice_id in old_archive.values():
            assert_current(session, notice_id)


def test_a_version_archived_later_by_the_running_extractor_is_revised_against_the_new_findings(
    engine: Engine, old_archive: dict[str, int],
) -> None:
    """The crawl compared a new version with findings the older extractor wrote; once those
    are read again, the version's revisions are read again too."""
    with session_factory(engine).begin() as session:
        store(session, article_url(1), TOTALS.replace("259 mobile", "263 mobile"),
              FETCHED_AT + timedelta(days=2))
    report = reanalyse(engine)
    assert report.versions == 6
    with session_factory(engine)() as session:
        third = versions_of(session, old_archive["edited"])[2]
        assert [(row.value, row.revised_from) for row in version_figures(session, third.id)
                if row.metric == "apps_removed"] == [(263, 261)]


def test_the_command_reports_counts_and_filters_by_source(
    engine: Engine, old_archive: dict[str, int],
) -> None:
    unknown = run(engine, "--source", "no-such-source")
    assert unknown.exit_code == 5
    assert "unknown source 'no-such-source'" in unknown.output and "cac-wxfb" in unknown.output
    with session_factory(engine).begin() as session:
        add_source(session, "ftc-press")
    other = run(engine, "--source", "ftc-press", "--json")
    assert other.exit_code == 0, other.output
    assert json.loads(other.output)["versions"] == 0

    dry = run(engine, "--source", "cac-wxfb", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would re-analyse 5 versions of 4 notices" in dry.output
    assert "nothing written" in dry.output
    assert ("events: 9 kept, 4 withdrawn (no longer found), 0 restored, 8 new (no alerts)"
            in dry.output)

    done = run(engine, "--source", "cac-wxfb", "--json")
    assert done.exit_code == 0, done.output
    document = json.loads(done.output)
    assert (document["versions"], document["notices"], document["failed"]) == (5, 4, [])
    assert document["events"] == {"kept": 9, "withdrawn": 4, "restored": 0, "added": 8}
    assert document["figures"]["after"] == counts(engine)["figures"]
    assert {"seconds", "cpu_seconds", "extractor_version"} <= set(document)

    again = run(engine)
    assert again.exit_code == 0
    assert "re-analysed 0 versions of 0 notices" in again.output
    assert "extraction failed on no version" in again.output


@pytest.mark.parametrize(("version", "older"), [
    ("1.6.0", True), ("1.9.0", True), ("1.12.0", True), ("1.14.0", True), ("1.15.0", True), ("1.16.0", True), ("1.17.0", True), (EXTRACTOR_VERSION, False),
    (EXTRACTOR_VERSION + "+abcd1234", True), ("0.9", True), ("dev", True),
])
def test_which_extractor_versions_are_older(version: str, older: bool) -> None:
    assert is_older(version, EXTRACTOR_VERSION) is older


@pytest.fixture(name="postgres_engine")
def postgres_engine_fixture(postgres_archive_url: str) -> Iterator[Engine]:
    engine = open_archive(postgres_archive_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_notice_a_crawl_is_storing_waits_for_it_and_its_new_version_is_read_too(
    postgres_engine: Engine, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A crawl's writer holds a notice while it stores a new version: the batch passes over
    it, and it is re-analysed once the crawl commits, its new version with it."""
    engine = postgres_engine
    monkeypatch.setattr(storage.analysis, "extract", older_extract)
    with session_factory(engine).begin() as session:
        add_source(session)
        edited = store(session, article_url(1), TOTALS)
        other = store(session, article_url(2), SETTLEMENT)
    monkeypatch.setattr(storage.analysis, "extract", REAL_EXTRACT)
    crawl = session_factory(engine)()
    crawl.begin()
    store(crawl, article_url(1), TOTALS.replace("259 mobile", "261 mobile"),
          FETCHED_AT + timedelta(days=1))
    seen: list[set[int]] = []

    def crawl_commits_after_the_batch(report: ReanalysisReport) -> None:
        with session_factory(engine)() as session:
            seen.append({version.notice_id for version in session.scalars(
                select(NoticeVersion)) if (note := session.get(VersionAnalysis, version.id))
                and note.extractor_version == EXTRACTOR_VERSION})
        crawl.commit()

    try:
        report = reanalyse(engine, progress=crawl_commits_after_the_batch)
    finally:
        crawl.close()
    assert seen == [{other}]
    assert (report.notices, report.versions, report.batches) == (2, 3, 1)
    with session_factory(engine)() as session:
        assert_current(session, edited)
        second = versions_of(session, edited)[1]
        assert [(row.value, row.revised_from) for row in version_figures(session, second.id)
                if row.metric == "apps_removed"] == [(261, 259)]
