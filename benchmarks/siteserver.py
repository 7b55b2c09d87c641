"""A fast loopback HTTP/1.1 server for a synthetic site: asyncio, every page rendered in memory.

Run in its own process so it does not share a core's time with the crawler under test:

    python -m benchmarks.siteserver --size N [--seed S] [--port 0]

It prints ``listening http://127.0.0.1:PORT`` once every page is rendered and the socket
accepts, then serves until SIGTERM. Pages are answered from bytes held in memory (gzip when
the client accepts it, as the real CAC does), with ETag and Last-Modified, and 304 for a
matching ``If-None-Match`` or ``If-Modified-Since``; ``POST``/``GET /cms/JsonList`` answers
the pager API. Keep-alive, no logging, no thread per connection: the crawler is the bottleneck,
not this server.

Benchmark controls (not counted): ``GET /_stats`` (requests and bytes sent by kind of page,
304s, and the server's own CPU seconds), ``POST /_reset`` (zero the counters) and
``POST /_publish`` (add a new notice at the top of the list; answers its path and title).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from benchmarks.sitegen import (
    JSON_LIST_PATH,
    LAST_MODIFIED,
    LIST_PATH,
    PER_PAGE,
    StoredPage,
    SyntheticSite,
    content_type,
)

MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 1 << 20
STATUS_TEXT = {200: "OK", 304: "Not Modified", 400: "Bad Request", 404: "Not Found",
               405: "Method Not Allowed"}


@dataclass
class ServedCounts:
    """What the server answered, by kind of page: for request and byte counts of a crawl."""

    requests: Counter[str] = field(default_factory=Counter)
    bytes_sent: Counter[str] = field(default_factory=Counter)
    not_modified: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, object]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "requests": dict(self.requests),
            "bytes_sent": dict(self.bytes_sent),
            "not_modified": dict(self.not_modified),
            "total_requests": sum(self.requests.values()),
            "total_bytes_sent": sum(self.bytes_sent.values()),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
        }


class SiteState:
    """The site's pages in memory and the counters; one per server."""

    def __init__(self, site: SyntheticSite) -> None:
        self.site = site
        self.pages: dict[str, StoredPage] = {}
        self.counts = ServedCounts()
        for path, body in site.static_pages():
            self.pages[path] = StoredPage.of(body, content_type(path))

    def publish(self) -> dict[str, str]:
        notice = self.site.add_notice()
        self.pages[notice.path] = StoredPage.of(self.site.notice_page(notice),
                                                content_type(notice.path))
        self.pages[LIST_PATH] = StoredPage.of(self.site.list_page(), content_type(LIST_PATH))
        return {"path": notice.path, "title": notice.title,
                "published": notice.published.isoformat()}

    def kind_of(self, path: str) -> str:
        if path == "/robots.txt":
            return "robots"
        if path == LIST_PATH:
            return "list"
        if path == JSON_LIST_PATH:
            return "api"
        if path.endswith(".htm"):
            return "notice"
        return "other"


