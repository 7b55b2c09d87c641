"""Sources kept in the archive: added, edited, disabled and deleted without editing a file.

A definition is the table a user would write under ``[sources.<id>]``, checked by
``config.sources.build_source`` before it is stored, so a bad selector or URL is refused with
the reason. The configuration file is still read: the sources in force are the file's (and the
built-in ones) plus the archive's enabled definitions (`with_archive_sources`). An archive
definition never takes the id of a built-in or configured source.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Config, ConfigError, Source, builtin_tables
from config.sources import build_source
from config.toml import Located
from storage.models import SourceDefinition

logger = logging.getLogger(__name__)

ARCHIVE_ORIGIN = "archive"


class SourceDefinitionError(ValueError):
    """A definition that cannot be stored or changed; the message says why, for people."""


class UnknownDefinitionError(SourceDefinitionError, LookupError):
    """The archive holds no definition with this id."""


@dataclass(frozen=True)
class StoredSource:
    """One archive definition with the source it builds (None when it no longer builds)."""

    id: str
    definition: dict[str, Any]
    disabled: bool
    created_at: datetime
    updated_at: datetime
    source: Source | None
    problem: str | None


def check_definition(source_id: str, table: Mapping[str, Any]) -> Source:
    """The `Source` ``table`` defines, or `SourceDefinitionError` saying what is wrong."""
    try:
        json.dumps(table)
    except (TypeError, ValueError):
        raise SourceDefinitionError(
            "a source definition holds only text, numbers, true/false, lists and tables"
        ) from None
    try:
        return build_source(source_id, table, Located(f"source {source_id}", ""), ARCHIVE_ORIGIN)
    except ConfigError as exc:
        raise SourceDefinitionError(exc.message) from None


def configured_ids(config: Config) -> frozenset[str]:
    """Ids the built-in sources and the configuration file use, disabled ones included."""
    builtin = {source_id for source_id, _, _ in builtin_tables()}
    raw = config.raw.get("sources", {})
    return frozenset(builtin | set(config.sources) | set(raw if isinstance(raw, Mapping) else ()))


def stored_sources(session: Session) -> list[StoredSource]:
    """Every archive definition, by id, with the source it builds or why it does not."""
    listed = []
    for row in session.scalars(select(SourceDefinition).order_by(SourceDefinition.id)):
        source: Source | None = None
        problem: str | None = None
        try:
            source = check_definition(row.id, row.definition)
        except SourceDefinitionError as exc:
            problem = str(exc)
        listed.append(StoredSource(row.id, dict(row.definition), row.disabled, row.created_at,
                                   row.updated_at, source, problem))
    return listed


def stored_source(session: Session, source_id: str) -> StoredSource:
    """The archive definition ``source_id``; `UnknownDefinitionError` when there is none."""
    for stored in stored_sources(session):
        if stored.id == source_id:
            return stored
    raise UnknownDefinitionError(_unknown(source_id))


def with_archive_sources(config: Config, session: Session) -> Config:
    """``config`` with the archive's enabled definitions added to its sources.

    A definition that no longer builds (a later version checks more) is left out and logged;
    the sources pages show it with its reason.
    """
    sources = dict(config.sources)
    taken = configured_ids(config)
    for stored in stored_sources(session):
        if stored.disabled or stored.id in taken:
            continue
        if stored.source is None:
            logger.warning("source %s in the archive is not used: %s", stored.id, stored.problem)
            continue
        sources[stored.id] = stored.source
    return replace(config, sources=sources)


def add_definition(
    session: Session, config: Config, source_id: str, table: Mapping[str, Any]
) -> Source:
    """Store a new definition (checked first); the caller commits.

    Raises `SourceDefinitionError` for a bad definition or an id already in use.
    """
    if source_id in configured_ids(config):
        raise SourceDefinitionError(
            f"{source_id!r} is a built-in or configured source; it is changed in the "
            "configuration file, not here"
        )
    if session.get(SourceDefinition, source_id) is not None:
        raise SourceDefinitionError(f"a source {source_id!r} already exists")
    source = check_definition(source_id, table)
    now = datetime.now(UTC)
    session.add(SourceDefinition(id=source_id, definition=_plain(table), disabled=False,
                                 created_at=now, updated_at=now))
    session.flush()
    return source


def update_definition(session: Session, source_id: str, table: Mapping[str, Any]) -> Source:
    """Replace a stored definition (checked first); the caller commits."""
    row = _row(session, source_id)
    source = check_definition(source_id, table)
    row.definition = _plain(table)
    row.updated_at = datetime.now(UTC)
    session.flush()
    return source


def set_disabled(session: Session, source_id: str, disabled: bool) -> None:
    """Disable (no crawls, not listed among the sources in force) or enable a definition."""
    row = _row(session, source_id)
    row.disabled = disabled
    row.updated_at = datetime.now(UTC)
    session.flush()


def delete_definition(session: Session, source_id: str) -> None:
    """Forget a definition. What its crawls archived stays, as for a source removed from the
    configuration file."""
    session.delete(_row(session, source_id))
    session.flush()


def _row(session: Session, source_id: str) -> SourceDefinition:
    row = session.get(SourceDefinition, source_id)
    if row is None:
        raise UnknownDefinitionError(_unknown(source_id))
    return row


def _unknown(source_id: str) -> str:
    return (f"no source {source_id!r} is kept in the archive (built-in and configured sources "
            "are changed in the configuration file)")


def _plain(table: Mapping[str, Any]) -> dict[str, Any]:
    stored: dict[str, Any] = json.loads(json.dumps(table))
    stored.pop("disabled", None)
    return stored


def with_archive_sources_at(config: Config, database_url: str) -> Config:
    """`with_archive_sources` reading the archive at ``database_url`` (already migrated)."""
    from storage.db import create_read_only_engine

    engine = create_read_only_engine(database_url)
    try:
        with Session(engine) as session:
            return with_archive_sources(config, session)
    finally:
        engine.dispose()


# The fields a form or a command's options set, each a key of the definition's table (dotted
# into its list and article tables). Selector fields hold one selector a line.
FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "authority": ("authority",),
    "language": ("language",),
    "timezone": ("timezone",),
    "base_url": ("base_url",),
    "interval": ("interval",),
    "cron": ("cron",),
    "delay": ("delay",),
    "allow_private": ("allow_private",),
    "list_kind": ("list", "kind"),
    "list_url": ("list", "url"),
    "list_items": ("list", "items"),
    "list_link": ("list", "link"),
    "list_title": ("list", "title"),
    "list_date": ("list", "date"),
    "article_title": ("article", "title"),
    "article_date": ("article", "date"),
    "article_body": ("article", "body"),
    "article_attachments": ("article", "attachments"),
}
_SELECTOR_FIELDS = frozenset({"list_link", "list_title", "list_date", "article_title",
                              "article_date", "article_body", "article_attachments"})


def definition_from_fields(
    fields: Mapping[str, str | bool | None], base: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """``base`` (a definition) with the named `FIELDS` set; a field given as "" is removed,
    one not given at all is left as it was. Raises `SourceDefinitionError` for a delay that is
    not a number."""
    table: dict[str, Any] = json.loads(json.dumps(base or {}))
    for name, value in fields.items():
        if name not in FIELDS or value is None:
            continue
        *parents, key = FIELDS[name]
        holder = table
        for parent in parents:
            holder = holder.setdefault(parent, {})
        if isinstance(value, str):
            value = value.strip()
        if value in ("", False):
            holder.pop(key, None)
        elif name == "allow_private":
            holder[key] = True
        elif name == "delay":
            try:
                holder[key] = float(str(value))
            except ValueError:
                raise SourceDefinitionError(f"delay must be a number of seconds, not {value!r}"
                                            ) from None
        elif name in _SELECTOR_FIELDS:
            lines = [line.strip() for line in str(value).splitlines() if line.strip()]
            holder[key] = lines if len(lines) > 1 else lines[0]
        else:
            holder[key] = value
    for parent in ("list", "article"):
        if parent in table and not table[parent] and parent == "article":
            del table[parent]
    return table


def fields_of(definition: Mapping[str, Any]) -> dict[str, str]:
    """The `FIELDS` of a definition as a form shows them (selectors one a line)."""
    shown: dict[str, str] = {}
    for name, path in FIELDS.items():
        value: Any = definition
        for key in path:
            value = value.get(key) if isinstance(value, Mapping) else None
        if value is None:
            shown[name] = ""
        elif isinstance(value, bool):
            shown[name] = "on" if value else ""
        elif isinstance(value, list):
            shown[name] = "\n".join(str(item) for item in value)
        else:
            shown[name] = str(value)
    return shown
