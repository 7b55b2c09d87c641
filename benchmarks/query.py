"""Benchmark 5, archive queries: search, filters and a figure series over N generated notices.

An archive of ``size`` notices (100,000 and 1,000,000 in BENCHMARKS.md) is written straight
into a fresh database, SQLite and PostgreSQL, through the archive's own schema (migrations
included) and search-index rows made by :mod:`storage.search_index`'s normal form. Notice texts come
from the synthetic site's writers (each notice its own numbers, platforms and date, spread over
sixteen years across three sources); their figures and platform mentions are those regwatch's
extractor found in a pool of the generated texts, stored with each notice's own date. Then each
query runs ``repeats`` times through :func:`storage.search.search_notices` and
:func:`storage.series.figure_series`, the functions the API and pages call; p50 and p95 in ms
of wall time, and the median CPU ms of this process. ``figure_series`` reads the points (a
chart); ``figure_series_point_notices`` also reads the newest notices behind the newest point
(as many as /api/figures lists, and one more), ``figure_series_with_notices`` those of every
point (the metric page); ``series_notices_one_point`` is how many notices stand behind the
newest point in all. Aim: p95 under 50 ms at 1,000,000 notices.

The archive is written through bulk inserts with the secondary indexes and the FTS5 index
made after the load (see `fill_archive`); ``--keep DIR`` keeps it for the next run.
"""

from __future__ import annotations

import gc
import hashlib
import os
import random
import statistics
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, make_url, text

from benchmarks.sitegen import _chinese_writers, _english_writers

