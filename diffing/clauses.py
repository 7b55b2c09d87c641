"""Clauses of a sentence and the party each one speaks of: which named platform each verb governs.

A sentence is cut into clauses at commas, semicolons and colons. A clause that names platforms
starts a new party; the verbs of the clauses that follow without a name of their own (责令其整改,
"and was ordered to…") stay with that party, until a clause names another party — a platform,
a speaker, or a collective one (对相关网站平台, 关闭网站1.2万家): what is said of a collective
party is said of no earlier name. Inside one clause, each name keeps the verbs of its own stretch
(约谈百度并对抖音处以罚款: Baidu is summoned, Douyin fined), and shares the clause's leading verb
when it has none ("fined Google €100m and Amazon €35m"). Some names take no verb of their
sentence: a host of the accounts acted on (抖音等平台的“…”账号, 微信公众号“…”), a speaker (知乎
负责人表示…), and in English a name in a prepositional phrase or a possessor ("practices
regarding Android", "Alphabet's turnover"), which takes only the verbs after it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from diffing.scans import compile_alternatives, compile_scan

__all__ = ["Governed", "Party", "collective", "govern"]

# A comma between a digit and exactly three digits groups thousands; any other ends a clause.
_CLAUSE_MARK = compile_scan(r"[，；;：:]|,(?!(?<=\d,)\d{3}(?!\d))")
# Where a stretch between two names of one clause divides: what comes before the connector is
# said of the first name, what follows of the second.
_CONNECTOR = re.compile(r"并对|并|同时|以及|而|和|与|及|(?<![a-z])(?:and|while|whereas|but)(?![a-z])")
# A party that is not a name: verbs in its clause are said of it, not of an earlier name.
_COLLECTIVE_ZH = re.compile(
    r"(?:对|责令|要求|督促)(?:相关|有关|涉事|涉案|其他|其余|部分|一批|多家|多个|这些|各类|各)[^，,；;]{0,12}?"
    r"(?:网站|平台|企业|账号|应用|app|公司|主体|单位|运营者|运营方|经营者)"
    r"|\d[\d.,]*\s*(?:余|多)?\s*(?:万|亿)?\s*(?:家|款|个(?![月小工])|件|条|名)"
    # 对 with an object that is no name (对平台内合作餐厅商户…下架): the verb acts on that object.
    # 对平台, 对两个平台, 对三家 refer back to the names before (_ALL_OF_THEM).
    r"|^\s*[^，,；;对]{0,8}(?<!针)(?<!面)(?<!相)(?<!反)对(?!其|该|此|上述|手|于|平台(?![内上中])|这?[两二三四五六七八九十]+(?:[个家]|平台|网站|企业|公司))"
)
_COLLECTIVE_EN = re.compile(
    r"\b(?:other|several|some|many|these|those|all|numerous)\s+(?:\w+\s+)?"
    r"(?:websites|platforms|companies|apps|accounts|firms)\b"
    r"|\b\d[\d,.]*\s*(?:websites|platforms|companies|apps|accounts|firms)\b"
)
# A name that speaks (知乎网负责人表示, "Meta said"): what follows is its own word, not an action.
_SPEAKER_ZH = re.compile(r"[^，,。；;]{0,6}?(?:表示|回应|声称|称(?!号)|声明|致歉|说)")
_SPEAKER_EN = re.compile(r"(?:['’]s\s+\w+\s+)?\s*(?:has\s+|had\s+|have\s+)?(?:said|says|stated|responded|announced|declared|denied|plans|will\s+appeal|intends)\b")
# A name that only hosts the target (抖音、微博等平台的“…”账号, 微信公众号“…”, "on YouTube"):
# the target is the account, not the platform.
_HOST_AFTER_ZH = re.compile(
    r"(?:等)?(?:[^，,。；;“”「」]{0,3}平台)?(?:上)?的\s*[“「『\"]"
    r"|(?:等)?[^，,。；;“”「」]{0,3}?平台(?:上)?的?\s*(?:账号|帐号|公众号)\s*[“「『\"]"
    r"|(?:平台)?(?:上|中)(?:的)?(?:[^，,。；;]{0,6})?(?:账号|帐号|公众号|主播|博主)"
    r"|\s*(?:公众号|公号|百家号|头条号|企鹅号|视频号|小程序|账号|帐号|直播间|店铺|网店|商家|卖家|用户|网友|主播|博主|达人)\s*[“「『\"]?"
)
# A platform that closes the accounts on it (指导微博等平台依法关闭“…”等账号, 抖音封禁违规账号) is
# their host too: the closing is done to the accounts, by the platform; unless it was ordered to
# (责令抖音关闭…账号 is an order to put things right, actions.py).
_CLOSING_HOST_ZH = re.compile(
    r"(?:等)?(?:[^，,。；;“”「」]{0,3}平台)?\s*(?:依法|已|已经|均|分别|先后|累计|共|立即|及时|永久|予以)*\s*"
    r"(?:关闭|关停|封禁|封停|封号|注销|清理|解散)了?\s*(?:[“「『\"]|[^，,。；;“”「」]{0,8}?(?:账号|帐号|公众号|群组|直播间|主播))")
_ORDERED_BEFORE_ZH = re.compile(r"(?:责令|勒令|要求|督促|下令|命令)\s*$")
# Between two targets of one deal list, and the deal verb that opens it.
_DEAL_LIST_JOIN = re.compile(r"(?:的)?(?:股权|股份)?\s*[、,，及和与]\s*")
_DEAL_LIST_OPENS = re.compile(r"(?:收购|并购|入股|受让)[^，,。；;]*$")
# 今日头条旗下“某某”, 某公司旗下的应用: the owner of the product the verb acts on; Meta（脸书母公司）,
# 腾讯子公司, 快手的创始人: the name describes another party or a person. Such a name stands
# inside the stretch of the party before it.
_DESCRIBING_ZH = re.compile(r"\s*(?:旗下|所属|控股)|\s*的?(?:母公司|子公司|母企业|创始人|创办人|首席执行官|总裁|董事长)")
# "a Taobao shop", "the Douyin account", "Weibo users": the platform only hosts what follows.
_HOST_AFTER_EN = re.compile(
    r"\s+(?:live[\s-]?stream(?:ing)?\s+|apps?\s+)?(?:shops?|stores?|storefronts?|accounts?|channels?|pages?|users?|influencers?"
    r"|streamers?|bloggers?|sellers?|merchants?|vendors?|rooms?|posts?|videos?|groups?\s+chats?)\b"
    # "WeChat instant messaging accounts", "Weibo public opinion pages": a kind between them
    r"|\s+(?:(?!(?:and|or|its|their|the|a|an|was|were|is|are|has|had|have|to|of|for)\s)[a-z-]+(?<!ed)\s+){1,2}"
    r"(?:accounts?|shops?|stores?|storefronts?|channels?|pages?)\b"
    # "Tencent-backed China Literature": the owner of the party, not the party
    r"|-(?:backed|owned|controlled|linked|affiliated|run|invested)\b"
    # "Genshin Impact publisher Cognosphere", "Facebook owner Meta": the product of the party
    r"|\s+(?:publisher|maker|developer|owner|operator|parent)\s+(?!of\b)[A-Za-z]"
)
# Names of one 、-list (优酷、爱奇艺、大学生联盟网、“喵播”等网站…予以处罚), with unread items between.
_ENUMERATED = re.compile(r"[”」』\"]?(?:[^、，,。；;：:\s“「『\"]{0,6}(?:账号|帐号|公众号|平台|网站|小程序|App|APP|app|应用|客户端))?"
                         r"(?:、\s*[^、，,。；;：:\s]{0,12}?)*、\s*[“「『\"]?")
# A sentence that opens with what it is about (针对A、B等平台存在的问题), and a later object that
# refers back to those names (对相关企业, 对涉事平台).
_ABOUT_ZH = re.compile(r"\s*[^，,。；;]{0,6}?针对")
_RELATED_ZH = re.compile(r"对(?:相关|涉事|涉案|有关)(?:企业|平台|网站|公司)")
# 点名15款App，A、B名列其中: the names are among what the clause before counted.
_AMONG_THEM_ZH = re.compile(r"\s*(?:等)?(?:均|都|也|亦)?(?:名列其中|位列其中|在列|在其中|赫然在列|榜上有名)")
_SUCH_AS = re.compile(r"(?:such\s+as|including|like|如|包括|例如|比如)\s*[“「『\"]?\s*$")
_DEAL_TARGET = re.compile(r"(?:收购|并购|受让)\s*$")
# Between a quoted name and the platform that hosts it (“A”微信公众号, “A”抖音账号).
_NAME_THEN_HOST_ZH = re.compile(r"[”」』\"]\s*")
# 在抖音上, 通过微信; 收购银泰商业…股权案: the place of the act, or the target of the party's deal.
_HOST_BEFORE_ZH = compile_alternatives(r"(?:在|于|从|通过|利用|借助|收购|并购|受让|(?<![对向令让使将把给与和])其)\s*$")
# "its doorbell camera Ring": a product of the party, not a party. A name in a prepositional
# phrase ("practices regarding Android", "following the Cambridge Analytica scandal", "an attack
# on the Starwood chain") is not what the verb acts on; "imposed on", "levied against", "a fine
# against", "the person in charge of" do point at the party. Read from the few words before the
# name, not by a pattern searched over them (it is the hot path of English notices).
_PREPOSITIONS = frozenset({
    "regarding", "following", "in", "for", "with", "about", "from", "at", "into", "by", "over",
    "under", "involving", "than", "after", "before", "since", "during", "via", "through",
    "across", "within", "like", "using", "on", "of",
    # the party a conduct served ("practices benefiting Facebook Marketplace")
    "benefiting", "benefitting", "favouring", "favoring", "concerning", "targeting",
})
_POINTING = frozenset({"imposed", "levied", "fine", "fines", "penalty", "placed",
                       # "imposed disciplinary measures on X", "sanctions on X": the measure's target
                       "measures", "sanctions", "penalties", "punishment", "punishments", "restrictions"})
_HEAD_OF = frozenset({"charge", "head", "operator", "owner", "operators", "owners", "heads", "executive",
                      "executives", "managers", "officials", "representatives", "leaders", "bosses"})
_ARTICLES = frozenset({"the", "a", "an", "its"})
_OPERATED = frozenset({"run", "operated", "owned", "managed"})
_OPERATED_KINDS = frozenset({"websites", "sites", "platforms", "portals", "apps", "services"})
_AMOUNT_WORDS = frozenset({"million", "billion", "bn", "mn", "m", "k", "euros", "dollars", "pounds", "yuan", "rubles",
                           "roubles", "won", "yen"})
_TIME_WORDS = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "spring", "summer",
    "autumn", "winter", "early", "late", "mid",
})
_NOT_BETWEEN = frozenset({"of", "to", "and", "or"})
_LAST_WORDS = compile_scan(r"[a-z0-9'’.-]+(?:\s+[a-z0-9'’.-]+)*\s+$")
_LAST_WORDS_CLOSED = compile_scan(r"[a-z0-9'’.-]+(?:\s+[a-z0-9'’.-]+)*$")
_WORD = re.compile(r"[a-z0-9'’.-]+")


def _words_before(text: str, position: int, *, closed: bool = False) -> list[tuple[str, int]]:
    """The words just before ``position`` with their starts, back to the nearest punctuation
    (``closed``: the last word ends at ``position``, else a space does)."""
    run = (_LAST_WORDS_CLOSED if closed else _LAST_WORDS).search(text, max(0, position - 60), position)
    if run is None:
        return []
    return [(word.group(0), word.start()) for word in _WORD.finditer(text, run.start(), position)][-8:]


def _oblique_start(text: str, words: list[tuple[str, int]]) -> int | None:
    """Where the preposition that heads the name's phrase starts, or ``None``."""
    for index in range(max(0, len(words) - 5), len(words)):
        word = words[index][0]
        if word not in _PREPOSITIONS:
            continue
        between = [w for w, _ in words[index + 1:]]
        if between and between[0] in _ARTICLES:
            between = between[1:]
        if len(between) > 3 or _NOT_BETWEEN.intersection(between):
            continue
        if between and (between[0] in _TIME_WORDS or between[0][:1].isdigit()):
            continue  # "In June Reddit was fined", "in 2024 X": a time phrase ends before the name

        previous = words[index - 1][0] if index > 0 else ""
        if word == "involving" and not between and _PENALTIES_BEFORE.search(
                text, max(0, words[index][1] - 160), words[index][1]):
            # "published 28 penalties for unreported deals, involving A, B and other firms": the
            # parties the penalties were decided on.
            continue
        if previous in _POINTING or (word in ("of", "from") and previous in _HEAD_OF) or (
                # "fines of €500 million for Apple and €200 million for Meta": the amount's party
                word in ("for", "on", "against") and not between
                and (previous in _AMOUNT_WORDS or previous[:1].isdigit())) or (
                word == "with" and previous in ("along", "together")) or (
                # "Websites run by Sina, Sohu and Netease were…": the operators stand for their sites
                word == "by" and previous in _OPERATED and index > 1 and words[index - 2][0] in _OPERATED_KINDS):
            continue
        return words[index][1]
    return None


