"""The extraction gold set: annotated notices (``notices/*.toml``) and how they are scored.

Each notice file holds a text (or names a real text in ../shared/ read at test time), its
publication date, and the figures and platforms a careful reader finds in it. Scoring is per
field, micro-averaged over notices: a predicted item counts as right for a field when a gold
item has the same value and the same field, each gold item matched at most once.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from diffing.compare import platform_key
from diffing.extract import Extraction
from diffing.figures import Figure
from diffing.platforms import PlatformMention

NOTICES = Path(__file__).resolve().parent / "notices"
# CI puts shared/ beside the checkout: the repository's parent directory holds it.
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"

FIGURE_FIELDS = ("value", "metric", "unit", "period", "scope", "all")
PLATFORM_FIELDS = ("key", "kind", "action", "amount")


@dataclass(frozen=True)
class GoldFigure:
    metric: str | None
    value: str  # canonical decimal text, "10646" or "1500000"
    unit: str
    period: str | None
    scope: str | None

    def field(self, name: str) -> tuple[Any, ...]:
        if name == "value":
            return (self.value,)
        if name == "all":
            return (self.value, self.metric, self.unit, self.period, self.scope)
        return (self.value, getattr(self, name))


@dataclass(frozen=True)
class GoldPlatform:
    key: str
    kind: str
    action: str | None
    amount: tuple[str, str] | None  # (canonical value, currency)


@dataclass
class GoldNotice:
    id: str
    language: str
    published: date
    text: str | None
    missing: str | None  # why the text is unavailable (shared/ absent)
    origin: str  # "real" (read from shared/) or "own"
    figures: list[GoldFigure] = field(default_factory=list)
    platforms: list[GoldPlatform] = field(default_factory=list)


def canonical_value(value: object) -> str:
    """A number as comparable text: 10646, Decimal("1500000.0") and "1500000" agree."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def _figures(entries: Iterable[dict[str, Any]]) -> list[GoldFigure]:
    return [
        GoldFigure(
            metric=entry.get("metric"),
            value=canonical_value(entry["value"]),
            unit=entry["unit"],
            period=entry.get("period"),
            scope=entry.get("scope"),
        )
        for entry in entries
    ]


def _platforms(entries: Iterable[dict[str, Any]]) -> list[GoldPlatform]:
    platforms = []
    for entry in entries:
        amount = entry.get("amount")
        platforms.append(GoldPlatform(
            key=entry["key"],
            kind=entry["kind"],
            action=entry.get("action"),
            amount=(canonical_value(amount["value"]), amount["currency"]) if amount else None,
        ))
    return platforms


def _shared_text(spec: dict[str, Any]) -> tuple[str | None, str | None]:
    path = SHARED / spec["file"]
    if not path.is_file():
        return None, f"real text not available: {path} is absent (shared/ is not beside the checkout)"
    text = path.read_text("utf-8")
    if "line_prefix" in spec:
        lines = [line for line in text.splitlines() if line.startswith(spec["line_prefix"])]
        if not lines:
            return None, f"{path} no longer holds a line starting {spec['line_prefix']!r}"
        text = lines[0]
    if "strip" in spec:
        text = text.removeprefix(spec["strip"])
    for old, new in spec.get("replace", []):
        text = text.replace(old, new)
    return text, None


def load_gold() -> list[GoldNotice]:
    """Every gold notice, texts from shared/ included when it is there (``missing`` says why
    not otherwise)."""
    documents = {path.stem: tomllib.loads(path.read_text("utf-8")) for path in sorted(NOTICES.glob("*.toml"))}
    notices = []
    for name, document in documents.items():
        if document["id"] != name:
            raise ValueError(f"{name}.toml has id {document['id']!r}")
        expected = documents[document["expected_from"]] if "expected_from" in document else document
        if "shared_text" in document:
            text, missing = _shared_text(document["shared_text"])
            origin = "real"
        else:
            text, missing, origin = document["text"], None, "own"
        notices.append(GoldNotice(
            id=document["id"],
            language=document["language"],
            published=document["published"],
            text=text,
            missing=missing,
            origin=origin,
            figures=_figures(expected.get("figure", [])),
            platforms=_platforms(expected.get("platform", [])),
        ))
    return notices


# --- scoring -------------------------------------------------------------------------------


