"""What a spider yields: one notice page as fetched, its fields located but not yet archived."""

from __future__ import annotations

from dataclasses import dataclass

from storage.archive import NoticePage


@dataclass(frozen=True)
class NoticeItem(NoticePage):
    """A notice page located by a spider; the archive pipeline turns it into a version."""
