"""Enforcement figures in notice text: each number with its unit, metric, period and scope.

The metric catalogue is data (``data/metrics.toml``), extendable with a user file. A number
followed by a measure word (家, 款, 个…), an English counted noun ("websites"), or written as
money is a figure; its clause decides the metric, and the verb that governs the number decides
between metrics. A money amount also gets a role from the words that govern it (a fine, the
sales base of a percentage fine, a proposal, a legal maximum, a refund…): only fines are
``fine_amount``. A figure whose clause matches no metric is kept with ``metric=None``, never
dropped; a fact stated twice is one figure.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import lru_cache
from itertools import pairwise
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
    "FINE_ROLES",
    "ROLES",
    "Figure",
    "Metric",
    "MetricCatalogue",
    "find_figures",
    "load_metrics",
    "merge_repeats",
]

CURRENCY_UNIT = "currency"

# Bump when extraction behaviour changes (code or built-in data), so archived extractions made
# by an older extractor can be found and redone.
EXTRACTOR_VERSION = "1.2.0"


@dataclass(frozen=True)
class Figure:
    """One figure as the notice states it.

    ``value`` is an ``int`` for counts and a ``Decimal`` for money (``currency`` set, ``unit``
    the same ISO code). ``start``/``end`` index the original text, ``text`` is
    ``original[start:end]``: the number with its unit and, when the metric's verb is in the same
    clause, the verb too (约谈网站10646家).

    ``role`` says what a money amount is (one of ``ROLES``; ``None`` for counts): only the
    ``FINE_ROLES`` keep the metric ``fine_amount``, the others have ``metric=None``.
    ``party`` is the company or platform the figure is about, where the text names one.
    ``other_spans`` are the original spans of the same fact stated again (a headline, a
    restatement in another currency); ``part_of`` is the ``start`` of the total a part sums to.
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
    other_spans: tuple[tuple[int, int], ...] = ()
    part_of: int | None = None


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
        yields_to=tuple(str(other) for other in entry.get("yields_to", [])),
        objects_required_for=tuple(str(unit) for unit in entry.get("objects_required_for", [])),
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
    # Letters glued to a number make a name (Xiaomai5), except the word "app" (下架APP520余个).
    return re.compile(rf"(?<![\d.,第])(?:(?<=app)|(?<![a-z]))(?P<number>{CN_NUMBER_PATTERN})\s*(?P<unit>{units})")


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
        if noun is None or noun[0] in catalogue.english_other_nouns:
            noun = _elided_noun(prepared, match, found) or noun
        if noun is None:
            continue
        unit, noun_end = noun
        value = parse_number(match.group("number"))
        if value is None:
            continue
        numeral_only = not re.search(r"\d", match.group("number"))
        found.append(_Candidate(match.start(), noun_end, match.end(), value, unit, None, numeral_only))
    return found


# A count whose noun is left out because the list it ends already said it ("held talks with
# 1,497 websites and warned 738", "443 websites were summoned while 172 received warnings").
_ELIDED_BEFORE = re.compile(r"(?:\band|\bwhile|\bbut|\bwhereas|\bwith|,)\s+(?:[a-z]+ed\s+)?$")
_ELIDED_AFTER = re.compile(
    r"\s*(?:[,.;:)]|$|(?:received|receiving|got|getting|being|were|was|had|have|during|in|on|last|this|for|as|to)\b)")


def _elided_noun(prepared: PreparedText, match: re.Match[str], earlier: Sequence[_Candidate]) -> tuple[str, int] | None:
    text = prepared.text
    number = match.group("number")
    if not re.search(r"\d", number) or re.fullmatch(r"(?:19|20)\d\d", number) or not earlier:
        return None
    previous = earlier[-1]
    sentence_start, _ = prepared.sentence_at(match.start())
    if previous.start < sentence_start or previous.currency is not None:
        return None
    if not (_ELIDED_BEFORE.search(text, max(previous.end, match.start() - 20), match.start())
            and _ELIDED_AFTER.match(text, match.end())):
        return None
    return previous.unit, match.end()


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


