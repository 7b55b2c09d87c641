"""Lists a notice introduces as the members of what it acts on: 下架APP(SDK)分别是A、B、C;
59款被禁的应用程式名单如下：1.A 2.B …; 33个应用程序，包括A、B等15个输入法应用程序; "Other apps that
have been blocked include A, B and C"; "The latest list of 43 mobile apps include A, B …".

A list is read when its introduction says what kind of thing its items are (apps, websites,
accounts) and either says what was done to them (下架, blocked) or counts them (43 apps), so that
the action can be found where the notice states the same count with its verb ("blocking access
to 43 mobile apps"), or refers back to them (上述APP, "these apps"). Every item is then a
platform the notice acts on in that way, whether or not the registry knows its name: a list of
fifty app names after "名单如下" is the notice's own enumeration of what it removed. Items that
are no names (problems, categories, sentences) end the reading of the list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from diffing.mention import PlatformMention
from diffing.registry import NEUTRAL, PlatformRegistry, alias_key
from diffing.scans import compile_scan
from diffing.text import PreparedText

__all__ = ["Member", "closed_list_action", "introduced_members", "introduced_mentions", "may_introduce"]


@dataclass(frozen=True)
class Member:
    """One item of an introduced list: its span in the prepared text, the kind its introduction
    names and what the notice does to the list."""

    start: int
    end: int
    kind: str
    action: str


_KIND_WORDS_ZH = {
    "app": r"移动应用程序|应用程序|应用程式|移动应用|应用软件|app|apps|sdk|应用|软件|客户端",
    "mini_program": r"小程序",
    "website": r"网站|平台",
    "account": r"账号|帐号|公众号|自媒体",
}
# What opens the items (名单如下, 分别是, 包括) …
# Every alternative opens on its own first character, not on a group of words: a scan then passes
# over the characters none of them starts with at once (an eighth of the time of the grouped form).
_LIST_WORD_THEN = r"\s*(?:中\s*)?(?:分别是|分别为|如下|包括|包含|为|是|有)?\s*[:：]?"
_INTRO_ZH = re.compile(
    rf"名单{_LIST_WORD_THEN}|清单{_LIST_WORD_THEN}|列表{_LIST_WORD_THEN}"
    r"|分别是|分别为|如下\s*[:：]|依次为|有\s*[:：]"
    r"|其中(?:包括|包含)\s*[:：]?|包括\s*[:：]?|包含\s*[:：]?")
# … said of a kind just before it (下架APP(SDK)分别是, 59款被禁的应用程式名单如下, 33个应用程序，包括).
_KIND_BEFORE_ZH = re.compile(
    r"(?:" + "|".join(f"(?P<{kind}>{words})" for kind, words in _KIND_WORDS_ZH.items()) + r")"
    r"\s*(?:[(（][^()（）\n]{1,12}[)）])?\s*(?:[，,]\s*(?:其中)?)?$")
_KIND_WORDS_EN = {
    "app": r"apps|applications|app|application|mini[\s-]programs",
    "website": r"websites|sites|platforms",
    "account": r"accounts",
    "company": r"companies|firms|enterprises|operators",
}
_KIND_EN = "|".join(f"(?P<{kind}>{words})" for kind, words in _KIND_WORDS_EN.items())
# "…apps that have been blocked include", "The banned apps are:", "These apps included"; and in
# apposition to the kind: "four companies, namely A, B and C", "nine platforms -- A, B, C --",
# "websites such as A and B".
_INTRO_EN = compile_scan(
    r"\b(?:" + _KIND_EN + r")\b(?:\s+(?:that|which)\s+(?:have|has|had)\s+been\s+(?P<participle>[a-z]+(?:\s+down)?))?"
    r"(?:\s+(?:on|in)\s+(?:the|this)\s+(?:[a-z-]+\s+){0,2}?list)?"
    r"(?:\s+(?:include[sd]?|(?P<copula>are|were|is))|\s*,?\s+(?:including|namely|such\s+as)|\s*(?:--|—|–))\s*(?P<colon>[:：]\s*)?")
# A count of the kind just before an introduction (59款被禁的应用程式, "list of 43 mobile apps").
_COUNT_ZH = re.compile(r"(\d+|[一二两三四五六七八九十百]+)\s*(?:余|多)?\s*[款个家]")
_COUNT_EN = re.compile(r"(?<![\d,.])(\d[\d,]*)\s+(?:more\s+|other\s+)?(?:[a-z-]+\s+){0,2}?(?:" + _KIND_EN + r")\b")
# Words that refer the introduction back to what was counted before (上述APP, "these apps").
_IN_VIOLATION_ZH = re.compile(r"违规|违法|侵害用户权益|未完成整改|未按要求")
_REFERRING_ZH = re.compile(r"(?:上述|以上|前述|这些|这批|该批|被通报的?|下架的?)\s*$")
_REFERRING_EN = re.compile(r"\b(?:these|those|the\s+banned|the\s+blocked|the\s+removed|the\s+suspended)\s+(?:[a-z-]+\s+){0,2}?$")
# A ban on apps takes them off a country's stores, as the corpus counts it (禁止59款应用程式,
# "banned 59 apps"): the registry's words for it say "closed" only of websites.
_BAN_ZH = re.compile(r"禁止|禁用|封禁|被禁|禁$")
_BAN_EN = re.compile(r"\bbann?(?:ed|ing|s)?\b|\bblock(?:ed|ing|s)?\b")
_PARTICIPLES_EN = {"blocked": "removed", "banned": "removed", "removed": "removed", "delisted": "removed",
                   "suspended": "suspended", "shut down": "closed", "closed": "closed", "fined": "fined",
                   "named": "notified", "notified": "notified"}

# Items: numbered (1.A 2.B, 1、A), or separated by enumeration commas and a final conjunction.
# (after 、 only 以及 joins: 、和平精英, 、及时雨 open names)
_SEPARATOR_ZH = re.compile(r"、\s*(?:以及)?|[，,；;]\s*(?:以及|和|及|与)?|(?:以及|和|及)(?=[^、，,；;]{2,20}$)")
_SEMICOLON_EN = re.compile(r"\s*;\s*(?:and\s+)?")
_SEPARATOR_EN = re.compile(r"\s*[,;]\s*(?:and\s+|as\s+well\s+as\s+)?|\s+and\s+|\s+as\s+well\s+as\s+")
_QUOTES = "“”「」『』《》\"'‘’ \t"
# What an item is not: a problem, a category, a count, a clause.
_NOT_A_NAME_ZH = re.compile(
    # (信息 of a described problem, 个人信息/违法信息; an app may be called 及时雨信息)
    # (信息 of a described problem, 个人信息/违法信息; an app may be called 及时雨信息; a body that
    # signs the notice, 工业和信息化部信息通信管理局, ends in 部, 局, 厅 or 署)
    r"违法|违规|问题|行为|[人法规害息良假关]信息|信息(?:内容|服务|安全)|内容|情况|权限|收集|索取|整改|用户|等方面|领域|类$|[。！？]"
    r"|(?<![乐])部$|[局厅署]$"
    r"|(?:\d+|^[一二两三四五六七八九十百]+)\s*[款个家条]")
_NOT_A_NAME_EN = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|which|that|who|said|according|apps|applications|websites|the\s+list)\b")
_OWNER_AFTER_EN = re.compile(r"\s+(?:under|owned\s+by|backed\s+by|operated\s+by|run\s+by|a\s+unit\s+of|a\s+subsidiary\s+of)\s")
_BASED_BEFORE_EN = re.compile(r"[a-z.]+-(?:based|headquartered|backed|owned|controlled|run)\s+")
_SUCH_AS_EN = re.compile(r"^(?:[a-z-]+\s+){0,4}(?:such\s+as|like|including)\s+")
# Lower-case words after a name's capitalised words end the name ("Bright Clips last month");
# "of", "de", "&" and "and" may join its words ("Bank of Nova").
_LOWER_CASE_TAIL_EN = re.compile(r"(?<=\w)\s+(?!(?:of|de|du|la|and|for)\s)[a-z]+\b(?:\s+[a-z]+\b)*\s*$")
# An owner's possessive before a product's name ("Tencent's QQ Music").
_OWNERS_NAMED_PRODUCT = re.compile(r"[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*['’]s\s+(?=[A-Z0-9])")
# A description before a name: an owner's possessive, then a few lower-case words.
_OWNERS_PRODUCT = re.compile(r"[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*['’]s\s+(?=[a-z])")
_NOT_A_DESCRIPTION = re.compile(
    r"\b(?:in|on|at|with|amid|for|of|by|from|to|into|after|before|during|over|under|against|the|a|an|its|their|and|or)\b")
_MAX_DESCRIPTION_WORDS = 4
_CHINESE = re.compile(r"[\u3400-\u9fff]")
# A site's domain name (www.example.com, 6621.com): in a list of what a notice acts on it names
# the site.
_DOMAIN_NAME = re.compile(
    r"(?:www\.)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|cn|net|org|tv|cc|io|me|info|top|xyz|vip|club|hk|tw)",
    re.IGNORECASE)
_CAPITALISED_END = re.compile(r"(?<![\w-])[A-Z0-9][\w&.'’-]*(?:\s+[A-Z0-9][\w&.'’-]*)*$")
_TRAILING_ETC_ZH = re.compile(r"等.*$")
_BRACKET_AFTER = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")
# (English is read in lower case: whether a name follows is read from the original.)
_OPENS_A_NAME = re.compile(r"[\"“]?(?:[A-Z0-9]|[a-z]+\s+(?:[a-z]+\s+){0,2}[A-Z]|(?:www\.)?[a-z0-9-]+\.[a-z]{2,4}\b)")
_MAX_ITEMS = 200
_REFERRING_REACH = 3  # sentences back to the verb "these apps" refers to
_MAX_ITEM_ZH = 24
_MAX_ITEM_WORDS_EN = 7


def may_introduce(prepared: PreparedText) -> bool:
    """Whether ``prepared`` has words that can introduce a list (a test cheaper than the reading)."""
    if prepared.language.startswith("zh"):
        return _INTRO_ZH.search(prepared.text) is not None or (
            "\n" in prepared.text and _KIND_LINE_END_ZH.search(prepared.text) is not None
            and _COUNT_LINE_ZH.search(prepared.text) is not None)
    return _INTRO_EN.search(prepared.text) is not None


def introduced_mentions(prepared: PreparedText, registry: PlatformRegistry, raw_actions: Sequence[tuple[int, int, str]],
                        mentions: list[PlatformMention]) -> list[PlatformMention]:
    """The items of lists the notice introduces as what it acts on (``diffing.introduced_lists``):
    a mention inside an item with no action of its own takes the list's; an item no other
    reading found is a mention of its own, known to the registry or not."""
    members = introduced_members(prepared, raw_actions)
    if not members:
        return mentions
    spans = [prepared.original_span(member.start, member.end) for member in members]
    read = []
    whole: set[int] = set()  # members a mention names in full
    for mention in mentions:
        inside = next((index for index, (start, end) in enumerate(spans)
                       if start <= mention.start and mention.end <= end), None)
        if inside is None:
            # a mention that takes in the whole item and its gloss ("Tencent Holdings Ltd (騰訊)")
            covering = next((index for index, (start, end) in enumerate(spans)
                             if mention.start <= start and end <= mention.end), None)
            if covering is not None:
                whole.add(covering)
                mention = mention if mention.actions else replace(
                    mention, action=members[covering].action, actions=(members[covering].action,))
            read.append(mention)
            continue
        start, end = spans[inside]
        action = members[inside].action
        around = prepared.original[start:mention.start] + prepared.original[mention.end:end]
        if around.strip():
            if inside in whole:
                continue
            if around.isascii():
                # "Sina Sports", "QQ Player": the item names a product of the platform whose name
                # it holds, by the item's whole name (an app after its operator, 某公司的晴天记账,
                # is the app's own name).
                mention = replace(mention, name=prepared.original[start:end], start=start, end=end)
        whole.add(inside)
        read.append(mention if mention.actions else replace(mention, action=action, actions=(action,)))
    for index, (member, (start, end)) in enumerate(zip(members, spans, strict=True)):
        if index in whole:
            continue
        platform_id = registry.aliases.get(alias_key(prepared.text[member.start:member.end]))
        read.append(PlatformMention(
            id=platform_id,
            name=prepared.original[start:end],
            kind=registry.platforms[platform_id].kind if platform_id else member.kind,
            action=member.action,
            amount=None,
            start=start,
            end=end,
            sentence=prepared.original_sentence(member.start),
            actions=(member.action,),
        ))
    return sorted(read, key=lambda mention: mention.start)


# A 、-list closed by its kind (A、B、C等应用上榜, A、B等33款APP): the items run to 等.
_CLOSING_ZH = re.compile(
    r"(?:\s*[(（][^()（）\n]{1,12}[)）])?"
    r"(?:\s*[、，,和及与]\s*[“「『]?[^、，,。；;\n“”「」『』]{1,20}?[”」』]?)*\s*[”」』]?\s*等\s*"
    r"(?:(?:\d+|[一二两三四五六七八九十百]+)\s*(?:余|多)?\s*[款个家])?\s*[^，,。；;\d、]{0,4}?"
    r"(?:" + "|".join(_KIND_WORDS_ZH.values()) + r")")


_APP_KINDS = ("app", "apps", "sdk", "应用", "应用程序", "移动应用", "软件", "客户端", "小程序")


def closed_list_action(prepared: PreparedText, end: int, action_spans: Sequence[tuple[int, int, str]]) -> str | None:
    """What the notice does to a Chinese list that ends at ``end`` in 等 and its kind, when no
    verb of its sentence is said of it: what the notice does where it states the list's count
    with a verb, or ``notified`` when the list counts apps in violation (尚有101款APP未完成整改，
    A、B等应用上榜). A verb before the list in its sentence is not read: clauses say whose it is."""
    closing = _CLOSING_ZH.match(prepared.text, end)
    if closing is None:
        return None
    action = _list_action(prepared, closing, action_spans, "zh", said_before=False)
    if action is None and closing.group(0).rstrip().endswith(_APP_KINDS) \
            and _IN_VIOLATION_ZH.search(prepared.text, closing.end(), prepared.clause_at(closing.end())[1]):
        # 尚有A、B等37款App未完成整改: apps listed for what they failed to do are named for it
        return "notified"
    return action


# A line that ends on a count of a kind, the list on the next line (首批清理下架105款违法违规移动应用程序
# / 猫途鹰、苏格、…): the count introduces the list as a heading does.
_COUNT_LINE_ZH = compile_scan(
    r"(?:\d+|[一二两三四五六七八九十百]+)\s*(?:余|多)?\s*[款个家][^\n、，,。；;：:]{0,16}?"
    r"(?:" + "|".join(_KIND_WORDS_ZH.values()) + r")\s*(?=\n)")
# A kind word ending a line, which every count line ends on: a text without one is not scanned for
# count lines (this scan starts at the kind words, that one at every number).
_KIND_LINE_END_ZH = re.compile(r"(?:" + "|".join(_KIND_WORDS_ZH.values()) + r")\s*\n")
_MIN_HEADED_ITEMS = 3


def _introductions(text: str, language: str) -> list[tuple[re.Match[str], bool]]:
    """The introductions of ``text`` in order, each with whether it is a count that heads a line."""
    found = [(match, False) for match in (_INTRO_ZH if language == "zh" else _INTRO_EN).finditer(text)]
    if language == "zh" and "\n" in text and _KIND_LINE_END_ZH.search(text) is not None:
        found += [(match, True) for match in _COUNT_LINE_ZH.finditer(text)]
        found.sort(key=lambda each: each[0].start())
    return found


def introduced_members(prepared: PreparedText, action_spans: Sequence[tuple[int, int, str]]) -> list[Member]:
    """Every item of the lists ``prepared`` introduces as what it acts on, in text order, with
    the action of each list; ``action_spans`` are the notice's action words."""
    text = prepared.text
    language = "zh" if prepared.language.startswith("zh") else "en"
    members: list[Member] = []
    taken_until = 0
    for match, heading in _introductions(text, language):
        if match.start() < taken_until:
            continue
        kind = _kind(prepared, match, language, heading)
        if kind is None or (language == "en" and not _opens_a_name(prepared, match)):
            continue
        action = _list_action(prepared, match, action_spans, language, kind=kind)
        if action is None and language == "zh":
            continue
        items = _items(prepared, match.end(), language)
        count = _count_before(prepared, match.end(), language)
        if len(items) < (_MIN_HEADED_ITEMS if heading else 2) or (count is not None and len(items) > count):
            continue
        if action is None:
            # "10 firms, including A, B and C, would be asked to freeze updates": the counted
            # subject's verb follows its list
            action = _verb_after_list(prepared, items[-1][1], action_spans)
            if action is None:
                continue
        members += [Member(start, end, kind, action) for start, end in items]
        taken_until = items[-1][1]
    return members


