"""Traditional to Simplified with offsets, and language detection (diffing.chinese)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from diffing.chinese import OffsetMap, detect_language, to_simplified


def test_traditional_reads_as_simplified_in_place() -> None:
    simplified, offsets = to_simplified("約談網站10646家，關閉違法違規賬號127878個")
    assert simplified == "约谈网站10646家，关闭违法违规账号127878个"
    assert offsets.starts is None
    assert offsets.to_original(4, 9) == (4, 9)


def test_simplified_text_is_unchanged() -> None:
    text = "全年共约谈网站10646家，下架移动应用程序259款。"
    assert to_simplified(text)[0] == text


def test_offset_map_when_lengths_differ() -> None:
    # Three original characters became two converted ones at 1..3.
    offsets = OffsetMap(original_length=5, starts=(0, 1, 3, 4))
    assert offsets.to_original(0, 1) == (0, 1)
    assert offsets.to_original(1, 2) == (1, 3)
    assert offsets.to_original(2, 4) == (3, 5)
    assert offsets.to_converted(3) == 2


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("約談網站關閉賬號個萬億臺灣後髮乾麵著週於約谈网站abc 12，。"), max_size=60))
def test_every_span_maps_into_the_original(text: str) -> None:
    simplified, offsets = to_simplified(text)
    for start in range(len(simplified) + 1):
        original_start, original_end = offsets.to_original(start, len(simplified))
        assert 0 <= original_start <= original_end <= len(text)


def test_detect_language() -> None:
    assert detect_language("2023年，全国网信系统约谈网站10646家。") == "zh-Hans"
    assert detect_language("2023年，全國網信系統約談網站10646家。") == "zh-Hant"
    assert detect_language("A total of 10,646 websites were summoned in 2023.") == "en"
    assert detect_language("Accounts such as @江苏大山 were dealt with under the rules of 2023.") == "en"
    assert detect_language("") == "en"