def _classify(prepared: PreparedText, catalogue: MetricCatalogue, candidate: _Candidate,
              next_number: int | None = None, previous_number: int | None = None) -> _Verdict | None:
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
    sentence_start, sentence_end = prepared.sentence_at(anchor)
    if language == "zh":
        # 、 lists the objects of one verb (处置账号、群组781万个): the verb's clause is the figure's,
        # unless the item has a verb of its own (下架96款、通报3款).
        while (clause_start > sentence_start + 1 and text[clause_start - 1] == "、"
               and not _has_verb(text, compatible, language, clause_start, anchor)):
            clause_start = max(prepared.clause_at(clause_start - 2)[0], sentence_start)
    while clause_end < sentence_end and text[clause_end:clause_end + 1] in ("(", "（"):
        # A parenthesis is an aside ("25款App(列表附后)存在问题", "€2.42bn (around £2.1bn) fine"):
        # the clause goes on after it.
        close = min((i for i in (text.find(")", clause_end, clause_end + 40),
                                 text.find("）", clause_end, clause_end + 40)) if i != -1), default=-1)
        if close == -1 or _CLAUSE_MARK.match(text, close + 1) or close + 1 >= sentence_end:
            break
        clause_end = max(clause_end, prepared.clause_at(close + 1)[1])
    if language == "en" and next_number is not None and next_number > candidate.end:
        # A verb after the next number is that number's ("620000 apps were tested, 2234 apps
        # were ordered to rectify"): English states the count, then its verb.
        clause_end = min(clause_end, next_number)
        # "warned 1,500 websites and fined 200": a verb after a conjunction leads the next count.
        joined = _EN_CONJUNCTION.search(text, candidate.end, clause_end)
        if joined and _has_verb(text, compatible, language, joined.end(), clause_end):
            clause_end = joined.start()
    if (language == "en" and previous_number is not None and clause_start < previous_number < anchor
            and _has_verb(text, compatible, language, previous_number, anchor)):
        # …and the verbs before the previous count, or before the conjunction after it, are
        # that count's ("520 websites were summoned while 96 received warnings").
        clause_start = previous_number
        for joined in _EN_CONJUNCTION.finditer(text, previous_number, anchor):
            clause_start = joined.end()
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
    if _mixed_objects(text, compatible, objects_here, language):
        return None
    if language == "en" and candidate.currency is None:
        # The noun an English number counts is its object ("2,186 apps and 1,020 mini
        # programs": the second number counts mini programs, whatever is nearer).
        own = {metric_id: found.span() for metric_id, metric_objects in _objects_of(compatible, language)
               if (found := metric_objects.search(text, candidate.number_end, candidate.end))}
        if own:
            objects_here = {metric_id: own.get(metric_id) for metric_id in objects_here}
    any_object_here = any(span is not None for span in objects_here.values())
    if candidate.currency is None and _counts_companies(text, candidate, language):
        return None
    verbs_here = any(
        pattern.search(text, clause_start, clause_end)
        for metric in compatible
        for pattern in metric.phrasings[language].verb_groups
    ) or bool(_OTHER_VERB[language].search(text, clause_start, anchor if language == "zh" else clause_end))
    best: tuple[Metric, tuple[tuple[int, int, int, int, int, int], list[tuple[int, int]]]] | None = None
    scored: dict[str, tuple[tuple[int, int, int, int, int, int], list[tuple[int, int]]]] = {}
    for order, metric in enumerate(compatible):
        phrasing = metric.phrasings[language]
        object_span = objects_here.get(metric.id)
        required = metric.objects_required or unit in metric.objects_required_for
        if phrasing.objects is not None and object_span is None and (any_object_here or required):
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
        kept: tuple[tuple[int, int, int, int, int, int], list[tuple[int, int]]] = (
            score, found_spans if level == 2 else [])
        scored[metric.id] = kept
        if best is None or score > best[1][0]:
            best = (metric, kept)
    if best is None:
        return None
    best_metric, (best_score, best_spans) = best
    # A clause that names the stronger action reports it (通报下架: removed, not notified).
    for other in best_metric.yields_to:
        if other in scored and scored[other][0][0] == best_score[0]:
            other_score, other_spans = scored[other]
            return _Verdict(other, other_score, tuple(other_spans))
    return _Verdict(best_metric.id, best_score, tuple(best_spans))


def _objects_of(metrics: Sequence[Metric], language: str) -> list[tuple[str, re.Pattern[str]]]:
    return [(metric.id, objects) for metric in metrics if (objects := metric.phrasings[language].objects) is not None]


def _has_verb(text: str, compatible: Sequence[Metric], language: str, start: int, end: int) -> bool:
    return any(pattern.search(text, start, end)
               for metric in compatible for pattern in metric.phrasings[language].verb_groups)


# Verbs no metric counts (处置 deals with an account without saying how): a clause with one of
# them before its number does not borrow a metric's verb from the clause before.
_OTHER_VERB = {
    "zh": re.compile(r"处置|处理|查处|拦截|封禁(?:违规)?主播"),
    # English: a counted verb no metric has (tested, inspected, handled), or any passive verb.
    "en": re.compile(r"\b(?:test|inspect|check|examin|investigat|review|screen|monitor|detect|handl|process)\w*"
                     r"|\b(?:were|was|been|are|is)\s+(?:\w+ly\s+)?[a-z]+(?:ed|en)\b"),
}
# Counts of companies are no count of websites or platforms (the catalogue has no metric for
# them): 3家企业, 136家…APP企业, "15 companies", "business undertakings".
_ZH_COMPANY = re.compile(r"[^，,。；;、：:（）()]{0,14}?(?:企业|公司|经营者|单位|机构)")
_ZH_PLATFORM_WORD = re.compile(r"网站|平台")
_EN_COMPANY = re.compile(r"\s*(?:[a-z-]+\s+){0,3}?(?:compan|enterprise|firm|operator|business)")


def _counts_companies(text: str, candidate: _Candidate, language: str) -> bool:
    if language == "zh":
        if candidate.unit != "家":
            return False
        match = _ZH_COMPANY.match(text, candidate.end)
        return match is not None and not _ZH_PLATFORM_WORD.search(text, candidate.end, match.end())
    return bool(_EN_COMPANY.match(text, candidate.number_end, candidate.end + 1))


_EN_CONJUNCTION = re.compile(r"\b(?:and|while|but|whereas|as\s+well\s+as)\b")
_JOINED = re.compile(r"\s*(?:、|及|和|与|以及|or|and|,|/)\s*")