_PENALTIES_BEFORE = re.compile(r"\b(?:penalties|fines|penalty\s+decisions|sanctions)\b[^.;:\n]*$")


def _product_of(words: list[tuple[str, int]]) -> bool:
    names = [w for w, _ in words]
    if names[-2:] in (["users", "of"], ["accounts", "on"]):
        return True
    for index in range(max(0, len(names) - 4), len(names)):
        if names[index] in ("its", "their") and not any(
                w in _PREPOSITIONS or w in ("to", "and") or w in _UNIT_WORDS for w in names[index + 1:]):
            return True  # "its app Ring", not "its subsidiary YouTube" (a company of its own)
    return False


# "its subsidiary YouTube", "its Ring unit": a company of the group, a party of its own.
_UNIT_WORDS = frozenset({"subsidiary", "subsidiaries", "unit", "units", "affiliate", "affiliates", "division", "arm"})
_UNIT_AFTER_EN = re.compile(r"\s+(?:subsidiary|unit|affiliate|division|arm)\b")
# "Meta and its subsidiaries (Instagram and WhatsApp)": brands of the party, not parties.
_BRANDS_IN_BRACKETS = compile_alternatives(r"\b(?:subsidiar(?:y|ies)|brands?|products?|services?|units?)\s*\(\s*$")
# A fine or an amount just before "on"/"against": the name is the one fined.
_FINE_BEFORE_ON = re.compile(
    # the amount in any scale or currency words ("Rs 1,337 crore", "50 crore rupees", "2 trillion won")
    r"(?:fines?|penalt(?:y|ies)|sanctions?|[\d.,]+\s*(?:million|billion|trillion|bn|mn|m|k|crores?|lakhs?)?"
    r"(?:\s*(?:euros?|dollars|pounds|yuan|rupees|won|yen|roubles|rubles|lira|francs|krona|kronor|kroner|pesos|reais"
    r"|ringgit|rand|baht|rupiah|dirhams|riyals))?)"
    r"\s+(?:(?:each|apiece|respectively)\s+)?(?:on|against)\s$"
)
_SETTLEMENT_WITH = re.compile(r"settlement\s+of\s+[^.;\n]{1,80}?\s+with\s+(?:the\s+)?$")
# "…and levied a penalty on the company": a verb with a target of its own.
_OWN_TARGET_EN = re.compile(
    r"[^.;]{0,60}?\s(?:on|against)\s+(?:the|this|that|its)\s+(?:[\w-]+\s+){0,2}?(?:company|firm|giant|group|platform|operator)\b")
