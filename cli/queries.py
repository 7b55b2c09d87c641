"""The commands that read the archive: search, show, diff, events, export, figures, platforms,
and web (which serves the same reads over HTTP).

Each reads the archive named by the group's ``--database-url``
and prints rich tables for people or, with ``--json``, one JSON document for scripts.
Archived text is printed as plain text (never as rich markup). Exit codes: 0 done, 2 bad
usage or query, 3 bad configuration, 4 archive unreachable, 5 no such notice or version.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text
from sqlalchemy.orm import Session

from cli.common import (
    EXIT_ARCHIVE,
    EXIT_CONFIG,
    EXIT_NOT_FOUND,
    EXIT_USAGE,
    archive_session,
    check_filter_ids,
    console,
    errors,
    fail,
    metric_name,
    shown_number,
    shown_time,
)
from cli.csv_output import CsvWriter
from cli.terminal import inert, inert_json, plain
from diffing.compare import NAME_PREFIX
from diffing.documents import decimal_text, event_document
from diffing.platforms import load_platforms
from storage.aware_datetime import day_span, day_start
from storage.events import EventFilters, list_events
from storage.export import EXPORT_KINDS, count_export, export_rows
from storage.models import EVENT_KINDS
from storage.search import (
    ORDERS,
    QueryError,
    SearchFilters,
    matching_notice_ids,
    search_notices,
)
from storage.versions import VersionNotFoundError, notice_detail, version_diff

if TYPE_CHECKING:
    from diffing.sidebyside import DiffLine

# Below this many rows an export shows no progress bar: it is over before one would help.
PROGRESS_FROM_ROWS = 2_000

def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return decimal_text(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def _echo_json(document: object) -> None:
    click.echo(inert_json(json.dumps(document, ensure_ascii=False, indent=2,
                                     default=_json_default)))


def _day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{name} must be a date like 2023-01-31, not {value!r}", EXIT_USAGE)


def _source_timezone(obj: dict[str, Any] | None, source_id: str) -> str:
    """The configured time zone of ``source_id``; UTC when the configuration has none."""
    from config import ConfigError, load_config

    try:
        source = load_config((obj or {}).get("config")).sources.get(source_id)
    except (ConfigError, OSError):
        return "UTC"
    return source.timezone if source is not None else "UTC"


def _notice_id(session: Session, ref: str) -> int:
    from storage import archive

    if ref.isdigit():
        return int(ref)
    notice = archive.get_notice(session, ref)
    if notice is None:
        fail(f"no notice {ref} in the archive", EXIT_NOT_FOUND)
    return notice.id


def _marked(text: str, spans: list[tuple[int, int, str]]) -> Text:
    rendered = plain(text)  # inert keeps the length: the spans stay on their characters
    for start, end, style in spans:
        if 0 <= start < end <= len(text):
            rendered.stylize(style, start, end)
    return rendered


# --- search ----------------------------------------------------------------------------------


@click.command()
@click.argument("query", default="")
@click.option("--source", "sources", multiple=True, help="Only this source (repeatable).")
@click.option("--from", "published_from", metavar="DATE", help="Published on or after.")
@click.option("--to", "published_to", metavar="DATE", help="Published on or before.")
@click.option("--platform", help="Naming this platform: a registry id (e.g. douyin), or "
              "'name:' and a name the registry does not know.")
@click.option("--metric", help="Reporting this metric (e.g. websites_summoned).")
@click.option("--language", help="Notice language (zh, en).")
@click.option("--has-figures/--no-figures", default=None, help="With or without figures.")
@click.option("--order", type=click.Choice(ORDERS), default="relevance", show_default=True)
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0)
@click.option("--json", "as_json", is_flag=True, help="One JSON object for scripts.")
@click.pass_obj
def search(
    obj: dict[str, Any] | None,
    query: str,
    sources: tuple[str, ...],
    published_from: str | None,
    published_to: str | None,
    platform: str | None,
    metric: str | None,
    language: str | None,
    has_figures: bool | None,
    order: str,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """Search notices for QUERY: words and "phrases" all must occur; OR between two accepts
    either; -word excludes. Chinese works in Simplified or Traditional (约谈 finds 約談)."""
    filters = SearchFilters(
        source_ids=sources,
        published_from=_day(published_from, "--from"),
        published_to=_day(published_to, "--to"),
        platform_id=platform,
        metric=metric,
        language=language,
        has_figures=has_figures,
    )
    with archive_session(obj) as session:
        check_filter_ids(session, obj, sources=sources, platforms=[platform or ""],
                   metrics=[metric or ""])
        try:
            page = search_notices(
                session, query, filters, limit=limit, offset=offset, order=order  # type: ignore[arg-type]
            )
        except QueryError as exc:
            fail(str(exc), EXIT_USAGE)
    if as_json:
        from web.api import hit_json

        _echo_json(
            {
                "query": page.query,
                "total": page.total,
                "total_capped": page.total_capped,
                "offset": page.offset,
                "limit": page.limit,
                "notices": [hit_json(hit) for hit in page.hits],
            }
        )
        return
    shown = f"{page.total}{'+' if page.total_capped else ''}"
    table = Table(title=f"{shown} notice(s)", show_lines=True)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("published", no_wrap=True)
    table.add_column("source", no_wrap=True)
    table.add_column("title and match")
    for hit in page.hits:
        title = _marked(hit.title, [(s, e, "bold yellow") for s, e in hit.title_marks])
        snippet = _marked(hit.snippet.text, [(s, e, "bold yellow") for s, e in hit.snippet.marks])
        table.add_row(
            str(hit.notice_id),
            hit.published_at.strftime("%Y-%m-%d") if hit.published_at else "-",
            plain(hit.source_id),
            Text.assemble(title, "\n", Text(style="dim") + snippet),
        )
    console.print(table)


# --- show and diff ---------------------------------------------------------------------------


@click.command()
@click.argument("notice")
@click.option("--version", "version_number", type=click.IntRange(1), default=None,
              help="Show this version (default: the latest).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object for scripts.")
@click.pass_obj
def show(obj: dict[str, Any] | None, notice: str, version_number: int | None,
         as_json: bool) -> None:
    """Show NOTICE (an id or its URL): metadata, text with figures and platforms marked."""
    with archive_session(obj) as session:
        notice_id = _notice_id(session, notice)
        try:
            detail = notice_detail(session, notice_id, version_number)
        except VersionNotFoundError as exc:
            fail(str(exc), EXIT_NOT_FOUND)
        if detail is None:
            fail(f"no notice {notice} in the archive", EXIT_NOT_FOUND)
    if as_json:
        from web.api import notice_json

        _echo_json(notice_json(detail))
        return
    version = detail.version
    console.print(plain(version.title, style="bold"))
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="dim")
    meta.add_column()
    meta.add_row("id", str(detail.notice.id))
    meta.add_row("source", plain(f"{detail.source.name} ({detail.notice.source_id})"))
    others = sorted({listing.source_id for listing in detail.listings} - {detail.notice.source_id})
    if others:
        meta.add_row("also listed by", plain(", ".join(others)))
    meta.add_row("url", plain(detail.notice.url))
    if detail.notice.fetched_url:
        meta.add_row("fetched at", plain(detail.notice.fetched_url))
    zone = _source_timezone(obj, detail.notice.source_id)
    meta.add_row("published", shown_time(version.published_at, zone))
    meta.add_row("version", f"{version.number} of {len(detail.versions)}, fetched "
                 f"{shown_time(version.fetched_at, zone)}")
    console.print(meta)
    versions = Table("version", "fetched", "title", title="versions")
    versions.columns[0].no_wrap = True
    versions.columns[2].overflow = "fold"
    for each in detail.versions:
        marker = " ◀" if each.number == version.number else ""
        versions.add_row(f"{each.number}{marker}", shown_time(each.fetched_at, zone),
                         plain(each.title))
    console.print(versions)
    spans = [(figure.start, figure.end, "bold yellow") for figure in detail.figures]
    spans += [(mention.start, mention.end, "bold cyan") for mention in detail.mentions]
    console.print()
    console.print(_marked(version.text, spans))
    if detail.figures:
        # Role and party only when a figure has one: counts have neither, and the two empty
        # columns would squeeze the metric names on an 80-column terminal.
        roles = any(figure.role or figure.party for figure in detail.figures)
        table = Table("metric", "value", *(("role", "party") if roles else ()), "period",
                      "scope", "as written", title="figures")
        for figure in detail.figures:
            role_cells = (plain(figure.role or "-"), plain(figure.party or "-")) if roles else ()
            table.add_row(metric_name(figure.metric),
                          f"{shown_number(figure.value)} {figure.unit}", *role_cells,
                          figure.period or "-", figure.scope or "-", plain(figure.text))
        console.print(table)
    if detail.mentions:
        table = Table("platform", "name", "action", "operator", title="platforms")
        for mention in detail.mentions:
            table.add_row(mention.platform_id or f"({mention.kind})", plain(mention.name),
                          mention.action or "-", plain(mention.operator or "-"))
        console.print(table)


@click.command()
@click.argument("notice")
@click.option("--from", "from_number", type=click.IntRange(1), default=None,
              help="The older version (default: the one before --to).")
@click.option("--to", "to_number", type=click.IntRange(1), default=None,
              help="The newer version (default: the latest).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object for scripts.")
@click.pass_obj
def diff(obj: dict[str, Any] | None, notice: str, from_number: int | None,
         to_number: int | None, as_json: bool) -> None:
    """What changed in NOTICE between two versions: text, figures and platforms."""
    with archive_session(obj) as session:
        notice_id = _notice_id(session, notice)
        try:
            changes = version_diff(session, notice_id, from_number, to_number)
        except VersionNotFoundError as exc:
            fail(str(exc), EXIT_NOT_FOUND)
        if changes is None:
            fail(f"no notice {notice} in the archive", EXIT_NOT_FOUND)
    if as_json:
        from web.api import diff_json

        _echo_json(diff_json(changes))
        return
    console.print(Text(f"notice {notice_id}: version {changes.old.number} → "
                       f"{changes.new.number}", style="bold"))
    if changes.title_changed:
        console.print(Text("title: ") + plain(changes.old.title, style="red") + Text(" → ")
                      + plain(changes.new.title, style="green"))
    if not changes.unified:
        console.print("The texts are the same.")
    else:
        for line in diff_lines(changes.rows, marks=console.color_system is None):
            console.print(line, soft_wrap=True)
    if changes.figure_changes:
        table = Table("change", "metric", "period", "before", "after", title="figures")
        for change in changes.figure_changes:
            table.add_row(
                change.kind, metric_name(change.metric), change.period or "-",
                f"{shown_number(change.old.value)} {change.unit}" if change.old else "-",
                f"{shown_number(change.new.value)} {change.unit}" if change.new else "-",
            )
        console.print(table)
    if changes.platform_changes:
        table = Table("change", "platform", "actions before", "actions after", title="platforms")
        for platform_change in changes.platform_changes:
            table.add_row(platform_change.kind, plain(platform_change.key),
                          ", ".join(platform_change.old_actions) or "-",
                          ", ".join(platform_change.new_actions) or "-")
        console.print(table)


def diff_lines(rows: list[DiffLine], *, marks: bool, context: int = 1) -> Iterator[Text]:
    """The changed lines of a side-by-side diff as terminal lines, each changed character
    marked: in colour (reverse video) on a terminal, and between ``[-…-]`` and ``{+…+}`` when
    ``marks`` (no colour, as in a pipe), so 10646→10746 stands out in a long line. ``context``
    unchanged lines are kept around each change, under an ``@@ line N @@`` heading."""
    changed = [i for i, row in enumerate(rows) if row.tag != "equal"]
    keep = {j for i in changed for j in range(i - context, i + context + 1)}
    previous = -2
    for index, row in enumerate(rows):
        if index not in keep:
            continue
        if index != previous + 1:
            yield Text(f"@@ line {row.new_number or row.old_number} @@", style="bold")
        previous = index
        if row.tag == "equal":
            yield plain(f" {row.new}", style="dim")
            continue
        if row.old is not None:
            yield _marked_line("-", row.old_pieces(), "red", marks, ("[-", "-]"))
        if row.new is not None:
            yield _marked_line("+", row.new_pieces(), "green", marks, ("{+", "+}"))


def _marked_line(sign: str, pieces: list[tuple[str, bool]], colour: str, marks: bool,
                 brackets: tuple[str, str]) -> Text:
    line = Text(sign, style=colour)
    whole = all(changed for _, changed in pieces)
    for raw, changed in pieces:
        text = inert(raw)
        if changed and not whole:
            shown = f"{brackets[0]}{text}{brackets[1]}" if marks else text
            line.append(shown, style=f"bold reverse {colour}")
        else:
            line.append(text, style=colour)
    return line


# --- events ----------------------------------------------------------------------------------


@click.command()
@click.option("--from", "from_day", metavar="DATE", help="Events on or after this day (UTC).")
@click.option("--to", "to_day", metavar="DATE", help="Events on or before this day (UTC).")
@click.option("--since", metavar="DATE", hidden=True, help="Deprecated: --from.")
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help=f"Only this kind (repeatable): {', '.join(EVENT_KINDS)}.")
@click.option("--source", help="Only this source.")
@click.option("--platform", help="Only events naming this platform: a registry id, or "
              "'name:' and a name the registry does not know.")
@click.option("--metric", help="Only events about this metric's figures.")
@click.option("--baseline", is_flag=True,
              help="Include the events of sources' first crawls (their back catalogues).")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object for scripts.")
@click.pass_obj
def events(obj: dict[str, Any] | None, from_day: str | None, to_day: str | None,
           since: str | None, kinds: tuple[str, ...], source: str | None,
           platform: str | None, metric: str | None, baseline: bool, limit: int,
           as_json: bool) -> None:
    """Change events, newest first; a source's first crawl's only with --baseline. An unknown
    kind, source, platform or metric exits 5."""
    start = _day(from_day or since, "--from")
    end = _day(to_day, "--to")
    filters = EventFilters(
        since=day_start(start) if start else None,
        until=day_start(end + timedelta(days=1)) if end and end < date.max else None,
        kinds=kinds,
        source_id=source,
        platform_id=platform,
        metric=metric,
        baseline=baseline,
    )
    with archive_session(obj) as session:
        check_filter_ids(session, obj, kinds=kinds, sources=[source or ""],
                   platforms=[platform or ""], metrics=[metric or ""])
        found = list_events(session, filters, limit=limit)
    if as_json:
        _echo_json({"events": [event_document(event) for event in found]})
        return
    table = Table("when", "kind", "source", "notice", "summary", title=f"{len(found)} event(s)")
    table.columns[0].no_wrap = True
    # A summary is wrapped, never cut: its figures are what the reader came for.
    table.columns[4].overflow = "fold"
    for event in found:
        table.add_row(
            event.created_at.strftime("%Y-%m-%d %H:%M"), event.kind, event.source_id,
            str(event.notice_id or "-"),
            plain(event.summary_en + (f"\n{event.summary_zh}" if event.summary_zh else "")),
        )
    console.print(table)


# --- export ----------------------------------------------------------------------------------

# Excel reads a CSV file as UTF-8 only when it starts with this; other programs skip it.
BYTE_ORDER_MARK = "\ufeff"
BOM_HELP = "Start the CSV with a byte-order mark, so that Excel reads its Chinese as UTF-8."


@click.command()
@click.option("--what", type=click.Choice(EXPORT_KINDS), default="notices",
              show_default=True, help="Which rows to export.")
@click.option("--format", "file_format", type=click.Choice(["csv", "jsonl"]), required=True)
@click.option("--source", "sources", multiple=True, help="Only this source (repeatable).")
@click.option("--from", "published_from", metavar="DATE",
              help="Published (events: created) on or after.")
@click.option("--to", "published_to", metavar="DATE", help="… on or before.")
@click.option("--metric", help="Figures of this metric only.")
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help="Events of this kind only (repeatable).")
@click.option("--query", "text_query", default=None,
              help="Only notices matching this search query (at most 100,000).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write here instead of standard output.")
@click.option("--bom", is_flag=True, help=BOM_HELP)
@click.pass_obj
def export(obj: dict[str, Any] | None, what: str, file_format: str, sources: tuple[str, ...],
           published_from: str | None, published_to: str | None, metric: str | None,
           kinds: tuple[str, ...], text_query: str | None, output: Path | None,
           bom: bool) -> None:
    """Export notices, figures (with their source spans) or events as CSV or JSON lines."""
    start = _day(published_from, "--from")
    end = _day(published_to, "--to")
    since = day_start(start) if start else None
    until = day_start(end + timedelta(days=1)) if end and end < date.max else None
    with archive_session(obj) as session:
        check_filter_ids(session, obj, sources=sources, metrics=[metric or ""], kinds=kinds)
        notice_ids = None
        if text_query:
            try:
                notice_ids = matching_notice_ids(
                    session, text_query, SearchFilters(source_ids=sources)
                )
            except QueryError as exc:
                fail(str(exc), EXIT_USAGE)
        arguments: dict[str, Any] = {
            "notice_ids": notice_ids, "source_ids": sources, "since": since, "until": until,
        }
        if what == "figures":
            arguments["metric"] = metric
        if what == "events":
            arguments["kinds"] = kinds
        total = count_export(session, what, **arguments)
        rows = export_rows(session, what, **arguments)
        stream: IO[str] = (
            output.open("w", encoding="utf-8", newline="") if output else sys.stdout
        )
        try:
            if bom and file_format == "csv":
                stream.write(BYTE_ORDER_MARK)
            written = _write_rows(rows, stream, file_format, total)
        finally:
            if output:
                stream.close()
    errors.print(f"exported {written} {what}" + (f" to {output}" if output else ""))


def _write_rows(rows: Iterator[dict[str, Any]], stream: IO[str], file_format: str,
                total: int) -> int:
    progress = Progress(
        TextColumn("exporting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=errors, transient=True, disable=total < PROGRESS_FROM_ROWS,
    )
    written = 0
    writer: Any = None
    with progress:
        task = progress.add_task("export", total=total)
        for row in rows:
            if file_format == "jsonl":
                stream.write(json.dumps(row, ensure_ascii=False, default=_json_default) + "\n")
            else:
                if writer is None:
                    writer = CsvWriter(stream, fieldnames=list(row))
                    writer.writeheader()
                writer.writerow(row)
            written += 1
            progress.advance(task)
    return written


# --- figures and platforms ------------------------------------------------------------------


@click.command("figures")
@click.option("--metric", default=None, help="A metric id, e.g. websites_summoned.")
@click.option("--source", "source_id", default=None, help="A source id.")
@click.option("--scope", default=None, help="Only figures of this scope (全国网信系统 …).")
@click.option("--from", "published_from", metavar="DATE",
              help="Figures of notices published on or after this day (UTC).")
@click.option("--to", "published_to", metavar="DATE", help="… on or before this day.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--csv", "as_csv", is_flag=True)
@click.option("--bom", is_flag=True, help=BOM_HELP)
@click.pass_obj
def figures_command(obj: dict[str, Any] | None, metric: str | None, source_id: str | None,
                    scope: str | None, published_from: str | None, published_to: str | None,
                    as_json: bool, as_csv: bool, bom: bool) -> None:
    """Print the time series of enforcement figures in the archive, per metric and period;
    with --from and --to, of the notices published in those days (as `export` reads them)."""
    from storage.series import figure_series, metric_names, series_notice_counts

    since, until = day_span(_day(published_from, "--from"), _day(published_to, "--to"))
    published: dict[str, Any] = {"since": since, "until": until}
    rows: list[dict[str, Any]] = []
    with archive_session(obj) as session:
        check_filter_ids(session, obj, metrics=[metric or ""], sources=[source_id or ""])
        metrics = [metric] if metric else [name for name, _ in metric_names(session)]
        for name in metrics:
            counts = series_notice_counts(session, name, scope=scope, source_id=source_id,
                                          **published)
            for point in figure_series(session, name, scope=scope, source_id=source_id,
                                       **published):
                # The notice whose value the period takes.
                (latest,) = point.newest_notices(1)
                rows.append({
                    "metric": name, "scope": point.scope, "period": point.period,
                    "value": decimal_text(point.value), "unit": point.unit,
                    "notice_id": latest.notice_id, "notice": latest.title,
                    "published_at": latest.published_at.isoformat()
                    if latest.published_at else None,
                    "text": latest.text,
                    "reported_by": counts[(point.period, point.scope, point.unit)],
                    "period_kind": point.period_kind, "label": point.label,
                    "revised_from": decimal_text(point.revised_from),
                    "revised_at": point.revised_at.isoformat() if point.revised_at else None,
                })
    if as_json:
        click.echo(inert_json(json.dumps({"figures": rows}, ensure_ascii=False, indent=2)))
        return
    if as_csv:
        if bom:
            sys.stdout.write(BYTE_ORDER_MARK)
        writer = CsvWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["metric"])
        writer.writeheader()
        writer.writerows(rows)
        return
    table = Table("metric", "scope", "period", "value", "unit", "notice")
    for row in rows:
        value = shown_number(Decimal(row["value"]))
        if row["revised_from"] is not None:
            value += f" (revised from {shown_number(Decimal(row['revised_from']))})"
        table.add_row(metric_name(row["metric"]), row["scope"] or "-", row["label"], value,
                      row["unit"], row["notice"])
    console.print(table if rows else "no figures in the archive yet")


@click.command("platforms")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def platforms_command(obj: dict[str, Any] | None, as_json: bool) -> None:
    """Each platform named in the archive, with its mentions, actions, first and last seen."""
    from storage.platforms import platform_summaries

    registry = load_platforms()
    with archive_session(obj) as session:
        summaries = platform_summaries(session)
    rows: list[dict[str, Any]] = []
    for summary in summaries:
        platform = registry.platforms.get(summary.platform_id)
        rows.append({
            "id": summary.platform_id,
            "name": platform.names_zh[0] if platform and platform.names_zh
            else summary.platform_id.removeprefix(NAME_PREFIX),
            "name_en": platform.names_en[0] if platform and platform.names_en else None,
            "kind": platform.kind if platform else None,
            "mentions": summary.mentions,
            "notices": summary.notices,
            "actions": summary.actions,
            "first_seen": summary.first_named.isoformat() if summary.first_named else None,
            "last_seen": summary.last_named.isoformat() if summary.last_named else None,
        })
    if as_json:
        click.echo(inert_json(json.dumps({"platforms": rows}, ensure_ascii=False, indent=2)))
        return
    table = Table("id", "name", "kind", "notices", "actions", "first seen", "last seen")
    for row in rows:
        table.add_row(row["id"], row["name"], row["kind"] or "-",
                      str(row["notices"]),
                      ", ".join(f"{a} ×{n}" for a, n in sorted(row["actions"].items())),
                      (row["first_seen"] or "-")[:10], (row["last_seen"] or "-")[:10])
    console.print(table if rows else "no platforms named in the archive yet")


# --- web -------------------------------------------------------------------------------------


@click.command()
@click.option("--host", default=None, help="Address to listen on (default: [web] host, "
              "else 127.0.0.1). Beyond loopback an API token is required.")
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="Port (default: [web] port, else 8080).")
@click.pass_obj
def web(obj: dict[str, Any] | None, host: str | None, port: int | None) -> None:
    """Serve the HTTP API, the pages and the feeds (without the crawl scheduler)."""
    from config import ConfigError, load_config
    from storage.errors import ArchiveError
    from web.server import PortInUseError, run
    from web.settings import UnsafeBindError

    obj = obj or {}
    try:
        config = load_config(obj.get("config"))
        run(host, port, database_url=obj.get("database_url"), config=config)
    except ConfigError as exc:
        fail(str(exc), EXIT_CONFIG)
    except (UnsafeBindError, PortInUseError) as exc:
        fail(str(exc), EXIT_USAGE)
    except ArchiveError as exc:
        fail(str(exc), EXIT_ARCHIVE)


COMMANDS: list[click.Command] = [
    search, show, diff, events, export, figures_command, platforms_command, web,
]
