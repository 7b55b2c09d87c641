"""Comparing extractions, as pure functions: versions of one notice (text, figures, platforms)
and figures across reporting periods and earlier notices.

The archive decides which notices and versions to compare and stores the results as change
events; nothing here reads or writes it.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from diffing.chinese import to_simplified
from diffing.figures import Figure
from diffing.period import Period
from diffing.platforms import PlatformMention

__all__ = [
    "FigureChange",
    "MetricEvent",
    "PeriodComparison",
    "PeriodHistory",
    "PlatformAppearance",
    "PlatformChange",
    "compare_periods",
    "diff_figures",
    "diff_platforms",
    "eventful",
    "figure_key",
    "is_point",
    "mention_key",
    "metric_events",
    "platform_appearances",
    "platform_key",
    "text_diff",
    "unknown_name",
]


# --- versions of one notice ------------------------------------------------------------------


@dataclass(frozen=True)
class FigureChange:
    """``kind`` is "edited" (same metric, scope, period and unit, another value), "added" or
    "removed"; ``old``/``new`` are the figures on each side (``None`` where absent)."""

    kind: str
    metric: str | None
    scope: str | None
    period: str | None
    unit: str
    old: Figure | None
    new: Figure | None


def is_point(figure: Figure) -> bool:
    """Whether ``figure`` is a point of its metric's series and of the events comparing it: a
    classified figure that is not a part of a total (the total is the one point; its parts
    would count the same money twice). Non-fine money (confiscated, proposed, a maximum, a
    sales base, ...) has no metric and is never one."""
    return figure.metric is not None and figure.role != "part"


def eventful(figure: Figure) -> bool:
    """Whether adding, removing or editing ``figure`` is a change event: counts (no role) and
    the money :func:`is_point` counts; other money (parts, confiscations, proposals, ...) is
    archived and shown but causes no event. Figures archived before roles have none and
    count as they did."""
    return figure.role is None or is_point(figure)


def figure_key(figure: Figure) -> tuple[str | None, str | None, str | None, str, str | None]:
    """What makes two figures the same statement: metric, scope, period, unit and party (one
    party's fine is never an edit of another's)."""
    return figure.metric, figure.scope, figure.period, figure.unit, figure.party


def diff_figures(old: Sequence[Figure], new: Sequence[Figure]) -> list[FigureChange]:
    """Figure-level changes between two versions of a notice, in the order the figures appear.

    Figures are paired by ``figure_key``; within a key, equal values pair first, then the
    rest pair in text order as edits, and what is left over is added or removed. Identical
    versions give ``[]``. A silently edited figure ("259" became "261") is one "edited" change.
    """
    old_groups = _grouped(old, figure_key)
    new_groups = _grouped(new, figure_key)
    changes: list[FigureChange] = []
    for key in list(old_groups) + [key for key in new_groups if key not in old_groups]:
        remaining_old = list(old_groups.get(key, []))
        remaining_new = list(new_groups.get(key, []))
        for figure in list(remaining_old):
            twin = next((other for other in remaining_new if other.value == figure.value), None)
            if twin is not None:
                remaining_old.remove(figure)
                remaining_new.remove(twin)
        metric, scope, period, unit, _ = key
        for before, after in zip(remaining_old, remaining_new, strict=False):
            changes.append(FigureChange("edited", metric, scope, period, unit, before, after))
        paired = min(len(remaining_old), len(remaining_new))
        for before in remaining_old[paired:]:
            changes.append(FigureChange("removed", metric, scope, period, unit, before, None))
        for after in remaining_new[paired:]:
            changes.append(FigureChange("added", metric, scope, period, unit, None, after))
    changes.sort(key=_position)
    return changes


def _position(change: FigureChange) -> int:
    figure = change.new or change.old
    return figure.start if figure is not None else 0


@dataclass(frozen=True)
class PlatformChange:
    """``kind`` is "added" (named in the new version only), "removed" (in the old only) or
    "actions_changed" (named in both, with other actions); ``old_actions``/``new_actions`` are
    every action either version says of it."""

    kind: str
    key: str
    old_actions: tuple[str, ...]
    new_actions: tuple[str, ...]
    old: PlatformMention | None
    new: PlatformMention | None


def platform_key(mention: PlatformMention) -> str:
    """A registry id, or ``name:`` and the name in Simplified, case-folded, for unknown names,
    so the Traditional and Simplified copies of a notice name the same platforms."""
    return mention_key(mention.id, mention.name)


def mention_key(platform_id: str | None, name: str) -> str:
    """:func:`platform_key` of a mention with registry id ``platform_id`` (or ``None``) and
    ``name``; a key that is not a registry id starts with ``name:``."""
    if platform_id is not None:
        return platform_id
    return NAME_PREFIX + unknown_name(name)


NAME_PREFIX = "name:"


def unknown_name(name: str) -> str:
    """A name the registry does not know, as it is compared and looked up: in Simplified,
    case-folded, without surrounding spaces."""
    return to_simplified(name)[0].casefold().strip()


def diff_platforms(old: Sequence[PlatformMention], new: Sequence[PlatformMention]) -> list[PlatformChange]:
    """Platform-level changes between two versions of a notice: names added or removed, and
    names whose actions changed. Several mentions of one platform count as one."""
    old_groups = _grouped(old, platform_key)
    new_groups = _grouped(new, platform_key)
    changes: list[PlatformChange] = []
    for key in list(old_groups) + [key for key in new_groups if key not in old_groups]:
        before = old_groups.get(key, [])
        after = new_groups.get(key, [])
        old_actions = _actions_of(before)
        new_actions = _actions_of(after)
        if not before:
            changes.append(PlatformChange("added", key, (), new_actions, None, after[0]))
        elif not after:
            changes.append(PlatformChange("removed", key, old_actions, (), before[0], None))
        elif set(old_actions) != set(new_actions):
            changes.append(PlatformChange("actions_changed", key, old_actions, new_actions, before[0], after[0]))
    return changes


def _actions_of(mentions: Sequence[PlatformMention]) -> tuple[str, ...]:
    said: list[str] = []
    for mention in mentions:
        said += [mention.action] if mention.action else []
        said += list(mention.actions)
    return tuple(sorted(set(said)))


def text_diff(old: str, new: str, *, old_label: str = "old", new_label: str = "new", context: int = 3) -> str:
    """A unified diff of two versions' text, line by line; ``""`` when they are equal."""
    old_lines = [line if line.endswith("\n") else line + "\n" for line in old.splitlines(keepends=True)]
    new_lines = [line if line.endswith("\n") else line + "\n" for line in new.splitlines(keepends=True)]
    return "".join(difflib.unified_diff(old_lines, new_lines, fromfile=old_label, tofile=new_label, n=context))


