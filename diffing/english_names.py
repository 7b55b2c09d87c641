"""Names the registry does not know, in English: apps in lists, companies by their legal forms and
capitals, and the names a governing verb lists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from diffing.found import Found
from diffing.scans import compile_alternatives, compile_scan
from diffing.text import PreparedText

# English reports of MIIT lists name apps without quotes: "three apps -- A, B and C",
# "41 apps including A, B and C", "E-school of Tianjin Yuhua Education" (app of its developer).
_EN_NAME = r"[A-Z0-9][\w.-]*(?:\s+[A-Za-z0-9][\w.-]*){0,3}?"


_EN_ITEM = rf"{_EN_NAME}(?:\s+(?:of|under)\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*){{0,4}})?"


_EN_APP_LIST = compile_scan(
    rf"\b(?:apps?\s*(?:--|—|–|:|\()|including|such\s+as|[Aa]mong\s+them|[Aa]mong\s+(?:the\s+)?(?:[\w-]+\s+){{0,4}}?(?:were|are))\s*((?:{_EN_ITEM})(?:\s*,\s*(?:{_EN_ITEM}))*"
    rf"(?:\s*,?\s+and\s+(?:{_EN_ITEM}))?)(?=\s*(?:[,.;)]|$|--|—|–|\s+which|\s+were|\s+was))"
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


_EN_APP_OF_DEVELOPER = compile_scan(
    r"(?<![\w.-])([A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2})\s+(?:of|under)\s+"
    r"(?:(?:[A-Z][\w]*\s+){1,4}(?:Education|Technology|Technologies|Tech|Network|Networks|Information|"
    rf"Culture|Media|Software|Co|Ltd|Inc|Group)\b|(?:{_CHINESE_PLACES})\s+[A-Z][\w]+)"
)


_EN_NOT_APP = re.compile(r"^(?:The|A|An|Some|Other|Apps?|Ministry|MIIT|China|Chinese|Users?)$")
# "including Chinese ones", "such as foreign apps": where the apps are from or how many, said of a
# kind in lower-case words, not a name.
_EN_KIND_OF_APP = re.compile(
    r"^(?:Chinese|Indian|American|Russian|Korean|Japanese|Foreign|Domestic|Local|Overseas|Offshore|Other|"
    r"Several|Many|Most|Such|Similar|Popular|Major|Some|All|Both)(?:\s+[a-z][\w-]*)*$")
# "… including Chinese. They were …": a full stop and a space end the sentence, and the name.
_EN_SENTENCE_STOP_IN_NAME = re.compile(r"\.\s")


def english_app_names(prepared: PreparedText, known: Sequence[Found], language: str) -> list[Found]:
    """Unquoted app names of English reports (see the patterns above), as apps the registry
    does not know; names the registry knows keep their registry mention."""
    if language != "en" or "app" not in prepared.text:
        return []
    original = prepared.original
    taken = [(item.start, item.end) for item in known]
    found: list[Found] = []

    def add(start: int, end: int, tail: int) -> None:
        stop = _EN_SENTENCE_STOP_IN_NAME.search(original, start, end)
        if stop is not None:
            end = stop.start()
        while end > start + 1 and original[end - 1] == ".":
            end -= 1  # "…, KleptoDogs and NomNoms." ends the sentence, not the name
        converted_start = prepared.offsets.to_converted(start)
        converted_end = prepared.offsets.to_converted(end)
        if _EN_NOT_APP.match(original[start:end]) or _EN_KIND_OF_APP.match(original[start:end]) \
                or _EN_PUBLIC_BODY.search(original, start, end) or any(
                a < converted_end and converted_start < b for a, b in taken):
            return
        taken.append((converted_start, converted_end))
        found.append(Found(converted_start, converted_end, None, "app", prepared.offsets.to_converted(tail)))

    for match in _EN_APP_LIST.finditer(original):
        sentence_start, _ = prepared.sentence_at(prepared.offsets.to_converted(match.start()))
        if "app" not in prepared.text[sentence_start:prepared.offsets.to_converted(match.start(1))]:
            continue  # "including A, B" names apps only where the sentence speaks of apps
        for item in _EN_LIST_ITEM.finditer(match.group(1)):
            add(match.start(1) + item.start(1), match.start(1) + item.end(1), match.start(1) + item.end())
    for match in _EN_APP_OF_DEVELOPER.finditer(original):
        add(match.start(1), match.end(1), match.end())
    return found


# A company's registered name in English: capitalised words ending in a legal form ("Hamilton
# Digital Solutions Limited", "Mondelēz International, Inc.", "Acme Widgets GmbH"). The form
# is part of the name as written; a registry name inside it is the registry's mention.
_EN_LEGAL_FORM = (
    r"(?:Co\.?,?\s+Ltd\.?|Company\s+Limited|Unlimited\s+Company|Pty\.?\s+Ltd\.?|Limited|Ltd\.?|Inc\.?|"
    r"Incorporated|Corporation|Corp\.?|L\.?L\.?C\.?|LLP|[Pp]lc|PLC|GmbH|AG|S\.?A\.?S?\.?|S\.p\.A\.|SpA|"
    r"B\.V\.|BV|N\.V\.|NV|S\.à\s?r\.l\.|SARL|Sp\.\s?z\s?o\.o\.|A/S|AB|Oy|KK)"
)


# Lower-case words inside registered names: English, French, Spanish, Italian, Dutch, German and
# Turkish joiners ("Google Reklamcılık ve Pazarlama Ltd", "Banco Bilbao y Asociados SA").
_EN_CAPITALISED = r"(?:[A-Z0-9][\w&'’.-]*|&|of|and|de|du|la|ve|y|et|und|del|della|di|van|von|der)"


# A legal form somewhere in the text: the only texts the legal-name pattern is run over.
_EN_LEGAL_HINT = compile_alternatives(
    r"(?=[LICPpGASBNOK])\b(?:Ltd|Limited|Inc|Incorporated|Corporation|Corp|LLC|L\.L\.C|LLP|[Pp]lc|PLC|GmbH|AG|SE|SA|S\.A|SpA|S\.p\.A|"
    r"BV|B\.V|NV|N\.V|SARL|S\.à|Sp\.|A/S|AB|Oy|KK|Company)\b"
)


_SENTENCE_END_INSIDE = re.compile(r"[a-z]{4}\.\s")


_SENTENCE_AFTER = re.compile(r"\s*$|\s*\n|\s+[A-Z“\"]")


_EN_LEGAL_NAME = re.compile(
    rf"(?<![\w.])((?:[A-Z][\w&'’.-]*)(?:\s+{_EN_CAPITALISED}){{0,5}}?(?:\s+\([A-Z][^()\n]{{0,30}}\))?),?\s+{_EN_LEGAL_FORM}(?![\w])"
)


# Words that start a sentence or a phrase, not a company's name ("Yesterday Acme Ltd was…").
_EN_NOT_NAME_START = frozenset({
    "The", "A", "An", "And", "But", "Or", "On", "In", "At", "By", "For", "From", "With", "Today",
    "Yesterday", "Meanwhile", "However", "Last", "This", "That", "These", "Both", "Its", "Their",
    "When", "While", "After", "Before", "Under", "Against", "As", "If", "UK", "US", "EU", "ICO",
    "FTC", "DPC", "CNIL", "Commission", "Information", "Commissioner", "Regulator",
})


# "the New York AG", "Attorney General SA": a public body, not a company.
_EN_PUBLIC_BODY = re.compile(
    r"\b(?:York|State|Attorney|General|Department|Office|Court|Commission|Commissioner|Authority|Ministry|"
    r"Agency|Government|Council|Parliament|Tribunal|Regulator|Bureau|Administration|Service|"
    r"Act|Article|Section|Chapter|Regulation|Regulations|Directive|Law|Rule|Rules|Code|Treaty|Convention)\b"
)


# A company introduced by what it is ("app developer HyperBeard", "a mobile game publisher named
# Tinyco", "Two app developers – LAI Systems and Retro Dreamer –", "business review Yelp!"): one
# to three capitalised words after the noun.
_EN_ROLE_NOUN = compile_scan(
    r"\b(?:developers?|publishers?|compan(?:y|ies)|firms?|makers?|operators?|start-?ups?|retailers?|"
    r"providers?|brokers?|marketers?|vendors?|sellers?|manufacturers?|businesses|platforms?|aggregators?|"
    r"apps?|marketplaces?|giants?)"
    r"(?:\s+(?:named|called|known\s+as))?\s*(?P<opens>[–—:(-]\s*)?(?=[A-Z])"
)


_EN_OPENED_LIST_MOST = 12


_EN_PROPER = r"[A-Z][\w'’!&.-]*(?:\s+(?:[A-Z][\w'’!&.-]*|\d{1,2}(?![\d,.])))*"


_EN_PROPER_NAME = re.compile(_EN_PROPER)


_EN_PROPER_LIST = re.compile(rf"({_EN_PROPER})(?:\s*,\s*|\s+and\s+|\s*$)")


_EN_ADVISER = re.compile(
    r"\b(?:law|legal|consult(?:ing|ancy)|research|accounting|audit|pr|public\s+relations|advisory|"
    r"investment|analyst|security|cybersecurity|data)\s+$",
    re.IGNORECASE,
)


# The name a registered company trades under ("… Limited t/a Brand New Tube", "trading as …").
_EN_TRADING_AS = re.compile(r"\s+(?:t/a|T/A|trading\s+as)\s+((?:[A-Z0-9][\w'’&.-]*)(?:\s+[A-Z0-9][\w'’&.-]*){0,4})")


def english_company_names(prepared: PreparedText, known: Sequence[Found], language: str) -> list[Found]:
    """Registered company names of English text (see ``_EN_LEGAL_NAME``) that no registry name
    overlaps, as companies the registry does not know."""
    if language != "en":
        return []
    original = prepared.original
    found: list[Found] = []
    for match in _EN_LEGAL_NAME.finditer(original) if _EN_LEGAL_HINT.search(original) else ():
        start, end = match.start(1), match.end()
        if _SENTENCE_END_INSIDE.search(original, start, match.end(1) + 1):
            continue  # "… into Belgium. AB InBev is": a sentence ends before the legal form
        if original[end - 1] == "." and _SENTENCE_AFTER.match(original, end):
            end -= 1  # "… to Easylife Ltd." ends the sentence: the stop is not the name's
        words = original[start:match.end(1)].split()
        while words and (words[0] in _EN_NOT_NAME_START or words[0].endswith(("-based", "'s", "’s"))):
            start = original.index(words[1], start + len(words[0])) if len(words) > 1 else end
            words = words[1:]
        if not words or not words[0][:1].isupper() or _EN_PUBLIC_BODY.search(original, start, end):
            continue
        trading = _EN_TRADING_AS.match(original, end)
        if trading is not None:
            start, end = trading.span(1)  # "My Media World Limited t/a Brand New Tube": the service
        converted_start = prepared.offsets.to_converted(start)
        converted_end = prepared.offsets.to_converted(end)
        overlapping = [item for item in known if item.start < converted_end and converted_start < item.end]
        if len(overlapping) == 1 and overlapping[0].id is not None and overlapping[0].start == converted_start \
                and overlapping[0].end <= converted_end and trading is None:
            # "Intime Retail (Group) Co Ltd": the registered name a registry name begins is that
            # platform's mention, the whole name as written (as 阿里巴巴投资有限公司 is in Chinese)
            overlapping[0].end = converted_end
            continue
        if overlapping:
            continue
        found.append(Found(converted_start, converted_end, None, "company"))
    for noun in _EN_ROLE_NOUN.finditer(original):
        if _EN_ADVISER.search(original, max(0, noun.start() - 24), noun.start()):
            continue  # "law firm Merits & Tree": an adviser quoted, not a party
        position = noun.end()
        # a list the noun opens with a colon, a dash or a bracket names all its members ("four
        # rival platforms: A, B, C and D"); else a name or a few follow the noun
        for _ in range(_EN_OPENED_LIST_MOST if noun.group("opens") else 3):
            name = _EN_PROPER_NAME.match(original, position)
            if name is None:
                break
            start, end = name.start(), name.end()
            # a full stop after an initial ("S.F. Holding") is the name's
            stop = re.search(r"(?:(?<=[a-z0-9'’)])|(?<=[A-Z]{2}))[.!?]\s", original[start:end])
            if stop is not None:
                end = start + stop.start() + (1 if original[start + stop.start()] == "!" else 0)
            while end > start and original[end - 1] in ".’'":
                end -= 1  # a sentence's full stop, not the name's
            words = original[start:end].split()
            if len(words) > 4 or words[0] in _EN_NOT_NAME_START or _EN_PUBLIC_BODY.search(original, start, end) \
                    or end - start < 2:
                break  # "company A" is anonymised, not named
            converted_start = prepared.offsets.to_converted(start)
            converted_end = prepared.offsets.to_converted(end)
            if not any(item.start < converted_end and converted_start < item.end for item in [*known, *found]):
                found.append(Found(converted_start, converted_end, None, "company"))
            following = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?=[A-Z])").match(original, name.end())
            if following is None:
                break
            position = following.end()
    return found


# Names an English enforcement verb governs, written without any mark: the object of "fined",
# "imposed on", "against"; the subject of "was fined"; the parties "found that … breached". A
# name is one to six capitalised words (with of, de, &, an apostrophe or a hyphen inside), a
# list is names joined by commas and "and", each maybe followed by a bracket ("RBS (now NatWest)").
_EN_CAP_WORD = r"(?:[A-Z][\w'’&.-]*[\w'’]|[A-Z])"


# Space inside a name or a list: a line may wrap, a paragraph (a blank line) ends them both
# ("… fines X\n\nSteve Peers, Professor of Law" is a headline, then a byline).
_EN_SPACE = r"(?:[^\S\n]|\n(?![^\S\n]*\n))"


_EN_CAP_NAME = (rf"{_EN_CAP_WORD}(?:{_EN_SPACE}+(?:of|de|du|der|von|van|&|and{_EN_SPACE}+(?=[A-Z]\w*\s+(?:Inc|Ltd|Co)\b))?"
                rf"{_EN_SPACE}*{_EN_CAP_WORD}){{0,5}}")


_EN_BRACKET = rf"(?:{_EN_SPACE}*\([^()\n]{{1,40}}\))?"


_EN_CAP_LIST = (rf"{_EN_CAP_NAME}{_EN_BRACKET}(?:{_EN_SPACE}*,{_EN_SPACE}*(?:and{_EN_SPACE}+)?{_EN_CAP_NAME}{_EN_BRACKET}"
                rf"|{_EN_SPACE}+and{_EN_SPACE}+{_EN_CAP_NAME}{_EN_BRACKET}){{0,12}}")


_EN_GOVERNED_OBJECT = (
    rf"\b(?:fined|fines|fining|reprimanded|reprimands|sanctioned|penali[sz]ed|sued|summoned|warned|"
    rf"imposed\s+on|levied\s+on|against|ordered|settlement(?:\s+of\s+[^.;\n]{{1,80}}?)?\s+with|settled\s+with"
    # a service blocked, banned or throttled ("Roskomnadzor blocked Proton VPN and Signal")
    rf"|(?:blocked|blocks|blocking|banned|bans|banning|throttled|throttling|slowed\s+down|restricted)(?:\s+access\s+to)?"
    rf")\s+(?:the\s+)?(?P<object>{_EN_CAP_LIST})"
)
_SUBJECT_VERB = (r"\s+(?:not\s+|also\s+|later\s+)?"
                 r"(?:fined|reprimanded|sanctioned|penali[sz]ed|ordered|summoned|warned)\b")
_EN_GOVERNED_SUBJECT = (
    rf"(?P<subject>{_EN_CAP_LIST})\s+(?:was|were|has\s+been|have\s+been|had\s+been|is|are){_SUBJECT_VERB}"
)
_EN_GOVERNED_FOUND = (
    rf"\b(?:found|alleged|concluded|ruled)\s+that\s+(?P<found>{_EN_CAP_LIST})\s+(?:had\s+)?"
    rf"(?:breached|violated|infringed|abused|failed|broke|colluded|participated|misled|collected|shared|sold|used"
    # "alleged that Edmodo didn't provide the notices": what the party did not do
    rf"|did\s+not|didn['’]t|had\s+not|hadn['’]t|never|illegally|unlawfully)"
)
# "VTech has agreed to pay a $650,000 fine", "Twitter will pay $150 million to settle": the party
# that pays the penalty, as the subject of paying it.
_EN_GOVERNED_PAYER = compile_scan(
    rf"(?P<payer>{_EN_CAP_LIST})\s+(?:(?:has|have|had)\s+)?(?:(?:also|since|now|reportedly)\s+)?"
    r"(?:(?:agreed|been\s+ordered|was\s+ordered|were\s+ordered)\s+to\s+|(?:will|would|must)\s+)?"
    r"(?:pay|paid|pays)\s+(?:a\s+|an\s+|the\s+)?(?:[\w-]+\s+){0,2}?(?:[$€£¥₩₹]|(?:US|USD|EUR|GBP|RMB|CNY|KRW|INR|Rs)\b|\d)")
_EN_PAYS = compile_alternatives(r"\b(?:pay|paid|pays)\s")
_EN_GOVERNED = compile_scan(f"{_EN_GOVERNED_OBJECT}|{_EN_GOVERNED_SUBJECT}|{_EN_GOVERNED_FOUND}")
# The subject alternative is tried at every capitalised word: a text without its passive verb
# is scanned without it (the same matches, as it can match nowhere there).
_EN_GOVERNED_NO_SUBJECT = compile_scan(f"{_EN_GOVERNED_OBJECT}|{_EN_GOVERNED_FOUND}")
_EN_SUBJECT_VERB = re.compile(rf"\s(?:was|were|been|is|are){_SUBJECT_VERB}")


_EN_LIST_NAME = re.compile(rf"{_EN_CAP_NAME}")


# The verbs the governed-name pattern starts from: a text with none of them is not searched.
_EN_GOVERNED_HINT = compile_alternatives(
    r"fined|fines|fining|reprimand|sanctioned|penali[sz]ed|sued|summoned|warned|imposed\s+on|levied\s+on|against|"
    r"ordered|settle|(?:found|alleged|concluded|ruled)\s+that|block|bann|bans|throttl|slowed\s+down|restricted"
)


# Words a sentence starts with, before a name ("The Acme Group").
_EN_LEADING = re.compile(
    r"^(?:The|A|An|This|That|These|Those|Its|In|On|At|For|But|And|Or|If|When|Meanwhile|However|Also|"
    r"Separately|Earlier|Later|Yesterday|Today|Last|Previously|Additionally|Similarly|Finally|Now|Then|So|Thus)$"
    # "Singaporean-based network InMobi", "the US-based company": where it is, not who
    r"|^[A-Za-z.]+-(?:based|headquartered|registered|listed|owned|backed|run)$"
)


_SENTENCE_ADVERB = re.compile(r"^[A-Z][a-z]{3,}ly$")


# Capitalised words that start no company's name: the regulators, courts, places and times.
_EN_NOT_PARTY = re.compile(
    r"^(?:It|They|EU|EEA|UK|US|U\.S\.|Big|Internet|Web|Online|Chinese|National|State|Federal|Data|Privacy|"
    r"Company|Companies|Firm|Platform|Operator|Business|Party|Person|Individual|Defendant|Respondent|"
    r"European|Commission|Court|General|Federal|FTC|ICO|DPC|CNIL|SAMR|CAC|MIIT|DOJ|GDPR|COPPA|"
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|China|Chinese|Ireland|Irish|France|French|"
    r"Germany|German|Britain|British|America|American|Europe|Beijing|Shanghai|London|Brussels|Washington)$"
)


def english_governed_names(prepared: PreparedText, known: Sequence[Found], language: str) -> list[Found]:
    """Unmarked English names in the places ``_EN_GOVERNED`` finds, as companies, and those
    ``_EN_MARKED_OBJECT`` and ``_EN_AND_OTHER`` find, that no other name overlaps."""
    if language != "en":
        return []
    found = _governed_names(prepared, known)
    found += english_marked_objects(prepared, [*known, *found], language)
    return found + english_listed_with_kind(prepared, [*known, *found], language)


_ACCORDING_TO = re.compile(r"\b(?:[Aa]ccording\s+to|[Pp]er|[Aa]s\s+reported\s+by|[Cc]iting)\s+(?:the\s+)?$")


def _governed_names(prepared: PreparedText, known: Sequence[Found]) -> list[Found]:
    original = prepared.original
    found: list[Found] = []
    if not _EN_GOVERNED_HINT.search(prepared.text):
        return []
    governed = _EN_GOVERNED if _EN_SUBJECT_VERB.search(original) else _EN_GOVERNED_NO_SUBJECT
    matches = list(governed.finditer(original))
    if _EN_PAYS.search(original):
        matches += _EN_GOVERNED_PAYER.finditer(original)
    for match in matches:
        group = match.lastgroup or "object"
        # "According to CNBC, DiDi was fined": the source the sentence cites is no party.
        cited = _ACCORDING_TO.search(original, max(0, match.start(group) - 16), match.start(group))
        brackets = [bracket.span() for bracket in re.finditer(r"\([^()\n]*\)", original[match.start(group):match.end(group)])]
        for name in _EN_LIST_NAME.finditer(original, match.start(group), match.end(group)):
            start, end = name.span()
            if any(a <= start - match.start(group) < b for a, b in brackets):
                continue  # "RBS (now NatWest)": the bracket renames, it lists no other party
            if cited is not None and start == match.start(group):
                continue
            words = original[start:end].split()
            while words and (_EN_LEADING.match(words[0]) or (
                    # "Notably, Meta's Facebook…": a sentence adverb set off by its comma (not
                    # "Grammarly was fined")
                    _SENTENCE_ADVERB.match(words[0]) and original.startswith(",", start + len(words[0])))):
                start = original.index(words[1], start + len(words[0])) if len(words) > 1 else end
                words = words[1:]
            end = _before_sentence_stop(original, start, end)
            if _POSSESSIVE_OF_NOUN.match(original, end - 2):
                continue  # "settled with Australia's privacy watchdog": the verb governs the watchdog
            while end > start and original[end - 1] in ".’'":
                end -= 1
            words = original[start:end].split()
            if not words or end - start < 2 or _EN_PUBLIC_BODY.search(original, start, end) \
                    or _EN_NOT_PARTY.match(words[0]) or (len(words) > 1 and len(words[-1]) == 1):
                continue  # "Company A", "Firm B": anonymised
            converted_start = prepared.offsets.to_converted(start)
            converted_end = prepared.offsets.to_converted(end)
            if any(item.start < converted_end and converted_start < item.end for item in [*known, *found]):
                continue
            found.append(Found(converted_start, converted_end, None, "company"))
    return found


# Names English grammar marks as a party's object without an enforcement verb: the other side
# of a deal ("Alibaba's acquisition of Intime Retail (Group) Co Ltd", "its investment in online
# education app Yuanfudao", "a stake in …"), the owner of an account or an app ("the YouTube
# account of Tsargrad TV", "an account called Zhejiang Xinwen", "the apps of Radio Free
# Europe"). One to six capitalised words, a bracket ("(Group)") and a legal form inside.
_EN_OBJECT_NAME = (
    rf"(?:[A-Z][\w&'’.-]*|\d[\w.-]*[A-Za-z][\w.-]*)(?:{_EN_SPACE}+(?:\([A-Z][\w ]{{0,20}}\)|[A-Z][\w&'’.-]*|of|&)){{0,6}}"
)
_EN_MARKED_OBJECT = re.compile(
    r"\b(?:(?P<deal>(?:acquisitions?|purchase|takeover|buyout)\s+of|deal\s+with|merger\s+with|"
    r"(?:controlling\s+|minority\s+|majority\s+)?stakes?\s+in|investments?\s+in|joint\s+venture\s+with)"
    r"|(?P<owned>accounts?|channels?|apps?|websites?|pages?)\s+(?:of|called|named|known\s+as))"
    rf"\s+(?:the\s+)?(?:[a-z][\w-]*\s+){{0,4}}?(?P<name>{_EN_OBJECT_NAME})"
)
# Each alternative opens on its own word, not on a group of words, so a scan passes over the
# characters none of them starts with at once (about half the time).
_EN_OBJECT_HINT = compile_alternatives(
    r"acquisition|purchase|takeover|buyout|deal with|merger with|stake|investment|joint venture|"
    + "|".join(f"{kind}s? (?:of|called|named|known as) " for kind in ("account", "channel", "app", "website", "page"))
)
_EN_NOT_OBJECT = re.compile(r"^(?:SDK|API|Kremlin|Internet|Web)$|^\d")
# The kind of owner an "account of …" or "apps of …" names.
_EN_OWNED_KIND = {"account": "account", "channel": "account", "page": "account", "app": "app", "website": "website"}


# A full stop that ends a sentence inside a run of capitalised words ("… purchase of Giphy. Despite
# repeated warnings"): the name stops there. An initial ("S.F."), "Co." and a legal form's stop
# ("Inc.", "Ltd.") are the name's own.
_SENTENCE_STOP = re.compile(
    r"(?<![A-Z][a-z])(?<![A-Z])(?<!Inc)(?<!Ltd)(?<!Corp)(?<!Bros)(?<!Intl)(?<=[a-z0-9)’'])[.!?]\s+(?=[A-Z“\"])")


_POSSESSIVE_OF_NOUN = re.compile(r"['’]s\s+[a-z]")


def _before_sentence_stop(original: str, start: int, end: int) -> int:
    stop = _SENTENCE_STOP.search(original, start, end)
    return end if stop is None else stop.start()


def english_marked_objects(prepared: PreparedText, known: Sequence[Found], language: str) -> list[Found]:
    """Unmarked English names ``_EN_MARKED_OBJECT`` finds (a deal's other side, an account's or
    an app's owner) that no other name overlaps: companies, accounts or apps the notice names."""
    if language != "en" or not _EN_OBJECT_HINT.search(prepared.text):
        return []
    original = prepared.original
    found: list[Found] = []
    for match in _EN_MARKED_OBJECT.finditer(original):
        start, end = match.span("name")
        end = _before_sentence_stop(original, start, end)
        if original[end - 1] == "." and _SENTENCE_AFTER.match(original, end):
            end -= 1  # "… of China Post Smart Logistics." ends the sentence
        while end > start and original[end - 1] in "’'":
            end -= 1
        gloss = re.search(r"\s*\([^()]*\)$", original[start:end])
        if gloss is not None:
            end = start + gloss.start()  # "Zhejiang Xinwen (Zhejiang News)": a translation
        words = original[start:end].split()
        if not words or end - start < 2 or _EN_NOT_OBJECT.match(words[0]) or _EN_LEADING.match(words[0]) \
                or (_EN_NOT_PARTY.match(words[0]) if len(words) == 1 else words[0] in _EN_NOT_NAME_START) \
                or _EN_PUBLIC_BODY.search(original, start, end):
            continue
        kind = "company"
        if match.group("owned"):
            kind = _EN_OWNED_KIND[match.group("owned").rstrip("s")]
        converted_start = prepared.offsets.to_converted(start)
        converted_end = prepared.offsets.to_converted(end)
        if any(item.start < converted_end and converted_start < item.end for item in [*known, *found]):
            continue
        found.append(Found(converted_start, converted_end, None, kind))
    return found


# A list closed by its kind ("the BBC, Meduza, Dozhd, and other independent media", "Steam,
# Origin and other game stores"): its members are of that kind, capitalised or not quoted.
_EN_AND_OTHER = compile_alternatives(
    r"\band\s+other\s+(?:[\w-]+\s+){0,3}?(?P<kind>media|outlets|news\s+sites|websites|sites|apps|applications|services|"
    r"platforms|companies|firms|networks|broadcasters|newspapers|providers|operators|VPNs|stores|marketplaces)\b"
)
# The list before "and other …", read back over a bounded window (a scan from every capital
# forward would cost the square of a long run of names).
_EN_LIST_BEFORE_OTHER = re.compile(
    rf"(?:(?:the\s+)?{_EN_CAP_NAME}\s*,\s*)+(?:(?:the\s+)?{_EN_CAP_NAME}\s*,?\s*)?$|(?:the\s+)?{_EN_CAP_NAME}\s+$"
)
_EN_LIST_BEFORE_REACH = 160
_EN_OTHER_KIND = {"apps": "app", "applications": "app", "websites": "website", "sites": "website",
                  "news sites": "website"}


# A list said to be among a counted kind ("A, B and C are among 120 apps on the list", "A and B
# were among the platforms fined"): its members are of that kind.
_EN_AMONG = re.compile(
    r"\s+(?:are|were|is|was)\s+(?:also\s+)?among\s+(?:the\s+)?(?:[\d,]+\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?P<kind>apps|applications|websites|sites|platforms|companies|firms|services)\b"
)
_EN_LIST_BEFORE_AMONG = re.compile(
    rf"(?:{_EN_CAP_NAME}\s*,\s*)*{_EN_CAP_NAME}\s*,?\s+and\s+{_EN_CAP_NAME}$"
)


def english_listed_with_kind(prepared: PreparedText, known: Sequence[Found], language: str) -> list[Found]:
    """Members of the lists ``_EN_AND_OTHER`` and ``_EN_AMONG`` find that no other name overlaps."""
    if language != "en" or ("and other" not in prepared.text and " among " not in prepared.text):
        return []
    original = prepared.original
    found: list[Found] = []
    triggers = [(match, _EN_LIST_BEFORE_OTHER) for match in _EN_AND_OTHER.finditer(original)]
    if " among " in prepared.text:
        triggers += [(match, _EN_LIST_BEFORE_AMONG) for match in _EN_AMONG.finditer(original)]
    for match, before in triggers:
        listed = before.search(original, max(0, match.start() - _EN_LIST_BEFORE_REACH), match.start())
        if listed is None:
            continue
        kind = _EN_OTHER_KIND.get(re.sub(r"\s+", " ", match.group("kind")), "company")
        for name in _EN_LIST_NAME.finditer(original, listed.start(), listed.end()):
            start, end = name.span()
            words = original[start:end].split()
            if not words or end - start < 2 or _EN_LEADING.match(words[0]) or _EN_NOT_PARTY.match(words[0]) \
                    or _EN_PUBLIC_BODY.search(original, start, end):
                continue
            converted_start = prepared.offsets.to_converted(start)
            converted_end = prepared.offsets.to_converted(end)
            if not any(item.start < converted_end and converted_start < item.end for item in [*known, *found]):
                found.append(Found(converted_start, converted_end, None, kind))
    return found


# Words a capitalised heading or a figure puts where a name stands ("Third, the situation of…",
# "V. Women's health apps", "fined KRW 30.8 billion"): ordinals, number words, a Roman numeral
# heading a line and currency codes are never a platform's name.
_NEVER_A_NAME_EN = re.compile(
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
    r"|one|two|three|four|five|six|seven|eight|nine|ten"
    # determiners and sentence adverbs that open a sentence capitalised ("Each was fined…")
    r"|each|both|all|either|neither|recently|meanwhile|additionally|furthermore|moreover|previously|currently"
    r"|separately|similarly|finally|notably|importantly|specifically|ipr)|[ivx]{1,4}\.(?:\s.*)?",
    re.IGNORECASE | re.DOTALL)


# The rest of a public body's name after its preposition ("the National Office against
# Pornographic and Illegal Publications", "the Ministry of Public Security").
_BODY_BEFORE_EN = re.compile(
    r"\b(?:office|commission|committee|ministry|administration|bureau|agency|authority|council|department|"
    r"task\s+force|working\s+group|regulations?|rules|provisions|measures|law|act)\s+(?:against|for|of|on)\s+"
    r"(?:the\s+)?(?:[\w-]+\s+(?:and\s+)?){0,4}$")


def without_non_names(prepared: PreparedText, found: list[Found], currency_codes: frozenset[str]) -> list[Found]:
    """``found`` without the unknown names that are number words, sentence adverbs,
    Roman-numbered headings, currency codes or the end of a public body's name; a currency code
    after a name is cut off it."""
    text = prepared.text
    kept = []
    for item in found:
        body = _BODY_BEFORE_EN.search(text, max(0, item.start - 80), item.start) if item.id is None else None
        if body is not None and all(word[:1].isupper() or word in ("and", "the")
                                    for word in prepared.original_text(body.start(), item.end).split()[2:]):
            continue
        if item.id is None:
            last = text.rfind(" ", item.start, item.end)
            if last > item.start and text[last + 1:item.end].upper() in currency_codes:
                item.end = last  # "fined Skyline KRW 30.8 billion": the code starts the amount
            if _NEVER_A_NAME_EN.fullmatch(text, item.start, item.end) or text[item.start:item.end].upper() in currency_codes:
                continue
        kept.append(item)
    return kept
