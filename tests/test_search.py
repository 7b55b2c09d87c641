"""Full-text search (storage.search) on SQLite and PostgreSQL: Chinese, Traditional, English."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from diffing.chinese import to_simplified
from storage import search
from storage.archive import record_notice
from storage.db import open_archive, session_factory
from storage.models import Figure, PlatformMention
from storage.search import SearchFilters, matching_notice_ids, search_notices
from storage.search_index import (
    gram_indexable,
    normalise,
    normalise_with_offsets,
    notice_search,
    rebuild_search_index,
    short_grams,
)
from storage.search_language import MAX_QUERY_CHARS, ParsedQuery, QueryError, Term, parse_query
from tests.query_fixtures import (
    CAC,
    FTC,
    NOTICES,
    build_query_archive,
    build_random_archive,
    fetched,
)


@pytest.fixture(name="session")
def session_fixture(archive_engine: Engine) -> Iterator[Session]:
    with session_factory(archive_engine)() as session:
        yield session


@pytest.fixture(name="ids")
def ids_fixture(session: Session) -> dict[str, int]:
    return build_query_archive(session)


def found(session: Session, query: str, **filters: object) -> set[int]:
    page = search_notices(session, query, SearchFilters(**filters), limit=100)  # type: ignore[arg-type]
    return {hit.notice_id for hit in page.hits}


def test_a_chinese_phrase_finds_the_notice_that_holds_it(
    session: Session, ids: dict[str, int]
) -> None:
    assert found(session, "夸克浏览器") == {ids["quark"]}


def test_two_characters_are_searchable_though_trigrams_need_three(
    session: Session, ids: dict[str, int]
) -> None:
    expected = {ids["summons_2023"], ids["quark"], ids["douyin_hant"]}
    assert found(session, "约谈") == expected
    assert found(session, "抖音") == {ids["douyin_hant"]}
    assert found(session, "罚") == {ids["quark"]}


def test_traditional_and_simplified_find_each_other(session: Session, ids: dict[str, int]) -> None:
    # 約談 (Traditional) finds the Simplified notices; 约谈平台 finds the Traditional one.
    assert found(session, "約談") == found(session, "约谈")
    assert found(session, "约谈抖音平台") == {ids["douyin_hant"]}
    assert found(session, "網信部門") == {ids["quark"], ids["douyin_hant"]}


def test_english_is_case_insensitive_and_phrases_keep_their_order(
    session: Session, ids: dict[str, int]
) -> None:
    assert found(session, "LOCATION data") == {ids["ftc_fine"]}
    assert found(session, '"data broker"') == {ids["ftc_fine"]}
    assert found(session, '"broker data"') == set()
    assert found(session, "Douyin") == set()


def test_or_and_exclusion(session: Session, ids: dict[str, int]) -> None:
    assert found(session, "夸克 OR broker") == {ids["quark"], ids["ftc_fine"]}
    assert found(session, "约谈 -夸克") == {ids["summons_2023"], ids["douyin_hant"]}
    assert found(session, "约谈 NOT 抖音 NOT 夸克") == {ids["summons_2023"]}


def test_filters(session: Session, ids: dict[str, int]) -> None:
    everything = set(ids.values())
    assert found(session, "", source_ids=(FTC,)) == {ids["ftc_fine"], ids["xss"]}
    assert found(session, "", language="en") == {ids["ftc_fine"], ids["xss"]}
    assert found(session, "约谈", published_from=date(2022, 1, 1)) == {
        ids["summons_2023"],
        ids["douyin_hant"],
    }
    assert found(session, "", published_from=date(2021, 6, 2), published_to=date(2021, 6, 2)) == {
        ids["quark"]
    }
    assert found(session, "", platform_id="quark") == {ids["quark"]}
    assert found(session, "", platform_id="douyin") == {ids["douyin_hant"]}
    assert found(session, "", metric="websites_summoned") == {ids["summons_2023"]}
    with_figures = found(session, "", has_figures=True)
    assert ids["summons_2023"] in with_figures and ids["douyin_hant"] not in with_figures
    assert found(session, "", has_figures=False) == everything - with_figures
    assert found(session, "", published_to=date.max) == everything


def test_title_matches_rank_first_and_snippets_mark_the_original_text(
    session: Session, ids: dict[str, int]
) -> None:
    page = search_notices(session, "約談")
    assert [hit.notice_id for hit in page.hits][-1] == ids["summons_2023"]
    assert page.hits[0].score > page.hits[-1].score
    for hit in page.hits:
        assert hit.snippet.marks, hit.title
        for start, end in hit.snippet.marks:
            assert normalise(hit.snippet.text[start:end]) == "约谈"
        assert [normalise(hit.title[s:e]) for s, e in hit.title_marks] in (["约谈"], [])
    traditional = next(hit for hit in page.hits if hit.notice_id == ids["douyin_hant"])
    assert "約談" in [traditional.snippet.text[s:e] for s, e in traditional.snippet.marks]


def test_the_index_follows_the_latest_version(session: Session, ids: dict[str, int]) -> None:
    # The fixture amends the 2023 summary: 259 became 261 apps.
    assert found(session, "261款") == {ids["summons_2023"]}
    assert found(session, "259款") == set()
    spec = NOTICES[0]
    later = fetched(spec, spec.text, spec.published + timedelta(days=30))
    record_notice(session, replace(later, title="更正：2023年执法工作情况"))
    session.commit()
    assert found(session, "259款") == {ids["summons_2023"]}
    assert found(session, "更正") == {ids["summons_2023"]}


def test_pages_and_counts(session: Session, ids: dict[str, int]) -> None:
    first = search_notices(session, "", limit=2, order="newest")
    second = search_notices(session, "", limit=2, offset=2, order="newest")
    assert first.total == second.total == len(ids)
    assert not first.total_capped
    assert len(first.hits) == 2
    assert not {hit.notice_id for hit in first.hits} & {hit.notice_id for hit in second.hits}
    dates = [hit.published_at for hit in first.hits + second.hits]
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]
    oldest = search_notices(session, "", limit=1, order="oldest")
    assert oldest.hits[0].notice_id == ids["quark"]
    assert matching_notice_ids(session, "约谈")[0] == ids["summons_2023"]


def test_rebuilding_the_index_gives_the_same_rows(session: Session, ids: dict[str, int]) -> None:
    before = session.execute(select(notice_search).order_by(notice_search.c.notice_id)).all()
    session.commit()
    engine = session.get_bind()
    with engine.connect() as connection, connection.begin():  # type: ignore[union-attr]
        assert rebuild_search_index(connection, batch=2) == len(ids)
    after = session.execute(select(notice_search).order_by(notice_search.c.notice_id)).all()
    assert before == after
    assert found(session, "约谈") == {ids["summons_2023"], ids["quark"], ids["douyin_hant"]}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"unbalanced', "never closed"),
        ("约谈 “夸克", "never closed"),
        ("OR", "OR needs"),
        ("约谈 OR", "OR needs"),
        ("OR OR 约谈", "OR needs"),
        ("-", "must be followed"),
        ("NOT", "must be followed"),
        ("-约谈", "cannot only exclude"),
        ('""', "empty quotes"),
        ("x" * 10_000, "10,000 characters"),
        (" ".join(["词"] * 13), "more than 12"),
    ],
)
def test_malformed_queries_get_a_message(session: Session, query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        search_notices(session, query)


def test_impossible_filters_get_a_message(session: Session) -> None:
    with pytest.raises(QueryError, match="ends before it starts"):
        search_notices(
            session, "", SearchFilters(published_from=date(2024, 1, 2), published_to=date(2024, 1, 1))
        )
    with pytest.raises(QueryError, match="limit"):
        search_notices(session, "", limit=0)


def test_query_normal_form_and_grams() -> None:
    assert normalise("網信部門 ＡＢＣ") == "网信部门 abc"
    assert parse_query("約談").groups[0][0].normal == "约谈"
    assert short_grams("约谈5g网站 eu") == sorted(
        {"约", "谈", "约谈", "网", "站", "网站", "5g", "eu"}
    )
    assert parse_query("").empty


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("約談網信发髮後后臺ＡＢｃßﬁİ①Ⅻ㎏「」 \n\t5Ab"), max_size=40)
       | st.text(max_size=40))
def test_normal_form_offsets_are_those_of_each_character(text: str) -> None:
    simplified, offsets = to_simplified(text)
    pieces: list[str] = []
    origins: list[int] = []
    for index, character in enumerate(simplified):
        folded = unicodedata.normalize("NFKC", character).casefold()
        pieces.append(folded)
        origins.extend([offsets.to_original(index, index + 1)[0]] * len(folded))
    assert normalise_with_offsets(text) == ("".join(pieces), origins)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(
    "約談網信发ＡＢｃßﬁİ①Ⅻ㎏ 5Ab\u0301\u0308e\u1100\u1161\u11a8가\u212b\u0958\u0344\u2126"),
    max_size=40) | st.text(max_size=40))
def test_the_normal_form_is_each_characters_fold(text: str) -> None:
    simplified = to_simplified(text)[0]
    assert normalise(text) == "".join(
        unicodedata.normalize("NFKC", character).casefold() for character in simplified)


def test_no_character_that_nfkc_changes_leaves_a_text_in_nfkc() -> None:
    # What normalise's shortcut for a text already in NFKC rests on, for every code point.
    changed = [chr(point) for point in range(sys.maxunicode + 1)
               if not 0xD800 <= point <= 0xDFFF
               and unicodedata.normalize("NFKC", chr(point)) != chr(point)]
    assert len(changed) > 4000  # 4,866 in Unicode 15
    for context in ("x{}x", "{}", "e{}\u0301", "\u1100{}\u1161"):
        assert not any(unicodedata.is_normalized("NFKC", context.format(character))
                       for character in changed), context


@pytest.fixture(scope="module", name="small_sqlite_archive")
def small_sqlite_archive_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("search") / "archive.db"
    engine = open_archive(f"sqlite:///{path}")
    with session_factory(engine)() as session:
        build_query_archive(session)
    yield engine
    engine.dispose()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=MAX_QUERY_CHARS + 20))
def test_any_text_either_searches_or_raises_query_error(
    small_sqlite_archive: Engine, query: str
) -> None:
    with session_factory(small_sqlite_archive)() as session:
        try:
            page = search_notices(session, query, limit=5)
        except QueryError as exc:
            assert str(exc)
        else:
            assert len(page.hits) <= 5


def test_source_ids_exist_in_the_fixture(session: Session, ids: dict[str, int]) -> None:
    # Guards the filter tests above: both sources hold notices.
    assert found(session, "", source_ids=(CAC,)) == {
        ids["summons_2023"],
        ids["quark"],
        ids["douyin_hant"],
    }


# --- the same answers as plain Python, whichever way a search is run ---------------------------


def python_matches(
    row: Any, parsed: ParsedQuery, filters: SearchFilters,
    mentions: dict[int, set[str | None]], metrics: dict[int, set[str | None]],
) -> bool:
    """Whether a notice_search row matches, decided on its text alone (no index)."""
    def holds(term: Term) -> bool:
        if term.short and gram_indexable(term.normal):
            return term.normal in short_grams(row.title + "\n" + row.body)
        return term.normal in row.title or term.normal in row.body

    if any(not any(holds(term) for term in group) for group in parsed.groups):
        return False
    if any(holds(term) for term in parsed.excluded):
        return False
    if filters.source_ids and row.source_id not in filters.source_ids:
        return False
    if filters.published_from and (
            row.published_at is None or row.published_at.date() < filters.published_from):
        return False
    if filters.published_to and (
            row.published_at is None or row.published_at.date() > filters.published_to):
        return False
    if filters.platform_id and filters.platform_id not in mentions.get(row.version_id, set()):
        return False
    if filters.metric and filters.metric not in metrics.get(row.version_id, set()):
        return False
    if filters.has_figures is not None and filters.has_figures != (row.version_id in metrics):
        return False
    return not (filters.language and row.language != filters.language)


def python_order(rows: list[Any], parsed: ParsedQuery, order: str, window: int) -> list[int]:
    def newest(row: Any) -> tuple[Any, ...]:
        return (row.published_at is not None, row.published_at or date.min, row.notice_id)

    if order == "oldest":
        return [row.notice_id for row in sorted(rows, key=newest)]
    by_date = sorted(rows, key=newest, reverse=True)
    if order == "newest" or parsed.empty:
        return [row.notice_id for row in by_date]

    def score(row: Any) -> int:
        return sum((10 if term.normal in row.title else 0) + min(row.body.count(term.normal), 50)
                   for term in parsed.terms)

    ranked = sorted(by_date[:window], key=score, reverse=True)  # stable: newest first on ties
    return [row.notice_id for row in ranked + by_date[window:]]


RANDOM_QUERIES = (
    "约谈", "約談", "网信", "专项行动", "清朗 约谈", "\"清朗 约谈\"", "约谈 OR summoned",
    "约 -谈", "summoned platform", "PLATFORM", "ab", "x", "5万", "100%", "a_b", "谈",
    "小红书 -抖音", "fined OR 罚款 通报", "nothing-here", "",
)
RANDOM_FILTERS = (
    SearchFilters(),
    SearchFilters(platform_id="douyin"),
    SearchFilters(metric="websites_summoned"),
    SearchFilters(source_ids=(CAC,), published_from=date(2021, 1, 1)),
    SearchFilters(published_to=date(2022, 6, 30), language="zh"),
    SearchFilters(has_figures=False, platform_id="kuaishou"),
)


@pytest.mark.parametrize(("first_prefix", "common_grams"), [(4, False), (1, False), (4, True)],
                         ids=["default", "many-prefixes", "common-grams"])
def test_searches_give_what_plain_python_gives(
    session: Session, monkeypatch: pytest.MonkeyPatch, first_prefix: int, common_grams: bool
) -> None:
    # A first prefix of one notice per match needed, growing at most fourfold, takes SQLite's
    # walk through several prefixes on most queries.
    monkeypatch.setattr(search, "FIRST_PREFIX", first_prefix)
    if first_prefix == 1:
        monkeypatch.setattr(search, "PREFIX_GROWTH", 4)
    monkeypatch.setattr(search, "RANK_WINDOW", 7)
    monkeypatch.setattr(search, "COUNT_CAP", 12)
    build_random_archive(session, 11, notices=70)
    rows = session.execute(select(notice_search)).all()
    if common_grams:
        # PostgreSQL tests every CJK term on the text, as for terms its statistics call common.
        every = frozenset(gram for row in rows for gram in row.grams)
        monkeypatch.setattr(search, "_common_grams", lambda _session: every)
    mentions: dict[int, set[str | None]] = {}
    for version_id, platform_id in session.execute(
            select(PlatformMention.version_id, PlatformMention.platform_id)):
        mentions.setdefault(version_id, set()).add(platform_id)
    metrics: dict[int, set[str | None]] = {}
    for version_id, metric in session.execute(select(Figure.version_id, Figure.metric)):
        metrics.setdefault(version_id, set()).add(metric)
    nonempty = 0
    for query in RANDOM_QUERIES:
        parsed = parse_query(query)
        for filters in RANDOM_FILTERS:
            matching = [row for row in rows
                        if python_matches(row, parsed, filters, mentions, metrics)]
            nonempty += bool(matching)
            for order in ("relevance", "newest", "oldest"):
                expected = python_order(matching, parsed, order, 7)
                for offset, limit in ((0, 3), (6, 3), (12, 30)):
                    page = search_notices(session, query, filters, limit=limit,
                                          offset=offset, order=order)  # type: ignore[arg-type]
                    assert [hit.notice_id for hit in page.hits] == (
                        expected[offset:offset + limit]), (query, filters, order, offset)
                    assert page.total == min(len(expected), 12)
                    assert page.total_capped == (len(expected) > 12)
            assert matching_notice_ids(session, query, filters) == python_order(
                matching, parsed, "newest", 7)
    assert nonempty > 40


def test_common_grams_come_from_postgresql_statistics(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL's planner statistics")
    monkeypatch.setattr(search, "_common_grams_read", {})
    build_random_archive(session, 11, notices=70)
    session.commit()
    counts: dict[str, int] = {}
    for grams in session.scalars(select(notice_search.c.grams)):
        for gram in grams:
            counts[gram] = counts.get(gram, 0) + 1
    session.execute(text("ANALYZE notice_search"))
    common = search._common_grams(session)
    assert max(counts, key=lambda gram: counts[gram]) in common
    assert common <= set(counts)
