"""End to end: a local copy of the CAC site, `regwatch crawl` as a silent baseline, then a new
notice with figures appears and `regwatch serve --once` crawls it and delivers one alert to a
webhook receiver on loopback; `regwatch status` then shows nothing waiting.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config import builtin_tables
from crawler.localsite.demo_edits import apply_demo_change
from storage.db import open_archive
from storage.models import AlertOutbox, ChangeEvent
from tests.alert_fixtures import WebhookReceiver
from tests.sites import LocalSite

REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCE = "cac-hlwnrgl"
NEW_TITLE = "2026年前三季度全国网信系统网络执法工作情况"


def regwatch(config: Path, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", "--config", str(config), "--database-url", database_url,
         *args],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=300, check=False,
        env={**os.environ, "REGWATCH_LOG_LEVEL": "INFO"},
    )


def counts(database_url: str) -> tuple[int, int]:
    engine = open_archive(database_url)
    try:
        with Session(engine) as session:
            events = session.scalar(select(func.count()).select_from(ChangeEvent)) or 0
            rows = session.scalar(select(func.count()).select_from(AlertOutbox)) or 0
    finally:
        engine.dispose()
    return events, rows


def test_a_new_notice_on_the_site_reaches_the_webhook_once_after_a_silent_baseline(
    tmp_path: Path, demo_site: LocalSite, webhook: WebhookReceiver
) -> None:
    config = tmp_path / "regwatch.toml"
    # The other built-in sources are switched off: they would reach the internet.
    others = "".join(f"[sources.{source_id}]\ndisabled = true\n" for source_id, _, _ in
                     builtin_tables() if source_id != SOURCE)
    config.write_text(
        others + f'[sources.{SOURCE}]\nbase_url = "{demo_site.base_url}"\ndelay = 0\n'
        '[service]\nmax_jitter = 0\n\n'
        f'[[alerts]]\nname = "cac"\nnotify = ["{webhook.url}"]\nlanguage = "en"\n'
        'on = ["notice_new", "figure_reported", "platform_named"]\n',
        encoding="utf-8")
    database_url = f"sqlite:///{tmp_path / 'archive.db'}"

    baseline = regwatch(config, database_url, "crawl", SOURCE)
    assert baseline.returncode == 0, baseline.stderr[-3000:]
    events, rows = counts(database_url)
    assert events > 0 and rows == 0  # the back catalogue is archived without alerts

    apply_demo_change(demo_site.site_dir)
    served = regwatch(config, database_url, "serve", "--once")
    assert served.returncode == 0, served.stderr[-3000:]
    assert "alert/sent rule cac" in served.stderr

    (delivery,) = webhook.deliveries
    assert delivery.body["title"] == f"{SOURCE}: {NEW_TITLE}"
    lines = delivery.body["message"].splitlines()
    assert lines[0] == NEW_TITLE
    assert "websites and platforms summoned for talks 8,127" in lines[1]
    assert "apps taken off app stores 198" in lines[1]
    # The link leads to the regulator, not to the local copy the notice was fetched from.
    assert lines[-1] == "https://www.cac.gov.cn/2026-11/27/c_1795773600266731.htm"
    assert delivery.key and delivery.body["idempotency_key"] == delivery.key

    status = regwatch(config, database_url, "status", "--json")
    assert status.returncode == 0, status.stderr
    shown = json.loads(status.stdout)
    (row,) = [s for s in shown["sources"] if s["id"] == SOURCE]
    assert row["alerts_waiting"] == 0 and shown["warnings"] == []
    assert webhook.url.split("//")[1] not in status.stdout


def test_status_names_a_failing_channel_without_its_secrets(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from alerts.delivery import deliver_due
    from alerts.outbox import enqueue
    from alerts.rules import load_rules
    from config import load_config
    from storage.db import session_factory
    from tests.alert_fixtures import SUMMARY_2023, archive_summary
    from tests.storage_fixtures import add_source

    config_path = tmp_path / "regwatch.toml"
    # Nothing listens on port 9: every attempt fails.
    config_path.write_text('[[alerts]]\nname = "desk"\n'
                           'notify = ["json://desk:pa55-w0rd-x@127.0.0.1:9/t0ken-abcdef"]\n',
                           encoding="utf-8")
    database_url = f"sqlite:///{tmp_path / 'archive.db'}"
    config = load_config(config_path)
    engine = open_archive(database_url)
    try:
        with session_factory(engine).begin() as session:
            add_source(session)
            _, events = archive_summary(session, 2023, SUMMARY_2023, number=1)
            enqueue(session, events, load_rules(config))
        now = datetime(2024, 2, 1, tzinfo=UTC)
        for _ in range(3):
            assert deliver_due(engine, config, now).messages_failed == 1
            now += timedelta(hours=6)
    finally:
        engine.dispose()

    shown = regwatch(config_path, database_url, "status", "--json")
    table = regwatch(config_path, database_url, "status")
    assert shown.returncode == table.returncode == 0, shown.stderr + table.stderr
    (warning,) = json.loads(shown.stdout)["warnings"]
    assert warning.startswith("delivery_failing: channel json#")
    assert "(rule desk) failed 3 time(s) in a row" in warning
    assert f"{len(events)} alert(s) waiting" in warning
    assert "delivery_failing" in table.stdout
    for secret in ("pa55-w0rd-x", "t0ken-abcdef", "desk:"):
        assert secret not in shown.stdout + shown.stderr + table.stdout + table.stderr


def test_a_service_killed_during_delivery_sends_each_alert_once_after_restart(
    tmp_path: Path, demo_site: LocalSite, webhook: WebhookReceiver
) -> None:
    import signal

    config = tmp_path / "regwatch.toml"
    others = "".join(f"[sources.{source_id}]\ndisabled = true\n" for source_id, _, _ in
                     builtin_tables() if source_id != SOURCE)
    config.write_text(
        others + f'[sources.{SOURCE}]\nbase_url = "{demo_site.base_url}"\ndelay = 0\n'
        '[service]\nmax_jitter = 0\n\n'
        f'[[alerts]]\nname = "cac"\nnotify = ["{webhook.url}"]\n', encoding="utf-8")
    database_url = f"sqlite:///{tmp_path / 'archive.db'}"
    assert regwatch(config, database_url, "crawl", SOURCE).returncode == 0
    apply_demo_change(demo_site.site_dir)

    service = subprocess.Popen(
        [sys.executable, "-m", "cli", "--config", str(config), "--database-url", database_url,
         "serve", "--once"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        cwd=REPO_ROOT)

    def kill_service(delivery: object) -> None:
        # The receiver has the message; the service dies before it can mark it sent.
        if len(webhook.deliveries) == 1:
            os.kill(service.pid, signal.SIGKILL)
            service.wait()

    webhook.on_request = kill_service
    _, stderr = service.communicate(timeout=300)
    assert service.returncode == -signal.SIGKILL, stderr[-3000:]
    assert len(webhook.deliveries) == 1
    engine = open_archive(database_url)
    try:
        with Session(engine) as session:
            assert set(session.scalars(select(AlertOutbox.status))) == {"pending"}
    finally:
        engine.dispose()

    webhook.on_request = None
    restarted = regwatch(config, database_url, "serve", "--once")

    assert restarted.returncode == 0, restarted.stderr[-3000:]
    assert "crawl:" not in restarted.stderr  # nothing was due: the alert went out at start
    assert len(webhook.deliveries) == 2
    first, again = webhook.deliveries
    assert first.key == again.key and first.body == again.body
    assert len(webhook.unique_accepted()) == 1
    assert NEW_TITLE in first.body["title"]
    engine = open_archive(database_url)
    try:
        with Session(engine) as session:
            assert set(session.scalars(select(AlertOutbox.status))) == {"sent"}
    finally:
        engine.dispose()
