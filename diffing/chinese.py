"""Traditional to Simplified Chinese (OpenCC), keeping every position traceable to the original.

Matching runs on Simplified text, but spans shown to users point into the text as published,
so each conversion returns an ``OffsetMap`` from converted positions back to original ones.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

import opencc

from diffing.scans import compile_scan

__all__ = ["OffsetMap", "detect_language", "to_simplified"]

# Runs, not single characters: counting the characters of a few runs is cheaper than listing
# each character.
_CJK_RUN = compile_scan(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_RUN = compile_scan(r"[A-Za-z]+")


@dataclass(frozen=True)
class OffsetMap:
    """Where each position of a converted text came from in the original.

    ``starts`` is ``None`` when the conversion kept every character in place (the usual case:
    OpenCC's t2s tables map characters and phrases to the same length).
    """

    original_length: int
    starts: tuple[int, ...] | None = None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the converted span ``[start, end)``."""
        if self.starts is None:
            return start, end
        converted_length = len(self.starts)
        start = min(max(start, 0), converted_length)
        end = min(max(end, start), converted_length)
        original_start = self.starts[start] if start < converted_length else self.original_length
        original_end = self.starts[end] if end < converted_length else self.original_length
        return original_start, max(original_end, original_start)

    def to_converted(self, position: int) -> int:
        """The converted position of the original ``position`` (the first one made from it)."""
        if self.starts is None:
            return position
        return bisect_left(self.starts, position)


_LOCAL = threading.local()


def _converter() -> opencc.OpenCC:
    # One converter per thread: the binding gives no promise about sharing one across threads.
    converter = getattr(_LOCAL, "t2s", None)
    if converter is None:
        converter = opencc.OpenCC("t2s")
        _LOCAL.t2s = converter
    return converter


def to_simplified(text: str) -> tuple[str, OffsetMap]:
    """``text`` in Simplified characters, and the map back to positions in ``text``.

    Whole-text conversion is kept when it preserves the length; otherwise each line is
    converted alone, and a line whose length still changes falls back to one character at a
    time, where a character that would become several is left as it was. Never raises.
    """
    converter = _converter()
    converted = converter.convert(text)
    if len(converted) == len(text):
        return converted, OffsetMap(len(text))
    pieces: list[str] = []
    starts: list[int] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        line_converted = converter.convert(line)
        if len(line_converted) == len(line):
            pieces.append(line_converted)
            starts.extend(range(offset, offset + len(line)))
        else:
            for index, character in enumerate(line):
                single = _convert_character(character)
                pieces.append(single)
                starts.append(offset + index)
        offset += len(line)
    return "".join(pieces), OffsetMap(len(text), tuple(starts))


@lru_cache(maxsize=4096)
def _convert_character(character: str) -> str:
    single = _converter().convert(character)
    return single if len(single) == 1 else character


def detect_language(text: str, simplified: str | None = None) -> str:
    """``"zh-Hant"``, ``"zh-Hans"`` or ``"en"``: Chinese when ideographs outweigh Latin letters
    (one ideograph carries about a word), Traditional when OpenCC changes a noticeable share
    of them. ``simplified`` is ``to_simplified(text)[0]`` when the caller already has it."""
    ideographs = 0 if text.isascii() else sum(map(len, _CJK_RUN.findall(text)))
    if ideographs == 0 or ideographs * 4 < sum(map(len, _LATIN_RUN.findall(text))):
        return "en"
    if simplified is None:
        simplified = to_simplified(text)[0]
    if len(simplified) != len(text):
        return "zh-Hant"
    if simplified == text:
        return "zh-Hans"
    changed = sum(1 for a, b in zip(text, simplified, strict=True) if a != b)
    return "zh-Hant" if changed >= max(1, ideographs // 50) else "zh-Hans"
