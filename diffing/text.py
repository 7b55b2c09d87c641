"""A notice's text prepared for matching: Simplified, width- and case-folded, cut into
paragraphs, sentences and clauses, with every position traceable to the original text."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from diffing.chinese import OffsetMap, detect_language, to_simplified
from diffing.numbers import fold_ascii_case, normalise_width
from diffing.scans import compile_scan

__all__ = ["PreparedText", "prepare"]

# A sentence longer than this is cut: it bounds the work any one figure or name can cause,
# whatever the input (a megabyte of text without a full stop included).
MAX_SENTENCE = 600
MAX_CLAUSE = 200

# "Apple Inc. EUR 500 million", "Epic Games, Inc. agreed to pay": a company's legal form, not a
# stop, when what follows goes on the sentence (an amount, a bracket, a verb or a conjunction).
# A question or exclamation mark before a comma is a stray mark (a headline's "这8款APP?,被下架"), no stop.
# Both stop patterns take the stop character first and then test what it may not stand by:
# a pattern opening with a class lets a scan pass over every other character at once, one
# opening with alternatives led by classes or assertions is tried at every position (half the
# time of the plain alternation).
_SENTENCE_END = re.compile(
    r"[。；;\n！？!?.](?:(?<=[。；;\n])|(?<=[！？!?])(?![,，、])"
    r"|(?<=\.)(?=\s|$)(?:(?<!\binc\.)(?<!\bltd\.)"
    r"|(?!\s+(?:eur|usd|gbp|cny|rmb|€|\$|£|\d|\(|and\b|or\b|to\b|was\b|were\b|has\b|had\b|is\b"
    r"|agreed\b|will\b|for\b|of\b|in\b|on\b|by\b|with\b))))"
)
# An abbreviation's full stop ("U.S. dollars", "Alibaba Group Co. in Hangzhou") ends no
# sentence when the original goes on in lower case or with a digit.
_ABBREVIATION = re.compile(
    r"(?:\b[a-z]\.[a-z]\.(?:[a-z]\.)?|\b(?:co|corp|inc|ltd|no|nos|mr|ms|mrs|dr|st|vs|approx)\.)$")
_GOES_ON = re.compile(r"\s+[a-z\d]")
# A comma between a digit and exactly three digits groups thousands; any other ends a clause.
_CLAUSE_END = re.compile(r"[。；;\n，、：:（）()！？!?.,](?:(?<=[。；;\n，、：:（）()])|(?<=[！？!?])(?![,，、])"
                         r"|(?<=\.)(?=\s|$)|(?<=,)(?!(?<=\d,)\d{3}(?!\d)))")


@dataclass
class PreparedText:
    """``text`` is what matchers read; spans over it map back to ``original``."""

    original: str
    text: str
    offsets: OffsetMap
    language: str
    _sentence_starts: list[int] = field(default_factory=list)
    _sentence_ends: list[int] = field(default_factory=list)
    _paragraph_starts: list[int] = field(default_factory=list)
    _clause_breaks: list[int] = field(default_factory=list)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets.to_original(start, end)

    def original_text(self, start: int, end: int) -> str:
        original_start, original_end = self.original_span(start, end)
        return self.original[original_start:original_end]

    # The lookups below are asked for every figure, clause and mention: ``(bisect or 1) - 1`` is
    # ``max(bisect - 1, 0)`` without a call, and the sentence is looked up inline.

    def sentence_index(self, position: int) -> int:
        return (bisect_right(self._sentence_starts, position) or 1) - 1

    def sentence(self, index: int) -> tuple[int, int]:
        starts = self._sentence_starts
        if not starts:
            return 0, len(self.text)
        if not 0 <= index < len(starts):
            index = 0 if index < 0 else len(starts) - 1
        return starts[index], self._sentence_ends[index]

    def sentence_count(self) -> int:
        return len(self._sentence_starts)

    def sentence_at(self, position: int) -> tuple[int, int]:
        # ``sentence(sentence_index(position))``, inline.
        starts = self._sentence_starts
        if not starts:
            return 0, len(self.text)
        index = (bisect_right(starts, position) or 1) - 1
        return starts[index], self._sentence_ends[index]

    def paragraph_index(self, position: int) -> int:
        return (bisect_right(self._paragraph_starts, position) or 1) - 1

    def clause_at(self, position: int) -> tuple[int, int]:
        """The clause around ``position``: between clause marks, inside its sentence, and at
        most ``MAX_CLAUSE`` characters either side."""
        starts = self._sentence_starts
        if starts:  # ``sentence_at(position)``, inline
            index = (bisect_right(starts, position) or 1) - 1
            sentence_start, sentence_end = starts[index], self._sentence_ends[index]
        else:
            sentence_start, sentence_end = 0, len(self.text)
        breaks = self._clause_breaks
        index = bisect_right(breaks, position)
        start = breaks[index - 1] + 1 if index > 0 else 0
        end = breaks[index] if index < len(breaks) else len(self.text)
        start = max(start, sentence_start, position - MAX_CLAUSE)
        end = min(end, sentence_end, position + MAX_CLAUSE)
        return start, max(end, start)

    def original_sentence(self, position: int) -> str:
        start, end = self.sentence_at(position)
        return self.original_text(start, end).strip()


# Pinyin in parentheses after each ideograph (網(wǎng)站, some reposting sites' ruby glosses): it
# splits every keyword and number-with-measure-word apart, so it is read past. Only a syllable
# with a tone mark is a gloss; "(app)" or "(CNKI)" after a name is kept. The glosses land inside
# Latin words and numbers too (A(yù)PP).
_PINYIN_GLOSS = compile_scan(r"(?<=[0-9A-Za-z\u3400-\u9fff])\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)")


def _without_glosses(text: str, offsets: OffsetMap) -> tuple[str, OffsetMap]:
    glosses = [match.span() for match in _PINYIN_GLOSS.finditer(text)]
    if not glosses:
        return text, offsets
    pieces: list[str] = []
    kept: list[int] = []
    position = 0
    for start, end in glosses:
        pieces.append(text[position:start])
        kept.extend(range(position, start))
        position = end
    pieces.append(text[position:])
    kept.extend(range(position, len(text)))
    starts = offsets.starts
    return "".join(pieces), OffsetMap(offsets.original_length,
                                      tuple(kept) if starts is None else tuple(starts[i] for i in kept))


# The full stop first: a scan for a literal skips ahead, a lookbehind is tried everywhere.
_FULL_STOP_DECIMAL = re.compile(r"。(?<=\d。)(?=\d{1,4}\s*[万亿])")


def prepare(original: str, language: str | None = None) -> PreparedText:
    """Prepare ``original`` for matching; ``language`` overrides detection."""
    widened = normalise_width(original)
    simplified, offsets = to_simplified(widened)
    if "(" in simplified:
        simplified, offsets = _without_glosses(simplified, offsets)
    text = fold_ascii_case(simplified)
    if "。" in text:
        # 24。2亿欧元: a full stop typed for the decimal point inside an amount (no sentence
        # starts with the digits of 万 or 亿 right after another number); same length, same offsets.
        text = _FULL_STOP_DECIMAL.sub(".", text)
    if language is None:
        language = detect_language(widened, simplified if offsets.starts is None else None)
    prepared = PreparedText(original=original, text=text, offsets=offsets, language=language)
    _segment(prepared)
    return prepared


# A line break inside a sentence (reposts that wrap every few words): after a comma, or before a
# count when the line before has no stop of its own (首批清理下架 / 105款违法违规移动应用程序).
_WRAPPED_AFTER = re.compile(r"[,，、]\s*$")
_OPEN_LINE_END = re.compile(r"[^\s。！？!?；;：:.]\s*$")
_COUNT_OPENS = re.compile(r"\s*\d[\d,.]*\s*(?:余|多)?\s*[款个家件条起宗名]")


def _wrapped_breaks(text: str) -> set[int]:
    """The line breaks of ``text`` that end no sentence: the lines they join are one."""
    joined: set[int] = set()
    position = text.find("\n")
    while position != -1:
        run_end = position
        while run_end < len(text) and text[run_end] in "\n \t\u3000":
            run_end += 1
        before = max(0, position - 8)
        if _WRAPPED_AFTER.search(text, before, position) or (
                _OPEN_LINE_END.search(text, before, position) and _COUNT_OPENS.match(text, run_end)):
            joined.update(index for index in range(position, run_end) if text[index] == "\n")
        position = text.find("\n", run_end)
    return joined


def _segment(prepared: PreparedText) -> None:
    text = prepared.text
    starts: list[int] = []
    ends: list[int] = []
    start = 0
    joined = _wrapped_breaks(text) if "\n" in text else set()
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if joined and match.start() in joined:
            continue
        if text[end - 1] == "." and _ABBREVIATION.search(text, max(start, end - 7), end) \
                and _GOES_ON.match(prepared.original, prepared.offsets.to_original(end, end)[0]):
            continue
        _add_sentence(starts, ends, start, end)
        start = end
    if start < len(text):
        _add_sentence(starts, ends, start, len(text))
    prepared._sentence_starts = starts
    prepared._sentence_ends = ends
    paragraph_starts = [0]
    position = text.find("\n")
    while position != -1:
        paragraph_starts.append(position + 1)
        position = text.find("\n", position + 1)
    prepared._paragraph_starts = paragraph_starts
    prepared._clause_breaks = [match.start() for match in _CLAUSE_END.finditer(text) if match.start() not in joined]


def _add_sentence(starts: list[int], ends: list[int], start: int, end: int) -> None:
    while end - start > MAX_SENTENCE:
        starts.append(start)
        ends.append(start + MAX_SENTENCE)
        start += MAX_SENTENCE
    if end > start:
        starts.append(start)
        ends.append(end)
