"""`regwatch extract`, `figures` and `platforms` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from storage.db import open_archive, session_factory
from tests.storage_fixtures import add_source
from tests.test_events import SUMMARY_2022, SUMMARY_2023, archive

REPO_ROOT = Path(__file__).resolve().parents[1]


def regwatch(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "cli", *args], input=stdin, capture_output=True,
                          cwd=REPO_ROOT, timeout=120, check=False)


def test_extract_reads_a_gbk_html_file_that_declares_nothing(tmp_path: Path) -> None:
    page = tmp_path / "notice.html"
    page.write_bytes(f"<html><body><div id=zoom><p>{SUMMARY_2023}</p></div></body></html>"
                     .encode("gbk"))
    finished = regwatch("extract", str(page), "--json")
    assert finished.returncode == 0, finished.stderr.decode()
    found = json.loads(finished.stdout)
    figures = {f["metric"]: f for f in found["figures"]}
    assert figures["websites_summoned"]["value"] == 10646
    assert figures["apps_removed"]["period"] == "2023"
    assert {"baidu", "bing", "quark"} <= {p["id"] for p in found["platforms"]}
    text = SUMMARY_2023
    span = figures["accounts_closed"]
    assert "127878" in text[span["start"]:span["end"]]


def test_extract_from_stdin_resolves_this_half_year_from_the_publication_date() -> None:
    text = "今年上半年，全国网信系统依法约谈网站4186家。".encode()
    finished = regwatch("extract", "-", "--published", "2024-07-26", "--json", stdin=text)
    figure = json.loads(finished.stdout)["figures"][0]
    assert (figure["metric"], figure["value"], figure["period"]) == (
        "websites_summoned", 4186, "2024-H1")


def test_extract_of_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    finished = regwatch("extract", str(tmp_path / "missing.txt"))
    assert finished.returncode != 0
    assert b"cannot read" in finished.stderr and b"Traceback" not in finished.stderr


def test_figures_and_platforms_over_an_archive(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    with session_factory(open_archive(url))() as session:
        add_source(session)
        archive(session, 2022, SUMMARY_2022, number=2)
        archive(session, 2023, SUMMARY_2023, number=3)
        session.commit()
    finished = regwatch("--database-url", url, "figures", "--metric", "websites_summoned",
                        "--json")
    series = json.loads(finished.stdout)["figures"]
    assert [(p["period"], p["value"]) for p in series] == [("2022", "8608"), ("2023", "10646")]
    # Each period's value comes from its newest notice; how many notices reported it beside.
    assert [(p["notice"], p["reported_by"]) for p in series] == [
        ("2022年全国网信系统网络执法工作情况", 1), ("2023年全国网信系统网络执法工作情况", 1)]
    finished = regwatch("--database-url", url, "figures", "--csv")
    assert finished.stdout.decode().splitlines()[0].startswith("metric,scope,period,value")
    finished = regwatch("--database-url", url, "platforms", "--json")
    platforms = {p["id"]: p for p in json.loads(finished.stdout)["platforms"]}
    assert platforms["douyin"]["notices"] == 2
    assert platforms["quark"]["name_en"] == "Quark Browser"
    assert platforms["douyin"]["first_seen"].startswith("2023-01-31")
    assert "summoned" in platforms["baidu"]["actions"]
