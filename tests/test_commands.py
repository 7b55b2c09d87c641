"""The query commands (cli.queries): output for people and scripts, exports, exit codes."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import click
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from cli.csv_output import csv_cell
from cli.queries import COMMANDS
from storage.db import open_archive, session_factory
from storage.models import ChangeEvent
from tests.query_fixtures import XSS_TITLE


def run(url: str, *arguments: str) -> Result:
    # The commands as the cli group holds them, with its context object.
    group = click.Group(commands=COMMANDS)
    return CliRunner().invoke(group, list(arguments), obj={"database_url": url, "config": None})


def test_search_json_for_scripts(archive: tuple[str, dict[str, int]]) -> None:
    url, ids = archive
    result = run(url, "search", "約談", "--from", "2022-01-01", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert {notice["id"] for notice in body["notices"]} == {
        ids["summons_2023"], ids["douyin_hant"],
    }
    filtered = json.loads(run(url, "search", "", "--platform", "quark", "--json").output)
    assert [notice["id"] for notice in filtered["notices"]] == [ids["quark"]]


def test_search_table_for_people(archive: tuple[str, dict[str, int]]) -> None:
    url, _ = archive
    result = run(url, "search", "夸克浏览器")
    assert result.exit_code == 0
    assert "1 notice(s)" in result.output and "网信部门依法约谈夸克浏览器" in result.output
    # Archived text that looks like rich markup is printed as it is.
    shown = run(url, "search", "decision")
    assert "<script>window.__xss = 1</script>" in shown.output


def test_a_malformed_query_exits_2_with_the_reason(archive: tuple[str, dict[str, int]]) -> None:
    result = run(archive[0], "search", '"open')
    assert result.exit_code == 2
    assert "never closed" in result.output
    assert run(archive[0], "search", "x", "--from", "soon").exit_code == 2


def test_show_and_its_exit_codes(archive: tuple[str, dict[str, int]]) -> None:
    url, ids = archive
    result = run(url, "show", str(ids["summons_2023"]), "--json")
    assert result.exit_code == 0
    body = json.loads(result.output)
    assert body["version"]["number"] == 2
    first = json.loads(run(url, "show", str(ids["summons_2023"]), "--version", "1", "--json").output)
    assert "259款" in first["text"]
    by_url = run(url, "show", "https://example.gov/cac-test/quark.htm")
    assert by_url.exit_code == 0 and "夸克浏览器" in by_url.output
    assert run(url, "show", "999999").exit_code == 5
    assert run(url, "show", "https://nowhere.example/x").exit_code == 5
    assert run(url, "show", str(ids["quark"]), "--version", "3").exit_code == 5
    xss = run(url, "show", str(ids["xss"]))
    assert XSS_TITLE in xss.output.replace("\n", "") or "<script>window.__xss" in xss.output


def test_diff_shows_text_and_figure_changes(archive: tuple[str, dict[str, int]]) -> None:
    url, ids = archive
    result = run(url, "diff", str(ids["summons_2023"]))
    assert result.exit_code == 0
    assert "-2023年" in result.output and "+2023年" in result.output
    assert "edited" in result.output and "apps taken" in result.output
    body = json.loads(run(url, "diff", str(ids["summons_2023"]), "--json").output)
    assert [(c["old_value"], c["new_value"]) for c in body["figures"]] == [("259", "261")]
    same = run(url, "diff", str(ids["quark"]))
    assert same.exit_code == 0 and "The texts are the same." in same.output
    assert run(url, "diff", str(ids["quark"]), "--from", "1", "--to", "2").exit_code == 5


def test_events(archive: tuple[str, dict[str, int]]) -> None:
    url, ids = archive
    body = json.loads(run(url, "events", "--kind", "platform_named", "--json").output)
    assert {event["subject"] for event in body["events"]} == {"quark", "douyin"}
    recent = json.loads(run(url, "events", "--since", "2024-01-01", "--json").output)
    assert {event["notice_id"] for event in recent["events"]} == {ids["summons_2023"]}
    assert run(url, "events", "--kind", "bogus").exit_code == 5
    table = run(url, "events", "--source", "ftc-test")
    assert table.exit_code == 0 and "notice_new" in table.output


def test_export_figures_as_csv_with_their_spans(
    archive: tuple[str, dict[str, int]], tmp_path: Path
) -> None:
    url, ids = archive
    target = tmp_path / "figures.csv"
    result = run(url, "export", "--what", "figures", "--format", "csv", "-o", str(target))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows
    notices = json.loads(run(url, "export", "--what", "notices", "--format", "jsonl").stdout
                         .splitlines()[0])
    texts = {
        row["notice_id"]: row["text"]
        for row in map(json.loads, run(url, "export", "--format", "jsonl").stdout.splitlines())
        if row.get("text")
    }
    assert notices["notice_id"] in texts
    for row in rows:
        text = texts[int(row["notice_id"])]
        assert text[int(row["start"]) : int(row["end"])] == row["text"]
    summoned = [row for row in rows if row["metric"] == "websites_summoned"]
    assert [(row["value"], row["period"]) for row in summoned] == [("10646", "2023")]
    only = run(url, "export", "--what", "figures", "--format", "jsonl", "--metric", "apps_removed")
    assert [json.loads(line)["value"] for line in only.stdout.splitlines()] == ["261"]
    searched = run(url, "export", "--format", "jsonl", "--query", "夸克浏览器")
    assert [json.loads(line)["notice_id"] for line in searched.stdout.splitlines()] == [
        ids["quark"]
    ]


def test_export_events_and_dates(archive: tuple[str, dict[str, int]]) -> None:
    url, _ = archive
    events = run(url, "export", "--what", "events", "--format", "csv", "--from", "2024-01-01")
    rows = list(csv.DictReader(io.StringIO(events.stdout)))
    engine = open_archive(url)
    with session_factory(engine)() as session:
        since = session.scalar(select(func.count()).select_from(ChangeEvent).where(
            ChangeEvent.created_at >= datetime(2024, 1, 1, tzinfo=UTC)))
    engine.dispose()
    assert since and f"exported {since} events" in events.stderr and len(rows) == since
    assert all(row["created_at"] >= "2024-01-01" for row in rows)
    assert {"notice_new", "notice_edited"} <= {row["kind"] for row in rows}
    assert run(url, "export", "--format", "xml").exit_code == 2


def test_exported_csv_cannot_start_a_formula() -> None:
    assert csv_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert csv_cell("+1") == "'+1" and csv_cell("@x") == "'@x" and csv_cell("-2+3") == "'-2+3"
    # A negative number stays a number.
    assert csv_cell("-2") == "-2" and csv_cell("-12.5") == "-12.5" and csv_cell(-3) == -3
    assert csv_cell("约谈") == "约谈" and csv_cell(12) == 12
    assert csv_cell({"a": "="}) == '{"a": "="}'


def test_an_unreachable_archive_exits_4(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'a.db'}"
    result = run(url, "search", "约谈")
    assert result.exit_code == 4
    assert "cannot open the archive" in result.output
