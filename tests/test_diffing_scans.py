"""compile_scan and compile_alternatives: the same matches as re.compile, found by jumping to possible
first characters or by trying only the alternatives of the character at hand."""

from __future__ import annotations

import random
import re

import pytest

from diffing import periods, roles
from diffing.scans import compile_alternatives, compile_scan

# A pattern opening on a lookahead, a lookbehind, a word check, a repeat, or groups.
PATTERNS = [
    r"(?=[1-4tf])(?<![a-z0-9])(?:first|third|1st|4th)\s+(?P<unit>half|quarter)",
    r"(?<![即必])[将把](?![于会])[^，,。]{0,16}$",
    r"\b(?:may|might)\s+(?:range|reach)\b|免于|(?<![法作])计划[^，,]{0,4}?罚",
    r"[a-c]+x|[\uff01-\uff5e\u3000]+",
    r"(?:下(?:架|线)|删除)|(?:关(?:停|闭))|(?:警告)",
    r"(?:\s*(?:以下|以上)|,\s*each)\b",
    r"(?P<n>\d+)(?:家|个)(?<=\d家)",
]
ALPHABET = ["a", "b", "c", "x", " ", "first ", "third ", "1st ", "half", "quarter", "may ", "reach",
            "免于", "计划", "作", "罚", "将", "把", "于", "，", "。", "下架", "删除", "关闭", "警告",
            "以下", ", each", "3", "45", "家", "个", "ａ", "\u3000", "\n", "x1"]


def _spans(pattern: re.Pattern[str], text: str, pos: int, endpos: int) -> tuple[object, ...]:
    found = pattern.search(text, pos, endpos)
    return (
        found and (found.span(), found.groupdict()),
        [(match.span(), match.groups()) for match in pattern.finditer(text, pos, endpos)],
        pattern.findall(text, pos, endpos),
        pattern.sub("#", text),
    )


def _finds_what_the_plain_pattern_finds(compiled: re.Pattern[str], source: str) -> None:
    plain = re.compile(source)
    assert compiled is not plain and compiled.pattern == source and compiled.groupindex == plain.groupindex
    generator = random.Random(source)
    for _ in range(3000):
        text = "".join(generator.choice(ALPHABET) for _ in range(generator.randint(0, 12)))
        pos, endpos = sorted(generator.randint(0, len(text) + 1) for _ in range(2))
        assert _spans(compiled, text, pos, endpos) == _spans(plain, text, pos, endpos), (source, text, pos, endpos)


@pytest.mark.parametrize("source", PATTERNS)
def test_a_scan_finds_what_the_plain_pattern_finds(source: str) -> None:
    _finds_what_the_plain_pattern_finds(compile_scan(source), source)


def test_the_diffing_scans_find_what_they_found_before() -> None:
    text = ("In the first half of 2023, regulators said they may reach a deal; 2024年上半年，计划罚款"
            "50万元，up to 3 million yuan, the provisional 5 million fine, between 2 and 5 million")
    for scan in (periods._EN_PERIOD, periods._ZH_PERIOD, periods._EN_RANGE_HINT, roles._PROPOSED,
                 roles._CAP_BEFORE):
        plain = re.compile(scan.pattern, scan.flags)
        for pos in range(len(text)):
            assert _spans(scan, text, pos, len(text)) == _spans(plain, text, pos, len(text))


@pytest.mark.parametrize("source", [
    r"a*",  # may match the empty string: nothing to jump to
    r"(?i)abc",  # case-folded
    r"[^a]bc",  # a negated class: starts anywhere
    r".b",
    r"abc|abd",  # a literal prefix: the engine skips ahead already
])
def test_patterns_without_a_start_class_compile_as_usual(source: str) -> None:
    assert compile_scan(source) is re.compile(source)


# Alternatives opening on word checks, lookbehinds, a lookahead for a class, groups and classes
# of characters, several on one character, some with named groups after their first character.
ALTERNATIVES = [
    r"\b(?:may|might)\s+(?:range|reach)\b|免于|(?<![法作])计划[^，,]{0,4}?罚|\bmay\b|m(?P<m>ay)",
    r"(?:first|third|1st|half)\s+(?P<unit>half|quarter)|\bfirst|(?<![a-z])x1|(?=[fh])(?:half|first|third)",
    r"(?<!a)(?<!\d)(?:a|b|c)\s*x|[abc]a|\bc|ca|(?:下(?:架|线)|删除)|关(?:停|闭)|警告$|关",
    r"(?:so|sue|such)\b|s(?<=\bs)|\b(?:each|every)|,\s*each|(?<=\d)家|(?<=\d)个",
    r"\b(?:first|third|half|fifth)\s+(?P<unit>half|quarter)|\bhalf|\b(?:may|x1)\b",  # one check for all
]


@pytest.mark.parametrize("source", ALTERNATIVES)
def test_grouped_alternatives_find_what_the_plain_pattern_finds(source: str) -> None:
    _finds_what_the_plain_pattern_finds(compile_alternatives(source), source)


@pytest.mark.parametrize("source", [
    r"a+b|c",  # a repeat first
    r"(?P<n>a)b|c",  # a capturing group first
    r"\sa|b",  # a category
    r"(?i)ab|c",  # case-folded
    r"\b\(a|b",  # a word check before a character that is no word character
    r"(?!ab)a|e",  # a negative lookahead
    r"\b|a",  # an empty match
])
def test_alternatives_that_open_otherwise_compile_as_usual(source: str) -> None:
    assert compile_alternatives(source) is re.compile(source)
