"""Repeats: one figure per fact (headlines, restatements in another currency, rounded or approximate restatements)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from diffing.figure import Candidate, Figure
from diffing.period import Period
from diffing.roles import FINE, FINE_ROLES, TOTAL
from diffing.text import PreparedText

__all__ = ["DISTRIBUTIVE", "conversions", "merge_repeats"]


_APPROXIMATELY = r"(?:about|around|approximately|approx\.?|roughly|some|nearly|almost|over|more\s+than|约|合|折合|相当于|约合|超过|逾|近|大约)"
# Between an amount and its restatement in another currency: "(about", ", or about", "约合".
_CURRENCY_NAME = r"(?:人民币|美元|欧元|英镑|港币|港元|新台币|台币|日元|韩元|卢布)"
# At today's rate: (当前约…, 按当前汇率计算约…, "at current exchange rates").
_AT_A_RATE = (r"(?:当前|目前|现|今|按(?:当前|今日|目前|现行|最新)?汇率(?:计算|换算)?|按[^()（）]{0,10}汇率(?:计算|换算)?"
              r"|at\s+(?:the\s+)?(?:current|today's)\s+(?:exchange\s+)?rates?)")
_CONVERSION_GAP = re.compile(
    rf"\s*(?:[(（]\s*(?:{_AT_A_RATE}\s*,?\s*)?(?:{_APPROXIMATELY}\s*|or\s+|equal\s+to\s+|equivalent\s+(?:of|to)\s+|{_CURRENCY_NAME}\s*)*"
    rf"|[,，]?\s*(?:or\s+|i\.e\.\s+)?(?:the\s+|an?\s+)?(?:equal|equivalent)\s+(?:of|to)\s+{_APPROXIMATELY}?\s*"
    rf"|[,，]?\s*or\s+{_APPROXIMATELY}?\s*"
    rf"|[,，]?\s*(?:约合|折合|相当于)\s*(?:人民币|美元|欧元|英镑|港币|港元)?\s*(?:约|大约)?\s*"
    rf"|[,，]?\s*which\s+(?:is|was|equals?|amounts\s+to)\s+(?:to\s+)?{_APPROXIMATELY}?\s*"
    rf"|[,，]\s*{_APPROXIMATELY}\s*)"
)


_BRACKET_GAP = re.compile(rf"\s*[(（]\s*(?:{_APPROXIMATELY}\s*|or\s+)*")
# "$1.19 billion or 8.026 billion yuan": a bare "or" between two currencies, with no word of
# approximation, joins the same amount written twice, as a bracket does.
_PLAIN_OR_GAP = re.compile(r"\s*[,，]?\s*or\s+")
_NEXT_IN_PARENTHESIS = re.compile(rf"\s*(?:{_CURRENCY_NAME}\s*)?[,，、/;；]\s*(?:or\s+|{_APPROXIMATELY}\s*)*")
_CLOSES_SOON = re.compile(rf"\s*(?:{_CURRENCY_NAME})?\s*[)）]")


_CONVERSION_LEAD = re.compile(
    rf"(?:\b(?:equal|equivalent)\s+(?:of|to)|\bworth|约合|折合|相当于)\s*(?:{_APPROXIMATELY}\s*)?(?:人民币|美元|欧元|英镑|港币|港元)?\s*$")


# A sentence that is only the restatement of the amount before it ("This amounts to about $360
# million.", "That is equivalent to roughly €2bn.", 这相当于约…): the subject points back.
_RESTATING_SENTENCE = re.compile(
    rf"\s*(?:this|that|it|which|the\s+(?:fine|penalty|sum|amount|figure))\s+(?:amounts\s+to|equals|comes\s+to|translates\s+(?:in)?to"
    rf"|is\s+(?:equal|equivalent)\s+to|is\s+worth|works\s+out\s+(?:at|to))\s+(?:{_APPROXIMATELY}\s+)?"
    rf"|\s*(?:这|此|该金额|该罚款)(?:一金额)?(?:约合|折合|相当于)\s*(?:{_APPROXIMATELY}\s*)?(?:{_CURRENCY_NAME})?\s*")


# A sentence opened by the currency it restates in ("In US currency, the penalty is $402m",
# "In dollar terms, …", 换算成美元，…, 以美元计，…): its amounts restate an earlier one.
_CURRENCY_WORD = r"(?:dollars?|euros?|sterling|pounds?|yuan|renminbi|rmb|yen|francs?|kronor|kroner)"
_RESTATING_FRAME = re.compile(
    rf"\s*(?:in|converted\s+(?:in)?to|expressed\s+in|translated\s+into)\s+(?:(?:us|u\.s\.|american|hong\s+kong|singapore|canadian|australian)\s+)?"
    rf"(?:{_CURRENCY_WORD}(?:\s+(?:terms|currency))?|(?:us|u\.s\.|american|british|european|chinese)\s+currency)\s*[,，]"
    r"|\s*(?:按[^，,。]{0,12}汇率)?(?:换算|折算|折合)(?:成|为)?(?:美元|欧元|英镑|人民币|港元|港币|新台币|日元)(?:计算?)?\s*[,，]"
    r"|\s*以(?:美元|欧元|英镑|人民币|港元|港币|新台币|日元)(?:计算?|计价)\s*[,，]")


def conversions(prepared: PreparedText, candidates: Sequence[Candidate]) -> dict[int, int]:
    """Amounts that restate another amount in a second currency ("3.4 billion yuan (about $533
    million)"), each mapped to the amount it restates; an amount elsewhere equal to such a
    restatement, or the same rounded (a headline giving only the converted amount), maps there
    too."""
    converted: dict[int, int] = {}
    previous: int | None = None
    for index, candidate in enumerate(candidates):
        if candidate.currency is None:
            continue
        if previous is not None:
            before = candidates[previous]
            if (before.currency == "USD" and candidate.currency != "USD" and previous not in converted
                    and ((_BRACKET_GAP.fullmatch(prepared.text, before.end, candidate.start)
                          and _CLOSES_SOON.match(prepared.text, candidate.end))
                         or _PLAIN_OR_GAP.fullmatch(prepared.text, before.end, candidate.start))):
                # "$176.64 million (207 billion won)", "$1.19 billion or 8.026 billion yuan": a fine
                # is stated in the regulator's own currency; the US dollars written first restate
                # the amount after them.
                converted[previous] = index
            elif before.currency != candidate.currency and (
                    _CONVERSION_GAP.fullmatch(prepared.text, before.end, candidate.start)
                    # "fined €3 million for …, equivalent to about $3.3 million": the words say
                    # it restates the amount before it in its sentence, whatever stands between.
                    or (_CONVERSION_LEAD.search(prepared.text, max(before.end, candidate.start - 40), candidate.start)
                        and prepared.sentence_index(before.start) == prepared.sentence_index(candidate.start))
                    or _restates_sentence_before(prepared, before, candidate)):
                converted[index] = converted.get(previous, previous)
            elif (previous in converted
                  and _NEXT_IN_PARENTHESIS.fullmatch(prepared.text, before.end, candidate.start)
                  and _CLOSES_SOON.match(prepared.text, candidate.end)):
                # "€746m (about 5.7bn yuan, $888m)": each amount of the parenthesis restates it,
                # in whatever currency ("(US$1.2 billion; $1.65 billion)": two kinds of dollar).
                converted[index] = converted[previous]
            elif _RESTATING_FRAME.match(prepared.text, prepared.sentence_at(candidate.start)[0]):
                target = next((earlier for earlier in range(index - 1, -1, -1)
                               if candidates[earlier].currency not in (None, candidate.currency)), None)
                if target is not None:
                    converted[index] = converted.get(target, target)
        previous = index
    restatements = [(candidates[index].currency, candidates[index].value, target)
                    for index, target in converted.items()]
    for index, candidate in enumerate(candidates):
        if candidate.currency is None or index in converted:
            continue
        for currency, value, target in restatements:
            # Headlines round the conversion ("$1.2 billion" for "(about $1.19 billion)").
            if currency == candidate.currency and abs(Decimal(candidate.value) - Decimal(value)) <= Decimal(value) * _ROUNDING:
                converted[index] = target
                break
    return converted


_ROUNDING = Decimal("0.03")


def _restates_sentence_before(prepared: PreparedText, before: Candidate, candidate: Candidate) -> bool:
    """``candidate`` opens a sentence that restates ``before``, the last amount of the sentence before."""
    start = prepared.sentence_at(candidate.start)[0]
    if candidate.start - start > 80 or prepared.sentence_index(before.start) != prepared.sentence_index(candidate.start) - 1:
        return False
    return _RESTATING_SENTENCE.fullmatch(prepared.text, start, candidate.start) is not None


# Words that give one amount to several parties ("500,000 yuan each"): the same amount twice is
# then two figures, not a repeat. Read on the original sentence, so in both scripts.
DISTRIBUTIVE = re.compile(r"\beach\b|apiece|respectively|分[别別]|各(?:[处處罚罰被自遭])|均(?:[被处處罚罰])|每家",
                           re.IGNORECASE)


def merge_repeats(figures: Sequence[Figure]) -> list[Figure]:
    """One figure per fact: a later figure with the same metric, role, value (also the same
    rounded: a headline's 3.44 billion for 3.442, 3,900 websites for 3,912; or a qualified round
    number near it: "nearly 4,000"), unit and party as an earlier one, and a period and scope that agree with it (equal, or not stated in one of
    them: a headline states less), is a repeat of it (a headline, a caption, a summary). Its
    spans join the earlier figure's ``other_spans`` and what it states (a period, a scope, a
    party) fills the earlier one's gaps. Figures without a metric or role, equal amounts in one
    sentence, and an amount given to each of several parties and an equal amount of one party,
    are never merged. Idempotent;
    ``find_figures`` applies it, and a step that sets ``party`` afterwards may apply it again."""
    kept: list[Figure] = []
    earlier: dict[tuple[object, ...], list[int]] = {}
    for figure in figures:
        if figure.metric is None and figure.role is None:
            kept.append(figure)
            continue
        exact = (figure.metric, _fact(figure.role), figure.value, _unit(figure))
        same = earlier.setdefault(exact, [])
        index = next((i for i in same if _agree(kept[i], figure) and _same_role(kept[i], figure)), None)
        if index is None:
            index = next((i for i, other in enumerate(kept)
                          if (other.metric, _fact(other.role), other.unit if other.currency is not None else "") == exact[:2] + exact[3:]
                          and _rounded(other.value, figure.value) and _agree(other, figure)
                          and _same_role(other, figure)), None)
        approximated = False
        if index is None:
            index = next((i for i, other in enumerate(kept)
                          if (other.metric, _fact(other.role), other.unit if other.currency is not None else "") == exact[:2] + exact[3:]
                          and _approximates(other, figure) and _agree(other, figure)
                          and _same_role(other, figure)), None)
            approximated = index is not None
        # An amount given to each of several parties is no repeat of one party's equal fine; a
        # second "each" statement of it (a headline's 各遭罚款50万元) is.
        if index is None or _distributive(kept[index]) != _distributive(figure) \
                or (not approximated and _same_sentence(kept[index], figure)):
            same.append(len(kept))
            kept.append(figure)
            continue
        first = kept[index]
        if _significant(Decimal(figure.value)) > _significant(Decimal(first.value)):
            # The precise statement (the body's 3.442 billion) is the figure; the rounded one a repeat.
            first, figure = replace(figure, other_spans=()), replace(first, other_spans=(
                *first.other_spans, *figure.other_spans))
        kept[index] = replace(
            first,
            # 个 is the generic measure word: a specific one (家, 款) of the same count is kept.
            unit=figure.unit if first.unit == _GENERIC_MEASURE and first.currency is None else first.unit,
            other_spans=(*first.other_spans, (figure.start, figure.end), *figure.other_spans),
            period=_narrower(first.period, figure.period),
            scope=first.scope or figure.scope,
            party=first.party or figure.party,
        )
        if first.role == FINE and figure.role != FINE:
            # A fine restating a total or a part stated earlier (or later) is that total or part.
            kept[index] = replace(kept[index], role=figure.role, part_of=figure.part_of)
    return sorted(kept, key=lambda figure: figure.start)


_GENERIC_MEASURE = "个"


def _unit(figure: Figure) -> str:
    """A count's measure word does not tell two facts apart (a headline's 关闭93个违法网站 and
    the body's 网站93家 are one count of the metric); a currency does."""
    return figure.unit if figure.currency is not None else ""