# --- across periods and notices --------------------------------------------------------------


@dataclass(frozen=True)
class PeriodComparison:
    """A figure against the same metric, scope and unit in an earlier period of the same kind.

    ``change`` is ``value - previous_value``; ``percent`` is the change in percent of
    ``previous_value`` rounded half-up to one place (``Decimal("23.7")``), ``None`` when the
    earlier value is zero.
    """

    metric: str
    scope: str | None
    unit: str
    period: str
    previous_period: str
    value: int | Decimal
    previous_value: int | Decimal
    change: int | Decimal
    percent: Decimal | None
    previous_published: date
    previous: Figure


def compare_periods(current: Figure, history: Sequence[tuple[Figure, date]]) -> PeriodComparison | None:
    """Compare ``current`` with the latest earlier period of the same kind in ``history``
    (earlier figures with their notices' publication dates).

    Same kind means a year against a year, and a half or a quarter against the same half or
    quarter of an earlier year (2023-H1 against 2022-H1, never against 2022-H2 nor against a
    whole year): enforcement work is seasonal, and the regulators' own summaries compare 同比.
    The latest earlier year wins (2022, else 2021 when 2022 was never reported); among figures
    for that period, the one published last (a later correction wins). ``None`` when
    ``current`` has no metric or period, or nothing comparable came before, and for money
    with no scope: until figures say whose amount they are, such an amount may be one party's
    single decision, and two years' are then no totals of the same kind.
    """
    return PeriodHistory(history).compare(current)


_Comparable = tuple[str, str | None, str, str, int]


def comparable(figure: Figure) -> bool:
    """Whether a figure may be compared with an earlier period's: counts always; money only
    as a period total of a scope (全国网信系统 fined ...), never a single decision's amount."""
    return figure.currency is None or bool(figure.scope)


