"""Full-text search over notices: the search index, its upkeep, the query language and ranking.

Each notice has one row in ``notice_search`` holding its latest version's title and text in a
normal form (Simplified characters, NFKC, case-folded), so 約談, 约谈 and ＹＯＵ find the same
notices. Terms of three or more characters use a trigram index: FTS5's ``trigram`` tokenizer
on SQLite, a ``pg_trgm`` GIN index on PostgreSQL. Shorter terms (约谈 is two characters, which
no trigram index can look up) use ``grams``: the distinct CJK characters and character pairs
of the notice, and its Latin words of one or two letters, in an FTS5 table or a GIN-indexed
array. Only a short term mixing scripts (5万) falls back to a scan.

The index is upkept in the transaction that records a version (`index_notice`), and filled
for an existing archive by its migration (`rebuild_search_index`).
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    case,
    column,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    text,
    true,
    type_coerce,
)
from sqlalchemy import table as sql_table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from diffing.chinese import to_simplified
from storage.aware_datetime import AwareDateTime
from storage.models import Figure, Notice, NoticeVersion, PlatformMention

# The most characters a query may have, and the most terms: longer ones are refused with a
# message instead of being planned into a statement nobody can wait for.
MAX_QUERY_CHARS = 500
MAX_TERMS = 12
TRIGRAM = 3
# Counting every match of a common term over a million notices costs more than the page it
# goes with; past this the count is reported as "at least".
COUNT_CAP = 1_000
SNIPPET_CHARS = 160
# Relevance ranks this many of the newest matches (see `search_notices`): reading each one's
# text to score it is the cost of a ranked page.
RANK_WINDOW = 500

SEARCH_TABLE = "notice_search"
SQLITE_TRIGRAM_TABLE = "notice_search_fts"
SQLITE_GRAMS_TABLE = "notice_search_grams"
# fts5vocab tables over the two: how many notices hold each trigram or gram.
SQLITE_TRIGRAM_VOCAB = "notice_search_fts_vocab"
SQLITE_GRAMS_VOCAB = "notice_search_grams_vocab"
_FTS5_SHADOWS = ("data", "idx", "content", "docsize", "config")

Order = Literal["relevance", "newest", "oldest"]
ORDERS: tuple[Order, ...] = ("relevance", "newest", "oldest")


class QueryError(ValueError):
    """A search query that cannot be run, with a message saying what to change."""


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
    names = {SEARCH_TABLE, SQLITE_TRIGRAM_VOCAB, SQLITE_GRAMS_VOCAB}
    for table in (SQLITE_TRIGRAM_TABLE, SQLITE_GRAMS_TABLE):
        names.add(table)
        names.update(f"{table}_{shadow}" for shadow in _FTS5_SHADOWS)
    return frozenset(names)


# --- normal form ---------------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")
_WORD = re.compile(r"[^\W\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f_]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@lru_cache(maxsize=65_536)
def _fold(character: str) -> str:
    return unicodedata.normalize("NFKC", character).casefold()


def normalise(text: str) -> str:
    """The searchable form of ``text``: Simplified characters, NFKC, case-folded."""
    return normalise_with_offsets(text)[0]


def normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """The searchable form of ``text`` and, for each of its characters, where it came from in
    ``text`` (character folding may lengthen a character: ß becomes ss)."""
    simplified, offsets = to_simplified(text)
    pieces: list[str] = []
    origins: list[int] = []
    for index, character in enumerate(simplified):
        folded = _fold(character)
        origin = offsets.to_original(index, index + 1)[0]
        pieces.append(folded)
        origins.extend([origin] * len(folded))
    return "".join(pieces), origins


def short_grams(normal: str) -> list[str]:
    """What a short term can be looked up by: CJK characters and pairs, one- and two-letter
    words. Sorted and distinct, so equal texts give equal rows."""
    grams: set[str] = set()
    for run in _CJK_RUN.findall(normal):
        grams.update(run)
        grams.update(run[index : index + 2] for index in range(len(run) - 1))
    grams.update(word for word in _WORD.findall(normal) if len(word) < TRIGRAM)
    return sorted(grams)


def _gram_indexable(term: str) -> bool:
    if _CJK_RUN.fullmatch(term):
        return True
    return bool(_WORD.fullmatch(term))


# --- upkeep ----------------------------------------------------------------------------------


def index_notice(session: Session, notice: Notice, version: NoticeVersion) -> None:
    """Make ``version`` the searchable content of ``notice``; idempotent, does not commit.

    Called in the transaction that records the version, so the index never lags the archive.
    """
    session.execute(_upsert(session.get_bind().dialect, [_index_row(notice, version)]))


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
    insert = postgresql.insert if dialect.name == "postgresql" else sqlite.insert
    statement = insert(notice_search).values(rows)
    updated = {
        name: statement.excluded[name]
        for name in ("version_id", "source_id", "published_at", "language", "title", "body", "grams")
    }
    return statement.on_conflict_do_update(index_elements=["notice_id"], set_=updated)


def rebuild_search_index(connection: Connection, *, batch: int = 500) -> int:
    """Index every notice's latest version again, replacing what is there; returns the count.

    Used by the migration that creates the index and to repair it; safe to run any time.
    """
    latest = (
        select(NoticeVersion.notice_id, func.max(NoticeVersion.number).label("number"))
        .group_by(NoticeVersion.notice_id)
        .subquery()
    )
    query = (
        select(Notice, NoticeVersion)
        .join(latest, latest.c.notice_id == Notice.id)
        .join(
            NoticeVersion,
            and_(NoticeVersion.notice_id == Notice.id, NoticeVersion.number == latest.c.number),
        )
        .order_by(Notice.id)
    )
    count = 0
    with Session(bind=connection) as session:
        rows: list[dict[str, Any]] = []
        for notice, version in session.execute(query):
            rows.append(_index_row(notice, version))
            if len(rows) >= batch:
                session.execute(_upsert(connection.dialect, rows))
                count += len(rows)
                rows = []
        if rows:
            session.execute(_upsert(connection.dialect, rows))
            count += len(rows)
        session.flush()
    return count


# --- the query language ----------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One thing to look for: a word or a quoted phrase, as typed and in normal form."""

    typed: str
    normal: str

    @property
    def short(self) -> bool:
        return len(self.normal) < TRIGRAM


