"""`regwatch extract`: figures and named platforms from any text or HTML file, offline."""

from __future__ import annotations

import json
import sys
from itertools import islice
from pathlib import Path
from typing import IO, Any

import click
from rich.table import Table
from rich.text import Text

from cli.common import EXIT_NOT_FOUND, EXIT_USAGE, console, fail, metric_name, shown_number
from cli.terminal import inert_json
from crawler.settings import DOWNLOAD_MAXSIZE
from diffing.extract import extract

# The most `extract` reads: what the crawl accepts of one response (README).
MAX_INPUT_BYTES = DOWNLOAD_MAXSIZE


class InputTooLargeError(ValueError):
    """An input larger than MAX_INPUT_BYTES; nothing beyond the limit was read."""


def _too_large(name: str) -> InputTooLargeError:
    return InputTooLargeError(f"{name} is larger than {MAX_INPUT_BYTES // 2**20} MiB, the most "
                              "regwatch reads of one document (a crawl's limit too)")


def _bounded_read(stream: IO[bytes], name: str) -> bytes:
    raw = stream.read(MAX_INPUT_BYTES + 1)
    if len(raw) > MAX_INPUT_BYTES:
        raise _too_large(name)
    return raw


def _read_input(path: str) -> str:
    """A text or HTML file (or stdin) as text: bytes decoded as the crawler decodes pages.

    Raises InputTooLargeError past MAX_INPUT_BYTES, having read at most one byte more (a
    regular file's size is checked before anything is read).
    """
    from crawler.cleaning import html_to_text, looks_like_html
    from crawler.encoding import choose_encoding

    if path == "-":
        raw = _bounded_read(sys.stdin.buffer, "standard input")
    else:
        with Path(path).open("rb") as file:
            if Path(path).is_file() and Path(path).stat().st_size > MAX_INPUT_BYTES:
                raise _too_large(path)
            raw = _bounded_read(file, path)
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

    Works offline, on any file up to 32 MiB (exit 2 beyond); nothing is archived.
    """
    try:
        text = _read_input(file)
    except FileNotFoundError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}", EXIT_NOT_FOUND)
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}", EXIT_USAGE)
    except InputTooLargeError as exc:
        fail(str(exc), EXIT_USAGE)
    found = extract(text, published=published.date() if published else None, language=language)
    if as_json:
        # In pieces: a long input's figures would otherwise be held twice more, as one string.
        out = sys.stdout
        encoder = json.JSONEncoder(ensure_ascii=False, indent=2)
        pieces = encoder.iterencode(found.to_json())
        while chunk := "".join(islice(pieces, 65536)):
            out.write(inert_json(chunk))
        out.write("\n")
        return
    console.print(f"language: {found.language}")
    figures = Table("metric", "value", "unit", "period", "scope", "text", title="Figures")
    for figure in found.figures:
        figures.add_row(metric_name(figure.metric) if figure.metric
                        else Text("unclassified", style="dim"),
                        shown_number(figure.value),
                        figure.unit, figure.period or "-", figure.scope or "-", figure.text)
    console.print(figures)
    platforms = Table("id", "name", "kind", "action", "amount", title="Named platforms")
    for mention in found.platforms:
        amount = f"{mention.amount.currency} {shown_number(mention.amount.value)}" if mention.amount else ""
        platforms.add_row(mention.id or Text("unknown", style="dim"), mention.name, mention.kind,
                          mention.action or "-", amount)
    console.print(platforms)


COMMANDS: list[click.Command] = [extract_command]
