"""A benchmark's result as a dated row of BENCHMARKS.md: the machine, the versions, the command."""

from __future__ import annotations

import os
import platform
import shlex
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

BENCHMARKS_MD = Path(__file__).resolve().parents[1] / "BENCHMARKS.md"
RESULTS_HEADING = "## Results log"
TABLE_HEADER = (
    "| date (UTC) | benchmark | command | machine | versions | results |\n"
    "|---|---|---|---|---|---|\n"
)
KEY_PACKAGES = ("scrapy", "twisted", "sqlalchemy", "psycopg", "lxml", "urlwatch")


def machine() -> str:
    """CPUs (nproc), memory, kernel and architecture of this machine."""
    memory = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                    break
    except OSError:
        memory = "? GiB"
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cpus} CPUs, {memory}, {platform.system()} {platform.machine()}"


def versions() -> str:
    """Python and the versions of the packages a result depends on, plus the git commit."""
    parts = [f"Python {platform.python_version()}"]
    for name in KEY_PACKAGES:
        try:
            parts.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    try:
        commit = _git("rev-parse", "--short", "HEAD").strip()
        # Other work in the tree is part of what was measured; say so.
        edited = [line[3:] for line in _git("status", "--porcelain",
                                            "--untracked-files=no").splitlines()]
    except (OSError, subprocess.SubprocessError):
        commit, edited = "", []
    if commit:
        shown = f"git {commit}"
        if edited:
            shown += f" + uncommitted {', '.join(sorted(edited)[:4])}"
            shown += f" (+{len(edited) - 4} more)" if len(edited) > 4 else ""
        parts.append(shown)
    return ", ".join(parts)


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=BENCHMARKS_MD.parent, check=False,
                          capture_output=True, text=True, timeout=10).stdout


def command_line() -> str:
    """The command as a user would type it from the repository root."""
    return "python -m benchmarks " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def summary(result: dict[str, Any]) -> str:
    """``key=value`` pairs of the scalar results, in the order the benchmark gave them."""
    shown = []
    for key, value in result.items():
        if key == "benchmark" or isinstance(value, (dict, list)):
            continue
        shown.append(f"{key}={value}")
    return " · ".join(shown).replace("|", "/")


def append_row(result: dict[str, Any], path: Path = BENCHMARKS_MD) -> None:
    """Append one dated row for ``result``; the results table is created when missing."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if RESULTS_HEADING not in text:
        text = text.rstrip("\n") + f"\n\n{RESULTS_HEADING}\n\n{TABLE_HEADER}"
    row = (
        f"| {datetime.now(UTC):%Y-%m-%d %H:%M} | {result.get('benchmark')} | "
        f"`{command_line()}` | {machine()} | {versions()} | {summary(result)} |\n"
    )
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + row, encoding="utf-8")
