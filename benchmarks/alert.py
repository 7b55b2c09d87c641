"""Benchmark 3, time to alert: a notice appears on the site, the webhook receives its alert.

The synthetic site of ``size`` notices is archived once by ``regwatch crawl`` (a new source's
first crawl is a silent baseline). Then the real service, ``regwatch serve``, watches the site
with a 60-second interval and one alert rule (``notice_new``) delivering to a webhook receiver
on loopback through Apprise's ``json://``. A new notice is published at a random moment,
``samples`` times; time to alert is from publication to the webhook's receipt. It is the wait
for the next scheduled crawl (up to the interval) plus the processing: the crawl process, the
archive, the outbox and the delivery, also reported alone (from the start of the crawl run
that found the notice).

``--smoke`` runs ``regwatch serve --once`` right after publishing instead of waiting for the
schedule: the processing part only, in a few seconds.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

from benchmarks import runs
from benchmarks.sitegen import SOURCE_ID
from benchmarks.siteserver import RunningSite

INTERVAL_SECONDS = 60
WAIT_LIMIT = 4 * INTERVAL_SECONDS
REPO_ROOT = Path(__file__).resolve().parents[1]


class WebhookReceiver:
    """A loopback HTTP endpoint that notes when each JSON message arrived."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[float, dict[str, Any]]] = []
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                try:
                    message = json.loads(body)
                except ValueError:
                    message = {"raw": body.decode("utf-8", "replace")}
                with receiver.arrived:
                    receiver.deliveries.append((time.time(), message))
                    receiver.arrived.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.server.server_address[1]}/regwatch-bench"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, title: str, timeout: float) -> float | None:
        """When a message naming ``title`` arrived (epoch seconds); None after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while True:
                for arrived, message in self.deliveries:
                    if title in json.dumps(message, ensure_ascii=False):
                        return arrived
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self.arrived.wait(remaining)


def write_alert_config(directory: Path, base_url: str, size: int, webhook: str) -> Path:
    config = runs.write_config(directory, base_url, size, interval=f"{INTERVAL_SECONDS}s")
    text = config.read_text(encoding="utf-8").replace(
        '[service]\nmax_jitter = "0s"\n',
        '[service]\nmax_jitter = "0s"\ndeliver_every = "1m"\n')
    config.write_text(
        text + f'\n[[alerts]]\nname = "bench"\nnotify = ["{webhook}"]\nlanguage = "en"\n'
        'on = ["notice_new"]\n',
        encoding="utf-8")
    return config


def regwatch(config: Path, database_url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "cli", "--config", str(config), "--database-url",
            database_url, *args]


def crawl_started(database_url: str, path: str) -> float | None:
    """When the crawl run that first archived the notice at ``path`` started (epoch seconds)."""
    from sqlalchemy import select

    from storage.db import open_archive, session_factory
    from storage.models import CrawlRun, Notice, NoticeVersion

    engine = open_archive(database_url)
    try:
        with session_factory(engine)() as session:
            started: datetime | None = session.scalar(
                select(CrawlRun.started_at)
                .join(NoticeVersion, NoticeVersion.crawl_run_id == CrawlRun.id)
                .join(Notice, Notice.id == NoticeVersion.notice_id)
                .where(Notice.url.endswith(path))
                .order_by(NoticeVersion.number)
                .limit(1)
            )
    finally:
        engine.dispose()
    return started.timestamp() if started else None


def run(size: int, *, smoke: bool = False, samples: int = 5) -> dict[str, Any]:
    environment = {**os.environ, "REGWATCH_LOG_LEVEL": "INFO"}
    latencies: list[float] = []
    processing: list[float] = []
    missed = 0
    with tempfile.TemporaryDirectory(prefix="regwatch-bench-alert-") as scratch, \
            RunningSite(size) as site, WebhookReceiver() as webhook:
        directory = Path(scratch)
        database = runs.sqlite_url(directory)
        config = write_alert_config(directory, site.base_url, size, webhook.url)
        baseline = subprocess.run(regwatch(config, database, "crawl", SOURCE_ID), check=False,
                                  capture_output=True, text=True, cwd=REPO_ROOT,
                                  env=environment, timeout=3600)
        if baseline.returncode != 0:
            raise RuntimeError(f"baseline crawl failed: {baseline.stderr[-2000:]}")
        silent_baseline = not webhook.deliveries
        service: subprocess.Popen[str] | None = None
        log = (directory / "serve.log").open("w", encoding="utf-8")
        try:
            if not smoke:
                service = subprocess.Popen(regwatch(config, database, "serve"), cwd=REPO_ROOT,
                                           env=environment, stdout=log, stderr=log, text=True)
            rng = random.Random(3)
            for _ in range(1 if smoke else samples):
                if not smoke:
                    # A random phase against the schedule, as a real notice would have.
                    time.sleep(rng.uniform(0, INTERVAL_SECONDS))
                published = site.publish()
                at = time.time()
                if smoke:
                    subprocess.run(regwatch(config, database, "serve", "--once"), check=False,
                                   cwd=REPO_ROOT, env=environment, stdout=log, stderr=log,
                                   timeout=600)
                arrived = webhook.wait_for(published["title"], 5 if smoke else WAIT_LIMIT)
                if arrived is None:
                    missed += 1
                    continue
                latencies.append(arrived - at)
                started = crawl_started(database, published["path"])
                if started is not None:
                    processing.append(arrived - started)
        finally:
            if service is not None:
                service.terminate()
                try:
                    service.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    service.kill()
                    service.wait()
            log.close()
    result: dict[str, Any] = {
        "benchmark": "alert",
        "size": size,
        "interval_s": INTERVAL_SECONDS,
        "mode": "serve --once after publishing" if smoke else "regwatch serve, 60 s interval",
        "samples": len(latencies),
        "missed": missed,
        "silent_baseline": silent_baseline,
        "alerts_received": len(webhook.deliveries),
    }
    if latencies:
        result.update({
            "time_to_alert_p50_s": round(statistics.median(latencies), 2),
            "time_to_alert_max_s": round(max(latencies), 2),
            "time_to_alert_mean_s": round(statistics.fmean(latencies), 2),
        })
    if processing:
        result.update({
            "processing_p50_s": round(statistics.median(processing), 2),
            "processing_max_s": round(max(processing), 2),
        })
    return result
