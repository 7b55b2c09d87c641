"""What a spider yields: one notice page as fetched, its fields located but not yet archived."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class NoticeItem:
    """A notice page located by a spider; the archive pipeline turns it into a version."""

    source_id: str
    url: str
    title: str
    published_at: datetime | None
    language: str
    text: str
    html: str
    raw: bytes
    http_status: int
    http_headers: dict[str, str]
    encoding: str
    fetched_at: datetime
    attachments: list[dict[str, str]] = field(default_factory=list)
