"""Many small regulator sites on loopback: N sources of a few notices each, spread over H hosts.

Each source ``src{n}`` has a list page ``/s{n}/index.htm`` with its notices' links and one page
per notice (``/s{n}/{k}.htm``), on host ``127.0.0.{2 + n % H}`` (Linux routes all of 127/8 to
loopback, so every host is its own address and its own Scrapy downloader slot). One asyncio
server process listens on every host's address; it answers robots.txt, ETag/304 on notice pages,
an optional delay before each answer, and logs (host, path, start, end) of every request so a
test can check that no two requests to one host overlapped.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Self

NOTICE_TEMPLATE = (
    "<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
    "<h1 class='title'>{title}</h1><div id='pubtime'>2026-11-{day:02d} 10:00</div>"
    "<div id='body'><p>{text}</p></div></body></html>"
)


def host_of(number: int, hosts: int) -> str:
    return f"127.0.0.{2 + number % hosts}"


def notice_text(source: int, notice: int) -> str:
    fine = 10 + (source * 7 + notice * 13) % 90
    return (f"2026年11月，网信部门依法约谈网站{100 + source}家，对第{notice}家平台处以罚款"
            f"{fine}万元。 The regulator fined platform {source}-{notice} {fine} million yuan.")


def page(path: str) -> tuple[int, bytes, str]:
    """(status, body, content type) of ``path`` on the sites."""
    if path == "/robots.txt":
        return 200, b"User-agent: *\nDisallow: /private/\n", "text/plain"
    parts = path.strip("/").split("/")
    if len(parts) == 2 and parts[0].startswith("s") and parts[0][1:].isdigit():
        source = int(parts[0][1:])
        name = parts[1]
        if name == "index.htm":
            items = "".join(
                f"<li><a href='/s{source}/{k}.htm' title='通知 {source}-{k}'>通知 {source}-{k}</a>"
                f"<span>2026-11-{10 + k:02d}</span></li>" for k in range(5))
            body = (f"<html><head><meta charset='utf-8'></head><body><ul class='list'>{items}"
                    f"</ul></body></html>")
            return 200, body.encode(), "text/html; charset=utf-8"
        stem = name.removesuffix(".htm")
        if stem.isdigit():
            k = int(stem)
            body = NOTICE_TEMPLATE.format(title=f"通知 {source}-{k}", day=10 + k,
                                          text=notice_text(source, k))
            return 200, body.encode(), "text/html; charset=utf-8"
    return 404, b"not found", "text/plain"


def write_config(directory: Path, sources: int, hosts: int, port: int, *,
                 delay: float = 0.0, interval: str = "1h", extra: str = "") -> Path:
    """A regwatch.toml of ``sources`` sources spread over ``hosts`` loopback hosts; the
    built-in sources disabled."""
    from config import builtin_tables

    builtins = sorted({source_id for source_id, _, _ in builtin_tables()})
    tables = [(f"# Written by the benchmarks: {sources} sources on {hosts} loopback hosts.\n"
               f"[service]\nmax_jitter = \"0s\"\n{extra}")]
    tables += [f"\n[sources.{source_id}]\ndisabled = true\n" for source_id in builtins]
    for n in range(sources):
        tables.append(f"""
[sources.src{n}]
name = "Source {n}"
authority = "Loopback regulator {n % hosts}"
language = "zh-Hans"
timezone = "Asia/Shanghai"
base_url = "http://{host_of(n, hosts)}:{port}"
allow_private = true
delay = {delay}
interval = "{interval}"

[sources.src{n}.list]
kind = "html"
url = "/s{n}/index.htm"
items = "ul.list li"
link = "a::attr(href)"
title = ["a::attr(title)"]
date = ["span::text"]
max_pages = 1

[sources.src{n}.article]
title = ["h1.title::text"]
date = ["#pubtime::text"]
body = ["#body"]
""")
    path = directory / "regwatch.toml"
    path.write_text("".join(tables), encoding="utf-8")
    return path


class SitesProtocol(asyncio.Protocol):
    def __init__(self, server: SitesServer) -> None:
        self.server = server
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, _, rest = self.buffer.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0") or 0)
            if len(rest) < length:
                return
            self.buffer = rest[length:]
            method, target, _ = (lines[0].split(" ") + ["", ""])[:3]
            asyncio.get_running_loop().create_task(self.answer(method, target, headers))

    async def answer(self, method: str, target: str, headers: dict[str, str]) -> None:
        started = time.time()
        host = headers.get("host", "").rsplit(":", 1)[0]
        path = target.split("?", 1)[0]
        if self.server.answer_after:
            await asyncio.sleep(self.server.answer_after)
        status, body, content = page(path)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        extra = f"ETag: {etag}\r\n"
        if status == 200 and headers.get("if-none-match") == etag:
            status, body = 304, b""
        self.server.log(host, path, started, time.time(), status)
        reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}[status]
        head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content}\r\n"
                f"Content-Length: {len(body)}\r\n{extra}Connection: keep-alive\r\n\r\n")
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(head.encode("latin-1") + body)


class SitesServer:
    def __init__(self, answer_after: float, log_path: str | None) -> None:
        self.answer_after = answer_after
        self.log_file = open(log_path, "a", buffering=1) if log_path else None  # noqa: SIM115
        self.requests = 0

    def log(self, host: str, path: str, started: float, ended: float, status: int) -> None:
        self.requests += 1
        if self.log_file is not None:
            self.log_file.write(json.dumps([host, path, started, ended, status]) + "\n")


async def _serve(hosts: int, port: int, answer_after: float, log_path: str | None) -> None:
    server = SitesServer(answer_after, log_path)
    loop = asyncio.get_running_loop()
    listening = await loop.create_server(lambda: SitesProtocol(server),
                                         host=[host_of(n, hosts) for n in range(hosts)],
                                         port=port, reuse_address=True)
    print("ready", flush=True)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    listening.close()


class RunningSites:
    """The sites server in a child process, for a ``with`` block."""

    def __init__(self, hosts: int, *, answer_after: float = 0.0,
                 log_path: Path | None = None) -> None:
        self.hosts = hosts
        self.answer_after = answer_after
        self.log_path = log_path
        self.port = free_port()
        self.process: subprocess.Popen[str] | None = None

    def __enter__(self) -> Self:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.manysites", str(self.hosts), str(self.port),
             str(self.answer_after), str(self.log_path or "")],
            stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError("the loopback sites did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def cpu_seconds(self) -> float:
        assert self.process is not None
        with open(f"/proc/{self.process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def request_log(path: Path) -> list[dict[str, Any]]:
    """The server's log: one entry per answered request."""
    entries = []
    for line in path.read_text().splitlines():
        host, target, started, ended, status = json.loads(line)
        entries.append({"host": host, "path": target, "started": started, "ended": ended,
                        "status": status})
    return entries


if __name__ == "__main__":
    asyncio.run(_serve(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]),
                       sys.argv[4] or None))