def _mixed_objects(text: str, compatible: Sequence[Metric],
                   objects_here: dict[str, tuple[int, int] | None], language: str) -> bool:
    """A number counting two kinds of things at once (下架应用程序、小程序2160余款: apps and mini
    programs together) is neither metric's figure."""
    spans = {span for span in objects_here.values() if span is not None}
    if len(spans) < 2:
        return False
    ordered = sorted(spans)
    for (first_start, first_end), (second_start, second_end) in pairwise(ordered):
        if first_end > second_start or not _JOINED.fullmatch(text, first_end, second_start):
            continue
        first_metrics = {m for m, span in objects_here.items() if span == (first_start, first_end)}
        second_metrics = {m for m, span in objects_here.items() if span == (second_start, second_end)}
        by_id = {metric.id: metric for metric in compatible}
        first_words = text[first_start:first_end]
        second_words = text[second_start:second_end]
        shared = any(
            (pattern := by_id[m].phrasings[language].objects) is not None
            and pattern.fullmatch(first_words) and pattern.fullmatch(second_words)
            for m in first_metrics | second_metrics
        )
        if not shared:
            return True
    return False


def _start(mention: PeriodMention | ScopeMention) -> int:
    return mention.start


def _end(mention: PeriodMention | ScopeMention) -> int:
    return mention.end


# --- money roles -----------------------------------------------------------------------------

FINE = "fine"
CONFISCATED = "confiscated"
SALES_BASE = "sales_base"
PROPOSED = "proposed"
MAXIMUM = "maximum"
REFUND_OR_DEPOSIT = "refund_or_deposit"
TOTAL = "total"
PART = "part"
OTHER = "other"
ROLES = (FINE, CONFISCATED, SALES_BASE, PROPOSED, MAXIMUM, REFUND_OR_DEPOSIT, TOTAL, PART, OTHER)
# Roles whose amount is a fine imposed: only these keep the metric ``fine_amount``.
FINE_ROLES = frozenset({FINE, TOTAL, PART})

# What the words right before or after an amount make it. Each pattern reads the amount's own
# noun phrase (the words that govern it), not the whole sentence: "a fine of 1% of its sales
# of €2bn" has the base right before the amount and the fine far from it.
_BASE_BEFORE = re.compile(
    r"(?:销售额|营业额|营业收入|销售收入|营收|turnover|sales|revenues?)"
    r"(?:\s+(?:of|was|reached|totall?ing|amounting\s+to))?\s*(?:about|around|some|nearly|over|约|达|为|共)?\s*$"
)
_RATE_AFTER = re.compile(r"\s*(?:的)?\s*(?:\d+(?:\.\d+)?\s*(?:%|％|percent|per\s+cent)|百分之)")
_BASE_AFTER = re.compile(r"\s*(?:in\s+|of\s+)?(?:annual\s+|global\s+|domestic\s+)?(?:sales|revenue|turnover)\b")
_REFUND_BEFORE = re.compile(
    r"(?:退还|返还|退款|退赔|赔偿|赔付|补偿|保证金|押金|refunds?|redress|restitution|compensation|damages|deposits?"
    r"|\breturn(?:s|ed|ing)?\b|repa(?:y|id)|reimburs\w*)"
    r"[^，,。；;]{0,14}$"
)
_REFUND_AFTER = re.compile(
    r"\s*(?:的)?\s*(?:保证金|押金|退款|赔偿)"
    r"|\s*(?:in|of|as)\s+(?:\w+\s+){0,2}(?:refunds?|redress|restitution|compensation|damages|deposits?|relief)"
    r"|\s*(?:\w+\s+){0,2}to\s+(?:compensate|refund|reimburse|repay)"
)
_CONFISCATED_BEFORE = re.compile(r"(?:没收|违法所得|违法收入|confiscat\w*|disgorge\w*|illegal\s+(?:gains|income|proceeds))[^，,。；;]{0,10}$")
_PER_UNIT_AFTER = re.compile(
    r"\s*(?:(?:per|a|each|for\s+each|for\s+every)\s+(?:day|week|month|violation|breach|infringement|offence|offense)\b"
    r"|(?:每日|每天|按日|每次|每项))"
)
_PER_UNIT_BEFORE = re.compile(
    r"(?:每日|每天|按日|(?:daily|periodic|per-day)\s+(?:penalty|penalties|fine|fines)(?:\s+payments?)?\s+(?:of\s+)?)\s*$")
# Amounts per unit of time: periodic penalties, and prices ("$14.99 a month"), never a fine.
_DAILY = re.compile(
    r"\s*(?:(?:per|a|each|for\s+each|for\s+every)\s+(?:day|week|month|year)\b|(?:daily|weekly|monthly|annually|yearly)\b)"
    r"|\s*(?:每日|每天|按日|每月|每年)")
_CLAUSE_MARK = re.compile(r"\s*(?:[。！？；!?;\n，、：:（）()]|,(?!\d{3}))")
_IMPOSED_AFTER = re.compile(
    r"[\s,]*(?:which|that)\s+(?:it|they|the\s+\w+)\s+(?:then\s+)?(?:levied|imposed|issued|handed|gave)")
