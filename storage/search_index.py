"""The search index: its table, the normal form notices are indexed in, and its upkeep.

Each notice has one row in ``notice_search`` holding its latest version's title and text in a
normal form (Simplified characters, NFKC, case-folded), so 約談, 约谈 and ＹＯＵ find the same
notices. Terms of three or more characters use a trigram index: FTS5's ``trigram`` tokenizer
on SQLite, a ``pg_trgm`` GIN index on PostgreSQL. Shorter terms (约谈 is two characters, which
no trigram index can look up) use ``grams``: the distinct CJK characters and character pairs
of the notice, and its Latin words of one or two letters, in an FTS5 table or a GIN-indexed
array. Only a short term mixing scripts (5万) falls back to a scan.

The index is upkept in the transaction that records a version (`index_notice`), and filled
for an existing archive by its migration (`rebuild_search_index`). Searching it is
:mod:`storage.search`'s.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    func,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from diffing.chinese import to_simplified
from storage.aware_datetime import AwareDateTime
from storage.db import core
from storage.models import Notice, NoticeVersion

TRIGRAM = 3

SEARCH_TABLE = "notice_search"
SQLITE_TRIGRAM_TABLE = "notice_search_fts"
SQLITE_GRAMS_TABLE = "notice_search_grams"
_FTS5_SHADOWS = ("data", "idx", "content", "docsize", "config")

class Grams(TypeDecorator[list[str]]):
    """A notice's short-term grams: a GIN-indexable text array on PostgreSQL, a space-separated
    string (read by an FTS5 table) on SQLite."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.ARRAY(Text))
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: list[str] | None, dialect: Dialect) -> Any:
        if value is None or dialect.name == "postgresql":
            return value
        return " ".join(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> list[str] | None:
        if value is None or isinstance(value, list):
            return value
        return str(value).split()


# The index is derived data, not part of the archive's model (`storage.models.Base`): it can
# be dropped and rebuilt from the versions at any time.
SEARCH_METADATA = MetaData()
notice_search = Table(
    SEARCH_TABLE,
    SEARCH_METADATA,
    Column("notice_id", Integer, primary_key=True),
    Column("version_id", Integer, nullable=False),
    Column("source_id", String(64), nullable=False),
    Column("published_at", AwareDateTime(), nullable=True),
    Column("language", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("grams", Grams(), nullable=False),
)


def search_tables() -> frozenset[str]:
    """Every table name the search index may create (FTS5 tables and their shadow tables)."""
    names = {SEARCH_TABLE}
    for table in (SQLITE_TRIGRAM_TABLE, SQLITE_GRAMS_TABLE):
        names.add(table)
        names.update(f"{table}_{shadow}" for shadow in _FTS5_SHADOWS)
    return frozenset(names)


# --- normal form ---------------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")
_WORD = re.compile(r"[^\W\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f_]+")


@lru_cache(maxsize=65_536)
def _fold(character: str) -> str:
    return unicodedata.normalize("NFKC", character).casefold()


def normalise(text: str) -> str:
    """The searchable form of ``text``: Simplified characters, NFKC, case-folded."""
    # As normalise_with_offsets(text)[0], without mapping each character back.
    simplified = to_simplified(text)[0]
    if unicodedata.is_normalized("NFKC", simplified):
        # The usual case: a text in NFKC holds no character that NFKC would change on its own,
        # and case folding maps character by character, so this is each character's fold.
        return simplified.casefold()
    return "".join(map(_fold, simplified))


def normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """The searchable form of ``text`` and, for each of its characters, where it came from in
    ``text`` (character folding may lengthen a character: ß becomes ss)."""
    simplified, offsets = to_simplified(text)
    folded = [_fold(character) for character in simplified]
    if all(len(piece) == 1 for piece in folded):
        # The usual case, one character for one: each comes from where its Simplified
        # character came from (a search page maps twenty texts back for their snippets).
        origins = list(range(len(text))) if offsets.starts is None else list(offsets.starts)
        return "".join(folded), origins
    pieces: list[str] = []
    origins = []
    for index, piece in enumerate(folded):
        origin = offsets.to_original(index, index + 1)[0]
        pieces.append(piece)
        origins.extend([origin] * len(piece))
    return "".join(pieces), origins


def short_grams(normal: str) -> list[str]:
    """What a short term can be looked up by: CJK characters and pairs, one- and two-letter
    words. Sorted and distinct, so equal texts give equal rows."""
    grams: set[str] = set()
    for run in CJK_RUN.findall(normal):
        grams.update(run)
        grams.update(map(operator.add, run, run[1:]))
    grams.update(word for word in _WORD.findall(normal) if len(word) < TRIGRAM)
    return sorted(grams)


def gram_indexable(term: str) -> bool:
    """Whether a short term can be looked up in ``grams`` (not a mix of scripts)."""
    if CJK_RUN.fullmatch(term):
        return True
    return bool(_WORD.fullmatch(term))


# --- upkeep ----------------------------------------------------------------------------------


def index_notice(session: Session, notice: Notice, version: NoticeVersion) -> None:
    """Make ``version`` the searchable content of ``notice``; idempotent, does not commit.

    Called in the transaction that records the version, so the index never lags the archive.
    """
    connection = core(session)
    connection.execute(_upsert_one(connection.dialect.name), _index_row(notice, version))


class IndexBatch:
    """The search rows of versions recorded in one transaction, written in one statement.

    A writer storing a batch of notices in a transaction adds each version here and calls
    :meth:`write` before committing: one statement for the batch costs less than one per
    notice. Until then, the batch's notices are not in the index of that transaction.
    """

    def __init__(self) -> None:
        self._rows: dict[int, dict[str, Any]] = {}

    def add(self, notice: Notice, version: NoticeVersion) -> None:
        # A notice's row is its latest version's: a later version replaces an earlier one of
        # the same transaction, as upserting each in turn would.
        self._rows.pop(notice.id, None)
        self._rows[notice.id] = _index_row(notice, version)

    def write(self, session: Session) -> None:
        if not self._rows:
            return
        connection = core(session)
        connection.execute(_upsert_one(connection.dialect.name), list(self._rows.values()))
        self._rows.clear()


def _index_row(notice: Notice, version: NoticeVersion) -> dict[str, Any]:
    title = normalise(version.title)
    body = normalise(version.text)
    return {
        "notice_id": notice.id,
        "version_id": version.id,
        "source_id": notice.source_id,
        "published_at": version.published_at,
        "language": notice.language,
        "title": title,
        "body": body,
        "grams": short_grams(title + "\n" + body),
    }


def _upsert(dialect: Dialect, rows: list[dict[str, Any]]) -> Any:
    return _on_conflict_update(_insert(dialect.name)(notice_search).values(rows))


@lru_cache(maxsize=2)
def _upsert_one(dialect_name: str) -> Any:
    """The upsert of one row given as parameters, built once per dialect: it runs for every
    notice a crawl records, and one built with its values is compiled again each time."""
    return _on_conflict_update(_insert(dialect_name)(notice_search))


def _insert(dialect_name: str) -> Any:
    return postgresql.insert if dialect_name == "postgresql" else sqlite.insert


def _on_conflict_update(statement: Any) -> Any:
    updated = {
        name: statement.excluded[name]
        for name in ("version_id", "source_id", "published_at", "language", "title", "body", "grams")
    }
    return statement.on_conflict_do_update(index_elements=["notice_id"], set_=updated)


def rebuild_search_index(connection: Connection, *, batch: int = 500) -> int:
    """Index every notice's latest version again, replacing what is there; returns the count.

    Used by the migration that creates the index and to repair it; safe to run any time.
    """
    return _reindex(connection, None, batch)


def reindex_notices(connection: Connection, notice_ids: list[int]) -> None:
    """Index the latest version of each of ``notice_ids`` again, replacing its row."""
    _reindex(connection, notice_ids, 500)


def _reindex(connection: Connection, notice_ids: list[int] | None, batch: int) -> int:
    # Reads only the columns the index needs, so a migration can run it whatever columns
    # later migrations add to the tables.
    notices = cast(Table, Notice.__table__).c
    version_table = cast(Table, NoticeVersion.__table__)
    versions = version_table.c
    latest = select(versions.notice_id, func.max(versions.number).label("number"))
    if notice_ids is not None:
        latest = latest.where(versions.notice_id.in_(notice_ids))
    newest = latest.group_by(versions.notice_id).subquery()
    query = (
        select(notices.id, notices.source_id, notices.language, versions.id.label("version_id"),
               versions.title, versions.text, versions.published_at)
        .join(newest, newest.c.notice_id == notices.id)
        .join(version_table, and_(versions.notice_id == notices.id,
                                  versions.number == newest.c.number))
        .order_by(notices.id)
    )
    count = 0
    rows: list[dict[str, Any]] = []
    for row in connection.execute(query).all():
        title, body = normalise(row.title), normalise(row.text)
        rows.append({"notice_id": row.id, "version_id": row.version_id,
                     "source_id": row.source_id, "published_at": row.published_at,
                     "language": row.language, "title": title, "body": body,
                     "grams": short_grams(title + "\n" + body)})
        if len(rows) >= batch:
            connection.execute(_upsert(connection.dialect, rows))
            count += len(rows)
            rows = []
    if rows:
        connection.execute(_upsert(connection.dialect, rows))
        count += len(rows)
    return count
