"""The company each figure is about: a fine's amount belongs to the platform its sentence fines.

Counts of websites, apps or accounts are aggregates (``party`` stays ``None``); a money figure
belongs to the fined platform nearest before it in its sentence ("Apple was fined €500 million
and Meta €200 million"), else the first after it when the words between point to it ("a €746m fine imposed on Amazon"),
else the nearest either side, else the last fined platform before it in its paragraph ("The
company also must pay…"), else the notice's only fined platform.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise

from diffing.figures import Figure
from diffing.fined_amounts import RESPECTIVELY
from diffing.platforms import PlatformMention
from diffing.registry import builtin_registry
from diffing.scans import compile_scan
from diffing.text import PreparedText

__all__ = ["with_parties"]

_FINES = frozenset({"fined", "fine_proposed"})
# The words between an amount and the platform it is imposed on ("€746m imposed on Amazon",
# "60 million euros against the company Facebook", 罚款…对).
_POINTS_ON = re.compile(
    r"[^.;。；]{0,30}?\b(?:imposed\s+on|on|against|for\s+the\s+company|handed\s+to|to)\s+(?:the\s+company\s+)?",
    re.IGNORECASE,
)


# An amount followed by "for" and a name: the name is the amount's party.
_FOR_PARTY = re.compile(r"\s*(?:each\s+)?for\s+(?:the\s+company\s+)?")


_EACH_OF_MANY = re.compile(
    r"(?:涉案|违规|违法|相关|上述|每案涉及的?|每家)(?:违规|违法)?(?:企业|经营者|公司|当事人|主体)[^，。；]{0,6}(?:各|均|分别)"
    r"|(?:各|均)被?(?:处以|处|罚款|罚)[^，。；]{0,8}$"
    r"|\beach\s+(?:of\s+the\s+)?(?:companies|firms|parties|undertakings|company|firm)\b[^.;]{0,30}$"
    # "Each was fined 500,000 yuan", "each of them received a fine of…": the subject is each one
    r"|\beach\s+(?:of\s+them\s+)?(?:was|were|has\s+been|received|got)\b[^.;]{0,30}$"
)


# "fines of 500,000 yuan each", "50万元/家": the amount each of several parties paid.
_EACH_AFTER = re.compile(r"\s*(?:[(（][^()（）]{1,30}[)）]\s*)?(?:each|apiece|a\s+piece|per\s+(?:company|firm|platform|case))\b")


def with_parties(prepared: PreparedText, figures: Sequence[Figure],
                 mentions: Sequence[PlatformMention]) -> list[Figure]:
    """``figures`` with ``party`` set: the platform's registry id, or its name as written when
    the registry does not know it. Pure; figures without a party are returned unchanged."""
    fined = [mention for mention in mentions if _FINES.intersection(mention.actions)]
    only = {_party(mention) for mention in fined}
    if not only:
        # No platform is said to be fined in so many words ("the third fine, of Rs 936 crore,
        # …"): a notice about one platform fines that one.
        only = {_party(mention) for mention in mentions}
    owners = _owners(prepared, mentions, fined) | _operated(prepared, mentions)
    only = {owners.get(party, party) for party in only}
    sole = only.pop() if len(only) == 1 else None
    result = []
    defined = "当事人" in prepared.text and _DEFINED_PARTY.search(prepared.text) is not None
    headed = "当事人" in prepared.text and "\n" in prepared.text
    respective = _respective(prepared, figures, fined)
    for figure in figures:
        if figure.currency is None:
            result.append(figure)
            continue
        if (figure.start, figure.end) in respective:
            result.append(replace(figure, party=respective[figure.start, figure.end]))
            continue
        position = prepared.offsets.to_converted(figure.start)
        before = prepared.text[max(0, position - 40):position]
        each = (("各" in before or "均" in before or "分别" in before or "each" in before) and _EACH_OF_MANY.search(
                prepared.text, max(prepared.sentence_at(position)[0], position - 40), position)) or (
                _EACH_AFTER.match(prepared.text, prepared.offsets.to_converted(figure.end)))
        if each or "分别" in before or "各" in before[-12:] or figure.other_spans:
            listed = _coordinated_parties(prepared, figure, figures, mentions)
            if len(listed) > 1:
                # A对A、B和C各处50万元罚款, "fined A, B and C 500,000 yuan each": one fine per party.
                result.extend(replace(figure, party=party) for party in listed)
                continue
        if each:
            result.append(figure)  # 违规企业各被处罚50万元: an amount each of many paid, no one party's
            continue
        if (_COMBINED.search(prepared.text, max(prepared.sentence_at(position)[0], position - 30),
                             prepared.offsets.to_converted(figure.end))
                or _SUM_OF_FINES.search(prepared.text, max(prepared.sentence_at(position)[0], position - 80),
                                    prepared.offsets.to_converted(figure.end))) \
                and _parties_in_sentence(prepared, figure, mentions) > 1:
            result.append(figure)  # "a combined fine of 100 billion won" on Google and Meta: no one party's
            continue
        party = (_party_in_sentence(prepared, figure, fined)
                 or _party_in_sentence(prepared, figure, mentions)
                 or (_party_defined(prepared, position) if defined else None)
                 or (_party_headed(prepared, position) if headed else None)
                 or _party_before(prepared, figure, fined)
                 or (None if fined else _party_before(prepared, figure, mentions)))
        party = owners.get(party, party) if party is not None else None
        if party is None:
            # One the amount's own clause names (判处袁某有期徒刑…并处罚金, 星河银行…遭罚) comes
            # before the notice's only platform, unless it only refers back (该公司).
            named = _party_the_clause_names(prepared, position)
            party = named if named is not None and (sole is None or not named.startswith(_REFERS_BACK)) else sole or named
        result.append(replace(figure, party=party))
    return result


# "a combined fine of", "together fined": one sum over several parties.
_COMBINED = compile_scan(r"\b(?:combined|joint)\s+(?:fines?|penalt(?:y|ies))\b"
                       r"|\b(?:together|jointly)\s+(?:fined|penali[sz]ed|ordered\s+to\s+pay)\b")


# What joins the names of a list (A、B和C; "A, B and C"), or an owner to its product ("Alibaba's
# Tmall"), and what may stand between the list and its amount (各罚, 处以, "500,000 yuan").
# (a name's own tail the registry's short name leaves out: 阿里巴巴投资, 丰巢网络, "JD.com Inc")
_NAME_TAIL = r"(?:投资|网络|科技|集团|控股|传媒|公司|,?\s*(?:inc|ltd|co|corp|group|holdings)\b\.?)?"
_LIST_JOIN = re.compile(_NAME_TAIL + r"\s*(?:[、,，]\s*(?:and\s+|以及|及|和|与)?|以及|及|和|与|and|&)\s*", re.IGNORECASE)
_OWNER_JOIN = re.compile(r"\s*(?:['’]s|旗下(?:的)?|的)\s*")
_LIST_TO_AMOUNT = re.compile(
    _NAME_TAIL + r"\s*(?:(?:依法|再|也|均|各|分别|一并|共)*(?:遭|被)?(?:(?:处以|处于|处|罚款|罚|开罚|裁罚|作出|给予|予以)[^，,。；;、]{0,6})?"
    r"|(?:a\s+fine\s+of\s+|fines\s+of\s+)?)\s*$", re.IGNORECASE)


def _coordinated_parties(prepared: PreparedText, figure: Figure, figures: Sequence[Figure],
                         mentions: Sequence[PlatformMention]) -> list[str]:
    """The parties of the list that an amount paid by each of them follows (对A、B和C分别处以
    50万元罚款, 甲及乙各罚240万元, "fined A, B and C 500,000 yuan each"), in their order, read at
    the figure's span or at a span repeating it (a headline's 各遭罚款 restated in the body); a
    product written as its owner's ("Alibaba's Tmall") stands for itself. Empty when no list of
    several names ends right before an amount said to be each one's."""
    for start, end in ((figure.start, figure.end), *figure.other_spans):
        position = prepared.offsets.to_converted(start)
        sentence_start = prepared.sentence_at(position)[0]
        before = prepared.text[max(sentence_start, position - 40):position]
        respective = RESPECTIVELY.search(before) is not None
        if respective and any(other.currency and other is not figure
                              and prepared.sentence_at(prepared.offsets.to_converted(other.start))[0] == sentence_start
                              for other in figures):
            continue  # 分别处以50万元、30万元: the amounts of _respective, one each
        if not (respective or "各" in before[-12:] or "each" in before
                or _EACH_AFTER.match(prepared.text, prepared.offsets.to_converted(end))):
            continue
        listed = _listed_before(prepared, start, mentions)
        if len(listed) > 1:
            return listed
    return []


