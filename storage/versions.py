"""A notice's versions: one version with its findings, and what changed between two.

The rows are read here; the comparisons are :mod:`diffing`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from diffing.compare import FigureChange, PlatformChange, diff_figures, diff_platforms, text_diff
from diffing.sidebyside import DiffLine, side_by_side
from storage import archive
from storage.findings import figures_of, mention_of, version_figures, version_mentions
from storage.listings import listings_of
from storage.models import Figure, Notice, NoticeListing, NoticeVersion, PlatformMention, Source


class VersionNotFoundError(LookupError):
    """A version number the notice does not have."""


@dataclass(frozen=True)
class NoticeDetail:
    """A notice with one of its versions (the latest unless asked) and that version's findings."""

    notice: Notice
    source: Source
    version: NoticeVersion
    versions: list[NoticeVersion]
    figures: list[Figure]
    mentions: list[PlatformMention]
    # Every source's list that found the notice, at every URL it gave.
    listings: list[NoticeListing] = field(default_factory=list)


def notice_detail(
    session: Session, notice_id: int, version_number: int | None = None
) -> NoticeDetail | None:
    """The notice and the version asked for; None for an unknown notice (or one without any
    version). Raises `VersionNotFoundError` for a version number it does not have."""
    notice = session.get(Notice, notice_id)
    if notice is None:
        return None
    every = archive.versions(session, notice_id)
    if not every:
        return None
    if version_number is None:
        version = every[-1]
    else:
        chosen = [candidate for candidate in every if candidate.number == version_number]
        if not chosen:
            raise VersionNotFoundError(
                f"notice {notice_id} has versions 1 to {every[-1].number}, not {version_number}"
            )
        version = chosen[0]
    source = session.get(Source, notice.source_id)
    assert source is not None  # a foreign key guarantees it
    return NoticeDetail(
        notice=notice,
        source=source,
        version=version,
        versions=every,
        figures=version_figures(session, version.id),
        mentions=version_mentions(session, version.id),
        listings=listings_of(session, notice.id),
    )



@dataclass(frozen=True)
class VersionDiff:
    notice: Notice
    old: NoticeVersion
    new: NoticeVersion
    unified: str
    rows: list[DiffLine]
    title_changed: bool
    figure_changes: list[FigureChange]
    platform_changes: list[PlatformChange]


def version_diff(
    session: Session,
    notice_id: int,
    from_number: int | None = None,
    to_number: int | None = None,
) -> VersionDiff | None:
    """What changed between two versions (default: the one before the latest, and the latest;
    a notice with one version is compared with itself). None for an unknown notice; raises
    `VersionNotFoundError` for a number it does not have."""
    notice = session.get(Notice, notice_id)
    every = archive.versions(session, notice_id) if notice is not None else []
    if notice is None or not every:
        return None
    by_number = {version.number: version for version in every}
    new_number = to_number if to_number is not None else every[-1].number
    old_number = from_number if from_number is not None else max(1, new_number - 1)
    for number in (old_number, new_number):
        if number not in by_number:
            raise VersionNotFoundError(
                f"notice {notice_id} has versions 1 to {every[-1].number}, not {number}"
            )
    old, new = by_number[old_number], by_number[new_number]
    return VersionDiff(
        notice=notice,
        old=old,
        new=new,
        unified=text_diff(
            old.text, new.text, old_label=f"version {old.number}", new_label=f"version {new.number}"
        ),
        rows=side_by_side(old.text, new.text),
        title_changed=old.title != new.title,
        figure_changes=diff_figures(
            figures_of(version_figures(session, old.id)),
            figures_of(version_figures(session, new.id)),
        ),
        platform_changes=diff_platforms(
            [mention_of(row) for row in version_mentions(session, old.id)],
            [mention_of(row) for row in version_mentions(session, new.id)],
        ),
    )
