"""The analyst's day at the terminal (issue #17): one name per filter and unknown ids named,
`status` with its reasons and time zones, `show` with its versions, a diff that marks the
changed characters, CSV that Excel opens."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from cli.common import shown_time
from cli.queries import COMMANDS
from cli.service import status_command
from config import load_config
from crawler.egress import DNS_FAILURE, refusal
from storage import archive as store
from storage.db import open_archive, session_factory
from tests.query_fixtures import build_query_archive

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module", name="archive")
def archive_fixture(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, int]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('terminal') / 'archive.db'}"
    engine = open_archive(url)
    with session_factory(engine)() as session:
        ids = build_query_archive(session)
    engine.dispose()
    return url, ids


def run(url: str, *arguments: str, config: str | None = None) -> Result:
    group = click.Group(commands=[*COMMANDS, status_command])
    return CliRunner().invoke(group, list(arguments), obj={"database_url": url, "config": config})


def one_line(result: Result) -> str:
    return " ".join(result.output.split())


# --- filters -----------------------------------------------------------------------------------


@pytest.mark.parametrize("arguments", [
    ("figures", "--metric", "nosuch"),
    ("figures", "--source", "nosuch"),
    ("search", "约谈", "--source", "nosuch"),
    ("search", "", "--platform", "nosuch"),
    ("search", "", "--metric", "nosuch"),
    ("events", "--kind", "nosuch"),
    ("events", "--source", "nosuch"),
    ("events", "--metric", "nosuch"),
    ("export", "--format", "csv", "--source", "nosuch"),
])
def test_an_unknown_id_exits_5_naming_the_known_ones(
    archive: tuple[str, dict[str, int]], arguments: tuple[str, ...]
) -> None:
    result = run(archive[0], *arguments)
    assert result.exit_code == 5, result.output
    message = one_line(result)
    assert "unknown" in message and "'nosuch'" in message
    known = {"--metric": "websites_summoned", "--source": "cac-test", "--kind": "notice_new",
             "--platform": "alibaba"}[arguments[arguments.index("nosuch") - 1]]
    assert known in message


def test_known_ids_that_match_nothing_are_an_empty_answer(
    archive: tuple[str, dict[str, int]]
) -> None:
    # A configured source never crawled, a metric the archive has no figures of.
    result = run(archive[0], "figures", "--metric", "cases_referred", "--source", "ftc-press")
    assert result.exit_code == 0 and "no figures" in result.output


def test_events_take_from_and_to_and_still_since(archive: tuple[str, dict[str, int]]) -> None:
    url, _ = archive
    every = json.loads(run(url, "events", "--json").output)["events"]
    days = sorted({event["created_at"][:10] for event in every})
    assert len(days) >= 2
    first = json.loads(run(url, "events", "--to", days[0], "--json").output)["events"]
    assert first and {event["created_at"][:10] for event in first} == {days[0]}
    later = json.loads(run(url, "events", "--from", days[-1], "--json").output)["events"]
    assert later == json.loads(run(url, "events", "--since", days[-1], "--json").output)["events"]
    assert {event["created_at"][:10] for event in later} == {days[-1]}
    by_metric = json.loads(run(url, "events", "--metric", "apps_removed", "--json").output)
    assert all(event["subject"] == "apps_removed" for event in by_metric["events"])


def test_extract_of_a_missing_file_exits_5(tmp_path: Path) -> None:
    finished = subprocess.run([sys.executable, "-m", "cli", "extract", str(tmp_path / "no.txt")],
                              capture_output=True, text=True, cwd=REPO_ROOT, check=False)
    assert finished.returncode == 5
    assert "cannot read" in finished.stderr and "Traceback" not in finished.stderr


# --- show, diff, CSV -----------------------------------------------------------------------------


def test_show_lists_the_versions(archive: tuple[str, dict[str, int]]) -> None:
    url, ids = archive
    result = run(url, "show", str(ids["summons_2023"]), "--version", "1")
    assert result.exit_code == 0, result.output
    shown = result.output
    assert "versions" in shown
    rows = [line for line in shown.splitlines() if "UTC" in line and "2023年全国网信" in line]
    assert len(rows) == 2 and "◀" in rows[0] and "◀" not in rows[1]
    # Metric names, not ids, in the figures table.
    assert "apps taken off" in shown and "apps_removed" not in shown


def test_times_beside_utc_in_the_source_time_zone() -> None:
    moment = datetime(2024, 1, 31, 2, 5, tzinfo=UTC)
    assert shown_time(moment, "Asia/Shanghai") == "2024-01-31 02:05 UTC (10:05 Asia/Shanghai)"
    assert shown_time(datetime(2024, 1, 31, 20, 0, tzinfo=UTC), "Asia/Shanghai") == (
        "2024-01-31 20:00 UTC (2024-02-01 04:00 Asia/Shanghai)")
    assert shown_time(moment, "UTC") == "2024-01-31 02:05 UTC"
    assert shown_time(None) == "-"


def test_the_diff_marks_the_changed_characters(archive: tuple[str, dict[str, int]]) -> None:
    url, ids = archive
    result = run(url, "diff", str(ids["summons_2023"]))
    assert result.exit_code == 0
    # Not a terminal: the changed characters between wdiff's marks, the long line whole.
    assert "下架违法移动应用程序2[-59-]款。" in result.output
    assert "下架违法移动应用程序2{+61+}款。" in result.output
    assert "@@ line 1 @@" in result.output


def test_csv_with_a_byte_order_mark_for_excel(
    archive: tuple[str, dict[str, int]], tmp_path: Path
) -> None:
    url, _ = archive
    target = tmp_path / "figures.csv"
    result = run(url, "export", "--what", "figures", "--format", "csv", "--bom", "-o",
                 str(target))
    assert result.exit_code == 0, result.output
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows and "metric" in rows[0]
    plain = tmp_path / "plain.csv"
    run(url, "export", "--what", "figures", "--format", "csv", "-o", str(plain))
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    series = run(url, "figures", "--csv", "--bom")
    assert series.exit_code == 0 and series.output.startswith("\ufeffmetric,")


# --- status --------------------------------------------------------------------------------------

LONG_DETAIL = ("DNS lookup failed: host 'www.cac.gov.cn' does not resolve; " + "x" * 120
               + " THE END")


@pytest.fixture(name="failing")
def failing_fixture(tmp_path: Path) -> str:
    """An archive where cac-wxfb's last run failed with a long reason."""
    url = f"sqlite:///{tmp_path / 'status.db'}"
    engine = open_archive(url)
    with session_factory(engine)() as session:
        store.upsert_source(session, "cac-wxfb", name="网信发布", authority="CAC",
                            language="zh", base_url="https://www.cac.gov.cn/")
        started = datetime(2024, 1, 31, 2, 5, tzinfo=UTC)
        crawl = store.start_run(session, "cac-wxfb", started)
        store.record_problem(session, source_id="cac-wxfb", run_id=crawl.id,
                             url="https://www.cac.gov.cn/robots.txt", kind="dns",
                             detail=LONG_DETAIL, at=started)
        store.finish_run(session, crawl.id, status="failed", finished_at=started, counts={},
                         errors=[LONG_DETAIL], stats={})
        session.commit()
    engine.dispose()
    return url