# "Alphabet's turnover", "ByteDance Ltd's TikTok": the name qualifies another noun.
_POSSESSOR_EN = re.compile(r"(?:\s+(?:ltd|inc|corp|co|llc|limited|group|holdings)\.?)?(?:'s|’s|')\s+(?!fine|penalt)")
# An aside about the party before it: who owns, runs or made it.
_ASIDE_EN = re.compile(
    r"\s*(?:(?:which|that)\s+is\s+|(?:a|an|the)\s+)?(?:(?:wholly|partly|majority|jointly)[\s-])?"
    r"(?:owned|operated|run|backed|controlled|developed|made|published|acquired)\s+by\b"
    r"|\s*(?:a|an|the)\s+(?:[\w-]+\s+){0,2}(?:subsidiary|unit|arm|affiliate|division|brand|app|service)\s+of\b"
)


# A clause whose subject refers back to every party named before it (这些企业均被…, "the firms").
_ALL_OF_THEM = re.compile(
    r"\s*(?:这些|上述|以上|前述|上列)(?:企业|平台|公司|网站|应用|app|账号)"
    # 对两个平台, 对三家, and the count with the kind straight after it (分别对两平台)
    r"|\s*(?:并|同时)?(?:分别|依法|均)?对(?:这|上述)?[两二三四五六七八九十]+(?:[个家]|平台|网站|企业|公司)"
    r"|\s*(?:these|those|the|all\s+the|all)\s+(?:companies|firms|platforms|apps|websites|giants)\b"
)


