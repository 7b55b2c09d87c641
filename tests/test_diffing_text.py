"""Preparing a text for matching: what is repaired before any pattern reads it.

The sentences are written for these tests; company names are made up.
"""

from __future__ import annotations

from diffing.text import prepare


def test_a_full_stop_typed_for_the_decimal_point_is_read_as_one() -> None:
    original = "欧盟委员会对星河公司处以31。5亿欧元的罚款。"
    prepared = prepare(original)
    assert "31.5亿" in prepared.text
    assert len(prepared.text) == len(original)


def test_a_full_stop_between_sentences_stays() -> None:
    prepared = prepare("该公司被罚款300万元。5万名用户受到影响。")
    assert prepared.sentence_count() == 2
