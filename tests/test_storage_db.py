"""Tests of storage.db: choosing the database, opening and migrating it, readable failures."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from storage.db import (
    alembic_config,
    database_url,
    open_archive,
    read_session_factory,
    session_factory,
)
from storage.errors import ArchiveError, ArchiveUnreachableError, ArchiveURLError
from storage.models import Base
from storage.search_index import search_tables
from tests.storage_fixtures import add_source


def test_database_url_prefers_explicit_then_environment_then_cwd(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REGWATCH_DATABASE_URL", raising=False)
    assert database_url() == f"sqlite:///{tmp_path / 'regwatch.db'}"
    monkeypatch.setenv("REGWATCH_DATABASE_URL", "postgresql+psycopg://watch@db/regwatch")
    assert database_url() == "postgresql+psycopg://watch@db/regwatch"
    assert database_url("sqlite:////srv/a.db") == "sqlite:////srv/a.db"


def test_open_archive_defaults_to_regwatch_db_in_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REGWATCH_DATABASE_URL", raising=False)
    engine = open_archive()
    engine.dispose()
    assert (tmp_path / "regwatch.db").is_file()


def test_models_and_migrations_agree(archive_engine: Engine) -> None:
    with archive_engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _archive_names}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_alembic_check_ignores_tables_other_services_keep_here(archive_engine: Engine) -> None:
    # The scheduler's APScheduler job store lives in the same database.
    with archive_engine.begin() as connection:
        connection.execute(text("CREATE TABLE apscheduler_jobs (id VARCHAR(191) PRIMARY KEY)"))
    config = alembic_config()
    with archive_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.check(config)


def test_open_archive_is_idempotent_and_reaches_head(archive_url: str) -> None:
    first = open_archive(archive_url)
    second = open_archive(archive_url)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    try:
        with second.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head
            assert set(inspect(connection).get_table_names()) - search_tables() == {
                *Base.metadata.tables,
                "alembic_version",
            }
    finally:
        first.dispose()
        second.dispose()


def test_migrations_downgrade_to_nothing_and_back(archive_engine: Engine) -> None:
    config = alembic_config()
    with archive_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    with archive_engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) == {"alembic_version"}
    with archive_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with archive_engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _archive_names}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_an_archive_whose_service_made_the_overrun_table_upgrades_and_keeps_its_rows(
    archive_engine: Engine,
) -> None:
    # Before 0008 the service created scheduler_overruns itself, as this table definition did.
    from datetime import UTC, datetime

    from sqlalchemy import Column, Integer, MetaData, String, Table

    from storage.aware_datetime import AwareDateTime

    service_tables = MetaData()
    made_by_the_service = Table(
        "scheduler_overruns",
        service_tables,
        Column("id", Integer, primary_key=True),
        Column("source_id", String(64), nullable=False, index=True),
        Column("due_at", AwareDateTime(), nullable=False),
        Column("running_since", AwareDateTime(), nullable=True),
        Column("noted_at", AwareDateTime(), nullable=False),
    )
    config = alembic_config()
    with archive_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0007_figure_history_index")
    service_tables.create_all(archive_engine)
    due = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
    with archive_engine.begin() as connection:
        connection.execute(made_by_the_service.insert().values(
            source_id="cac-test", due_at=due, running_since=None, noted_at=due,
        ))
    with archive_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with archive_engine.connect() as connection:
        rows = connection.execute(text("SELECT source_id FROM scheduler_overruns")).all()
        assert [row.source_id for row in rows] == ["cac-test"]
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _archive_names}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_migrations_do_not_depend_on_the_working_directory(
    archive_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    engine = open_archive(archive_url)
    try:
        with session_factory(engine)() as session:
            assert session.execute(text("SELECT count(*) FROM notices")).scalar_one() == 0
    finally:
        engine.dispose()


def test_sqlite_connections_use_wal_normal_sync_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    engine = open_archive(f"sqlite:///{tmp_path / 'pragmas.db'}")
    try:
        with engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar_one() == "wal"
            assert pragma("PRAGMA busy_timeout").scalar_one() >= 30_000
            assert pragma("PRAGMA foreign_keys").scalar_one() == 1
            # NORMAL (1): commits do not wait for the disk; WAL keeps them whole.
            assert pragma("PRAGMA synchronous").scalar_one() == 1
    finally:
        engine.dispose()
    # WAL is a property of the file, seen by any later client.
    with sqlite3.connect(tmp_path / "pragmas.db") as plain:
        assert plain.execute("PRAGMA journal_mode").fetchone() == ("wal",)


@pytest.mark.parametrize(
    "url",
    [
        "regwatch.db",
        "sqlite//missing-colon.db",
        "postgresql+psycopg://watch:hunter2@db:port/regwatch",
    ],
)
def test_a_malformed_url_gives_a_readable_error(url: str) -> None:
    with pytest.raises(ArchiveURLError) as raised:
        open_archive(url)
    message = str(raised.value)
    assert "is not a database URL" in message
    assert "hunter2" not in message
    assert isinstance(raised.value, ArchiveError)


def test_an_unsupported_backend_or_driver_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ArchiveURLError, match="'mysql'.*supports sqlite and postgresql"):
        open_archive("mysql://watch@127.0.0.1/regwatch")
    with pytest.raises(ArchiveURLError, match="no usable database driver"):
        open_archive("postgresql+nosuchdriver://watch@127.0.0.1/regwatch")


def test_an_unreachable_server_gives_a_readable_error() -> None:
    # Port 1 on loopback: nothing listens, the connection is refused at once.
    with pytest.raises(ArchiveUnreachableError) as raised:
        open_archive("postgresql+psycopg://watch:hunter2@127.0.0.1:1/regwatch")
    message = str(raised.value)
    assert message.startswith(
        "cannot open the archive at postgresql+psycopg://watch:***@127.0.0.1:1"
    )
    assert "hunter2" not in message and "\n" not in message


def test_a_sqlite_file_in_a_missing_directory_gives_a_readable_error(tmp_path: Path) -> None:
    with pytest.raises(ArchiveUnreachableError, match="unable to open database file"):
        open_archive(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'archive.db'}")


def _archive_names(name: str | None, type_: str, parent_names: object) -> bool:
    # The search index (storage.search_index) is derived data kept beside the model's tables.
    return type_ != "table" or name not in search_tables()


def test_a_sqlite_reader_neither_waits_for_a_writer_nor_sees_its_uncommitted_rows(
    tmp_path: Path,
) -> None:
    engine = open_archive(f"sqlite:///{tmp_path / 'archive.db'}")
    try:
        with session_factory(engine).begin() as session:
            add_source(session, "ftc-press")
        writer = session_factory(engine)()
        writer.begin()
        # The writer holds SQLite's write lock (BEGIN IMMEDIATE) with a row not yet committed.
        add_source(writer, "ec-press")
        writer.flush()
        with read_session_factory(engine)() as reader:
            seen = set(reader.scalars(text("SELECT id FROM sources")))
        assert seen == {"ftc-press"}
        writer.commit()
        writer.close()
        with read_session_factory(engine)() as reader:
            assert set(reader.scalars(text("SELECT id FROM sources"))) == {"ftc-press", "ec-press"}
    finally:
        engine.dispose()


def test_upgrading_marks_the_events_of_each_source_s_first_crawl_as_baseline(
    archive_engine: Engine,
) -> None:
    config = alembic_config()
    with archive_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008_scheduler_overruns")
    at = "2024-03-04 09:00:00+00:00" if archive_engine.dialect.name == "postgresql" else (
        "2024-03-04 09:00:00.000000")
    statements = [
        ("INSERT INTO sources (id, name, authority, language, base_url) "
        "VALUES ('cac-test', 'CAC', 'CAC', 'zh', 'https://www.cac.gov.cn/')"),
        # A first run that failed, the first that archived the list, and a later one.
        *(f"INSERT INTO crawl_runs (id, source_id, started_at, status, new_count, "
          f"changed_count, unchanged_count, failed_count, not_modified_count, requests_count, "
          f"errors, stats) VALUES ({run}, 'cac-test', :at, '{status}', 0, 0, 0, 0, 0, 0, "
          "'[]', '{}')" for run, status in ((1, "failed"), (2, "ok"), (3, "ok"))),
        ("INSERT INTO notices (id, source_id, url, title, language, first_seen_at, "
        "last_seen_at, last_checked_at) VALUES (1, 'cac-test', 'https://www.cac.gov.cn/a.htm', "
        "'t', 'zh', :at, :at, :at)"),
        *(f"INSERT INTO notice_versions (id, notice_id, number, title, text, html, "
          f"content_hash, raw_gz, raw_sha256, raw_size, encoding, http_status, http_headers, "
          f"attachments, fetched_at, crawl_run_id) VALUES ({number}, 1, {number}, 't', 'x', "
          f"'x', 'h{number}', :raw, 's', 1, 'utf-8', 200, '{{}}', '[]', :at, {run})"
          for number, run in ((1, 2), (2, 3))),
        *(f"INSERT INTO change_events (id, kind, source_id, notice_id, version_id, created_at, "
          f"summary_en, payload, dedupe_key) VALUES ({version}, 'notice_new', 'cac-test', 1, "
          f"{version}, :at, 's', '{{}}', 'k{version}')" for version in (1, 2)),
    ]
    with archive_engine.begin() as connection:
        for statement in statements:
            parameters = {"at": at}
            if ":raw" in statement:
                parameters["raw"] = b"x"  # type: ignore[assignment]
            connection.execute(text(statement), parameters)
    with archive_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with archive_engine.connect() as connection:
        rows = connection.execute(text("SELECT id, baseline FROM change_events ORDER BY id"))
        assert [(row.id, bool(row.baseline)) for row in rows] == [(1, True), (2, False)]


def test_an_archive_with_figures_from_before_roles_upgrades_and_keeps_them(
    archive_engine: Engine,
) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import select

    from storage.analysis import analyse_version
    from storage.archive import record_notice
    from storage.findings import figures_of, mention_of
    from storage.models import Figure, Notice, PlatformMention
    from tests.storage_fixtures import fetched_notice

    with session_factory(archive_engine)() as session:
        add_source(session)
        outcome = record_notice(session, fetched_notice(
            url="https://www.cac.gov.cn/roles.htm", title="处罚通报", language="zh-Hans",
            text="国家网信办依法对抖音罚款人民币200万元，没收违法所得50万元。",
            published_at=datetime(2024, 5, 6, tzinfo=UTC)))
        notice = session.get(Notice, outcome.notice_id)
        assert notice is not None and outcome.version is not None
        analyse_version(session, notice, outcome.version, None)
        session.commit()
    config = alembic_config()
    with archive_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008_scheduler_overruns")
    with archive_engine.begin() as connection:
        assert "role" not in {c["name"] for c in inspect(connection).get_columns("figures")}
        connection.execute(text(
            'INSERT INTO platform_mentions (version_id, notice_id, source_id, platform_id, name, '
            'kind, action, actions, start, "end", sentence, extractor_version) '
            "SELECT version_id, notice_id, source_id, NULL, '星河閱讀', 'app', NULL, '[]', 0, 4, "
            "'', 'old' FROM platform_mentions"))
    with archive_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with session_factory(archive_engine)() as session:
        figures = figures_of(session.scalars(select(Figure).order_by(Figure.start)).all())
        assert [(f.value, f.metric, f.role, f.party) for f in figures] == [
            (2000000, "fine_amount", None, None), (500000, None, None, None)]
        known, unknown = session.scalars(select(PlatformMention).order_by(PlatformMention.id))
        assert (mention_of(known).id, mention_of(known).operator, known.platform_key) == (
            "douyin", None, "douyin")
        assert (unknown.platform_id, unknown.platform_key) == (None, "name:星河阅读")
    with archive_engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _archive_names}
        )
        assert compare_metadata(context, Base.metadata) == []
