"""The ids a filter may name (sources, metrics, platforms, event kinds), so that a filter naming
none of them is an error that lists the known ones, never an empty answer.

Known sources are the archive's and the configuration's; known metrics and platforms are the
catalogues' and those the archive holds findings of (an extension catalogue may have named
more than the built-in one knows).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from diffing.figures import load_metrics
from diffing.platforms import load_platforms
from storage.models import EVENT_KINDS, Figure, PlatformMention, Source

# How many known ids a message lists before it says how many more there are.
LISTED_IDS = 40


class UnknownIdError(ValueError):
    """A filter named an id that is not known: ``what`` ("source", "metric", "platform",
    "kind"), the ``value`` given and the ``known`` ids."""

    def __init__(self, what: str, value: str, known: Iterable[str]) -> None:
        self.what = what
        self.value = value
        self.known = sorted(set(known))
        shown = ", ".join(self.known[:LISTED_IDS])
        more = len(self.known) - LISTED_IDS
        if more > 0:
            shown += f" and {more} more"
        super().__init__(f"unknown {what} {value!r}; known {what}s: {shown or 'none yet'}")


def source_ids(session: Session, configured: Iterable[str] = ()) -> set[str]:
    return set(session.scalars(select(Source.id))) | set(configured)


def metric_ids(session: Session) -> set[str]:
    archived = session.scalars(select(Figure.metric).where(Figure.metric.is_not(None)).distinct())
    return set(load_metrics().ids()) | {metric for metric in archived if metric}


def platform_ids(session: Session) -> set[str]:
    archived = session.scalars(
        select(PlatformMention.platform_id).where(PlatformMention.platform_id.is_not(None))
        .distinct())
    return set(load_platforms().platforms) | {platform for platform in archived if platform}


def check_ids(
    session: Session,
    *,
    sources: Iterable[str] = (),
    metrics: Iterable[str] = (),
    platforms: Iterable[str] = (),
    kinds: Iterable[str] = (),
    configured_sources: Iterable[str] = (),
) -> None:
    """Raise :class:`UnknownIdError` for the first id given that is not known; the archive is
    asked only about the kinds of id given."""
    checks = (
        ("source", [s for s in sources if s], lambda: source_ids(session, configured_sources)),
        ("metric", [m for m in metrics if m], lambda: metric_ids(session)),
        ("platform", [p for p in platforms if p], lambda: platform_ids(session)),
        ("kind", [k for k in kinds if k], lambda: set(EVENT_KINDS)),
    )
    for what, given, known_ids in checks:
        if not given:
            continue
        known = known_ids()
        for value in given:
            if value not in known:
                raise UnknownIdError(what, value, known)