_SUBJECT_THEN_VERB_EN = re.compile(
    r"\s*(?:,|--|—|–)?\s*(?:(?:would|will|were|was|are|is|have|has|had|been|be|being|also|later|then|now|all|each|both"
    r"|subsequently|reportedly|asked|ordered|told|required|forced|made|to)\s+)*$")


def _verb_after_list(prepared: PreparedText, end: int, action_spans: Sequence[tuple[int, int, str]]) -> str | None:
    """The action the words right after an English list say of it, as its subject."""
    _, sentence_end = prepared.sentence_at(end)
    after = [span for span in action_spans if end <= span[0] < min(sentence_end, end + 120) and span[2] != NEUTRAL]
    if not after:
        return None
    # (from the comma that closes the list: its last items may be names it did not read)
    comma = prepared.text.rfind(",", end, after[0][0])
    if _SUBJECT_THEN_VERB_EN.match(prepared.text, comma if comma != -1 else end, after[0][0]):
        return after[0][2]
    return None


def _opens_a_name(prepared: PreparedText, intro: re.Match[str]) -> bool:
    """Whether a name follows an English introduction ("include popular gaming app PUBG"; after
    "are" or "were" only a colon or the name itself: "were banned under Section 69A" is no list)."""
    following = prepared.original_text(intro.end(), min(len(prepared.text), intro.end() + 60))
    if intro.group("copula") and not intro.group("colon"):
        return bool(following) and (following[0].isupper() or following[0] in "\"“")
    return _OPENS_A_NAME.match(following) is not None