_CAP_AFTER = re.compile(r"\s*(?:以下|以上|以内|之内|至)")
_CAP_BEFORE = re.compile(
    r"(?:up\s+to|not\s+exceeding|no\s+more\s+than|at\s+most|as\s+much\s+as|capped\s+at|could\s+(?:face|have\s+faced)|"
    r"(?:could|may|might|can)\s+(?:rise|reach|climb|amount|run)\s+(?:to|as\s+high\s+as)|"
    r"maximum(?:\s+(?:fine|penalty|amount))?(?:\s+(?!which\b|that\b)[a-z]+){0,5}?\s+(?:of|is|was|at)|最高|不超过|最多|最高可处|上限为?)\s*(?:a\s+(?:fine|penalty)\s+of\s+)?$"
)
# 50万元上限: a stated limit, unless the limit was imposed (顶格, "the full amount").
_CAP_NOUN_AFTER = re.compile(r"\s*(?:的)?\s*上限")
_CAP_IMPOSED = re.compile(r"顶格|the\s+full\s+amount|the\s+maximum\s+(?:allowed|possible)")
# A penalty not (yet) imposed: announced as an intention, proposed, or what was faced before a
# reduction. The cue governs the amount when it is in the amount's clause.
_PENALTY = r"(?:fine|fines|penalty|penalties|sanction|sanctions)"
_PROPOSED = re.compile(
    r"intention\s+to|intend(?:s|ed|ing)?\s+(?:to|on)\s+(?:fine|impos|issu|penal|levy|sanction)|notice\s+of\s+intent|"
    r"(?:plans?|planning|set|expected|poised|likely|preparing|prepares)\s+to\s+(?:fine|impose|levy|penali|hit|slap)|"
    # Headline future: "Watchdog to fine BA £183m".
    r"\b(?:watchdog|regulators?|commission|eu|ico|ftc|authority|authorities|agency|ministry|office)\s+to\s+(?:fine|hit|slap|penali)|"
    r"propos(?:ed|es|ing)\s+(?:an?\s+|the\s+)?(?:fine|penalty|[$€£¥\d])|"
    rf"propos(?:ed|es|al)?\s+(?:to\s+(?:fine|impose|levy)|{_PENALTY})|{_PENALTY}\s+(?:\w+\s+){{0,2}}proposed|"
    rf"provisional(?:ly)?\s+(?:{_PENALTY}|set|imposed)|"
    r"(?:originally|initially)\s+(?:proposed|planned|sought|set|intended|announced|mooted|faced)|"
    r"had\s+planned|planned\s+to\s+(?:fine|impose|levy)|reduced\s+from|the\s+possible|had\s+faced|"
    r"could\s+have\s+(?:faced|been)|would\s+have\s+(?:faced|been|had\s+to\s+pay)|(?:could|may|might|would)\s+face|"
    rf"potential\s+{_PENALTY}|"
    r"\bseek(?:s|ing)?\b(?!\s+to\b)|\bsought\b(?!\s+to\b)|(?<![虚模])拟(?:对|处|罚|给予|作出|予以|决定)|原定|建议处以|(?:预先|事先)告知|处罚告知"
)
# Money set aside for a fine that may come is no fine ("a provision of €400 million", 计提).
_PROVISION = re.compile(r"(?:provisions?\b|set\s+aside|put\s+aside|sets\s+aside|puts\s+aside|earmark\w*|计提|预提)[^，,。；;]{0,20}$")
# Taxes paid back and late-payment charges are owed, not penalties imposed.
_TAX_BEFORE = re.compile(r"(?:补缴|补税|税款|滞纳金|back\s+taxes|unpaid\s+taxes)[^，,。；;]{0,10}$")
_TAX_AFTER = re.compile(r"\s*(?:的)?(?:税款|滞纳金)|\s*(?:in|of)\s+(?:back\s+|unpaid\s+|overdue\s+)?tax(?:es)?\b")
_PROVISION_AFTER = re.compile(r"\s*(?:as\s+an?\s+|in\s+)?provisions?\b")
# A penalty noun right after the amount ("and a $5 million civil penalty") outweighs a refund
# word before it.
_PENALTY_AFTER = re.compile(rf"\s*(?:[a-z-]+\s+)?{_PENALTY}\b|\s*(?:的)?罚款")
_FACES_BEFORE = re.compile(
    r"\bfac(?:es|ing)\s+(?:an?\s+|the\s+)?(?:record\s+|possible\s+|potential\s+|hefty\s+)?(?:fines?\s+of\s+)?$"
    r"|(?:面临|或将?被罚(?:款)?|可能被罚(?:款)?)\s*(?:约|高达)?\s*$")
_DOWN_FROM = re.compile(r"(?:down|lowered|cut|reduced)\s+from\s+(?:an?|the|its|their)\s+(?:original\s+|initial\s+|proposed\s+)?$")
_REDUCED_TO = re.compile(r"(?:reduc|lower|cut|down)\w*\s+(?:from\s+[^,;，；]{1,30}?\s+)?to\s+$")
# An average ("payments averaging $114 each", 平均每家罚款) is a statistic, never a fine imposed.
_AVERAGE_BEFORE = re.compile(r"(?:averag\w*|an\s+average\s+of|平均|人均|户均)\s*(?:of\s+|为|约)?\s*$")
_APPROXIMATELY = r"(?:about|around|approximately|approx\.?|roughly|some|nearly|almost|over|more\s+than|约|合|折合|相当于|约合)"
# Between an amount and its restatement in another currency: "(about", ", or about", "约合".
_CONVERSION_GAP = re.compile(
    rf"\s*(?:[(（]\s*(?:{_APPROXIMATELY}\s*|or\s+|equal\s+to\s+|equivalent\s+(?:of|to)\s+)*"
    rf"|[,，]?\s*(?:or\s+|i\.e\.\s+)?(?:the\s+|an?\s+)?(?:equal|equivalent)\s+(?:of|to)\s+{_APPROXIMATELY}?\s*"
    rf"|[,，]?\s*or\s+{_APPROXIMATELY}?\s*"
    rf"|[,，]?\s*(?:约合|折合|相当于)\s*(?:人民币|美元|欧元|英镑|港币|港元)?\s*(?:约|大约)?\s*"
    rf"|[,，]?\s*which\s+(?:is|was|equals?|amounts\s+to)\s+(?:to\s+)?{_APPROXIMATELY}?\s*"
    rf"|[,，]\s*{_APPROXIMATELY}\s*)"
)
# A total says so ("fines totalling", "in fines", "a $2.5 billion settlement", 合计, 共计).
_TOTAL_BEFORE = re.compile(r"(?:total(?:ling|ing|\s+of)?|combined|in\s+all|altogether|aggregate|合计|共计|总计|累计|总额)\s*(?:人民币)?\s*$")
_TOTAL_AFTER = re.compile(
    r"\s*(?:in\s+(?:total\s+|combined\s+)?(?:fines|penalties)|(?:in\s+)?total|combined|altogether|settlement|in\s+all)\b")


