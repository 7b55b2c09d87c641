"""Retry-After: seconds or an HTTP date, read as how long to wait before asking again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.retry import retry_after_seconds


@pytest.mark.parametrize(("value", "seconds"), [
    ("2", 2.0), (b"120", 120.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("soon", None), (None, None),
])
def test_retry_after_values(value: object, seconds: float | None) -> None:
    assert retry_after_seconds(value) == seconds  # type: ignore[arg-type]


def test_retry_after_date_in_the_future() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("Thu, 01 Jan 2026 12:00:30 GMT", now=now) == 30.0
