"""Fines in the currencies of the European data protection authorities and of Asian regulators
keep their own ISO code (a fine in kroner is no fine in the euros of its conversion)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from diffing.extract import extract

PUBLISHED = date(2026, 12, 7)


@pytest.mark.parametrize(("language", "text", "value", "code"), [
    ("en", "The Norwegian regulator fined the dating app NOK 65 million.", "65000000", "NOK"),
    ("en", "The Swedish authority fined the streaming service SEK 58 million (about €5 million).",
     "58000000", "SEK"),
    ("en", "Copenhagen's court fined the firm DKK 1 million.", "1000000", "DKK"),
    ("en", "The Polish regulator fined the retailer PLN 4.9 million.", "4900000", "PLN"),
    ("en", "The PDPC imposed a financial penalty of S$74,000 on the clinic.", "74000", "SGD"),
    ("zh-Hans", "挪威数据保护局对该公司处以6500万挪威克朗罚款。", "65000000", "NOK"),
    ("zh-Hans", "新加坡个人数据保护委员会对其处以7.4万新加坡元罚款。", "74000", "SGD"),
    ("zh-Hant", "澳門個人資料保護局對該公司科處澳門元4萬元罰款。", "40000", "MOP"),
])
def test_a_fine_keeps_the_currency_it_is_stated_in(language: str, text: str, value: str,
                                                   code: str) -> None:
    fines = [figure for figure in extract(text, published=PUBLISHED, language=language).figures
             if figure.metric == "fine_amount"]
    assert [(figure.value, figure.unit) for figure in fines] == [(Decimal(value), code)]


@pytest.mark.parametrize("text", [
    "The update fixes a bug in PHP 8 and Python 3.12 code.",
    "The ruling gives its figures in PLN and SEK only.",
])
def test_a_currency_code_without_an_amount_is_no_figure(text: str) -> None:
    assert extract(text, published=PUBLISHED, language="en").figures == []


@pytest.mark.parametrize(("text", "value", "code"), [
    ("Seoul's competition watchdog fined the search firm Won90bn ($70m) on Friday.", "90000000000", "KRW"),
    ("The commission imposed a penalty of 12.5 billion won on the ride-hailing app.", "12500000000", "KRW"),
    ("The privacy regulator fined the shop 300,000 won.", "300000", "KRW"),
    ("Ankara's authority fined the search engine 42.7 million Turkish liras ($5 million).", "42700000", "TRY"),
    ("The board fined the marketplace 12 million liras last year.", "12000000", "TRY"),
    ("The competition board fined the delivery app TL 61.3 million ($3.3 million) on Monday.", "61300000", "TRY"),
    ("The Indian regulator fined the app store Rs 250 crore for abusing its position.", "2500000000", "INR"),
    ("The tribunal fined the broker Rs. 15 lakh.", "1500000", "INR"),
    ("A Moscow court fined the network 800,000 roubles ($9,000).", "800000", "RUB"),
    ("The agency fined the carrier $3,4 billion, the paper wrote.", "3400000000", "USD"),
])
def test_a_fine_in_a_currency_written_after_or_glued_to_its_number(text: str, value: str, code: str) -> None:
    fines = [figure for figure in extract(text, published=PUBLISHED, language="en").figures
             if figure.metric == "fine_amount"]
    assert [(figure.value, figure.unit) for figure in fines] == [(Decimal(value), code)]


@pytest.mark.parametrize("text", [
    "The operator won 3 appeals against the regulator in 2021.",
    "In 2019 won the right to keep the app online, the firm said.",
    "Its founder won 12 awards before the company was fined nothing.",
])
def test_won_the_verb_is_no_currency(text: str) -> None:
    assert [figure for figure in extract(text, published=PUBLISHED, language="en").figures
            if figure.currency is not None] == []


def test_a_fine_with_its_decimals_read_aloud_and_its_conversion() -> None:
    text = ("The watchdog slapped a fine of around 18-point-two billion won, or some 13-point-six "
            "million U.S. dollars, on the app market operator.")
    fines = [figure for figure in extract(text, published=PUBLISHED, language="en").figures
             if figure.metric == "fine_amount"]
    assert [(figure.value, figure.unit) for figure in fines] == [(Decimal(18200000000), "KRW")]


@pytest.mark.parametrize(("language", "text", "value", "code"), [
    # 元 in a notice of Taiwan's communications commission (by its initials), of its
    # administrative courts or of the Legislative Yuan is the New Taiwan dollar
    ("zh-Hant", "NCC認定星河電視違反規定，裁罰80萬元。", "800000", "TWD"),
    ("zh-Hant", "星河電視不服提起訴訟，臺北高等行政法院判決維持罰160萬。", "1600000", "TWD"),
    # 元 in a notice of Macau's data protection office is the pataca
    ("zh-Hant", "個資辦表示，一間商舖因公開顧客資料被罰款 6,000元。", "6000", "MOP"),
    # "$" alone in an Australian regulator's notice is the Australian dollar
    ("en", "The ACCC said the Federal Court ordered Orbit to pay a penalty of $12 million.", "12000000", "AUD"),
    ("en", "eSafety gave Orbit an infringement notice and a fine of $610,500.", "610500", "AUD"),
])
def test_a_local_dollar_or_yuan_where_the_notice_places_it(language: str, text: str, value: str,
                                                           code: str) -> None:
    fines = [figure for figure in extract(text, published=PUBLISHED, language=language).figures
             if figure.metric == "fine_amount"]
    assert [(figure.value, figure.unit) for figure in fines] == [(Decimal(value), code)]


@pytest.mark.parametrize(("text", "expected"), [
    # a notice that names US dollars, or marks the Australian one itself, keeps "$" as it was
    ("the accc fined orbit a$20 million ($13 million).", ["AUD", "USD"]),
    ("the accc compared its fine with the us$5 million fine of the ftc and a $4 million one.", ["USD", "USD"]),
])
def test_a_dollar_the_notice_distinguishes_stays_the_us_dollar(text: str, expected: list[str]) -> None:
    from diffing.amounts import find_amounts
    assert [match.amount.currency for match in find_amounts(text)] == expected
