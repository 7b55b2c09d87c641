"""Benchmark 3, time to alert: a notice appears on the site, the webhook receives its alert.

It needs regwatch's alert delivery (the ``alerts`` package: an outbox delivered to a webhook
after each scheduled crawl). Until that is importable with a delivery step the service runs,
this benchmark reports ``skipped`` with the reason instead of a number.
"""

from __future__ import annotations

import importlib.util
from typing import Any

INTERVAL_SECONDS = 60


def missing_prerequisite() -> str | None:
    """Why time to alert cannot be measured yet, or None when it can."""
    for module in ("alerts.delivery", "alerts.outbox"):
        if importlib.util.find_spec(module) is None:
            return f"the alerts work has not landed: {module} is missing"
    return ("the alerts package has no delivery hooked into the service that this benchmark "
            "can drive yet (checked: alerts.delivery, alerts.outbox)")


def run(size: int, *, smoke: bool = False) -> dict[str, Any]:
    reason = missing_prerequisite()
    return {"benchmark": "alert", "size": size, "interval_s": INTERVAL_SECONDS,
            "skipped": reason}
