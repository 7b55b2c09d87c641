"""`regwatch reanalyse`: the archive's findings read again with the running extractor, after an
upgrade, with the change events they cause, queueing no alert (:mod:`storage.reanalysis`)."""

from __future__ import annotations

import json
from typing import Any

import click

from cli.common import archive_session, check_filter_ids, command_archive, console, errors
from cli.terminal import inert_json, plain
from storage.reanalysis import DEFAULT_BATCH_NOTICES, ReanalysisReport, reanalyse


@click.command("reanalyse")
@click.option("--source", "sources", multiple=True,
              help="Only the notices this source lists (repeat for more sources).")
@click.option("--all", "everything", is_flag=True,
              help="Every version, not only those an older extractor read or failed on.")
@click.option("--dry-run", is_flag=True, help="Count what would change; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="The counts as one JSON object.")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=DEFAULT_BATCH_NOTICES,
              hidden=True, help="Notices per transaction.")
@click.pass_obj
def reanalyse_command(obj: dict[str, Any] | None, sources: tuple[str, ...], everything: bool,
                      dry_run: bool, as_json: bool, batch_size: int) -> None:
    """Replace the figures and platform mentions an older extractor version found (or failed
    to find) with what the running one finds; --all: of every version.

    The re-read versions' change events become those their new findings cause: an event
    found again stays as it was, with its alerts; one no longer found is withdrawn, kept with
    the alerts sent for it, its queued alerts never sent; a withdrawn one found again is
    restored; a new one queues no alert. Safe beside a running service, and safe to stop at
    any moment: each batch of notices is one transaction, and the next run goes on where this
    one stopped.
    """
    if sources:
        with archive_session(obj) as session:
            check_filter_ids(session, obj, sources=sources)
    engine = command_archive((obj or {}).get("database_url"))
    try:
        report = reanalyse(engine, source_ids=sources, everything=everything, dry_run=dry_run,
                           batch_notices=batch_size,
                           progress=_progress if errors.is_terminal else None)
    finally:
        engine.dispose()
    if as_json:
        click.echo(inert_json(json.dumps(report.to_json(), ensure_ascii=False, indent=2)))
        return
    _show(report)


def _progress(report: ReanalysisReport) -> None:
    errors.print(f"batch {report.batches}: {report.versions:,} versions of "
                 f"{report.notices:,} notices, {len(report.failed):,} failed, "
                 f"{report.seconds:.1f} s", highlight=False)


def _show(report: ReanalysisReport) -> None:
    verb = "would re-analyse" if report.dry_run else "re-analysed"
    if report.dry_run:
        console.print("dry run: nothing written", highlight=False)
    console.print(f"{verb} {report.versions:,} versions of {report.notices:,} notices with "
                  f"extractor {report.extractor_version}", highlight=False)
    console.print(f"figures: {report.figures_before:,} before, {report.figures_after:,} after",
                  highlight=False)
    console.print(f"platform mentions: {report.mentions_before:,} before, "
                  f"{report.mentions_after:,} after", highlight=False)
    console.print(f"events: {report.events_kept:,} kept, {report.events_withdrawn:,} "
                  f"withdrawn (no longer found), {report.events_restored:,} restored, "
                  f"{report.events_added:,} new (no alerts)", highlight=False)
    if report.failed:
        console.print(f"extraction failed on {len(report.failed):,} versions (their findings "
                      "are left as they were):", highlight=False)
        for failed in report.failed:
            console.print(plain(f"  notice {failed.notice_id} version {failed.version} "
                                f"{failed.url}: {failed.error}"))
    else:
        console.print("extraction failed on no version", highlight=False)
    console.print(f"took {report.seconds:.1f} s ({report.cpu_seconds:.1f} s CPU)",
                  highlight=False)


COMMANDS: list[click.Command] = [reanalyse_command]
