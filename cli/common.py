"""What every `regwatch` command shares: exit codes, the one way to fail, config and archive.

The exit codes are README's; :func:`fail` is how any command fails; :func:`command_config` and
:func:`command_archive` open the configuration and the archive the way every command does, and
``console`` and ``errors`` are where output and messages go.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import IO, Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from rich.text import Text
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cli.terminal import console, errors, plain
from config import Config, ConfigError, load_config

__all__ = [
    "EXIT_ALREADY_SERVING", "EXIT_ARCHIVE", "EXIT_CONFIG", "EXIT_NOT_FOUND", "EXIT_OK",
    "EXIT_SOURCE_FAILED", "EXIT_USAGE", "CommandError", "archive_session", "check_filter_ids",
    "command_archive",
    "command_config", "configure_logging", "console", "errors", "fail", "shown_number",
]

# Exit codes scripts can rely on (README).
EXIT_OK = 0
EXIT_SOURCE_FAILED = 1
EXIT_USAGE = 2
EXIT_CONFIG = 3
EXIT_ARCHIVE = 4
EXIT_NOT_FOUND = 5
EXIT_ALREADY_SERVING = 6


class CommandError(click.ClickException):
    """A command that cannot do what it was asked: the message for people, the exit code for
    scripts. Click prints it (``error: <message>`` on standard error) and exits with ``code``."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code

    @property
    def exit_code(self) -> int:  # type: ignore[override]  # click exits with it; read only
        return self.code

    def show(self, file: IO[Any] | None = None) -> None:
        # Archived text, values and file names in the message are neither markup nor controls.
        errors.print(Text("error: ", style="bold red") + plain(self.message))


def fail(message: str, code: int) -> NoReturn:
    """End the command with ``message`` on standard error and exit status ``code``."""
    raise CommandError(message, code)


def command_config(path: str | None) -> Config:
    """The configuration, alert rules included; a problem fails with exit 3 naming the file
    and line."""
    from alerts.service import check_config

    try:
        config = load_config(path)
        check_config(config)
    except ConfigError as exc:
        fail(str(exc), EXIT_CONFIG)
    return config


def command_sources(obj: dict[str, Any]) -> Config:
    """`command_config` with the sources kept in the archive added (`regwatch sources add`)."""
    from storage.source_definitions import with_archive_sources

    config = command_config(obj["config"])
    with archive_session(obj) as session:
        return with_archive_sources(config, session)


def command_archive(database_url: str | None) -> Engine:
    """The archive, migrated to the current schema; one that cannot be opened fails with
    exit 4."""
    from storage.db import open_archive
    from storage.errors import ArchiveError

    try:
        return open_archive(database_url)
    except ArchiveError as exc:
        fail(str(exc), EXIT_ARCHIVE)


@contextmanager
def archive_session(obj: dict[str, Any] | None) -> Iterator[Session]:
    """A session on the archive the command's ``--database-url`` names, closed afterwards."""
    from storage.db import session_factory

    engine = command_archive((obj or {}).get("database_url"))
    try:
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def check_filter_ids(session: Session, obj: dict[str, Any] | None, **ids: Any) -> None:
    """Fail with exit 5, naming the known ids, when a filter names an unknown one (a source
    may be one configured and not crawled yet)."""
    from storage.vocabulary import UnknownIdError, check_ids

    try:
        check_ids(session, configured_sources=_configured_sources(obj), **ids)
    except UnknownIdError as exc:
        fail(str(exc), EXIT_NOT_FOUND)


def _configured_sources(obj: dict[str, Any] | None) -> list[str]:
    """The configured source ids; none when the configuration cannot be read, which the
    commands reading the archive do not need otherwise."""
    try:
        return list(load_config((obj or {}).get("config")).sources)
    except (ConfigError, OSError):
        return []


def shown_number(value: int | Decimal) -> str:
    """A number for people: thousands separated, a whole Decimal without its point."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else format(value.normalize(), ",f")


def shown_time(value: datetime | None, timezone: str = "UTC", between: str = " ") -> str:
    """UTC, and the same moment in ``timezone`` (a source's) beside it when that is another:
    "2024-01-31 02:05 UTC (10:05 Asia/Shanghai)", the date repeated when it differs."""
    if value is None:
        return "-"
    utc = value.astimezone(UTC)
    shown = utc.strftime("%Y-%m-%d %H:%M UTC")
    if timezone.upper() in ("UTC", "ETC/UTC"):
        return shown
    try:
        local = utc.astimezone(ZoneInfo(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        return shown
    when = local.strftime("%H:%M" if local.date() == utc.date() else "%Y-%m-%d %H:%M")
    return f"{shown}{between}({when} {timezone})"


def metric_name(metric: str | None, language: str = "en") -> str:
    """A metric's name for people (the catalogue's ``name_en``, ``name_zh`` for "zh")."""
    from diffing.figures import load_metrics

    return load_metrics().name(metric, language)


def configure_logging() -> None:
    """Log to standard error at REGWATCH_LOG_LEVEL (INFO), as the long-running commands do."""
    name = os.environ.get("REGWATCH_LOG_LEVEL", "INFO").upper()
    level = logging.getLevelNamesMapping().get(name, logging.INFO)
    logging.basicConfig(
        level=level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # APScheduler's own per-job chatter repeats what the service logs.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, level))
    logging.getLogger("alembic").setLevel(max(logging.WARNING, level))
    # pika (RabbitMQ's client, a worker's) tells every step of every connection at INFO.
    logging.getLogger("pika").setLevel(max(logging.WARNING, level))
