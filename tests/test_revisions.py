"""Revisions, figures with no period and money by currency, everywhere a figure is shown.

The archive is written the way a crawl writes it (``record_notice`` then ``analyse_version``):
a notice whose figure is edited in place (259 became 261), single fines in pounds, dollars and
yuan that state no period, yearly totals of the national system in yuan, and yearly ICO
totals in pounds with no scope. The API, the pages, the export and the figures command are
then read as a user reads them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import click
import click.testing
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cli.queries import COMMANDS
from storage.analysis import analyse_version
from storage.archive import record_notice
from storage.db import open_archive, session_factory
from storage.export import export_rows
from storage.models import Notice
from tests.storage_fixtures import add_source, article_url, fetched_notice
from web.app import create_app

EDITED = article_url(1)
TOTALS = (
    "In 2023 the cyberspace authorities held talks with 10,646 websites, had 259 mobile "
    "apps taken off the stores and closed 14,624 websites that broke the law."
)
NOTICES = [
    # (number, published, text)
    (2, datetime(2023, 4, 4, 9, tzinfo=UTC),
     "The ICO fined TikTok £12,700,000 for misusing children's data."),
    (3, datetime(2022, 7, 21, 9, tzinfo=UTC),
     "国家互联网信息办公室依法对滴滴全球股份有限公司处人民币80.26亿元罚款。"),
    (4, datetime(2023, 9, 1, 9, tzinfo=UTC),
     "The FTC said Epic will pay a $275 million penalty."),
    (5, datetime(2023, 1, 20, 9, tzinfo=UTC), "2022年，全国网信系统罚款处罚金额共计1亿元。"),
    (6, datetime(2024, 1, 20, 9, tzinfo=UTC), "2023年，全国网信系统罚款处罚金额共计1.2亿元。"),
    (7, datetime(2023, 1, 10, 9, tzinfo=UTC), "In 2022, the ICO issued fines totalling £10,000,000."),
    (8, datetime(2024, 1, 10, 9, tzinfo=UTC), "In 2023, the ICO issued fines totalling £15,600,000."),
]
EDITED_AT = datetime(2024, 2, 1, 8, 0, tzinfo=UTC)


def store(session: Session, **changes: object) -> int:
    outcome = record_notice(session, fetched_notice(**changes))  # type: ignore[arg-type]
    notice = session.get(Notice, outcome.notice_id)
    assert notice is not None and outcome.version is not None
    analyse_version(session, notice, outcome.version, outcome.previous)
    return outcome.notice_id


@pytest.fixture(scope="module", name="archive")
def archive_fixture(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int]:
    url = f"sqlite:///{tmp_path_factory.mktemp('revisions') / 'archive.db'}"
    engine = open_archive(url)
    with session_factory(engine)() as session:
        add_source(session)
        edited = store(session, url=EDITED, text=TOTALS)
        store(session, url=EDITED, text=TOTALS.replace("259 mobile", "261 mobile"),
              fetched_at=EDITED_AT)
        for number, published, text in NOTICES:
            store(session, url=article_url(number), text=text, published_at=published,
                  title=text[:30])
        session.commit()
    engine.dispose()
    return url, edited


@pytest.fixture(scope="module", name="client")
def client_fixture(archive: tuple[str, int]) -> Iterator[TestClient]:
    with TestClient(create_app(archive[0], None)) as client:
        yield client


def test_a_revised_figure_says_so_in_the_api_series_and_figures(
    client: TestClient, archive: tuple[str, int]
) -> None:
    (point,) = [p for p in client.get("/api/figures", params={"metric": "apps_removed"})
                .json()["series"] if p["period"] == "2023"]
    assert (point["value"], point["revised_from"]) == ("261", "259")
    assert datetime.fromisoformat(point["revised_at"]) == EDITED_AT
    detail = client.get(f"/api/notices/{archive[1]}").json()
    revised = [f for f in detail["figures"] if f["revised_from"] is not None]
    assert [(f["metric"], f["value"], f["revised_from"]) for f in revised] == [
        ("apps_removed", "261", "259")]


def test_a_revised_figure_says_so_on_the_pages(client: TestClient, archive: tuple[str, int]) -> None:
    notice = client.get(f"/notices/{archive[1]}").text
    assert 'id="edited"' in notice
    assert f'href="/notices/{archive[1]}/diff?from=1&amp;to=2"' in notice
    assert "revised from 259 on 2024-02-01" in notice
    metric = client.get("/metrics/apps_removed").text
    row = re.search(r'<tr id="period-2023" class="revised">.*?</tr>', metric, re.DOTALL)
    assert row is not None and "revised from 259 on 2024-02-01" in row.group(0)
    assert 'class="bar part0 revised"' in metric
    # A notice never edited says nothing of the kind.
    assert 'id="edited"' not in client.get(f"/notices/{archive[1] + 1}").text


def test_the_export_and_the_figures_command_carry_revisions_and_dated_figures(
    archive: tuple[str, int]
) -> None:
    url = archive[0]
    engine = open_archive(url)
    with session_factory(engine)() as session:
        rows = list(export_rows(session, "figures", metric="apps_removed"))
    engine.dispose()
    assert [(r["value"], r["revised_from"]) for r in rows] == [("261", "259")]
    result = CliRunner().invoke(click.Group(commands=COMMANDS), ["figures", "--json"],
                                obj={"database_url": url, "config": None})
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)["figures"]
    apps = [f for f in figures if f["metric"] == "apps_removed"]
    assert [(f["value"], f["revised_from"]) for f in apps] == [("261", "259")]
    fines = {(f["label"], f["unit"]) for f in figures if f["metric"] == "fine_amount"}
    # TikTok's and Didi's fines are their parties' single decisions (wip-figint): no points.
    assert ("as of 2023-09-01", "USD") in fines
    assert not {("as of 2023-04-04", "GBP"), ("as of 2022-07-21", "CNY")} & fines


def test_the_figures_command_gives_each_value_as_the_api_does(
    archive: tuple[str, int], client: TestClient
) -> None:
    """One shape for a figure's value: the exact decimal as a JSON string, in `/api/figures`,
    `regwatch figures --json` and its CSV alike (a count too), so a script reading one reads
    the other."""
    runner = CliRunner()
    obj = {"database_url": archive[0], "config": None}
    result = runner.invoke(click.Group(commands=COMMANDS), ["figures", "--json"], obj=obj)
    assert result.exit_code == 0, result.output
    command = {(f["metric"], f["period"], f["scope"], f["unit"]): (f["value"], f["revised_from"])
               for f in json.loads(result.output)["figures"]}
    api = {}
    for metric in {key[0] for key in command}:
        for point in client.get("/api/figures", params={"metric": metric}).json()["series"]:
            api[(metric, point["period"], point["scope"], point["unit"])] = (
                point["value"], point["revised_from"])
    assert command == api
    assert [value for key, value in command.items() if key[0] == "apps_removed"] == [
        ("261", "259")]
    as_csv = runner.invoke(click.Group(commands=COMMANDS), ["figures", "--csv"], obj=obj)
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert {(r["metric"], r["period"], r["unit"]): r["value"] for r in rows} == {
        (metric, period, unit): value for (metric, period, _, unit), (value, _) in api.items()}


def test_figures_from_and_to_keep_the_notices_published_in_those_days_in_the_command_and_api(
    archive: tuple[str, int], client: TestClient
) -> None:
    def command(*arguments: str) -> click.testing.Result:
        return CliRunner().invoke(click.Group(commands=COMMANDS), ["figures", *arguments],
                                  obj={"database_url": archive[0], "config": None})

    result = command("--metric", "fine_amount", "--from", "2023-01-20", "--to", "2024-01-10",
                     "--json")
    assert result.exit_code == 0, result.output
    # Published 2023-01-20 (2022's national total), 2023-09-01 (Epic) and 2024-01-10 (the
    # ICO's 2023 total): both days included; 2023-01-10 and 2024-01-20 are outside.
    shown = {(f["label"], f["unit"], f["value"]) for f in json.loads(result.output)["figures"]}
    assert shown == {("2022", "CNY", "100000000"), ("as of 2023-09-01", "USD", "275000000"),
                     ("2023", "GBP", "15600000")}
    series = client.get("/api/figures", params={"metric": "fine_amount", "from": "2023-01-20",
                                                "to": "2024-01-10"}).json()
    assert {(p["label"], p["unit"], p["value"]) for p in series["series"]} == shown
    assert (series["from"], series["to"]) == ("2023-01-20", "2024-01-10")
    later = command("--metric", "fine_amount", "--from", "2024-01-11", "--csv")
    assert [row["period"] for row in csv.DictReader(io.StringIO(later.output))] == ["2023"]

    malformed = command("--from", "2023-13-01")
    assert malformed.exit_code == 2
    assert "--from must be a date like 2023-01-31, not '2023-13-01'" in malformed.output
    assert command("--to", "yesterday").exit_code == 2
    refused = client.get("/api/figures", params={"metric": "fine_amount", "to": "yesterday"})
    assert refused.status_code == 422 and "to" in refused.text


def test_figures_with_no_period_are_points_dated_by_their_notices(client: TestClient) -> None:
    series = client.get("/api/figures", params={"metric": "fine_amount"}).json()["series"]
    dated = {(p["label"], p["unit"], p["value"]) for p in series if p["as_of"]}
    # TikTok's and Didi's fines name their parties (wip-figint): single decisions, no points.
    assert dated == {("as of 2023-09-01", "USD", "275000000")}
    assert all(p["period_kind"] == "as_of" and p["notices"] for p in series if p["as_of"])
    one_day = client.get("/api/figures", params={"metric": "fine_amount",
                                                 "period": "2023-09-01"}).json()["series"]
    assert [p["unit"] for p in one_day] == ["USD"]
    only_dated = client.get("/api/figures", params={"metric": "fine_amount",
                                                    "period_kind": "as_of"}).json()["series"]
    assert {p["label"] for p in only_dated} == {label for label, _, _ in dated}
    years = client.get("/api/figures", params={"metric": "fine_amount",
                                               "period_kind": "year"}).json()["series"]
    assert years and not any(p["as_of"] for p in years)
    page = client.get("/metrics/fine_amount").text
    assert "<td>as of 2023-09-01</td>" in page


def test_every_count_on_the_metrics_index_is_what_its_page_shows(client: TestClient) -> None:
    index = client.get("/metrics").text
    counts = dict(re.findall(
        r'<a href="/metrics/([a-z_]+)">[^<]+</a>(?: · <span lang="zh">[^<]*</span>)? · ([\d,]+) figure',
        index))
    api = {m["metric"]: m["figures"] for m in client.get("/api/figures").json()["metrics"]}
    assert counts and {metric: int(count.replace(",", "")) for metric, count in counts.items()
                       } == api
    for metric, count in counts.items():
        page = client.get(f"/metrics/{metric}").text
        shown = re.search(r'<p id="figure-count">([\d,]+) figure', page)
        assert shown is not None and shown.group(1) == count, metric
        points = client.get("/api/figures", params={"metric": metric}).json()["series"]
        assert points and page.count('<tr id="period-') == len(points)


def test_money_is_charted_by_currency_and_compared_only_as_scoped_totals(
    client: TestClient,
) -> None:
    page = client.get("/metrics/fine_amount").text
    charts = re.findall(r'<svg id="[^"]+" class="chart".*?data-unit="([A-Z]*)">(.*?)</svg>',
                        page, re.DOTALL)
    units = [unit for unit, _ in charts]
    # One chart per currency for the totals of periods, one per currency for dated fines (a
    # party's single fine, TikTok's or Didi's, is no point since wip-figint).
    assert sorted(units) == ["CNY", "GBP", "USD"]
    for unit, body in charts:
        assert f'<text class="axis unit" x="4" y="12">{unit}</text>' in body
        # Every axis label fits left of the plot: about 7 px a character at 11 px.
        for x, label in re.findall(r'<text class="axis" x="([\d.]+)" y="[\d.]+" '
                                   r'text-anchor="end">([^<]*)</text>', body):
            assert float(x) >= 7 * len(label), (unit, label)
    rows = re.findall(r'<tr id="period-([^"]+)"[^>]*>(.*?)</tr>', page, re.DOTALL)
    changed = [(period, re.sub(r"<[^>]+>", " ", row).split()[:5]) for period, row in rows
               if "%" in row]
    # Only the national system's yearly totals in yuan: +20% on the year before. The ICO's
    # yearly totals in pounds have no scope (perhaps single decisions), dated fines are single.
    assert changed == [("2023", ["2023", "national", "120,000,000", "CNY", "+20%"])]


def test_a_chart_label_of_billions_is_short(client: TestClient) -> None:
    from web.rendering import _axis_number

    # Didi's billions are its party's single fine, no point since wip-figint: the label itself.
    assert _axis_number(8_026_000_000) == "8.03B" and _axis_number(2.5e9) == "2.5B"
    page = client.get("/metrics/fine_amount").text
    assert re.search(r">[\d.]+M</text>", page)



def test_a_figure_with_no_period_is_reported_as_of_its_notice_s_date(client: TestClient) -> None:
    reported = client.get("/api/events", params={"kind": "figure_reported",
                                                 "limit": 100}).json()
    summaries = {event["summary_en"] for event in reported if event["subject"] == "fine_amount"}
    assert any(summary.endswith("as of 2023-09-01") and "275,000,000" in summary
               for summary in summaries), summaries
    # A party's single fine is said of its party, with no date (wip-figint).
    assert "TikTok fined GBP 12,700,000" in summaries, summaries
    assert not any("unstated period" in summary for summary in summaries)
