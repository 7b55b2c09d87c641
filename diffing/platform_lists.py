"""Names one verb governs together: lists of platforms read on from a governing verb, the groups
they form, and the amounts inside a group.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from diffing.amounts import AmountMatch
from diffing.clauses import Governed, collective
from diffing.found import Found
from diffing.numbers import Amount
from diffing.registry import (
    NEUTRAL,
)
from diffing.spans import SortedSpans
from diffing.text import PreparedText
from diffing.unknown_names import (
    counted_sentence,
)

# An object that refers back to the platforms just named (对其, 对两个平台, 对三家, "fining them"):
# a sentence that names none and acts on it acts on them.
_REFERRING_OBJECT = {
    "en": re.compile(r"\b(?:them|both\s+(?:companies|platforms|firms|businesses|operators)|the\s+(?:two|three|four)\s+(?:companies|platforms|firms|businesses|operators)"
                     r"|(?:these|those|the)\s+(?:companies|platforms|firms|businesses|operators))\b"),
    "zh": re.compile(r"对(?:其(?![他余中])|该(?:平台|公司|企业|网站)|平台(?![内上中])|(?:这|上述)?[两二三四五六七八九十]+(?:[个家]|平台|网站|企业|公司)|上述(?:平台|企业|公司|网站))"
                     # 涉及的帐号已被依法关闭: the accounts just named
                     r"|(?:涉及的|涉事|上述|这些|以上)(?:帐号|账号|公众号|网站|应用|app)"),
}


_REFERS_TO_COMPANY = re.compile(r"公司|企业|compan|firm")


_EITHER_OR = re.compile(r"\s*(?:或者|或是|或|or)\s*")


def _either_or(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Actions offered as alternatives (关闭或禁言, "closed or muted") are said of no one name:
    both become neutral."""
    result = list(spans)
    for index in range(len(result) - 1):
        # 关闭、禁言“甲”“乙”等账号: closing and muting said together of accounts is the same
        # alternative (each account got one of them), as 关闭或禁言 is
        paired = text[result[index][1]:result[index + 1][0]] == "、" and \
            {result[index][2], result[index + 1][2]} == {"closed", "muted"}
        if paired or _EITHER_OR.fullmatch(text, result[index][1], result[index + 1][0]):
            result[index] = (result[index][0], result[index][1], NEUTRAL)
            result[index + 1] = (result[index + 1][0], result[index + 1][1], NEUTRAL)
    if "等" in text and ("账号" in text or "分别" in text):
        # 对上述账号采取关闭、禁言等处置措施, 对A、B等平台分别采取约谈、下架、关停服务等处罚: a
        # menu of measures over several parties, which of them each party got is not said.
        index = 0
        while index < len(result) - 1:
            last = index
            while last + 1 < len(result) and text[result[last][1]:result[last + 1][0]] == "、":
                last += 1
            if last > index and _MENU_END.match(text, result[last][1]) and (
                    _MANY_ACCOUNTS.search(text, max(0, result[index][0] - 24), result[index][0])
                    or _EACH_TOOK.search(text, max(0, result[index][0] - 8), result[index][0])):
                for position in range(index, last + 1):
                    result[position] = (result[position][0], result[position][1], NEUTRAL)
            index = last + 1
    return result


# the menu ends in 等, after the last measure's object at most (关停服务等)
_MENU_END = re.compile(r"[^，,。；;、\n]{0,4}?等")


_EACH_TOOK = re.compile(r"分别(?:依法|依规|依法依规)?(?:采取|给予|予以)了?$")


_MANY_ACCOUNTS = re.compile(r"(?:对|将)(?:上述|相关|这些|涉事|以上|前述|该批|上列)[^，,。；;\n]{0,8}?账号[^，,。；;\n]{0,6}$")


# Between two names of one list: separators, closing quotes, a company suffix, a generic word
# the name is written with (拉勾招聘、天涯社区) and a name in parentheses ("ByteDance Ltd (字節跳動)
# and Didi Chuxing").
_LIST_GAP = re.compile(
    r"(?:\s*(?:ltd|inc|corp|co|llc|limited|holdings|group)\.?)?(?:app|网|平台|客户端|商城|招聘|官网)?"
    r"(?:\s*[(（][^()（）\n]{1,16}[)）])?"
    r"[\s”\"」』》)）]*(?:、|,|，|和|及|与|以及|and|or|, and|, or)?[\s“\"「『《(（]*"
)


