"""Local copies of the regulator sites, and helpers that serve a copy on loopback for a test.

Every test gets the fixtures below by name (tests/conftest.py registers this module as a
plugin), or serves a copy directly:
`with running_site(copy_site("cac", tmp_path), "cac") as base_url: ...`.
The copies themselves and the server's endpoints are described in tests/sites/README.md.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest

from crawler.localsite.demo_edits import DEMO_SITE_KIND, copy_demo_site, replace_in_copy

__all__ = [
    "REPO_ROOT",
    "SITES_DIR",
    "SITE_KINDS",
    "LocalSite",
    "cac_site",
    "copy_site",
    "demo_site",
    "ec_site",
    "encodings_site",
    "ftc_site",
    "ico_site",
    "miit_site",
    "running_site",
    "samr_site",
    "serve_site",
]

SITES_DIR = Path(__file__).resolve().parent
REPO_ROOT = SITES_DIR.parents[1]
# Copy name → the server's site kind (which dynamic endpoints it emulates).
SITE_KINDS = {
    "cac": "cac",
    "miit": "miit",
    "samr": "samr",
    "ftc": "ftc",
    "ec": "ec",
    "ico": "ico",
    "encodings": "generic",
}
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def copy_site(name: str, tmp_path: Path) -> Path:
    """Copy tests/sites/<name> to `tmp_path/<name>` (bytes and mtimes kept) and return it, so a
    test may edit its copy between crawls without touching the fixtures."""
    if name not in SITE_KINDS:
        raise ValueError(f"no site copy called {name!r}; have {sorted(SITE_KINDS)}")
    return Path(shutil.copytree(SITES_DIR / name, tmp_path / name))


def _read_listening_line(process: subprocess.Popen[str], stderr: IO[bytes]) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        ready = selector.select(timeout=STARTUP_TIMEOUT)
    line = process.stdout.readline() if ready else ""
    if not line.startswith("listening "):
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)
        stderr.seek(0)
        raise RuntimeError(
            f"local site server did not start (stdout {line!r}):\n"
            + stderr.read().decode("utf-8", "replace")
        )
    return line.split(" ", 1)[1].strip()


@contextmanager
def running_site(
    site_dir: Path, site: str | None = None, access_log: Path | None = None
) -> Iterator[str]:
    """Serve `site_dir` from a subprocess (`python -m crawler.localsite.server`) and yield its
    base URL, `http://127.0.0.1:PORT`. The server is terminated when the block ends.

    `site` is the server's site kind (default: the copy's `_site.toml`). With `access_log`,
    the server logs every request to that file.
    """
    command = [sys.executable, "-m", "crawler.localsite.server", str(site_dir), "--port", "0"]
    if site is not None:
        command += ["--site", site]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    with ExitStack() as stack:
        if access_log is not None:
            command.append("--access-log")
            stderr: IO[bytes] = stack.enter_context(access_log.open("w+b"))
        else:
            stderr = stack.enter_context(tempfile.TemporaryFile())
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr,
            stdin=subprocess.DEVNULL, text=True,
        )
        try:
            yield _read_listening_line(process, stderr)
        finally:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_TIMEOUT)
            if process.stdout is not None:
                process.stdout.close()


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.loads(answer.read().decode("utf-8"))


@dataclass(frozen=True)
class LocalSite:
    """A copy being served: where it lives on disk, where it answers, and its test controls."""

    name: str
    site_dir: Path
    base_url: str

    def url(self, path: str) -> str:
        """Absolute URL for a site path; protocol-relative links (`//www.cac.gov.cn/x`) and
        absolute ones (`https://www.ftc.gov/x`) are mapped onto this server."""
        if path.startswith("//"):
            path = "/" + path[2:].split("/", 1)[1]
        elif path.startswith(("http://", "https://")):
            path = "/" + path.split("://", 1)[1].split("/", 1)[1]
        return self.base_url + path

    def stats(self) -> dict[str, Any]:
        """`/_stats`: {"total", "paths", "targets", "statuses"} since start or the last reset."""
        stats: dict[str, Any] = _get_json(self.base_url + "/_stats")
        return stats

    def requests_to(self, path: str) -> int:
        count: int = self.stats()["paths"].get(path, 0)
        return count

    def reset(self) -> None:
        """Zero the request counts and the fault counters (503-then-200 fails again)."""
        _get_json(self.base_url + "/_control?reset=1")

    def set_robots_unavailable(self, unavailable: bool) -> None:
        _get_json(self.base_url + f"/_control?robots={'503' if unavailable else '200'}")

    def edit(self, path: str, old: str, new: str, encoding: str = "utf-8") -> None:
        """Replace text in one file of this copy (moving its mtime forward); the next request
        sees it. Raises if `old` is not in the file, so a stale test cannot pass silently."""
        if not replace_in_copy(self.site_dir / path.lstrip("/"), old, new, encoding):
            raise AssertionError(f"{old!r} not found in {path}")


@pytest.fixture
def serve_site(tmp_path: Path) -> Iterator[Callable[[str], LocalSite]]:
    """Factory: `serve_site("cac")` copies tests/sites/cac into tmp_path and serves the copy.
    Every server it started is stopped at teardown."""
    with ExitStack() as stack:

        def start(name: str) -> LocalSite:
            site_dir = copy_site(name, tmp_path)
            base_url = stack.enter_context(running_site(site_dir, SITE_KINDS[name]))
            return LocalSite(name, site_dir, base_url)

        yield start


@pytest.fixture
def cac_site(serve_site: Callable[[str], LocalSite]) -> LocalSite:
    return serve_site("cac")


@pytest.fixture
def miit_site(serve_site: Callable[[str], LocalSite]) -> LocalSite:
    return serve_site("miit")


@pytest.fixture
def samr_site(serve_site: Callable[[str], LocalSite]) -> LocalSite:
    return serve_site("samr")


@pytest.fixture
def ftc_site(serve_site: Callable[[str], LocalSite]) -> LocalSite:
    return serve_site("ftc")


@pytest.fixture
def ec_site(serve_site: Callable[[str], LocalSite]) -> LocalSite:
    return serve_site("ec")


@pytest.fixture
def ico_site(serve_site: Callable[[str], LocalSite]) -> LocalSite:
    return serve_site("ico")


@pytest.fixture
def encodings_site(serve_site: Callable[[str], LocalSite]) -> LocalSite:
    return serve_site("encodings")


@pytest.fixture
def demo_site(tmp_path: Path) -> Iterator[LocalSite]:
    """The bundled `regwatch demo` copy, copied to tmp_path and served; apply the demo's change
    with `crawler.localsite.demo_edits.apply_demo_change(demo_site.site_dir)`."""
    site_dir = copy_demo_site(tmp_path / "demo")
    with running_site(site_dir, DEMO_SITE_KIND) as base_url:
        yield LocalSite("demo", site_dir, base_url)
