"""Named platforms in notice text, with the actions the notice takes against each. The names
come from the registry (``diffing.registry``), from the marks the text gives names the registry
does not know (``diffing.unknown_names``) and from tables (``diffing.tables``). Which verb
governs which name is ``diffing.clauses``'s; publication channels and page furniture
(``diffing.channels``) are no mentions."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from diffing.actions import find_action_spans
from diffing.amounts import AmountMatch, currency_codes, find_amounts
from diffing.channels import channel_spans
from diffing.clauses import Governed, Party, govern
from diffing.english_names import (
    english_app_names,
    english_company_names,
    english_governed_names,
    without_non_names,
)
from diffing.fined_amounts import bracketed_amounts, gapped_fines, respective_amounts
from diffing.found import Found
from diffing.introduced_lists import closed_list_action, introduced_mentions, may_introduce
from diffing.mention import PlatformMention
from diffing.numbers import Amount
from diffing.platform_lists import (
    _REFERRING_OBJECT,
    _REFERS_TO_COMPANY,
    _WRAPPED,
    _amount_end,
    _amount_in,
    _amount_start,
    _either_or,
    _in,
    _item_key,
    _list_groups,
    _read_on,
    _span_end,
    _span_start,
    actors_not_acted_on,
    addressees_not_acted_on,
    owners_of_brands,
)
from diffing.registry import (
    NEUTRAL,
    Platform,
    PlatformRegistry,
    alias_key,
    builtin_registry,
    load_platforms,
    merge_adjacent,
    registry_names,
)
from diffing.spans import Occupancy, SortedSpans
from diffing.tables import TableRow, find_table_rows
from diffing.text import PreparedText
from diffing.unknown_names import (
    closed_lists,
    counted_sentence,
    enumerated_names,
    operated_names,
    recurring_names,
    unknown_names,
)

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


def find_platform_mentions(
    prepared: PreparedText,
    *,
    registry: PlatformRegistry | None = None,
    figure_sentences: Iterable[int] = (),
    amounts: Sequence[AmountMatch] | None = None,
    other_parties: list[PlatformMention] | None = None,
) -> list[PlatformMention]:
    """Every named platform in ``prepared``, in text order. ``figure_sentences`` are indices of
    sentences that report counts: such a summary sentence ends the sentences an action is
    looked for in, because counts speak of many sites, not of the one named before.
    ``other_parties``, when given, receives the parties that are no platform mentions (an
    anonymised company, the short form of a company written in full, named as the full one):
    figures can still belong to them."""
    registry = registry or builtin_registry()
    language = "zh" if prepared.language.startswith("zh") else "en"
    text = prepared.text
    found = registry_names(prepared, registry)
    found += unknown_names(prepared, registry, language, found)
    rows = find_table_rows(prepared)
    found += enumerated_names(text, found, language)
    listed, replaced = closed_lists(text, found, language)
    if listed:
        found = [item for item in found if item not in replaced] + listed
    operated, replaced = operated_names(text, found, language)
    if operated:
        found = [item for item in found if item not in replaced] + operated
    found += english_app_names(prepared, found, language)
    found += english_company_names(prepared, found, language)
    found += english_governed_names(prepared, found, language)
    found += recurring_names(prepared, found)
    if language == "en" and any(item.id is None for item in found):
        found = without_non_names(prepared, found, currency_codes())
    if language == "en" and any(item.id is None for item in found):
        _registry_short_forms(text, found)
    found = _outside_channels(text, found) if found else found
    if rows:
        found = _outside_tables(prepared, found, rows)
    if not found:
        tabled = _table_mentions(prepared, registry, rows) if rows else []
        if may_introduce(prepared):
            tabled = introduced_mentions(prepared, registry, find_action_spans(text, registry, language), tabled)
        return tabled
    found.sort(key=lambda item: item.start)
    found = merge_adjacent(text, found)
    raw_actions = find_action_spans(text, registry, language)
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
    if language == "en" and " among " in text:
        _members_of_a_count(prepared, groups, governed, action_spans)
    if language == "en" and (" among " in text or " under " in text or " include" in text):
        _members_of_a_measured_kind(text, groups, governed, action_spans)
    if language == "zh" and "存在" in text:
        _registry_apps_not_named_for_violations(text, groups, governed)
    readings = [_reading(group, said, amount_spans) for group, said in zip(groups, governed, strict=True)]
    topic = _topic_actions(prepared, groups, governed, action_spans, action_sentences, named_sentences, language)
    story = _story(prepared.text, groups, readings, topic)
    for index, (group, said) in enumerate(zip(groups, governed, strict=True)):
        if readings[index][1] or said.host:
            continue
        # A platform named without a verb of its own in a notice that acts on it elsewhere (a
        # headline, "the platform has apologised") is part of that story; a name the notice
        # acts on nowhere else is read on into the sentences that continue it.
        # In the order of the list, so the actions come out in the same order every run.
        keys = list(dict.fromkeys(_item_key(prepared.text, item) for item in group))
        # A list inherits only what the notice does to every platform in it.
        inherited = tuple(dict.fromkeys(action for key in keys for action in story.get(key, [])))
        if not all(story.get(key) for key in keys):
            inherited = ()
        if "fine_proposed" in inherited and not all("fine_proposed" in story[key] for key in keys):
            # "Alibaba and JD did not respond", a fine proposed to one and imposed on the other:
            # neither is the other's (the intent would even take the place of the fine).
            inherited = tuple(action for action in inherited if action not in ("fine_proposed", "fined")
                              or all(action in story[key] for key in keys))
        if inherited and counted_sentence(prepared, group[0].start) is not None \
                and not said.decided and not said.speaker and not said.oblique:
            # "The affected apps include Douban" details a count: what was done to the apps
            # counted, besides what the notice says of Douban elsewhere.
            _read_on(prepared, group, action_spans, named_sentences, figure_sentence_set, said,
                     registry.kind_patterns[language],
                     _counted_apps_action(prepared, action_spans, registry, language) if language == "en" else None)
            counted_actions = _reading(group, said, amount_spans)[1]
            actions = tuple(dict.fromkeys((*counted_actions, *inherited)))
            readings[index] = (actions[0], actions, None)
        elif inherited:
            readings[index] = (inherited[0], inherited, None)
        elif not said.decided and not said.speaker and not said.oblique:
            _read_on(prepared, group, action_spans, named_sentences, figure_sentence_set, said,
                     registry.kind_patterns[language],
                     _counted_apps_action(prepared, action_spans, registry, language)
                     if language == "en" and counted_sentence(prepared, group[0].start) is not None else None)
            readings[index] = _reading(group, said, amount_spans)
    referred = _referred_actions(prepared, groups, governed, action_spans, action_sentences, named_sentences,
                                 language)
    if language == "zh":
        _counted_back(prepared, groups, governed, action_spans, action_sentences, referred)
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
    if language == "zh" and "等" in text:
        readings = _closed_lists_read(prepared, groups, governed, readings, raw_actions)
    readings = _notice_app_action(prepared, groups, governed, readings, action_spans, registry, language)
    readings = _proposed_not_fined(prepared, groups, readings, amount_spans)
    if language == "en" and any("fined" in reading[1] for reading in readings):
        readings = gapped_fines(prepared, groups, governed, readings, amount_spans)
    if language == "zh" and "案" in text:
        readings = _case_parties_fined(prepared, groups, governed, readings)
    mentions: list[PlatformMention] = []
    for group, (action, actions, amount) in zip(groups, readings, strict=True):
        if language == "zh" and "removed" in actions and "notified" in actions:
            # Apps found in violation and taken off the stores (存在…问题，依法予以下架) were
            # removed (the catalogue's apps_notified yields to apps_removed the same way).
            actions = tuple(name for name in actions if name != "notified")
            action = actions[0] if action == "notified" else action
        each = (respective_amounts(prepared, group, amount_spans) or bracketed_amounts(prepared, group, amount_spans)
                if amount is not None and len(group) > 1 else None)
        for position, item in enumerate(group):
            original_start, original_end = prepared.original_span(item.start, item.end)
            target = mentions
            if item.id is None and _ANONYMOUS_OR_IDLE_COMPANY(text, item, actions):
                if other_parties is None:
                    continue
                target = other_parties
            target.append(PlatformMention(
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
    if language == "en" and any(mention.id is None for mention in mentions):
        mentions = _short_forms_merged(mentions, other_parties)
    if any(later.start < earlier.start for earlier, later in itertools.pairwise(mentions)):
        mentions.sort(key=lambda mention: mention.start)  # a list read over its owner
    if rows:
        mentions = sorted(mentions + _table_mentions(prepared, registry, rows), key=lambda m: m.start)
    if may_introduce(prepared):
        mentions = introduced_mentions(prepared, registry, raw_actions, mentions)
    return mentions


_OPERATORS_APPS = re.compile(r"(?:运营|开发|旗下|推出)的?[“「]?$")


# "A, B and C are among 120 apps on the list": the names are members of a count stated elsewhere.
_AMONG_COUNT_EN = re.compile(
    # (names of the list the notice does not know may stand between: "…, Jumei and Zhonggong Education are")
    r"(?:,?\s+(?:and\s+)?[\w&.'’-]+(?:\s+[\w&.'’-]+){0,3}?){0,4}?\s+(?:are|is|were|was)\s+(?:also\s+)?among\s+(?:the\s+)?(\d[\d,]*)\s+(?:[\w-]+\s+){0,2}?"
    r"(apps|applications|websites|platforms|accounts|companies)\b")

_COUNT_EN = re.compile(r"(?<![\d,.])(\d[\d,]*)\s+(?:[\w-]+\s+){0,2}?(apps|applications|websites|platforms|accounts|companies)\b")


def _members_of_a_count(prepared: PreparedText, groups: Sequence[Sequence[Found]], governed: Sequence[Governed],
                        action_spans: SortedSpans[tuple[int, int, str]]) -> None:
    """Names said to be among a count, with no verb of their own ("Jumei and Dragon Ball Live are
    among 120 apps on the list"), take what the notice does to that count where it states it
    with a verb ("notified 120 apps")."""
    text = prepared.text
    for group, said in zip(groups, governed, strict=True):
        if said.actions or said.host or said.speaker:
            continue
        among = _AMONG_COUNT_EN.match(text, group[-1].end)
        if among is None:
            continue
        for stated in _COUNT_EN.finditer(text):
            if stated.start() == among.start(1) or stated.groups() != among.groups():
                continue
            start, end = prepared.clause_at(stated.start())
            spans = [span for span in action_spans.within(start, stated.start()) if span[2] != NEUTRAL]
            if spans:
                said.actions.append(spans[-1])
                said.windows.append((start, end))
                said.decided = True
                break


# "Among the 59 banned apps is Weibo", "Apps under the interim ban include A, B and C", "A and
# B are among the removed apps": the list is said to belong to a kind its measure describes.
_KIND_EN = r"(?:apps|applications|websites|sites|platforms|accounts|companies|firms|games|services)"
_MEASURED_KIND_BEFORE_EN = re.compile(
    r"(?:\bamong\s+(?:the\s+)?(?:\d[\d,]*\s+)?(?:[\w-]+\s+){0,2}?(?P<participle>[a-z]+ed|shut\s+down|taken\s+down)\s+"
    r"(?:[\w-]+\s+){0,2}?" + _KIND_EN + r"\s+(?:is|are|was|were)"
    # a description of the name may come first (is China's microblog platform Weibo), not its owner
    r"(?:\s+(?!(?:by|of|from|owned|run|made|developed|operated|backed|for|to|with)\b)[\w'’-]+){0,6}?"
    r"|\b" + _KIND_EN + r"\s+(?:under|subject\s+to|affected\s+by|hit\s+by|covered\s+by)\s+(?:the\s+|this\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?P<noun>ban|block|suspension|removal|shutdown|fines?|penalt(?:y|ies))\s+"
    r"(?:include[sd]?|are|were)(?:\s+apps\s+such\s+as)?)\s*:?\s*$")
_MEASURED_KIND_AFTER_EN = re.compile(
    r"(?:,?\s+(?:and\s+)?[\w&.'’-]+(?:\s+[\w&.'’-]+){0,3}?){0,4}?\s+(?:are|is|were|was)\s+(?:also\s+)?among\s+(?:the\s+)?"
    r"(?:\d[\d,]*\s+)?(?:[\w-]+\s+){0,2}?(?P<participle>[a-z]+ed|shut\s+down|taken\s+down)\s+(?:[\w-]+\s+){0,2}?" + _KIND_EN + r"\b")
# A ban on apps takes them off a country's stores (as the verb "banned 59 apps" does).
_MEASURE_NOUNS_EN = {"ban": "removed", "block": "removed", "removal": "removed", "suspension": "suspended",
                     "shutdown": "closed", "fine": "fined", "fines": "fined", "penalty": "fined", "penalties": "fined"}


def _members_of_a_measured_kind(text: str, groups: Sequence[Sequence[Found]], governed: Sequence[Governed],
                                action_spans: SortedSpans[tuple[int, int, str]]) -> None:
    """Names with no verb of their own that a sentence makes members of a kind described by its
    measure (a participle, "the banned apps", or a noun, "apps under the ban") take that measure."""
    for group, said in zip(groups, governed, strict=True):
        if said.actions or said.host or said.speaker:
            continue
        # (the pattern after the names backtracks over every word: tried only where "among" follows)
        said_of = _MEASURED_KIND_BEFORE_EN.search(text, max(0, group[0].start - 90), group[0].start) \
            or (_MEASURED_KIND_AFTER_EN.match(text, group[-1].end) if text.find("among", group[-1].end) != -1 else None)
        if said_of is None:
            continue
        if said_of.group("participle"):
            start, end = said_of.span("participle")
            spans = [span for span in action_spans.within(start, end) if span[2] != NEUTRAL]
            if not spans:
                continue
            action = spans[0]
        elif said_of.groupdict().get("noun"):
            start, end = said_of.span("noun")
            action = (start, end, _MEASURE_NOUNS_EN[said_of.group("noun")])
        else:
            continue
        said.actions.append(action)
        said.windows.append(said_of.span())
        said.decided = True


def _registry_apps_not_named_for_violations(text: str, groups: Sequence[Sequence[Found]],
                                            governed: Sequence[Governed]) -> None:
    """A platform the registry knows, listed among its operator's apps found in violation (该公司
    运营的中国知网等14款App存在…违法行为), is the notice's party, not one app named with the others:
    what the notice does to it is said of it elsewhere."""
    for group, said in zip(groups, governed, strict=True):
        if all(item.id is not None for item in group) and _OPERATORS_APPS.search(
                text, max(0, group[0].start - 6), group[0].start):
            kept = [span for span in said.actions if not (span[2] == "notified" and text[span[0]:span[1]] == "存在")]
            if len(kept) < len(said.actions):
                said.actions[:] = kept
                said.decided = bool(kept)


def _registry_short_forms(text: str, found: list[Found]) -> None:
    """"Epic" after "Epic Games", "Delivery" after "Delivery Hero": an unknown name that
    is the first words of a registry name written earlier in the notice is that platform."""
    full = sorted((item for item in found if item.id is not None), key=lambda item: item.start)
    for item in found:
        if item.id is not None:
            continue
        name = text[item.start:item.end]
        for earlier in full:
            if earlier.start >= item.start:
                break
            written = text[earlier.start:earlier.end]
            if len(written) > len(name) and written.startswith(name) and written[len(name)] == " ":
                item.id, item.kind = earlier.id, earlier.kind
                break


def _short_forms_merged(mentions: list[PlatformMention],
                        other_parties: list[PlatformMention] | None) -> list[PlatformMention]:
    """An unknown company written in full once ("Mondelēz International, Inc.", "Hamilton
    Digital Solutions Limited") and short elsewhere ("Mondelēz", "Hamilton Digital Solutions")
    is one party: the short mentions are dropped and what they say joins the full name's."""
    full = {mention.name for mention in mentions if mention.id is None and mention.kind == "company"}
    longer: dict[str, str] = {}
    for name in {mention.name for mention in mentions if mention.id is None}:
        candidates = [other for other in full if len(other) > len(name) and other.startswith(name)
                      and other[len(name)] in " ,"]
        if candidates:
            longer[name] = max(candidates, key=len)
    if not longer:
        return mentions
    added: dict[str, list[str]] = {}
    for mention in mentions:
        if mention.name in longer:
            added.setdefault(longer[mention.name], []).extend(mention.actions)
    result = []
    for mention in mentions:
        if mention.name in longer:
            if other_parties is not None:
                other_parties.append(replace(mention, name=longer[mention.name]))
            continue
        extra = added.get(mention.name)
        if extra:
            actions = tuple(dict.fromkeys((*mention.actions, *extra)))
            mention = replace(mention, actions=actions, action=mention.action or actions[0])
        result.append(mention)
    return result


def _ANONYMOUS_OR_IDLE_COMPANY(text: str, item: Found, actions: tuple[str, ...]) -> bool:
    """A registered Chinese company name that is no platform to report: anonymised (上海某餐饮管理
    有限公司, 我市某电子商务有限公司), or one the notice does nothing to (the merchants of a list of
    typical cases, a deal's partner)."""
    if item.kind != "company" or not text.endswith("公司", 0, item.end):
        return False
    return "某" in text[item.start:item.end] or not actions


def _proposed_not_fined(
    prepared: PreparedText,
    groups: Sequence[Sequence[Found]],
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


# A notice that fines the parties of its cases as a whole (对涉案企业分别处以50万元罚款, 每案涉及的
#违规企业各被处罚50万元); a company named as a party of a case (阿里、腾讯等均涉案10起以上, 北京百度
# 则涉及…股权案) is one of them. A company named after 收购 is the target of a deal, not a party.
_CASE_PARTIES_FINED = re.compile(
    r"对(?:涉案|违法|违规|上述|相关)(?:企业|经营者|当事人|公司|主体)[^。；;\n]{0,12}处(?:以)?[^。；;\n]{0,12}罚款"
    r"|(?:涉案|违规|违法)(?:企业|经营者|当事人|主体)[^。；;\n]{0,8}(?:各|均|分别)被?(?:处罚|罚款|处以)"
)
_CASE_PARTY = re.compile(r"涉案|(?<![方答备档提草预图教专立])案")
_DEAL_TARGET_BEFORE = re.compile(r"(?:收购|并购|受让|控股|入股|投资)\s*$")


def _case_parties_fined(
    prepared: PreparedText,
    groups: Sequence[Sequence[Found]],
    governed: Sequence[Governed],
    readings: list[tuple[str | None, tuple[str, ...], Amount | None]],
) -> list[tuple[str | None, tuple[str, ...], Amount | None]]:
    text = prepared.text
    if not _CASE_PARTIES_FINED.search(text):
        return readings
    result = []
    for group, said, reading in zip(groups, governed, readings, strict=True):
        start, end = prepared.sentence_at(group[0].start)
        if (not reading[1] and not said.host and _CASE_PARTY.search(text, start, end)
                and not _DEAL_TARGET_BEFORE.search(text, max(start, group[0].start - 4), group[0].start)):
            reading = ("fined", ("fined",), None)
        result.append(reading)
    return result


def _outside_tables(prepared: PreparedText, found: list[Found], rows: Sequence[TableRow]) -> list[Found]:
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
    return registry.aliases.get(alias_key(name))


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
        r"|\W*(?:the|these|those|all\s+the|all\s+of\s+the|both)\s+(?:[\w-]+\s+){0,2}?"
        r"(?:companies|firms|platforms|sites|websites|portals|apps|operators)\s+(?:were|are|have|had|will|must|should)\s"
    ),
    "zh": re.compile(r"\W*(?:该|此|这家)(?:公司|平台|企业|网站|应用)|\W*其"),
}