_POSSESSIVE_AFTER = re.compile(r"(?:'s|’s)\s+(?!fine|penalt)")
_ASIDE_OPENS = re.compile(r"\s*[(（][^()（）\n]{0,12}")
_ASIDE_CLOSES_IN_LIST = re.compile(r"[^()（）\n]{0,12}[)）]\s*(?:、|，|,|和|及|与|等)")


_QUOTE_MARKS = re.compile(r"[“”「」『』《》\"]")


# “某某App”、“抖音”: a registry name quoted like the unknown names beside it is one of the list.
_BOTH_QUOTED = re.compile(r"[”」』》\"]\s*(?:、|,|，|和|及|与)?\s*[“「『《\"]")


def _list_groups(prepared: PreparedText, found: Sequence[Found]) -> list[list[Found]]:
    """Names listed together (百度、必应、夸克浏览器; "Quark Browser, UC Browser"): what the
    sentence does to the list, it does to each of them."""
    groups: list[list[Found]] = []
    owners: list[list[Found]] = []
    for item in found:
        owner = _OWNER_AFTER.match(prepared.text, item.end)
        if owner is not None and groups and _LIST_GAP.fullmatch(prepared.text, groups[-1][-1].end, item.start):
            # "Alibaba Group, Tencent-backed China Literature": the owner stands inside the next
            # item of the list, which goes on after it; the owner is a name of its own.
            owners.append([item])
            continue
        if groups and _POSSESSIVE_AFTER.match(prepared.text, item.end) \
                and _LIST_GAP.fullmatch(prepared.text, groups[-1][-1].end, item.start):
            # "Baidu Tieba, Sina Weibo and Tencent's WeChat": the owner qualifies the next item;
            # the list does not end with it (nor take its possessive).
            owners.append([item])
            continue
        if groups and _ASIDE_OPENS.fullmatch(prepared.text, groups[-1][-1].end, item.start) \
                and _ASIDE_CLOSES_IN_LIST.match(prepared.text, item.end):
            # 晴天投资(有限合伙企业,为小鹿集团股东)、…等四家公司: a name in a bracketed aside on an
            # item is no item; the list goes on after the bracket.
            owners.append([item])
            continue
        if owners and groups:
            last_owner = owners[-1][-1]
            owned = _OWNER_AFTER.match(prepared.text, last_owner.end)
            if owned is not None and owned.end() == item.start and groups[-1][-1].end < last_owner.start:
                groups[-1].append(item)
                continue
        if groups:
            last = groups[-1][-1]
            gap = prepared.text[max(last.end, last.tail):item.start]
            # A quoted account (“某某财经”) and registry platforms are not one list: in
            # 微信公众号“某某财经”及抖音等平台的… the platforms only host the accounts.
            if (prepared.sentence_index(last.start) == prepared.sentence_index(item.start)
                    and len(gap) <= 32 and _LIST_GAP.fullmatch(gap)
                    and not _OWNER_AFTER.match(prepared.text, item.end)
                    and not _DESCRIBES_AFTER.match(prepared.text, item.end)
                    and ((last.id is None) == (item.id is None) or not _QUOTE_MARKS.search(gap)
                         or _BOTH_QUOTED.fullmatch(gap))):
                groups[-1].append(item)
                continue
        groups.append([item])
    if owners:
        groups = sorted(groups + owners, key=lambda group: group[0].start)
    return groups


# "Alibaba Group, Tencent-backed China Literature", 快手和字节跳动旗下的“西瓜视频”: an owner named
# inside the next item.
# Meta（脸书母公司）: a name describing the one before it, no item of the list.
_DESCRIBES_AFTER = re.compile(r"\s*的?(?:母公司|子公司|母企业)")


_OWNER_AFTER = re.compile(r"-(?:backed|owned|controlled|linked|affiliated|run|invested)\s|\s*(?:旗下|所属)的?\s*[“「『\"]?")


def _item_key(text: str, item: Found) -> str:
    return item.id or text[item.start:item.end]


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