def _fact(role: str | None) -> str | None:
    """A total or a part is a fine imposed too: stated again without its sum (a caption, a later
    paragraph), it is the same fact (see ``_same_role``)."""
    return FINE if role in FINE_ROLES else role


def _same_role(first: Figure, second: Figure) -> bool:
    """Equal roles; or a fine and a total or part of the same named party (a part of one
    company's total and another company's equal fine are two facts: the party must say so)."""
    if first.role == second.role:
        return True
    if first.party is None and second.party is None and TOTAL in (first.role, second.role):
        # A total stated again without its sum (a headline's combined fine, a caption's total of
        # a year's fines) is one fact; parties are not yet set when figures are first merged,
        # and a part's equal amount may be another party's fine.
        return first.currency is not None and {first.role, second.role} <= FINE_ROLES
    return first.party is not None and second.party is not None and _same_name(first.party, second.party)


def _same_name(first: str, second: str) -> bool:
    # A headline's "BEH Group" and the body's "the BEH group" name one party.
    return first == second or first.casefold() == second.casefold()


def _rounded(first: int | Decimal, second: int | Decimal) -> bool:
    """One amount is the other rounded or cut to the digits it is written with (a headline's
    "3.44 billion yuan" for the body's 3.442 billion, "£1.2m" for £1.25 million); at least two
    significant digits."""
    a, b = Decimal(first), Decimal(second)
    if a == b or a <= 0 or b <= 0:
        return a == b
    short, long = (a, b) if _significant(a) <= _significant(b) else (b, a)
    digits = _significant(short)
    if digits < 2 or digits == _significant(long):
        return False
    step = Decimal(1).scaleb(long.adjusted() - digits + 1)
    return short in (long.quantize(step, rounding=ROUND_HALF_UP), long.quantize(step, rounding=ROUND_DOWN))