# A subject or object that refers back to the names before it in the sentence.
_THESE_EN = compile_alternatives(r"\b(?:these|those|both|the\s+(?:two|three|four))\s+(?:companies|firms|platforms|apps|websites|giants)\b")


# An object that refers back to every name before it in the sentence.
_THEM_EN = compile_alternatives(
    r"\b(?:them|both\s+(?:companies|platforms|firms|businesses|operators)|the\s+(?:two|three|four)\s+(?:companies|platforms|firms|businesses|operators))\b"
)


@dataclass
class Party:
    """A list of names said together (one name is a list of one), by position."""

    start: int
    end: int


@dataclass
class Governed:
    """What a sentence says of one party: its action spans, in text order, and the stretches of
    text they were read from (where its fine's amount is looked for). A ``host`` only carries
    the accounts acted on; an ``oblique`` name stands in a prepositional phrase; a ``speaker``
    says something itself. None of them takes the sentence's verbs."""

    actions: list[tuple[int, int, str]] = field(default_factory=list)
    windows: list[tuple[int, int]] = field(default_factory=list)
    host: bool = False
    oblique: bool = False
    speaker: bool = False
    decided: bool = False


def _clause_breaks(text: str, start: int, end: int) -> list[int]:
    breaks = [match.start() for match in _CLAUSE_MARK.finditer(text, start, end)]
    if breaks and ("(" in text[start:end] or "（" in text[start:end]):
        # A bracketed aside (A(有限合伙企业,为B股东)、C等四家公司被罚) is part of the clause
        # around it, whatever punctuation it holds.
        asides = [(match.start(), match.end()) for match in _BRACKETED.finditer(text, start, end)]
        breaks = [position for position in breaks if not any(left < position < right for left, right in asides)]
    return breaks


_BRACKETED = re.compile(r"[(（][^()（）。；;\n]{1,60}[)）]")


