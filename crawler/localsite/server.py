"""A loopback HTTP/1.1 server that serves one local copy of a regulator site, faults included.

Run as a subprocess (what tests and `regwatch demo` do):

    python -m crawler.localsite.server SITE_DIR [--port 0] [--site cac|miit|samr|ftc|ec|ico|generic]

It prints `listening http://127.0.0.1:PORT` once ready and serves until killed or sent SIGTERM.
`serve_in_thread()` runs the same server inside the calling process.

What it answers, in order: `/_stats` and `/_control` (test controls, not counted);
`/_faults/...` (see crawler.localsite.faults); `/robots.txt` as 503 while switched so; the
site kind's dynamic API (CAC JsonList, jpaas for MIIT and SAMR, ICO search); otherwise files
of the copy (crawler.localsite.static_files), read from disk on every request.
"""

from __future__ import annotations

import argparse
import html
import secrets
import signal
import socket
import sys
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from email.utils import parsedate_to_datetime
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from crawler.localsite import faults, site_apis
from crawler.localsite.replies import Reply, html_reply, is_not_modified, json_reply
from crawler.localsite.static_files import SITE_KINDS, file_reply, load_site_config, resolve

MAX_REQUEST_BODY = 1 << 20
# MIIT's anti-bot (Jiasule) names its first cookie so; the jpaas API wants it back.
MIIT_COOKIE = "__jsluid_s"
ROBOTS_503_SWITCH_FILE = "_robots_503"


