"""The configuration in force: which file, and the whole of it read into a :class:`Config`.

Sources are checked here; the other sections (``[[alerts]]``, ``[web]``, ``[service]``) are
left in :attr:`Config.raw` for the parts of regwatch that own them to read and check.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from config.errors import ConfigError
from config.numbers import check_numbers
from config.sources import Source, apply_builtin_hosts, build_source, builtin_tables
from config.toml import Located, read_toml, top_level_line

CONFIG_ENV = "REGWATCH_CONFIG"
DEFAULT_CONFIG = "regwatch.toml"

# The top-level tables of regwatch.toml and who reads them: [sources] here; [[alerts]] in
# alerts/rules.py, [[expectations]] in alerts/expectations.py, [health] and the alert keys of
# [service] in alerts/settings.py; [service] in scheduler.py; [web] in web/settings.py;
# [cluster] in config/cluster.py.
# Anything else is a typo that would otherwise be ignored.
TOP_LEVEL_TABLES = ("sources", "alerts", "expectations", "health", "service", "web", "cluster")
# Keys that say when a source runs: a user's table that sets one replaces the other.
_SCHEDULE_KEYS = ("interval", "cron")


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@dataclass(frozen=True)
class Config:
    """The whole configuration: sources plus the other sections later parts read."""

    sources: Mapping[str, Source]
    path: Path | None
    raw: Mapping[str, Any]
    text: str = ""

    def line_of(self, table: str, key: str | None = None) -> int | None:
        """The line of ``key`` in ``[table]`` of the file (or of the header), best effort."""
        return Located(str(self.path), self.text).line_of(table, key) if self.text else None

    def source(self, source_id: str) -> Source:
        try:
            return self.sources[source_id]
        except KeyError:
            known = ", ".join(sorted(self.sources)) or "none"
            raise KeyError(f"no source {source_id!r}; known sources: {known}") from None


def config_path(explicit: str | Path | None = None) -> Path | None:
    """The configuration file in force: explicit, then REGWATCH_CONFIG, then ./regwatch.toml."""
    if explicit:
        return Path(explicit)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    default = Path.cwd() / DEFAULT_CONFIG
    return default if default.exists() else None


def load_config(path: str | Path | None = None) -> Config:
    """Built-in sources merged with the user's configuration file.

    Raises :class:`ConfigError` naming the file and line of the first problem; a path named
    explicitly or by REGWATCH_CONFIG that does not exist is an error too.
    """
    tables: dict[str, tuple[Located, dict[str, Any]]] = {}
    origins: dict[str, str] = {}
    builtins: dict[str, Source] = {}
    for source_id, where, table in builtin_tables():
        tables[source_id] = (where, table)
        origins[source_id] = "built-in"
        builtins[source_id] = build_source(source_id, table, where, "built-in")

    resolved = config_path(path)
    raw: dict[str, Any] = {}
    text = ""
    if resolved is not None:
        try:
            text = resolved.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(str(resolved), None, "configuration file not found") from None
        except UnicodeDecodeError as exc:
            raise ConfigError(str(resolved), None, f"not UTF-8 text: {exc}") from None
        where = Located(str(resolved), text)
        raw = read_toml(resolved, text)
        check_numbers(raw, where)
        unknown = sorted(set(raw) - set(TOP_LEVEL_TABLES))
        if unknown:
            raise ConfigError(
                str(resolved), top_level_line(text, unknown[0]),
                f"unknown table or key {unknown[0]!r}; a configuration holds "
                + ", ".join(f"[{name}]" for name in TOP_LEVEL_TABLES),
            )
        user_sources = raw.get("sources", {})
        if not isinstance(user_sources, dict):
            raise ConfigError(str(resolved), where.line_of("sources"), "[sources] must be a table")
        for source_id, table in user_sources.items():
            if not isinstance(table, dict):
                raise ConfigError(
                    str(resolved),
                    where.line_of("sources", source_id),
                    f"sources.{source_id} must be a table such as [sources.{source_id}]",
                )
            if source_id in tables:
                base = dict(tables[source_id][1])
                if any(key in table for key in _SCHEDULE_KEYS):
                    for key in _SCHEDULE_KEYS:
                        base.pop(key, None)
                tables[source_id] = (where, _merge(base, table))
                origins[source_id] = "overridden"
            else:
                tables[source_id] = (where, table)
                origins[source_id] = "config"

    sources: dict[str, Source] = {}
    for source_id, (where, table) in tables.items():
        source = build_source(source_id, table, where, origins[source_id])
        if source_id in builtins:
            source = apply_builtin_hosts(source, builtins[source_id])
        if not table.get("disabled", False):
            sources[source_id] = source
    return Config(sources=sources, path=resolved, raw=raw, text=text)

