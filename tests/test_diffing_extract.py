"""The extraction entry point: its JSON shape, its language handling, and that it never raises
on any text (a megabyte of noise included)."""

from __future__ import annotations

import json
import random
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diffing.extract import EXTRACTOR_VERSION, Extraction, extract

SUMMARY = (
    "2023年，全国网信系统全年共约谈网站10646家，下架移动应用程序259款。"
    "北京市网信办对豆瓣网依法约谈，并处罚款人民币150万元；关闭“绿色直播”等网站。"
)


def test_json_shape() -> None:
    document = extract(SUMMARY, published=date(2024, 1, 31)).to_json()
    assert set(document) >= {"language", "figures", "platforms"}
    assert document["language"] == "zh-Hans"
    assert document["extractor_version"] == EXTRACTOR_VERSION
    first = document["figures"][0]
    assert {"metric", "value", "unit", "period", "text", "start", "end"} <= set(first)
    assert first == {**first, "metric": "websites_summoned", "value": 10646, "unit": "家", "period": "2023",
                     "text": "约谈网站10646家", "scope": "national"}
    assert SUMMARY[first["start"]:first["end"]] == first["text"]
    fine = next(f for f in document["figures"] if f["metric"] == "fine_amount")
    assert fine["value"] == "1500000" and fine["currency"] == "CNY"
    platforms = {p["name"]: p for p in document["platforms"]}
    assert {"id", "name", "kind", "action"} <= set(platforms["豆瓣网"])
    assert platforms["豆瓣网"]["amount"] == {"value": "1500000", "currency": "CNY"}
    assert platforms["绿色直播"]["id"] is None and platforms["绿色直播"]["kind"] == "website"
    json.dumps(document, ensure_ascii=False)


def test_json_values_are_never_floats() -> None:
    document = extract("The company was fined $1.25 million; 3 websites were summoned.").to_json()
    values = [figure["value"] for figure in document["figures"]]
    assert values == ["1250000", 3]


def test_language_detection_and_override() -> None:
    assert extract("約談網站10646家").language == "zh-Hant"
    assert extract("约谈网站10646家").language == "zh-Hans"
    assert extract("10,646 websites were summoned").language == "en"
    assert extract("约谈网站10646家", language="zh-Hant").language == "zh-Hant"
    with pytest.raises(ValueError):
        extract("text", language="fr")


def test_empty_text() -> None:
    assert extract("") == Extraction("en", [], [])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    _check(text, extract(text, published=date(2023, 7, 20)))


_VOCABULARY = [
    "约谈", "网站", "家", "款", "个", "件", "条", "元", "万", "亿", "罚款", "人民币", "下架", "关闭", "账号",
    "小程序", "百度", "微博", "360", "“", "”", "「", "」", '"', "@", "，", "。", "、", "；", "\n", " ",
    "2023年", "上半年", "一季度", "今年", "全国网信系统", "北京市网信办", "一万零六百", "伍拾", "3.2", "10,646",
    "$", "€", "million", "websites", "were", "summoned", "fined", "such as", "and other", "in 2023",
    "the first half of", "约談網站", "關閉", "１２３", "（", "）", "(", ")", "等", "以下", "第",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_VOCABULARY) | st.integers(0, 10**7).map(str), max_size=80))
def test_never_raises_on_notice_like_noise(pieces: list[str]) -> None:
    text = "".join(pieces)
    _check(text, extract(text, published=date(2024, 1, 31)))


# The pieces of Chinese and English period phrases: numerals in every form the period patterns
# admit (两, 十一, 〇), next to the words that make them months, years, spans and days.
_PERIOD_VOCABULARY = [
    "近", "过去", "今年", "去年", "前", "第", "截至", "至", "到", "—", "-", "~", "以来", "来", "里", "间", "中",
    "年", "个月", "月", "日", "号", "季度", "半年", "上半年", "下半年", "底", "初", "份", "期间", "累计", "全年",
    "一", "二", "两", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "二十", "三十一", "〇", "零",
    "2", "11", "12", "31", "2023", "二〇二三", "the past", "last", "months", "two", "eleven", "first", " ",
    "月至", "约谈网站", "12家", "，", "。",
]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PERIOD_VOCABULARY), max_size=30))
def test_never_raises_on_period_phrases(pieces: list[str]) -> None:
    text = "".join(pieces)
    _check(text, extract(text, published=date(2024, 5, 31)))


def test_never_raises_on_the_numerals_a_period_admits() -> None:
    """近两个月来 once raised: the numeral 两 was matched by the pattern but not read."""
    for numeral in ("两", "二", "十", "十一", "2", "11"):
        for phrase in (f"近{numeral}个月来", f"过去{numeral}个月", f"近{numeral}年来", f"过去{numeral}年"):
            text = f"{phrase}，全国网信系统共约谈网站1200家。"
            _check(text, extract(text, published=date(2024, 5, 31)))


def test_a_megabyte_of_noise() -> None:
    """1 MB of mixed noise: notice words, numbers, quotes and random characters."""
    rng = random.Random(20240131)
    alphabet = [chr(code) for code in rng.sample(range(0x20, 0x2FFF), 300)]
    alphabet += [chr(code) for code in rng.sample(range(0x4E00, 0x9FFF), 300)]
    pieces: list[str] = []
    size = 0
    while size < 1_000_000:
        piece = rng.choice(_VOCABULARY) if rng.random() < 0.5 else rng.choice(alphabet)
        pieces.append(piece)
        size += len(piece)
    noise = "".join(pieces)[:1_000_000]
    extraction = extract(noise)
    _check(noise, extraction)
    assert extraction.figures and extraction.platforms  # the noise holds figure phrases


def _check(text: str, extraction: Extraction) -> None:
    assert extraction.language in ("zh-Hans", "zh-Hant", "en")
    for figure in extraction.figures:
        assert 0 <= figure.start <= figure.end <= len(text)
        assert text[figure.start:figure.end] == figure.text
        assert isinstance(figure.value, int | Decimal)
    for mention in extraction.platforms:
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start:mention.end] == mention.name
    json.dumps(extraction.to_json(), ensure_ascii=False)
