"""Fixtures for the alert tests: a webhook receiver and an SMTP server on loopback, configs, events.

The webhook receiver is a real HTTP server (http.server in a thread) that records each request
and answers from a script of status codes; the SMTP server is aiosmtpd's. Run as a module, this
file is the child process of the crash tests:
`python -m tests.alert_fixtures deliver URL CONFIG NOW` runs one delivery round and
prints what it did; `... archive URL CONFIG` archives two summaries with their alerts and waits.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from config import Config, load_config
from storage.analysis import analyse_version
from storage.archive import record_notice
from storage.models import ChangeEvent, Notice
from tests.storage_fixtures import fetched_notice

BEIJING = timezone(timedelta(hours=8))

# The CAC's 2022 and 2023 enforcement summaries, shortened, in our own sentences around the
# real figures (8,608 and 10,646 websites summoned) and the platforms the 2023 one names.
SUMMARY_2022 = (
    "2022年，全国网信系统持续开展网络执法。全年共约谈网站8608家，下架移动应用程序420款，"
    "关闭违法网站15240家。国家网信办对抖音予以约谈并责令整改。"
)
SUMMARY_2023 = (
    "2023年，全国网信系统依法查处网上违法违规行为，全年共约谈网站10646家，"
    "下架移动应用程序259款，关闭违法网站14624家。"
    "针对百度、夸克浏览器等平台存在的问题，依法约谈并责令限期整改；抖音再次被约谈。"
)


# --- configuration --------------------------------------------------------------------------


def write_config(directory: Path, text: str) -> Config:
    """regwatch.toml with ``text`` in ``directory``, loaded as the service would load it."""
    path = directory / "regwatch.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


# --- events -----------------------------------------------------------------------------------


def archive_summary(session: Session, year: int, text: str, *, number: int,
                    source_id: str = "cac-wxfb", run_id: int | None = None,
                    title: str | None = None) -> tuple[Notice, list[ChangeEvent]]:
    """Record a yearly summary as a new notice and analyse it, as the pipeline does."""
    fetched = fetched_notice(
        url=f"https://www.cac.gov.cn/{year + 1}-01/31/c_17{number:011d}.htm",
        title=title or f"{year}年全国网信系统网络执法工作情况",
        text=text,
        language="zh-Hans",
        source_id=source_id,
        published_at=datetime(year + 1, 1, 31, 10, 5, tzinfo=BEIJING),
        crawl_run_id=run_id,
    )
    outcome = record_notice(session, fetched)
    assert outcome.version is not None
    notice = session.get(Notice, outcome.notice_id)
    assert notice is not None
    analysis = analyse_version(session, notice, outcome.version, outcome.previous,
                               now=datetime(year + 1, 1, 31, 12, 0, tzinfo=UTC))
    return notice, analysis.events


# --- a webhook receiver -------------------------------------------------------------------------


@dataclass
class Delivery:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def key(self) -> str | None:
        return self.headers.get("x-idempotency-key")


@dataclass
class WebhookReceiver:
    """Records POSTs; answers each with the next status of ``statuses`` (then 200)."""

    statuses: list[int] = field(default_factory=list)
    on_request: Callable[[Delivery], None] | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    answered: list[int] = field(default_factory=list)
    url: str = ""

    def accepted(self) -> list[Delivery]:
        return [d for d, status in zip(self.deliveries, self.answered, strict=False)
                if 200 <= status < 300]

    def unique_accepted(self) -> list[Delivery]:
        """Accepted deliveries with repeats of an idempotency key dropped, as a receiver would."""
        seen: set[str | None] = set()
        unique = []
        for delivery in self.accepted():
            if delivery.key in seen:
                continue
            seen.add(delivery.key)
            unique.append(delivery)
        return unique


def _handler(receiver: WebhookReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {"raw": raw.decode("utf-8", "replace")}
            delivery = Delivery(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            receiver.deliveries.append(delivery)
            status = receiver.statuses.pop(0) if receiver.statuses else 200
            if receiver.on_request is not None:
                receiver.on_request(delivery)
            receiver.answered.append(status)
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture(name="webhook")
def webhook_fixture() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    receiver.url = f"json://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


# --- an SMTP server ----------------------------------------------------------------------------


@dataclass
class Mailbox:
    """What the local SMTP server received."""

    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    def url(self) -> str:
        return (f"mailto://127.0.0.1:{self.port}?from=regwatch@example.org"
                "&to=analyst@example.org")


class _Collector:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.mailbox.messages.append(message)
        return "250 Message accepted for delivery"


@pytest.fixture(name="mailbox")
def mailbox_fixture() -> Iterator[Mailbox]:
    from aiosmtpd.controller import Controller

    # aiosmtpd's controller checks its server by connecting to the port it was given, so it
    # needs a real port number, not 0.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox(port=port)
    controller = Controller(_Collector(mailbox), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


def email_text(message: EmailMessage) -> tuple[str, str]:
    """The plain and HTML bodies of a message ("" for a part it lacks)."""
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return (plain.get_content() if plain is not None else "",  # type: ignore[attr-defined]
            html.get_content() if html is not None else "")  # type: ignore[attr-defined]


# --- the child sender --------------------------------------------------------------------------


def deliver_once(database_url: str, config_path: str, now: str) -> None:
    from alerts.delivery import deliver_due
    from storage.db import open_archive

    engine: Engine = open_archive(database_url)
    try:
        report = deliver_due(engine, load_config(config_path), datetime.fromisoformat(now))
    finally:
        engine.dispose()
    print(json.dumps({"sent": report.messages_sent, "failed": report.messages_failed}),
          flush=True)


def archive_then_wait(database_url: str, config_path: str) -> None:
    """Archive the 2022 and 2023 summaries with their alerts, say so, then wait to be killed."""
    from alerts.outbox import enqueue
    from alerts.rules import load_rules
    from storage.db import open_archive, session_factory
    from tests.storage_fixtures import add_source

    engine = open_archive(database_url)
    rules = load_rules(load_config(config_path))
    with session_factory(engine).begin() as session:
        add_source(session)
    for number, (year, text) in enumerate(((2022, SUMMARY_2022), (2023, SUMMARY_2023)), 1):
        with session_factory(engine).begin() as session:
            _, events = archive_summary(session, year, text, number=number)
            enqueue(session, events, rules)
    print("committed", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    if sys.argv[1] == "archive":
        archive_then_wait(sys.argv[2], sys.argv[3])
    else:
        deliver_once(sys.argv[2], sys.argv[3], sys.argv[4])
