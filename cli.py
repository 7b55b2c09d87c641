"""The `regwatch` command: crawl sources, inspect the archive, run extraction, show the demo."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from config import Config, ConfigError, load_config

console = Console()
errors = Console(stderr=True)

# Exit codes scripts can rely on.
EXIT_OK = 0
EXIT_SOURCE_FAILED = 1
EXIT_USAGE = 2
EXIT_CONFIG = 3
EXIT_ARCHIVE = 4
EXIT_NOT_FOUND = 5


def fail(message: str, code: int) -> None:
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    sys.exit(code)


def config_or_exit(path: str | None) -> Config:
    """The configuration, alert rules included, or exit 3 naming the file and line."""
    from alerts.service import check_config

    try:
        config = load_config(path)
        check_config(config)
        return config
    except ConfigError as exc:
        fail(str(exc), EXIT_CONFIG)
        raise  # unreachable


@click.group()
@click.option("--config", "config_path", envvar="REGWATCH_CONFIG", default=None,
              help="Configuration file (default: ./regwatch.toml).")
@click.option("--database-url", envvar="REGWATCH_DATABASE_URL", default=None,
              help="Archive URL (default: sqlite:///regwatch.db in the working directory).")
@click.version_option(package_name="regwatch")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, database_url: str | None) -> None:
    """regwatch: watch what regulators publish."""
    ctx.obj = {"config": config_path, "database_url": database_url}


# --- sources and crawling ----------------------------------------------------------------


@main.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object for scripts.")
@click.pass_obj
def sources(obj: dict[str, Any], as_json: bool) -> None:
    """List the configured sources with their schedule, last run and health."""
    config = config_or_exit(obj["config"])
    health = _health(obj["database_url"])
    rows: list[dict[str, Any]] = []
    for source in sorted(config.sources.values(), key=lambda s: s.id):
        h = health.get(source.id)
        rows.append({
            "id": source.id,
            "name": source.name,
            "kind": source.list.kind,
            "base_url": source.base_url,
            "schedule": source.schedule_description(),
            "origin": source.origin,
            "last_run": h.last_run_started.isoformat() if h and h.last_run_started else None,
            "last_status": h.last_status if h else None,
            "consecutive_failures": h.consecutive_failures if h else 0,
            "last_problem": (
                {"kind": h.last_problem.kind, "url": h.last_problem.url,
                 "detail": h.last_problem.detail, "at": h.last_problem.at.isoformat()}
                if h and h.last_problem else None
            ),
        })
    if as_json:
        click.echo(json.dumps({"sources": rows}, ensure_ascii=False, indent=2))
        return
    table = Table("source", "name", "kind", "schedule", "last run", "health")
    table.columns[0].no_wrap = True
    for row in rows:
        status = row["last_status"] or "never run"
        colour = {"ok": "green", "failed": "red", "unhealthy": "yellow"}.get(status, "dim")
        health_text = f"[{colour}]{status}[/]"
        if row["consecutive_failures"]:
            health_text += f" ({row['consecutive_failures']} in a row)"
        if row["last_problem"] and status != "ok":
            health_text += f"\n{row['last_problem']['kind']}: {row['last_problem']['detail'][:60]}"
        table.add_row(row["id"], row["name"], row["kind"], row["schedule"],
                      (row["last_run"] or "-")[:16].replace("T", " "), health_text)
    console.print(table)


def _health(database_url: str | None) -> dict[str, Any]:
    from storage import archive
    from storage.db import open_archive, session_factory
    from storage.errors import ArchiveError

    try:
        engine = open_archive(database_url)
    except ArchiveError as exc:
        fail(str(exc), EXIT_ARCHIVE)
    with session_factory(engine)() as session:
        return archive.source_health(session)


@main.command()
@click.argument("source_ids", nargs=-1)
@click.option("--base-url", default=None,
              help="Crawl a mirror or local copy at this URL instead of the real site.")
@click.option("--refetch", is_flag=True,
              help="Re-check every known notice page (with conditional requests).")
@click.option("--json", "as_json", is_flag=True, help="Per source: new, changed, unchanged, failed.")
@click.pass_obj
def crawl(obj: dict[str, Any], source_ids: Sequence[str], base_url: str | None, refetch: bool,
          as_json: bool) -> None:
    """Crawl SOURCE_IDS now (all sources when none is named).

    Exits 1 when any source failed or was unhealthy (a bot wall, selectors that match nothing,
    a site that is down), 3 for a bad configuration, 4 when the archive cannot be opened.
    """
    from crawler.runner import CrawlError, crawl_sources

    config = config_or_exit(obj["config"])
    chosen = list(source_ids) or sorted(config.sources)
    unknown = [s for s in chosen if s not in config.sources]
    if unknown:
        fail(f"unknown source {unknown[0]!r}; known: {', '.join(sorted(config.sources))}",
             EXIT_USAGE)
    try:
        results = crawl_sources(config, chosen, database_url=obj["database_url"],
                                base_url=base_url, refetch=refetch, quiet=as_json)
    except CrawlError as exc:
        fail(str(exc), EXIT_ARCHIVE)
        return
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        table = Table("source", "status", "new", "changed", "unchanged", "failed", "requests")
        for source_id, r in results.items():
            colour = {"ok": "green", "failed": "red", "unhealthy": "yellow"}.get(r["status"], "")
            table.add_row(source_id, f"[{colour}]{r['status']}[/]", str(r["new"]),
                          str(r["changed"]), str(r["unchanged"]), str(r["failed"]),
                          str(r["requests"]))
        console.print(table)
        for source_id, r in results.items():
            for problem in r["problems"][:5]:
                errors.print(f"  {source_id}: {problem['kind']} at {problem['url']}: "
                             f"{problem['detail']}", highlight=False)
    if any(r["status"] != "ok" for r in results.values()):
        sys.exit(EXIT_SOURCE_FAILED)


@main.command()
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep the demo's archive and site copy in this folder.")
def demo(keep: Path | None) -> None:
    """Crawl a bundled local copy of a regulator site, change it, crawl again: no internet needed."""
    from crawler.demo import run_demo

    sys.exit(run_demo(keep, console))


# Each part of regwatch brings its own commands.
from alerts.commands import COMMANDS as ALERT_COMMANDS
from diffing.commands import COMMANDS as EXTRACTION_COMMANDS
from web.commands import COMMANDS as QUERY_COMMANDS

for command in (*EXTRACTION_COMMANDS, *QUERY_COMMANDS, *ALERT_COMMANDS):
    main.add_command(command)

from scheduler import serve_command, status_command

main.add_command(serve_command)
main.add_command(status_command)

if __name__ == "__main__":
    main()
