"""The search query language: terms, quoted phrases, OR, NOT, and what a query may not be."""

from __future__ import annotations

import re
from dataclasses import dataclass

from storage.search_index import TRIGRAM, normalise

# The most characters a query may have, and the most terms: longer ones are refused with a
# message instead of being planned into a statement nobody can wait for.
MAX_QUERY_CHARS = 500
MAX_TERMS = 12


class QueryError(ValueError):
    """A search query that cannot be run, with a message saying what to change."""


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Term:
    """One thing to look for: a word or a quoted phrase, as typed and in normal form."""

    typed: str
    normal: str

    @property
    def short(self) -> bool:
        return len(self.normal) < TRIGRAM


@dataclass(frozen=True)
class ParsedQuery:
    """Every group must match (AND); a group matches when any of its terms does (OR); no
    excluded term may match."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.groups

    @property
    def terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]


_QUOTES = {'"': '"', "“": "”", "「": "」", "＂": "＂"}
_OPERATORS = {"OR", "|", "AND", "&", "NOT", "-"}


def parse_query(typed: str) -> ParsedQuery:
    """Parse a search box query. Words and "quoted phrases" must all occur; ``OR`` (or ``|``)
    between two of them accepts either; ``-word`` or ``NOT word`` excludes. An empty query is
    allowed (filters alone). Raises `QueryError` with a message for anything else.
    """
    if len(typed) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query is {len(typed):,} characters long; at most {MAX_QUERY_CHARS} are searched"
        )
    tokens = _tokens(_CONTROL.sub(" ", typed))
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = False
    negate = False
    for kind, value in tokens:
        if kind == "op":
            if value in ("OR", "|"):
                if not groups or pending_or or negate:
                    raise QueryError("OR needs a word or phrase on each side")
                pending_or = True
            elif value in ("NOT", "-"):
                if negate or pending_or:
                    raise QueryError(f"{value} must be followed by a word or phrase to exclude")
                negate = True
            continue
        term = _term(value)
        if negate:
            excluded.append(term)
            negate = False
        elif pending_or:
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
    if pending_or:
        raise QueryError("OR needs a word or phrase on each side")
    if negate:
        raise QueryError("NOT (or -) must be followed by a word or phrase to exclude")
    if excluded and not groups:
        raise QueryError("a query cannot only exclude: add a word or phrase to look for")
    if sum(len(group) for group in groups) + len(excluded) > MAX_TERMS:
        raise QueryError(f"the query has more than {MAX_TERMS} words or phrases")
    return ParsedQuery(tuple(tuple(group) for group in groups), tuple(excluded))


def _tokens(typed: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(typed):
        character = typed[position]
        if character.isspace():
            position += 1
            continue
        if character in _QUOTES:
            closing = typed.find(_QUOTES[character], position + 1)
            if closing < 0:
                raise QueryError(
                    f"the quote {character} at character {position + 1} is never closed"
                )
            phrase = " ".join(typed[position + 1 : closing].split())
            if not phrase:
                raise QueryError(f"empty quotes at character {position + 1}")
            tokens.append(("term", phrase))
            position = closing + 1
            continue
        end = position
        while end < len(typed) and not typed[end].isspace() and typed[end] not in _QUOTES:
            end += 1
        word = typed[position:end]
        position = end
        if word in _OPERATORS:
            tokens.append(("op", word))
        elif word.startswith("-") and len(word) > 1:
            tokens.append(("op", "-"))
            tokens.append(("term", word[1:]))
        else:
            tokens.append(("term", word))
    return tokens


def _term(typed: str) -> Term:
    normal = " ".join(normalise(typed).split())
    if not normal:
        raise QueryError(f"{typed!r} has nothing to search for")
    return Term(typed, normal)

