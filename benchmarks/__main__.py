"""``python -m benchmarks crawl|recheck|alert|extract|query|memory|many-sources|scaling|crash|
reanalyse [--size N] [--smoke]``.

``python -m benchmarks evaluate [--corpus DIR] [--json] [--case ID] [--verbose]`` scores the
extractor on annotated real texts instead (see EVALUATION.md; it has its own options);
``python -m benchmarks agreement FIRST SECOND [--json]`` compares two independent annotations
of the same texts.

Each prints one JSON line of results and, unless ``--smoke`` (the small size CI runs to keep
the benchmark working) or ``--no-record``, appends a dated row to BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

# (default size, smoke size) of each benchmark.
SIZES = {
    "crawl": (1000, 30),
    "recheck": (3000, 40),
    "extract": (1000, 30),
    "memory": (10_000, 40),
    "alert": (200, 20),
    "query": (100_000, 300),
    # Sources (of five notices each), not notices.
    "many-sources": (1000, 20),
    # Sources, two per host, crawled by `regwatch worker`s (RabbitMQ and PostgreSQL needed).
    "scaling": (96, 8),
    "crash": (24, 8),
    # Notices archived, every fifth edited once, then re-analysed.
    "reanalyse": (3000, 30),
}


def run(name: str, size: int, args: argparse.Namespace) -> dict[str, Any]:
    if name == "crawl":
        from benchmarks import crawl

        if args.against:
            return crawl.compare(size, args.against, concurrency=args.concurrency,
                                 rounds=args.rounds or (1 if args.smoke else 5))
        return crawl.run(size, concurrency=args.concurrency, profile_dir=args.profile_dir,
                         rounds=args.rounds or (1 if args.smoke else 3))
    if name == "recheck":
        from benchmarks import recheck

        return recheck.run(size, concurrency=args.concurrency)
    if name == "extract":
        from benchmarks import extraction

        return extraction.run(size, concurrency=args.concurrency)
    if name == "memory":
        from benchmarks import memory

        return memory.run(size, runs=args.runs or (2 if args.smoke else 50),
                          concurrency=args.concurrency)
    if name == "alert":
        from benchmarks import alert

        return alert.run(size, smoke=args.smoke, samples=args.samples)
    if name in ("scaling", "crash"):
        from benchmarks import scaling

        if name == "crash":
            return scaling.run_crash(size)
        return scaling.run_scaling(size, (1, 2) if args.smoke else (1, 2, 4))
    if name == "reanalyse":
        from benchmarks import reanalysis

        return reanalysis.run(size, backends="sqlite" if args.smoke else args.backend)
    if name == "many-sources":
        from benchmarks import manysources

        return manysources.run(size)
    from benchmarks import query

    return query.run(size, backends=args.backend, repeats=5 if args.smoke else args.repeats,
                     keep=args.keep)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["evaluate"]:
        from benchmarks import evaluation

        return evaluation.main(argv[1:])
    if argv[:1] == ["agreement"]:
        from benchmarks import agreement

        return agreement.main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("benchmark", choices=[*sorted(SIZES), "evaluate", "agreement"])
    parser.add_argument("--size", type=int, help="notices (default: per benchmark)")
    parser.add_argument("--smoke", action="store_true",
                        help="a few seconds' run at a small size, not recorded")
    parser.add_argument("--no-record", action="store_true", help="do not append to BENCHMARKS.md")
    parser.add_argument("--concurrency", type=int, default=16,
                        help="Scrapy concurrency of both crawlers (default 16)")
    parser.add_argument("--runs", type=int, help="memory: scheduled runs of the service")
    parser.add_argument("--samples", type=int, default=5,
                        help="alert: notices published, one at a time")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both",
                        help="query, reanalyse: which archive backends")
    parser.add_argument("--repeats", type=int, default=40, help="query: timings per query")
    parser.add_argument("--keep", type=Path,
                        help="query: keep the filled archives (SQLite file in this directory, "
                             "PostgreSQL database on the server) and reuse them next time")
    parser.add_argument("--rounds", type=int,
                        help="crawl: rounds of bare, bare with Scrapy's defaults and regwatch, "
                             "alternated (default 3; smoke 1)")
    parser.add_argument("--against", metavar="REV",
                        help="crawl: compare this checkout's crawl with git revision REV's, "
                             "alternated in one run (default 5 rounds)")
    parser.add_argument("--profile-dir", type=Path,
                        help="crawl: write pyinstrument profiles of both crawls here")
    args = parser.parse_args(argv)
    if args.against and args.benchmark != "crawl":
        parser.error("--against compares first crawls: use it with `crawl`")
    default, smoke = SIZES[args.benchmark]
    size = args.size or (smoke if args.smoke else default)
    try:
        result = run(args.benchmark, size, args)
    except ValueError as exc:
        if not args.against:
            raise
        parser.error(str(exc))  # the revision to compare with cannot be checked out
    print(json.dumps(result, ensure_ascii=False), flush=True)
    if not (args.smoke or args.no_record):
        from benchmarks.record import append_row

        append_row(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
