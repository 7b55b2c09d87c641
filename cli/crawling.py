"""Commands about sources and crawling: `regwatch sources`, `crawl` and `demo`."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cli.common import (
    EXIT_ARCHIVE,
    EXIT_NOT_FOUND,
    EXIT_SOURCE_FAILED,
    archive_session,
    command_sources,
    console,
    errors,
    fail,
    shown_time,
)
from cli.terminal import inert_json, plain


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object for scripts.")
@click.pass_context
def sources(ctx: click.Context, as_json: bool) -> None:
    """List the sources with their schedule, last run and health; add, edit, try them.

    Sources added here are kept in the archive, beside the configuration file's.
    """
    if ctx.invoked_subcommand is not None:
        return
    obj: dict[str, Any] = ctx.obj
    config = command_sources(obj)
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
        click.echo(inert_json(json.dumps({"sources": rows}, ensure_ascii=False, indent=2)))
        return
    table = Table("source", "name", "kind", "schedule", "last run", "health")
    table.columns[0].no_wrap = True
    for row in rows:
        status = row["last_status"] or "never run"
        colour = {"ok": "green", "failed": "red", "unhealthy": "yellow"}.get(status, "dim")
        health_text = Text(status, style=colour)
        if row["consecutive_failures"]:
            health_text += f" ({row['consecutive_failures']} in a row)"
        if row["last_problem"] and status != "ok":
            health_text += plain(
                f"\n{row['last_problem']['kind']}: {row['last_problem']['detail'][:60]}")
        source = config.sources[row["id"]]
        started = health.get(row["id"])
        table.add_row(row["id"], row["name"], row["kind"], row["schedule"],
                      shown_time(started.last_run_started if started else None,
                                 source.timezone, "\n"), health_text)
    console.print(table)


def _health(database_url: str | None) -> dict[str, Any]:
    from storage import archive

    with archive_session({"database_url": database_url}) as session:
        return archive.source_health(session)


@click.command()
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

    While it runs, standard error shows per source the pages fetched, the notices new and
    changed, and the delay between requests (live on a terminal, plain lines otherwise).

    Exits 1 when any source failed or was unhealthy (a bot wall, selectors that match nothing,
    a site that is down), 3 for a bad configuration, 4 when the archive cannot be opened, 5
    for a source that is not configured.
    """
    from crawler.runner import CrawlError, crawl_sources

    config = command_sources(obj)
    chosen = list(source_ids) or sorted(config.sources)
    unknown = [s for s in chosen if s not in config.sources]
    if unknown:
        fail(f"unknown source {unknown[0]!r}; known sources: "
             f"{', '.join(sorted(config.sources))}", EXIT_NOT_FOUND)
    from cli.progress import CrawlProgress, robots_errors_in_one_line

    robots_errors_in_one_line()

    # On standard error: live on a terminal, plain lines in a log; --json output stays clean.
    progress = CrawlProgress(errors)
    try:
        results = crawl_sources(config, chosen, database_url=obj["database_url"],
                                base_url=base_url, refetch=refetch, watch=progress.watch)
    except CrawlError as exc:
        fail(str(exc), EXIT_ARCHIVE)
    finally:
        progress.stop()
    if as_json:
        click.echo(inert_json(json.dumps(results, ensure_ascii=False, indent=2)))
    else:
        table = Table("source", "status", "new", "changed", "unchanged", "failed", "requests")
        for source_id, r in results.items():
            colour = {"ok": "green", "failed": "red", "unhealthy": "yellow"}.get(r["status"], "")
            table.add_row(source_id, Text(r["status"], style=colour), str(r["new"]),
                          str(r["changed"]), str(r["unchanged"]), str(r["failed"]),
                          str(r["requests"]))
        console.print(table)
        for source_id, r in results.items():
            for problem in r["problems"][:5]:
                errors.print(f"  {source_id}: {problem['kind']} at {problem['url']}: "
                             f"{problem['detail']}")
    if any(r["status"] != "ok" for r in results.values()):
        sys.exit(EXIT_SOURCE_FAILED)


@click.command()
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep the archive (DIR/demo.db), the site copy and the demo's config in DIR "
              "(default: the archive only, in ./regwatch-demo.db, replaced on each run).")
def demo(keep: Path | None) -> None:
    """Crawl a bundled local copy of a regulator site, change it, crawl again: no internet needed.

    Ends by saying how to open the archive in the browser (`regwatch web`)."""
    from crawler.demo import run_demo

    # The demo styles its own lines with markup; it prints only its bundled copy's text.
    sys.exit(run_demo(keep, Console(highlight=False)))


COMMANDS: list[click.Command] = [sources, crawl, demo]