def _listed_before(prepared: PreparedText, start: int, mentions: Sequence[PlatformMention]) -> list[str]:
    sentence = prepared.sentence_index(prepared.offsets.to_converted(start))
    before = [mention for mention in mentions if mention.end <= start
              and prepared.sentence_index(prepared.offsets.to_converted(mention.start)) == sentence]
    if len(before) < 2 or not _LIST_TO_AMOUNT.fullmatch(prepared.original, before[-1].end, start):
        return []
    listed = [before[-1]]
    edge = before[-1].start  # where the list item read last begins, its owner's name included
    for mention in reversed(before[:-1]):
        if mention.end > edge:
            continue  # a name inside another (a brand inside a legal name)
        if _OWNER_JOIN.fullmatch(prepared.original, mention.end, edge):
            edge = mention.start
            continue
        if not _LIST_JOIN.fullmatch(prepared.original, mention.end, edge):
            break
        listed.append(mention)
        edge = mention.start
    parties: list[str] = []
    for mention in reversed(listed):
        party = _party(mention)
        if party not in parties:
            parties.append(party)
    return parties


# "the amount of fines they have been ordered to pay", 罚款总额: the sum of several parties' fines
# where the sentence names several.
_SUM_OF_FINES = compile_scan(r"\b(?:total|sum|amount)\s+of\s+(?:the\s+|all\s+|their\s+)?(?:fines|penalties)\b"
                           r"|\btotal\s+(?:fines|penalties)\b|罚款(?:总额|总计|合计)")