class RequestStats:
    """Requests counted per path, per full target and per status, for tests to assert on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paths: Counter[str] = Counter()
        self._targets: Counter[str] = Counter()
        self._statuses: Counter[str] = Counter()

    def record_request(self, path: str, target: str) -> None:
        with self._lock:
            self._paths[path] += 1
            self._targets[target] += 1

    def record_status(self, status: int) -> None:
        with self._lock:
            self._statuses[str(status)] += 1

    def snapshot(self) -> dict[str, object]:
        with self._lock:
            return {
                "total": sum(self._paths.values()),
                "paths": dict(self._paths),
                "targets": dict(self._targets),
                "statuses": dict(self._statuses),
            }

    def reset(self) -> None:
        with self._lock:
            self._paths.clear()
            self._targets.clear()
            self._statuses.clear()


class LocalSiteServer(ThreadingHTTPServer):
    """One site copy on 127.0.0.1, with the state its dynamic endpoints and faults need."""

    daemon_threads = True
    # Crawlers open several connections at once; the default backlog of 5 drops some.
    request_queue_size = 64

    def __init__(self, site_dir: Path, site: str | None = None, port: int = 0,
                 access_log: bool = False) -> None:
        self.site_dir = site_dir.resolve()
        if not self.site_dir.is_dir():
            raise FileNotFoundError(f"no site copy at {site_dir}")
        self.config = load_site_config(self.site_dir)
        self.site = site or self.config.site
        if self.site not in SITE_KINDS:
            raise ValueError(f"unknown site kind {self.site!r}")
        self.access_log = access_log
        self.stopping = threading.Event()
        self.stats = RequestStats()
        self.fault_counters = faults.FaultCounters()
        self.robots_503 = False
        self.gzip_bomb = faults.build_gzip_bomb()
        self._issued_cookies: set[str] = set()
        self._cookie_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), SiteRequestHandler)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def issue_cookie(self) -> str:
        value = secrets.token_hex(16)
        with self._cookie_lock:
            self._issued_cookies.add(value)
        return value

    def knows_cookie(self, value: str | None) -> bool:
        with self._cookie_lock:
            return value is not None and value in self._issued_cookies

    def robots_unavailable(self) -> bool:
        return self.robots_503 or (self.site_dir / ROBOTS_503_SWITCH_FILE).exists()

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket],
                     client_address: Any) -> None:
        # A crawler that gives up mid-body (a hang, a bomb) is expected, not worth a traceback.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def shutdown(self) -> None:
        # Wake dripping `hang` handlers first, or they would hold their threads for minutes.
        self.stopping.set()
        super().shutdown()

    def server_close(self) -> None:
        self.stopping.set()
        super().server_close()


def _split_target(target: str) -> tuple[str, str]:
    """Path and query of a request target, accepting the absolute form a proxy client sends."""
    if target.startswith(("http://", "https://")):
        parts = urlsplit(target)
        return parts.path or "/", parts.query
    path, _, query = target.partition("?")
    return path, query


class SiteRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "localsite"
    sys_version = ""
    # Idle keep-alive connections are dropped after this, so no thread waits forever.
    timeout = 60
    server: LocalSiteServer
    # Whether this request shows in /_stats; the test controls themselves do not.
    _counted = True

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def log_message(self, format: str, *args: object) -> None:
        if self.server.access_log:
            super().log_message(format, *args)

    def _read_body(self) -> bytes | None:
        """The request body, or None when it is too large or chunked (answered 413)."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return None
        try:
            length = int(self.headers.get("Content-Length", "0") or "0")
        except ValueError:
            return None
        if length < 0 or length > MAX_REQUEST_BODY:
            return None
        return self.rfile.read(length) if length else b""

    def _dispatch(self, method: str) -> None:
        path, query = _split_target(self.path)
        self._counted = path not in ("/_stats", "/_control")
        # Read any body, even on GET, so the next request on a kept-alive connection is intact.
        body = self._read_body()
        if body is None:
            self.close_connection = True
            self._send(method, html_reply("<h1>413</h1>\n", status=413))
            return
        if self._counted:
            self.server.stats.record_request(unquote(path), self.path)
        try:
            if path.startswith("/_faults/") and self._stream_fault(method, path):
                return
            reply = self._route(method, path, query, body)
        except (site_apis.RowFileError, ValueError, OSError) as error:
            # A broken fixture file must show up as a 500 the test can see, not a reset socket.
            reply = html_reply(f"<h1>500</h1><p>{html.escape(str(error))}</p>\n", status=500)
        self._send(method, reply)

    def _route(self, method: str, path: str, query: str, body: bytes) -> Reply:
        server = self.server
        params = dict(parse_qsl(query, keep_blank_values=True))
        if path == "/_stats":
            return json_reply(server.stats.snapshot(), extra_headers=[("Cache-Control", "no-store")])
        if path == "/_control":
            return self._control(params)
        if path.startswith("/_faults/"):
            return self._fault(path.removeprefix("/_faults/"), params)
        if path == "/robots.txt" and server.robots_unavailable():
            return html_reply("<h1>503 Service Unavailable</h1>\n", status=503,
                              extra_headers=[("Retry-After", "60")])
        api_reply = self._site_api(method, path, params, body)
        if api_reply is not None:
            return api_reply
        if method not in ("GET", "HEAD"):
            return html_reply("<h1>405</h1>\n", status=405, extra_headers=[("Allow", "GET, HEAD")])
        file = resolve(server.site_dir, path, query)
        if file is None:
            return html_reply("<html><body><h1>404 Not Found</h1></body></html>\n", status=404)
        reply = file_reply(file, server.config)
        if server.site == "miit" and (reply.header("Content-Type") or "").startswith("text/html"):
            self._give_miit_cookie(reply)
        return reply

    def _site_api(self, method: str, path: str, params: dict[str, str], body: bytes) -> Reply | None:
        server = self.server
        if server.site == "cac" and path == site_apis.CAC_JSONLIST_PATH:
            if method == "POST":
                form_type = self.headers.get("Content-Type", "")
                if "application/x-www-form-urlencoded" in form_type or not form_type:
                    params = {**params, **dict(parse_qsl(body.decode("utf-8", "replace")))}
            return site_apis.cac_json_list(server.site_dir, params)
        if server.site in ("miit", "samr") and path == site_apis.JPAAS_UNIT_PATH:
            if server.site == "miit" and not server.knows_cookie(self._cookie(MIIT_COOKIE)):
                return faults.challenge(521)
            return site_apis.jpaas_unit(server.site_dir, params, "miit" if server.site == "miit"
                                        else "samr")
        if server.site == "ico" and path == site_apis.ICO_SEARCH_PATH:
            if method != "POST":
                return json_reply({"message": "The requested resource does not support GET."},
                                  status=405, extra_headers=[("Allow", "POST")])
            return site_apis.ico_search(server.site_dir, body)
        return None

    def _cookie(self, name: str) -> str | None:
        jar = SimpleCookie()
        for header in self.headers.get_all("Cookie") or []:
            try:
                jar.load(header)
            except CookieError:
                continue
        morsel = jar.get(name)
        return morsel.value if morsel is not None else None

    def _give_miit_cookie(self, reply: Reply) -> None:
        if not self.server.knows_cookie(self._cookie(MIIT_COOKIE)):
            value = self.server.issue_cookie()
            reply.headers.append(
                ("Set-Cookie", f"{MIIT_COOKIE}={value}; max-age=31536000; path=/; HttpOnly")
            )

    def _control(self, params: dict[str, str]) -> Reply:
        server = self.server
        if params.get("reset") == "1":
            server.stats.reset()
            server.fault_counters.reset()
        if params.get("robots") == "503":
            server.robots_503 = True
        elif params.get("robots") in ("200", "ok"):
            server.robots_503 = False
        return json_reply({"robots": 503 if server.robots_unavailable() else 200},
                          extra_headers=[("Cache-Control", "no-store")])

    def _fault(self, name: str, params: dict[str, str]) -> Reply:
        server = self.server
        if name.startswith("503-then-200/") and len(name) > len("503-then-200/"):
            return faults.clears_after_failures(server.site_dir, server.fault_counters, name,
                                                params, 503, "1")
        if name.startswith("429/") and len(name) > len("429/"):
            return faults.clears_after_failures(server.site_dir, server.fault_counters, name,
                                                params, 429, "2")
        if name == "gzip-bomb":
            return Reply(200, [("Content-Type", "text/html; charset=utf-8"),
                               ("Content-Encoding", "gzip")], server.gzip_bomb)
        if name == "redirect-loopback":
            port = server.server_address[1]
            other = port + 1 if port < 65535 else port - 1
            return faults.redirect(f"http://127.0.0.1:{other}/x")
        if name == "redirect-metadata":
            return faults.redirect(faults.METADATA_URL)
        if name in ("lying-charset", "lying-charset/utf-8"):
            return faults.lying_charset("utf-8")
        if name == "lying-charset/iso-8859-1":
            return faults.lying_charset("ISO-8859-1")
        if name == "empty-list":
            return faults.empty_list(server.site_dir)
        if name == "challenge-521":
            return faults.challenge(521)
        if name == "challenge-412":
            return faults.challenge(412)
        if name == "interstitial-200":
            return faults.interstitial()
        if name == "":
            return json_reply({"faults": list(faults.FAULT_NAMES)})
        return html_reply("<h1>404 no such fault</h1>\n", status=404)

    def _stream_fault(self, method: str, path: str) -> bool:
        """Answer the faults that misbehave mid-body; False for every other fault path."""
        name = path.removeprefix("/_faults/")
        server = self.server
        if name == "hang":
            params = dict(parse_qsl(urlsplit(self.path).query))
            try:
                interval = max(0.0, min(float(params.get("interval", "3")), 30.0))
            except ValueError:
                interval = 3.0
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            server.stats.record_status(200)
            if method == "HEAD":
                return True

            def write(chunk: bytes) -> None:
                self.wfile.write(chunk)
                self.wfile.flush()

            try:
                write(b"<html>")
                faults.drip(write, server.stopping, interval)
            except OSError:
                pass  # the client gave up, which is what this fault is for
            return True
        if name == "truncated":
            page = faults.article(server.site_dir).body
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            server.stats.record_status(200)
            if method != "HEAD":
                self.wfile.write(page[: len(page) // 2])
                self.wfile.flush()
            return True
        return False

    def _send(self, method: str, reply: Reply) -> None:
        if reply.status == 200 and method in ("GET", "HEAD"):
            last_modified = reply.header("Last-Modified")
            modified_ts = None
            if last_modified is not None:
                modified_ts = parsedate_to_datetime(last_modified).timestamp()
            if is_not_modified(self.headers.get("If-None-Match"),
                               self.headers.get("If-Modified-Since"),
                               reply.header("ETag"), modified_ts):
                kept = [(k, v) for k, v in reply.headers
                        if k.lower() in ("etag", "last-modified", "cache-control", "set-cookie")]
                reply = Reply(304, kept, b"")
        self.send_response(reply.status)
        if self._counted:
            self.server.stats.record_status(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        if reply.status != 304:
            self.send_header("Content-Length", str(len(reply.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if method != "HEAD" and reply.status != 304:
            self.wfile.write(reply.body)


def serve_in_thread(site_dir: Path | str, site: str | None = None,
                    port: int = 0) -> tuple[str, Callable[[], None]]:
    """Start a server in a daemon thread of this process: returns (base_url, stop).

    `stop()` ends the serving loop, wakes any dripping fault and closes the socket; calling it
    twice is harmless.
    """
    server = LocalSiteServer(Path(site_dir), site, port)
    thread = threading.Thread(target=server.serve_forever, name="localsite", daemon=True)
    thread.start()
    stopped = threading.Event()

    def stop() -> None:
        if stopped.is_set():
            return
        stopped.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

    return server.base_url, stop


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m crawler.localsite.server",
        description="Serve a local copy of a regulator site on 127.0.0.1.",
    )
    parser.add_argument("site_dir", type=Path, help="the copy's directory")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    parser.add_argument("--site", choices=SITE_KINDS, default=None,
                        help="site kind; default from SITE_DIR/_site.toml, else generic")
    parser.add_argument("--access-log", action="store_true", help="log each request to stderr")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    server = LocalSiteServer(args.site_dir, args.site, args.port, access_log=args.access_log)

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, on_sigterm)
    print(f"listening {server.base_url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stopping.set()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