def test_status_gives_the_reason_whole_and_the_source_time(failing: str) -> None:
    url = failing
    result = run(url, "status")
    assert result.exit_code == 0, result.output
    (health,) = [line for line in result.output.splitlines() if "failing" in line]
    assert health == f"  health: failing (1 in a row): dns: {LONG_DETAIL}"
    assert "2024-01-31 02:05 UTC (10:05 Asia/Shanghai)" in result.output
    shown = json.loads(run(url, "status", "--json").output)
    (wxfb,) = [s for s in shown["sources"] if s["id"] == "cac-wxfb"]
    assert wxfb["timezone"] == "Asia/Shanghai" and wxfb["last_problem"].startswith("dns: DNS")


def test_a_host_that_does_not_resolve_is_a_dns_failure(tmp_path: Path) -> None:
    config_path = tmp_path / "regwatch.toml"
    config_path.write_text('[sources.cac-wxfb]\nhosts = ["www.nosuch-regwatch.invalid"]\n',
                           encoding="utf-8")
    source = load_config(str(config_path)).sources["cac-wxfb"]
    reason = refusal("https://www.nosuch-regwatch.invalid/x.htm", source)
    assert reason is not None and reason.startswith(DNS_FAILURE)


def test_a_crawl_of_a_host_that_does_not_resolve_says_so(tmp_path: Path) -> None:
    config_path = tmp_path / "regwatch.toml"
    config_path.write_text('[sources.cac-wxfb]\nbase_url = "http://www.nosuch-regwatch.invalid"\n'
                           "delay = 0\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'dns.db'}"
    base = [sys.executable, "-m", "cli", "--config", str(config_path), "--database-url", url]
    crawled = subprocess.run([*base, "crawl", "cac-wxfb", "--json"], capture_output=True,
                             text=True, cwd=REPO_ROOT, timeout=120, check=False)
    assert crawled.returncode == 1, crawled.stderr[-2000:]
    # Scrapy's error about robots.txt in one line, its traceback left out.
    assert "Traceback" not in crawled.stderr
    status = subprocess.run([*base, "status"], capture_output=True, text=True, cwd=REPO_ROOT,
                            timeout=60, check=False)
    (health,) = [line for line in status.stdout.splitlines() if "failing" in line]
    assert "DNS lookup failed" in health and "refused" not in health


def in_a_terminal(arguments: list[str], columns: int) -> str:
    """What ``regwatch ARGUMENTS`` shows on a terminal ``columns`` wide, escapes removed."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "cli", *arguments], stdout=terminal,
                               stderr=terminal, cwd=REPO_ROOT,
                               env={**os.environ, "COLUMNS": str(columns), "TERM": "xterm"})
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    process.wait(timeout=60)
    os.close(controller)
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode("utf-8", "replace"))


@pytest.mark.parametrize("columns", [80, 160])
def test_status_on_a_terminal_wraps_and_never_cuts(failing: str, columns: int) -> None:
    screen = in_a_terminal(["--database-url", failing, "status"], columns)
    assert all(len(line) <= columns for line in screen.splitlines())
    # The reason whole, wrapped at the terminal's width.
    assert "".join(LONG_DETAIL.split()) in "".join(screen.split())
    assert "10:05 Asia/Shanghai" in screen


def test_export_events_of_one_kind(archive: tuple[str, dict[str, int]]) -> None:
    result = run(archive[0], "export", "--what", "events", "--format", "jsonl", "--kind",
                 "platform_named")
    assert result.exit_code == 0, result.output
    kinds = {json.loads(line)["kind"] for line in result.stdout.splitlines() if line.strip()}
    assert kinds == {"platform_named"}
    assert run(archive[0], "export", "--what", "events", "--format", "jsonl", "--kind",
               "nosuch").exit_code == 5
