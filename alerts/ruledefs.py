"""What an alert rule is: its channels (Apprise URLs, known by a hash) and its filters, as
:mod:`alerts.rules` reads them from the ``[[alerts]]`` tables of regwatch.toml."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit

from storage.models import EVENT_KINDS


@dataclass(frozen=True)
class Channel:
    """One Apprise URL of a rule. ``url`` holds secrets: log and show ``label`` instead."""

    url: str = field(repr=False)
    id: str
    scheme: str

    @property
    def label(self) -> str:
        return f"{self.scheme}#{self.id[:10]}"


def channel_of(url: str) -> Channel:
    """The channel of an Apprise URL; its id is a hash, so it can be stored and logged."""
    scheme = urlsplit(url).scheme.lower() or "?"
    return Channel(url=url, id=hashlib.sha256(url.encode()).hexdigest()[:32], scheme=scheme)


@dataclass(frozen=True)
class AlertRule:
    """One ``[[alerts]]`` table."""

    name: str
    channels: tuple[Channel, ...]
    on: frozenset[str] = frozenset(EVENT_KINDS)
    sources: tuple[str, ...] = ()
    platforms: frozenset[str] = frozenset()
    metrics: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()
    min_change_percent: Decimal | None = None
    digest: str = "none"
    language: str = "both"
    template: str | None = None
    baseline: bool = False
