"""Catalogue words (metric phrasings, actions, kinds) as patterns over prepared notice text.

Prepared text is Simplified, width-folded and ASCII-lower-cased (``diffing.text``), so Chinese
words are plain substrings; English words match at the start of a word, and a word written
with a trailing ``$`` must end there too ("close$" is not "closely").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["keyword_pattern"]


def _one(word: str, language: str) -> str:
    word = word.strip().lower()
    if language == "zh" and not re.search(r"[a-z]", word):
        return re.escape(word)
    exact = word.endswith("$")
    word = word.rstrip("$")
    body = r"\s+".join(re.escape(part) for part in word.split())
    start = r"(?<![a-z0-9])" if word[:1].isalnum() else ""
    # A stem's match runs to the end of its word, so spans read "summoned", not "summon".
    end = r"(?![a-z0-9])" if exact else (r"[a-z]*" if word[-1:].isalpha() else "")
    return start + body + end


def keyword_pattern(words: Iterable[str], language: str) -> re.Pattern[str] | None:
    """One pattern matching any of ``words``, longest first; ``None`` for no words.

    Latin words inside Chinese lists ("app") match as English words do, so "app" is not found
    inside "application" in a Chinese sentence either way.
    """
    unique = sorted({w for w in words if w.strip()}, key=lambda w: (-len(w), w))
    if not unique:
        return None
    return re.compile("|".join(_one(word, language) for word in unique))