def _kind(prepared: PreparedText, intro: re.Match[str], language: str, heading: bool = False) -> str | None:
    """The kind of thing the introduction says its items are (a heading count: the kind it
    counts), or ``None`` when it says none."""
    if language == "en":
        return next(kind for kind, value in intro.groupdict().items() if value and kind in _KIND_WORDS_EN)
    if heading:
        said = _KIND_BEFORE_ZH.search(prepared.text, intro.start(), intro.end())
    else:
        start = max(prepared.sentence_at(intro.start())[0], intro.start() - 20)
        said = _KIND_BEFORE_ZH.search(prepared.text, start, intro.start())
    return next(kind for kind, value in said.groupdict().items() if value) if said else None


def _list_action(prepared: PreparedText, intro: re.Match[str], action_spans: Sequence[tuple[int, int, str]],
                 language: str, *, said_before: bool = True, kind: str = "app") -> str | None:
    """What the notice does to the list ``intro`` opens: the action said in the introduction's
    own sentence before it (unless not ``said_before``), else where the notice states the same
    count with a verb, else the nearest action before a phrase that refers back (上述APP, "these
    apps")."""
    text = prepared.text
    participle = intro.groupdict().get("participle")
    if participle:
        return _PARTICIPLES_EN.get(participle) if kind == "app" or participle not in ("blocked", "banned") else "closed"
    sentence_start, _ = prepared.sentence_at(intro.start())
    own = _action_before(prepared, sentence_start, intro.start(), action_spans, language, kind) if said_before else None
    if own is not None:
        return own
    count = _count_before(prepared, intro.end(), language)
    in_violation = language == "zh" and _IN_VIOLATION_ZH.search(text, sentence_start, intro.start()) is not None
    if count is not None:
        for stated in (_COUNT_ZH if language == "zh" else _COUNT_EN).finditer(text):
            if _number(stated.group(1)) != count or (
                    stated.start() < intro.end() and prepared.sentence_at(stated.start())[0] == sentence_start):
                continue  # the introduction's own count
            clause_start, clause_end = prepared.clause_at(stated.start())
            start = max(prepared.sentence_at(stated.start())[0], clause_start - 40)
            said = _action_before(prepared, start, stated.start(), action_spans, language, kind) \
                or _action_before(prepared, stated.end(), min(clause_end, stated.end() + 12), action_spans, language, kind)
            if said is not None:
                return said
            in_violation = in_violation or (
                language == "zh" and _IN_VIOLATION_ZH.search(text, clause_start, clause_end) is not None)
    if in_violation:
        # 检测…33个应用程序，包括… after "33个应用程序违规收集用户资料": apps a regulator lists for
        # violations are named publicly for them, whichever verb (or none) the notice uses.
        return "notified"
    referring = _REFERRING_ZH if language == "zh" else _REFERRING_EN
    if referring.search(text, max(0, intro.start() - 16), intro.start()):
        earlier = prepared.sentence(max(0, prepared.sentence_index(intro.start()) - _REFERRING_REACH))[0]
        return _action_before(prepared, earlier, intro.start(), action_spans, language, kind)
    return None


