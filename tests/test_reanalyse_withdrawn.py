"""Events `regwatch reanalyse` no longer finds (storage.reanalysis), on SQLite and PostgreSQL:
withdrawn, never deleted. The alerts sent for one stay on record with it, one still queued is
never sent (not even when a race left it pending for the sender), every current view (feeds,
pages, API, `regwatch events`, exports) leaves it out while the notice's page shows it marked
withdrawn; found again as it was, it is restored as the same row with no new alert; the
migration that adds all this upgrades an archive with events and downgrades; a dry run
changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import pytest
import sqlalchemy.exc
from alembic import command
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, select, text, update

import storage.analysis
from alerts.delivery import deliver_due
from alerts.outbox import enqueue
from alerts.rule import AlertRule, channel_of
from alerts.rules import load_rules
from cli.queries import COMMANDS
from diffing.extract import EXTRACTOR_VERSION
from storage.changes import ChangeFilters, archive_size, recent_changes
from storage.db import alembic_config, session_factory
from storage.events import list_events
from storage.export import count_export, export_rows
from storage.models import AlertOutbox, ChangeEvent
from storage.reanalysis import reanalyse
from tests.alert_fixtures import WebhookReceiver, write_config
from tests.reanalysis_fixtures import counts, older_extract
from web.app import create_app
from web.settings import WebSettings

# What the older extractor read in the settlement, and the running one does not: a part of
# the $90 million total taken for a fine of its own.
PART_AS_FINE = "Fines (amount): USD 60,000,000 as of 2024-01-31"
SENT_AT = datetime(2024, 2, 1, 8, 0, tzinfo=UTC)
DESK = AlertRule(name="desk", channels=(channel_of("json://127.0.0.1:9/hook"),))


def queue_alerts(engine: Engine, rules: list[AlertRule]) -> None:
    """Queue every event's alerts, and mark those of the part taken for a fine sent."""
    with session_factory(engine).begin() as session:
        assert enqueue(session, session.scalars(select(ChangeEvent).order_by(ChangeEvent.id))
                       .all(), rules)
        part = session.scalars(select(ChangeEvent).where(
            ChangeEvent.summary_en == PART_AS_FINE)).one()
        session.execute(update(AlertOutbox).where(AlertOutbox.event_id == part.id)
                        .values(status="sent", sent_at=SENT_AT, attempts=1))


def part_as_fine(engine: Engine) -> ChangeEvent:
    with session_factory(engine)() as session:
        return session.scalars(select(ChangeEvent).where(
            ChangeEvent.summary_en == PART_AS_FINE)).one()


def outbox(engine: Engine) -> dict[int, tuple[int, str, datetime | None]]:
    """Each outbox row: (event id, status, sent at), by row id."""
    with session_factory(engine)() as session:
        return {row.id: (row.event_id, row.status, row.sent_at)
                for row in session.scalars(select(AlertOutbox))}


def events(engine: Engine) -> dict[int, tuple[datetime | None, str | None]]:
    """Each event: (withdrawn at, why), by id."""
    with session_factory(engine)() as session:
        return {event.id: (event.withdrawn_at, event.withdrawn_reason)
                for event in session.scalars(select(ChangeEvent))}


@pytest.fixture(name="client")
def client_fixture(engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine.url.render_as_string(False), None,
                               settings=WebSettings())) as client:
        yield client


def shown(engine: Engine, client: TestClient) -> dict[str, bool]:
    """Whether each current view of the archive shows the part taken for a fine."""
    event_id = part_as_fine(engine).id
    group = click.Group(commands=COMMANDS)
    listed = CliRunner().invoke(group, ["events", "--json", "--limit", "1000"], obj={
        "database_url": engine.url.render_as_string(False), "config": None})
    assert listed.exit_code == 0, listed.output
    with session_factory(engine)() as session:
        return {
            "feed": PART_AS_FINE in client.get("/feeds/events.atom").text,
            "source feed": PART_AS_FINE in client.get("/feeds/sources/cac-wxfb.atom").text,
            "events page": PART_AS_FINE in client.get("/events").text,
            "home page": PART_AS_FINE in client.get("/").text,
            "api": event_id in {event["id"] for event in client.get(
                "/api/events", params={"limit": 100}).json()},
            "command": event_id in {event["id"] for event in json.loads(listed.output)["events"]},
            "list": event_id in {event.id for event in list_events(session, limit=1000)},
            "changes": event_id in {event.id for event in recent_changes(
                session, ChangeFilters(), limit=1000)},
            "export": event_id in {row["id"] for row in export_rows(session, "events")},
        }