AIM_P95_MS = 50.0
BATCH = 10_000
POOL = 2_000
SOURCES = ("cac-hlwnrgl", "cac-wxfb", "miit-app")
OLDEST = datetime(2010, 1, 1, tzinfo=UTC)
NEWEST = datetime(2026, 11, 20, tzinfo=UTC)
POSTGRES_URL_ENV = "REGWATCH_BENCH_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_server_url() -> str:
    return os.environ.get(POSTGRES_URL_ENV) or os.environ.get(
        "REGWATCH_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


# --- the archive ---------------------------------------------------------------------------


class FindingsPool:
    """Figures and platform mentions the extractor found in generated texts, by writer output."""

    def __init__(self, seed: int, count: int = POOL) -> None:
        from diffing.extract import extract

        rng = random.Random(seed)
        self.entries: list[tuple[str, str, str, list[dict[str, Any]], list[dict[str, Any]]]] = []
        writers = _chinese_writers() + _english_writers()
        for number in range(count):
            writer = writers[number % len(writers)]
            published = NEWEST - timedelta(days=rng.randint(0, 5800))
            title, paragraphs = writer(rng, published)
            body = "\n".join(paragraphs)
            language = "en" if writer in _english_writers() else "zh-Hans"
            found = extract(body, published=published)
            figures = [
                {"metric": f.metric, "value": Decimal(f.value), "unit": f.unit,
                 "currency": f.currency, "period": f.period,
                 "period_kind": _period_kind(f.period), "scope": f.scope, "start": f.start,
                 "end": f.end, "text": f.text, "sentence": f.sentence[:2000],
                 "extractor_version": f.extractor_version}
                for f in found.figures
            ]
            mentions = [
                {"platform_id": m.id, "name": m.name[:200], "kind": m.kind, "action": m.action,
                 "actions": list(m.actions), "amount": m.amount.value if m.amount else None,
                 "currency": m.amount.currency if m.amount else None, "start": m.start,
                 "end": m.end, "sentence": m.sentence[:2000],
                 "extractor_version": found.extractor_version}
                for m in found.platforms
            ]
            self.entries.append((title, body, language, figures, mentions))


def _period_kind(period: str | None) -> str | None:
    from diffing.period import Period

    parsed = Period.parse(period)
    return parsed.kind if parsed else None


def document_number(notice_id: int) -> str:
    return f"文号：网信发〔{2010 + notice_id % 17}〕{notice_id}号"


def generated_rows(size: int, seed: int = 5) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Batches of rows for the archive tables, notice ids 1..size, oldest first.

    A notice's search row is its pool text's normal form and grams plus those of its document
    number line: the normal form works line by line and no gram crosses a line, so this is what
    `storage.search_index` makes of the whole text (checked on the first use of every pool text).
    """
    from storage.search_index import normalise, short_grams

    pool = FindingsPool(seed, min(POOL, size))
    normal_pool = [
        (normalise(title), normalise(body), set(short_grams(normalise(title) + "\n"
                                                              + normalise(body))))
        for title, body, _, _, _ in pool.entries
    ]
    checked: set[int] = set()
    rng = random.Random(seed)
    span = (NEWEST - OLDEST).total_seconds()
    fetched = NEWEST + timedelta(days=1)
    batch: dict[str, list[dict[str, Any]]] = {k: [] for k in TABLE_ORDER}
    for notice_id in range(1, size + 1):
        entry = rng.randrange(len(pool.entries))
        title, body, language, figures, mentions = pool.entries[entry]
        # Each notice its own document number, so no two texts are the same.
        number_line = document_number(notice_id)
        body = f"{body}\n{number_line}"
        published = OLDEST + timedelta(seconds=span * notice_id / size)
        source_id = SOURCES[notice_id % len(SOURCES)]
        url = f"https://www.cac.gov.cn/{published:%Y-%m}/{published:%d}/c_{notice_id}.htm"
        raw = f"<html><body><h1>{title}</h1><div>{body}</div></body></html>".encode()
        batch["notices"].append({
            "id": notice_id, "source_id": source_id, "url": url, "title": title,
            "published_at": published, "language": language, "first_seen_at": fetched,
            "last_seen_at": fetched, "last_checked_at": fetched, "etag": None,
            "last_modified": None,
        })
        batch["notice_versions"].append({
            "id": notice_id, "notice_id": notice_id, "number": 1, "title": title,
            "published_at": published, "text": body, "html": f"<div>{body}</div>",
            "content_hash": hashlib.sha256(f"{title}\n{body}".encode()).hexdigest(),
            "raw_gz": zlib.compress(raw, 1), "raw_sha256": hashlib.sha256(raw).hexdigest(),
            "raw_size": len(raw), "encoding": "utf-8", "http_status": 200,
            "http_headers": {}, "attachments": [], "fetched_at": fetched,
            "crawl_run_id": None,
        })
        normal_title, normal_pool_body, pool_grams = normal_pool[entry]
        normal_line = normalise(number_line)
        normal_body = f"{normal_pool_body}\n{normal_line}"
        grams = sorted(pool_grams.union(short_grams(normal_line)))
        if entry not in checked:
            checked.add(entry)
            direct = normalise(body)
            if direct != normal_body or short_grams(normal_title + "\n" + direct) != grams:
                raise AssertionError(f"pool text {entry}: the search row differs from "
                                     "storage.search_index's normal form")
        batch["notice_search"].append({
            "notice_id": notice_id, "version_id": notice_id, "source_id": source_id,
            "published_at": published, "language": language, "title": normal_title,
            "body": normal_body, "grams": grams,
        })
        for figure in figures:
            batch["figures"].append({**figure, "version_id": notice_id, "notice_id": notice_id,
                                     "source_id": source_id, "published_at": published})
        for mention in mentions:
            batch["platform_mentions"].append({**mention, "version_id": notice_id,
                                               "notice_id": notice_id, "source_id": source_id,
                                               "published_at": published})
        if len(batch["notices"]) >= BATCH:
            yield batch
            batch = {k: [] for k in batch}
    if batch["notices"]:
        yield batch


def fill_archive(engine: Engine, size: int) -> float:
    """Write ``size`` generated notices; seconds it took.

    The rows are those the archive stores, in the migrated schema. For speed the secondary
    indexes, the search index's FTS5 tables and their triggers are dropped first and made
    again from their own definitions after the load (one transaction per `BATCH` notices);
    PostgreSQL loads through COPY.
    """
    from storage.models import Base
    from storage.search_index import notice_search

    tables: dict[str, Any] = {name: Base.metadata.tables[name] for name in TABLE_ORDER
                              if name != "notice_search"}
    tables["notice_search"] = notice_search
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(insert(Base.metadata.tables["sources"]), [
            {"id": s, "name": s, "authority": "CAC", "language": "zh-Hans",
             "base_url": "https://www.cac.gov.cn"} for s in SOURCES])
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        recreate = _drop_secondary_indexes(connection, list(tables))
    for batch in generated_rows(size):
        with engine.begin() as connection:
            for name in TABLE_ORDER:
                rows = batch[name]
                if not rows:
                    continue
                if postgres:
                    _copy_rows(connection, tables[name], rows)
                else:
                    connection.execute(insert(tables[name]), rows)
    with engine.begin() as connection:
        if postgres:
            connection.exec_driver_sql("SET maintenance_work_mem = '1GB'")
        for statement in recreate:
            connection.exec_driver_sql(statement)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    return time.perf_counter() - started


TABLE_ORDER = ("notices", "notice_versions", "notice_search", "figures", "platform_mentions")


def _drop_secondary_indexes(connection: Any, tables: list[str]) -> list[str]:
    """Drop the tables' non-unique indexes (and on SQLite the FTS5 tables' triggers, emptying
    nothing: the FTS5 tables are external-content and rebuilt); the statements that restore
    them exactly, in order."""
    names = ", ".join(f"'{name}'" for name in tables)
    recreate: list[str] = []
    if connection.dialect.name == "postgresql":
        rows = connection.exec_driver_sql(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "JOIN pg_class c ON c.relname = i.indexname "
            "JOIN pg_index x ON x.indexrelid = c.oid "
            f"WHERE i.schemaname = current_schema() AND i.tablename IN ({names}) "
            "AND NOT x.indisunique").all()
        for name, definition in rows:
            connection.exec_driver_sql(f'DROP INDEX "{name}"')
            recreate.append(definition)
        return recreate
    rows = connection.exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
        f"AND tbl_name IN ({names}) AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'"
    ).all()
    for kind, name, definition in rows:
        connection.exec_driver_sql(f'DROP {kind.upper()} "{name}"')
        recreate.append(definition)
    from storage.search_index import SQLITE_GRAMS_TABLE, SQLITE_TRIGRAM_TABLE

    recreate.extend(f"INSERT INTO {table}({table}) VALUES ('rebuild')"
                    for table in (SQLITE_TRIGRAM_TABLE, SQLITE_GRAMS_TABLE))
    return recreate


def _copy_rows(connection: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """COPY ``rows`` into ``table``, each value as the column's type would bind it."""
    from psycopg.types.json import Json
    from sqlalchemy import JSON

    columns = list(rows[0])
    as_json = {name for name in columns if isinstance(table.c[name].type, JSON)}
    quoted = ", ".join(f'"{name}"' for name in columns)
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([Json(row[name]) if name in as_json else row[name]
                            for name in columns])