def _money_role(prepared: PreparedText, candidate: _Candidate, verdict: _Verdict | None) -> str:
    """What a money amount is, read from the words that govern it (see ``ROLES``). ``total``
    and ``part`` are given later, by :func:`_link_parts`, from the amounts themselves."""
    text = prepared.text
    clause_start, clause_end = prepared.clause_at(candidate.start)
    sentence_start, sentence_end = prepared.sentence_at(candidate.start)
    near_start = max(sentence_start, candidate.start - 40)
    before = text[near_start:candidate.start]
    after = text[candidate.end:min(sentence_end, candidate.end + 40)]
    if _CONFISCATED_BEFORE.search(text, max(clause_start, near_start), candidate.start):
        return CONFISCATED
    if _RATE_AFTER.match(text, candidate.end) or _BASE_BEFORE.search(before) or _BASE_AFTER.match(after):
        return SALES_BASE
    if _PROVISION.search(text, max(clause_start, near_start), candidate.start) or _PROVISION_AFTER.match(after) \
            or _TAX_BEFORE.search(text, max(clause_start, near_start), candidate.start) or _TAX_AFTER.match(after):
        return OTHER
    if (_REFUND_BEFORE.search(text, max(clause_start, near_start), candidate.start)
            and not _PENALTY_AFTER.match(after)) or _REFUND_AFTER.match(after):
        return REFUND_OR_DEPOSIT
    if _DAILY.match(after) or _PER_UNIT_BEFORE.search(before):
        return OTHER
    if _CAP_AFTER.match(after) or _CAP_BEFORE.search(text[max(near_start, candidate.start - 40):candidate.start]) \
            or _PER_UNIT_AFTER.match(after) or _CAP_NOUN_AFTER.match(after):
        # The maximum that was imposed is the fine ("a maximum fine of £500,000, which it levied",
        # 顶格50万元, 达50万元上限的顶格罚单).
        imposed = _IMPOSED_AFTER.match(after) or _CAP_IMPOSED.search(text, clause_start, clause_end)
        return FINE if imposed and verdict is not None and verdict.metric == "fine_amount" else MAXIMUM
    if _AVERAGE_BEFORE.search(before):
        return OTHER
    # The intention governs every amount it lists ("intends to fine A £183m and B £99m").
    if _FACES_BEFORE.search(before):
        # What a company faces ("BA faces a record £183m fine") is not yet imposed.
        return PROPOSED
    if _DOWN_FROM.search(before) and _PENALTY_AFTER.match(after):
        # "lowered its fine to £18.4m, down from a £99 million fine": the fine before a reduction;
        # "down from $5m in 2022" compares totals and stays what it is.
        return PROPOSED
    if _REDUCED_TO.search(before) and verdict is not None and verdict.metric == "fine_amount":
        # "reduced from £183 million to £20 million": the amount it was reduced to is the fine.
        return FINE
    if _PROPOSED.search(text, max(clause_start, candidate.start - 80), min(clause_end, candidate.end + 30)):
        return PROPOSED
    if verdict is not None and verdict.metric == "fine_amount":
        return FINE
    return OTHER


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
    merge: bool = True,
) -> list[Figure]:
    """Every figure in ``prepared``, in text order, one per fact: a figure stated again (a
    headline repeating the body, an amount restated in another currency) is one ``Figure``
    whose ``other_spans`` hold the repeats. With ``merge=False`` repeats stay separate figures
    (restatements in another currency are still folded), for a caller that sets ``party``
    first and then applies :func:`merge_repeats`. ``published`` resolves relative periods; without it
    they stay unresolved. ``amounts`` are ``find_amounts(prepared.text)`` when the caller has
    them already."""
    catalogue = catalogue or _builtin_catalogue()
    publication = published.date() if isinstance(published, datetime) else published
    period_mentions = find_period_mentions(prepared.text, publication)
    periods = SortedSpans(period_mentions, _start, _end)
    carried_periods = SortedSpans([m for m in period_mentions if m.carries], _start, _end)
    scopes = SortedSpans(find_scope_mentions(prepared.text), _start, _end)
    if amounts is None:
        amounts = find_amounts(prepared.text)
    candidates = _candidates(prepared, catalogue, amounts)
    converted = _conversions(prepared, candidates)
    drafts: list[_Draft] = []
    restated: list[tuple[int, tuple[int, int]]] = []
    previous: int | None = None
    # The next count or amount that is not a restatement, for each candidate.
    next_start: list[int | None] = [None] * len(candidates)
    upcoming: int | None = None
    for index in range(len(candidates) - 1, -1, -1):
        next_start[index] = upcoming
        if index not in converted:
            upcoming = candidates[index].start
    for index, candidate in enumerate(candidates):
        if index in converted:
            restated.append((converted[index], (candidate.start, candidate.end)))
            continue
        following = next_start[index]
        verdict = _classify(prepared, catalogue, candidate, following, previous)
        previous = candidate.end
        role = None
        if candidate.currency is not None:
            role = _money_role(prepared, candidate, verdict)
        if verdict is None and candidate.numeral_only:
            continue
        metric = verdict.metric if verdict else None
        if metric == "fine_amount" and role not in FINE_ROLES:
            metric = None
        if metric is not None and candidate.currency is None and _parties_of_an_amount(prepared, candidate, amounts):
            metric = None
        start, end = candidate.start, candidate.end
        if verdict is not None and metric is not None:
            for span_start, span_end in verdict.spans:
                start, end = min(start, span_start), max(end, span_end)
        clause = prepared.clause_at(candidate.start)
        period_mention = _mention_for(periods, carried_periods, clause, candidate.start)
        period = period_mention.period if period_mention else None
        if candidate.currency is not None and period is not None \
                and not _money_covers_period(prepared, candidate, period_mention):
            period = None
        scope_mention = _mention_for(scopes, scopes, clause, candidate.start)
        drafts.append(_Draft(index, candidate, metric, role, start, end,
                             str(period) if period else None,
                             scope_mention.scope if scope_mention else None))
    by_index = {draft.index: draft for draft in drafts}
    for index, span in restated:
        if index in by_index:
            by_index[index].other_spans.append(span)
    _link_parts(prepared, drafts)
    figures = [_figure(prepared, catalogue, draft) for draft in drafts]
    return merge_repeats(figures) if merge else figures


