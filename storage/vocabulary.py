"""The ids a filter may name (sources, metrics, platforms, event kinds), so that a filter naming
none of them is an error that lists the known ones, never an empty answer.

Known sources are the archive's and the configuration's; known metrics and platforms are the
catalogues' and those the archive holds findings of (an extension catalogue may have named
more than the built-in one knows).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import Any

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
        # A long list is cut: the ids closest to what was typed come first, whole.
        close = difflib.get_close_matches(value, self.known, n=3)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        super().__init__(
            f"unknown {what} {value!r}; {hint}known {what}s: {shown or 'none yet'}")


def source_ids(session: Session, configured: Iterable[str] = ()) -> set[str]:
    return set(session.scalars(select(Source.id))) | set(configured)


def metric_ids(session: Session) -> set[str]:
    archived = session.scalars(select(Figure.metric).where(Figure.metric.is_not(None)).distinct())
    return set(load_metrics().ids()) | {metric for metric in archived if metric}


def platform_ids(session: Session) -> set[str]:
    """The registry's ids and the archive's platform keys (ids, and ``name:`` keys of names
    the registry does not know)."""
    archived = session.scalars(
        select(PlatformMention.platform_key).where(PlatformMention.platform_key.is_not(None))
        .distinct())
    return set(load_platforms().platforms) | {platform for platform in archived if platform}


def _archived(session: Session, column: Any, value: str) -> bool:
    return session.scalar(select(column).where(column == value).limit(1)) is not None


def check_ids(
    session: Session,
    *,
    sources: Iterable[str] = (),
    metrics: Iterable[str] = (),
    platforms: Iterable[str] = (),
    kinds: Iterable[str] = (),
    configured_sources: Iterable[str] = (),
) -> None:
    """Raise :class:`UnknownIdError` for the first id given that is not known.

    An id of the catalogues (or the configuration) costs no query; another costs one indexed
    lookup, and only an unknown one reads every known id, for the message."""
    configured = set(configured_sources)
    checks: tuple[tuple[str, Iterable[str], Callable[[str], bool], Callable[[], set[str]]], ...] = (
        ("source", sources,
         lambda v: v in configured or session.get(Source, v) is not None,
         lambda: source_ids(session, configured)),
        ("metric", metrics,
         lambda v: v in load_metrics().ids() or _archived(session, Figure.metric, v),
         lambda: metric_ids(session)),
        ("platform", platforms,
         lambda v: (v in load_platforms().platforms
                    or _archived(session, PlatformMention.platform_id, v)
                    or _archived(session, PlatformMention.platform_key, v)),
         lambda: platform_ids(session)),
        ("kind", kinds, lambda v: v in EVENT_KINDS, lambda: set(EVENT_KINDS)),
    )
    for what, given, is_known, every in checks:
        for value in given:
            if value and not is_known(value):
                raise UnknownIdError(what, value, every())