def govern(
    text: str,
    sentence: tuple[int, int],
    parties: Sequence[Party],
    actions: Sequence[tuple[int, int, str]],
    language: str,
) -> list[Governed]:
    """For each of ``parties`` (in text order, all inside ``sentence``) what ``actions`` (spans
    in the sentence, sorted) govern it. Never raises; parties without a verb get an empty
    ``Governed``."""
    sentence_start, sentence_end = sentence
    result = [Governed() for _ in parties]
    if not parties:
        return result
    for index, party in enumerate(parties):
        result[index].host = _is_host(text, party, language)
        result[index].speaker = _is_speaker(text, party, language)
        if language == "zh":
            # 收购58股权、小红书、搜狗及蘑菇街股权: every item of a list a deal verb opens is its target
            if index > 0 and result[index - 1].host and _DEAL_LIST_JOIN.fullmatch(text, parties[index - 1].end, party.start) \
                    and _DEAL_LIST_OPENS.search(text, max(sentence_start, party.start - 60), party.start):
                result[index].host = True
            continue
        words = _words_before(text, party.start)
        if not words and _APPOSITIVE_BEFORE_EN.search(text, max(sentence_start, party.start - 40), party.start):
            # "accounts on its video app, Douyin, were removed": an appositive name stands where
            # the phrase it renames stands, a host or an oblique as that phrase is.
            words = _words_before(text, text.rfind(",", max(sentence_start, party.start - 40), party.start), closed=True)
        result[index].host = result[index].host or (
            bool(words) and _product_of(words) and not _UNIT_AFTER_EN.match(text, party.end)) or bool(
            _BRANDS_IN_BRACKETS.search(text, max(0, party.start - 32), party.start))
        oblique = _oblique_start(text, words) if words else None
        # "after the ICO fined British Airways": a verb between the preposition and the name
        # makes the name its object.
        if oblique is not None and any(oblique <= span[0] < party.start or span[0] < oblique < span[1]
                                       for span in actions):
            oblique = None  # the preposition inside the verb's phrase: "a settlement with X"
        if oblique is not None and (_FINE_BEFORE_ON.search(text, max(0, oblique - 48), oblique + 3)
                                    or _SETTLEMENT_WITH.search(text, max(0, party.start - 110), party.start)):
            oblique = None  # "a fine of €60 million on Facebook", "a settlement of the claims with X"
        result[index].oblique = oblique is not None or _POSSESSOR_EN.match(text, party.end) is not None
    if not actions:
        return result
    breaks = [
        position for position in _clause_breaks(text, sentence_start, sentence_end)
        if not any(party.start <= position < party.end for party in parties)
    ]
    bounds = [sentence_start, *[b + 1 for b in breaks], sentence_end]
    clauses = [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1) if bounds[i + 1] > bounds[i]]
    current: list[int] = []
    last_actions: list[tuple[int, int, str]] = []
    last_window: tuple[int, int] = sentence
    leading: list[tuple[int, int, str]] = []
    leading_windows: list[tuple[int, int]] = []
    seen_party = False
    next_party = 0
    for clause_start, clause_end in clauses:
        members = []
        while next_party < len(parties) and parties[next_party].start < clause_end:
            members.append(next_party)
            next_party += 1
        in_clause = [span for span in actions if clause_start <= span[0] and span[1] <= clause_end]
        if members:
            own = _own_clause(text, clause_start, clause_end, members, parties, in_clause, result, language)
            # "Douyin, owned by ByteDance, was fined": an aside naming the party's owner leaves
            # the party the subject of the clauses after it.
            current = own or (current if language == "en" and current and not in_clause
                              and _ASIDE_EN.match(text, clause_start, clause_end) else own)
            for member in members:
                governed = result[member]
                if governed.actions or not (_SUCH_AS.search(
                        text, max(clause_start, parties[member].start - 16), parties[member].start)
                        or (language == "zh" and _AMONG_THEM_ZH.match(text, parties[member].end))):
                    continue
                # "…removed apps, such as “X”": an example of what the verb before it acted on,
                # in its own clause ("deal with accounts such as @X") or the last one.
                before = _nearest_run(text, [span for span in in_clause if span[1] <= parties[member].start])
                if language == "en" and member + 1 < len(parties) and (possessive := _POSSESSOR_EN.match(
                        text, parties[member].end)) and possessive.end() == parties[member + 1].start:
                    # "apps such as Tencent's QQ Music": the example is the owner's product
                    governed = result[member + 1]
                    if governed.actions:
                        continue
                if before or last_actions:
                    governed.actions.extend(before or last_actions)
                    governed.windows.append((clause_start, clause_end) if before else last_window)
                    governed.decided = True
            if in_clause:
                last_actions, last_window = in_clause, (clause_start, clause_end)
            if not seen_party and leading:
                for member in members:
                    if not result[member].actions and _takes_verbs(result[member]):
                        result[member].actions.extend(leading)
                        result[member].windows.extend(leading_windows)
                        result[member].decided = True
            seen_party = True
            continue
        if language == "zh" and next_party and _counts_them(text, clause_start, clause_end, parties[:next_party]):
            # 约谈了A、B、C、D4家金融机构负责人，针对4家金融机构…，责令限期整改: the count is theirs.
            current = [index for index in range(next_party) if _takes_verbs(result[index])] or current
        elif language == "en" and next_party and _THESE_EN.search(text, clause_start, clause_end):
            # "Baidu and Douyu were punished…, adding that these platforms were also fined":
            # the platforms named before in the sentence, not a collective of others.
            current = [index for index in range(next_party) if _takes_verbs(result[index])] or current
        elif language == "zh" and next_party and _RELATED_ZH.search(text, clause_start, clause_end) \
                and _ABOUT_ZH.match(text, sentence_start, parties[0].start):
            # 针对“虎牙”“斗鱼”等平台存在…问题，…对相关企业进行约谈: the companies the sentence
            # opened with, not a collective of others.
            current = [index for index in range(next_party) if _takes_verbs(result[index])] or current
        elif _collective(text, clause_start, clause_end, language):
            current = []
            seen_party = True
            if in_clause:
                last_actions, last_window = in_clause, (clause_start, clause_end)
            continue
        if not in_clause:
            continue
        last_actions, last_window = in_clause, (clause_start, clause_end)
        if _ALL_OF_THEM.match(text, clause_start, clause_end):
            current = [index for index in range(next_party) if _takes_verbs(result[index])]
        elif language == "en" and (them := _THEM_EN.search(text, clause_start, clause_end)):
            # "problems on platforms A and B, so it met executives from the two companies,
            # ordering them to rectify": a count of companies names them also where they stood
            # in a phrase; a bare "them" only names parties ("e-shops on Taobao … ordered them").
            counted = them.group(0) != "them"
            referred = [index for index in range(next_party) if not result[index].speaker and (
                _takes_verbs(result[index]) or (counted and not result[index].host))]
            current = referred or current
        if current:
            for member in current:
                result[member].actions.extend(in_clause)
                result[member].windows.append((clause_start, clause_end))
                result[member].decided = True
        elif not seen_party:
            leading.extend(in_clause)
            leading_windows.append((clause_start, clause_end))
    if language == "en":
        _appositives(text, sentence, parties, actions, result)
        _share_across_commas(text, parties, actions, result)
        if len(parties) > 1:
            _share_over_described_items(text, parties, actions, result)
    return result


