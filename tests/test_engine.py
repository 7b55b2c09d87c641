"""The crawl engine: many sources in one crawler, politely per host, and the service's engine.

The sources are the loopback sites of benchmarks/manysites.py: each source a list page of five
notices, the sources spread over a few hosts (127.0.0.2, 127.0.0.3, …), and a log of every
request the server answered (host, path, start, end).
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import select

from benchmarks.manysites import RunningSites, request_log, write_config
from config import load_config
from storage.db import open_archive, session_factory
from storage.models import CrawlRun, Notice, RobotsCacheEntry

REPO_ROOT = Path(__file__).resolve().parent.parent


def crawl(config: Path, database_url: str, *source_ids: str) -> dict[str, Any]:
    finished = subprocess.run(
        [sys.executable, "-m", "cli", "--config", str(config), "--database-url", database_url,
         "crawl", "--json", *source_ids],
        capture_output=True, text=True, timeout=240, cwd=REPO_ROOT, check=False)
    assert finished.stdout.strip(), finished.stderr[-4000:]
    return json.loads(finished.stdout)  # type: ignore[no-any-return]


def overlaps(entries: list[dict[str, Any]], gap: float) -> list[tuple[str, str, str]]:
    """Requests to one host that started before the one before them had ended ``gap`` earlier."""
    by_host: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in entries:
        by_host[entry["host"]].append(entry)
    found = []
    for host, requests in by_host.items():
        requests.sort(key=lambda entry: entry["started"])
        for before, after in itertools.pairwise(requests):
            if after["started"] < before["ended"] + gap:
                found.append((host, before["path"], after["path"]))
    return found


def test_sources_sharing_hosts_are_crawled_one_request_at_a_time_per_host(
        tmp_path: Path, archive_url: str) -> None:
    log = tmp_path / "requests.log"
    sources, hosts, delay = 8, 2, 0.25
    with RunningSites(hosts, log_path=log) as sites:
        config = write_config(tmp_path, sources, hosts, sites.port, delay=delay)
        database_url = archive_url
        ids = [f"src{n}" for n in range(sources)]
        first = crawl(config, database_url, *ids)
        first_log = request_log(log)
        log.write_text("")
        again = crawl(config, database_url, *ids)
        again_log = request_log(log)

    assert {first[s]["status"] for s in ids} == {"ok"}, first
    assert [first[s]["new"] for s in ids] == [5] * sources
    # Four sources on each host, and never two requests to a host at once, nor closer than the
    # sources' delay (less a little for the server's clock and the delay's jitter).
    assert len(first_log) == sources * 6 + hosts  # lists, notices, one robots.txt per host
    assert overlaps(first_log, gap=delay * 0.45) == []
    # The re-check fetches each list page only: robots.txt comes from the archive.
    assert {again[s]["status"] for s in ids} == {"ok"}, again
    assert [again[s]["unchanged"] for s in ids] == [5] * sources
    assert sorted(entry["path"] for entry in again_log) == sorted(
        f"/s{n}/index.htm" for n in range(sources))
    assert overlaps(again_log, gap=delay * 0.45) == []
    with session_factory(open_archive(database_url))() as session:
        assert session.scalar(select(Notice.id).limit(1)) is not None
        origins = set(session.scalars(select(RobotsCacheEntry.origin)))
        runs = session.scalars(select(CrawlRun.status)).all()
    assert origins == {f"http://127.0.0.{2 + h}:{sites.port}" for h in range(hosts)}
    assert runs == ["ok"] * (2 * sources)


def test_service_engine_runs_crawls_and_cuts_one_off_at_its_time_limit(tmp_path: Path) -> None:
    from crawler.enginerunner import EngineCrawlRunner

    with RunningSites(2, answer_after=0.0) as sites, \
            RunningSites(1, answer_after=30.0) as slow:
        config_path = write_config(tmp_path, 4, 2, sites.port)
        # A fifth source, on a host that answers after 30 s.
        text = config_path.read_text(encoding="utf-8")
        slow_source = text[text.index("\n[sources.src0]"):text.index("\n[sources.src1]")]
        text += (slow_source.replace("src0", "slow").replace(
            f"127.0.0.2:{sites.port}", f"127.0.0.2:{slow.port}"))
        config_path.write_text(text, encoding="utf-8")
        database_url = f"sqlite:///{tmp_path / 'archive.db'}"
        engine = open_archive(database_url)
        runner = EngineCrawlRunner(load_config(config_path), database_url,
                                   session_factory(engine), time_limit=4.0, stop_grace=5.0,
                                   max_crawls=3)
        try:
            outcomes = [runner.run(source_id) for source_id in ("src0", "src1", "slow")]
            # The engine was replaced after three crawls: these run in a new one.
            outcomes += [runner.run(source_id) for source_id in ("src2", "src3")]
        finally:
            runner.stop()
    by_source = {outcome.source_id: outcome for outcome in outcomes}
    for source_id in ("src0", "src1", "src2", "src3"):
        assert by_source[source_id].status == "ok", by_source[source_id]
        assert by_source[source_id].counts["new"] == 5
    cut = by_source["slow"]
    assert cut.status == "failed" and cut.killed
    assert cut.detail == "killed after exceeding its time limit of 4 s"
    assert len(runner._engines) == 2
    with session_factory(engine)() as session:
        run = session.get(CrawlRun, cut.run_id)
        assert run is not None and run.status == "failed"
    engine.dispose()



def test_a_killed_engine_fails_its_crawls_and_the_next_crawl_gets_a_new_one(
        tmp_path: Path) -> None:
    import os
    import signal
    import threading

    from crawler.enginerunner import EngineCrawlRunner

    with RunningSites(1, answer_after=60.0) as slow, RunningSites(1) as sites:
        config_path = write_config(tmp_path, 1, 1, sites.port)
        text = config_path.read_text(encoding="utf-8")
        slow_source = text[text.index("\n[sources.src0]"):]
        config_path.write_text(text + slow_source.replace("src0", "slow").replace(
            f":{sites.port}", f":{slow.port}"), encoding="utf-8")
        database_url = f"sqlite:///{tmp_path / 'archive.db'}"
        engine = open_archive(database_url)
        runner = EngineCrawlRunner(load_config(config_path), database_url,
                                   session_factory(engine), time_limit=120.0, stop_grace=5.0)
        outcomes = []
        try:
            crawling = threading.Thread(target=lambda: outcomes.append(runner.run("slow")))
            crawling.start()
            # Killed once its crawl has opened its run (the request waits on the slow host).
            # A session per look: one held open would keep the engine from writing.
            for _ in range(600):
                with session_factory(engine)() as session:
                    if session.scalar(select(CrawlRun.id).where(CrawlRun.source_id == "slow")):
                        break
                threading.Event().wait(0.1)
            killed = runner._engines[0].process.pid
            os.kill(killed, signal.SIGKILL)
            crawling.join(60)
            after = runner.run("src0")
        finally:
            runner.stop()
    [cut] = outcomes
    assert cut.status == "failed" and cut.killed
    assert cut.detail == "crawl engine process died of SIGKILL"
    assert after.status == "ok" and after.counts["new"] == 5
    assert len(runner._engines) == 2
    with session_factory(engine)() as session:
        run = session.get(CrawlRun, cut.run_id)
        assert run is not None and run.status == "failed"
    engine.dispose()
