"""Extraction commands: `regwatch extract` on a file, `figures` and `platforms` over the archive."""

from __future__ import annotations

import csv
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from diffing.extract import extract
from diffing.platforms import load_platforms

console = Console()


def _read_input(path: str) -> str:
    """A text or HTML file (or stdin) as text: bytes decoded as the crawler decodes pages."""
    from crawler.cleaning import html_to_text, looks_like_html
    from crawler.encoding import choose_encoding

    raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    text = raw.decode(choose_encoding(raw, []), errors="replace")
    return html_to_text(text) if looks_like_html(text) else text


@click.command("extract")
@click.argument("file", default="-")
@click.option("--published", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Publication date, to resolve 今年上半年 and the like.")
@click.option("--language", type=click.Choice(["zh-Hans", "zh-Hant", "en"]), default=None,
              help="Override language detection.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object for scripts.")
def extract_command(file: str, published: Any, language: str | None, as_json: bool) -> None:
    """Extract enforcement figures and named platforms from a text or HTML FILE (- for stdin).

    Works offline, on any file; nothing is archived.
    """
    try:
        text = _read_input(file)
    except OSError as exc:
        raise click.ClickException(f"cannot read {file}: {exc.strerror or exc}") from None
    found = extract(text, published=published.date() if published else None, language=language)
    if as_json:
        click.echo(json.dumps(found.to_json(), ensure_ascii=False, indent=2))
        return
    console.print(f"language: {found.language}")
    figures = Table("metric", "value", "unit", "period", "scope", "text", title="Figures")
    for figure in found.figures:
        figures.add_row(figure.metric or "[dim]unclassified[/]", _shown(figure.value),
                        figure.unit, figure.period or "-", figure.scope or "-", figure.text)
    console.print(figures)
    platforms = Table("id", "name", "kind", "action", "amount", title="Named platforms")
    for mention in found.platforms:
        amount = f"{mention.amount.currency} {_shown(mention.amount.value)}" if mention.amount else ""
        platforms.add_row(mention.id or "[dim]unknown[/]", mention.name, mention.kind,
                          mention.action or "-", amount)
    console.print(platforms)


def _archive_session(ctx: click.Context) -> Any:
    from storage.db import open_archive, session_factory
    from storage.errors import ArchiveError

    try:
        engine = open_archive((ctx.find_root().obj or {}).get("database_url"))
    except ArchiveError as exc:
        console.print(f"[red]error:[/] {exc}")
        sys.exit(4)
    return session_factory(engine)()


@click.command("figures")
@click.option("--metric", default=None, help="A metric id, e.g. websites_summoned.")
@click.option("--source", "source_id", default=None, help="A source id.")
@click.option("--scope", default=None, help="Only figures of this scope (全国网信系统 …).")
@click.option("--json", "as_json", is_flag=True)
@click.option("--csv", "as_csv", is_flag=True)
@click.pass_context
def figures_command(ctx: click.Context, metric: str | None, source_id: str | None,
                    scope: str | None, as_json: bool, as_csv: bool) -> None:
    """Print the time series of enforcement figures in the archive, per metric and period."""
    from storage.queries import figure_series, metric_names, series_notice_counts

    rows: list[dict[str, Any]] = []
    with _archive_session(ctx) as session:
        metrics = [metric] if metric else [name for name, _ in metric_names(session)]
        for name in metrics:
            counts = series_notice_counts(session, name, scope=scope, source_id=source_id)
            for point in figure_series(session, name, scope=scope, source_id=source_id):
                # The notice whose value the period takes.
                (latest,) = point.newest_notices(1)
                rows.append({
                    "metric": name, "scope": point.scope, "period": point.period,
                    "value": _json_value(point.value), "unit": point.unit,
                    "notice_id": latest.notice_id, "notice": latest.title,
                    "published_at": latest.published_at.isoformat()
                    if latest.published_at else None,
                    "text": latest.text,
                    "reported_by": counts[(point.period, point.scope, point.unit)],
                })
    if as_json:
        click.echo(json.dumps({"figures": rows}, ensure_ascii=False, indent=2))
        return
    if as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["metric"])
        writer.writeheader()
        writer.writerows(rows)
        return
    table = Table("metric", "scope", "period", "value", "unit", "notice")
    for row in rows:
        table.add_row(row["metric"], row["scope"] or "-", row["period"],
                      _shown(Decimal(str(row["value"]))), row["unit"], row["notice"])
    console.print(table if rows else "no figures in the archive yet")


@click.command("platforms")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def platforms_command(ctx: click.Context, as_json: bool) -> None:
    """Each platform named in the archive, with its mentions, actions, first and last seen."""
    from storage.queries import platform_summaries

    registry = load_platforms()
    with _archive_session(ctx) as session:
        summaries = platform_summaries(session)
    rows: list[dict[str, Any]] = []
    for summary in summaries:
        platform = registry.platforms.get(summary.platform_id)
        rows.append({
            "id": summary.platform_id,
            "name": platform.names_zh[0] if platform and platform.names_zh else summary.platform_id,
            "name_en": platform.names_en[0] if platform and platform.names_en else None,
            "kind": platform.kind if platform else None,
            "mentions": summary.mentions,
            "notices": summary.notices,
            "actions": summary.actions,
            "first_seen": summary.first_named.isoformat() if summary.first_named else None,
            "last_seen": summary.last_named.isoformat() if summary.last_named else None,
        })
    if as_json:
        click.echo(json.dumps({"platforms": rows}, ensure_ascii=False, indent=2))
        return
    table = Table("id", "name", "kind", "notices", "actions", "first seen", "last seen")
    for row in rows:
        table.add_row(row["id"], row["name"], row["kind"] or "-",
                      str(row["notices"]),
                      ", ".join(f"{a} ×{n}" for a, n in sorted(row["actions"].items())),
                      (row["first_seen"] or "-")[:10], (row["last_seen"] or "-")[:10])
    console.print(table if rows else "no platforms named in the archive yet")


def _json_value(value: Decimal) -> int | str:
    return int(value) if value == value.to_integral_value() else format(value.normalize(), "f")


def _shown(value: int | Decimal) -> str:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else format(value.normalize(), ",f")


COMMANDS = [extract_command, figures_command, platforms_command]