@dataclass(frozen=True)
class ParsedQuery:
    """Every group must match (AND); a group matches when any of its terms does (OR); no
    excluded term may match."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.groups

    @property
    def terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]


_QUOTES = {'"': '"', "“": "”", "「": "」", "＂": "＂"}
_OPERATORS = {"OR", "|", "AND", "&", "NOT", "-"}


def parse_query(typed: str) -> ParsedQuery:
    """Parse a search box query. Words and "quoted phrases" must all occur; ``OR`` (or ``|``)
    between two of them accepts either; ``-word`` or ``NOT word`` excludes. An empty query is
    allowed (filters alone). Raises `QueryError` with a message for anything else.
    """
    if len(typed) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query is {len(typed):,} characters long; at most {MAX_QUERY_CHARS} are searched"
        )
    tokens = _tokens(_CONTROL.sub(" ", typed))
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = False
    negate = False
    for kind, value in tokens:
        if kind == "op":
            if value in ("OR", "|"):
                if not groups or pending_or or negate:
                    raise QueryError("OR needs a word or phrase on each side")
                pending_or = True
            elif value in ("NOT", "-"):
                if negate or pending_or:
                    raise QueryError(f"{value} must be followed by a word or phrase to exclude")
                negate = True
            continue
        term = _term(value)
        if negate:
            excluded.append(term)
            negate = False
        elif pending_or:
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
    if pending_or:
        raise QueryError("OR needs a word or phrase on each side")
    if negate:
        raise QueryError("NOT (or -) must be followed by a word or phrase to exclude")
    if excluded and not groups:
        raise QueryError("a query cannot only exclude: add a word or phrase to look for")
    if sum(len(group) for group in groups) + len(excluded) > MAX_TERMS:
        raise QueryError(f"the query has more than {MAX_TERMS} words or phrases")
    return ParsedQuery(tuple(tuple(group) for group in groups), tuple(excluded))


def _tokens(typed: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(typed):
        character = typed[position]
        if character.isspace():
            position += 1
            continue
        if character in _QUOTES:
            closing = typed.find(_QUOTES[character], position + 1)
            if closing < 0:
                raise QueryError(
                    f"the quote {character} at character {position + 1} is never closed"
                )
            phrase = " ".join(typed[position + 1 : closing].split())
            if not phrase:
                raise QueryError(f"empty quotes at character {position + 1}")
            tokens.append(("term", phrase))
            position = closing + 1
            continue
        end = position
        while end < len(typed) and not typed[end].isspace() and typed[end] not in _QUOTES:
            end += 1
        word = typed[position:end]
        position = end
        if word in _OPERATORS:
            tokens.append(("op", word))
        elif word.startswith("-") and len(word) > 1:
            tokens.append(("op", "-"))
            tokens.append(("term", word[1:]))
        else:
            tokens.append(("term", word))
    return tokens


def _term(typed: str) -> Term:
    normal = " ".join(normalise(typed).split())
    if not normal:
        raise QueryError(f"{typed!r} has nothing to search for")
    return Term(typed, normal)


# --- running a search ------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchFilters:
    """Restrictions on which notices a search returns; every field left empty is no limit.

    Dates are inclusive calendar days in UTC. ``platform_id`` and ``metric`` look at the latest
    version's extracted mentions and figures.
    """

    source_ids: tuple[str, ...] = ()
    published_from: date | None = None
    published_to: date | None = None
    platform_id: str | None = None
    metric: str | None = None
    language: str | None = None
    has_figures: bool | None = None


@dataclass(frozen=True)
class Snippet:
    """A stretch of text around the first match, with the matched spans as [start, end)."""

    text: str
    marks: tuple[tuple[int, int], ...] = ()

    def segments(self) -> list[tuple[str, bool]]:
        """The text cut at the marks: (piece, whether it matched), for rendering with escaping."""
        pieces: list[tuple[str, bool]] = []
        position = 0
        for start, end in self.marks:
            if start > position:
                pieces.append((self.text[position:start], False))
            pieces.append((self.text[start:end], True))
            position = end
        if position < len(self.text):
            pieces.append((self.text[position:], False))
        return pieces


@dataclass(frozen=True)
class SearchHit:
    notice_id: int
    version_id: int
    source_id: str
    url: str
    title: str
    title_marks: tuple[tuple[int, int], ...]
    published_at: datetime | None
    language: str
    score: float
    snippet: Snippet

    def title_segments(self) -> list[tuple[str, bool]]:
        return Snippet(self.title, self.title_marks).segments()


@dataclass(frozen=True)
class SearchPage:
    """One page of results. ``total`` stops counting at `COUNT_CAP` (``total_capped`` True)."""

    query: str
    hits: list[SearchHit]
    total: int
    total_capped: bool
    offset: int
    limit: int
    order: Order
    parsed: ParsedQuery = field(default_factory=ParsedQuery)


def search_notices(
    session: Session,
    query: str,
    filters: SearchFilters | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
    order: Order = "relevance",
) -> SearchPage:
    """Notices whose latest title or text matches ``query`` and ``filters``.

    ``relevance`` ranks the newest `RANK_WINDOW` matches by score (title matches first, then
    how often the terms occur; newest first on ties) and lists the older matches after them,
    newest first, so pages never repeat or skip a notice; for an empty query it is ``newest``.
    ``total`` counts to `COUNT_CAP`. Raises `QueryError` for a malformed query or an impossible
    filter; never returns more than ``limit`` hits.
    """
    if order not in ORDERS:
        raise QueryError(f"order must be one of {', '.join(ORDERS)}")
    if limit < 1 or offset < 0:
        raise QueryError("limit must be at least 1 and offset at least 0")
    filters = filters or SearchFilters()
    if (
        filters.published_from
        and filters.published_to
        and filters.published_from > filters.published_to
    ):
        raise QueryError("the date range ends before it starts")
    parsed = parse_query(query)
    dialect = session.get_bind().dialect.name
    ranked = order == "relevance" and not parsed.empty
    needed = max(offset + limit, COUNT_CAP + 1, RANK_WINDOW if ranked else 0)
    where = _where(session, parsed, filters, needed)
    columns = notice_search.c
    if order == "oldest":
        ordering = _oldest_first(dialect)
    else:
        ordering = _newest_first(dialect)

    found: list[tuple[int, int, float]] = []
    if ranked and offset < RANK_WINDOW:
        window = (
            select(columns.notice_id, columns.version_id, columns.published_at, columns.title,
                   columns.body)
            .where(where)
            .order_by(*ordering)
            .limit(RANK_WINDOW)
            .subquery()
        )
        score = _rank(parsed, dialect, window.c.title, window.c.body)
        tie = [window.c.published_at.desc(), window.c.notice_id.desc()]
        if dialect == "postgresql":
            tie = [tie[0].nulls_last(), tie[1]]
        statement = (
            select(window.c.notice_id, window.c.version_id, score.label("score"))
            .order_by(score.desc(), *tie)
            .limit(min(limit, RANK_WINDOW - offset))
            .offset(offset)
        )
        found.extend((row.notice_id, row.version_id, row.score)
                     for row in session.execute(statement))
    rest_offset = max(offset, RANK_WINDOW) if ranked else offset
    rest_limit = offset + limit - rest_offset
    if rest_limit > 0:
        score = _rank(parsed, dialect, columns.title, columns.body)
        statement = (
            select(columns.notice_id, columns.version_id, score.label("score"))
            .where(where)
            .order_by(*ordering)
            .limit(rest_limit)
            .offset(rest_offset)
        )
        found.extend((row.notice_id, row.version_id, row.score)
                     for row in session.execute(statement))
    counted = session.scalar(
        select(func.count()).select_from(
            select(columns.notice_id).where(where).limit(COUNT_CAP + 1).subquery()
        )
    ) or 0
    hits = _hits(session, parsed, found)
    return SearchPage(
        query=query,
        hits=hits,
        total=min(counted, COUNT_CAP),
        total_capped=counted > COUNT_CAP,
        offset=offset,
        limit=limit,
        order=order,
        parsed=parsed,
    )


def matching_notice_ids(
    session: Session, query: str, filters: SearchFilters | None = None, *, cap: int = 100_000
) -> list[int]:
    """Ids of the notices matching ``query`` and ``filters``, newest first, at most ``cap``
    (for exports); raises `QueryError` as `search_notices` does."""
    parsed = parse_query(query)
    dialect = session.get_bind().dialect.name
    statement = (
        select(notice_search.c.notice_id)
        .where(_where(session, parsed, filters or SearchFilters(), cap))
        .order_by(*_newest_first(dialect))
        .limit(cap)
    )
    return list(session.scalars(statement))


def _newest_first(dialect: str) -> list[Any]:
    columns = notice_search.c
    if dialect == "postgresql":
        return [columns.published_at.desc().nulls_last(), columns.notice_id.desc()]
    return [columns.published_at.desc(), columns.notice_id.desc()]


def _oldest_first(dialect: str) -> list[Any]:
    columns = notice_search.c
    if dialect == "postgresql":
        return [columns.published_at.asc().nulls_first(), columns.notice_id.asc()]
    return [columns.published_at.asc(), columns.notice_id.asc()]


# --- choosing how a condition is evaluated ----------------------------------------------------
#
# A condition can be evaluated two ways with the same answer. *Probed*: the notices are walked
# in the order asked for (the published_at index) and each is tested (a lookup of that one
# notice in the FTS5 table, its mentions, its figures), stopping after the rows needed; cheap
# when matches are common. *Collected*: every matching notice is read from the index first,
# then sorted; cheap when they are few. PostgreSQL's planner weighs this itself from its
# statistics; SQLite cannot see inside FTS5, so the choice is made here from the index's own
# counts (fts5vocab) and a bounded count of mentions or figures.

# Walking the index costs about this many times more per notice than collecting a match.
PROBE_COST = 4


def _where(
    session: Session, parsed: ParsedQuery, filters: SearchFilters, needed: int
) -> ColumnElement[bool]:
    dialect = session.get_bind().dialect.name
    probe = True
    if dialect == "sqlite":
        probe = _probing_pays(session, parsed, filters, needed)
    conditions = [
        *_filter_conditions(filters, probe=probe),
        *_query_conditions(parsed, dialect, probe=probe),
    ]
    return and_(true(), *conditions)


def _probing_pays(
    session: Session, parsed: ParsedQuery, filters: SearchFilters, needed: int
) -> bool:
    """Whether walking newest first and testing each notice reads fewer rows than collecting
    every match (SQLite). Walking reads about ``needed`` × notices / matches rows, collecting
    about matches rows: the walk pays when matches reach √(needed × notices × `PROBE_COST`).
    The estimate of matches is the smallest of the text's (from the FTS5 counts) and the
    platform's or metric's (counted only up to that threshold)."""
    notices = session.scalar(select(func.max(notice_search.c.notice_id))) or 0
    threshold = math.isqrt(needed * notices * PROBE_COST)
    estimate = notices
    if not parsed.empty:
        estimate = min(estimate, _query_estimate(session, parsed, notices))
    if filters.platform_id and estimate >= threshold:
        estimate = min(estimate, _bounded_count(session, select(PlatformMention.id).where(
            PlatformMention.platform_id == filters.platform_id), threshold))
    if filters.metric and estimate >= threshold:
        estimate = min(estimate, _bounded_count(session, select(Figure.id).where(
            Figure.metric == filters.metric), threshold))
    return estimate >= threshold


def _bounded_count(session: Session, rows: Any, bound: int) -> int:
    return session.scalar(
        select(func.count()).select_from(rows.limit(bound).subquery())
    ) or 0


def _query_estimate(session: Session, parsed: ParsedQuery, notices: int) -> int:
    """At least as many notices as match ``parsed`` (SQLite), from the FTS5 indexes' counts."""
    estimate = notices
    for group in parsed.groups:
        estimate = min(estimate, sum(_term_estimate(session, term, notices) for term in group))
    return estimate


