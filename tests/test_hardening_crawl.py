"""Hardening of the crawl (issue #13): nothing leaves outside the egress gate, and every link or
fetch the crawl gives up on is a problem of the run, with its reason.

Each crawl is `regwatch crawl` in a child process against a small site served on loopback by
this test (a thread of the test process), or, where the network itself is measured, a child
in a network namespace of its own with loopback only.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storage.db import open_archive, session_factory
from storage.models import Notice

REPO_ROOT = Path(__file__).resolve().parents[1]

NOTICE_PAGE = """<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<h1 class="title">{title}</h1><div class="info"><span id="pubtime">2026年11月20日 09:30</span></div>
<div id="BodyLabel"><p>某市网信办依法约谈相关应用程序运营者12家，下架移动应用程序{number}款。</p></div>
</body></html>"""

# A reply: status, headers, body; or a function that writes the whole answer itself.
Reply = tuple[int, list[tuple[str, str]], bytes] | Callable[[BaseHTTPRequestHandler], None]


def notice(number: int) -> Reply:
    page = NOTICE_PAGE.format(title=f"通报第{number}期", number=number)
    return 200, [("Content-Type", "text/html; charset=utf-8")], page.encode("utf-8")


def list_page(*links: str) -> Reply:
    items = "".join(
        f'<li><h5><a href="{link}" title="item {i}">item {i}</a></h5>'
        f'<div class="times">2026-11-2{i % 9}</div></li>\n' for i, link in enumerate(links))
    page = f'<html><body><div id="loadingInfoPage"><ul>\n{items}</ul></div></body></html>'
    return 200, [("Content-Type", "text/html; charset=utf-8")], page.encode("utf-8")


def redirect(location: str) -> Reply:
    return 302, [("Location", location)], b""


class Site(ThreadingHTTPServer):
    """Pages by path, served on one loopback address; counts the requests each path got."""

    daemon_threads = True

    def __init__(self, host: str, pages: dict[str, Reply]) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.pages = {"/robots.txt": (200, [("Content-Type", "text/plain")], b""), **pages}
        self.requested: dict[str, int] = {}
        super().__init__((host, 0), _Handler)
        shown = f"[{host}]" if ":" in host else host
        self.base_url = f"http://{shown}:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: Site

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        self.server.requested[path] = self.server.requested.get(path, 0) + 1
        reply = self.server.pages.get(path, (404, [], b"<h1>404</h1>"))
        if callable(reply):
            reply(self)
            return
        status, headers, body = reply
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def serving(host: str, pages: dict[str, Reply]) -> Iterator[Site]:
    site = Site(host, pages)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.shutdown()
        site.server_close()
        thread.join(timeout=10)


SOURCE = """
[sources.drills]
name = "hardening drills"
language = "zh-Hans"
timezone = "Asia/Shanghai"
base_url = "{base}"
delay = 0
timeout = 5
[sources.drills.list]
url = "/list.htm"
items = "#loadingInfoPage li"
link = "h5 a::attr(href)"
title = "h5 a::attr(title)"
date = ".times::text"
[sources.drills.article]
title = ["h1.title", "h1"]
date = ["#pubtime::text"]
body = ["#BodyLabel"]
"""


def crawl(tmp_path: Path, base_url: str, source: str = SOURCE) -> tuple[int, dict[str, Any], str]:
    """`regwatch crawl --json drills` against ``base_url``: exit code, the source's result,
    stderr."""
    config = tmp_path / "regwatch.toml"
    config.write_text(source.format(base=base_url), encoding="utf-8")
    finished = subprocess.run(
        [sys.executable, "-m", "cli", "--config", str(config), "--database-url",
         f"sqlite:///{tmp_path / 'archive.db'}", "crawl", "--json", "drills"],
        capture_output=True, text=True, timeout=240, cwd=REPO_ROOT, check=False)
    try:
        result = json.loads(finished.stdout)["drills"]
    except (ValueError, KeyError):
        pytest.fail(f"crawl printed no result:\n{finished.stdout}\n{finished.stderr[-4000:]}")
    return finished.returncode, result, finished.stderr


def archived_urls(tmp_path: Path) -> set[str]:
    with session_factory(open_archive(f"sqlite:///{tmp_path / 'archive.db'}"))() as session:
        return set(session.scalars(select(Notice.url)))


# --- 1. nothing leaves outside the gate -----------------------------------------------------

# The crawl as `regwatch crawl` runs it, with every name lookup and connection that is not to
# loopback written to the file argv[1]; the MIIT copy (whose firewall step sets a cookie) is
# served from a thread of the same process, as the namespace has no other host to reach.
OUTSIDE_RECORDING_CRAWL = r"""
import ipaddress, runpy, sys

