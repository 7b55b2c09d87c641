"""The ``[cluster]`` table: the message broker that spreads crawls over `regwatch worker`s.

Without a broker (no ``broker_url`` and no ``REGWATCH_BROKER_URL``) regwatch runs on one
machine and none of this is used.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from config.durations import format_duration, parse_duration
from config.errors import ConfigError
from config.loading import Config

BROKER_URL_ENV = "REGWATCH_BROKER_URL"
DEFAULT_QUEUE = "regwatch.crawls"
# RabbitMQ's limit on a queue name is 255 bytes; Dramatiq adds ".DQ" and ".XQ" to it.
QUEUE_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")
MAX_WORKER_CRAWLS = 64
_KEYS = ("broker_url", "queue", "worker_crawls", "heartbeat", "dispatch_expiry")


@dataclass(frozen=True)
class ClusterSettings:
    """Where crawls are queued and how a worker takes them.

    ``worker_crawls`` is how many crawls one worker runs at once (and how many messages it
    holds unacknowledged); ``heartbeat`` how often a worker writes its row in the archive;
    ``dispatch_expiry`` how long a dispatched crawl may stay queued or running before the
    scheduler takes its message for lost and dispatches the source again.
    """

    broker_url: str | None = None
    queue: str = DEFAULT_QUEUE
    worker_crawls: int = 4
    heartbeat: float = 10.0
    dispatch_expiry: float = 6 * 3600.0

    @property
    def enabled(self) -> bool:
        return self.broker_url is not None


def cluster_settings(config: Config, environment: Mapping[str, str] | None = None, *,
                     crawl_timeout: float | None = None) -> ClusterSettings:
    """The ``[cluster]`` table, with ``REGWATCH_BROKER_URL`` taking the place of its
    ``broker_url``; ConfigError when malformed. With ``crawl_timeout`` (the service's), a
    ``dispatch_expiry`` no longer than it is refused: a crawl still running would be taken for
    lost and its source dispatched again."""
    environment = os.environ if environment is None else environment
    table = config.raw.get("cluster", {})
    where = str(config.path) if config.path else "regwatch.toml"
    if not isinstance(table, Mapping):
        raise ConfigError(where, config.line_of("cluster"), "[cluster] must be a table")
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise ConfigError(where, config.line_of("cluster", unknown[0]),
                          f"cluster: unknown key {unknown[0]!r}; expected one of "
                          + ", ".join(_KEYS))
    values: dict[str, object] = {}
    url = environment.get(BROKER_URL_ENV) or table.get("broker_url")
    if url is not None:
        if not isinstance(url, str) or not url.startswith(("amqp://", "amqps://")):
            origin = BROKER_URL_ENV if environment.get(BROKER_URL_ENV) else "cluster.broker_url"
            raise ConfigError(where, config.line_of("cluster", "broker_url"),
                              f"{origin} must be a RabbitMQ URL (amqp://user:password@host:5672/"
                              "vhost or amqps://…)")
        values["broker_url"] = url
    if "queue" in table:
        queue = table["queue"]
        if not isinstance(queue, str) or not QUEUE_NAME.match(queue):
            raise ConfigError(where, config.line_of("cluster", "queue"),
                              "cluster.queue must be 1 to 200 letters, digits or . _ : -")
        values["queue"] = queue
    if "worker_crawls" in table:
        count = table["worker_crawls"]
        if (isinstance(count, bool) or not isinstance(count, int)
                or not 1 <= count <= MAX_WORKER_CRAWLS):
            raise ConfigError(where, config.line_of("cluster", "worker_crawls"),
                              "cluster.worker_crawls must be a whole number from 1 to "
                              f"{MAX_WORKER_CRAWLS}")
        values["worker_crawls"] = count
    for key in ("heartbeat", "dispatch_expiry"):
        if key in table:
            try:
                seconds = parse_duration(table[key])
            except ValueError as exc:
                raise ConfigError(where, config.line_of("cluster", key),
                                  f"cluster.{key}: {exc}") from None
            if seconds <= 0:
                raise ConfigError(where, config.line_of("cluster", key),
                                  f"cluster.{key} must be longer than 0 seconds")
            values[key] = seconds
    settings = ClusterSettings(**values)  # type: ignore[arg-type]
    if crawl_timeout is not None and settings.dispatch_expiry <= crawl_timeout:
        stated = "dispatch_expiry" if "dispatch_expiry" in table else None
        raise ConfigError(where, config.line_of("cluster", stated),
                          f"cluster.dispatch_expiry ({format_duration(settings.dispatch_expiry)}) "
                          "must be longer than service.crawl_timeout "
                          f"({format_duration(crawl_timeout)}): a crawl still running would be "
                          "taken for lost and its source dispatched again")
    return settings