# A qualified round number ("nearly 3,000 websites", "more than 100,000 accounts", 近3000家,
# 4000余家) restates a precise figure of the same fact that lies within a tenth of it.
_QUALIFIER_BEFORE = re.compile(
    r"(?:nearly|almost|about|around|approximately|roughly|over|more\s+than|close\s+to|upwards\s+of|some"
    r"|近|约|超过|逾|超)\s*(?:the\s+)?(?:[$€£¥]|rmb|usd|eur|gbp|cny|人民币)?\s*$", re.IGNORECASE)
_QUALIFIER_AFTER = re.compile(r"[万亿千百]?\s*(?:余|多)")
_APPROXIMATION = Decimal("0.1")


def _approximates(first: Figure, second: Figure) -> bool:
    a, b = Decimal(first.value), Decimal(second.value)
    if a <= 0 or b <= 0 or a == b:
        return False
    rough = first if _significant(a) < _significant(b) else second
    if _significant(Decimal(rough.value)) > 2 or not _qualified(rough):
        return False
    return abs(a - b) <= max(a, b) * _APPROXIMATION


def _qualified(figure: Figure) -> bool:
    at = figure.sentence.find(figure.text)
    lead = figure.sentence[max(0, at - 30):at] if at >= 0 else ""
    number = _FIRST_DIGIT.search(figure.text)
    if number is None:
        return False
    head = lead + figure.text[:number.start()]
    return bool(_QUALIFIER_BEFORE.search(head) or _QUALIFIER_AFTER.match(figure.text, number.end()))