def _term_estimate(session: Session, term: Term, notices: int) -> int:
    if term.short and _gram_indexable(term.normal):
        counts = _vocab_counts(session, SQLITE_GRAMS_VOCAB, [term.normal])
        return counts[0] if counts else 0
    if not term.short:
        trigrams = {term.normal[i : i + TRIGRAM] for i in range(len(term.normal) - TRIGRAM + 1)}
        counts = _vocab_counts(session, SQLITE_TRIGRAM_VOCAB, sorted(trigrams))
        return min(counts) if len(counts) == len(trigrams) else 0
    return notices


def _vocab_counts(session: Session, vocab: str, terms: list[str]) -> list[int]:
    """How many notices hold each of ``terms`` that some notice holds (absent ones left out)."""
    names = {f"term_{index}": term for index, term in enumerate(terms)}
    placeholders = ", ".join(f":{name}" for name in names)
    rows = session.execute(
        text(f"SELECT doc FROM {vocab} WHERE term IN ({placeholders})"), names
    ).scalars()
    return [int(count) for count in rows]


def _filter_conditions(filters: SearchFilters, *, probe: bool) -> list[ColumnElement[bool]]:
    columns = notice_search.c
    conditions: list[ColumnElement[bool]] = []
    if filters.source_ids:
        conditions.append(columns.source_id.in_(filters.source_ids))
    if filters.published_from is not None:
        conditions.append(columns.published_at >= _day_start(filters.published_from))
    if filters.published_to is not None and filters.published_to < date.max:
        conditions.append(
            columns.published_at < _day_start(filters.published_to + timedelta(days=1))
        )
    if filters.language:
        conditions.append(columns.language == filters.language)
    if filters.platform_id:
        conditions.append(_version_has(
            select(PlatformMention.version_id).where(
                PlatformMention.platform_id == filters.platform_id),
            PlatformMention.version_id, probe=probe))
    if filters.metric:
        conditions.append(_version_has(
            select(Figure.version_id).where(Figure.metric == filters.metric),
            Figure.version_id, probe=probe))
    if filters.has_figures is not None:
        any_figure = exists().where(Figure.version_id == columns.version_id)
        conditions.append(any_figure if filters.has_figures else not_(any_figure))
    return conditions


