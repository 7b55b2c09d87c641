"""The registry of known platforms (``data/platforms.toml``): loading it, the patterns built
from it, and where its names occur in a text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from diffing.catalogues import entry_id, parse_catalogue, read_builtin
from diffing.found import Found
from diffing.keywords import keyword_pattern, literal_alternation
from diffing.numbers import normalise_width
from diffing.scans import compile_scan, scan_either
from diffing.text import PreparedText

# Internal id of words that say something else was done ("处置", "dealt with").
NEUTRAL = ""


@dataclass(frozen=True)
class Platform:
    id: str
    names_zh: tuple[str, ...]
    names_en: tuple[str, ...]
    parent: str | None
    kind: str


@dataclass(frozen=True)
class PlatformRegistry:
    platforms: dict[str, Platform]
    aliases: dict[str, str]  # prepared alias → id
    not_after: dict[str, frozenset[str]]
    not_before: dict[str, tuple[str, ...]]
    cased: dict[str, frozenset[str]]  # prepared alias → the forms it must be written in
    # Names that start with a Chinese character, in two scans: those starting with a character
    # common in notices, and the others (see ``_COMMON_CHARACTERS``).
    name_patterns: tuple[re.Pattern[str], re.Pattern[str]]
    # Names that start with a Latin letter or digit are looked for only where a word starts
    # with one of their first two characters: a scan of every position for a hundred English
    # names costs more than the rest of the reading. One character where such a word starts
    # with such a name; the name is its group 1.
    latin_scan: re.Pattern[str]
    action_patterns: dict[str, dict[str, re.Pattern[str]]]  # language → action → pattern
    # Chinese action words are plain words: one trie over all of them, and the action of each.
    zh_action_scan: tuple[re.Pattern[str], dict[str, str]]
    # English: each action's pattern runs only over a text holding the first word of one of
    # its words (a substring test costs far less than a scan).
    en_action_needles: dict[str, tuple[str, ...]]
    kind_patterns: dict[str, dict[str, re.Pattern[str]]]  # language → kind → pattern


def load_platforms(extra_path: Path | None = None) -> PlatformRegistry:
    """The built-in registry, extended by ``extra_path`` (same format as
    ``data/platforms.toml``; a platform with a built-in id replaces it, actions and kinds given
    there replace the built-in words for that action or kind).

    Raises ``ValueError`` naming the problem when a file is malformed.
    """
    if extra_path is None:
        return builtin_registry()
    return _build_registry(Path(extra_path).read_text("utf-8"))


@lru_cache(maxsize=1)
def builtin_registry() -> PlatformRegistry:
    return _build_registry(None)


def alias_key(name: str) -> str:
    return re.sub(r"\s+", " ", normalise_width(name).strip().lower())


def _build_registry(extra: str | None) -> PlatformRegistry:
    sources = [read_builtin("platforms.toml")]
    if extra is not None:
        sources.append(extra)
    entries: dict[str, dict[str, Any]] = {}
    actions: dict[str, dict[str, list[str]]] = {}
    kinds: dict[str, dict[str, list[str]]] = {}
    for source in sources:
        document = parse_catalogue(source, "platform registry")
        for entry in document.get("platform", []):
            identifier = entry_id(entry, "platform")
            if not entry.get("kind"):
                raise ValueError(f"platform {identifier}: 'kind' is required")
            entries[identifier] = entry
        actions.update(document.get("actions", {}))
        if "neutral_actions" in document:
            actions[NEUTRAL] = document["neutral_actions"]
        kinds.update(document.get("unknown_kinds", {}))
    platforms: dict[str, Platform] = {}
    aliases: dict[str, str] = {}
    not_after: dict[str, frozenset[str]] = {}
    not_before: dict[str, tuple[str, ...]] = {}
    cased: dict[str, frozenset[str]] = {}
    for entry in entries.values():
        platform = Platform(
            id=str(entry["id"]),
            names_zh=tuple(str(name) for name in entry.get("zh", [])),
            names_en=tuple(str(name) for name in entry.get("en", [])),
            parent=str(entry["parent"]) if entry.get("parent") else None,
            kind=str(entry["kind"]),
        )
        platforms[platform.id] = platform
        for name in platform.names_zh + platform.names_en:
            aliases[alias_key(name)] = platform.id
            if entry.get("not_after"):
                not_after[alias_key(name)] = frozenset(str(ch) for ch in entry["not_after"])
            if entry.get("not_before"):
                not_before[alias_key(name)] = tuple(str(word) for word in entry["not_before"])
            cased_names = entry.get("cased")
            if cased_names and name in platform.names_en and (
                    name in cased_names if isinstance(cased_names, list) else name[:1].isupper()):
                cased[alias_key(name)] = cased.get(alias_key(name), frozenset()) | {
                    re.sub(r"\s+", " ", normalise_width(name).strip())}
    action_patterns = _word_patterns(actions)
    return PlatformRegistry(
        platforms=platforms,
        aliases=aliases,
        not_after=not_after,
        not_before=not_before,
        cased=cased,
        name_patterns=_name_patterns([alias for alias in aliases if not _LATIN_EDGE.match(alias)]),
        latin_scan=_latin_scan([alias for alias in aliases if _LATIN_EDGE.match(alias)]),
        action_patterns=action_patterns,
        zh_action_scan=_zh_scan(actions),
        en_action_needles={
            action: tuple({_needle(word) for word in words.get("en", []) if word.strip()})
            for action, words in actions.items()
        },
        kind_patterns=_word_patterns(kinds),
    )


def _needle(word: str) -> str:
    """The longest word of an English action phrase: a text without it cannot match the phrase,
    and a long word ("listed" in "was listed") rules out more texts than a short one."""
    return max((part for part in word.strip().lower().rstrip("$").split() if part != "*"), key=len)


def _zh_scan(table: dict[str, dict[str, list[str]]]) -> tuple[re.Pattern[str], dict[str, str]]:
    words: dict[str, str] = {}
    for action, languages in table.items():
        for word in languages.get("zh", []):
            folded = word.strip().lower()
            if re.search(r"[a-z]", folded):
                raise ValueError(f"action {action!r}: Chinese action words are Chinese ({word!r})")
            words[folded] = action
    return re.compile(literal_alternation(words)), words


def _word_patterns(table: dict[str, dict[str, list[str]]]) -> dict[str, dict[str, re.Pattern[str]]]:
    patterns: dict[str, dict[str, re.Pattern[str]]] = {"zh": {}, "en": {}}
    for name, words in table.items():
        for language in ("zh", "en"):
            pattern = keyword_pattern(words.get(language, []), language)
            if pattern is not None:
                patterns[language][name] = pattern
    return patterns


# A name of digits only ("360") is no name when a number or a unit touches it (360家, 3600).
_DIGIT_NAME_BEFORE = re.compile(r"[\d.,]$")
_DIGIT_NAME_AFTER = re.compile(r"[\d.,%]|\s*(?:家|款|个|件|条|万|亿|元|余|多|年|月|日|天|度|websites|apps|accounts)")
_LATIN_EDGE = re.compile(r"[a-z0-9]")
# The same characters as a set, to test one character (or none, at either end of the text) with:
# cheaper than a match call for each name found.
_LATIN_EDGE_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Accented Latin letters (pinyin's í, ǎ; é, ü) go on a word as plain ones do: "X" is not in "Xí".
_ACCENTED_LETTER = re.compile(r"[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
_NUMBER_WITH_CHINESE_UNIT = re.compile(r"\d[\d.,]*\s*[\u4e00-\u9fff]")


# The 200 Chinese characters most frequent in the development corpus's texts. A scan of names
# tries, at each character some name starts with, every name's first character in turn until one
# matches the text (each alternative of the alternation), so a failure costs one test for each of
# some 240 first characters; most tries are at common characters (网, 法, 平, 台, 国 …) and fail.
# The names that start with one of these are scanned apart from the others: a try at a common
# character then costs some 45 tests. Which characters are listed changes the speed, not what is
# found: no name of one scan starts with a character a name of the other starts with, so the
# alternation of the two finds at each place what one of them finds there (``scan_either``).
_COMMON_CHARACTERS = frozenset(
    "信网行用法的息部通报等关规号公国违处应日理发业工下户依整题在家和人对年中权问月管平台为件办市款架络动益有上个名局作侵第出"
    "布改据治单商实不开罚害化项查全责企存微期联进检定要以场经展现互限置相专内我滴取成软安及万条集营合其主站者一测手新机余组来保消"
    "清收批前大护严求体被涉案务监于小类织帐京未施政任续情室系民共电计附自北制过此众重律同约账度闭服态文截了举知次至二元司立时会生"
    "持述已总多朗博强将完停止乱店按禁")


def _name_patterns(aliases: list[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    common = [alias for alias in aliases if alias[0] in _COMMON_CHARACTERS]
    others = [alias for alias in aliases if alias[0] not in _COMMON_CHARACTERS]
    return re.compile(literal_alternation(common)), re.compile(literal_alternation(others))


def _latin_scan(aliases: list[str]) -> re.Pattern[str]:
    """A match of one character where a word starts with one of ``aliases``, the alias in group
    1 (as a match of their alternation there would give it): one scan instead of a test at every
    word. The word is first tested for a name's first two characters (or a one-letter name); the
    second may be a space, and only the start is used."""
    seconds: dict[str, set[str]] = {}
    for start in {alias[:2] for alias in aliases}:
        seconds.setdefault(start[0], set()).add(start[1:])
    alternatives = "|".join(
        re.escape(first) if "" in after else re.escape(first) + "[" + "".join(map(re.escape, sorted(after))) + "]"
        for first, after in sorted(seconds.items()))
    first = "".join(map(re.escape, sorted(seconds)))
    # The word start is checked first (at a letter inside a word the try fails on that one
    # check), the class then, and the rest in a lookbehind over it; compile_scan lets a scan pass
    # over the characters outside the class at once. The names are read in the lookahead, so a
    # scan reports every word start that begins one, overlapping or not, without a call from
    # Python at each word start.
    return compile_scan(f"(?<![a-z0-9])[{first}](?<=(?={alternatives})(?=({literal_alternation(aliases)}))[{first}])"
                        if seconds else "(?!)")


def registry_names(prepared: PreparedText, registry: PlatformRegistry) -> list[Found]:
    text = prepared.text
    found: list[Found] = []
    matches = scan_either(*registry.name_patterns, text)
    matches.extend(match.span(1) for match in registry.latin_scan.finditer(text))
    if len(matches) > 1:
        matches.sort(key=lambda span: (span[0], -span[1]))
    last_end = -1
    for start, end in matches:
        if start < last_end:
            continue
        alias = text[start:end]
        platform_id = registry.aliases.get(alias)
        if platform_id is None:
            alias = alias_key(alias)
            platform_id = registry.aliases.get(alias)
        if platform_id is None:
            continue
        before = text[start - 1:start]
        after = text[end:end + 1]
        if alias.isdigit():
            if _DIGIT_NAME_BEFORE.search(before) or _DIGIT_NAME_AFTER.match(text, end):
                continue
        elif (alias[0] in _LATIN_EDGE_CHARACTERS
              and (before in _LATIN_EDGE_CHARACTERS or _ACCENTED_LETTER.match(before))) or (
                alias[-1] in _LATIN_EDGE_CHARACTERS and _ACCENTED_LETTER.match(after)) or (
                alias[-1] in _LATIN_EDGE_CHARACTERS and after in _LATIN_EDGE_CHARACTERS and not (
                    after.isdigit() and alias[-1].isalpha() and _NUMBER_WITH_CHINESE_UNIT.match(text, end))):
            # Latin names are whole words: "Bing" is not in "binge", "JD" not in "JDK"; a number
            # with a Chinese unit glued after the name is not part of it (给予TikTok3个月).
            continue
        blocked = registry.not_after.get(alias)
        if blocked and (before in blocked or any(
                len(word) > 1 and text.endswith(word, 0, start) for word in blocked)):
            continue
        blocked_after = registry.not_before.get(alias)
        if blocked_after and text.startswith(blocked_after, end):
            continue
        forms = registry.cased.get(alias)
        if forms and re.sub(r"\s+", " ", normalise_width(prepared.original_text(start, end))) not in forms \
                and not (len(alias) > 2 and prepared.original_text(start, end).islower()
                         and (_CJK.match(before) or _CJK.match(after))):
            # A cased name written in lower case is the ordinary word ("apple", "meta"), except
            # glued to Chinese text, where no English word is meant (meta目前无法…, 对meta罚款).
            continue
        domain = _DOMAIN_SUFFIX.match(text, end)
        if domain is not None and alias[-1] in _LATIN_EDGE_CHARACTERS:
            end = domain.end()  # Bing.com, JD.com, sina.com.cn: the platform's own site
        edition = _EDITION_SUFFIX.match(text, end)
        if edition is not None:
            # 某某天气极速版, Facebook Lite: an edition is a product of its own, which the registry
            # would list under its own name where it knows it.
            found.append(Found(start, edition.end(), None, "app"))
            last_end = edition.end()
            continue
        found.append(Found(start, end, platform_id, registry.platforms[platform_id].kind))
        last_end = end
    return found


_EDITION_SUFFIX = re.compile(r"\s?(?:极速版|精简版|轻量版|青春版|lite(?![a-z0-9]))")
_DOMAIN_SUFFIX = re.compile(r"\.(?:com|cn|net|org)(?:\.cn)?(?![a-z0-9])")


def merge_adjacent(text: str, found: list[Found]) -> list[Found]:
    """One mention for "National Knowledge Infrastructure (CNKI)" and 知网（CNKI）."""
    merged: list[Found] = []
    for item in found:
        if merged:
            last = merged[-1]
            gap = text[last.end:item.start]
            if last.id is not None and last.id == item.id and re.fullmatch(r"\s*[(（]?\s*", gap) \
                    and re.match(r"\s*[)）]", text[item.end:item.end + 2]):
                closing = re.match(r"\s*[)）]", text[item.end:item.end + 2])
                assert closing is not None
                last.end = item.end + closing.end()
                continue
        merged.append(item)
    return merged