def _parties_in_sentence(prepared: PreparedText, figure: Figure, mentions: Sequence[PlatformMention]) -> int:
    sentence = prepared.sentence_index(prepared.offsets.to_converted(figure.start))
    return len({_party(mention) for mention in mentions
                if prepared.sentence_index(prepared.offsets.to_converted(mention.start)) == sentence})


def _owners(prepared: PreparedText, mentions: Sequence[PlatformMention],
            fined: Sequence[PlatformMention]) -> dict[str, str]:
    """Products mapped to the company the notice names as their owner, which is the one fined:
    a product that is no business (an operating system) to its owner named anywhere
    in the notice (Android → Google), any other product only where the text writes it as the
    company's (Meta所營Facebook, "Meta's Instagram", Meta（Facebook、Instagram）). A subsidiary
    named as such ("its subsidiary YouTube") stays its own party."""
    platforms = builtin_registry().platforms
    companies = [mention for mention in [*fined, *mentions]
                 if mention.id in platforms and platforms[mention.id].kind == "company"]
    owners: dict[str, str] = {}
    for mention in mentions:
        product = platforms.get(mention.id) if mention.id else None
        if product is None or product.kind == "company" or product.parent is None or product.id in owners:
            continue
        for company in companies:
            assert company.id is not None
            if company.id != product.parent and platforms[company.id].parent != product.parent:
                continue
            if product.kind in _NO_BUSINESS or (
                    0 <= mention.start - company.end <= 24
                    and _OWNED_BY.fullmatch(prepared.original, company.end, mention.start)):
                owners[product.id] = company.id
                break
    return owners


