"""Table and property tests of the number and amount normaliser (diffing.numbers)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diffing.numbers import Amount, parse_amount, parse_number, parse_percent

NUMBERS = [
    ("10646", 10646),
    ("10,646", 10646),
    ("１０６４６", 10646),
    ("１０，６４６", 10646),
    ("15.8万", 158000),
    ("1.2亿", 120000000),
    ("3.2万", 32000),
    ("一万零六百四十六", 10646),
    ("伍拾万", 500000),
    ("5 million", 5000000),
    ("3 billion", 3000000000),
    ("2000余万", 20000000),
    ("1,100.9亿", 110090000000),
    ("4.78万亿", 4780000000000),
    ("二〇二三", 2023),
    ("两千四百五", 2450),
    ("一万三", 13000),
    ("一百零十万", 1100000),
    ("五兆六十二亿四万五千二", 5006200045200),
    ("壹萬零貳佰伍拾", 10250),
    ("十二萬七千八百七十八", 127878),
    ("3万4000", 34000),
    ("负三十二", -32),
    ("-1,234", -1234),
    ("two hundred and two thousand", 202000),
    ("twenty-one", 21),
    ("ten thousand six hundred forty-six", 10646),
    ("1.5 million", 1500000),
    ("a hundred", 100),
    ("10k", 10000),
    ("二点五", Decimal("2.5")),
    ("0.5", Decimal("0.5")),
    ("1 234 567", 1234567),
    ("5 crores", 50000000),
    ("two point five million", 2500000),
    ("42-point-one billion", 42100000000),
    ("3 lakhs", 300000),
]


@pytest.mark.parametrize(("text", "expected"), NUMBERS)
def test_parse_number(text: str, expected: int | Decimal) -> None:
    value = parse_number(text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("text", ["", "  ", "万", "亿万", "abc", "一切", "四川", "约谈网站", "1m isn't", "十十",
                                  "$", "1,2,3", "5 apples", "二十万家"])
def test_parse_number_rejects(text: str) -> None:
    assert parse_number(text) is None


AMOUNTS = [
    ("人民币50万元", Amount(Decimal(500000), "CNY")),
    ("50万元", Amount(Decimal(500000), "CNY")),
    ("5000万元", Amount(Decimal(50000000), "CNY")),
    ("8亿元人民币", Amount(Decimal(800000000), "CNY")),
    ("伍拾万元", Amount(Decimal(500000), "CNY")),
    ("人民幣150萬元", Amount(Decimal(1500000), "CNY")),
    ("￥300", Amount(Decimal(300), "CNY")),
    ("RMB 500,000", Amount(Decimal(500000), "CNY")),
    ("1.5 million yuan", Amount(Decimal(1500000), "CNY")),
    ("$5 million", Amount(Decimal(5000000), "USD")),
    ("US$ 1.2 billion", Amount(Decimal(1200000000), "USD")),
    ("5 million dollars", Amount(Decimal(5000000), "USD")),
    ("€3 billion", Amount(Decimal(3000000000), "EUR")),
    ("€1.8 billion", Amount(Decimal(1800000000), "EUR")),
    ("£7.5 million", Amount(Decimal(7500000), "GBP")),
    ("£50,000", Amount(Decimal(50000), "GBP")),
    ("HK$ 10.05 billion", Amount(Decimal(10050000000), "HKD")),
    ("USD 200", Amount(Decimal(200), "USD")),
    ("30 MUSD", Amount(Decimal(30000000), "USD")),
    ("1000万美元", Amount(Decimal(10000000), "USD")),
    ("5元3角", Amount(Decimal("5.3"), "CNY")),
    ("3 dollars 50 cents", Amount(Decimal("3.5"), "USD")),
]


@pytest.mark.parametrize(("text", "expected"), AMOUNTS)
def test_parse_amount(text: str, expected: Amount) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["50万", "元", "$", "人民币", "5 apples", "罚款", "", "$ 5 €", "rubles"])
def test_parse_amount_rejects(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("23.7%", Decimal("23.7")),
    ("２３．７％", Decimal("23.7")),
    ("百分之二十", Decimal(20)),
    ("2.4个百分点", Decimal("2.4")),
    ("千分之三", Decimal("0.3")),
    ("负3.9%", Decimal("-3.9")),
    ("12 percent", Decimal(12)),
])
def test_parse_percent(text: str, expected: Decimal) -> None:
    assert parse_percent(text) == expected


@pytest.mark.parametrize("text", ["八折", "三成", "五分之一", "23.7", "%"])
def test_parse_percent_rejects(text: str) -> None:
    assert parse_percent(text) is None


def test_overlong_phrases_are_not_read() -> None:
    assert parse_number("一" * 5000) is None
    assert parse_amount("1" * 5000 + "元") is None


# --- properties ----------------------------------------------------------------------------

_DIGITS = "零一二三四五六七八九"
_FORMAL = str.maketrans("一二三四五六七八九十百千", "壹贰叁肆伍陆柒捌玖拾佰仟")
_TRADITIONAL = str.maketrans({"万": "萬", "亿": "億", "两": "兩", "贰": "貳", "陆": "陸"})


def _section(value: int) -> str:
    """0 < value < 10000 in Chinese numerals, with 零 for inner gaps (一千零五, 三百零六)."""
    text = ""
    zero = False
    for power, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // power % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += _DIGITS[digit] + unit
    return text


def chinese_numeral(value: int, *, short_ten: bool, liang: bool, formal: bool, traditional: bool) -> str:
    """A regwatch-independent writer of Chinese numerals for 0 <= value <= 10^12."""
    if value == 0:
        return "零"
    groups = [(value // 10**12) % 10**4, (value // 10**8) % 10**4, (value // 10**4) % 10**4, value % 10**4]
    units = ["万亿", "亿", "万", ""]
    text = ""
    gap = False
    for group, unit in zip(groups, units, strict=True):
        if group == 0:
            gap = bool(text)
            continue
        if text and (gap or group < 1000):
            text += "零"
        text += _section(group) + unit
        gap = False
    if short_ten and text.startswith("一十"):
        text = text[1:]
    if liang:
        # 两 before 千, 百 (as a leading digit), 万 and 亿, as people write it.
        text = text.replace("二千", "两千").replace("二万", "两万").replace("二亿", "两亿")
        if text.startswith("二百"):
            text = "两百" + text[2:]
    if formal:
        text = text.translate(_FORMAL).replace("两", "贰")
    if traditional:
        text = text.translate(_TRADITIONAL)
    return text


def test_the_writer_itself() -> None:
    assert chinese_numeral(10646, short_ten=False, liang=False, formal=False, traditional=False) == "一万零六百四十六"
    assert chinese_numeral(100000005, short_ten=False, liang=False, formal=False, traditional=False) == "一亿零五"
    assert chinese_numeral(10**12, short_ten=False, liang=False, formal=False, traditional=False) == "一万亿"
    assert chinese_numeral(12, short_ten=True, liang=False, formal=False, traditional=False) == "十二"
    assert chinese_numeral(2200, short_ten=False, liang=True, formal=True, traditional=True) == "貳仟貳佰"


@settings(max_examples=400, deadline=None)
@given(st.integers(0, 10**12), st.booleans(), st.booleans(), st.booleans(), st.booleans())
def test_chinese_numerals_parse_back(value: int, short_ten: bool, liang: bool, formal: bool,
                                     traditional: bool) -> None:
    text = chinese_numeral(value, short_ten=short_ten, liang=liang, formal=formal, traditional=traditional)
    assert parse_number(text) == value, text


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**12))
def test_digits_with_wan_and_yi_parse_back(value: int) -> None:
    yi, rest = divmod(value, 10**8)
    wan, ones = divmod(rest, 10**4)
    text = ""
    if yi:
        text += f"{yi}亿"
    if wan:
        text += ("零" if text and wan < 1000 else "") + f"{wan}万"
    if ones or not text:
        text += ("零" if text and ones < 1000 else "") + str(ones)
    assert parse_number(text) == value, text


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**8), st.integers(0, 8), st.sampled_from([("万", 4), ("亿", 8)]))
def test_decimals_with_wan_and_yi_parse_back(mantissa: int, places: int, unit: tuple[str, int]) -> None:
    word, power = unit
    places = min(places, power)
    value = mantissa * 10 ** (power - places)
    if value > 10**12:
        return
    text = f"{Decimal(mantissa).scaleb(-places):f}{word}"
    assert parse_number(text) == value, text


_FULL_WIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**12), st.sampled_from(["plain", "commas", "full", "full-commas", "thin"]))
def test_separators_and_full_width_parse_back(value: int, style: str) -> None:
    text = {
        "plain": str(value),
        "commas": f"{value:,}",
        "full": str(value).translate(_FULL_WIDTH),
        "full-commas": f"{value:,}".translate(_FULL_WIDTH),
        "thin": f"{value:,}".replace(",", "\u202f"),
    }[style]
    assert parse_number(text) == value, text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_normaliser_never_raises(text: str) -> None:
    parse_number(text)
    parse_amount(text)
    parse_percent(text)


@pytest.mark.parametrize(("text", "expected"), [("万余", 10000), ("萬餘", 10000), ("亿多", 100000000), ("千余", 1000)])
def test_a_big_unit_with_an_approximation_is_its_lower_bound(text: str, expected: int) -> None:
    # 清理违规账号万余个: "over ten thousand", as 千余 is "over a thousand"; 万 alone stays no number.
    assert parse_number(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("二五○万", 2500000), ("二五〇萬", 2500000), ("一五〇〇万", 15000000), ("五〇〇亿", 50000000000),
    ("一二〇万", 1200000),
])
def test_digits_written_one_by_one_before_wan(text: str, expected: int) -> None:
    # Taiwanese papers write amounts digit by digit (二五○萬元), with ○ for zero.
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["一两万", "三五万", "七八万"])
def test_two_digits_before_wan_are_a_range_not_a_number(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(("text", "value", "currency"), [
    # hundreds of millions, then the rest in 万, in running text
    ("监管机构对星河平台开罚2亿3600万欧元。", Decimal(236000000), "EUR"),
    ("監管機構對星河平台開罰Orbit1億2000萬美元。", Decimal(120000000), "USD"),
    ("法院判处罚金1亿零500万元。", Decimal(105000000), "CNY"),
])
def test_yi_then_wan_in_text_is_one_amount(text: str, value: Decimal, currency: str) -> None:
    from diffing.extract import extract

    money = [(f.value, f.currency) for f in extract(text).figures if f.currency is not None]
    assert money == [(value, currency)]


def test_a_space_before_yu_keeps_the_count() -> None:
    from diffing.extract import extract

    figures = extract("累计下架违规收集个人信息的App 640 余款。").figures
    assert [(f.metric, f.value) for f in figures] == [("apps_removed", 640)]


@pytest.mark.parametrize(("text", "value"), [
    # some sites put a space around every number, 亿 and 万 included
    ("金管会今年合计开罚 2 亿 1500 万元。", 215000000),
    ("全年罚没金额 3 亿 20 万元。", 300200000),
])
def test_an_amount_spaced_around_yi_and_wan_is_one_number(text: str, value: int) -> None:
    from diffing.amounts import find_amounts
    assert [match.amount.value for match in find_amounts(text)] == [value]


@pytest.mark.parametrize(("text", "value"), [
    # thousands grouped by apostrophes, as Swiss style writes them
    ("the office fined a retailer rmb 245'800 for false claims.", 245800),
    ("a penalty of chf 1'250'000 was set.", 1250000),
    # the scale word hyphenated onto the number of an attributive amount
    ("the €12-million fine reflects the company's cooperation.", 12000000),
    ("a $3.5-billion penalty", 3500000000),
])
def test_an_amount_grouped_by_apostrophes_or_with_a_hyphenated_scale(text: str, value: int) -> None:
    from diffing.amounts import find_amounts
    assert [match.amount.value for match in find_amounts(text)] == [value]


def test_an_apostrophe_between_words_and_short_numbers_is_no_grouping() -> None:
    from diffing.amounts import find_amounts
    assert find_amounts("it's 5 o'clock and the '90s rule of 1'30 stands.") == []


@pytest.mark.parametrize(("text", "expected"), [
    # a currency named after 元 counts the amount in it, even beside an amount in 人民币
    ("罚没合计320万元人民币（约1400万元新台币）。", [(Decimal(3200000), "CNY"), (Decimal(14000000), "TWD")]),
    ("另处罚款80万元港币。", [(Decimal(800000), "HKD")]),
    ("罚款人民币5万元，折合约6万元澳门币。", [(Decimal(50000), "CNY"), (Decimal(60000), "MOP")]),
])
def test_a_currency_named_after_yuan_is_the_amounts_currency(text: str, expected: list[tuple[Decimal, str]]) -> None:
    from diffing.amounts import find_amounts
    assert [(match.amount.value, match.amount.currency) for match in find_amounts(text)] == expected
