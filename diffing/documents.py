"""JSON documents: one shape each for a number, a money amount, a figure, a platform mention
and a change event, used alike by extraction, change events, the API, exports and feeds.

Money and other decimals are JSON strings holding the exact decimal ("500000", "1.5"), never
floats, so no amount is rounded on the way. Two families of shapes:

- what extraction finds (:class:`diffing.figures.Figure`, :class:`diffing.platforms.
  PlatformMention`): the ``regwatch extract --json`` objects and the figures change events
  carry in their payloads (archived as they are: their shape must not change);
- what the archive holds (its figure, mention and change-event rows, read through the
  attributes below; :mod:`storage.models` defines them): the API's and exports' objects.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from diffing.compare import mention_key
from diffing.figures import Figure
from diffing.numbers import Amount
from diffing.platforms import PlatformMention

# --- numbers and moments -----------------------------------------------------------------------


def value_json(value: int | Decimal) -> int | str:
    """A found value: a count stays a JSON integer, a decimal is its exact text as found."""
    return value if isinstance(value, int) else format(value, "f")


def decimal_text(value: Decimal | int | None) -> str | None:
    """An archived decimal as its shortest exact text ("500000", "1.5"); None stays None."""
    if value is None:
        return None
    if isinstance(value, int):
        return str(value)
    return format(value.normalize(), "f")


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


# --- what extraction finds ---------------------------------------------------------------------


def amount_json(amount: Amount | None) -> dict[str, str] | None:
    if amount is None:
        return None
    return {"value": format(amount.value, "f"), "currency": amount.currency}


def found_figure_json(figure: Figure) -> dict[str, Any]:
    return {
        "metric": figure.metric,
        "value": value_json(figure.value),
        "unit": figure.unit,
        "currency": figure.currency,
        "period": figure.period,
        "scope": figure.scope,
        "text": figure.text,
        "start": figure.start,
        "end": figure.end,
        "sentence": figure.sentence,
        "role": figure.role,
        "party": figure.party,
        "other_spans": [{"start": start, "end": end} for start, end in figure.other_spans],
        "part_of": figure.part_of,
    }


def found_mention_json(mention: PlatformMention) -> dict[str, Any]:
    return {
        "id": mention.id,
        "name": mention.name,
        "kind": mention.kind,
        "action": mention.action,
        "actions": list(mention.actions),
        "operator": mention.operator,
        "amount": amount_json(mention.amount),
        "start": mention.start,
        "end": mention.end,
        "sentence": mention.sentence,
    }


# --- what the archive holds --------------------------------------------------------------------


class FigureRow(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def metric(self) -> str | None: ...
    @property
    def value(self) -> Decimal: ...
    @property
    def unit(self) -> str: ...
    @property
    def currency(self) -> str | None: ...
    @property
    def period(self) -> str | None: ...
    @property
    def period_kind(self) -> str | None: ...
    @property
    def scope(self) -> str | None: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def sentence(self) -> str: ...
    @property
    def role(self) -> str | None: ...
    @property
    def party(self) -> str | None: ...
    @property
    def part_of_id(self) -> int | None: ...
    @property
    def other_spans(self) -> list[Any] | None: ...


class MentionRow(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def platform_id(self) -> str | None: ...
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def action(self) -> str | None: ...
    @property
    def actions(self) -> list[Any] | None: ...
    @property
    def amount(self) -> Decimal | None: ...
    @property
    def currency(self) -> str | None: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def sentence(self) -> str: ...
    @property
    def operator(self) -> str | None: ...


class EventRow(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def source_id(self) -> str: ...
    @property
    def notice_id(self) -> int | None: ...
    @property
    def version_id(self) -> int | None: ...
    @property
    def subject(self) -> str | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def summary_en(self) -> str: ...
    @property
    def summary_zh(self) -> str | None: ...
    @property
    def payload(self) -> dict[str, Any]: ...


def money_document(value: Decimal | int | None, currency: str | None) -> dict[str, Any]:
    """An amount of money the archive holds: its exact text and its currency."""
    return {"value": decimal_text(value) or "", "currency": currency}


def figure_document(figure: FigureRow) -> dict[str, Any]:
    """An archived figure, as the API gives it and exports extend it.

    ``role`` and ``party`` are the extracted ones (``None`` for figures archived before
    roles); ``part_of_id`` is the archived total a part sums to (the extraction's
    ``part_of``, as a figure id); ``other_spans`` where the notice states the figure again."""
    return {
        "id": figure.id,
        "metric": figure.metric,
        "value": decimal_text(figure.value),
        "unit": figure.unit,
        "currency": figure.currency,
        "period": figure.period,
        "period_kind": figure.period_kind,
        "scope": figure.scope,
        "start": figure.start,
        "end": figure.end,
        "text": figure.text,
        "sentence": figure.sentence,
        # A figure a later version of its notice edited in place: the value it replaced, when.
        "revised_from": decimal_text(getattr(figure, "revised_from", None)),
        "revised_at": iso(getattr(figure, "revised_at", None)),
        "role": figure.role,
        "party": figure.party,
        "part_of_id": figure.part_of_id,
        "other_spans": [{"start": start, "end": end} for start, end in figure.other_spans or ()],
    }


def mention_document(mention: MentionRow) -> dict[str, Any]:
    """An archived platform mention, as the API gives it. ``key`` is what identifies the
    platform across notices: its registry id, or ``name:`` and its normalised name
    (:func:`diffing.compare.platform_key`) for a name the registry does not know."""
    return {
        "id": mention.id,
        "platform_id": mention.platform_id,
        "key": mention_key(mention.platform_id, mention.name),
        "name": mention.name,
        "kind": mention.kind,
        "operator": mention.operator,
        "action": mention.action,
        "actions": list(mention.actions or []),
        "amount": decimal_text(mention.amount),
        "currency": mention.currency,
        "start": mention.start,
        "end": mention.end,
        "sentence": mention.sentence,
    }


def event_document(event: EventRow) -> dict[str, Any]:
    """An archived change event: its time in ISO 8601, its payload as archived."""
    return {
        "id": event.id,
        "kind": event.kind,
        "source_id": event.source_id,
        "notice_id": event.notice_id,
        "version_id": event.version_id,
        "subject": event.subject,
        "created_at": iso(event.created_at),
        "summary_en": event.summary_en,
        "summary_zh": event.summary_zh,
        "payload": event.payload,
        # Written by the source's first crawl (its back catalogue).
        "baseline": bool(getattr(event, "baseline", False)),
    }
