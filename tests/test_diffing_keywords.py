"""Catalogue word patterns: a word starts a word, in whatever order the pattern tests it."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diffing.keywords import keyword_pattern

DATA = Path(__file__).resolve().parents[1] / "diffing" / "data"


def _words_of(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _words_of(item)


def catalogue_words(language: str) -> list[list[str]]:
    """Every word list the catalogues give keyword_pattern: actions, kinds, metric phrasings."""
    platforms = tomllib.loads((DATA / "platforms.toml").read_text("utf-8"))
    metrics = tomllib.loads((DATA / "metrics.toml").read_text("utf-8"))
    lists = [table.get(language, []) for section in ("actions", "unknown_kinds")
             for table in platforms.get(section, {}).values()]
    lists.append(platforms.get("neutral_actions", {}).get(language, []))
    for metric in metrics.get("metric", []):
        wording = metric.get(language, {})
        lists.extend(wording.get("verbs", []))
        lists.append(wording.get("objects", []))
    return [list(_words_of(words)) for words in lists if words]


# A start-of-word check placed after a word's first character, as keyword_pattern places it.
_CHECK_AFTER = re.compile(r"(?P<first>\w)\(\?<!\[a-z0-9\](?P=first)\)")


def word_start_reference(words: list[str], language: str) -> re.Pattern[str] | None:
    """keyword_pattern's pattern with each start-of-word check moved back before the word's
    first character (``(?<![a-z0-9])c``), the form that defines it."""
    pattern = keyword_pattern(words, language)
    if pattern is None:
        return None
    return re.compile(_CHECK_AFTER.sub(r"(?<![a-z0-9])\g<first>", pattern.pattern))


def spans(pattern: re.Pattern[str] | None, text: str) -> list[tuple[int, int]]:
    return [] if pattern is None else [match.span() for match in pattern.finditer(text)]


# Letters and words of the catalogues, and what stands around them in prepared text.
TEXT = st.lists(st.sampled_from([
    "fine", "fined", "fining", "summon", "take", "down", "shut", "removed", "app", "apps",
    "warn", "1", "23", "a", "x", " ", "\n", "-", ",", "约谈", "罚款", "下架", "app下架", "网站",
    "(", "of", "the", "shelves", "rectif", "ordered to", "closed", "s", "in",
]), max_size=30).map("".join)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_catalogue_patterns_match_words_only_at_their_start(language: str) -> None:
    lists = catalogue_words(language)
    assert len(lists) > 10
    moved = sum(len(_CHECK_AFTER.findall(pattern.pattern)) for words in lists
                if (pattern := keyword_pattern(words, language)) is not None)
    assert moved > (100 if language == "en" else 0), "the checks follow the first character"
    text = " ".join(word for words in lists for word in words).lower()
    glued = "x".join(word for words in lists for word in words).lower()
    for words in lists:
        for sample in (text, glued, "0" + text, text.replace(" ", "\n")):
            assert spans(keyword_pattern(words, language), sample) == spans(
                word_start_reference(words, language), sample), words


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_catalogue_patterns_agree_with_the_definition_on_any_text(text: str) -> None:
    for language in ("zh", "en"):
        for words in catalogue_words(language):
            assert spans(keyword_pattern(words, language), text) == spans(
                word_start_reference(words, language), text), (language, words)


def test_a_chinese_frame_reads_a_few_characters_of_one_clause() -> None:
    pattern = keyword_pattern(["存在…问题"], "zh")
    assert pattern is not None
    assert pattern.search("共发现12款app存在超范围收集个人信息问题")
    assert not pattern.search("存在缺陷，后续发现问题")