def _topic_actions(
    prepared: PreparedText,
    groups: Sequence[Sequence[Found]],
    governed: Sequence[Governed],
    action_spans: SortedSpans[tuple[int, int, str]],
    action_sentences: Sequence[int],
    named_sentences: dict[int, set[str]],
    language: str,
) -> dict[str, list[str]]:
    """Actions of sentences that name no platform but refer to one ("The company was fined"),
    given to the notice's one party when it names exactly one (hosts and speakers aside)."""
    ordered = [
        _item_key(prepared.text, item)
        for group, said in zip(groups, governed, strict=True) if not said.host
        for item in group
    ]
    parties = set(ordered)
    if not parties:
        return {}
    # With several parties, only a lede that names none yet ("A London firm has been fined…")
    # speaks of one: the first the story names.
    lede_end = min(named_sentences) if len(parties) > 1 and named_sentences else None
    if lede_end is not None:
        parties = {ordered[0]}
    actions: list[str] = []
    for index in action_sentences:
        if index in named_sentences or (lede_end is not None and index > lede_end):
            continue
        start, end = prepared.sentence(index)
        spans = [span for span in _either_or(prepared.text, _in(action_spans, start, end)) if span[2] != NEUTRAL]
        # "served a Leeds company with a penalty": the company is the object of the verb.
        if not _REFERRING_SUBJECT[language].match(prepared.text, start, end) and not any(
                _object_of_verb(prepared.text, match.start())
                for match in _REFERRING_OBJECT_EN[language].finditer(prepared.text, start, end)):
            continue
        actions += [span[2] for span in spans]
    return {parties.pop(): actions} if actions else {}


