"""The `regwatch` command: one click group holding every command.

Each module of this package holds one group of commands and lists them in ``COMMANDS``;
:mod:`cli.common` has what they share (exit codes, the one way to fail, opening the
configuration and the archive). Commands import the library; nothing below imports them.
"""

from __future__ import annotations

import click

from cli import alerts, cluster, crawling, extract, queries, reanalysis, service, sources


@click.group()
@click.option("--config", "config_path", envvar="REGWATCH_CONFIG", default=None,
              help="Configuration file (default: ./regwatch.toml).")
@click.option("--database-url", envvar="REGWATCH_DATABASE_URL", default=None,
              help="Archive URL (default: sqlite:///regwatch.db in the working directory).")
@click.version_option(package_name="regwatch")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, database_url: str | None) -> None:
    """regwatch: watch what regulators publish."""
    ctx.obj = {"config": config_path, "database_url": database_url}


for module in (crawling, sources, extract, queries, reanalysis, alerts, service, cluster):
    for command in module.COMMANDS:
        main.add_command(command)