# --- the queries ---------------------------------------------------------------------------


def query_set(size: int) -> dict[str, Callable[[Any], int]]:
    """Name → a function of a session that runs one query and returns how many rows it found."""
    from storage.search import SearchFilters, search_notices
    from storage.series import figure_series
    from web.parameters import SERIES_NOTICES

    def search(query: str, **filters: Any) -> Callable[[Any], int]:
        return lambda session: len(search_notices(
            session, query, SearchFilters(**filters) if filters else None).hits)

    def series(metric: str) -> Callable[[Any], int]:
        return lambda session: len(figure_series(session, metric))

    def point_notices(metric: str) -> Callable[[Any], int]:
        # What /api/figures and the metric page read for one point: its newest notices and
        # whether there are more.
        return lambda session: len(figure_series(session, metric)[-1].newest_notices(
            SERIES_NOTICES + 1))

    def series_page(metric: str) -> Callable[[Any], int]:
        # The metric page and /api/figures by default: every point with its newest notices.
        return lambda session: sum(len(point.newest_notices(SERIES_NOTICES + 1))
                                   for point in figure_series(session, metric))

    return {
        "search_zh_term": search("约谈"),
        "search_zh_phrase": search("\"清朗\" 专项行动"),
        "search_platform_name": search("小红书"),
        "search_en_words": search("summoned platform"),
        "search_rare": search(document_number(size // 2).removeprefix("文号：")),
        "filter_source_and_dates": search("", source_ids=("cac-wxfb",),
                                          published_from=date(2024, 1, 1),
                                          published_to=date(2024, 6, 30)),
        "filter_platform": search("", platform_id="douyin"),
        "filter_metric_with_term": search("网信", metric="websites_summoned"),
        "figure_series": series("websites_summoned"),
        "figure_series_point_notices": point_notices("websites_summoned"),
        "figure_series_with_notices": series_page("websites_summoned"),
    }


def time_queries(engine: Engine, size: int, repeats: int) -> dict[str, Any]:
    """p50 and p95 wall milliseconds of each query, and the median CPU milliseconds of this
    process (the client side; a PostgreSQL server's own CPU is not in it)."""
    from storage.db import session_factory
    from storage.series import figure_series

    sessions = session_factory(engine)
    timings: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    found: dict[str, int] = {}
    queries = query_set(size)
    for name, query in queries.items():  # warm-up: plans, caches, catalogues
        with sessions() as session:
            found[name] = query(session)
    # As `regwatch serve` and `regwatch web` do once started (the collector skips what
    # start-up made), and a session per query, as each request has its own.
    gc.freeze()
    try:
        for _ in range(repeats):
            for name, query in queries.items():
                started, started_cpu = time.perf_counter(), time.process_time()
                with sessions() as session:
                    query(session)
                timings.setdefault(name, []).append((time.perf_counter() - started) * 1000)
                cpu.setdefault(name, []).append((time.process_time() - started_cpu) * 1000)
    finally:
        gc.unfreeze()
    result: dict[str, Any] = {}
    for name, values in timings.items():
        values.sort()
        result[f"{name}_p50_ms"] = round(statistics.median(values), 2)
        result[f"{name}_p95_ms"] = round(values[min(len(values) - 1,
                                                    int(len(values) * 0.95))], 2)
        result[f"{name}_cpu_p50_ms"] = round(statistics.median(cpu[name]), 2)
    result["search_hits_min"] = min(v for k, v in found.items() if k.startswith("search"))
    with sessions() as session:
        result["series_notices_one_point"] = len(
            figure_series(session, "websites_summoned")[-1].notices)
    result["worst_p95_ms"] = max(v for k, v in result.items() if k.endswith("_p95_ms"))
    return result


def measure(url: str, size: int, repeats: int, *, reuse: bool = False) -> dict[str, Any]:
    """Fill the archive at ``url`` (or, with ``reuse``, keep the one there when it holds
    ``size`` notices) and time the queries."""
    from storage.db import open_archive

    engine = open_archive(url)
    try:
        with engine.connect() as connection:
            notices = connection.execute(text("SELECT count(*) FROM notices")).scalar_one()
        filled: dict[str, Any] = {"reused": True}
        if not (reuse and notices == size):
            if notices:
                raise RuntimeError(f"{engine.url.render_as_string()} already holds notices")
            filled = {"fill_s": round(fill_archive(engine, size), 1)}
            with engine.connect() as connection:
                notices = connection.execute(text("SELECT count(*) FROM notices")).scalar_one()
        else:
            # Migrations run on opening may have added indexes; plan with fresh statistics.
            with engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        return {"notices": notices, **filled, **time_queries(engine, size, repeats)}
    finally:
        engine.dispose()


def postgres_database(size: int, *, kept: bool = False
                      ) -> tuple[str, Callable[[], None], bool] | str:
    """A database on the PostgreSQL server, how to drop it and whether it existed before (only
    a ``kept`` one, named after ``size``, is looked for and left in place); or why there is
    none."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import OperationalError

    server = make_url(postgres_server_url())
    name = f"regwatch_bench_kept_{size}" if kept else f"regwatch_bench_{size}_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            existed = bool(connection.exec_driver_sql(
                "SELECT 1 FROM pg_database WHERE datname = %(name)s", {"name": name}).scalar())
            if not existed:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except OperationalError as exc:
        admin.dispose()
        return f"PostgreSQL at {server.render_as_string(hide_password=True)} unreachable: " + (
            str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__)

    def drop() -> None:
        if not kept:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop, existed


def run(size: int, *, backends: str = "both", repeats: int = 40,
        keep: Path | None = None) -> dict[str, Any]:
    """Measure on fresh archives; with ``keep``, the SQLite archive lives in that directory
    and the PostgreSQL database is left on the server, and a later run with the same ``keep``
    and size queries them again instead of writing a million notices anew."""
    result: dict[str, Any] = {"benchmark": "query", "size": size, "repeats": repeats,
                              "aim_p95_ms": AIM_P95_MS}
    if backends in ("sqlite", "both"):
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            measured = measure(f"sqlite:///{keep / f'query-{size}.db'}", size, repeats,
                               reuse=True)
        else:
            with tempfile.TemporaryDirectory(prefix="regwatch-bench-query-") as scratch:
                measured = measure(f"sqlite:///{Path(scratch) / 'archive.db'}", size, repeats)
        result.update({f"sqlite_{k}": v for k, v in measured.items()})
    if backends in ("postgresql", "both"):
        database = postgres_database(size, kept=keep is not None)
        if isinstance(database, str):
            result["postgresql_skipped"] = database
        else:
            url, drop, existed = database
            try:
                measured = measure(url, size, repeats, reuse=existed)
            finally:
                drop()
            result.update({f"postgresql_{k}": v for k, v in measured.items()})
    worst = [v for k, v in result.items() if k.endswith("worst_p95_ms")]
    if worst:
        result["aim_met"] = max(worst) < AIM_P95_MS
    return result
