"""Preparing a text for matching: what is repaired before any pattern reads it.

The sentences are written for these tests; company names are made up.
"""

from __future__ import annotations

import pytest

from diffing.text import prepare


def test_a_full_stop_typed_for_the_decimal_point_is_read_as_one() -> None:
    original = "欧盟委员会对星河公司处以31。5亿欧元的罚款。"
    prepared = prepare(original)
    assert "31.5亿" in prepared.text
    assert len(prepared.text) == len(original)


def test_a_full_stop_between_sentences_stays() -> None:
    prepared = prepare("该公司被罚款300万元。5万名用户受到影响。")
    assert prepared.sentence_count() == 2


@pytest.mark.parametrize(("text", "sentences"), [
    # an abbreviation the sentence goes on after, in lower case or with a digit
    ("Orbit paid 3 billion won, or some 2 million U.S. dollars, to settle the case.", 1),
    ("Starlight Trading Co. in Hangzhou was fined 20,000 yuan.", 1),
    # an abbreviation that ends a sentence before a capital still ends it
    ("The firm moved its servers to the U.S. The regulator fined it 20,000 yuan.", 2),
])
def test_an_abbreviations_full_stop_ends_a_sentence_only_before_a_new_one(text: str, sentences: int) -> None:
    assert prepare(text, "en").sentence_count() == sentences
