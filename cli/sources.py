"""`regwatch sources add|edit|disable|enable|delete|test`: sources kept in the archive, and
trying any source's selectors before trusting it."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from cli.common import (
    EXIT_CONFIG,
    EXIT_NOT_FOUND,
    EXIT_SOURCE_FAILED,
    EXIT_USAGE,
    archive_session,
    command_config,
    command_sources,
    console,
    fail,
)
from cli.crawling import sources

_SELECTOR_HELP = "a selector; repeat the option for fallbacks tried in order"


def definition_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that set a definition's fields (storage.source_definitions.FIELDS)."""
    options = [
        click.option("--from-file", "from_file", type=click.Path(dir_okay=False, path_type=Path),
                     help="A TOML file holding the source's table ([sources.<id>] or bare)."),
        click.option("--name"), click.option("--authority"), click.option("--language"),
        click.option("--timezone"), click.option("--base-url", "base_url"),
        click.option("--interval", help='how often, e.g. "30m", "2h"'),
        click.option("--cron", help='e.g. "0 9 * * *"'),
        click.option("--delay", help="seconds between requests to the host"),
        click.option("--allow-private/--no-allow-private", "allow_private", default=None,
                     help="let the base URL be on loopback or a private network"),
        click.option("--list-kind", "list_kind", type=click.Choice(["html", "json", "feed"])),
        click.option("--list-url", "list_url"),
        click.option("--list-items", "list_items", help="selector of each list entry"),
    ]
    for name in ("list_link", "list_title", "list_date", "article_title", "article_date",
                 "article_body", "article_attachments"):
        options.append(click.option("--" + name.replace("_", "-"), name, multiple=True,
                                    help=_SELECTOR_HELP))
    for option in reversed(options):
        command = option(command)
    return command


def _fields(options: dict[str, Any]) -> dict[str, str | bool | None]:
    fields: dict[str, str | bool | None] = {}
    for name, value in options.items():
        if isinstance(value, tuple):
            fields[name] = "\n".join(value) if value else None
        else:
            fields[name] = value
    return fields


