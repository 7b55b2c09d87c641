"""The metric catalogue: which metrics a figure can have, their wording in each language, and the units that make a figure."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from diffing.catalogues import entry_id, parse_catalogue, read_builtin
from diffing.figure import EXTRACTOR_VERSION
from diffing.keywords import keyword_pattern

__all__ = ["Metric", "MetricCatalogue", "Phrasing", "load_metrics"]


@dataclass(frozen=True)
class Phrasing:
    """A metric's wording in one language: every verb group must occur; objects are what is
    counted."""

    verb_groups: tuple[re.Pattern[str], ...]
    objects: re.Pattern[str] | None


@dataclass(frozen=True)
class Metric:
    id: str
    meaning: str
    units: tuple[str, ...]
    phrasings: dict[str, Phrasing]
    objects_required: bool = False
    yields_to: tuple[str, ...] = ()
    objects_required_for: tuple[str, ...] = ()
    name_en: str = ""
    name_zh: str = ""

    def name(self, language: str = "en") -> str:
        """What people call the metric, in English or Chinese ("zh"); the id when unnamed."""
        name = self.name_zh if language.startswith("zh") else self.name_en
        return name or self.name_en or self.id


@dataclass(frozen=True)
class MetricCatalogue:
    """The metrics in priority order (earlier wins a tie), the units that make a figure, and
    ``version``: the extractor version figures found with this catalogue carry."""

    metrics: tuple[Metric, ...]
    measure_words: tuple[str, ...]
    english_nouns: dict[str, str]
    english_other_nouns: tuple[str, ...]
    version: str
    same_unit: dict[str, str] = field(default_factory=dict)

    def ids(self) -> list[str]:
        return [metric.id for metric in self.metrics]

    def name(self, metric: str | None, language: str = "en") -> str:
        """The name of metric ``metric`` in ``language`` ("en" or "zh"); an unknown id as it
        is, and a figure of no metric as "unclassified figure" (未分类数字)."""
        if metric is None:
            return "未分类数字" if language.startswith("zh") else "unclassified figure"
        for entry in self.metrics:
            if entry.id == metric:
                return entry.name(language)
        return metric


def load_metrics(extra_path: Path | None = None) -> MetricCatalogue:
    """The built-in catalogue, extended by ``extra_path`` (same format as
    ``data/metrics.toml``; an entry with a built-in id replaces it).

    Raises ``ValueError`` naming the problem when a file is malformed.
    """
    if extra_path is None:
        return _builtin_catalogue()
    extra = Path(extra_path).read_text("utf-8")
    return _build_catalogue(extra)


@lru_cache(maxsize=1)
def _builtin_catalogue() -> MetricCatalogue:
    return _build_catalogue(None)


def _build_catalogue(extra: str | None) -> MetricCatalogue:
    entries: dict[str, dict[str, Any]] = {}
    sources = [read_builtin("metrics.toml")] + ([extra] if extra is not None else [])
    for source in sources:
        document = parse_catalogue(source, "metric catalogue")
        for entry in document.get("metric", []):
            entries[entry_id(entry, "metric")] = entry
    metrics = tuple(_metric(entry) for entry in entries.values())
    units = tomllib.loads(read_builtin("units.toml"))
    nouns: dict[str, str] = {}
    for unit, words in units["en"]["nouns"].items():
        for word in words:
            nouns[word.lower()] = unit
    version = EXTRACTOR_VERSION
    if extra is not None:
        version += "+" + hashlib.sha256(extra.encode("utf-8")).hexdigest()[:8]
    return MetricCatalogue(
        metrics=metrics,
        measure_words=tuple(units["zh"]["measure_words"]),
        english_nouns=nouns,
        english_other_nouns=tuple(word.lower() for word in units["en"].get("other", [])),
        version=version,
        same_unit={str(word): str(unit) for word, unit in units["zh"].get("same_unit", {}).items()},
    )


def _metric(entry: dict[str, Any]) -> Metric:
    phrasings: dict[str, Phrasing] = {}
    for language in ("zh", "en"):
        wording = entry.get(language, {})
        try:
            verbs = list(wording.get("verbs", []))
            objects = list(wording.get("objects", []))
        except AttributeError as error:
            raise ValueError(f"metric {entry['id']}: '{language}' must be a table") from error
        groups = []
        for group in verbs:
            pattern = keyword_pattern(group, language)
            if pattern is not None:
                groups.append(pattern)
        phrasings[language] = Phrasing(tuple(groups), keyword_pattern(objects, language))
    units = entry.get("units", [])
    if not isinstance(units, list) or not units:
        raise ValueError(f"metric {entry['id']}: 'units' must be a non-empty list")
    return Metric(
        id=str(entry["id"]),
        meaning=str(entry.get("meaning", "")),
        units=tuple(str(unit) for unit in units),
        phrasings=phrasings,
        objects_required=bool(entry.get("objects_required", False)),
        yields_to=tuple(str(other) for other in entry.get("yields_to", [])),
        objects_required_for=tuple(str(unit) for unit in entry.get("objects_required_for", [])),
        name_en=str(entry.get("name_en", "")),
        name_zh=str(entry.get("name_zh", "")),
    )
