"""What a count counts: its noun (written, left out, or the whole it is part of), the objects its
verb governs, counts of companies, and one number counting two kinds of things.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from diffing.figure import Candidate
from diffing.metrics import Metric, MetricCatalogue
from diffing.scans import compile_scan
from diffing.text import PreparedText

_EN_STOP = frozenset({
    "of", "in", "on", "at", "to", "for", "from", "by", "with", "was", "were", "is", "are", "be",
    "been", "and", "or", "the", "a", "an", "that", "which", "this", "these", "than", "per",
    "each", "its", "their", "his", "her", "year", "years", "month", "months", "day", "days",
    "percent", "times",
})


_EN_WORD = re.compile(r"\s*([a-z][a-z-]*)")


# A count whose noun is left out because the list it ends already said it ("held talks with
# 1,497 websites and warned 738", "443 websites were summoned while 172 received warnings").
_ELIDED_BEFORE = re.compile(
    r"(?:\band|\bwhile|\bbut|\bwhereas|\bwith|,)\s+(?:(?!the\b|a\b|an\b|its\b|their\b)[a-z]+\s+)?"
    r"(?:(?:more\s+than|over|nearly|about|around|almost|some|close\s+to)\s+)?$"
    # "…, while a further 64 were told to…"
    r"|(?:\band|\bwhile|\bbut|\bwhereas|,)\s+(?:[a-z]+ed\s+)?(?:a\s+)?(?:further|another|additional|more)\s+$"
    # "…, issued warnings to 1,150 platforms and imposed fines on 540": a verb with its noun.
    r"|(?:\band|,)\s+(?:and\s+)?[a-z]+ed\s+(?:[a-z]+\s+){0,2}(?:on|to|against)\s+$"
    # "…, issued warnings to or fined 1,200": two verb phrases joined by or/and.
    r"|(?:\band|,)\s+(?:[a-z]+\s+){1,3}(?:or|and)\s+[a-z]+ed\s+$"
    # "…, and issued warnings or fines to 4,046": two nouns joined by or/and.
    r"|(?:\band|,)\s+(?:and\s+)?[a-z]+ed\s+[a-z]+\s+(?:or|and)\s+[a-z]+\s+(?:on|to|against)\s+$")


def _whole_before(text: str, sentence_start: int, anchor: int) -> int | None:
    """Where the whole starts that the count at ``anchor`` is a part of ("Out of the 67,000
    accounts closed, nearly 8,000…"; "closed 67,000 accounts, of which 8,000…"; "…67,000
    accounts. Of these, 8,000…"; 关闭账号6.7万个，其中8000个…), or ``None``."""
    lead_start = max(sentence_start, anchor - 120)
    stretch = text[lead_start:anchor]
    whole = _WHOLE.search(text, lead_start, anchor) if "of" in stretch or "among" in stretch else None
    if whole:
        return whole.start("whole")
    if "其中" not in text[max(0, anchor - 8):anchor] and not _EN_PART_WORD.search(text, max(0, anchor - 30), anchor):
        return None
    lead = _PART_LEAD.search(text, max(0, anchor - 30), anchor)
    if lead is None:
        return None
    # The whole is the last number before the lead, in this sentence or the one before it.
    numbers = list(_ANY_NUMBER.finditer(text, max(0, lead.start() - 160), lead.start()))
    return numbers[-1].start() if numbers else None


_PART_LEAD = re.compile(
    r"(?:\b(?:of|among)\s+(?:which|whom|these|those|them)\s*,?\s*|其中\s*(?:有|包括)?\s*)"
    r"(?:(?:more\s+than|over|nearly|about|around|almost|some|close\s+to|近|约|超过|逾)\s*)?$", re.IGNORECASE)


_ANY_NUMBER = re.compile(r"\d[\d,.]*")


_EN_PART_WORD = compile_scan(r"\b(?:which|whom|these|those|them)\b")


_WHOLE = re.compile(
    r"\b(?:out\s+of|of|among)\s+(?:the|these|those|all)?\s*(?P<whole>\d[\d,.]*(?:\s+[a-z-]+){1,5})\s*,\s*"
    r"(?:(?:more\s+than|over|nearly|about|around|almost|some|close\s+to)\s+)?$")


_OF_THEM = re.compile(r"\s+of\s+(?:them|these|those|which)\b")


# "closed 18,489 websites and issued warnings to 4,551 others", "…and fined 300 more": more of the same things.
_OTHERS = re.compile(r"\s+(?:more\s+|other\s+)?others?\b|\s+more\b(?!\s+than)")


_ELIDED_AFTER = re.compile(
    r"\s*(?:[,.;:)]|$|(?:received|receiving|got|getting|being|were|was|had|have|during|in|on|last|this|for|as|to|with|that|which|and|while|but)\b)")


def _elided_noun(prepared: PreparedText, match: re.Match[str], earlier: Sequence[Candidate]) -> tuple[str, int] | None:
    text = prepared.text
    number = match.group("number")
    if not re.search(r"\d", number) or re.fullmatch(r"(?:19|20)\d\d", number) or not earlier:
        return None
    previous = earlier[-1]
    if previous.currency is not None:
        return None
    if (_whole_before(text, prepared.sentence_at(previous.start)[0], match.start()) == previous.start
            and _ELIDED_AFTER.match(text, match.end())):
        # "Out of the 67,000 accounts closed, nearly 8,000 were…", "…67,000 accounts. Of these,
        # 8,000 were…": a part of the count before, in its sentence or the one before.
        return previous.unit, match.end()
    sentence_start, _ = prepared.sentence_at(match.start())
    if previous.start < sentence_start:
        return None
    of_them = _OF_THEM.match(text, match.end()) or _OTHERS.match(text, match.end())
    if of_them:
        # "1,200 apps were tested, and 56 of them were found…": a part of the count before.
        return previous.unit, of_them.end()
    if not (_ELIDED_BEFORE.search(text, max(previous.end, match.start() - 40), match.start())
            and _ELIDED_AFTER.match(text, match.end())):
        return None
    return previous.unit, match.end()


# "512 of the 8,608 websites": a part counts what its whole, a number of its own, counts.
_OF_THE_WHOLE = re.compile(r"\s+of\s+(?:the|these|those|all)\s+\d[\d,.]*(?=\s+[a-z])")


_NOUN_AND_NOUN = re.compile(r"\s+(?:and|or)\s+([a-z]+)\b")


def _english_noun(text: str, position: int, catalogue: MetricCatalogue) -> tuple[str, int] | None:
    whole = _OF_THE_WHOLE.match(text, position)
    if whole:
        noun = _english_noun(text, whole.end(), catalogue)
        return noun if noun is not None and noun[0] in catalogue.english_nouns.values() else None
    words: list[tuple[str, int]] = []
    cursor = position
    for _ in range(5):
        match = _EN_WORD.match(text, cursor)
        if not match:
            break
        words.append((match.group(1), match.end()))
        cursor = match.end()
    for index in range(min(len(words), 4)):
        for length in (3, 2, 1):
            if index + length > len(words):
                continue
            phrase = " ".join(word for word, _ in words[index:index + length])
            if phrase in catalogue.english_nouns:
                unit, end = catalogue.english_nouns[phrase], words[index + length - 1][1]
                # "websites and platforms": two nouns of one unit joined are one noun, so the
                # "and" is not read as joining a second verb phrase.
                joined = _NOUN_AND_NOUN.match(text, end)
                if joined and catalogue.english_nouns.get(joined.group(1)) == unit:
                    end = joined.end()
                return unit, end
            if length == 1 and phrase in catalogue.english_other_nouns:
                return phrase, words[index][1]
        word = words[index][0]
        # "12,000 illegal and harmful websites": adjectives joined by and/or before the noun;
        # "1,262 of the cases": a part of the things named after "of the".
        if word in _EN_STOP and not (word in ("and", "or") and index > 0) \
                and not (index == 0 and word == "of" and len(words) > 1 and words[1][0] in ("the", "these", "those")) \
                and not (index == 1 and word in ("the", "these", "those") and words[0][0] == "of"):
            return None
    return None


_ZH_COMPANY = re.compile(r"[^，,。；;、：:（）()]{0,14}?(?:企业|公司|经营者|业者|单位|机构|店|商户|场所|网吧|工厂|作坊)")


# (an app store, 应用商店 or 应用市场, is a platform, not a shop)
_ZH_PLATFORM_WORD = re.compile(r"网站|平台|应用商店|应用市场|软件商店")


_ZH_COMPANY_BEFORE = re.compile(r"(?:企业|公司|经营者|业者|单位|机构|商户)\s*$")


_EN_COMPANY = re.compile(r"\s*(?:[a-z-]+\s+){0,3}?(?:compan|enterprise|firm|operator|business)")


def _counts_companies(text: str, candidate: Candidate, language: str) -> bool:
    if language == "zh":
        if candidate.unit != "家":
            return False
        match = _ZH_COMPANY.match(text, candidate.end)
        # the noun may come first too (罚款金融机构12家, as in 约谈网站10家)
        return (match is not None and not _ZH_PLATFORM_WORD.search(text, candidate.end, match.end())) \
            or _ZH_COMPANY_BEFORE.search(text, max(0, candidate.start - 6), candidate.start) is not None
    return bool(_EN_COMPANY.match(text, candidate.number_end, candidate.end + 1))


# The regions and offices that did the enforcing (29个省（区、市）执法机构, 12个地市网信部门) are
# who acted, not what was acted on: a count of them is no figure. (市 is not 市场, 区 not 区块.)
_ZH_PLACE_OR_OFFICE = re.compile(
    r"\s*(?:省份?|自治区|直辖市|地市|城市|市(?!场)|区(?![块域])|县|地区|部门|网信办|执法机构|执法队伍|执法部门)")


def _counts_places(text: str, candidate: Candidate, language: str) -> bool:
    return language == "zh" and candidate.unit == "个" and _ZH_PLACE_OR_OFFICE.match(text, candidate.end) is not None


_EN_CONJUNCTION = re.compile(r"\b(?:and|while|but|whereas|as\s+well\s+as)\b")


_JOINED = re.compile(r"\s*(?:、|及|和|与|以及|or|and|,|/)\s*")


def _mixed_objects(text: str, compatible: Sequence[Metric],
                   objects_here: dict[str, tuple[int, int] | None], language: str) -> bool:
    """A number counting two kinds of things at once (下架应用程序、小程序2160余款: apps and mini
    programs together) is neither metric's figure."""
    spans = {span for span in objects_here.values() if span is not None}
    if len(spans) < 2:
        return False
    ordered = sorted(spans)
    for (first_start, first_end), (second_start, second_end) in pairwise(ordered):
        if first_end > second_start or not _JOINED.fullmatch(text, first_end, second_start):
            continue
        first_metrics = {m for m, span in objects_here.items() if span == (first_start, first_end)}
        second_metrics = {m for m, span in objects_here.items() if span == (second_start, second_end)}
        by_id = {metric.id: metric for metric in compatible}
        first_words = text[first_start:first_end]
        second_words = text[second_start:second_end]
        shared = any(
            (pattern := by_id[m].phrasings[language].objects) is not None
            and pattern.fullmatch(first_words) and pattern.fullmatch(second_words)
            for m in first_metrics | second_metrics
        )
        if not shared:
            return True
    return False


# Between two counted nouns of one number: a joining word and a few words of the second noun's own
# (网站平台、账号; 网站、“自媒体”账号; "websites and social media accounts").
_JOINED_NOUN = {
    "zh": re.compile(r"\s*(?:、|及|和|与|以及|或)\s*[^，,。；;、：:\d]{0,6}"),
    "en": re.compile(r"\s*(?:,|and|or|&|/)\s*(?:[a-z-]+\s+){0,2}"),
}


def _two_kinds_counted(text: str, catalogue: MetricCatalogue, language: str, start: int, end: int) -> bool:
    """One number counting the things of two metrics together (76家网站平台、账号; 约谈网站、
    “自媒体”账号5家; "3,000 websites and accounts"): any metric's, whatever the unit, so a
    count in 家 of sites and accounts is no count of sites."""
    any_object, patterns = _every_object(catalogue, language)
    # Read only around each joining word: most clauses have none after an object.
    for joiner in _JOINER[language].finditer(text, start, end):
        before = [m for m in any_object.finditer(text, max(start, joiner.start() - 12), joiner.start())
                  if not text[m.end():joiner.start()].strip()]
        if not before:
            continue
        second = any_object.search(text, joiner.start(), min(end, joiner.end() + (8 if language == "zh" else 30)))
        if second is None or not _JOINED_NOUN[language].fullmatch(text, before[-1].end(), second.start()):
            continue
        first_word, second_word = before[-1].group(0), second.group(0)
        if not any(pattern.fullmatch(first_word) and pattern.fullmatch(second_word) for pattern in patterns):
            return True
    return False


_JOINER = {"zh": compile_scan(r"[、及和与或]"), "en": compile_scan(r",(?!\d)|\b(?:and|or)\b|&|/")}


_EVERY_OBJECT: dict[tuple[int, str], tuple[MetricCatalogue, re.Pattern[str], tuple[re.Pattern[str], ...]]] = {}


def _every_object(catalogue: MetricCatalogue, language: str) -> tuple[re.Pattern[str], tuple[re.Pattern[str], ...]]:
    """One pattern for the objects of every metric, and each metric's own."""
    key = (id(catalogue), language)
    cached = _EVERY_OBJECT.get(key)
    if cached is None or cached[0] is not catalogue:
        patterns = tuple(objects for metric in catalogue.metrics
                         if (objects := metric.phrasings[language].objects) is not None)
        if len(_EVERY_OBJECT) > 16:
            _EVERY_OBJECT.clear()
        alternation = "|".join(f"(?:{pattern.pattern})" for pattern in patterns)
        cached = _EVERY_OBJECT[key] = (catalogue, re.compile(alternation), patterns)
    return cached[1], cached[2]


# A function an app must offer its users, not a measure taken (未提供有效的更正、删除个人信息及
# 注销用户账号功能, 无法关闭个性化推荐): MIIT's wording of a violation.
_FUNCTION_VERBS_ZH = frozenset({"删除", "注销", "关闭"})
_FUNCTION_BEFORE_ZH = re.compile(r"(?:提供|支持|无法|不能|不可|未能|难以)[^，,。；;]{0,8}$")
_FUNCTION_AFTER_ZH = re.compile(r"[^，,。；;]{0,12}?(?:功能|渠道|途径|方式|入口|选项)")


def user_function(text: str, span: tuple[int, int], language: str) -> bool:
    """Whether the verb at ``span`` names a function an app offers (删除 of 提供删除…功能)."""
    return (language == "zh" and text[span[0]:span[1]] in _FUNCTION_VERBS_ZH
            and (_FUNCTION_BEFORE_ZH.search(text, max(0, span[0] - 10), span[0]) is not None
                 or _FUNCTION_AFTER_ZH.match(text, span[1]) is not None))


# A count of things tested (完成73万款APP的技术检测工作, 抽检了500款App) says how many were looked
# at, not what was found or done: no metric's figure, whatever the sentences around it say.
_TESTED_AFTER_ZH = re.compile(r"[^，,。；;\d]{0,12}?的?(?:技术)?(?:检测|测评|抽检|检查)(?:工作)?")
_TESTED_BEFORE_ZH = re.compile(r"(?:检测|测评|抽检|抽查|检查)了?(?:共|累计|总计)?\s*$")


def counts_tested(text: str, candidate: Candidate, language: str) -> bool:
    """Whether ``candidate`` counts things tested (see above)."""
    return language == "zh" and candidate.currency is None and (
        _TESTED_AFTER_ZH.fullmatch(text, candidate.end, min(len(text), _clause_end(text, candidate.end)))
        is not None or _TESTED_BEFORE_ZH.search(text, max(0, candidate.start - 8), candidate.start) is not None)


def _clause_end(text: str, position: int) -> int:
    found = _CLAUSE_END_ZH.search(text, position)
    return found.start() if found else len(text)


_CLAUSE_END_ZH = re.compile(r"[，,。；;：:！？!?\n]")


def nearest(pattern: re.Pattern[str], text: str, start: int, end: int, anchor: int,
            *, after: int | None = None, unquoted: bool = False) -> tuple[int, int] | None:
    """The match nearest ``anchor``; with ``after``, the first match starting there or later
    wins when there is one (English states counts first: "453 websites were suspended");
    ``unquoted`` passes over matches inside quotation marks (“超凡清理管家”: a name, no verb)."""
    best: tuple[int, int] | None = None
    best_distance = 0
    for match in pattern.finditer(text, start, end):
        if unquoted and _in_quotes(text, start, match.start()):
            continue
        if after is not None and match.start() >= after:
            return match.span()
        distance = min(abs(match.start() - anchor), abs(match.end() - anchor))
        if best is None or distance < best_distance:
            best, best_distance = match.span(), distance
    return best


def _in_quotes(text: str, start: int, position: int) -> bool:
    for opening, closing in _QUOTE_PAIRS:
        quote = text.rfind(opening, start, position)
        if quote != -1 and text.find(closing, quote, position) == -1:
            return True
    return False


_QUOTE_PAIRS = (("“", "”"), ("「", "」"))


def first_in(pattern: re.Pattern[str], text: str, ranges: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    for start, end in ranges:
        match = pattern.search(text, start, end)
        if match:
            return match.span()
    return None
