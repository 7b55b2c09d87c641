"""The public Microsoft Recognizers-Text number suites (MIT) as tests of the normaliser.

Each expected result's span text is read with ``parse_number``, ``parse_percent`` or
``parse_amount`` and must resolve to the suite's value. Inputs the suite finds no number in
must not read as one. Cases outside regwatch's purpose (fractions, powers, dozens, discounts,
sub-unit prices, crypto and pre-euro currencies…) are skipped, each with its reason; the pass
rate over the rest is printed and pinned.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from diffing.numbers import parse_amount, parse_number, parse_percent

SUITES = Path(__file__).resolve().parents[1] / ".." / "shared" / "testsets" / "recognizers-text"

# Where an expected "$"/"£" amount names no ISO code, regwatch reads it as USD/GBP (documented
# in diffing/data/currencies.toml).
_DEFAULT_CODES = {"Dollar": "USD", "Pound": "GBP"}


@dataclass(frozen=True)
class Case:
    suite: str
    input: str
    text: str | None  # None: the suite finds no number in ``input``
    value: str | None
    iso: str | None
    unit: str | None
    subtype: str | None

    @property
    def label(self) -> str:
        return f"{self.suite}:{self.text if self.text is not None else '∅ ' + self.input}"


def _load(name: str) -> list[Case]:
    path = SUITES / name
    if not path.is_file():
        return []
    cases = []
    for entry in json.loads(path.read_text("utf-8")):
        results = entry.get("Results", [])
        if not results:
            cases.append(Case(name, entry["Input"], None, None, None, None, None))
        for result in results:
            resolution: dict[str, Any] = result.get("Resolution") or {}
            cases.append(Case(
                name, entry["Input"], result["Text"], resolution.get("value"),
                resolution.get("isoCurrency"), resolution.get("unit"), resolution.get("subtype"),
            ))
    return cases


_FRACTION_WORDS = re.compile(
    r"/|又|half|halves|third|quarter|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    r"hundredth|thousandth|millionth|trillionth|twentieth|thirtieth|first|second|over|out of|"
    r"(?<=\d) in |[½⅓⅔¼¾⅕⅙⅛]"
)


def skip_reason(case: Case) -> str | None:
    """Why a case lies outside what regwatch reads, or ``None``."""
    text = case.text if case.text is not None else case.input
    lowered = text.lower()
    if case.text is None:
        if case.suite.startswith("Number_Chinese_Percent") and re.search(r"折|成|二三十|百分之\d+分", text):
            return "discount notation and vague ranges (打对折, 二三十个百分点) do not occur in notices"
        if re.fullmatch(r"[两二三四五六七八九十]{2}", text):
            return "a doubled numeral (两两) is a word, not a number, only in context"
        return None
    compact = re.sub(r"\s+", "", text)
    if "Percent" in case.suite:
        # 百分之, 千分之, 万分之 are rates; any other 分之 is a fraction.
        fraction = bool(re.search(r"(?<![百千万佰仟萬])分之", compact))
    else:
        fraction = "分之" in compact
    if case.subtype == "fraction" or fraction or _FRACTION_WORDS.search(lowered.replace("分之", "")):
        return "fractions are neither counts nor amounts in enforcement notices"
    if "^" in text or re.search(r"\dx10", lowered):
        return "powers (2^5, 1.3x10^6) do not occur in notices"
    if re.search(r"打|半百|dozen|dzs|dozs", lowered):
        return "dozens (打) and 半百 do not count enforcement actions"
    if re.search(r"折|成", text) and "百分" not in text:
        return "discounts (八折, 三成) do not occur in notices"
    if re.fullmatch(r"-?\d+,\d{1,2}|\d{1,3}(?:\.\d{3})+,\d+|\d+,\d{2},\d{3}(?:,\d{3})*(?:\.\d+)?", text.split()[0]):
        return "decimal commas and Indian digit grouping: the sources group thousands with commas"
    if case.unit in ("Cent", "Pence", "Penny", "Sen") or re.search(r"cent|美分|日本銭|mao\b", lowered):
        return "sub-unit prices (cents, pence) are not fines"
    if case.unit in ("Bitcoin", "Satoshi"):
        return "crypto-currencies are not what regulators fine in"
    if case.unit in ("Finnish markka", "Franc", "Peseta", "Netherlands guilder", "Rupee"):
        return "pre-euro currencies and rupees without a country have no ISO code to give"
    if "Currency" in case.suite and case.value is None:
        return "a currency name without a number is no amount"
    if "Currency" in case.suite and re.search(
        r"(?:dollars?|usd)\s+(?:and\s+)?[a-z0-9 -]+$|\busd\s+million|\$ \d+ and \w+$", lowered
    ):
        return "a bare number after the currency (cents without the word, scale after the code) is ambiguous"
    return None


def _matches(got: int | Decimal | None, expected: str) -> bool:
    if got is None:
        return False
    want = Decimal(expected.rstrip("%"))
    # The suite writes long results rounded to 15 significant digits (1.2732E+15 is exact).
    tolerance = abs(want) * Decimal("1e-13")
    return abs(Decimal(got) - want) <= tolerance


def passes(case: Case) -> bool:
    """Whether the normaliser reads the case as the suite resolves it."""
    if case.text is None:
        reader = parse_percent if "Percent" in case.suite else (
            parse_amount if "Currency" in case.suite else parse_number)
        return reader(case.input) is None
    assert case.value is not None
    if "Currency" in case.suite:
        amount = parse_amount(case.text)
        expected_code = case.iso or _DEFAULT_CODES.get(case.unit or "")
        return (amount is not None and _matches(amount.value, case.value)
                and (expected_code is None or amount.currency == expected_code))
    if "Percent" in case.suite:
        return _matches(parse_percent(case.text), case.value)
    return _matches(parse_number(case.text), case.value)


SUITE_FILES = (
    "Number_Chinese_NumberModel.json",
    "Number_English_NumberModel.json",
    "Number_Chinese_PercentModel.json",
    "NumberWithUnit_Chinese_CurrencyModel.json",
    "NumberWithUnit_English_CurrencyModel.json",
)
ALL_CASES = [case for name in SUITE_FILES for case in _load(name)]

# Pass rates over the cases in scope, pinned at what was measured: every case in scope passes
# (each is also its own test above, so a regression names the case).
FLOORS = {
    "Number_Chinese_NumberModel.json": 1.0,
    "Number_English_NumberModel.json": 1.0,
    "Number_Chinese_PercentModel.json": 1.0,
    "NumberWithUnit_Chinese_CurrencyModel.json": 1.0,
    "NumberWithUnit_English_CurrencyModel.json": 1.0,
}


def _require_suites() -> None:
    if not SUITES.is_dir():
        pytest.skip(f"the public number suites are not available: {SUITES} is absent")


@pytest.mark.parametrize("case", ALL_CASES or [None], ids=lambda case: case.label if case else "absent")
def test_case(case: Case | None) -> None:
    _require_suites()
    assert case is not None
    reason = skip_reason(case)
    if reason is not None:
        pytest.skip(reason)
    assert passes(case), f"{case.label}: expected {case.value} {case.iso or ''}"


@pytest.mark.parametrize("suite", SUITE_FILES)
def test_pass_rate(suite: str) -> None:
    """Pass rate per suite over the cases in scope, printed (run with -s) and pinned."""
    _require_suites()
    cases = [case for case in ALL_CASES if case.suite == suite]
    if not cases:
        pytest.skip(f"{suite} is absent from {SUITES}")
    in_scope = [case for case in cases if skip_reason(case) is None]
    passed = [case for case in in_scope if passes(case)]
    rate = len(passed) / len(in_scope)
    skipped: dict[str, int] = {}
    for case in cases:
        reason = skip_reason(case)
        if reason is not None:
            skipped[reason] = skipped.get(reason, 0) + 1
    summary = (
        f"{suite}: {len(passed)}/{len(in_scope)} in scope pass ({rate:.1%}); "
        f"{len(cases) - len(in_scope)} of {len(cases)} skipped: {skipped}"
    )
    print(summary)
    failures = [case.label for case in in_scope if case not in passed]
    assert rate >= FLOORS[suite], f"{summary}\nfailing: {failures}"
