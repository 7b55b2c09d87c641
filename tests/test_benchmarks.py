"""Benchmarks at their smoke size: each runs end to end and reports sane numbers (no timings asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks.record import summary
from benchmarks.sitegen import LIST_PATH, SyntheticSite, api_pages

ROOT = Path(__file__).resolve().parents[1]


def smoke(name: str, *extra: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", name, "--smoke", *extra],
        cwd=ROOT, check=False, capture_output=True, text=True, timeout=240,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1, completed.stdout
    result: dict[str, Any] = json.loads(lines[0])
    assert result["benchmark"] == name
    return result


def test_generated_site_has_the_cac_shape_and_varied_texts() -> None:
    site = SyntheticSite(45)
    assert [n.published for n in site.notices] == sorted(
        (n.published for n in site.notices), reverse=True)
    assert len({n.path for n in site.notices}) == 45
    assert {n.language for n in site.notices} == {"zh-Hans", "en"}
    assert len({n.text for n in site.notices}) > 40
    listing = site.list_page().decode("utf-8")
    assert listing.count("<li><h5><a href=//www.cac.gov.cn/") == 20
    page_two = json.loads(site.json_list("A093704", 2, 20))
    assert page_two["totalRec"] == 45
    assert [row["infourl"] for row in page_two["list"]] == [
        f"//www.cac.gov.cn{n.path}" for n in site.notices[20:40]]
    assert json.loads(site.json_list("A000000", 1, 20)) == {"list": [], "totalRec": 0}
    assert api_pages(45) == 2 and api_pages(20) == 1
    assert dict(site.static_pages())[LIST_PATH] == site.list_page()


def test_published_notice_goes_to_the_top() -> None:
    site = SyntheticSite(5)
    added = site.add_notice()
    assert site.notices[0] == added
    assert added.published > site.notices[1].published
    assert added.path in site.list_page().decode("utf-8")


def test_summary_keeps_scalars_only() -> None:
    assert summary({"benchmark": "x", "a": 1, "b": [1], "c": "p|q"}) == "a=1 · c=p/q"


def test_crawl_smoke() -> None:
    result = smoke("crawl")
    assert result["bare_notices"] == result["regwatch_notices"] == result["size"]
    assert result["regwatch_status"] == "ok" and result["regwatch_failed"] == 0
    assert result["ceiling_notices_per_s"] > 0 and result["regwatch_notices_per_s"] > 0
    assert 0 < result["regwatch_extraction_cpu_share"] < result["regwatch_pipeline_cpu_share"] < 1
    assert result["regwatch_requests"] >= result["size"]
    assert result["growth_notices"] == result["size"]
    assert 0 < result["growth_first_tenth_ms_per_notice"]
    assert 0 < result["growth_last_tenth_ms_per_notice"]


def test_crawl_against_a_revision_smoke() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: there is no revision to compare with")
    # The revision checked out beside this one: this commit itself, so both sides agree.
    result = smoke("crawl", "--against", "HEAD")
    assert result["against"] == "HEAD" and result["rounds"] == 1
    assert result["this_notices"] == result["against_notices"] == result["size"]
    for side in ("this", "against"):
        assert result[f"{side}_wall_s"] > 0 and result[f"{side}_writer_cpu_s"] > 0
        assert 0 < result[f"{side}_ratio"]
    worktrees = subprocess.run(["git", "worktree", "list"], cwd=ROOT, check=True,
                               capture_output=True, text=True).stdout
    assert "regwatch-bench-against-" not in worktrees  # removed after the run


def test_crawl_against_a_revision_that_does_not_exist_is_a_clear_error() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "crawl", "--smoke", "--against", "no-such-rev"],
        cwd=ROOT, check=False, capture_output=True, text=True, timeout=60)
    assert completed.returncode == 2
    assert "cannot check out 'no-such-rev'" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert not completed.stdout


def test_recheck_smoke() -> None:
    result = smoke("recheck")
    assert result["first_notices"] == result["size"]
    assert result["recheck_new_or_changed"] == 0
    assert result["recheck_statuses"] == "ok"
    assert result["recheck_cli_status"] == "ok"
    assert result["recheck_cli_requests"] == result["recheck_requests"]
    assert result["recheck_notice_pages_fetched"] == 0
    assert 0 < result["recheck_requests"] < result["first_requests"]
    assert 0 < result["recheck_bytes"] < result["first_bytes"]
    if "urlwatch_recheck_requests" in result:
        assert result["urlwatch_recheck_requests"] == result["size"]
        assert result["urlwatch_recheck_304s"] == result["size"]


def test_extract_smoke() -> None:
    result = smoke("extract")
    assert result["extract_notices"] == result["size"] == result["crawl_notices"]
    assert result["figures_found"] > result["size"] / 2
    assert result["platform_mentions_found"] > 0
    assert 0 < result["extraction_share_of_crawl_cpu"] < 1


def test_reanalyse_smoke() -> None:
    result = smoke("reanalyse")
    assert result["sqlite_versions"] > result["size"]
    assert result["sqlite_figures"] > 0 and result["sqlite_versions_per_second"] > 0


def test_memory_smoke() -> None:
    result = smoke("memory")
    assert result["crawl_notices"] == result["size"]
    assert result["crawl_peak_rss_mib"] > 10
    assert result["service_runs"] == 2
    assert result["service_statuses"] == "ok:2"
    assert result["service_open_files_last"] > 0


def test_query_smoke() -> None:
    result = smoke("query", "--backend", "sqlite")
    assert result["sqlite_notices"] == result["size"]
    timings = [key for key in result if key.endswith("_p95_ms")]
    assert timings and all(result[key] >= 0 for key in timings)
    assert result["sqlite_search_hits_min"] > 0


@pytest.mark.postgres
def test_query_smoke_on_postgresql() -> None:
    result = smoke("query", "--backend", "postgresql")
    if result.get("postgresql_skipped"):
        if os.environ.get("REGWATCH_REQUIRE_POSTGRES", "") not in ("", "0"):
            pytest.fail(f"{result['postgresql_skipped']} (REGWATCH_REQUIRE_POSTGRES is set)")
        pytest.skip(result["postgresql_skipped"])
    assert result["postgresql_notices"] == result["size"]
    assert result["postgresql_search_hits_min"] > 0


def test_alert_smoke() -> None:
    result = smoke("alert")
    assert result["silent_baseline"] is True
    assert result["samples"] == result["alerts_received"] == 1
    assert result["missed"] == 0
    assert 0 < result["processing_p50_s"] <= result["time_to_alert_p50_s"]


def test_the_default_revisit_schedule_costs_a_3000_notice_source_about_105_requests_a_day(
) -> None:
    from dataclasses import replace

    from benchmarks.revisits import requests_per_day
    from config import load_config

    source = load_config(None).source("cac-wxfb")
    cost = requests_per_day(source)
    # Every notice every 30 days (3,000 / 30 = 100), and six early checks of each of the
    # 0.82 notices published a day (4.9): a quarter of a single seven-day wait's 430.
    assert 100 <= cost["revisits"] <= 106 and 0.7 < cost["first_fetches"] < 0.9
    weekly = requests_per_day(replace(source, revisit=(7 * 86400.0,)))
    assert 425 <= weekly["revisits"] <= 432


def test_many_sources_smoke() -> None:
    result = smoke("many-sources")
    assert result["first_notices"] == 5 * result["size"]
    assert result["first_statuses"] == result["recheck_statuses"] == "ok"
    # A re-check asks for each source's list page and nothing else (robots.txt is kept).
    assert result["recheck_requests"] == result["size"]
    assert result["recheck_unchanged"] == 5 * result["size"]
    assert result["recheck_engine_cpu_s"] > 0


@pytest.mark.postgres
def test_scaling_smoke(broker_url: str, postgres_database: str) -> None:
    result = smoke("scaling")
    for workers in (1, 2):
        # The burst and the warm-up before it: every run ok.
        assert result[f"w{workers}_statuses"] == f"ok {result['size'] + workers * 4}"
        assert result[f"w{workers}_crawls_per_s"] > 0 and result[f"w{workers}_cpu_s"] > 0
    # Sources share hosts: the request log shows each host's delay kept across workers.
    assert result["politeness_held"] is True


@pytest.mark.postgres
def test_crash_smoke(broker_url: str, postgres_database: str) -> None:
    result = smoke("crash")
    assert result["crawls_held_by_killed"] >= 1
    assert result["taken_again"] >= 1
    assert result["notices"] == 5 * result["size"]
    assert result["notices_with_2_versions"] == result["notices_with_2_new_events"] == 0
    assert result["notice_new_events"] == result["notices"]
    assert result["notice_changed_events"] == 0