class PeriodHistory:
    """``history`` (earlier figures with their notices' publication dates) read once for
    :func:`compare_periods`: each figure's period parsed, and grouped by metric, scope, unit
    and kind of period, so comparing each of a notice's figures reads only its own group.
    :meth:`compare` answers exactly as :func:`compare_periods` on the same history.

    Only totals over a period are compared: a figure about one party (a single decision's
    fine, one company's count) is never compared with anything, and parts of a total
    (:func:`is_point`) take no part."""

    def __init__(self, history: Sequence[tuple[Figure, date]]) -> None:
        self._groups: dict[_Comparable, list[tuple[Period, date, Figure]]] = {}
        for figure, published in history:
            period = Period.parse(figure.period)
            if period is None or figure.metric is None or not _comparable(figure):
                continue
            key = (figure.metric, figure.scope, figure.unit, period.kind, period.part)
            self._groups.setdefault(key, []).append((period, published, figure))

    def compare(self, current: Figure) -> PeriodComparison | None:
        """``current`` against the history; see :func:`compare_periods`."""
        period = Period.parse(current.period)
        if current.metric is None or period is None or not _comparable(current):
            return None
        group = self._groups.get(
            (current.metric, current.scope, current.unit, period.kind, period.part), [])
        candidates = [item for item in group if item[0].year < period.year]
        if not candidates:
            return None
        previous_period, previous_published, previous = max(
            candidates, key=lambda item: (item[0], item[1]))
        change = current.value - previous.value
        percent: Decimal | None = None
        if previous.value != 0:
            percent = (Decimal(change) * 100 / Decimal(previous.value)).quantize(
                Decimal("0.1"), ROUND_HALF_UP)
        return PeriodComparison(
            metric=current.metric,
            scope=current.scope,
            unit=current.unit,
            period=str(period),
            previous_period=str(previous_period),
            value=current.value,
            previous_value=previous.value,
            change=change,
            percent=percent,
            previous_published=previous_published,
            previous=previous,
        )


def _comparable(figure: Figure) -> bool:
    return is_point(figure) and figure.party is None and comparable(figure)


@dataclass(frozen=True)
class MetricEvent:
    """``kind`` "first_reported": the source reports this metric (for this scope) for the first
    time, ``figure`` is the new one; "no_longer_reported": the source's previous notice of the
    same period kind reported it and the current one does not, ``figure`` is that last one."""

    kind: str
    metric: str
    scope: str | None
    figure: Figure


def metric_events(
    current: Sequence[Figure], earlier_notices: Sequence[tuple[date, Sequence[Figure]]]
) -> list[MetricEvent]:
    """Metrics a notice reports for the first time, and metrics its predecessor of the same
    period kind (the latest earlier notice with figures for years, halves or quarters, as the
    current one has) reported and it no longer does. Unclassified figures take no part."""
    current = [f for f in current if is_point(f)]
    current_keys = {(f.metric, f.scope): f for f in current if f.metric is not None}
    seen = {(f.metric, f.scope) for _, figures in earlier_notices for f in figures if is_point(f)}
    events = [
        MetricEvent("first_reported", metric, scope, figure)
        for (metric, scope), figure in current_keys.items()
        if metric is not None and (metric, scope) not in seen
    ]
    kinds = {_period_kind(f) for f in current if f.metric is not None} - {None}
    predecessors = [
        (published, figures) for published, figures in earlier_notices
        if any(_period_kind(f) in kinds for f in figures if is_point(f))
    ]
    if predecessors:
        _, last_figures = max(predecessors, key=lambda item: item[0])
        reported: dict[tuple[str, str | None], Figure] = {}
        for figure in last_figures:
            if figure.metric is not None and is_point(figure) and _period_kind(figure) in kinds:
                reported.setdefault((figure.metric, figure.scope), figure)
        events += [
            MetricEvent("no_longer_reported", metric, scope, figure)
            for (metric, scope), figure in reported.items()
            if (metric, scope) not in current_keys
        ]
    return events


def _period_kind(figure: Figure) -> str | None:
    period = Period.parse(figure.period)
    return period.kind if period else None


@dataclass(frozen=True)
class PlatformAppearance:
    """A platform named in a notice: "first_time", or "repeat" with how many earlier notices
    named it and when first and last."""

    kind: str
    key: str
    mention: PlatformMention
    times_before: int
    first_seen: date | None
    last_seen: date | None


def platform_appearances(
    current: Sequence[PlatformMention],
    earlier_notices: Sequence[tuple[date, Sequence[PlatformMention]]],
) -> list[PlatformAppearance]:
    """One appearance per platform the current notice names, in text order."""
    history: dict[str, list[date]] = defaultdict(list)
    for published, mentions in earlier_notices:
        for key in {platform_key(mention) for mention in mentions}:
            history[key].append(published)
    appearances: list[PlatformAppearance] = []
    for key, mentions in _grouped(current, platform_key).items():
        dates = sorted(history.get(key, []))
        appearances.append(PlatformAppearance(
            kind="repeat" if dates else "first_time",
            key=key,
            mention=mentions[0],
            times_before=len(dates),
            first_seen=dates[0] if dates else None,
            last_seen=dates[-1] if dates else None,
        ))
    return appearances


_T = TypeVar("_T")
_K = TypeVar("_K", bound=Hashable)


def _grouped(items: Sequence[_T], key: Callable[[_T], _K]) -> dict[_K, list[_T]]:
    groups: dict[_K, list[_T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups
