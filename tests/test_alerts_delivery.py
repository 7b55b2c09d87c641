"""Delivery through Apprise to real servers on loopback, on SQLite and PostgreSQL.

A webhook receiver and an SMTP server get the messages and their text is asserted; a webhook
that fails three times gets one delivery after growing backoff; a sender killed with SIGKILL
between send and mark, or a service killed after writing events, still gives every alert once
to a receiver that drops repeated idempotency keys. Time is passed in, never waited for.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from alerts.delivery import backoff, deliver_due, delivery_warnings
from alerts.outbox import enqueue
from alerts.rules import load_rules
from config import Config
from storage.db import session_factory
from storage.models import AlertChannel, AlertOutbox
from tests.alert_fixtures import (
    SUMMARY_2022,
    SUMMARY_2023,
    Mailbox,
    WebhookReceiver,
    archive_summary,
    email_text,
    write_config,
)
from tests.storage_fixtures import add_source

REPO_ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2024, 2, 1, 9, 0, tzinfo=UTC)


def queue_summaries(engine: Engine, config: Config, *, title_2023: str | None = None) -> None:
    """Archive the 2022 and 2023 summaries, each with its alerts, one transaction each."""
    rules = load_rules(config)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        add_source(session)
    with sessions.begin() as session:
        _, events = archive_summary(session, 2022, SUMMARY_2022, number=1)
        enqueue(session, events, rules)
    with sessions.begin() as session:
        _, events = archive_summary(session, 2023, SUMMARY_2023, number=2, title=title_2023)
        enqueue(session, events, rules)


def outbox(engine: Engine) -> list[AlertOutbox]:
    with Session(engine) as session:
        return list(session.scalars(select(AlertOutbox).order_by(AlertOutbox.id)))


def test_webhook_gets_one_message_per_notice_with_figures_platforms_and_link(
    archive_engine: Engine, tmp_path: Path, webhook: WebhookReceiver
) -> None:
    config = write_config(tmp_path, f'[[alerts]]\nname = "cac"\nnotify = ["{webhook.url}"]\n'
                                    'language = "en"\n')
    queue_summaries(archive_engine, config)

    report = deliver_due(archive_engine, config, NOW)

    assert (report.messages_sent, report.messages_failed) == (2, 0)
    assert len(webhook.deliveries) == 2
    latest = webhook.deliveries[1].body
    assert latest["title"] == "cac-wxfb: 2023年全国网信系统网络执法工作情况"
    lines = latest["message"].splitlines()
    assert lines[0] == "2023年全国网信系统网络执法工作情况"
    assert "websites and platforms summoned for talks 10,646 in 2023 (2022: 8,608, +23.7%)" in (
        lines[1])
    assert "newly named: Baidu, Quark Browser" in lines[1]
    assert "named again: Douyin (1 earlier)" in lines[1]
    assert lines[-1] == "https://www.cac.gov.cn/2024-01/31/c_1700000000002.htm"
    # The key travels as a header and in the JSON body, and differs per message.
    keys = [d.key for d in webhook.deliveries]
    assert keys[0] != keys[1] and all(keys)
    assert [d.body["idempotency_key"] for d in webhook.deliveries] == keys
    assert {row.status for row in outbox(archive_engine)} == {"sent"}
    assert {row.message_key for row in outbox(archive_engine)} == set(keys)

    again = deliver_due(archive_engine, config, NOW + timedelta(days=1))
    assert again.messages_sent == 0 and len(webhook.deliveries) == 2


def test_both_languages_give_the_notice_language_first_then_english(
    archive_engine: Engine, tmp_path: Path, webhook: WebhookReceiver
) -> None:
    config = write_config(tmp_path, f'[[alerts]]\nnotify = ["{webhook.url}"]\n'
                                    'on = ["figure_reported", "platform_named"]\n'
                                    'metrics = ["websites_summoned"]\n')
    queue_summaries(archive_engine, config)
    deliver_due(archive_engine, config, NOW)
    message = webhook.deliveries[-1].body["message"]
    chinese = message.index("2023年约谈网站平台10,646家（2022年：8,608家，+23.7%）")
    english = message.index("websites and platforms summoned for talks 10,646")
    assert chinese < english
    assert "；首次点名：百度、夸克浏览器；再次点名：抖音" in message[chinese:english]
    # Only the metric the rule watches: the other figures of the notice stay out.
    assert "下架" not in message and "apps" not in message


def test_email_reaches_a_local_smtp_server_with_html_escaped(
    archive_engine: Engine, tmp_path: Path, mailbox: Mailbox
) -> None:
    config = write_config(tmp_path, f'[[alerts]]\nname = "mail"\nnotify = ["{mailbox.url()}"]\n'
                                    'on = ["figure_reported", "platform_named"]\n'
                                    'sources = ["cac-*"]\n')
    title = "2023年全国网信系统网络执法工作情况 <b>&</b>"
    queue_summaries(archive_engine, config, title_2023=title)

    report = deliver_due(archive_engine, config, NOW)

    assert report.messages_sent == 2
    assert len(mailbox.messages) == 2
    message = mailbox.messages[1]
    assert message["Subject"] == f"cac-wxfb: {title}"
    assert message["X-Idempotency-Key"] == outbox(archive_engine)[-1].message_key
    plain, html = email_text(message)
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in html and "<b>&</b>" not in html
    assert "10,646 in 2023 (2022: 8,608, +23.7%)" in html
    assert 'href="https://www.cac.gov.cn/2024-01/31/c_1700000000002.htm"' in html
    assert "10,646" in plain or plain == ""


def test_a_webhook_failing_three_times_gets_one_delivery_after_growing_backoff(
    archive_engine: Engine, tmp_path: Path, webhook: WebhookReceiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = write_config(tmp_path, f'[[alerts]]\nname = "hook"\nnotify = ["{webhook.url}"]\n'
                                    'on = ["notice_new"]\n')
    queue_summaries(archive_engine, config)
    with Session(archive_engine) as session:
        session.execute(delete(AlertOutbox).where(AlertOutbox.id == 1))
        session.commit()
    webhook.statuses = [500, 500, 500]
    caplog.set_level(logging.INFO, logger="regwatch.alerts")

    now = NOW
    waits = []
    for attempt in range(1, 4):
        report = deliver_due(archive_engine, config, now)
        assert report.messages_failed == 1 and report.messages_sent == 0
        (row,) = outbox(archive_engine)
        assert row.status == "pending" and row.attempts == attempt
        assert row.last_error and "500" in row.last_error
        waits.append(row.next_attempt_at - now)
        # Not due before its backoff has passed: nothing is sent.
        early = deliver_due(archive_engine, config, row.next_attempt_at - timedelta(seconds=1))
        assert early.messages_sent == early.messages_failed == 0
        now = row.next_attempt_at
    assert waits == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30)]
    assert waits == [backoff(1), backoff(2), backoff(3)]
    assert len(webhook.deliveries) == 3

    with Session(archive_engine) as session:
        (warning,) = delivery_warnings(session, config)
    assert warning.kind == "delivery_failing" and warning.failures == 3
    assert warning.waiting == 1 and warning.since == NOW
    assert "delivery_failing" in caplog.text

    report = deliver_due(archive_engine, config, now)

    assert report.messages_sent == 1
    (row,) = outbox(archive_engine)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 4, now)
    assert len(webhook.accepted()) == 1 and len({d.key for d in webhook.deliveries}) == 1
    with Session(archive_engine) as session:
        assert delivery_warnings(session, config) == []
        assert session.get(AlertChannel, row.channel).consecutive_failures == 0  # type: ignore[union-attr]


def test_a_failing_channel_waits_while_other_channels_are_served(
    archive_engine: Engine, tmp_path: Path, webhook: WebhookReceiver, mailbox: Mailbox
) -> None:
    # Nothing listens on this port: connections are refused.
    dead = "json://127.0.0.1:9/hook"
    config = write_config(tmp_path, f'[[alerts]]\nnotify = ["{dead}", "{mailbox.url()}"]\n'
                                    'on = ["notice_new"]\n')
    queue_summaries(archive_engine, config)
    report = deliver_due(archive_engine, config, NOW)
    # The dead channel is tried once per round; its second message waits untouched.
    assert report.messages_failed == 1 and report.messages_sent == 2
    rows = outbox(archive_engine)
    waiting = [row for row in rows if row.status == "pending"]
    assert len(waiting) == 2 and sorted(row.attempts for row in waiting) == [0, 1]
    assert len(mailbox.messages) == 2


def test_secrets_in_apprise_urls_never_reach_logs_rows_or_warnings(
    archive_engine: Engine, tmp_path: Path, webhook: WebhookReceiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    port = webhook.url.split(":")[2].split("/")[0]
    secret_url = f"json://watcher:pw-5ecret-77@127.0.0.1:{port}/hook/tok-9f8e7d6c5b"
    config = write_config(tmp_path, f'[[alerts]]\nnotify = ["{secret_url}"]\n'
                                    'on = ["notice_new"]\n')
    caplog.set_level(logging.DEBUG)
    queue_summaries(archive_engine, config)
    webhook.statuses = [500, 500, 500, 500]
    now = NOW
    for _ in range(3):
        deliver_due(archive_engine, config, now)
        now += timedelta(hours=3)

    assert len(webhook.deliveries) == 3
    assert webhook.deliveries[0].path == "/hook/tok-9f8e7d6c5b"  # the URL was used...
    with Session(archive_engine) as session:
        warnings = [str(w) for w in delivery_warnings(session, config)]
        channels = [(c.channel, c.label, c.last_error) for c in session.scalars(
            select(AlertChannel))]
    stored = repr([(r.channel, r.last_error, r.idempotency_key) for r in outbox(archive_engine)])
    # ...but none of its secret parts were written anywhere.
    for secret in ("pw-5ecret-77", "tok-9f8e7d6c5b", "watcher"):
        assert secret not in caplog.text
        assert secret not in stored
        assert secret not in repr(warnings) + repr(channels)
    assert warnings and "delivery_failing" in warnings[0]


def test_a_daily_digest_collects_the_day_into_one_message_after_the_day_ends(
    archive_engine: Engine, tmp_path: Path, webhook: WebhookReceiver
) -> None:
    config = write_config(tmp_path, f'[[alerts]]\nname = "daily"\nnotify = ["{webhook.url}"]\n'
                                    'digest = "daily"\nlanguage = "en"\n'
                                    'on = ["notice_new", "platform_named"]\n')
    queue_summaries(archive_engine, config)
    rows = outbox(archive_engine)
    # Both summaries' events were written at 12:00 UTC on 31 January of different years.
    assert {row.digest_bucket for row in rows} == {"2023-01-31", "2024-01-31"}

    assert deliver_due(archive_engine, config, datetime(2024, 1, 31, 23, 59, tzinfo=UTC)
                       ).messages_sent == 1  # only the 2023 bucket has ended
    report = deliver_due(archive_engine, config, datetime(2024, 2, 1, 0, 0, tzinfo=UTC))
    assert report.messages_sent == 1
    digest = webhook.deliveries[-1].body
    assert digest["title"].startswith("regwatch digest (2024-01-31): ")
    assert "newly named: Baidu, Quark Browser" in digest["message"]
    assert "2023年全国网信系统网络执法工作情况" in digest["message"]


def test_a_sender_killed_between_send_and_mark_gives_one_delivery_per_key(
    archive_url: str, archive_engine: Engine, tmp_path: Path, webhook: WebhookReceiver
) -> None:
    config = write_config(tmp_path, f'[[alerts]]\nnotify = ["{webhook.url}"]\n')
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}

    # The service is killed after its events and alerts are committed, before any delivery.
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.alert_fixtures", "archive", archive_url,
         str(config.path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        cwd=REPO_ROOT, env=env)
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "committed"
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    queued = outbox(archive_engine)
    groups = {(row.rule, row.channel, row.group_key) for row in queued}
    assert len(groups) == 2 and {row.status for row in queued} == {"pending"}

    # A sender is killed the moment the receiver has its first message, before it can mark it.
    sender = subprocess.Popen(
        [sys.executable, "-m", "tests.alert_fixtures", "deliver", archive_url,
         str(config.path), NOW.isoformat()], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, cwd=REPO_ROOT, env=env)

    def kill_sender(delivery: object) -> None:
        if len(webhook.deliveries) == 1:
            os.kill(sender.pid, signal.SIGKILL)
            sender.wait()

    webhook.on_request = kill_sender
    sender.communicate(timeout=120)
    assert sender.returncode == -signal.SIGKILL
    assert len(webhook.deliveries) == 1
    assert {row.status for row in outbox(archive_engine)} == {"pending"}

    webhook.on_request = None
    report = deliver_due(archive_engine, config, NOW)

    assert report.messages_sent == 2
    assert len(webhook.deliveries) == 3
    first_key = webhook.deliveries[0].key
    assert [d.key for d in webhook.deliveries].count(first_key) == 2
    unique = webhook.unique_accepted()
    assert len(unique) == 2
    assert unique[0].body["message"] == webhook.deliveries[1].body["message"]
    assert {row.status for row in outbox(archive_engine)} == {"sent"}
    assert deliver_due(archive_engine, config, NOW + timedelta(days=1)).messages_sent == 0


def test_alerts_deliver_sends_nothing_on_a_sqlite_archive_a_service_drives(
    tmp_path: Path, webhook: WebhookReceiver
) -> None:
    from click.testing import CliRunner

    from cli.alerts import alerts_group
    from cli.common import EXIT_ALREADY_SERVING
    from storage.db import open_archive
    from storage.lock import scheduler_lock

    url = f"sqlite:///{tmp_path / 'archive.db'}"
    engine = open_archive(url)
    config = write_config(tmp_path, f'[[alerts]]\nnotify = ["{webhook.url}"]\n')
    queue_summaries(engine, config)

    def deliver() -> tuple[int, str]:
        result = CliRunner().invoke(alerts_group, ["deliver"],
                                    obj={"config": str(config.path), "database_url": url})
        return result.exit_code, result.output

    service = scheduler_lock(engine)
    service.acquire()
    try:
        code, output = deliver()
    finally:
        service.release()
    assert code == EXIT_ALREADY_SERVING
    assert "sends none" in output
    assert webhook.deliveries == []
    assert {row.status for row in outbox(engine)} == {"pending"}

    code, output = deliver()
    assert code == 0, output
    assert len(webhook.deliveries) == 2
    assert {row.status for row in outbox(engine)} == {"sent"}
    engine.dispose()


@pytest.mark.postgres
def test_two_senders_on_postgresql_never_send_one_group_twice(
    postgres_archive_url: str, tmp_path: Path, webhook: WebhookReceiver
) -> None:
    from storage.db import open_archive

    engine = open_archive(postgres_archive_url)
    try:
        config = write_config(tmp_path, f'[[alerts]]\nnotify = ["{webhook.url}"]\n'
                                        'on = ["notice_new"]\n')
        queue_summaries(engine, config)
        first_arrived = threading.Event()
        release = threading.Event()

        def hold_first(delivery: object) -> None:
            if len(webhook.deliveries) == 1:
                first_arrived.set()
                assert release.wait(60)

        webhook.on_request = hold_first
        results = []
        first = threading.Thread(
            target=lambda: results.append(deliver_due(engine, config, NOW)))
        first.start()
        assert first_arrived.wait(60)
        # The first sender holds the lock on its group while it sends: this one skips it.
        second = deliver_due(engine, config, NOW)
        release.set()
        first.join(60)
        total = second.messages_sent + results[0].messages_sent
        assert total == 2
        assert len(webhook.deliveries) == 2
        assert len({d.key for d in webhook.deliveries}) == 2
    finally:
        engine.dispose()
