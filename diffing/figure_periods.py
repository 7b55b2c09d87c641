"""Which period a figure covers: the period mention that frames its clause (nearest in the
clause, else the last one carried from before), a comparison's base continued by a 、-list, an
English period closing its sentence, and whether an amount of money covers a period at all (a
single decision's does not; a sum or a repeated penalty over a stated span does).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

from diffing.figure import Candidate
from diffing.period import PeriodMention
from diffing.scopes import ScopeMention
from diffing.spans import SortedSpans
from diffing.text import PreparedText

__all__ = ["compared_base", "in_sentence", "mention_for", "money_covers_period", "sentence_final"]


_Mention = TypeVar("_Mention", PeriodMention, ScopeMention)


def mention_for(mentions: SortedSpans[_Mention], carried: SortedSpans[_Mention],
                 clause: tuple[int, int], anchor: int) -> _Mention | None:
    """The mention in the figure's clause nearest to it, else the last one before it that is
    not the base of a comparison (``carried``)."""
    in_clause = mentions.starting(*clause)
    if in_clause:
        return min(in_clause, key=lambda m: abs(m.start - anchor))
    return carried.last_before(anchor)


def compared_base(prepared: PreparedText, periods: SortedSpans[PeriodMention],
                   clause: tuple[int, int]) -> PeriodMention | None:
    """The comparison's period whose 、-list the clause continues, if it does."""
    sentence_start = prepared.sentence_at(clause[0])[0]
    before = periods.starting(sentence_start, clause[0])
    if not before or not before[-1].comparison or before[-1].period is None:
        return None
    base = before[-1]
    return None if _LIST_BREAK.search(prepared.text, base.end, clause[0]) else base


# Anything but a 、 ends a comparison's list of figures.
_LIST_BREAK = re.compile(r"[。！？；!?;\n，,：:]")


def sentence_final(prepared: PreparedText, periods: SortedSpans[PeriodMention],
                    candidates: Sequence[Candidate], candidate: Candidate) -> PeriodMention | None:
    """An English period that ends a sentence after its last count ("…, issued warnings to
    1,042, and shut down 9,122 websites in the first half of the year.") frames every count of
    the sentence, not only the last."""
    sentence_end = prepared.sentence_at(candidate.start)[1]
    after = periods.starting(candidate.end, sentence_end)
    if not after:
        return None
    final = after[-1]
    if final.period is None or final.comparison or not final.carries \
            or not _SENTENCE_TAIL.fullmatch(prepared.text, final.end, sentence_end):
        return None
    clause_start, _ = prepared.clause_at(final.start)
    if _EN_COMPARED.search(prepared.text, clause_start, final.start) \
            or not any(clause_start <= other.start < final.start and other.currency is None for other in candidates):
        return None
    return final


# "…, compared with 200 in 2022": the period dates the base of a comparison.
_EN_COMPARED = re.compile(r"\b(?:compared|than|versus|vs|(?:up|down|rising|falling|increase|decrease)\s+(?:from|on))\b")
_SENTENCE_TAIL = re.compile(r"[\s.;!?\"'”’)]*")


def in_sentence(prepared: PreparedText, candidate: Candidate, mention: PeriodMention | None) -> bool:
    if mention is None:
        return False
    sentence_start, sentence_end = prepared.sentence_at(candidate.start)
    return sentence_start <= mention.start < sentence_end


def money_covers_period(prepared: PreparedText, candidate: Candidate, mention: PeriodMention | None) -> bool:
    """A single decision's amount covers no period (it is dated by the decision); only an
    amount summed or repeated over a stated span ("1月至11月…多次予以罚款…累计罚款900万元") does."""
    if mention is None or mention.period is None:
        return False
    sentence_start, sentence_end = _joined_sentence(prepared, candidate.start)
    if not sentence_start <= mention.start < sentence_end:
        return _sums_the_sentence_before(prepared, candidate, mention)
    if _CASE_PARTY.search(prepared.text, sentence_start, candidate.start):
        # 对当事人…作出行政处罚…累计罚款560万元: one case's decisions on its party, dated by
        # them, even when summed over a series.
        return False
    clause_start, _ = prepared.clause_at(candidate.start)
    if _ACCUMULATED.search(prepared.text, clause_start, candidate.end) \
            or _REPEATED.search(prepared.text, clause_start, candidate.start) \
            or _SUMMED_AFTER.match(prepared.text, candidate.end):
        return True
    # "办结案件24件，罚款428万元", "closed 310 cases, with fines of $2m": the cases' fines summed.
    return bool(_CASES_COUNTED.search(prepared.text, max(sentence_start, mention.end), candidate.start)
                or _PENALTIES_COUNTED.search(prepared.text, max(sentence_start, mention.end, candidate.start - 24),
                                             candidate.start))