# A company named by what it is as the object of a verb ("served a Leeds company with a
# penalty", "fined an energy firm"), in a sentence that names none; not a subject ("…that the
# company did not…") and not a possessive ("the company's financial situation").
_REFERRING_OBJECT_EN = {
    # the words between are the company's description, no other noun phrase ("In addition, the
    # regulator ordered the company…" names the regulator first)
    "en": re.compile(r"\b(?:a|an|the|this|one)\s+(?:(?!(?:a|an|the|this|one)\s)[\w-]+\s+){0,3}?"
                     r"(?:company|firm)\b(?!['’]s|-)"),
    "zh": re.compile(r"(?!)"),
}
# "issued warnings to the platform", "ordered it to rectify": a platform referred back to as the
# object of the measure just before it (not "granted access to the platform").
_MEASURED_REFERENCE_EN = re.compile(
    r"\b(?:to|on|against)?\s*(?:the|this)\s+(?:[\w-]+\s+){0,2}?(?:platform|app|website|service)\b(?!['’]s|-)"
    r"|\b(?:it|them)\b")
_MEASURE_REACH = 24  # characters from a measure's word to the object it takes


_BEFORE_A_SUBJECT = re.compile(
    r"(?:^|[\n,;:.!?(“\"]|\b(?:that|and|but|because|as|when|while|if|after|before|since|although|though|which|who))\s*$"
)


