"""Patterns whose scans skip to where a match can start.

Python's ``re`` passes over the characters no match can start with only when a pattern opens on
a literal, a class, or alternatives each opening on a literal; a pattern opening on a lookahead
(``(?=[…])``, as the number and period scans are written), a lookbehind, a word check or a
repeat is tried at every position of the text, at some 20 ns each. ``compile_scan`` compiles a
pattern as ``re.compile`` does and gives its scans the class of the characters a match can start
with, read from the pattern's parse tree: the engine then jumps from one such character to the
next and runs the unchanged pattern there, so every scan finds what it found before (assertions
look behind a position as before; the pattern's code is the same, only its search hint is new).
"""

from __future__ import annotations

import re
import sys
from typing import Any

__all__ = ["compile_alternatives", "compile_scan", "scan_either"]

# The engine's own compiler is private: its code format is only relied on in the Python versions
# tests/test_diffing_scans.py has checked it in; elsewhere patterns compile as usual.
_CHECKED_PYTHONS = ((3, 11),)
try:
    if sys.implementation.name != "cpython" or sys.version_info[:2] not in _CHECKED_PYTHONS:
        raise ImportError("compile_scan: the engine's code format is unchecked in this Python")
    import _sre
    from re import _compiler, _parser  # type: ignore[attr-defined]
    from re import _constants as sre  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    _sre = None

