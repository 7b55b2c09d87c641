"""Fixtures for the re-analysis tests: an archive whose findings and events an older
extractor wrote (one notice it failed on, one edited in place), on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

import storage.analysis
from diffing.extract import Extraction
from storage.analysis import analyse_version
from storage.archive import record_notice
from storage.db import session_factory
from storage.models import AlertOutbox, ChangeEvent, Figure, Notice, NoticeVersion, PlatformMention
from tests.storage_fixtures import FETCHED_AT, add_source, article_url, fetched_notice

OLD = "1.6.0"
TOTALS = ("In 2023 the cyberspace authorities held talks with 10,646 websites, had 259 mobile "
          "apps taken off the stores and closed 14,624 websites that broke the law.")
SETTLEMENT = ("The company will pay $90 million to settle the charges: a $60 million penalty to the "
              "agency and a $30 million penalty to the state.")
SUMMONS = "网信部门依法约谈夸克浏览器运营企业负责人，责令其立即整改。"
BROKEN = "This notice broke extractor 1.6.0: 12 apps were removed."
REAL_EXTRACT = storage.analysis.extract


def older_extract(text: str, **options: Any) -> Extraction:
    """What an older extractor found: no app removals, no parts of a total, no platforms."""
    found = REAL_EXTRACT(text, **options)
    figures = [replace(figure, extractor_version=OLD, part_of=None,
                       role="fine" if figure.role == "part" else figure.role)
               for figure in found.figures if figure.metric != "apps_removed"]
    return Extraction(found.language, figures, [], OLD)


def failing_on_broken(text: str, **options: Any) -> Extraction:
    if text == BROKEN:
        raise ValueError("substring not found")
    return older_extract(text, **options)


def store(session: Session, url: str, text: str, fetched_at: datetime = FETCHED_AT) -> int:
    outcome = record_notice(session, fetched_notice(url=url, text=text, fetched_at=fetched_at))
    notice = session.get(Notice, outcome.notice_id)
    assert notice is not None and outcome.version is not None
    analyse_version(session, notice, outcome.version, outcome.previous)
    return outcome.notice_id


@pytest.fixture(name="engine")
def engine_fixture(archive_engine: Engine) -> Engine:
    """The migrated archive of ``tests.storage_fixtures``, by the name these tests use."""
    return archive_engine


@pytest.fixture(name="old_archive")
def old_archive_fixture(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Notices archived by the older extractor (one it failed on), one edited in place."""
    monkeypatch.setattr(storage.analysis, "extract", failing_on_broken)
    ids = {}
    with session_factory(engine).begin() as session:
        add_source(session)
        ids["edited"] = store(session, article_url(1), TOTALS)
        store(session, article_url(1), TOTALS.replace("259 mobile", "261 mobile"),
              FETCHED_AT + timedelta(days=1))
        ids["settlement"] = store(session, article_url(2), SETTLEMENT)
        ids["summons"] = store(session, article_url(3), SUMMONS)
        ids["broken"] = store(session, article_url(4), BROKEN)
    monkeypatch.setattr(storage.analysis, "extract", REAL_EXTRACT)
    return ids


def counts(engine: Engine) -> dict[str, int]:
    with session_factory(engine)() as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
                for model in (Figure, PlatformMention, ChangeEvent, AlertOutbox)}


def versions_of(session: Session, notice_id: int) -> list[NoticeVersion]:
    return list(session.scalars(select(NoticeVersion).where(NoticeVersion.notice_id == notice_id)
                                .order_by(NoticeVersion.number)))
