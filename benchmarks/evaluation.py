"""The extractor scored against independently annotated real texts (../shared/devcorpus/).

``python -m benchmarks evaluate [--corpus DIR] [--json] [--case ID] [--verbose]``, or the file
itself, ``python benchmarks/evaluation.py …``: it imports only the standard library and
``diffing``, so ``PYTHONPATH=/path/to/another/checkout python benchmarks/evaluation.py`` scores
that checkout's extractor. The scoring rules are in EVALUATION.md.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import diffing
from diffing.chinese import to_simplified
from diffing.extract import Extraction, extract
from diffing.figures import Figure
from diffing.platforms import PlatformMention

# The corpus lives beside the checkout (../shared/devcorpus/ from the repository root), never
# inside it: the texts are third-party pages.
DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "devcorpus"
LANGUAGES = ("zh-Hans", "zh-Hant", "en")

# A predicted money figure whose role contains one of these words says the amount is context
# (the base of a percentage fine, a proposal, a legal maximum, a refund or deposit, a currency
# conversion, a per-day penalty), not a penalty imposed: it is not an enforcement figure.
CONTEXT_ROLE_WORDS = ("base", "propos", "intend", "intent", "max", "cap", "refund", "deposit",
                      "conversion", "converted", "periodic", "per_day", "revenue", "turnover")

# What a not_figures reason is about, by the first word found in it (for the wrong-role table).
NOT_FIGURE_KINDS = (
    ("sales_base", ("sales base", "turnover", "revenue", "sales")),
    ("rate", ("rate", "percentage")),
    ("refund_or_deposit", ("refund", "deposit", "compensation", "redress", "settlement")),
    ("proposed", ("propos", "intend", "intent", "sought", "could", "would")),
    ("maximum", ("maximum", "up to", "cap", "limit", "ceiling")),
    ("conversion", ("conversion", "convert", "equivalent", "about $", "in dollars")),
    ("periodic_penalty", ("per day", "daily", "periodic")),
)


# --- the corpus --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True)
class GoldFigure:
    metric: str
    value: Decimal
    unit: str  # a measure word for counts, an ISO code for money
    period: str | None
    party: str | None
    text: str
    spans: tuple[Span, ...]  # every occurrence of the span and of its other_spans
    approximate: bool = False

    @property
    def key(self) -> tuple[str, Decimal, str]:
        return (self.metric, self.value, self.unit)


@dataclass(frozen=True)
class GoldPlatform:
    identity: str  # the registry or proposed id; ``name:<x>`` ids are the normalised name
    names: frozenset[str]  # normalised names as written
    action: str


@dataclass(frozen=True)
class NotFigure:
    text: str
    why: str
    kind: str
    spans: tuple[Span, ...]


@dataclass
class Case:
    id: str
    language: str
    published: date
    text: str
    figures: list[GoldFigure] = field(default_factory=list)
    platforms: list[GoldPlatform] = field(default_factory=list)
    platform_ids: dict[str, str] = field(default_factory=dict)  # normalised name → id
    not_figures: list[NotFigure] = field(default_factory=list)
    uncatalogued: list[tuple[str, tuple[Span, ...]]] = field(default_factory=list)
    not_platforms: list[tuple[str, tuple[Span, ...]]] = field(default_factory=list)


def normalised_name(name: str) -> str:
    """A name compared across scripts and cases: Simplified, case-folded, without spaces."""
    return re.sub(r"\s+", "", to_simplified(name)[0].casefold())


def _occurrences(text: str, needle: str) -> tuple[Span, ...]:
    spans, start = [], text.find(needle) if needle else -1
    while start >= 0:
        spans.append(Span(start, start + len(needle)))
        start = text.find(needle, start + 1)
    return tuple(spans)


def _not_figure_kind(why: str) -> str:
    lowered = why.casefold()
    for kind, words in NOT_FIGURE_KINDS:
        if any(word in lowered for word in words):
            return kind
    return "other"


def cases_directory(corpus: Path) -> Path:
    """``corpus/cases`` when there is one, else ``corpus`` itself."""
    return corpus / "cases" if (corpus / "cases").is_dir() else corpus


def load_case(path: Path) -> Case:
    document = json.loads(path.read_text("utf-8"))
    text = document["text"]
    case = Case(document["id"], document["language"], date.fromisoformat(document["published"]),
                text)
    for entry in document.get("figures", []):
        spans = _occurrences(text, entry["text"])
        for other in entry.get("other_spans", []):
            spans += _occurrences(text, other)
        case.figures.append(GoldFigure(
            metric=entry["metric"],
            value=Decimal(str(entry["value"])),
            unit=entry["unit_or_currency"],
            period=entry.get("period"),
            party=entry.get("party"),
            text=entry["text"],
            spans=spans,
            approximate=bool(entry.get("approximate")),
        ))
    by_identity: dict[tuple[str, str], set[str]] = {}
    for entry in document.get("platforms", []):
        name = normalised_name(entry["name"])
        identity = entry["id"]
        if identity.startswith("name:"):
            identity = "name:" + normalised_name(identity.removeprefix("name:"))
        else:
            case.platform_ids[name] = identity
        by_identity.setdefault((identity, entry["action"]), set()).add(name)
    case.platforms = [GoldPlatform(identity, frozenset(names), action)
                      for (identity, action), names in by_identity.items()]
    reasons = document.get("not_figures_why", {})
    for span_text in document.get("not_figures", []):
        why = reasons.get(span_text, "")
        case.not_figures.append(NotFigure(span_text, why, _not_figure_kind(why),
                                          _occurrences(text, span_text)))
    case.uncatalogued = [(entry["text"], _occurrences(text, entry["text"]))
                         for entry in document.get("uncatalogued_figures", [])]
    case.not_platforms = [(entry["name"], _occurrences(text, entry["name"]))
                          for entry in document.get("not_platforms", [])]
    return case


def load_cases(corpus: Path, only: Sequence[str] = ()) -> list[Case]:
    """The cases of ``corpus`` (a directory of ``<id>.json``, or one holding ``cases/``), sorted
    by id; ``only`` keeps the named ones. Raises ``FileNotFoundError`` when there are none."""
    directory = cases_directory(corpus)
    paths = sorted(directory.glob("*.json"))
    if not paths:
        raise FileNotFoundError(f"no cases (*.json) in {directory}")
    cases = [load_case(path) for path in paths]
    if only:
        unknown = set(only) - {case.id for case in cases}
        if unknown:
            raise FileNotFoundError(f"no such case in {directory}: {', '.join(sorted(unknown))}")
        cases = [case for case in cases if case.id in only]
    return cases


# --- periods -----------------------------------------------------------------------------------

_PERIOD_POINT = re.compile(r"(\d{4})(?:-(?:(H[12])|(Q[1-4])|(\d{2})(?:-(\d{2}))?))?")


def _period_bounds(text: str) -> tuple[date, date] | None:
    match = _PERIOD_POINT.fullmatch(text.strip())
    if not match:
        return None
    year = int(match.group(1))
    half, quarter, month, day = match.group(2, 3, 4, 5)
    if day:
        point = date(year, int(month), int(day))
        return point, point
    if month:
        first_month = last_month = int(month)
    elif half:
        first_month, last_month = (1, 6) if half == "H1" else (7, 12)
    elif quarter:
        last_month = int(quarter[1]) * 3
        first_month = last_month - 2
    else:
        first_month, last_month = 1, 12
    next_month = date(year + last_month // 12, last_month % 12 + 1, 1)
    return date(year, first_month, 1), next_month - timedelta(days=1)


PERIOD_MAPPING = ("extractor 2023 = gold 2023 = 2023-01..2023-12; 2023-H1 = 2023-01..2023-06; "
                  "2023-Q3 = 2023-07..2023-09; a range covers its first to its last day")


def period_interval(period: str | None) -> tuple[date, date] | str | None:
    """A period as the days it covers, so ``2020-Q3`` and ``2020-07..2020-09`` agree, as do
    ``2023`` and ``2023-01..2023-12``; text that is no period is returned as it is."""
    if period is None:
        return None
    first, _, last = period.partition("..")
    start = _period_bounds(first)
    end = _period_bounds(last) if last else start
    if start is None or end is None:
        return period
    return start[0], end[1]


# --- scoring -----------------------------------------------------------------------------------


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    def add(self, other: Score) -> None:
        self.true_positives += other.true_positives
        self.false_positives += other.false_positives
        self.false_negatives += other.false_negatives

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        gold = self.true_positives + self.false_negatives
        return self.true_positives / gold if gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4), "recall": round(self.recall, 4),
            "f1": round(self.f1, 4), "tp": self.true_positives, "fp": self.false_positives,
            "fn": self.false_negatives,
        }


def figure_role(figure: Figure) -> str | None:
    role = getattr(figure, "role", None)
    return None if role is None else str(getattr(role, "value", role))


def figure_party(figure: Figure) -> str | None:
    party = getattr(figure, "party", None)
    if party is None or isinstance(party, str):
        return party
    return getattr(party, "id", None) or getattr(party, "name", None) or str(party)


def is_context_role(role: str | None) -> bool:
    return role is not None and any(word in role.casefold() for word in CONTEXT_ROLE_WORDS)


def predicted_key(figure: Figure) -> tuple[str | None, Decimal, str]:
    return (figure.metric, Decimal(str(figure.value)), figure.currency or figure.unit)


def _figure_line(figure: Figure) -> str:
    extra = [f"period={figure.period}"]
    if figure_role(figure) is not None:
        extra.append(f"role={figure_role(figure)}")
    if figure_party(figure) is not None:
        extra.append(f"party={figure_party(figure)}")
    return (f"{figure.metric} {_decimal_text(Decimal(str(figure.value)))} "
            f"{figure.currency or figure.unit} «{figure.text}» @{figure.start} {' '.join(extra)}")


def _gold_line(gold: GoldFigure) -> str:
    return (f"{gold.metric} {_decimal_text(gold.value)} {gold.unit} «{gold.text}» "
            f"period={gold.period} party={gold.party}")


def _decimal_text(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")


@dataclass
class CaseResult:
    """One case's matches and errors (each error a line a developer can act on)."""

    case: Case
    figures: Score = field(default_factory=Score)
    figures_by_metric: dict[str, Score] = field(default_factory=dict)
    platforms: Score = field(default_factory=Score)
    platforms_by_action: dict[str, Score] = field(default_factory=dict)
    identified: Score = field(default_factory=Score)
    matched: list[tuple[GoldFigure, Figure]] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    roles: dict[str, Counter[str]] = field(default_factory=dict)  # predicted role → outcome
    wrong_role_kinds: Counter[str] = field(default_factory=Counter)
    lines: list[str] = field(default_factory=list)

    def metric_score(self, metric: str | None) -> Score:
        return self.figures_by_metric.setdefault(metric or "(none)", Score())

    def action_score(self, action: str) -> Score:
        return self.platforms_by_action.setdefault(action, Score())

    def error(self, kind: str, line: str) -> None:
        self.errors[kind] += 1
        self.lines.append(f"{kind}: {line}")


