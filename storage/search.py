"""Searching notices: running a parsed query over the search index, ranking, paging and
snippets. The index and its normal form are :mod:`storage.search_index`'s, the query language
:mod:`storage.search_language`'s."""

from __future__ import annotations

import itertools
import time as time_module
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Integer,
    Text,
    and_,
    case,
    column,
    exists,
    false,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    text,
    true,
    type_coerce,
)
from sqlalchemy import table as sql_table
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from storage.aware_datetime import day_start
from storage.listings import listed_by
from storage.models import Figure, Notice, NoticeVersion, PlatformMention
from storage.search_index import (
    CJK_RUN,
    SEARCH_TABLE,
    SQLITE_GRAMS_TABLE,
    SQLITE_TRIGRAM_TABLE,
    gram_indexable,
    normalise_with_offsets,
    notice_search,
)
from storage.search_language import ParsedQuery, QueryError, Term, parse_query

# Counting every match of a common term over a million notices costs more than the page it
# goes with; past this the count is reported as "at least".
COUNT_CAP = 200
SNIPPET_CHARS = 160
# Relevance ranks this many of the newest matches (see `search_notices`): reading each one's
# text to score it is the cost of a ranked page.
RANK_WINDOW = 200

Order = Literal["relevance", "newest", "oldest"]
ORDERS: tuple[Order, ...] = ("relevance", "newest", "oldest")



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
    ordering = _oldest_first(dialect) if order == "oldest" else _newest_first(dialect)
    # The first `needed` matches in the order asked for: the page, the window ranked and the
    # count all come from them.
    matches = _first_matches(session, parsed, filters, ordering, needed)
    if ranked:
        window = matches[:RANK_WINDOW]
        scores = _scores(session, parsed, window)
        position = {notice_id: index for index, notice_id in enumerate(window)}
        window.sort(key=lambda notice_id: (-scores[notice_id][1], position[notice_id]))
        page = (window + matches[RANK_WINDOW:])[offset : offset + limit]
    else:
        page = matches[offset : offset + limit]
    scores = _scores(session, parsed, page)
    found = [(notice_id, *scores[notice_id]) for notice_id in page]
    hits = _hits(session, parsed, found)
    return SearchPage(
        query=query,
        hits=hits,
        total=min(len(matches), COUNT_CAP),
        total_capped=len(matches) > COUNT_CAP,
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
    return _first_matches(session, parsed, filters or SearchFilters(), _newest_first(dialect),
                          cap)


def _scores(
    session: Session, parsed: ParsedQuery, notice_ids: list[int]
) -> dict[int, tuple[int, float]]:
    """Notice id → (latest version id, relevance score) for ``notice_ids``."""
    if not notice_ids:
        return {}
    columns = notice_search.c
    dialect = session.get_bind().dialect.name
    score = _rank(parsed, dialect, columns.title, columns.body)
    rows = session.execute(
        select(columns.notice_id, columns.version_id, score.label("score"))
        .where(columns.notice_id.in_(notice_ids))
    )
    return {row.notice_id: (row.version_id, float(row.score or 0.0)) for row in rows}


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


# --- finding the first matches in order --------------------------------------------------------
#
# PostgreSQL's planner chooses between walking the order's index testing each notice (common
# terms: it stops after `needed` matches) and collecting the matches from the GIN indexes
# first (rare terms) from its statistics. SQLite cannot see inside FTS5, and an FTS5 lookup
# of one rowid costs as much as reading hundreds of matches, so there the walk is done in
# prefixes: the first N notices in the order (by the cheap filters alone), the FTS5 matches
# among them read as one rowid range, N multiplied until `needed` matches are found or the
# prefix holds every notice. Notices are numbered as they are first crawled, so the newest
# N have close ids and the range is short; were they not, each step would read the terms'
# whole match lists, which is what collecting does anyway.

# The first prefix holds this many times the matches needed; each next one at most
# `PREFIX_GROWTH` times as many notices, fewer when the matches found so far suggest fewer.
FIRST_PREFIX = 4
PREFIX_GROWTH = 64

_SEARCH_SETTINGS = text(
    "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
    "set_config('max_parallel_workers_per_gather', '0', true)"
)


def _first_matches(
    session: Session, parsed: ParsedQuery, filters: SearchFilters, ordering: list[Any],
    needed: int,
) -> list[int]:
    """Ids of the first ``needed`` notices matching, in ``ordering``; all of them if fewer."""
    columns = notice_search.c
    dialect = session.get_bind().dialect.name
    cheap = _cheap_conditions(filters)
    probes = _probe_conditions(filters)
    if dialect == "postgresql":
        # psycopg prepares a statement run five times, and PostgreSQL may then plan it once
        # for any search words: blind to how common they are, that plan collected every match
        # of a common term (seconds at a million notices) where walking stops after `needed`.
        # A walk that stops after `needed` matches is over before parallel workers have
        # started: with them, the platform filter waited 48 ms for its first row.
        session.execute(_SEARCH_SETTINGS)
    if dialect != "sqlite" or parsed.empty or _fewer_text_matches(session, parsed, needed):
        common = _common_grams(session) if dialect == "postgresql" else frozenset()
        where = and_(true(), *cheap, *probes,
                     *_query_conditions(parsed, dialect, None, common))
        statement = select(columns.notice_id).where(where).order_by(*ordering).limit(needed)
        return list(session.scalars(statement))
    size = needed * FIRST_PREFIX
    while True:
        prefix = (select(columns.notice_id).where(and_(true(), *cheap))
                  .order_by(*ordering).limit(size))
        listed = prefix.subquery()
        low, high, count = session.execute(
            select(func.min(listed.c.notice_id), func.max(listed.c.notice_id), func.count())
        ).one()
        if not count:
            return []
        # "+ 0" keeps SQLite from driving the statement from the prefix (a row lookup per
        # notice in it): it starts from the FTS5 matches, the fewer.
        where = and_(true(), (columns.notice_id + 0).in_(prefix), *probes,
                     *_query_conditions(parsed, dialect, (low, high)))
        statement = select(columns.notice_id).where(where).order_by(*ordering).limit(needed)
        matches = list(session.scalars(statement))
        if len(matches) >= needed or count < size:
            return matches
        # Grow toward the size the matches so far suggest, within bounds.
        wanted = size * needed * 3 // (max(len(matches), 1) * 2)
        size = min(max(wanted, size * 2), size * PREFIX_GROWTH)


def _fewer_text_matches(session: Session, parsed: ParsedQuery, needed: int) -> bool:
    """Whether the query's words certainly match fewer than ``needed`` notices (SQLite): some
    group's terms together have fewer FTS5 matches, each counted only up to ``needed``. Then
    collecting the matches reads less than walking would."""
    for group in parsed.groups:
        total = 0
        for term in group:
            if term.short and gram_indexable(term.normal):
                table = SQLITE_GRAMS_TABLE
            elif not term.short:
                table = SQLITE_TRIGRAM_TABLE
            else:
                total = needed  # a scanned term: no index to count with
                break
            matches = (
                select(literal_column("rowid"))
                .select_from(sql_table(table))
                .where(text(f"{table} MATCH :phrase").bindparams(phrase=_fts_phrase(term.normal)))
                .limit(needed)
                .subquery()
            )
            total += session.scalar(select(func.count()).select_from(matches)) or 0
            if total >= needed:
                break
        if total < needed:
            return True
    return False


def _cheap_conditions(filters: SearchFilters) -> list[ColumnElement[bool]]:
    columns = notice_search.c
    conditions: list[ColumnElement[bool]] = []
    if filters.source_ids:
        # A notice of any source listing it, whichever found it first.
        conditions.append(columns.notice_id.in_(listed_by(filters.source_ids)))
    if filters.published_from is not None:
        conditions.append(columns.published_at >= day_start(filters.published_from))
    if filters.published_to is not None and filters.published_to < date.max:
        conditions.append(
            columns.published_at < day_start(filters.published_to + timedelta(days=1))
        )
    if filters.language:
        conditions.append(columns.language == filters.language)
    return conditions


def _probe_conditions(filters: SearchFilters) -> list[ColumnElement[bool]]:
    """The latest version's mentions and figures, looked up per notice."""
    columns = notice_search.c
    conditions: list[ColumnElement[bool]] = []
    if filters.platform_id:
        conditions.append(exists().where(
            PlatformMention.version_id == columns.version_id,
            PlatformMention.platform_key == filters.platform_id))
    if filters.metric:
        conditions.append(exists().where(
            Figure.version_id == columns.version_id, Figure.metric == filters.metric))
    if filters.has_figures is not None:
        any_figure = exists().where(Figure.version_id == columns.version_id)
        conditions.append(any_figure if filters.has_figures else not_(any_figure))
    return conditions


def _query_conditions(
    parsed: ParsedQuery, dialect: str, rowids: tuple[int, int] | None,
    common: frozenset[str] = frozenset(),
) -> list[ColumnElement[bool]]:
    """The query's terms as conditions; on SQLite the FTS5 lookups read only ``rowids``; on
    PostgreSQL the CJK terms in ``common`` are tested on the text (see `_common_grams`)."""
    if parsed.empty:
        return []
    conditions: list[ColumnElement[bool]] = []
    for group in parsed.groups:
        conditions.append(
            or_(false(), *(_term_condition(term, dialect, rowids, common) for term in group))
        )
    for term in parsed.excluded:
        conditions.append(not_(_term_condition(term, dialect, rowids, common)))
    return conditions


def _term_condition(
    term: Term, dialect: str, rowids: tuple[int, int] | None,
    common: frozenset[str] = frozenset(),
) -> ColumnElement[bool]:
    columns = notice_search.c
    if term.short and gram_indexable(term.normal):
        if dialect == "postgresql":
            if term.normal in common and CJK_RUN.fullmatch(term.normal):
                return _text_contains(term.normal)
            return type_coerce(columns.grams, postgresql.ARRAY(Text)).contains([term.normal])
        return _fts_match(SQLITE_GRAMS_TABLE, _fts_phrase(term.normal), "grams", rowids)
    if not term.short and dialect == "sqlite":
        return _fts_match(SQLITE_TRIGRAM_TABLE, _fts_phrase(term.normal), "trigram", rowids)
    # pg_trgm's GIN index serves LIKE with three or more characters; a short mixed-script
    # term (5万) is the one case that scans.
    return _text_contains(term.normal)


def _text_contains(normal: str) -> ColumnElement[bool]:
    pattern = _like_pattern(normal)
    columns = notice_search.c
    return or_(columns.title.like(pattern, escape="\\"), columns.body.like(pattern, escape="\\"))


# PostgreSQL walks the newest notices testing each when a term is common, and testing a
# `grams` array (a hundred-odd elements compared one by one) cost ten times a LIKE on the
# text: 16 of a phrase search's 20 ms at a million notices. A CJK character or pair is in
# the grams exactly when the title or text holds it, so a CJK term that ANALYZE lists among
# the grams' most common elements (a few per cent of notices and more; the GIN index is for
# the rarer ones) is tested with LIKE. The list is read again after `COMMON_GRAMS_SECONDS`;
# a stale one only changes the plan, never the answer.
COMMON_GRAMS_SECONDS = 300.0
_common_grams_read: dict[str, tuple[float, frozenset[str]]] = {}
_COMMON_GRAMS = text(
    "SELECT most_common_elems::text::text[] FROM pg_stats WHERE schemaname = current_schema() "
    "AND tablename = :table AND attname = 'grams'"
).bindparams(table=SEARCH_TABLE)


def _common_grams(session: Session) -> frozenset[str]:
    """The grams PostgreSQL's statistics hold most common (none before the first ANALYZE)."""
    database = session.get_bind().engine.url.render_as_string(hide_password=True)
    now = time_module.monotonic()
    read = _common_grams_read.get(database)
    if read is None or now - read[0] > COMMON_GRAMS_SECONDS:
        elements = session.scalar(_COMMON_GRAMS)
        read = (now, frozenset(elements or ()))
        _common_grams_read[database] = read
    return read[1]


_bind_names = itertools.count()


def _fts_match(
    table: str, phrase: str, tag: str, rowids: tuple[int, int] | None
) -> ColumnElement[bool]:
    # Each MATCH needs its own bind name: one statement may hold several.
    name = f"fts_{tag}_{next(_bind_names)}"
    index = sql_table(table, column("rowid", Integer))
    matches = select(index.c.rowid).where(
        text(f"{table} MATCH :{name}").bindparams(**{name: phrase}))
    if rowids is not None:
        matches = matches.where(index.c.rowid.between(*rowids))
    return notice_search.c.notice_id.in_(matches)


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
