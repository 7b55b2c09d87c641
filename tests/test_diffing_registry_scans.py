"""The registry's name scans find what one alternation of all its names finds."""

from __future__ import annotations

import random
import re

from diffing.keywords import literal_alternation
from diffing.registry import _LATIN_EDGE, builtin_registry
from diffing.scans import scan_either


def _texts(names: list[str]) -> list[str]:
    chooser = random.Random(17)
    separators = [" ", "  ", "\n", "\t", ".", ",", "网", "的", "法", "a", "x", "1", "-", "", "\u3000", "é"]
    texts = []
    for _ in range(3000):
        parts = []
        for _ in range(chooser.randint(1, 6)):
            name = chooser.choice(names)
            if chooser.random() < 0.3:
                name = name.replace(" ", chooser.choice(["\n", "  ", "\t"]))
            if chooser.random() < 0.3:
                name = name[:chooser.randint(1, len(name))]
            parts += [name, chooser.choice(separators)]
        texts.append("".join(parts))
    return texts


def test_chinese_names_in_two_scans_are_the_alternations_matches() -> None:
    registry = builtin_registry()
    names = [alias for alias in registry.aliases if not _LATIN_EDGE.match(alias)]
    alternation = re.compile(literal_alternation(names))
    for text in _texts(names):
        assert scan_either(*registry.name_patterns, text) == [match.span() for match in alternation.finditer(text)]


def test_latin_names_are_read_at_each_word_start() -> None:
    registry = builtin_registry()
    names = [alias for alias in registry.aliases if _LATIN_EDGE.match(alias)]
    alternation = re.compile(literal_alternation(names))
    starts = {name[:2] for name in names}
    for text in _texts(names):
        expected = []
        for position in range(len(text)):
            if (position == 0 or not _LATIN_EDGE.match(text[position - 1])) and any(
                    text.startswith(start, position) for start in starts):
                match = alternation.match(text, position)
                if match is not None:
                    expected.append(match.span())
        assert [match.span(1) for match in registry.latin_scan.finditer(text)] == expected