def _action_before(prepared: PreparedText, start: int, end: int, action_spans: Sequence[tuple[int, int, str]],
                   language: str, kind: str) -> str | None:
    """The last action said between ``start`` and ``end`` (a ban of apps is their removal; of
    websites, the registry's word for it says)."""
    said = [span for span in action_spans if start <= span[0] and span[1] <= end and span[2] != NEUTRAL]
    ban = (_BAN_ZH if language == "zh" else _BAN_EN).search(prepared.text, start, end) if kind == "app" else None
    if ban is not None and (not said or said[-1][0] < ban.start()):
        return "removed"
    return said[-1][2] if said else None


def _count_before(prepared: PreparedText, position: int, language: str) -> int | None:
    """The number the introduction at ``position`` counts its items by, if it says one."""
    start = max(prepared.sentence_at(position)[0], position - 40)
    counts = list((_COUNT_ZH if language == "zh" else _COUNT_EN).finditer(prepared.text, start, position + 1))
    return _number(counts[-1].group(1)) if counts else None


_DIGITS_ZH = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _number(written: str) -> int:
    """An item count as written: digits, or Chinese numerals up to 九百九十九."""
    if written[0].isdigit():
        return int(written.replace(",", ""))
    total, digit = 0, 0
    for character in written:
        if character in _DIGITS_ZH:
            digit = _DIGITS_ZH[character]
        elif character == "十":
            total += (digit or 1) * 10
            digit = 0
        elif character == "百":
            total += (digit or 1) * 100
            digit = 0
    return total + digit


