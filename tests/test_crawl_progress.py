"""What `regwatch crawl` shows while it crawls (issue #17): on a terminal a live display per
source (pages fetched, notices new and changed, the delay in force) on standard error; in a
log, plain lines; the --json output on standard output untouched."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from tests.sites import LocalSite

REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCE = "cac-hlwnrgl"


def crawl_command(tmp_path: Path, site: LocalSite) -> list[str]:
    config = tmp_path / "regwatch.toml"
    config.write_text(f'[sources.{SOURCE}]\nbase_url = "{site.base_url}"\ndelay = 0.2\n',
                      encoding="utf-8")
    return [sys.executable, "-m", "cli", "--config", str(config), "--database-url",
            f"sqlite:///{tmp_path / 'archive.db'}", "crawl", SOURCE, "--json"]


def test_in_a_log_the_progress_is_plain_lines(tmp_path: Path, demo_site: LocalSite) -> None:
    finished = subprocess.run(crawl_command(tmp_path, demo_site), capture_output=True,
                              text=True, cwd=REPO_ROOT, timeout=240, check=False)
    assert finished.returncode == 0, finished.stderr[-3000:]
    result = json.loads(finished.stdout)[SOURCE]
    lines = finished.stderr.splitlines()
    assert f"{SOURCE}: crawling, 0.2 s between requests (the source's politeness delay)" in lines
    (done,) = [line for line in lines if line.startswith(f"{SOURCE}: done, ")]
    assert done.startswith(f"{SOURCE}: done, {result['requests']} pages fetched, "
                           f"{result['new']} new, 0 changed; 0.2 s between requests")
    assert "\x1b[" not in finished.stderr


def test_on_a_terminal_the_progress_is_live(tmp_path: Path, demo_site: LocalSite) -> None:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(crawl_command(tmp_path, demo_site), stdout=subprocess.PIPE,
                               stderr=terminal, cwd=REPO_ROOT,
                               env={**os.environ, "COLUMNS": "160", "TERM": "xterm"})
    os.close(terminal)
    shown = b""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 1)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
        elif process.poll() is not None:
            break
    stdout = process.communicate(timeout=60)[0]
    os.close(controller)
    assert process.returncode == 0, shown[-3000:]
    screen = shown.decode("utf-8", "replace")
    assert "pages fetched" in screen and "new, 0 changed" in screen
    assert "0.2 s between requests" in screen
    # Drawn and redrawn in place, then cleared: cursor movements, not a line per update.
    assert "\x1b[" in screen and f"{SOURCE}: crawling" not in screen
    assert json.loads(stdout)[SOURCE]["status"] == "ok"


def test_several_sources_crawled_in_one_engine_each_show_their_progress(
    tmp_path: Path, demo_site: LocalSite
) -> None:
    # Two sources on one host: `regwatch crawl A B` runs them in one crawl engine, and each
    # still gets its own lines, with its own delay.
    other = "cac-wxfb"
    config = tmp_path / "regwatch.toml"
    config.write_text(f'[sources.{SOURCE}]\nbase_url = "{demo_site.base_url}"\ndelay = 0.2\n'
                      f'[sources.{other}]\nbase_url = "{demo_site.base_url}"\ndelay = 0.3\n',
                      encoding="utf-8")
    command = [sys.executable, "-m", "cli", "--config", str(config), "--database-url",
               f"sqlite:///{tmp_path / 'archive.db'}", "crawl", SOURCE, other, "--json"]
    finished = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT,
                              timeout=240, check=False)
    results = json.loads(finished.stdout)
    lines = finished.stderr.splitlines()
    for source_id, delay in ((SOURCE, "0.2"), (other, "0.3")):
        assert f"{source_id}: crawling, {delay} s between requests" in finished.stderr, \
            finished.stderr[-3000:]
        (done,) = [line for line in lines if line.startswith(f"{source_id}: done, ")]
        assert f"{results[source_id]['new']} new" in done