_FIRST_DIGIT = re.compile(r"[\d一二三四五六七八九十两][\d.,一二三四五六七八九十两〇零]*")


def _significant(value: Decimal) -> int:
    return len(value.normalize().as_tuple().digits)


def _agree(first: Figure, second: Figure) -> bool:
    """Periods and parties agree when equal or one is unstated; scopes also when both are
    national (a headline's 国家网信办 and the body's 全国网信系统), never across provinces."""
    if not (None in (first.period, second.period) or first.period == second.period
            or _nested(first.period, second.period)):
        return False
    if first.party is not None and second.party is not None and not _same_name(first.party, second.party):
        return False
    if None in (first.scope, second.scope) or first.scope == second.scope:
        return True
    return not any(scope.startswith("province:") for scope in (first.scope, second.scope) if scope)


def _days(period: str) -> tuple[date, date] | None:
    parsed = Period.parse(period)
    if parsed is None:
        return None
    if parsed.kind == "range" and parsed.first is not None:
        return parsed.first, parsed.end()
    first_month = 1 if parsed.kind == "year" else (parsed.part - 1) * (6 if parsed.kind == "half" else 3) + 1
    return date(parsed.year, first_month, 1), parsed.end()


def _nested(first: str | None, second: str | None) -> bool:
    """One period lies inside the other: a headline's "this year" and the body's "since April"
    state one total, the body more precisely."""
    if first is None or second is None:
        return False
    a, b = _days(first), _days(second)
    if a is None or b is None:
        return False
    return (a[0] <= b[0] and b[1] <= a[1]) or (b[0] <= a[0] and a[1] <= b[1])


def _narrower(first: str | None, second: str | None) -> str | None:
    if first is None or second is None or first == second:
        return first or second
    a, b = _days(first), _days(second)
    if a is None or b is None:
        return first
    return second if (b[1] - b[0]) < (a[1] - a[0]) else first


def _same_sentence(first: Figure, second: Figure) -> bool:
    # Two equal amounts in one sentence are two parties' ("对甲罚款50万元，对乙罚款50万元").
    return first.sentence == second.sentence and abs(first.start - second.start) < len(first.sentence)


def _distributive(figure: Figure) -> bool:
    """The figure's own clause gives its amount to each of several parties ("各处100万元罚款",
    "fined €5m each"); another clause's 各 in the sentence is about other amounts."""
    sentence = figure.sentence
    at = sentence.find(figure.text)
    if at < 0:
        return bool(DISTRIBUTIVE.search(sentence))
    start = max((sentence.rfind(mark, 0, at) for mark in "，,；;。"), default=-1) + 1
    end = _CLAUSE_END.search(sentence, at + len(figure.text))
    return bool(DISTRIBUTIVE.search(sentence, start, end.start() if end else len(sentence)))


_CLAUSE_END = re.compile(r"[，；;。]|,(?!\d{3})")