@dataclass
class _Draft:
    index: int
    candidate: _Candidate
    metric: str | None
    role: str | None
    start: int
    end: int
    period: str | None
    scope: str | None
    other_spans: list[tuple[int, int]] = field(default_factory=list)
    part_of: _Draft | None = None


def _parties_of_an_amount(prepared: PreparedText, candidate: _Candidate, amounts: Sequence[AmountMatch]) -> bool:
    """A count whose clause gives each counted party an amount ("对三家分别处以50万元罚款",
    "fined the three firms €5m each") lists one decision's parties: it is no count of sites
    fined over a period."""
    clause_start, clause_end = prepared.clause_at(candidate.start)
    if not _DISTRIBUTIVE.search(prepared.text, clause_start, clause_end):
        return False
    return any(clause_start <= amount.start < clause_end for amount in amounts)


def _figure(prepared: PreparedText, catalogue: MetricCatalogue, draft: _Draft) -> Figure:
    original_start, original_end = prepared.original_span(draft.start, draft.end)
    others = tuple(prepared.original_span(start, end) for start, end in draft.other_spans)
    part_of = prepared.original_span(draft.part_of.start, draft.part_of.end)[0] if draft.part_of else None
    candidate = draft.candidate
    return Figure(
        metric=draft.metric,
        value=candidate.value,
        unit=candidate.unit,
        currency=candidate.currency,
        period=draft.period,
        scope=draft.scope,
        start=original_start,
        end=original_end,
        text=prepared.original[original_start:original_end],
        sentence=prepared.original_sentence(candidate.start),
        extractor_version=catalogue.version,
        role=draft.role,
        other_spans=others,
        part_of=part_of,
    )


def _conversions(prepared: PreparedText, candidates: Sequence[_Candidate]) -> dict[int, int]:
    """Amounts that restate another amount in a second currency ("3.4 billion yuan (about $533
    million)"), each mapped to the amount it restates; an amount elsewhere equal to such a
    restatement, or the same rounded (a headline giving only the converted amount), maps there
    too."""
    converted: dict[int, int] = {}
    previous: int | None = None
    for index, candidate in enumerate(candidates):
        if candidate.currency is None:
            continue
        if previous is not None:
            before = candidates[previous]
            if (before.currency != candidate.currency
                    and _CONVERSION_GAP.fullmatch(prepared.text, before.end, candidate.start)):
                converted[index] = converted.get(previous, previous)
        previous = index
    restatements = [(candidates[index].currency, candidates[index].value, target)
                    for index, target in converted.items()]
    for index, candidate in enumerate(candidates):
        if candidate.currency is None or index in converted:
            continue
        for currency, value, target in restatements:
            # Headlines round the conversion ("$1.2 billion" for "(about $1.19 billion)").
            if currency == candidate.currency and abs(Decimal(candidate.value) - Decimal(value)) <= Decimal(value) * _ROUNDING:
                converted[index] = target
                break
    return converted


_ROUNDING = Decimal("0.03")


