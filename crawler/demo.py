"""`regwatch demo`: a new user's first minute, offline.

Serves a bundled copy of a CAC channel on 127.0.0.1, crawls it into a fresh SQLite archive,
changes the copy (a new notice, a figure edited from 259 to 261), crawls again, and shows what
regwatch found. Each crawl runs in a child process, as the service runs them.

The archive stays when the demo ends, where the user can find it: ``./regwatch-demo.db``
(replaced by the next demo), or ``demo.db`` in the folder given with ``--keep`` (which keeps
the site copy and the demo's ``regwatch.toml`` beside it). The demo ends by saying how to open
the archive in the browser.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from crawler.localsite.demo_edits import DEMO_SITE_KIND, apply_demo_change, copy_demo_site
from crawler.localsite.server import serve_in_thread

DEMO_SOURCE = "cac-hlwnrgl"
# Where the demo leaves its archive without --keep, in the working directory.
DEMO_ARCHIVE = "regwatch-demo.db"


def crawl_once(workdir: Path, archive: Path, *, refetch: bool) -> dict[str, Any]:
    """One `regwatch crawl --json` of the demo source in a child process; its JSON result."""
    command = [sys.executable, "-m", "cli", "--config", str(workdir / "regwatch.toml"),
               "--database-url", database_url(archive), "crawl", DEMO_SOURCE, "--json"]
    if refetch:
        command.append("--refetch")
    finished = subprocess.run(command, capture_output=True, text=True, timeout=600,
                              cwd=workdir, check=False)
    try:
        return json.loads(finished.stdout)[DEMO_SOURCE]  # type: ignore[no-any-return]
    except (ValueError, KeyError):
        raise RuntimeError(
            f"the demo crawl did not finish (exit {finished.returncode}):\n{finished.stderr[-3000:]}"
        ) from None


def database_url(archive: Path) -> str:
    return f"sqlite:///{archive}"


def demo_archive(keep: Path | None) -> Path:
    """The file the demo archives into: ``demo.db`` in ``keep``, else ./regwatch-demo.db."""
    return (keep / "demo.db" if keep is not None else Path(DEMO_ARCHIVE)).absolute()


def run_demo(keep: Path | None, console: Console) -> int:
    """Run the demo; 0 when both crawls worked and the change was found."""
    archive = demo_archive(keep)
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        return _run(keep, archive, console)
    # A fresh archive each time: the demo shows a first crawl, then a change.
    for leftover in (archive, *(archive.with_name(archive.name + end)
                                for end in ("-wal", "-shm", "-journal"))):
        leftover.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="regwatch-demo-") as tmp:
        return _run(Path(tmp), archive, console)


def how_to_look(archive: Path) -> str:
    """The closing words: the commands that open the demo's archive."""
    url = database_url(archive)
    return (f"The archive stays in {archive}. Look at it in the browser:\n"
            f"   regwatch --database-url {url} web\n"
            f"and open http://127.0.0.1:8080/ (--port chooses another port). Or in the "
            f"terminal:\n   regwatch --database-url {url} events")


def _run(workdir: Path, archive: Path, console: Console) -> int:
    site_dir = workdir / "site"
    if not site_dir.exists():
        copy_demo_site(site_dir)
    base_url, stop = serve_in_thread(site_dir, DEMO_SITE_KIND)
    try:
        (workdir / "regwatch.toml").write_text(
            f'[sources.{DEMO_SOURCE}]\nbase_url = "{base_url}"\ndelay = 0.1\n', encoding="utf-8"
        )
        console.print(f"[bold]regwatch demo[/]: a copy of the CAC channel 互联网内容管理 "
                      f"is served at {base_url}; the archive is {archive}\n")
        console.print("[bold]1. First crawl[/] (the back catalogue is archived)")
        first = crawl_once(workdir, archive, refetch=False)
        _print_counts(console, first)
        _print_notices(console, archive)

        change = apply_demo_change(site_dir)
        console.print("\n[bold]2. The site changes[/]: a new notice is published "
                      f"({change.new_notice_title}), and a figure in an archived notice is "
                      "silently edited: "
                      + "; ".join(f"{e.old} → {e.new}" for e in change.edits))

        console.print("\n[bold]3. Second crawl[/] (known pages are re-checked with conditional "
                      "requests)")
        second = crawl_once(workdir, archive, refetch=True)
        _print_counts(console, second)
        _print_findings(console, archive, since_run=second.get("run_id"))
        ok = first["status"] == "ok" and second["status"] == "ok" and second["new"] >= 1 and (
            second["changed"] >= 1
        )
        console.print("\n[green]Done.[/] Run it on real sites with `regwatch crawl` or "
                      "`regwatch serve`." if ok else "\n[red]The demo did not see the change.[/]")
        for line in how_to_look(archive).splitlines():
            # Commands on lines of their own, never wrapped, so they can be copied.
            console.print(line, highlight=False, markup=False, soft_wrap=True)
        return 0 if ok else 1
    finally:
        stop()


def _print_counts(console: Console, result: dict[str, Any]) -> None:
    console.print(
        f"   {result['status']}: {result['new']} new, {result['changed']} changed, "
        f"{result['unchanged']} unchanged, {result['failed']} failed notices, "
        f"{result['requests']} requests ({result['not_modified']} answered 304 Not Modified)"
    )


def _session(archive: Path):  # type: ignore[no-untyped-def]
    from storage.db import open_archive, session_factory

    return session_factory(open_archive(database_url(archive)))()


def _print_notices(console: Console, archive: Path) -> None:
    from storage.models import Notice

    with _session(archive) as session:
        notices = session.scalars(select(Notice).order_by(Notice.published_at.desc())).all()
        table = Table("published", "title", title="Archived notices")
        for notice in notices[:8]:
            table.add_row(f"{notice.published_at:%Y-%m-%d}" if notice.published_at else "-",
                          notice.title)
        console.print(table)


def _print_findings(console: Console, archive: Path, since_run: int | None) -> None:
    from diffing.compare import text_diff
    from storage.archive import versions
    from storage.models import ChangeEvent, Notice, NoticeVersion

    with _session(archive) as session:
        recent = session.scalars(
            select(ChangeEvent)
            .join(NoticeVersion, NoticeVersion.id == ChangeEvent.version_id)
            .where(NoticeVersion.crawl_run_id == since_run, ChangeEvent.withdrawn_at.is_(None))
            .order_by(ChangeEvent.id)
        ).all()
        changed = session.scalars(
            select(Notice).where(
                Notice.id.in_(select(NoticeVersion.notice_id).where(NoticeVersion.number == 2))
            )
        ).all()
        for notice in changed:
            old, new = versions(session, notice.id)[-2:]
            diff = text_diff(old.text, new.text, old_label="version 1", new_label="version 2",
                             context=0)
            console.print(f"\n[bold]Edited:[/] {notice.title}")
            for line in diff.splitlines():
                if line.startswith(("+", "-")) and not line.startswith(("+++", "---")):
                    colour = "green" if line.startswith("+") else "red"
                    console.print(f"   [{colour}]{line[:160]}[/]", highlight=False)
        if since_run is not None:
            table = Table("event", "what happened", title="What regwatch would alert on")
            for event in recent[:20]:
                table.add_row(event.kind, event.summary_en)
            if recent:
                console.print(table)