# "summoned ByteDance's news platform, Toutiao, and …": a name set off by commas right after a
# noun phrase headed by a kind of party names that phrase's party.
_APPOSITIVE_BEFORE_EN = re.compile(
    r"\b(?:platform|app|application|service|browser|site|website|unit|company|firm|subsidiary|arm|network"
    r"|operator|marketplace|giant)\s*,\s*$")
_APPOSITIVE_AFTER_EN = re.compile(r"\s*(?:[,.;)]|$)")


def _appositives(text: str, sentence: tuple[int, int], parties: Sequence[Party],
                 actions: Sequence[tuple[int, int, str]], result: list[Governed]) -> None:
    """An appositive name with no verb of its own takes the verbs that govern the noun phrase it
    renames: the nearest run of them before that phrase in the sentence."""
    for party, governed in zip(parties, result, strict=True):
        # (a name after "X's news platform," reads as X's product, a host: as an appositive it is
        # the party the phrase names)
        if governed.actions or governed.speaker or governed.oblique \
                or not _APPOSITIVE_BEFORE_EN.search(text, max(sentence[0], party.start - 40), party.start) \
                or not _APPOSITIVE_AFTER_EN.match(text, party.end, sentence[1]):
            continue
        comma = text.rfind(",", max(sentence[0], party.start - 40), party.start)
        # the verb of the renamed phrase: in the clause that ends at the comma, a few words back
        before = [span for span in actions if sentence[0] <= span[0] and span[1] <= comma
                  and not re.search(r"[.;:,]", text[span[1]:comma])]
        run = _nearest_run(text, before)
        if run and comma - run[-1][1] <= 40:
            governed.host = False
            governed.actions.extend(run)
            governed.windows.append((run[0][0], party.end))
            governed.decided = True


# "ByteDance Pangolin SDK, Tencent Ads SDK and Kuaishou Advertising SDK had many problems": a
# name with a few words of its own, then a comma and the next name, is one item of a list.
_LIST_ITEM_GAP = re.compile(r"[\w\s()'’.&-]{0,40},\s*(?:and\s+)?|,?\s*(?:along|together)\s+with\s+")


# "…such as Sohu and iQiyi, as well as a major travel app Ctrip": the last item, after "as well
# as", is one more of the list before it.
_AS_WELL_AS = re.compile(r",?\s*(?:as\s+well\s+as|and\s+also)\s+(?:[\w-]+\s+){0,4}")


def _share_across_commas(text: str, parties: Sequence[Party], actions: Sequence[tuple[int, int, str]],
                         result: list[Governed]) -> None:
    for index in range(len(parties) - 1):
        governed, following = result[index], result[index + 1]
        if (following.actions or not governed.actions or not _takes_verbs(governed)
                or not _takes_verbs(following)):
            continue
        gap_start, gap_end = parties[index].end, parties[index + 1].start
        if _AS_WELL_AS.fullmatch(text, gap_start, gap_end) and not any(
                gap_start <= span[0] < gap_end for span in actions):
            following.actions.extend(governed.actions)
            following.windows.extend(governed.windows)
            following.decided = True
    for index in range(len(parties) - 2, -1, -1):
        governed, following = result[index], result[index + 1]
        if governed.actions or not following.actions or not _takes_verbs(governed) or not _takes_verbs(following):
            continue
        gap_start, gap_end = parties[index].end, parties[index + 1].start
        if not _LIST_ITEM_GAP.fullmatch(text, gap_start, gap_end) or any(
                gap_start <= span[0] < gap_end for span in actions):
            continue
        governed.actions.extend(following.actions)
        governed.windows.extend(following.windows)
        governed.decided = True


# "fined social media platform Weibo, short video app Kuaishou and e-commerce site Taobao": the
# items of a list each described by a few words of their own before the name.
_DESCRIBED_ITEM_GAP = re.compile(
    # (a short bracket, a stock ticker, may follow a name: "Kuaishou (1024.HK), Tencent's (0700.HK) …")
    r"(?:\s*\([^()\n]{1,12}\))?"
    # (and an aside naming the item's owner: "Sina Weibo, partly owned by Alibaba, and …")
    r"(?:\s*,\s*(?:[\w-]+\s+)?(?:owned|run|operated|backed|controlled)\s+by\s+[^,.;()\n]{1,40})?"
    r"(?:\s*,\s*(?:and\s+)?|\s+and\s+)"
    r"(?:(?!(?:which|who|that|whose|said|says|owned|run|by|of|from|with|to|for|in|on|at|as|is|are|was|were|has"
    r"|have|had|its|their|his|her|it|they|but|or)\b)[\w'’-]+\s+|\([^()\n]{1,12}\)\s+){0,5}")
_BY_OWNER_BEFORE = re.compile(r"(?:owned|run|operated|backed|controlled)\s+by\s+$")
_AND_AFTER = re.compile(r"\s*,?\s+and\s+")


