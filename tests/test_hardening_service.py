"""Issue #13 on the service side: bounded alert templates, crawl children that die with their
service and hold a lease per source, feed links that no request can forge, and API docs that
load under the app's own Content-Security-Policy.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import time
import tracemalloc
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from alerts.messages import (
    TemplateRefused,
    check_template,
    render,
    render_builtin,
    render_template,
    sample_events,
)
from alerts.rule import AlertRule, channel_of
from alerts.sandbox import RENDER_SECONDS
from cli.alerts import alerts_group
from storage.db import open_archive, session_factory
from storage.lock import crawl_lease
from storage.models import SchedulerOverrun
from tests.query_fixtures import build_query_archive
from tests.test_scheduler import (  # noqa: F401  (site is a fixture, used by name)
    WAIT,
    LocalSite,
    ServeProcess,
    regwatch,
    run_regwatch,
    runs_of,
    site,
    site_config,
)
from web.app import create_app
from web.settings import WebSettings

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module", name="web_archive_url")
def web_archive_url_fixture(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('hardening') / 'archive.db'}"
    engine = open_archive(url)
    with session_factory(engine)() as session:
        build_query_archive(session)
    engine.dispose()
    return url


@pytest.fixture(name="client")
def client_fixture(web_archive_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(web_archive_url, None, settings=WebSettings())) as client:
        yield client


# --- alert templates --------------------------------------------------------------------------

LONG = "{% set s = 'x' * 20000 %}"
# Each asks for gigabytes or for minutes; none reaches a Python object.
RUNAWAY_TEMPLATES = {
    "center": "{{ 'x'|center(999999999) }}",
    "center_computed_width": "{{ 'x'|center(10**9) }}",
    "format_width": "{{ '%999999999s'|format(1) }}",
    "format_star_width": "{{ '%*s'|format(999999999, 'x') }}",
    "percent_precision": "{{ '%.999999999f' % 1.0 }}",
    "replace_empty": LONG + "{{ s|replace('', s) }}",
    "join_long_separator": LONG + "{{ s|list|join(s) }}",
    "join_repeated_list": LONG + "{{ ([s] * 20000)|join }}",
    "join_generator": LONG + "{{ ([s] * 20000)|map('string')|join }}",
    "indent": LONG + "{{ s|list|join('\n')|indent(s) }}",
    "wordwrap": LONG + "{{ s|wordwrap(1, wrapstring=s) }}",
    "batch_fill": "{{ [1]|batch(999999999, 0)|list }}",
    "nested_loops": LONG + "{% for a in s %}{% for b in s %}{% for c in s %}{% endfor %}"
                           "{% endfor %}{% endfor %}",
    "nested_loops_of_text": LONG + "{% for a in s %}{% for b in s %}" + "y" * 1000
                                   + "{% endfor %}{% endfor %}",
    "macro_doubling": "{% macro f(n) %}{% if n %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}"
                      "{% endmacro %}{{ f(60) }}",
    "macro_doubling_text": LONG + "{% macro f(n) %}{% if n %}{{ f(n-1) }}{{ f(n-1) }}"
                                  "{% else %}{{ s }}{% endif %}{% endmacro %}{{ f(30) }}",
    "macro_recursion": "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "recursive_loop": "{% for a in 'xx' recursive %}{{ loop('xx') }}{% endfor %}",
    "concat_doubling": LONG + "".join("{% set s = s ~ s %}" for _ in range(40)) + "{{ s }}",
    "plus_doubling": LONG + "".join("{% set s = s + s %}" for _ in range(40)) + "{{ s }}",
    "integer_squaring": "{% set n = 9**999 %}" + "{% set n = n * n %}" * 40 + "{{ n }}",
    "filter_block": LONG + "{% filter center(999999) %}{% for a in s %}{{ s }}{% endfor %}"
                           "{% endfilter %}",
}


@pytest.mark.parametrize("template", RUNAWAY_TEMPLATES.values(), ids=RUNAWAY_TEMPLATES.keys())
def test_runaway_templates_are_refused_in_bounded_time_and_memory(template: str) -> None:
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(TemplateRefused):
            render_template(template, {}, html=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < RENDER_SECONDS + 1.0
    assert peak < 16 * 1024 * 1024


def test_bounds_leave_room_for_a_large_digest() -> None:
    events = sample_events()[:3] * 700  # 2,100 events in one message
    rule = AlertRule(name="digest", channels=(channel_of("json://127.0.0.1/x"),),
                     template="{% for e in events %}{{ e.summary|center(90) }}\n{% endfor %}")
    assert len(render(rule, events, html=True, digest_bucket="2024-01-31").body) > 10_000


def test_a_template_that_passed_the_load_check_cannot_hang_delivery() -> None:
    # Three nested loops over the events: 64 steps over the four sample events at load, some
    # nine billion over a digest of 2,100 events at delivery.
    rule = AlertRule(name="cubic", channels=(channel_of("json://127.0.0.1/x"),),
                     template="{% for a in events %}{% for b in events %}{% for c in events %}"
                              "{{ c.kind }}{% endfor %}{% endfor %}{% endfor %}")
    check_template(rule)
    events = sample_events()[:3] * 700
    started = time.monotonic()
    with pytest.raises(TemplateRefused):
        render(rule, events, html=False, digest_bucket="2024-01-31")
    assert time.monotonic() - started < RENDER_SECONDS + 1.0
    # Delivery then sends the built-in wording.
    assert render_builtin(rule, events, html=False, digest_bucket="2024-01-31").body


def test_a_runaway_template_is_a_config_error_at_load(tmp_path: Path) -> None:
    config = tmp_path / "regwatch.toml"
    template = RUNAWAY_TEMPLATES["macro_doubling"]
    config.write_text(f'[[alerts]]\nname = "r"\nnotify = ["json://127.0.0.1/x"]\n'
                      f"template = '{template}'\n", encoding="utf-8")
    started = time.monotonic()
    result = CliRunner().invoke(alerts_group, ["rules"],
                                obj={"config": str(config), "database_url": None})
    assert result.exit_code == 3
    assert f"{config}:4" in result.output and "template line 1" in result.output
    assert time.monotonic() - started < RENDER_SECONDS + 3.0


# --- crawl children and their leases ----------------------------------------------------------


def lease_holder_pid(lease_path: Path) -> int:
    """The pid written in a held SQLite crawl lease ("pid N on host")."""
    with lease_path.open("a+", encoding="utf-8") as lease:
        with pytest.raises(BlockingIOError):
            fcntl.flock(lease.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        lease.seek(0)
        return int(lease.read().split()[1])


def wait_for_exit(pid: int, timeout: float) -> bool:
    """Whether process ``pid`` (not a child of ours) has ended within ``timeout`` seconds."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([handle], [], [], timeout)[0])
    finally:
        os.close(handle)