_NUMBERED = re.compile(r"\s*(?:\(?1[.、．)）]|1\s+)")
_CONTACT_LINE = re.compile(r"\s*[(（]?\s*(?:联系人|联系电话|联系方式|电话|邮\s*箱|电子邮件|地址|传真|contacts?|tel|phone|e-?mail)\s*[:：]",
                           re.IGNORECASE)


def _items(prepared: PreparedText, start: int, language: str) -> list[tuple[int, int]]:
    """The items of the list that starts at ``start``: numbered items up to the last number in
    sequence, else the separated items of the rest of the sentence (or of the next line, when
    the introduction ends its own)."""
    text = prepared.text
    line_end = text.find("\n", start)
    line_end = len(text) if line_end == -1 else line_end
    if not text[start:line_end].strip():
        start = line_end + 1
        line_end = text.find("\n", start)
        line_end = len(text) if line_end == -1 else line_end
    if _CONTACT_LINE.match(text, start):
        return []  # the notice's contact person and telephone, not the list (its annex is not in the text)
    if _NUMBERED.match(text, start):
        return _numbered_items(prepared, start, language)
    if text[start - 1:start] == "\n" and _SHORT_LINE.fullmatch(text, start, line_end):
        lines = _line_items(prepared, start, language)
        if len(lines) >= _MIN_LINE_ITEMS:
            return lines
    end = _list_end(text, start, line_end, language)
    separators = _SEPARATOR_ZH if language == "zh" else _SEPARATOR_EN
    described = language == "en" and text.find(";", start, end) != -1
    if described:
        # "QQ, a popular instant messaging app; Sina Sports; and FlashEx, an express delivery
        # app": semicolons part items that commas describe.
        separators = _SEMICOLON_EN
    items = []
    position = start
    for separator in [*separators.finditer(text, start, end), None]:
        item_end = separator.start() if separator else end
        if described and (comma := text.find(",", position, item_end)) != -1:
            item_end = comma
        item = _item(prepared, position, item_end, language)
        if item is None:
            break
        items.append(item)
        if len(items) >= _MAX_ITEMS or separator is None:
            break
        position = separator.end()
    return items