@dataclass
class FieldScore:
    true_positives: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, predicted: Counter[Any], gold: Counter[Any]) -> None:
        self.true_positives += sum((predicted & gold).values())
        self.predicted += sum(predicted.values())
        self.gold += sum(gold.values())

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def predicted_figure_field(figure: Figure, name: str) -> tuple[Any, ...]:
    value = canonical_value(figure.value)
    if name == "value":
        return (value,)
    if name == "all":
        return (value, figure.metric, figure.unit, figure.period, figure.scope)
    return (value, getattr(figure, name))


def figure_scores(pairs: Sequence[tuple[GoldNotice, Extraction]]) -> dict[str, FieldScore]:
    scores = {name: FieldScore() for name in FIGURE_FIELDS}
    for notice, extraction in pairs:
        for name in FIGURE_FIELDS:
            predicted = Counter(predicted_figure_field(f, name) for f in extraction.figures)
            gold = Counter(g.field(name) for g in notice.figures)
            scores[name].add(predicted, gold)
    return scores


def predicted_platform_fields(mentions: Sequence[PlatformMention]) -> dict[str, Counter[Any]]:
    """Per platform of a notice (all its mentions together): its key, its kind, each primary
    action any mention has (or ``None`` when none has one), and each fine amount stated."""
    by_key: dict[str, list[PlatformMention]] = {}
    for mention in mentions:
        by_key.setdefault(platform_key(mention), []).append(mention)
    fields: dict[str, Counter[Any]] = {name: Counter() for name in PLATFORM_FIELDS}
    for key, group in by_key.items():
        fields["key"][key] += 1
        fields["kind"][(key, group[0].kind)] += 1
        actions: set[str | None] = {m.action for m in group if m.action} or {None}
        for action in actions:
            fields["action"][(key, action)] += 1
        for amount in {(canonical_value(m.amount.value), m.amount.currency) for m in group if m.amount}:
            fields["amount"][(key, amount)] += 1
    return fields


def gold_platform_fields(platforms: Sequence[GoldPlatform]) -> dict[str, Counter[Any]]:
    fields: dict[str, Counter[Any]] = {name: Counter() for name in PLATFORM_FIELDS}
    for key in dict.fromkeys(p.key for p in platforms):
        entries = [p for p in platforms if p.key == key]
        fields["key"][key] += 1
        fields["kind"][(key, entries[0].kind)] += 1
        for action in {p.action for p in entries}:
            fields["action"][(key, action)] += 1
        for amount in {p.amount for p in entries if p.amount}:
            fields["amount"][(key, amount)] += 1
    return fields


def platform_scores(pairs: Sequence[tuple[GoldNotice, Extraction]]) -> dict[str, FieldScore]:
    scores = {name: FieldScore() for name in PLATFORM_FIELDS}
    for notice, extraction in pairs:
        predicted = predicted_platform_fields(extraction.platforms)
        gold = gold_platform_fields(notice.platforms)
        for name in PLATFORM_FIELDS:
            scores[name].add(predicted[name], gold[name])
    return scores


def report(title: str, scores: dict[str, FieldScore]) -> str:
    lines = [f"{title}: field  precision  recall  F1  (tp/predicted/gold)"]
    for name, score in scores.items():
        lines.append(
            f"  {name:<7} {score.precision:6.3f} {score.recall:6.3f} {score.f1:6.3f}"
            f"  ({score.true_positives}/{score.predicted}/{score.gold})"
        )
    return "\n".join(lines)


def figure_differences(notice: GoldNotice, extraction: Extraction) -> list[str]:
    predicted = Counter(predicted_figure_field(f, "all") for f in extraction.figures)
    gold = Counter(g.field("all") for g in notice.figures)
    return [f"{notice.id}: unexpected {item}" for item in (predicted - gold).elements()] + [
        f"{notice.id}: missed {item}" for item in (gold - predicted).elements()
    ]


def platform_differences(notice: GoldNotice, extraction: Extraction) -> list[str]:
    predicted = predicted_platform_fields(extraction.platforms)
    gold = gold_platform_fields(notice.platforms)
    lines = []
    for name in PLATFORM_FIELDS:
        lines += [f"{notice.id}: {name} unexpected {item}" for item in (predicted[name] - gold[name]).elements()]
        lines += [f"{notice.id}: {name} missed {item}" for item in (gold[name] - predicted[name]).elements()]
    return lines
