"""Named platforms in notice text, from the registry in ``data/platforms.toml``, with the actions
the notice takes against each; names the registry does not know are kept when the text marks
them as a website, app, mini program or account (“绿色直播”等网站, @江苏大山), lists them beside
known ones, or gives them in a table (``diffing.tables``). Which verb governs which name is
``diffing.clauses``'s; publication channels and page furniture (``diffing.channels``) are no
mentions."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from diffing.amounts import AmountMatch, find_amounts
from diffing.catalogues import entry_id, parse_catalogue, read_builtin
from diffing.channels import channel_spans
from diffing.clauses import Governed, Party, collective, govern
from diffing.keywords import keyword_pattern, literal_alternation
from diffing.numbers import Amount, normalise_width
from diffing.spans import Occupancy, SortedSpans
from diffing.tables import TableRow, find_table_rows
from diffing.text import PreparedText

__all__ = [
    "ACTIONS",
    "Platform",
    "PlatformMention",
    "PlatformRegistry",
    "find_platform_mentions",
    "load_platforms",
]

# Stable action ids; the order is used nowhere but documentation.
ACTIONS = (
    "summoned", "fined", "removed", "closed", "suspended", "ordered_to_rectify", "warned",
    "notified", "fine_proposed", "muted",
)
UNKNOWN_KINDS = ("website", "app", "mini_program", "account", "company")
# Quoted phrases looked at per sentence: prose names a handful; a sentence of hundreds of
# quotes is data or noise, and each costs a look around it.
MAX_QUOTED_PER_SENTENCE = 24
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
class PlatformMention:
    """A platform named in a notice.

    ``id`` is ``None`` for a name the registry does not know (``kind`` is then website, app,
    mini_program or account). ``name`` is the name as written in the original text, at
    ``start``/``end``. ``actions`` are what the notice does to it: the verbs its own clause
    governs it by (``diffing.clauses``), else what the notice does to the same platform
    elsewhere, else the first verb of the sentences that continue the story; ``action`` is the
    first of them, ``None`` when the notice only names it (a host, a speaker, an owner).
    ``amount`` is the fine when it is fined with a stated amount. ``operator`` is
    the company that runs it when the notice says so (an app's developer in a table): its
    registry id, or its name as written.
    """

    id: str | None
    name: str
    kind: str
    action: str | None
    amount: Amount | None
    start: int
    end: int
    sentence: str
    actions: tuple[str, ...] = ()
    operator: str | None = None

    @property
    def key(self) -> str:
        """What identifies the platform across notices: its id, or its name for unknown ones."""
        return self.id if self.id is not None else f"name:{self.name}"


@dataclass(frozen=True)
class PlatformRegistry:
    platforms: dict[str, Platform]
    aliases: dict[str, str]  # prepared alias → id
    not_after: dict[str, frozenset[str]]
    not_before: dict[str, tuple[str, ...]]
    cased: dict[str, frozenset[str]]  # prepared alias → the forms it must be written in
    name_pattern: re.Pattern[str]  # names that start with a Chinese character
    # Names that start with a Latin letter or digit are looked for only where a word starts
    # with one of their first two characters: a scan of every position for a hundred English
    # names costs more than the rest of the reading.
    latin_pattern: re.Pattern[str]
    latin_starts: frozenset[str]
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
        return _builtin_registry()
    return _build_registry(Path(extra_path).read_text("utf-8"))


@lru_cache(maxsize=1)
def _builtin_registry() -> PlatformRegistry:
    return _build_registry(None)


def _alias_key(name: str) -> str:
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
            aliases[_alias_key(name)] = platform.id
            if entry.get("not_after"):
                not_after[_alias_key(name)] = frozenset(str(ch) for ch in entry["not_after"])
            if entry.get("not_before"):
                not_before[_alias_key(name)] = tuple(str(word) for word in entry["not_before"])
            cased_names = entry.get("cased")
            if cased_names and name in platform.names_en and (
                    name in cased_names if isinstance(cased_names, list) else name[:1].isupper()):
                cased[_alias_key(name)] = cased.get(_alias_key(name), frozenset()) | {
                    re.sub(r"\s+", " ", normalise_width(name).strip())}
    action_patterns = _word_patterns(actions)
    return PlatformRegistry(
        platforms=platforms,
        aliases=aliases,
        not_after=not_after,
        not_before=not_before,
        cased=cased,
        name_pattern=_name_pattern({alias: key for alias, key in aliases.items() if not _LATIN_EDGE.match(alias)}),
        latin_pattern=_name_pattern({alias: key for alias, key in aliases.items() if _LATIN_EDGE.match(alias)}),
        latin_starts=frozenset(alias[:2] for alias in aliases if _LATIN_EDGE.match(alias)),
        action_patterns=action_patterns,
        zh_action_scan=_zh_scan(actions),
        en_action_needles={
            action: tuple({word.strip().lower().rstrip("$").split()[0] for word in words.get("en", []) if word.strip()})
            for action, words in actions.items()
        },
        kind_patterns=_word_patterns(kinds),
    )


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


def _name_pattern(aliases: dict[str, str]) -> re.Pattern[str]:
    return re.compile(literal_alternation(aliases))


# --- finding mentions ----------------------------------------------------------------------


@dataclass
class _Found:
    start: int
    end: int
    id: str | None
    kind: str
    # Where the phrase the name heads ends ("E-school of Tianjin Yuhua Education"): lists are
    # read from there.
    tail: int = -1


_QUOTED = re.compile(
    r"“(?P<a>[^“”\n。，,；;！？!?：:]{1,30})”"
    r"|「(?P<b>[^「」\n。，,；;！？!?：:]{1,30})」"
    r"|『(?P<c>[^『』\n。，,；;！？!?：:]{1,30})』"
    r'|"(?P<d>[^"\n。，,；;！？!?：:]{1,40})"'
)
_AT_NAME = re.compile(
    r"@(?!所有人|全体成员|everyone\b|all\b)(?P<name>[^\s@，,。、；;：:“”\"（）()等]{1,30}(?:\s(?!and\b|or\b)[^\s@，,。、；;：:“”\"（）()]{1,20}){0,3})"
)
_LIST_CONTINUES = re.compile(
    r"(?:\s*(?:、|,|，|和|及|与|以及|and|or)?\s*(?:“[^“”\n]{1,30}”|「[^「」\n]{1,30}」|\"[^\"\n]{1,40}\"|@[^\s，,。、；;]{1,30}))*"
)
_ZH_TAIL = re.compile(r"\s*(?P<etc>等(?:一批|多个|若干|一系列|多款|多家)?)?(?P<filler>[^，。；;、“”\n,]*)")
_EN_TAIL = re.compile(
    r"\s*(?P<etc>,?\s*and\s+(?:several\s+|a\s+number\s+of\s+)?other\s+)?(?P<filler>(?:[a-z-]+\s+){0,4})"
)
_EN_FUNCTION_WORDS = frozenset({
    "of", "in", "on", "at", "to", "for", "from", "by", "with", "against", "about", "that",
    "which", "who", "and", "or", "the", "a", "an", "is", "are", "was", "were", "be", "been",
    "has", "have", "had", "will", "would",
})
_SEPARATOR_AT_END = re.compile(r"(?:、|,|，|和|及|与|(?<![a-z])(?:and|or))\s*$")
_CLOSING_QUOTES = {"”": "“", "\"": "\"", "」": "「", "』": "『"}


def _strip_list_tail(before: str) -> str:
    """``before`` without the names and separators it ends with ("…such as “A”、“B”和" is
    "…such as"): one step per name, never a scan of the whole list from every position."""
    text = before
    while True:
        text = text.rstrip()
        separator = _SEPARATOR_AT_END.search(text[-6:])
        if separator:
            text = text[: len(text) - (len(text[-6:]) - separator.start())]
            continue
        if text and text[-1] in _CLOSING_QUOTES:
            opening = text.rfind(_CLOSING_QUOTES[text[-1]], max(0, len(text) - 42), len(text) - 1)
            if opening == -1:
                return text
            text = text[:opening]
            continue
        at = text.rfind("@", max(0, len(text) - 31))
        if at != -1 and not re.search(r"[\s，,。、；;]", text[at + 1:]):
            text = text[:at]
            continue
        return text
_AMONG_THEM = re.compile(
    r"\s*(?:among\s+them\s+(?:were|are|was|is)|these\s+include[ds]?|they\s+include[ds]?"
    r"|其中包括|其中有|其中)\s*[:：]?\s*"
)
_SUCH_AS = re.compile(r"(?:such\s+as|including|like|如|包括|例如)\s*$")


def find_platform_mentions(
    prepared: PreparedText,
    *,
    registry: PlatformRegistry | None = None,
    figure_sentences: Iterable[int] = (),
    amounts: Sequence[AmountMatch] | None = None,
) -> list[PlatformMention]:
    """Every named platform in ``prepared``, in text order. ``figure_sentences`` are indices of
    sentences that report counts: such a summary sentence ends the sentences an action is
    looked for in, because counts speak of many sites, not of the one named before."""
    registry = registry or _builtin_registry()
    language = "zh" if prepared.language.startswith("zh") else "en"
    text = prepared.text
    found = _registry_names(prepared, registry)
    found += _unknown_names(prepared, registry, language, found)
    rows = find_table_rows(prepared)
    found += _enumerated_names(text, found, language)
    found += _english_app_names(prepared, found, language)
    found = _outside_channels(text, found) if found else found
    if rows:
        found = _outside_tables(prepared, found, rows)
    if not found:
        return _table_mentions(prepared, registry, rows) if rows else []
    found.sort(key=lambda item: item.start)
    found = _merge_adjacent(text, found)
    raw_actions = _action_spans(text, registry, language)
    action_spans = SortedSpans(raw_actions, _span_start, _span_end)
    # Sentences holding an action word: the only ones the notice-wide readings look at.
    action_sentences = sorted({prepared.sentence_index(span[0]) for span in raw_actions})
    if amounts is None:
        amounts = find_amounts(text)
    figure_sentence_set = set(figure_sentences)
    named_sentences: dict[int, set[str]] = {}
    for item in found:
        named_sentences.setdefault(prepared.sentence_index(item.start), set()).add(_item_key(text, item))
    amount_spans = SortedSpans(amounts, _amount_start, _amount_end)
    groups = _list_groups(prepared, found)
    governed = _govern_groups(prepared, groups, action_spans, language)
    readings = [_reading(group, said, amount_spans) for group, said in zip(groups, governed, strict=True)]
    topic = _topic_actions(prepared, groups, governed, action_spans, action_sentences, named_sentences, language)
    story = _story(prepared.text, groups, readings, topic)
    for index, (group, said) in enumerate(zip(groups, governed, strict=True)):
        if readings[index][1] or said.host:
            continue
        # A platform named without a verb of its own in a notice that acts on it elsewhere (a
        # headline, "the platform has apologised") is part of that story; a name the notice
        # acts on nowhere else is read on into the sentences that continue it.
        keys = {_item_key(prepared.text, item) for item in group}
        # A list inherits only what the notice does to every platform in it.
        inherited = tuple(dict.fromkeys(action for key in keys for action in story.get(key, [])))
        if not all(story.get(key) for key in keys):
            inherited = ()
        if inherited:
            readings[index] = (inherited[0], inherited, None)
        elif not said.decided and not said.speaker and not said.oblique:
            _read_on(prepared, group, action_spans, named_sentences, figure_sentence_set, said,
                     registry.kind_patterns[language])
            readings[index] = _reading(group, said, amount_spans)
    referred = _referred_actions(prepared, groups, governed, action_spans, action_sentences, named_sentences,
                                 language)
    for index, (group, said) in enumerate(zip(groups, governed, strict=True)):
        # What sentences about "the company" say is said of the notice's one party, also
        # where one of its mentions has a verb of its own.
        added = [action for item in group for action in topic.get(_item_key(prepared.text, item), [])]
        if added and not said.host and readings[index][1]:
            action, actions, amount = readings[index]
            readings[index] = (action, tuple(dict.fromkeys((*actions, *added))), amount)
        if index in referred:
            action, actions, amount = readings[index]
            actions = tuple(dict.fromkeys((*actions, *referred[index])))
            readings[index] = (action or actions[0], actions, amount)
    readings = _amount_from_story(prepared, groups, readings, action_spans, action_sentences, amount_spans,
                                  named_sentences)
    readings = _notice_app_action(prepared, groups, governed, readings, action_spans, registry, language)
    readings = _proposed_not_fined(prepared, groups, readings, amount_spans)
    mentions: list[PlatformMention] = []
    for group, (action, actions, amount) in zip(groups, readings, strict=True):
        each = _respective_amounts(prepared, group, amount_spans) if amount is not None and len(group) > 1 else None
        for position, item in enumerate(group):
            original_start, original_end = prepared.original_span(item.start, item.end)
            mentions.append(PlatformMention(
                id=item.id,
                name=prepared.original[original_start:original_end],
                kind=item.kind,
                action=action,
                amount=each[position] if each else amount,
                start=original_start,
                end=original_end,
                sentence=prepared.original_sentence(item.start),
                actions=actions,
            ))
    if rows:
        mentions = sorted(mentions + _table_mentions(prepared, registry, rows), key=lambda m: m.start)
    return mentions


def _proposed_not_fined(
    prepared: PreparedText,
    groups: Sequence[Sequence[_Found]],
    readings: list[tuple[str | None, tuple[str, ...], Amount | None]],
    amounts: SortedSpans[AmountMatch],
) -> list[tuple[str | None, tuple[str, ...], Amount | None]]:
    """A platform the notice proposes to fine is not also fined by it: "the fine" said of it
    elsewhere ("BA may make representations before the fine"), or the proposed amount reported
    as imposed, is that proposed one. A fine with an amount of its own (the penalty a notice of
    intent led to) stays."""
    text = prepared.text
    proposed: dict[str, list[tuple[int, Amount]]] = {}
    for group, (_, actions, _) in zip(groups, readings, strict=True):
        if "fine_proposed" not in actions:
            continue
        start, end = prepared.sentence_at(group[0].start)
        stated = [(start, match.amount) for match in amounts.within(start, end)]
        for item in group:
            proposed.setdefault(_item_key(text, item), []).extend(stated)
    if not proposed:
        return readings
    result = []
    for group, (action, actions, amount) in zip(groups, readings, strict=True):
        keys = [_item_key(text, item) for item in group]
        if "fined" in actions and all(key in proposed for key in keys):
            own_sentence = prepared.sentence_at(group[0].start)[0]
            elsewhere = {value for key in keys for start, value in proposed[key] if start != own_sentence}
            if amount is None or amount in elsewhere:
                actions = tuple(name for name in actions if name != "fined") or ("fine_proposed",)
                action = actions[0]
        result.append((action, actions, amount))
    return result


def _outside_tables(prepared: PreparedText, found: list[_Found], rows: Sequence[TableRow]) -> list[_Found]:
    """``found`` without names inside table cells: the rows give those (an app store in the
    source column is where the app was tested, not a platform the notice acts on)."""
    taken = Occupancy(len(prepared.original))
    for row in rows:
        for start, end in ((row.start, row.end), (row.developer_start, row.developer_end), *row.cells):
            if 0 <= start < end:
                taken.take(start, end)
    kept = []
    for item in found:
        start, end = prepared.original_span(item.start, item.end)
        if taken.free(start, end):
            kept.append(item)
    return kept


def _registry_id(registry: PlatformRegistry, name: str) -> str | None:
    return registry.aliases.get(_alias_key(name))


def _table_mentions(prepared: PreparedText, registry: PlatformRegistry,
                    rows: Sequence[TableRow]) -> list[PlatformMention]:
    """One mention per app of a table, with the action the table's heading says; the developer
    is its operator. A name the registry does not know is kept as written (id ``None``)."""
    mentions = []
    for row in rows:
        platform_id = _registry_id(registry, row.name)
        operator = None
        if row.developer:
            operator = _registry_id(registry, row.developer) or row.developer
        mentions.append(PlatformMention(
            id=platform_id,
            name=row.name,
            kind=registry.platforms[platform_id].kind if platform_id else "app",
            action=row.action,
            amount=None,
            start=row.start,
            end=row.end,
            sentence=prepared.original[row.start:row.end],
            actions=(row.action,),
            operator=operator,
        ))
    return mentions


# A sentence whose subject only refers to a company named elsewhere ("The company was also
# ordered…", "A facial recognition firm … has been fined", 该公司, 其).
_REFERRING_SUBJECT = {
    "en": re.compile(
        r"\W*(?:the|a|an|this)\s+(?:[\w-]+\s+){0,4}?(?:company|firm|platform|group|giant|operator|app)\b"
        r"|\W*(?:it|they)\s+(?:was|were|has|have|had|is|are|must|will)\s"
    ),
    "zh": re.compile(r"\W*(?:该|此|这家)(?:公司|平台|企业|网站|应用)|\W*其"),
}


def _topic_actions(
    prepared: PreparedText,
    groups: Sequence[Sequence[_Found]],
    governed: Sequence[Governed],
    action_spans: SortedSpans[tuple[int, int, str]],
    action_sentences: Sequence[int],
    named_sentences: dict[int, set[str]],
    language: str,
) -> dict[str, list[str]]:
    """Actions of sentences that name no platform but refer to one ("The company was fined"),
    given to the notice's one party when it names exactly one (hosts and speakers aside)."""
    parties = {
        _item_key(prepared.text, item)
        for group, said in zip(groups, governed, strict=True) if not said.host
        for item in group
    }
    if len(parties) != 1:
        return {}
    actions: list[str] = []
    for index in action_sentences:
        if index in named_sentences:
            continue
        start, end = prepared.sentence(index)
        if not _REFERRING_SUBJECT[language].match(prepared.text, start, end):
            continue
        actions += [span[2] for span in _either_or(prepared.text, _in(action_spans, start, end)) if span[2] != NEUTRAL]
    return {parties.pop(): actions} if actions else {}


# An object that refers back to the platforms just named (对其, 对两个平台, 对三家, "fining them"):
# a sentence that names none and acts on it acts on them.
_REFERRING_OBJECT = {
    "en": re.compile(r"\b(?:them|both\s+(?:companies|platforms|firms)|the\s+(?:two|three|four)\s+(?:companies|platforms|firms))\b"),
    "zh": re.compile(r"对(?:其|该(?:平台|公司|企业|网站)|平台(?![内上中])|(?:这|上述)?[两二三四五六七八九十]+[个家]|上述(?:平台|企业|公司|网站))"),
}
_REFERRING_REACH = 3  # sentences back to the one that named them


def _referred_actions(
    prepared: PreparedText,
    groups: Sequence[Sequence[_Found]],
    governed: Sequence[Governed],
    action_spans: SortedSpans[tuple[int, int, str]],
    action_sentences: Sequence[int],
    named_sentences: dict[int, set[str]],
    language: str,
) -> dict[int, list[str]]:
    """Actions of a sentence that names no platform but acts on ones it refers back to (对两个平台
    采取约谈、警告), given to the platforms of the nearest sentence before it that names some."""
    added: dict[int, list[str]] = {}
    named = sorted(named_sentences)
    for index in action_sentences:
        if index in named_sentences:
            continue
        start, end = prepared.sentence(index)
        earlier = [sentence for sentence in named if index - _REFERRING_REACH <= sentence < index]
        if not earlier:
            continue
        referring = _REFERRING_OBJECT[language].search(prepared.text, start, end)
        subject = referring is None and _REFERRING_SUBJECT[language].match(prepared.text, start, end)
        if referring is None and not subject:
            continue
        spans = _either_or(prepared.text, _in(action_spans, start, end))
        if referring is not None and language == "zh":
            spans = [span for span in spans if span[0] >= referring.end()]
        actions = [span[2] for span in spans if span[2] != NEUTRAL]
        if not actions:
            continue
        parties = [position for position, (group, said) in enumerate(zip(groups, governed, strict=True))
                   if prepared.sentence_index(group[0].start) == earlier[-1] and not said.host
                   and not said.speaker and not said.oblique]
        # "The company was ordered…" speaks of one company: the one the sentence before names.
        if subject and len({_item_key(prepared.text, item) for position in parties for item in groups[position]}) != 1:
            continue
        for position in parties:
            added.setdefault(position, []).extend(actions)
    return added


def _govern_groups(prepared: PreparedText, groups: Sequence[Sequence[_Found]],
                   action_spans: SortedSpans[tuple[int, int, str]], language: str) -> list[Governed]:
    """What each list of names is governed by, sentence by sentence (``diffing.clauses``)."""
    governed: list[Governed] = []
    index = 0
    while index < len(groups):
        sentence = prepared.sentence_index(groups[index][0].start)
        end = index
        while end < len(groups) and prepared.sentence_index(groups[end][0].start) == sentence:
            end += 1
        bounds = prepared.sentence(sentence)
        parties = [Party(group[0].start, group[-1].end) for group in groups[index:end]]
        governed += govern(prepared.text, bounds, parties, _either_or(prepared.text, _in(action_spans, *bounds)), language)
        index = end
    return governed


_EITHER_OR = re.compile(r"\s*(?:或者|或是|或|or)\s*")


def _either_or(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Actions offered as alternatives (关闭或禁言, "closed or muted") are said of no one name:
    both become neutral."""
    result = list(spans)
    for index in range(len(result) - 1):
        if _EITHER_OR.fullmatch(text, result[index][1], result[index + 1][0]):
            result[index] = (result[index][0], result[index][1], NEUTRAL)
            result[index + 1] = (result[index + 1][0], result[index + 1][1], NEUTRAL)
    return result


def _reading(group: Sequence[_Found], said: Governed,
             amounts: SortedSpans[AmountMatch]) -> tuple[str | None, tuple[str, ...], Amount | None]:
    actions = tuple(dict.fromkeys(span[2] for span in said.actions if span[2] != NEUTRAL))
    if "fine_proposed" in actions:
        # "its intention to fine X £183m … its new penalty powers": the fine is the proposed one.
        actions = tuple(action for action in actions if action != "fined")
    amount = _amount_in(group, said, amounts) if "fined" in actions else None
    return (actions[0] if actions else None, actions, amount)


RESPECTIVELY = re.compile(r"分别|respectively")


def _respective_amounts(prepared: PreparedText, group: Sequence[_Found],
                        amounts: SortedSpans[AmountMatch]) -> list[Amount] | None:
    """对京东、拼多多分别处以罚款50万元、30万元: one amount per name, in order, when the sentence
    says 分别 ("respectively") and states as many amounts after the names."""
    _, sentence_end = prepared.sentence_at(group[0].start)
    if not RESPECTIVELY.search(prepared.text, group[-1].end, sentence_end):
        return None
    after = amounts.within(group[-1].end, sentence_end)
    if len(after) != len(group):
        return None
    return [match.amount for match in after]


def _notice_app_action(
    prepared: PreparedText,
    groups: Sequence[Sequence[_Found]],
    governed: Sequence[Governed],
    readings: list[tuple[str | None, tuple[str, ...], Amount | None]],
    action_spans: SortedSpans[tuple[int, int, str]],
    registry: PlatformRegistry,
    language: str,
) -> list[tuple[str | None, tuple[str, ...], Amount | None]]:
    """Apps the registry does not know, named in a notice about apps without a verb of their
    own ("The App for X had a feature that…" in a report headed "Ministry removes 96 apps"),
    take what the notice does to apps: the action of its first sentence that counts apps."""
    if not any(item.kind == "app" and item.id is None and not reading[1]
               for group, reading in zip(groups, readings, strict=True) for item in group):
        return readings
    app_words = registry.kind_patterns[language].get("app")
    action = None
    for index in range(min(prepared.sentence_count(), 12)):
        start, end = prepared.sentence(index)
        words = app_words.search(prepared.text, start, end) if app_words else None
        spans = [span for span in _in(action_spans, start, end) if span[2] != NEUTRAL]
        if words and spans:
            action = min(spans, key=lambda span: abs(span[0] - words.start()))[2]
            break
    if action is None:
        return readings
    return [
        (action, (action,), None)
        # Apps with a neutral verb of their own (查处“A”等应用程序) were dealt with, not that.
        if not reading[1] and not said.host and not said.actions
        and all(item.kind == "app" and item.id is None for item in group)
        else reading
        for group, said, reading in zip(groups, governed, readings, strict=True)
    ]


def _amount_from_story(
    prepared: PreparedText,
    groups: Sequence[Sequence[_Found]],
    readings: list[tuple[str | None, tuple[str, ...], Amount | None]],
    action_spans: SortedSpans[tuple[int, int, str]],
    action_sentences: Sequence[int],
    amounts: SortedSpans[AmountMatch],
    named_sentences: dict[int, set[str]],
) -> list[tuple[str | None, tuple[str, ...], Amount | None]]:
    """When the notice fines one platform and states the amount only in a sentence that does
    not name it ("CAC fines CNKI …. The CAC … fined it 50 million yuan"), that amount is its."""
    if any(reading[2] for reading in readings) or not any("fined" in reading[1] for reading in readings):
        return readings
    fined = {_item_key(prepared.text, item) for group, reading in zip(groups, readings, strict=True)
             if "fined" in reading[1] for item in group}
    if len(fined) != 1:
        return readings
    amount = None
    for index in action_sentences:
        if index in named_sentences:
            continue
        start, end = prepared.sentence(index)
        fines = [span for span in _in(action_spans, start, end) if span[2] == "fined"]
        found = amounts.within(fines[0][0], end) if fines else []
        if found:
            amount = found[0].amount
            break
    if amount is None:
        return readings
    return [(action, actions, amount if "fined" in actions else None) for action, actions, _ in readings]


def _story(text: str, groups: Sequence[Sequence[_Found]],
           readings: Sequence[tuple[str | None, tuple[str, ...], Amount | None]],
           topic: dict[str, list[str]]) -> dict[str, list[str]]:
    """Every action the notice gives each platform, by key."""
    story: dict[str, list[str]] = {key: list(actions) for key, actions in topic.items()}
    for group, (_, actions, _) in zip(groups, readings, strict=True):
        for item in group:
            story.setdefault(_item_key(text, item), []).extend(actions)
    return story


# Between two names of one list: separators, closing quotes, a company suffix and a name in
# parentheses ("ByteDance Ltd (字節跳動) and Didi Chuxing").
_LIST_GAP = re.compile(
    r"(?:\s*(?:ltd|inc|corp|co|llc|limited|holdings|group)\.?)?(?:\s*[(（][^()（）\n]{1,16}[)）])?"
    r"[\s”\"」』)）]*(?:、|,|，|和|及|与|以及|and|or|, and|, or)?[\s“\"「『(（]*"
)


def _outside_channels(text: str, found: list[_Found]) -> list[_Found]:
    """``found`` without the names inside publication channels and page furniture."""
    channels = channel_spans(text)
    if not channels:
        return found
    taken = Occupancy(len(text))
    for start, end in channels:
        taken.take(start, end)
    return [item for item in found if taken.free(item.start, item.end)]


# A quoted word that names a campaign, a practice or a category, not a platform: “清朗”系列专项行动,
# “饭圈”乱象, “二选一”要求, 各类违规“自媒体”账号.
_HEADING_BEFORE = re.compile(r"(?:^|\n)\s*(?:\d{1,2}\s*[.、．]|[①-⑳]|[(（][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]、)\s*$")
_HEADING_AFTER = re.compile(r"\s*[:：]")
_NOT_NAME_AFTER = re.compile(
    r"\s*(?:系列|类)?(?:专项行动|行动|专项|活动|乱象|整治|运动|要求|行为|条款|计划|现象|模式|问题|理念|口号|"
    r"campaign|crackdown|practice)"
)
_CATEGORY_BEFORE = re.compile(r"(?:各类|各种|违规|违法|不良|此类|这类|一些)\s*$")
_QUOTED_LIST_GAP = re.compile(r"[”」』\"]\s*(?:、|和|及|与|,|，)\s*[“「『\"]")
_QUOTE_MARKS = re.compile(r"[“”「」『』\"]")


def _list_groups(prepared: PreparedText, found: Sequence[_Found]) -> list[list[_Found]]:
    """Names listed together (百度、必应、夸克浏览器; "Quark Browser, UC Browser"): what the
    sentence does to the list, it does to each of them."""
    groups: list[list[_Found]] = []
    for item in found:
        if groups:
            last = groups[-1][-1]
            gap = prepared.text[max(last.end, last.tail):item.start]
            # A quoted account (“某某财经”) and registry platforms are not one list: in
            # 微信公众号“某某财经”及抖音等平台的… the platforms only host the accounts.
            if (prepared.sentence_index(last.start) == prepared.sentence_index(item.start)
                    and len(gap) <= 32 and _LIST_GAP.fullmatch(gap)
                    and ((last.id is None) == (item.id is None) or not _QUOTE_MARKS.search(gap))):
                groups[-1].append(item)
                continue
        groups.append([item])
    return groups


def _item_key(text: str, item: _Found) -> str:
    return item.id or text[item.start:item.end]


def _registry_names(prepared: PreparedText, registry: PlatformRegistry) -> list[_Found]:
    text = prepared.text
    found: list[_Found] = []
    matches = list(registry.name_pattern.finditer(text))
    starts = registry.latin_starts
    for word in _WORD_START.finditer(text):
        position = word.start()
        # Two letters start most names; a one-letter name (X) is its own start.
        if text[position:position + 2] in starts or text[position] in starts:
            latin = registry.latin_pattern.match(text, position)
            if latin is not None:
                matches.append(latin)
    if len(matches) > 1:
        matches.sort(key=lambda match: (match.start(), -match.end()))
    last_end = -1
    for match in matches:
        if match.start() < last_end:
            continue
        alias = match.group(0)
        platform_id = registry.aliases.get(alias)
        if platform_id is None:
            alias = _alias_key(alias)
            platform_id = registry.aliases.get(alias)
        if platform_id is None:
            continue
        start, end = match.span()
        before = text[start - 1:start]
        after = text[end:end + 1]
        if alias.isdigit():
            if _DIGIT_NAME_BEFORE.search(before) or _DIGIT_NAME_AFTER.match(text, end):
                continue
        elif (_LATIN_EDGE.match(alias[0]) and _LATIN_EDGE.match(before)) or (
                _LATIN_EDGE.match(alias[-1]) and _LATIN_EDGE.match(after)):
            # Latin names are whole words: "Bing" is not in "binge", "JD" not in "JDK".
            continue
        blocked = registry.not_after.get(alias)
        if blocked and (before in blocked or any(
                len(word) > 1 and text.endswith(word, 0, start) for word in blocked)):
            continue
        blocked_after = registry.not_before.get(alias)
        if blocked_after and text.startswith(blocked_after, end):
            continue
        forms = registry.cased.get(alias)
        if forms and re.sub(r"\s+", " ", normalise_width(prepared.original_text(start, end))) not in forms:
            continue
        domain = _DOMAIN_SUFFIX.match(text, end)
        if domain is not None and _LATIN_EDGE.match(alias[-1]):
            end = domain.end()  # Bing.com, JD.com, sina.com.cn: the platform's own site
        found.append(_Found(start, end, platform_id, registry.platforms[platform_id].kind))
        last_end = end
    return found


_DOMAIN_SUFFIX = re.compile(r"\.(?:com|cn|net|org)(?:\.cn)?(?![a-z0-9])")


_WORD_START = re.compile(r"(?<![a-z0-9])[a-z0-9]")


def _unknown_names(prepared: PreparedText, registry: PlatformRegistry, language: str,
                   known: Sequence[_Found]) -> list[_Found]:
    text = prepared.text
    found: list[_Found] = []
    for match in _AT_NAME.finditer(text):
        name_end = match.end("name")
        cut = re.search(r"[等和及与]", match.group("name"))
        if cut:
            name_end = match.start("name") + cut.start()
        # A handle goes on over spaces only while its words are capitalised in the original
        # ("@Smoky Kam, …" but "@MouMouFinance that spread …").
        for word in re.finditer(r"\s(\S+)", text[match.start("name"):name_end]):
            first = match.start("name") + word.start(1)
            if not prepared.original_text(first, first + 1).isupper():
                name_end = match.start("name") + word.start()
                break
        if name_end > match.start("name"):
            found.append(_Found(match.start(), name_end, None, "account"))
    taken = Occupancy(len(text))
    for item in list(known) + found:
        taken.take(item.start, item.end)
    per_sentence: dict[int, int] = {}
    for match in _QUOTED.finditer(text):
        group = match.lastgroup or "a"
        start, end = match.start(group), match.end(group)
        if not taken.free(start, end):
            continue
        if _DOCUMENT_TITLE.search(text, start, end):
            continue
        sentence = prepared.sentence_index(start)
        per_sentence[sentence] = per_sentence.get(sentence, 0) + 1
        if per_sentence[sentence] > MAX_QUOTED_PER_SENTENCE:
            continue
        if _NOT_NAME_AFTER.match(text, match.end()) or _CATEGORY_BEFORE.search(text, max(0, match.start() - 4), match.start()):
            continue
        if _HEADING_AFTER.match(text, match.end()) and _HEADING_BEFORE.search(text, max(0, match.start() - 8), match.start()):
            continue  # 1. “谨慎下载APP”：… is a numbered piece of advice, not a name
        kind = _unknown_kind(prepared, registry, language, match.start(), match.end())
        if kind is None and found and found[-1].id is None and _QUOTED_LIST_GAP.fullmatch(
                text, found[-1].end, start):
            kind = found[-1].kind  # 公众号“A”、“B”: B is what A is
        if kind is not None:
            found.append(_Found(start, end, None, kind))
            taken.take(start, end)
    if language == "zh" and "有限" in text:
        for start, end in _company_names(text):
            if taken.free(start, end):
                found.append(_Found(start, end, None, "company"))
                taken.take(start, end)
    return found


# A company's registered name (上海某某网络科技有限公司, 某某(上海)科技服务有限公司): read back
# from 有限公司 over Chinese characters (and a bracketed city) to the word before it, which is
# punctuation or a word that cannot be part of a name (了, 对, 发现, 包括…).
_COMPANY_END = re.compile(r"(?:股份)?有限(?:责任)?公司")
_COMPANY_CHAR = re.compile(r"[\u4e00-\u9fff]")
_COMPANY_BRACKET = re.compile(r"[(（][\u4e00-\u9fff]{2,4}[)）]$")
_COMPANY_BEFORE = re.compile(
    r"(?:了|对|向|与|和|及|的|将|被|由|是|为|据|经|在|从|等|其|即|系|发现|公布|包括|其中|针对|要求|约谈|责令|通报|处罚|罚款"
    r"|运营主体|运营方|开发者|主办|承办|版权所有|技术支持|所属|旗下)$"
)
_COMPANY_FURNITURE = re.compile(r"(?:©|版权|copyright|主办|承办|技术支持|运营主体|运营方|开发者|开发商|备案)[^\n]{0,12}$")
# 由某某有限公司运营的“某App”: the operator of the app named next, which is the party.
_COMPANY_OPERATES = re.compile(r"\s*(?:运营|开发|出品|推出|旗下|所属)")
_COMPANY_LONGEST = 24


def _company_names(text: str) -> list[tuple[int, int]]:
    names = []
    for match in _COMPANY_END.finditer(text):
        start = match.start()
        while start > 0 and match.end() - start < _COMPANY_LONGEST:
            bracket = _COMPANY_BRACKET.search(text, max(0, start - 6), start)
            if bracket is not None:
                start = bracket.start()
                continue
            if not _COMPANY_CHAR.match(text, start - 1) or _COMPANY_BEFORE.search(text, max(0, start - 4), start):
                break
            start -= 1
        if (match.start() - start < 2 or text[start - 1:start] in (")", "）")
                or _COMPANY_FURNITURE.search(text, max(0, start - 16), start)
                or _COMPANY_OPERATES.match(text, match.end())):
            continue
        names.append((start, match.end()))
    return names


# A quoted document title (“关于下架侵害用户权益APP名单的通报”), not a name.
_DOCUMENT_TITLE = re.compile(r"(?:通报|通知|公告|决定|办法|规定|意见|名单|条款|计划|协议|行动|专项)$")
_ITEM = r"[^\s、,，。；;：:()（）“”「」《》\"'|]{2,12}"
_ENUMERATION_GAP = re.compile(rf"、(?:{_ITEM}、)+")
_ENUMERATION_LEAD = re.compile(rf".*(?:包括|如|例如|比如|其中|：|:)\s*({_ITEM})、$")
_ENUMERATION_TAIL = re.compile(rf"、({_ITEM}?)(?=等|\s*\d+\s*(?:家|款|个)|[，,。；;]|$)")
# An app named before the count it belongs to: 暖暖环游世界等60款APP.
_COUNT_AFTER_NAME = re.compile(r"等\s*\d+\s*款")
# A list that opens a clause and is what the clause acts on (每日优鲜、便利蜂等被点名).
_LISTED_TAIL = re.compile(r"等\s*(?:被|遭|app|应用|平台|企业|网站)")
_LISTED_NAMES = re.compile(rf"(?:^|(?<=[，,。；;：:\n]))\s*({_ITEM}(?:、{_ITEM})+)$")
_LIST_LEAD = re.compile(r".*(?:其中包括|包括|其中|例如|比如|如)")
_NOT_A_NAME = re.compile(r"类$|涉|违|非法|低俗|色情|虚假|谣言|诈骗|赌博|侵权|问题|行为|信息|内容|约谈|警告|罚款|关闭|下架|整改")
_NAME_BEFORE_COUNT = re.compile(rf"(?:^|(?<=[\s，,。：:；;]))({_ITEM})$")


def _enumerated_names(text: str, known: Sequence[_Found], language: str) -> list[_Found]:
    """Names listed with registry names (天涯社区、大麦、途牛旅游、VIP陪练、脉脉5家企业; 包括快狗打车、
    易车、脉脉、良品铺子等应用软件) that the registry does not know: what the list is, they are."""
    if language != "zh" or "、" not in text and "等" not in text:
        return []
    found: list[_Found] = []
    if not known and "等" not in text:
        return found
    ordered = sorted(known, key=lambda item: item.start)
    runs: list[list[_Found]] = []
    for item in ordered:
        if item.id is None:
            continue
        if runs and (text[runs[-1][-1].end:item.start] == "、" or _ENUMERATION_GAP.fullmatch(
                text, runs[-1][-1].end, item.start) is not None):
            runs[-1].append(item)
        else:
            runs.append([item])
    for run in runs:
        spans: list[tuple[int, int]] = []
        for left, right in itertools.pairwise(run):
            position = left.end + 1
            while position < right.start:
                end = text.find("、", position, right.start)
                if end == -1:
                    break
                spans.append((position, end))
                position = end + 1
        if len(run) < 2 and not spans:
            lead = _ENUMERATION_LEAD.search(text, max(0, run[0].start - 20), run[0].start + 1)
            tail = _ENUMERATION_TAIL.match(text, run[-1].end)
            if not (lead or tail):
                continue
        lead = _ENUMERATION_LEAD.search(text[max(0, run[0].start - 20):run[0].start])
        if lead:
            offset = max(0, run[0].start - 20)
            spans.append((offset + lead.start(1), offset + lead.end(1)))
        tail = _ENUMERATION_TAIL.match(text, run[-1].end)
        if tail and tail.group(1):
            spans.append(tail.span(1))
        after = text[run[-1].end:run[-1].end + 16]
        kind = "app" if re.search(r"款|app|应用|软件", after) else "website" if "网站" in after else "company"
        found += [_Found(start, end, None, kind) for start, end in spans if end > start]
    for tail in _LISTED_TAIL.finditer(text) if "等" in text else ():
        # Looked for backwards from each 等被/等平台, not by a pattern tried at every position.
        listed = _LISTED_NAMES.search(text, max(0, tail.start() - 140), tail.start())
        if listed is None:
            continue
        position = listed.start(1)
        for name in listed.group(1).split("、"):
            start, end = position, position + len(name)
            position = end + 1
            lead = _LIST_LEAD.match(name)
            if lead:
                start += lead.end()
            if end - start < 2 or _NOT_A_NAME.search(text, start, end) or any(
                    item.start < end and start < item.end for item in [*known, *found]):
                continue
            follows = text[listed.end(1):listed.end(1) + 4]
            kind = "website" if "网站" in follows else "app" if re.match(r"等\s*(?:被|遭|app|应用)", follows) else "company"
            found.append(_Found(start, end, None, kind))
    for count in _COUNT_AFTER_NAME.finditer(text) if "等" in text else ():
        match = _NAME_BEFORE_COUNT.search(text, max(0, count.start() - 13), count.start())
        if match and not any(item.start < match.end(1) and match.start(1) < item.end for item in known):
            found.append(_Found(match.start(1), match.end(1), None, "app"))
    return found


# English reports of MIIT lists name apps without quotes: "three apps -- A, B and C",
# "41 apps including A, B and C", "E-school of Tianjin Yuhua Education" (app of its developer).
_EN_NAME = r"[A-Z0-9][\w.-]*(?:\s+[A-Za-z0-9][\w.-]*){0,3}?"
_EN_ITEM = rf"{_EN_NAME}(?:\s+(?:of|under)\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*){{0,4}})?"
_EN_APP_LIST = re.compile(
    rf"\b(?:apps?\s*(?:--|—|–|:)|including|such\s+as)\s+((?:{_EN_ITEM})(?:\s*,\s*(?:{_EN_ITEM}))*"
    rf"(?:\s*,?\s+and\s+(?:{_EN_ITEM}))?)(?=\s*(?:[,.;]|$|--|—|–|\s+which|\s+were|\s+was))"
)
_EN_LIST_ITEM = re.compile(rf"(?:^|,\s*|\band\s+)({_EN_NAME})(?:\s+(?:of|under)\s+[^,]*?)?(?=\s*,|\s+and\s|$)")
# "Homework Master of Zhejiang Tongguan Education", "Qisanketang of Guangxi Qisankeji": an app
# and its developer, named by its business or by the province or city it is registered in.
_CHINESE_PLACES = (
    "Beijing|Shanghai|Tianjin|Chongqing|Guangdong|Guangxi|Jiangsu|Zhejiang|Shandong|Fujian|Hubei|Hunan|"
    "Henan|Hebei|Sichuan|Anhui|Jiangxi|Shaanxi|Shanxi|Yunnan|Guizhou|Liaoning|Jilin|Heilongjiang|Hainan|"
    "Gansu|Qinghai|Ningxia|Xinjiang|Hangzhou|Shenzhen|Guangzhou|Xiamen|Nanjing|Wuhan|Chengdu|Suzhou|"
    "Hefei|Changsha|Qingdao|Dalian|Ningbo|Zhengzhou|Jinan|Fuzhou|Dongguan|Foshan|Wuxi"
)
_EN_APP_OF_DEVELOPER = re.compile(
    r"(?<![\w.-])([A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2})\s+(?:of|under)\s+"
    r"(?:(?:[A-Z][\w]*\s+){1,4}(?:Education|Technology|Technologies|Tech|Network|Networks|Information|"
    rf"Culture|Media|Software|Co|Ltd|Inc|Group)\b|(?:{_CHINESE_PLACES})\s+[A-Z][\w]+)"
)
_EN_NOT_APP = re.compile(r"^(?:The|A|An|Some|Other|Apps?|Ministry|MIIT|China|Chinese|Users?)$")


def _english_app_names(prepared: PreparedText, known: Sequence[_Found], language: str) -> list[_Found]:
    """Unquoted app names of English reports (see the patterns above), as apps the registry
    does not know; names the registry knows keep their registry mention."""
    if language != "en" or "app" not in prepared.text:
        return []
    original = prepared.original
    taken = [(item.start, item.end) for item in known]
    found: list[_Found] = []

    def add(start: int, end: int, tail: int) -> None:
        converted_start = prepared.offsets.to_converted(start)
        converted_end = prepared.offsets.to_converted(end)
        if _EN_NOT_APP.match(original[start:end]) or any(
                a < converted_end and converted_start < b for a, b in taken):
            return
        taken.append((converted_start, converted_end))
        found.append(_Found(converted_start, converted_end, None, "app", prepared.offsets.to_converted(tail)))

    for match in _EN_APP_LIST.finditer(original):
        sentence_start, _ = prepared.sentence_at(prepared.offsets.to_converted(match.start()))
        if "app" not in prepared.text[sentence_start:prepared.offsets.to_converted(match.start(1))]:
            continue  # "including A, B" names apps only where the sentence speaks of apps
        for item in _EN_LIST_ITEM.finditer(match.group(1)):
            add(match.start(1) + item.start(1), match.start(1) + item.end(1), match.start(1) + item.end())
    for match in _EN_APP_OF_DEVELOPER.finditer(original):
        add(match.start(1), match.end(1), match.end())
    return found


def _kind_matches(registry: PlatformRegistry, language: str, text: str) -> list[tuple[int, int, str]]:
    return sorted(
        (match.start(), -match.end(), kind)
        for kind, pattern in registry.kind_patterns[language].items()
        for match in pattern.finditer(text)
    )


def _unknown_kind(prepared: PreparedText, registry: PlatformRegistry, language: str,
                  quote_start: int, quote_end: int) -> str | None:
    """What the text says a quoted name is: the noun its list ends in (“梦聊”“小肉丸直播”等一批
    …移动应用程序, "…" and other websites), the noun just before it (网站“…”), the noun before
    "such as"/如, or an app when the sentence takes things off the shelves; ``None`` when
    nothing says it is a platform (“清朗”专项行动)."""
    text = prepared.text
    sentence_start, sentence_end = prepared.sentence_at(quote_start)
    rest = _LIST_CONTINUES.match(text, quote_end, min(sentence_end, quote_end + 200))
    after = rest.end() if rest else quote_end
    window = text[after:min(sentence_end, after + 60)]
    nouns = _kind_matches(registry, language, window)
    if nouns:
        noun_start, _, kind = nouns[0]
        lead = window[:noun_start]
        if language == "zh":
            tail = _ZH_TAIL.fullmatch(lead)
            if tail and len(tail.group("filler")) <= (30 if tail.group("etc") else 4):
                return kind
        else:
            tail = _EN_TAIL.fullmatch(lead)
            # "and other websites", '"…" app', '"…" WeChat account'; not '"Qinglang" campaign
            # against websites'.
            if tail and (tail.group("etc") or (
                    len(tail.group("filler").split()) <= 2
                    and not _EN_FUNCTION_WORDS.intersection(tail.group("filler").split()))):
                return kind
    before = text[max(sentence_start, quote_start - 100):quote_start]
    if language == "zh":
        nearby = _kind_matches(registry, language, before[-8:])
        if nearby and -nearby[-1][1] == len(before[-8:]):
            return nearby[-1][2]
    elif re.search(r"account\s+(?:of|called|named)\s*$", before):
        return "account"
    listed = _strip_list_tail(before)
    counted = _counted_sentence(prepared, quote_start)
    if counted is not None:
        # "Among them were “…”": the names are of what the previous sentence counted.
        previous_start, previous_end = prepared.sentence(counted)
        earlier = _kind_matches(registry, language, text[previous_start:previous_end])
        if earlier:
            return earlier[-1][2]
    such_as = _SUCH_AS.search(listed)
    if such_as:
        lead_nouns = _kind_matches(registry, language, listed[max(0, such_as.start() - 120):such_as.start()])
        if lead_nouns:
            return max(lead_nouns, key=lambda noun: -noun[1])[2]
    removal = registry.action_patterns[language].get("removed")
    if removal is not None and removal.search(text, sentence_start, sentence_end):
        return "app"
    return None


def _merge_adjacent(text: str, found: list[_Found]) -> list[_Found]:
    """One mention for "National Knowledge Infrastructure (CNKI)" and 知网（CNKI）."""
    merged: list[_Found] = []
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


def _action_spans(text: str, registry: PlatformRegistry, language: str) -> list[tuple[int, int, str]]:
    # One pattern per action: each starts with a literal the scan can jump to, which one
    # alternation of them all cannot (it is slower).
    if language == "zh":
        pattern, words = registry.zh_action_scan
        spans = [(match.start(), match.end(), words[match.group(0)]) for match in pattern.finditer(text)]
        if "责令" in text:
            # 责令其全面深入整改, 责令平台尽快整改: an order to rectify with adverbs the word list
            # does not spell out.
            spans += [(match.start(), match.end(), "ordered_to_rectify") for match in _ORDERED_TO_RECTIFY.finditer(text)]
            # 责令快手在30日内整改: the names come between the order and the word.
            spans += [(match.start(1), match.end(1), "ordered_to_rectify")
                      for match in _ORDERED_AROUND_NAMES.finditer(text)]
            spans.sort()
    else:
        needles = registry.en_action_needles
        spans = [
            (match.start(), match.end(), action)
            for action, pattern in registry.action_patterns[language].items()
            if any(needle in text for needle in needles.get(action, ("",)))
            for match in pattern.finditer(text)
        ]
        spans.sort()
    if language == "en":
        # "should have removed", "failed to remove", "was not fined": no action was taken.
        spans = [span for span in spans if not _UNREALISED_EN.search(text, max(0, span[0] - 24), span[0])]
    # 通报下架 announces a removal: the notice is the way the removal is made known; 关于…的通报
    # is the notice's title.
    spans = [
        span for index, span in enumerate(spans)
        if not (span[2] == "notified" and (
            (index + 1 < len(spans) and spans[index + 1][0] == span[1]) or text[span[0] - 1:span[0]] == "的"))
    ]
    # 责令限期整改 also contains no other action, but 罚款 inside 罚款处罚 and similar overlaps
    # keep the longest reading.
    kept: list[tuple[int, int, str]] = []
    for span in spans:
        if kept and span[0] < kept[-1][1]:
            if span[1] - span[0] > kept[-1][1] - kept[-1][0]:
                kept[-1] = span
            continue
        kept.append(span)
    return kept


_ORDERED_TO_RECTIFY = re.compile(r"责令(?:其|该平台|平台|该公司|相关平台)?[立即全面深入彻底认真切实尽快限期限制时在内日个月天\d一二三四五六七八九十]{0,8}(?:整改|改正)")
_ORDERED_AROUND_NAMES = re.compile(r"责令[^，,。；;：:\n]{1,24}?(整改|改正)")
_UNREALISED_EN = re.compile(
    r"\b(?:should|would|could|might|may|fail(?:ed|ing|s)?\s+to|refus(?:ed|ing|es)?\s+to|did\s+not|didn't|not|"
    r"never|without)"
    r"(?:\s+(?:have|be|been|being))*\s+$"
)


def _span_start(span: tuple[int, int, str]) -> int:
    return span[0]


def _span_end(span: tuple[int, int, str]) -> int:
    return span[1]


def _in(spans: SortedSpans[tuple[int, int, str]] | Sequence[tuple[int, int, str]], start: int,
        end: int) -> list[tuple[int, int, str]]:
    if isinstance(spans, SortedSpans):
        return spans.within(start, end)
    return [span for span in spans if start <= span[0] and span[1] <= end]


_WRAPPED = re.compile(r"(?:[^\s。！？!?；;：:.”」』)）]|(?<![。！？!?.])[”」』)）])\s*\n\s*$")


def _hard_break(text: str, start: int, end: int) -> bool:
    """Whether a paragraph ends between ``start`` and ``end``: a line break after a sentence's
    end. A line break inside a sentence (wire copy wrapped at a fixed width: 抖音、微\n\n博) is
    not one."""
    position = text.find("\n", start, end)
    while position != -1:
        if not _WRAPPED.search(text, max(0, position - 8), position + 1):
            return True
        position = text.find("\n", position + 1, end)
    return False


def _counted_sentence(prepared: PreparedText, list_start: int) -> int | None:
    """The sentence whose count a list of names details ("其中，“A”“B”等…；“C”“D”等…": each
    part after a semicolon goes on listing what 其中 began), or ``None``."""
    text = prepared.text
    index = prepared.sentence_index(list_start)
    start, _ = prepared.sentence(index)
    lead = _strip_list_tail(text[max(start, list_start - 200):list_start].rstrip("“\"「『"))
    if _AMONG_THEM.fullmatch(lead):
        return _previous_sentence(prepared, index)
    if lead.strip():
        return None
    previous = _previous_sentence(prepared, index)
    while previous is not None:
        previous_start, previous_end = prepared.sentence(previous)
        if text[previous_start:previous_end].rstrip()[-1:] not in (";", "；"):
            return None
        if _AMONG_THEM.match(text, previous_start):
            return _previous_sentence(prepared, previous)
        previous = _previous_sentence(prepared, previous)
    return None


def _previous_sentence(prepared: PreparedText, index: int) -> int | None:
    """The nearest sentence before ``index`` that is not blank."""
    while index > 0:
        index -= 1
        start, end = prepared.sentence(index)
        if prepared.text[start:end].strip():
            return index
    return None


def _read_on(
    prepared: PreparedText,
    group: Sequence[_Found],
    action_spans: SortedSpans[tuple[int, int, str]],
    named_sentences: dict[int, set[str]],
    figure_sentences: set[int],
    said: Governed,
    kind_patterns: dict[str, re.Pattern[str]],
) -> None:
    """A list of names its own sentence gives no verb: "Among them were …" takes what the
    previous sentence did to them all; otherwise the first verb of the sentences that continue
    the story counts (until a summary sentence with counts, or one that names another
    platform and says what was done)."""
    item = group[0]
    list_start = item.start
    sentence_index = prepared.sentence_index(item.start)
    counted = _counted_sentence(prepared, list_start)
    if counted is not None:
        previous_bounds = prepared.sentence(counted)
        previous = [span for span in _in(action_spans, *previous_bounds) if span[2] != NEUTRAL]
        # Of several counts (取消…、关闭违法网站8868家，累计约谈1211家) the names are of the one
        # whose clause names their kind (网站).
        kind = kind_patterns.get(item.kind)
        of_kind = [span for span in previous if kind is not None
                   and kind.search(prepared.text, *prepared.clause_at(span[0]))]
        chosen = (of_kind or previous)[-1:]
        if chosen:
            said.actions.extend(chosen)
            said.windows.append(previous_bounds)
            said.decided = True
        return
    own = {_item_key(prepared.text, member) for member in group}
    read = 0
    following = sentence_index
    while read < 3 and following + 1 < prepared.sentence_count():
        following += 1
        start, end = prepared.sentence(following)
        if not prepared.text[start:end].strip():
            continue
        if not _WRAPPED.search(prepared.text, max(0, start - 8), start):
            read += 1  # a line wrapped inside a sentence does not count as a sentence read
        if _hard_break(prepared.text, prepared.sentence(following - 1)[0], start) or following in figure_sentences:
            return
        spans = _either_or(prepared.text, _in(action_spans, start, end))
        if spans and collective(prepared.text, start, end, "zh" if prepared.language.startswith("zh") else "en"):
            return  # "对相关网站平台采取约谈、罚款等措施" is said of no earlier name
        if named_sentences.get(following, set()) - own:
            if spans:
                return
            continue
        if spans:
            said.actions.extend(spans)
            said.windows.append((start, end))
            said.decided = True
            return


def _amount_start(amount: AmountMatch) -> int:
    return amount.start


def _amount_end(amount: AmountMatch) -> int:
    return amount.end


def _amount_in(group: Sequence[_Found], said: Governed, amounts: SortedSpans[AmountMatch]) -> Amount | None:
    """The fine nearest after the names in the stretches their verbs were read from, else the
    last before them there."""
    list_start, list_end = group[0].start, group[-1].end
    for start, end in said.windows:
        after = amounts.within(max(start, list_end), end)
        if after:
            return after[0].amount
    for start, end in said.windows:
        before = amounts.within(start, min(end, list_start))
        if before:
            return before[-1].amount
    return None