# A platform and the company the text says runs it: "Douban's operating entity X", "X, the
# operator of Douban", 豆瓣的运营主体X. The platform the notice is about is the party.
_OPERATOR_AFTER = re.compile(
    r"\s*(?:['’]s|的)?\s*(?:operating\s+(?:entity|company)|operator|运营主体|运营方|运营公司|运营商|经营主体|營運主體|運營主體|營運商)"
    r"\s*(?:为|是|,)?\s*", re.IGNORECASE)
_OPERATOR_BEFORE = re.compile(r"\s*[,，(（]\s*(?:the\s+)?(?:operating\s+(?:entity|company)|operator)\s+(?:of|behind)\s+",
                              re.IGNORECASE)


def _operated(prepared: PreparedText, mentions: Sequence[PlatformMention]) -> dict[str, str]:
    """Operators mapped to the platform the text names them as running."""
    operated: dict[str, str] = {}
    for first, second in pairwise(mentions):
        if first.end > second.start or second.start - first.end > 40:
            continue
        if _OPERATOR_AFTER.fullmatch(prepared.original, first.end, second.start) and first.id is not None:
            operated.setdefault(_party(second), _party(first))
        elif _OPERATOR_BEFORE.fullmatch(prepared.original, first.end, second.start) and second.id is not None:
            operated.setdefault(_party(first), _party(second))
    return operated


_NO_BUSINESS = frozenset({"operating_system"})
# Between an owner and its product: 所营, 旗下, 的, "'s", or a bracket listing its products.
_OWNED_BY = re.compile(r"\s*(?:所[营營]的?|旗下(?:的)?|[运運经經]营的|的|['’]s|[(（][^()（）]{0,20}?)\s*")


def _respective(prepared: PreparedText, figures: Sequence[Figure],
                mentions: Sequence[PlatformMention]) -> dict[tuple[int, int], str]:
    """Parties of amounts given 分别/"respectively": the mentions whose amounts they are."""
    by_amount: dict[tuple[int, int], str] = {}
    if not any(RESPECTIVELY.search(figure.sentence) for figure in figures if figure.currency):
        return by_amount
    for figure in figures:
        if figure.currency is None or not RESPECTIVELY.search(figure.sentence):
            continue
        sentence = prepared.sentence_index(prepared.offsets.to_converted(figure.start))
        candidates = [
            mention for mention in mentions
            if mention.amount is not None and mention.amount.value == figure.value
            and prepared.sentence_index(prepared.offsets.to_converted(mention.start)) == sentence
        ]
        if len({_party(mention) for mention in candidates}) == 1:
            by_amount[figure.start, figure.end] = _party(candidates[0])
    return by_amount


def _party(mention: PlatformMention) -> str:
    """The registry id, else the name without its legal form ("Mondelēz International, Inc."
    is the party "Mondelēz International", 某电子商务有限公司 is 某电子商务): the form is written
    one way in one sentence and left out in the next."""
    if mention.id is not None:
        return mention.id
    stripped = _LEGAL_FORM.sub("", mention.name)
    return stripped if len(stripped) >= 2 else mention.name


_LEGAL_FORM = re.compile(
    r"(?:,?\s+(?:Co\.,?\s+Ltd\.?|Company\s+Limited|Limited|Ltd\.?|Inc\.?|Incorporated|LLC|L\.L\.C\.|LLP|plc|PLC|"
    r"GmbH|AG|SE|S\.A\.|SA|B\.V\.|N\.V\.|Corp\.?|Corporation))+$|(?:股份)?有限(?:责任)?公司$|有限(?:責任)?公司$"
)