def _version_has(rows: Any, version_id: Any, *, probe: bool) -> ColumnElement[bool]:
    """The notice's latest version is among ``rows``: a lookup per notice (``probe``) or a
    membership test in the set of them."""
    if probe:
        return rows.where(version_id == notice_search.c.version_id).exists()
    return notice_search.c.version_id.in_(rows)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _query_conditions(
    parsed: ParsedQuery, dialect: str, *, probe: bool
) -> list[ColumnElement[bool]]:
    if parsed.empty:
        return []
    conditions: list[ColumnElement[bool]] = []
    for group in parsed.groups:
        conditions.append(
            or_(false(), *(_term_condition(term, dialect, probe=probe) for term in group))
        )
    for term in parsed.excluded:
        conditions.append(not_(_term_condition(term, dialect, probe=probe)))
    return conditions


def _term_condition(term: Term, dialect: str, *, probe: bool) -> ColumnElement[bool]:
    columns = notice_search.c
    if term.short and _gram_indexable(term.normal):
        if dialect == "postgresql":
            return type_coerce(columns.grams, postgresql.ARRAY(Text)).contains([term.normal])
        return _fts_match(SQLITE_GRAMS_TABLE, _fts_phrase(term.normal), "grams", probe=probe)
    if not term.short and dialect == "sqlite":
        return _fts_match(SQLITE_TRIGRAM_TABLE, _fts_phrase(term.normal), "trigram", probe=probe)
    # pg_trgm's GIN index serves LIKE with three or more characters; a short mixed-script
    # term (5万) is the one case that scans.
    pattern = _like_pattern(term.normal)
    return or_(columns.title.like(pattern, escape="\\"), columns.body.like(pattern, escape="\\"))