def test_a_sent_alert_and_its_event_stay_on_record_and_leave_every_current_view(
    engine: Engine, old_archive: dict[str, int], client: TestClient,
) -> None:
    queue_alerts(engine, [DESK])
    assert set(shown(engine, client).values()) == {True}
    queued = outbox(engine)
    before = events(engine)
    with session_factory(engine)() as session:
        exported, size = count_export(session, "events"), archive_size(session).events

    report = reanalyse(engine)

    after = events(engine)
    gone = {event_id for event_id, (at, _) in after.items() if at is not None}
    part = part_as_fine(engine)
    assert part.id in gone and len(gone) == report.events_withdrawn
    assert set(before) <= set(after)
    reason = f"not found by extractor {EXTRACTOR_VERSION} on re-analysis"
    assert {after[event_id][1] for event_id in gone} == {reason}
    # The alert that went out stays sent, as it was; those still queued will never be sent.
    assert outbox(engine) == {
        row_id: (event_id, "withdrawn" if event_id in gone and status == "pending" else status,
                 sent_at)
        for row_id, (event_id, status, sent_at) in queued.items()}
    assert {row for row in outbox(engine).values() if row[0] == part.id} == {
        (part.id, "sent", SENT_AT)}
    assert set(shown(engine, client).values()) == {False}
    with session_factory(engine)() as session:
        assert count_export(session, "events") == exported - len(gone) + report.events_added
        assert archive_size(session).events == size - len(gone) + report.events_added
    # The notice's own history lists it, marked withdrawn, with the reason.
    page = client.get(f"/notices/{old_archive['settlement']}").text
    (item,) = [line for line in page.splitlines() if PART_AS_FINE in line]
    assert 'class="withdrawn"' in item and reason in item


def test_a_queued_alert_of_a_withdrawn_event_is_never_delivered(
    engine: Engine, old_archive: dict[str, int], tmp_path: Path, webhook: WebhookReceiver,
) -> None:
    config = write_config(tmp_path, f'[[alerts]]\nname = "desk"\nnotify = ["{webhook.url}"]\n')
    with session_factory(engine).begin() as session:
        enqueue(session, session.scalars(select(ChangeEvent)).all(), load_rules(config))
    reanalyse(engine)
    gone = {event_id for event_id, (at, _) in events(engine).items() if at is not None}
    part = part_as_fine(engine)
    # As if a sender had listed the rows before re-analysis withdrew their events.
    with session_factory(engine).begin() as session:
        session.execute(update(AlertOutbox).where(AlertOutbox.event_id.in_(gone))
                        .values(status="pending"))

    report = deliver_due(engine, config, datetime(2030, 1, 1, tzinfo=UTC))

    rows = outbox(engine)
    assert report.messages_sent == len(webhook.accepted()) > 0
    assert {status for event_id, status, _ in rows.values() if event_id in gone} == {
        "withdrawn"}
    assert {status for event_id, status, _ in rows.values() if event_id not in gone} == {"sent"}
    assert report.rows_sent == sum(event_id not in gone for event_id, _, _ in rows.values())
    assert not any("60,000,000" in json.dumps(delivery.body) for delivery in webhook.accepted())
    assert part.id in gone


