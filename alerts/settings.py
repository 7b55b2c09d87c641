"""The alert and health settings of regwatch.toml: keys of ``[service]`` and ``[health.<id>]``.

```toml
[service]
unhealthy_after = 3          # failed or unhealthy crawls in a row before source_unhealthy
withdrawn_after = 3          # successful crawls without a listed notice before notice_withdrawn
delivery_failing_after = 3   # failed sends in a row before a channel is "delivery_failing"
deliver_every = "1m"         # how often `regwatch serve` looks for alerts that are due

[health.miit-gzdt]           # per source: overrides the two source counts
unhealthy_after = 5
```

``[service]`` belongs to the scheduler; it accepts :data:`SERVICE_KEYS` as keys alerts read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from config import Config, ConfigError, parse_duration

SERVICE_KEYS = ("unhealthy_after", "withdrawn_after", "delivery_failing_after", "deliver_every")
_COUNTS = ("unhealthy_after", "withdrawn_after", "delivery_failing_after")
_PER_SOURCE = ("unhealthy_after", "withdrawn_after")


@dataclass(frozen=True)
class AlertSettings:
    """Thresholds for health events and delivery warnings (see the module's example)."""

    unhealthy_after: int = 3
    withdrawn_after: int = 3
    delivery_failing_after: int = 3
    deliver_every: float = 60.0
    per_source: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def unhealthy_after_for(self, source_id: str) -> int:
        return self.per_source.get(source_id, {}).get("unhealthy_after", self.unhealthy_after)

    def withdrawn_after_for(self, source_id: str) -> int:
        return self.per_source.get(source_id, {}).get("withdrawn_after", self.withdrawn_after)


def alert_settings(config: Config) -> AlertSettings:
    """The settings from ``config``; ConfigError naming the key when one is malformed."""
    file = str(config.path) if config.path else "regwatch.toml"
    text = config.path.read_text(encoding="utf-8") if config.path and config.path.exists() else ""
    service = config.raw.get("service", {})
    values: dict[str, Any] = {}
    if isinstance(service, Mapping):
        for key in _COUNTS:
            if key in service:
                values[key] = _count(service[key], f"service.{key}", file,
                                     _line(text, "service", key))
        if "deliver_every" in service:
            try:
                seconds = parse_duration(service["deliver_every"])
            except ValueError as exc:
                raise ConfigError(file, _line(text, "service", "deliver_every"),
                                  f"service.deliver_every: {exc}") from None
            if seconds < 1:
                raise ConfigError(file, _line(text, "service", "deliver_every"),
                                  "service.deliver_every must be at least 1 second")
            values["deliver_every"] = seconds
    health = config.raw.get("health", {})
    if not isinstance(health, Mapping):
        raise ConfigError(file, _line(text, "health"), "[health] must be a table of sources")
    per_source: dict[str, dict[str, int]] = {}
    for source_id, table in health.items():
        where = _line(text, f"health.{source_id}")
        if source_id not in config.sources:
            raise ConfigError(file, where, f"health.{source_id}: no such source; known are "
                              + ", ".join(sorted(config.sources)))
        if not isinstance(table, Mapping):
            raise ConfigError(file, where, f"health.{source_id} must be a table")
        unknown = sorted(set(table) - set(_PER_SOURCE))
        if unknown:
            raise ConfigError(file, _line(text, f"health.{source_id}", unknown[0]) or where,
                              f"health.{source_id}: unknown key {unknown[0]!r}; expected "
                              + " or ".join(_PER_SOURCE))
        per_source[source_id] = {
            key: _count(value, f"health.{source_id}.{key}", file,
                        _line(text, f"health.{source_id}", key) or where)
            for key, value in table.items()
        }
    return AlertSettings(**values, per_source=per_source)


def _count(value: object, name: str, file: str, line: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(file, line, f"{name} must be a whole number ≥ 1, not {value!r}")
    return value


def _line(text: str, table: str, key: str | None = None) -> int | None:
    """The line of ``key`` in ``[table]`` (or of the header), best effort."""
    current = None
    header_line = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            current = stripped.strip("[] \t").split("#")[0].strip().strip("]").strip()
            if current == table:
                header_line = number
                if key is None:
                    return number
            continue
        if key is not None and current == table and stripped.split("=")[0].strip() == key:
            return number
    return header_line