outside = sys.argv[1]


def loopback(host):
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").split("%")[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def record(event, args):
    if event == "socket.getaddrinfo":
        host = args[0]
    elif event == "socket.connect" and isinstance(args[1], tuple):
        host = args[1][0]
    else:
        return
    if not loopback(host):
        with open(outside, "a", encoding="utf-8") as file:
            file.write(f"{event} {host!r}\n")


sys.addaudithook(record)
from crawler.localsite.server import serve_in_thread

base_url, stop = serve_in_thread(sys.argv[2], "miit")
with open(sys.argv[3], "w", encoding="utf-8") as file:
    file.write(f'[sources.miit-app]\nbase_url = "{base_url}"\ndelay = 0\n')
sys.argv = ["cli", "--config", sys.argv[3], "--database-url", sys.argv[4],
            "crawl", "--json", "miit-app"]
try:
    runpy.run_module("cli", run_name="__main__")
finally:
    stop()
"""


def loopback_only_namespace() -> list[str]:
    """The command prefix that runs a command in a new network namespace with loopback up;
    skips the test where one cannot be made (no unshare, not allowed)."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        pytest.skip("needs unshare and ip (util-linux, iproute2) to make a network namespace")
    prefix = ["unshare", "--net", "sh", "-c", 'ip link set lo up && exec "$0" "$@"']
    probe = subprocess.run([*prefix, "true"], capture_output=True, text=True, timeout=30,
                           check=False)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a network namespace here: {probe.stderr.strip()}")
    return prefix


def test_a_crawl_that_gets_a_cookie_reaches_nothing_but_the_site(tmp_path: Path) -> None:
    from tests.sites import copy_site

    prefix = loopback_only_namespace()
    outside = tmp_path / "outside.txt"
    site_dir = copy_site("miit", tmp_path)
    # An empty suffix-list cache, as on a machine's first crawl.
    environment = {**_environment(), "TLDEXTRACT_CACHE": str(tmp_path / "suffix-cache"),
                   "XDG_CACHE_HOME": str(tmp_path / "cache")}
    finished = subprocess.run(
        [*prefix, sys.executable, "-c", OUTSIDE_RECORDING_CRAWL, str(outside), str(site_dir),
         str(tmp_path / "regwatch.toml"), f"sqlite:///{tmp_path / 'archive.db'}"],
        capture_output=True, text=True, timeout=240, cwd=REPO_ROOT, env=environment,
        check=False)
    assert finished.returncode == 0, finished.stdout[-2000:] + finished.stderr[-4000:]
    result = json.loads(finished.stdout)["miit-app"]
    # The list API answers only a client that kept the firewall's cookie.
    assert result["status"] == "ok" and result["new"] >= 3, result
    assert (outside.read_text(encoding="utf-8") if outside.exists() else "") == ""
    assert "Traceback" not in finished.stderr, finished.stderr[-4000:]


def _environment() -> dict[str, str]:
    import os

    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPO_ROOT), environment.get("PYTHONPATH")]))
    return environment


# --- 2. one bad link costs that link only ---------------------------------------------------


@pytest.mark.parametrize(("url", "canonical"), [
    ("http://WWW.Example.gov:80/a.htm#top", "http://www.example.gov/a.htm"),
    ("http://[2001:DB8::1]:8080/a", "http://[2001:db8::1]:8080/a"),
    ("http://[::1]", "http://[::1]/"),
])
def test_canonical_url_keeps_ipv6_hosts_in_brackets(url: str, canonical: str) -> None:
    from crawler.cleaning import canonical_url

    assert canonical_url(url) == canonical


@pytest.mark.parametrize(("url", "message"), [
    ("http://host:99999/a.htm", "Port out of range"),
    ("http://host:http/a.htm", "Port could not be cast"),
    ("http://[::1/a.htm", "Invalid IPv6 URL"),
])
def test_canonical_url_says_why_a_url_is_unusable(url: str, message: str) -> None:
    from crawler.cleaning import canonical_url

    with pytest.raises(ValueError, match=message):
        canonical_url(url)


