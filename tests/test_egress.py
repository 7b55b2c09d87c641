"""The egress gate: only http(s), only the source's hosts, no private addresses unless trusted."""

from __future__ import annotations

import pytest

from crawler.egress import refusal
from crawler.sourcedefs import load_config


@pytest.fixture(scope="module")
def cac():  # type: ignore[no-untyped-def]
    return load_config(None).source("cac-wxfb")


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "ftp://www.cac.gov.cn/x",
    "https://evil.example/x",
    "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.1:8000/x",
    "http://[::1]/x",
    "http://10.0.0.1/x",
])
def test_refused(cac, url: str) -> None:  # type: ignore[no-untyped-def]
    assert refusal(url, cac) is not None


def test_a_trusted_mirror_allows_its_own_origin_only(cac) -> None:  # type: ignore[no-untyped-def]
    mirror = cac.with_base_url("http://127.0.0.1:8000")
    assert refusal("http://127.0.0.1:8000/wxzw/x.htm", mirror) is None
    assert refusal("http://127.0.0.1:8001/x", mirror) is not None
    assert refusal("http://169.254.169.254/latest/meta-data/", mirror) is not None
    assert refusal("http://localhost:8000/x", mirror) is not None


def test_a_host_that_resolves_to_loopback_is_refused(cac) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    source = replace(cac, hosts=("localhost",))
    reason = refusal("http://localhost/x", source)
    assert reason is not None and "non-public" in reason