def _joined_sentence(prepared: PreparedText, position: int) -> tuple[int, int]:
    """The sentence around ``position`` with the sentences a semicolon joins to it before
    (2025年1-6月…罚单39张、罚没金额合计1.30亿元；综合罚单4张、罚没金额合计1897.24万元): clauses
    in parallel under one head, which states their span."""
    index = prepared.sentence_index(position)
    start, end = prepared.sentence(index)
    paragraph = prepared.paragraph_index(position)
    while index > 0:
        before_start, before_end = prepared.sentence(index - 1)
        if prepared.text[before_start:before_end].rstrip()[-1:] not in ("；", ";") \
                or prepared.paragraph_index(before_start) != paragraph:
            break
        index -= 1
        start = before_start
    return start, end


# The party of one case as a write-up calls it (对当事人, 责令当事人).
_CASE_PARTY = re.compile(r"(?:对|责令|给予|令)\s*当事人")
def _sums_the_sentence_before(prepared: PreparedText, candidate: Candidate, mention: PeriodMention) -> bool:
    """"Since the beginning of the year, X has been repeatedly fined… The total amount of fines
    is 70m": a sentence opened by a span that reports repeated decisions, and the amount of the
    next sentence of its paragraph, their sum, covers the span."""
    sentence = prepared.sentence_index(candidate.start)
    if not mention.carries or prepared.sentence_index(mention.start) != sentence - 1 \
            or prepared.paragraph_index(mention.start) != prepared.paragraph_index(candidate.start):
        return False
    before_start, before_end = prepared.sentence_at(mention.start)
    return bool(_REPEATED.search(prepared.text, before_start, before_end))


_ACCUMULATED = re.compile(
    r"累计|总计|合计|共计|总额|总金额|总数额|共[被遭挨]?(?:罚|处以?罚)|total|combined|altogether|cumulative|so\s+far")
# An amount imposed again and again over the span (多次予以顶格50万元罚款, "repeatedly fined it
# 500,000 yuan"): repeated over the period, as a sum is.
_REPEATED = re.compile(r"多次|屡次|数次|反复|一再|\brepeatedly\b|\b(?:several|multiple|many)\s+times\b"
                       r"|\bon\s+(?:several|multiple|many|\w+)\s+occasions\b")
# "1.2万件", "3,200余件": a count of cases with its decimals, 万 and 余.
_CASES_COUNTED = re.compile(
    r"案件?[^，,。；;\d]{0,6}\d[\d,.]*\s*[万千]?\s*[余多]?\s*[件起宗]|\d[\d,.]*\s*[万千]?\s*[余多]?\s*(?:[件起宗]案|cases\b)")
# "£2m in fines", "$40 million in penalties": the sum of several fines.
# "裁罚20件、金额3280万元": the amount right after penalties counted in 件 is their sum.
_PENALTIES_COUNTED = re.compile(r"罚\s*\d[\d,.]*\s*[万千]?\s*[余多]?\s*[件起宗]\s*[、，,]?\s*(?:罚没|罚款)?(?:总?金额|总额)?\s*(?:为|达|约|共)?\s*$")
# "2.3 billion yuan (US$350 million) in antitrust fines", "the 450 million yuan collected": fines
# summed, or money taken in from many.
_SUMMED_AFTER = re.compile(r"\s*(?:[(（][^()（）\n]{1,40}[)）]\s*)?(?:in\s+(?:[a-z-]+\s+)?(?:fines|penalties)\b"
                           r"|(?:received|collected|taken\s+in)\b)")
