"""The ``[cluster]`` table: what it accepts, and what it refuses with the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from config import ConfigError, load_config
from config.cluster import cluster_settings

BROKER = {"REGWATCH_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672/"}


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "regwatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_defaults_give_a_crawl_far_more_time_than_it_may_run(tmp_path: Path) -> None:
    config = load_config(config_file(tmp_path, "[service]\ncrawl_timeout = \"2h\"\n"))
    settings = cluster_settings(config, BROKER, crawl_timeout=2 * 3600.0)
    assert settings.dispatch_expiry == 6 * 3600.0 and settings.enabled


@pytest.mark.parametrize(("expiry", "timeout"), [("30m", 1800.0), ("20m", 1800.0)])
def test_a_dispatch_expiring_before_its_crawl_may_end_is_refused_at_its_line(
    tmp_path: Path, expiry: str, timeout: float,
) -> None:
    config = load_config(config_file(
        tmp_path, f"[cluster]\nqueue = \"regwatch\"\ndispatch_expiry = \"{expiry}\"\n"))
    with pytest.raises(ConfigError, match="must be longer than service.crawl_timeout") as raised:
        cluster_settings(config, BROKER, crawl_timeout=timeout)
    assert ":3" in str(raised.value)
    # Without the service's timeout (status, feeds) the table itself is well formed.
    assert cluster_settings(config, BROKER).dispatch_expiry == parse_minutes(expiry)


def parse_minutes(text: str) -> float:
    return float(text.removesuffix("m")) * 60


def test_serve_refuses_the_pair_before_it_touches_the_archive(tmp_path: Path) -> None:
    path = config_file(tmp_path, "[service]\ncrawl_timeout = \"3h\"\n\n"
                                 "[cluster]\ndispatch_expiry = \"2h\"\n")
    result = CliRunner().invoke(
        main, ["--config", str(path), "--database-url", f"sqlite:///{tmp_path / 'a.db'}",
              "serve", "--once"], env=BROKER)
    assert result.exit_code == 3, result.output
    assert "cluster.dispatch_expiry (2h) must be longer than service.crawl_timeout (3h)" in (
        result.output)
    assert not (tmp_path / "a.db").exists()