_bind_names = itertools.count()


def _fts_match(table: str, phrase: str, tag: str, *, probe: bool) -> ColumnElement[bool]:
    # Each MATCH needs its own bind name: one statement may hold several.
    name = f"fts_{tag}_{next(_bind_names)}"
    index = sql_table(table, column("rowid", Integer))
    match = text(f"{table} MATCH :{name}").bindparams(**{name: phrase})
    if probe:
        # FTS5 seeks the one rowid in the term's doclist instead of reading it all.
        return exists().where(match, index.c.rowid == notice_search.c.notice_id)
    return notice_search.c.notice_id.in_(select(index.c.rowid).where(match))


def _fts_phrase(normal: str) -> str:
    # An FTS5 string: everything between double quotes is literal, a quote is doubled.
    return '"' + normal.replace('"', '""') + '"'


def _like_pattern(normal: str) -> str:
    escaped = normal.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _rank(
    parsed: ParsedQuery, dialect: str, title: ColumnElement[str], body: ColumnElement[str]
) -> ColumnElement[Any]:
    """Title matches weigh ten, each occurrence in the text one (capped at 50 per term)."""
    if parsed.empty:
        return literal(0.0)
    score: ColumnElement[Any] = literal(0.0)
    for term in parsed.terms:
        needle = literal(term.normal)
        position = func.strpos if dialect == "postgresql" else func.instr
        smaller = func.least if dialect == "postgresql" else func.min
        occurrences = (
            func.length(body) - func.length(func.replace(body, needle, ""))
        ) / len(term.normal)
        score = (
            score
            + case((position(title, needle) > 0, 10.0), else_=0.0)
            + smaller(occurrences, 50)
        )
    return score