def _share_over_described_items(text: str, parties: Sequence[Party], actions: Sequence[tuple[int, int, str]],
                                result: list[Governed]) -> None:
    """Items of a list closed by "and", split by the commas of their descriptions into clauses
    of their own, share the verb said before the list or after it."""
    # An owner named in an item's description ("Tencent's messaging tool QQ") is part of it.
    items = [index for index, party in enumerate(parties) if not _POSSESSOR_EN.match(text, party.end)
             and not _BY_OWNER_BEFORE.search(text, max(0, party.start - 16), party.start)]
    index = 0
    while index < len(items) - 1:
        end = index
        while end + 1 < len(items) and _DESCRIBED_ITEM_GAP.fullmatch(
                text, parties[items[end]].end, parties[items[end + 1]].start):
            end += 1
        run = items[index:end + 1]
        index = end + 1
        # closed by "and" before its last name, or after it ("…, Taobao and others were removed")
        if len(run) < 2 or (" and " not in text[parties[run[-2]].end:parties[run[-1]].end] + " "
                            and not _AND_AFTER.match(text, parties[run[-1]].end)):
            continue
        if any(parties[run[0]].start <= span[0] < parties[run[-1]].end for span in actions):
            continue
        first, last = result[run[0]], result[run[-1]]
        if first.actions and all(span[1] <= parties[run[0]].start for span in first.actions):
            donor = first
        elif last.actions and all(span[0] >= parties[run[-1]].end for span in last.actions):
            donor = last
        else:
            continue
        for member in run:
            governed = result[member]
            if not governed.actions and _takes_verbs(governed):
                governed.actions.extend(donor.actions)
                governed.windows.extend(donor.windows)
                governed.decided = True


def _takes_verbs(governed: Governed) -> bool:
    return not governed.host and not governed.speaker and not governed.oblique


def _own_clause(
    text: str,
    clause_start: int,
    clause_end: int,
    members: list[int],
    parties: Sequence[Party],
    in_clause: list[tuple[int, int, str]],
    result: list[Governed],
    language: str,
) -> list[int]:
    """Give each party of one clause the verbs of its own stretch; return the parties later
    nameless clauses speak of."""
    first = parties[members[0]]
    leading = _nearest_run(text, [span for span in in_clause if span[1] <= first.start])
    open_members: list[int] = []
    for position, member in enumerate(members):
        party = parties[member]
        governed = result[member]
        if governed.oblique and not governed.host and not governed.speaker:
            # "settling with social media giant X for $150 million in penalties": a name in a
            # prepositional phrase takes the verbs that follow it in its clause, none before.
            # "abused its dominance in the Android ecosystem and levied a penalty on the company":
            # a verb coordinated after the phrase, with a target of its own, is not the name's.
            after = [span for span in in_clause if span[0] >= party.end and not any(
                parties[other].start <= span[0] for other in members[position + 1:])
                and not (language == "en" and _CONNECTOR.search(text, party.end, span[0])
                         and _OWN_TARGET_EN.match(text, span[1]))]
            if after:
                governed.actions.extend(after)
                governed.windows.append((party.end, clause_end))
                governed.decided = True
            continue
        if not _takes_verbs(governed) or _in_aside(text, party):
            continue
        # The target of the party's deal (A收购B股权案处以罚款) ends no stretch: A's verbs follow it.
        later = [other for other in members[position + 1:]
                 if not _in_aside(text, parties[other]) and not (language == "zh" and (
                     _DEAL_TARGET.search(text, max(0, parties[other].start - 4), parties[other].start)
                     or _DESCRIBING_ZH.match(text, parties[other].end)
                     # “A”微信公众号运营主体: the platform hosting the account the name names
                     or (result[other].host and _NAME_THEN_HOST_ZH.fullmatch(
                         text, parties[members[members.index(other) - 1]].end, parties[other].start))))
                 and not (language == "en" and _BRANDS_IN_BRACKETS.search(
                     text, max(0, parties[other].start - 32), parties[other].start))]
        if later:
            following = parties[later[0]]
            divider = _CONNECTOR.search(text, party.end, following.start)
            stretch_end = divider.start() if divider else following.start
        else:
            stretch_end = clause_end
        previous_end = parties[members[position - 1]].end if position > 0 else clause_start
        if position > 0:
            after_divider = _last_connector(text, previous_end, party.start)
            stretch_start = after_divider if after_divider is not None else previous_end
        else:
            stretch_start = clause_start
        own = [span for span in in_clause if party.start <= span[0] and span[1] <= stretch_end]
        own = _nearest_run(text, [span for span in in_clause
                                  if stretch_start <= span[0] and span[1] <= party.start]) + own
        if not own:
            own = leading
        if own:
            governed.actions.extend(own)
            governed.windows.append((stretch_start, stretch_end))
            governed.decided = True
        else:
            governed.windows.append((party.end, stretch_end))
        open_members.append(member)
    # Names coordinated before one verb (微信公众号“A”及抖音等平台的“B”账号已被关闭) share it.
    for position in range(len(open_members) - 2, -1, -1):
        member, following_member = open_members[position], open_members[position + 1]
        if not result[member].actions and result[following_member].actions and (_CONNECTOR.search(
                text, parties[member].end, parties[following_member].start)
                or _ENUMERATED.fullmatch(text, parties[member].end, parties[following_member].start)):
            result[member].actions.extend(result[following_member].actions)
            result[member].windows.extend(result[following_member].windows)
            result[member].decided = True
    # Later nameless clauses speak of the last party named (and of the list it ends); when the
    # clause gave none of its names a verb, of all of them (“A”、“B”及百家号“C”等，…，相关账号已被禁言).
    last = [member for member in open_members if member == members[-1]] or open_members[-1:]
    if not last or result[last[0]].speaker:
        return []
    if not result[last[0]].actions:
        return [member for member in open_members if not result[member].actions]
    return last