def _party_in_sentence(prepared: PreparedText, figure: Figure,
                       mentions: Sequence[PlatformMention]) -> str | None:
    position = prepared.offsets.to_converted(figure.start)
    sentence = prepared.sentence_index(position)
    before: PlatformMention | None = None
    after: PlatformMention | None = None
    inside: PlatformMention | None = None
    for mention in mentions:
        if prepared.sentence_index(prepared.offsets.to_converted(mention.start)) != sentence:
            continue
        if figure.start <= mention.start and mention.end <= figure.end:
            # "fined Google €4.34 billion" spans its party; "fined Apple €5m and Meta €2m",
            # read for the second amount, spans both, and the last is the one before it.
            inside = mention
        elif mention.end <= figure.start:
            before = mention
        elif mention.start >= figure.end and after is None:
            after = mention
    if after is not None and _FOR_PARTY.fullmatch(prepared.original, figure.end, after.start):
        return _party(after)  # "€500 million for Apple and €200 million for Meta"
    if inside is not None:
        return _party(inside)
    if after is not None and _POINTS_ON.fullmatch(prepared.original[figure.end:after.start]):
        return _party(after)
    chosen = before or after
    return _party(chosen) if chosen is not None else None


def _party_before(prepared: PreparedText, figure: Figure,
                  mentions: Sequence[PlatformMention]) -> str | None:
    """The last fined platform before ``figure`` in its paragraph ("The company also must pay
    $34 million": the company named in the sentences before)."""
    paragraph = prepared.paragraph_index(prepared.offsets.to_converted(figure.start))
    last = None
    for mention in mentions:
        if mention.end > figure.start:
            break
        if prepared.paragraph_index(prepared.offsets.to_converted(mention.start)) == paragraph:
            last = mention
    return _party(last) if last is not None else None


# The one a Chinese clause fines, when the registry knows no name in it: the subject of 遭罚/被罚
# (台新银行因催收作业异常遭罚600万元, the clause opening on a connective or a list's lead), or
# the object of 对…处以 (对该学校处以罚款一万元).
_SUBJECT_FINED = re.compile(
    r"(?:^|[，,。；;：:、\s]|以及|包括|依序为|其次为|主因是|其中|及|和)"
    r"(?P<name>[\u4e00-\u9fff][\u4e00-\u9fffA-Za-z]{1,15}?)(?:因[^，,。；;：:、]{1,40}?)?"
    r"(?:遭|被)(?:重罚|裁罚|开罚|罚款|罚|处罚|处以|处)?\s*$")
_VERB_LEAD = re.compile(r"(?:遭|被)?(?:重罚|裁罚|开罚|罚款|罚|处罚|处以|处)?")
_LEADING_CONNECTIVE = re.compile(r"^(?:[^，,。；;]*?(?:以及|包括|依序为|其次为|主因是|其中)|及|和|与)")
_OBJECT_FINED = re.compile(
    r"对(?P<name>[\u4e00-\u9fff][\u4e00-\u9fffA-Za-z]{1,19}?)(?:依法|依规|顶格|从重|从轻|分别|一并|再次|共)*"
    r"(?:处以|作出|做出|给予|予以|处)[^，,。；;]{0,8}$")
_REFERS_BACK = ("该", "此", "其", "上述", "涉事", "这", "那")
# A common noun is no one's name (一间公司被罚款, 有关个案已被罚款), nor is an adverb part of one.
_GENERIC_NOUN = re.compile(r"(?:有关|相关|涉事|一间|一家|一名|某)?(?:个案|案件|公司|企业|机构|商户|商家|平台|网站|个人|人士)")
_TRAILING_ADVERB = re.compile(r"(?:已经?|曾经?|也|亦|均|都|又|还|再)$")
# A criminal fine (罚金) belongs to the one its sentence sentences, named anywhere before it in the
# sentence: the object of 判处 (判处袁某有期徒刑3年并处罚金80万元; 判处被告人袁某有期徒刑三年，缓刑
# 四年，并处罚金) or the subject sentenced for a crime (袁某因诈骗罪被判处有期徒刑二年，并处罚金), a
# prison term and its commas between.
_SENTENCED_NAMED = re.compile(
    r"判处(?:被告人)?(?P<object>[\u4e00-\u9fff]{2,4}?)(?:等人)?(?=有期徒刑|拘役|管制|罚金)"
    r"|(?:^|(?<=[，,。；;：:\s]))(?:被告人)?(?P<subject>[\u4e00-\u9fff]{2,4}?)(?:因|犯)[^，,。；;]{0,30}?罪"
    r"[^。；;]{0,20}?判处")