_ZERO_WIDTH = () if _sre is None else (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = () if _sre is None else (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


class _AnyStart(Exception):
    """A match may start with any character, or the pattern has a form not read here."""


def _class_items(items: Any) -> list[tuple[Any, Any]]:
    for op, value in items:
        if op is not sre.LITERAL and op is not sre.RANGE and op is not sre.CATEGORY:
            raise _AnyStart  # a negated class
    return list(items)


def _firsts(sequence: Any, items: list[tuple[Any, Any]]) -> bool:
    """Adds to ``items`` the class items a match of ``sequence`` can start with; whether the
    sequence can match the empty string (the first characters of what follows it count then)."""
    for op, value in sequence:
        if op is sre.LITERAL:
            items.append((op, value))
            return False
        if op is sre.IN:
            items.extend(_class_items(value))
            return False
        if op in _ZERO_WIDTH:
            continue
        if op is sre.SUBPATTERN:
            if value[1] & (re.IGNORECASE | re.LOCALE):
                raise _AnyStart
            if not _firsts(value[3], items):
                return False
        elif op is sre.ATOMIC_GROUP:
            if not _firsts(value, items):
                return False
        elif op is sre.BRANCH:
            empty = False
            for branch in value[1]:
                empty = _firsts(branch, items) or empty
            if not empty:
                return False
        elif op in _REPEATS:
            if not _firsts(value[2], items) and value[0] > 0:
                return False
        else:  # any character, a negated literal, a back reference…
            raise _AnyStart
    return True


def _with_start_class(pattern: str, flags: int) -> re.Pattern[str] | None:
    parsed = _parser.parse(pattern, flags)
    flags = parsed.state.flags | flags
    if flags & (re.IGNORECASE | re.LOCALE):
        return None
    code = _compiler._code(parsed, flags)
    if code[0] is not sre.INFO or code[2] & (sre.SRE_INFO_PREFIX | sre.SRE_INFO_CHARSET):
        return None  # the engine skips ahead already
    return _hinted(pattern, parsed, flags, code)


def _hinted(pattern: str, parsed: Any, flags: int, code: list[Any]) -> re.Pattern[str] | None:
    """The pattern of ``pattern`` compiled as ``code`` (from the tree ``parsed``), its search
    hint the class of its first characters; ``None`` where that class is not known."""
    low, high = parsed.getwidth()
    items: list[tuple[Any, Any]] = []
    if low == 0 or _firsts(parsed.data, items):
        return None
    # The search hint of a pattern opening on the class, with this pattern's widths.
    opening = _parser.SubPattern(parsed.state, [(sre.IN, items)])
    opening.width = (low, high)
    info: list[Any] = []
    _compiler._compile_info(info, opening, flags)
    if not info[2] & sre.SRE_INFO_CHARSET:
        return None
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in parsed.state.groupdict.items():
        indexgroup[index] = name
    compiled: re.Pattern[str] = _sre.compile(pattern, flags, info + code[1 + code[1]:],
                                             parsed.state.groups - 1, parsed.state.groupdict,
                                             tuple(indexgroup))
    return compiled


def compile_scan(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, its searches jumping to the characters a match can start
    with (see the module); the plain compiled pattern where those are not known (a match may be
    empty or start anywhere) or the engine skips ahead already."""
    if _sre is not None:
        try:
            compiled = _with_start_class(pattern, flags)
        except (_AnyStart, AttributeError, TypeError, ValueError, RuntimeError):
            compiled = None
        if compiled is not None:
            return compiled
    return re.compile(pattern, flags)


class _Unfit(Exception):
    """An alternative does not open on a character this module can read (a repeat, a group…)."""


_WORD = re.compile(r"\w")


def _within(character: int, items: Any) -> bool:
    for op, value in items:
        if op is sre.LITERAL and value == character or op is sre.RANGE and value[0] <= character <= value[1]:
            return True
        if op is not sre.LITERAL and op is not sre.RANGE:
            raise _Unfit  # a negated class or a category
    return False


def _checked_after(checks: list[tuple[Any, Any]], character: int) -> list[tuple[Any, Any]]:
    r"""The word checks and lookbehinds ``checks`` made before ``character``, as lookbehinds
    made after it (\bcat is c(?<!\wc)at)."""
    after: list[tuple[Any, Any]] = []
    for op, value in checks:
        if op is sre.AT:
            if not _WORD.match(chr(character)):
                raise _Unfit
            # \b before a word character: no word character before it.
            behind = [(sre.IN, [(sre.CATEGORY, sre.CATEGORY_WORD)]), (sre.LITERAL, character)]
            after.append((sre.ASSERT_NOT, (-1, _parser.SubPattern(_parser.State(), behind))))
        else:
            low, high = value[1].getwidth()
            if low != high:
                raise _Unfit
            behind = [*value[1].data, (sre.LITERAL, character)]
            after.append((op, (-1, _parser.SubPattern(value[1].state, behind))))
    return after


def _movable_check(op: Any, value: Any) -> bool:
    """A word check (\\b), a lookbehind, or a lookahead for one character of a class."""
    if op is sre.AT:
        return value is sre.AT_BOUNDARY
    if op is sre.ASSERT_NOT:
        return bool(value[0] == -1)
    return op is sre.ASSERT and (value[0] == -1 or len(value[1].data) == 1 and value[1].data[0][0] is sre.IN)


_Sequence = list[tuple[Any, Any]]  # operations of a parsed pattern, in order


def _opening_on_characters(sequence: _Sequence) -> list[tuple[_Sequence, _Sequence]]:
    r"""Alternatives, each a literal character and what follows it, with the zero-width checks
    made before it, that tried in order match what ``sequence`` matches: alternatives of a group
    opening it are distributed over what follows ((?:a|b)c is ac|bc), and a class of characters
    is one alternative per character (a lookahead for a class keeps the alternatives of its
    characters and is dropped)."""
    checks: list[tuple[Any, Any]] = []
    for index, (op, value) in enumerate(sequence):
        rest = sequence[index + 1:]
        if _movable_check(op, value):
            checks.append((op, value))
        elif op is sre.LITERAL:
            behind = [check for check in checks if check[0] is not sre.ASSERT or check[1][0] == -1]
            ahead = [check[1][1].data[0][1] for check in checks if check not in behind]
            return [(behind, [(op, value), *rest])] if all(_within(value, items) for items in ahead) else []
        elif op is sre.BRANCH:
            return [alternative for branch in value[1]
                    for alternative in _opening_on_characters([*checks, *branch.data, *rest])]
        elif op is sre.IN and all(item[0] is sre.LITERAL for item in value):
            return [alternative for item in value
                    for alternative in _opening_on_characters([*checks, item, *rest])]
        else:
            raise _Unfit
    raise _Unfit  # only checks: an empty match


def _grouped(state: Any, alternatives: list[list[tuple[Any, Any]]]) -> list[tuple[Any, Any]]:
    """One alternation of ``alternatives`` (each opening on a literal), those opening on one
    character written after it once; the alternatives of one character keep their order."""
    tails: dict[int, list[list[tuple[Any, Any]]]] = {}
    for alternative in alternatives:
        tails.setdefault(alternative[0][1], []).append(alternative[1:])
    branches: list[list[tuple[Any, Any]]] = []
    for character, following in tails.items():
        if len(following) == 1:
            branches.append([(sre.LITERAL, character), *following[0]])
        elif all(tail and tail[0][0] is sre.LITERAL for tail in following):
            branches.append([(sre.LITERAL, character), *_grouped(state, following)])
        else:
            inner = [_parser.SubPattern(state, tail) for tail in following]
            branches.append([(sre.LITERAL, character), (sre.BRANCH, (None, inner))])
    if len(branches) == 1:
        return branches[0]
    return [(sre.BRANCH, (None, [_parser.SubPattern(state, branch) for branch in branches]))]


def compile_alternatives(pattern: str, flags: int = 0) -> re.Pattern[str]:
    r"""``re.compile(pattern, flags)``, its alternatives grouped by their first character.

    At each position the engine tries every alternative of an alternation in turn; it passes
    over one that opens on another character at once, but one opening on ``\b``, a lookbehind or
    a group is entered first. Here each alternative is rewritten to open on its character (see
    ``_opening_on_characters``) and those sharing it follow it once, so a position is tried
    against its own character's alternatives only, in their order: what the alternation
    matches is unchanged, as no two alternatives opening on different characters can both match
    at one position. The plain compiled pattern where an alternative opens otherwise (a repeat,
    a capturing group, a category) or the case is folded."""
    if _sre is not None:
        try:
            parsed = _parser.parse(pattern, flags)
            all_flags = parsed.state.flags | flags
            if not all_flags & (re.IGNORECASE | re.LOCALE):
                alternatives = _opening_on_characters(list(parsed.data))
                if alternatives:
                    checks = alternatives[0][0]
                    if all(alternative[0] == checks for alternative in alternatives) \
                            and len({after[0][1] for _, after in alternatives}) > 1:
                        # Checks every alternative makes (a word check) are made once, first: at a
                        # letter inside a word they fail before any alternative is entered. (With
                        # one first character they follow it: the scan then skips to it at once.)
                        opening = [*checks, *_grouped(parsed.state, [after for _, after in alternatives])]
                    else:
                        opening = _grouped(parsed.state, [
                            [after[0], *_checked_after(checks, after[0][1]), *after[1:]]
                            for checks, after in alternatives])
                    grouped = _parser.SubPattern(parsed.state, opening)
                    code = _compiler._code(grouped, all_flags)
                    compiled = None
                    if code[0] is sre.INFO and not code[2] & (sre.SRE_INFO_PREFIX | sre.SRE_INFO_CHARSET):
                        compiled = _hinted(pattern, grouped, all_flags, code)  # opening on the checks
                    if compiled is None:
                        indexgroup: list[str | None] = [None] * parsed.state.groups
                        for name, index in parsed.state.groupdict.items():
                            indexgroup[index] = name
                        compiled = _sre.compile(pattern, all_flags, code, parsed.state.groups - 1,
                                                parsed.state.groupdict, tuple(indexgroup))
                    return compiled
        except (_Unfit, AttributeError, TypeError, ValueError, RuntimeError):
            pass
    return re.compile(pattern, flags)


def scan_either(first: re.Pattern[str], second: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """The spans ``finditer`` of the alternation ``first|second`` gives over ``text``, from a
    scan of each: the leftmost match of either from where the last one ended. Only for patterns
    no match of which is empty, and where no match of one starts with a character a match of the
    other starts with (the alternation then finds at each place what one of them finds there).
    Two scans can each skip to their own first characters, and a try that fails at a character
    fails on one pattern's alternatives only."""
    spans: list[tuple[int, int]] = []
    one = first.search(text)
    two = second.search(text)
    while one is not None or two is not None:
        match = one if two is None or (one is not None and one.start() < two.start()) else two
        assert match is not None
        end = match.end()
        spans.append((match.start(), end))
        if one is not None and one.start() < end:
            one = first.search(text, end)
        if two is not None and two.start() < end:
            two = second.search(text, end)
    return spans
