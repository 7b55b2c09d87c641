"""Benchmark 5, archive queries: search, filters and a figure series over N generated notices.

An archive of ``size`` notices (100,000 and 1,000,000 in BENCHMARKS.md) is written straight
into a fresh database, SQLite and PostgreSQL, through the archive's own schema (migrations
included) and search-index rows made by :mod:`storage.search`'s normal form. Notice texts come
from the synthetic site's writers (each notice its own numbers, platforms and date, spread over
sixteen years across three sources); their figures and platform mentions are those regwatch's
extractor found in a pool of the generated texts, stored with each notice's own date. Then each
query runs ``repeats`` times through :func:`storage.search.search_notices` and
:func:`storage.queries.figure_series`, the functions the API and pages call; p50 and p95 in ms.
Aim: p95 under 50 ms at 1,000,000 notices.
"""

from __future__ import annotations

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
BATCH = 5_000
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
    from diffing.periods import Period

    parsed = Period.parse(period)
    return parsed.kind if parsed else None


def document_number(notice_id: int) -> str:
    return f"文号：网信发〔{2010 + notice_id % 17}〕{notice_id}号"


def generated_rows(size: int, seed: int = 5) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Batches of rows for the archive tables, notice ids 1..size, oldest first."""
    from storage.search import normalise, short_grams

    pool = FindingsPool(seed, min(POOL, size))
    rng = random.Random(seed)
    span = (NEWEST - OLDEST).total_seconds()
    fetched = NEWEST + timedelta(days=1)
    batch: dict[str, list[dict[str, Any]]] = {k: [] for k in (
        "notices", "notice_versions", "notice_search", "figures", "platform_mentions")}
    for notice_id in range(1, size + 1):
        title, body, language, figures, mentions = pool.entries[
            rng.randrange(len(pool.entries))]
        # Each notice its own document number, so no two texts are the same.
        body = f"{body}\n{document_number(notice_id)}"
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
        normal_title, normal_body = normalise(title), normalise(body)
        batch["notice_search"].append({
            "notice_id": notice_id, "version_id": notice_id, "source_id": source_id,
            "published_at": published, "language": language, "title": normal_title,
            "body": normal_body, "grams": short_grams(normal_title + "\n" + normal_body),
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
    """Write ``size`` generated notices; seconds it took."""
    from storage.models import Figure, Notice, NoticeVersion, PlatformMention
    from storage.search import notice_search

    tables: dict[str, Any] = {
        "notices": Notice.__table__, "notice_versions": NoticeVersion.__table__,
        "notice_search": notice_search, "figures": Figure.__table__,
        "platform_mentions": PlatformMention.__table__}
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(insert(tables["notices"].metadata.tables["sources"]), [
            {"id": s, "name": s, "authority": "CAC", "language": "zh-Hans",
             "base_url": "https://www.cac.gov.cn"} for s in SOURCES])
    for batch in generated_rows(size):
        with engine.begin() as connection:
            for name, rows in batch.items():
                if rows:
                    connection.execute(insert(tables[name]), rows)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    return time.perf_counter() - started


# --- the queries ---------------------------------------------------------------------------


def query_set(size: int) -> dict[str, Callable[[Any], int]]:
    """Name → a function of a session that runs one query and returns how many rows it found."""
    from storage.queries import figure_series
    from storage.search import SearchFilters, search_notices

    def search(query: str, **filters: Any) -> Callable[[Any], int]:
        return lambda session: len(search_notices(
            session, query, SearchFilters(**filters) if filters else None).hits)

    def series(metric: str) -> Callable[[Any], int]:
        return lambda session: len(figure_series(session, metric))

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
    }


def time_queries(engine: Engine, size: int, repeats: int) -> dict[str, Any]:
    from storage.db import session_factory

    sessions = session_factory(engine)
    timings: dict[str, list[float]] = {}
    found: dict[str, int] = {}
    queries = query_set(size)
    with sessions() as session:
        for name, query in queries.items():  # warm-up: plans, caches, catalogues
            found[name] = query(session)
        for _ in range(repeats):
            for name, query in queries.items():
                started = time.perf_counter()
                query(session)
                timings.setdefault(name, []).append((time.perf_counter() - started) * 1000)
    result: dict[str, Any] = {}
    for name, values in timings.items():
        values.sort()
        result[f"{name}_p50_ms"] = round(statistics.median(values), 2)
        result[f"{name}_p95_ms"] = round(values[min(len(values) - 1,
                                                    int(len(values) * 0.95))], 2)
    result["search_hits_min"] = min(v for k, v in found.items() if k.startswith("search"))
    result["worst_p95_ms"] = max(v for k, v in result.items() if k.endswith("_p95_ms"))
    return result


def measure(url: str, size: int, repeats: int) -> dict[str, Any]:
    from storage.db import open_archive

    engine = open_archive(url)
    try:
        fill_seconds = fill_archive(engine, size)
        with engine.connect() as connection:
            notices = connection.execute(text("SELECT count(*) FROM notices")).scalar_one()
        return {"notices": notices, "fill_s": round(fill_seconds, 1),
                **time_queries(engine, size, repeats)}
    finally:
        engine.dispose()


def postgres_database(size: int) -> tuple[str, Callable[[], None]] | str:
    """A fresh database on the PostgreSQL server and how to drop it; or why there is none."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import OperationalError

    server = make_url(postgres_server_url())
    name = f"regwatch_bench_{size}_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except OperationalError as exc:
        admin.dispose()
        return f"PostgreSQL at {server.render_as_string(hide_password=True)} unreachable: " + (
            str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__)

    def drop() -> None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop


def run(size: int, *, backends: str = "both", repeats: int = 40) -> dict[str, Any]:
    result: dict[str, Any] = {"benchmark": "query", "size": size, "repeats": repeats,
                              "aim_p95_ms": AIM_P95_MS}
    if backends in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="regwatch-bench-query-") as scratch:
            measured = measure(f"sqlite:///{Path(scratch) / 'archive.db'}", size, repeats)
        result.update({f"sqlite_{k}": v for k, v in measured.items()})
    if backends in ("postgresql", "both"):
        database = postgres_database(size)
        if isinstance(database, str):
            result["postgresql_skipped"] = database
        else:
            url, drop = database
            try:
                measured = measure(url, size, repeats)
            finally:
                drop()
            result.update({f"postgresql_{k}": v for k, v in measured.items()})
    worst = [v for k, v in result.items() if k.endswith("worst_p95_ms")]
    if worst:
        result["aim_met"] = max(worst) < AIM_P95_MS
    return result