def _read_on(
    prepared: PreparedText,
    group: Sequence[Found],
    action_spans: SortedSpans[tuple[int, int, str]],
    named_sentences: dict[int, set[str]],
    figure_sentences: set[int],
    said: Governed,
    kind_patterns: dict[str, re.Pattern[str]],
    app_action: tuple[int, int, str] | None = None,
) -> None:
    """A list of names its own sentence gives no verb: "Among them were …" takes what the
    previous sentence did to them all; otherwise the first verb of the sentences that continue
    the story counts (until a summary sentence with counts, or one that names another
    platform and says what was done)."""
    item = group[0]
    list_start = item.start
    sentence_index = prepared.sentence_index(item.start)
    counted = counted_sentence(prepared, list_start)
    if counted is not None:
        previous_bounds = prepared.sentence(counted)
        previous = [span for span in _in(action_spans, *previous_bounds) if span[2] != NEUTRAL]
        # Of several counts (取消…、关闭违法网站8868家，累计约谈1211家) the names are of the one
        # whose clause names their kind (网站).
        kind = kind_patterns.get(item.kind)
        of_kind = [span for span in previous if kind is not None
                   and kind.search(prepared.text, *prepared.clause_at(span[0]))]
        chosen = (of_kind or previous)[-1:]
        if not chosen and app_action is not None:
            # The sentence counted without a verb ("5 apps … failed to comply"): what the notice
            # does to the apps it counts ("106 apps must be removed").
            chosen = [app_action]
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
        named = named_sentences.get(following, set())
        if named - own or (len(own) > 1 and named and not own <= named):
            # Another platform, or some of the list only ("Meta was fined again" after "Meta,
            # Google and Line must …"): what it says is said of the names it gives.
            if spans:
                return
            continue
        if spans:
            referring = _REFERRING_OBJECT["zh" if prepared.language.startswith("zh") else "en"].search(
                prepared.text, start, end)
            if referring is not None and _REFERS_TO_COMPANY.search(referring.group()) and item.kind != "company":
                return  # 对该公司罚款 acts on the company, not on the platform its shop was on
            said.actions.extend(spans)
            said.windows.append((start, end))
            said.decided = True
            return


def _amount_start(amount: AmountMatch) -> int:
    return amount.start


def _amount_end(amount: AmountMatch) -> int:
    return amount.end


def _amount_in(group: Sequence[Found], said: Governed, amounts: SortedSpans[AmountMatch]) -> Amount | None:
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


# "Meta (owner of Instagram, Facebook and WhatsApp)", "Meta -- the parent company of Facebook,
# Instagram and WhatsApp -- was fined": the brands only describe the party before them.
_OWNER_OF_ASIDE = re.compile(
    r"\s*(?:\(|--|—|–|,)\s*(?:(?:the|a|an)\s+)?(?:parent(?:\s+company)?|owner|operator|maker|publisher|developer)"
    r"\s+of\s+(?:the\s+)?"
)
_NEXT_BRAND = re.compile(r"\s*(?:,\s*and|,|and)\s*")


def owners_of_brands(text: str, groups: Sequence[Sequence[Found]], governed: Sequence[Governed]) -> None:
    """The brands named in an aside about their owner (an English notice's "Meta (owner of
    Instagram …)") are named, not acted on; the verbs their clause gave them are the owner's."""
    for index in range(1, len(groups)):
        owner = groups[index - 1]
        if not _OWNER_OF_ASIDE.fullmatch(text, owner[-1].end, groups[index][0].start):
            continue
        last = index
        while last + 1 < len(groups) and _NEXT_BRAND.fullmatch(text, groups[last][-1].end, groups[last + 1][0].start):
            last += 1
        said = governed[index - 1]
        for brands in governed[index:last + 1]:
            said.actions.extend(span for span in brands.actions if span not in said.actions)
            said.windows.extend(brands.windows)
            brands.actions.clear()
            brands.host, brands.decided = True, False
        if said.actions:
            said.host, said.oblique, said.decided = False, False, True


# "Apple removed about 60 VPN services", "X and example.com closed 305 accounts": the party is
# the subject of the verb, which acts on things of its own (apps in its store, accounts on it).
# ("Google and Apple in India are expected to remove the apps", "Apple will remove them": the
# subject, whatever it is told or expected to do, still acts on what it hosts)
_SUBJECT_GAP = re.compile(
    r"(?:\s+and\s+[\w.-]+)?(?:\s+in\s+[\w.-]+)?\s+(?:(?:has|have|had)\s+)?(?:(?:also|already|since|then)\s+)?"
    r"(?:(?:will|would|shall|should|must|may|might|could|can|is|are|was|were|has\s+been|have\s+been)\s+"
    r"(?:(?:also|now|then|reportedly)\s+)?"
    r"(?:(?:expected|set|due|going|about|required|asked|told|ordered|obliged|likely|planning|poised|able|set)\s+)?to\s+"
    r"|(?:will|would|shall|should|must|may|might|could|can)\s+(?:(?:also|now|then)\s+)?"
    r"|(?:plans?|intends?|agreed|promised|pledged|moved|began|started|decided)\s+to\s+)?")