def _money_covers_period(prepared: PreparedText, candidate: _Candidate, mention: PeriodMention | None) -> bool:
    """A single decision's amount covers no period (it is dated by the decision); only an
    amount summed or repeated over a stated span ("1月至11月…多次予以罚款…累计罚款900万元") does."""
    if mention is None or mention.period is None:
        return False
    sentence_start, sentence_end = prepared.sentence_at(candidate.start)
    if not sentence_start <= mention.start < sentence_end:
        return False
    clause_start, _ = prepared.clause_at(candidate.start)
    if _ACCUMULATED.search(prepared.text, clause_start, candidate.end):
        return True
    # "办结案件24件，罚款428万元", "closed 310 cases, with fines of $2m": the cases' fines summed.
    return bool(_CASES_COUNTED.search(prepared.text, max(sentence_start, mention.end), candidate.start))


_ACCUMULATED = re.compile(
    r"累计|总计|合计|共计|总额|多次|total|combined|altogether|cumulative|so\s+far|repeatedly")
_CASES_COUNTED = re.compile(r"案件?[^，,。；;\d]{0,6}\d[\d,]*\s*[件起宗]|\d[\d,]*\s*(?:[件起宗]案|cases\b)")


def _link_parts(prepared: PreparedText, drafts: list[_Draft]) -> None:
    """An amount equal to the sum of two or three other amounts of the same currency is their
    total ("$170 million: $136 million to one agency and $34 million to another") when it says
    it is a total (totalling, in fines, settlement, 合计) or is stated first with its parts in
    the next few sentences; amounts of a list that happen to add up are no total. The total
    keeps the metric only when every part is a fine, and only then are its parts ``part``."""
    money = [d for d in drafts
             if d.candidate.currency is not None and d.role in (FINE, REFUND_OR_DEPOSIT, CONFISCATED, OTHER)]
    if len(money) < 3 or len(money) > 40:
        return
    for total in sorted(money, key=lambda d: d.candidate.value, reverse=True):
        if total.part_of is not None or total.role == PART or total.role not in (FINE, OTHER):
            continue
        said = _says_total(prepared, total)
        sentence = prepared.sentence_index(total.candidate.start)
        others = [d for d in money if d is not total and d.candidate.currency == total.candidate.currency
                  and d.candidate.value < total.candidate.value and d.part_of is None and d.role != TOTAL
                  and (said or (d.candidate.start > total.candidate.end
                                and prepared.sentence_index(d.candidate.start) - sentence <= 2))]
        # The nearest few amounts only: a table of forty amounts must not cost 40³ sums.
        others = sorted(others, key=lambda d: abs(d.candidate.start - total.candidate.start))[:_NEAREST_PARTS]
        parts = _summing_to(total.candidate.value, others)
        if parts is None:
            continue
        fines = all(part.role == FINE for part in parts)
        if total.role not in (FINE, OTHER) or not (fines or any(part.role == FINE for part in parts)):
            continue
        total.role = TOTAL
        total.metric = "fine_amount" if fines else None
        for part in parts:
            part.part_of = total
            # A fine inside a total that is no fine (罚没款合计, a settlement with refunds) is
            # the only statement of that fine: it stays a fine.
            if fines:
                part.role = PART


_NEAREST_PARTS = 12


def _says_total(prepared: PreparedText, total: _Draft) -> bool:
    """The amount says it is a total (totalling, in fines, settlement, 合计)."""
    text = prepared.text
    start, end = total.candidate.start, total.candidate.end
    return bool(_TOTAL_BEFORE.search(text, max(0, start - 30), start) or _TOTAL_AFTER.match(text, end))


def _summing_to(value: int | Decimal, drafts: Sequence[_Draft]) -> tuple[_Draft, ...] | None:
    """Two, else three, of ``drafts`` with distinct values summing to ``value``."""
    by_value: dict[int | Decimal, _Draft] = {}
    for draft in drafts:
        by_value.setdefault(draft.candidate.value, draft)
    values = list(by_value)
    for index, first in enumerate(values):
        rest = value - first
        if rest in by_value and rest != first and values.index(rest) > index:
            return by_value[first], by_value[rest]
    for index, first in enumerate(values):
        for second in values[index + 1:]:
            rest = value - first - second
            if rest in by_value and rest not in (first, second) and values.index(rest) > values.index(second):
                return by_value[first], by_value[second], by_value[rest]
    return None


# Words that give one amount to several parties ("500,000 yuan each"): the same amount twice is
# then two figures, not a repeat. Read on the original sentence, so in both scripts.
_DISTRIBUTIVE = re.compile(r"\beach\b|apiece|respectively|分[别別]|各(?:[处處罚罰被自])|均(?:[被处處罚罰])|每家",
                           re.IGNORECASE)