class SiteProtocol(asyncio.Protocol):
    """One client connection: requests parsed from the byte stream, answered in order."""

    def __init__(self, state: SiteState) -> None:
        self.state = state
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.transport is not None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEADER_BYTES:
                    self._close()
                return
            head = bytes(self.buffer[:end]).decode("latin-1")
            lines = head.split("\r\n")
            try:
                method, target, version = lines[0].split(" ", 2)
            except ValueError:
                self._close()
                return
            headers: dict[str, str] = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0") or 0)
            if length > MAX_BODY_BYTES:
                self._close()
                return
            if len(self.buffer) < end + 4 + length:
                return
            body = bytes(self.buffer[end + 4 : end + 4 + length])
            del self.buffer[: end + 4 + length]
            keep_alive = (headers.get("connection", "").lower() != "close"
                          and version == "HTTP/1.1")
            self.answer(method, target, headers, body, keep_alive)
            if not keep_alive:
                self._close()

    def _close(self) -> None:
        if self.transport is not None:
            self.transport.close()
            self.transport = None

    def answer(self, method: str, target: str, headers: dict[str, str], body: bytes,
               keep_alive: bool) -> None:
        parts = urlsplit(target)
        path = parts.path or "/"
        state = self.state
        if path == "/_stats":
            self.send(200, json.dumps(state.counts.as_json()).encode(), "application/json",
                      keep_alive, count=False)
            return
        if path == "/_reset" and method == "POST":
            state.counts = ServedCounts()
            self.send(200, b"{}", "application/json", keep_alive, count=False)
            return
        if path == "/_publish" and method == "POST":
            published = state.publish()
            self.send(200, json.dumps(published, ensure_ascii=False).encode(),
                      "application/json", keep_alive, count=False)
            return
        kind = state.kind_of(path)
        state.counts.requests[kind] += 1
        accepts_gzip = "gzip" in headers.get("accept-encoding", "")
        if path == JSON_LIST_PATH:
            params = dict(parse_qsl(parts.query))
            if method == "POST":
                params.update(parse_qsl(body.decode("utf-8", "replace")))
            try:
                page = max(1, int(params.get("pageno", "1")))
                per_page = min(100, max(1, int(params.get("perPage", str(PER_PAGE)))))
            except ValueError:
                self.send(400, b"{}", "application/json", keep_alive, kind=kind)
                return
            answer = StoredPage.of(
                state.site.json_list(params.get("channelCode", ""), page, per_page),
                content_type(JSON_LIST_PATH))
            self.send_page(answer, headers, accepts_gzip, keep_alive, kind, method)
            return
        stored = state.pages.get(path)
        if stored is None:
            self.send(404, b"not found", "text/plain", keep_alive, kind=kind)
            return
        if method not in ("GET", "HEAD"):
            self.send(405, b"", "text/plain", keep_alive, kind=kind)
            return
        self.send_page(stored, headers, accepts_gzip, keep_alive, kind, method)

    def send_page(self, page: StoredPage, headers: dict[str, str], accepts_gzip: bool,
                  keep_alive: bool, kind: str, method: str) -> None:
        validators = f"ETag: {page.etag}\r\nLast-Modified: {LAST_MODIFIED}\r\n"
        match = headers.get("if-none-match")
        if (match is not None and page.etag in match) or (
            match is None and headers.get("if-modified-since") == LAST_MODIFIED
        ):
            self.state.counts.not_modified[kind] += 1
            self.send(304, b"", None, keep_alive, kind=kind, extra=validators)
            return
        body = page.gzipped if accepts_gzip else page.body
        extra = validators + ("Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n"
                              if accepts_gzip else "")
        self.send(200, body, page.content_type, keep_alive, kind=kind, extra=extra,
                  head_only=method == "HEAD")

    def send(self, status: int, body: bytes, content: str | None, keep_alive: bool, *,
             kind: str = "other", extra: str = "", count: bool = True,
             head_only: bool = False) -> None:
        if self.transport is None:
            return
        head = (
            f"HTTP/1.1 {status} {STATUS_TEXT.get(status, 'OK')}\r\n"
            f"Date: {formatdate(time.time(), usegmt=True)}\r\nServer: benchsite\r\n"
            + (f"Content-Type: {content}\r\n" if content else "")
            + f"Content-Length: {len(body)}\r\n{extra}"
            + ("" if keep_alive else "Connection: close\r\n")
            + "\r\n"
        ).encode("latin-1")
        payload = head if head_only or status == 304 else head + body
        if count:
            self.state.counts.bytes_sent[kind] += len(payload)
        self.transport.write(payload)


class RunningSite:
    """A site server in a child process, for a benchmark: ``with RunningSite(3000) as site:``."""

    def __init__(self, size: int, seed: int = 6) -> None:
        self.size = size
        self.seed = seed
        self.process: subprocess.Popen[str] | None = None
        self.base_url = ""
        # Loopback only: a proxy from the environment must never see these requests.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def __enter__(self) -> Self:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.siteserver", "--size", str(self.size),
             "--seed", str(self.seed)],
            stdout=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("listening "):
            self.process.kill()
            raise RuntimeError(f"the site server did not start: {line!r}")
        self.base_url = line.split()[1]
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            if self.process.stdout is not None:
                self.process.stdout.close()

    def _call(self, method: str, path: str) -> dict[str, Any]:
        request = urllib.request.Request(self.base_url + path, method=method,
                                         data=b"" if method == "POST" else None)
        with self._opener.open(request, timeout=30) as answer:
            parsed: dict[str, Any] = json.loads(answer.read())
            return parsed

    def stats(self) -> dict[str, Any]:
        """Requests, bytes sent, 304s by kind of page, and the server's CPU seconds."""
        return self._call("GET", "/_stats")

    def reset(self) -> None:
        self._call("POST", "/_reset")

    def publish(self) -> dict[str, Any]:
        """Add a new notice at the top of the site's list; its path, title and date."""
        return self._call("POST", "/_publish")


async def serve(state: SiteState, port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SiteProtocol(state), "127.0.0.1", port,
                                      backlog=1024, reuse_address=True)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    address = server.sockets[0].getsockname()
    print(f"listening http://127.0.0.1:{address[1]}", flush=True)
    async with server:
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.siteserver")
    parser.add_argument("--size", type=int, required=True, help="notices on the site")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    state = SiteState(SyntheticSite(args.size, seed=args.seed))
    asyncio.run(serve(state, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
