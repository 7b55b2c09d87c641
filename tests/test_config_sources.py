"""Source definitions: built-ins load, user files override and add, mistakes name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import ConfigError, load_config, parse_duration

BUILT_IN = {"cac-wxfb", "cac-hlwnrgl", "cac-qinglang", "miit-app", "samr-news", "ftc-press",
            "ec-press", "ico-enforcement"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "regwatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_built_in_sources_have_the_documented_ids() -> None:
    config = load_config(None)
    assert BUILT_IN <= set(config.sources)
    cac = config.source("cac-wxfb")
    assert cac.list.kind == "html" and cac.more is not None and cac.more.kind == "json"
    assert cac.more.form["channelCode"] == "A093702"
    assert config.source("ftc-press").list.kind == "feed"
    assert config.source("miit-app").cookie_url.endswith("tzgg/index.html")


def test_user_file_overrides_a_built_in_and_adds_a_source(tmp_path: Path) -> None:
    path = write(tmp_path, """
[sources.cac-wxfb]
interval = "30m"
delay = 5

[sources.beijing-cac]
name = "北京网信"
base_url = "http://127.0.0.1:8123"
cron = "0 9 * * *"
[sources.beijing-cac.list]
url = "/list.htm"
items = "ul.list li"
link = "a::attr(href)"
[sources.beijing-cac.article]
body = ["div.content"]
""")
    config = load_config(path)
    cac = config.source("cac-wxfb")
    assert cac.interval == 1800 and cac.delay == 5
    assert cac.list.url == "/wxzw/wxfb/A093702index_1.htm"  # the rest stays built in
    assert cac.trusted_origins == ()  # its real host is not trusted to be private
    new = config.source("beijing-cac")
    assert new.cron == "0 9 * * *" and new.interval is None
    assert new.trusted_origins == ("http://127.0.0.1:8123",)


def test_moving_a_built_in_to_a_mirror_rewrites_its_links(tmp_path: Path) -> None:
    path = write(tmp_path, '[sources.cac-wxfb]\nbase_url = "http://127.0.0.1:9000"\n')
    cac = load_config(path).source("cac-wxfb")
    assert cac.localise("//www.cac.gov.cn/2024-01/31/c_1.htm") == (
        "http://127.0.0.1:9000/2024-01/31/c_1.htm"
    )
    assert cac.localise("https://cac.gov.cn/a.htm") == "http://127.0.0.1:9000/a.htm"
    assert cac.trusted_origins == ("http://127.0.0.1:9000",)


def test_base_url_flag_points_a_source_at_a_mirror() -> None:
    cac = load_config(None).source("cac-wxfb").with_base_url("http://127.0.0.1:8000")
    assert cac.url("/cms/JsonList") == "http://127.0.0.1:8000/cms/JsonList"
    assert cac.localise("http://www.cac.gov.cn/x.htm") == "http://127.0.0.1:8000/x.htm"
    assert cac.localise("https://example.org/x.htm") == "https://example.org/x.htm"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (('[sources.x]\nname = "x"\nbase_url = "http://a.example"\n'
          '[sources.x.list]\nitems = "li"\nlink = "a::attr(href)"\nurl = "/"\nkind = "csv"\n'),
         8, "kind must be one of"),
        ('[sources.cac-wxfb]\ninterval = "soon"\n', 2, "duration"),
        ('[sources.cac-wxfb]\ncron = "61 * * * *"\n', 2, "crontab"),
        ('[sources.cac-wxfb]\n\nspeed = 3\n', 3, "unknown key 'speed'"),
        ('[sources.cac-wxfb\n', 1, "not valid TOML"),
        (('[sources.y]\nname = "y"\nbase_url = "ftp://a.example"\n[sources.y.list]\n'
          'items = "li"\nlink = "a"\nurl = "/"\n'), 3, "http(s)"),
        (('[sources.z]\nname = "z"\nbase_url = "http://a.example"\n[sources.z.list]\n'
          'url = "/"\nitems = "li[[["\nlink = "a"\n'), None, "not valid"),
        ('[sources.cac-wxfb.article]\nbody = 3\n', 2, "'body' must be a selector"),
    ],
)
def test_malformed_config_is_refused_with_file_line_and_reason(
    tmp_path: Path, text: str, line: int | None, words: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    assert error.file == str(path)
    assert words in error.message
    if line is not None:
        assert error.line == line
    assert str(path) in str(error)


def test_missing_named_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")


def test_config_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, '[sources.ftc-press]\ninterval = "2h"\n')
    monkeypatch.setenv("REGWATCH_CONFIG", str(path))
    assert load_config().source("ftc-press").interval == 7200


@pytest.mark.parametrize(("value", "seconds"),
                         [("30m", 1800), ("1.5h", 5400), ("2d", 172800), (90, 90), ("45s", 45)])
def test_durations(value: object, seconds: float) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["", "soon", "-5m", True, "3y"])
def test_bad_durations(value: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(value)


def test_revisit_is_a_schedule_by_age_and_revisit_after_a_single_entry(tmp_path: Path) -> None:
    cac = load_config(None).source("cac-wxfb")
    assert cac.revisit == (3600, 6 * 3600, 86400, 3 * 86400, 7 * 86400, 30 * 86400)
    hour, day = 3600, 86400
    # Checked at age 0 waits an hour; at 1h, six hours; from 7h a day; from 31h three days...
    assert [cac.revisit_wait(age) for age in (0, hour - 1, hour, 7 * hour, 31 * hour,
                                              31 * hour + 3 * day, 400 * day)] == [
        hour, hour, 6 * hour, day, 3 * day, 7 * day, 30 * day]
    path = write(tmp_path, '[sources.cac-wxfb]\nrevisit = ["1m"]\n'
                           '[sources.miit-app]\nrevisit_after = "2d"\n')
    config = load_config(path)
    assert config.source("cac-wxfb").revisit == (60,)
    assert config.source("cac-wxfb").revisit_wait(10**9) == 60
    assert config.source("miit-app").revisit == (2 * 86400,)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("[]", "non-empty list"),
        ('"1h"', "non-empty list"),
        ('["1h", "0s"]', "finite and positive"),
        # Caught by the check every number in the file passes first.
        ('["1h", inf]', "not a finite number"),
        ('["1h", nan]', "not a finite number"),
        ('["soon"]', "duration"),
    ],
)
def test_a_revisit_schedule_of_waits_not_finite_and_positive_is_refused(
    tmp_path: Path, value: str, words: str
) -> None:
    path = write(tmp_path, f"[sources.cac-wxfb]\n\nrevisit = {value}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert words in caught.value.message and caught.value.line == 3


def test_revisit_and_revisit_after_together_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '[sources.cac-wxfb]\nrevisit = ["1h"]\nrevisit_after = "1d"\n')
    with pytest.raises(ConfigError, match="not both"):
        load_config(path)