def merge_repeats(figures: Sequence[Figure]) -> list[Figure]:
    """One figure per fact: a later figure with the same metric, role, value (also the same
    rounded: a headline's 3.44 billion for 3.442, 3,900 websites for 3,912; or a qualified round
    number near it: "nearly 4,000"), unit and party as an earlier one, and a period and scope that agree with it (equal, or not stated in one of
    them: a headline states less), is a repeat of it (a headline, a caption, a summary). Its
    spans join the earlier figure's ``other_spans`` and what it states (a period, a scope, a
    party) fills the earlier one's gaps. Figures without a metric or role, equal amounts in one
    sentence and amounts given to each of several parties are never merged. Idempotent;
    ``find_figures`` applies it, and a step that sets ``party`` afterwards may apply it again."""
    kept: list[Figure] = []
    earlier: dict[tuple[object, ...], list[int]] = {}
    for figure in figures:
        if figure.metric is None and figure.role is None:
            kept.append(figure)
            continue
        exact = (figure.metric, figure.role, figure.value, figure.unit)
        same = earlier.setdefault(exact, [])
        index = next((i for i in same if _agree(kept[i], figure)), None)
        if index is None:
            index = next((i for i, other in enumerate(kept)
                          if (other.metric, other.role, other.unit) == exact[:2] + exact[3:]
                          and _rounded(other.value, figure.value) and _agree(other, figure)), None)
        approximated = False
        if index is None:
            index = next((i for i, other in enumerate(kept)
                          if (other.metric, other.role, other.unit) == exact[:2] + exact[3:]
                          and _approximates(other, figure) and _agree(other, figure)), None)
            approximated = index is not None
        if index is None or _distributive(kept[index]) or _distributive(figure) \
                or (not approximated and _same_sentence(kept[index], figure)):
            same.append(len(kept))
            kept.append(figure)
            continue
        first = kept[index]
        if _significant(Decimal(figure.value)) > _significant(Decimal(first.value)):
            # The precise statement (the body's 3.442 billion) is the figure; the rounded one a repeat.
            first, figure = replace(figure, other_spans=()), replace(first, other_spans=(
                *first.other_spans, *figure.other_spans))
        kept[index] = replace(
            first,
            other_spans=(*first.other_spans, (figure.start, figure.end), *figure.other_spans),
            period=first.period or figure.period,
            scope=first.scope or figure.scope,
            party=first.party or figure.party,
        )
    return sorted(kept, key=lambda figure: figure.start)


def _rounded(first: int | Decimal, second: int | Decimal) -> bool:
    """One amount is the other rounded or cut to the digits it is written with (a headline's
    "3.44 billion yuan" for the body's 3.442 billion, "£1.2m" for £1.25 million); at least two
    significant digits."""
    a, b = Decimal(first), Decimal(second)
    if a == b or a <= 0 or b <= 0:
        return a == b
    short, long = (a, b) if _significant(a) <= _significant(b) else (b, a)
    digits = _significant(short)
    if digits < 2 or digits == _significant(long):
        return False
    step = Decimal(1).scaleb(long.adjusted() - digits + 1)
    return short in (long.quantize(step, rounding=ROUND_HALF_UP), long.quantize(step, rounding=ROUND_DOWN))


# A qualified round number ("nearly 3,000 websites", "more than 100,000 accounts", 近3000家,
# 4000余家) restates a precise figure of the same fact that lies within a tenth of it.
_QUALIFIER_BEFORE = re.compile(
    r"(?:nearly|almost|about|around|approximately|roughly|over|more\s+than|close\s+to|upwards\s+of|some"
    r"|近|约|超过|逾|超)\s*(?:the\s+)?(?:[$€£¥]|rmb|usd|eur|gbp|cny|人民币)?\s*$", re.IGNORECASE)
_QUALIFIER_AFTER = re.compile(r"[万亿千百]?\s*(?:余|多)")
_APPROXIMATION = Decimal("0.1")


def _approximates(first: Figure, second: Figure) -> bool:
    a, b = Decimal(first.value), Decimal(second.value)
    if a <= 0 or b <= 0 or a == b:
        return False
    rough = first if _significant(a) < _significant(b) else second
    if _significant(Decimal(rough.value)) > 2 or not _qualified(rough):
        return False
    return abs(a - b) <= max(a, b) * _APPROXIMATION


def _qualified(figure: Figure) -> bool:
    at = figure.sentence.find(figure.text)
    lead = figure.sentence[max(0, at - 30):at] if at >= 0 else ""
    number = _FIRST_DIGIT.search(figure.text)
    if number is None:
        return False
    head = lead + figure.text[:number.start()]
    return bool(_QUALIFIER_BEFORE.search(head) or _QUALIFIER_AFTER.match(figure.text, number.end()))


_FIRST_DIGIT = re.compile(r"[\d一二三四五六七八九十两][\d.,一二三四五六七八九十两〇零]*")


def _significant(value: Decimal) -> int:
    return len(value.normalize().as_tuple().digits)


def _agree(first: Figure, second: Figure) -> bool:
    """Periods and parties agree when equal or one is unstated; scopes also when both are
    national (a headline's 国家网信办 and the body's 全国网信系统), never across provinces."""
    if not (None in (first.period, second.period) or first.period == second.period):
        return False
    if not (None in (first.party, second.party) or first.party == second.party):
        return False
    if None in (first.scope, second.scope) or first.scope == second.scope:
        return True
    return not any(scope.startswith("province:") for scope in (first.scope, second.scope) if scope)


def _same_sentence(first: Figure, second: Figure) -> bool:
    # Two equal amounts in one sentence are two parties' ("对甲罚款50万元，对乙罚款50万元").
    return first.sentence == second.sentence and abs(first.start - second.start) < len(first.sentence)


def _distributive(figure: Figure) -> bool:
    """The figure's own clause gives its amount to each of several parties ("各处100万元罚款",
    "fined €5m each"); another clause's 各 in the sentence is about other amounts."""
    sentence = figure.sentence
    at = sentence.find(figure.text)
    if at < 0:
        return bool(_DISTRIBUTIVE.search(sentence))
    start = max((sentence.rfind(mark, 0, at) for mark in "，,；;。"), default=-1) + 1
    end = _CLAUSE_END.search(sentence, at + len(figure.text))
    return bool(_DISTRIBUTIVE.search(sentence, start, end.start() if end else len(sentence)))


_CLAUSE_END = re.compile(r"[，；;。]|,(?!\d{3})")