# 晴天投资(有限合伙企业,为小鹿集团股东)、…等四家公司被罚, "Mi Video Call (Xiaomi), SHAREit": a
# name in a bracketed aside on the name before it takes no verb and ends no one's stretch.
_ASIDE_OPEN_BEFORE = re.compile(r"[(（][^()（）\n]{0,12}$")
_ASIDE_CLOSE_AFTER = re.compile(r"[^()（）\n]{0,12}[)）]")


def _in_aside(text: str, party: Party) -> bool:
    return bool(_ASIDE_OPEN_BEFORE.search(text, max(0, party.start - 13), party.start)
                and _ASIDE_CLOSE_AFTER.match(text, party.end)
                # 某某科技有限公司（“某某团”运营主体）: the platform the company before runs is
                # what the company is acted on for.
                and not _RUN_BY_THE_NAME_BEFORE.match(text, party.end))


_RUN_BY_THE_NAME_BEFORE = re.compile(r"[”」』\"]?\s*(?:的|平台)?\s*(?:运营主体|运营方|运营者|运营商|运营公司|经营者|主体|\s*operator)")


_RUN_GAP = re.compile(r"[\s、,，和及与并]*(?:and\s+|or\s+)?")


def _nearest_run(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The verbs nearest a name, as one run (约谈、警告并罚款), not every verb earlier in its
    clause ("said in the notification that it had removed …")."""
    if not spans:
        return spans
    start = len(spans) - 1
    while start > 0 and _RUN_GAP.fullmatch(text, spans[start - 1][1], spans[start][0]):
        start -= 1
    return spans[start:]


def _last_connector(text: str, start: int, end: int) -> int | None:
    position = None
    for match in _CONNECTOR.finditer(text, start, end):
        position = match.end()
    return position


def collective(text: str, start: int, end: int, language: str) -> bool:
    """Whether ``text[start:end]`` (a clause or a sentence) speaks of a party that is no name:
    对相关网站平台, "other platforms", a count (关闭网站1.2万家)."""
    pattern = _COLLECTIVE_ZH if language == "zh" else _COLLECTIVE_EN
    return any(pattern.search(text[clause_start:clause_end]) for clause_start, clause_end in _clauses(text, start, end))


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    bounds = [start, *[b + 1 for b in _clause_breaks(text, start, end)], end]
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1) if bounds[i + 1] > bounds[i]]


_COUNT_OF_THEM = compile_scan(r"(?:这|上述|该)?(\d+|[两二三四五六七八九十])\s*(?:家|款|个)")
_CHINESE_DIGITS = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _counts_them(text: str, start: int, end: int, parties: Sequence[Party]) -> bool:
    """Whether the clause counts exactly the names listed before it (4家金融机构 after four names)."""
    count = _COUNT_OF_THEM.search(text, start, end)
    if count is None:
        return False
    number = _number(count.group(1))
    names = sum(1 + len(re.findall(r"、|和|及|与", text[party.start:party.end])) for party in parties)
    if number == names:
        return True
    # “A”“B”等3家平台…，责令3家平台整改: the count the list was given, whatever names it left
    # out, counts the same list again.
    listed = _LIST_COUNT.match(text, parties[-1].end)
    return listed is not None and count.start() > listed.end() and _number(listed.group(1)) == number


# The count a list of names is given straight after its last name (等3家, 3家属地, 等五款).
# Quoted names the list goes on with that were not found as names (“A”“B”“C”3家) stand
# between them.
_LIST_COUNT = re.compile(r"[”」』\"]?(?:[、，,]?\s*[“「『\"][^”」』\"“「『，,。；;\n]{1,16}[”」』\"])*"
                         r"\s*等?\s*(\d+|[两二三四五六七八九十])\s*(?:家|款|个)")


def _number(written: str) -> int:
    return int(written) if written.isdigit() else _CHINESE_DIGITS.get(written, 0)


def _collective(text: str, start: int, end: int, language: str) -> bool:
    pattern = _COLLECTIVE_ZH if language == "zh" else _COLLECTIVE_EN
    return pattern.search(text[start:end]) is not None


def _is_speaker(text: str, party: Party, language: str) -> bool:
    if language == "zh":
        return _SPEAKER_ZH.match(text, party.end, party.end + 12) is not None
    return _SPEAKER_EN.match(text, party.end, party.end + 40) is not None


def _is_host(text: str, party: Party, language: str) -> bool:
    if language == "zh":
        if _HOST_AFTER_ZH.match(text, party.end, party.end + 16) or _DESCRIBING_ZH.match(text, party.end):
            return True
        if _CLOSING_HOST_ZH.match(text, party.end, party.end + 24) \
                and not _ORDERED_BEFORE_ZH.search(text, max(0, party.start - 4), party.start):
            return True
        return _HOST_BEFORE_ZH.search(text[max(0, party.start - 4):party.start]) is not None
    # English products are read from the words before (_product_of), what it hosts after it.
    return _HOST_AFTER_EN.match(text, party.end, party.end + 40) is not None