def _object_of_verb(text: str, start: int) -> bool:
    return not _BEFORE_A_SUBJECT.search(text, max(0, start - 16), start)


_REFERRING_REACH = 3  # sentences back to the one that named them
_ACCOUNTS_REFERRED_ZH = re.compile(r"账号|帐号|公众号")
_CLOSING_ZH = re.compile(r"(?:依法)?(?:关闭|注销|关停|封禁|封停)")
_MENU_MARKS = ("、", "或", "和", "及", "与")
_PLURAL_SUBJECT_EN = re.compile(
    r"\W*(?:they\s|(?:the|these|those|all\s+the|all\s+of\s+the|both)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:companies|firms|platforms|sites|websites|portals|apps|operators)\s)")


def _referred_actions(
    prepared: PreparedText,
    groups: Sequence[Sequence[Found]],
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
        reach = _sentences_back(prepared, index, _REFERRING_REACH)
        earlier = [sentence for sentence in named if reach <= sentence < index]
        if not earlier:
            continue
        referring = _REFERRING_OBJECT[language].search(prepared.text, start, end)
        if referring is None and language == "en":
            referring = next((match for match in _MEASURED_REFERENCE_EN.finditer(prepared.text, start, end)
                              if any(span[2] != NEUTRAL for span in
                                     _in(action_spans, max(start, match.start() - _MEASURE_REACH), match.start()))),
                             None)
        subject = referring is None and _REFERRING_SUBJECT[language].match(prepared.text, start, end)
        if referring is None and not subject:
            continue
        spans = _either_or(prepared.text, _in(action_spans, start, end))
        if referring is not None and language == "zh":
            # 对上述账号作关闭处置: the verb after the things; 依法注销上述账号: the verb right before them
            spans = [span for span in spans if span[0] >= referring.end() or 0 <= referring.start() - span[1] <= 1]
            if _ACCOUNTS_REFERRED_ZH.search(referring.group()):
                # 关闭上述账号 closes the accounts named before (a platform's 关闭账号 closes none of it)
                # (one of a menu, 关闭、禁言等, is said of none)
                spans = [(start, end, "closed") if action == NEUTRAL and _CLOSING_ZH.fullmatch(prepared.text, start, end)
                         and prepared.text[end:end + 1] not in _MENU_MARKS and prepared.text[start - 1:start] not in _MENU_MARKS
                         else (start, end, action) for start, end, action in spans]
        actions = [span[2] for span in spans if span[2] != NEUTRAL]
        if not actions:
            continue
        candidates = [position for position, (group, said) in enumerate(zip(groups, governed, strict=True))
                      if prepared.sentence_index(group[0].start) in earlier and not said.host
                      and not said.speaker and not said.oblique]
        if referring is not None and _REFERS_TO_COMPANY.search(referring.group()):
            # 对该公司罚款: the company named before (a few sentences further back), not the
            # platform its shop was on.
            companies = [position for position, (group, said) in enumerate(zip(groups, governed, strict=True))
                         if group[0].kind == "company" and not said.host and not said.speaker
                         and index - 2 * _REFERRING_REACH <= prepared.sentence_index(group[0].start) < index]
            candidates = companies or candidates
        last = max((prepared.sentence_index(groups[position][0].start) for position in candidates), default=None)
        parties = [position for position in candidates if prepared.sentence_index(groups[position][0].start) == last]
        # "The company was ordered…" speaks of one company: the one the sentence before names;
        # "The sites were ordered…", "They were…" of the several it names.
        plural = subject and _PLURAL_SUBJECT_EN.match(prepared.text, start, end)
        if subject and (len({_item_key(prepared.text, item) for position in parties for item in groups[position]}) == 1) \
                == bool(plural):
            continue
        for position in parties:
            added.setdefault(position, []).extend(actions)
    return added


# An object that counts the parties it refers back to (责令6家公众号, 要求上述8款浏览器, 对这3家).
_COUNTED_OBJECT_ZH = re.compile(
    r"(?:对|责令|要求|督促|勒令)(?:上述|以上|前述|这)?\s*(\d+|[两二三四五六七八九十])\s*(?:家|款|个(?![月小工]))")
_COUNTED_REACH = 10  # sentences back to the list the count names
_NUMERALS_ZH = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _counted_back(
    prepared: PreparedText,
    groups: Sequence[Sequence[Found]],
    governed: Sequence[Governed],
    action_spans: SortedSpans[tuple[int, int, str]],
    action_sentences: Sequence[int],
    added: dict[int, list[str]],
) -> None:
    """Actions of a sentence that names no platform but counts those it acts on (市网信办责令6家
    公众号限期整改 after a list of six): given to the nearest list before it of that many names,
    a few sentences back or more. Adds to ``added`` (group index → actions). A host named with
    the count (6家微信公众号) does not stop it."""
    acting = {prepared.sentence_index(group[0].start) for group, said in zip(groups, governed, strict=True)
              if not said.host}
    for index in action_sentences:
        if index in acting:
            continue
        start, end = prepared.sentence(index)
        counted = _COUNTED_OBJECT_ZH.search(prepared.text, start, end)
        if counted is None:
            continue
        written = counted.group(1)
        number = int(written) if written.isdigit() else _NUMERALS_ZH[written]
        actions = [span[2] for span in _either_or(prepared.text, _in(action_spans, counted.start(), end))
                   if span[2] != NEUTRAL]
        if not actions or number < 2:
            continue
        reach = _sentences_back(prepared, index, _COUNTED_REACH)
        for position in range(len(groups) - 1, -1, -1):
            group, said = groups[position], governed[position]
            sentence = prepared.sentence_index(group[0].start)
            if sentence >= index:
                continue
            if sentence < reach:
                break
            if said.host or said.speaker:
                continue
            if len({_item_key(prepared.text, item) for item in group}) == number:
                added.setdefault(position, []).extend(
                    action for action in actions if action not in added.get(position, []))
                break


def _closed_lists_read(prepared: PreparedText, groups: Sequence[Sequence[Found]], governed: Sequence[Governed],
                       readings: list[tuple[str | None, tuple[str, ...], Amount | None]],
                       raw_actions: Sequence[tuple[int, int, str]]) -> list[tuple[str | None, tuple[str, ...], Amount | None]]:
    """Lists closed by 等 and their kind that nothing else gave an action take what the notice does
    to what they count (``diffing.introduced_lists.closed_list_action``)."""
    read = list(readings)
    for index, (group, said) in enumerate(zip(groups, governed, strict=True)):
        if readings[index][1] or said.host or said.speaker:
            continue
        action = closed_list_action(prepared, group[-1].end, raw_actions)
        if action is not None:
            read[index] = (action, (action,), None)
    return read


def _sentences_back(prepared: PreparedText, index: int, count: int) -> int:
    """The index ``count`` sentences before ``index``, not counting blank lines or lines that
    only wrap a sentence (wire copy broken at a fixed width)."""
    read = 0
    while index > 0 and read < count:
        index -= 1
        start, end = prepared.sentence(index)
        if prepared.text[start:end].strip() and not _WRAPPED.search(prepared.text, max(0, end - 8), end):
            read += 1
    return index


def _govern_groups(prepared: PreparedText, groups: Sequence[Sequence[Found]],
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
    if language == "en":
        owners_of_brands(prepared.text, groups, governed)
        actors_not_acted_on(prepared.text, groups, governed)
        if " to " in prepared.text:
            addressees_not_acted_on(prepared.text, groups, governed)
    return governed


def _reading(group: Sequence[Found], said: Governed,
             amounts: SortedSpans[AmountMatch]) -> tuple[str | None, tuple[str, ...], Amount | None]:
    actions = tuple(dict.fromkeys(span[2] for span in said.actions if span[2] != NEUTRAL))
    if "fine_proposed" in actions:
        # "its intention to fine X £183m … its new penalty powers": the fine is the proposed one.
        actions = tuple(action for action in actions if action != "fined")
    amount = _amount_in(group, said, amounts) if "fined" in actions else None
    return (actions[0] if actions else None, actions, amount)


def _notice_app_action(
    prepared: PreparedText,
    groups: Sequence[Sequence[Found]],
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
    counted = _counted_apps_action(prepared, action_spans, registry, language)
    if counted is None:
        return readings
    action = counted[2]
    return [
        (action, (action,), None)
        # Apps with a neutral verb of their own (查处“A”等应用程序) were dealt with, not that.
        if not reading[1] and not said.host and not said.actions
        and all(item.kind == "app" and item.id is None for item in group)
        else reading
        for group, said, reading in zip(groups, governed, readings, strict=True)
    ]


def _counted_apps_action(prepared: PreparedText, action_spans: SortedSpans[tuple[int, int, str]],
                         registry: PlatformRegistry, language: str) -> tuple[int, int, str] | None:
    """What the notice does to the apps it counts: the action nearest the app word in the first
    of its first sentences that speaks of apps and acts ("Ministry removes 96 apps")."""
    app_words = registry.kind_patterns[language].get("app")
    if app_words is None:
        return None
    for index in range(min(prepared.sentence_count(), 12)):
        start, end = prepared.sentence(index)
        words = app_words.search(prepared.text, start, end)
        if words is not None and language == "en" and not _APPS_PLURAL.search(prepared.text, start, end):
            words = None  # "app developer X settled": one company, not a notice about apps
        spans = [span for span in _in(action_spans, start, end) if span[2] != NEUTRAL]
        if words and spans:
            return min(spans, key=lambda span: abs(span[0] - words.start()))
    return None


_APPS_PLURAL = re.compile(r"\b(?:apps|applications|mini[\s-]programs)\b")


def _amount_from_story(
    prepared: PreparedText,
    groups: Sequence[Sequence[Found]],
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


def _story(text: str, groups: Sequence[Sequence[Found]],
           readings: Sequence[tuple[str | None, tuple[str, ...], Amount | None]],
           topic: dict[str, list[str]]) -> dict[str, list[str]]:
    """Every action the notice gives each platform, by key."""
    story: dict[str, list[str]] = {key: list(actions) for key, actions in topic.items()}
    for group, (_, actions, _) in zip(groups, readings, strict=True):
        for item in group:
            story.setdefault(_item_key(text, item), []).extend(actions)
    return story


def _outside_channels(text: str, found: list[Found]) -> list[Found]:
    """``found`` without the names inside publication channels and page furniture."""
    channels = channel_spans(text)
    if not channels:
        return found
    taken = Occupancy(len(text))
    for start, end in channels:
        taken.take(start, end)
    return [item for item in found if taken.free(item.start, item.end)]