def test_an_event_found_again_is_restored_as_the_same_row_with_no_new_alert(
    engine: Engine, old_archive: dict[str, int], monkeypatch: pytest.MonkeyPatch,
    client: TestClient,
) -> None:
    queue_alerts(engine, [DESK])
    part = part_as_fine(engine)
    first = reanalyse(engine)
    queued = outbox(engine)
    withdrawn = {event_id for event_id, (at, _) in events(engine).items() if at is not None}

    # The extractor goes back to reading the part as a fine (a fix reverted, say).
    monkeypatch.setattr(storage.analysis, "extract", older_extract)
    again = reanalyse(engine, everything=True)

    after = events(engine)
    restored = {event_id for event_id in withdrawn if after[event_id] == (None, None)}
    assert part.id in restored and again.events_restored == len(restored)
    assert again.events_restored == first.events_withdrawn
    # The same row, current again and shown again; its alerts stay as they were, and none
    # is queued for it or for anything else.
    assert part_as_fine(engine).created_at == part.created_at
    assert outbox(engine) == queued
    assert set(shown(engine, client).values()) == {True}
    # What only the newer extractor found is withdrawn in turn, and its new rows kept.
    assert again.events_withdrawn == first.events_added
    assert again.events_added == 0


def test_new_events_never_take_the_key_of_a_withdrawn_one(
    engine: Engine, old_archive: dict[str, int], monkeypatch: pytest.MonkeyPatch,
) -> None:
    reanalyse(engine)
    monkeypatch.setattr(storage.analysis, "extract", older_extract)
    second = reanalyse(engine, everything=True)
    monkeypatch.undo()

    third = reanalyse(engine, everything=True)

    # Each pass restores the rows the other withdrew: no row is added, none collides.
    assert (third.events_added, third.events_restored, third.events_withdrawn) == (
        0, second.events_withdrawn, second.events_restored)
    with session_factory(engine)() as session:
        keys = list(session.scalars(select(ChangeEvent.dedupe_key)))
    assert len(keys) == len(set(keys))


def test_the_migration_upgrades_an_archive_with_events_and_downgrades(
    engine: Engine, old_archive: dict[str, int],
) -> None:
    queue_alerts(engine, [DESK])
    reanalyse(engine)
    before = outbox(engine)
    total = counts(engine)
    config = alembic_config()

    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0015_version_analyses")

    with engine.connect() as connection:
        columns = {column["name"] for column in inspect(connection).get_columns("change_events")}
        assert not {"withdrawn_at", "withdrawn_reason"} & columns
        statuses = dict(connection.execute(text("SELECT id, status FROM alert_outbox")).all())
    # A withdrawn alert reads as one that cannot be sent; sent and queued ones stay so.
    assert statuses == {row_id: "failed" if status == "withdrawn" else status
                        for row_id, (_, status, _) in before.items()}
    assert counts(engine) == total
    with pytest.raises(sqlalchemy.exc.IntegrityError), engine.begin() as connection:
        connection.execute(text("UPDATE alert_outbox SET status = 'withdrawn'"))

    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    assert counts(engine) == total
    assert set(events(engine).values()) == {(None, None)}
    with engine.begin() as connection:
        connection.execute(text("UPDATE alert_outbox SET status = 'withdrawn' WHERE status = "
                                "'failed'"))
    assert outbox(engine) == before
    with pytest.raises(sqlalchemy.exc.IntegrityError), engine.begin() as connection:
        connection.execute(text("UPDATE alert_outbox SET status = 'gone'"))


def test_a_dry_run_withdraws_and_restores_nothing(
    engine: Engine, old_archive: dict[str, int], monkeypatch: pytest.MonkeyPatch,
) -> None:
    queue_alerts(engine, [DESK])
    state: list[Any] = [events(engine), outbox(engine)]

    dry = reanalyse(engine, dry_run=True)

    assert dry.events_withdrawn and [events(engine), outbox(engine)] == state
    reanalyse(engine)
    state = [events(engine), outbox(engine)]
    monkeypatch.setattr(storage.analysis, "extract", older_extract)

    dry = reanalyse(engine, everything=True, dry_run=True)

    assert dry.events_restored and [events(engine), outbox(engine)] == state
