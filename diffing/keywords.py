"""Catalogue words (metric phrasings, actions, kinds) as patterns over prepared notice text.

Prepared text is Simplified, width-folded and ASCII-lower-cased (``diffing.text``), so Chinese
words are plain substrings; English words match at the start of a word, a word written
with a trailing ``$`` must end there too ("close$" is not "closely"), and ``*`` stands for one
word or none ("take * down"); in Chinese, ``…`` stands for a few characters of the same clause
("存在…问题").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["first_characters", "keyword_pattern", "literal_alternation"]


_ZH_GAP = r"[^，,。；;：:、！？!?\n]{0,20}?"


def _head_and_tail(word: str, language: str) -> tuple[str, str]:
    """The pattern of ``word``, cut after its first character and the start-of-word check that
    follows it (the head); the head is empty where the pattern does not start with the
    character (a gap or a "*" first)."""
    word = word.strip().lower()
    if language == "zh" and not re.search(r"[a-z]", word):
        # "…" is a frame's gap: a few characters of one clause ("存在…问题" reads
        # 存在超范围收集个人信息问题, "未…整改" reads 未按时限要求完成整改).
        body = _ZH_GAP.join(re.escape(part) for part in word.split("…"))
        first = re.escape(word[0])
        return (first, body.removeprefix(first)) if word[0] != "…" else ("", body)
    exact = word.endswith("$")
    word = word.rstrip("$")
    # "*" stands for one word or none: "take * down" reads "take them down" and "take down".
    body = ""
    for part in word.split():
        if part == "*":
            body += r"(?:\s+[a-z0-9\u4e00-\u9fff-]+)?"
        else:
            body += (r"\s+" if body else "") + re.escape(part)
    # A stem's match runs to the end of its word, so spans read "summoned", not "summon".
    end = r"(?![a-z0-9])" if exact else (r"[a-z]*" if word[-1:].isalpha() else "")
    first = re.escape(word[:1])
    if word.startswith("*") or not body.startswith(first):
        return "", body + end
    if word[:1].isalnum():
        # At the start of a word: no letter or digit before the first character. Checked once
        # that character has matched, so the pattern starts with it, and a scan skips every
        # position whose character begins none of the words instead of trying each there.
        # (The body starts with the word's first part, escaped: with its first character.)
        return f"{first}(?<![a-z0-9]{first})", body.removeprefix(first) + end
    return first, body.removeprefix(first) + end


def keyword_pattern(words: Iterable[str], language: str) -> re.Pattern[str] | None:
    """One pattern matching any of ``words``, longest first; ``None`` for no words.

    Latin words inside Chinese lists ("app") match as English words do, so "app" is not found
    inside "application" in a Chinese sentence either way.
    """
    unique = sorted({w for w in words if w.strip()}, key=lambda w: (-len(w), w))
    if not unique:
        return None
    return re.compile(_by_first_character([_head_and_tail(word, language) for word in unique]))


def _by_first_character(words: list[tuple[str, str]]) -> str:
    """The alternation of ``words`` (heads and tails, in order of preference), the words with
    one head written once before their tails: ``f(?<![a-z0-9]f)(?:ined[a-z]*|ine[a-z]*)``. At
    a position only the words starting with its character can match, so trying them in their
    own order finds what the plain alternation finds, without trying every other word's
    start-of-word check there. Words without a head, or two heads for one character, keep the
    plain alternation."""
    tails: dict[str, list[str]] = {}
    heads: dict[str, str] = {}
    for head, tail in words:
        if not head or heads.setdefault(head[:1] if head[0] != "\\" else head[:2], head) != head:
            return "|".join(head + tail for head, tail in words)
        tails.setdefault(head, []).append(tail)
    return "|".join(head + tail[0] if len(tail) == 1 else f"{head}(?:{'|'.join(tail)})"
                    for head, tail in tails.items())


def literal_alternation(words: Iterable[str]) -> str:
    """A pattern matching any of ``words`` literally (a space matches any whitespace), built as
    a trie so a scan tries one branch per character instead of every word; longer words win
    over their prefixes."""
    trie: dict[str, Any] = {}
    for word in {w for w in words if w}:
        node = trie
        for character in word:
            node = node.setdefault(character, {})
        node[""] = {}
    return _trie_pattern(trie) or "(?!)"


def first_characters(words: Iterable[str]) -> str:
    """A lookahead for the characters ``words`` start with. Put first in a pattern that scans
    whole texts, it fails fast where no word can start (without it, each lookbehind and
    alternative of the pattern is tried there); compiled with ``diffing.scans.compile_scan``,
    the scan jumps over those positions instead of trying each."""
    characters = sorted({word[0] for word in words if word})
    return "(?=[" + "".join(re.escape(character) for character in characters) + "])" if characters else "(?!)"


def _trie_pattern(node: dict[str, Any]) -> str:
    branches = [
        (r"\s+" if character == " " else re.escape(character)) + _trie_pattern(child)
        for character, child in sorted(node.items())
        if character
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return f"(?:{body})?"
    return body
