"""Alert commands: `regwatch alerts test [RULE]`, `alerts rules` and `alerts deliver`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from cli.common import (
    EXIT_ALREADY_SERVING,
    EXIT_NOT_FOUND,
    EXIT_SOURCE_FAILED,
    command_archive,
    command_config,
    console,
    fail,
)
from cli.terminal import inert_json, plain
from storage.lock import AlreadyServingError, scheduler_lock


@click.group("alerts")
def alerts_group() -> None:
    """Alert rules ([[alerts]] in regwatch.toml): test them, list them, deliver what is due."""


@alerts_group.command("test")
@click.argument("rule", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON object for scripts.")
@click.pass_obj
def test_command(obj: dict[str, Any], rule: str | None, as_json: bool) -> None:
    """Send a test message to each channel of RULE (default: of every rule).

    Exits 1 when a channel refused the message, 5 when RULE is not configured.
    """
    from alerts.delivery import send_test

    config = command_config(obj["config"])
    try:
        results = send_test(config, rule)
    except KeyError as exc:
        fail(str(exc.args[0]), EXIT_NOT_FOUND)
    if as_json:
        click.echo(inert_json(json.dumps(
            [{"rule": name, "channel": label, "sent": ok, "error": error or None}
             for name, label, ok, error in results], indent=2)))
    elif not results:
        console.print("no alert rules are configured ([[alerts]] in regwatch.toml)")
    else:
        for name, label, ok, error in results:
            mark = Text("sent", style="green") if ok else Text("failed", style="red") + plain(
                f": {error}")
            console.print(plain(f"{name} → {label}: ") + mark)
    if any(not ok for *_, ok, _ in results):
        raise SystemExit(EXIT_SOURCE_FAILED)


@alerts_group.command("rules")
@click.pass_obj
def rules_command(obj: dict[str, Any]) -> None:
    """The configured rules and their channels (named by scheme and hash, never by URL)."""
    from alerts.rules import load_rules
    from storage.models import EVENT_KINDS

    config = command_config(obj["config"])
    table = Table("rule", "channels", "on", "filters", "digest", "language")
    for rule in load_rules(config):
        filters = []
        for name, values in (("sources", rule.sources), ("platforms", sorted(rule.platforms)),
                             ("metrics", sorted(rule.metrics)), ("keywords", rule.keywords)):
            if values:
                filters.append(f"{name}: {', '.join(values)}")
        if rule.min_change_percent is not None:
            filters.append(f"change ≥ {rule.min_change_percent}%")
        if rule.baseline:
            filters.append("baseline")
        on = "all" if set(rule.on) == set(EVENT_KINDS) else ", ".join(sorted(rule.on))
        table.add_row(rule.name, "\n".join(c.label for c in rule.channels), on,
                      "\n".join(filters) or "-", rule.digest, rule.language)
    console.print(table)


@alerts_group.command("deliver")
@click.pass_obj
def deliver_command(obj: dict[str, Any]) -> None:
    """Send the alerts that are due now, once (`regwatch serve` does this continuously).

    On SQLite the service is the archive's one sender: while a `regwatch serve` (or another
    `alerts deliver`) drives the archive this refuses, exit 6, and sends nothing. Exits 1 when a
    message could not be sent (it stays queued).
    """
    from alerts.delivery import deliver_due

    config = command_config(obj["config"])
    engine = command_archive(obj["database_url"])
    # PostgreSQL senders lock the rows they send; SQLite's one sender holds the service's lock
    # (an archive in memory is this process's alone).
    lock = None
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        lock = scheduler_lock(engine)
    try:
        if lock is not None:
            lock.acquire()
    except AlreadyServingError as exc:
        engine.dispose()
        fail(f"{exc}; it sends this archive's alerts, so this sends none",
             EXIT_ALREADY_SERVING)
    try:
        report = deliver_due(engine, config, datetime.now(UTC))
    finally:
        if lock is not None:
            lock.release()
        engine.dispose()
    console.print(f"sent {report.messages_sent} message(s) ({report.rows_sent} alert(s)); "
                  f"{report.messages_failed} failed and wait for a retry")
    if report.messages_failed:
        raise SystemExit(EXIT_SOURCE_FAILED)


COMMANDS: list[click.Command] = [alerts_group]
