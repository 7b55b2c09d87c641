"""Importing this module imports what a crawl would otherwise import when it starts.

`crawler.childrunner.ChildCrawlRunner` forks each crawl from a process that imported this once,
so no scheduled crawl spends seconds importing Scrapy's components, the pipeline, the extraction
catalogues and the alert rules, or loading the catalogues. It only imports and loads: it starts
no thread, opens no connection and does not install Twisted's reactor (the child installs the
one the settings name).
"""

from __future__ import annotations

import contextlib
import importlib
from typing import Any

from scrapy.settings import Settings

# Settings whose values (or, for component dicts, keys and values) name classes to import.
_ROOTS = ("scrapy.", "crawler.", "twisted.")


def _dotted_paths(value: Any) -> list[str]:
    if hasattr(value, "copy_to_dict"):
        value = value.copy_to_dict()
    candidates = [*value.keys(), *value.values()] if isinstance(value, dict) else [value]
    return [
        candidate
        for candidate in candidates
        if isinstance(candidate, str) and candidate.startswith(_ROOTS) and " " not in candidate
    ]


def _component_modules() -> set[str]:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    modules: set[str] = set()
    for name in list(settings.attributes):
        # Read without `get`, which warns about deprecated names.
        for path in _dotted_paths(settings.attributes[name].value):
            modules.add(path.rsplit(".", 1)[0])
    return modules


def _import_all() -> None:
    for module in sorted(_component_modules()):
        # An optional component that cannot import (s3 without botocore) is the crawl's to
        # report, if it uses it.
        with contextlib.suppress(Exception):
            importlib.import_module(module)
    for module in (
        "scrapy.crawler",
        "crawler.spiders.notices",
        "crawler.runner",
        "diffing.extract",
        "storage.analysis",
        "alerts.outbox",
        "storage.db",
        "storage.archive",
    ):
        importlib.import_module(module)
    # The archive's schema version, read from the migration scripts once instead of per crawl.
    from storage.db import head_revisions

    head_revisions()
    # The extraction catalogues, loaded once: every crawl, and the archive writer it forks,
    # inherits them instead of loading them before its first notice.
    from crawler.archivewriter import warm_extraction

    warm_extraction()


_import_all()