# Roles, not names: whoever plays them is no party (对组织者处罚, 对当事人处以).
_ROLE_NOUNS = frozenset({"当事人", "组织者", "经营者", "行为人", "违法行为人", "违法者", "责任人", "相关责任人", "其"})


# A case write-up names its party once and calls it 当事人 after: "X公司（以下简称当事人）".
_DEFINED_PARTY = re.compile(
    r"(?:^|(?<=[，,。；;：:\s]))(?P<name>[\u4e00-\u9fffA-Za-z0-9]{2,40}?)\s*[（(]\s*以下简称\s*[“\"「]?当事人[”\"」]?\s*[）)]")


def _party_defined(prepared: PreparedText, position: int) -> str | None:
    """The party a case write-up defined as 当事人, for an amount whose sentence names 当事人:
    the nearest definition before it (each case of a list defines its own)."""
    sentence_start, _ = prepared.sentence_at(position)
    if prepared.text.find("当事人", sentence_start, position) == -1:
        return None
    last = None
    for match in _DEFINED_PARTY.finditer(prepared.text, 0, position):
        last = match
    if last is None:
        return None
    name = _LEGAL_FORM.sub("", last.group("name"))
    return name if len(name) >= 2 else last.group("name")


# A case write-up headed by its party's name on a line of its own (宜家(中国)投资有限公司 / 发布虚假广告案 /
# 当事人在…), a list of such cases each under its own heading.
_HEADING_PARTY = re.compile(
    r"^[ \t]*(?P<name>[\u4e00-\u9fffA-Za-z0-9()（）]{2,40}?(?:有限责任公司|有限公司|公司|商行|经营部|工作室))[ \t]*$",
    re.MULTILINE)


def _party_headed(prepared: PreparedText, position: int) -> str | None:
    """The company whose name heads the case an amount's sentence calls 当事人: the last such
    heading line before it."""
    sentence_start, _ = prepared.sentence_at(position)
    if prepared.text.find("当事人", sentence_start, position) == -1:
        return None
    last = None
    for match in _HEADING_PARTY.finditer(prepared.text, 0, sentence_start):
        last = match
    if last is None:
        return None
    name = _LEGAL_FORM.sub("", prepared.original_text(*last.span("name")))
    return name if len(name) >= 2 else None


def _party_the_clause_names(prepared: PreparedText, position: int) -> str | None:
    if position <= 0 or not ("罚" in prepared.text or "处" in prepared.text):
        return None
    sentence_start = prepared.sentence_at(position)[0]
    start = max(sentence_start, position - 60)
    # (the figure's span may open on the verb: 被罚款60万元)
    lead = _VERB_LEAD.match(prepared.text, position)
    end = lead.end() if lead else position
    read = _SUBJECT_FINED.search(prepared.text, start, end) or _OBJECT_FINED.search(prepared.text, start, end)
    if read is None:
        return _party_sentenced(prepared, sentence_start, end)
    name = _LEGAL_FORM.sub("", _LEADING_CONNECTIVE.sub("", read.group("name")))
    name = _TRAILING_ADVERB.sub("", name)
    return name if len(name) >= 2 and name not in _ROLE_NOUNS and not _GENERIC_NOUN.fullmatch(name) else None


def _party_sentenced(prepared: PreparedText, sentence_start: int, end: int) -> str | None:
    """The one a court's sentence sentences, for a criminal fine (罚金) at ``end``: the last named
    before it in the sentence, or ``None``."""
    # (the figure's span may open on the verb: 并处罚金90万元)
    if "罚金" not in prepared.text[max(sentence_start, end - 6):end + 6]:
        return None
    last = None
    for match in _SENTENCED_NAMED.finditer(prepared.text, sentence_start, end):
        last = match
    if last is None:
        return None
    name = last.group("object") or last.group("subject")
    return name if name not in _ROLE_NOUNS else None