def test_crawl_children_die_with_a_killed_service_and_release_their_lease(
    tmp_path: Path, site: LocalSite  # noqa: F811
) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    config = site_config(tmp_path, site.base_url)
    site.stall.set()
    serving = ServeProcess(regwatch(config, url, "serve", "--no-web"), tmp_path)
    try:
        assert site.requested.wait(WAIT), "".join(serving.log)
        child = lease_holder_pid(tmp_path / "archive.db.crawl-tiny.lock")
        assert child != serving.process.pid
        # The child's parent is the fork server the service started.
        fork_server = int(Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[1])
        serving.process.send_signal(signal.SIGKILL)
        serving.process.wait(WAIT)
        assert wait_for_exit(child, 10.0), f"crawl child {child} outlived its service"
        assert wait_for_exit(fork_server, 10.0), f"fork server {fork_server} outlived its service"
    finally:
        if serving.process.poll() is None:
            serving.process.kill()
            serving.process.wait(WAIT)
    # The lease went with the child: a crawl of the source may start again.
    assert crawl_lease(url, "tiny").try_acquire() is None


def test_a_service_skips_a_source_whose_crawl_lease_is_held_and_counts_an_overrun(
    tmp_path: Path, archive_url: str, site: LocalSite  # noqa: F811
) -> None:
    config = site_config(tmp_path, site.base_url)
    # A crawl of `tiny` still running, as one a killed service's child would be.
    lease = crawl_lease(archive_url, "tiny")
    assert lease.try_acquire() is None
    served = run_regwatch(config, archive_url, "serve", "--once")
    assert served.returncode == 0, served.stderr
    assert "lease is held by" in served.stderr
    assert not site.requested.is_set()  # nothing was crawled beside the running crawl
    engine = open_archive(archive_url)
    try:
        assert runs_of(engine, "tiny") == []
        with session_factory(engine)() as session:
            overruns = session.query(SchedulerOverrun).filter_by(source_id="tiny").all()
        assert len(overruns) == 1
    finally:
        engine.dispose()


# --- feeds --------------------------------------------------------------------------------------


def feed_addresses(atom: bytes) -> list[str]:
    root = ET.fromstring(atom)
    hrefs = [link.attrib["href"] for link in root.iter(f"{ATOM}link")]
    ids = [element.text or "" for element in root.iter(f"{ATOM}id")]
    return hrefs + ids


def test_feed_links_ignore_a_forged_host_header(client: TestClient) -> None:
    response = client.get("/feeds/events.atom", headers={"Host": "evil.example"})
    assert response.status_code == 200
    addresses = feed_addresses(response.content)
    assert len(addresses) > 4  # the feed has entries with links
    assert not [a for a in addresses if "evil.example" in a]
    assert all(a.startswith(("/", "urn:regwatch:")) for a in addresses), addresses


def test_feed_links_are_absolute_from_the_configured_base_url(web_archive_url: str) -> None:
    settings = WebSettings(base_url="https://regwatch.example.org/")
    with TestClient(create_app(web_archive_url, None, settings=settings)) as client:
        response = client.get("/feeds/events.atom", headers={"Host": "evil.example"})
    addresses = feed_addresses(response.content)
    assert all(a.startswith("https://regwatch.example.org/") for a in addresses), addresses


# --- API documentation ----------------------------------------------------------------------------


class Assets(HTMLParser):
    """Every address a page loads, and the text of its scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("src", "href"):
            if found.get(name):
                self.addresses.append(str(found[name]))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts.append(data)


@pytest.mark.parametrize("path", ["/docs", "/api/docs"])
def test_api_docs_use_only_assets_served_by_the_app(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe" not in policy
    assets = Assets()
    assets.feed(page.text)
    assert assets.inline_scripts == []
    assert len(assets.addresses) == 3, assets.addresses
    for address in assets.addresses:
        assert address.startswith("/static/docs/"), address
        answer = client.get(address)
        assert answer.status_code == 200 and len(answer.content) > 100, address
        assert answer.headers["content-type"].startswith(("text/javascript", "text/css"))
    assert "/api/notices" in client.get("/openapi.json").json()["paths"]
    assert client.get("/static/docs/../app.py").status_code == 404
    assert client.get("/static/docs/redoc.standalone.js").status_code == 404
