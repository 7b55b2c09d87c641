"""The newcomer's first hour (issue #17): a quiet install, `make serve PORT=…`, a port in use
named with `--port`, and a demo whose archive stays where the user can open it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import click
from click.testing import CliRunner

from cli.queries import COMMANDS

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_the_license_is_an_spdx_string_with_a_setuptools_that_reads_it() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))
    # A table here makes setuptools ≥ 77 print deprecation warnings through the whole install.
    assert project["project"]["license"] == "MIT"
    (requirement,) = [r for r in project["build-system"]["requires"] if "setuptools" in r]
    minimum = requirement.split(">=")[1]
    assert tuple(int(part) for part in minimum.split(".")[:1]) >= (77,)


def make_dry_run(*arguments: str) -> str:
    # CI runs the suite under `make test`: a nested make would print "Entering directory" lines
    # unless told not to, and would inherit the outer make's flags.
    environment = {name: value for name, value in os.environ.items()
                   if name not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}}
    finished = subprocess.run(["make", "--no-print-directory", "-n", "-W", "pyproject.toml",
                               *arguments], capture_output=True, text=True, cwd=REPO_ROOT,
                              check=True, env=environment)
    return finished.stdout


def test_make_serve_takes_a_port_and_pip_is_quiet() -> None:
    assert make_dry_run("serve", "PORT=8081").splitlines()[-1].endswith("serve --port 8081")
    assert make_dry_run("serve").splitlines()[-1].rstrip().endswith("regwatch serve")
    installing = [line for line in make_dry_run("install").splitlines() if "pip" in line]
    assert installing and all("--quiet" in line and "PYTHONWARNINGS=ignore" in line
                              for line in installing)


def test_a_port_in_use_is_named_with_the_option_that_changes_it(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        group = click.Group(commands=COMMANDS)
        result = CliRunner().invoke(group, ["web", "--port", str(port)], obj={
            "database_url": f"sqlite:///{tmp_path / 'a.db'}", "config": None})
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert f"port {port} on 127.0.0.1 is already in use" in message
    assert "--port" in message and "Traceback" not in message


def test_the_demo_keeps_its_archive_and_says_how_to_open_it(tmp_path: Path) -> None:
    finished = subprocess.run([sys.executable, "-m", "cli", "demo"], capture_output=True,
                              text=True, cwd=tmp_path, timeout=300, check=False,
                              env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin",
                                   "COLUMNS": "200"})
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    archive = tmp_path / "regwatch-demo.db"
    assert archive.is_file()
    output = " ".join(finished.stdout.split())
    assert f"regwatch --database-url sqlite:///{archive} web" in output
    assert "http://127.0.0.1:8080/" in output


def test_serve_on_a_port_in_use_names_it(tmp_path: Path) -> None:
    config = tmp_path / "regwatch.toml"
    # No source is due to crawl: the service would only serve pages.
    config.write_text("", encoding="utf-8")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        finished = subprocess.run(
            [sys.executable, "-m", "cli", "--config", str(config), "--database-url",
             f"sqlite:///{tmp_path / 'a.db'}", "serve", "--port", str(port)],
            capture_output=True, text=True, cwd=REPO_ROOT, timeout=120, check=False)
    assert finished.returncode == 2, finished.stderr[-2000:]
    message = " ".join(finished.stderr.split())
    assert f"port {port} on 127.0.0.1 is already in use" in message and "--port" in message