_LIST_STOP_ZH = re.compile(r"。|；(?!\s*\S{1,20}[、，,])|\.(?:\s|$)")
_LIST_STOP_EN = re.compile(r"\.(?:\s|$)|\n|\s*(?:--|—|–)")


def _list_end(text: str, start: int, line_end: int, language: str) -> int:
    """Where a list run into the text ends: its sentence's end or its line's, or in English the
    dash that closes a list set off by dashes."""
    stop = _LIST_STOP_ZH if language == "zh" else _LIST_STOP_EN
    found = stop.search(text, start, line_end)
    return found.start() if found else line_end


# A list written one name a line under its introduction (包括:\n抖音 TikTok\n茄子快传 Shareit\n…): the
# short lines up to a blank or a long one.
_SHORT_LINE = re.compile(r"[^\n。，,；;、：:！？!?]{1,40}")
_MIN_LINE_ITEMS = 3


def _line_items(prepared: PreparedText, start: int, language: str) -> list[tuple[int, int]]:
    text = prepared.text
    items: list[tuple[int, int]] = []
    while start < len(text) and len(items) < _MAX_ITEMS:
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        if not _SHORT_LINE.fullmatch(text, start, end) or (item := _item(prepared, start, end, language)) is None:
            break
        items.append(item)
        start = end + 1
    return items


