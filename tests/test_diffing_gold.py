"""Extraction quality on the gold set (tests/gold): per-field precision and recall, floors pinned.

Run with ``-s`` to see the measured numbers; a failing floor prints them with every mismatch.
"""

from __future__ import annotations

from functools import cache

import pytest

from diffing.extract import Extraction, extract
from tests.gold import (
    FIGURE_FIELDS,
    PLATFORM_FIELDS,
    GoldNotice,
    figure_differences,
    figure_scores,
    load_gold,
    platform_differences,
    platform_scores,
    report,
)

# The floors: figures and platforms each at least 0.95 F1 on every field.
FIGURE_F1_FLOOR = 0.95
PLATFORM_F1_FLOOR = 0.95

GOLD = load_gold()


@cache
def _extraction(notice_id: str) -> Extraction:
    notice = next(n for n in GOLD if n.id == notice_id)
    assert notice.text is not None
    return extract(notice.text, published=notice.published)


def _available() -> list[tuple[GoldNotice, Extraction]]:
    return [(notice, _extraction(notice.id)) for notice in GOLD if notice.text is not None]


def test_gold_set_is_varied() -> None:
    """The set covers the three languages, real and own texts, every metric of the issue's
    table, unclassified figures, known and unknown platforms."""
    languages = {notice.language for notice in GOLD}
    assert languages == {"zh-Hans", "zh-Hant", "en"}
    assert {notice.origin for notice in GOLD} == {"real", "own"}
    metrics = {figure.metric for notice in GOLD for figure in notice.figures}
    assert {
        "websites_summoned", "warnings", "fined", "warned_or_fined", "suspended", "apps_removed",
        "mini_programs_closed", "websites_closed", "accounts_closed", "cases_referred",
        "apps_notified", "fine_amount", None,
    } <= metrics
    keys = {platform.key for notice in GOLD for platform in notice.platforms}
    assert any(key.startswith("name:") for key in keys) and "quark" in keys


@pytest.mark.parametrize("notice", GOLD, ids=lambda notice: notice.id)
def test_real_text_available(notice: GoldNotice) -> None:
    if notice.text is None:
        pytest.skip(notice.missing or "text unavailable")
    assert notice.text.strip()


@pytest.mark.parametrize("notice", [n for n in GOLD if n.text is not None], ids=lambda notice: notice.id)
def test_language_and_spans(notice: GoldNotice) -> None:
    """Detected language, and every span points into the original text at what it reports."""
    extraction = _extraction(notice.id)
    assert notice.text is not None
    assert extraction.language == notice.language
    for figure in extraction.figures:
        assert notice.text[figure.start:figure.end] == figure.text
        assert figure.text.strip() and figure.text in notice.text
        assert figure.text in figure.sentence or figure.sentence in figure.text
    for mention in extraction.platforms:
        assert notice.text[mention.start:mention.end] == mention.name
        assert mention.name in mention.sentence


def test_figure_quality() -> None:
    pairs = _available()
    scores = figure_scores(pairs)
    measured = report(f"figures over {len(pairs)} gold notices", scores)
    print("\n" + measured)
    low = {name: score.f1 for name, score in scores.items() if score.f1 < FIGURE_F1_FLOOR}
    details = [line for notice, extraction in pairs for line in figure_differences(notice, extraction)]
    assert not low, measured + "\n" + "\n".join(details)
    assert set(scores) == set(FIGURE_FIELDS)


def test_platform_quality() -> None:
    pairs = _available()
    scores = platform_scores(pairs)
    measured = report(f"platforms over {len(pairs)} gold notices", scores)
    print("\n" + measured)
    low = {name: score.f1 for name, score in scores.items() if score.f1 < PLATFORM_F1_FLOOR}
    details = [line for notice, extraction in pairs for line in platform_differences(notice, extraction)]
    assert not low, measured + "\n" + "\n".join(details)
    assert set(scores) == set(PLATFORM_FIELDS)


def test_real_texts_score_on_their_own() -> None:
    """The real texts alone, so a regression on them cannot hide in the larger own set."""
    pairs = [(notice, extraction) for notice, extraction in _available() if notice.origin == "real"]
    if not pairs:
        pytest.skip("no real text available: shared/ is not beside the checkout")
    figures = figure_scores(pairs)
    platforms = platform_scores(pairs)
    print("\n" + report("figures, real texts", figures) + "\n" + report("platforms, real texts", platforms))
    assert figures["all"].f1 >= FIGURE_F1_FLOOR
    assert platforms["action"].f1 >= PLATFORM_F1_FLOOR


def test_traditional_copies_extract_like_their_sources() -> None:
    """A Traditional copy gives the Simplified source's figures exactly, spans aside."""
    for notice in GOLD:
        if notice.language != "zh-Hant" or notice.text is None:
            continue
        source = notice.id.removesuffix("-hant")
        copy, original = _extraction(notice.id), _extraction(source)
        strip = [(f.metric, f.value, f.unit, f.period, f.scope) for f in copy.figures]
        assert strip == [(f.metric, f.value, f.unit, f.period, f.scope) for f in original.figures], notice.id
        assert [(m.id, m.kind, m.action) for m in copy.platforms] == [
            (m.id, m.kind, m.action) for m in original.platforms
        ], notice.id
