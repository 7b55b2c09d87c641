"""Enforcement figures in notice text: each number with its unit, metric, period and scope.

The metric catalogue is data (``data/metrics.toml``), extendable with a user file. A number
followed by a measure word (家, 款, 个…), an English counted noun ("websites"), or written as
money is a figure; its clause decides the metric. A figure whose clause matches no metric is
kept with ``metric=None``, never dropped.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from diffing.amounts import AmountMatch, find_amounts
from diffing.catalogues import entry_id, parse_catalogue, read_builtin
from diffing.keywords import keyword_pattern
from diffing.numbers import CN_NUMBER_PATTERN, EN_NUMBER_PATTERN, parse_number
from diffing.periods import PeriodMention, find_period_mentions
from diffing.scopes import ScopeMention, find_scope_mentions
from diffing.spans import Occupancy, SortedSpans
from diffing.text import PreparedText

__all__ = [
    "EXTRACTOR_VERSION",
    "Figure",
    "Metric",
    "MetricCatalogue",
    "find_figures",
    "load_metrics",
]

CURRENCY_UNIT = "currency"

# Bump when extraction behaviour changes (code or built-in data), so archived extractions made
# by an older extractor can be found and redone.
EXTRACTOR_VERSION = "1.0.0"


@dataclass(frozen=True)
class Figure:
    """One figure as the notice states it.

    ``value`` is an ``int`` for counts and a ``Decimal`` for money (``currency`` set, ``unit``
    the same ISO code). ``start``/``end`` index the original text, ``text`` is
    ``original[start:end]``: the number with its unit and, when the metric's verb is in the same
    clause, the verb too (约谈网站10646家).
    """

    metric: str | None
    value: int | Decimal
    unit: str
    currency: str | None
    period: str | None
    scope: str | None
    start: int
    end: int
    text: str
    sentence: str
    extractor_version: str
    role: str | None = None
    party: str | None = None


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


@dataclass(frozen=True)
class MetricCatalogue:
    """The metrics in priority order (earlier wins a tie), the units that make a figure, and
    ``version``: the extractor version figures found with this catalogue carry."""

    metrics: tuple[Metric, ...]
    measure_words: tuple[str, ...]
    english_nouns: dict[str, str]
    english_other_nouns: tuple[str, ...]
    version: str

    def ids(self) -> list[str]:
        return [metric.id for metric in self.metrics]


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
    )


# --- finding figures -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    start: int  # the number, in prepared text
    end: int  # end of the unit
    number_end: int
    value: int | Decimal
    unit: str  # measure word, English unit, or currency code
    currency: str | None
    numeral_only: bool  # written in Chinese numerals only (三个方面): kept only when classified


_NOT_A_COUNT_AFTER = re.compile(r"(?:月|工作日|小时|百分点|周|季度|年|日|天|分钟|倍)")
_EN_STOP = frozenset({
    "of", "in", "on", "at", "to", "for", "from", "by", "with", "was", "were", "is", "are", "be",
    "been", "and", "or", "the", "a", "an", "that", "which", "this", "these", "than", "per",
    "each", "its", "their", "his", "her", "year", "years", "month", "months", "day", "days",
    "percent", "times",
})


@lru_cache(maxsize=8)
def _zh_count_pattern(measure_words: tuple[str, ...]) -> re.Pattern[str]:
    units = "|".join(re.escape(word) for word in sorted(measure_words, key=len, reverse=True))
    return re.compile(rf"(?<![\d.,a-z第])(?P<number>{CN_NUMBER_PATTERN})\s*(?P<unit>{units})")


_EN_NUMBER = re.compile(rf"(?<![\d.,$€£¥])(?P<number>{EN_NUMBER_PATTERN})")
_EN_WORD = re.compile(r"\s*([a-z][a-z-]*)")


def _count_candidates(prepared: PreparedText, catalogue: MetricCatalogue) -> list[_Candidate]:
    text = prepared.text
    found: list[_Candidate] = []
    if prepared.language.startswith("zh"):
        for match in _zh_count_pattern(catalogue.measure_words).finditer(text):
            if _NOT_A_COUNT_AFTER.match(text, match.end()):
                continue
            number = match.group("number")
            value = parse_number(number)
            if value is None:
                continue
            numeral_only = not re.search(r"\d", number)
            if numeral_only and value == 1:
                continue
            found.append(_Candidate(match.start(), match.end(), match.end("number"), value,
                                    match.group("unit"), None, numeral_only))
        return found
    for match in _EN_NUMBER.finditer(text):
        noun = _english_noun(text, match.end(), catalogue)
        if noun is None:
            continue
        unit, noun_end = noun
        value = parse_number(match.group("number"))
        if value is None:
            continue
        numeral_only = not re.search(r"\d", match.group("number"))
        found.append(_Candidate(match.start(), noun_end, match.end(), value, unit, None, numeral_only))
    return found


def _english_noun(text: str, position: int, catalogue: MetricCatalogue) -> tuple[str, int] | None:
    words: list[tuple[str, int]] = []
    cursor = position
    for _ in range(5):
        match = _EN_WORD.match(text, cursor)
        if not match:
            break
        words.append((match.group(1), match.end()))
        cursor = match.end()
    for index in range(min(len(words), 4)):
        for length in (3, 2, 1):
            if index + length > len(words):
                continue
            phrase = " ".join(word for word, _ in words[index:index + length])
            if phrase in catalogue.english_nouns:
                return catalogue.english_nouns[phrase], words[index + length - 1][1]
            if length == 1 and phrase in catalogue.english_other_nouns:
                return phrase, words[index][1]
        if words[index][0] in _EN_STOP:
            return None
    return None


def _candidates(prepared: PreparedText, catalogue: MetricCatalogue,
                amounts: Sequence[AmountMatch]) -> list[_Candidate]:
    found: list[_Candidate] = []
    taken = Occupancy(len(prepared.text))
    for amount in amounts:
        taken.take(amount.start, amount.end)
        found.append(_Candidate(amount.start, amount.end, amount.number_end, amount.amount.value,
                                amount.amount.currency, amount.amount.currency, False))
    for count in _count_candidates(prepared, catalogue):
        if taken.free(count.start, count.end):
            found.append(count)
    found.sort(key=lambda candidate: candidate.start)
    return found


@dataclass(frozen=True)
class _Verdict:
    metric: str
    score: tuple[int, int, int, int, int, int]
    spans: tuple[tuple[int, int], ...]


def _nearest(pattern: re.Pattern[str], text: str, start: int, end: int, anchor: int,
             *, after: int | None = None) -> tuple[int, int] | None:
    """The match nearest ``anchor``; with ``after``, the first match starting there or later
    wins when there is one (English states counts first: "453 websites were suspended")."""
    best: tuple[int, int] | None = None
    best_distance = 0
    for match in pattern.finditer(text, start, end):
        if after is not None and match.start() >= after:
            return match.span()
        distance = min(abs(match.start() - anchor), abs(match.end() - anchor))
        if best is None or distance < best_distance:
            best, best_distance = match.span(), distance
    return best


def _first_in(pattern: re.Pattern[str], text: str, ranges: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    for start, end in ranges:
        match = pattern.search(text, start, end)
        if match:
            return match.span()
    return None


def _classify(prepared: PreparedText, catalogue: MetricCatalogue, candidate: _Candidate) -> _Verdict | None:
    """The metric whose phrasing the figure's clause carries, or ``None``.

    Every verb group of a metric must occur in the figure's clause; when the clause has no verb
    of any metric, the verbs may come from the clauses before it in the sentence or from the
    sentence before ("下架移动应用程序259款、小程序119款"; "…urged to close illegal websites.
    There are 127,878 illegal accounts."), and then the clause must name the metric's object.
    A clause naming another metric's object and none of this one rules this one out. Verbs in
    the clause beat inherited ones, more verb groups beat fewer (警告 and 罚款 together are
    warned_or_fined), an object beats none, nearer objects and verbs beat farther ones, and the
    catalogue's order settles the rest.
    """
    text = prepared.text
    language = "zh" if prepared.language.startswith("zh") else "en"
    unit = CURRENCY_UNIT if candidate.currency else candidate.unit
    compatible = [m for m in catalogue.metrics if unit in m.units and m.phrasings[language].verb_groups]
    if not compatible:
        return None
    anchor = candidate.start
    follows = candidate.end if language == "en" else None
    clause_start, clause_end = prepared.clause_at(anchor)
    clause_end = max(clause_end, candidate.end)
    sentence_start, _ = prepared.sentence_at(anchor)
    index = prepared.sentence_index(anchor)
    context: list[tuple[int, int]] = [(max(sentence_start, clause_start - 400), clause_start)]
    if index > 0:
        previous_start, previous_end = prepared.sentence(index - 1)
        if prepared.paragraph_index(previous_start) == prepared.paragraph_index(anchor):
            context.append((previous_start, previous_end))
    objects_here: dict[str, tuple[int, int] | None] = {}
    for metric in compatible:
        objects = metric.phrasings[language].objects
        if objects is not None:
            objects_here[metric.id] = _nearest(objects, text, clause_start, clause_end, anchor)
    any_object_here = any(span is not None for span in objects_here.values())
    verbs_here = any(
        pattern.search(text, clause_start, clause_end)
        for metric in compatible
        for pattern in metric.phrasings[language].verb_groups
    )
    best: _Verdict | None = None
    for order, metric in enumerate(compatible):
        phrasing = metric.phrasings[language]
        object_span = objects_here.get(metric.id)
        if phrasing.objects is not None and object_span is None and (any_object_here or metric.objects_required):
            continue
        spans = [_nearest(group, text, clause_start, clause_end, anchor, after=follows)
                 for group in phrasing.verb_groups]
        level = 2
        if any(span is None for span in spans):
            if verbs_here or (phrasing.objects is not None and object_span is None):
                continue
            level = 1
            inherited = [_first_in(group, text, context) for group in phrasing.verb_groups]
            if any(span is None for span in inherited):
                continue
            spans = inherited
        found_spans = [span for span in spans if span is not None]
        verb_distance = max(min(abs(s - anchor), abs(e - anchor)) for s, e in found_spans) if level == 2 else 0
        object_distance = (
            min(abs(object_span[0] - anchor), abs(object_span[1] - anchor)) if object_span else 10_000
        )
        score = (
            level,
            len(phrasing.verb_groups),
            1 if object_span else 0,
            -object_distance,
            -verb_distance,
            -order,
        )
        if best is None or score > best.score:
            best = _Verdict(metric.id, score, tuple(found_spans) if level == 2 else ())
    return best


_CAP_AFTER = re.compile(r"\s*(?:以下|以上|以内|之内|至)")
_CAP_BEFORE = re.compile(r"(?:up\s+to|not\s+exceeding|no\s+more\s+than|maximum\s+of|at\s+most|最高|不超过|最多)\s*$")


def _start(mention: PeriodMention | ScopeMention) -> int:
    return mention.start


def _end(mention: PeriodMention | ScopeMention) -> int:
    return mention.end


def _is_cap(text: str, candidate: _Candidate) -> bool:
    """A money amount stated as a legal limit (一百万元以下罚款, "fines of up to €10 million"):
    kept as a figure, but it is no fine imposed."""
    if candidate.currency is None:
        return False
    return bool(_CAP_AFTER.match(text, candidate.end) or _CAP_BEFORE.search(text[max(0, candidate.start - 20):candidate.start]))


_Mention = TypeVar("_Mention", PeriodMention, ScopeMention)


def _mention_for(mentions: SortedSpans[_Mention], carried: SortedSpans[_Mention],
                 clause: tuple[int, int], anchor: int) -> _Mention | None:
    """The mention in the figure's clause nearest to it, else the last one before it that is
    not the base of a comparison (``carried``)."""
    in_clause = mentions.starting(*clause)
    if in_clause:
        return min(in_clause, key=lambda m: abs(m.start - anchor))
    return carried.last_before(anchor)


def find_figures(
    prepared: PreparedText,
    *,
    catalogue: MetricCatalogue | None = None,
    published: date | None = None,
    amounts: Sequence[AmountMatch] | None = None,
) -> list[Figure]:
    """Every figure in ``prepared``, in text order. ``published`` resolves relative periods;
    without it they stay unresolved. ``amounts`` are ``find_amounts(prepared.text)`` when the
    caller has them already."""
    catalogue = catalogue or _builtin_catalogue()
    publication = published.date() if isinstance(published, datetime) else published
    period_mentions = find_period_mentions(prepared.text, publication)
    periods = SortedSpans(period_mentions, _start, _end)
    carried_periods = SortedSpans([m for m in period_mentions if not m.comparison], _start, _end)
    scopes = SortedSpans(find_scope_mentions(prepared.text), _start, _end)
    if amounts is None:
        amounts = find_amounts(prepared.text)
    figures: list[Figure] = []
    for candidate in _candidates(prepared, catalogue, amounts):
        verdict = None if _is_cap(prepared.text, candidate) else _classify(prepared, catalogue, candidate)
        if verdict is None and candidate.numeral_only:
            continue
        start, end = candidate.start, candidate.end
        if verdict is not None:
            for span_start, span_end in verdict.spans:
                start, end = min(start, span_start), max(end, span_end)
        clause = prepared.clause_at(candidate.start)
        period_mention = _mention_for(periods, carried_periods, clause, candidate.start)
        scope_mention = _mention_for(scopes, scopes, clause, candidate.start)
        original_start, original_end = prepared.original_span(start, end)
        figures.append(Figure(
            metric=verdict.metric if verdict else None,
            value=candidate.value,
            unit=candidate.unit,
            currency=candidate.currency,
            period=str(period_mention.period) if period_mention and period_mention.period else None,
            scope=scope_mention.scope if scope_mention else None,
            start=original_start,
            end=original_end,
            text=prepared.original[original_start:original_end],
            sentence=prepared.original_sentence(candidate.start),
            extractor_version=catalogue.version,
        ))
    return figures