def _hits(
    session: Session, parsed: ParsedQuery, found: Sequence[tuple[int, int, float]]
) -> list[SearchHit]:
    if not found:
        return []
    version_ids = [version_id for _, version_id, _ in found]
    rows = {
        version.id: (version, notice)
        for version, notice in session.execute(
            select(NoticeVersion, Notice)
            .join(Notice, Notice.id == NoticeVersion.notice_id)
            .where(NoticeVersion.id.in_(version_ids))
        )
    }
    needles = [term.normal for term in parsed.terms]
    hits = []
    for notice_id, version_id, score in found:
        pair = rows.get(version_id)
        if pair is None:
            continue
        version, notice = pair
        hits.append(
            SearchHit(
                notice_id=notice_id,
                version_id=version_id,
                source_id=notice.source_id,
                url=notice.url,
                title=version.title,
                title_marks=tuple(find_marks(version.title, needles)),
                published_at=version.published_at,
                language=notice.language,
                score=float(score or 0.0),
                snippet=make_snippet(version.text, needles),
            )
        )
    return hits


def find_marks(original: str, needles: Iterable[str]) -> list[tuple[int, int]]:
    """Spans of ``original`` where any needle (in normal form) occurs, merged and sorted."""
    normal, origins = normalise_with_offsets(original)
    spans: list[tuple[int, int]] = []
    for needle in needles:
        if not needle:
            continue
        position = normal.find(needle)
        while position >= 0:
            end_normal = position + len(needle)
            start = origins[position]
            end = origins[end_normal] if end_normal < len(origins) else len(original)
            spans.append((start, max(end, start + 1)))
            position = normal.find(needle, end_normal)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def make_snippet(original: str, needles: Sequence[str], width: int = SNIPPET_CHARS) -> Snippet:
    """About ``width`` characters of ``original`` around its first match, with every match
    in it marked; the text's beginning when nothing matches (the match was in the title)."""
    marks = find_marks(original, needles)
    if not marks:
        cut = original[:width]
        return Snippet(" ".join(cut.split()) + ("…" if len(original) > width else ""))
    first_start = marks[0][0]
    start = max(0, first_start - width // 3)
    end = min(len(original), start + width)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(original) else ""
    window = original[start:end]
    inside = [
        (max(mark_start, start) - start + len(prefix), min(mark_end, end) - start + len(prefix))
        for mark_start, mark_end in marks
        if mark_start < end and mark_end > start
    ]
    # Newlines would break a one-line snippet; replacing one character by one keeps marks.
    flat = "".join(" " if character in "\r\n\t" else character for character in window)
    return Snippet(prefix + flat + suffix, tuple(inside))