def _numbered_items(prepared: PreparedText, start: int, language: str) -> list[tuple[int, int]]:
    """1.A 2.B 3.C …: each item runs to the next number in sequence, over lines."""
    text = prepared.text
    marks: list[re.Match[str]] = []
    position = start
    number = 1
    while len(marks) <= _MAX_ITEMS:
        mark = re.compile(rf"(?<!\d){number}\s*[.、．)）]\s*").search(text, position, position + 200)
        if mark is None or (marks and "\n\n" in text[position:mark.start()]):
            break
        marks.append(mark)
        position = mark.end()
        number += 1
    items = []
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else _last_item_end(text, mark.end())
        item = _item(prepared, mark.end(), end, language)
        if item is None:
            break
        items.append(item)
    return items


def _last_item_end(text: str, start: int) -> int:
    line_end = text.find("\n", start)
    line_end = len(text) if line_end == -1 else line_end
    stop = re.compile(r"[。；;]|\.(?:\s|$)").search(text, start, line_end)
    return stop.start() if stop else line_end


def _item(prepared: PreparedText, start: int, end: int, language: str) -> tuple[int, int] | None:
    """The name an item holds, trimmed of quotes, a trailing 等… and a bracketed gloss, or
    ``None`` when it is no name."""
    text = prepared.text
    while start < end and text[start] in _QUOTES:
        start += 1
    while end > start and text[end - 1] in _QUOTES + "。.，,、":
        end -= 1
    if language == "en":
        such_as = _SUCH_AS_EN.match(text, start, end)
        if such_as:
            start = such_as.end()
        # "Duo Duo Maicai under Pinduoduo", "Wuhan-based Shixianghui": the name without who owns
        # it or where it is
        owner = _OWNER_AFTER_EN.search(text, start, end)
        if owner is not None and owner.start() > start:
            end = owner.start()
        based = _BASED_BEFORE_EN.match(text, start, end)
        if based is not None and based.end() < end:
            start = based.end()
    else:
        etc = _TRAILING_ETC_ZH.search(text, start, end)
        if etc and etc.start() > start:
            end = etc.start()
    bracket = _BRACKET_AFTER.search(text, start, end)
    if bracket and bracket.start() > start:
        end = bracket.start()
    while end > start and text[end - 1] in _QUOTES:
        end -= 1
    written = text[start:end]
    if not written or written.isdigit():
        return None
    if language == "zh":
        latin = not _CHINESE.search(written)
        if (len(written.split()) > _MAX_ITEM_WORDS_EN if latin else len(written) > _MAX_ITEM_ZH) \
                or _NOT_A_NAME_ZH.search(written):
            return None
    else:
        original = prepared.original_text(start, end)
        if _NOT_A_NAME_EN.search(written):
            return None
        described = _OWNERS_PRODUCT.match(original)
        if _DOMAIN_NAME.fullmatch(original):
            return start, end  # "websites such as 6621.com and example.cn": a site by its address
        owner = _OWNERS_NAMED_PRODUCT.match(original)
        if owner is not None:
            # "Tencent's QQ Music": the product; its owner is a name of its own
            start += owner.end()
            original = original[owner.end():]
        if described is not None or not (original[0].isupper() or original[0].isdigit()):
            # "popular gaming app PUBG", "Alibaba's e-commerce app AliExpress": the name after
            # its description (a few words, no phrase: "in a wave of sanctions amid … China" is none).
            named = _CAPITALISED_END.search(original)
            offset = described.end() if described is not None else 0
            if named is None or named.start() < offset \
                    or _NOT_A_DESCRIPTION.search(original, offset, named.start()) \
                    or len(original[offset:named.start()].split()) > _MAX_DESCRIPTION_WORDS:
                return None
            start += named.start()
            written = text[start:end]
        tail = _LOWER_CASE_TAIL_EN.search(original)
        if tail is not None:
            end = start + tail.start()  # "… and Bright Clips last month": the name, not when
            written = text[start:end]
        if len(written.split()) > _MAX_ITEM_WORDS_EN or _NOT_A_NAME_EN.search(written):
            return None
    return start, end