def test_a_bad_link_on_a_list_page_costs_that_link_only(tmp_path: Path) -> None:
    bad = ["http://127.0.0.1:99999/impossible-port.htm", "http://[::1/unclosed.htm",
           "http://127.0.0.1:port/not-a-number.htm"]
    pages = {"/list.htm": list_page("/a.htm", bad[0], "/b.htm", bad[1], bad[2], "/c.htm"),
             "/a.htm": notice(1), "/b.htm": notice(2), "/c.htm": notice(3)}
    for site in serving("127.0.0.1", pages):
        code, result, stderr = crawl(tmp_path, site.base_url)
        base = site.base_url
    assert code == 1, stderr[-3000:]  # unhealthy: the source lists links that lead nowhere
    assert result["status"] == "unhealthy"
    assert result["new"] == 3 and result["failed"] == 0
    assert archived_urls(tmp_path) == {f"{base}/a.htm", f"{base}/b.htm", f"{base}/c.htm"}
    problems = {p["url"]: p for p in result["problems"]}
    assert set(problems) == set(bad)
    assert all(p["kind"] == "refused" and f"link on {base}/list.htm" in p["detail"]
               for p in problems.values())
    assert "Port out of range" in problems[bad[0]]["detail"]
    assert "Traceback" not in stderr


# --- 3. every dropped fetch is a problem with its reason ------------------------------------

MAXSIZE = 32 * 1024 * 1024  # crawler/settings.py DOWNLOAD_MAXSIZE


