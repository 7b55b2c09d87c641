"""Scopes: whose total a figure is (全国网信系统, 国家网信办, a province), from ``data/scopes.toml``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from diffing.catalogues import parse_catalogue, read_builtin
from diffing.keywords import first_characters, literal_alternation
from diffing.scans import compile_scan, scan_either

__all__ = ["ScopeMention", "find_scope_mentions"]


@dataclass(frozen=True)
class ScopeMention:
    start: int
    end: int
    scope: str


@dataclass(frozen=True)
class _ScopeCatalogue:
    # The Chinese names, and the English ones: two scans, each skipping to its own first
    # characters, and a try at a Chinese character is not also a try of every English name.
    # Their first characters differ, so together they find what one alternation finds.
    patterns: tuple[re.Pattern[str], re.Pattern[str]]
    by_phrase: dict[str, str]


_OFFICE_ZH = r"(?:省|市|自治区|壮族自治区|回族自治区|维吾尔自治区)?(?:委)?(?:网信办|互联网信息办公室|网信部门|网信系统)"
_OFFICE_EN = r"(?:\s+(?:provincial|municipal|regional))?\s+(?:cyberspace\s+administration|internet\s+information\s+office)"
_LOCAL = re.compile(r"(?:地方|属地|各地|local\s+(?:the\s+)?)$")


@lru_cache(maxsize=1)
def _catalogue() -> _ScopeCatalogue:
    data = parse_catalogue(read_builtin("scopes.toml"), "scope catalogue")
    by_phrase: dict[str, str] = {}
    phrases: dict[str, list[str]] = {"zh": [], "en": []}
    for scope in data.get("scope", []):
        for language in ("zh", "en"):
            for phrase in scope.get(language, []):
                by_phrase[_key(phrase)] = scope["id"]
                phrases[language].append(_key(phrase))
    provinces: dict[str, list[str]] = {"zh": [], "en": []}
    for province, names in data.get("provinces", {}).items():
        for name in names:
            by_phrase[_key(name)] = f"province:{province}"
            provinces["en" if re.search(r"[a-z]", name) else "zh"].append(_key(name))
    zh_names = literal_alternation(provinces["zh"])
    en_names = literal_alternation(provinces["en"])
    english = [
        rf"(?<![a-z])(?:cyberspace\s+administration\s+of\s+(?:{en_names}))(?![a-z])",
        rf"(?<![a-z])(?:{en_names}){_OFFICE_EN}(?![a-z])",
        rf"(?<![a-z])(?:{literal_alternation(phrases['en'])})(?![a-z])",
    ]
    chinese = [rf"(?:{zh_names}){_OFFICE_ZH}", literal_alternation(phrases["zh"])]
    english_words = ["cyberspace", *provinces["en"], *phrases["en"]]
    chinese_words = [*provinces["zh"], *phrases["zh"]]
    if {word[0] for word in english_words if word} & {word[0] for word in chinese_words if word}:
        raise ValueError("scope catalogue: a Chinese and an English name start with the same character")
    return _ScopeCatalogue((
        compile_scan(first_characters(chinese_words) + "(?:" + "|".join(f"(?:{a})" for a in chinese) + ")"),
        compile_scan(first_characters(english_words) + "(?:" + "|".join(f"(?:{a})" for a in english) + ")"),
    ), by_phrase)


def _key(phrase: str) -> str:
    return re.sub(r"\s+", " ", phrase.strip().lower())


def find_scope_mentions(text: str) -> list[ScopeMention]:
    """Scopes named in prepared ``text``, in order; offices named as local actors are left out."""
    catalogue = _catalogue()
    mentions: list[ScopeMention] = []
    for start, end in scan_either(*catalogue.patterns, text):
        if _LOCAL.search(text[max(0, start - 10):start]):
            continue
        scope = _scope_of(text[start:end], catalogue)
        if scope is not None:
            mentions.append(ScopeMention(start, end, scope))
    return mentions


def _scope_of(phrase: str, catalogue: _ScopeCatalogue) -> str | None:
    key = _key(phrase)
    if key in catalogue.by_phrase:
        return catalogue.by_phrase[key]
    for name, scope in catalogue.by_phrase.items():
        if scope.startswith("province:") and name in key:
            return scope
    return None
