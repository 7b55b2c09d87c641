"""Reporting periods found in notice text and resolved against the publication date."""

from __future__ import annotations

from datetime import date

import pytest

from diffing.periods import Period, find_period_mentions


def _periods(text: str, published: date | None) -> list[tuple[str | None, bool]]:
    return [(str(m.period) if m.period else None, m.comparison)
            for m in find_period_mentions(text.lower(), published)]


@pytest.mark.parametrize(("text", "published", "expected"), [
    ("今年上半年，全国网信系统", date(2023, 7, 20), [("2023-H1", False)]),
    ("2023年，全国网信系统", None, [("2023", False)]),
    ("一季度，全国网信系统", date(2024, 4, 18), [("2024-Q1", False)]),
    ("四季度，全国网信系统", date(2024, 1, 20), [("2023-Q4", False)]),
    ("上半年", date(2024, 2, 1), [("2023-H1", False)]),
    ("2023年第三季度", None, [("2023-Q3", False)]),
    ("二〇二二年下半年", None, [("2022-H2", False)]),
    ("去年", date(2024, 1, 31), [("2023", False)]),
    ("比2022年增长23.7%", None, [("2022", True)]),
    ("与去年同期相比", date(2023, 7, 1), [("2022", True)]),
    ("2024年1月31日", None, []),
    ("2023年前三季度", None, [(None, False)]),
    ("in 2023, the authorities", None, [("2023", False)]),
    ("In the first half of 2023,", None, [("2023-H1", False)]),
    ("in the first quarter of the year", date(2024, 4, 18), [("2024-Q1", False)]),
    ("the second half of this year", date(2023, 12, 30), [("2023-H2", False)]),
    ("Q3 2023", None, [("2023-Q3", False)]),
    ("up from 8,608 than in 2022", None, [("2022", True)]),
    ("January 31, 2024", None, []),
    ("今年上半年", None, []),
])
def test_period_mentions(text: str, published: date | None, expected: list[tuple[str | None, bool]]) -> None:
    assert _periods(text, published) == expected


def test_period_parse_and_end() -> None:
    assert Period.parse("2023") == Period(2023)
    assert Period.parse("2023-H1") == Period(2023, "half", 1)
    assert Period.parse("2023-Q4") == Period(2023, "quarter", 4)
    assert Period.parse("2023-H3") is None and Period.parse("H1") is None and Period.parse(None) is None
    assert str(Period(2023, "quarter", 2)) == "2023-Q2"
    assert Period(2023, "half", 1).end() == date(2023, 6, 30)
    assert Period(2023, "quarter", 3).end() == date(2023, 9, 30)
    assert Period(2023).end() == date(2023, 12, 31)