def _file_table(path: Path | None, source_id: str) -> dict[str, Any] | None:
    if path is None:
        return None
    from config.errors import ConfigError
    from config.toml import read_toml

    try:
        document = read_toml(path, path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: {exc}", EXIT_USAGE)
    except ConfigError as exc:
        fail(str(exc), EXIT_CONFIG)
    table = document.get("sources", {}).get(source_id, document)
    if not isinstance(table, dict):
        fail(f"{path}: [sources.{source_id}] must be a table", EXIT_CONFIG)
    return dict(table)


@sources.command("add")
@click.argument("source_id")
@definition_options
@click.pass_obj
def add(obj: dict[str, Any], source_id: str, from_file: Path | None, **options: Any) -> None:
    """Add SOURCE_ID, kept in the archive; refused with the reason when it is not valid."""
    from storage.source_definitions import (
        SourceDefinitionError,
        add_definition,
        definition_from_fields,
    )

    config = command_config(obj["config"])
    with archive_session(obj) as session:
        try:
            table = definition_from_fields(_fields(options), _file_table(from_file, source_id))
            source = add_definition(session, config, source_id, table)
        except SourceDefinitionError as exc:
            fail(f"source {source_id} not added: {exc}", EXIT_CONFIG)
        session.commit()
    console.print(f"added {escape(source.id)}: {escape(source.name)}, "
                  f"{escape(source.schedule_description())}")


@sources.command("edit")
@click.argument("source_id")
@definition_options
@click.pass_obj
def edit(obj: dict[str, Any], source_id: str, from_file: Path | None, **options: Any) -> None:
    """Change fields of SOURCE_ID (one added with `sources add`); --from-file replaces it all."""
    from storage.source_definitions import (
        SourceDefinitionError,
        UnknownDefinitionError,
        definition_from_fields,
        stored_source,
        update_definition,
    )

    with archive_session(obj) as session:
        try:
            base = _file_table(from_file, source_id) or stored_source(session,
                                                                      source_id).definition
            table = definition_from_fields(_fields(options), base)
            source = update_definition(session, source_id, table)
        except UnknownDefinitionError as exc:
            fail(str(exc), EXIT_NOT_FOUND)
        except SourceDefinitionError as exc:
            fail(f"source {source_id} not changed: {exc}", EXIT_CONFIG)
        session.commit()
    console.print(f"changed {escape(source.id)}")


def _switch(obj: dict[str, Any], source_id: str, disabled: bool) -> None:
    from storage.source_definitions import UnknownDefinitionError, set_disabled

    with archive_session(obj) as session:
        try:
            set_disabled(session, source_id, disabled)
        except UnknownDefinitionError as exc:
            fail(str(exc), EXIT_NOT_FOUND)
        session.commit()
    console.print(f"{'disabled' if disabled else 'enabled'} {escape(source_id)}")


@sources.command("disable")
@click.argument("source_id")
@click.pass_obj
def disable(obj: dict[str, Any], source_id: str) -> None:
    """Stop crawling SOURCE_ID (kept, with what it archived)."""
    _switch(obj, source_id, True)


@sources.command("enable")
@click.argument("source_id")
@click.pass_obj
def enable(obj: dict[str, Any], source_id: str) -> None:
    """Crawl SOURCE_ID again."""
    _switch(obj, source_id, False)


@sources.command("delete")
@click.argument("source_id")
@click.pass_obj
def delete(obj: dict[str, Any], source_id: str) -> None:
    """Forget SOURCE_ID's definition; the notices it archived stay."""
    from storage.source_definitions import UnknownDefinitionError, delete_definition

    with archive_session(obj) as session:
        try:
            delete_definition(session, source_id)
        except UnknownDefinitionError as exc:
            fail(str(exc), EXIT_NOT_FOUND)
        session.commit()
    console.print(f"deleted {escape(source_id)}")


@sources.command("test")
@click.argument("source_id")
@click.option("--json", "as_json", is_flag=True, help="What the trial found, as JSON.")
@click.pass_obj
def test(obj: dict[str, Any], source_id: str, as_json: bool) -> None:
    """Fetch SOURCE_ID's list and its first notice, and show what each selector matched and
    what would be archived. Writes nothing. Exits 1 when nothing would be archived."""
    from dataclasses import asdict

    from crawler.sourcetrial import try_source
    from storage.source_definitions import UnknownDefinitionError, stored_source

    config = command_sources(obj)
    source = config.sources.get(source_id)
    if source is None:
        with archive_session(obj) as session:
            try:
                source = stored_source(session, source_id).source
            except UnknownDefinitionError:
                source = None
    if source is None:
        fail(f"unknown source {source_id!r}; known: {', '.join(sorted(config.sources))}",
             EXIT_NOT_FOUND)
    trial = try_source(source)
    if as_json:
        click.echo(json.dumps(asdict(trial), ensure_ascii=False, indent=2))
    else:
        _show_trial(trial)
    if not trial.ok:
        sys.exit(EXIT_SOURCE_FAILED)


def _show_trial(trial: Any) -> None:
    from rich.table import Table

    console.print(f"list {escape(trial.list_url or '-')}: {trial.entry_count} entries")
    for title, matches in (("list selectors", trial.list_selectors),
                           ("notice selectors", trial.notice_selectors)):
        if not matches:
            continue
        table = Table("field", "selector", "matched", "first found", title=title)
        for match in matches:
            table.add_row(escape(match.field), escape(match.selector), str(match.count),
                          escape(match.found[0][:80] if match.found else ""))
        console.print(table)
    notice = trial.notice
    if notice is not None:
        console.print(f"would archive {escape(notice['url'])}")
        console.print(f"  title: {escape(notice['title'])}")
        console.print(f"  published: {notice['published_at'] or '-'}")
        console.print(f"  text: {notice['text_chars']} characters: "
                      f"{escape(notice['text'][:160])}")
    for problem in trial.problems:
        console.print(f"[red]{escape(problem['kind'])}[/] {escape(problem['url'])}: "
                      f"{escape(problem['detail'])}")


COMMANDS: list[click.Command] = []
