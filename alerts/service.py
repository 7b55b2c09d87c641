"""What `regwatch serve` does for alerts: health checks after each crawl, and delivery rounds.

:class:`AlertWork` is built (and the alert configuration validated) before the service starts.
It hangs :func:`alerts.health.after_crawl` and a delivery round on the service's after-crawl
callbacks, and runs a delivery round every ``deliver_every`` seconds on a thread of its own
so retries and digests go out between crawls. Rounds never overlap: on SQLite the service is
the archive's only sender, and two rounds in one process would be two senders.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from alerts.delivery import DeliveryReport, deliver_due, delivery_warnings
from alerts.expectations import load_expectations
from alerts.health import after_crawl
from alerts.rule import AlertRule
from alerts.rules import load_rules
from alerts.settings import AlertSettings, alert_settings
from config import Config

logger = logging.getLogger("regwatch.alerts")


class AlertWork:
    """The alert side of one running service."""

    def __init__(self, config: Config, rules: list[AlertRule], settings: AlertSettings) -> None:
        self.config = config
        self.rules = rules
        self.settings = settings
        self.engine: Engine | None = None
        self.clock: Any = None
        self._round = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def from_config(cls, config: Config) -> AlertWork:
        """Validate ``[[alerts]]``, ``[[expectations]]`` and the alert settings; ConfigError."""
        rules = load_rules(config)
        settings = alert_settings(config)
        load_expectations(config)
        return cls(config, rules, settings)

    def attach(self, service: Any, *, background: bool = True) -> None:
        """Run after each of ``service``'s crawls; with ``background``, deliver on a timer too.

        Alerts left due by an earlier run of the service (one killed mid-delivery, say) are
        delivered at once: in the background, or here before returning.
        """
        self.engine = service.engine
        self.clock = service.clock
        service.after_crawl.append(self.after_crawl)
        if not self.rules:
            return
        if background:
            self._thread = threading.Thread(target=self._deliver_forever, name="alerts",
                                            daemon=True)
            self._thread.start()
        else:
            self._deliver_logged()

    def now(self) -> datetime:
        return self.clock.now() if self.clock is not None else datetime.now(UTC)

    def after_crawl(self, outcome: Any) -> None:
        """Health, overdue and withdrawn checks for the crawled source, then a delivery round."""
        assert self.engine is not None, "attach() first"
        after_crawl(self.engine, self.config, outcome.source_id, self.now(), rules=self.rules)
        self.deliver()

    def deliver(self) -> DeliveryReport:
        """One delivery round, never two at once."""
        assert self.engine is not None, "attach() first"
        with self._round:
            return deliver_due(self.engine, self.config, self.now(), rules=self.rules)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _deliver_forever(self) -> None:
        self._deliver_logged()
        while not self._stop.wait(self.settings.deliver_every):
            self._deliver_logged()

    def _deliver_logged(self) -> None:
        try:
            self.deliver()
        except Exception:  # logged; the next round tries again
            logger.exception("an alert delivery round failed")


def check_config(config: Config) -> None:
    """Validate the alert parts of ``config`` (``[[alerts]]``, ``[[expectations]]``, alert keys of
    ``[service]``, ``[health.<id>]``); ConfigError with file and line, as at service start."""
    AlertWork.from_config(config)


def status_warnings(engine: Engine, config: Config) -> list[str]:
    """Alert warnings for `regwatch status` (``delivery_failing`` channels), without URLs."""
    with Session(engine) as session:
        return [str(warning) for warning in delivery_warnings(session, config)]