def truncated(writer: BaseHTTPRequestHandler) -> None:
    """Half of a notice, then the connection closes."""
    body = notice(9)[2]  # type: ignore[index]
    writer.close_connection = True
    writer.send_response(200)
    writer.send_header("Content-Type", "text/html; charset=utf-8")
    writer.send_header("Content-Length", str(len(body)))
    writer.end_headers()
    writer.wfile.write(body[: len(body) // 2])


def oversize(declared: bool) -> Callable[[BaseHTTPRequestHandler], None]:
    """A body past DOWNLOAD_MAXSIZE: said in Content-Length, or found only while it arrives."""

    def write(writer: BaseHTTPRequestHandler) -> None:
        writer.close_connection = True
        writer.send_response(200)
        writer.send_header("Content-Type", "text/html; charset=utf-8")
        if declared:
            writer.send_header("Content-Length", str(MAXSIZE + 1024))
        writer.end_headers()
        chunk = b"<p>" + b"x" * (1 << 20) + b"</p>"
        try:
            for _ in range(MAXSIZE // len(chunk) + 4):
                writer.wfile.write(chunk)
        except OSError:
            pass  # the crawler hung up, as it should

    return write


def test_every_dropped_notice_fetch_is_a_problem_with_its_reason(tmp_path: Path) -> None:
    pages: dict[str, Reply] = {
        "/list.htm": list_page("/ok.htm", "/self.htm", "/loop-a.htm", "/chain-0.htm",
                               "/truncated.htm", "/oversize-declared.htm",
                               "/oversize-streamed.htm"),
        "/ok.htm": notice(1),
        "/self.htm": redirect("/self.htm"),
        "/loop-a.htm": redirect("/loop-b.htm"),
        "/loop-b.htm": redirect("/loop-a.htm"),
        **{f"/chain-{i}.htm": redirect(f"/chain-{i + 1}.htm") for i in range(8)},
        "/truncated.htm": truncated,
        "/oversize-declared.htm": oversize(declared=True),
        "/oversize-streamed.htm": oversize(declared=False),
    }
    for site in serving("127.0.0.1", pages):
        code, result, stderr = crawl(tmp_path, site.base_url)
        base = site.base_url
    assert code == 1 and result["status"] == "unhealthy", stderr[-3000:]
    assert result["new"] == 1
    problems = {p["url"].removeprefix(base): p["detail"] for p in result["problems"]}
    assert problems == {
        "/self.htm": "redirects to itself; not fetched",
        "/loop-a.htm": (f"redirect loop: {base}/loop-a.htm -> {base}/loop-b.htm -> "
                        f"{base}/loop-a.htm; not fetched"),
        # REDIRECT_MAX_TIMES is 5: the sixth redirect is not followed.
        "/chain-5.htm": f"IgnoreRequest: max redirections reached (redirected from {base}/chain-0.htm)",
        "/truncated.htm": ("body cut short: the connection closed before the length the "
                           "server announced had arrived"),
        "/oversize-declared.htm": (
            f"Expected to receive {MAXSIZE + 1024} bytes which is larger than download max size "
            f"({MAXSIZE}) in request <GET {base}/oversize-declared.htm>."),
        "/oversize-streamed.htm": (f"the body grew past the download size limit ({MAXSIZE} "
                                   "bytes); the rest was not read"),
    }
    assert all(p["kind"] == "http_error" for p in result["problems"])
    # Each notice lost is counted once.
    assert result["failed"] == len(problems)
    assert "Traceback" not in stderr


# --- 4. IPv6 literal hosts ------------------------------------------------------------------


def ipv6_loopback() -> str:
    """``::1``, or a skip where this machine has no IPv6 loopback to serve on."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError as exc:
        pytest.skip(f"no IPv6 loopback here to serve a site on: {exc}")
    return "::1"


def test_a_site_at_an_ipv6_base_url_is_crawled_through_the_gate(tmp_path: Path) -> None:
    host = ipv6_loopback()
    pages: dict[str, Reply] = {"/a.htm": notice(1), "/b.htm": notice(2)}
    for site in serving(host, pages):
        base = site.base_url
        port = site.server_address[1]
        other_port = port + 1 if port < 65535 else port - 1
        site.pages["/list.htm"] = list_page(
            "/a.htm", f"{base}/b.htm",
            # Not the source's host: refused by the gate, and said so.
            "http://[2001:db8::1]/elsewhere.htm",
            # Loopback, but not the origin the user trusted (another port).
            f"http://[::1]:{other_port}/other-port.htm")
        code, result, stderr = crawl(tmp_path, base)
        requested = dict(site.requested)
    assert requested.get("/robots.txt") == 1, stderr[-3000:]
    assert archived_urls(tmp_path) == {f"{base}/a.htm", f"{base}/b.htm"}, result
    assert result["new"] == 2
    refused = {p["url"]: p for p in result["problems"]}
    assert {p["kind"] for p in refused.values()} == {"refused"}
    assert "is not one of the source's hosts" in (
        refused["http://[2001:db8::1]/elsewhere.htm"]["detail"])
    assert "resolves to non-public address ::1" in (
        refused[f"http://[::1]:{other_port}/other-port.htm"]["detail"])
    assert len(refused) == 2, result["problems"]
    assert code == 1 and result["status"] == "unhealthy"
    assert "Traceback" not in stderr


def test_an_ipv6_base_url_is_a_trusted_host_of_the_resolver(tmp_path: Path) -> None:
    from config import load_config
    from crawler.egress import config_trusted_hosts, origin_host

    config_path = tmp_path / "regwatch.toml"
    config_path.write_text('[sources.cac-wxfb]\nbase_url = "http://[::1]:8080"\n',
                           encoding="utf-8")
    assert config_trusted_hosts(load_config(config_path)) == {"::1"}
    assert origin_host("http://www.Example.gov:443") == "www.example.gov"
    assert origin_host("http://[2001:DB8::1]:80") == "2001:db8::1"


def test_the_resolver_answers_ipv6_and_refuses_a_non_public_one_for_an_untrusted_host() -> None:
    from twisted.internet.address import IPv6Address

    from crawler.egress import GatedResolver

    class Answers:
        """A name resolver answering every name with ::1 and 2606:4700::1111."""

        def resolveHostName(self, receiver: Any, name: str, port: int = 0, *rest: Any) -> Any:
            receiver.resolutionBegan(object())
            for host in ("::1", "2606:4700::1111"):
                receiver.addressResolved(IPv6Address("TCP", host, port))
            receiver.resolutionComplete()

    class Receiver:
        def __init__(self) -> None:
            self.hosts: list[str] = []
            self.complete = False

        def resolutionBegan(self, resolution: object) -> None:
            pass

        def addressResolved(self, address: IPv6Address) -> None:
            self.hosts.append(address.host)

        def resolutionComplete(self) -> None:
            self.complete = True

    class Reactor:
        nameResolver = Answers()

    resolver = GatedResolver(Reactor(), 0, 5.0, frozenset({"mirror.local", "::1"}))  # type: ignore[arg-type]
    for name, expected in (("www.cac.gov.cn", ["2606:4700::1111"]),
                           ("mirror.local", ["::1", "2606:4700::1111"]),
                           ("[::1]", ["::1", "2606:4700::1111"])):
        receiver = Receiver()
        resolver.resolveHostName(receiver, name, 80)
        assert receiver.complete and receiver.hosts == expected, name


# --- 5. redirects that move a notice, and pages regwatch could not read ---------------------


def test_a_notice_moved_to_a_new_path_is_archived_and_said_to_have_moved(tmp_path: Path) -> None:
    # A move is not a health problem: the notice was read, under the URL its list gives.
    pages: dict[str, Reply] = {
        "/list.htm": list_page("/moved.htm", "/stays.htm"),
        "/moved.htm": redirect("/2026/new-home.htm"),
        "/2026/new-home.htm": notice(1),
        "/stays.htm": notice(2),
    }
    for site in serving("127.0.0.1", pages):
        code, result, stderr = crawl(tmp_path, site.base_url)
        base = site.base_url
    assert result["new"] == 2 and result["failed"] == 0, stderr[-3000:]
    assert archived_urls(tmp_path) == {f"{base}/moved.htm", f"{base}/stays.htm"}
    assert f"moved: {base}/moved.htm redirects to {base}/2026/new-home.htm" in stderr
    assert result["problems"] == []
    assert code == 0 and result["status"] == "ok"


def test_a_notice_page_the_spider_cannot_read_is_a_failed_notice_with_its_reason(
    tmp_path: Path
) -> None:
    # A regular expression the configuration check compiles as XPath, and that fails only
    # when it runs on a page.
    source = SOURCE.replace('body = ["#BodyLabel"]', """body = ["xpath://div[re:test(., '(')]"]""")
    pages: dict[str, Reply] = {"/list.htm": list_page("/a.htm"), "/a.htm": notice(1)}
    for site in serving("127.0.0.1", pages):
        code, result, stderr = crawl(tmp_path, site.base_url, source)
        base = site.base_url
    assert code == 1 and result["status"] == "unhealthy", stderr[-3000:]
    assert result["new"] == 0 and result["failed"] == 1
    [problem] = result["problems"]
    assert problem["url"] == f"{base}/a.htm" and problem["kind"] == "no_match"
    assert problem["detail"].startswith("page not readable: error: missing ), unterminated")


# The gate looks a host up when it checks a request; the connection's lookup is the crawl
# resolver's. Here the gate's lookup of localhost answers a public address (as a rebinding DNS
# server first answers), and the connection's is the machine's own (loopback).
REBINDING_CRAWL = """
import runpy, sys
import crawler.egress
checked = crawler.egress.resolve
crawler.egress.resolve = lambda host: ("93.184.216.34",) if host == "localhost" else checked(host)
sys.argv = ["cli", *sys.argv[1:]]
runpy.run_module("cli", run_name="__main__")
"""


def test_a_connection_the_resolver_refuses_is_a_refusal_with_its_reason(tmp_path: Path) -> None:
    pages: dict[str, Reply] = {"/a.htm": notice(1), "/rebound.htm": notice(2)}
    for site in serving("127.0.0.1", pages):
        port = site.server_address[1]
        site.pages["/list.htm"] = list_page("/a.htm", f"http://localhost:{port}/rebound.htm")
        config = tmp_path / "regwatch.toml"
        # localhost is one of the source's hosts, but not a base URL the user trusted.
        config.write_text(SOURCE.format(base=site.base_url).replace(
            "delay = 0\n", 'delay = 0\nhosts = ["localhost"]\n', 1), encoding="utf-8")
        finished = subprocess.run(
            [sys.executable, "-c", REBINDING_CRAWL, "--config", str(config), "--database-url",
             f"sqlite:///{tmp_path / 'archive.db'}", "crawl", "--json", "drills"],
            capture_output=True, text=True, timeout=240, cwd=REPO_ROOT, check=False)
        requested = dict(site.requested)
    result = json.loads(finished.stdout)["drills"]
    assert requested.get("/rebound.htm") is None and requested.get("/robots.txt") == 1
    assert result["new"] == 1
    problems = {p["url"]: p for p in result["problems"]}
    # The robots.txt the crawl needed first was not fetched, for the resolver's reason ...
    robots = problems[f"http://localhost:{port}/robots.txt"]
    assert robots["kind"] == "refused"
    assert robots["detail"].startswith("localhost now resolves to non-public address ")
    # ... so the notice was not fetched either.
    assert problems[f"http://localhost:{port}/rebound.htm"] == {
        "kind": "robots", "url": f"http://localhost:{port}/rebound.htm",
        "detail": "robots.txt could not be fetched, which forbids the host for this run"}
    assert "Traceback" not in finished.stderr, finished.stderr[-4000:]
