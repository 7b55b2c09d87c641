"""`regwatch extract`: figures and named platforms from any text or HTML file, offline."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from cli.common import EXIT_NOT_FOUND, EXIT_USAGE, console, fail, metric_name, shown_number
from diffing.extract import extract


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
    except FileNotFoundError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}", EXIT_NOT_FOUND)
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}", EXIT_USAGE)
    found = extract(text, published=published.date() if published else None, language=language)
    if as_json:
        click.echo(json.dumps(found.to_json(), ensure_ascii=False, indent=2))
        return
    console.print(f"language: {found.language}")
    figures = Table("metric", "value", "unit", "period", "scope", "text", title="Figures")
    for figure in found.figures:
        figures.add_row(metric_name(figure.metric), shown_number(figure.value),
                        figure.unit, figure.period or "-", figure.scope or "-", figure.text)
    console.print(figures)
    platforms = Table("id", "name", "kind", "action", "amount", title="Named platforms")
    for mention in found.platforms:
        amount = f"{mention.amount.currency} {shown_number(mention.amount.value)}" if mention.amount else ""
        platforms.add_row(mention.id or "[dim]unknown[/]", mention.name, mention.kind,
                          mention.action or "-", amount)
    console.print(platforms)


COMMANDS: list[click.Command] = [extract_command]
