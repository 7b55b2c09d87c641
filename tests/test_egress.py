"""The egress gate: only http(s), only the source's hosts, no private addresses unless trusted."""

from __future__ import annotations

import pytest

from config import load_config
from crawler.egress import refusal


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


def test_the_resolver_refuses_a_non_public_answer_for_a_host_nobody_trusted() -> None:
    from twisted.internet import reactor
    from twisted.internet.error import DNSLookupError

    from crawler.egress import GatedResolver

    resolver = GatedResolver(reactor, 0, 5.0, frozenset({"mirror.local", "127.0.0.1"}))
    assert resolver.checked("93.184.216.34", "www.cac.gov.cn") == "93.184.216.34"
    # Trusted (a base URL the user wrote) may be anywhere, loopback and private ranges too.
    assert resolver.checked("10.1.2.3", "Mirror.Local") == "10.1.2.3"
    for address in ("127.0.0.1", "10.0.0.7", "169.254.169.254", "::1", "fd00::1"):
        with pytest.raises(DNSLookupError, match="non-public address"):
            resolver.checked(address, "www.cac.gov.cn")


def test_the_resolver_trusts_the_hosts_of_configured_base_urls(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from scrapy.settings import Settings

    from crawler.egress import config_trusted_hosts, trusted_hosts

    config_path = tmp_path / "regwatch.toml"
    config_path.write_text('[sources.cac-wxfb]\nbase_url = "http://Mirror.Local:8080"\n',
                           encoding="utf-8")
    config = load_config(config_path)
    assert config_trusted_hosts(config) == {"mirror.local"}
    # From the configuration file, as `scrapy crawl` reads it, and as crawl_sources passes it.
    assert trusted_hosts(Settings({"REGWATCH_CONFIG": str(config_path)})) == {"mirror.local"}
    assert trusted_hosts(Settings({"REGWATCH_TRUSTED_HOSTS": ["a.test"],
                                   "REGWATCH_BASE_URL": "http://127.0.0.1:9000"})) == {
        "a.test", "127.0.0.1"}
    # A configuration that cannot be read trusts nothing (the crawl reports it).
    assert trusted_hosts(Settings({"REGWATCH_CONFIG": str(tmp_path / "missing.toml")})) == (
        frozenset())
