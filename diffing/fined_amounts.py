"""Which amount a fined platform pays when one sentence fines several: amounts given
分别/"respectively", an amount in the bracket after each name, and a fine whose verb is gapped
("Apple was fined €500m and Meta €200m")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from diffing.amounts import AmountMatch
from diffing.clauses import Governed
from diffing.found import Found
from diffing.numbers import Amount
from diffing.spans import SortedSpans
from diffing.text import PreparedText

__all__ = ["RESPECTIVELY", "bracketed_amounts", "gapped_fines", "respective_amounts"]


RESPECTIVELY = re.compile(r"分别|分別|respectively")


def respective_amounts(prepared: PreparedText, group: Sequence[Found],
                        amounts: SortedSpans[AmountMatch]) -> list[Amount] | None:
    """对京东、拼多多分别处以罚款50万元、30万元: one amount per name, in order, when the sentence
    says 分别 ("respectively") and states as many amounts after the names."""
    _, sentence_end = prepared.sentence_at(group[0].start)
    if not RESPECTIVELY.search(prepared.text, group[-1].end, sentence_end):
        return None
    after = _without_conversions(prepared.text, amounts.within(group[-1].end, sentence_end))
    if len(after) != len(group):
        return None
    return [match.amount for match in after]


# "KRW69.2bn (USD49.58m) and KRW30.8bn (USD22.07m), respectively": the bracketed amount restates
# the one before it in another currency.
_CONVERSION_BRACKET = re.compile(r"\s*[(（]\s*(?:about|around|approximately|approx\.?|roughly|some|nearly|约|合|折合|约合)?\s*")


def _without_conversions(text: str, found: Sequence[AmountMatch]) -> list[AmountMatch]:
    kept: list[AmountMatch] = []
    for match in found:
        if kept and match.amount.currency != kept[-1].amount.currency \
                and _CONVERSION_BRACKET.fullmatch(text, kept[-1].end, match.start):
            continue
        kept.append(match)
    return kept


def gapped_fines(
    prepared: PreparedText,
    groups: Sequence[Sequence[Found]],
    governed: Sequence[Governed],
    readings: list[tuple[str | None, tuple[str, ...], Amount | None]],
    amounts: SortedSpans[AmountMatch],
) -> list[tuple[str | None, tuple[str, ...], Amount | None]]:
    """"Apple was fined €500 million and Meta €200 million": a name followed by an amount, with
    no verb of its own, after a party its sentence fined, is fined that amount (the verb is
    gapped)."""
    result = list(readings)
    for index, (group, said) in enumerate(zip(groups, governed, strict=True)):
        if result[index][1] or said.host or said.speaker or index == 0:
            continue
        amount = amounts.within(group[-1].end, min(len(prepared.text), group[-1].end + 24))
        if not amount or not _GAPPED_AMOUNT.fullmatch(prepared.text, group[-1].end, amount[0].start):
            continue
        sentence = prepared.sentence_index(group[0].start)
        sentences = {sentence}
        if sentence > 0:
            previous_start, previous_end = prepared.sentence(sentence - 1)
            if _GOES_ON.search(prepared.text, previous_start, previous_end):
                sentences.add(sentence - 1)  # "…; Meta €200 million", "Apple Inc. EUR 500 million and…"
        earlier = [position for position in range(index)
                   if prepared.sentence_index(groups[position][0].start) in sentences and "fined" in result[position][1]]
        if earlier:
            result[index] = ("fined", ("fined",), amount[0].amount)
    return result


_GOES_ON = re.compile(r"(?:;|；|\b(?:inc|ltd|co|corp|plc)\.)\s*$")
_GAPPED_AMOUNT = re.compile(r"[\s,]*(?:(?:platforms|inc|ltd|limited)\.?\s*)?")


def bracketed_amounts(prepared: PreparedText, group: Sequence[Found],
                       amounts: SortedSpans[AmountMatch]) -> list[Amount] | None:
    """"fined two firms: A Ltd (£60,000) and B Ltd (£40,000)": each name's own amount in the
    bracket just after it, when every name of the list has one."""
    result = []
    for item in group:
        bracket = _AMOUNT_BRACKET.match(prepared.text, item.end)
        inside = amounts.within(item.end, bracket.end()) if bracket else []
        if not inside:
            return None
        result.append(inside[0].amount)
    return result


_AMOUNT_BRACKET = re.compile(r"\s*[(（][^()（）\n]{1,30}[)）]")
