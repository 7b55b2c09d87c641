"""Fixtures for the storage tests: a fresh archive on each backend, and notices to record.

Test modules import the fixtures they use (`archive_session_fixture` provides the fixture
`archive_session`; the different Python name keeps test arguments from shadowing the import). Run as a module, this file is also the
child process of the crash test: it records one crawl's notices, printing a line after each
commit (`python -m tests.storage_fixtures URL CRAWL COUNT`).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from storage.archive import FetchedNotice, record_notice, upsert_source
from storage.db import open_archive, session_factory

POSTGRES_URL_ENV = "REGWATCH_TEST_POSTGRES_URL"
# Set by CI: there a missing PostgreSQL server is a failure, not a reason to skip.
REQUIRE_POSTGRES_ENV = "REGWATCH_REQUIRE_POSTGRES"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SHARED_DIR = Path(__file__).resolve().parents[1] / ".." / "shared"

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
FETCHED_AT = datetime(2024, 1, 31, 12, 0, tzinfo=BEIJING)
SOURCE_ID = "cac-wxfb"

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def postgres_server_url() -> str:
    return os.environ.get(POSTGRES_URL_ENV, DEFAULT_POSTGRES_URL)


@pytest.fixture(scope="session", name="postgres_database")
def postgres_database_fixture() -> Iterator[str]:
    """URL of a database created for this test session on the PostgreSQL server, then dropped."""
    server = make_url(postgres_server_url())
    admin = create_engine(server, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    name = f"regwatch_test_{secrets.token_hex(6)}"
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except OperationalError as exc:
        admin.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        shown = server.render_as_string(hide_password=True)
        message = f"PostgreSQL at {shown} not reachable: {reason}"
        if os.environ.get(REQUIRE_POSTGRES_ENV, "") not in ("", "0"):
            pytest.fail(f"{message} ({REQUIRE_POSTGRES_ENV} is set)")
        pytest.skip(message)
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def fresh_postgres_archive_url(database_url: str) -> str:
    """A URL on `database_url` whose connections see only a new, empty schema."""
    schema = f"archive_{secrets.token_hex(5)}"
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    finally:
        engine.dispose()
    url = make_url(database_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS, name="archive_url")
def archive_url_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty, not yet migrated archive; the test runs once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'archive.db'}"
    return fresh_postgres_archive_url(request.getfixturevalue("postgres_database"))


@pytest.fixture(name="postgres_archive_url")
def postgres_archive_url_fixture(postgres_database: str) -> str:
    return fresh_postgres_archive_url(postgres_database)


@pytest.fixture(name="archive_engine")
def archive_engine_fixture(archive_url: str) -> Iterator[Engine]:
    engine = open_archive(archive_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture(name="archive_session")
def archive_session_fixture(archive_engine: Engine) -> Iterator[Session]:
    """A session on a migrated archive that already holds the source `SOURCE_ID`."""
    with session_factory(archive_engine)() as session:
        add_source(session)
        session.commit()
        yield session


@pytest.fixture(name="shared_dir")
def shared_dir_fixture() -> Path:
    if not SHARED_DIR.is_dir():
        pytest.skip(f"the shared reference material is not at {SHARED_DIR.resolve()}")
    return SHARED_DIR


def add_source(session: Session, source_id: str = SOURCE_ID) -> str:
    upsert_source(
        session,
        source_id,
        name="网信发布 (CAC releases)",
        authority="Cyberspace Administration of China",
        language="zh",
        base_url="https://www.cac.gov.cn/wxzw/wxfb/",
    )
    return source_id


def article_url(number: int) -> str:
    return f"https://www.cac.gov.cn/2024-01/31/c_17080123456789{number:02d}.htm"


def fetched_notice(url: str = article_url(1), **changes: Any) -> FetchedNotice:
    """A fetched CAC notice reporting the 2023 enforcement totals; override any field."""
    text = changes.pop(
        "text",
        "In 2023 the cyberspace authorities held talks with 10,646 websites, had 259 mobile "
        "apps taken off the stores and closed 14,624 websites that broke the law.",
    )
    title = changes.pop("title", "CAC reports its 2023 enforcement totals")
    raw = changes.pop(
        "raw",
        f"<html><head><title>{title}</title></head><body><DIV id=BodyLabel><p>{text}</p>"
        "</DIV></body></html>".encode(),
    )
    fetched = FetchedNotice(
        source_id=SOURCE_ID,
        url=url,
        title=title,
        published_at=datetime(2024, 1, 31, 10, 5, tzinfo=BEIJING),
        language="en",
        text=text,
        html=f"<p>{text}</p>",
        raw=raw,
        http_status=200,
        http_headers={"Content-Type": "text/html; charset=utf-8", "ETag": '"a1"'},
        encoding="utf-8",
        attachments=[],
        fetched_at=FETCHED_AT,
        crawl_run_id=None,
    )
    return replace(fetched, **changes)


def crawl_notices(crawl: int, count: int) -> list[FetchedNotice]:
    """What a source's pages hold at crawl `crawl` (1 or 2) of the crash test.

    At crawl 2 every third notice has been amended, and `count // 2` notices are new.
    """
    fetched_at = FETCHED_AT + timedelta(hours=crawl)
    published = count if crawl == 1 else count + count // 2
    pages = []
    for number in range(published):
        amended = crawl == 2 and number % 3 == 0 and number < count
        text = f"Notice {number}: {number * 7} websites were closed after talks."
        if amended:
            text += " Corrected: the figure above excludes mini programs."
        pages.append(
            fetched_notice(
                f"https://www.cac.gov.cn/2024-02/01/c_{1_700_000_000_000 + number}.htm",
                title=f"Enforcement notice {number}",
                text=text,
                raw=f"<p>{text}</p><!-- built {fetched_at.isoformat()} -->".encode(),
                fetched_at=fetched_at,
            )
        )
    return pages


def record_crawl(url: str, crawl: int, count: int, announce: bool = False) -> None:
    """Record one crawl's notices, one transaction each; print the index after each commit."""
    engine = open_archive(url)
    try:
        sessions = session_factory(engine)
        with sessions.begin() as session:
            add_source(session)
        for index, fetched in enumerate(crawl_notices(crawl, count)):
            with sessions.begin() as session:
                record_notice(session, fetched)
            if announce:
                print(index, flush=True)
    finally:
        engine.dispose()


def sha256_hex(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


if __name__ == "__main__":
    record_crawl(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), announce=True)