_OWN_OBJECT = re.compile(
    r"(?:\s+down)?\s+(?:(?:about|around|over|nearly|almost|some|at\s+least|more\s+than)\s+)?"
    r"(?:\d|(?:hundreds|thousands|dozens|millions|tens)\s+of\b|(?:the|these|those|all)\s+[a-z]"
    # a bare plural of what a platform hosts: "Apple removed VPN apps from its store"
    r"|(?:[a-z][\w-]*\s+){0,2}(?:apps|applications|accounts|videos|posts|games|listings|products|ads"
    r"|advertisements|channels|pages|groups|livestreams)\b)"
)
_ACTS_OF_OWNERS = frozenset({"closed", "removed", "suspended", "muted"})


def actors_not_acted_on(text: str, groups: Sequence[Sequence[Found]], governed: Sequence[Governed]) -> None:
    """Drop the verbs whose subject is the party itself acting on what it hosts (English)."""
    for group, said in zip(groups, governed, strict=True):
        if not said.actions:
            continue
        kept = [span for span in said.actions if not (
            span[2] in _ACTS_OF_OWNERS and _SUBJECT_GAP.fullmatch(text, group[-1].end, span[0])
            and _OWN_OBJECT.match(text, span[1]))]
        if len(kept) < len(said.actions):
            said.actions[:] = kept


# "asked Apple and Google to remove the apps", "issued orders to Google to block them": the party
# told to take something down carries the measure out; it is not what is taken down.
_ORDER_ADDRESSEE_BEFORE = re.compile(
    r"\b(?:order(?:ed|s|ing)?|ask(?:ed|s|ing)?|told|tells?|telling|instruct(?:ed|s|ing|ions)?|direct(?:ed|s|ing)?"
    r"|urg(?:ed|es|ing)|call(?:ed|s|ing)?\s+on|requir(?:ed|es|ing))\s+(?:to\s+)?(?:(?:the|its|their)\s+)?"
    r"(?:[\w&.'’-]+,?\s+){0,6}?$")
_TOLD_TO = re.compile(r"[^.;:!?\n]{0,40}?\s+to\s+(?!be\s)")
# what it is told to do is a takedown ("to follow the order by banning them"); told to suspend
# or close something, it is what the order suspends (ordered Meta to suspend the practice)
_CLOSES_ITS_OWN_EN = re.compile(
    r"(?:[a-z]+ly\s+)?(?:close|shut\s+down)\s+(?:down\s+)?(?:its|their)\s+(?:(?!(?:and|or|to|of)\s)[\w-]+\s+){0,3}?")
_TAKEDOWN_EN = re.compile(r"(?:[\w'’-]+\s+){0,6}?(?:remov|bann?|block|tak(?:e|ing)\s+down|delet|pull)")


def addressees_not_acted_on(text: str, groups: Sequence[Sequence[Found]], governed: Sequence[Governed]) -> None:
    """Drop the takedowns of a sentence that tells the party to carry one out (English): they
    act on something else, and the party is read on into no other sentence's measure. Told to
    close its own product ("ordered Jinri Toutiao to permanently close its joke app Neihan
    Duanzi"), the party closes it: the product named next is what is closed."""
    for index, (group, said) in enumerate(zip(groups, governed, strict=True)):
        if said.host or said.speaker:
            continue
        told = _TOLD_TO.match(text, group[-1].end)
        if told is None or not _ORDER_ADDRESSEE_BEFORE.search(text, max(0, group[0].start - 80), group[0].start):
            continue
        if index + 1 < len(groups) and _CLOSES_ITS_OWN_EN.fullmatch(text, told.end(), groups[index + 1][0].start):
            product = governed[index + 1]
            product.host = False
            product.actions[:] = [span for span in said.actions if span[2] == "closed"]
            product.decided = bool(product.actions)
        elif not _TAKEDOWN_EN.match(text, told.end()):
            continue
        # the sentence's takedowns, before or after, are the ones it carries out
        said.actions[:] = [span for span in said.actions if span[2] not in _ACTS_OF_OWNERS]
        said.decided = True
