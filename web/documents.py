"""The API's JSON documents of archive answers: a search hit, a notice with a version, a diff,
a series point, a platform, an event. ``regwatch`` commands print the same with ``--json``.

Figures, mentions, events and amounts have their one shape in :mod:`diffing.documents`.
"""

from __future__ import annotations

from typing import Any

from diffing.documents import (
    decimal_text,
    event_document,
    figure_document,
    mention_document,
)
from diffing.platforms import load_platforms
from storage.models import ChangeEvent, NoticeVersion
from storage.platforms import PlatformSummary
from storage.search import SearchHit
from storage.series import SeriesPoint
from storage.versions import NoticeDetail, VersionDiff


def hit_json(hit: SearchHit) -> dict[str, Any]:
    return {
        "id": hit.notice_id,
        "source_id": hit.source_id,
        "url": hit.url,
        "title": hit.title,
        "title_marks": [{"start": s, "end": e} for s, e in hit.title_marks],
        "published_at": hit.published_at,
        "language": hit.language,
        "score": hit.score,
        "snippet": {
            "text": hit.snippet.text,
            "marks": [{"start": s, "end": e} for s, e in hit.snippet.marks],
        },
    }


def notice_json(detail: NoticeDetail) -> dict[str, Any]:
    notice, version = detail.notice, detail.version
    return {
        "id": notice.id,
        "source_id": notice.source_id,
        "source_name": detail.source.name,
        "sources": sorted({listing.source_id for listing in detail.listings}),
        "url": notice.url,
        "fetched_url": notice.fetched_url,
        "title": version.title,
        "published_at": version.published_at,
        "language": notice.language,
        "first_seen_at": notice.first_seen_at,
        "last_seen_at": notice.last_seen_at,
        "last_checked_at": notice.last_checked_at,
        "version": version_json(version),
        "versions": len(detail.versions),
        "text": version.text,
        "figures": [figure_document(figure) for figure in detail.figures],
        "platforms": [mention_document(mention) for mention in detail.mentions],
    }


def version_json(version: NoticeVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "title": version.title,
        "published_at": version.published_at,
        "fetched_at": version.fetched_at,
        "content_hash": version.content_hash,
        "http_status": version.http_status,
    }


def diff_json(diff: VersionDiff) -> dict[str, Any]:
    return {
        "notice_id": diff.notice.id,
        "from_version": diff.old.number,
        "to_version": diff.new.number,
        "title_changed": diff.title_changed,
        "old_title": diff.old.title,
        "new_title": diff.new.title,
        "unified": diff.unified,
        "rows": [
            {
                "tag": row.tag,
                "old": row.old,
                "new": row.new,
                "old_line": row.old_number,
                "new_line": row.new_number,
            }
            for row in diff.rows
        ],
        "figures": [
            {
                "kind": change.kind,
                "metric": change.metric,
                "scope": change.scope,
                "period": change.period,
                "unit": change.unit,
                "old_value": decimal_text(change.old.value) if change.old else None,
                "new_value": decimal_text(change.new.value) if change.new else None,
                "old_text": change.old.text if change.old else None,
                "new_text": change.new.text if change.new else None,
            }
            for change in diff.figure_changes
        ],
        "platforms": [
            {
                "kind": change.kind,
                "key": change.key,
                "old_actions": list(change.old_actions),
                "new_actions": list(change.new_actions),
            }
            for change in diff.platform_changes
        ],
    }


def series_point_json(point: SeriesPoint, notices_limit: int) -> dict[str, Any]:
    newest = point.newest_notices(notices_limit + 1)
    return {
        "period": point.period,
        "period_kind": point.period_kind,
        "scope": point.scope,
        "unit": point.unit,
        "value": decimal_text(point.value),
        "as_of": point.as_of,
        "label": point.label,
        "revised_from": decimal_text(point.revised_from),
        "revised_at": point.revised_at,
        "notices": [
            {
                "notice_id": notice.notice_id,
                "title": notice.title,
                "published_at": notice.published_at,
                "value": decimal_text(notice.value),
                "text": notice.text,
            }
            for notice in newest[:notices_limit]
        ],
        "notices_more": len(newest) > notices_limit,
    }


def platform_json(platform_id: str, summary: PlatformSummary | None) -> dict[str, Any]:
    known = load_platforms().platforms.get(platform_id)
    return {
        "id": platform_id,
        "names_zh": list(known.names_zh) if known else [],
        "names_en": list(known.names_en) if known else [],
        "kind": known.kind if known else None,
        "parent": known.parent if known else None,
        "notices": summary.notices if summary else 0,
        "mentions": summary.mentions if summary else 0,
        "last_named": summary.last_named if summary else None,
    }


def event_json(event: ChangeEvent) -> dict[str, Any]:
    """An event as :class:`web.schemas.EventOut` reads it (a payload is always an object)."""
    document = event_document(event)
    if not isinstance(event.payload, dict):
        document["payload"] = {}
    return document
