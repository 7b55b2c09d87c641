"""How far two independent annotations of the same texts agree, scored as the extractor is.

``python -m benchmarks agreement FIRST SECOND [--json]``: FIRST and SECOND are directories of
cases in the development corpus's format (``../shared/devcorpus/README.md``) annotated by two
people who did not see each other's work. The cases both hold (by id, with the same text) are
compared: figures by metric, value and unit; periods of the figures both give, as the days they
cover; platforms by (platform, action) and by platform alone, a platform being the same where
the ids agree or a name as written is common to both. Every number is symmetric (an F1 over the
pairs), so it says how far the extractor's scores on one annotator's gold can be read at all: a
score above the annotators' own agreement measures the annotator's habits, not the extractor.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.evaluation import Case, GoldPlatform, Score, load_cases, period_interval

__all__ = ["agreement", "main"]


def agreement(first: list[Case], second: list[Case]) -> dict[str, Any]:
    """Agreement of two annotations over the cases both hold with the same text."""
    paired = {case.id: case for case in second}
    figures, platforms, identified = Score(), Score(), Score()
    by_language: dict[str, dict[str, Score]] = {}
    periods_matched = periods_agreed = 0
    compared = 0
    for case in first:
        other = paired.get(case.id)
        if other is None or other.text != case.text:
            continue
        compared += 1
        language = by_language.setdefault(case.language, {"figures": Score(), "platforms": Score()})
        left = Counter(figure.key for figure in case.figures)
        right = Counter(figure.key for figure in other.figures)
        common = left & right
        case_figures = Score(sum(common.values()), sum((right - left).values()), sum((left - right).values()))
        figures.add(case_figures)
        language["figures"].add(case_figures)
        for key in common:
            first_periods = [period_interval(f.period) for f in case.figures if f.key == key]
            second_periods = [period_interval(f.period) for f in other.figures if f.key == key]
            for period in first_periods[:min(len(first_periods), len(second_periods))]:
                periods_matched += 1
                if period in second_periods:
                    second_periods.remove(period)
                    periods_agreed += 1
        case_platforms = _matched(case.platforms, other.platforms, with_action=True)
        platforms.add(case_platforms)
        language["platforms"].add(case_platforms)
        identified.add(_matched(_one_per_platform(case.platforms), _one_per_platform(other.platforms),
                                with_action=False))
    return {
        "benchmark": "agreement",
        "cases": compared,
        "figures": figures.to_json(),
        "periods": {"matched": periods_matched, "agreed": periods_agreed,
                    "accuracy": round(periods_agreed / periods_matched, 4) if periods_matched else None},
        "platforms": platforms.to_json(),
        "platforms_identified": identified.to_json(),
        "by_language": {name: {kind: score.to_json() for kind, score in scores.items()}
                        for name, scores in sorted(by_language.items())},
    }


def _same(one: GoldPlatform, other: GoldPlatform) -> bool:
    return one.identity == other.identity or bool(one.names & other.names)


def _matched(first: list[GoldPlatform], second: list[GoldPlatform], *, with_action: bool) -> Score:
    left = list(first)
    score = Score()
    for entry in second:
        found = next((gold for gold in left if _same(gold, entry) and (not with_action or gold.action == entry.action)),
                     None)
        if found is None:
            score.false_positives += 1
        else:
            left.remove(found)
            score.true_positives += 1
    score.false_negatives += len(left)
    return score


def _one_per_platform(entries: list[GoldPlatform]) -> list[GoldPlatform]:
    kept: list[GoldPlatform] = []
    for entry in entries:
        same = next((other for other in kept if _same(other, entry)), None)
        if same is None:
            kept.append(GoldPlatform(entry.identity, entry.names, ""))
        else:
            kept[kept.index(same)] = GoldPlatform(same.identity, same.names | entry.names, "")
    return kept


def _render(summary: dict[str, Any]) -> str:
    lines = [f"cases compared: {summary['cases']}", "agreement                F1     tp   only first   only second"]
    for name in ("figures", "platforms", "platforms_identified"):
        score = summary[name]
        lines.append(f"  {name:<22} {score['f1']:.3f}  {score['tp']:>4}  {score['fn']:>11}  {score['fp']:>12}")
    periods = summary["periods"]
    if periods["matched"]:
        lines.append(f"  periods: {periods['agreed']} of {periods['matched']} figures both give ({periods['accuracy']:.3f})")
    for language, scores in summary["by_language"].items():
        lines.append(f"  {language:<8} figures {scores['figures']['f1']:.3f}  platforms {scores['platforms']['f1']:.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks agreement", description=__doc__)
    parser.add_argument("first", type=Path, help="a directory of cases (<id>.json, or cases/<id>.json)")
    parser.add_argument("second", type=Path, help="the same texts annotated by someone else")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    args = parser.parse_args(argv)
    try:
        first, second = load_cases(args.first), load_cases(args.second)
    except FileNotFoundError as exc:
        parser.error(str(exc))
    summary = agreement(first, second)
    print(json.dumps(summary, ensure_ascii=False) if args.json else _render(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
