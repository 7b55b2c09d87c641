"""Alembic environment for the archive: runs migrations on the connection storage.db provides."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from storage.db import create_archive_engine, database_url, lock_for_migration
from storage.models import Base

config = context.config


def _run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite can only alter most things by copying the table; batch mode does that.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=_is_archive_table,
    )
    with context.begin_transaction():
        context.run_migrations()


def _is_archive_table(name: str | None, type_: str, parent_names: object) -> bool:
    # The scheduler keeps its own tables (APScheduler's job store) in the same database;
    # autogenerate must not offer to drop them.
    return type_ != "table" or name in Base.metadata.tables


def _run_online() -> None:
    given = config.attributes.get("connection")
    if given is not None:
        _run_on(given)
        return
    # Run from the alembic command line: open the configured archive ourselves.
    engine = create_archive_engine(database_url(config.get_main_option("sqlalchemy.url")))
    try:
        with engine.begin() as connection:
            lock_for_migration(connection)
            _run_on(connection)
    finally:
        engine.dispose()


def _run_offline() -> None:
    context.configure(
        url=database_url(config.get_main_option("sqlalchemy.url")),
        target_metadata=Base.metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    _run_offline()
else:
    _run_online()