class Located(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


def _overlapping(spans: Iterable[Span], found: Located) -> bool:
    return any(span.overlaps(found.start, found.end) for span in spans)


def _overlap(spans: Iterable[Span], found: Located) -> int:
    return max((min(s.end, found.end) - max(s.start, found.start) for s in spans), default=0)


def _most_overlapped(not_figures: Sequence[NotFigure], found: Located) -> NotFigure | None:
    """The not-figure span sharing most characters with ``found`` (a predicted span can run
    over a rate into the sales base it is the rate of)."""
    best = max(not_figures, key=lambda n: _overlap(n.spans, found), default=None)
    return best if best is not None and _overlap(best.spans, found) > 0 else None


def score_figures(case: Case, extraction: Extraction, result: CaseResult) -> None:
    """Figures: a prediction matches a gold figure with the same metric, value and unit, each
    gold at most once; one overlapping the gold's spans takes it first."""
    claims = [f for f in extraction.figures
              if f.metric is not None and not is_context_role(figure_role(f))]
    unmatched_gold = list(case.figures)
    taken: dict[int, GoldFigure] = {}
    for overlap_needed in (True, False):
        for index, figure in enumerate(claims):
            if index in taken:
                continue
            for gold in unmatched_gold:
                if gold.key == predicted_key(figure) and (
                        not overlap_needed or _overlapping(gold.spans, figure)):
                    taken[index] = gold
                    unmatched_gold.remove(gold)
                    break
    for index, figure in enumerate(claims):
        role = figure_role(figure) or "(none)"
        outcomes = result.roles.setdefault(role, Counter()) if figure.currency else None
        match = taken.get(index)
        if match is not None:
            result.figures.true_positives += 1
            result.metric_score(match.metric).true_positives += 1
            result.matched.append((match, figure))
            if outcomes is not None:
                outcomes["matched"] += 1
            continue
        result.figures.false_positives += 1
        result.metric_score(figure.metric).false_positives += 1
        if outcomes is not None:
            outcomes["spurious"] += 1
        not_figure = _most_overlapped(case.not_figures, figure)
        if not_figure is not None:
            result.error("not-figure extracted",
                         f"{_figure_line(figure)} on «{not_figure.text}» ({not_figure.why})")
            if figure.currency and figure.metric == "fine_amount":
                result.error("wrong role", f"{_figure_line(figure)} is a {not_figure.kind}")
                result.wrong_role_kinds[not_figure.kind] += 1
                if outcomes is not None:
                    outcomes["spurious on a not-figure"] += 1
        elif any(g.key == predicted_key(figure) for g in case.figures):
            result.error("duplicate", _figure_line(figure))
        elif any((g.value, g.unit) == predicted_key(figure)[1:] for g in unmatched_gold):
            result.error("wrong metric", _figure_line(figure))
        elif any(_overlapping(spans, figure) for _, spans in case.uncatalogued):
            result.error("uncatalogued extracted", _figure_line(figure))
        else:
            result.error("spurious", _figure_line(figure))
    context = [f for f in extraction.figures if is_context_role(figure_role(f))]
    for gold in unmatched_gold:
        result.figures.false_negatives += 1
        result.metric_score(gold.metric).false_negatives += 1
        mislabelled = next((f for f in context if predicted_key(f)[1:] == (gold.value, gold.unit)),
                           None)
        unclassified = next((f for f in extraction.figures if f.metric is None
                             and predicted_key(f)[1:] == (gold.value, gold.unit)), None)
        if mislabelled is not None:
            result.error("wrong role", f"{_figure_line(mislabelled)} is the fine {_gold_line(gold)}")
            result.wrong_role_kinds["fine given a context role"] += 1
            result.roles.setdefault(figure_role(mislabelled) or "(none)", Counter())[
                "is a gold fine"] += 1
        elif unclassified is not None:
            result.error("missed (found without a metric)", _gold_line(gold))
        else:
            result.error("missed", _gold_line(gold))
    for figure in context:
        outcomes = result.roles.setdefault(figure_role(figure) or "(none)", Counter())
        if any(_overlapping(n.spans, figure) for n in case.not_figures):
            outcomes["context on a not-figure"] += 1
        else:
            outcomes["context elsewhere"] += 1
    for gold, figure in result.matched:
        if period_interval(gold.period) != period_interval(figure.period):
            result.lines.append(f"wrong period: {_gold_line(gold)} predicted {figure.period}")
        if hasattr(figure, "party") and not party_agrees(case, gold.party, figure_party(figure)):
            result.lines.append(f"wrong party: {_gold_line(gold)} predicted {figure_party(figure)}")


def party_agrees(case: Case, gold: str | None, predicted: str | None) -> bool:
    """The predicted party (a registry id or a name) names the gold party (a name as written):
    the same normalised name, one name inside the other, or the id the case's platforms give a
    name that is inside or around the gold party."""
    if gold is None or predicted is None:
        return gold is None and predicted is None
    gold_name, predicted_name = normalised_name(gold), normalised_name(predicted)
    if gold_name == predicted_name or (predicted_name and predicted_name in gold_name):
        return True
    return any(identity.casefold() == predicted_name and (name in gold_name or gold_name in name)
               for name, identity in case.platform_ids.items())


@dataclass(frozen=True)
class PredictedPlatform:
    identity: str | None  # the registry id
    name: str  # normalised
    action: str
    mentions: tuple[PlatformMention, ...]

    def is_(self, gold: GoldPlatform) -> bool:
        return (self.identity is not None and self.identity == gold.identity) or (
            self.name in gold.names or f"name:{self.name}" == gold.identity)


def predicted_platforms(mentions: Sequence[PlatformMention]) -> list[PredictedPlatform]:
    """One entry per (platform, action): every action any mention of it has, else ``named``."""
    groups: dict[str, list[PlatformMention]] = {}
    for mention in mentions:
        key = mention.id if mention.id is not None else "name:" + normalised_name(mention.name)
        groups.setdefault(key, []).append(mention)
    entries = []
    for group in groups.values():
        actions: set[str] = set()
        for mention in group:
            actions.update(mention.actions or ((mention.action,) if mention.action else ()))
        for action in sorted(actions or {"named"}):
            entries.append(PredictedPlatform(group[0].id, normalised_name(group[0].name), action,
                                             tuple(group)))
    return entries


def _match(predicted: Sequence[PredictedPlatform], gold: Sequence[GoldPlatform],
           with_action: bool) -> tuple[list[tuple[PredictedPlatform, GoldPlatform]],
                                       list[PredictedPlatform], list[GoldPlatform]]:
    left = list(gold)
    pairs, spurious = [], []
    for entry in predicted:
        found = next((g for g in left if entry.is_(g) and (not with_action
                                                          or g.action == entry.action)), None)
        if found is None:
            spurious.append(entry)
        else:
            left.remove(found)
            pairs.append((entry, found))
    return pairs, spurious, left


def _unique(entries: Iterable[Any], key: Any) -> list[Any]:
    seen: dict[Any, Any] = {}
    for entry in entries:
        seen.setdefault(key(entry), entry)
    return list(seen.values())


def score_platforms(case: Case, extraction: Extraction, result: CaseResult) -> None:
    """Platforms: a predicted (platform, action) matches a gold entry with the same action and
    the same registry id, or the same name (Simplified, case-folded) as written."""
    predicted = predicted_platforms(extraction.platforms)
    pairs, spurious, missed = _match(predicted, case.platforms, with_action=True)
    for entry, _ in pairs:
        result.platforms.true_positives += 1
        result.action_score(entry.action).true_positives += 1
    for entry in spurious:
        result.platforms.false_positives += 1
        result.action_score(entry.action).false_positives += 1
        label = f"{entry.identity or 'name:' + entry.name} {entry.action}"
        if any(_overlapping(spans, mention) for _, spans in case.not_platforms
               for mention in entry.mentions):
            result.error("not-platform extracted", label)
        elif any(entry.is_(g) for g in case.platforms):
            result.error("platform wrong action", label)
        else:
            result.error("platform spurious", label)
    for gold in missed:
        result.platforms.false_negatives += 1
        result.action_score(gold.action).false_negatives += 1
        result.error("platform missed", f"{gold.identity} {gold.action} ({', '.join(sorted(gold.names))})")
    # Identified regardless of action: one entry per platform on each side.
    platforms = _unique(predicted, lambda p: (p.identity, p.name))
    golds = _unique(case.platforms, lambda g: g.identity)
    pairs, spurious, missed = _match(platforms, golds, with_action=False)
    result.identified.true_positives += len(pairs)
    result.identified.false_positives += len(spurious)
    result.identified.false_negatives += len(missed)


def score_case(case: Case, extraction: Extraction | None = None) -> CaseResult:
    """One case scored: on ``extraction`` when given, else on what the extractor finds in it
    (with the case's publication date and language)."""
    if extraction is None:
        extraction = extract(case.text, published=case.published, language=case.language)
    result = CaseResult(case)
    score_figures(case, extraction, result)
    score_platforms(case, extraction, result)
    return result


# --- the report --------------------------------------------------------------------------------


def _sum(scores: Iterable[Score]) -> Score:
    total = Score()
    for score in scores:
        total.add(score)
    return total


def _extractor_origin() -> dict[str, Any]:
    """Which extractor was scored: its directory and that checkout's commit."""
    directory = Path(diffing.__file__).resolve().parent
    commit = diffing_commit = None
    try:
        completed = subprocess.run(["git", "-C", str(directory), "rev-parse", "--short", "HEAD"],
                                   capture_output=True, text=True, timeout=10, check=False)
        if completed.returncode == 0:
            commit = completed.stdout.strip()
            status = subprocess.run(["git", "-C", str(directory), "status", "--porcelain", "."],
                                    capture_output=True, text=True, timeout=10, check=False)
            if status.stdout.strip():
                commit += "+changes"
            last = subprocess.run(["git", "-C", str(directory), "log", "-1", "--format=%h", "--",
                                   "."], capture_output=True, text=True, timeout=10, check=False)
            diffing_commit = last.stdout.strip() or None
    except OSError:
        pass
    from diffing.figures import EXTRACTOR_VERSION

    return {"diffing": str(directory), "commit": commit, "diffing_commit": diffing_commit,
            "extractor_version": EXTRACTOR_VERSION}


def evaluate(cases: Sequence[Case]) -> tuple[dict[str, Any], list[CaseResult]]:
    """Every case scored; the summary is the ``--json`` object."""
    results = [score_case(case) for case in cases]
    figures = _sum(r.figures for r in results)
    by_language = {
        language: {
            "cases": sum(1 for r in results if r.case.language == language),
            "figures": _sum(r.figures for r in results if r.case.language == language).to_json(),
            "platforms": _sum(r.platforms for r in results
                              if r.case.language == language).to_json(),
            "identified": _sum(r.identified for r in results
                               if r.case.language == language).to_json(),
        }
        for language in LANGUAGES
    }
    metrics = sorted({m for r in results for m in r.figures_by_metric})
    by_metric = {m: _sum(r.figures_by_metric[m] for r in results if m in r.figures_by_metric)
                 for m in metrics}
    actions = sorted({a for r in results for a in r.platforms_by_action})
    by_action = {a: _sum(r.platforms_by_action[a] for r in results if a in r.platforms_by_action)
                 for a in actions}
    errors: Counter[str] = Counter()
    wrong_role_kinds: Counter[str] = Counter()
    for r in results:
        errors.update(r.errors)
        wrong_role_kinds.update(r.wrong_role_kinds)
    matched = [(gold, figure, r.case) for r in results for gold, figure in r.matched]
    periods_right = sum(period_interval(g.period) == period_interval(f.period)
                        for g, f, _ in matched)
    period_errors = Counter(
        "invented" if g.period is None else "missed" if f.period is None else "wrong"
        for g, f, _ in matched if period_interval(g.period) != period_interval(f.period))
    parties_predicted = any(hasattr(f, "party") for _, f, _ in matched)
    parties_right = sum(party_agrees(c, g.party, figure_party(f)) for g, f, c in matched)
    roles: dict[str, Counter[str]] = {}
    for r in results:
        for role, outcomes in r.roles.items():
            roles.setdefault(role, Counter()).update(outcomes)
    summary = {
        "benchmark": "evaluate",
        "headline": {  # what tests/test_devcorpus.py pins
            "figures_f1": figures.to_json()["f1"],
            "platforms_f1": _sum(r.platforms for r in results).to_json()["f1"],
            "platforms_identified_f1": _sum(r.identified for r in results).to_json()["f1"],
            "period_accuracy": round(periods_right / len(matched), 4) if matched else 1.0,
            "wrong_role": errors["wrong role"],
        },
        "extractor": _extractor_origin(),
        "cases": len(results),
        "gold_figures": sum(len(r.case.figures) for r in results),
        "gold_platforms": sum(len(r.case.platforms) for r in results),
        "figures": figures.to_json(),
        "figures_by_language": {k: v["figures"] for k, v in by_language.items()},
        "figures_by_metric": {k: v.to_json() for k, v in by_metric.items()},
        "periods": {
            "matched": len(matched), "right": periods_right,
            "accuracy": round(periods_right / len(matched), 4) if matched else 1.0,
            "errors": dict(period_errors),
            "mapping": PERIOD_MAPPING,
        },
        "money_roles": {role: dict(outcomes) for role, outcomes in sorted(roles.items())},
        "wrong_role": errors["wrong role"],
        "wrong_role_by_kind": dict(wrong_role_kinds),
        "parties": {
            "predicted": parties_predicted, "matched": len(matched),
            "right": parties_right if parties_predicted else None,
            "accuracy": (round(parties_right / len(matched), 4) if matched else 1.0)
            if parties_predicted else None,
            "gold_with_party": sum(1 for g, _, _ in matched if g.party is not None),
        },
        "platforms": _sum(r.platforms for r in results).to_json(),
        "platforms_by_language": {k: v["platforms"] for k, v in by_language.items()},
        "platforms_by_action": {k: v.to_json() for k, v in by_action.items()},
        "platforms_identified": _sum(r.identified for r in results).to_json(),
        "platforms_identified_by_language": {k: v["identified"] for k, v in by_language.items()},
        "cases_by_language": {k: v["cases"] for k, v in by_language.items()},
        "errors": dict(sorted(errors.items())),
    }
    return summary, results


def _score_row(name: str, score: dict[str, Any]) -> str:
    return (f"  {name:<28} {score['precision']:6.3f} {score['recall']:6.3f} {score['f1']:6.3f}"
            f"   {score['tp']:>4} {score['fp']:>4} {score['fn']:>4}")


def render(summary: dict[str, Any]) -> str:
    header = f"  {'':<28} {'P':>6} {'R':>6} {'F1':>6}   {'tp':>4} {'fp':>4} {'fn':>4}"
    origin = summary["extractor"]
    languages = ", ".join(f"{k} {v}" for k, v in summary["cases_by_language"].items())
    lines = [
        (f"extractor: {origin['diffing']} (checkout at {origin['commit']}, diffing/ last changed "
         f"in {origin['diffing_commit']}, version {origin['extractor_version']})"),
        (f"cases: {summary['cases']} ({languages}); gold figures {summary['gold_figures']}, "
         f"gold platform entries {summary['gold_platforms']}"),
        "headline: " + ", ".join(f"{k} {v}" for k, v in summary["headline"].items()),
        "",
        "figures" + header[7:],
        _score_row("all", summary["figures"]),
    ]
    lines += [_score_row(k, v) for k, v in summary["figures_by_language"].items()]
    lines += ["", "figures per metric" + header[18:]]
    lines += [_score_row(k, v) for k, v in summary["figures_by_metric"].items()]
    periods = summary["periods"]
    lines += ["", (f"periods: {periods['right']} of {periods['matched']} matched figures right "
                   f"({periods['accuracy']:.3f}); errors {periods['errors']}"),
              f"  compared as the days covered: {periods['mapping']}"]
    parties = summary["parties"]
    if parties["predicted"]:
        lines.append(f"parties: {parties['right']} of {parties['matched']} matched figures right "
                     f"({parties['accuracy']:.3f}; {parties['gold_with_party']} name a party)")
    else:
        lines.append(f"parties: not predicted (figures have no party; {parties['gold_with_party']}"
                     f" of {parties['matched']} matched gold figures name one)")
    lines += ["", ("money figures per predicted role: precision of those claimed as fines, "
                   "and where each went")]
    for role, outcomes in summary["money_roles"].items():
        claimed = outcomes.get("matched", 0) + outcomes.get("spurious", 0)
        precision = f"P {outcomes.get('matched', 0) / claimed:.3f}" if claimed else "context"
        lines.append(f"  {role:<28} {precision:<8} "
                     + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    lines.append(f"wrong role: {summary['wrong_role']} {summary['wrong_role_by_kind']}")
    lines += ["", "platforms (platform, action)" + header[28:], _score_row("all", summary["platforms"])]
    lines += [_score_row(k, v) for k, v in summary["platforms_by_language"].items()]
    lines += ["", "platforms per action" + header[20:]]
    lines += [_score_row(k, v) for k, v in summary["platforms_by_action"].items()]
    lines += ["", "platforms identified, any action" + header[32:],
              _score_row("all", summary["platforms_identified"])]
    lines += [_score_row(k, v) for k, v in summary["platforms_identified_by_language"].items()]
    lines += ["", "error classes: " + ", ".join(f"{k} {v}" for k, v in summary["errors"].items())]
    return "\n".join(lines)


def case_listing(results: Sequence[CaseResult]) -> str:
    lines = []
    for result in results:
        if result.lines:
            lines.append(f"{result.case.id} ({result.case.language})")
            lines += [f"  {line}" for line in result.lines]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks evaluate", description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help=f"a directory of cases (<id>.json, or cases/<id>.json); default "
                             f"{DEFAULT_CORPUS}")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    parser.add_argument("--case", action="append", default=[], metavar="ID",
                        help="score only this case and list its errors (repeatable)")
    parser.add_argument("--verbose", action="store_true", help="list every case's errors")
    args = parser.parse_args(argv)
    try:
        cases = load_cases(args.corpus, args.case)
    except FileNotFoundError as exc:
        parser.error(str(exc))
    summary, results = evaluate(cases)
    listed = args.verbose or bool(args.case)
    if args.json:
        if listed:
            summary["case_errors"] = {r.case.id: r.lines for r in results if r.lines}
        print(json.dumps(summary, ensure_ascii=False), flush=True)
        return 0
    print(render(summary))
    if listed:
        print("\n" + case_listing(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
