"""The archive's read functions under their former module, for the command modules only.

Each question now has its module: :mod:`storage.versions`, :mod:`storage.series`,
:mod:`storage.platforms`, :mod:`storage.events`, :mod:`storage.sources` and
:mod:`storage.export`. The commands import these names from here until they move to ``cli/``;
then this module goes.
"""

from __future__ import annotations

from diffing.documents import event_document as event_json
from storage.aware_datetime import day_start
from storage.events import EventFilters, list_events
from storage.export import EXPORT_KINDS, count_export, export_rows
from storage.platforms import platform_summaries
from storage.series import figure_series, metric_names, series_notice_counts
from storage.versions import VersionNotFoundError, notice_detail, version_diff

__all__ = [
    "EXPORT_KINDS",
    "EventFilters",
    "VersionNotFoundError",
    "count_export",
    "day_start",
    "event_json",
    "export_rows",
    "figure_series",
    "list_events",
    "metric_names",
    "notice_detail",
    "platform_summaries",
    "series_notice_counts",
    "version_diff",
]
